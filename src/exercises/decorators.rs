//! `decorators` (question 2): a call-counting wrapper and a retry decorator
//! factory, both keeping the wrapped function's metadata.
//!
//! Reference: [`CountCalls`], a counter around any Rust closure that counts a
//! call before making it (so failed calls count), and [`retry`], validated
//! when made like the Python factory, whose [`Retry::run`] attempts a fallible
//! closure at most `times` times while its error is retryable. The functions
//! the candidate's decorators wrap are Python fixtures ([`FIXTURES`]) that
//! record on their own side how often they really ran and which exception
//! objects they raised, so "attempted at most `times` times" and "re-raised
//! unchanged" (the very same object) are observed, not inferred.

use std::cell::Cell;

use pyo3::exceptions::PyNotImplementedError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::driver::{
    Candidate, Fault, Observed, attr, capture, exception_type_name, extract, fixtures, to_python,
};
use crate::exercise::{Check, Exercise, Rng};
use crate::value::Value;
use Class::{BaseException, Interrupt, Other, SubTransient, Transient};

pub struct Decorators;

/// The functions the candidate's decorators wrap. Each factory returns a new
/// function with its own probe, so no state leaks from one call to the next.
const FIXTURES: &str = r#"
class Boom(Exception):
    """Raised by echo(fail=True)."""


class Transient(Exception):
    """A failure worth another attempt."""


class SubTransient(Transient):
    """A subclass of Transient."""


class Other(Exception):
    """A failure that retry is not told about."""


class Interrupt(BaseException):
    """Like KeyboardInterrupt: a BaseException that is not an Exception."""


CLASSES = {
    cls.__name__: cls
    for cls in (Transient, SubTransient, Other, Interrupt, TimeoutError, Exception, BaseException)
}


class Probe:
    """What a fixture saw: how often it ran and the exceptions it raised."""

    def __init__(self):
        self.ran = 0
        self.raised = []


def make_echo():
    probe = Probe()

    def echo(*args, **kwargs):
        """Return the arguments; raise Boom when fail=True."""
        probe.ran += 1
        if kwargs.get("fail"):
            error = Boom(f"call {probe.ran}")
            probe.raised.append(error)
            raise error
        return args, kwargs

    return echo, probe


def make_flaky(failures):
    """A function whose attempt n raises failures[n - 1], then returns."""
    probe = Probe()
    classes = [CLASSES[name] for name in failures]

    def flaky(*args, **kwargs):
        """Fail on the first attempts, then return (attempt, args, kwargs)."""
        probe.ran += 1
        if probe.ran <= len(classes):
            error = classes[probe.ran - 1](f"attempt {probe.ran}")
            probe.raised.append(error)
            raise error
        return probe.ran, args, kwargs

    return flaky, probe


def make_documented():
    def documented(a, b=2):
        """Add a and b: a fixture to decorate."""
        return a + b

    return documented


def classes(names):
    return tuple(CLASSES[name] for name in names)
"#;

/// The metadata of the fixture `documented`, as `functools.wraps` copies it.
pub const DOCUMENTED: FunctionMeta = FunctionMeta {
    name: "documented",
    qualname: "make_documented.<locals>.documented",
    doc: "Add a and b: a fixture to decorate.",
};

/// The exception classes of the fixtures (and two builtins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Class {
    Transient,
    SubTransient,
    Other,
    Interrupt,
    TimeoutError,
    Exception,
    BaseException,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Transient => "Transient",
            Class::SubTransient => "SubTransient",
            Class::Other => "Other",
            Class::Interrupt => "Interrupt",
            Class::TimeoutError => "TimeoutError",
            Class::Exception => "Exception",
            Class::BaseException => "BaseException",
        }
    }

    /// The nearest base class among these (TimeoutError's OSError is skipped).
    fn base(self) -> Option<Class> {
        match self {
            Class::SubTransient => Some(Class::Transient),
            Class::Transient | Class::Other | Class::TimeoutError => Some(Class::Exception),
            Class::Interrupt | Class::Exception => Some(Class::BaseException),
            Class::BaseException => None,
        }
    }

    /// `isinstance(error_of_this_class, other)`.
    pub fn is_instance_of(self, other: Class) -> bool {
        let mut class = Some(self);
        while let Some(c) = class {
            if c == other {
                return true;
            }
            class = c.base();
        }
        false
    }

    /// How a description names a fixture class: with its base when that helps.
    fn described(self) -> String {
        match self {
            Class::SubTransient => "SubTransient(Transient)".into(),
            Class::Other => "Other(Exception)".into(),
            Class::Interrupt => "Interrupt(BaseException)".into(),
            other => other.name().into(),
        }
    }
}

