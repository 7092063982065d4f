//! `async_await` (question 13): coroutines on an asyncio event loop: limited
//! concurrency, a timeout, retries with exponential back-off, and a race.
//!
//! Reference: an event simulation over virtual time in plain Rust
//! ([`gather_limited`], [`with_timeout`], [`retry_async`],
//! [`first_completed`]): which of the harness's coroutines start, finish,
//! raise or are cancelled at which instant, how many run at once, the outcome
//! and the virtual time at which the call ends. Times are whole ticks of 1/8
//! second, so every time the loop computes is exact.
//!
//! The harness (the fixtures, loaded before the candidate's module): a
//! `VirtualLoop`, an `asyncio.BaseEventLoop` whose `time()` is a virtual
//! clock and whose selector, where the real loop would block in `select`
//! for `timeout` seconds, moves the clock on by `timeout` and returns: so
//! `asyncio.sleep(5)` takes no real time, and a loop left with nothing to
//! run raises instead of blocking. A `Lab` builds coroutines from
//! descriptions (sleep `d`, then return `v` or raise `E`) that record each
//! start, finish, raise and `CancelledError` with the loop's time, and the
//! peak of those running at once; `lab.run(coro)` runs a call on a fresh
//! loop, notes the virtual time it ends, then lets pending tasks (requested
//! cancellations) finish.
//!
//! Ties: the generators never let two of the harness's coroutines end at the
//! same instant, nor with_timeout's coroutine end exactly at its limit, so
//! every correct implementation makes the same events (the stub says so). A
//! coroutine a cancellation reaches in the instant it started counts as never
//! started (a semaphore may hand a freed slot to the next waiter before the
//! failure is seen, in the same instant).
//!
//! `asyncio.wait_for`, `asyncio.timeout`, `timeout_at` and `Timeout` are
//! switched off before the candidate's module is imported
//! ([`AsyncAwaitExercise::prepare`]); a copy of their code run anyway (a
//! reloaded module, pasted source) is recognised by a profile hook that
//! compares each called function's code with theirs, captured before
//! candidate code ran, and `lab.verify()` fails the call. It fails it too
//! when the methods the virtual loop inherits from `BaseEventLoop`, or the
//! code of the `asyncio.sleep` the lab captured, were replaced.

use rand::RngExt;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;
use pyo3::prelude::*;
use pyo3::types::PyDict;

pub struct AsyncAwaitExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<AsyncAwaitExercise> = Scripted(AsyncAwaitExercise);

// ---- the Rust reference -------------------------------------------------

/// Virtual time in ticks of 1/8 second.
pub type Ticks = i64;

/// What a harness coroutine does when its sleep ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Return(i64),
    /// Raises the exception class of that name (`Abort` is a BaseException).
    Raise(&'static str),
}

/// A harness coroutine: `lab.job(tag, ticks / 8, outcome)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub tag: String,
    pub ticks: Ticks,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Cancelled,
    Finish,
    Raise,
    Start,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Cancelled => "cancelled",
            Kind::Finish => "finish",
            Kind::Raise => "raise",
            Kind::Start => "start",
        }
    }
}

/// What a call does, as the lab records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The value returned, or the exception raised: its type and, when it is
    /// a harness coroutine's own, that coroutine's tag.
    pub outcome: Result<Value, (String, Option<String>)>,
    /// `(time, kind, tag)`, sorted as the lab sorts them (time, then kind
    /// name, then tag).
    pub events: Vec<(Ticks, Kind, String)>,
    pub peak: i64,
    pub end: Ticks,
}

struct Recorder {
    events: Vec<(Ticks, Kind, String)>,
    running: i64,
    peak: i64,
}

impl Recorder {
    fn new() -> Recorder {
        Recorder {
            events: Vec::new(),
            running: 0,
            peak: 0,
        }
    }

    fn start(&mut self, at: Ticks, tag: &str) {
        self.events.push((at, Kind::Start, tag.to_string()));
        self.running += 1;
        self.peak = self.peak.max(self.running);
    }

    /// The job ends at `at`: finishes or raises.
    fn end(&mut self, at: Ticks, job: &Job) {
        self.running -= 1;
        let kind = match job.outcome {
            Outcome::Return(_) => Kind::Finish,
            Outcome::Raise(_) => Kind::Raise,
        };
        self.events.push((at, kind, job.tag.clone()));
    }

    fn cancel(&mut self, at: Ticks, tag: &str) {
        self.running -= 1;
        self.events.push((at, Kind::Cancelled, tag.to_string()));
    }

    fn done(mut self, outcome: Result<Value, (String, Option<String>)>, end: Ticks) -> Run {
        self.events
            .sort_by(|a, b| (a.0, a.1.name(), &a.2).cmp(&(b.0, b.1.name(), &b.2)));
        Run {
            outcome,
            events: self.events,
            peak: self.peak,
            end,
        }
    }
}

