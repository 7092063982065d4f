//! `concurrency` (questions 11 and 12): the GIL, threads and processes. A
//! bounded thread pool map (`parallel_map`), a counter exact under threads
//! (`AtomicCounter`), and a map over worker processes (`process_map`).
//!
//! Reference: what each call must return, in plain Rust ([`work`],
//! [`map_outcome`], [`Counter`]); what only running threads and processes
//! can show is observed natively, never by wall-clock time:
//!
//! - `parallel_map` runs the harness's [`Gate`]: every call waits until
//!   `min(workers, len(items))` calls are running at once, so a pool that
//!   runs fewer at once never gets there (it is released after a patience
//!   a correct pool never needs, and the peak shows it), and the gate counts
//!   the peak, the threads that ran calls (by kernel thread id) and whether
//!   the caller's thread ran any. With failing items, the earliest failing
//!   item waits until a later one has raised, so "the first exception in
//!   time" and "the exception of the earliest item" differ on every run.
//! - `AtomicCounter` is hammered by the thread hammer
//!   ([`crate::driver::hammer`]): the threads take turns one bytecode at a
//!   time, so an unprotected `+=` loses updates on every run.
//! - `process_map` runs the [`FIXTURES`]' `Rendezvous`, which reports each
//!   call's process id through a pipe the harness made before the call
//!   (inherited over `fork`) and waits until two calls are in progress at
//!   the same time: a sequential or single-worker map never gets there, and
//!   is released after the same patience. The pids are read on the native
//!   side.
//!
//! The sandbox gives no writable `/dev/shm`, where `multiprocessing` keeps
//! its named semaphores; with the `fork` start method they need no name, so
//! while this exercise is graded `_multiprocessing.SemLock` is
//! [`SharedSemLock`], an unnamed process-shared POSIX semaphore in an
//! anonymous shared mapping, which forked workers inherit (see `prepare`).

#![allow(unsafe_code)]

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use pyo3::exceptions::{PyNotImplementedError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use rand::RngExt;

use crate::driver::{Candidate, Fault, Observed, Source, extract, hammer};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct ConcurrencyExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<ConcurrencyExercise> = Scripted(ConcurrencyExercise);

/// How long the harness waits for calls that a correct solution makes run
/// at once (threads or processes starting): far beyond what starting them
/// takes on any machine; only a solution that never runs them together
/// reaches it.
const PATIENCE: Duration = Duration::from_secs(4);

/// Set once a gate ran out of patience in this child: that `parallel_map`
/// does not run calls together, and the later gates do not wait for it
/// again: their calls raise at once, so the later checks fail every time
/// instead of each costing the patience (or the exercise's deadline).
static THREADS_GAVE_UP: AtomicBool = AtomicBool::new(false);

/// Set once a rendezvous ran out of patience in this child: later ones do
/// not wait (and observe that no two calls met).
static PROCESSES_GAVE_UP: AtomicBool = AtomicBool::new(false);

// ---- the Rust reference -------------------------------------------------

/// What the harness's thread function returns for `x`.
pub fn thread_result(x: i64) -> i64 {
    3 * x + 1
}

/// The CPU-bound work of the process function (`work` in [`FIXTURES`]).
pub fn work(x: i64) -> i64 {
    (0..x).map(|i| i * i % 1009).sum()
}

/// What `parallel_map` must give for `items` when the items in `failing`
/// raise: the results in order, or the earliest failing item.
pub fn map_outcome(items: &[i64], failing: &[i64]) -> Result<Vec<i64>, i64> {
    match items.iter().find(|x| failing.contains(x)) {
        Some(x) => Err(*x),
        None => Ok(items.iter().copied().map(thread_result).collect()),
    }
}

/// The most calls a correct pool runs at once.
pub fn peak(workers: i64, items: usize) -> i64 {
    workers.min(items as i64)
}

/// A counter: what `AtomicCounter` holds after a sequence of increments.
#[derive(Debug, Clone, Default)]
pub struct Counter(pub i64);

impl Counter {
    pub fn increment(&mut self, n: i64) {
        self.0 += n;
    }
}

// ---- native harness pieces ------------------------------------------------

fn gettid() -> i64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    i64::from(unsafe { libc::gettid() })
}

#[derive(Debug, Default)]
struct GateState {
    running: usize,
    peak: usize,
    calls: usize,
    open: bool,
    threads: BTreeSet<i64>,
    later_raised: bool,
}

/// The function `parallel_map` is given: `gate(x)` is `3 * x + 1`, or
/// raises `ValueError` for a failing item, after waiting until `target`
/// calls run at once (see the module documentation).
#[pyclass(module = "pyinterview", name = "gate", frozen)]
pub struct Gate {
    target: usize,
    failing: Vec<i64>,
    /// The earliest failing item waits until this later one has raised.
    hold: Option<(i64, i64)>,
    state: Mutex<GateState>,
    changed: Condvar,
    /// The exception objects raised, by item.
    raised: Mutex<HashMap<i64, Py<PyAny>>>,
}

