//! Controlled thread interleavings: the thread hammer runs candidate code
//! from several native threads that take turns one bytecode at a time, in a
//! fixed round-robin order.
//!
//! A race caught "by chance" makes one file score differently on two runs.
//! Here every thread executes one instruction of the candidate's code and
//! then hands the turn to the next, so a check-then-act or a read-modify-write
//! that is not under a lock interleaves the same way on every run: every
//! thread has checked before any acts, every thread has read a counter before
//! any writes it back. A racy implementation fails every time.
//!
//! Locks take part in the turns: `threading.Lock` and `threading.RLock` are
//! [`TurnLock`]s while candidate code runs, so a thread that finds a lock
//! held leaves the rotation until it is released, and hand-offs happen in
//! turn order: correct locking serialises the threads exactly as it should,
//! and a whole run, racy or not, is the same every time. Anything else that
//! blocks out of sight (a sleep, I/O) makes no step; after [`PATIENCE`]
//! without one the scheduler presumes the thread blocked and moves on without
//! it until it steps again, which costs time, never the outcome.
//!
//! The turns are driven by a trace function (`sys.settrace`, captured before
//! candidate code ran) that asks for an event per bytecode
//! (`frame.f_trace_opcodes`) in every frame but the standard library's, so
//! the standard library runs at full speed; code compiled under a library
//! file's name is refused (see `sandbox::audit`).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};

/// How long a turn may go without a step before its thread, if the kernel
/// has it asleep (on a lock, a sleep, or I/O), is presumed blocked and
/// skipped.
pub const PATIENCE: Duration = Duration::from_millis(10);

/// The most steps (of any thread) a thread lingers after handing a lock on
/// (see [`Baton::released`]): long enough for any critical section a check
/// runs, short enough that code waiting for the lingering thread (a spin on a
/// flag it sets) loses little time.
const LINGER_STEPS: u32 = 2_000;

/// How long the threads of one run wait for each other before the first
/// turn.
const START_PATIENCE: Duration = Duration::from_secs(5);

/// How many patiences in a row a holder must use no CPU time before it is
/// presumed blocked (100 ms): a thread that can run gets a core well within
/// that even on a loaded machine, and one asleep uses none.
const IDLE_PATIENCES: u32 = 10;

/// The calling thread's CPU-time clock, readable from other threads: the
/// kernel's id for a thread's scheduler clock (`MAKE_THREAD_CPUCLOCK(tid,
/// CPUCLOCK_SCHED)`, what `pthread_getcpuclockid` returns on Linux).
fn thread_cpu_clock() -> Option<libc::clockid_t> {
    let tid = nix::unistd::gettid().as_raw();
    Some((!tid << 3) | 4 | 2)
}

/// The CPU time a thread has used, read from its clock.
fn cpu_time(clock: libc::clockid_t) -> Option<Duration> {
    let now = nix::time::clock_gettime(nix::time::ClockId::from_raw(clock)).ok()?;
    Some(Duration::new(now.tv_sec() as u64, now.tv_nsec() as u32))
}

impl Turns {
    /// Called when `holder` made no step within a patience: whether it has
    /// now used no CPU time for [`IDLE_PATIENCES`] in a row.
    fn holder_idle_long_enough(&mut self, holder: usize) -> bool {
        let Some(used) = self.clocks[holder].and_then(cpu_time) else {
            return true; // no clock to read: the plain patience decides
        };
        let idle = match self.holder_idle {
            Some((who, before, idle)) if who == holder && before == used => idle + 1,
            _ => 0,
        };
        self.holder_idle = Some((holder, used, idle));
        idle >= IDLE_PATIENCES
    }
}