/// One call of a `count_calls` wrapper around the fixture `echo`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invocation {
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
    /// Passes `fail=True`: `echo` raises `Boom`.
    pub fail: bool,
}

/// Which decorator wraps the fixture `documented`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decorator {
    CountCalls,
    Retry { times: i64 },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "fn", rename_all = "snake_case")]
pub enum Call {
    /// `w = count_calls(echo)`, then the invocations, reading `w.calls` after each.
    CountCalls { invocations: Vec<Invocation> },
    /// Two wrappers, called `first` and `second` times.
    SeparateCounters { first: u32, second: u32 },
    /// `retry(times[, exceptions=…])(flaky)(*args, **kwargs)`; attempt n of
    /// `flaky` raises `failures[n - 1]`, later attempts return.
    Retry {
        times: i64,
        /// `None`: the default, `(Exception,)`, by not passing the argument.
        exceptions: Option<Vec<Class>>,
        failures: Vec<Class>,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    },
    /// `retry(times)` alone, for `times < 1`.
    RetryInvalid { times: i64 },
    /// The wrapper of `documented`: a call and its metadata.
    Metadata { decorator: Decorator },
}

// ---- the Rust reference -------------------------------------------------

/// A callable's counter: the Rust shape of `count_calls`.
pub struct CountCalls<F> {
    func: F,
    calls: u64,
}

impl<F> CountCalls<F> {
    pub fn new(func: F) -> Self {
        CountCalls { func, calls: 0 }
    }

    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Forwards `args` and the result; counts first, so a failing call counts.
    pub fn call<A, R>(&mut self, args: A) -> R
    where
        F: FnMut(A) -> R,
    {
        self.calls += 1;
        (self.func)(args)
    }
}

/// `retry(times)` with `times < 1`: refused when the decorator is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidTimes(pub i64);

/// A validated retry policy: the Rust shape of what `retry(times)` returns.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    times: u32,
}

/// The factory: validates `times` before anything is decorated.
pub fn retry(times: i64) -> Result<Retry, InvalidTimes> {
    match u32::try_from(times) {
        Ok(times) if times >= 1 => Ok(Retry { times }),
        _ => Err(InvalidTimes(times)),
    }
}

impl Retry {
    /// Attempts `f` until it succeeds, fails with an error that is not
    /// retryable, or has been attempted `times` times; returns the last
    /// outcome as it is (the error unchanged) and the number of attempts.
    pub fn run<T, E>(
        &self,
        is_retryable: impl Fn(&E) -> bool,
        mut f: impl FnMut() -> Result<T, E>,
    ) -> (Result<T, E>, u32) {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match f() {
                Err(error) if attempts < self.times && is_retryable(&error) => continue,
                outcome => return (outcome, attempts),
            }
        }
    }
}

/// What `functools.wraps` makes a wrapper show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionMeta {
    pub name: &'static str,
    pub qualname: &'static str,
    pub doc: &'static str,
}

/// An exception raised by the fixture `flaky`, identified by its attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Raised {
    class: Class,
    attempt: u32,
}

/// `Boom`, raised by the fixture `echo` on its call number `call`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Boom {
    call: u32,
}

/// The fixture `echo`: `(args, kwargs)`, or `Boom` when `fail=True`.
fn echo(invocation: &Invocation, call: u32) -> Result<Value, Boom> {
    if invocation.fail {
        return Err(Boom { call });
    }
    Ok(Value::Tuple(vec![
        Value::Tuple(invocation.args.clone()),
        kwargs_value(&invocation.kwargs),
    ]))
}

