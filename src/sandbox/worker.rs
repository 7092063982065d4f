//! The worker process (`pyinterview __worker`): starts CPython once, then forks a
//! fresh child per request, supervises it and reports what it saw.
//!
//! The worker is single-threaded, so forking its initialised interpreter is
//! safe and costs about a millisecond instead of tens for a fresh interpreter.
//! It never holds expected values: requests carry inputs only.
//!
//! Supervision: the child's result pipe, stdout and stderr are drained together
//! (output past the cap is counted and dropped, so a flood cannot block the
//! child or fill memory); at the deadline the child's whole process group is
//! killed. If the child dies mid-exercise, the check it was running is marked
//! crashed and a new child continues with the next one, within the same deadline.

#![allow(unsafe_code)]

use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::fcntl::OFlag;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{Pid, pipe2};
use pyo3::ffi;
use pyo3::prelude::*;

use super::cgroup::Cgroup;
use super::child::{self, ChildPipes, ChildSetup};
use super::init;
use super::interpreter;
use super::limits::Confinement;
use super::protocol::{
    Captured, CheckOutcome, CheckOutput, ChildMessage, FaultInfo, FrameBuffer, RunReport,
    RunRequest, SealKey, Slot, TIMING_BUDGET, WorkerReply, read_frame, write_frame,
};
use crate::exercise::Graded;
use crate::exercises;

/// Modules imported once in the worker so that every child inherits them
/// instead of importing them itself: what the child's own set-up uses
/// (`tempfile`), what exercises' `prepare` steps import, and what solutions
/// commonly import. Each costs the worker once, not every child.
const PRELOAD: &[&str] = &[
    "importlib.util",
    "traceback",
    "threading",
    "functools",
    "itertools",
    "collections",
    "collections.abc",
    "time",
    "inspect",
    "typing",
    "tempfile",
    "re",
    "fnmatch",
    "tokenize",
    "dataclasses",
    "pathlib",
    "urllib.parse",
    "ipaddress",
    // Every child's own set-up, and what solutions often import.
    "__future__",
    "faulthandler",
    "copy",
    "heapq",
    "bisect",
    "json",
    "queue",
    "weakref",
    "string",
    "contextlib",
    "concurrent.futures",
    // Before the native modules below: `_asyncio` imported first imports
    // asyncio while half-initialised, and asyncio then keeps its pure-Python
    // task bookkeeping (current_task() is None in every task, so TaskGroup
    // cannot find its parent).
    "asyncio",
];
/// Loads the standard library's extension modules (`lib-dynload`) in the
/// worker, because a confined child cannot map new executable code (see
/// `seccomp`): what is loaded here is all the native code candidate code can
/// ever import. Left out: what hands Python code raw memory (`_ctypes`,
/// `_testcapi` and the other test modules, `_cffi_backend`) and what touches
/// the terminal or system databases on import (`readline`, `_curses`,
/// `_tkinter`, `nis`, `spwd`, `_crypt`, `ossaudiodev`). A module that fails to
/// load here (a system library missing) is simply not available.
const PRELOAD_NATIVE: &std::ffi::CStr = cr#"
import importlib, importlib.machinery, os, sys
_LEFT_OUT = {"_ctypes", "_cffi_backend", "readline", "_curses", "_curses_panel", "_tkinter",
             "nis", "spwd", "_crypt", "ossaudiodev"}
for _dir in [p for p in sys.path if os.path.basename(p) == "lib-dynload"]:
    for _file in sorted(os.listdir(_dir)):
        _name = next((_file[:-len(s)] for s in importlib.machinery.EXTENSION_SUFFIXES
                      if _file.endswith(s)), None)
        if (_name is None or _name in _LEFT_OUT
                or _name.startswith(("_test", "_ctypes", "_xx", "xx"))):
            continue
        try:
            importlib.import_module(_name)
        except Exception:
            pass
assert "_ctypes" not in sys.modules, "ctypes must not be loaded in the worker"
"#;
/// Slack beyond the timing pass's budget before its child is ended.
const TIMING_MARGIN: Duration = Duration::from_millis(300);
/// Most result bytes a child may send for one exercise.
const MAX_RESULT_BYTES: usize = 64 << 20;
/// Set once creating namespaces has failed, so later children just fork.
static NO_NAMESPACES: AtomicBool = AtomicBool::new(false);

/// Entry point of `pyinterview __worker`: serves requests on stdin/stdout
/// until stdin closes.
pub fn main() -> i32 {
    // Move the protocol off fds 0 and 1 so that nothing Python prints can
    // corrupt it; the children close these copies.
    let (mut requests, mut replies) = match protocol_files() {
        Ok(files) => files,
        Err(err) => {
            eprintln!("pyinterview worker: {err}");
            return 3;
        }
    };
    // Fix the sandbox uid from this worker's pid now: inside a child's PID
    // namespace the pid would read as 1 for every worker.
    let _ = super::confine::sandbox_id();
    // Orphans of candidate code are re-parented here and reaped, not leaked to init.
    // SAFETY: prctl with integer arguments only.
    unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    // Prove the interpreter before anything else, and say so to the grader
    // in the first frame: a broken Python is an internal error, never a score.
    let hello = match interpreter::start(PRELOAD) {
        Ok(python) => interpreter::Hello::Ready(python),
        Err(reason) => interpreter::Hello::Failed(reason),
    };
    let ready = matches!(hello, interpreter::Hello::Ready(_));
    if write_frame(&mut replies, &hello).is_err() {
        return 0; // the grader has gone away
    }
    if !ready {
        return 3;
    }
    if let Err(err) = Python::attach(crate::driver::capture_trusted) {
        eprintln!("pyinterview worker: capturing the harness's builtins failed: {err}");
        return 3;
    }
    if let Err(err) = Python::attach(|py| py.run(PRELOAD_NATIVE, None, None)) {
        eprintln!(
            "pyinterview worker: preloading the standard library's native modules failed: {err}"
        );
        return 3;
    }
    loop {
        let request: RunRequest = match read_frame(&mut requests) {
            Ok(Some(request)) => request,
            Ok(None) => return 0,
            Err(err) => {
                eprintln!("pyinterview worker: bad request: {err}");
                return 3;
            }
        };
        // Which check runs, as each one starts, for a person watching the
        // grader; a grader that has gone away shows up at the report.
        let report = serve(&request, &mut |check| {
            let _ = write_frame(&mut replies, &WorkerReply::Running { check });
        });
        if write_frame(&mut replies, &WorkerReply::Done(Box::new(report))).is_err() {
            return 0; // the grader has gone away
        }
        // What the last child left to the kernel's teardown (see
        // `ended_cleanly`) is gone before the next request is read.
        reap_children(Duration::from_secs(2));
        super::cgroup::remove_retired(Duration::from_millis(500));
    }
}

/// Reaps every child of this worker (all were killed, or are exiting), for
/// up to `patience`.
fn reap_children(patience: Duration) {
    let until = Instant::now() + patience;
    loop {
        match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() < until => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(WaitStatus::StillAlive) | Err(_) => return, // none left (ECHILD), or out of patience
            Ok(_) => {}
        }
    }
}

fn protocol_files() -> std::io::Result<(File, File)> {
    let dup = |fd: i32| -> std::io::Result<File> {
        // SAFETY: fcntl on an integer descriptor: a bad one only makes it fail.
        let copy = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
        if copy < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `copy` was just made by F_DUPFD_CLOEXEC and nothing else owns it.
        Ok(unsafe { File::from_raw_fd(copy) })
    };
    let requests = dup(0)?;
    let replies = dup(1)?;
    let null = File::options().read(true).write(true).open("/dev/null")?;
    // SAFETY: dup2 over fds 0 and 1, which nothing here owns (the protocol uses the copies above);
    // `null` is open for the call.
    unsafe {
        libc::dup2(null.as_raw_fd(), 0);
        libc::dup2(null.as_raw_fd(), 1);
    }
    Ok((requests, replies))
}

