//! The binary as a user runs it: exit statuses, output, refusals.

#![allow(unsafe_code)]

use pyinterview::exercises;

use crate::support::*;

#[test]
fn help_teaches_the_commands() {
    let out = run(["--help"]).output().expect_code(0).stdout();
    for command in [
        "list",
        "questions",
        "show",
        "hint",
        "init",
        "check",
        "grade",
    ] {
        assert!(out.contains(command), "--help mentions {command}");
    }
    assert!(!out.contains("__worker"), "the worker stays hidden");
    assert!(
        out.contains("Examples:") && out.contains("Exit statuses: 0 success"),
        "{out}"
    );
    // The commands people reach for first show examples too.
    for command in ["init", "check", "grade", "plan"] {
        let help = run([command, "--help"]).output().expect_code(0).stdout();
        assert!(help.contains("Example"), "{command} --help:\n{help}");
        assert!(
            help.contains(&format!("pyinterview {command} ")),
            "{command} --help:\n{help}"
        );
    }
}

#[test]
fn list_shows_every_exercise_with_its_questions_and_level() {
    let out = run(["list"]).output().expect_code(0).stdout();
    for id in exercises::ids() {
        assert!(
            out.lines().any(|l| l.starts_with(id)),
            "{id} listed:\n{out}"
        );
    }
    assert!(
        out.lines()
            .any(|l| l.starts_with("list_tuple") && l.contains("1, 9") && l.contains("junior"))
    );
}

#[test]
fn questions_prints_all_fifty_by_section() {
    let out = run(["questions"]).output().expect_code(0).stdout();
    for number in 1..=50 {
        assert!(out.contains(&format!("{number:>2}. ")), "question {number}");
    }
    let junior = out.find("Junior").unwrap();
    let senior = out.find("Senior").unwrap();
    assert!(junior < senior, "sections in order");
    // Only exercises that exist are named; the others are still to come.
    let named: std::collections::BTreeSet<&str> = out
        .match_indices("[exercise: ")
        .map(|(i, m)| {
            let rest = &out[i + m.len()..];
            &rest[..rest.find(']').unwrap()]
        })
        .collect();
    let ids: std::collections::BTreeSet<&str> = exercises::ids().into_iter().collect();
    assert_eq!(named, ids);
    let bank = &pyinterview::catalog::Catalog::get().questions;
    let (number, planned) = bank
        .questions
        .iter()
        .find_map(|q| {
            let id = q.exercise.as_deref()?;
            (!ids.contains(id)).then_some((q.number, id))
        })
        .expect("the bank names exercises still to come");
    let refused = run(["show", planned]).output().expect_code(2);
    assert!(
        refused
            .stderr()
            .contains(&format!("`{planned}` (question {number}"))
            && refused.stderr().contains("is not a runnable exercise yet"),
        "{}",
        refused.stderr()
    );
}

#[test]
fn show_prints_the_task_and_the_rubric_only_on_request() {
    let plain = run(["show", "list_tuple"]).output().expect_code(0).stdout();
    assert!(plain.contains("count_visits") && plain.contains("extend_unique"));
    assert!(!plain.contains("Rubric"));
    let rubric = run(["show", "list_tuple", "--rubric"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(rubric.contains("Rubric") && rubric.contains("Follow-up questions"));
    assert!(
        rubric.contains("Question 9"),
        "the bank's questions for the exercise"
    );
}

#[test]
fn unknown_exercises_are_usage_errors_that_list_the_valid_ids() {
    let out = run(["show", "nope"]).output().expect_code(2);
    assert!(out.stderr().contains("unknown exercise `nope`"));
    assert!(out.stderr().contains("list_tuple"));
    run(["hint", "nope"]).output().expect_code(2);
}

#[test]
fn hints_go_one_level_at_a_time_and_a_workspace_remembers_them() {
    // Outside a workspace there is nothing to remember: the first hint.
    let tmp = tempfile::tempdir().unwrap();
    let first = run(["hint", "list_tuple"])
        .in_dir(tmp.path())
        .output()
        .expect_code(0)
        .stdout();
    assert!(first.starts_with("Hint 1 of 3 for list_tuple"), "{first}");
    // The same command would show hint 1 again: say how to get hint 2.
    assert!(
        first.contains("Run `pyinterview hint list_tuple --number 2` for hint 2"),
        "{first}"
    );
    // `--level`, the option's old name, still works.
    let third = run(["hint", "list_tuple", "--level", "3"])
        .in_dir(tmp.path())
        .output()
        .expect_code(0)
        .stdout();
    assert!(third.contains("That was the last hint."));
    run(["hint", "list_tuple", "--level", "99"])
        .output()
        .expect_code(2);

    let ws = tmp.path().join("ws");
    run(["init", ws.to_str().unwrap(), "--seed", "1"])
        .output()
        .expect_code(0);
    let levels: Vec<String> = (0..4)
        .map(|_| {
            run(["hint", "list_tuple"])
                .in_dir(&ws)
                .output()
                .expect_code(0)
                .stdout()
        })
        .map(|out| out.lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        levels,
        [
            "Hint 1 of 3 for list_tuple:",
            "Hint 2 of 3 for list_tuple:",
            "Hint 3 of 3 for list_tuple:",
            "Hint 3 of 3 for list_tuple:"
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["hints"]["list_tuple"], 3);
}

/// Asking for an earlier hint again never promises a hint that is not the
/// one the next call shows; each hint read in a workspace says it is
/// recorded for the interviewer.
#[test]
fn hint_promises_the_hint_it_will_show_and_says_it_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "lru_cache", 1);
    let hint = |args: &[&str]| {
        run(["hint"])
            .with_args(args)
            .in_dir(&ws)
            .output()
            .expect_code(0)
            .stdout()
    };
    let first = hint(&["lru_cache"]);
    assert!(
        first.contains(
            "Recorded: your interviewer will see that you used 1 of 3 hints for lru_cache."
        ),
        "{first}"
    );
    // Hint 1 again after hint 1: the next one is still 2.
    let again = hint(&["lru_cache", "--number", "1"]);
    assert!(again.starts_with("Hint 1 of 3"), "{again}");
    assert!(again.contains("again for hint 2."), "{again}");
    hint(&["lru_cache"]);
    hint(&["lru_cache"]);
    // Every hint read: hint 1 again promises no hint 2, and counts 3.
    let reread = hint(&["lru_cache", "--level", "1"]);
    assert!(reread.starts_with("Hint 1 of 3"), "{reread}");
    assert!(!reread.contains("for hint 2"), "{reread}");
    assert!(reread.contains("used 3 of 3 hints"), "{reread}");
    assert!(
        reread.contains("You have read every hint already"),
        "{reread}"
    );
    let next = hint(&["lru_cache"]);
    assert!(next.starts_with("Hint 3 of 3"), "{next}");
    // Skipping ahead counts what was shown, and the next call follows it.
    let ws2 = tmp.path().join("ws2");
    init_workspace(&ws2, "lru_cache", 1);
    run(["hint", "lru_cache", "-n", "2"])
        .in_dir(&ws2)
        .output()
        .expect_code(0);
    let after = run(["hint", "lru_cache"])
        .in_dir(&ws2)
        .output()
        .expect_code(0)
        .stdout();
    assert!(after.starts_with("Hint 3 of 3"), "{after}");

    // One flag name, one meaning: `hint --number`, `init --level`.
    let help = run(["hint", "--help"]).output().expect_code(0).stdout();
    assert!(help.contains("--number <N>"), "{help}");
    assert!(!help.contains("--level"), "{help}");
    assert!(help.contains("interviewer sees"), "{help}");
    let help = run(["init", "--help"]).output().expect_code(0).stdout();
    assert!(help.contains("difficulty level"), "{help}");
}

/// `show` and `hint` take what `check` and `reset` take (an id or its
/// file), suggest the id a near miss meant, and need no id when the
/// workspace has one exercise.
#[test]
fn show_and_hint_take_a_file_suggest_near_misses_and_default_to_the_only_exercise() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "lru_cache", 1);
    for args in [
        &["show", "lru_cache.py"][..],
        &["hint", "lru_cache.py"],
        &["show"],
        &["hint"],
    ] {
        let out = run(args).in_dir(&ws).output().expect_code(0).stdout();
        assert!(out.contains("lru_cache"), "{args:?}: {out}");
    }
    let hints: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap())
            .unwrap();
    assert_eq!(hints["hints"]["lru_cache"], 2, "both hints were recorded");
    // A path to the file names its workspace.
    let out = run(["hint", "ws/lru_cache.py"])
        .in_dir(tmp.path())
        .output()
        .expect_code(0)
        .stdout();
    assert!(out.starts_with("Hint 3 of 3"), "{out}");

    for near in ["lru", "lrucache", "lru-cache", "LRU_cache"] {
        for command in ["show", "hint"] {
            let err = run([command, near]).output().expect_code(2).stderr();
            assert!(
                err.contains(&format!(
                    "unknown exercise `{near}`: did you mean `lru_cache`?"
                )),
                "{command} {near}: {err}"
            );
        }
    }

    // No id and no workspace, or several exercises: the error lists them.
    let err = run(["show"])
        .in_dir(tmp.path())
        .output()
        .expect_code(2)
        .stderr();
    assert!(
        err.contains("name an exercise") && err.contains("list_tuple"),
        "{err}"
    );
    let several = tmp.path().join("several");
    init_workspace(&several, "lru_cache,list_tuple", 1);
    for command in ["show", "hint"] {
        let err = run([command])
            .in_dir(&several)
            .output()
            .expect_code(2)
            .stderr();
        assert!(
            err.contains("this workspace has 2 exercises") && err.contains("lru_cache, list_tuple"),
            "{command}: {err}"
        );
    }
}