fn raised(job: &Job) -> (String, Option<String>) {
    match job.outcome {
        Outcome::Raise(ty) => (ty.to_string(), Some(job.tag.clone())),
        Outcome::Return(_) => unreachable!("a returning job raises nothing"),
    }
}

fn value_error() -> Result<Value, (String, Option<String>)> {
    Err(("ValueError".to_string(), None))
}

/// `gather_limited(jobs, limit)`: the first `limit` start at 0, the next one
/// whenever one finishes; the first exception cancels those running, starts
/// nothing more, and leaves.
pub fn gather_limited(jobs: &[Job], limit: i64) -> Run {
    let mut rec = Recorder::new();
    if limit < 1 {
        return rec.done(value_error(), 0);
    }
    let mut results: Vec<Value> = vec![Value::None; jobs.len()];
    let mut running: Vec<(Ticks, usize)> = Vec::new();
    let mut next = 0;
    let mut now = 0;
    loop {
        while (running.len() as i64) < limit && next < jobs.len() {
            rec.start(now, &jobs[next].tag);
            running.push((now + jobs[next].ticks, next));
            next += 1;
        }
        let Some(pos) = (0..running.len()).min_by_key(|&i| running[i].0) else {
            return rec.done(Ok(Value::List(results)), now);
        };
        let (at, index) = running.remove(pos);
        now = at;
        let job = &jobs[index];
        rec.end(now, job);
        match job.outcome {
            Outcome::Return(v) => results[index] = Value::Int(v),
            Outcome::Raise(_) => {
                for (_, other) in &running {
                    rec.cancel(now, &jobs[*other].tag);
                }
                return rec.done(Err(raised(job)), now);
            }
        }
    }
}

/// `with_timeout(job, limit)`: the job's outcome when it ends before
/// `limit`, else cancelled at `limit` and TimeoutError.
pub fn with_timeout(job: &Job, limit: Ticks) -> Run {
    let mut rec = Recorder::new();
    rec.start(0, &job.tag);
    if job.ticks < limit {
        rec.end(job.ticks, job);
        let outcome = match job.outcome {
            Outcome::Return(v) => Ok(Value::Int(v)),
            Outcome::Raise(_) => Err(raised(job)),
        };
        rec.done(outcome, job.ticks)
    } else {
        rec.cancel(limit, &job.tag);
        rec.done(Err(("TimeoutError".to_string(), None)), limit)
    }
}

/// `retry_async(lab.flaky(tag, specs), attempts, base)`: attempt `k`, counted
/// from 1, runs `specs[min(k, len) - 1]` tagged `tag{k}`; after a failure
/// that is an Exception, the next attempt waits `base * 2^(k-1)`.
pub fn retry_async(tag: &str, specs: &[(Ticks, Outcome)], attempts: i64, base: Ticks) -> Run {
    let mut rec = Recorder::new();
    if attempts < 1 {
        return rec.done(value_error(), 0);
    }
    let mut now = 0;
    let mut delay = base;
    for k in 1..=attempts {
        let (ticks, outcome) = specs[(k as usize).min(specs.len()) - 1].clone();
        let job = Job {
            tag: format!("{tag}{k}"),
            ticks,
            outcome,
        };
        rec.start(now, &job.tag);
        now += job.ticks;
        rec.end(now, &job);
        match job.outcome {
            Outcome::Return(v) => return rec.done(Ok(Value::Int(v)), now),
            Outcome::Raise(ty) if ty == "Abort" || k == attempts => {
                return rec.done(Err(raised(&job)), now);
            }
            Outcome::Raise(_) => {
                now += delay;
                delay *= 2;
            }
        }
    }
    unreachable!("the last attempt returns or raises")
}

/// `first_completed(jobs)`: all start at 0; the first to end decides, the
/// others are cancelled then.
pub fn first_completed(jobs: &[Job]) -> Run {
    let mut rec = Recorder::new();
    let Some(first) = jobs.iter().min_by_key(|j| j.ticks) else {
        return rec.done(value_error(), 0);
    };
    for job in jobs {
        rec.start(0, &job.tag);
    }
    let now = first.ticks;
    rec.end(now, first);
    for job in jobs {
        if job.tag != first.tag {
            rec.cancel(now, &job.tag);
        }
    }
    let outcome = match first.outcome {
        Outcome::Return(v) => Ok(Value::Int(v)),
        Outcome::Raise(_) => Err(raised(first)),
    };
    rec.done(outcome, now)
}

/// Whether no two of the started jobs would end at the same instant, counting
/// those cancelled at the instant they would have ended on their own.
fn no_ties(run: &Run, jobs: &[Job]) -> bool {
    let mut ends: Vec<Ticks> = run
        .events
        .iter()
        .filter(|(_, kind, _)| *kind == Kind::Start)
        .filter_map(|(at, _, tag)| jobs.iter().find(|j| &j.tag == tag).map(|j| at + j.ticks))
        .collect();
    let count = ends.len();
    ends.sort_unstable();
    ends.dedup();
    ends.len() == count
}

