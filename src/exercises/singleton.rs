//! `singleton` (question 21): a metaclass that gives each class at most one
//! instance, constructed once (with the first call's arguments), per class
//! and per subclass, safely under threads, and forgettable one class at a
//! time with `Singleton.reset(cls)`.
//!
//! Reference: [`Registry`], the instances of a set of classes as plain Rust
//! data (which construction made the instance each call returns, and every
//! `__init__` that ran), replayed over a scenario of calls and resets. The
//! classes under test are made by the harness with the candidate's
//! metaclass (`counted_class` in [`FIXTURES`]), and their `__init__` logs
//! every construction. Thread safety is observed with the thread hammer
//! ([`crate::driver::hammer`]): the threads take turns one bytecode of the
//! candidate's code at a time, so a check-then-create without a lock lets
//! every thread pass the check before any creates, on every run, and a
//! locked one constructs exactly once, on every run.
//!
//! A singleton whose `__init__` constructs another singleton class
//! (`nested_singletons`) must not deadlock: with one global non-reentrant
//! lock, the thread constructing `Service` holds it and waits for it again
//! to construct `Config`. `Service()` runs in a harness thread while the
//! probe watches it natively: ended, or asleep (kernel state `S`/`D`) with
//! no CPU time used over [`ASLEEP_SAMPLES`] samples 10 ms apart, a deadlock.
//! A thread that can run is in state `R` however loaded the machine, so
//! load never makes a correct solution look blocked, and a deadlock costs
//! about 100 ms, not a timeout. Where Landlock keeps `/proc` (and so the
//! state) out of reach, which is the usual case, only the CPU clock is
//! read, and a deadlock is presumed after [`IDLE_SAMPLES`] samples (half a
//! second) without CPU time used. The blocked thread is then freed by
//! releasing the held locks found where a metaclass keeps its lock (see
//! [`release_held_locks`]), so the checks after it do not block on it. A
//! class calling ITSELF in its `__init__` is left unspecified (the stub says
//! so): reentrant locks recurse, per-class locks deadlock, neither is wrong.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use pyo3::exceptions::PyNotImplementedError;
use pyo3::prelude::*;
use rand::RngExt;

use crate::driver::{Candidate, Fault, Observed, hammer};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct SingletonExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<SingletonExercise> = Scripted(SingletonExercise);

// ---- the Rust reference -------------------------------------------------

/// How a harness class behaves besides logging its constructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    /// Its instances are falsy (`__len__` returns 0).
    Falsy,
    /// Its `__init__` raises `ValueError` when the first argument is negative.
    Fragile,
}

/// One harness class: its name, its base among the scenario's classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    pub name: &'static str,
    pub base: Option<usize>,
    pub kind: Kind,
}

/// The arguments of one call: positional ints and at most one keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub args: Vec<i64>,
    pub keyword: Option<(&'static str, i64)>,
}

impl Args {
    fn value(&self) -> Value {
        Value::Tuple(vec![self.args_value(), self.kwargs_value()])
    }

    fn args_value(&self) -> Value {
        Value::Tuple(self.args.iter().copied().map(Value::Int).collect())
    }

    fn kwargs_value(&self) -> Value {
        Value::Dict(
            self.keyword
                .iter()
                .map(|(k, v)| (Value::str(*k), Value::Int(*v)))
                .collect(),
        )
    }
}

/// What the metaclass must do, as data: for each class the instance it
/// holds (a serial number of the construction that made it), and the log of
/// every `__init__` that ran, per class, in order.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    instances: HashMap<usize, usize>,
    /// The arguments of each successful construction, by serial.
    made: Vec<Args>,
    logs: HashMap<usize, Vec<Args>>,
}

impl Registry {
    /// `class(*args)`: the serial of the instance returned, or `None` when
    /// the construction raised (then nothing is remembered).
    pub fn call(&mut self, class: usize, kind: Kind, args: &Args) -> Option<usize> {
        if let Some(serial) = self.instances.get(&class) {
            return Some(*serial);
        }
        self.logs.entry(class).or_default().push(args.clone());
        if kind == Kind::Fragile && args.args.first().is_some_and(|a| *a < 0) {
            return None;
        }
        self.made.push(args.clone());
        let serial = self.made.len() - 1;
        self.instances.insert(class, serial);
        Some(serial)
    }

    /// `Singleton.reset(class)`: forgets that class's instance only.
    pub fn reset(&mut self, class: usize) {
        self.instances.remove(&class);
    }

