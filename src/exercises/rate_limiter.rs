//! `rate_limiter` (question 26): a token bucket, a sliding-window limiter, and
//! a decorator that puts a limiter in front of a function.
//!
//! Reference: [`TokenBucket`] and [`SlidingWindow`] over an injected time
//! value, replayed over a script of `(clock time, operation)` steps. The
//! script injects the kit's fake clock and moves it before every step that
//! reads a new time, so nothing sleeps. Every rate is a power of two and
//! every capacity, token count and time a multiple of 1/8, so each quantity
//! a correct solution computes (by any formula, division by the rate
//! included) is exact.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use pyo3::prelude::*;
use rand::RngExt;

use crate::driver::{Candidate, Observed, hammer};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script};
use crate::value::Value;

pub struct RateLimiter;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<RateLimiter> = Scripted(RateLimiter);

/// One step of a token-bucket script: the clock is set to `at` first.
#[derive(Debug, Clone)]
pub enum BucketOp {
    /// `bucket.allow(tokens)`, or `bucket.allow()` when `tokens` is `None`.
    Allow { at: f64, tokens: Option<f64> },
    /// `bucket.available`.
    Available { at: f64 },
}

impl BucketOp {
    fn at(&self) -> f64 {
        match self {
            BucketOp::Allow { at, .. } | BucketOp::Available { at } => *at,
        }
    }
}

/// One call of the `fetch` fixture through the decorator: `f(x)` or `f(x, scale=s)`.
#[derive(Debug, Clone, Copy)]
pub struct Fetch {
    pub x: i64,
    pub scale: Option<i64>,
}

/// One call of a check, as the Rust reference reads it; [`script`] turns it
/// into the steps the child runs, with what each must observe.
#[derive(Debug, Clone)]
pub enum Call {
    /// A bucket made at clock time `start`, then `ops`.
    Bucket {
        rate: f64,
        capacity: f64,
        start: f64,
        ops: Vec<BucketOp>,
    },
    /// Only `TokenBucket(rate=…, capacity=…, clock=…)`.
    NewBucket { rate: f64, capacity: f64 },
    /// `threads` threads call `allow(tokens)` `calls_each` times each on a
    /// full bucket whose clock stands still.
    BucketThreads {
        capacity: f64,
        tokens: f64,
        threads: i64,
        calls_each: i64,
    },
    /// A window made at clock time `start`, then `allow()` at each of `times`.
    Window {
        limit: i64,
        window: f64,
        start: f64,
        times: Vec<f64>,
    },
    /// `rate_limited(Scripted(answers))(fetch)`, then `calls`.
    Limited {
        answers: Vec<bool>,
        calls: Vec<Fetch>,
    },
    /// `rate_limited(TokenBucket(rate, capacity, clock))(fetch)`, then each
    /// `f(x)` at its clock time.
    LimitedBucket {
        rate: f64,
        capacity: f64,
        start: f64,
        calls: Vec<(f64, i64)>,
    },
    /// The decorated `fetch`'s metadata.
    LimitedMetadata,
}

// ---- the Rust reference -------------------------------------------------

/// A token bucket over an injected time: full at the start, refilled lazily
/// at `rate` per second up to `capacity`. Time never runs backwards for it:
/// a reading earlier than the latest one adds nothing.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    latest: f64,
}

impl TokenBucket {
    /// `None` where Python raises `ValueError` (`rate <= 0` or `capacity <= 0`).
    pub fn new(rate: f64, capacity: f64, now: f64) -> Option<Self> {
        (rate > 0.0 && capacity > 0.0).then_some(TokenBucket {
            rate,
            capacity,
            tokens: capacity,
            latest: now,
        })
    }

    fn refill(&mut self, now: f64) {
        if now > self.latest {
            self.tokens = (self.tokens + (now - self.latest) * self.rate).min(self.capacity);
            self.latest = now;
        }
    }

    /// Takes `tokens` if there are that many; `None` where Python raises
    /// `ValueError` (`tokens <= 0`).
    pub fn allow(&mut self, now: f64, tokens: f64) -> Option<bool> {
        if tokens <= 0.0 {
            return None;
        }
        self.refill(now);
        if self.tokens >= tokens {
            self.tokens -= tokens;
            Some(true)
        } else {
            Some(false)
        }
    }

    pub fn available(&mut self, now: f64) -> f64 {
        self.refill(now);
        self.tokens
    }
}

