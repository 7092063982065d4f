//! Grading through the real sandbox: the reference solutions score full
//! marks, untouched stubs are "not attempted", every planted bug loses
//! points, and misbehaving code costs only its own checks.

use pyinterview::exercises;
use pyinterview::grade::model::{Status, Unfinished};

use crate::support::*;

const SEEDS: [u64; 4] = [1, 7, 42, 20_261_124];

#[test]
fn reference_solutions_score_full_marks_under_several_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let ids = exercises_under_test();
    for id in &ids {
        std::fs::copy(solution(id), dir.path().join(format!("{id}.py"))).unwrap();
    }
    let mut sandbox = sandbox();
    for seed in SEEDS {
        let result = grade(&mut sandbox, dir.path(), &ids, seed);
        assert_eq!(failures(&result), Vec::<String>::new(), "seed {seed}");
        assert_eq!(result.score, result.max_score);
        assert_eq!(result.exercises.len(), ids.len());
    }
}

#[test]
fn untouched_stubs_are_not_attempted_never_crashed() {
    let dir = tempfile::tempdir().unwrap();
    for id in exercises::ids() {
        std::fs::copy(stub(id), dir.path().join(format!("{id}.py"))).unwrap();
    }
    let mut sandbox = sandbox();
    for seed in SEEDS {
        let result = grade(&mut sandbox, dir.path(), &[], seed);
        for exercise in &result.exercises {
            for check in &exercise.checks {
                assert_eq!(
                    check.status,
                    Status::NotAttempted,
                    "{}: {} — {}",
                    exercise.id,
                    check.name,
                    check.message
                );
                assert_eq!(check.unfinished, Some(Unfinished::Untouched));
            }
        }
        assert_eq!(result.score, 0.0);
    }
}