    /// The arguments the instance `serial` was constructed with.
    pub fn made_with(&self, serial: usize) -> &Args {
        &self.made[serial]
    }

    /// Every `__init__` of `class` so far, as `constructions(C)` lists them.
    pub fn log(&self, class: usize) -> Value {
        Value::List(
            self.logs
                .get(&class)
                .map(|log| log.iter().map(Args::value).collect())
                .unwrap_or_default(),
        )
    }
}

// ---- the harness -------------------------------------------------------

/// Classes made with the candidate's metaclass, whose `__init__` logs every
/// construction in a list of the harness's own.
const FIXTURES: &str = r#"
"""Classes the singleton driver makes with the candidate's metaclass."""

# id(cls) -> (cls, log): the class is kept so that its id is never reused.
_LOGS = {}


def counted_class(meta, name, base=None, kind="plain"):
    """A class `name` made with metaclass `meta` (deriving from `base`), whose
    __init__ logs (args, kwargs) of every construction; kind "falsy" makes its
    instances falsy, kind "fragile" makes __init__ raise ValueError when the
    first argument is negative."""
    log = []

    def __init__(self, *args, **kwargs):
        log.append((args, dict(kwargs)))
        if kind == "fragile" and args and args[0] < 0:
            raise ValueError("negative")
        self.args = args
        self.kwargs = kwargs

    namespace = {"__init__": __init__, "__module__": "harness", "__qualname__": name}
    if kind == "falsy":
        namespace["__len__"] = lambda self: 0
    cls = meta(name, (base,) if base is not None else (), namespace)
    _LOGS[id(cls)] = (cls, log)
    return cls


def nested_class(meta, name, inner):
    """A class `name` made with metaclass `meta` whose __init__ constructs
    `inner()` (another class of the metaclass) and keeps it as self.inner,
    logging every construction as counted_class does."""
    log = []

    def __init__(self, *args, **kwargs):
        log.append((args, dict(kwargs)))
        self.inner = inner()
        self.args = args
        self.kwargs = kwargs

    namespace = {"__init__": __init__, "__module__": "harness", "__qualname__": name}
    cls = meta(name, (), namespace)
    _LOGS[id(cls)] = (cls, log)
    return cls


def constructions(cls):
    """(args, kwargs) of every __init__ of cls that ran, in order."""
    return list(_LOGS[id(cls)][1])
"#;

// ---- scenarios and their scripts -----------------------------------------

/// One step of a scenario.
#[derive(Debug, Clone)]
pub enum Op {
    /// `o<n> = C(*args)`.
    Call(usize, Args),
    /// `Singleton.reset(C)`.
    Reset(usize),
    /// [`RUNS`] times over: fresh classes of these names are made with the
    /// metaclass, then `threads` threads at once call them (thread `t` the
    /// class `names[t % len]`) with no arguments, `calls_each` times each.
    Threads {
        names: Vec<&'static str>,
        threads: i64,
        calls_each: i64,
    },
}

/// Classes, then operations on them, then the log of each class.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub classes: Vec<Class>,
    pub ops: Vec<Op>,
}

fn class(name: &'static str, base: Option<usize>, kind: Kind) -> Class {
    Class { name, base, kind }
}

fn call(class: usize, args: &[i64]) -> Op {
    Op::Call(
        class,
        Args {
            args: args.to_vec(),
            keyword: None,
        },
    )
}