#[test]
fn init_writes_a_workspace_and_never_overwrites_work() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("take-home");
    let ws_arg = ws.to_str().unwrap();
    run(["init", ws_arg, "--seed", "9"]).output().expect_code(0);
    for id in exercises::ids() {
        let stub = std::fs::read_to_string(ws.join(format!("{id}.py"))).unwrap();
        assert_eq!(
            stub,
            std::fs::read_to_string(crate::support::stub(id)).unwrap()
        );
    }
    let readme = std::fs::read_to_string(ws.join("README.md")).unwrap();
    assert!(readme.contains("pyinterview check") && readme.contains("pyinterview pack"));
    assert!(readme.contains("Time budget: about"), "{readme}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["seed"], 9);
    assert_eq!(manifest["tool_version"], env!("CARGO_PKG_VERSION"));

    // Re-running init keeps the candidate's work.
    std::fs::write(ws.join("list_tuple.py"), "# my work\n").unwrap();
    let again = run(["init", ws_arg]).output().expect_code(0);
    assert!(
        again.stdout().contains("list_tuple.py (kept as it is)"),
        "{}",
        again.stdout()
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("list_tuple.py")).unwrap(),
        "# my work\n"
    );

    // A directory with files that is not a workspace is refused, untouched.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("decorators.py"), "# unrelated\n").unwrap();
    let refused = run(["init", other.to_str().unwrap()])
        .output()
        .expect_code(2);
    assert!(
        refused.stderr().contains("not a pyinterview workspace"),
        "{}",
        refused.stderr()
    );
    assert!(!other.join(".pyinterview.json").exists());
}

#[test]
fn init_chooses_exercises_by_level_list_or_seeded_pick() {
    let tmp = tempfile::tempdir().unwrap();
    let files = |dir: &std::path::Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".py"))
            .collect();
        names.sort();
        names
    };
    let junior = tmp.path().join("junior");
    run(["init", junior.to_str().unwrap(), "--level", "junior"])
        .output()
        .expect_code(0);
    // Every junior exercise of the catalogue, and no other.
    let catalog = pyinterview::catalog::Catalog::get();
    let mut juniors: Vec<String> = exercises::ids()
        .into_iter()
        .filter(|id| {
            catalog.exercise(id).unwrap().info.level == pyinterview::catalog::Level::Junior
        })
        .map(|id| format!("{id}.py"))
        .collect();
    juniors.sort();
    assert!(juniors.len() >= 3);
    assert_eq!(files(&junior), juniors);

    let listed = tmp.path().join("listed");
    run([
        "init",
        listed.to_str().unwrap(),
        "--exercises",
        "rate_limiter,lru_cache",
        "--minutes",
        "90",
    ])
    .output()
    .expect_code(0);
    assert_eq!(files(&listed), ["lru_cache.py", "rate_limiter.py"]);
    assert!(
        std::fs::read_to_string(listed.join("README.md"))
            .unwrap()
            .contains("about 90 minutes")
    );

    let picks: Vec<Vec<String>> = ["a", "b"]
        .iter()
        .map(|name| {
            let dir = tmp.path().join(name);
            run(["init", dir.to_str().unwrap(), "--pick", "2", "--seed", "42"])
                .output()
                .expect_code(0);
            files(&dir)
        })
        .collect();
    assert_eq!(picks[0].len(), 2);
    assert_eq!(picks[0], picks[1], "the same seed picks the same exercises");

    let none = run([
        "init",
        tmp.path().join("x").to_str().unwrap(),
        "--exercises",
        "nope",
    ])
    .output()
    .expect_code(2);
    assert!(none.stderr().contains("unknown exercise `nope`"));
    // More than the catalogue has is a usage error.
    let too_many = (exercises::ids().len() + 1).to_string();
    run([
        "init",
        tmp.path().join("y").to_str().unwrap(),
        "--pick",
        too_many.as_str(),
    ])
    .output()
    .expect_code(2);
}

