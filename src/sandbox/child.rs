//! The forked child: the only process that runs candidate code.
//!
//! It rewires its descriptors (stdin from /dev/null, stdout and stderr into
//! capture pipes, results on fd 3, nothing else open), imports the candidate's
//! module, runs the driver for each check and streams what it observed. It
//! never decides a verdict and never sees an expected value.

#![allow(unsafe_code)]

use std::fs::File;
use std::os::fd::{FromRawFd, RawFd};
use std::path::Path;
use std::time::Instant;

use pyo3::exceptions::{PyNotImplementedError, PySyntaxError};
use pyo3::prelude::*;

use super::confine;
use super::protocol::{
    CheckOutcome, ChildMessage, FaultInfo, RunRequest, SealKey, TIMING_BUDGET, write_sealed,
};
use crate::driver::{
    Candidate, Fault, exception_type_name, load_harness, seal_fixtures, verify_fixtures,
};
use crate::exercise::Graded;

/// The descriptor the child writes its results to.
pub const RESULT_FD: i32 = 3;
/// Traceback lines kept from the candidate's file (the innermost ones).
const TRACEBACK_LINES: usize = 6;
const MESSAGE_CHARS: usize = 2000;
/// A clear `ImportError` for the modules that reach raw memory. Only the
/// message: the seccomp filter is what makes them unloadable, should the
/// code take this finder out of `sys.meta_path`.
const BLOCK_NATIVE_ACCESS: &std::ffi::CStr = cr#"
import sys
class _NoRawMemory:
    BLOCKED = ("ctypes", "_ctypes", "cffi", "_cffi_backend")
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.partition(".")[0] in cls.BLOCKED:
            raise ImportError(f"{name} is not available in the pyinterview sandbox", name=name)
        return None
sys.meta_path.insert(0, _NoRawMemory)
del _NoRawMemory
"#;

/// The write ends the worker created for this child (raw: the child rewires them).
pub struct ChildPipes {
    pub result: RawFd,
    pub stdout: RawFd,
    pub stderr: RawFd,
}

/// How the worker created this child.
pub struct ChildSetup<'a> {
    /// In new PID, network and mount namespaces.
    pub namespaces: bool,
    /// When the supervisor kills the child: just before, Python's
    /// faulthandler dumps every thread's frames to stderr, so a report can
    /// show where hung code was stuck.
    pub deadline: Instant,
    /// The nonce of the marks that divide the output by check.
    pub output_nonce: u64,
    /// The (empty) directory to copy the submission into and work in.
    pub scratch: &'a Path,
    /// The key that seals this child's result frames.
    pub key: SealKey,
    /// The cgroup to join, or why there is none.
    pub cgroup: Result<&'a super::cgroup::Cgroup, String>,
}