#[derive(Debug)]
struct Turns {
    /// Whose turn it is.
    current: usize,
    /// Threads still running their calls.
    running: Vec<bool>,
    /// Threads presumed blocked: skipped until they step again.
    blocked: Vec<bool>,
    /// Threads waiting for a [`TurnLock`] (by its address): skipped until
    /// that lock is released.
    waiting_on: Vec<Option<usize>>,
    /// Threads that released a lock another thread was waiting for, sitting
    /// out (by the lock's address, with the steps left) until a thread
    /// releases that lock again: see [`Baton::released`].
    lingering: Vec<Option<(usize, u32)>>,
    /// Each thread's CPU-time clock, once it has arrived at [`Baton::start`].
    clocks: Vec<Option<libc::clockid_t>>,
    /// The holder of the turn, its CPU time when last looked at, and how
    /// many patiences in a row it has used none.
    holder_idle: Option<(usize, Duration, u32)>,
    /// How many threads have arrived at [`Baton::start`].
    arrived: usize,
}

impl Turns {
    /// The next thread after `me` that can take a turn: one neither
    /// presumed blocked nor lingering if there is one, else one not
    /// lingering, else any still running, else `me`.
    fn next_after(&self, me: usize) -> usize {
        let n = self.running.len();
        let order = || (1..=n).map(move |k| (me + k) % n);
        let free = |t: usize| self.running[t] && self.waiting_on[t].is_none();
        let active = |t: usize| free(t) && self.lingering[t].is_none();
        order()
            .find(|&t| active(t) && !self.blocked[t])
            .or_else(|| order().find(|&t| active(t)))
            .or_else(|| order().find(|&t| free(t)))
            .unwrap_or(me)
    }
}

/// The turn-taking of one hammer run.
#[derive(Debug)]
pub struct Baton {
    turns: Mutex<Turns>,
    /// One condition variable per thread, so that handing the turn on
    /// wakes the thread that takes it and no other: with one shared
    /// variable, every step woke every waiting thread only for all but one
    /// to sleep again, and a step cost four context switches, not one.
    wake: Vec<Condvar>,
}

impl Baton {
    pub fn new(threads: usize) -> Arc<Baton> {
        Arc::new(Baton {
            turns: Mutex::new(Turns {
                current: 0,
                running: vec![true; threads],
                blocked: vec![false; threads],
                waiting_on: vec![None; threads],
                lingering: vec![None; threads],
                clocks: vec![None; threads],
                holder_idle: None,
                arrived: 0,
            }),
            wake: (0..threads).map(|_| Condvar::new()).collect(),
        })
    }

    /// Waits until it is `me`'s turn, taking it from a holder that made no
    /// step within [`PATIENCE`] (presumed blocked).
    fn wait_for_turn(&self, mut turns: std::sync::MutexGuard<'_, Turns>, me: usize) {
        while turns.current != me {
            let holder = turns.current;
            let (guard, waited) = self.wake[me]
                .wait_timeout(turns, PATIENCE)
                .unwrap_or_else(|e| e.into_inner());
            turns = guard;
            if waited.timed_out() && turns.current == holder {
                // A holder that is using the processor (running code that
                // takes no steps, or waiting for a core on a busy machine)
                // is not passed over: only one that has used no CPU time
                // for IDLE_PATIENCES in a row, asleep in a sleep, I/O or a
                // lock the turns do not see. So how loaded the machine is
                // does not change the order of the turns.
                if !turns.holder_idle_long_enough(holder) {
                    continue;
                }
                if turns.running[holder] {
                    turns.blocked[holder] = true;
                }
                turns.current = turns.next_after(holder);
                self.wake[turns.current].notify_one();
            }
        }
    }