fn call_kw(class: usize, args: &[i64], keyword: (&'static str, i64)) -> Op {
    Op::Call(
        class,
        Args {
            args: args.to_vec(),
            keyword: Some(keyword),
        },
    )
}

/// How many times a thread scenario runs, each time on fresh classes: a
/// race shows in a run where two threads pass the check together, which
/// the turns make all but certain in every run; a correct metaclass never
/// constructs twice in any.
const RUNS: i64 = 4;

fn threads(names: &[&'static str], threads: i64, calls_each: i64) -> Op {
    Op::Threads {
        names: names.to_vec(),
        threads,
        calls_each,
    }
}

fn make_class(scenario: &Scenario, class: &Class) -> Expr {
    let mut args = vec![Expr::name("Singleton"), Expr::lit(class.name)];
    if let Some(base) = class.base {
        args.push(Expr::var(scenario.classes[base].name));
    }
    let kind = match class.kind {
        Kind::Plain => None,
        Kind::Falsy => Some("falsy"),
        Kind::Fragile => Some("fragile"),
    };
    let kwargs = kind.map(|k| vec![("kind", Expr::lit(k))]).unwrap_or_default();
    Expr::fixture("counted_class").call_kw(args, kwargs)
}

/// The scenario as steps, each with what the [`Registry`] says it observes:
/// each instance returned is observed by the arguments it was constructed
/// with (`o.args`), its type, and whether it is the object an earlier call
/// of the same class returned; at the end, every class's log of
/// constructions.
fn script(scenario: &Scenario) -> Script {
    let mut reference = Registry::default();
    let mut script = Script::new();
    for class in &scenario.classes {
        script = script.bind(class.name, make_class(scenario, class));
    }
    // (variable, class, serial) of every instance bound so far.
    let mut bound: Vec<(String, usize, usize)> = vec![];
    for op in &scenario.ops {
        match op {
            Op::Call(c, args) => {
                let class = &scenario.classes[*c];
                let made = Expr::var(class.name).call_kw(
                    args.args.iter().map(|a| Expr::lit(*a)).collect(),
                    args.keyword
                        .iter()
                        .map(|(k, v)| (*k, Expr::lit(*v)))
                        .collect(),
                );
                let Some(serial) = reference.call(*c, class.kind, args) else {
                    script = script.observe(made, raises("ValueError"));
                    continue;
                };
                let var = format!("o{}", bound.len() + 1);
                script = script.bind(&var, made);
                let earlier = bound.iter().rev().find(|(_, class, _)| class == c);
                if earlier.is_none() {
                    script = script.observe(Expr::var(&var).type_name(), class.name);
                }
                script = script.observe(
                    Expr::var(&var).attr("args"),
                    reference.made_with(serial).args_value(),
                );
                if let Some((other, _, other_serial)) = earlier {
                    script = script.observe(
                        Expr::var(&var).is(Expr::var(other)),
                        *other_serial == serial,
                    );
                }
                bound.push((var, *c, serial));
            }
            Op::Reset(c) => {
                script = script.observe(
                    Expr::name("Singleton")
                        .method("reset", vec![Expr::var(scenario.classes[*c].name)]),
                    Value::None,
                );
                reference.reset(*c);
            }
            Op::Threads {
                names,
                threads,
                calls_each,
            } => {
                let calls = if names.len() == 1 {
                    format!("{}()", names[0])
                } else {
                    format!(
                        "[{}][t % {}]() (thread t)",
                        names.join(", "),
                        names.len()
                    )
                };
                let text = format!(
                    "{RUNS} times, on fresh classes {} made with Singleton: {threads} threads at \
                     once each call {calls} {calls_each} times; the exceptions raised, whether \
                     in every run each class was constructed once and all its calls returned \
                     that one object, whether every object is of the class called",
                    names.join(" and ")
                );
                script = script.probe(
                    "construct_threads",
                    &text,
                    vec![
                        Expr::name("Singleton"),
                        Expr::lit(Value::List(names.iter().map(|n| Value::str(*n)).collect())),
                        Expr::lit(*threads),
                        Expr::lit(*calls_each),
                        Expr::lit(RUNS),
                    ],
                    Value::record([
                        ("errors", Value::List(vec![])),
                        ("constructed_once_one_object", Value::Bool(true)),
                        ("all_of_the_class_called", Value::Bool(true)),
                    ]),
                );
            }
        }
    }
    for (c, class) in scenario.classes.iter().enumerate() {
        script = script.observe(
            Expr::fixture("constructions").call(vec![Expr::var(class.name)]),
            reference.log(c),
        );
    }
    script
}

fn scenario(classes: Vec<Class>, ops: Vec<Op>) -> Scenario {
    Scenario { classes, ops }
}

fn plain(name: &'static str) -> Class {
    class(name, None, Kind::Plain)
}

fn fixed() -> Vec<Check<Scenario>> {
    use Kind::*;
    vec![
        Check::new(
            "same_instance",
            "every call of a class returns the same object",
            3,
            vec![
                scenario(
                    vec![plain("Config")],
                    vec![call(0, &[1]), call(0, &[2]), call(0, &[])],
                ),
                scenario(
                    vec![plain("Settings")],
                    vec![call_kw(0, &[], ("debug", 1)), call(0, &[5, 6])],
                ),
            ],
        ),
        Check::new(
            "init_runs_once",
            "__init__ runs once, with the first call's arguments",
            3,
            vec![scenario(
                vec![plain("Config")],
                vec![
                    call_kw(0, &[1], ("mode", 7)),
                    call(0, &[2]),
                    call_kw(0, &[3], ("mode", 8)),
                    call(0, &[]),
                ],
            )],
        ),
        Check::new(
            "falsy_instance_kept",
            "an instance that is falsy (__len__ returns 0) is still the only one",
            2,
            vec![scenario(
                vec![class("Empty", None, Falsy)],
                vec![call(0, &[1]), call(0, &[2]), call(0, &[3])],
            )],
        ),
        Check::new(
            "classes_independent",
            "each class has its own instance",
            2,
            vec![scenario(
                vec![plain("Cache"), plain("Pool")],
                vec![
                    call(0, &[1]),
                    call(1, &[2]),
                    call(0, &[3]),
                    call(1, &[4]),
                ],
            )],
        ),
        Check::new(
            "subclass_own_instance",
            "a subclass has its own instance, whichever of it and its base was created first",
            3,
            vec![
                scenario(
                    vec![plain("Config"), class("Local", Some(0), Plain)],
                    vec![call(0, &[1]), call(1, &[2]), call(1, &[3]), call(0, &[4])],
                ),
                scenario(
                    vec![plain("Config"), class("Local", Some(0), Plain)],
                    vec![call(1, &[1]), call(0, &[2]), call(0, &[3]), call(1, &[4])],
                ),
            ],
        ),
        Check::new(
            "failed_init_not_remembered",
            "when the first construction raises, nothing is remembered and the next call constructs again",
            2,
            vec![scenario(
                vec![class("Strict", None, Fragile)],
                vec![call(0, &[-1]), call(0, &[-2]), call(0, &[5]), call(0, &[-3]), call(0, &[6])],
            )],
        ),
        Check::new(
            "reset_forgets_instance",
            "after Singleton.reset(C), C() constructs a new instance with the new arguments",
            3,
            vec![scenario(
                vec![plain("Config")],
                vec![
                    call(0, &[1]),
                    Op::Reset(0),
                    call(0, &[2]),
                    call(0, &[3]),
                    Op::Reset(0),
                    call_kw(0, &[4], ("mode", 1)),
                ],
            )],
        ),
        Check::new(
            "reset_only_that_class",
            "Singleton.reset(C) forgets C's instance only, not another class's, a subclass's or a base's",
            3,
            vec![scenario(
                vec![
                    plain("Config"),
                    class("Local", Some(0), Plain),
                    plain("Pool"),
                ],
                vec![
                    call(0, &[1]),
                    call(1, &[2]),
                    call(2, &[3]),
                    Op::Reset(2),
                    call(0, &[4]),
                    call(1, &[5]),
                    call(2, &[6]),
                    Op::Reset(1),
                    call(0, &[7]),
                    call(1, &[8]),
                    Op::Reset(0),
                    call(1, &[9]),
                    call(0, &[10]),
                ],
            )],
        ),
        Check::new(
            "reset_without_instance",
            "resetting a class that has no instance does nothing",
            1,
            vec![scenario(
                vec![plain("Config")],
                vec![
                    Op::Reset(0),
                    call(0, &[1]),
                    Op::Reset(0),
                    Op::Reset(0),
                    call(0, &[2]),
                ],
            )],
        ),
        Check::new(
            "thread_safe_creation",
            "threads asking for the instance at once: exactly one construction, one object",
            4,
            vec![
                scenario(vec![], vec![threads(&["Config"], 4, 2)]),
                scenario(vec![], vec![threads(&["Cache", "Pool"], 4, 2)]),
            ],
        ),
    ]
}

/// A singleton constructed inside another's `__init__` (the reference:
/// both constructed once, the inner one being `Config()`'s instance).
fn nested_check() -> Check<Script> {
    Check::new(
        "nested_singletons",
        "a singleton whose __init__ constructs another singleton class: no deadlock, each constructed once",
        3,
        vec![Script::new().probe(
            "nested",
            "class Config(metaclass=Singleton): ...; class Service(metaclass=Singleton): \
             def __init__(self): self.inner = Config(); then Service() in a harness thread, \
             which must return (a thread asleep on a lock it holds itself is a deadlock)",
            vec![Expr::name("Singleton")],
            Value::record([
                (NESTED_CALL, Value::str("returned")),
                (NESTED_INNER, Value::Bool(true)),
                (NESTED_LOGS, Value::pair(1, 1)),
            ]),
        )],
    )
}

/// Random scenarios over a small hierarchy: `Base`, `Left(Base)`,
/// `Leaf(Left)`, `Right(Base)` and an unrelated `Other` (sometimes falsy,
/// sometimes fragile), with calls and resets in random order.
fn generated(rng: &mut Rng) -> Vec<Check<Scenario>> {
    let scenarios = (0..8)
        .map(|_| {
            let other = [Kind::Plain, Kind::Falsy, Kind::Fragile][rng.random_range(0..3)];
            let classes = vec![
                plain("Base"),
                class("Left", Some(0), Kind::Plain),
                class("Leaf", Some(1), Kind::Plain),
                class("Right", Some(0), Kind::Plain),
                class("Other", None, other),
            ];
            let mut serial = 0;
            let ops = (0..rng.random_range(8..18))
                .map(|_| {
                    let c = rng.random_range(0..classes.len());
                    if rng.random_bool(0.2) {
                        return Op::Reset(c);
                    }
                    serial += 1;
                    let first = if classes[c].kind == Kind::Fragile && rng.random_bool(0.3) {
                        -serial
                    } else {
                        serial
                    };
                    let keyword = rng
                        .random_bool(0.3)
                        .then(|| ("tag", rng.random_range(0..100)));
                    Op::Call(
                        c,
                        Args {
                            args: vec![first],
                            keyword,
                        },
                    )
                })
                .collect();
            scenario(classes, ops)
        })
        .collect();
    vec![Check::new(
        "random_calls_and_resets",
        "random calls and resets over a class hierarchy",
        3,
        scenarios,
    )]
}

impl ScriptedExercise for SingletonExercise {
    fn id(&self) -> &'static str {
        "singleton"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let mut checks: Vec<Check<Script>> = fixed().into_iter().map(|c| c.map(script)).collect();
        checks.push(nested_check());
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated(rng).into_iter().map(|c| c.map(script)).collect()
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    /// `construct_threads(meta, names, threads, calls_each, runs)`: `runs`
    /// times, fresh classes of those names are made with `meta` (by the
    /// fixtures' `counted_class`), then the thread hammer calls
    /// `classes[t % len]()` from `threads` threads, `calls_each` times each,
    /// all of them in the turns before any calls (the hammer's start).
    /// Observes the exceptions raised and, over all the
    /// runs, whether each class was constructed once, whether all the calls
    /// of a class returned one object, and whether every object is exactly
    /// of the class called, all decided on the native side, as booleans: how
    /// many constructions a race makes depends on how many threads pass the
    /// check together, which the verdict (and so the report) must not.
    fn probe<'py>(
        &self,
        candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        if let ("nested", [meta]) = (name, args) {
            return nested_probe(candidate, meta);
        }
        let ([meta, names, threads, calls_each, runs], "construct_threads") = (args, name) else {
            return Err(crate::exercise::unknown_probe(name, args.len()));
        };
        let py = candidate.py;
        let fixtures = crate::driver::fixtures(py, "singleton", FIXTURES)?;
        let names: Vec<String> = names.extract()?;
        let threads: usize = threads.extract()?;
        let calls_each: usize = calls_each.extract()?;
        let runs: usize = runs.extract()?;
        let mut errors: Vec<String> = vec![];
        let (mut once, mut one_object, mut right_class) = (true, true, true);
        for _ in 0..runs {
            let classes: Vec<Py<PyAny>> = names
                .iter()
                .map(|n| {
                    fixtures
                        .getattr("counted_class")?
                        .call1((meta, n.as_str()))
                        .map(Bound::unbind)
                })
                .collect::<PyResult<_>>()?;
            let returned: Mutex<Vec<Vec<Py<PyAny>>>> =
                Mutex::new((0..classes.len()).map(|_| vec![]).collect());
            let untouched: Mutex<Option<PyErr>> = Mutex::new(None);
            let wrong_class = AtomicUsize::new(0);
            let raised = hammer(candidate, threads, calls_each, |py, me, _| {
                let k = me % classes.len();
                let cls = classes[k].bind(py);
                match cls.call0() {
                    Ok(obj) => {
                        if !obj.get_type().is(cls) {
                            wrong_class.fetch_add(1, SeqCst);
                        }
                        returned.lock().unwrap_or_else(|e| e.into_inner())[k].push(obj.unbind());
                        Ok(())
                    }
                    Err(err) if err.is_instance_of::<PyNotImplementedError>(py) => {
                        untouched
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .get_or_insert(err);
                        Ok(())
                    }
                    Err(err) => Err(err),
                }
            })?;
            if let Some(err) = untouched.into_inner().unwrap_or_else(|e| e.into_inner()) {
                return Err(Fault::Raised(err));
            }
            errors.extend(raised);
            right_class &= wrong_class.into_inner() == 0;
            for objects in returned.into_inner().unwrap_or_else(|e| e.into_inner()) {
                let mut ids: Vec<usize> = objects.iter().map(|o| o.as_ptr() as usize).collect();
                ids.sort_unstable();
                ids.dedup();
                one_object &= ids.len() == 1;
            }
            for cls in &classes {
                let log = fixtures.getattr("constructions")?.call1((cls.bind(py),))?;
                once &= log.len()? == 1;
            }
        }
        errors.sort();
        errors.dedup();
        Ok(Value::record([
            (
                "errors",
                Value::List(errors.into_iter().map(Value::Str).collect()),
            ),
            // One boolean: where a race constructs twice, whether the
            // threads also got different objects depends on the turns.
            ("constructed_once_one_object", Value::Bool(once && one_object)),
            ("all_of_the_class_called", Value::Bool(right_class)),
        ]))
    }
}

// ---- a singleton constructed inside another's __init__ ---------------------

/// How many samples in a row, [`SAMPLE`] apart, the harness thread must be
/// asleep (kernel state `S` or `D`) without using any CPU time before it is
/// presumed blocked for good. A thread that can run is in state `R`, even
/// while it waits for a core on a loaded machine, and is never counted; a
/// correct `Service()` takes well under a millisecond of CPU and never
/// sleeps.
const ASLEEP_SAMPLES: u32 = 10;
/// The same where the thread's state cannot be read (Landlock keeps `/proc`
/// out of the sandbox's reach): samples in a row without any CPU time used.
/// A thread that can run gets a core well within that however loaded the
/// machine; only a deadlocked solution waits it out.
const IDLE_SAMPLES: u32 = 50;
const SAMPLE: std::time::Duration = std::time::Duration::from_millis(10);

/// The harness thread's progress: its kernel id once it runs, and how its
/// call ended.
#[derive(Default)]
struct Nested {
    tid: Option<i32>,
    ended: Option<Result<Py<PyAny>, PyErr>>,
}

/// The kernel's CPU-time clock of thread `tid` (`MAKE_THREAD_CPUCLOCK(tid,
/// CPUCLOCK_SCHED)`, what `pthread_getcpuclockid` gives on Linux).
fn cpu_time_of(tid: i32) -> Option<std::time::Duration> {
    let clock = (!tid << 3) | 4 | 2;
    let now = nix::time::clock_gettime(nix::time::ClockId::from_raw(clock)).ok()?;
    Some(std::time::Duration::new(
        now.tv_sec() as u64,
        now.tv_nsec() as u32,
    ))
}

/// Whether thread `tid` of this process is asleep (state `S` or `D` in
/// `/proc/self/task/<tid>/stat`); `None` when that cannot be read.
fn asleep(tid: i32) -> Option<bool> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // "tid (comm) S ...": the state follows the last ')'.
    let state = stat.rsplit_once(')')?.1.trim_start().chars().next()?;
    Some(matches!(state, 'S' | 'D'))
}