// ---- scripts ------------------------------------------------------------

fn seconds(ticks: Ticks) -> Value {
    Value::Float(ticks as f64 / 8.0)
}

fn lit(value: impl Into<Value>) -> Expr {
    Expr::lit(value)
}

fn outcome_value(outcome: &Outcome) -> Value {
    match outcome {
        Outcome::Return(v) => Value::Int(*v),
        Outcome::Raise(ty) => Value::str(*ty),
    }
}

/// `lab.job(tag, seconds, outcome)`: a factory.
fn job_factory(job: &Job) -> Expr {
    Expr::var("lab").method(
        "job",
        vec![
            lit(job.tag.as_str()),
            Expr::Lit(seconds(job.ticks)),
            Expr::Lit(outcome_value(&job.outcome)),
        ],
    )
}

fn job(tag: &str, secs: f64, outcome: Outcome) -> Job {
    let ticks = secs * 8.0;
    assert!(ticks.fract() == 0.0, "durations are multiples of 1/8");
    Job {
        tag: tag.to_string(),
        ticks: ticks as Ticks,
        outcome,
    }
}

fn ret(tag: &str, secs: f64, v: i64) -> Job {
    job(tag, secs, Outcome::Return(v))
}

fn fail(tag: &str, secs: f64, ty: &'static str) -> Job {
    job(tag, secs, Outcome::Raise(ty))
}

/// `lab = Lab(); lab.run(call)` observed against `run`, then the exception's
/// identity (when it is a harness coroutine's own), the events, the peak,
/// the end time, and `lab.verify()`. `as_class`: the contract's exception
/// class, a subclass of which is observed as itself.
fn lab_script(call: Expr, run: &Run, as_class: Option<&str>) -> Script {
    let mut ran = Expr::var("lab").method("run", vec![call]);
    if let Some(class) = as_class {
        ran = ran.raises_as(Expr::builtin(class));
    }
    let expected = match &run.outcome {
        Ok(value) => value.clone(),
        Err((ty, _)) => raises(ty),
    };
    let mut script = Script::new()
        .bind("lab", Expr::fixture("Lab").call(vec![]))
        .observe(ran, expected);
    if let Err((_, Some(tag))) = &run.outcome {
        script = script.observe(
            Expr::Caught.is(Expr::var("lab").method("error", vec![lit(tag.as_str())])),
            true,
        );
    }
    let events = Value::List(
        run.events
            .iter()
            .map(|(at, kind, tag)| {
                Value::Tuple(vec![seconds(*at), Value::str(kind.name()), Value::str(tag.as_str())])
            })
            .collect(),
    );
    script
        .observe(Expr::var("lab").method("events", vec![]), events)
        .observe(Expr::var("lab").attr("peak"), Value::Int(run.peak))
        .observe(Expr::var("lab").attr("end"), seconds(run.end))
        .run(Expr::var("lab").method("verify", vec![]))
}

fn gather_script(jobs: &[Job], limit: i64) -> Script {
    let call = Expr::name("gather_limited").call(vec![
        Expr::List(jobs.iter().map(job_factory).collect()),
        lit(limit),
    ]);
    let as_class = (limit < 1).then_some("ValueError");
    lab_script(call, &gather_limited(jobs, limit), as_class)
}

fn timeout_script(job: &Job, limit: Ticks) -> Script {
    let call = Expr::name("with_timeout").call(vec![
        job_factory(job).call(vec![]),
        Expr::Lit(seconds(limit)),
    ]);
    lab_script(call, &with_timeout(job, limit), Some("TimeoutError"))
}

fn retry_script(tag: &str, specs: &[(Ticks, Outcome)], attempts: i64, base: Ticks) -> Script {
    let specs_value = Value::List(
        specs
            .iter()
            .map(|(ticks, outcome)| Value::Tuple(vec![seconds(*ticks), outcome_value(outcome)]))
            .collect(),
    );
    let call = Expr::name("retry_async").call(vec![
        Expr::var("lab").method("flaky", vec![lit(tag), Expr::Lit(specs_value)]),
        lit(attempts),
        Expr::Lit(seconds(base)),
    ]);
    let as_class = (attempts < 1).then_some("ValueError");
    lab_script(call, &retry_async(tag, specs, attempts, base), as_class)
}

fn first_script(jobs: &[Job]) -> Script {
    let call = Expr::name("first_completed")
        .call(vec![Expr::List(jobs.iter().map(job_factory).collect())]);
    let as_class = jobs.is_empty().then_some("ValueError");
    lab_script(call, &first_completed(jobs), as_class)
}