/// Every planted bug (`exercises/<id>/planted.toml`) breaks exactly the
/// checks it declares, under two seeds: the checks in `breaks` fail, those
/// in `may_break` (generated ones a random case may miss) may, and every
/// other check passes.
#[test]
fn every_planted_bug_breaks_exactly_the_checks_it_declares() {
    let mut sandbox = sandbox();
    let mut problems = vec![];
    for id in exercises_under_test() {
        let bugs = planted_bugs(id);
        assert!(bugs.len() >= 6, "{id}: at least six planted bugs");
        for bug in bugs {
            let dir = submission_source(id, &planted(id, &bug.id));
            let mut declared = bug.breaks.clone();
            declared.sort();
            for seed in [1, 2] {
                let result = grade(&mut sandbox, dir.path(), &[id], seed);
                let mut broken: Vec<String> = result.exercises[0]
                    .checks
                    .iter()
                    .filter(|c| c.status != Status::Passed)
                    .map(|c| c.id.clone())
                    .collect();
                broken.sort();
                let missed: Vec<_> = declared.iter().filter(|c| !broken.contains(c)).collect();
                let extra: Vec<_> = broken
                    .iter()
                    .filter(|c| !declared.contains(c) && !bug.may_break.contains(c))
                    .collect();
                if !missed.is_empty() || !extra.is_empty() {
                    problems.push(format!(
                        "{id}/{} (seed {seed}) breaks {broken:?}: does not break {missed:?}, \
                         also breaks {extra:?}",
                        bug.id
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_missing_module_is_not_attempted() {
    let dir = tempfile::tempdir().unwrap();
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let check = &result.exercises[0].checks[0];
    assert_eq!(check.status, Status::NotAttempted);
    assert_eq!(check.message, "list_tuple.py is not in the submission");
    assert_eq!(check.unfinished, Some(Unfinished::ModuleMissing));
}

#[test]
fn a_syntax_error_points_at_the_line() {
    let dir = submission_source(
        "list_tuple",
        "def count_visits(path):\n    return {\n\ndef freeze(v): pass\n",
    );
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let check = &result.exercises[0].checks[0];
    assert_eq!(check.status, Status::Error);
    assert!(
        check
            .message
            .starts_with("importing list_tuple.py raised SyntaxError"),
        "{}",
        check.message
    );
    assert!(
        check
            .traceback
            .iter()
            .any(|l| l.starts_with("line 2, column")),
        "{:?}",
        check.traceback
    );
}

#[test]
fn an_exception_shows_the_candidates_traceback_lines() {
    let source = include_str!("../../exercises/list_tuple/solution.py").replace(
        "def count_visits(path: list[list[int]]) -> dict[tuple[int, int], int]:",
        "def count_visits(path: list[list[int]]) -> dict[tuple[int, int], int]:\n    return {p: 1 for p in path}",
    );
    let dir = submission_source("list_tuple", &source);
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let check = result.exercises[0]
        .checks
        .iter()
        .find(|c| c.name == "count_visits counts repeated points")
        .unwrap();
    assert_eq!(check.status, Status::Error);
    assert!(
        check
            .message
            .contains("raised TypeError: unhashable type: 'list'"),
        "{}",
        check.message
    );
    assert_eq!(
        check.call.as_deref(),
        Some("path = [[0, 0], [1, 2], [0, 0]]; count_visits(path); path")
    );
    assert!(
        check
            .traceback
            .iter()
            .any(|l| l.contains("in count_visits: return {p: 1 for p in path}")),
        "{:?}",
        check.traceback
    );
    // The other functions of the exercise are unaffected.
    assert!(
        result.exercises[0]
            .checks
            .iter()
            .filter(|c| c.name.starts_with("freeze"))
            .all(|c| c.status == Status::Passed)
    );
}

#[test]
fn a_crash_costs_only_the_check_that_crashed() {
    let source = include_str!("../../exercises/list_tuple/solution.py").replace(
        "def freeze(value: Any) -> Hashable:",
        "def freeze(value: Any) -> Hashable:\n    import os\n    if isinstance(value, float):\n        os._exit(7)",
    );
    let dir = submission_source("list_tuple", &source);
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let checks = &result.exercises[0].checks;
    let keeps = checks
        .iter()
        .find(|c| c.name == "freeze keeps other values as they are")
        .unwrap();
    assert_eq!(keeps.status, Status::Crashed);
    assert!(
        keeps.message.contains("exited with status 7"),
        "{}",
        keeps.message
    );
    // Every check after the crash ran in a fresh child and passed.
    let others: Vec<_> = checks.iter().filter(|c| c.name != keeps.name).collect();
    assert!(
        others.iter().all(|c| c.status == Status::Passed),
        "{:?}",
        failures(&result)
    );
}

#[test]
fn a_segfault_is_reported_as_a_crash() {
    let source = include_str!("../../exercises/list_tuple/solution.py").replace(
        "def freeze(value: Any) -> Hashable:",
        "def freeze(value: Any) -> Hashable:\n    import faulthandler\n    faulthandler._sigsegv()",
    );
    let dir = submission_source("list_tuple", &source);
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let freeze: Vec<_> = result.exercises[0]
        .checks
        .iter()
        .filter(|c| c.name.starts_with("freeze"))
        .collect();
    assert!(!freeze.is_empty());
    for check in freeze {
        assert_eq!(check.status, Status::Crashed, "{}", check.name);
        assert!(
            check.message.contains("segmentation fault"),
            "{}",
            check.message
        );
    }
}

#[test]
fn an_endless_loop_times_out_and_the_next_exercise_still_runs() {
    // count_visits hangs; freeze and extend_unique are right.
    let source = include_str!("../../exercises/list_tuple/solution.py").replace(
        "    return dict(Counter((x, y) for x, y in path))",
        "    seen = 0\n    while seen < len(path):\n        pass  # never advances\n    return {}",
    );
    let dir = submission_source("list_tuple", &source);
    let options = pyinterview::grade::GradeOptions {
        seed: 1,
        timeout: std::time::Duration::from_millis(700),
        exercises: vec!["list_tuple".into()],
        ..Default::default()
    };
    let mut sandbox = sandbox();
    let started = std::time::Instant::now();
    let result = pyinterview::grade::grade_submission(&mut sandbox, dir.path(), &options).unwrap();
    let checks = &result.exercises[0].checks;
    // The check that hung names its call and shows where the code was.
    assert_eq!(checks[0].status, Status::Timeout);
    assert!(
        checks[0].message.starts_with(
            "path = [[0, 0], [1, 2], [0, 0]]; count_visits(path); path did not finish within"
        ),
        "{}",
        checks[0].message
    );
    assert_eq!(
        checks[0].call.as_deref(),
        Some("path = [[0, 0], [1, 2], [0, 0]]; count_visits(path); path")
    );
    assert!(
        checks[0]
            .traceback
            .iter()
            .any(|l| l.contains("in count_visits: while seen < len(path):")
                || l.contains("in count_visits: pass  # never advances")),
        "{:?}",
        checks[0].traceback
    );
    assert_eq!(checks[0].unfinished, None);
    // The other count_visits checks would hang too: not run, and why is
    // data that reports group by. The other functions' checks all ran.
    for check in &checks[1..] {
        if check.id.starts_with("count_visits") {
            assert_eq!(check.status, Status::Timeout, "{}", check.id);
            assert_eq!(check.unfinished, Some(Unfinished::NotRun), "{}", check.id);
        } else {
            assert_eq!(
                check.status,
                Status::Passed,
                "{}: {}",
                check.id,
                check.message
            );
        }
    }
    assert!(
        started.elapsed().as_secs() < 10,
        "one deadline for the hang, not one per check"
    );
    // The same worker grades the next submission normally.
    let good = submission_with("list_tuple", &solution("list_tuple"));
    let result = grade(&mut sandbox, good.path(), &["list_tuple"], 1);
    assert_eq!(failures(&result), Vec::<String>::new());
}

#[test]
fn lying_objects_do_not_pass() {
    // A dict subclass that claims equality with anything, and a list subclass
    // whose iteration lies: strict extraction sees their real types.
    let source = "class Yes(dict):\n    def __eq__(self, other): return True\n    __hash__ = None\n\
                  def count_visits(path): return Yes()\n\
                  class L(list):\n    def __iter__(self): return iter([])\n\
                  def freeze(value): return L()\n";
    let dir = submission_source("list_tuple", source);
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let checks = &result.exercises[0].checks;
    let counts = checks
        .iter()
        .find(|c| c.name == "count_visits counts repeated points")
        .unwrap();
    assert_eq!(counts.status, Status::Failed);
    assert!(
        counts.actual.as_deref().unwrap().contains("<Yes object>"),
        "{:?}",
        counts.actual
    );
    assert!(
        checks
            .iter()
            .filter(|c| c.name.starts_with("freeze"))
            .all(|c| c.status == Status::Failed)
    );
}

#[test]
fn output_is_captured_and_capped() {
    let source = include_str!("../../exercises/list_tuple/solution.py").replace(
        "def freeze(value: Any) -> Hashable:",
        "def freeze(value: Any) -> Hashable:\n    print('x' * 100_000)\n    import sys; print('to stderr', file=sys.stderr)",
    );
    let dir = submission_source("list_tuple", &source);
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let exercise = &result.exercises[0];
    assert_eq!(
        failures(&result),
        Vec::<String>::new(),
        "printing does not change results"
    );
    // The 64 KiB cap (the marks that divide the output by check count
    // towards it and are then cut out).
    assert!(
        (63 * 1024..=64 * 1024).contains(&exercise.stdout.len()),
        "{}",
        exercise.stdout.len()
    );
    assert!(exercise.output_truncated_bytes > 0);
    assert!(exercise.stderr.contains("to stderr"));
}

#[test]
fn helper_modules_are_noted_for_the_interviewer() {
    let dir = submission_with("list_tuple", &solution("list_tuple"));
    std::fs::write(
        dir.path().join("helper.py"),
        "import importlib\nct = importlib.import_module('ct' + 'ypes')\n",
    )
    .unwrap();
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    assert_eq!(
        result.warnings,
        vec!["helper module helper.py: the code imports modules by computed names: importlib"]
    );
    assert_eq!(
        failures(&result),
        Vec::<String>::new(),
        "a helper beside the exercise does not change its grade"
    );
}

/// A chunked that never stops (empty chunks forever) is read only so far,
/// and its result says that it went on instead of looking like a list that
/// ended there.
#[test]
fn an_endless_generator_is_shown_as_going_on() {
    let source = std::fs::read_to_string(solution("generators"))
        .unwrap()
        .replace(
            "    while chunk := list(islice(iterator, size)):\n        yield chunk",
            "    while True:\n        yield list(islice(iterator, size))",
        );
    let dir = submission_source("generators", &source);
    let mut sandbox = sandbox();
    let result = grade(&mut sandbox, dir.path(), &["generators"], 1);
    let check = result.exercises[0]
        .checks
        .iter()
        .find(|c| c.name.starts_with("chunked yields lists of `size` items"))
        .unwrap();
    assert_eq!(check.status, Status::Failed, "{check:?}");
    let actual = check.actual.as_deref().unwrap();
    assert!(actual.ends_with("[], ...]>"), "{actual}");
}

/// A report as JSON without what measures time (the run's and each check's
/// elapsed time, the timing against the reference): what must not depend on
/// how grading was scheduled. The sandbox user's uid, which derives from a
/// worker's process id (and so differs from one run to the next however it
/// is scheduled), is masked too.
fn untimed(result: &pyinterview::grade::model::SubmissionResult) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                for key in ["elapsed_ms", "timing", "micros"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            serde_json::Value::String(text) => {
                if let Some(at) = text.find("uid ") {
                    let digits = text[at + 4..]
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(text.len() - at - 4);
                    text.replace_range(at + 4..at + 4 + digits, "N");
                }
            }
            _ => {}
        }
    }
    let mut value = serde_json::to_value(result).expect("results serialise");
    strip(&mut value);
    value
}

/// The sample submission (mistakes included, so failures are compared too)
/// graded one exercise at a time and on a pool of workers gives the same
/// report, timing fields aside, for two seeds; the timing pass runs in both.
#[test]
fn a_pool_of_workers_grades_exactly_as_one_worker() {
    let dir = root().join("samples/submission");
    let mut one = sandbox().with_pool_size(1);
    let mut pool = sandbox().with_pool_size(3);
    for seed in [3, 20_261_124] {
        let options = pyinterview::grade::GradeOptions {
            seed,
            timeout: std::time::Duration::from_secs(20),
            reference: Some(root().join("exercises")),
            ..Default::default()
        };
        let alone = pyinterview::grade::grade_submission(&mut one, &dir, &options).unwrap();
        let shared = pyinterview::grade::grade_submission(&mut pool, &dir, &options).unwrap();
        assert!(alone.exercises.len() > 3, "the whole sample is graded");
        assert!(
            alone.exercises.iter().any(|e| e.score < e.max_score),
            "the sample has mistakes"
        );
        assert!(
            shared.exercises.iter().all(|e| e.timing.is_some()),
            "the timing pass ran on the pool"
        );
        assert_eq!(untimed(&alone), untimed(&shared), "seed {seed}");
    }
    // One worker and its reference worker, against several of each.
    assert_eq!(one.worker_pids().len(), 2);
    assert!(pool.worker_pids().len() > 2, "{:?}", pool.worker_pids());
}

/// What a failing check printed travels with it, and only what it printed.
#[test]
fn a_failing_check_carries_what_it_printed() {
    let source = include_str!("../../exercises/list_tuple/solution.py")
        .replace(
            "    return dict(Counter((x, y) for x, y in path))",
            "    print('counting', len(path))\n    return {}",
        )
        .replacen(
            "    match value:",
            "    print('freezing')\n    match value:",
            1,
        );
    let dir = submission_source("list_tuple", &source);
    let result = grade(&mut sandbox(), dir.path(), &["list_tuple"], 1);
    let checks = &result.exercises[0].checks;
    let counts = checks
        .iter()
        .find(|c| c.id == "count_visits_counts")
        .unwrap();
    assert_eq!(counts.status, Status::Failed);
    let printed = counts.printed.as_ref().expect("its output");
    // Its two calls printed, nothing of the other checks.
    assert_eq!(printed.stdout, "counting 3\ncounting 4\n");
    // Passing checks carry none (the exercise's output has it all).
    assert!(
        checks
            .iter()
            .filter(|c| c.status == Status::Passed)
            .all(|c| c.printed.is_none())
    );
    assert!(result.exercises[0].stdout.contains("freezing"));
}

/// Exceptions the contract names are read by class (`Expr::RaisesAs`): a
/// candidate's own `InvalidRate(ValueError)` or subclass of `RateLimited`
/// passes as the class, and an exception of another class still fails.
#[test]
fn a_subclass_of_a_named_exception_is_read_as_it() {
    let reference = std::fs::read_to_string(solution("rate_limiter")).unwrap();
    let subclassed = reference
        .replace(
            "class TokenBucket:",
            "class InvalidRate(ValueError):\n    pass\n\n\nclass TokenBucket:",
        )
        .replace(
            "raise ValueError(f\"rate must",
            "raise InvalidRate(f\"rate must",
        )
        .replace(
            "raise ValueError(f\"tokens must",
            "raise InvalidRate(f\"tokens must",
        )
        .replace("raise RateLimited(f\"{func", "raise TooFast(f\"{func")
        + "\n\nclass TooFast(RateLimited):\n    pass\n";
    assert_eq!(subclassed.matches("InvalidRate(f").count(), 2);
    assert_eq!(subclassed.matches("TooFast(f").count(), 1);
    let dir = submission_source("rate_limiter", &subclassed);
    let result = grade(&mut sandbox(), dir.path(), &["rate_limiter"], 1);
    assert_eq!(failures(&result), Vec::<String>::new());

    let other = reference.replace(
        "raise ValueError(f\"tokens must",
        "raise RuntimeError(f\"tokens must",
    );
    let dir = submission_source("rate_limiter", &other);
    let result = grade(&mut sandbox(), dir.path(), &["rate_limiter"], 1);
    let tokens = result.exercises[0]
        .checks
        .iter()
        .find(|c| c.name == "allow rejects tokens <= 0 with ValueError")
        .unwrap();
    assert_eq!(tokens.status, Status::Failed, "{}", tokens.message);
}
