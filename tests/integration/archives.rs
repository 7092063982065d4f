//! `pack` and grading archives: the same scores as the directory, warnings
//! for tampering, and hostile archives refused before anything is written.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::support::*;

/// A workspace with a mix of solved and unsolved exercises, packed.
fn packed_workspace(tmp: &Path) -> (PathBuf, PathBuf) {
    let ws = tmp.join("ws");
    run(["init", ws.to_str().unwrap(), "--seed", "8"])
        .output()
        .expect_code(0);
    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    std::fs::write(
        ws.join("lru_cache.py"),
        planted("lru_cache", "no_move_on_hit"),
    )
    .unwrap();
    run(["hint", "lru_cache"])
        .in_dir(&ws)
        .output()
        .expect_code(0);
    let out = run(["pack"]).in_dir(&ws).output().expect_code(0).stdout();
    let archive = tmp.join("ws-submission.tar.gz");
    assert!(
        out.contains(&format!("Wrote {}", archive.display())),
        "{out}"
    );
    assert!(out.contains("list_tuple     16/16 checks pass"), "{out}");
    (ws, archive)
}

/// The JSON report at the seed every test here grades with.
fn graded(path: &Path) -> serde_json::Value {
    grade_json(path, &["--seed", "3"])
}

fn scores(report: &serde_json::Value) -> Vec<(String, f64, Vec<String>)> {
    report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let statuses = e["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["status"].to_string())
                .collect();
            (
                e["id"].as_str().unwrap().to_string(),
                e["score"].as_f64().unwrap(),
                statuses,
            )
        })
        .collect()
}

#[test]
fn an_archive_grades_exactly_like_its_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let (ws, archive) = packed_workspace(tmp.path());
    let from_dir = graded(&ws);
    let from_archive = graded(&archive);
    assert_eq!(scores(&from_dir), scores(&from_archive));
    assert_eq!(
        from_archive["warnings"],
        serde_json::json!([]),
        "an untouched archive verifies"
    );
    let lru = from_archive["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "lru_cache")
        .expect("lru_cache graded");
    assert_eq!(lru["hints_used"], 1);
    assert_eq!(lru["self_check"]["checks"], 15);
    assert!(lru["self_check"]["passed"].as_u64().unwrap() < 15);
    // Packing twice gives the same bytes: entries carry fixed metadata.
    let first = std::fs::read(&archive).unwrap();
    run(["pack"]).in_dir(&ws).output().expect_code(0);
    assert_eq!(first, std::fs::read(&archive).unwrap());
}

/// Rewrites an archive, letting `edit` change its (name, bytes) entries.
fn repack(archive: &Path, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) {
    let mut entries = vec![];
    let mut reader = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(archive).unwrap(),
    ));
    for entry in reader.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let mut bytes = vec![];
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        entries.push((name, bytes));
    }
    edit(&mut entries);
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(archive).unwrap(),
        flate2::Compression::default(),
    ));
    for (name, bytes) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, name, bytes.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
}

#[test]
fn tampering_after_packing_is_reported_as_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, archive) = packed_workspace(tmp.path());
    repack(&archive, |entries| {
        for (name, bytes) in entries.iter_mut() {
            if name == "decorators.py" {
                bytes.extend_from_slice(b"\n# edited after packing\n");
            }
            if name == "pyinterview-pack.json" {
                let mut packed: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                packed["exercises"][0]["version"] = 99.into();
                *bytes = serde_json::to_vec(&packed).unwrap();
            }
            if name == ".pyinterview.json" {
                let mut manifest: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                manifest["hints"] = serde_json::json!({});
                *bytes = serde_json::to_vec(&manifest).unwrap();
            }
        }
    });
    let report = graded(&archive);
    let warnings: Vec<String> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    let has = |text: &str| warnings.iter().any(|w| w.contains(text));
    assert!(
        has("decorators.py is not the file that was packed"),
        "{warnings:?}"
    );
    assert!(
        has("list_tuple was started from exercise version 99"),
        "{warnings:?}"
    );
    assert!(has("differs from what was packed"), "{warnings:?}");
    // Hints wiped from the workspace manifest still count: the pack
    // manifest recorded them, and the higher count is reported.
    let lru = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "lru_cache")
        .unwrap();
    assert_eq!(lru["hints_used"], 1, "{lru}");
    let text = run(["grade", archive.to_str().unwrap(), "--seed", "3"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(
        text.contains("warning: decorators.py is not the file that was packed"),
        "{text}"
    );
}

/// An archive with one entry whose header is written raw, bypassing the
/// checks the tar crate's builder would apply.
fn raw_archive(path: &Path, name: &[u8], kind: tar::EntryType, link: &[u8], data: &[u8]) {
    let mut header = tar::Header::new_old();
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.as_old_mut().linkname[..link.len()].copy_from_slice(link);
    header.set_entry_type(kind);
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    ));
    builder.append(&header, data).unwrap();
    builder.into_inner().unwrap().finish().unwrap();
}