/// Waits until the harness thread has ended (true) or is blocked for good:
/// asleep with no CPU time used over [`ASLEEP_SAMPLES`] samples in a row.
/// A thread that keeps running is waited for (the worker's deadline ends a
/// loop that never stops).
fn wait_ended_or_blocked(state: &(Mutex<Nested>, std::sync::Condvar)) -> bool {
    let (lock, changed) = state;
    let mut nested = lock.lock().unwrap_or_else(|e| e.into_inner());
    let mut last: Option<std::time::Duration> = None;
    let mut still = 0;
    loop {
        if nested.ended.is_some() {
            return true;
        }
        let (guard, waited) = changed
            .wait_timeout(nested, SAMPLE)
            .unwrap_or_else(|e| e.into_inner());
        nested = guard;
        if !waited.timed_out() || nested.ended.is_some() {
            continue;
        }
        let Some(tid) = nested.tid else { continue };
        let Some(used) = cpu_time_of(tid) else {
            // Its clock is gone with it (it panicked): nothing to wait for.
            return false;
        };
        let needed = match asleep(tid) {
            Some(false) => None, // running, or waiting for a core
            Some(true) => Some(ASLEEP_SAMPLES),
            None => Some(IDLE_SAMPLES),
        };
        match needed {
            Some(needed) if last == Some(used) => {
                still += 1;
                if still >= needed {
                    return false;
                }
            }
            _ => still = 0,
        }
        last = Some(used);
    }
}