fn kwargs_value(kwargs: &[(String, Value)]) -> Value {
    Value::Dict(
        kwargs
            .iter()
            .map(|(k, v)| (Value::str(k), v.clone()))
            .collect(),
    )
}

/// `<raised=<raises X>, same_object=…>`: a raised exception and whether it is
/// the very object the fixture raised last.
fn raised_value(type_name: &str, same_object: bool) -> Value {
    Value::record([
        ("raised", Value::Raised(type_name.to_string())),
        ("same_object", Value::Bool(same_object)),
    ])
}

fn expect_count_calls(invocations: &[Invocation]) -> Value {
    let ran = Cell::new(0u32);
    let last_raised = Cell::new(None);
    let mut wrapper = CountCalls::new(|invocation: &Invocation| {
        ran.set(ran.get() + 1);
        let outcome = echo(invocation, ran.get());
        if let Err(boom) = outcome {
            last_raised.set(Some(boom));
        }
        outcome
    });
    let calls_before = wrapper.calls();
    let mut results = Vec::new();
    let mut calls_after = Vec::new();
    for invocation in invocations {
        results.push(match wrapper.call(invocation) {
            Ok(value) => value,
            Err(boom) => raised_value("Boom", last_raised.get() == Some(boom)),
        });
        calls_after.push(Value::Int(wrapper.calls() as i64));
    }
    Value::record([
        ("calls_before", Value::Int(calls_before as i64)),
        ("results", Value::List(results)),
        ("calls_after", Value::List(calls_after)),
        ("echo_ran", Value::Int(i64::from(ran.get()))),
    ])
}

fn expect_retry(
    times: i64,
    exceptions: &Option<Vec<Class>>,
    failures: &[Class],
    args: &[Value],
    kwargs: &[(String, Value)],
) -> Value {
    let policy = match retry(times) {
        Ok(policy) => policy,
        Err(_) => return Value::Raised("ValueError".into()),
    };
    let listed = exceptions.clone().unwrap_or_else(|| vec![Class::Exception]);
    let mut ran = 0u32;
    let mut raised = Vec::new();
    let (outcome, attempts) = policy.run(
        |error: &Raised| listed.iter().any(|c| error.class.is_instance_of(*c)),
        || {
            ran += 1;
            match failures.get(ran as usize - 1) {
                Some(&class) => {
                    let error = Raised {
                        class,
                        attempt: ran,
                    };
                    raised.push(error);
                    Err(error)
                }
                None => Ok(Value::Tuple(vec![
                    Value::Int(i64::from(ran)),
                    Value::Tuple(args.to_vec()),
                    kwargs_value(kwargs),
                ])),
            }
        },
    );
    let result = match outcome {
        Ok(value) => value,
        Err(error) => raised_value(error.class.name(), raised.last() == Some(&error)),
    };
    debug_assert_eq!(attempts, ran, "every attempt is one run of flaky");
    Value::record([
        ("result", result),
        ("attempts", Value::Int(i64::from(attempts))),
    ])
}

fn expect_metadata(decorator: Decorator) -> Value {
    let documented = |(a, b): (i64, i64)| a + b;
    let result = match decorator {
        Decorator::CountCalls => CountCalls::new(documented).call((1, 5)),
        Decorator::Retry { times } => match retry(times) {
            Ok(policy) => match policy.run(|_: &()| true, || Ok(documented((1, 5)))) {
                (Ok(sum), _) => sum,
                (Err(()), _) => unreachable!("documented never fails"),
            },
            Err(_) => return Value::Raised("ValueError".into()),
        },
    };
    // The wrapper shows the wrapped function's metadata and refers to it.
    let shown = DOCUMENTED;
    Value::record([
        ("result", Value::Int(result)),
        ("__name__", Value::str(shown.name)),
        ("__qualname__", Value::str(shown.qualname)),
        ("__doc__", Value::str(shown.doc)),
        ("__wrapped__ is documented", Value::Bool(true)),
    ])
}