fn gather_checks() -> Vec<Check<Script>> {
    let four = [
        ret("a", 1.0, 1),
        ret("b", 2.5, 2),
        ret("c", 0.5, 3),
        ret("d", 1.25, 4),
    ];
    let reversed = [ret("a", 3.0, 10), ret("b", 2.0, 20), ret("c", 1.0, 30)];
    let six: Vec<Job> = [1.625, 0.375, 2.25, 0.75, 1.25, 0.5]
        .iter()
        .enumerate()
        .map(|(i, secs)| ret(&format!("j{i}"), *secs, i as i64 * 11))
        .collect();
    let failing = [
        ret("a", 1.0, 1),
        ret("b", 2.5, 2),
        fail("c", 0.5, "ValueError"),
        ret("d", 1.25, 4),
        ret("e", 0.25, 5),
    ];
    let fails_first = [fail("a", 0.75, "KeyError"), ret("b", 2.0, 2), ret("c", 1.0, 3)];
    vec![
        Check::new(
            "gather_results_in_order",
            "gather_limited returns the results in the order of the factories, however they finish",
            3,
            vec![gather_script(&four, 2), gather_script(&reversed, 3), gather_script(&reversed, 5)],
        ),
        Check::new(
            "gather_limits_concurrency",
            "at most `limit` run at once (exactly min(limit, n) at first), and the next starts as soon as one ends",
            3,
            vec![
                gather_script(&six, 1),
                gather_script(&six, 2),
                gather_script(&six, 3),
                gather_script(&six, 6),
            ],
        ),
        Check::new(
            "gather_first_exception",
            "the first exception cancels those running, starts no more, and is raised itself",
            3,
            vec![gather_script(&failing, 2), gather_script(&fails_first, 3)],
        ),
        Check::new(
            "gather_edge_cases",
            "no factories gives []; limit < 1 raises ValueError before anything starts",
            1,
            vec![
                gather_script(&[], 3),
                gather_script(&reversed, 0),
            ],
        ),
    ]
}

fn timeout_checks() -> Vec<Check<Script>> {
    vec![
        Check::new(
            "with_timeout_result",
            "with_timeout returns the coroutine's result (or lets its exception through) the moment it finishes",
            2,
            vec![
                timeout_script(&ret("a", 1.5, 7), 16),
                timeout_script(&fail("a", 0.5, "OSError"), 8),
            ],
        ),
        Check::new(
            "with_timeout_times_out",
            "with_timeout raises TimeoutError at exactly `seconds`, with the coroutine cancelled",
            3,
            vec![
                timeout_script(&ret("a", 3.0, 7), 13),
                timeout_script(&ret("slow", 100.0, 1), 5),
            ],
        ),
    ]
}

fn retry_checks() -> Vec<Check<Script>> {
    use Outcome::{Raise, Return};
    vec![
        Check::new(
            "retry_backoff",
            "retry_async waits base_delay, 2 * base_delay, 4 * base_delay… after each failure",
            3,
            vec![
                retry_script(
                    "x",
                    &[(4, Raise("ValueError")), (2, Raise("KeyError")), (8, Return(7))],
                    3,
                    4,
                ),
                retry_script(
                    "y",
                    &[
                        (1, Raise("RuntimeError")),
                        (1, Raise("RuntimeError")),
                        (1, Raise("RuntimeError")),
                        (2, Return(5)),
                    ],
                    5,
                    2,
                ),
            ],
        ),
        Check::new(
            "retry_first_success",
            "retry_async returns the first result at once, with no further attempt",
            1,
            vec![
                retry_script("z", &[(3, Return(1))], 4, 8),
                retry_script("w", &[(1, Raise("ValueError")), (3, Return(2))], 4, 8),
            ],
        ),
        Check::new(
            "retry_reraises_last",
            "after `attempts` failures the last exception itself is raised, at once",
            2,
            vec![
                retry_script(
                    "x",
                    &[(2, Raise("ValueError")), (2, Raise("KeyError")), (1, Raise("OSError"))],
                    3,
                    4,
                ),
                retry_script("v", &[(5, Raise("ValueError"))], 1, 4),
            ],
        ),
        Check::new(
            "retry_only_exceptions",
            "an exception that is not an Exception (a BaseException) propagates without a retry",
            1,
            vec![retry_script(
                "x",
                &[(2, Raise("ValueError")), (2, Raise("Abort")), (1, Return(3))],
                3,
                4,
            )],
        ),
        Check::new(
            "retry_rejects_no_attempts",
            "attempts < 1 raises ValueError without calling the factory",
            1,
            vec![retry_script("x", &[(1, Return(1))], 0, 4)],
        ),
    ]
}

fn first_checks() -> Vec<Check<Script>> {
    vec![
        Check::new(
            "first_completed_result",
            "first_completed starts them all at once and returns the first result",
            2,
            vec![
                first_script(&[ret("a", 3.0, 1), ret("b", 1.0, 2), ret("c", 2.0, 3)]),
                first_script(&[ret("only", 0.5, 9)]),
            ],
        ),
        Check::new(
            "first_completed_cancels_others",
            "the others are cancelled the moment the first finishes",
            3,
            vec![
                first_script(&[ret("a", 0.25, 1), ret("b", 4.0, 2), ret("c", 2.0, 3), ret("d", 8.0, 4)]),
                first_script(&[ret("a", 5.0, 1), ret("b", 4.5, 2)]),
            ],
        ),
        Check::new(
            "first_completed_raises",
            "when the first to finish raises, that exception is raised and the others are cancelled; no factories raises ValueError",
            1,
            vec![
                first_script(&[ret("a", 3.0, 1), fail("b", 1.0, "KeyError"), ret("c", 2.0, 3)]),
                first_script(&[]),
            ],
        ),
    ]
}

