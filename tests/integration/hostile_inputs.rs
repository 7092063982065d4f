//! Hostile inputs to the grader itself, not to the sandbox: a submission
//! directory whose files are FIFOs or links, archives that are not what
//! they seem, and pack manifests edited with hashes that still match.
//!
//! Everything runs the real binary, with a deadline: a grader that hangs
//! fails the test instead of stalling the suite.

#![allow(unsafe_code)]

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

/// The longest any grading here may take: a few exercises on a busy
/// machine take seconds; a hang is forever.
const DEADLINE: Duration = Duration::from_secs(180);

/// Address space the grader may use (the sandboxed children get less from
/// their own limits): reading `/dev/zero` whole would pass it and abort.
const GRADER_ADDRESS_SPACE: u64 = 3 << 30;

struct Bounded {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with `args`, killing it and failing if it runs past
/// [`DEADLINE`]. Output goes to files, so a large report cannot block it.
fn run_bounded(args: &[&str]) -> Bounded {
    let tmp = tempfile::tempdir().unwrap();
    let (out, err) = (tmp.path().join("stdout"), tmp.path().join("stderr"));
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap());
    // SAFETY: setrlimit is async-signal-safe and touches no shared state.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: GRADER_ADDRESS_SPACE,
                rlim_max: GRADER_ADDRESS_SPACE,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().expect("binary runs");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`pyinterview {}` still running after {DEADLINE:?}: killed\n--- stderr\n{}",
                args.join(" "),
                std::fs::read_to_string(&err).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Bounded {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    }
}

/// `grade … --format json` within the deadline, which must exit 0, parsed.
fn graded_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["grade", "--format", "json", "--no-reference", "--seed", "1"];
    all.extend_from_slice(args);
    let out = run_bounded(&all);
    assert_eq!(out.code, 0, "exit status\n{}\n{}", out.stdout, out.stderr);
    report_json(&out.stdout)
}

fn warnings(report: &serde_json::Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

fn exercise<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("{id} not graded: {report}"))
}

fn mkfifo(path: &Path) {
    nix::unistd::mkfifo(path, nix::sys::stat::Mode::S_IRWXU).expect("mkfifo");
}

/// Every check of the exercise is not attempted, and says why.
fn assert_unreadable(report: &serde_json::Value, id: &str, why: &str) {
    let graded = exercise(report, id);
    assert_eq!(graded["score"], 0.0, "{graded}");
    for check in graded["checks"].as_array().unwrap() {
        assert_eq!(check["status"], "not_attempted", "{check}");
        let message = check["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("{id}.py was not graded")) && message.contains(why),
            "{message}"
        );
    }
}

#[test]
fn a_fifo_among_the_files_does_not_hang_grading() {
    let dir = tempfile::tempdir().unwrap();
    for id in ["list_tuple", "decorators", "lru_cache", "rate_limiter"] {
        std::fs::copy(solution(id), dir.path().join(format!("{id}.py"))).unwrap();
    }
    // Whoever opens a FIFO for reading waits for a writer: none comes.
    mkfifo(&dir.path().join("generators.py"));
    mkfifo(&dir.path().join("helper.py"));
    let started = Instant::now();
    let report = graded_json(&[dir.path().to_str().unwrap()]);
    eprintln!("graded in {:?}", started.elapsed());
    let warned = warnings(&report);
    for name in ["generators.py", "helper.py"] {
        let expected = format!("{name} was not read: not a regular file (a FIFO)");
        assert!(warned.contains(&expected), "{expected}: {warned:?}");
    }
    assert_unreadable(&report, "generators", "not a regular file (a FIFO)");
    for id in ["list_tuple", "decorators", "lru_cache", "rate_limiter"] {
        let graded = exercise(&report, id);
        assert_eq!(graded["score"], graded["max_score"], "{id}: {graded}");
    }
}