    /// Before thread `me` runs its first call: waits until every thread has
    /// arrived (one slow to start on a busy machine must not be presumed
    /// blocked and skipped), then for its turn; thread 0 goes first.
    pub fn start(&self, me: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        turns.blocked[me] = false;
        turns.clocks[me] = thread_cpu_clock();
        turns.arrived += 1;
        self.wake_all();
        let everyone = turns.running.len();
        let deadline = std::time::Instant::now() + START_PATIENCE;
        while turns.arrived < everyone {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                break; // a thread that never starts must not stall the rest
            }
            let (guard, _) = self.wake[me]
                .wait_timeout(turns, left)
                .unwrap_or_else(|e| e.into_inner());
            turns = guard;
        }
        self.wait_for_turn(turns, me);
    }

    /// Thread `me` executed one step: the next thread's turn, then `me`'s again.
    pub fn step(&self, me: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        turns.blocked[me] = false;
        for lingering in turns.lingering.iter_mut() {
            if let Some((_, left)) = lingering {
                *left = left.saturating_sub(1);
                if *left == 0 {
                    *lingering = None;
                }
            }
        }
        if turns.current == me {
            turns.current = turns.next_after(me);
            self.wake[turns.current].notify_one();
        }
        self.wait_for_turn(turns, me);
    }

    /// Thread `me` cannot take `lock` (held by another thread): it waits,
    /// out of the rotation, until the lock is released and its turn comes.
    fn wait_for_lock(&self, me: usize, lock: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        turns.waiting_on[me] = Some(lock);
        turns.blocked[me] = false;
        if turns.current == me {
            turns.current = turns.next_after(me);
            self.wake[turns.current].notify_one();
        }
        // Back in the rotation once the lock is released, then a turn. A
        // lock released by a thread outside the hammer says nothing to the
        // turns: after a patience without news, look at the lock again.
        while turns.waiting_on[me].is_some() {
            let (guard, waited) = self.wake[me]
                .wait_timeout(turns, PATIENCE)
                .unwrap_or_else(|e| e.into_inner());
            turns = guard;
            if waited.timed_out() {
                turns.waiting_on[me] = None;
            }
        }
        self.wait_for_turn(turns, me);
    }

    /// Thread `me` released `lock`: the threads waiting for it rejoin the
    /// rotation.
    ///
    /// And so that what runs just after a critical section interleaves too:
    /// a releaser that hands the lock to a waiting thread sits out (lingers)
    /// until a thread releases that lock again, and then both go on
    /// together. Shared state touched right after unlocking (a counter
    /// updated after the `with lock:` block) is then read-modified-written by
    /// two threads at once, and the lost update shows on every run; in plain
    /// turns the releaser always finished its few steps before the next
    /// holder left the lock. Lingering is a preference, never a wait: a
    /// lingering thread is taken when no other can run, and after
    /// [`LINGER_STEPS`] steps whatever happened.
    fn released(&self, me: usize, lock: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        let mut handed_on = false;
        for (thread, waiting) in turns.waiting_on.iter_mut().enumerate() {
            if *waiting == Some(lock) {
                *waiting = None;
                handed_on = true;
                self.wake[thread].notify_one();
            }
        }
        let mut rejoined = false;
        for lingering in turns.lingering.iter_mut() {
            if matches!(lingering, Some((l, _)) if *l == lock) {
                *lingering = None;
                rejoined = true;
            }
        }
        if handed_on && !rejoined {
            turns.lingering[me] = Some((lock, LINGER_STEPS));
        }
    }

    /// Thread `me` is done with its calls.
    pub fn finish(&self, me: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        turns.running[me] = false;
        if turns.current == me {
            turns.current = turns.next_after(me);
        }
        self.wake_all();
    }

    fn wake_all(&self) {
        self.wake.iter().for_each(Condvar::notify_one);
    }
}

