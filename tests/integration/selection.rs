//! What `grade` grades and how a batch reads: the exercises a workspace
//! assigns, submissions that hold nothing to grade, the same submission named
//! twice, formats that cannot share stdout, and the summary table.

use crate::support::*;

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn exercise_ids(report: &serde_json::Value) -> Vec<String> {
    report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

/// A workspace assigning `ids`, with the reference solution of each.
fn solved_workspace(tmp: &std::path::Path, name: &str, ids: &str) -> std::path::PathBuf {
    let ws = tmp.join(name);
    run(["init", ws.to_str().unwrap(), "--exercises", ids])
        .output()
        .expect_code(0);
    for id in ids.split(',') {
        std::fs::copy(solution(id), ws.join(format!("{id}.py"))).unwrap();
    }
    ws
}

#[test]
fn a_workspace_is_graded_on_the_exercises_it_assigns() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = solved_workspace(tmp.path(), "ws", "list_tuple,generators");
    let report = grade_json(&ws, &["--seed", "3"]);
    assert_eq!(exercise_ids(&report), ["list_tuple", "generators"]);
    assert_eq!(report["max_score"], 20.0);
    assert_eq!(report["score"], 20.0);
    assert_eq!(report["selection"], "assigned");
    assert!(
        report["warnings"].as_array().unwrap().is_empty(),
        "{report}"
    );

    let text = run(["grade", ws.to_str().unwrap()])
        .output()
        .expect_code(0)
        .stdout();
    // The scores at a glance come before the details.
    let glance = text.find("scores: list_tuple 10/10 · generators 10/10  total 20/20 (100%)");
    let details = text.find("list_tuple — ");
    assert!(glance.is_some() && glance < details, "{text}");
    assert!(
        text.contains("graded: the 2 exercises the workspace assigns (its manifest, which the candidate could edit"),
        "{text}"
    );
    assert!(text.contains("Total: 20 / 20 (100%)"), "{text}");

    // --exercises still chooses, whatever the manifest says.
    let report = grade_json(&ws, &["--exercises", "lru_cache"]);
    assert_eq!(exercise_ids(&report), ["lru_cache"]);
    assert_eq!(report["selection"], "requested");
    // Named twice, graded once.
    let twice = grade_json(&ws, &["--exercises", "list_tuple,list_tuple"]);
    assert_eq!(exercise_ids(&twice), ["list_tuple"]);
}

#[test]
fn an_exercise_dropped_from_the_manifest_is_still_graded_and_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = solved_workspace(tmp.path(), "ws", "list_tuple,decorators");
    let manifest_path = ws.join(".pyinterview.json");
    let mut manifest = json(&std::fs::read_to_string(&manifest_path).unwrap());
    manifest["exercises"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["id"] != "decorators");
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();

    let report = grade_json(&ws, &[]);
    assert_eq!(exercise_ids(&report), ["list_tuple", "decorators"]);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("decorators.py not assigned by the workspace manifest"),
        "{warnings}"
    );
}

#[test]
fn a_directory_without_exercise_files_is_graded_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(["grade", tmp.path().to_str().unwrap()])
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        out.contains("warning: none of the exercise files (list_tuple.py, decorators.py"),
        "{out}"
    );
    // One line per exercise says why, instead of one per check.
    assert!(
        out.contains(
            "· all 16 checks  [not_attempted]\n      list_tuple.py is not in the submission"
        ),
        "{out}"
    );
    assert_eq!(
        out.matches("list_tuple.py is not in the submission")
            .count(),
        1
    );
}

#[test]
fn a_submission_named_twice_is_graded_once() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = solved_workspace(tmp.path(), "ws", "list_tuple");
    let same = format!("{}/", ws.display());
    // One JSON object, not two JSON Lines, and no similarity with itself.
    let report = grade_json(&ws, &[&same]);
    assert!(report.get("similar").is_none(), "{report}");
}

