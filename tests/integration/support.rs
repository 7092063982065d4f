//! Shared helpers: paths, a fluent builder for running the binary, and grading
//! a directory through the real sandbox.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use pyinterview::grade::model::{Status, SubmissionResult};
use pyinterview::grade::{GradeOptions, grade_submission};
use pyinterview::sandbox::Sandbox;

pub const BIN: &str = env!("CARGO_BIN_EXE_pyinterview");

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn solution(id: &str) -> PathBuf {
    root().join("python/solutions").join(format!("{id}.py"))
}

pub fn stub(id: &str) -> PathBuf {
    root().join("exercises").join(id).join("stub.py")
}

pub fn sandbox() -> Sandbox {
    Sandbox::new(BIN)
}

/// A temporary submission holding `file` as `<id>.py`.
pub fn submission_with(id: &str, file: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(file, dir.path().join(format!("{id}.py"))).expect("copy");
    dir
}

/// A temporary submission holding `source` as `<id>.py`.
pub fn submission_source(id: &str, source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(format!("{id}.py")), source).expect("write");
    dir
}

pub fn grade(sandbox: &mut Sandbox, dir: &Path, ids: &[&str], seed: u64) -> SubmissionResult {
    let options = GradeOptions {
        seed,
        timeout: Duration::from_secs(20),
        exercises: ids.iter().map(|s| s.to_string()).collect(),
        ..GradeOptions::default()
    };
    grade_submission(sandbox, dir, &options).expect("grading runs")
}

/// Names and statuses of the checks that did not pass, for assertion messages.
pub fn failures(result: &SubmissionResult) -> Vec<String> {
    result
        .exercises
        .iter()
        .flat_map(|e| e.checks.iter().map(move |c| (e, c)))
        .filter(|(_, c)| c.status != Status::Passed)
        .map(|(e, c)| format!("{}: {} [{}] {}", e.id, c.name, c.status.as_str(), c.message))
        .collect()
}

/// Runs the binary: `run(["grade", dir]).in_dir(d).output()`.
pub struct Run {
    command: Command,
}

pub fn run<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(BIN);
    command.args(args).env("NO_COLOR", "1");
    Run { command }
}

impl Run {
    pub fn with_args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn in_dir(mut self, dir: &Path) -> Run {
        self.command.current_dir(dir);
        self
    }

    pub fn output(mut self) -> Finished {
        let output = self.command.output().expect("binary runs");
        Finished { output }
    }
}

pub struct Finished {
    pub output: Output,
}

impl Finished {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// Asserts the exit status, showing the output when it differs.
    pub fn expect_code(self, code: i32) -> Finished {
        assert_eq!(
            self.code(),
            code,
            "exit status\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}