/// The trace function of thread `me`: a step per bytecode in every frame but
/// the standard library's, which are not traced at all.
pub fn tracer<'py>(
    py: Python<'py>,
    baton: Arc<Baton>,
    me: usize,
) -> PyResult<Bound<'py, PyCFunction>> {
    let this: Arc<Mutex<Option<Py<PyCFunction>>>> = Arc::new(Mutex::new(None));
    let handle = this.clone();
    // Before 3.11, `sys.settrace` copies a frame's fast locals and cells
    // into `f_locals` before every trace call and writes them back after it
    // (`PyFrame_LocalsToFast`). A step waits for its turn with the GIL
    // released, so a cell another thread rebinds meanwhile (a `nonlocal`
    // counter the lock guards) would be put back to its old value: a lost
    // update no lock prevents. Reading `f_locals` after the wait takes a
    // fresh copy, and the write-back changes nothing.
    let refresh_locals = py.version_info() < (3, 11);
    let function = PyCFunction::new_closure(
        py,
        Some(c"pyinterview_interleave"),
        None,
        move |args: &Bound<'_, PyTuple>,
              _kwargs: Option<&Bound<'_, PyDict>>|
              -> PyResult<Py<PyAny>> {
            let py = args.py();
            let frame = args.get_item(0)?;
            let event = args.get_item(1)?;
            let event = event.extract::<&str>().unwrap_or("");
            let itself = || -> Py<PyAny> {
                handle
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .as_ref()
                    .map_or_else(|| py.None(), |f| f.clone_ref(py).into_any())
            };
            match event {
                "call" => {
                    // Every frame but the standard library's: code the
                    // candidate's files `exec` or compile under another
                    // name takes turns too (see `sandbox::audit`).
                    let file = frame.getattr("f_code")?.getattr("co_filename")?;
                    let file = file.extract::<&str>().unwrap_or("");
                    if crate::sandbox::audit::is_trusted_file(file) {
                        return Ok(py.None());
                    }
                    frame.setattr("f_trace_opcodes", true)?;
                    Ok(itself())
                }
                "opcode" => {
                    let baton = baton.clone();
                    py.detach(|| baton.step(me));
                    if refresh_locals {
                        frame.getattr("f_locals")?;
                    }
                    Ok(itself())
                }
                _ => Ok(itself()),
            }
        },
    )?;
    *this.lock().unwrap_or_else(|e| e.into_inner()) = Some(function.clone().unbind());
    Ok(function)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps go round-robin in thread order, whatever the OS schedules.
    #[test]
    fn turns_go_round_robin() {
        let baton = Baton::new(3);
        let log = Arc::new(Mutex::new(Vec::new()));
        std::thread::scope(|scope| {
            for me in 0..3 {
                let (baton, log) = (baton.clone(), log.clone());
                scope.spawn(move || {
                    baton.start(me);
                    for _ in 0..4 {
                        log.lock().unwrap().push(me);
                        baton.step(me);
                    }
                    baton.finish(me);
                });
            }
        });
        let log = log.lock().unwrap().clone();
        assert_eq!(log, [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]);
    }

    /// A thread that hands a lock on sits out until the next holder
    /// releases it, so what the two run after their critical sections
    /// interleaves (with plain turns the first always finished first).
    #[test]
    fn a_thread_that_hands_a_lock_on_leaves_it_with_the_next_holder() {
        const LOCK: usize = 1;
        let baton = Baton::new(3);
        let owner: Arc<Mutex<Option<usize>>> = Arc::new(Mutex::new(None));
        let log = Arc::new(Mutex::new(Vec::new()));
        std::thread::scope(|scope| {
            for me in 0..3 {
                let (baton, owner, log) = (baton.clone(), owner.clone(), log.clone());
                scope.spawn(move || {
                    baton.start(me);
                    // Only the thread whose turn it is runs between calls
                    // of the baton, so this stands in for TurnLock::acquire.
                    loop {
                        let mut held = owner.lock().unwrap();
                        if held.is_none() {
                            *held = Some(me);
                            break;
                        }
                        drop(held);
                        baton.wait_for_lock(me, LOCK);
                    }
                    for _ in 0..3 {
                        log.lock().unwrap().push((me, "in"));
                        baton.step(me);
                    }
                    *owner.lock().unwrap() = None;
                    baton.released(me, LOCK);
                    for _ in 0..3 {
                        log.lock().unwrap().push((me, "after"));
                        baton.step(me);
                    }
                    baton.finish(me);
                });
            }
        });
        let log = log.lock().unwrap().clone();
        let after: Vec<usize> = log
            .iter()
            .filter(|(_, phase)| *phase == "after")
            .map(|(thread, _)| *thread)
            .collect();
        // Some thread's "after" steps have another thread's in between.
        let interleaved = after.iter().enumerate().any(|(i, &a)| {
            after[i + 1..]
                .iter()
                .position(|&b| b != a)
                .is_some_and(|j| after[i + 1 + j..].contains(&a))
        });
        assert!(interleaved, "{log:?}");
        // And the lock still excluded: no "in" step of two threads at once.
        let mut inside = None;
        for (thread, phase) in &log {
            if *phase == "in" {
                assert!(inside.is_none_or(|t| t == *thread), "{log:?}");
                inside = Some(*thread);
            } else if inside == Some(*thread) {
                inside = None;
            }
        }
    }

    /// A thread that stops stepping (blocked) is skipped, and rejoins.
    #[test]
    fn a_blocked_thread_is_skipped_until_it_steps_again() {
        let baton = Baton::new(2);
        let (release, held) = std::sync::mpsc::channel::<()>();
        std::thread::scope(|scope| {
            let b = baton.clone();
            scope.spawn(move || {
                b.start(0);
                b.step(0);
                // Blocked here, without steps, until thread 1 is done.
                held.recv().unwrap();
                b.step(0);
                b.finish(0);
            });
            let b = baton.clone();
            scope.spawn(move || {
                b.start(1);
                for _ in 0..5 {
                    b.step(1);
                }
                release.send(()).unwrap();
                b.finish(1);
            });
        });
    }
}