#[test]
fn a_link_to_dev_zero_is_never_read() {
    let dir = submission_with("list_tuple", &solution("list_tuple"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("lru_cache.py")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zeros.py")).unwrap();
    let report = graded_json(&[
        dir.path().to_str().unwrap(),
        "--exercises",
        "list_tuple,lru_cache",
    ]);
    let warned = warnings(&report);
    for name in ["lru_cache.py", "zeros.py"] {
        let expected = format!("{name} was not read: a symbolic link (links are never followed)");
        assert!(warned.contains(&expected), "{expected}: {warned:?}");
    }
    assert_unreadable(&report, "lru_cache", "a symbolic link");
    assert_eq!(exercise(&report, "list_tuple")["score"], 10.0);
}

#[test]
fn a_source_too_large_for_the_grader_to_read_is_still_graded() {
    let mut source = std::fs::read_to_string(solution("list_tuple")).unwrap();
    source.push_str(&"# padding\n".repeat(120_000));
    let dir = submission_source("list_tuple", &source);
    let report = graded_json(&[dir.path().to_str().unwrap(), "--exercises", "list_tuple"]);
    assert_eq!(
        warnings(&report),
        [
            "list_tuple.py was not read: larger than 1 MiB; graded all the same, but without notes or similarity"
        ]
    );
    assert_eq!(exercise(&report, "list_tuple")["score"], 10.0, "{report}");
}

/// Every file under `dir`, read as text.
fn all_files(dir: &Path) -> Vec<(PathBuf, String)> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .flat_map(|p| {
            // Gradescope's reports sit in a folder per submission.
            if p.is_dir() {
                return all_files(&p);
            }
            let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
            vec![(p, text)]
        })
        .collect()
}

#[test]
fn a_link_to_the_interviewers_files_shows_in_no_report() {
    // A file of the interviewer's, shaped like a solution so that the two
    // submissions linking to it would be flagged as alike and shown side by
    // side in the HTML, were it read.
    let host = tempfile::tempdir().unwrap();
    let marker = "INTERVIEWER-SECRET-5d1c";
    let secret = host.path().join("notes.py");
    let mut text = std::fs::read_to_string(solution("list_tuple")).unwrap();
    text.push_str(&format!("\nAPI_KEY = \"{marker}\"\n"));
    std::fs::write(&secret, text).unwrap();

    let subs = tempfile::tempdir().unwrap();
    let mut paths = vec![];
    for name in ["alice", "bob"] {
        let dir = subs.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        std::os::unix::fs::symlink(&secret, dir.join("list_tuple.py")).unwrap();
        std::os::unix::fs::symlink(&secret, dir.join("helpers.py")).unwrap();
        paths.push(dir.to_str().unwrap().to_string());
    }
    let out = tempfile::tempdir().unwrap();
    for format in ["text", "json", "markdown", "html", "junit", "gradescope"] {
        let dir = out.path().join(format);
        let mut args = vec![
            "grade",
            "--seed",
            "1",
            "--no-reference",
            "--exercises",
            "list_tuple",
            "--format",
            format,
            "--out",
            dir.to_str().unwrap(),
        ];
        args.extend(paths.iter().map(String::as_str));
        let run = run_bounded(&args);
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
        assert!(!run.stdout.contains(marker), "{format}: {}", run.stdout);
        let files = all_files(&dir);
        assert!(files.len() >= 2, "{format}: {files:?}");
        for (path, text) in files {
            assert!(
                !text.contains(marker),
                "{} shows the linked file:\n{text}",
                path.display()
            );
        }
    }
    // Read for nothing, but said: in the report the interviewer reads.
    let html = std::fs::read_to_string(out.path().join("html/alice.html")).unwrap();
    assert!(
        html.contains("list_tuple.py was not read: a symbolic link"),
        "{html}"
    );
    // And on the terminal, without --out.
    let mut args = vec!["grade", "--seed", "1", "--no-reference"];
    args.extend(paths.iter().map(String::as_str));
    let run = run_bounded(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains(marker), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("helpers.py was not read: a symbolic link"),
        "{}",
        run.stdout
    );
}

/// A tar stream of `files` (name bytes as given, written raw), ending with
/// the end-of-archive marker.
fn tar_bytes(files: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..name.len()].copy_from_slice(name);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    builder.into_inner().unwrap()
}

