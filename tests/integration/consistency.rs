//! Every exercise has all its parts, and the parts agree.

use pyinterview::catalog::Catalog;
use pyinterview::exercises;

use crate::support::root;

fn exercise_dirs() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(root().join("exercises"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn every_exercise_folder_is_registered_and_complete() {
    let catalog = Catalog::load().expect("the embedded catalogue parses");
    let mut registered: Vec<String> = exercises::ids().into_iter().map(String::from).collect();
    registered.sort();
    assert_eq!(
        exercise_dirs(),
        registered,
        "exercises/ folders and src/exercises registry differ"
    );
    for id in exercises::ids() {
        let entry = catalog
            .exercise(id)
            .unwrap_or_else(|| panic!("{id} is catalogued"));
        for (file, what) in [
            ("info.toml", "metadata"),
            ("stub.py", "stub"),
            ("solution.py", "reference solution"),
            ("planted.toml", "planted bugs"),
            ("snapshots/fixed.snap", "snapshot"),
        ] {
            assert!(
                root().join("exercises").join(id).join(file).is_file(),
                "{id}: exercises/{id}/{file} (the {what}) is missing"
            );
        }
        assert!(
            root()
                .join("src/exercises")
                .join(format!("{id}.rs"))
                .is_file(),
            "{id}: src/exercises/{id}.rs (the Rust reference and driver) is missing"
        );
        assert!(
            root()
                .join("exercises")
                .join(id)
                .join("snapshots/fixed.snap")
                .is_file(),
            "{id}: snapshot"
        );
        assert!(
            root()
                .join("exercises")
                .join(id)
                .join("planted.toml")
                .is_file(),
            "{id}: planted bugs"
        );
        assert!(
            !entry.info.hints.is_empty() && !entry.info.rubric.is_empty(),
            "{id}: hints and rubric"
        );
        assert!(
            !entry.info.questions.is_empty(),
            "{id}: info.toml names no question of the bank (questions = [...])"
        );
        for number in &entry.info.questions {
            let question = catalog
                .questions
                .question(*number)
                .unwrap_or_else(|| panic!("{id}: question {number}"));
            assert_eq!(
                question.exercise.as_deref(),
                Some(id),
                "question {number} names exercise {id}"
            );
        }
        // Every fixed check of the reference has an entry in the snapshot.
        let fixed = exercises::find(id).unwrap().reference_fixed();
        assert!(!fixed.is_empty(), "{id}: fixed checks");
        for check in fixed {
            assert!(
                entry.fixed.contains_key(check.id),
                "{id}: `{}` in the snapshot",
                check.id
            );
        }
    }
}

#[test]
fn stubs_define_every_public_name_and_implement_nothing() {
    for entry in &Catalog::get().exercises {
        let stub = entry.stub;
        for name in &entry.info.functions {
            assert!(
                stub.contains(&format!("def {name}(")) || stub.contains(&format!("class {name}")),
                "{}: the stub defines {name}",
                entry.info.id
            );
        }
        assert!(
            stub.contains("raise NotImplementedError"),
            "{}: stub bodies",
            entry.info.id
        );
        let solution = std::fs::read_to_string(
            root()
                .join("exercises")
                .join(&entry.info.id)
                .join("solution.py"),
        )
        .unwrap();
        assert!(
            !solution.contains("raise NotImplementedError"),
            "{}: the solution is complete",
            entry.info.id
        );
    }
}

#[test]
fn the_question_bank_has_fifty_questions_in_five_sections() {
    let bank = &Catalog::get().questions;
    let numbers: Vec<u32> = bank.questions.iter().map(|q| q.number).collect();
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
    assert_eq!(bank.sections.len(), 5);
    for q in &bank.questions {
        assert!(
            !q.prompt.is_empty() && !q.rubric.is_empty(),
            "question {}",
            q.number
        );
    }
}

#[test]
fn check_names_are_unique_and_weights_positive() {
    for exercise in exercises::all() {
        let mut names: Vec<String> = exercise
            .reference_fixed()
            .into_iter()
            .map(|c| c.name)
            .collect();
        names.extend(exercise.generated_plan(1).into_iter().map(|c| c.name));
        let total = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), total, "{}: check names repeat", exercise.id());
        for check in exercise
            .reference_fixed()
            .into_iter()
            .chain(exercise.generated_plan(1))
        {
            assert!(
                check.weight > 0 && !check.calls.is_empty(),
                "{}: {}",
                exercise.id(),
                check.name
            );
        }
    }
}

#[test]
fn generated_checks_depend_on_the_seed_only() {
    for exercise in exercises::all() {
        let inputs = |seed| -> Vec<serde_json::Value> {
            exercise
                .generated_plan(seed)
                .into_iter()
                .flat_map(|c| c.calls.into_iter().map(|x| x.input))
                .collect()
        };
        assert_eq!(
            inputs(5),
            inputs(5),
            "{}: same seed, same cases",
            exercise.id()
        );
        assert_ne!(
            inputs(5),
            inputs(6),
            "{}: another seed, other cases",
            exercise.id()
        );
    }
}

/// Any seed makes a plan: `grade --seed` takes any u64, and a generator that
/// panics on one (an empty range drawn from, say) takes the grader down with
/// it. Plans are pure Rust and cheap, so many seeds are tried, not one.
#[test]
fn every_seed_makes_a_plan() {
    let seeds = (0..200u64).chain([u64::MAX, u64::MAX / 2, 1 << 32, 20_261_205]);
    for seed in seeds {
        for exercise in exercises::all() {
            let plan = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                exercise.generated_plan(seed)
            }));
            assert!(
                plan.is_ok_and(|checks| !checks.is_empty()),
                "{}: seed {seed} makes no plan",
                exercise.id()
            );
        }
    }
}

/// The ids of every check an exercise can run: its fixed checks and the
/// generated ones (whose ids do not depend on the seed).
fn check_ids(id: &str) -> Vec<&'static str> {
    let exercise = exercises::find(id).unwrap();
    exercise
        .reference_fixed()
        .into_iter()
        .chain(exercise.generated_plan(0))
        .map(|c| c.id)
        .collect()
}

#[test]
fn check_ids_are_unique_snake_case_and_stable_across_seeds() {
    for id in exercises::ids() {
        let ids = check_ids(id);
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            ids.len(),
            "{id}: duplicate check ids in {ids:?}"
        );
        for check in &ids {
            assert!(
                !check.is_empty()
                    && check
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{id}: `{check}` is not snake_case"
            );
        }
        let exercise = exercises::find(id).unwrap();
        for seed in [1, 99] {
            let generated: Vec<_> = exercise
                .generated_plan(seed)
                .into_iter()
                .map(|c| c.id)
                .collect();
            let at_zero: Vec<_> = exercise
                .generated_plan(0)
                .into_iter()
                .map(|c| c.id)
                .collect();
            assert_eq!(
                generated, at_zero,
                "{id}: generated check ids depend on the seed"
            );
        }
    }
}

#[test]
fn every_probe_names_checks_that_exist() {
    let catalog = Catalog::load().expect("the embedded catalogue parses");
    for id in exercises::ids() {
        let ids = check_ids(id);
        let entry = catalog.exercise(id).unwrap();
        for probe in &entry.info.probes {
            assert!(!probe.checks.is_empty(), "{id}: a probe names no check");
            for check in &probe.checks {
                assert!(
                    ids.contains(&check.as_str()),
                    "{id}: probe names `{check}`, which is no check of {ids:?}"
                );
            }
        }
    }
}