impl Gate {
    fn new(target: usize, failing: Vec<i64>, hold: Option<(i64, i64)>) -> Gate {
        Gate {
            target,
            failing,
            hold,
            state: Mutex::new(GateState::default()),
            changed: Condvar::new(),
            raised: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits (without the GIL) until `ready`, at most `patience`; whether it
    /// got there.
    fn wait_until(&self, py: Python<'_>, patience: Duration, ready: fn(&GateState) -> bool) -> bool {
        py.detach(|| {
            let until = Instant::now() + patience;
            let mut state = self.lock();
            while !ready(&state) {
                let now = Instant::now();
                if now >= until {
                    return false;
                }
                state = self
                    .changed
                    .wait_timeout(state, until - now)
                    .map(|(g, _)| g)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
            true
        })
    }
}

#[pymethods]
impl Gate {
    fn __call__(&self, py: Python<'_>, x: i64) -> PyResult<i64> {
        if THREADS_GAVE_UP.load(SeqCst) {
            return Err(pyo3::exceptions::PyRuntimeError::new_err(
                "the grader stopped waiting: in an earlier check, parallel_map never ran \
                 min(workers, len(items)) calls at once",
            ));
        }
        {
            let mut state = self.lock();
            state.running += 1;
            state.calls += 1;
            state.peak = state.peak.max(state.running);
            state.threads.insert(gettid());
            if state.running >= self.target {
                state.open = true;
                self.changed.notify_all();
            }
        }
        if !self.wait_until(py, PATIENCE, |s| s.open) {
            THREADS_GAVE_UP.store(true, SeqCst);
            self.lock().open = true;
            self.changed.notify_all();
        }
        if self.hold.is_some_and(|(earliest, _)| earliest == x) {
            // A correct pool runs the later item meanwhile; one that cannot
            // (its items dealt out in fixed chunks) is only slower.
            self.wait_until(py, PATIENCE, |s| s.later_raised);
        }
        let outcome = if self.failing.contains(&x) {
            let error = PyValueError::new_err(format!("item {x}"));
            let value = error.value(py).clone().into_any().unbind();
            self.raised
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(x, value);
            Err(error)
        } else {
            Ok(thread_result(x))
        };
        let mut state = self.lock();
        state.running -= 1;
        if self.hold.is_some_and(|(_, later)| later == x) {
            state.later_raised = true;
        }
        self.changed.notify_all();
        outcome
    }
}

/// `_multiprocessing.SemLock` while this exercise is graded: an unnamed
/// process-shared POSIX semaphore in an anonymous shared mapping, which
/// processes forked afterwards share. The same interface and semantics as
/// CPython's (`Modules/_multiprocessing/semaphore.c`): a count and owner
/// per process for recursive mutexes, `_after_fork` resetting them.
#[pyclass(module = "_multiprocessing", name = "SemLock", frozen)]
pub struct SharedSemLock {
    /// The address of the `sem_t` in its own shared page.
    sem: usize,
    kind: i32,
    maxvalue: i32,
    count: AtomicI64,
    last_tid: AtomicU64,
}

const RECURSIVE_MUTEX: i32 = 0;

fn thread_ident() -> u64 {
    // SAFETY: pthread_self has no preconditions; it is CPython's thread ident.
    unsafe { libc::pthread_self() as u64 }
}

impl SharedSemLock {
    fn ptr(&self) -> *mut libc::sem_t {
        self.sem as *mut libc::sem_t
    }

    fn is_mine(&self) -> bool {
        self.count.load(SeqCst) > 0 && self.last_tid.load(SeqCst) == thread_ident()
    }

    fn page() -> usize {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(page).unwrap_or(4096)
    }
}

impl Drop for SharedSemLock {
    fn drop(&mut self) {
        // Unmapped in this process only: other processes keep their copy.
        // SAFETY: `sem` is the start of a mapping of one page made in `new`.
        unsafe {
            libc::munmap(self.sem as *mut libc::c_void, Self::page());
        }
    }
}

#[pymethods]
impl SharedSemLock {
    #[new]
    #[pyo3(signature = (kind, value, maxvalue, name = None, unlink = true))]
    fn new(
        kind: i32,
        value: i32,
        maxvalue: i32,
        name: Option<Bound<'_, PyAny>>,
        unlink: bool,
    ) -> PyResult<Self> {
        let _ = (name, unlink);
        if value < 0 {
            return Err(PyValueError::new_err("invalid value"));
        }
        // SAFETY: an anonymous shared mapping of one page, read and write only.
        let mapping = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                Self::page(),
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if mapping == libc::MAP_FAILED {
            return Err(PyOSError::new_err(std::io::Error::last_os_error().to_string()));
        }
        let sem = mapping.cast::<libc::sem_t>();
        // SAFETY: `sem` points to a fresh page, large and aligned enough for a sem_t.
        if unsafe { libc::sem_init(sem, 1, value as libc::c_uint) } != 0 {
            let err = std::io::Error::last_os_error();
            // SAFETY: the mapping made just above.
            unsafe { libc::munmap(mapping, Self::page()) };
            return Err(PyOSError::new_err(err.to_string()));
        }
        Ok(SharedSemLock {
            sem: sem as usize,
            kind,
            maxvalue,
            count: AtomicI64::new(0),
            last_tid: AtomicU64::new(0),
        })
    }

    #[classattr]
    #[allow(non_snake_case)]
    fn SEM_VALUE_MAX() -> i32 {
        i32::MAX
    }

    #[pyo3(signature = (block = true, timeout = None))]
    fn acquire(&self, py: Python<'_>, block: bool, timeout: Option<f64>) -> PyResult<bool> {
        if self.kind == RECURSIVE_MUTEX && self.is_mine() {
            self.count.fetch_add(1, SeqCst);
            return Ok(true);
        }
        let deadline = timeout.map(|t| {
            let mut now = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // SAFETY: `now` is a valid timespec to write.
            unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut now) };
            let t = t.max(0.0);
            // tv_nsec is a c_long: i64 here, not on every target.
            #[allow(clippy::unnecessary_cast)]
            let nanos = now.tv_nsec as i64 + (t.fract() * 1e9) as i64;
            libc::timespec {
                tv_sec: now.tv_sec + t.trunc() as libc::time_t + (nanos / 1_000_000_000) as libc::time_t,
                tv_nsec: (nanos % 1_000_000_000) as _,
            }
        });
        let sem = self.sem;
        let taken = loop {
            // SAFETY: `sem` is an initialised semaphore in a live mapping.
            let rc = unsafe { libc::sem_trywait(sem as *mut libc::sem_t) };
            let err = std::io::Error::last_os_error();
            if rc == 0 {
                break Ok(());
            }
            match err.raw_os_error() {
                Some(libc::EINTR) => py.check_signals()?,
                _ => break Err(err),
            }
        };
        let taken = match taken {
            Ok(()) => Ok(()),
            Err(err) if err.raw_os_error() == Some(libc::EAGAIN) && block => loop {
                let (rc, err) = py.detach(|| {
                    let p = sem as *mut libc::sem_t;
                    // SAFETY: as above; `deadline` is a valid timespec.
                    let rc = unsafe {
                        match &deadline {
                            Some(at) => libc::sem_timedwait(p, at),
                            None => libc::sem_wait(p),
                        }
                    };
                    (rc, std::io::Error::last_os_error())
                });
                if rc == 0 {
                    break Ok(());
                }
                match err.raw_os_error() {
                    Some(libc::EINTR) => py.check_signals()?,
                    _ => break Err(err),
                }
            },
            Err(err) => Err(err),
        };
        match taken {
            Ok(()) => {
                self.count.fetch_add(1, SeqCst);
                self.last_tid.store(thread_ident(), SeqCst);
                Ok(true)
            }
            Err(err) if matches!(err.raw_os_error(), Some(libc::EAGAIN | libc::ETIMEDOUT)) => {
                Ok(false)
            }
            Err(err) => Err(PyOSError::new_err(err.to_string())),
        }
    }

    fn release(&self) -> PyResult<()> {
        if self.kind == RECURSIVE_MUTEX {
            if !self.is_mine() {
                return Err(pyo3::exceptions::PyAssertionError::new_err(
                    "attempt to release recursive lock not owned by thread",
                ));
            }
            if self.count.load(SeqCst) > 1 {
                self.count.fetch_sub(1, SeqCst);
                return Ok(());
            }
        } else if self._get_value()? >= self.maxvalue {
            return Err(PyValueError::new_err(
                "semaphore or lock released too many times",
            ));
        }
        // SAFETY: `sem` is an initialised semaphore in a live mapping.
        if unsafe { libc::sem_post(self.ptr()) } != 0 {
            return Err(PyOSError::new_err(std::io::Error::last_os_error().to_string()));
        }
        self.count.fetch_sub(1, SeqCst);
        Ok(())
    }

    fn __enter__(&self, py: Python<'_>) -> PyResult<bool> {
        self.acquire(py, true, None)
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, PyTuple>) -> PyResult<()> {
        self.release()
    }

    fn _count(&self) -> i64 {
        self.count.load(SeqCst)
    }

    fn _is_mine(&self) -> bool {
        self.is_mine()
    }

    fn _get_value(&self) -> PyResult<i32> {
        let mut value: libc::c_int = 0;
        // SAFETY: `sem` is an initialised semaphore; `value` is writable.
        if unsafe { libc::sem_getvalue(self.ptr(), &mut value) } != 0 {
            return Err(PyOSError::new_err(std::io::Error::last_os_error().to_string()));
        }
        Ok(value)
    }

    fn _is_zero(&self) -> PyResult<bool> {
        Ok(self._get_value()? == 0)
    }

    fn _after_fork(&self) {
        self.count.store(0, SeqCst);
    }

    #[classmethod]
    #[pyo3(signature = (*_args))]
    fn _rebuild(
        _cls: &Bound<'_, pyo3::types::PyType>,
        _args: &Bound<'_, PyTuple>,
    ) -> PyResult<Py<PyAny>> {
        Err(PyOSError::new_err(
            "only the fork start method is available in the sandbox",
        ))
    }

    #[getter]
    fn handle(&self) -> usize {
        self.sem
    }

    #[getter]
    fn kind(&self) -> i32 {
        self.kind
    }

    #[getter]
    fn maxvalue(&self) -> i32 {
        self.maxvalue
    }

    #[getter]
    fn name(&self, py: Python<'_>) -> Py<PyAny> {
        py.None()
    }
}

/// Run in the child before the candidate's module is imported: the fixtures
/// importable by name (so that `pickle` finds the process function in the
/// workers), unnamed semaphores for `multiprocessing`, and locks that a
/// forked process can reset (`_at_fork_reinit`, which `threading` calls in
/// the child on every lock its threads hold).
const PREPARE: &std::ffi::CStr = cr#"
import sys, threading, _multiprocessing


def _at_fork_reinit(self):
    # After fork only the forking thread exists: a lock is free again.
    while self.locked():
        try:
            self.release()
        except RuntimeError:
            break


_lock_type = type(threading.Lock())
if not hasattr(_lock_type, "_at_fork_reinit"):
    _lock_type._at_fork_reinit = _at_fork_reinit
"#;

// ---- the harness's Python -------------------------------------------------

/// The process function: picklable, it carries the two pipe descriptors the
/// harness made (inherited by workers forked afterwards).
const FIXTURES: &str = r#"
"""What the concurrency driver hands process_map."""

import os as _os
import struct as _struct


def work(x):
    """CPU-bound: the sum of i * i % 1009 for i below x."""
    total = 0
    for i in range(x):
        total += i * i % 1009
    return total


class Rendezvous:
    """f(x) = work(x): each call first reports its process id through a
    pipe, then waits until the harness lets it go (once two calls are in
    progress at the same time)."""

