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
//! Correct code never fails: a thread that waits for a lock (held by a thread
//! whose turn it is not) makes no step, so after [`PATIENCE`] without one the
//! scheduler presumes it blocked and moves on without it until it steps again.
//! Locks then serialise the threads as they always do; only the time spent
//! depends on that patience, never the outcome.
//!
//! The turns are driven by a trace function (`sys.settrace`, captured before
//! candidate code ran) that asks for an event per bytecode
//! (`frame.f_trace_opcodes`) in frames of the candidate's own files only, so
//! the harness and the standard library run at full speed.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict, PyTuple};

/// How long a turn may go without a step before its thread is presumed
/// blocked (on a lock, a sleep, or I/O) and skipped.
pub const PATIENCE: Duration = Duration::from_millis(10);

#[derive(Debug)]
struct Turns {
    /// Whose turn it is.
    current: usize,
    /// Threads still running their calls.
    running: Vec<bool>,
    /// Threads presumed blocked: skipped until they step again.
    blocked: Vec<bool>,
}

impl Turns {
    /// The next thread after `me` that can take a turn: one not presumed
    /// blocked if there is one, else any still running, else `me`.
    fn next_after(&self, me: usize) -> usize {
        let n = self.running.len();
        let order = || (1..=n).map(move |k| (me + k) % n);
        order()
            .find(|&t| self.running[t] && !self.blocked[t])
            .or_else(|| order().find(|&t| self.running[t]))
            .unwrap_or(me)
    }
}

/// The turn-taking of one hammer run.
#[derive(Debug)]
pub struct Baton {
    turns: Mutex<Turns>,
    changed: Condvar,
}

impl Baton {
    pub fn new(threads: usize) -> Arc<Baton> {
        Arc::new(Baton {
            turns: Mutex::new(Turns {
                current: 0,
                running: vec![true; threads],
                blocked: vec![false; threads],
            }),
            changed: Condvar::new(),
        })
    }

    /// Waits until it is `me`'s turn, taking it from a holder that made no
    /// step within [`PATIENCE`] (presumed blocked).
    fn wait_for_turn(&self, mut turns: std::sync::MutexGuard<'_, Turns>, me: usize) {
        while turns.current != me {
            let holder = turns.current;
            let (guard, waited) = self
                .changed
                .wait_timeout(turns, PATIENCE)
                .unwrap_or_else(|e| e.into_inner());
            turns = guard;
            if waited.timed_out() && turns.current == holder {
                if turns.running[holder] {
                    turns.blocked[holder] = true;
                }
                turns.current = turns.next_after(holder);
                self.changed.notify_all();
            }
        }
    }

    /// Before thread `me` runs its first call.
    pub fn start(&self, me: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        turns.blocked[me] = false;
        self.wait_for_turn(turns, me);
    }

    /// Thread `me` executed one step: the next thread's turn, then `me`'s again.
    pub fn step(&self, me: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        turns.blocked[me] = false;
        if turns.current == me {
            turns.current = turns.next_after(me);
            self.changed.notify_all();
        }
        self.wait_for_turn(turns, me);
    }

    /// Thread `me` is done with its calls.
    pub fn finish(&self, me: usize) {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        turns.running[me] = false;
        if turns.current == me {
            turns.current = turns.next_after(me);
        }
        self.changed.notify_all();
    }
}

/// The trace function of thread `me`: a step per bytecode in frames of files
/// under `candidate_dir`; other frames are not traced at all.
pub fn tracer<'py>(
    py: Python<'py>,
    baton: Arc<Baton>,
    me: usize,
    candidate_dir: String,
) -> PyResult<Bound<'py, PyCFunction>> {
    let this: Arc<Mutex<Option<Py<PyCFunction>>>> = Arc::new(Mutex::new(None));
    let handle = this.clone();
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
                    let file = frame.getattr("f_code")?.getattr("co_filename")?;
                    let file = file.extract::<&str>().unwrap_or("");
                    if !file.starts_with(candidate_dir.as_str()) {
                        return Ok(py.None());
                    }
                    frame.setattr("f_trace_opcodes", true)?;
                    Ok(itself())
                }
                "opcode" => {
                    let baton = baton.clone();
                    py.detach(|| baton.step(me));
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