/// Grants at most `limit` calls within any half-open interval `(t - window, t]`.
#[derive(Debug, Clone)]
pub struct SlidingWindow {
    limit: usize,
    window: f64,
    granted: VecDeque<f64>,
}

impl SlidingWindow {
    pub fn new(limit: i64, window: f64) -> Self {
        SlidingWindow {
            limit: usize::try_from(limit).unwrap_or(0),
            window,
            granted: VecDeque::new(),
        }
    }

    pub fn allow(&mut self, now: f64) -> bool {
        let now = self.granted.back().map_or(now, |last| now.max(*last));
        while self
            .granted
            .front()
            .is_some_and(|t| *t <= now - self.window)
        {
            self.granted.pop_front();
        }
        if self.granted.len() < self.limit {
            self.granted.push_back(now);
            true
        } else {
            false
        }
    }
}

fn value_error() -> Value {
    Value::Raised("ValueError".into())
}

fn rate_limited_error() -> Value {
    Value::Raised("RateLimited".into())
}

#[cfg(test)]
fn bucket_script(rate: f64, capacity: f64, start: f64, ops: &[BucketOp]) -> Value {
    let Some(mut bucket) = TokenBucket::new(rate, capacity, start) else {
        return value_error();
    };
    Value::List(
        ops.iter()
            .map(|op| match op {
                BucketOp::Allow { at, tokens } => bucket
                    .allow(*at, tokens.unwrap_or(1.0))
                    .map_or_else(value_error, Value::Bool),
                BucketOp::Available { at } => Value::Float(bucket.available(*at)),
            })
            .collect(),
    )
}

/// The `fetch` fixture's result for one call it really receives.
fn fetch_result(call: &Fetch) -> Value {
    if call.x < 0 {
        Value::Raised("KeyError".into())
    } else {
        Value::Int(call.x * call.scale.unwrap_or(1))
    }
}

/// The docstring of the `fetch` fixture (also in [`FIXTURES`]).
const FETCH_DOC: &str = "Fetch item x, multiplied by scale; raise KeyError for a negative x.";

/// Python the driver uses: fresh objects for every call.
const FIXTURES: &str = r#"
"""Functions and limiters the rate_limiter driver uses; every call gets fresh ones."""


def make_fetch(counter=None):
    """`fetch`, whose real calls `counter` (a native CallCount) counts."""
    tick = (counter or CallCount()).tick

    def fetch(x, *, scale=1):
        """Fetch item x, multiplied by scale; raise KeyError for a negative x."""
        tick()
        if x < 0:
            raise KeyError(x)
        return x * scale

    fetch.__qualname__ = "Client.fetch"
    return fetch


class Scripted:
    """A limiter whose allow() gives the scripted answers in turn and counts the questions."""

    def __init__(self, answers, counter=None):
        self.answers = list(answers)
        self.counter = counter or CallCount()
        self.ticks = self.counter.tick

    def allow(self):
        asked = self.ticks()
        return self.answers[(asked - 1) % len(self.answers)]
"#;

// ---- checks, expectations and the driver --------------------------------

fn allow(at: f64) -> BucketOp {
    BucketOp::Allow { at, tokens: None }
}

fn take(at: f64, tokens: f64) -> BucketOp {
    BucketOp::Allow {
        at,
        tokens: Some(tokens),
    }
}

fn available(at: f64) -> BucketOp {
    BucketOp::Available { at }
}

fn bucket(rate: f64, capacity: f64, start: f64, ops: Vec<BucketOp>) -> Call {
    Call::Bucket {
        rate,
        capacity,
        start,
        ops,
    }
}

fn window(limit: i64, window: f64, start: f64, times: &[f64]) -> Call {
    Call::Window {
        limit,
        window,
        start,
        times: times.to_vec(),
    }
}

fn fetch(x: i64, scale: Option<i64>) -> Fetch {
    Fetch { x, scale }
}


/// A multiple of 1/8 in `lo..=hi` eighths.
fn eighths(rng: &mut Rng, lo: i64, hi: i64) -> f64 {
    rng.random_range(lo..=hi) as f64 / 8.0
}

impl ScriptedExercise for RateLimiter {
    fn id(&self) -> &'static str {
        "rate_limiter"
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

