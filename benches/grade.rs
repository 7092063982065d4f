//! `just bench`: how long grading a whole correct submission takes, isolation
//! included, next to how long `python -m pytest` takes to run a file with one
//! trivial assert — both measured in this run, reported as a ratio.
//!
//! Both sides are whole processes started the way a user starts them, timed
//! over the same number of runs (the median is reported). pytest comes from a
//! virtualenv under `target/bench-venv`, created on first use from PyPI, so the
//! benchmark never depends on what happens to be installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let binary = env!("CARGO_BIN_EXE_pyinterview");
    let work = tempfile::tempdir().expect("tempdir");

    // A full, correct submission: every reference solution.
    let submission = work.path().join("submission");
    std::fs::create_dir(&submission).unwrap();
    let mut exercises = 0;
    for id in pyinterview::exercises::ids() {
        let path = root.join("exercises").join(id).join("solution.py");
        std::fs::copy(&path, submission.join(format!("{id}.py"))).unwrap();
        exercises += 1;
    }
    let test_file = work.path().join("test_one.py");
    std::fs::write(&test_file, "def test_one():\n    assert 1 + 1 == 2\n").unwrap();
    let python = pytest_python(&root);

    let grade = median(RUNS, || {
        let out = Command::new(binary)
            .args([
                "grade",
                submission.to_str().unwrap(),
                "--format",
                "json",
                "--seed",
                "1",
            ])
            .output()
            .expect("pyinterview runs");
        assert!(
            out.status.success(),
            "grading failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["score"], report["max_score"],
            "the reference solutions score full marks"
        );
    });
    let pytest = median(RUNS, || {
        let out = Command::new(&python)
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                test_file.to_str().unwrap(),
            ])
            .current_dir(work.path())
            .output()
            .expect("pytest runs");
        assert!(
            out.status.success(),
            "pytest failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    });

    println!("median of {RUNS} runs each, measured in this run:");
    println!(
        "  pyinterview grade (full correct submission, {exercises} exercises): {:>8.1} ms",
        ms(grade)
    );
    println!(
        "  python -m pytest (one file, one trivial assert):            {:>8.1} ms",
        ms(pytest)
    );
    println!(
        "  ratio grade / pytest: {:.2}",
        grade.as_secs_f64() / pytest.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm the page cache; not counted
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// A Python with pytest: the bench virtualenv, created and filled on first use.
fn pytest_python(root: &Path) -> PathBuf {
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    let has_pytest = |python: &Path| {
        Command::new(python)
            .args(["-m", "pytest", "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !has_pytest(&python) {
        eprintln!("bench: creating {} with pytest (one-time)…", venv.display());
        let status = Command::new("python3")
            .args(["-m", "venv", venv.to_str().unwrap()])
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "python3 -m venv failed: is the venv module installed?"
        );
        let status = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "pytest"])
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "pip install pytest failed: is PyPI reachable?"
        );
    }
    python
}