/// Writes one hostile archive to the given path.
type MakeArchive<'a> = Box<dyn Fn(&Path) + 'a>;

#[test]
fn hostile_archives_are_refused_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let escape = std::env::temp_dir().join("pyinterview-archive-escape.py");
    let _ = std::fs::remove_file(&escape);
    let cases: Vec<(&str, MakeArchive, &str)> = vec![
        (
            "absolute.tar.gz",
            Box::new(|p| {
                raw_archive(
                    p,
                    escape.to_str().unwrap().as_bytes(),
                    tar::EntryType::Regular,
                    b"",
                    b"x = 1\n",
                )
            }),
            "points outside the submission",
        ),
        (
            "dotdot.tar.gz",
            Box::new(|p| {
                raw_archive(
                    p,
                    b"../../pyinterview-archive-escape.py",
                    tar::EntryType::Regular,
                    b"",
                    b"x = 1\n",
                )
            }),
            "points outside the submission",
        ),
        (
            "symlink.tar.gz",
            Box::new(|p| {
                raw_archive(
                    p,
                    b"list_tuple.py",
                    tar::EntryType::Symlink,
                    b"/etc/passwd",
                    b"",
                )
            }),
            "links are not accepted",
        ),
        (
            "hardlink.tar.gz",
            Box::new(|p| {
                raw_archive(
                    p,
                    b"list_tuple.py",
                    tar::EntryType::Link,
                    b"../outside",
                    b"",
                )
            }),
            "links are not accepted",
        ),
        (
            "device.tar.gz",
            Box::new(|p| raw_archive(p, b"list_tuple.py", tar::EntryType::Char, b"", b"")),
            "not a regular file",
        ),
        (
            "bomb.tar.gz",
            Box::new(|p| {
                raw_archive(
                    p,
                    b"list_tuple.py",
                    tar::EntryType::Regular,
                    b"",
                    &vec![b'0'; 5 << 20],
                )
            }),
            "larger than 4 MiB",
        ),
        (
            "garbage.tar.gz",
            Box::new(|p| std::fs::write(p, b"this is not an archive").unwrap()),
            "neither a directory nor a .tar.gz submission archive",
        ),
    ];
    for (name, make, message) in cases {
        let path = tmp.path().join(name);
        make(&path);
        let out = run(["grade", path.to_str().unwrap()])
            .output()
            .expect_code(2);
        assert!(out.stderr().contains(message), "{name}: {}", out.stderr());
        assert_eq!(
            out.stderr().matches(name).count(),
            1,
            "the archive is named once: {}",
            out.stderr()
        );
        assert!(!escape.exists(), "{name} wrote outside");
    }
    // Many small files add up past the total cap, and too many entries are refused.
    let many = tmp.path().join("many.tar.gz");
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(&many).unwrap(),
        flate2::Compression::fast(),
    ));
    for i in 0..300 {
        let mut header = tar::Header::new_gnu();
        header.set_size(1);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, format!("f{i}.py"), &b"x"[..])
            .unwrap();
    }
    builder
        .into_inner()
        .unwrap()
        .finish()
        .unwrap()
        .flush()
        .unwrap();
    let out = run(["grade", many.to_str().unwrap()])
        .output()
        .expect_code(2);
    assert!(
        out.stderr().contains("more than 256 entries"),
        "{}",
        out.stderr()
    );
}

#[test]
fn a_python_file_is_not_mistaken_for_a_damaged_archive() {
    let dir = submission_with("list_tuple", &solution("list_tuple"));
    let file = dir.path().join("list_tuple.py");
    let out = run(["grade", file.to_str().unwrap()])
        .output()
        .expect_code(2);
    assert!(
        out.stderr()
            .contains("list_tuple.py: neither a directory nor a .tar.gz submission archive"),
        "{}",
        out.stderr()
    );
    assert!(!out.stderr().contains("gzip"), "{}", out.stderr());
}

/// Archives a directory as `tar czf out dir/` does: a folder entry, then
/// every file (and subfolder) under `name/`.
fn tar_folder(out: &Path, name: &str, dir: &Path) {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(out).unwrap(),
        flate2::Compression::default(),
    ));
    builder.append_dir_all(name, dir).unwrap();
    builder.into_inner().unwrap().finish().unwrap();
}