// ---- random cases -----------------------------------------------------------

const ERRORS: [&str; 4] = ["ValueError", "KeyError", "RuntimeError", "OSError"];

fn random_jobs(rng: &mut Rng, n: usize, fail_chance: f64) -> Vec<Job> {
    (0..n)
        .map(|i| Job {
            tag: format!("t{i}"),
            ticks: rng.random_range(1..=32),
            outcome: if rng.random_bool(fail_chance) {
                Outcome::Raise(ERRORS[rng.random_range(0..ERRORS.len())])
            } else {
                Outcome::Return(rng.random_range(-50..100))
            },
        })
        .collect()
}

/// Random jobs and a limit whose simulation has no ties.
fn random_gather(rng: &mut Rng) -> Script {
    loop {
        let n = rng.random_range(1..=8);
        let fail_chance = if rng.random_bool(0.5) { 0.0 } else { 0.15 };
        let jobs = random_jobs(rng, n, fail_chance);
        let limit = rng.random_range(1..=n as i64 + 1);
        if no_ties(&gather_limited(&jobs, limit), &jobs) {
            return gather_script(&jobs, limit);
        }
    }
}

fn random_timeout(rng: &mut Rng) -> Script {
    loop {
        let jobs = random_jobs(rng, 1, 0.25);
        let limit = rng.random_range(1..=40);
        if jobs[0].ticks != limit {
            return timeout_script(&jobs[0], limit);
        }
    }
}

fn random_retry(rng: &mut Rng) -> Script {
    let attempts = rng.random_range(1..=5);
    let specs: Vec<(Ticks, Outcome)> = (0..attempts)
        .map(|_| {
            let outcome = if rng.random_bool(0.7) {
                Outcome::Raise(ERRORS[rng.random_range(0..ERRORS.len())])
            } else {
                Outcome::Return(rng.random_range(0..100))
            };
            (rng.random_range(1..=12), outcome)
        })
        .collect();
    retry_script("r", &specs, attempts, rng.random_range(1..=8))
}

fn random_first(rng: &mut Rng) -> Script {
    loop {
        let n = rng.random_range(1..=6);
        let jobs = random_jobs(rng, n, 0.2);
        let mut ticks: Vec<Ticks> = jobs.iter().map(|j| j.ticks).collect();
        ticks.sort_unstable();
        if ticks.len() < 2 || ticks[0] != ticks[1] {
            return first_script(&jobs);
        }
    }
}

// ---- the harness --------------------------------------------------------------

/// The virtual-time loop and the lab (see the module documentation).
const FIXTURES: &str = r#"
"""Helpers of the async_await checks: an event loop on virtual time, and a
lab of coroutines built from descriptions that record what happened to them
(start, finish, raise, cancellation, each with the virtual time) and how many
ran at once."""

import asyncio
import asyncio.base_events
import asyncio.tasks
import sys

_BaseEventLoop = asyncio.base_events.BaseEventLoop
_sleep = asyncio.sleep
_CancelledError = asyncio.CancelledError
_all_tasks = asyncio.all_tasks
_gather = asyncio.gather
_setprofile = sys.setprofile
_getprofile = sys.getprofile
_sorted = sorted

# A run is taken to loop forever past this many virtual seconds, or this
# many turns of the loop (the checks need far fewer of both), so a coroutine
# that never ends costs one check, not the whole exercise's time.
_HORIZON = 10_000.0
_MAX_TURNS = 20_000


class Abort(BaseException):
    """Not an Exception: what retry_async must not retry."""


_EXCEPTIONS = {
    "ValueError": ValueError,
    "KeyError": KeyError,
    "RuntimeError": RuntimeError,
    "OSError": OSError,
    "Abort": Abort,
}


def _prints():
    """(name, co_code, co_names) of the standard library's timeouts: what a
    copy of them (a reloaded module, pasted source) still runs."""
    functions = [asyncio.tasks.wait_for]
    timeouts = getattr(asyncio, "timeouts", None)
    if timeouts is not None:
        functions += [timeouts.timeout, timeouts.timeout_at]
        for name in ("__aenter__", "__aexit__", "reschedule", "_on_timeout"):
            functions.append(timeouts.Timeout.__dict__[name])
    prints = {}
    for function in functions:
        code = function.__code__
        prints[(code.co_name, code.co_code, code.co_names)] = function.__qualname__
    return prints


_PRINTS = _prints()
_WATCHED = frozenset(key[0] for key in _PRINTS)