thread_local! {
    /// The hammer run this thread belongs to, and its place in the turns.
    static TURN: std::cell::RefCell<Option<(Arc<Baton>, usize)>> =
        const { std::cell::RefCell::new(None) };
}

/// Makes the current thread thread `me` of `baton` (for [`TurnLock`]).
pub fn enter(baton: Arc<Baton>, me: usize) {
    TURN.with(|turn| *turn.borrow_mut() = Some((baton, me)));
}

/// The current thread leaves its hammer run.
pub fn leave() {
    TURN.with(|turn| *turn.borrow_mut() = None);
}

fn current_turn() -> Option<(Arc<Baton>, usize)> {
    TURN.with(|turn| turn.borrow().clone())
}

/// An id of the calling OS thread.
fn thread_id() -> u64 {
    // The address of a thread-local is unique among live threads.
    thread_local!(static MARK: u8 = const { 0 });
    MARK.with(|m| m as *const u8 as usize as u64)
}

#[derive(Debug, Default)]
struct Held {
    owner: Option<u64>,
    count: usize,
}

/// `threading.Lock` and `threading.RLock` while candidate code runs in the
/// sandbox (installed by [`install_turn_locks`] before it is imported). An
/// ordinary lock for ordinary threads; within the thread hammer, a thread
/// that finds it held leaves the rotation until it is released, instead of
/// blocking where the turns cannot see it, so lock hand-offs happen in turn
/// order too and a run is the same every time.
#[pyclass(module = "pyinterview", name = "lock", frozen)]
pub struct TurnLock {
    reentrant: bool,
    held: Mutex<Held>,
    freed: Condvar,
}

impl TurnLock {
    fn id(&self) -> usize {
        self as *const TurnLock as usize
    }

    /// Takes the lock if it is free (or already ours, reentrant).
    fn try_take(&self, me: u64) -> bool {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        match held.owner {
            None => {
                held.owner = Some(me);
                held.count = 1;
                true
            }
            Some(owner) if owner == me && self.reentrant => {
                held.count += 1;
                true
            }
            Some(_) => false,
        }
    }
}

