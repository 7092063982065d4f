//! What users expect of a command-line tool: shell completions, a manual
//! page, `--color`, `--quiet`, a licence that matches the manifest.

use crate::support::{init_workspace, root, run};

#[test]
fn completions_for_each_shell_name_the_public_subcommands_only() {
    for shell in ["bash", "zsh", "fish"] {
        let script = run(["completions", shell]).output().expect_code(0).stdout();
        for subcommand in ["init", "check", "grade", "pack", "completions", "man"] {
            assert!(script.contains(subcommand), "{shell}: {subcommand}");
        }
        assert!(!script.contains("__worker"), "{shell} offers the worker");
    }
    // The bash script is valid bash.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("pyinterview.bash");
    std::fs::write(&file, run(["completions", "bash"]).output().stdout()).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    run(["completions", "tcsh"]).output().expect_code(2);
}

#[test]
fn man_prints_a_manual_page() {
    let page = run(["man"]).output().expect_code(0).stdout();
    assert!(page.contains(".TH pyinterview 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section}");
    }
    assert!(page.contains("completions") && !page.contains("__worker"));
}

#[test]
fn color_follows_the_flag_then_the_terminal_and_no_color() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple", 4);
    let check = |args: &[&str], no_color: bool| {
        let mut command = std::process::Command::new(crate::support::BIN);
        command.arg("check").args(args).current_dir(&ws);
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "the stub fails its checks");
        String::from_utf8_lossy(&out.stdout).contains('\x1b')
    };
    assert!(check(&["--color", "always"], false));
    assert!(check(&["--color", "always"], true), "always beats NO_COLOR");
    assert!(!check(&["--color", "never"], false));
    assert!(!check(&[], false), "auto: not a terminal");
    assert!(!check(&["--color=auto"], true));
    run(["--color", "sometimes", "list"])
        .output()
        .expect_code(2);
}

#[test]
fn quiet_leaves_out_advice_not_results() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let ws_arg = ws.to_str().unwrap();
    let loud = run(["init", ws_arg, "--exercises", "list_tuple"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(loud.contains("Next:"), "{loud}");
    std::fs::remove_dir_all(&ws).unwrap();
    let quiet = run(["-q", "init", ws_arg, "--exercises", "list_tuple"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        quiet.contains("list_tuple.py") && !quiet.contains("Next:"),
        "{quiet}"
    );

    let hint = run(["hint", "list_tuple", "--quiet"])
        .in_dir(&ws)
        .output()
        .expect_code(0);
    assert!(hint.stdout().contains("Hint 1 of"), "{}", hint.stdout());
    assert!(!hint.stdout().contains("Still stuck"));
    assert_eq!(hint.stderr(), "");

    let pack = run(["pack", "-q"]).in_dir(&ws).output().expect_code(0);
    assert!(pack.stdout().contains("checks pass"), "{}", pack.stdout());
    assert!(!pack.stdout().contains("Send that file back"));
    assert_eq!(pack.stderr(), "");
}

#[test]
fn the_licence_matches_the_manifest() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT\""));
    let licence = std::fs::read_to_string(root().join("LICENSE")).unwrap();
    assert!(licence.starts_with("MIT License\n"));
    assert!(licence.contains("Copyright (c) 2026 the pyinterview developers"));
}