/// Releases the candidate's locks that are held, found where a metaclass
/// keeps its lock: the metaclass's (and its bases') attributes, and the
/// globals, closure and defaults of its `__call__`. Frees a thread blocked
/// on a lock it holds itself, so that it ends and the checks after this one
/// do not block on that lock too.
fn release_held_locks(meta: &Bound<'_, PyAny>) -> PyResult<()> {
    use crate::driver::interleave::TurnLock;
    let mut places: Vec<Bound<'_, PyAny>> = vec![];
    for klass in meta.getattr("__mro__")?.try_iter()? {
        let klass = klass?;
        if let Ok(dict) = klass.getattr("__dict__") {
            places.extend(dict.call_method0("values")?.try_iter()?.flatten());
        }
    }
    if let Ok(call) = meta.getattr("__dict__")?.get_item("__call__") {
        if let Ok(globals) = call.getattr("__globals__") {
            places.extend(globals.call_method0("values")?.try_iter()?.flatten());
        }
        for name in ["__closure__", "__defaults__"] {
            if let Ok(items) = call.getattr(name)
                && !items.is_none()
            {
                for item in items.try_iter()?.flatten() {
                    match item.getattr("cell_contents") {
                        Ok(inside) => places.push(inside),
                        Err(_) => places.push(item),
                    }
                }
            }
        }
    }
    for place in places {
        if place.is_instance_of::<TurnLock>() && place.call_method0("locked")?.is_truthy()? {
            place.call_method0("release")?;
        }
    }
    Ok(())
}