    /// `allow_threads(bucket, tokens, threads, calls_each)`: the thread
    /// hammer calls `bucket.allow(tokens)` from `threads` threads,
    /// `calls_each` times each; observes the exceptions raised and the
    /// number of True answers, both counted on the native side.
    fn probe<'py>(
        &self,
        candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        let ([bucket, tokens, threads, calls_each], "allow_threads") = (args, name) else {
            return Err(crate::exercise::unknown_probe(name, args.len()));
        };
        let tokens: f64 = tokens.extract()?;
        let bucket = bucket.clone().unbind();
        let granted = AtomicUsize::new(0);
        let errors = hammer(
            candidate,
            threads.extract()?,
            calls_each.extract()?,
            |py, _, _| {
                if bucket
                    .bind(py)
                    .call_method1("allow", (tokens,))?
                    .is_truthy()?
                {
                    granted.fetch_add(1, SeqCst);
                }
                Ok(())
            },
        )?;
        Ok(Value::record([
            (
                "errors",
                Value::List(errors.into_iter().map(Value::Str).collect()),
            ),
            ("granted", Value::Int(granted.into_inner() as i64)),
        ]))
    }
}

/// `TokenBucket(rate=…, capacity=…, clock=clock)`.
fn new_bucket(rate: f64, capacity: f64, clock: Expr) -> Expr {
    Expr::name("TokenBucket").call_kw(
        vec![],
        vec![
            ("rate", Expr::lit(Value::Float(rate))),
            ("capacity", Expr::lit(Value::Float(capacity))),
            ("clock", clock),
        ],
    )
}

/// `expr`, a `ValueError` of a subclass the candidate defined observed as
/// `ValueError`.
fn or_value_error(expr: Expr) -> Expr {
    expr.raises_as(Expr::builtin("ValueError"))
}

/// `f(x)` or `f(x, scale=s)`, the candidate's `RateLimited` (or a subclass)
/// observed as `RateLimited`.
fn fetch_call(call: &Fetch) -> Expr {
    let kwargs = call
        .scale
        .map(|s| vec![("scale", Expr::lit(s))])
        .unwrap_or_default();
    Expr::var("f")
        .call_kw(vec![Expr::lit(call.x)], kwargs)
        .raises_as(Expr::name("RateLimited"))
}

/// Moves the fake clock bound to `clock` to `at` when it reads another time.
fn tick(script: Script, now: &mut f64, at: f64) -> Script {
    if at == *now {
        script
    } else {
        *now = at;
        script.set_clock("clock", at)
    }
}