/// Runs one request to the end, forking again after a crash; `on_check` is
/// told each check's index as it starts running.
pub fn serve(request: &RunRequest, on_check: &mut dyn FnMut(usize)) -> RunReport {
    let began = Instant::now();
    let timeout = Duration::from_millis(request.timeout_ms);
    let mut deadline = began + timeout;
    // What the children run: after a hang, the checks skipped for it become
    // checks without calls, so the protocol's order stays one check after
    // another.
    let mut current = request.clone();
    let mut hangs = 0;
    let mut resource_deaths = 0;
    let mut scratch_dirs: Vec<String> = Vec::new();
    let total = request.checks.len();
    let mut report = RunReport {
        slots: vec![Slot::NotRun; total],
        import_failure: None,
        stdout: Captured::default(),
        stderr: Captured::default(),
        elapsed_ms: 0,
        confinement: None,
        timed_micros: Vec::new(),
        check_output: vec![CheckOutput::default(); total],
    };
    let Some(exercise) = exercises::find(&request.exercise) else {
        report.import_failure = Some(FaultInfo::Raised {
            type_name: "InternalError".into(),
            message: format!("unknown exercise {}", request.exercise),
            traceback: vec![],
        });
        return report;
    };
    // Once per worker, from cached bytecode: the children inherit them.
    Python::attach(|py| {
        for module in exercise.harness_modules() {
            let _ = py.import(*module); // what fails here fails in the child, reported there
        }
    });
    let mut start = 0;
    while start < total {
        let attempt = match run_child(exercise, &current, start, deadline, on_check) {
            Ok(attempt) if attempt.namespace_setup_failed() => {
                // Namespaces were allowed but could not be set up: from now
                // on children are confined without them, this one again.
                eprintln!(
                    "pyinterview worker: user namespaces cannot be set up here; confining without them"
                );
                NO_NAMESPACES.store(true, Ordering::Relaxed);
                continue;
            }
            Ok(attempt) => attempt,
            Err(err) => {
                for slot in &mut report.slots[start..] {
                    *slot = Slot::Crashed(format!("the sandbox could not start a child: {err}"));
                }
                break;
            }
        };
        scratch_dirs.push(attempt.module_dir.to_string_lossy().into_owned());
        let limit = request.limits.output_bytes();
        // The stack dump of a hang is read into the check's traceback, not
        // shown as what the candidate's code printed.
        let mut attempt = attempt;
        let dump = take_stack_dump(&mut attempt.stderr.text);
        for (index, printed) in std::mem::take(&mut attempt.per_check) {
            if let Some(slot) = report.check_output.get_mut(index) {
                *slot = printed;
            }
        }
        append(&mut report.stdout, &attempt.stdout, limit);
        append(&mut report.stderr, &attempt.stderr, limit);
        let mut imported = false;
        let mut sandbox_failure = None;
        let mut ending = attempt.ending;
        let mut protocol = Protocol::new(start, total);
        let mut calling = None;
        for message in attempt.messages {
            match protocol.accept(message) {
                Ok(Effect::Confined(confinement)) => match report.confinement.as_mut() {
                    Some(seen) => seen.merge(confinement),
                    None => report.confinement = Some(confinement),
                },
                Ok(Effect::SandboxFailed(why)) => sandbox_failure = Some(why),
                Ok(Effect::Imported) => imported = true,
                Ok(Effect::ImportFailed(fault)) => report.import_failure = Some(fault),
                Ok(Effect::Calling { index, call }) => calling = Some((index, call)),
                Ok(Effect::Check { index, outcome }) => {
                    if !matches!(report.slots[index], Slot::SkippedAfterHang { .. }) {
                        report.slots[index] = Slot::Finished(outcome);
                    }
                }
                Ok(Effect::Timed(micros)) => report.timed_micros = micros,
                Ok(Effect::Nothing) => {}
                Err(OutOfOrder) => {
                    ending = Ending::Malformed("a result out of order (forged?)".into());
                    break;
                }
            }
        }
        if let Some(why) = sandbox_failure {
            for slot in &mut report.slots[start..] {
                *slot = Slot::Crashed(format!("the sandbox could not be set up: {why}"));
            }
            break;
        }
        if report.import_failure.is_some() {
            break;
        }
        let culprit = report
            .slots
            .iter()
            .skip(start)
            .position(|s| *s == Slot::NotRun)
            .map(|i| i + start);
        if let (Some(index), Some(tail)) = (culprit, attempt.tail.take()) {
            // What was printed after the last result, by the check that
            // then hung or died (its stack dump already cut out).
            let mut tail = tail;
            let _ = take_stack_dump(&mut tail.stderr);
            report.check_output[index] = tail;
        }
        match (ending, culprit) {
            (_, None) => break,
            (Ending::TimedOut, Some(index)) => {
                let call = calling.filter(|(i, _)| *i == index).map(|(_, call)| call);
                let stack = dump
                    .as_deref()
                    .map(|dump| hang_stack(dump, &attempt.module_dir, request))
                    .unwrap_or_default();
                report.slots[index] = Slot::TimedOut { call, stack };
                if !imported {
                    // The import itself hung: every child would hang there.
                    break;
                }
                hangs += 1;
                // The checks that use what hung would hang too: skipped.
                // The others run in a fresh child with a fresh deadline, a
                // bounded number of times.
                let hung = request.uses.get(index).filter(|u| !u.is_empty());
                for later in index + 1..total {
                    let uses = request.uses.get(later).filter(|u| !u.is_empty());
                    let shared = match (hung, uses) {
                        (Some(hung), Some(uses)) => uses.iter().any(|name| hung.contains(name)),
                        _ => true,
                    };
                    if shared {
                        report.slots[later] = Slot::SkippedAfterHang { hung: index };
                        current.checks[later].clear();
                    }
                }
                let next = (index + 1..total).find(|&i| report.slots[i] == Slot::NotRun);
                match next {
                    Some(next) if hangs < MAX_HANGS => {
                        start = next;
                        deadline = Instant::now() + timeout;
                    }
                    _ => break,
                }
            }
            (Ending::Signalled(Signal::SIGXCPU) | Ending::CpuLimit, Some(index)) if imported => {
                // Out of CPU time: a fresh child, with a fresh budget, goes on.
                report.slots[index] = Slot::CpuLimit;
                start = index + 1;
                fresh_deadline(&mut deadline, &mut resource_deaths, timeout);
            }
            (Ending::OutOfMemory, Some(index)) if imported => {
                report.slots[index] = Slot::OutOfMemory;
                start = index + 1;
                fresh_deadline(&mut deadline, &mut resource_deaths, timeout);
            }
            (ending, Some(index)) if !imported => {
                // Died while importing: no check can run.
                let why = ending.describe("while importing the module");
                for slot in &mut report.slots[index..] {
                    *slot = Slot::Crashed(why.clone());
                }
                break;
            }
            (ending, Some(index)) => {
                report.slots[index] = Slot::Crashed(ending.describe("during this check"));
                start = index + 1;
                if Instant::now() >= deadline {
                    break;
                }
            }
        }
    }
    // A skipped check ran no calls: it has no time to compare.
    for (index, slot) in report.slots.iter().enumerate() {
        if let (Slot::SkippedAfterHang { .. }, Some(timed)) =
            (slot, report.timed_micros.get_mut(index))
        {
            *timed = None;
        }
    }
    // The same file and seed give the same report: what differs from run to
    // run in what the code printed (the scratch directory's name, the
    // addresses in object reprs) is made stable.
    report.stdout.text = stable_output(&report.stdout.text, &scratch_dirs);
    report.stderr.text = stable_output(&report.stderr.text, &scratch_dirs);
    for printed in &mut report.check_output {
        printed.stdout = stable_output(&printed.stdout, &scratch_dirs);
        printed.stderr = stable_output(&printed.stderr, &scratch_dirs);
    }
    report.elapsed_ms = began.elapsed().as_millis() as u64;
    report
}

/// `text` with the scratch directories' paths made relative
/// (`/tmp/pyinterview-x1Y/lru_cache.py` → `lru_cache.py`) and the address in
/// an object's repr (`<coroutine object f at 0x7f3a…>`) replaced by `0x…`.
fn stable_output(text: &str, scratch_dirs: &[String]) -> String {
    let mut out = text.to_string();
    for dir in scratch_dirs.iter().filter(|d| !d.is_empty()) {
        out = out.replace(&format!("{dir}/"), "");
    }
    let mut stable = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find(" at 0x") {
        let (before, after) = rest.split_at(at + " at 0x".len());
        stable.push_str(before);
        let digits = after.len()
            - after
                .trim_start_matches(|c: char| c.is_ascii_hexdigit())
                .len();
        if digits > 0 && after[digits..].starts_with('>') {
            stable.push('…');
        } else {
            stable.push_str(&after[..digits]);
        }
        rest = &after[digits..];
    }
    stable.push_str(rest);
    stable
}

/// How many times one exercise's checks may hang before the rest are left
/// unrun: each hang costs a whole deadline.
const MAX_HANGS: usize = 3;

/// How many checks of one exercise that ran out of memory or CPU give the
/// next child a fresh deadline.
const MAX_RESOURCE_DEATHS: usize = 6;