/// Runs checks `start..` of `request` and exits. Never returns.
pub fn run(
    py: Python<'_>,
    exercise: &dyn Graded,
    request: &RunRequest,
    start: usize,
    pipes: ChildPipes,
    setup: &ChildSetup<'_>,
) -> ! {
    // SAFETY: called right after fork in a single-threaded child; only
    // descriptor syscalls and then Python, which PyOS_AfterFork_Child reset.
    unsafe {
        libc::setpgid(0, 0);
        rewire_descriptors(&pipes);
    }
    // SAFETY: RESULT_FD was just set up by rewire_descriptors and is ours alone.
    let mut results = unsafe { File::from_raw_fd(RESULT_FD) };
    // SAFETY: getpid has no preconditions and cannot fail.
    let me = unsafe { libc::getpid() };
    let key = setup.key;
    let mut sent = 0u64;
    let mut send = |message: &ChildMessage| {
        // A copy made by fork() in the candidate's code never reports.
        // SAFETY: getpid has no preconditions and cannot fail.
        if unsafe { libc::getpid() } != me {
            // SAFETY: _exit takes no pointers; a copy forked by the candidate's code ends without
            // running anything of the child's.
            unsafe { libc::_exit(0) };
        }
        let number = sent;
        sent += 1;
        if write_sealed(&mut results, &key, number, message).is_err() {
            // The worker is gone or the pipe was tampered with: nothing to report to.
            // SAFETY: _exit takes no pointers; ending the process without destructors or atexit
            // handlers is the intent.
            unsafe { libc::_exit(3) };
        }
    };

    // The same state in every child, whatever this worker served before
    // (the harness modules it imported, say): the garbage collector's
    // counts, so that when a collection runs (and finalizers print
    // warnings) depends on the checks alone, and the random module's
    // stream. Frozen, the worker's objects are also never scanned again.
    let settle = format!(
        "import gc, random\ngc.freeze()\ngc.collect()\nrandom.seed({:?})\n",
        format!("pyinterview:{}", request.exercise)
    );
    if let Ok(code) = std::ffi::CString::new(settle) {
        let _ = py.run(&code, None, None); // best effort: nothing is unsafe without it
    }
    let plan = confine::Plan {
        cgroup: setup.cgroup.as_ref().map(|c| *c).map_err(String::as_str),
        namespaces: setup.namespaces,
        submission: &request.submission,
        scratch: setup.scratch,
        python_home: super::interpreter::python_home(),
        limits: &request.limits,
        result_fd: RESULT_FD,
    };
    match confine::confine(&plan) {
        Ok(mut confinement) => {
            if setup.namespaces {
                // PID 1 could not fork the process meant to run the code.
                let as_init = me == 1;
                confinement.add(
                    "signals",
                    !as_init,
                    if as_init {
                        "runs as PID 1 (no init could be started): signals it sends itself are ignored"
                    } else {
                        "runs as PID 2 under a tiny init: ordinary signal semantics"
                    },
                );
            }
            send(&ChildMessage::Ready(confinement))
        }
        Err(why) => {
            send(&ChildMessage::SandboxFailed(why));
            // SAFETY: _exit takes no pointers; ending the process without destructors or atexit
            // handlers is the intent.
            unsafe { libc::_exit(4) };
        }
    }
    let module_path = setup.scratch.join(&request.module);
    arm_stack_dump(py, setup.deadline);
    match import_candidate(py, exercise, &module_path) {
        Err(fault) => send(&ChildMessage::ImportFailed(fault_info(
            py,
            fault,
            &module_path,
        ))),
        Ok(candidate) => {
            mark_output(py, setup.output_nonce, None);
            send(&ChildMessage::Imported);
            // The first run's time of each check that finished, for the timing pass.
            let mut finished: Vec<Option<u64>> = vec![None; request.checks.len()];
            for (index, calls) in request.checks.iter().enumerate().skip(start) {
                let began = Instant::now();
                let mut returned = Vec::with_capacity(calls.len());
                let mut fault = None;
                for (number, call) in calls.iter().enumerate() {
                    send(&ChildMessage::Calling {
                        index,
                        call: number,
                    });
                    // An observation counts only if the harness's own
                    // Python objects are as they were loaded.
                    // Python objects are as they were loaded, before the
                    // call and after it (whatever the call's outcome).
                    let observed = verify_fixtures(py)
                        .map_err(Fault::from)
                        .and_then(|()| exercise.drive_json(&candidate, call));
                    let observed = match verify_fixtures(py) {
                        Err(tampered) => Err(Fault::from(tampered)),
                        Ok(()) => observed,
                    };
                    match observed {
                        Ok(value) => returned.push(value),
                        Err(err) => {
                            fault = Some(fault_info(py, err, &module_path));
                            break;
                        }
                    }
                }
                let micros = began.elapsed().as_micros() as u64;
                finished[index] = fault.is_none().then_some(micros);
                // What this check printed ends at this mark: the worker
                // tells it from the next check's.
                mark_output(py, setup.output_nonce, Some(index));
                send(&ChildMessage::Check {
                    index,
                    outcome: CheckOutcome {
                        returned,
                        fault,
                        micros,
                    },
                });
            }
            // Every check ended: no dump of a hang that did not happen.
            let _ = py
                .import("faulthandler")
                .and_then(|f| f.call_method0("cancel_dump_traceback_later"));
            if request.timing_rounds > 0 {
                let micros = timing_pass(py, exercise, &candidate, request, start, &finished);
                send(&ChildMessage::Timed { start, micros });
            }
        }
    }
    flush_output(py);
    send(&ChildMessage::Done);
    // No interpreter finalisation: atexit handlers and lingering threads of
    // the candidate's must not run or block after the results are sent.
    // SAFETY: _exit takes no pointers; ending the process without destructors or atexit handlers is
    // the intent.
    unsafe { libc::_exit(0) }
}

/// How long before the deadline the stack dump is written: time for it to
/// reach the pipe before the supervisor's kill.
const DUMP_MARGIN: std::time::Duration = std::time::Duration::from_millis(150);