const NESTED_CALL: &str = "Service() (in a harness thread)";
const NESTED_INNER: &str = "service.inner is Config()";
const NESTED_LOGS: &str = "constructions of (Service, Config)";

/// `nested(meta)`: `Config` and `Service` made with `meta`, the latter's
/// `__init__` calling `Config()`; `Service()` is called in a harness thread,
/// which either ends or is found blocked (a lock held by the thread itself,
/// see [`wait_ended_or_blocked`]); then whether its `inner` is `Config()`
/// and how many times each class was constructed.
fn nested_probe<'py>(candidate: &Candidate<'py>, meta: &Bound<'py, PyAny>) -> Observed {
    let py = candidate.py;
    let fixtures = crate::driver::fixtures(py, "singleton", FIXTURES)?;
    let config = fixtures.getattr("counted_class")?.call1((meta, "Config"))?;
    let service = fixtures
        .getattr("nested_class")?
        .call1((meta, "Service", &config))?;
    let state: Arc<(Mutex<Nested>, std::sync::Condvar)> = Arc::default();
    let thread_state = state.clone();
    let call = service.clone().unbind();
    std::thread::Builder::new()
        .name("singleton-nested".into())
        .spawn(move || {
            let tid = nix::unistd::gettid().as_raw();
            let (lock, changed) = &*thread_state;
            lock.lock().unwrap_or_else(|e| e.into_inner()).tid = Some(tid);
            let ended = Python::attach(|py| call.bind(py).call0().map(Bound::unbind));
            lock.lock().unwrap_or_else(|e| e.into_inner()).ended = Some(ended);
            changed.notify_all();
        })
        .map_err(|e| Fault::Raised(pyo3::exceptions::PyRuntimeError::new_err(e.to_string())))?;
    let ended = py.detach(|| wait_ended_or_blocked(&state));
    let called = if ended {
        let outcome = state
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .ended
            .take();
        match outcome {
            Some(Ok(made)) => Ok(made.into_bound(py)),
            Some(Err(err)) if err.is_instance_of::<PyNotImplementedError>(py) => {
                return Err(Fault::Raised(err));
            }
            Some(Err(err)) => Err(Value::Raised(crate::driver::exception_type_name(py, &err))),
            None => Err(Value::str("no outcome")),
        }
    } else {
        // Free it, so that it ends and the checks after this one do not
        // find the lock held; wait for it the same way.
        release_held_locks(meta)?;
        py.detach(|| wait_ended_or_blocked(&state));
        Err(Value::str("blocked: the thread sleeps on a lock it holds (deadlock)"))
    };
    let (returned, inner) = match called {
        Ok(made) => {
            let inner = made.getattr("inner")?;
            let again = config.call0()?;
            (Value::str("returned"), Value::Bool(inner.is(&again)))
        }
        Err(why) => (why, Value::None),
    };
    let log = |cls: &Bound<'py, PyAny>| -> PyResult<i64> {
        Ok(fixtures.getattr("constructions")?.call1((cls,))?.len()? as i64)
    };
    Ok(Value::record([
        (NESTED_CALL, returned),
        (NESTED_INNER, inner),
        (NESTED_LOGS, Value::pair(log(&service)?, log(&config)?)),
    ]))
}


