//! `decorators` (question 2): a call-counting wrapper and a retry decorator
//! factory, both keeping the wrapped function's metadata.
//!
//! Reference: [`CountCalls`], a counter around any Rust closure that counts a
//! call before making it (so failed calls count), and [`retry`], validated
//! when made like the Python factory, whose [`Retry::run`] attempts a fallible
//! closure at most `times` times while its error is retryable. The functions
//! the candidate's decorators wrap are Python fixtures ([`FIXTURES`]) that
//! record on their own side (`f.probe`) how often they really ran and which
//! exception objects they raised, so "attempted at most `times` times" and
//! "re-raised unchanged" (the very same object, `caught is f.probe.last()`)
//! are observed, not inferred.

use std::cell::Cell;

use rand::RngExt;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;
use Class::{BaseException, Interrupt, Other, SubTransient, Transient};

pub struct Decorators;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<Decorators> = Scripted(Decorators);

/// The functions the candidate's decorators wrap. Each factory returns a new
/// function with its own probe (`f.probe`), so no state leaks from one call
/// to the next.
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


NOT_RAISED = object()


class Probe:
    """What a fixture saw: how often it ran and the exceptions it raised."""

    def __init__(self):
        self.ran = 0
        self.raised = []

    def last(self):
        """The exception raised last (a marker no exception is, before any)."""
        return self.raised[-1] if self.raised else NOT_RAISED


def make_echo(counter=None):
    """`echo`, whose real calls `counter` (a native CallCount) counts."""
    probe = Probe()
    tick = (counter or CallCount()).tick

    def echo(*args, **kwargs):
        """Return the arguments; raise Boom when fail=True."""
        probe.ran = ran = tick()
        if kwargs.get("fail"):
            error = Boom(f"call {ran}")
            probe.raised.append(error)
            raise error
        return args, kwargs

    echo.probe = probe
    return echo


def make_flaky(failures, counter=None):
    """A function whose attempt n raises failures[n - 1](...), then returns;
    `counter` (a native CallCount) counts its attempts."""
    probe = Probe()
    classes = list(failures)
    tick = (counter or CallCount()).tick

    def flaky(*args, **kwargs):
        """Fail on the first attempts, then return (attempt, args, kwargs)."""
        probe.ran = attempt = tick()
        if attempt <= len(classes):
            error = classes[attempt - 1](f"attempt {attempt}")
            probe.raised.append(error)
            raise error
        return attempt, args, kwargs

    flaky.probe = probe
    return flaky


def make_documented():
    def documented(a, b=2):
        """Add a and b: a fixture to decorate."""
        return a + b

    return documented
"#;

/// The metadata of the fixture `documented`, as `functools.wraps` copies it.
pub const DOCUMENTED: FunctionMeta = FunctionMeta {
    name: "documented",
    qualname: "make_documented.<locals>.documented",
    doc: "Add a and b: a fixture to decorate.",
};

/// The exception classes of the fixtures (and two builtins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

    /// The class as a script reaches it: a fixture's, or a builtin.
    fn expr(self) -> Expr {
        match self {
            Class::TimeoutError | Class::Exception | Class::BaseException => {
                Expr::builtin(self.name())
            }
            _ => Expr::fixture(self.name()),
        }
    }
}

/// One call of a `count_calls` wrapper around the fixture `echo`.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
    /// Passes `fail=True`: `echo` raises `Boom`.
    pub fail: bool,
}

/// Which decorator wraps the fixture `documented`.
#[derive(Debug, Clone, Copy)]
pub enum Decorator {
    CountCalls,
    Retry { times: i64 },
}

/// One call of a check, as the Rust reference reads it; [`script`] turns it
/// into the steps the child runs, with what each must observe.
#[derive(Debug, Clone)]
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

/// `f(*args, **kwargs)` of the function bound to `f`.
fn call_of(f: &str, args: &[Value], kwargs: &[(String, Value)]) -> Expr {
    Expr::var(f).call_kw(
        args.iter().cloned().map(Expr::Lit).collect(),
        kwargs
            .iter()
            .map(|(k, v)| (k.as_str(), Expr::Lit(v.clone())))
            .collect(),
    )
}

/// `caught is f.probe.last()`: the exception that came out is the very
/// object the fixture bound to `f` raised last.
fn caught_is_last(f: &str) -> Expr {
    Expr::Caught.is(Expr::var(f).attr("probe").method("last", vec![]))
}