/// After a check ran out of memory or CPU, the next child starts with a
/// whole deadline (up to [`MAX_RESOURCE_DEATHS`] times): how long the death
/// took depends on the machine's load, and the checks after it must not pay
/// for it with a timeout that comes sooner or later from run to run.
fn fresh_deadline(deadline: &mut Instant, deaths: &mut usize, timeout: Duration) {
    *deaths += 1;
    if *deaths <= MAX_RESOURCE_DEATHS {
        *deadline = Instant::now() + timeout;
    }
}

/// The candidate's frames in the stack dump the child's faulthandler wrote
/// to stderr just before the deadline (`line 3, in count_visits: code`,
/// innermost last), from the first thread that was in the candidate's code.
/// Empty when there is no dump (the code cancelled it, or flooded stderr).
fn hang_stack(dump: &str, module_dir: &std::path::Path, request: &RunRequest) -> Vec<String> {
    let dir = module_dir.to_string_lossy();
    let mut threads: Vec<Vec<String>> = vec![];
    for line in dump.lines().skip(1) {
        let line = line.trim_end();
        if line.starts_with("Thread 0x") || line.starts_with("Current thread 0x") {
            threads.push(vec![]);
            continue;
        }
        // `  File "/scratch/list_tuple.py", line 3 in count_visits`
        let Some(frame) = line.trim_start().strip_prefix("File \"") else {
            if !line.is_empty() && !line.starts_with(' ') {
                break; // the end of the dump
            }
            continue;
        };
        let Some((path, rest)) = frame.split_once("\", line ") else {
            continue;
        };
        let Some((lineno, function)) = rest.split_once(" in ") else {
            continue;
        };
        let Some(file) = path
            .strip_prefix(dir.as_ref())
            .map(|f| f.trim_start_matches('/'))
            .filter(|f| !f.contains('/'))
        else {
            continue;
        };
        let code = lineno
            .parse::<usize>()
            .ok()
            .and_then(|n| source_line(&request.submission, file, n));
        let shown = if file == request.module {
            format!("line {lineno}, in {function}")
        } else {
            format!("{file}, line {lineno}, in {function}")
        };
        let entry = match code {
            Some(code) => format!("{shown}: {code}"),
            None => shown,
        };
        if let Some(thread) = threads.last_mut() {
            thread.push(entry);
        }
    }
    // faulthandler lists the most recent call first.
    let mut frames = threads
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default();
    frames.reverse();
    frames
}

/// The marks a child writes into its stdout and stderr after the import and
/// after each check (`\0pyi<nonce>:<check or i>\0`): the output between two
/// marks is what one check printed. Pipes keep order, so this is exact for
/// what the checked process prints itself (approximate for its threads and
/// children); a mark the code could forge only misattributes its own output.
pub fn output_mark(nonce: u64, check: Option<usize>) -> String {
    match check {
        Some(index) => format!("\0pyi{nonce:016x}:{index}\0"),
        None => format!("\0pyi{nonce:016x}:i\0"),
    }
}

/// Cuts the marks (see [`output_mark`]) out of both streams and returns what
/// each reported check printed, and what was printed after the last mark
/// once the module had imported (the output of a check that never reported).
fn per_check_output(
    stdout: &mut String,
    stderr: &mut String,
    nonce: u64,
) -> (Vec<(usize, CheckOutput)>, Option<CheckOutput>) {
    let prefix = format!("\0pyi{nonce:016x}:");
    // Each stream: (mark, the text before it), then the text after the last.
    let split = |text: &mut String| -> (Vec<(String, String)>, String) {
        let mut parts = Vec::new();
        let mut kept = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(at) = rest.find(&prefix) {
            let after = &rest[at + prefix.len()..];
            let Some(end) = after.find('\0') else {
                break;
            };
            kept.push_str(&rest[..at]);
            parts.push((after[..end].to_string(), rest[..at].to_string()));
            rest = &after[end + 1..];
        }
        // A mark the output cap cut short at the very end: dropped.
        if let Some(at) = rest.rfind('\0') {
            let end = &rest[at..];
            if prefix.starts_with(end) || end.starts_with(&prefix) {
                rest = &rest[..at];
            }
        }
        kept.push_str(rest);
        let tail = rest.to_string();
        *text = kept;
        (parts, tail)
    };
    let (out_parts, out_tail) = split(stdout);
    let (err_parts, err_tail) = split(stderr);
    let imported = out_parts.iter().any(|(mark, _)| mark == "i");
    let mut per_check = Vec::new();
    for (mark, printed) in &out_parts {
        let Ok(index) = mark.parse::<usize>() else {
            continue;
        };
        let stderr = err_parts
            .iter()
            .find(|(m, _)| m == mark)
            .map(|(_, text)| text.clone())
            .unwrap_or_default();
        per_check.push((
            index,
            CheckOutput {
                stdout: printed.clone(),
                stderr,
            },
        ));
    }
    let tail = imported.then_some(CheckOutput {
        stdout: out_tail,
        stderr: err_tail,
    });
    (per_check, tail)
}

/// Cuts faulthandler's dump (`Timeout (0:00:09.8)!` and the thread and frame
/// lines after it, the last such block) out of `stderr` and returns it.
fn take_stack_dump(stderr: &mut String) -> Option<String> {
    let begin = if stderr.starts_with("Timeout (") {
        0
    } else {
        stderr.rfind("\nTimeout (")? + 1
    };
    let mut end = begin;
    for (i, line) in stderr[begin..].split_inclusive('\n').enumerate() {
        let text = line.trim_end();
        let part_of_dump = i == 0
            || text.is_empty()
            || text.starts_with("Thread 0x")
            || text.starts_with("Current thread 0x")
            || text.starts_with("  File \"")
            || text.starts_with("  <no Python frame>");
        if !part_of_dump {
            break;
        }
        end += line.len();
    }
    let dump = stderr[begin..end].to_string();
    stderr.replace_range(begin..end, "");
    Some(dump)
}

/// Line `n` (from 1) of a file of the submission, trimmed, read safely (a
/// regular file of the submission directory, capped).
fn source_line(submission: &std::path::Path, file: &str, n: usize) -> Option<String> {
    let bytes = crate::submission_files::read(submission, file, 1 << 20).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let line = text.lines().nth(n.checked_sub(1)?)?.trim();
    let mut line: String = line.chars().take(200).collect();
    if line.is_empty() {
        return None;
    }
    line = crate::value::escape_controls(&line).into_owned();
    Some(line)
}

fn append(into: &mut Captured, from: &Captured, limit: usize) {
    let room = limit.saturating_sub(into.text.len());
    if from.text.len() <= room {
        into.text.push_str(&from.text);
    } else {
        let mut cut = room;
        while !from.text.is_char_boundary(cut) {
            cut -= 1;
        }
        into.text.push_str(&from.text[..cut]);
        into.truncated_bytes += (from.text.len() - cut) as u64;
    }
    into.truncated_bytes += from.truncated_bytes;
}

/// Where a child is in its protocol.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stage {
    Start,
    Confined,
    Checking,
    Finished,
}

/// What an accepted message asks `serve()` to record.
#[derive(Debug, PartialEq)]
enum Effect {
    /// The child is confined so: merged into the report's confinement.
    Confined(Confinement),
    /// The sandbox could not be set up; no candidate code ran.
    SandboxFailed(String),
    /// The module imported: the checks may run.
    Imported,
    ImportFailed(FaultInfo),
    /// Check `index` finished with this outcome.
    Check {
        index: usize,
        outcome: CheckOutcome,
    },
    /// The timing pass's least times, one per check of the request (`None`
    /// before the child's first check).
    Timed(Vec<Option<u64>>),
    /// Call `call` of check `index` started (the one that hung, if the
    /// deadline comes before the check's result).
    Calling {
        index: usize,
        call: usize,
    },
    /// `Done` (the first or a repeated one): nothing to record.
    Nothing,
}

/// A message out of the harness's order: it did not come from the harness,
/// so the run is void from there.
#[derive(Debug, PartialEq)]
struct OutOfOrder;

/// The order one child speaks in: Ready (or SandboxFailed), then Imported (or
/// ImportFailed), then its checks in order from `start`, then the timing pass
/// once every check has run, then Done. Pure: `serve()` applies the effects.
#[derive(Debug)]
struct Protocol {
    stage: Stage,
    /// The first check this child runs.
    start: usize,
    /// The check whose result comes next.
    next: usize,
    /// Checks in the request.
    total: usize,
}