/// Asks faulthandler (a C watchdog thread, which dumps even while Python
/// code holds the interpreter in an endless loop) to write every thread's
/// frames to stderr shortly before `deadline`. Diagnostics only: candidate
/// code could cancel or fake it, which can mislead no verdict.
fn arm_stack_dump(py: Python<'_>, deadline: Instant) {
    let left = deadline.saturating_duration_since(Instant::now());
    let Some(wait) = left.checked_sub(DUMP_MARGIN).filter(|w| !w.is_zero()) else {
        return;
    };
    let kwargs = pyo3::types::PyDict::new(py);
    let armed = kwargs
        .set_item("file", 2)
        .and_then(|()| py.import("faulthandler"))
        .and_then(|f| f.call_method("dump_traceback_later", (wait.as_secs_f64(),), Some(&kwargs)));
    let _ = armed;
}

/// Flushes Python's streams and writes the mark that ends a check's (or the
/// import's) output to both descriptors (see `worker::output_mark`).
fn mark_output(py: Python<'_>, nonce: u64, check: Option<usize>) {
    flush_output(py);
    let mark = super::worker::output_mark(nonce, check);
    for fd in [1, 2] {
        // SAFETY: writes `mark.len()` bytes from a live buffer to an integer
        // descriptor; a closed or replaced one only makes it fail.
        let _ = unsafe { libc::write(fd, mark.as_ptr().cast(), mark.len()) };
    }
}

fn flush_output(py: Python<'_>) {
    let _ = py.run(
        c"import sys\nfor s in (sys.stdout, sys.stderr):\n    try: s.flush()\n    except BaseException: pass",
        None,
        None,
    );
}

/// Runs each check that finished (from `start`) `timing_rounds` more times
/// with its output muted, and keeps the least time of each: the first run
/// pays for warm-up and copy-on-write faults, and any run may be preempted by
/// whatever else the machine runs. Runs no round that would end past
/// [`TIMING_BUDGET`].
///
/// Wall time, not CPU time: with RLIMIT_CPU set, the kernel samples a
/// process's CPU clock from counters updated only at ticks and context
/// switches, too coarse for checks of a fraction of a millisecond (and a
/// thread's own clock would miss the threads a check starts).
fn timing_pass(
    py: Python<'_>,
    exercise: &dyn Graded,
    candidate: &Candidate<'_>,
    request: &RunRequest,
    start: usize,
    finished: &[Option<u64>],
) -> Vec<Option<u64>> {
    let mut best: Vec<Option<u64>> = vec![None; request.checks.len() - start];
    // What the graded run printed goes out before the streams are muted.
    flush_output(py);
    // Output of the repeats is not the candidate's to show: the report has
    // the first run's. Python's streams and the descriptors under them
    // (logging handlers, os.write, child processes) go to /dev/null.
    let muted = py.run(
        c"import sys, os\nsys.stdout = sys.stderr = open(os.devnull, 'w')",
        None,
        None,
    );
    // SAFETY: plain descriptor syscalls; Landlock allows writing /dev/null.
    let null = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY) };
    if muted.is_err() || null < 0 {
        return best;
    }
    // SAFETY: descriptor syscalls on integers; `null` was just opened here and is closed once.
    unsafe {
        libc::dup2(null, 1);
        libc::dup2(null, 2);
        libc::close(null);
    }
    // Whole rounds only, each expected to cost what the checks' first run
    // did: every check is repeated the same number of times, and a slow
    // submission is not run past the budget.
    let round: u64 = finished.iter().skip(start).flatten().sum();
    let stop = Instant::now() + TIMING_BUDGET;
    for _ in 0..request.timing_rounds {
        if Instant::now() + std::time::Duration::from_micros(round) > stop {
            break;
        }
        for (index, calls) in request.checks.iter().enumerate().skip(start) {
            if finished[index].is_none() {
                continue;
            }
            let began = Instant::now();
            let ran = calls
                .iter()
                .all(|call| exercise.drive_json(candidate, call).is_ok());
            let spent = began.elapsed().as_micros() as u64;
            if ran {
                let slot = &mut best[index - start];
                *slot = Some(slot.map_or(spent, |b| b.min(spent)));
            }
        }
    }
    best
}