/// How often the fixture bound to `f` really ran: the native counter bound
/// as `f_ran` beside it (see [`counted_fixture`]), which the fixture ticks
/// and candidate code cannot lower.
fn ran(f: &str) -> Expr {
    Expr::var(&format!("{f}_ran")).attr("calls")
}

/// Binds `f_ran` to a fresh native counter, then `f = make(args…, f_ran)`.
fn counted_fixture(script: Script, f: &str, make: &str, mut args: Vec<Expr>) -> Script {
    let counter = format!("{f}_ran");
    args.push(Expr::var(&counter));
    script
        .bind(&counter, Expr::fixture("CallCount").call(vec![]))
        .bind(f, Expr::fixture(make).call(args))
}

/// `w = count_calls(echo)`, `w.calls`, then each invocation and `w.calls`
/// again, and at the end how often `echo` ran. A call that raises is
/// observed as the exception, then whether it is the very object `echo`
/// raised.
fn count_calls_script(invocations: &[Invocation]) -> Script {
    let echo_ran = Cell::new(0u32);
    let last_raised = Cell::new(None);
    let mut wrapper = CountCalls::new(|invocation: &Invocation| {
        echo_ran.set(echo_ran.get() + 1);
        let outcome = echo(invocation, echo_ran.get());
        if let Err(boom) = outcome {
            last_raised.set(Some(boom));
        }
        outcome
    });
    let calls = || Expr::var("w").attr("calls");
    let mut script = counted_fixture(Script::new(), "echo", "make_echo", vec![])
        .bind("w", Expr::name("count_calls").call(vec![Expr::var("echo")]))
        .observe(calls(), wrapper.calls() as i64);
    for invocation in invocations {
        let mut kwargs = invocation.kwargs.clone();
        if invocation.fail {
            kwargs.push(("fail".into(), Value::Bool(true)));
        }
        let call = call_of("w", &invocation.args, &kwargs);
        script = match wrapper.call(invocation) {
            Ok(value) => script.observe(call, value),
            Err(boom) => script
                .observe(call, raises("Boom"))
                .observe(caught_is_last("echo"), last_raised.get() == Some(boom)),
        };
        script = script.observe(calls(), wrapper.calls() as i64);
    }
    script.observe(ran("echo"), i64::from(echo_ran.get()))
}

/// `a` and `b` wrap two fixtures, are called `first` and `second` times,
/// and each counts its own calls.
fn separate_counters_script(first: u32, second: u32) -> Script {
    let mut a = CountCalls::new(|()| ());
    let mut b = CountCalls::new(|()| ());
    let mut script = Script::new()
        .bind("echo", Expr::fixture("make_echo").call(vec![]))
        .bind("a", Expr::name("count_calls").call(vec![Expr::var("echo")]))
        .bind("other_echo", Expr::fixture("make_echo").call(vec![]))
        .bind(
            "b",
            Expr::name("count_calls").call(vec![Expr::var("other_echo")]),
        );
    for _ in 0..first {
        a.call(());
        script = script.run(Expr::var("a").call(vec![]));
    }
    for _ in 0..second {
        b.call(());
        script = script.run(Expr::var("b").call(vec![]));
    }
    script.observe(
        Expr::Tuple(vec![
            Expr::var("a").attr("calls"),
            Expr::var("b").attr("calls"),
        ]),
        Value::pair(a.calls() as i64, b.calls() as i64),
    )
}