#[pymethods]
impl TurnLock {
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Self {
        TurnLock {
            reentrant: false,
            held: Mutex::new(Held::default()),
            freed: Condvar::new(),
        }
    }

    #[pyo3(signature = (blocking = true, timeout = -1.0))]
    fn acquire(&self, py: Python<'_>, blocking: bool, timeout: f64) -> bool {
        let me = thread_id();
        if self.try_take(me) {
            return true;
        }
        if !blocking {
            return false;
        }
        if let Some((baton, index)) = current_turn() {
            // Within the hammer: out of the rotation until it is released.
            loop {
                py.detach(|| baton.wait_for_lock(index, self.id()));
                if self.try_take(me) {
                    return true;
                }
            }
        }
        let deadline =
            (timeout >= 0.0).then(|| std::time::Instant::now() + Duration::from_secs_f64(timeout));
        py.detach(|| {
            let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if held.owner.is_none() {
                    held.owner = Some(me);
                    held.count = 1;
                    return true;
                }
                match deadline {
                    Some(at) => {
                        let now = std::time::Instant::now();
                        if now >= at {
                            return false;
                        }
                        held = self
                            .freed
                            .wait_timeout(held, at - now)
                            .map(|(g, _)| g)
                            .unwrap_or_else(|e| e.into_inner().0);
                    }
                    None => {
                        held = self.freed.wait(held).unwrap_or_else(|e| e.into_inner());
                    }
                }
            }
        })
    }

    fn release(&self) -> PyResult<()> {
        let me = thread_id();
        {
            let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
            match held.owner {
                None => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "release unlocked lock",
                    ));
                }
                Some(owner) if self.reentrant && owner != me => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "cannot release un-acquired lock",
                    ));
                }
                Some(_) => {}
            }
            held.count = held.count.saturating_sub(1);
            if held.count > 0 && self.reentrant {
                return Ok(());
            }
            held.owner = None;
            held.count = 0;
        }
        self.freed.notify_all();
        if let Some((baton, index)) = current_turn() {
            baton.released(index, self.id());
        }
        Ok(())
    }

    fn locked(&self) -> bool {
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .owner
            .is_some()
    }

    fn _is_owned(&self) -> bool {
        self.held.lock().unwrap_or_else(|e| e.into_inner()).owner == Some(thread_id())
    }

    fn __enter__(&self, py: Python<'_>) -> bool {
        self.acquire(py, true, -1.0)
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, _exc: &Bound<'_, PyTuple>) -> PyResult<bool> {
        self.release()?;
        Ok(false)
    }

    fn __repr__(&self) -> String {
        let state = if self.locked() { "locked" } else { "unlocked" };
        let kind = if self.reentrant { "RLock" } else { "lock" };
        format!("<{state} pyinterview {kind}>")
    }
}

/// `threading.RLock()` under the sandbox: a reentrant [`TurnLock`].
#[pyfunction]
#[pyo3(signature = (*_args, **_kwargs))]
fn turn_rlock(_args: &Bound<'_, PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> TurnLock {
    TurnLock {
        reentrant: true,
        held: Mutex::new(Held::default()),
        freed: Condvar::new(),
    }
}

/// Makes `threading.Lock`, `threading.RLock` and their `_thread` origins
/// build [`TurnLock`]s, for the code about to be imported. Locks made
/// earlier (the standard library's own) are left alone.
pub fn install_turn_locks(py: Python<'_>) -> PyResult<()> {
    let lock = py.get_type::<TurnLock>();
    let rlock = pyo3::wrap_pyfunction!(turn_rlock, py)?;
    let threading = py.import("threading")?;
    let thread = py.import("_thread")?;
    threading.setattr("Lock", &lock)?;
    threading.setattr("_allocate_lock", &lock)?;
    threading.setattr("RLock", &rlock)?;
    thread.setattr("allocate_lock", &lock)?;
    thread.setattr("RLock", &rlock)?;
    Ok(())
}