/// The call as steps, each with what the Rust reference observes there: the
/// fake clock is bound to `clock` and moved before the step that reads a
/// new time; exceptions the contract names are read by class, so a subclass
/// the candidate defined is observed as the class itself.
fn script(call: &Call) -> Script {
    match call {
        Call::Bucket {
            rate,
            capacity,
            start,
            ops,
        } => {
            let mut reference =
                TokenBucket::new(*rate, *capacity, *start).expect("scripts use a valid bucket");
            let mut now = *start;
            let mut script = Script::new().bind("clock", Expr::Clock(*start)).bind(
                "bucket",
                new_bucket(*rate, *capacity, Expr::var("clock")),
            );
            for op in ops {
                script = tick(script, &mut now, op.at());
                let bucket = Expr::var("bucket");
                script = match op {
                    BucketOp::Allow { at, tokens } => {
                        let args = tokens.map(|t| vec![Expr::lit(Value::Float(t))]);
                        let expected = reference
                            .allow(*at, tokens.unwrap_or(1.0))
                            .map_or_else(value_error, Value::Bool);
                        script.observe(
                            or_value_error(bucket.method("allow", args.unwrap_or_default())),
                            expected,
                        )
                    }
                    BucketOp::Available { at } => script.observe(
                        bucket.attr("available"),
                        Value::Float(reference.available(*at)),
                    ),
                };
            }
            script
        }
        Call::NewBucket { rate, capacity } => {
            let expected = match TokenBucket::new(*rate, *capacity, 0.0) {
                Some(_) => Value::Other("TokenBucket".into()),
                None => value_error(),
            };
            Script::new().observe(
                or_value_error(new_bucket(*rate, *capacity, Expr::Clock(0.0))),
                expected,
            )
        }
        Call::BucketThreads {
            capacity,
            tokens,
            threads,
            calls_each,
        } => {
            let mut reference = TokenBucket::new(1.0, *capacity, 0.0).expect("a valid bucket");
            let granted = (0..threads * calls_each)
                .filter(|_| reference.allow(0.0, *tokens) == Some(true))
                .count();
            let text = format!(
                "{threads} threads at once each call bucket.allow({}) {calls_each} times \
                 (the clock stands still): the exceptions raised, the number of True answers",
                Value::Float(*tokens).literal()
            );
            Script::new()
                .bind("bucket", new_bucket(1.0, *capacity, Expr::Clock(0.0)))
                .probe(
                    "allow_threads",
                    &text,
                    vec![
                        Expr::var("bucket"),
                        Expr::lit(Value::Float(*tokens)),
                        Expr::lit(*threads),
                        Expr::lit(*calls_each),
                    ],
                    Value::record([
                        ("errors", Value::List(vec![])),
                        ("granted", Value::Int(granted as i64)),
                    ]),
                )
                .observe(
                    Expr::var("bucket").attr("available"),
                    Value::Float(reference.available(0.0)),
                )
        }
        Call::Window {
            limit,
            window,
            start,
            times,
        } => {
            let mut reference = SlidingWindow::new(*limit, *window);
            let mut now = *start;
            let mut script = Script::new().bind("clock", Expr::Clock(*start)).bind(
                "window",
                Expr::name("SlidingWindow").call_kw(
                    vec![],
                    vec![
                        ("limit", Expr::lit(*limit)),
                        ("window", Expr::lit(Value::Float(*window))),
                        ("clock", Expr::var("clock")),
                    ],
                ),
            );
            for t in times {
                script = tick(script, &mut now, *t);
                script = script.observe(
                    Expr::var("window").method("allow", vec![]),
                    reference.allow(*t),
                );
            }
            script
        }
        Call::Limited { answers, calls } => {
            let answers_value = Value::List(answers.iter().map(|a| Value::Bool(*a)).collect());
            // The counts are native and held here (see `driver::CallCount`).
            let mut script = Script::new()
                .bind("asked", Expr::fixture("CallCount").call(vec![]))
                .bind("fetched", Expr::fixture("CallCount").call(vec![]))
                .bind(
                    "limiter",
                    Expr::fixture("Scripted")
                        .call(vec![Expr::Lit(answers_value), Expr::var("asked")]),
                )
                .bind(
                    "fetch",
                    Expr::fixture("make_fetch").call(vec![Expr::var("fetched")]),
                )
                .bind(
                    "f",
                    Expr::name("rate_limited")
                        .call(vec![Expr::var("limiter")])
                        .call(vec![Expr::var("fetch")]),
                );
            let mut fetched: i64 = 0;
            for (asked, call) in calls.iter().enumerate() {
                let expected = if answers[asked % answers.len()] {
                    fetched += 1;
                    fetch_result(call)
                } else {
                    rate_limited_error()
                };
                script = script.observe(fetch_call(call), expected);
            }
            script
                .observe(Expr::var("fetched").attr("calls"), fetched)
                .observe(
                    Expr::var("asked").attr("calls"),
                    calls.len() as i64,
                )
                .observe(
                    Expr::builtin("issubclass").call(vec![
                        Expr::name("RateLimited"),
                        Expr::builtin("Exception"),
                    ]),
                    true,
                )
        }
        Call::LimitedBucket {
            rate,
            capacity,
            start,
            calls,
        } => {
            let mut reference = TokenBucket::new(*rate, *capacity, *start).expect("a valid bucket");
            let mut now = *start;
            let mut script = Script::new()
                .bind("clock", Expr::Clock(*start))
                .bind("fetched", Expr::fixture("CallCount").call(vec![]))
                .bind(
                    "fetch",
                    Expr::fixture("make_fetch").call(vec![Expr::var("fetched")]),
                )
                .bind(
                    "f",
                    Expr::name("rate_limited")
                        .call(vec![new_bucket(*rate, *capacity, Expr::var("clock"))])
                        .call(vec![Expr::var("fetch")]),
                );
            let mut fetched: i64 = 0;
            for (at, x) in calls {
                script = tick(script, &mut now, *at);
                let call = fetch(*x, None);
                let expected = if reference.allow(*at, 1.0) == Some(true) {
                    fetched += 1;
                    fetch_result(&call)
                } else {
                    rate_limited_error()
                };
                script = script.observe(fetch_call(&call), expected);
            }
            script.observe(Expr::var("fetched").attr("calls"), fetched)
        }
        Call::LimitedMetadata => Script::new()
            .bind("fetch", Expr::fixture("make_fetch").call(vec![]))
            .bind(
                "f",
                Expr::name("rate_limited")
                    .call(vec![
                        Expr::fixture("Scripted").call(vec![Expr::lit(Value::List(vec![
                            Value::Bool(true),
                        ]))]),
                    ])
                    .call(vec![Expr::var("fetch")]),
            )
            .wrapper_metadata(
                "f",
                "fetch",
                "fetch",
                "Client.fetch",
                Value::str(FETCH_DOC),
            )
            .observe(
                Expr::var("f").call_kw(vec![Expr::lit(2)], vec![("scale", Expr::lit(5))]),
                10,
            ),
    }
}