/// One gzip member holding `data`.
fn gzip_member(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// `grade ARCHIVE`, which must be refused with `message`, naming the archive.
fn assert_refused(archive: &Path, message: &str) {
    let out = run_bounded(&["grade", "--no-reference", archive.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains(message), "{}", out.stderr);
    assert!(
        out.stderr.contains(&archive.display().to_string()),
        "the archive is named: {}",
        out.stderr
    );
}

#[test]
fn an_archive_member_whose_name_is_not_utf8_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("latin1.tar.gz");
    let source = std::fs::read(solution("list_tuple")).unwrap();
    std::fs::write(
        &archive,
        gzip_member(&tar_bytes(&[(b"list_tuple\xe9.py", &source)])),
    )
    .unwrap();
    assert_refused(&archive, "an entry's name is not UTF-8: list_tuple\\xe9.py");
}

#[test]
fn every_gzip_member_is_read_and_nothing_after_the_archive_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let source = std::fs::read(solution("list_tuple")).unwrap();
    // One tar stream cut in two gzip members (as `pigz --independent`,
    // `bgzip` or `cat a.gz b.gz` make): the exercise is only in the second.
    let stream = tar_bytes(&[
        (b"notes.txt", b"first member\n"),
        (b"list_tuple.py", &source),
    ]);
    let (first, second) = stream.split_at(1024);
    let archive = tmp.path().join("members.tar.gz");
    let mut bytes = gzip_member(first);
    bytes.extend(gzip_member(second));
    std::fs::write(&archive, &bytes).unwrap();
    let report = graded_json(&[archive.to_str().unwrap(), "--exercises", "list_tuple"]);
    assert_eq!(exercise(&report, "list_tuple")["score"], 10.0, "{report}");

    // A whole second archive appended after the first one's end marker
    // would be skipped by a reader that stops at the marker: refused.
    let appended = tmp.path().join("appended.tar.gz");
    let mut bytes = gzip_member(&tar_bytes(&[(b"list_tuple.py", &source)]));
    bytes.extend(gzip_member(&tar_bytes(&[(b"decorators.py", b"x = 1\n")])));
    std::fs::write(&appended, &bytes).unwrap();
    assert_refused(&appended, "more data after the end of the tar archive");

    // The caps count the whole decompressed stream, over every member:
    // four members of 4 MiB each reach the 16 MiB cap, a fifth passes it.
    let big = vec![b'#'; 4 << 20];
    let mut bytes = vec![];
    for i in 0..4 {
        let mut member = tar_bytes(&[(format!("data{i}.txt").as_bytes(), &big)]);
        member.truncate(member.len() - 1024); // the end marker comes last
        bytes.extend(gzip_member(&member));
    }
    bytes.extend(gzip_member(&tar_bytes(&[(
        b"more.txt",
        &[b'#'; 100 << 10],
    )])));
    let capped = tmp.path().join("capped.tar.gz");
    std::fs::write(&capped, &bytes).unwrap();
    assert_refused(&capped, "it expands to more than 16 MiB");
}

/// Rewrites the archive's entries with `edit`, keeping their order.
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
    let files: Vec<(&[u8], &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_bytes(), b.as_slice()))
        .collect();
    std::fs::write(archive, gzip_member(&tar_bytes(&files))).unwrap();
}

fn sha256_hex(bytes: &[u8]) -> String {
    pyinterview::archive::sha256_hex(bytes)
}

#[test]
fn hints_and_the_packed_self_check_are_labelled_self_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    init_workspace(&ws, "list_tuple", 8);
    std::fs::copy(solution("list_tuple"), ws.join("list_tuple.py")).unwrap();
    run(["hint", "list_tuple"])
        .in_dir(&ws)
        .output()
        .expect_code(0);
    run(["pack"]).in_dir(&ws).output().expect_code(0);
    let archive = tmp.path().join("ws-submission.tar.gz");
    // The candidate's copy of the tool wrote both manifests; an edited copy
    // writes them consistently, hashes included: nothing can tell.
    repack(&archive, |entries| {
        let mut manifest_sha = None;
        for (name, bytes) in entries.iter_mut() {
            if name == ".pyinterview.json" {
                let mut manifest: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                assert_eq!(manifest["hints"]["list_tuple"], 1);
                manifest["hints"]["list_tuple"] = 0.into();
                *bytes = serde_json::to_vec_pretty(&manifest).unwrap();
                manifest_sha = Some(sha256_hex(bytes));
            }
        }
        for (name, bytes) in entries.iter_mut() {
            if name == "pyinterview-pack.json" {
                let mut packed: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                packed["hints"]["list_tuple"] = 0.into();
                packed["files"][".pyinterview.json"] = manifest_sha.clone().unwrap().into();
                *bytes = serde_json::to_vec_pretty(&packed).unwrap();
            }
        }
    });
    let label = "self-reported by the candidate's copy of the tool";
    let report = |format: &str| {
        let out = run_bounded(&[
            "grade",
            archive.to_str().unwrap(),
            "--seed",
            "3",
            "--no-reference",
            "--format",
            format,
        ]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        out.stdout
    };
    let json = report_json(&report("json"));
    assert_eq!(warnings(&json), Vec::<String>::new(), "the edit verifies");
    let graded = exercise(&json, "list_tuple");
    assert_eq!(graded["self_reported"]["hints_used"], 0, "{graded}");
    assert_eq!(graded["self_reported"]["self_check"]["passed"], 16);
    // The fields of earlier versions stay (fields are never removed).
    assert_eq!(graded["hints_used"], 0);
    assert_eq!(graded["self_check"]["passed"], 16);

    let text = report("text");
    assert!(
        text.contains(&format!("hints used: 0 of 3 ({label})")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "the candidate's own check when packing: 16/16 checks, 10 / 10 ({label})"
        )),
        "{text}"
    );
    let markdown = report("markdown");
    assert!(
        markdown.contains(&format!("Hints used: {label}.")),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("16/16 checks, 10 / 10 ({label})")),
        "{markdown}"
    );
    let html = report("html");
    assert!(
        html.contains(&format!("Hints used: 0 of 3 ({label})")),
        "{html}"
    );
    assert!(
        html.contains(&format!("16/16 checks, 10 / 10 ({label})")),
        "{html}"
    );
}