#[test]
fn reset_restores_the_stub_and_keeps_a_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    run(["init", ws.to_str().unwrap(), "--exercises", "list_tuple"])
        .output()
        .expect_code(0);
    std::fs::write(ws.join("list_tuple.py"), "# half done\n").unwrap();
    let out = run(["reset", "list_tuple"])
        .in_dir(&ws)
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        out.contains(".pyinterview-backups/list_tuple.1.py"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.join(".pyinterview-backups/list_tuple.1.py")).unwrap(),
        "# half done\n"
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("list_tuple.py")).unwrap(),
        std::fs::read_to_string(crate::support::stub("list_tuple")).unwrap()
    );
    let other = run(["reset", "decorators"])
        .in_dir(&ws)
        .output()
        .expect_code(2);
    assert!(other.stderr().contains("not part of this workspace"));
}

#[test]
fn check_fails_on_stubs_and_passes_once_solved() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    run(["init", ws.to_str().unwrap(), "--seed", "3"])
        .output()
        .expect_code(0);
    let out = run(["check", "list_tuple"])
        .in_dir(&ws)
        .output()
        .expect_code(1)
        .stdout();
    assert!(
        out.starts_with("list_tuple  ░░░░░░░░░░░░░░░░░░░░   0/16  not started"),
        "{out}"
    );

    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    // From a subdirectory too: the workspace is found upwards.
    let sub = ws.join("notes");
    std::fs::create_dir(&sub).unwrap();
    let out = run(["check", "list_tuple"])
        .in_dir(&sub)
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        out.contains("Progress: 1 of 1 exercises done, 16 of 16 checks pass"),
        "{out}"
    );
    assert!(
        out.contains("pyinterview pack"),
        "tells what to do next: {out}"
    );

    // A broken answer shows the call and both values.
    let broken = std::fs::read_to_string(solution("list_tuple"))
        .unwrap()
        .replace("return dict(Counter((x, y) for x, y in path))", "return {}");
    std::fs::write(ws.join("list_tuple.py"), broken).unwrap();
    let out = run(["check", "list_tuple", "--workspace", ws.to_str().unwrap()])
        .output()
        .expect_code(1)
        .stdout();
    // Step by step, the step that differs marked, with both values.
    assert!(
        out.contains("        path = [[0, 0], [1, 2], [0, 0]]\n      ✗ [1] count_visits(path)  (the first step that differs)\n"),
        "{out}"
    );
    assert!(
        out.contains("expected: {(0, 0): 2, (1, 2): 1}\n      actual:   {}\n"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "no colour when NO_COLOR is set");
}

#[test]
fn check_outside_a_workspace_says_how_to_make_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(["check"]).in_dir(tmp.path()).output().expect_code(2);
    assert!(
        out.stderr().contains("pyinterview init"),
        "{}",
        out.stderr()
    );
}

#[test]
fn grade_prints_a_stable_json_report_and_exits_zero_whatever_the_score() {
    let dir = submission_with("list_tuple", &crate::support::stub("list_tuple"));
    let out = run([
        "grade",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--seed",
        "11",
    ])
    .output()
    .expect_code(0);
    let report = report_json(&out.stdout());
    assert_eq!(report["seed"], 11);
    assert_eq!(report["score"], 0.0);
    assert_eq!(report["max_score"], 10.0 * exercises::ids().len() as f64);
    let exercises_json = report["exercises"].as_array().unwrap();
    assert_eq!(exercises_json.len(), exercises::ids().len());
    for exercise in exercises_json {
        for key in ["id", "score", "max_score", "checks"] {
            assert!(exercise.get(key).is_some(), "exercise has {key}");
        }
        for check in exercise["checks"].as_array().unwrap() {
            for key in ["name", "status", "score", "max_score", "message"] {
                assert!(check.get(key).is_some(), "check has {key}");
            }
        }
    }
    let first = &exercises_json[0]["checks"][0];
    assert_eq!(first["status"], "not_attempted");
}

#[test]
fn grade_repeats_exactly_with_the_same_seed() {
    let dir = submission_with("list_tuple", &solution("list_tuple"));
    let path = dir.path().to_str().unwrap();
    let one = run(["grade", path, "--format", "json", "--seed", "5"])
        .output()
        .expect_code(0)
        .stdout();
    let two = run(["grade", path, "--format", "json", "--seed", "5"])
        .output()
        .expect_code(0)
        .stdout();
    let strip = |s: &str| -> serde_json::Value {
        let mut v = report_json(s);
        for e in v["exercises"].as_array_mut().unwrap() {
            e["elapsed_ms"] = 0.into();
            e["timing"] = serde_json::Value::Null; // measured, like elapsed_ms
            for c in e["checks"].as_array_mut().unwrap() {
                c.as_object_mut().unwrap().remove("elapsed_ms"); // measured
            }
        }
        // The sandbox section names the worker's own uid, which differs per run.
        v["sandbox"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&one), strip(&two));
}

#[test]
fn grade_of_a_missing_directory_is_a_usage_error() {
    let out = run(["grade", "/no/such/submission"])
        .output()
        .expect_code(2);
    assert!(
        out.stderr()
            .contains("no such submission: /no/such/submission"),
        "{}",
        out.stderr()
    );
}

#[test]
fn the_binary_alone_is_enough_and_ignores_python_environment_variables() {
    // A copy of the binary, away from the source tree, with a hostile
    // environment: the catalogue is embedded, libpython is found through the
    // rpath, and the interpreter ignores PYTHON* variables.
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("pyinterview");
    std::fs::copy(BIN, &copy).unwrap();
    let submission = submission_with("list_tuple", &solution("list_tuple"));
    let out = std::process::Command::new(&copy)
        .args([
            "grade",
            submission.path().to_str().unwrap(),
            "--format",
            "json",
            "--seed",
            "4",
        ])
        .args(["--exercises", "list_tuple"])
        .current_dir(tmp.path())
        .env("PYTHONHOME", "/nonexistent")
        .env("PYTHONPATH", "/nonexistent")
        .env("PYTHONSTARTUP", "/nonexistent/startup.py")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["score"], 10.0);
}

