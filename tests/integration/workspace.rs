//! Workspaces through the binary: re-running `init`, `reset` backups, how
//! `check` finds the workspace and the exercise, and a deleted exercise file.

use std::path::Path;

use crate::support::*;

fn minutes(ws: &Path) -> u64 {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap())
            .unwrap();
    manifest["minutes"].as_u64().unwrap()
}

fn init(ws: &Path, args: &[&str]) -> String {
    run(["init", ws.to_str().unwrap()])
        .with_args(args)
        .output()
        .expect_code(0)
        .stdout()
}

#[test]
fn re_running_init_budgets_like_a_fresh_init_of_the_final_set() {
    let tmp = tempfile::tempdir().unwrap();
    let fresh = tmp.path().join("fresh");
    init(&fresh, &[]);
    for (name, first) in [
        ("junior", ["--level", "junior"]),
        ("lru", ["--exercises", "lru_cache"]),
    ] {
        let ws = tmp.path().join(name);
        init(&ws, &first);
        let all = exercises_list();
        let out = init(&ws, &["--exercises", &all]);
        assert_eq!(minutes(&ws), minutes(&fresh), "{name} then all: {out}");
        assert!(
            out.contains(&format!("Time budget: now {} minutes", minutes(&fresh))),
            "{out}"
        );
        let readme = std::fs::read_to_string(ws.join("README.md")).unwrap();
        assert!(readme.contains("- Your code runs on Python 3."), "{readme}");
        assert!(
            readme.contains(&format!("about {} minutes", minutes(&fresh))),
            "{readme}"
        );
    }
}

fn exercises_list() -> String {
    pyinterview::exercises::ids().join(",")
}

/// `init DIR` again, with no selection, keeps the workspace's own exercises
/// (restoring a deleted stub) instead of adding every exercise there is.
#[test]
fn re_running_init_without_a_selection_keeps_the_workspace_s_exercises() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init(&ws, &["--exercises", "lru_cache", "--seed", "4"]);
    let manifest = std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap();
    std::fs::remove_file(ws.join("lru_cache.py")).unwrap();
    let out = init(&ws, &[]);
    assert!(out.contains("+ lru_cache.py"), "{out}");
    assert!(!out.contains("list_tuple"), "{out}");
    assert!(!ws.join("list_tuple.py").exists());
    assert_eq!(
        std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap(),
        manifest
    );
}

#[test]
fn init_names_an_exercise_once_and_refuses_a_silly_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let out = init(&ws, &["--exercises", "lru_cache,lru_cache"]);
    assert_eq!(out.matches("lru_cache.py").count(), 1, "{out}");
    assert!(!out.contains("kept"), "{out}");
    for bad in ["0", "4", "1441"] {
        let refused = run([
            "init",
            tmp.path().join("other").to_str().unwrap(),
            "--minutes",
            bad,
        ])
        .output()
        .expect_code(2);
        assert!(
            refused.stderr().contains("is not in 5..=1440"),
            "{}",
            refused.stderr()
        );
    }
    assert!(!tmp.path().join("other").exists());
}

#[test]
fn init_in_the_current_directory_does_not_say_cd() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(["init", ".", "--exercises", "list_tuple"])
        .in_dir(tmp.path())
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        out.contains("Next: read README.md, then run `pyinterview check`."),
        "{out}"
    );
    assert!(!out.contains("cd "), "{out}");
    let elsewhere = init(&tmp.path().join("ws"), &["--exercises", "list_tuple"]);
    assert!(elsewhere.contains("then `cd "), "{elsewhere}");
}

#[test]
fn reset_of_an_untouched_stub_keeps_no_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init(&ws, &["--exercises", "list_tuple"]);
    for _ in 0..2 {
        let out = run(["reset", "list_tuple"])
            .in_dir(&ws)
            .output()
            .expect_code(0)
            .stdout();
        assert!(out.contains("already the untouched stub"), "{out}");
    }
    assert!(!ws.join(".pyinterview-backups").exists());
    std::fs::write(ws.join("list_tuple.py"), "# mine\n").unwrap();
    let out = run(["reset", "list_tuple"])
        .in_dir(&ws)
        .output()
        .expect_code(0)
        .stdout();
    assert!(out.contains("list_tuple.1.py"), "{out}");
    assert_eq!(
        std::fs::read_dir(ws.join(".pyinterview-backups"))
            .unwrap()
            .count(),
        1
    );
}