# What the virtual loop inherits, and the code of the sleep the lab's
# coroutines call, captured now: verify() tells when candidate code
# replaced any (a reloaded asyncio.tasks leaves the captured sleep alone).
_GUARDED = tuple(
    (name, _BaseEventLoop.__dict__[name], _BaseEventLoop.__dict__[name].__code__)
    for name in ("_run_once", "call_at", "call_later", "call_soon", "run_until_complete", "run_forever", "create_task")
)
_SLEEP_CODE = _sleep.__code__


class LoopStalled(RuntimeError):
    pass


class _Selector:
    """Polls nothing: where the loop would wait `timeout` seconds for I/O,
    the virtual clock moves on by `timeout` instead."""

    def __init__(self, loop):
        self._loop = loop
        self._turns = 0

    def select(self, timeout=None):
        self._turns += 1
        if self._turns > _MAX_TURNS:
            raise LoopStalled("the event loop turned 20,000 times: a coroutine never ends")
        if timeout is None:
            raise LoopStalled(
                "the event loop has nothing left to run: a coroutine waits for something that never happens"
            )
        if timeout > 0:
            self._loop._now += timeout
            if self._loop._now > _HORIZON:
                raise LoopStalled("virtual time ran past 10,000 seconds: a coroutine never ends")
        return []

    def close(self):
        pass


class VirtualLoop(_BaseEventLoop):
    """An asyncio event loop whose time() is virtual: asyncio.sleep(5) takes
    no real time and moves loop.time() on by 5."""

    def __init__(self):
        super().__init__()
        self._now = 0.0
        self._selector = _Selector(self)

    def time(self):
        return self._now

    def _process_events(self, event_list):
        pass

    def _write_to_self(self):
        pass


class Lab:
    """Coroutines from descriptions, and a record of what happened to them."""

    def __init__(self):
        self._events = []
        self._errors = {}
        self._loop = None
        self._laundered = None
        self._profile_lost = False
        self.running = 0
        self.peak = 0
        self.end = None

    def _log(self, kind, tag):
        self._events.append((self._loop.time(), kind, tag))

    async def _job(self, tag, duration, outcome):
        self._log("start", tag)
        self.running += 1
        if self.running > self.peak:
            self.peak = self.running
        try:
            await _sleep(duration)
        except _CancelledError:
            self._log("cancelled", tag)
            raise
        finally:
            self.running -= 1
        if type(outcome) is str:
            error = _EXCEPTIONS[outcome](tag)
            self._errors[tag] = error
            self._log("raise", tag)
            raise error
        self._log("finish", tag)
        return outcome

    def job(self, tag, duration, outcome):
        """A factory: each call returns a new coroutine that sleeps `duration`
        virtual seconds, then returns `outcome` (an int) or raises the
        exception class it names (a str), with `tag` as its argument."""

        def factory():
            return self._job(tag, duration, outcome)

        return factory

    def flaky(self, tag, attempts):
        """A factory whose k-th call (from 1) returns a coroutine for
        attempts[k - 1] = (duration, outcome), tagged tag + str(k); calls
        beyond the list repeat its last entry."""
        calls = [0]

        def factory():
            calls[0] += 1
            k = calls[0]
            duration, outcome = attempts[min(k, len(attempts)) - 1]
            return self._job(f"{tag}{k}", duration, outcome)

        return factory

    def error(self, tag):
        """The exception object the coroutine tagged `tag` raised."""
        return self._errors.get(tag)

    def events(self):
        """(virtual time, kind, tag) of every start, finish, raise and
        cancellation, sorted. A coroutine cancelled in the very instant it
        started, before it could sleep, counts as never started."""
        instant = {
            tag
            for (at, kind, tag) in self._events
            if kind == "cancelled" and (at, "start", tag) in self._events
        }
        return _sorted(e for e in self._events if e[2] not in instant)

    def _profile(self, frame, event, arg):
        if event == "call":
            code = frame.f_code
            if code.co_name in _WATCHED:
                found = _PRINTS.get((code.co_name, code.co_code, code.co_names))
                if found is not None and self._laundered is None:
                    self._laundered = found
        return None

    def run(self, coro):
        """Runs `coro` on a fresh virtual-time loop and returns its result
        (or raises its exception); `end` is the virtual time then. Tasks
        still pending afterwards (cancellations requested and not yet
        delivered, or coroutines nobody cancelled) then run to their end."""
        loop = self._loop = VirtualLoop()
        previous = _getprofile()
        _setprofile(self._profile)
        try:
            try:
                return loop.run_until_complete(coro)
            finally:
                self.end = loop.time()
                pending = [t for t in _all_tasks(loop) if not t.done()]
                if pending:
                    try:
                        loop.run_until_complete(_gather(*pending, return_exceptions=True))
                    except LoopStalled:
                        pass
        finally:
            if _getprofile() != self._profile:
                self._profile_lost = True
            _setprofile(previous)
            loop.close()

    def verify(self):
        """Raises when the run used the standard library's timeouts."""
        if self._laundered is not None:
            raise RuntimeError(
                f"the call ran asyncio's own {self._laundered}, which is unavailable while async_await is graded (a copy reached again counts too): build it yourself"
            )
        if self._profile_lost:
            raise RuntimeError("the call removed the grader's profile hook")
        for name, function, code in _GUARDED:
            if _BaseEventLoop.__dict__.get(name) is not function or function.__code__ is not code:
                raise RuntimeError(f"the call replaced asyncio's {name}, which the grader's event loop uses")
        if _sleep.__code__ is not _SLEEP_CODE:
            raise RuntimeError("the call replaced the code of asyncio.sleep, which the grader's coroutines use")