#[test]
fn limits_come_from_a_config_file_and_options_override_it() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("limits.toml");
    std::fs::write(
        &config,
        "timeout = 4.5\n[limits]\nmemory_mb = 512\nprocesses = 32\n",
    )
    .unwrap();
    let dir = submission_with("list_tuple", &solution("list_tuple"));
    let out = run([
        "grade",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--exercises",
        "list_tuple",
    ])
    .with_args([
        "--config",
        config.to_str().unwrap(),
        "--max-processes",
        "48",
    ])
    .output()
    .expect_code(0);
    let report = report_json(&out.stdout());
    let sandbox = &report["sandbox"];
    assert_eq!(sandbox["timeout_seconds"], 4.5);
    assert_eq!(sandbox["limits"]["memory_mb"], 512);
    assert_eq!(
        sandbox["limits"]["processes"], 48,
        "the option wins over the file"
    );
    assert_eq!(
        sandbox["limits"]["cpu_seconds"], 20,
        "unset limits keep their defaults"
    );
    assert_eq!(report["score"], 10.0);

    std::fs::write(&config, "[limits]\nmemroy_mb = 512\n").unwrap();
    let typo = run([
        "grade",
        dir.path().to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ])
    .output()
    .expect_code(2);
    assert!(typo.stderr().contains("memroy_mb"), "{}", typo.stderr());
    let absurd = run(["grade", dir.path().to_str().unwrap(), "--memory-mb", "8"])
        .output()
        .expect_code(2);
    assert!(
        absurd.stderr().contains("memory_mb must be at least"),
        "{}",
        absurd.stderr()
    );
}

#[test]
fn the_report_states_the_limits_and_the_confinement_obtained() {
    let dir = submission_with("list_tuple", &solution("list_tuple"));
    let out = run([
        "grade",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--exercises",
        "list_tuple",
    ])
    .output()
    .expect_code(0);
    let report = report_json(&out.stdout());
    let measures = report["sandbox"]["confinement"].as_array().unwrap();
    let names: Vec<&str> = measures
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    for name in [
        "processes",
        "network",
        "user",
        "filesystem",
        "signals",
        "syscalls",
    ] {
        assert!(names.contains(&name), "{name} reported: {names:?}");
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        // As root, every measure this machine can give must really be in
        // force; one it cannot give must be reported as not enforced.
        for measure in measures {
            let possible = match measure["name"].as_str().unwrap() {
                "memory" => machine::has_memory_cgroup(),
                "processes" | "network" => machine::has_namespaces(),
                "filesystem" => machine::has_landlock(),
                _ => true,
            };
            assert_eq!(measure["enforced"], possible, "{measure}");
        }
    }
    let text = run([
        "grade",
        dir.path().to_str().unwrap(),
        "--exercises",
        "list_tuple",
    ])
    .output()
    .expect_code(0)
    .stdout();
    assert!(
        text.contains("sandbox: 10s per exercise, 20s CPU, 1024 MiB memory"),
        "{text}"
    );
}

/// A workspace with one solved exercise, one planted bug, one syntax error
/// and untouched stubs, at a fixed seed.
fn mixed_workspace(tmp: &std::path::Path) -> std::path::PathBuf {
    let ws = tmp.join("ws");
    // A fixed set, so that the snapshot does not change as the catalogue grows.
    run([
        "init",
        ws.to_str().unwrap(),
        "--seed",
        "5",
        "--exercises",
        "list_tuple,decorators,generators,lru_cache,rate_limiter",
    ])
    .output()
    .expect_code(0);
    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    std::fs::write(
        ws.join("decorators.py"),
        planted("decorators", "retry_one_extra_attempt"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/hostile/syntax_error.py"),
        ws.join("lru_cache.py"),
    )
    .unwrap();
    ws
}

#[test]
fn check_output_reads_well() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = mixed_workspace(tmp.path());
    let out = run(["check"]).in_dir(&ws).output().expect_code(1).stdout();
    insta::assert_snapshot!("check_mixed_workspace", out);
    let one = run(["check", "decorators"])
        .in_dir(&ws)
        .output()
        .expect_code(1)
        .stdout();
    insta::assert_snapshot!("check_one_exercise", one);
}

/// A misspelt function and a function still raising the stub's error, in an
/// otherwise finished exercise: check names the first and counts the second.
#[test]
fn check_names_a_misspelt_function_and_counts_unfinished_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "generators", 5);
    let solved = std::fs::read_to_string(solution("generators")).unwrap();
    let stub = std::fs::read_to_string(stub("generators")).unwrap();
    // running_mean as in the stub; chunked renamed.
    let start = solved
        .find("def running_mean")
        .expect("running_mean in the solution");
    let stub_start = stub
        .find("def running_mean")
        .expect("running_mean in the stub");
    let source = format!("{}{}", &solved[..start], &stub[stub_start..])
        .replace("def chunked(", "def chunkd(");
    std::fs::write(ws.join("generators.py"), source).unwrap();
    let out = run(["check"]).in_dir(&ws).output().expect_code(1).stdout();
    insta::assert_snapshot!("check_misspelt_and_unfinished", out);
    assert!(
        out.contains("`chunked` is not defined in your file"),
        "{out}"
    );
    assert!(
        out.contains("not attempted yet: the stub still raises NotImplementedError"),
        "{out}"
    );
}

