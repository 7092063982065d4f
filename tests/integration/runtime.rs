//! The Python the tool runs on: found at run time, proved before anything is
//! graded, named by `--version`, in reports and in pack manifests. A Python
//! that does not start is an internal error (exit 3) in one line, never a
//! score.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::{BIN, init_workspace, solution};

/// Runs the binary with `PYINTERVIEW_PYTHON_HOME` set to `home` (when given).
fn run_with_home(home: Option<&Path>, args: &[&str], dir: &Path) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    match home {
        Some(home) => command.env("PYINTERVIEW_PYTHON_HOME", home),
        None => command.env_remove("PYINTERVIEW_PYTHON_HOME"),
    };
    command.output().expect("binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A workspace for `list_tuple` holding the reference solution.
fn solved_workspace(tmp: &Path) -> std::path::PathBuf {
    let ws = tmp.join("ws");
    init_workspace(&ws, "list_tuple", 5);
    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    ws
}

/// Exit 3, nothing on stdout, one line on stderr naming the Python tried and
/// the variable to set.
fn assert_internal_error(output: &Output, what: &str) {
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(
        output.status.code(),
        Some(3),
        "{what}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert_eq!(stdout, "", "{what}: nothing on stdout");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{what}: one line on stderr:\n{stderr}"
    );
    assert!(
        stderr.starts_with("error: internal error: ")
            && stderr.contains("CPython 3.")
            && stderr.contains("PYINTERVIEW_PYTHON_HOME"),
        "{what}: {stderr}"
    );
}

/// Homes that cannot work: missing, and one that has `os.py` but no
/// standard library (CPython's path-configuration dump must not show).
fn broken_homes(tmp: &Path) -> Vec<std::path::PathBuf> {
    let hollow = tmp.join("hollow");
    for xy in ["3.10", "3.11", "3.12", "3.13", "3.14"] {
        let lib = hollow.join("lib").join(format!("python{xy}"));
        std::fs::create_dir_all(&lib).unwrap();
        std::fs::write(lib.join("os.py"), "").unwrap();
    }
    vec![tmp.join("no-such-python"), hollow]
}

#[test]
fn a_broken_python_is_an_internal_error_never_a_score() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = solved_workspace(tmp.path());
    for home in broken_homes(tmp.path()) {
        let shown = home.display().to_string();
        let out = run_with_home(Some(&home), &["check"], &ws);
        assert_internal_error(&out, "check");
        assert!(text(&out.stderr).contains(&shown), "names the home tried");

        let reports = tmp.path().join("reports");
        let out = run_with_home(
            Some(&home),
            &[
                "grade",
                ws.to_str().unwrap(),
                "--format",
                "json",
                "--out",
                reports.to_str().unwrap(),
            ],
            tmp.path(),
        );
        assert_internal_error(&out, "grade --out");
        assert!(
            std::fs::read_dir(&reports).map_or(true, |mut d| d.next().is_none()),
            "no report written"
        );
        let out = run_with_home(Some(&home), &["grade", ws.to_str().unwrap()], tmp.path());
        assert_internal_error(&out, "grade");

        let out = run_with_home(Some(&home), &["pack"], &ws);
        assert_internal_error(&out, "pack");
        assert!(
            !tmp.path().join("ws-submission.tar.gz").exists(),
            "pack refuses to pack"
        );
    }
}

#[test]
fn version_report_and_pack_manifest_name_the_python() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = solved_workspace(tmp.path());

    let out = run_with_home(None, &["--version"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    let version = text(&out.stdout);
    let (home, python) = {
        let out = run_with_home(
            None,
            &["grade", ws.to_str().unwrap(), "--format", "json"],
            tmp.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["score"], report["max_score"], "the solution passes");
        let python = report["python"].clone();
        assert_eq!(python["implementation"], "CPython");
        (python["home"].as_str().unwrap().to_string(), python)
    };
    let xy: Vec<&str> = python["version"]
        .as_str()
        .unwrap()
        .split('.')
        .take(2)
        .collect();
    assert!(
        Path::new(&home)
            .join(format!("lib/python{}/os.py", xy.join(".")))
            .is_file(),
        "the home holds the standard library: {home}"
    );
    assert_eq!(
        version.trim(),
        format!(
            "pyinterview {} (CPython {} at {home})",
            env!("CARGO_PKG_VERSION"),
            python["version"].as_str().unwrap()
        )
    );

    // The override is honoured (here: the same home, named explicitly).
    let out = run_with_home(Some(Path::new(&home)), &["check"], &ws);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let out = run_with_home(None, &["pack"], &ws);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let archive = std::fs::File::open(tmp.path().join("ws-submission.tar.gz")).unwrap();
    let mut reader = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let mut manifest = None;
    for entry in reader.entries().unwrap() {
        let mut entry = entry.unwrap();
        if entry.path().unwrap().to_str() == Some("pyinterview-pack.json") {
            let mut body = String::new();
            entry.read_to_string(&mut body).unwrap();
            manifest = Some(serde_json::from_str::<serde_json::Value>(&body).unwrap());
        }
    }
    let manifest = manifest.expect("a pack manifest");
    assert_eq!(manifest["python"], python);
    assert_eq!(
        manifest["exercises"][0]["self_check"]["passed"],
        manifest["exercises"][0]["self_check"]["checks"]
    );
}