/// stdin ← /dev/null, stdout/stderr → capture pipes, results → fd 3, and
/// every other descriptor (the worker's protocol pipes included) closed.
unsafe fn rewire_descriptors(pipes: &ChildPipes) {
    // SAFETY: the caller runs right after fork, single-threaded, and owns every descriptor; these
    // are descriptor syscalls on integers and a static C string.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
        // Move the pipes above the low numbers first, so dup2 cannot clobber one.
        let result = libc::fcntl(pipes.result, libc::F_DUPFD, 10);
        let out = libc::fcntl(pipes.stdout, libc::F_DUPFD, 10);
        let err = libc::fcntl(pipes.stderr, libc::F_DUPFD, 10);
        libc::dup2(null, 0);
        libc::dup2(out, 1);
        libc::dup2(err, 2);
        libc::dup2(result, RESULT_FD);
        // Nothing the code `exec`s inherits the result pipe.
        libc::fcntl(RESULT_FD, libc::F_SETFD, libc::FD_CLOEXEC);
        if libc::syscall(libc::SYS_close_range, 4u32, u32::MAX, 0u32) != 0 {
            for fd in 4..4096 {
                libc::close(fd);
            }
        }
    }
}

fn import_candidate<'py>(
    py: Python<'py>,
    exercise: &dyn Graded,
    path: &Path,
) -> Result<Candidate<'py>, Fault> {
    let sys = py.import("sys")?;
    // Output reaches the capture pipe line by line, so a crash loses little.
    for stream in ["stdout", "stderr"] {
        let kwargs = pyo3::types::PyDict::new(py);
        kwargs.set_item("line_buffering", true)?;
        sys.getattr(stream)?
            .call_method("reconfigure", (), Some(&kwargs))?;
    }
    if let Some(dir) = path.parent() {
        // str, not a Path object: the import system ignores non-str entries.
        let dir_text = dir.to_string_lossy().into_owned();
        sys.getattr("path")?
            .call_method1("insert", (0, &dir_text))?;
        // A clean environment pointing into the scratch directory.
        let environ = py.import("os")?.getattr("environ")?;
        environ.call_method0("clear")?;
        for key in ["HOME", "TMPDIR"] {
            environ.set_item(key, &dir_text)?;
        }
        environ.set_item("PATH", "/usr/bin:/bin")?;
        py.import("tempfile")?.setattr("tempdir", &dir_text)?;
    }
    py.run(BLOCK_NATIVE_ACCESS, None, None)?;
    // Imports from here on compile from source (see `audit`): cached
    // bytecode is read with marshal, which candidate code may not use.
    sys.setattr("pycache_prefix", "/nonexistent/pyinterview-no-bytecode")?;
    let prefix: String = sys.getattr("base_prefix")?.extract()?;
    super::audit::install(&prefix).map_err(pyo3::exceptions::PyRuntimeError::new_err)?;
    // Locks the thread hammer's turns can see (see `driver::interleave`).
    crate::driver::interleave::install_turn_locks(py)?;
    exercise.prepare(py)?;
    let harness = load_harness(py)?;
    seal_fixtures(py)?;
    let util = py.import("importlib.util")?;
    super::audit::enforce();
    let id = exercise.id();
    // An exercise named like a standard module (`dataclasses`) must not
    // replace it: the worker imported the standard one before any candidate
    // code (so `from dataclasses import dataclass` in the candidate's
    // dataclasses.py finds the library, not the file itself), and the
    // candidate's module is registered under a name of its own.
    let shadows = sys.getattr("stdlib_module_names")?.contains(id)?;
    let name = if shadows {
        format!("{id}_solution")
    } else {
        id.to_string()
    };
    let name = name.as_str();
    let spec = util.call_method1("spec_from_file_location", (name, path))?;
    let module = util.call_method1("module_from_spec", (&spec,))?;
    sys.getattr("modules")?.set_item(name, &module)?;
    spec.getattr("loader")?
        .call_method1("exec_module", (&module,))?;
    let dir = path.parent().unwrap_or(Path::new("/"));
    Ok(Candidate::new(module, harness, dir))
}

/// Describes a fault for the grader: type, message, and the traceback lines
/// that are in the candidate's own file.
fn fault_info(py: Python<'_>, fault: Fault, path: &Path) -> FaultInfo {
    let err = match fault {
        Fault::Missing(name) => return FaultInfo::Missing { name },
        Fault::Raised(err) => err,
    };
    if err.is_instance_of::<PyNotImplementedError>(py) {
        return FaultInfo::NotImplemented;
    }
    let type_name = exception_type_name(py, &err);
    // str() of the exception may run the candidate's code; it is only text.
    let mut message = err
        .value(py)
        .str()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|_| "<the exception's str() failed>".into());
    truncate(&mut message, MESSAGE_CHARS);
    let mut traceback = candidate_frames(py, &err, path);
    if err.is_instance_of::<PySyntaxError>(py) {
        traceback.extend(syntax_location(py, &err));
    }
    FaultInfo::Raised {
        type_name,
        message,
        traceback,
    }
}