#[test]
fn the_grade_report_marks_hidden_checks_and_counts_hints() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = mixed_workspace(tmp.path());
    run(["hint", "decorators"])
        .in_dir(&ws)
        .output()
        .expect_code(0);
    run(["hint", "decorators"])
        .in_dir(&ws)
        .output()
        .expect_code(0);
    let graded = |seed: &str| -> serde_json::Value {
        let out = run([
            "grade",
            ws.to_str().unwrap(),
            "--format",
            "json",
            "--seed",
            seed,
        ])
        .output()
        .expect_code(0);
        report_json(&out.stdout())
    };
    let report = graded("6");
    let decorators = &report["exercises"][1];
    assert_eq!(decorators["id"], "decorators");
    assert_eq!(decorators["hints_used"], 2);
    assert_eq!(decorators["hints_available"], 3);
    for check in decorators["checks"].as_array().unwrap() {
        assert_eq!(check["hidden"], check["origin"] == "generated", "{check}");
    }
    // Graded with the candidate's own seed, nothing was hidden from them.
    let same = graded("5");
    assert!(
        same["exercises"][1]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["hidden"] == false)
    );
    let text = run(["grade", ws.to_str().unwrap(), "--seed", "6"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(text.contains("hints used: 2 of 3"), "{text}");
    assert!(text.contains("(hidden)"), "{text}");
}

#[test]
fn watch_rechecks_a_saved_file_gives_hints_and_quits_on_q() {
    use std::io::{BufRead, BufReader, Write};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple,decorators", 2);
    let mut child = std::process::Command::new(BIN)
        .arg("watch")
        .current_dir(&ws)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = lines.send(line.unwrap_or_default());
        }
    });
    // Collects output until a line contains `needle` (or fails after a while).
    let wait_for = |needle: &str| -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = vec![];
        while Instant::now() < deadline {
            if let Ok(line) = received.recv_timeout(Duration::from_millis(100)) {
                let found = line.contains(needle);
                seen.push(line);
                if found {
                    return seen;
                }
            }
        }
        panic!("no `{needle}` in watch output:\n{}", seen.join("\n"));
    };
    let first = wait_for("Watching");
    // Grading reads the files; reading is not saving, so nothing re-runs.
    if let Ok(line) = received.recv_timeout(Duration::from_millis(1000)) {
        panic!("output without a save: {line}");
    }
    assert!(
        first
            .iter()
            .any(|l| l.starts_with("list_tuple  ░") && l.contains("0/16")),
        "{first:?}"
    );

    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    let after = wait_for("Watching");
    assert!(
        after.iter().any(|l| l.contains("re-checked list_tuple.py")),
        "{after:?}"
    );
    assert!(
        after
            .iter()
            .any(|l| l.starts_with("list_tuple  ████████████████████  16/16  done")),
        "{after:?}"
    );
    assert!(
        after.iter().any(|l| l == "Checking list_tuple.py…"),
        "a slow check is announced before it runs: {after:?}"
    );

    // A helper module any exercise may import: saving it re-checks them all.
    std::fs::write(ws.join("helper.py"), "TOLERANCE = 1e-9\n").unwrap();
    // (A copy can arrive as two writes: list_tuple may be re-checked again first.)
    wait_for("Checking every exercise (helper.py changed)…");
    let helper = wait_for("Watching");
    assert!(
        helper.iter().any(|l| l.contains("checked every exercise")),
        "{helper:?}"
    );

    let mut stdin = child.stdin.take().unwrap();
    // After re-checking everything, the focus is the first unfinished exercise.
    writeln!(stdin, "h").unwrap();
    let hint = wait_for("Hint 1 of 3 for decorators");
    assert!(!hint.is_empty());
    // A hint read in watch is recorded too, and watch says so.
    wait_for("Recorded: your interviewer will see that you used 1 of 3 hints for decorators.");
    writeln!(stdin, "q").unwrap();
    wait_for("Stopped watching.");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(Instant::now() < deadline, "watch did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["hints"]["decorators"], 1,
        "a hint from watch is remembered too"
    );
}

/// Three submissions: full marks, the sample with mistakes, untouched stubs.
fn batch(tmp: &std::path::Path) -> Vec<String> {
    let names = ["alice", "bob", "carol"];
    for name in names {
        std::fs::create_dir(tmp.join(name)).unwrap();
    }
    for id in exercises::ids() {
        std::fs::copy(solution(id), tmp.join("alice").join(format!("{id}.py"))).unwrap();
        std::fs::copy(
            root().join("samples/submission").join(format!("{id}.py")),
            tmp.join("bob").join(format!("{id}.py")),
        )
        .unwrap();
        std::fs::copy(
            crate::support::stub(id),
            tmp.join("carol").join(format!("{id}.py")),
        )
        .unwrap();
    }
    names
        .iter()
        .map(|n| tmp.join(n).display().to_string())
        .collect()
}

#[test]
fn batch_grading_gives_the_same_results_whatever_the_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let subs = batch(tmp.path());
    let graded = |jobs: &str| -> Vec<serde_json::Value> {
        let out = run(["grade", "--format", "json", "--seed", "12", "--jobs", jobs])
            .with_args(&subs)
            .output()
            .expect_code(0);
        out.stdout()
            .lines()
            .map(|line| {
                let mut report = report_json(line);
                for exercise in report["exercises"].as_array_mut().unwrap() {
                    exercise["elapsed_ms"] = 0.into();
                    exercise["timing"] = serde_json::Value::Null; // measured
                    for check in exercise["checks"].as_array_mut().unwrap() {
                        check.as_object_mut().unwrap().remove("elapsed_ms");
                    }
                }
                // Each worker runs its children under a uid of its own: the
                // sandbox section names it, the grades must not differ.
                report["sandbox"] = serde_json::Value::Null;
                report
            })
            .collect()
    };
    let one = graded("1");
    assert_eq!(one.len(), 3);
    assert_eq!(one, graded("3"));
    let scores: Vec<f64> = one.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    let full = 10.0 * exercises::ids().len() as f64;
    assert_eq!(scores[0], full);
    assert!(scores[1] > 0.0 && scores[1] < full);
    assert_eq!(scores[2], 0.0);
    assert!(
        one.iter().all(|r| r["seed"] == 12),
        "one seed for the batch"
    );
}

#[test]
fn batch_grading_ends_with_a_summary_and_writes_reports_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let subs = batch(tmp.path());
    let text = run(["grade", "--seed", "12"])
        .with_args(&subs)
        .output()
        .expect_code(0)
        .stdout();
    let summary: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("SUBMISSION"))
        .collect();
    assert!(
        summary[0].contains("TOTAL")
            && summary[0].contains("list_tuple")
            && summary[0].contains("WARNINGS")
    );
    assert!(
        summary[1].starts_with("alice")
            && summary[1].contains(&{
                let full = 10 * exercises::ids().len();
                format!("{full}/{full}")
            }),
        "{summary:?}"
    );
    assert!(
        summary[3].starts_with("carol")
            && summary[3].contains(&format!(" 0/{}", 10 * exercises::ids().len())),
        "{summary:?}"
    );

    let out_dir = tmp.path().join("reports");
    let out = run([
        "grade",
        "--seed",
        "12",
        "--format",
        "json",
        "--out",
        out_dir.to_str().unwrap(),
    ])
    .with_args(&subs)
    .output()
    .expect_code(0);
    assert!(out.stdout().contains("Wrote 3 files"), "{}", out.stdout());
    for name in ["alice", "bob", "carol"] {
        let report: serde_json::Value =
            report_json(&std::fs::read_to_string(out_dir.join(format!("{name}.json"))).unwrap());
        assert_eq!(report["seed"], 12);
    }
    // The sample's failures come with follow-up questions for the interviewer.
    let bob: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("bob.json")).unwrap()).unwrap();
    let decorators = bob["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "decorators")
        .unwrap();
    assert!(!decorators["follow_ups"].as_array().unwrap().is_empty());

    // One unreadable submission does not stop the others.
    std::fs::write(tmp.path().join("broken.tar.gz"), b"not an archive").unwrap();
    let mixed = run([
        "grade",
        "--seed",
        "12",
        subs[0].as_str(),
        tmp.path().join("broken.tar.gz").to_str().unwrap(),
    ])
    .output()
    .expect_code(2);
    assert!(mixed.stdout().contains("alice"), "{}", mixed.stdout());
    assert!(
        mixed
            .stderr()
            .contains("1 of 2 submissions could not be graded"),
        "{}",
        mixed.stderr()
    );
}