fn fixed() -> Vec<Check<Call>> {
        vec![
            Check::new(
                "bucket_starts_full",
                "TokenBucket starts full",
                2,
                vec![
                    bucket(
                        1.0,
                        3.0,
                        10.0,
                        vec![
                            available(10.0),
                            allow(10.0),
                            allow(10.0),
                            allow(10.0),
                            allow(10.0),
                            available(10.0),
                        ],
                    ),
                    bucket(0.5, 0.75, 0.0, vec![take(0.0, 0.75), available(0.0)]),
                ],
            ),
            Check::new(
                "bucket_refills",
                "TokenBucket refills continuously at rate tokens per second",
                3,
                vec![
                    bucket(
                        2.0,
                        4.0,
                        0.0,
                        vec![
                            take(0.0, 4.0),
                            available(0.125),
                            allow(0.5),
                            take(0.5, 0.125),
                            available(1.25),
                            take(1.25, 1.5),
                            available(1.25),
                            available(3.0),
                        ],
                    ),
                    bucket(
                        0.25,
                        1.0,
                        5.0,
                        vec![
                            allow(5.0),
                            allow(6.0),
                            available(6.0),
                            available(9.0),
                            allow(9.0),
                        ],
                    ),
                ],
            ),
            Check::new(
                "bucket_capped",
                "TokenBucket never holds more than capacity",
                2,
                vec![
                    bucket(4.0, 2.0, 0.0, vec![available(50.0), take(50.0, 2.0)]),
                    bucket(
                        4.0,
                        2.0,
                        0.0,
                        vec![
                            take(0.0, 2.0),
                            available(100.0),
                            take(100.0, 2.0),
                            take(100.0, 0.125),
                            available(100.25),
                        ],
                    ),
                ],
            ),
            Check::new(
                "bucket_refusal_takes_nothing",
                "a refused allow takes nothing",
                3,
                vec![bucket(
                    1.0,
                    2.0,
                    0.0,
                    vec![
                        take(0.0, 3.0),
                        available(0.0),
                        take(0.0, 1.5),
                        take(0.0, 1.0),
                        available(0.0),
                        take(0.5, 1.0),
                        available(0.5),
                    ],
                )],
            ),
            Check::new(
                "bucket_validates_arguments",
                "TokenBucket rejects rate <= 0 and capacity <= 0 with ValueError",
                2,
                vec![
                    Call::NewBucket {
                        rate: 0.0,
                        capacity: 1.0,
                    },
                    Call::NewBucket {
                        rate: -1.0,
                        capacity: 1.0,
                    },
                    Call::NewBucket {
                        rate: 1.0,
                        capacity: 0.0,
                    },
                    Call::NewBucket {
                        rate: 1.0,
                        capacity: -2.0,
                    },
                ],
            ),
            Check::new(
                "bucket_validates_tokens",
                "allow rejects tokens <= 0 with ValueError",
                1,
                vec![bucket(
                    1.0,
                    4.0,
                    0.0,
                    vec![take(0.0, 0.0), take(0.0, -1.0), available(0.0)],
                )],
            ),
            Check::new(
                "bucket_clock_backwards",
                "a clock going backwards neither adds nor removes tokens",
                2,
                vec![
                    bucket(
                        1.0,
                        4.0,
                        10.0,
                        vec![
                            take(10.0, 4.0),
                            available(8.0),
                            take(8.0, 0.125),
                            available(8.0),
                        ],
                    ),
                    bucket(
                        1.0,
                        4.0,
                        10.0,
                        vec![available(6.0), take(6.0, 1.0), available(6.0)],
                    ),
                ],
            ),
            Check::new(
                "bucket_refill_after_step_back",
                "after the clock steps back, refill resumes only past the latest time seen",
                1,
                vec![bucket(
                    1.0,
                    4.0,
                    10.0,
                    vec![
                        take(10.0, 4.0),
                        available(8.0),
                        available(9.0),
                        take(9.0, 0.125),
                        available(11.0),
                        take(10.5, 1.0),
                        available(12.0),
                    ],
                )],
            ),
            Check::new(
                "bucket_thread_safety",
                "concurrent allow calls never hand out more tokens than there were",
                3,
                vec![
                    Call::BucketThreads {
                        capacity: 16.0,
                        tokens: 1.0,
                        threads: 4,
                        calls_each: 8,
                    },
                    Call::BucketThreads {
                        capacity: 10.0,
                        tokens: 0.75,
                        threads: 4,
                        calls_each: 10,
                    },
                ],
            ),
            Check::new(
                "window_limit",
                "SlidingWindow grants at most limit calls per window",
                3,
                vec![window(
                    3,
                    1.0,
                    0.0,
                    &[0.0, 0.0, 0.0, 0.0, 0.5, 0.875, 1.0, 1.0, 1.0, 1.0, 1.5, 2.0],
                )],
            ),
            Check::new(
                "window_expiry",
                "SlidingWindow stops counting a grant exactly window seconds later",
                2,
                vec![
                    window(1, 2.0, 5.0, &[5.0, 6.875, 7.0, 8.875, 9.0]),
                    window(2, 0.5, 0.0, &[0.0, 0.25, 0.375, 0.5, 0.625, 0.75]),
                ],
            ),
            Check::new(
                "window_clock_backwards",
                "SlidingWindow treats a clock going backwards as standing still at the latest time seen",
                1,
                vec![
                    // Granted at 20, then at 12 (read as 20): at 22.5 both
                    // grants still count.
                    window(2, 10.0, 0.0, &[20.0, 12.0, 22.5]),
                    window(1, 10.0, 0.0, &[20.0, 5.0, 29.0, 30.0]),
                ],
            ),
            Check::new(
                "window_refusals_not_counted",
                "SlidingWindow does not count refused calls",
                2,
                vec![window(
                    2,
                    1.0,
                    0.0,
                    &[0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0],
                )],
            ),
            Check::new(
                "decorator_refuses",
                "rate_limited raises RateLimited without calling the function when allow() says no",
                3,
                vec![Call::Limited {
                    answers: vec![true, false, true, false, false, true, true],
                    calls: vec![
                        fetch(1, None),
                        fetch(2, None),
                        fetch(3, Some(2)),
                        fetch(4, None),
                        fetch(5, Some(10)),
                        fetch(-1, None),
                        fetch(0, Some(7)),
                    ],
                }],
            ),
            Check::new(
                "decorator_with_bucket",
                "rate_limited in front of a TokenBucket",
                2,
                vec![Call::LimitedBucket {
                    rate: 1.0,
                    capacity: 2.0,
                    start: 0.0,
                    calls: vec![(0.0, 1), (0.0, 2), (0.0, 3), (0.5, 4), (1.0, 5), (1.0, 6)],
                }],
            ),
            Check::new(
                "decorator_metadata",
                "rate_limited keeps __name__, __qualname__, __doc__ and __wrapped__",
                1,
                vec![Call::LimitedMetadata],
            ),
        ]
}

