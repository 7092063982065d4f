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

/// Grades `ws` (list_tuple only) with the binary at `bin`, as JSON.
fn grade_with(bin: &Path, ws: &Path) -> serde_json::Value {
    let mut command = Command::new(bin);
    command
        .args(["grade", ws.to_str().unwrap(), "--format", "json"])
        .args(["--exercises", "list_tuple", "--seed", "3"])
        .env("NO_COLOR", "1");
    // A copy just written may be "busy" for a moment: another test thread's
    // fork can hold its descriptor until that child execs.
    let mut tries = 0;
    let out = loop {
        match command.output() {
            Err(err) if err.raw_os_error() == Some(libc::ETXTBSY) && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            result => break result.expect("binary runs"),
        }
    };
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn reference_solutions_are_found_beside_the_executable_never_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = solved_workspace(tmp.path());
    // An installation: PREFIX/bin/pyinterview and PREFIX/share/pyinterview/solutions.
    let prefix = tmp.path().join("prefix");
    let bin = prefix.join("bin/pyinterview");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(BIN, &bin).unwrap();
    let solutions = prefix.join("share/pyinterview/solutions");
    std::fs::create_dir_all(&solutions).unwrap();
    std::fs::copy(solution("list_tuple"), solutions.join("list_tuple.py")).unwrap();
    let report = grade_with(&bin, &ws);
    assert!(
        report["exercises"][0]["timing"].is_object(),
        "timed against the installed solutions: {report}"
    );
    // The same executable alone, outside any checkout: no solutions, no timing.
    let alone = tmp.path().join("alone/pyinterview");
    std::fs::create_dir_all(alone.parent().unwrap()).unwrap();
    std::fs::hard_link(&bin, &alone).unwrap();
    let report = grade_with(&alone, &ws);
    assert_eq!(report["score"], report["max_score"]);
    assert!(report["exercises"][0]["timing"].is_null(), "{report}");
    // The development fallback: the checkout's python/solutions.
    let report = grade_with(Path::new(BIN), &ws);
    assert!(report["exercises"][0]["timing"].is_object(), "{report}");

    // Never compiled in: the worker and its children are this very image.
    let image = String::from_utf8_lossy(&std::fs::read(BIN).unwrap()).into_owned();
    for entry in std::fs::read_dir(crate::support::root().join("python/solutions")).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        assert!(
            !image.contains(source.trim()),
            "{} is embedded in the binary",
            path.display()
        );
    }
}

#[test]
fn the_home_follows_the_libpython_actually_loaded() {
    // Debian's libpython3.X beside the one the binary was linked with: the
    // loader takes it through LD_LIBRARY_PATH (the rpath is a RUNPATH), and
    // the home must follow it, in the grader and in its workers alike.
    let version = text(&run_with_home(None, &["--version"], Path::new("/")).stdout);
    let xy: String = version
        .split("CPython ")
        .nth(1)
        .unwrap_or("")
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    let debian = Path::new("/usr/lib/x86_64-linux-gnu");
    let home = Path::new("/usr");
    if !debian.join(format!("libpython{xy}.so.1.0")).is_file()
        || !home.join(format!("lib/python{xy}/os.py")).is_file()
        || version.contains(" at /usr)")
    {
        eprintln!("no second libpython{xy} on this machine: skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ws = solved_workspace(tmp.path());
    let out = Command::new(BIN)
        .arg("--version")
        .env("LD_LIBRARY_PATH", debian)
        .env_remove("PYINTERVIEW_PYTHON_HOME")
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains(" at /usr)"),
        "{}",
        text(&out.stdout)
    );
    let out = Command::new(BIN)
        .args(["grade", ws.to_str().unwrap(), "--format", "json"])
        .env("LD_LIBRARY_PATH", debian)
        .env_remove("PYINTERVIEW_PYTHON_HOME")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["python"]["home"], "/usr", "{}", report["python"]);
    assert_eq!(report["score"], report["max_score"]);
}

#[test]
fn type_names_come_from_the_type_object_not_a_metaclass() {
    // The driver reads names through `type.__dict__["__name__"]` (which the
    // abi3 wheel can use, unlike `tp_name`); a metaclass property must not
    // change what the report shows.
    let source = r#"
class Liar(type):
    @property
    def __name__(cls):
        return "KeyError"


class Sneaky(Exception, metaclass=Liar):
    pass


class Thing(metaclass=Liar):
    pass


def freeze(value):
    raise Sneaky("nope")


def count_visits(path):
    return Thing()


def extend_unique(target, items):
    return None
"#;
    let dir = crate::support::submission_source("list_tuple", source);
    let report = crate::support::grade_json(
        dir.path(),
        &["--exercises", "list_tuple", "--seed", "1", "--no-reference"],
    );
    let checks = report["exercises"][0]["checks"].as_array().unwrap();
    let text = serde_json::to_string(checks).unwrap();
    assert!(text.contains("raised Sneaky: nope"), "{text}");
    assert!(text.contains("<Thing object>"), "{text}");
    assert!(!text.contains("KeyError"), "{text}");
}

#[test]
fn the_workspace_readme_says_how_to_install_without_rust() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple", 1);
    let readme = std::fs::read_to_string(ws.join("README.md")).unwrap();
    let wheel = format!("./pyinterview-{}-*.whl", env!("CARGO_PKG_VERSION"));
    assert!(
        readme.contains(&format!("pipx install {wheel}")),
        "{readme}"
    );
    assert!(
        readme.contains(&format!("/bin/pip install {wheel}")),
        "{readme}"
    );
    assert!(readme.contains("Python 3.10 or newer"), "{readme}");
}
