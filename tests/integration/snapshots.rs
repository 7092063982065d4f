//! The expected observations of every fixed check, computed by the Rust
//! reference, are insta snapshots in `exercises/<id>/snapshots/fixed.snap`.
//! The grader reads the same files back (embedded) at grade time.

use pyinterview::catalog::{Catalog, FixedCall, FixedCheck};
use pyinterview::exercises;

use crate::support::root;

fn reference_checks(id: &str) -> Vec<FixedCheck> {
    exercises::find(id)
        .expect("registered")
        .reference_fixed()
        .into_iter()
        .map(|check| FixedCheck {
            id: check.id.to_string(),
            check: check.name,
            calls: check
                .calls
                .into_iter()
                .map(|call| FixedCall {
                    call: call.description,
                    expected: call.expected,
                })
                .collect(),
        })
        .collect()
}

#[test]
fn rust_reference_matches_the_snapshots() {
    for id in exercises::ids() {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(root().join("exercises").join(id).join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.set_info(&format!(
            "expected observations of the fixed checks of `{id}`"
        ));
        let checks = reference_checks(id);
        settings.bind(|| insta::assert_json_snapshot!("fixed", checks));
    }
}

#[test]
fn the_embedded_snapshots_are_the_files_on_disk() {
    // The binary embeds the snapshots at build time; a stale embedding would
    // grade against old expectations.
    for id in exercises::ids() {
        let path = root()
            .join("exercises")
            .join(id)
            .join("snapshots/fixed.snap");
        let on_disk = std::fs::read_to_string(&path).expect("snapshot exists");
        let parsed = pyinterview::catalog::parse_snapshot(&on_disk).expect("snapshot parses");
        let embedded = &Catalog::get().exercise(id).expect("catalogued").fixed;
        assert_eq!(
            &parsed, embedded,
            "{id}: rebuild to embed the current snapshot"
        );
    }
}