impl Protocol {
    fn new(start: usize, total: usize) -> Self {
        Protocol {
            stage: Stage::Start,
            start,
            next: start,
            total,
        }
    }

    /// Takes the child's next message: what to record, or why it is out of
    /// order (after which nothing more should be accepted).
    fn accept(&mut self, message: ChildMessage) -> Result<Effect, OutOfOrder> {
        let (stage, effect) = match (self.stage, message) {
            (Stage::Start, ChildMessage::Ready(confinement)) => {
                (Stage::Confined, Effect::Confined(confinement))
            }
            (Stage::Start, ChildMessage::SandboxFailed(why)) => {
                (Stage::Finished, Effect::SandboxFailed(why))
            }
            (Stage::Confined, ChildMessage::Imported) => (Stage::Checking, Effect::Imported),
            (Stage::Confined, ChildMessage::ImportFailed(fault)) => {
                (Stage::Finished, Effect::ImportFailed(fault))
            }
            (Stage::Checking, ChildMessage::Calling { index, call })
                if index == self.next && index < self.total =>
            {
                (Stage::Checking, Effect::Calling { index, call })
            }
            (Stage::Checking, ChildMessage::Check { index, outcome })
                if index == self.next && index < self.total =>
            {
                self.next += 1;
                (Stage::Checking, Effect::Check { index, outcome })
            }
            (Stage::Checking, ChildMessage::Timed { start, micros })
                if self.next == self.total
                    && start == self.start
                    && start + micros.len() == self.total =>
            {
                let mut timed = vec![None; start];
                timed.extend(micros);
                (Stage::Finished, Effect::Timed(timed))
            }
            (Stage::Checking | Stage::Finished, ChildMessage::Done) => {
                (Stage::Finished, Effect::Nothing)
            }
            _ => return Err(OutOfOrder),
        };
        self.stage = stage;
        Ok(effect)
    }
}

/// How one child's run ended.
#[derive(Debug, Clone, PartialEq)]
enum Ending {
    Exited(i32),
    Signalled(Signal),
    TimedOut,
    /// Killed for using up its CPU-time limit.
    CpuLimit,
    /// Killed by the kernel when the sandbox's memory cgroup was full.
    OutOfMemory,
    /// Killed by the supervisor when the files in the scratch directory
    /// passed this many MiB (where no size-limited tmpfs holds them).
    DiskFull(u64),
    Malformed(String),
}

impl Ending {
    fn describe(&self, when: &str) -> String {
        match self {
            Ending::Exited(code) => {
                format!("the process exited with status {code} {when} (os._exit or a stray exit)")
            }
            Ending::Signalled(Signal::SIGSEGV) => {
                format!("the process crashed with a segmentation fault {when}")
            }
            Ending::Signalled(Signal::SIGKILL) => format!("the process was killed {when}"),
            Ending::Signalled(Signal::SIGABRT) => format!(
                "the interpreter aborted {when} (a fatal Python error, e.g. a C stack overflow)"
            ),
            Ending::Signalled(signal) => format!("the process died from {signal} {when}"),
            Ending::TimedOut => format!("the time limit ran out {when}"),
            Ending::CpuLimit => format!("the CPU time limit was reached {when}"),
            Ending::OutOfMemory => format!("the sandbox ran out of memory {when}"),
            Ending::DiskFull(mb) => {
                format!("the files the code wrote passed the sandbox's {mb} MiB of disk {when}")
            }
            Ending::Malformed(why) => format!("the process sent {why} {when}"),
        }
    }
}

struct Attempt {
    /// Where the child's copy of the submission was (its frames' files).
    module_dir: std::path::PathBuf,
    /// What each check that reported printed (see [`per_check_output`]).
    per_check: Vec<(usize, CheckOutput)>,
    /// What was printed after the last check's result, once the module had
    /// imported: the output of the check that did not report.
    tail: Option<CheckOutput>,
    messages: Vec<ChildMessage>,
    ending: Ending,
    stdout: Captured,
    stderr: Captured,
    /// The child was created in namespaces.
    namespaces: bool,
}

impl Attempt {
    /// The child, in namespaces, failed to set itself up before saying it
    /// was confined: mapping its user or mounting refused (as Ubuntu's
    /// AppArmor policy for unprivileged user namespaces does after `clone3`
    /// has succeeded). Such a machine is one without user namespaces.
    fn namespace_setup_failed(&self) -> bool {
        let confined = self
            .messages
            .iter()
            .any(|m| matches!(m, ChildMessage::Ready(_)));
        let refused = self
            .messages
            .iter()
            .any(|m| matches!(m, ChildMessage::SandboxFailed(_)));
        self.namespaces && !confined && (refused || matches!(self.ending, Ending::Exited(4)))
    }
}

/// Forks a child for checks `start..` and supervises it until it ends or the deadline.
fn run_child(
    exercise: &'static dyn Graded,
    request: &RunRequest,
    start: usize,
    deadline: Instant,
    on_check: &mut dyn FnMut(usize),
) -> nix::Result<Attempt> {
    let (result_r, result_w) = pipe2(OFlag::O_CLOEXEC)?;
    let (out_r, out_w) = pipe2(OFlag::O_CLOEXEC)?;
    let (err_r, err_w) = pipe2(OFlag::O_CLOEXEC)?;
    let scratch = tempfile::Builder::new()
        .prefix("pyinterview-")
        .tempdir()
        .map_err(|e| nix::Error::from_raw(e.raw_os_error().unwrap_or(libc::EIO)))?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    // Without root, a user namespace of its own gives the child the same
    // PID, network and mount namespaces, where the kernel allows that.
    let want_namespaces = !NO_NAMESPACES.load(Ordering::Relaxed)
        && (root || std::env::var_os(NO_USER_NAMESPACES).is_none());
    // SAFETY: geteuid and getegid have no preconditions and cannot fail.
    let (outer_uid, outer_gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    static CHILDREN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let tag = CHILDREN.fetch_add(1, Ordering::Relaxed).to_string();
    super::cgroup::remove_retired(Duration::ZERO);
    let cgroup = Cgroup::create(&tag, request.limits.memory_mb, request.limits.processes);
    let key: SealKey = rand::random();
    let output_nonce: u64 = rand::random();
    let (pid, namespaces) = Python::attach(|py| {
        // SAFETY: the worker has exactly one thread; the fork hooks keep the
        // interpreter's locks consistent on both sides.
        let (pid, namespaces) = unsafe {
            ffi::PyOS_BeforeFork();
            let mut namespaces = false;
            let mut pid = -1;
            if want_namespaces {
                pid = clone_into_namespaces(!root);
                namespaces = pid >= 0;
                if pid < 0 {
                    NO_NAMESPACES.store(true, Ordering::Relaxed);
                }
            }
            if !namespaces {
                pid = libc::fork();
            }
            if pid == 0 {
                ffi::PyOS_AfterFork_Child();
            } else {
                ffi::PyOS_AfterFork_Parent();
            }
            (pid, namespaces)
        };
        if pid == 0 {
            // If the worker dies (killed by the grader's own deadline, say),
            // the child dies with it: as PID 1, its whole namespace too.
            // SAFETY: prctl with plain integer arguments.
            unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) };
        }
        if pid == 0 && namespaces && !root {
            // The user namespace maps this user to itself; until it is
            // written, the child is nobody and cannot mount anything.
            let mapped = if std::env::var_os(REFUSE_USER_NAMESPACE_SETUP).is_some() {
                Err("refused (PYINTERVIEW_REFUSE_USER_NAMESPACE_SETUP)".to_string())
            } else {
                map_user(outer_uid, outer_gid)
            };
            if let Err(why) = mapped {
                eprintln!("pyinterview worker: user namespace: {why}");
                // SAFETY: plain exit of the forked child; the worker sees a
                // child that sent nothing and reports the sandbox failure.
                unsafe { libc::_exit(4) };
            }
        }
        if pid == 0 && namespaces {
            // PID 1 of the new namespace forks the process that runs the
            // checks and stays behind as its init (see `init`).
            // SAFETY: as above, single-threaded; PID 1 never runs Python again.
            let runner = unsafe {
                ffi::PyOS_BeforeFork();
                let runner = libc::fork();
                if runner == 0 {
                    ffi::PyOS_AfterFork_Child();
                }
                runner
            };
            if runner > 0 {
                // SAFETY: just forked; the result pipe's write end is ours.
                unsafe { init::run(runner, result_w.as_raw_fd(), key) };
            }
            if runner < 0 {
                // No second process: run the checks as PID 1 after all.
                // SAFETY: pairs the PyOS_BeforeFork above, whose fork failed: the parent side
                // releases what it took.
                unsafe { ffi::PyOS_AfterFork_Parent() };
            }
        }
        if pid == 0 {
            let pipes = ChildPipes {
                result: result_w.as_raw_fd(),
                stdout: out_w.as_raw_fd(),
                stderr: err_w.as_raw_fd(),
            };
            let setup = ChildSetup {
                namespaces,
                deadline,
                output_nonce,
                scratch: scratch.path(),
                key,
                cgroup: cgroup.as_ref().map_err(String::clone),
            };
            child::run(py, exercise, request, start, pipes, &setup);
        }
        (pid, namespaces)
    });
    if pid < 0 {
        return Err(nix::Error::last());
    }
    let pid = Pid::from_raw(pid);
    // Also set here, so the group exists before we could need to kill it.
    let _ = nix::unistd::setpgid(pid, pid);
    drop((result_w, out_w, err_w));
    // Once every check has reported, only the timing pass is left: it gets
    // its budget and a margin, not whatever remains of the deadline.
    let timing_deadline = (request.timing_rounds > 0)
        .then_some((request.checks.len() - start, TIMING_BUDGET + TIMING_MARGIN));
    let attempt = supervise(
        pid,
        [result_r, out_r, err_r],
        on_check,
        Watch {
            deadline,
            after_checks: timing_deadline,
            output_limit: request.limits.output_bytes(),
            key,
            output_nonce,
            cpu_seconds: request.limits.cpu_seconds,
            memory_cap: cgroup
                .is_err()
                .then_some(request.limits.memory_mb * 1024 * 1024),
            // As the tmpfs a namespace gives the scratch directory.
            disk_cap: (!namespaces).then(|| {
                (
                    scratch.path().to_path_buf(),
                    request.limits.file_size_mb.max(1) * 4,
                )
            }),
        },
    );
    // Without a PID namespace, processes that left the group (setsid) were
    // re-parented to this subreaper: end them too. (With one, they died with
    // its init, and the walk through all of /proc is not worth its cost.)
    if !namespaces {
        kill_descendants();
    }
    let mut attempt = attempt;
    if let Ok(cgroup) = &cgroup {
        // The kernel's OOM killer sends SIGKILL: say it was memory.
        if matches!(attempt.ending, Ending::Signalled(Signal::SIGKILL))
            && cgroup.ran_out_of_memory()
        {
            attempt.ending = Ending::OutOfMemory;
        }
    }
    drop(cgroup);
    attempt.module_dir = scratch.path().to_path_buf();
    attempt.namespaces = namespaces;
    drop(scratch);
    Ok(attempt)
}