#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[i64]) -> Args {
        Args {
            args: a.to_vec(),
            keyword: None,
        }
    }

    #[test]
    fn one_instance_per_class_constructed_with_the_first_arguments() {
        let mut r = Registry::default();
        let a = r.call(0, Kind::Plain, &args(&[1])).unwrap();
        assert_eq!(r.call(0, Kind::Plain, &args(&[2])), Some(a));
        let b = r.call(1, Kind::Plain, &args(&[3])).unwrap();
        assert_ne!(a, b);
        assert_eq!(r.made_with(a).args, vec![1]);
        assert_eq!(r.log(0).repr(), "[((1,), {})]");
    }

    #[test]
    fn reset_forgets_one_class_and_a_failed_construction_is_not_kept() {
        let mut r = Registry::default();
        let a = r.call(0, Kind::Plain, &args(&[1])).unwrap();
        let b = r.call(1, Kind::Plain, &args(&[2])).unwrap();
        r.reset(0);
        r.reset(5);
        let a2 = r.call(0, Kind::Plain, &args(&[3])).unwrap();
        assert_ne!(a, a2);
        assert_eq!(r.call(1, Kind::Plain, &args(&[4])), Some(b));
        assert_eq!(r.call(2, Kind::Fragile, &args(&[-1])), None);
        assert_eq!(r.call(2, Kind::Fragile, &args(&[7])).map(|s| r.made_with(s).args.clone()), Some(vec![7]));
        assert_eq!(r.log(2).repr(), "[((-1,), {}), ((7,), {})]");
        assert_eq!(r.log(0).repr(), "[((1,), {}), ((3,), {})]");
    }

    #[test]
    fn a_thread_asleep_on_a_lock_is_found_blocked_and_an_ending_one_ended() {
        let state: Arc<(Mutex<Nested>, std::sync::Condvar)> = Arc::default();
        let (release, held) = std::sync::mpsc::channel::<()>();
        let watched = state.clone();
        let thread = std::thread::spawn(move || {
            watched.0.lock().unwrap().tid = Some(nix::unistd::gettid().as_raw());
            held.recv().unwrap();
        });
        assert!(!wait_ended_or_blocked(&state), "asleep with no CPU: blocked");
        release.send(()).unwrap();
        thread.join().unwrap();

        let state: Arc<(Mutex<Nested>, std::sync::Condvar)> = Arc::default();
        let watched = state.clone();
        let thread = std::thread::spawn(move || {
            let (lock, changed) = &*watched;
            lock.lock().unwrap().tid = Some(nix::unistd::gettid().as_raw());
            // Busy for a while (state R, CPU used), then done.
            let mut x = 0u64;
            for i in 0..20_000_000u64 {
                x = std::hint::black_box(x.wrapping_add(i));
            }
            // A lazy error: made without the interpreter.
            let err = pyo3::exceptions::PyRuntimeError::new_err("done");
            lock.lock().unwrap().ended = Some(Err(err));
            changed.notify_all();
        });
        assert!(wait_ended_or_blocked(&state));
        thread.join().unwrap();
        let me = nix::unistd::gettid().as_raw();
        assert_eq!(asleep(me), Some(false), "this thread is running");
        assert!(cpu_time_of(me).is_some());
    }

    #[test]
    fn a_scenario_reads_as_python() {
        let s = scenario(
            vec![plain("Config"), class("Local", Some(0), Kind::Plain)],
            vec![call(0, &[1]), call(1, &[2]), call(0, &[3]), Op::Reset(0)],
        );
        let script = script(&s);
        assert_eq!(
            script.describe(),
            "Config = counted_class(Singleton, 'Config'); \
             Local = counted_class(Singleton, 'Local', Config); \
             o1 = Config(1); type(o1).__name__; o1.args; \
             o2 = Local(2); type(o2).__name__; o2.args; \
             o3 = Config(3); o3.args; o3 is o1; Singleton.reset(Config); \
             constructions(Config); constructions(Local)"
        );
    }
}