    def __init__(self, arrive, release):
        self.arrive = arrive
        self.release = release

    def __reduce__(self):
        # Explicit, so that pickling caches nothing on the class (the
        # default protocol stores __slotnames__ there).
        return (Rendezvous, (self.arrive, self.release))

    def __call__(self, x):
        _os.write(self.arrive, _struct.pack("<ii", _os.getpid(), x))
        _os.read(self.release, 1)
        return work(x)
"#;

// ---- checks ----------------------------------------------------------------

/// One call of a check, as the Rust reference reads it.
#[derive(Debug, Clone)]
pub enum Call {
    /// `parallel_map(gate, items, workers)`; `workers: None` leaves the
    /// default (4); `failing` items raise.
    Map {
        items: Vec<i64>,
        source: Source,
        workers: Option<i64>,
        failing: Vec<i64>,
    },
    /// `parallel_map(f, [1, 2], workers=w)`, which must raise ValueError.
    MapBadWorkers(i64),
    /// A counter made with `start` (None: `AtomicCounter()`), then each
    /// increment (`None`: `increment()`), reading `value` after each.
    Counter {
        start: Option<i64>,
        increments: Vec<Option<i64>>,
    },
    /// `threads` threads at once each call `counter.increment(n)`
    /// `calls_each` times.
    CounterThreads {
        start: i64,
        n: i64,
        threads: i64,
        calls_each: i64,
    },
    /// `process_map(Rendezvous, items, processes)`.
    Processes {
        items: Vec<i64>,
        processes: Option<i64>,
    },
    /// `process_map(work, [1, 2], processes=p)`, which must raise ValueError.
    ProcessesBad(i64),
}

fn script(call: &Call) -> Script {
    match call {
        Call::Map {
            items,
            source,
            workers,
            failing,
        } => {
            let w = workers.unwrap_or(4);
            let expected_outcome = match map_outcome(items, failing) {
                Ok(results) => Value::List(results.into_iter().map(Value::Int).collect()),
                Err(x) => Value::str(format!("raises the ValueError of item {x}")),
            };
            let mut fields = vec![
                ("outcome".to_string(), expected_outcome),
                (
                    "peak_running".to_string(),
                    Value::Int(if items.is_empty() { 0 } else { peak(w, items.len()) }),
                ),
                ("threads_at_most_workers".to_string(), Value::Bool(true)),
                ("ran_in_caller_thread".to_string(), Value::Bool(false)),
            ];
            let raising = failing.iter().any(|f| items.contains(f));
            if raising {
                fields.push(("running_when_raised".to_string(), Value::Int(0)));
            } else {
                fields.push(("calls".to_string(), Value::Int(items.len() as i64)));
            }
            let call_text = match workers {
                Some(w) => format!("parallel_map(f, {}, workers={w})", source.describe(&ints(items))),
                None => format!("parallel_map(f, {})", source.describe(&ints(items))),
            };
            let failing_text = if failing.is_empty() {
                String::new()
            } else {
                format!(
                    ", f raising ValueError for {}",
                    failing
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            };
            let text = format!(
                "{call_text} where f(x) = 3 * x + 1 waits until min(workers, len(items)) calls \
                 run at once{failing_text}: the outcome, the most calls running at once, whether \
                 at most `workers` threads ran calls, whether the caller's thread ran any, and \
                 {}",
                if raising {
                    "how many calls were still running when it raised"
                } else {
                    "how many calls there were"
                }
            );
            Script::new().probe(
                "map_threads",
                &text,
                vec![
                    Expr::Items(*source, ints(items)),
                    Expr::lit(Value::List(ints(items))),
                    workers.map_or(Expr::lit(Value::None), Expr::lit),
                    Expr::lit(Value::List(ints(failing))),
                ],
                Value::Record(fields),
            )
        }
        Call::MapBadWorkers(w) => Script::new().observe(
            Expr::name("parallel_map")
                .call_kw(
                    vec![Expr::builtin("abs"), Expr::lit(Value::List(ints(&[1, -2])))],
                    vec![("workers", Expr::lit(*w))],
                )
                .raises_as(Expr::builtin("ValueError")),
            raises("ValueError"),
        ),
        Call::Counter { start, increments } => {
            let mut reference = Counter(start.unwrap_or(0));
            let made = match start {
                Some(s) => Expr::name("AtomicCounter").call(vec![Expr::lit(*s)]),
                None => Expr::name("AtomicCounter").call(vec![]),
            };
            let mut script = Script::new()
                .bind("c", made)
                .observe(Expr::var("c").attr("value"), reference.0);
            for n in increments {
                let args = n.map(|n| vec![Expr::lit(n)]).unwrap_or_default();
                reference.increment(n.unwrap_or(1));
                script = script
                    .run(Expr::var("c").method("increment", args))
                    .observe(Expr::var("c").attr("value"), reference.0);
            }
            script
        }
        Call::CounterThreads {
            start,
            n,
            threads,
            calls_each,
        } => {
            let mut reference = Counter(*start);
            for _ in 0..threads * calls_each {
                reference.increment(*n);
            }
            Script::new()
                .bind("c", Expr::name("AtomicCounter").call(vec![Expr::lit(*start)]))
                .probe(
                    "increment_threads",
                    &format!(
                        "{threads} threads at once each call c.increment({n}) {calls_each} \
                         times: the exceptions raised"
                    ),
                    vec![
                        Expr::var("c"),
                        Expr::lit(*n),
                        Expr::lit(*threads),
                        Expr::lit(*calls_each),
                    ],
                    Value::List(vec![]),
                )
                .observe(Expr::var("c").attr("value"), reference.0)
        }
        Call::Processes { items, processes } => {
            let call_text = match processes {
                Some(p) => format!(
                    "process_map(f, {}, processes={p})",
                    Value::List(ints(items)).literal()
                ),
                None => format!("process_map(f, {})", Value::List(ints(items)).literal()),
            };
            let spread = items.len() >= 2 && processes.unwrap_or(2) >= 2;
            // With one item or one process nothing is spread: only whether
            // the caller's process ran a call is observed (how many workers
            // a pool larger than asked for would use depends on timing).
            let what = if spread {
                "reports its process id and waits until two calls run at once: the results, \
                 whether two calls ran at once, whether at least two worker processes ran \
                 calls, whether the caller's process ran any"
            } else {
                "reports its process id: the results, whether the caller's process ran any call"
            };
            Script::new().probe(
                "map_processes",
                &format!("{call_text} where f(x) = sum(i * i % 1009 for i in range(x)) {what}"),
                vec![
                    Expr::lit(Value::List(ints(items))),
                    processes.map_or(Expr::lit(Value::None), Expr::lit),
                ],
                processes_record(
                    Value::List(items.iter().map(|x| Value::Int(work(*x))).collect()),
                    spread.then_some((true, true)),
                    false,
                ),
            )
        }
        Call::ProcessesBad(p) => Script::new().observe(
            Expr::name("process_map")
                .call_kw(
                    vec![Expr::builtin("abs"), Expr::lit(Value::List(ints(&[1, -2])))],
                    vec![("processes", Expr::lit(*p))],
                )
                .raises_as(Expr::builtin("ValueError")),
            raises("ValueError"),
        ),
    }
}

fn ints(items: &[i64]) -> Vec<Value> {
    items.iter().copied().map(Value::Int).collect()
}

fn map(items: &[i64], workers: Option<i64>) -> Call {
    Call::Map {
        items: items.to_vec(),
        source: Source::List,
        workers,
        failing: vec![],
    }
}

fn fixed() -> Vec<Check<Call>> {
    vec![
        Check::new(
            "map_results_in_order",
            "parallel_map returns func(item) for every item, in input order",
            3,
            vec![
                map(&[5, 1, 4, 2, 3, 0, 9, 7], Some(3)),
                Call::Map {
                    items: vec![10, 20, 30],
                    source: Source::Generator,
                    workers: Some(2),
                    failing: vec![],
                },
                map(&[], Some(2)),
            ],
        ),
        Check::new(
            "map_runs_workers_at_once",
            "parallel_map runs min(workers, len(items)) calls at once, never more, in worker threads",
            4,
            vec![
                map(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], Some(4)),
                map(&[1, 2, 3, 4, 5, 6, 7], Some(2)),
                map(&[8, 9], Some(5)),
                map(&[1, 2, 3], Some(1)),
            ],
        ),
        Check::new(
            "map_default_workers",
            "parallel_map uses 4 workers by default",
            1,
            vec![map(&[1, 2, 3, 4, 5, 6], None)],
        ),
        Check::new(
            "map_earliest_exception",
            "parallel_map raises the exception of the earliest failing item, once every started call finished",
            3,
            vec![
                Call::Map {
                    items: vec![0, 1, 2, 3, 4, 5],
                    source: Source::List,
                    workers: Some(3),
                    failing: vec![1, 2],
                },
                Call::Map {
                    items: vec![7, 3, 5, 6, 2],
                    source: Source::List,
                    workers: Some(2),
                    failing: vec![5, 2],
                },
            ],
        ),
        Check::new(
            "map_validates_workers",
            "parallel_map rejects workers < 1 with ValueError",
            1,
            vec![Call::MapBadWorkers(0), Call::MapBadWorkers(-3)],
        ),
        Check::new(
            "counter_counts",
            "AtomicCounter starts at its value and adds each increment",
            2,
            vec![
                Call::Counter {
                    start: None,
                    increments: vec![None, Some(5), None, Some(-2)],
                },
                Call::Counter {
                    start: Some(10),
                    increments: vec![Some(0), Some(7)],
                },
            ],
        ),
        Check::new(
            "counter_thread_safe",
            "AtomicCounter loses no increment when threads increment it at once",
            4,
            vec![
                Call::CounterThreads {
                    start: 0,
                    n: 1,
                    threads: 4,
                    calls_each: 8,
                },
                Call::CounterThreads {
                    start: 100,
                    n: 3,
                    threads: 3,
                    calls_each: 5,
                },
            ],
        ),
        Check::new(
            "process_map_uses_processes",
            "process_map runs the calls in at least two worker processes, never the caller's, results in order",
            4,
            vec![
                Call::Processes {
                    items: vec![3000, 10, 2500, 700, 1, 0],
                    processes: Some(2),
                },
                Call::Processes {
                    items: vec![400, 900, 100],
                    processes: None,
                },
            ],
        ),
        Check::new(
            "process_map_edge_cases",
            "process_map with no items, with one item, and with one process",
            1,
            vec![
                Call::Processes {
                    items: vec![],
                    processes: Some(2),
                },
                Call::Processes {
                    items: vec![1234],
                    processes: Some(2),
                },
                Call::Processes {
                    items: vec![5, 600, 70],
                    processes: Some(1),
                },
            ],
        ),
        Check::new(
            "process_map_validates_processes",
            "process_map rejects processes < 1 with ValueError",
            1,
            vec![Call::ProcessesBad(0), Call::ProcessesBad(-1)],
        ),
    ]
}

fn generated(rng: &mut Rng) -> Vec<Check<Call>> {
    let maps = (0..4)
        .map(|_| {
            // Distinct values, so that each failing value is one item.
            let mut pool: Vec<i64> = (-50..50).collect();
            let n = rng.random_range(0..12);
            let items: Vec<i64> = (0..n)
                .map(|_| pool.swap_remove(rng.random_range(0..pool.len())))
                .collect();
            let failing = if n > 2 && rng.random_bool(0.4) {
                // Two distinct failing values that occur in the items.
                let a = items[rng.random_range(0..items.len())];
                let b = items[rng.random_range(0..items.len())];
                if a == b { vec![a] } else { vec![a, b] }
            } else {
                vec![]
            };
            Call::Map {
                items,
                source: if rng.random_bool(0.5) {
                    Source::List
                } else {
                    Source::Generator
                },
                workers: Some(rng.random_range(1..6)),
                failing,
            }
        })
        .collect();
    let counters = (0..5)
        .map(|_| Call::Counter {
            start: rng.random_bool(0.5).then(|| rng.random_range(-100..100)),
            increments: (0..rng.random_range(1..8))
                .map(|_| rng.random_bool(0.7).then(|| rng.random_range(-20..20)))
                .collect(),
        })
        .collect();
    let processes = vec![Call::Processes {
        items: (0..rng.random_range(2..7))
            .map(|_| rng.random_range(0..3000))
            .collect(),
        processes: Some(rng.random_range(2..4)),
    }];
    vec![
        Check::new(
            "map_random",
            "parallel_map on random items, workers and failing items",
            3,
            maps,
        ),
        Check::new(
            "counter_random",
            "AtomicCounter on random increments",
            2,
            counters,
        ),
        Check::new(
            "process_map_random",
            "process_map on random items",
            2,
            processes,
        ),
    ]
}

impl ScriptedExercise for ConcurrencyExercise {
    fn id(&self) -> &'static str {
        "concurrency"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        fixed().into_iter().map(|c| c.map(script)).collect()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated(rng).into_iter().map(|c| c.map(script)).collect()
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    /// Not `multiprocessing.synchronize`: it takes `SemLock` from
    /// `_multiprocessing` when imported, after `prepare` replaced it.
    fn harness_modules(&self) -> &'static [&'static str] {
        &[
            "multiprocessing.pool",
            "multiprocessing.popen_fork",
            "multiprocessing.connection",
            "multiprocessing.queues",
            "concurrent.futures.thread",
        ]
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        let fixtures = crate::driver::fixtures(py, "concurrency", FIXTURES)?;
        let name: String = fixtures.getattr("__name__")?.extract()?;
        py.import("sys")?
            .getattr("modules")?
            .set_item(name, &fixtures)?;
        py.import("_multiprocessing")?
            .setattr("SemLock", py.get_type::<SharedSemLock>())?;
        py.run(PREPARE, None, None)
    }