/// Set (to anything) in the worker's environment: do not try user
/// namespaces, as on a kernel that refuses them to unprivileged users. The
/// tests use it to exercise that fallback on machines that allow them.
pub const NO_USER_NAMESPACES: &str = "PYINTERVIEW_NO_USER_NAMESPACES";

/// Set (to anything) in the worker's environment: a child in a new user
/// namespace fails to map its user, as under an AppArmor policy that lets
/// `clone3` succeed and refuses what follows. The tests use it to exercise
/// the fallback to no namespaces.
pub const REFUSE_USER_NAMESPACE_SETUP: &str = "PYINTERVIEW_REFUSE_USER_NAMESPACE_SETUP";

/// In a fresh user namespace: maps `uid` and `gid` to themselves, so files
/// keep their owners and the kernel's per-user accounting stays the user's.
fn map_user(uid: libc::uid_t, gid: libc::gid_t) -> Result<(), String> {
    let write = |file: &str, text: String| {
        std::fs::write(format!("/proc/self/{file}"), text).map_err(|e| format!("{file}: {e}"))
    };
    write("setgroups", "deny".into())?;
    write("uid_map", format!("{uid} {uid} 1\n"))?;
    write("gid_map", format!("{gid} {gid} 1\n"))
}

/// `clone3` into new PID, network, mount and IPC namespaces (fork semantics
/// otherwise), and a new user namespace first when `user` (not root): the
/// child is PID 1 of its namespace, so killing it ends every process the
/// candidate's code started. Returns -1 where not permitted.
unsafe fn clone_into_namespaces(user: bool) -> libc::pid_t {
    #[repr(C)]
    struct CloneArgs {
        flags: u64,
        pidfd: u64,
        child_tid: u64,
        parent_tid: u64,
        exit_signal: u64,
        stack: u64,
        stack_size: u64,
        tls: u64,
        set_tid: u64,
        set_tid_size: u64,
        cgroup: u64,
    }
    let args = CloneArgs {
        flags: (libc::CLONE_NEWPID
            | libc::CLONE_NEWNET
            | libc::CLONE_NEWNS
            | libc::CLONE_NEWIPC
            | if user { libc::CLONE_NEWUSER } else { 0 }) as u64,
        pidfd: 0,
        child_tid: 0,
        parent_tid: 0,
        exit_signal: libc::SIGCHLD as u64,
        stack: 0,
        stack_size: 0,
        tls: 0,
        set_tid: 0,
        set_tid_size: 0,
        cgroup: 0,
    };
    // SAFETY: clone3 without CLONE_VM and with no stack duplicates the
    // process like fork; the worker is single-threaded.
    unsafe {
        libc::syscall(
            libc::SYS_clone3,
            &args as *const CloneArgs,
            std::mem::size_of::<CloneArgs>(),
        ) as libc::pid_t
    }
}

/// Every process below the worker, with its parent: one scan of `/proc`.
/// (The worker is a subreaper, so an orphan, however it was made, is still
/// below it.)
fn descendants() -> Vec<(Pid, Pid)> {
    let me = std::process::id() as i32;
    let mut parents: Vec<(i32, i32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The fields after the ")" that closes the command name: state, ppid, …
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<i32>().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![me];
    let mut out = Vec::new();
    while let Some(parent) = found.pop() {
        for &(pid, ppid) in &parents {
            if ppid == parent {
                found.push(pid);
                out.push((Pid::from_raw(pid), Pid::from_raw(ppid)));
            }
        }
    }
    out
}

/// Kills and reaps every process below the worker, however deep, repeating
/// while killed parents' children are re-parented here.
fn kill_descendants() {
    for _ in 0..200 {
        let tree = descendants();
        if tree.is_empty() {
            break;
        }
        for (pid, _) in &tree {
            let _ = nix::sys::signal::kill(*pid, Signal::SIGKILL);
        }
        reap_orphans();
        std::thread::sleep(Duration::from_millis(1));
    }
    reap_orphans();
}

/// Memory of every process below the worker, in bytes: each process's
/// proportional set size (shared pages split among the processes sharing
/// them), so that a process forked from the sandbox is charged for what it
/// changed, not again for every page it shares with its parent (summing
/// resident sizes would count a fork bomb's shared interpreter 60 times and
/// call honest forking code out of memory). Where a process's smaps are not
/// readable (a non-dumpable child), its resident size counts: never less
/// than it uses.
fn resident_bytes() -> u64 {
    let processes = descendants();
    let mapped: u64 = processes.iter().map(|(pid, _)| process_bytes(*pid)).sum();
    mapped + unlinked_file_bytes(processes.iter().map(|(pid, _)| *pid))
}

/// Bytes of the files the processes hold open that no directory names any
/// more (unlinked, `O_TMPFILE`): a walk of the scratch directory misses
/// them, and on a tmpfs they are memory. Each file counted once.
fn unlinked_file_bytes(pids: impl Iterator<Item = Pid>) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut seen = std::collections::BTreeSet::new();
    let mut total = 0u64;
    for pid in pids {
        for entry in std::fs::read_dir(format!("/proc/{pid}/fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            // stat through the link: the open file itself, named or not.
            let Ok(meta) = std::fs::metadata(entry.path()) else {
                continue;
            };
            if meta.is_file() && meta.nlink() == 0 && seen.insert((meta.dev(), meta.ino())) {
                total += meta.blocks() * 512;
            }
        }
    }
    total
}

fn process_bytes(pid: Pid) -> u64 {
    if let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
        if let Some(kib) = rollup.lines().find_map(|line| {
            line.strip_prefix("Pss:")?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse::<u64>()
                .ok()
        }) {
            return kib * 1024;
        }
    }
    // SAFETY: sysconf with a constant name.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    std::fs::read_to_string(format!("/proc/{pid}/statm"))
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * page)
}