#[test]
fn check_takes_an_exercise_file_and_says_what_is_wrong_with_a_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init(
        &ws,
        &["--exercises", "list_tuple,decorators", "--seed", "3"],
    );
    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    let one_exercise = "Progress: 1 of 1 exercises done, 16 of 16 checks pass";
    for (arg, dir) in [
        ("list_tuple.py", ws.clone()),
        ("./list_tuple.py", ws.clone()),
        ("ws/list_tuple.py", tmp.path().to_path_buf()),
    ] {
        let out = run(["check", arg])
            .in_dir(&dir)
            .output()
            .expect_code(0)
            .stdout();
        assert!(out.contains(one_exercise), "{arg}: {out}");
    }
    let reset = run(["reset", "ws/decorators.py"])
        .in_dir(tmp.path())
        .output()
        .expect_code(0)
        .stdout();
    assert!(reset.contains("decorators.py"), "{reset}");

    // -w with a file: refused, with what to type instead (silently using
    // the directory holding it would surprise).
    let err = run(["check", "-w", "ws/list_tuple.py"])
        .in_dir(tmp.path())
        .output()
        .expect_code(2)
        .stderr();
    assert!(err.contains("pyinterview check ws/list_tuple.py"), "{err}");

    let missing = run(["check", "-w", "nothere"])
        .in_dir(tmp.path())
        .output()
        .expect_code(2)
        .stderr();
    assert!(missing.contains("nothere does not exist"), "{missing}");
    assert!(!missing.contains("parent"), "{missing}");
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let empty = run(["check", "-w", "empty"])
        .in_dir(tmp.path())
        .output()
        .expect_code(2)
        .stderr();
    assert!(
        empty.contains("empty is not a pyinterview workspace: it has no .pyinterview.json"),
        "{empty}"
    );
    assert!(!empty.contains("parent"), "{empty}");
    let unknown = run(["check", "nope.py"])
        .in_dir(&ws)
        .output()
        .expect_code(2);
    assert!(
        unknown.stderr().contains("unknown exercise `nope`"),
        "{}",
        unknown.stderr()
    );
}

#[test]
fn a_deleted_exercise_file_shows_as_missing_and_init_restores_only_it() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init(
        &ws,
        &["--exercises", "list_tuple,generators", "--seed", "2"],
    );
    std::fs::write(ws.join("list_tuple.py"), "# my work\n").unwrap();
    std::fs::remove_file(ws.join("generators.py")).unwrap();
    let manifest = std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap();
    let out = run(["check"]).in_dir(&ws).output().expect_code(1).stdout();
    let row = out.lines().find(|l| l.starts_with("generators")).unwrap();
    assert!(row.ends_with("0/23  missing"), "{out}");
    let advice = "run `pyinterview init . --exercises generators` to restore the stub";
    assert!(out.contains(advice), "{out}");

    let restored = run(["init", ".", "--exercises", "generators"])
        .in_dir(&ws)
        .output()
        .expect_code(0)
        .stdout();
    assert!(restored.contains("+ generators.py"), "{restored}");
    assert_eq!(
        std::fs::read_to_string(ws.join("generators.py")).unwrap(),
        std::fs::read_to_string(stub("generators")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("list_tuple.py")).unwrap(),
        "# my work\n"
    );
    assert_eq!(
        std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap(),
        manifest,
        "same exercises, seed and budget"
    );
    let out = run(["check"]).in_dir(&ws).output().expect_code(1).stdout();
    let row = out.lines().find(|l| l.starts_with("generators")).unwrap();
    assert!(row.ends_with("not started"), "{out}");
    assert!(!out.contains("missing"), "{out}");
}

/// `init` into a directory that already holds other files goes ahead (a
/// repository, notes) but says that `pack` will send them too.
#[test]
fn init_beside_other_files_says_pack_will_send_them() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    std::fs::write(ws.join("notes.txt"), "mine\n").unwrap();
    let out = init(&ws, &["--exercises", "list_tuple"]);
    assert!(
        out.contains("already held notes.txt; `pack` sends every top-level file"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(ws.join("notes.txt")).unwrap(),
        "mine\n"
    );
    // A fresh directory gets no such note.
    let clean = init(&tmp.path().join("clean"), &["--exercises", "list_tuple"]);
    assert!(!clean.contains("already held"), "{clean}");
}