// ---- checks, descriptions and the driver --------------------------------

fn ints(values: &[i64]) -> Vec<Value> {
    values.iter().copied().map(Value::Int).collect()
}

fn kw(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn invoke(args: Vec<Value>, kwargs: Vec<(String, Value)>) -> Invocation {
    Invocation {
        args,
        kwargs,
        fail: false,
    }
}

fn failing() -> Invocation {
    Invocation {
        args: vec![],
        kwargs: vec![],
        fail: true,
    }
}

fn counted(invocations: Vec<Invocation>) -> Call {
    Call::CountCalls { invocations }
}

fn retried(times: i64, exceptions: Option<&[Class]>, failures: &[Class]) -> Call {
    Call::Retry {
        times,
        exceptions: exceptions.map(<[Class]>::to_vec),
        failures: failures.to_vec(),
        args: vec![],
        kwargs: vec![],
    }
}

/// `1, 'a', b=2` (the text between the parentheses of a call).
fn arguments(args: &[Value], kwargs: &[(String, Value)]) -> String {
    args.iter()
        .map(Value::literal)
        .chain(kwargs.iter().map(|(k, v)| format!("{k}={}", v.literal())))
        .collect::<Vec<_>>()
        .join(", ")
}

fn retry_factory(times: i64, exceptions: &Option<Vec<Class>>) -> String {
    match exceptions {
        None => format!("retry({times})"),
        Some(classes) => {
            let names: Vec<&str> = classes.iter().map(|c| c.name()).collect();
            let tuple = if names.len() == 1 {
                format!("({},)", names[0])
            } else {
                format!("({})", names.join(", "))
            };
            format!("retry({times}, exceptions={tuple})")
        }
    }
}

const ARG_NAMES: [&str; 4] = ["a", "b", "key", "x"];

fn random_leaf(rng: &mut Rng) -> Value {
    if rng.random_bool(0.7) {
        Value::Int(rng.random_range(-20..100))
    } else {
        Value::str(["x", "yy", "", "hi"][rng.random_range(0..4)])
    }
}

fn random_kwargs(rng: &mut Rng) -> Vec<(String, Value)> {
    let mut names = ARG_NAMES.to_vec();
    let mut out = Vec::new();
    for _ in 0..rng.random_range(0..3) {
        let name = names.remove(rng.random_range(0..names.len()));
        out.push((name.to_string(), random_leaf(rng)));
    }
    out
}

fn random_args(rng: &mut Rng) -> Vec<Value> {
    (0..rng.random_range(0..4))
        .map(|_| random_leaf(rng))
        .collect()
}

impl Exercise for Decorators {
    type Call = Call;

    fn id(&self) -> &'static str {
        "decorators"
    }

    fn fixed(&self) -> Vec<Check<Call>> {
        vec![
            Check::new(
                "count_calls_forwards",
                "count_calls forwards positional and keyword arguments and the return value",
                2,
                vec![
                    counted(vec![invoke(
                        ints(&[1, 2]),
                        kw(&[("b", Value::Int(3)), ("key", Value::str("v"))]),
                    )]),
                    counted(vec![invoke(vec![Value::str("x")], vec![])]),
                    counted(vec![invoke(vec![], vec![])]),
                    counted(vec![invoke(vec![], kw(&[("a", Value::None)]))]),
                ],
            ),
            Check::new(
                "count_calls_counts",
                "count_calls starts at 0 and counts every call",
                2,
                vec![counted(vec![
                    invoke(ints(&[1]), vec![]),
                    invoke(ints(&[2]), vec![]),
                    invoke(vec![], kw(&[("x", Value::Int(3))])),
                ])],
            ),
            Check::new(
                "count_calls_counts_raised",
                "count_calls counts calls that raised and lets the exception through unchanged",
                3,
                vec![
                    counted(vec![
                        invoke(ints(&[1]), vec![]),
                        failing(),
                        failing(),
                        invoke(ints(&[4]), vec![]),
                    ]),
                    counted(vec![failing()]),
                ],
            ),
            Check::new(
                "count_calls_own_counter",
                "each count_calls wrapper has its own counter",
                1,
                vec![Call::SeparateCounters {
                    first: 3,
                    second: 1,
                }],
            ),
            Check::new(
                "count_calls_metadata",
                "count_calls keeps __name__, __qualname__, __doc__ and __wrapped__",
                2,
                vec![Call::Metadata {
                    decorator: Decorator::CountCalls,
                }],
            ),
            Check::new(
                "retry_returns_first_success",
                "retry returns the result of the first attempt that succeeds",
                2,
                vec![
                    Call::Retry {
                        times: 3,
                        exceptions: Some(vec![Transient]),
                        failures: vec![Transient, Transient],
                        args: ints(&[7]),
                        kwargs: kw(&[("key", Value::str("v"))]),
                    },
                    retried(3, None, &[]),
                    retried(1, None, &[]),
                ],
            ),
            Check::new(
                "retry_attempts_at_most_times",
                "retry makes at most `times` attempts in all",
                3,
                vec![
                    retried(3, Some(&[Transient]), &[Transient, Transient, Transient]),
                    retried(4, Some(&[Transient]), &[Transient; 10]),
                    retried(1, None, &[Other]),
                ],
            ),
            Check::new(
                "retry_reraises_last",
                "retry re-raises the last attempt's exception object unchanged",
                2,
                vec![
                    retried(2, Some(&[Transient]), &[Transient, SubTransient]),
                    retried(3, None, &[Other, Class::TimeoutError, Other, Other]),
                ],
            ),
            Check::new(
                "retry_subclasses",
                "retry retries instances of subclasses of the listed exceptions",
                2,
                vec![
                    retried(3, Some(&[Transient]), &[SubTransient, SubTransient]),
                    retried(
                        3,
                        Some(&[Class::TimeoutError, Transient]),
                        &[Class::TimeoutError, SubTransient],
                    ),
                    retried(2, Some(&[BaseException]), &[Interrupt]),
                ],
            ),
            Check::new(
                "retry_other_exceptions_propagate",
                "retry lets other exceptions propagate at once",
                3,
                vec![
                    retried(3, Some(&[Transient]), &[Other]),
                    retried(5, Some(&[Transient]), &[Transient, Other, Transient]),
                    retried(3, Some(&[SubTransient]), &[Transient]),
                ],
            ),
            Check::new(
                "retry_default_exceptions",
                "retry retries any Exception but no other BaseException by default",
                2,
                vec![
                    retried(3, None, &[Other, Class::TimeoutError]),
                    retried(3, None, &[Interrupt]),
                ],
            ),
            Check::new(
                "retry_rejects_times_below_1",
                "retry(times) with times < 1 raises ValueError at once",
                2,
                vec![
                    Call::RetryInvalid { times: 0 },
                    Call::RetryInvalid { times: -2 },
                ],
            ),
            Check::new(
                "retry_metadata",
                "retry keeps __name__, __qualname__, __doc__ and __wrapped__",
                2,
                vec![Call::Metadata {
                    decorator: Decorator::Retry { times: 2 },
                }],
            ),
        ]
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Call>> {
        let counting = (0..20)
            .map(|_| {
                let invocations = (0..rng.random_range(1..=6))
                    .map(|_| {
                        if rng.random_bool(0.3) {
                            failing()
                        } else {
                            invoke(random_args(rng), random_kwargs(rng))
                        }
                    })
                    .collect();
                counted(invocations)
            })
            .collect();
        const LISTABLE: [Class; 5] = [
            Transient,
            SubTransient,
            Other,
            Class::TimeoutError,
            Class::Exception,
        ];
        const RAISED: [Class; 5] = [
            Transient,
            SubTransient,
            Other,
            Class::TimeoutError,
            Interrupt,
        ];
        let retrying = (0..25)
            .map(|_| {
                let exceptions = if rng.random_bool(0.3) {
                    None
                } else {
                    let mut pool = LISTABLE.to_vec();
                    let mut listed = Vec::new();
                    for _ in 0..rng.random_range(1..=2) {
                        listed.push(pool.remove(rng.random_range(0..pool.len())));
                    }
                    Some(listed)
                };
                let failures = (0..rng.random_range(0..=6))
                    .map(|_| {
                        // Mostly retryable classes, so that runs get long.
                        if rng.random_bool(0.6) {
                            Transient
                        } else {
                            RAISED[rng.random_range(0..RAISED.len())]
                        }
                    })
                    .collect();
                Call::Retry {
                    times: rng.random_range(1..=5),
                    exceptions,
                    failures,
                    args: random_args(rng),
                    kwargs: random_kwargs(rng),
                }
            })
            .collect();
        vec![
            Check::new(
                "count_calls_random",
                "count_calls on random calls",
                3,
                counting,
            ),
            Check::new(
                "retry_random",
                "retry on random runs of failures",
                3,
                retrying,
            ),
        ]
    }

    fn expect(&self, call: &Call) -> Value {
        match call {
            Call::CountCalls { invocations } => expect_count_calls(invocations),
            Call::SeparateCounters { first, second } => {
                let mut a = CountCalls::new(|()| ());
                let mut b = CountCalls::new(|()| ());
                for _ in 0..*first {
                    a.call(());
                }
                for _ in 0..*second {
                    b.call(());
                }
                Value::pair(a.calls() as i64, b.calls() as i64)
            }
            Call::Retry {
                times,
                exceptions,
                failures,
                args,
                kwargs,
            } => expect_retry(*times, exceptions, failures, args, kwargs),
            Call::RetryInvalid { times } => match retry(*times) {
                Ok(_) => Value::Other("function".into()),
                Err(InvalidTimes(_)) => Value::Raised("ValueError".into()),
            },
            Call::Metadata { decorator } => expect_metadata(*decorator),
        }
    }

    fn describe(&self, call: &Call) -> String {
        match call {
            Call::CountCalls { invocations } => {
                let mut steps = vec!["w = count_calls(echo)".to_string(), "w.calls".into()];
                for invocation in invocations {
                    let mut kwargs = invocation.kwargs.clone();
                    if invocation.fail {
                        kwargs.push(("fail".into(), Value::Bool(true)));
                    }
                    steps.push(format!("w({})", arguments(&invocation.args, &kwargs)));
                    steps.push("w.calls".into());
                }
                format!(
                    "{}  # echo(*args, **kwargs) returns (args, kwargs) and raises Boom when fail=True",
                    steps.join("; ")
                )
            }
            Call::SeparateCounters { first, second } => {
                let mut steps = vec!["a = count_calls(echo)".to_string()];
                steps.push("b = count_calls(other_echo)".into());
                steps.extend((0..*first).map(|_| "a()".to_string()));
                steps.extend((0..*second).map(|_| "b()".to_string()));
                steps.push("(a.calls, b.calls)".into());
                steps.join("; ")
            }
            Call::Retry {
                times,
                exceptions,
                failures,
                args,
                kwargs,
            } => {
                let plan = if failures.is_empty() {
                    "flaky returns (attempt, args, kwargs) at once".to_string()
                } else {
                    let raised: Vec<String> = failures.iter().map(|c| c.described()).collect();
                    format!(
                        "flaky's attempts raise {} in turn, then return (attempt, args, kwargs)",
                        raised.join(", ")
                    )
                };
                format!(
                    "{}(flaky)({})  # {plan}",
                    retry_factory(*times, exceptions),
                    arguments(args, kwargs)
                )
            }
            Call::RetryInvalid { times } => format!("retry({times})"),
            Call::Metadata { decorator } => {
                let made = match decorator {
                    Decorator::CountCalls => "count_calls(documented)".to_string(),
                    Decorator::Retry { times } => format!("retry({times})(documented)"),
                };
                format!(
                    "w = {made}; w(1, b=5), w.__name__, w.__qualname__, w.__doc__, w.__wrapped__ is documented"
                )
            }
        }
    }

    fn drive(&self, candidate: &Candidate<'_>, call: &Call) -> Observed {
        let py = candidate.py;
        match call {
            Call::CountCalls { invocations } => {
                let count_calls = candidate.get("count_calls")?;
                let fx = fixtures(py, "decorators", FIXTURES)?;
                let (echo, probe): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                    fx.getattr("make_echo")?.call0()?.extract()?;
                let wrapper = count_calls.call1((&echo,))?;
                let calls_before = attr(&wrapper, "calls")?;
                let mut results = Vec::new();
                let mut calls_after = Vec::new();
                for invocation in invocations {
                    let mut kwargs = invocation.kwargs.clone();
                    if invocation.fail {
                        kwargs.push(("fail".into(), Value::Bool(true)));
                    }
                    let outcome = call_with(&wrapper, &invocation.args, &kwargs);
                    results.push(observe_outcome(py, outcome, &probe)?);
                    calls_after.push(attr(&wrapper, "calls")?);
                }
                Ok(Value::record([
                    ("calls_before", calls_before),
                    ("results", Value::List(results)),
                    ("calls_after", Value::List(calls_after)),
                    ("echo_ran", extract(&probe.getattr("ran")?)),
                ]))
            }
            Call::SeparateCounters { first, second } => {
                let count_calls = candidate.get("count_calls")?;
                let fx = fixtures(py, "decorators", FIXTURES)?;
                let make = || -> Result<Bound<'_, PyAny>, Fault> {
                    let (echo, _probe): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                        fx.getattr("make_echo")?.call0()?.extract()?;
                    Ok(count_calls.call1((echo,))?)
                };
                let a = make()?;
                let b = make()?;
                for _ in 0..*first {
                    a.call0()?;
                }
                for _ in 0..*second {
                    b.call0()?;
                }
                Ok(Value::Tuple(vec![attr(&a, "calls")?, attr(&b, "calls")?]))
            }
            Call::Retry {
                times,
                exceptions,
                failures,
                args,
                kwargs,
            } => {
                let retry = candidate.get("retry")?;
                let fx = fixtures(py, "decorators", FIXTURES)?;
                let names: Vec<&str> = failures.iter().map(|c| c.name()).collect();
                let (flaky, probe): (Bound<'_, PyAny>, Bound<'_, PyAny>) =
                    fx.getattr("make_flaky")?.call1((names,))?.extract()?;
                let decorator = match exceptions {
                    None => retry.call1((*times,))?,
                    Some(classes) => {
                        let names: Vec<&str> = classes.iter().map(|c| c.name()).collect();
                        let options = PyDict::new(py);
                        options.set_item("exceptions", fx.getattr("classes")?.call1((names,))?)?;
                        retry.call((*times,), Some(&options))?
                    }
                };
                let wrapper = decorator.call1((&flaky,))?;
                let outcome = call_with(&wrapper, args, kwargs);
                let result = observe_outcome(py, outcome, &probe)?;
                Ok(Value::record([
                    ("result", result),
                    // Every attempt is a run of flaky: counted on its side.
                    ("attempts", extract(&probe.getattr("ran")?)),
                ]))
            }
            Call::RetryInvalid { times } => {
                let retry = candidate.get("retry")?;
                capture(py, || Ok(extract(&retry.call1((*times,))?)))
            }
            Call::Metadata { decorator } => {
                let fx = fixtures(py, "decorators", FIXTURES)?;
                let documented = fx.getattr("make_documented")?.call0()?;
                let wrapper = match decorator {
                    Decorator::CountCalls => candidate.get("count_calls")?.call1((&documented,))?,
                    Decorator::Retry { times } => candidate
                        .get("retry")?
                        .call1((*times,))?
                        .call1((&documented,))?,
                };
                let result = call_with(&wrapper, &[Value::Int(1)], &kw(&[("b", Value::Int(5))]))?;
                let wrapped_is_func = capture(py, || {
                    Ok(Value::Bool(wrapper.getattr("__wrapped__")?.is(&documented)))
                })?;
                Ok(Value::record([
                    ("result", extract(&result)),
                    ("__name__", attr(&wrapper, "__name__")?),
                    ("__qualname__", attr(&wrapper, "__qualname__")?),
                    ("__doc__", attr(&wrapper, "__doc__")?),
                    ("__wrapped__ is documented", wrapped_is_func),
                ]))
            }
        }
    }
}