#[test]
fn an_archive_of_one_folder_grades_like_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("take-home");
    run(["init", ws.to_str().unwrap(), "--seed", "4"])
        .output()
        .expect_code(0);
    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    // Tooling leftovers inside are skipped, not refused.
    std::fs::write(ws.join("decorators.py"), "# half done\n").unwrap();
    run(["reset", "decorators"])
        .in_dir(&ws)
        .output()
        .expect_code(0);
    std::fs::create_dir(ws.join("__pycache__")).unwrap();
    std::fs::write(ws.join("__pycache__/list_tuple.cpython-312.pyc"), b"\0").unwrap();
    let archive = tmp.path().join("take-home.tar.gz");
    tar_folder(&archive, "take-home", &ws);
    let report = graded(&archive);
    assert_eq!(scores(&report), scores(&graded(&ws)));
    assert_eq!(report["exercises"][0]["score"], 10.0);

    // A file in a real subfolder is still refused, and so is a second folder.
    std::fs::create_dir(ws.join("lib")).unwrap();
    std::fs::write(ws.join("lib/helper.py"), "x = 1\n").unwrap();
    tar_folder(&archive, "take-home", &ws);
    let out = run(["grade", archive.to_str().unwrap()])
        .output()
        .expect_code(2);
    assert!(
        out.stderr()
            .contains("\"take-home/lib/helper.py\" is in a subfolder"),
        "{}",
        out.stderr()
    );
    let flat = tempfile::tempdir().unwrap();
    std::fs::copy(solution("list_tuple"), flat.path().join("list_tuple.py")).unwrap();
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).unwrap(),
        flate2::Compression::default(),
    ));
    builder.append_dir_all("one", flat.path()).unwrap();
    builder.append_dir_all("two", flat.path()).unwrap();
    builder.into_inner().unwrap().finish().unwrap();
    let out = run(["grade", archive.to_str().unwrap()])
        .output()
        .expect_code(2);
    assert!(
        out.stderr().contains("outside the folder \"one\""),
        "{}",
        out.stderr()
    );
}

/// The names inside an archive.
fn entries(archive: &Path) -> Vec<String> {
    let mut reader = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(archive).unwrap(),
    ));
    reader
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect()
}

#[test]
fn pack_writes_over_nothing_but_its_own_archives() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    run(["init", ws.to_str().unwrap(), "--exercises", "generators"])
        .output()
        .expect_code(0);
    std::fs::write(ws.join("generators.py"), "# my work\n").unwrap();
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "mine\n").unwrap();
    let before = |name: &str| std::fs::read(ws.join(name)).unwrap();
    let kept = [
        ("generators.py", before("generators.py")),
        (".pyinterview.json", before(".pyinterview.json")),
        ("README.md", before("README.md")),
    ];
    for (name, bytes) in &kept {
        let out = run(["pack", "-o", name])
            .in_dir(&ws)
            .output()
            .expect_code(2);
        assert!(
            out.stderr().contains("is a file of your workspace")
                && out.stderr().contains("choose another path with --output"),
            "{name}: {}",
            out.stderr()
        );
        assert!(!out.stdout().contains("unchanged"), "{}", out.stdout());
        assert_eq!(&std::fs::read(ws.join(name)).unwrap(), bytes, "{name}");
    }
    let out = run(["pack", "-o", notes.to_str().unwrap()])
        .in_dir(&ws)
        .output()
        .expect_code(2);
    assert!(
        out.stderr()
            .contains("is not an archive made by `pyinterview pack`")
            && out.stderr().contains("remove that file"),
        "{}",
        out.stderr()
    );
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "mine\n");
    // Inside the workspace, only a *.tar.gz name: it is then never packed.
    run(["pack", "-o", "notes.txt"])
        .in_dir(&ws)
        .output()
        .expect_code(2);
    assert!(!ws.join("notes.txt").exists());
    let inside = run(["pack", "-o", "mine.tar.gz"])
        .in_dir(&ws)
        .output()
        .expect_code(0)
        .stdout();
    assert!(inside.contains("Wrote mine.tar.gz"), "{inside}");
    let again = run(["pack", "-o", "mine.tar.gz"])
        .in_dir(&ws)
        .output()
        .expect_code(0)
        .stdout();
    assert!(again.contains("Replaced mine.tar.gz"), "{again}");
    assert!(!again.contains("also packed"), "{again}");
    assert!(!entries(&ws.join("mine.tar.gz")).contains(&"mine.tar.gz".to_string()));
    // A pack archive under another name is recognised by its content.
    std::fs::copy(ws.join("mine.tar.gz"), &notes).unwrap();
    run(["pack", "-o", notes.to_str().unwrap()])
        .in_dir(&ws)
        .output()
        .expect_code(0);
}