#[test]
fn one_document_formats_need_out_for_a_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let a = solved_workspace(tmp.path(), "a", "list_tuple");
    let b = solved_workspace(tmp.path(), "b", "list_tuple");
    for format in ["junit", "gradescope", "html"] {
        let refused = run([
            "grade",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "--format",
            format,
        ])
        .output()
        .expect_code(2);
        assert!(
            refused.stderr().contains(&format!(
                "{format} reports are one document per submission: add --out DIR"
            )),
            "{}",
            refused.stderr()
        );
    }
    // On a terminal, a batch's text reports print each rubric once.
    let text = run([
        "grade",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--no-reference",
    ])
    .output()
    .expect_code(0)
    .stdout();
    assert_eq!(text.matches("    rubric:\n").count(), 1, "{text}");
    assert_eq!(
        text.matches("rubric: as in the first report above").count(),
        1,
        "{text}"
    );
    // One submission on stdout is one well-formed document.
    let xml = run(["grade", a.to_str().unwrap(), "--format", "junit"])
        .output()
        .expect_code(0)
        .stdout();
    roxmltree::Document::parse(&xml).expect("one XML document");
}

#[test]
fn the_summary_lists_every_submission_and_every_graded_exercise() {
    let tmp = tempfile::tempdir().unwrap();
    let a = solved_workspace(tmp.path(), "alice", "list_tuple");
    let b = solved_workspace(tmp.path(), "bob", "generators");
    let broken = tmp.path().join("carol.tar.gz");
    std::fs::write(&broken, b"not an archive").unwrap();
    let out = run([
        "grade",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        broken.to_str().unwrap(),
    ])
    .output()
    .expect_code(2);
    let stdout = out.stdout();
    // The reports of a batch are ruled apart.
    assert_eq!(stdout.matches(&"═".repeat(80)).count(), 1, "{stdout}");
    let table: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("SUBMISSION"))
        .collect();
    let header: Vec<&str> = table[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "SUBMISSION",
            "TOTAL",
            "list_tuple",
            "generators",
            "WARNINGS"
        ]
    );
    let row = |name: &str| -> Vec<&str> {
        table
            .iter()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no row for {name}: {stdout}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(row("alice"), ["alice", "10/10", "10", "-", "0"]);
    assert_eq!(row("bob"), ["bob", "10/10", "-", "10", "0"]);
    assert_eq!(row("carol")[..3], ["carol", "-", "not"]);
    assert!(
        stdout.contains("note: the submissions were graded on different exercises"),
        "{stdout}"
    );
    assert!(
        out.stderr()
            .contains("1 of 3 submissions could not be graded")
    );
}

#[test]
fn jobs_and_timeout_are_checked_before_grading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_str().unwrap();
    let zero_jobs = run(["grade", dir, "--jobs", "0"]).output().expect_code(2);
    assert!(
        zero_jobs.stderr().contains("--jobs"),
        "{}",
        zero_jobs.stderr()
    );
    let zero_timeout = run(["grade", dir, "--timeout", "0"])
        .output()
        .expect_code(2);
    assert!(
        zero_timeout
            .stderr()
            .contains("more than 0 and at most 3600 seconds"),
        "{}",
        zero_timeout.stderr()
    );
}

/// In the interviewer's report, checks still raising the stub's error and
/// checks never reached after a timeout are counted in one line each, and a
/// one-call check that hung names its call.
#[test]
fn the_report_counts_unfinished_and_unreached_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "generators,lru_cache", 1);
    // generators: fibonacci never ends its first next(); the rest solved.
    let solved = std::fs::read_to_string(solution("generators")).unwrap();
    let start = solved.find("def fibonacci").unwrap();
    let body = solved[start..].find(":\n").unwrap() + start + 2;
    let hanging = format!(
        "{}    while True:\n        pass\n{}",
        &solved[..body],
        &solved[body..]
    );
    std::fs::write(ws.join("generators.py"), hanging).unwrap();
    let out = run([
        "grade",
        ws.to_str().unwrap(),
        "--timeout",
        "2",
        "--no-reference",
        "--seed",
        "1",
    ])
    .output()
    .expect_code(0)
    .stdout();
    // lru_cache is the untouched stub: one line, not fifteen.
    assert!(
        out.contains("· all 15 checks  [not_attempted]")
            || out.contains("15 checks not attempted yet"),
        "{out}"
    );
    assert_eq!(
        out.matches("raised NotImplementedError").count(),
        0,
        "{out}"
    );
    // generators: the hung check, then one line for the checks after it.
    assert!(out.contains("[timeout]"), "{out}");
    assert!(
        out.contains("later checks not run: the time limit ran out during the check above"),
        "{out}"
    );
    assert_eq!(
        out.matches("not run: the time limit ran out during an earlier check")
            .count(),
        0
    );
}
