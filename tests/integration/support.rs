//! Shared helpers: paths, a fluent builder for running the binary, and grading
//! a directory through the real sandbox.

#![allow(unsafe_code)]

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
    root().join("exercises").join(id).join("solution.py")
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

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.command.env(key, value);
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

/// What this machine can give a sandbox, probed independently of the
/// grader's own detection, so a test can demand every measure the machine
/// allows and accept, where it does not, a report that says so.
pub mod machine {
    /// New PID, network, mount and IPC namespaces (util-linux's unshare).
    pub fn has_namespaces() -> bool {
        std::process::Command::new("unshare")
            .args(["--pid", "--net", "--mount", "--ipc", "--fork", "true"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Landlock, any ABI version.
    pub fn has_landlock() -> bool {
        const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
        // SAFETY: the version query reads and writes no memory.
        let version = unsafe {
            libc::syscall(
                libc::SYS_landlock_create_ruleset,
                std::ptr::null::<libc::c_void>(),
                0usize,
                LANDLOCK_CREATE_RULESET_VERSION,
            )
        };
        version >= 1
    }

    /// A memory cgroup this process could create: cgroup v1's memory
    /// hierarchy accepts a new group, or cgroup v2 has memory delegated.
    pub fn has_memory_cgroup() -> bool {
        let table = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
        for line in table.lines() {
            let mut parts = line.splitn(3, ':');
            let (_, controllers, path) = (parts.next(), parts.next(), parts.next());
            let path = path.unwrap_or("").trim_start_matches('/');
            let controllers = controllers.unwrap_or("");
            if controllers.split(',').any(|c| c == "memory") {
                let probe = std::path::Path::new("/sys/fs/cgroup/memory")
                    .join(path)
                    .join(format!("pyinterview-probe-{}", std::process::id()));
                if std::fs::create_dir(&probe).is_ok() {
                    let _ = std::fs::remove_dir(&probe);
                    return true;
                }
            } else if controllers.is_empty() {
                let subtree = std::path::Path::new("/sys/fs/cgroup")
                    .join(path)
                    .join("cgroup.subtree_control");
                let delegated = std::fs::read_to_string(subtree).unwrap_or_default();
                if delegated.split_whitespace().any(|c| c == "memory") {
                    return true;
                }
            }
        }
        false
    }
}

/// `pyinterview init WS --exercises IDS --seed SEED`, which must succeed.
pub fn init_workspace(ws: &Path, exercises: &str, seed: u64) {
    run(["init", ws.to_str().unwrap(), "--exercises", exercises])
        .with_args(["--seed", &seed.to_string()])
        .output()
        .expect_code(0);
}

/// `pyinterview grade SUBMISSION --format json ARGS…`, which must exit 0,
/// parsed.
pub fn grade_json(submission: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(["grade", submission.to_str().unwrap(), "--format", "json"])
        .with_args(args)
        .output()
        .expect_code(0)
        .stdout();
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    validate_report(&report);
    report
}

/// A JSON report (`grade --format json`, one line of a batch, or a file
/// written with --out), parsed and checked against the committed schema.
pub fn report_json(text: &str) -> serde_json::Value {
    let report = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    validate_report(&report);
    report
}

/// The committed JSON Schema of the report.
pub fn report_schema() -> serde_json::Value {
    let path = root().join("docs/report.schema.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("the schema is JSON")
}

/// Asserts that `report` is valid against the committed schema.
pub fn validate_report(report: &serde_json::Value) {
    static VALIDATOR: std::sync::OnceLock<jsonschema::Validator> = std::sync::OnceLock::new();
    let validator = VALIDATOR
        .get_or_init(|| jsonschema::validator_for(&report_schema()).expect("a valid schema"));
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the report does not follow docs/report.schema.json:\n{}",
        errors.join("\n")
    );
}

/// The planted bugs of exercise `id`.
pub fn planted_bugs(id: &str) -> Vec<pyinterview::planted::PlantedBug> {
    let path = root().join("exercises").join(id).join("planted.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    pyinterview::planted::PlantedBugs::parse(&text)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .bugs
}

/// The reference solution of `id` with planted bug `bug`.
pub fn planted(id: &str, bug: &str) -> String {
    let solution = std::fs::read_to_string(solution(id)).unwrap();
    planted_bugs(id)
        .into_iter()
        .find(|b| b.id == bug)
        .unwrap_or_else(|| panic!("{id} has no planted bug `{bug}`"))
        .apply(&solution)
        .unwrap()
}

/// The exercises a slow per-exercise test covers: all of them, or, while
/// working on some, those named in `PYINTERVIEW_TEST_EXERCISES` (comma
/// separated).
pub fn exercises_under_test() -> Vec<&'static str> {
    let all = pyinterview::exercises::ids();
    match std::env::var("PYINTERVIEW_TEST_EXERCISES") {
        Ok(only) => all
            .into_iter()
            .filter(|id| only.split(',').any(|o| o.trim() == *id))
            .collect(),
        Err(_) => all,
    }
}