/// Bytes on disk of the files below `dir` (at most 10,000 entries looked at:
/// more count as full, so a flood of empty files cannot hide).
fn disk_bytes(dir: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0u64;
    let mut seen = 0usize;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            seen += 1;
            if seen > 10_000 {
                return u64::MAX;
            }
            let Ok(meta) = entry.path().symlink_metadata() else {
                continue;
            };
            if meta.is_dir() {
                pending.push(entry.path());
            }
            total += meta.blocks() * 512;
        }
    }
    total
}

/// How often the supervisor adds up the sandbox's memory (and files) where
/// no cgroup (or tmpfs) caps them.
const MEMORY_POLL: Duration = Duration::from_millis(20);

/// What the supervisor of one child holds it to.
struct Watch {
    deadline: Instant,
    /// Once this many checks have reported, the child has at most this long
    /// left (for the timing pass).
    after_checks: Option<(usize, Duration)>,
    output_limit: usize,
    key: SealKey,
    /// The nonce of the child's output marks (see [`output_mark`]).
    output_nonce: u64,
    cpu_seconds: u64,
    /// Resident bytes of all the sandbox's processes together, where no
    /// cgroup caps them.
    memory_cap: Option<u64>,
    /// The scratch directory and the MiB its files may take, where no
    /// size-limited tmpfs holds them (no mount namespace).
    disk_cap: Option<(std::path::PathBuf, u64)>,
}

fn supervise(
    pid: Pid,
    pipes: [OwnedFd; 3],
    on_check: &mut dyn FnMut(usize),
    watch: Watch,
) -> Attempt {
    let Watch {
        mut deadline,
        after_checks,
        output_limit,
        key,
        output_nonce,
        cpu_seconds,
        memory_cap,
        disk_cap,
    } = watch;
    let mut disk_full = None;
    let mut memory_checked = Instant::now();
    let mut out_of_memory = false;
    let mut cpu = Duration::ZERO;
    let [result_r, out_r, err_r] = pipes;
    let mut frames = FrameBuffer::new(key);
    let mut messages = Vec::new();
    let mut checks_reported = 0usize;
    let mut running = None;
    let mut result_bytes = 0usize;
    let mut malformed: Option<String> = None;
    let mut output = [Capture::new(output_limit), Capture::new(output_limit)];
    let mut open = [true, true, true];
    let mut status: Option<WaitStatus> = None;
    let mut timed_out = false;
    let mut buf = vec![0u8; 64 * 1024];

    loop {
        if status.is_none() {
            match wait_child(pid, false, &mut cpu) {
                Ok(WaitStatus::StillAlive) | Err(_) => {}
                Ok(other) => status = Some(other),
            }
        }
        // The namespace's init closes the result pipe as it exits; tearing
        // its namespaces down takes a few milliseconds more before it can be
        // waited for. When it reported that the checks' process exited
        // cleanly after its last message, that wait is left to a later
        // reaping (see `ended_cleanly`).
        let ended = status.is_some() || ended_cleanly(&messages);
        if (ended && !open[0]) || malformed.is_some() {
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            timed_out = status.is_none();
            break;
        }
        // No cgroup: the supervisor adds up the memory of all the sandbox's
        // processes itself, and ends them all past the limit.
        // No tmpfs: it adds up the scratch directory's files likewise.
        if status.is_none() && now.duration_since(memory_checked) >= MEMORY_POLL {
            memory_checked = now;
            if memory_cap.is_some_and(|cap| resident_bytes() > cap) {
                out_of_memory = true;
                break;
            }
            if let Some((dir, mb)) = &disk_cap {
                if disk_bytes(dir) > mb * 1024 * 1024 {
                    disk_full = Some(*mb);
                    break;
                }
            }
        }
        // Once the child has exited, only wait briefly for the pipes to drain.
        let cap = if status.is_some() || !open.iter().any(|o| *o) {
            5
        } else {
            50
        };
        let cap = if memory_cap.is_some() || disk_cap.is_some() {
            cap.min(MEMORY_POLL.as_millis())
        } else {
            cap
        };
        let wait_ms = (deadline - now).as_millis().min(cap) as u16;
        let fds = [&result_r, &out_r, &err_r];
        let watched: Vec<usize> = (0..3).filter(|i| open[*i]).collect();
        if watched.is_empty() {
            std::thread::sleep(Duration::from_millis(u64::from(wait_ms)));
            continue;
        }
        let mut polled: Vec<PollFd> = watched
            .iter()
            .map(|i| PollFd::new(fds[*i].as_fd(), PollFlags::POLLIN))
            .collect();
        if poll(&mut polled, PollTimeout::from(wait_ms)).is_err() {
            continue;
        }
        let ready: Vec<usize> = watched
            .iter()
            .zip(&polled)
            .filter(|(_, p)| p.revents().is_some_and(|e| !e.is_empty()))
            .map(|(i, _)| *i)
            .collect();
        drop(polled);
        for index in ready {
            let fd = fds[index].as_raw_fd();
            // SAFETY: reads at most `buf.len()` bytes into `buf`, which is that long and writable.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                open[index] = false;
                continue;
            }
            let data = &buf[..n as usize];
            match index {
                0 => {
                    result_bytes += data.len();
                    if result_bytes > MAX_RESULT_BYTES {
                        malformed = Some("more result data than allowed".into());
                        break;
                    }
                    frames.push(data);
                    loop {
                        match frames.next_frame::<ChildMessage>() {
                            Ok(Some(message)) => {
                                // A check's first call says it has started.
                                if let ChildMessage::Calling { index, .. } = message {
                                    if running != Some(index) {
                                        running = Some(index);
                                        on_check(index);
                                    }
                                }
                                if matches!(message, ChildMessage::Check { .. }) {
                                    checks_reported += 1;
                                    if let Some((checks, left)) = after_checks {
                                        if checks_reported == checks {
                                            deadline = deadline.min(Instant::now() + left);
                                        }
                                    }
                                }
                                messages.push(message);
                            }
                            Ok(None) => break,
                            Err(why) => {
                                malformed = Some(why);
                                break;
                            }
                        }
                    }
                }
                i => output[i - 1].push(data),
            }
        }
    }

    // Whatever happened, nothing of this child's group survives it.
    let _ = killpg(pid, Signal::SIGKILL);
    if status.is_none() && !open[0] && malformed.is_none() && ended_cleanly(&messages) {
        // Reaped later, by `reap_orphans` (this worker is its parent).
        status = Some(WaitStatus::Exited(pid, 0));
    }
    if status.is_none() {
        status = wait_child(pid, true, &mut cpu).ok();
    }
    drain_nonblocking(&out_r, &mut output[0]);
    drain_nonblocking(&err_r, &mut output[1]);
    reap_orphans();

    // In a PID namespace the child is an init process whose last frame says
    // how the process that ran the checks ended: that is the ending to judge.
    if let Some(ChildMessage::Ended { wait_status }) = messages.last() {
        let wait_status = *wait_status;
        messages.pop();
        if matches!(status, Some(WaitStatus::Exited(_, 0))) {
            status = WaitStatus::from_raw(pid, wait_status).ok();
        }
    }
    let finished = messages.iter().any(|m| matches!(m, ChildMessage::Done));
    // Where the checks ran as PID 1 after all (no second process), SIGXCPU
    // was ignored and the hard limit's SIGKILL ended them: tell that apart by
    // the CPU time the kernel accounted (wait4 on PID 1 includes PID 2).
    let out_of_cpu = cpu >= Duration::from_secs(cpu_seconds);
    let ending = if let Some(why) = malformed {
        Ending::Malformed(why)
    } else if out_of_memory {
        Ending::OutOfMemory
    } else if let Some(mb) = disk_full {
        Ending::DiskFull(mb)
    } else if out_of_cpu && matches!(status, Some(WaitStatus::Signaled(..))) {
        Ending::CpuLimit
    } else if timed_out {
        Ending::TimedOut
    } else if frames.pending() > 0 {
        Ending::Malformed("an incomplete result frame".into())
    } else {
        match status {
            Some(WaitStatus::Signaled(_, signal, _)) => Ending::Signalled(signal),
            Some(WaitStatus::Exited(_, code)) if finished && code == 0 => Ending::Exited(0),
            Some(WaitStatus::Exited(_, code)) => Ending::Exited(code),
            _ => Ending::Signalled(Signal::SIGKILL),
        }
    };
    let [mut stdout, mut stderr] = output.map(Capture::finish);
    let (per_check, tail) = per_check_output(&mut stdout.text, &mut stderr.text, output_nonce);
    Attempt {
        module_dir: std::path::PathBuf::new(),
        per_check,
        tail,
        messages,
        ending,
        stdout,
        stderr,
        namespaces: false,
    }
}