#[test]
fn similarity_flags_a_renamed_copy_and_not_independent_solutions() {
    let tmp = tempfile::tempdir().unwrap();
    let subs = batch(tmp.path());
    // dave renamed every name of alice's list_tuple and reworded comments.
    let dave = tmp.path().join("dave");
    std::fs::create_dir(&dave).unwrap();
    let mut copy = std::fs::read_to_string(solution("list_tuple")).unwrap();
    for (from, to) in [
        ("path", "route"),
        ("value", "thing"),
        ("target", "dest"),
        ("items", "stuff"),
        ("item", "elem"),
    ] {
        copy = copy.replace(from, to);
    }
    std::fs::write(
        dave.join("list_tuple.py"),
        copy.replace("# ", "# my note: "),
    )
    .unwrap();
    let out = run([
        "grade",
        "--format",
        "json",
        "--seed",
        "3",
        "--exercises",
        "list_tuple",
    ])
    .with_args(&subs)
    .with_args([dave.to_str().unwrap()])
    .output()
    .expect_code(0);
    let reports: Vec<serde_json::Value> = out.stdout().lines().map(report_json).collect();
    let similar = |i: usize| {
        reports[i]["similar"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let alice = similar(0);
    assert_eq!(alice.len(), 1, "{alice:?}");
    assert_eq!(alice[0]["other"], "dave");
    assert!(alice[0]["score"].as_f64().unwrap() >= pyinterview::similarity::FLAG_AT);
    assert!(!alice[0]["regions"].as_array().unwrap().is_empty());
    assert!(
        similar(1).is_empty(),
        "the sample solution is independent of the reference"
    );
    assert!(
        similar(2).is_empty(),
        "untouched stubs are not alike: the stub's own code is excluded"
    );
    let text = run(["grade", "--seed", "3", "--exercises", "list_tuple"])
        .with_args(&subs)
        .with_args([dave.to_str().unwrap()])
        .output()
        .expect_code(0)
        .stdout();
    // The summary shows groups of alike solutions, one line each.
    assert!(
        text.lines()
            .any(|l| l.starts_with("  list_tuple: 2 solutions alike")
                && l.contains("alice 10")
                && l.contains("dave 10")),
        "{text}"
    );
    // Each submission's own report says it too, under the exercise, with
    // the rubric to discuss the code with.
    let alice = &text[text.find("Submission ").unwrap()..text.find("SUBMISSION").unwrap()];
    let alice = &alice[..alice[1..]
        .find("Submission ")
        .map_or(alice.len(), |i| i + 1)];
    assert!(
        alice.contains("similar:") && alice.contains("with dave's solution (lines "),
        "{alice}"
    );
    assert!(alice.contains("rubric:\n      • "), "{alice}");
}

#[test]
fn plan_proposes_a_screen_for_each_level_and_writes_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    for level in ["junior", "mid", "senior", "design"] {
        let file = tmp.path().join(format!("{level}.md"));
        let out = run([
            "plan",
            "--level",
            level,
            "--minutes",
            "45",
            "--seed",
            "1",
            "--markdown",
            file.to_str().unwrap(),
        ])
        .output()
        .expect_code(0)
        .stdout();
        assert!(
            out.starts_with(&format!("# {level}-level screen, 45 minutes")),
            "{out}"
        );
        let rows = out
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| #") && !l.starts_with("| |"))
            .count();
        assert!((3..=5).contains(&rows), "{level}: {rows} questions\n{out}");
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            out,
            "the Markdown file holds the plan"
        );
    }
    let senior = run(["plan", "--level", "senior", "--seed", "5"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        senior.contains("(exercise `rate_limiter`)"),
        "a runnable exercise in the mix: {senior}"
    );
    let short = run(["plan", "--level", "senior", "--minutes", "10"])
        .output()
        .expect_code(2);
    assert!(short.stderr().contains("too short"), "{}", short.stderr());
}

/// The minutes of a plan's table rows: (label, minutes).
fn plan_rows(plan: &str) -> Vec<(String, u32)> {
    plan.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| #"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[2].to_string(), cells[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn a_longer_screen_goes_deeper_on_each_question() {
    for (level, minutes) in [("junior", 45), ("mid", 90), ("senior", 60)] {
        let out = run([
            "plan",
            "--level",
            level,
            "--minutes",
            &minutes.to_string(),
            "--seed",
            "2",
        ])
        .output()
        .expect_code(0)
        .stdout();
        let rows = plan_rows(&out);
        let total: u32 = rows.iter().map(|(_, m)| m).sum();
        assert_eq!(total, minutes, "{out}");
        let wrap_up = rows
            .iter()
            .find(|(label, _)| label.starts_with("candidate's questions"))
            .unwrap();
        assert_eq!(wrap_up.1, 5, "five minutes for the candidate: {out}");
    }
    // Far more time than 3–5 questions can use: the rest is said to be spare.
    let long = run([
        "plan",
        "--level",
        "junior",
        "--minutes",
        "600",
        "--seed",
        "2",
    ])
    .output()
    .expect_code(0)
    .stdout();
    assert!(
        long.contains("| | spare: go deeper where the candidate is strong |"),
        "{long}"
    );
}

#[test]
fn plan_checks_the_markdown_path_before_printing() {
    let out = run([
        "plan",
        "--level",
        "mid",
        "--markdown",
        "/nonexistent/dir/plan.md",
    ])
    .output()
    .expect_code(2);
    assert!(out.stdout().is_empty(), "{}", out.stdout());
    assert!(
        out.stderr()
            .contains("cannot write /nonexistent/dir/plan.md")
    );
}

#[test]
fn questions_filter_by_level_and_section() {
    let senior = run(["questions", "--level", "senior"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(senior.contains("26. ") && senior.contains("40. "));
    assert!(
        !senior.contains(" 1. ") && !senior.contains("41. "),
        "senior means 26–40"
    );
    let behavioural = run(["questions", "--section", "behavioural"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(behavioural.contains("41. ") && !behavioural.contains("26. "));
    let none = run(["questions", "--level", "junior", "--section", "senior"])
        .output()
        .expect_code(2);
    assert!(
        none.stderr()
            .contains("no questions match: the junior level draws on the sections junior"),
        "{}",
        none.stderr()
    );
    let bad = run(["questions", "--section", "nope"])
        .output()
        .expect_code(2);
    assert!(
        bad.stderr()
            .contains("the sections are: junior, mid, senior, design, behavioural"),
        "{}",
        bad.stderr()
    );
}

/// Code that behaves during the graded run and hangs when repeated for
/// timing (or prints every call) costs neither time nor report space: the
/// timing pass has its own short deadline and its output goes nowhere.
#[test]
fn the_timing_pass_cannot_hang_grading_or_flood_the_report() {
    let source = std::fs::read_to_string(solution("list_tuple"))
        .unwrap()
        .replace(
            "def count_visits(path: list[list[int]]) -> dict[tuple[int, int], int]:",
            "def count_visits(path: list[list[int]]) -> dict[tuple[int, int], int]:\n    \
         import os, sys, time\n    print('visit')\n    os.write(1, b'raw\\n')\n    \
         if sys.stdout.name == os.devnull:\n        time.sleep(60)",
        );
    let dir = submission_source("list_tuple", &source);
    let reference = root().join("exercises");
    let list_tuple = ["--seed", "2", "--exercises", "list_tuple"];
    let began = std::time::Instant::now();
    let report = grade_json(
        dir.path(),
        &[
            &list_tuple[..],
            &[
                "--timeout",
                "20",
                "--reference",
                reference.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    let elapsed = began.elapsed();
    let exercise = &report["exercises"][0];
    assert_eq!(exercise["score"], 10.0, "{exercise}");
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "the 20 s deadline was not waited out: {elapsed:?}"
    );
    // What the graded run printed, nothing from the repeats: the same as
    // without a timing pass.
    let stdout = exercise["stdout"].as_str().unwrap();
    assert_eq!(
        stdout.matches("visit").count(),
        stdout.matches("raw").count(),
        "{stdout}"
    );
    let untimed = grade_json(dir.path(), &[&list_tuple[..], &["--no-reference"]].concat());
    assert_eq!(untimed["exercises"][0]["stdout"].as_str().unwrap(), stdout);
}

#[test]
fn grade_times_the_code_against_the_reference_solution() {
    let dir = submission_with("list_tuple", &solution("list_tuple"));
    let path = dir.path().to_str().unwrap();
    let graded = |extra: &[&str]| {
        grade_json(
            dir.path(),
            &[&["--seed", "2", "--exercises", "list_tuple"][..], extra].concat(),
        )
    };
    let reference = root().join("exercises");
    let timed = graded(&["--reference", reference.to_str().unwrap()]);
    let timing = &timed["exercises"][0]["timing"];
    assert_eq!(
        timing["checks"], 16,
        "every check finished in both runs: {timing}"
    );
    assert!(
        timing["candidate_ms"].as_f64().unwrap() > 0.0
            && timing["reference_ms"].as_f64().unwrap() > 0.0
    );
    // How the two times compare is a benchmark's business (`just bench`):
    // a loaded machine can change any ratio, so no test asserts one.
    assert!(
        timing["ratio"].as_f64().unwrap() > 0.0,
        "a ratio is reported: {timing}"
    );
    assert!(
        graded(&["--no-reference"])["exercises"][0]
            .get("timing")
            .is_none()
    );
    run(["grade", path, "--reference", "/no/such/dir"])
        .output()
        .expect_code(2);
}

/// The same exception in many checks (one broken function) is one entry
/// with a count, not the same traceback once per check.
#[test]
fn check_groups_the_same_error_into_one_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple", 1);
    let source = std::fs::read_to_string(solution("list_tuple"))
        .unwrap()
        .replacen(
            "    match value:",
            "    raise ValueError(\"boom\")\n    match value:",
            1,
        );
    std::fs::write(ws.join("list_tuple.py"), source).unwrap();
    let out = run(["check", "list_tuple", "--workspace", ws.to_str().unwrap()])
        .output()
        .expect_code(1)
        .stdout();
    // Seven freeze checks, one entry; the other functions' checks pass.
    assert_eq!(out.matches("raised ValueError: boom").count(), 1, "{out}");
    assert!(out.contains("(and 6 more checks)"), "{out}");
    assert!(out.contains("9/16"), "{out}");
}

/// Paths and workspaces are never used silently or blamed on an option
/// nobody gave.
#[test]
fn workspace_paths_are_named_and_mistakes_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("take-home");
    init_workspace(&ws, "list_tuple", 1);

    // Inside take-home, a path from its parent (a command copied from the
    // README or a colleague) names the workspace the candidate is in.
    for dir in [ws.clone(), ws.join("notes")] {
        std::fs::create_dir_all(&dir).unwrap();
        for command in ["check", "reset"] {
            let out = run([command, "take-home/list_tuple.py"])
                .in_dir(&dir)
                .output();
            assert!(out.code() <= 1, "{command}: {}", out.stderr());
            assert!(out.stdout().contains("list_tuple"), "{}", out.stdout());
        }
    }
    // A path that leads nowhere from here says so, naming no --workspace.
    let err = run(["check", "elsewhere/list_tuple.py"])
        .in_dir(&ws)
        .output()
        .expect_code(2)
        .stderr();
    assert!(
        err.contains("elsewhere/list_tuple.py is not a path from here"),
        "{err}"
    );
    assert!(err.contains("`list_tuple`"), "{err}");
    assert!(!err.contains("--workspace"), "{err}");
    // The same path from the parent directory works, and says which workspace.
    let out = run(["check", "take-home/list_tuple.py"])
        .in_dir(tmp.path())
        .output()
        .expect_code(1)
        .stdout();
    assert!(
        out.starts_with(&format!("workspace: {}", ws.display())),
        "{out}"
    );

    // --workspace takes a directory: a file is refused, not replaced by its parent.
    let err = run(["check", "-w", ws.join("list_tuple.py").to_str().unwrap()])
        .output()
        .expect_code(2)
        .stderr();
    assert!(
        err.contains("is a file, and --workspace takes a workspace directory"),
        "{err}"
    );

    // init on a file says so in words.
    let err = run(["init", ws.join("list_tuple.py").to_str().unwrap()])
        .output()
        .expect_code(2)
        .stderr();
    assert!(err.contains("is a file: init takes the directory"), "{err}");
    assert!(!err.contains("os error"), "{err}");

    // A workspace inside another one, its manifest deleted: the outer one
    // is used, and named.
    let inner = ws.join("inner");
    init_workspace(&inner, "list_tuple", 2);
    std::fs::remove_file(inner.join(".pyinterview.json")).unwrap();
    let out = run(["check"]).in_dir(&inner).output().stdout();
    assert!(
        out.starts_with(&format!("workspace: {}", ws.display())),
        "{out}"
    );
}

/// Runs a shell command on a terminal (`script`, from util-linux) and
/// returns what the terminal showed; `None`, saying so, where `script` is
/// missing.
fn on_a_terminal() -> Option<impl Fn(&str) -> String> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: `script` (util-linux), which gives the command a terminal, is missing");
        return None;
    }
    Some(|command: &str| {
        let out = std::process::Command::new("script")
            .args(["-qec", command, "/dev/null"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
}

/// On a terminal, check shows what runs while it runs (a hang is not a
/// blank screen); piped, it prints nothing extra.
#[test]
fn check_shows_what_runs_on_a_terminal_only() {
    let Some(on_terminal) = on_a_terminal() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple", 1);
    let shown = on_terminal(&format!("{BIN} check list_tuple -w {}", ws.display()));
    assert!(shown.contains("checking list_tuple"), "{shown}");
    let piped = run(["check", "list_tuple", "-w", ws.to_str().unwrap()])
        .output()
        .expect_code(1);
    assert!(!piped.stdout().contains("checking list_tuple"));
    assert!(!piped.stderr().contains("checking list_tuple"));
}

/// A hang on a terminal names the check that is running and counts its
/// seconds, while it hangs (not only in the report afterwards).
#[test]
fn a_hang_on_a_terminal_names_the_check_running_and_its_time() {
    let Some(on_terminal) = on_a_terminal() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple", 1);
    let solution = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("exercises/list_tuple/solution.py"),
    )
    .unwrap();
    let hangs = solution.replacen(
        "def count_visits(",
        "def count_visits(*args, **kwargs):\n    while True:\n        pass\n\n\ndef _count_visits(",
        1,
    );
    assert_ne!(hangs, solution);
    std::fs::write(ws.join("list_tuple.py"), hangs).unwrap();
    let shown = on_terminal(&format!(
        "{BIN} check list_tuple --timeout 2 -w {}",
        ws.display()
    ));
    // Some redraw during the two seconds shows the hung check at 1 s or more.
    let lines: Vec<&str> = shown
        .split(['\r', '\n'])
        .filter(|line| line.contains("checking list_tuple › count_visits"))
        .collect();
    assert!(!lines.is_empty(), "{shown}");
    assert!(
        lines
            .iter()
            .any(|line| line.contains("(1.") || line.contains("(2.")),
        "{lines:?}"
    );
}

/// What the candidate reads (init, the workspace README, show, hint, check,
/// pack and their --help) speaks to them: "your code", never "the
/// candidate" or "the submission". The interviewer's report keeps its words.
#[test]
fn candidate_facing_text_speaks_to_the_candidate() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let mut seen = vec![];
    let mut keep = |what: &str, text: String| seen.push((what.to_string(), text));
    keep(
        "init",
        run([
            "init",
            ws.to_str().unwrap(),
            "--exercises",
            "list_tuple,lru_cache",
        ])
        .output()
        .expect_code(0)
        .stdout(),
    );
    keep(
        "README",
        std::fs::read_to_string(ws.join("README.md")).unwrap(),
    );
    // Code that prints, and an exercise file gone.
    std::fs::write(
        ws.join("list_tuple.py"),
        "import sys\nprint('hello from me')\nprint('oops', file=sys.stderr)\n",
    )
    .unwrap();
    std::fs::remove_file(ws.join("lru_cache.py")).unwrap();
    let check = run(["check"]).in_dir(&ws).output().expect_code(1).stdout();
    assert!(
        check.contains("stdout of your code:\n    │ hello from me"),
        "{check}"
    );
    assert!(
        check.contains("stderr of your code:\n    │ oops"),
        "{check}"
    );
    assert!(
        check.contains("lru_cache.py is not in your workspace"),
        "{check}"
    );
    keep("check", check);
    for args in [
        &["show", "list_tuple"][..],
        &["hint", "list_tuple"],
        &["pack"],
    ] {
        keep(
            args[0],
            run(args).in_dir(&ws).output().expect_code(0).stdout(),
        );
    }
    for command in ["check", "watch", "show", "hint", "init", "reset", "pack"] {
        let help = run([command, "--help"]).output().expect_code(0).stdout();
        keep(command, help);
    }
    for (what, text) in &seen {
        // The archive's file name is a name, not a way of speaking.
        let lower = text.to_lowercase().replace("-submission.tar.gz", ".tar.gz");
        for phrase in ["candidate", "submission"] {
            assert!(!lower.contains(phrase), "{what} says {phrase:?}:\n{text}");
        }
    }
    // The interviewer's report of the same code keeps its wording.
    let report = run(["grade", ws.to_str().unwrap(), "--no-reference"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        report.contains("stdout of the candidate's code:"),
        "{report}"
    );
    assert!(
        report.contains("lru_cache.py is not in the submission"),
        "{report}"
    );
}

/// The wrong `lru_cache` whose `check` output the README shows: hits do not
/// move their entry to the most recent end, and the key keeps the order of
/// the keyword arguments.
const README_LRU_ATTEMPT: &str = r#"import threading
from collections import OrderedDict
from functools import wraps
from typing import NamedTuple


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    maxsize: int | None
    currsize: int


def lru_cache(maxsize=128):
    def decorator(func):
        store = OrderedDict()
        lock = threading.Lock()
        hits = misses = 0

        @wraps(func)
        def wrapper(*args, **kwargs):
            nonlocal hits, misses
            key = (args, tuple(kwargs.items()))
            with lock:
                if key in store:
                    hits += 1
                    return store[key]
                misses += 1
                result = func(*args, **kwargs)
                store[key] = result
                if maxsize is not None and len(store) > maxsize:
                    store.popitem(last=False)
                return result

        def cache_info():
            return CacheInfo(hits, misses, maxsize, len(store))

        def cache_clear():
            nonlocal hits, misses
            store.clear()
            hits = misses = 0

        wrapper.cache_info = cache_info
        wrapper.cache_clear = cache_clear
        return wrapper

    return decorator
"#;

/// The failure report in the README's candidate section is real: every
/// line of it (but the note saying what was trimmed) is what `check` prints
/// for that attempt, in order.
#[test]
fn the_readme_failure_report_is_what_check_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("the real output of `check lru_cache`")
        .expect("the README's candidate section shows a failure report");
    let block = &readme[start..];
    let block = &block[block.find("```text\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];

    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("take-home");
    init_workspace(&ws, "lru_cache", 7);
    std::fs::write(ws.join("lru_cache.py"), README_LRU_ATTEMPT).unwrap();
    let out = run(["check", "lru_cache"])
        .in_dir(&ws)
        .output()
        .expect_code(1)
        .stdout();
    let mut printed = out.lines().map(str::trim_end);
    let mut trim_note = false;
    for line in block.lines() {
        // The note on what the README left out, and its continuation.
        if line.starts_with("  … (") {
            trim_note = true;
            continue;
        }
        if trim_note && line.starts_with("     ") {
            continue;
        }
        assert!(
            printed.any(|p| p == line.trim_end()),
            "README line not printed by check (in this order): {line:?}\n--- check printed:\n{out}"
        );
    }
}