#[test]
fn pack_takes_the_helper_modules_grading_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple", 5);
    std::fs::copy(solution("list_tuple"), ws.join("myhelpers.py")).unwrap();
    std::fs::write(
        ws.join("list_tuple.py"),
        "from myhelpers import count_visits, extend_unique, freeze\n",
    )
    .unwrap();
    std::fs::write(ws.join("data.txt"), "notes\n").unwrap();
    // Tooling leftovers stay out.
    std::fs::write(ws.join(".DS_Store"), b"\0").unwrap();
    std::fs::write(ws.join("list_tuple.py~"), "old\n").unwrap();
    std::fs::create_dir(ws.join("__pycache__")).unwrap();
    std::fs::write(ws.join("__pycache__/myhelpers.cpython-312.pyc"), b"\0").unwrap();
    let out = run(["pack"]).in_dir(&ws).output().expect_code(0).stdout();
    assert!(out.contains("list_tuple     16/16 checks pass"), "{out}");
    assert!(out.contains("also packed: data.txt, myhelpers.py"), "{out}");
    let archive = tmp.path().join("ws-submission.tar.gz");
    let mut names = entries(&archive);
    names.sort();
    assert_eq!(
        names,
        [
            ".pyinterview.json",
            "README.md",
            "data.txt",
            "list_tuple.py",
            "myhelpers.py",
            "pyinterview-pack.json"
        ]
    );
    let report = graded(&archive);
    assert_eq!(report["exercises"][0]["score"], 10.0, "{report}");
    let warnings = |report: &serde_json::Value| -> Vec<String> {
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap().to_string())
            .filter(|w| !w.starts_with("helper module"))
            .collect()
    };
    assert_eq!(warnings(&report), Vec::<String>::new());

    // A module slipped in after packing, or a helper edited, is reported.
    repack(&archive, |entries| {
        entries.push(("sneaky.py".into(), b"x = 1\n".to_vec()));
        for (name, bytes) in entries.iter_mut() {
            if name == "myhelpers.py" {
                bytes.extend_from_slice(b"\n# edited\n");
            }
        }
    });
    let warned = warnings(&graded(&archive));
    assert!(
        warned
            .iter()
            .any(|w| w.contains("sneaky.py is not listed in pyinterview-pack.json")),
        "{warned:?}"
    );
    assert!(
        warned
            .iter()
            .any(|w| w.contains("myhelpers.py is not the file that was packed")),
        "{warned:?}"
    );
}

/// The candidate's own check at packing time is in every human format.
#[test]
fn every_report_format_shows_the_packed_self_check() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, archive) = packed_workspace(tmp.path());
    let report = |format: &str| {
        run([
            "grade",
            archive.to_str().unwrap(),
            "--seed",
            "3",
            "--exercises",
            "list_tuple",
            "--format",
            format,
        ])
        .output()
        .expect_code(0)
        .stdout()
    };
    let sentence = "the candidate's own check when packing: 16/16 checks, 10 / 10";
    for format in ["text", "markdown", "html"] {
        let out = report(format);
        assert!(out.contains(sentence), "{format}: {out}");
    }
    // The HTML shows the rubric's `code` as code, not as backticks.
    let html = report("html");
    let rubric = &html[html.find("<h3>Rubric</h3>").unwrap()..];
    assert!(rubric.contains("<code>") && !rubric[..rubric.find("</ul>").unwrap()].contains('`'));
}

/// A pack manifest naming files outside the archive (a device that never
/// ends, the host's files, `..`) is read as untrusted data: grading finishes
/// and each such name is only a warning.
#[test]
fn a_pack_manifest_cannot_make_the_grader_read_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, archive) = packed_workspace(tmp.path());
    repack(&archive, |entries| {
        for (name, bytes) in entries.iter_mut() {
            if name == "pyinterview-pack.json" {
                let mut packed: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                packed["files"]["/dev/zero"] = "00".into();
                packed["files"]["../../etc/hostname"] = "00".into();
                packed["exercises"][0]["id"] = "../../../dev/zero".into();
                *bytes = serde_json::to_vec(&packed).unwrap();
            }
        }
    });
    let report = graded(&archive);
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("/dev/zero was packed but is not in the archive"),
        "{warnings}"
    );
    assert!(warnings.contains("../../etc/hostname was packed but is not in the archive"));
}