    fn probe<'py>(
        &self,
        candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        match (name, args) {
            ("map_threads", [items, order, workers, failing]) => {
                map_threads(candidate, items, order, workers, failing)
            }
            ("increment_threads", [counter, n, threads, calls_each]) => {
                let n: i64 = n.extract()?;
                let threads: usize = threads.extract()?;
                let counter = counter.clone().unbind();
                // Every thread is in the turns before the first increment
                // (the hammer's start), so all take turns from the first.
                let errors = hammer(candidate, threads, calls_each.extract()?, |py, _, _| {
                    counter.bind(py).call_method1("increment", (n,)).map(drop)
                })?;
                if errors.iter().any(|e| e == "NotImplementedError") {
                    return Err(Fault::Raised(PyNotImplementedError::new_err(
                        "increment is not implemented",
                    )));
                }
                Ok(Value::List(errors.into_iter().map(Value::Str).collect()))
            }
            ("map_processes", [items, processes]) => map_processes(candidate, items, processes),
            _ => Err(crate::exercise::unknown_probe(name, args.len())),
        }
    }
}

/// `parallel_map(gate, items[, workers=w])`, observed through the gate;
/// `order` is the items' values, in order.
fn map_threads<'py>(
    candidate: &Candidate<'py>,
    items: &Bound<'py, PyAny>,
    order: &Bound<'py, PyAny>,
    workers: &Bound<'py, PyAny>,
    failing: &Bound<'py, PyAny>,
) -> Observed {
    let py = candidate.py;
    let order: Vec<i64> = order.extract()?;
    let given: Option<i64> = workers.extract()?;
    let w = given.unwrap_or(4);
    let failing: Vec<i64> = failing.extract()?;
    // The earliest failing item waits until the next failing item (in
    // input order) has raised, where another worker can run that one.
    let mut raising = order.iter().copied().filter(|x| failing.contains(x));
    let hold = match (raising.next(), raising.next()) {
        (Some(earliest), Some(later)) if w >= 2 && earliest != later => Some((earliest, later)),
        _ => None,
    };
    let target = usize::try_from(peak(w, order.len())).unwrap_or(0).max(1);
    let gate = Bound::new(py, Gate::new(target, failing, hold))?;
    let kwargs = PyDict::new(py);
    if let Some(w) = given {
        kwargs.set_item("workers", w)?;
    }
    let caller = gettid();
    let outcome = candidate
        .get("parallel_map")?
        .call((&gate, items), Some(&kwargs));
    // Read at once, and copied out: no lock of the gate's is held while
    // Python runs (a call still running would need it).
    let (running_then, peak_seen, calls, threads, in_caller) = {
        let state = gate.get().lock();
        (
            state.running,
            state.peak,
            state.calls,
            state.threads.len(),
            state.threads.contains(&caller),
        )
    };
    let mut fields = vec![];
    let raised = match outcome {
        Ok(list) => {
            fields.push(("outcome".to_string(), extract(&list)));
            false
        }
        Err(err) if err.is_instance_of::<PyNotImplementedError>(py) => {
            return Err(Fault::Raised(err));
        }
        Err(err) => {
            let value = err.value(py);
            let which = gate
                .get()
                .raised
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .find(|(_, object)| object.bind(py).is(value))
                .map(|(x, _)| *x);
            let text = match which {
                Some(x) => format!("raises the ValueError of item {x}"),
                None => format!(
                    "raises {} (not an exception the function raised)",
                    crate::driver::exception_type_name(py, &err)
                ),
            };
            fields.push(("outcome".to_string(), Value::Str(text)));
            true
        }
    };
    fields.push(("peak_running".to_string(), Value::Int(peak_seen as i64)));
    fields.push((
        "threads_at_most_workers".to_string(),
        Value::Bool(threads as i64 <= w),
    ));
    fields.push(("ran_in_caller_thread".to_string(), Value::Bool(in_caller)));
    if raised {
        fields.push((
            "running_when_raised".to_string(),
            Value::Int(running_then as i64),
        ));
    } else {
        fields.push(("calls".to_string(), Value::Int(calls as i64)));
    }
    Ok(Value::Record(fields))
}