/// A damaged or deleted manifest leaves a way back: `check` says in words
/// what is wrong and that `init .` repairs it; `init .` rebuilds the
/// manifest from the exercise files present, keeping them byte for byte,
/// and says what it did.
#[test]
fn init_repairs_a_damaged_or_deleted_manifest_and_keeps_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("take-home");
    init(&ws, &["--exercises", "lru_cache,list_tuple", "--seed", "5"]);
    std::fs::write(ws.join("lru_cache.py"), "# my cache\nimport functools\n").unwrap();
    std::fs::write(
        ws.join("README.md"),
        "# Your Python take-home\n\nmy notes\n",
    )
    .unwrap();
    let files = |ws: &Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(ws)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".pyinterview.json")
            .map(|n| (n.clone(), std::fs::read(ws.join(&n)).unwrap()))
            .collect();
        files.sort();
        files
    };
    let before = files(&ws);

    for damage in ["{}", "", "{\"format_version\": 1, \"seed\": "] {
        std::fs::write(ws.join(".pyinterview.json"), damage).unwrap();
        let err = run(["check"]).in_dir(&ws).output().expect_code(2).stderr();
        assert!(
            err.contains(".pyinterview.json is damaged: it is"),
            "{damage:?}: {err}"
        );
        assert!(err.contains("Run `pyinterview init .` to repair"), "{err}");
        assert!(
            !err.contains("at line 1 column"),
            "in words, not serde's: {err}"
        );
        let out = run(["init", "."])
            .in_dir(&ws)
            .output()
            .expect_code(0)
            .stdout();
        assert!(
            out.contains("its manifest (.pyinterview.json) was damaged"),
            "{damage:?}: {out}"
        );
        assert!(
            out.contains("Rebuilt it from the exercise files here, which are unchanged: list_tuple.py, lru_cache.py."),
            "{out}"
        );
        assert!(out.contains("The damaged manifest is kept in"), "{out}");
        assert_eq!(files(&ws), before, "{damage:?}: every file byte for byte");
        run(["check"]).in_dir(&ws).output().expect_code(1);
    }

    // Deleted: check says how to get it back, and init does.
    std::fs::remove_file(ws.join(".pyinterview.json")).unwrap();
    let err = run(["check"]).in_dir(&ws).output().expect_code(2).stderr();
    assert!(
        err.contains("holds exercise files (list_tuple.py, lru_cache.py) but no .pyinterview.json"),
        "{err}"
    );
    assert!(err.contains("Run `pyinterview init .` to repair"), "{err}");
    // So do show and hint, which look for the workspace's only exercise.
    let err = run(["show"]).in_dir(&ws).output().expect_code(2).stderr();
    assert!(err.contains("Run `pyinterview init .` to repair"), "{err}");
    let out = run(["init", "."])
        .in_dir(&ws)
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        out.contains("its manifest (.pyinterview.json) was missing"),
        "{out}"
    );
    assert_eq!(files(&ws), before, "every file byte for byte");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join(".pyinterview.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["exercises"][0]["id"], "list_tuple");
    assert_eq!(manifest["exercises"][1]["id"], "lru_cache");
    assert_eq!(manifest["exercises"].as_array().unwrap().len(), 2);

    // With no trace of a workspace (manifest, README and backups gone), init still
    // refuses the folder, and says how to adopt the files.
    std::fs::remove_file(ws.join(".pyinterview.json")).unwrap();
    std::fs::remove_file(ws.join("README.md")).unwrap();
    std::fs::remove_dir_all(ws.join(".pyinterview-backups")).unwrap();
    let err = run(["init", "."])
        .in_dir(&ws)
        .output()
        .expect_code(2)
        .stderr();
    let adopt = "`pyinterview init . --exercises list_tuple,lru_cache` rebuilds the manifest";
    assert!(err.contains(adopt), "{err}");
    let out = run(["init", ".", "--exercises", "list_tuple,lru_cache"])
        .in_dir(&ws)
        .output()
        .expect_code(0)
        .stdout();
    assert!(out.contains("was missing"), "{out}");
    assert_eq!(
        std::fs::read(ws.join("lru_cache.py")).unwrap(),
        b"# my cache\nimport functools\n"
    );
    let help = run(["init", "--help"]).output().expect_code(0).stdout();
    assert!(help.contains("manifest is damaged or deleted is"), "{help}");
}
