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
        assert!(
            root()
                .join("python/solutions")
                .join(format!("{id}.py"))
                .is_file(),
            "{id}: reference solution"
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
            root().join("tests/planted").join(id).is_dir(),
            "{id}: planted bugs"
        );
        assert!(
            !entry.info.hints.is_empty() && !entry.info.rubric.is_empty(),
            "{id}: hints and rubric"
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
                entry.fixed.contains_key(&check.name),
                "{id}: `{}` in the snapshot",
                check.name
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
                .join("python/solutions")
                .join(format!("{}.py", entry.info.id)),
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