/// `process_map(Rendezvous(arrive, release), items[, processes=p])` with
/// `fork` as the start method: a native thread reads the first two
/// arrivals and then releases every call; the pids come from the pipe.
fn map_processes<'py>(
    candidate: &Candidate<'py>,
    items: &Bound<'py, PyAny>,
    processes: &Bound<'py, PyAny>,
) -> Observed {
    let py = candidate.py;
    let count: usize = items.len()?;
    let processes: Option<i64> = processes.extract()?;
    let process_map = candidate.get("process_map")?;
    let multiprocessing = py.import("multiprocessing")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("allow_none", true)?;
    let saved = multiprocessing
        .getattr("get_start_method")?
        .call((), Some(&kwargs))?;
    let force = PyDict::new(py);
    force.set_item("force", true)?;
    let set_start_method = multiprocessing.getattr("set_start_method")?;
    let call_kwargs = PyDict::new(py);
    if let Some(p) = processes {
        call_kwargs.set_item("processes", p)?;
    }
    let (arrive_r, arrive_w) = pipe()?;
    let (release_r, release_w) = match pipe() {
        Ok(fds) => fds,
        Err(err) => {
            drop(Closer(vec![arrive_r, arrive_w]));
            return Err(err.into());
        }
    };
    // Closed when this function returns, after the coordinator is joined.
    let _closer = Closer(vec![arrive_r, arrive_w, release_r, release_w]);
    let fixtures = crate::driver::fixtures(py, "concurrency", FIXTURES)?;
    let func = fixtures
        .getattr("Rendezvous")?
        .call1((arrive_w, release_r))?;
    set_start_method.call(("fork",), Some(&force))?;
    let wanted = if count >= 2 && processes.unwrap_or(2) >= 2 {
        2
    } else {
        count.min(1)
    };
    let done = Arc::new(AtomicBool::new(false));
    let coordinator = {
        let done = done.clone();
        let patience = if PROCESSES_GAVE_UP.load(SeqCst) {
            Duration::ZERO
        } else {
            PATIENCE
        };
        std::thread::spawn(move || coordinate(arrive_r, release_w, wanted, count, patience, &done))
    };
    // Nothing fallible between spawning the coordinator and joining it.
    let outcome = process_map.call((&func, items), Some(&call_kwargs));
    let restored = set_start_method.call((saved,), Some(&force));
    done.store(true, SeqCst);
    let (met, mut arrivals) = py.detach(|| coordinator.join()).unwrap_or((false, vec![]));
    arrivals.extend(drain(arrive_r));
    let results = outcome?;
    restored?;
    if !met && wanted == 2 {
        PROCESSES_GAVE_UP.store(true, SeqCst);
    }
    // SAFETY: getpid has no preconditions.
    let me = i64::from(unsafe { libc::getpid() });
    let pids: BTreeSet<i64> = arrivals.iter().map(|(pid, _)| *pid).collect();
    let workers = pids.iter().filter(|p| **p != me).count();
    Ok(processes_record(
        extract(&results),
        (wanted == 2).then_some((met, workers >= 2)),
        pids.contains(&me),
    ))
}