/// `flaky = make_flaky([...])`, `w = retry(times[, exceptions=(...)])(flaky)`,
/// `w(*args, **kwargs)` (the result, or the exception and whether it is the
/// very object flaky raised last), then how often flaky ran: every attempt
/// is a run of flaky, counted on its side.
fn retry_script(
    times: i64,
    exceptions: &Option<Vec<Class>>,
    failures: &[Class],
    args: &[Value],
    kwargs: &[(String, Value)],
) -> Script {
    let factory = match exceptions {
        None => Expr::name("retry").call(vec![Expr::lit(times)]),
        Some(classes) => Expr::name("retry").call_kw(
            vec![Expr::lit(times)],
            vec![(
                "exceptions",
                Expr::Tuple(classes.iter().map(|c| c.expr()).collect()),
            )],
        ),
    };
    let script = counted_fixture(
        Script::new(),
        "flaky",
        "make_flaky",
        vec![Expr::List(failures.iter().map(|c| c.expr()).collect())],
    );
    let policy = match retry(times) {
        Ok(policy) => policy,
        Err(InvalidTimes(_)) => return script.observe(factory, raises("ValueError")),
    };
    let listed = exceptions.clone().unwrap_or_else(|| vec![Class::Exception]);
    let mut flaky_ran = 0u32;
    let mut raised = Vec::new();
    let (outcome, attempts) = policy.run(
        |error: &Raised| listed.iter().any(|c| error.class.is_instance_of(*c)),
        || {
            flaky_ran += 1;
            match failures.get(flaky_ran as usize - 1) {
                Some(&class) => {
                    let error = Raised {
                        class,
                        attempt: flaky_ran,
                    };
                    raised.push(error);
                    Err(error)
                }
                None => Ok(Value::Tuple(vec![
                    Value::Int(i64::from(flaky_ran)),
                    Value::Tuple(args.to_vec()),
                    kwargs_value(kwargs),
                ])),
            }
        },
    );
    debug_assert_eq!(attempts, flaky_ran, "every attempt is one run of flaky");
    let script = script.bind("w", factory.call(vec![Expr::var("flaky")]));
    let call = call_of("w", args, kwargs);
    let script = match outcome {
        Ok(value) => script.observe(call, value),
        Err(error) => script
            .observe(call, raises(error.class.name()))
            .observe(caught_is_last("flaky"), raised.last() == Some(&error)),
    };
    script.observe(ran("flaky"), i64::from(attempts))
}

/// `retry(times)` alone: refused at once for `times < 1`.
fn retry_invalid_script(times: i64) -> Script {
    let expected = match retry(times) {
        Ok(_) => Value::Other("function".into()),
        Err(InvalidTimes(_)) => raises("ValueError"),
    };
    Script::new().observe(Expr::name("retry").call(vec![Expr::lit(times)]), expected)
}

/// The wrapper of `documented`: a call, then the metadata `functools.wraps`
/// copies.
fn metadata_script(decorator: Decorator) -> Script {
    let documented = |(a, b): (i64, i64)| a + b;
    let script = Script::new().bind("documented", Expr::fixture("make_documented").call(vec![]));
    let (made, result) = match decorator {
        Decorator::CountCalls => (
            Expr::name("count_calls").call(vec![Expr::var("documented")]),
            CountCalls::new(documented).call((1, 5)),
        ),
        Decorator::Retry { times } => {
            let factory = Expr::name("retry").call(vec![Expr::lit(times)]);
            let policy = match retry(times) {
                Ok(policy) => policy,
                Err(InvalidTimes(_)) => return script.observe(factory, raises("ValueError")),
            };
            let sum = match policy.run(|_: &()| true, || Ok(documented((1, 5)))) {
                (Ok(sum), _) => sum,
                (Err(()), _) => unreachable!("documented never fails"),
            };
            (factory.call(vec![Expr::var("documented")]), sum)
        }
    };
    // The wrapper shows the wrapped function's metadata and refers to it.
    let shown = DOCUMENTED;
    script
        .bind("w", made)
        .observe(
            call_of("w", &[Value::Int(1)], &kw(&[("b", Value::Int(5))])),
            result,
        )
        .wrapper_metadata(
            "w",
            "documented",
            shown.name,
            shown.qualname,
            Value::str(shown.doc),
        )
}

// ---- checks ------------------------------------------------------------

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

impl ScriptedExercise for Decorators {
    fn id(&self) -> &'static str {
        "decorators"
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
}

/// The call as steps, each with what the reference observes there.
fn script(call: &Call) -> Script {
    match call {
        Call::CountCalls { invocations } => count_calls_script(invocations),
        Call::SeparateCounters { first, second } => separate_counters_script(*first, *second),
        Call::Retry {
            times,
            exceptions,
            failures,
            args,
            kwargs,
        } => retry_script(*times, exceptions, failures, args, kwargs),
        Call::RetryInvalid { times } => retry_invalid_script(*times),
        Call::Metadata { decorator } => metadata_script(*decorator),
    }
}

fn fixed() -> Vec<Check<Call>> {
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

fn generated(rng: &mut Rng) -> Vec<Check<Call>> {
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