/// `func(*args, **kwargs)` with arguments built from values.
fn call_with<'py>(
    func: &Bound<'py, PyAny>,
    args: &[Value],
    kwargs: &[(String, Value)],
) -> PyResult<Bound<'py, PyAny>> {
    let py = func.py();
    let positional = PyTuple::new(
        py,
        args.iter()
            .map(|v| to_python(py, v))
            .collect::<PyResult<Vec<_>>>()?,
    )?;
    let keywords = PyDict::new(py);
    for (name, value) in kwargs {
        keywords.set_item(name, to_python(py, value)?)?;
    }
    func.call(positional, Some(&keywords))
}

/// The returned value, or the exception and whether it is the very object
/// the fixture raised last. `NotImplementedError` still means "not attempted".
fn observe_outcome(
    py: Python<'_>,
    outcome: PyResult<Bound<'_, PyAny>>,
    probe: &Bound<'_, PyAny>,
) -> Observed {
    match outcome {
        Ok(value) => Ok(extract(&value)),
        Err(err) if err.is_instance_of::<PyNotImplementedError>(py) => Err(Fault::Raised(err)),
        Err(err) => {
            let raised = probe.getattr("raised")?;
            let same_object = if raised.len()? > 0 {
                err.value(py).is(&raised.get_item(-1)?)
            } else {
                false
            };
            Ok(raised_value(&exception_type_name(py, &err), same_object))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_attempts_at_most_times_and_only_while_retryable() {
        assert_eq!(retry(0).err(), Some(InvalidTimes(0)));
        assert!(retry(-1).is_err());
        let policy = retry(3).unwrap();
        let mut n = 0;
        let (outcome, attempts) = policy.run(
            |_: &u32| true,
            || {
                n += 1;
                Err::<(), u32>(n)
            },
        );
        assert_eq!(
            (outcome, attempts),
            (Err(3), 3),
            "the last error, unchanged"
        );
        let (outcome, attempts) = policy.run(|e: &u32| *e != 1, || Err::<(), u32>(1));
        assert_eq!((outcome, attempts), (Err(1), 1), "not retryable: at once");
        let mut n = 0;
        let (outcome, attempts) = policy.run(
            |_: &()| true,
            || {
                n += 1;
                if n < 2 { Err(()) } else { Ok(n) }
            },
        );
        assert_eq!((outcome, attempts), (Ok(2), 2));
    }

    #[test]
    fn count_calls_counts_failed_calls_too() {
        let mut counted = CountCalls::new(|x: i64| if x < 0 { Err(x) } else { Ok(x * 2) });
        assert_eq!(counted.calls(), 0);
        assert_eq!(counted.call(2), Ok(4));
        assert_eq!(counted.call(-1), Err(-1));
        assert_eq!(counted.calls(), 2);
    }

    #[test]
    fn the_class_model_follows_python() {
        assert!(SubTransient.is_instance_of(Transient));
        assert!(!Transient.is_instance_of(SubTransient));
        assert!(Class::TimeoutError.is_instance_of(Class::Exception));
        assert!(!Interrupt.is_instance_of(Class::Exception));
        assert!(Interrupt.is_instance_of(BaseException));
    }

    #[test]
    fn the_documented_fixture_matches_its_metadata() {
        assert!(FIXTURES.contains(&format!("def {}(a, b=2):", DOCUMENTED.name)));
        assert!(FIXTURES.contains(&format!("\"\"\"{}\"\"\"", DOCUMENTED.doc)));
        assert!(DOCUMENTED.qualname.ends_with(DOCUMENTED.name));
    }
}