/// What `map_processes` observes: the results; where the items are to be
/// spread, whether two calls ran at once and whether at least two worker
/// processes ran calls; whether the caller's process ran any.
fn processes_record(results: Value, spread: Option<(bool, bool)>, in_caller: bool) -> Value {
    let mut fields = vec![("results".to_string(), results)];
    if let Some((together, two_workers)) = spread {
        fields.push(("two_calls_at_once".to_string(), Value::Bool(together)));
        fields.push((
            "at_least_two_worker_processes".to_string(),
            Value::Bool(two_workers),
        ));
    }
    fields.push(("ran_in_caller_process".to_string(), Value::Bool(in_caller)));
    Value::Record(fields)
}

/// Closes the harness's pipe descriptors when dropped.
struct Closer(Vec<i32>);

impl Drop for Closer {
    fn drop(&mut self) {
        for fd in self.0.iter().copied() {
            // SAFETY: descriptors this probe opened and nothing else closes.
            unsafe { libc::close(fd) };
        }
    }
}

fn pipe() -> PyResult<(i32, i32)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(PyOSError::new_err(std::io::Error::last_os_error().to_string()));
    }
    Ok((fds[0], fds[1]))
}

/// One arrival: `(pid, item)`.
fn parse(message: &[u8]) -> (i64, i64) {
    let pid = i32::from_le_bytes([message[0], message[1], message[2], message[3]]);
    let item = i32::from_le_bytes([message[4], message[5], message[6], message[7]]);
    (i64::from(pid), i64::from(item))
}