"#;

/// Switches off the standard library's timeouts before the candidate's
/// module is imported (the fixtures captured their code first).
const DISABLE_TIMEOUTS: &std::ffi::CStr = cr#"
import asyncio, asyncio.tasks


def _disabled(*args, **kwargs):
    raise RuntimeError(
        "asyncio.wait_for and asyncio.timeout are disabled while async_await is graded: build with_timeout yourself"
    )


asyncio.wait_for = asyncio.tasks.wait_for = _disabled
_timeouts = getattr(asyncio, "timeouts", None)
if _timeouts is not None:
    for _name in ("timeout", "timeout_at", "Timeout"):
        setattr(asyncio, _name, _disabled)
        setattr(_timeouts, _name, _disabled)
"#;

impl ScriptedExercise for AsyncAwaitExercise {
    fn id(&self) -> &'static str {
        "async_await"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let mut checks = gather_checks();
        checks.extend(timeout_checks());
        checks.extend(retry_checks());
        checks.extend(first_checks());
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let gather = (0..6).map(|_| random_gather(rng)).collect();
        let timeout = (0..5).map(|_| random_timeout(rng)).collect();
        let retry = (0..5).map(|_| random_retry(rng)).collect();
        let first = (0..4).map(|_| random_first(rng)).collect();
        vec![
            Check::new(
                "gather_random",
                "gather_limited on random coroutines and limits, some raising",
                3,
                gather,
            ),
            Check::new(
                "with_timeout_random",
                "with_timeout on random durations and limits",
                2,
                timeout,
            ),
            Check::new(
                "retry_random",
                "retry_async on random failures, durations and delays",
                2,
                retry,
            ),
            Check::new(
                "first_completed_random",
                "first_completed on random races",
                2,
                first,
            ),
        ]
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        // A private namespace, so nothing of this is visible to the candidate.
        let globals = PyDict::new(py);
        py.run(DISABLE_TIMEOUTS, Some(&globals), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn events(run: &Run) -> Vec<(Ticks, &'static str, String)> {
        run.events
            .iter()
            .map(|(at, kind, tag)| (*at, kind.name(), tag.clone()))
            .collect()
    }

    fn ev(at: Ticks, kind: &'static str, tag: &str) -> (Ticks, &'static str, String) {
        (at, kind, tag.to_string())
    }

    #[test]
    fn gather_starts_the_next_when_one_ends() {
        let jobs = [ret("a", 1.0, 1), ret("b", 2.5, 2), ret("c", 0.5, 3), ret("d", 1.25, 4)];
        let run = gather_limited(&jobs, 2);
        assert_eq!(
            run.outcome,
            Ok(Value::List((1..=4).map(Value::Int).collect()))
        );
        assert_eq!(
            events(&run),
            vec![
                ev(0, "start", "a"),
                ev(0, "start", "b"),
                ev(8, "finish", "a"),
                ev(8, "start", "c"),
                ev(12, "finish", "c"),
                ev(12, "start", "d"),
                ev(20, "finish", "b"),
                ev(22, "finish", "d"),
            ]
        );
        assert_eq!((run.peak, run.end), (2, 22));
    }

    #[test]
    fn gather_cancels_on_the_first_exception() {
        let jobs = [ret("a", 1.0, 1), ret("b", 2.5, 2), fail("c", 0.5, "ValueError"), ret("d", 1.25, 4)];
        let run = gather_limited(&jobs, 2);
        assert_eq!(run.outcome, Err(("ValueError".into(), Some("c".into()))));
        assert_eq!(
            events(&run),
            vec![
                ev(0, "start", "a"),
                ev(0, "start", "b"),
                ev(8, "finish", "a"),
                ev(8, "start", "c"),
                ev(12, "cancelled", "b"),
                ev(12, "raise", "c"),
            ]
        );
        assert_eq!(run.end, 12);
    }

    #[test]
    fn timeouts_retries_and_races() {
        let late = with_timeout(&ret("a", 3.0, 7), 16);
        assert_eq!(late.outcome, Err(("TimeoutError".into(), None)));
        assert_eq!(events(&late), vec![ev(0, "start", "a"), ev(16, "cancelled", "a")]);
        let retried = retry_async(
            "x",
            &[(4, Outcome::Raise("ValueError")), (2, Outcome::Raise("KeyError")), (8, Outcome::Return(7))],
            3,
            4,
        );
        // Attempts at 0, 4 + 4 = 8, 10 + 8 = 18; done at 26.
        assert_eq!(
            events(&retried),
            vec![
                ev(0, "start", "x1"),
                ev(4, "raise", "x1"),
                ev(8, "start", "x2"),
                ev(10, "raise", "x2"),
                ev(18, "start", "x3"),
                ev(26, "finish", "x3"),
            ]
        );
        let race = first_completed(&[ret("a", 3.0, 1), ret("b", 1.0, 2)]);
        assert_eq!(race.outcome, Ok(Value::Int(2)));
        assert_eq!(race.peak, 2);
        assert_eq!(events(&race)[2], ev(8, "cancelled", "a"));
    }

    #[test]
    fn generated_cases_have_no_ties() {
        let mut rng = Rng::seed_from_u64(5);
        for _ in 0..200 {
            let _ = random_gather(&mut rng);
            let _ = random_first(&mut rng);
        }
    }

    /// The harness's loop and lab, running the reference solution outside
    /// the sandbox, record exactly the events the simulation predicts.
    #[test]
    fn the_harness_agrees_with_the_simulation() {
        use pyo3::types::PyAnyMethods;
        Python::initialize();
        Python::attach(|py| {
            let globals = PyDict::new(py);
            let fixtures = std::ffi::CString::new(FIXTURES).unwrap();
            py.run(&fixtures, Some(&globals), None).unwrap();
            let solution = std::ffi::CString::new(include_str!(
                "../../exercises/async_await/solution.py"
            ))
            .unwrap();
            py.run(&solution, Some(&globals), None).unwrap();
            let helper = std::ffi::CString::new(
                r#"
def observe(name, jobs, *rest):
    lab = Lab()
    factories = [lab.job(tag, ticks / 8, outcome) for tag, ticks, outcome in jobs]
    try:
        outcome = lab.run(globals()[name](factories, *rest))
    except BaseException as e:
        outcome = type(e).__name__
    lab.verify()
    return outcome, [(int(at * 8), kind, tag) for at, kind, tag in lab.events()], lab.peak, int(lab.end * 8)
"#,
            )
            .unwrap();
            py.run(&helper, Some(&globals), None).unwrap();
            let observe = globals.get_item("observe").unwrap().unwrap();
            let mut rng = Rng::seed_from_u64(9);
            let as_py = |jobs: &[Job]| -> Vec<(String, Ticks, Value)> {
                jobs.iter()
                    .map(|j| (j.tag.clone(), j.ticks, outcome_value(&j.outcome)))
                    .collect()
            };
            let compare = |run: Run, theirs: Bound<'_, PyAny>| {
                type Observed<'py> = (Bound<'py, PyAny>, Vec<(Ticks, String, String)>, i64, Ticks);
                let (outcome, events, peak, end): Observed<'_> = theirs.extract().unwrap();
                let expected_outcome = match &run.outcome {
                    Ok(v) => v.clone(),
                    Err((ty, _)) => Value::str(ty.as_str()),
                };
                assert_eq!(crate::driver::extract(&outcome), expected_outcome);
                let ours: Vec<(Ticks, String, String)> = run
                    .events
                    .iter()
                    .map(|(at, kind, tag)| (*at, kind.name().to_string(), tag.clone()))
                    .collect();
                assert_eq!(ours, events);
                assert_eq!((run.peak, run.end), (peak, end));
            };
            for _ in 0..60 {
                let n = rng.random_range(1..=6);
                let jobs = random_jobs(&mut rng, n, 0.2);
                let limit = rng.random_range(1..=n as i64 + 1);
                let run = gather_limited(&jobs, limit);
                if no_ties(&run, &jobs) {
                    let items: Vec<Value> = as_py(&jobs)
                        .into_iter()
                        .map(|(t, k, o)| Value::Tuple(vec![Value::Str(t), Value::Int(k), o]))
                        .collect();
                    let py_jobs = crate::driver::to_python(py, &Value::List(items)).unwrap();
                    compare(run, observe.call1(("gather_limited", py_jobs, limit)).unwrap());
                }
                let run = first_completed(&jobs);
                let mut ticks: Vec<Ticks> = jobs.iter().map(|j| j.ticks).collect();
                ticks.sort_unstable();
                if ticks.len() < 2 || ticks[0] != ticks[1] {
                    let items: Vec<Value> = as_py(&jobs)
                        .into_iter()
                        .map(|(t, k, o)| Value::Tuple(vec![Value::Str(t), Value::Int(k), o]))
                        .collect();
                    let py_jobs = crate::driver::to_python(py, &Value::List(items)).unwrap();
                    compare(run, observe.call1(("first_completed", py_jobs)).unwrap());
                }
            }
        });
    }
}