/// `wait4` on the child: its status, and the CPU time it used (user + system).
fn wait_child(pid: Pid, block: bool, cpu: &mut Duration) -> nix::Result<WaitStatus> {
    let mut status = 0;
    // SAFETY: rusage is plain data the kernel fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let flags = if block { 0 } else { libc::WNOHANG };
    // SAFETY: `status` and `usage` are locals the kernel writes into.
    let rc = unsafe { libc::wait4(pid.as_raw(), &mut status, flags, &mut usage) };
    if rc < 0 {
        return Err(nix::Error::last());
    }
    if rc == 0 {
        return Ok(WaitStatus::StillAlive);
    }
    let seconds = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    *cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    WaitStatus::from_raw(pid, status)
}

/// Reads what is left in a pipe without waiting for writers that may never close it.
fn drain_nonblocking(fd: &OwnedFd, into: &mut Capture) {
    let raw = fd.as_raw_fd();
    // SAFETY: fcntl with integer arguments on a descriptor `fd` keeps open.
    unsafe {
        let flags = libc::fcntl(raw, libc::F_GETFL);
        libc::fcntl(raw, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    let mut buf = [0u8; 16 * 1024];
    for _ in 0..256 {
        // SAFETY: reads at most `buf.len()` bytes into `buf`, which is that long and writable.
        let n = unsafe { libc::read(raw, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        into.push(&buf[..n as usize]);
    }
}

fn reap_orphans() {
    while let Ok(status) = waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
        if status == WaitStatus::StillAlive {
            break;
        }
    }
}

/// Whether a namespace's init reported, as its last frame after `Done`,
/// that the process that ran the checks exited with status 0: nothing is
/// left to learn from the init's own exit.
fn ended_cleanly(messages: &[ChildMessage]) -> bool {
    match messages {
        [.., ChildMessage::Done, ChildMessage::Ended { wait_status }] => {
            libc::WIFEXITED(*wait_status) && libc::WEXITSTATUS(*wait_status) == 0
        }
        _ => false,
    }
}

/// Output kept up to a cap; the rest only counted.
struct Capture {
    kept: Vec<u8>,
    limit: usize,
    dropped: u64,
}

impl Capture {
    fn new(limit: usize) -> Self {
        Capture {
            kept: Vec::new(),
            limit,
            dropped: 0,
        }
    }

    fn push(&mut self, data: &[u8]) {
        let room = self.limit.saturating_sub(self.kept.len());
        let keep = room.min(data.len());
        self.kept.extend_from_slice(&data[..keep]);
        self.dropped += (data.len() - keep) as u64;
    }

    fn finish(self) -> Captured {
        Captured {
            text: String::from_utf8_lossy(&self.kept).into_owned(),
            truncated_bytes: self.dropped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_output_is_stable_from_run_to_run() {
        let dirs = vec!["/tmp/pyinterview-aB3".to_string()];
        let text = "File \"/tmp/pyinterview-aB3/async_await.py\", line 14\n\
                    <coroutine object run at 0x7f92c9fc5d50> and 0xff, at 0x12 done";
        assert_eq!(
            stable_output(text, &dirs),
            "File \"async_await.py\", line 14\n<coroutine object run at 0x…> and 0xff, at 0x12 done"
        );
    }
    use crate::value::Value;

    #[test]
    fn a_stack_dump_is_cut_out_of_stderr_and_read_as_the_candidates_frames() {
        let submission = tempfile::tempdir().unwrap();
        std::fs::write(
            submission.path().join("list_tuple.py"),
            "def count_visits(path):\n    while True:\n        helper()\n",
        )
        .unwrap();
        let mut stderr = "printed before\n\
            Timeout (0:00:09.850000)!\n\
            Thread 0x00007f00 (most recent call first):\n  \
            File \"/tmp/pyinterview-x/helpers.py\", line 9 in helper\n  \
            File \"/tmp/pyinterview-x/list_tuple.py\", line 3 in count_visits\n  \
            File \"/usr/lib/python3.11/threading.py\", line 1 in run\n\
            printed after\n"
            .to_string();
        let dump = take_stack_dump(&mut stderr).expect("a dump");
        assert_eq!(stderr, "printed before\nprinted after\n");
        let request = RunRequest {
            exercise: "list_tuple".into(),
            submission: submission.path().to_path_buf(),
            module: "list_tuple.py".into(),
            checks: vec![],
            uses: vec![],
            timeout_ms: 1000,
            limits: Default::default(),
            timing_rounds: 0,
        };
        let stack = hang_stack(&dump, std::path::Path::new("/tmp/pyinterview-x"), &request);
        // Innermost last; the standard library's frames are not the candidate's.
        assert_eq!(
            stack,
            vec![
                "line 3, in count_visits: helper()".to_string(),
                "helpers.py, line 9, in helper".to_string(),
            ]
        );
    }

    #[test]
    fn output_is_divided_by_the_marks_and_the_marks_cut_out() {
        let mark = |check| output_mark(7, check);
        let mut stdout = format!(
            "imported\n{}one\n{}{}two\nhung",
            mark(None),
            mark(Some(0)),
            mark(Some(1))
        );
        let mut stderr = format!(
            "{}warn\n{}{}\0pyi00000000",
            mark(None),
            mark(Some(0)),
            mark(Some(1))
        );
        let (per_check, tail) = per_check_output(&mut stdout, &mut stderr, 7);
        assert_eq!(stdout, "imported\none\ntwo\nhung");
        // A mark the cap cut in two is dropped too.
        assert_eq!(stderr, "warn\n");
        assert_eq!(
            per_check,
            vec![
                (
                    0,
                    CheckOutput {
                        stdout: "one\n".into(),
                        stderr: "warn\n".into()
                    }
                ),
                (
                    1,
                    CheckOutput {
                        stdout: String::new(),
                        stderr: String::new()
                    }
                ),
            ]
        );
        assert_eq!(tail.unwrap().stdout, "two\nhung");
        // Another nonce's marks are output like any other.
        let mut forged = format!("{}x", output_mark(8, Some(0)));
        let (none, _) = per_check_output(&mut forged, &mut String::new(), 7);
        assert!(none.is_empty());
        assert!(forged.ends_with('x') && forged.len() > 1);
    }

    #[test]
    fn stderr_without_a_dump_is_left_alone() {
        let mut stderr = "Timeout is a word\n".to_string();
        assert_eq!(take_stack_dump(&mut stderr), None);
        assert_eq!(stderr, "Timeout is a word\n");
    }

    fn outcome(n: i64) -> CheckOutcome {
        CheckOutcome {
            returned: vec![Value::Int(n)],
            fault: None,
            micros: 1,
        }
    }

    fn check(index: usize) -> ChildMessage {
        ChildMessage::Check {
            index,
            outcome: outcome(index as i64),
        }
    }

    fn timed(start: usize, count: usize) -> ChildMessage {
        ChildMessage::Timed {
            start,
            micros: (0..count).map(|i| Some(i as u64)).collect(),
        }
    }

    fn fault() -> FaultInfo {
        FaultInfo::Raised {
            type_name: "SyntaxError".into(),
            message: "invalid syntax".into(),
            traceback: vec![],
        }
    }

    /// A protocol for checks `start..total` already past `messages`.
    fn after(start: usize, total: usize, messages: Vec<ChildMessage>) -> Protocol {
        let mut protocol = Protocol::new(start, total);
        for message in messages {
            protocol.accept(message).expect("a legal prefix");
        }
        protocol
    }

    fn confined(start: usize, total: usize) -> Protocol {
        after(
            start,
            total,
            vec![ChildMessage::Ready(Confinement::default())],
        )
    }

    fn checking(start: usize, total: usize) -> Protocol {
        after(
            start,
            total,
            vec![
                ChildMessage::Ready(Confinement::default()),
                ChildMessage::Imported,
            ],
        )
    }

    #[test]
    fn the_legal_order_records_everything() {
        let mut protocol = Protocol::new(0, 3);
        let mut confinement = Confinement::default();
        confinement.add("seccomp", true, "filter");
        assert_eq!(
            protocol.accept(ChildMessage::Ready(confinement.clone())),
            Ok(Effect::Confined(confinement))
        );
        assert_eq!(
            protocol.accept(ChildMessage::Imported),
            Ok(Effect::Imported)
        );
        for index in 0..3 {
            assert_eq!(
                protocol.accept(check(index)),
                Ok(Effect::Check {
                    index,
                    outcome: outcome(index as i64)
                })
            );
        }
        assert_eq!(
            protocol.accept(timed(0, 3)),
            Ok(Effect::Timed(vec![Some(0), Some(1), Some(2)]))
        );
        assert_eq!(protocol.accept(ChildMessage::Done), Ok(Effect::Nothing));
    }

    #[test]
    fn a_later_child_starts_at_its_first_check() {
        let mut protocol = checking(2, 4);
        assert_eq!(protocol.accept(check(0)), Err(OutOfOrder));
        let mut protocol = checking(2, 4);
        assert!(protocol.accept(check(2)).is_ok());
        assert!(protocol.accept(check(3)).is_ok());
        // The times cover the child's own checks; those before are unknown.
        assert_eq!(
            protocol.accept(timed(2, 2)),
            Ok(Effect::Timed(vec![None, None, Some(0), Some(1)]))
        );
        assert_eq!(protocol.accept(ChildMessage::Done), Ok(Effect::Nothing));
    }

    #[test]
    fn done_may_follow_the_checks_without_timing() {
        let mut protocol = checking(0, 2);
        assert!(protocol.accept(check(0)).is_ok());
        assert!(protocol.accept(check(1)).is_ok());
        assert_eq!(protocol.accept(ChildMessage::Done), Ok(Effect::Nothing));
        // A repeated Done is harmless.
        assert_eq!(protocol.accept(ChildMessage::Done), Ok(Effect::Nothing));
    }

    #[test]
    fn a_sandbox_failure_ends_the_run() {
        let mut protocol = Protocol::new(0, 2);
        assert_eq!(
            protocol.accept(ChildMessage::SandboxFailed("no seccomp".into())),
            Ok(Effect::SandboxFailed("no seccomp".into()))
        );
        assert_eq!(protocol.accept(ChildMessage::Done), Ok(Effect::Nothing));
        let mut protocol = Protocol::new(0, 2);
        protocol
            .accept(ChildMessage::SandboxFailed("no seccomp".into()))
            .unwrap();
        assert_eq!(protocol.accept(ChildMessage::Imported), Err(OutOfOrder));
    }

    #[test]
    fn an_import_failure_ends_the_run() {
        let mut protocol = confined(0, 2);
        assert_eq!(
            protocol.accept(ChildMessage::ImportFailed(fault())),
            Ok(Effect::ImportFailed(fault()))
        );
        assert_eq!(protocol.accept(check(0)), Err(OutOfOrder));
        let mut protocol = confined(0, 2);
        protocol
            .accept(ChildMessage::ImportFailed(fault()))
            .unwrap();
        assert_eq!(protocol.accept(ChildMessage::Done), Ok(Effect::Nothing));
    }

    #[test]
    fn calls_are_announced_only_for_the_check_that_comes_next() {
        let calling = |index, call| ChildMessage::Calling { index, call };
        let mut protocol = checking(0, 3);
        assert_eq!(
            protocol.accept(calling(0, 0)),
            Ok(Effect::Calling { index: 0, call: 0 })
        );
        assert_eq!(
            protocol.accept(calling(0, 1)),
            Ok(Effect::Calling { index: 0, call: 1 })
        );
        protocol.accept(check(0)).unwrap();
        assert_eq!(protocol.accept(calling(0, 2)), Err(OutOfOrder));
        assert_eq!(checking(0, 3).accept(calling(2, 0)), Err(OutOfOrder));
        assert_eq!(confined(0, 3).accept(calling(0, 0)), Err(OutOfOrder));
    }

    #[test]
    fn a_check_out_of_order_is_refused() {
        // Skipped, repeated, or going back.
        assert_eq!(checking(0, 3).accept(check(1)), Err(OutOfOrder));
        let mut protocol = checking(0, 3);
        protocol.accept(check(0)).unwrap();
        assert_eq!(protocol.accept(check(0)), Err(OutOfOrder));
        let mut protocol = checking(0, 3);
        protocol.accept(check(0)).unwrap();
        protocol.accept(check(1)).unwrap();
        assert_eq!(protocol.accept(check(0)), Err(OutOfOrder));
    }

    #[test]
    fn a_check_past_the_total_is_refused() {
        let mut protocol = checking(0, 1);
        protocol.accept(check(0)).unwrap();
        assert_eq!(protocol.accept(check(1)), Err(OutOfOrder));
        assert_eq!(checking(0, 0).accept(check(0)), Err(OutOfOrder));
    }

    #[test]
    fn a_check_before_the_import_is_refused() {
        assert_eq!(Protocol::new(0, 2).accept(check(0)), Err(OutOfOrder));
        assert_eq!(confined(0, 2).accept(check(0)), Err(OutOfOrder));
    }

    #[test]
    fn a_second_ready_is_refused() {
        let ready = || ChildMessage::Ready(Confinement::default());
        assert_eq!(confined(0, 1).accept(ready()), Err(OutOfOrder));
        assert_eq!(checking(0, 1).accept(ready()), Err(OutOfOrder));
    }

    #[test]
    fn imported_before_ready_is_refused() {
        assert_eq!(
            Protocol::new(0, 1).accept(ChildMessage::Imported),
            Err(OutOfOrder)
        );
        assert_eq!(
            Protocol::new(0, 1).accept(ChildMessage::ImportFailed(fault())),
            Err(OutOfOrder)
        );
        assert_eq!(
            checking(0, 1).accept(ChildMessage::Imported),
            Err(OutOfOrder)
        );
    }

    #[test]
    fn timed_before_every_check_ran_is_refused() {
        assert_eq!(checking(0, 2).accept(timed(0, 2)), Err(OutOfOrder));
        let mut protocol = checking(0, 2);
        protocol.accept(check(0)).unwrap();
        assert_eq!(protocol.accept(timed(0, 2)), Err(OutOfOrder));
    }

    #[test]
    fn timed_for_other_checks_is_refused() {
        let ran = || {
            let mut protocol = checking(1, 3);
            protocol.accept(check(1)).unwrap();
            protocol.accept(check(2)).unwrap();
            protocol
        };
        assert!(ran().accept(timed(1, 2)).is_ok());
        assert_eq!(ran().accept(timed(0, 3)), Err(OutOfOrder));
        assert_eq!(ran().accept(timed(1, 1)), Err(OutOfOrder));
        assert_eq!(ran().accept(timed(1, 3)), Err(OutOfOrder));
    }

    #[test]
    fn done_before_the_import_is_refused() {
        assert_eq!(
            Protocol::new(0, 1).accept(ChildMessage::Done),
            Err(OutOfOrder)
        );
        assert_eq!(confined(0, 1).accept(ChildMessage::Done), Err(OutOfOrder));
    }

    #[test]
    fn nothing_but_done_follows_done() {
        let done = || {
            let mut protocol = checking(0, 1);
            protocol.accept(check(0)).unwrap();
            protocol.accept(ChildMessage::Done).unwrap();
            protocol
        };
        assert_eq!(
            done().accept(ChildMessage::Ready(Confinement::default())),
            Err(OutOfOrder)
        );
        assert_eq!(done().accept(ChildMessage::Imported), Err(OutOfOrder));
        assert_eq!(
            done().accept(ChildMessage::ImportFailed(fault())),
            Err(OutOfOrder)
        );
        assert_eq!(
            done().accept(ChildMessage::SandboxFailed("late".into())),
            Err(OutOfOrder)
        );
        assert_eq!(done().accept(check(0)), Err(OutOfOrder));
        assert_eq!(done().accept(check(1)), Err(OutOfOrder));
        assert_eq!(done().accept(timed(0, 1)), Err(OutOfOrder));
        assert_eq!(
            done().accept(ChildMessage::Ended { wait_status: 0 }),
            Err(OutOfOrder)
        );
        assert_eq!(done().accept(ChildMessage::Done), Ok(Effect::Nothing));
    }

    #[test]
    fn nothing_but_done_follows_the_timing_pass() {
        let timed_out = || {
            let mut protocol = checking(0, 1);
            protocol.accept(check(0)).unwrap();
            protocol.accept(timed(0, 1)).unwrap();
            protocol
        };
        assert_eq!(timed_out().accept(timed(0, 1)), Err(OutOfOrder));
        assert_eq!(timed_out().accept(check(0)), Err(OutOfOrder));
        assert_eq!(timed_out().accept(ChildMessage::Done), Ok(Effect::Nothing));
    }

    #[test]
    fn ended_is_never_part_of_the_order() {
        // The init's last word is taken off before the order is checked; one
        // anywhere else is out of order.
        let ended = || ChildMessage::Ended { wait_status: 0 };
        assert_eq!(Protocol::new(0, 1).accept(ended()), Err(OutOfOrder));
        assert_eq!(checking(0, 1).accept(ended()), Err(OutOfOrder));
    }
}
