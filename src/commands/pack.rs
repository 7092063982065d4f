use std::collections::BTreeMap;
use std::path::Path;

use anstream::println;

use crate::archive::{self, SelfCheck};
use crate::cli::Outcome;
use crate::grade::model::Status;
use crate::grade::{GradeOptions, grade_submission};
use crate::workspace;

use super::{Error, sandbox, workspace_note};

pub fn run(workspace_dir: Option<&Path>, output: Option<&Path>) -> Result<Outcome, Error> {
    let dir = workspace::resolve(workspace_dir)?;
    let manifest = workspace::load(&dir)?;
    if let Some(note) = workspace_note(&dir) {
        println!("{note}");
    }
    let out = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| archive::default_output(&dir));
    // Before the checks run: a refused path should not cost their time.
    archive::check_output(&dir, &manifest, &out)?;
    // The candidate's own checks, as `check` runs them, recorded in the archive.
    let options = GradeOptions {
        seed: manifest.seed,
        exercises: manifest.ids(),
        ..GradeOptions::default()
    };
    let result = grade_submission(&mut sandbox()?, &dir, &options)?;
    let self_checks: BTreeMap<String, SelfCheck> = result
        .exercises
        .iter()
        .map(|e| {
            let passed = e
                .checks
                .iter()
                .filter(|c| c.status == Status::Passed)
                .count();
            (
                e.id.clone(),
                SelfCheck {
                    score: e.score,
                    max_score: e.max_score,
                    passed,
                    checks: e.checks.len(),
                },
            )
        })
        .collect();
    let packed = archive::pack(&dir, &manifest, &self_checks, result.python.as_ref(), &out)?;
    println!(
        "{} {}",
        if packed.replaced { "Replaced" } else { "Wrote" },
        out.display()
    );
    for exercise in &packed.manifest.exercises {
        match (&exercise.sha256, self_checks.get(&exercise.id)) {
            (None, _) => println!(
                "  {:<14} missing: {}.py is not in the workspace",
                exercise.id, exercise.id
            ),
            (Some(_), Some(check)) => {
                println!(
                    "  {:<14} {}/{} checks pass",
                    exercise.id, check.passed, check.checks
                )
            }
            (Some(_), None) => println!("  {:<14} packed", exercise.id),
        }
    }
    if !packed.extra.is_empty() {
        println!("  also packed: {}", packed.extra.join(", "));
    }
    if !packed.links.is_empty() {
        println!(
            "  not packed (links; grading reads only regular files): {}",
            packed.links.join(", ")
        );
    }
    if !super::quiet() {
        println!(
            "\nSend that file back. Your files are unchanged; you can keep working and pack again."
        );
    }
    Ok(Outcome::Success)
}