fn generated(rng: &mut Rng) -> Vec<Check<Call>> {
        let buckets = (0..15)
            .map(|_| {
                let rate = [0.25, 0.5, 1.0, 2.0, 4.0][rng.random_range(0..5)];
                let capacity = rng.random_range(1..=32) as f64 / 4.0;
                let start = eighths(rng, 0, 800);
                let mut now = start;
                let ops = (0..rng.random_range(6..16))
                    .map(|_| {
                        if rng.random_bool(0.1) {
                            // Now and then the clock steps back.
                            now = (now - eighths(rng, 1, 8)).max(0.0);
                        } else {
                            now += eighths(rng, 0, 16);
                        }
                        if rng.random_bool(0.3) {
                            available(now)
                        } else if rng.random_bool(0.2) {
                            allow(now)
                        } else {
                            let most = (capacity * 8.0) as i64 + 8;
                            take(now, eighths(rng, 1, most))
                        }
                    })
                    .collect();
                bucket(rate, capacity, start, ops)
            })
            .collect();
        let windows = (0..15)
            .map(|_| {
                let limit = rng.random_range(1..=4);
                let width = rng.random_range(1..=16) as f64 / 4.0;
                let start = eighths(rng, 0, 400);
                let mut now = start;
                let times: Vec<f64> = (0..rng.random_range(8..20))
                    .map(|_| {
                        // Steps of a quarter, half or whole window hit the
                        // boundary `t - window` exactly.
                        now += match rng.random_range(0..5) {
                            0 => 0.0,
                            1 => width / 4.0,
                            2 => width / 2.0,
                            3 => width,
                            _ => eighths(rng, 1, 12),
                        };
                        now
                    })
                    .collect();
                window(limit, width, start, &times)
            })
            .collect();
        let limited = (0..10)
            .map(|_| Call::Limited {
                answers: (0..rng.random_range(1..6))
                    .map(|_| rng.random_bool(0.6))
                    .collect(),
                calls: (0..rng.random_range(3..10))
                    .map(|_| {
                        let x = rng.random_range(-1..6);
                        let scale = rng.random_bool(0.4).then(|| rng.random_range(2..5));
                        fetch(x, scale)
                    })
                    .collect(),
            })
            .collect();
        vec![
            Check::new(
                "bucket_random",
                "TokenBucket on random clock scripts",
                3,
                buckets,
            ),
            Check::new(
                "window_random",
                "SlidingWindow on random clock scripts",
                3,
                windows,
            ),
            Check::new(
                "decorator_random",
                "rate_limited with random answers from the limiter",
                3,
                limited,
            ),
        ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_example_holds() {
        let mut bucket = TokenBucket::new(1.0, 2.0, 0.0).unwrap();
        assert_eq!(bucket.allow(0.0, 1.0), Some(true));
        assert_eq!(bucket.allow(0.0, 1.0), Some(true));
        assert_eq!(bucket.allow(0.0, 1.0), Some(false));
        assert_eq!(bucket.available(0.5), 0.5);
    }

    #[test]
    fn a_clock_stepping_back_never_counts_time_twice() {
        let mut bucket = TokenBucket::new(1.0, 4.0, 10.0).unwrap();
        assert_eq!(bucket.allow(10.0, 4.0), Some(true));
        assert_eq!(bucket.available(8.0), 0.0);
        assert_eq!(bucket.available(9.0), 0.0);
        assert_eq!(bucket.available(11.0), 1.0);
        assert_eq!(bucket.allow(0.0, 0.0), None, "tokens <= 0");
        assert!(TokenBucket::new(0.0, 1.0, 0.0).is_none());
    }

    #[test]
    fn the_window_is_open_on_the_left() {
        let mut window = SlidingWindow::new(1, 2.0);
        assert!(window.allow(5.0));
        assert!(!window.allow(6.875));
        assert!(
            window.allow(7.0),
            "a grant at exactly t - window no longer counts"
        );
    }

    #[test]
    fn generated_numbers_stay_on_a_dyadic_grid() {
        // Every quantity is a multiple of 1/256 well below 2^20, so floats hold it exactly.
        let exact = |x: f64| (x * 256.0).fract() == 0.0 && x.abs() < 1_048_576.0;
        for seed in 0..50 {
            let checks = generated(&mut crate::exercise::rng_for(seed, "rate_limiter"));
            for call in checks.iter().flat_map(|c| &c.calls) {
                if let Call::Bucket {
                    rate,
                    capacity,
                    start,
                    ops,
                } = call
                {
                    assert!([0.25, 0.5, 1.0, 2.0, 4.0].contains(rate));
                    assert!(exact(*capacity) && exact(*start));
                    for op in ops {
                        assert!(exact(op.at()));
                    }
                    let Value::List(results) = bucket_script(*rate, *capacity, *start, ops) else {
                        panic!("a list");
                    };
                    for result in results {
                        if let Value::Float(x) = result {
                            assert!(exact(x), "{x}");
                        }
                    }
                }
                if let Call::Window { window, times, .. } = call {
                    assert!(exact(*window) && times.iter().all(|t| exact(*t)));
                }
            }
        }
    }

    #[test]
    fn the_fixture_docstring_is_the_expected_one() {
        assert!(FIXTURES.contains(FETCH_DOC));
    }
}