/// `line 12, in count_visits: counts[p] += 1` for each frame in the candidate's file.
fn candidate_frames(py: Python<'_>, err: &PyErr, path: &Path) -> Vec<String> {
    let Some(tb) = err.traceback(py) else {
        return Vec::new();
    };
    let file = path.to_string_lossy();
    let frames = py
        .import("traceback")
        .and_then(|m| m.call_method1("extract_tb", (tb,)))
        .and_then(|list| list.try_iter().map(|it| it.flatten().collect::<Vec<_>>()));
    let Ok(frames) = frames else {
        return Vec::new();
    };
    let mut lines: Vec<String> = frames
        .iter()
        .filter(|f| f.getattr("filename").is_ok_and(|n| n.to_string() == file))
        .map(|f| {
            let get = |attr: &str| f.getattr(attr).map(|v| v.to_string()).unwrap_or_default();
            let code = get("line");
            let code = code.trim();
            if code.is_empty() {
                format!("line {}, in {}", get("lineno"), get("name"))
            } else {
                format!("line {}, in {}: {code}", get("lineno"), get("name"))
            }
        })
        .collect();
    lines = collapse_repeats(lines);
    if lines.len() > TRACEBACK_LINES {
        let dropped = lines.len() - TRACEBACK_LINES;
        lines.drain(..dropped);
        lines.insert(0, format!("… {dropped} earlier lines"));
    }
    lines
}

/// Identical consecutive frames (runaway recursion) after the third become
/// one `[previous line repeated N more times]`, as Python's own traceback
/// prints them, so the frames that differ stay in view.
fn collapse_repeats(lines: Vec<String>) -> Vec<String> {
    const SHOWN: usize = 3;
    fn flush(out: &mut Vec<String>, run: usize) {
        if run > SHOWN {
            let more = run - SHOWN;
            let times = if more == 1 { "time" } else { "times" };
            out.push(format!("[previous line repeated {more} more {times}]"));
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut previous: Option<String> = None;
    let mut run = 0;
    for line in lines {
        if previous.as_ref() == Some(&line) {
            run += 1;
            if run <= SHOWN {
                out.push(line);
            }
            continue;
        }
        flush(&mut out, run);
        previous = Some(line.clone());
        run = 1;
        out.push(line);
    }
    flush(&mut out, run);
    out
}

/// For a SyntaxError: `line 3, column 9: def f(:` and a caret under the column.
fn syntax_location(py: Python<'_>, err: &PyErr) -> Vec<String> {
    let value = err.value(py);
    let get = |attr: &str| value.getattr(attr).ok().filter(|v| !v.is_none());
    let line = get("lineno")
        .map(|v| v.to_string())
        .unwrap_or_else(|| "?".into());
    let column = get("offset")
        .and_then(|v| v.extract::<usize>().ok())
        .unwrap_or(0);
    let text = get("text").map(|v| v.to_string()).unwrap_or_default();
    let text = text.trim_end();
    let mut out = vec![format!(
        "line {line}, column {column}: {}",
        text.trim_start()
    )];
    if column > 0 && !text.is_empty() {
        let indent = text.len() - text.trim_start().len();
        let caret_at = column.saturating_sub(1).saturating_sub(indent);
        let prefix = format!("line {line}, column {column}: ").len();
        out.push(format!("{}^", " ".repeat(prefix + caret_at)));
    }
    out
}

fn truncate(text: &mut String, max_chars: usize) {
    if let Some((cut, _)) = text.char_indices().nth(max_chars) {
        text.truncate(cut);
        text.push_str(" …");
    }
}

#[cfg(test)]
mod tests {
    use super::collapse_repeats;

    fn lines(spec: &[(&str, usize)]) -> Vec<String> {
        spec.iter()
            .flat_map(|(line, n)| std::iter::repeat_n(line.to_string(), *n))
            .collect()
    }

    #[test]
    fn runs_beyond_three_become_one_line() {
        let collapsed = collapse_repeats(lines(&[("a", 1), ("b", 990), ("c", 1)]));
        assert_eq!(
            collapsed,
            [
                "a",
                "b",
                "b",
                "b",
                "[previous line repeated 987 more times]",
                "c"
            ]
        );
    }

    #[test]
    fn short_runs_and_distinct_lines_are_kept() {
        let input = lines(&[("a", 3), ("b", 1), ("a", 4)]);
        assert_eq!(
            collapse_repeats(input),
            [
                "a",
                "a",
                "a",
                "b",
                "a",
                "a",
                "a",
                "[previous line repeated 1 more time]"
            ]
        );
    }
}