/// Reads `wanted` arrivals (waiting at most `patience`, and no longer once
/// `done`), then writes enough release bytes for every call (and spares).
/// Whether `wanted` calls were in progress together, and their arrivals.
fn coordinate(
    arrive: i32,
    release: i32,
    wanted: usize,
    count: usize,
    patience: Duration,
    done: &AtomicBool,
) -> (bool, Vec<(i64, i64)>) {
    let until = Instant::now() + patience;
    let mut buffer = Vec::new();
    while buffer.len() < wanted * 8 && !done.load(SeqCst) && Instant::now() < until {
        let mut poll = libc::pollfd {
            fd: arrive,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let ready = unsafe { libc::poll(&mut poll, 1, 50) };
        if ready > 0 {
            let mut chunk = [0u8; 8];
            let want = (wanted * 8 - buffer.len()).min(8);
            // SAFETY: `chunk` has room for `want` bytes.
            let n = unsafe { libc::read(arrive, chunk.as_mut_ptr().cast(), want) };
            if n > 0 {
                buffer.extend_from_slice(&chunk[..n as usize]);
            }
        }
    }
    let met = buffer.len() >= wanted * 8;
    let spare = vec![b'x'; 2 * count + 64];
    // SAFETY: `spare` is readable for its length; the pipe holds 64 KiB.
    unsafe { libc::write(release, spare.as_ptr().cast(), spare.len()) };
    let arrivals = buffer.chunks_exact(8).map(parse).collect();
    (met, arrivals)
}

/// Every arrival still in the pipe (every call wrote one before it ran).
fn drain(arrive: i32) -> Vec<(i64, i64)> {
    // SAFETY: a descriptor this probe opened.
    unsafe {
        let flags = libc::fcntl(arrive, libc::F_GETFL);
        libc::fcntl(arrive, libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // SAFETY: `chunk` has room for its length.
        let n = unsafe { libc::read(arrive, chunk.as_mut_ptr().cast(), chunk.len()) };
        if n <= 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n as usize]);
    }
    bytes.chunks_exact(8).map(parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_outcome_is_the_earliest_failing_item() {
        assert_eq!(map_outcome(&[1, 2, 3], &[]), Ok(vec![4, 7, 10]));
        assert_eq!(map_outcome(&[7, 3, 5, 6, 2], &[5, 2]), Err(5));
        assert_eq!(map_outcome(&[], &[1]), Ok(vec![]));
        assert_eq!(peak(4, 10), 4);
        assert_eq!(peak(5, 2), 2);
    }

    #[test]
    fn work_is_the_fixture_formula() {
        assert_eq!(work(0), 0);
        assert_eq!(work(3), 1 + 4);
        // 1009 * 1009 % 1009 == 0, 1010^2 % 1009 == 1
        assert_eq!(work(1011) - work(1009), 1);
    }

    #[test]
    fn a_counter_adds() {
        let mut c = Counter(10);
        c.increment(-3);
        c.increment(1);
        assert_eq!(c.0, 8);
    }
}
