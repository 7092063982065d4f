//! `lru_cache` (question 16): a memoising decorator with a bounded,
//! least-recently-used store, statistics, and thread safety.
//!
//! Reference: [`LruCache`], a store ordered by recency with hit and miss
//! counters, and [`run_script`], which replays a script of operations (calls,
//! `cache_info()`, `cache_clear()`) on it around a model of the decorated
//! fixture `counted`. That fixture returns `[its call number, args, kwargs]`,
//! so a result observed from the candidate also shows *which* real call
//! produced it: a hit repeats an old number, a miss shows a new one. The
//! fixture's own call count is observed at the end of every script.
//!
//! `functools.lru_cache` and `functools.cache` are switched off in the child
//! before the candidate's module is imported (see [`LruCacheExercise::prepare`]).

use std::collections::VecDeque;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyCFunction, PyDict};
use rand::RngExt;

use crate::driver::{Candidate, Fault, Observed, extract, fixtures, hammer, live_instances};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script};
use crate::value::Value;

pub struct LruCacheExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<LruCacheExercise> = Scripted(LruCacheExercise);

/// How the decorator factory is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxSize {
    /// `lru_cache()`: the default, 128.
    Default,
    /// `lru_cache(maxsize=None)`.
    Unbounded,
    /// `lru_cache(maxsize=n)`.
    Limit(i64),
}

/// The default `maxsize` of the contract's signature.
pub const DEFAULT_MAXSIZE: i64 = 128;

impl MaxSize {
    /// The limit in force: `None` when unbounded.
    pub fn limit(self) -> Option<i64> {
        match self {
            MaxSize::Default => Some(DEFAULT_MAXSIZE),
            MaxSize::Unbounded => None,
            MaxSize::Limit(n) => Some(n),
        }
    }
}

/// One step of a script on the decorated `counted` fixture `f`.
#[derive(Debug, Clone)]
pub enum Op {
    /// `f(*args, **kwargs)`, keywords passed in this order; observes the result.
    Call {
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    },
    /// `for x in range(from, to): f(x)`; observes `None`.
    Fill { from: i64, to: i64 },
    /// `f.cache_info()`; observes its four attributes.
    Info,
    /// `f.cache_info().currsize` alone.
    Size,
    /// `f.cache_clear()`; observes `None`.
    Clear,
}

/// One call of a check, as the Rust reference reads it; [`script_of`] turns
/// it into the steps the child runs, with what each must observe.
#[derive(Debug, Clone)]
pub enum Call {
    /// Decorate a fresh `counted` and run `ops` on it.
    Script { maxsize: MaxSize, ops: Vec<Op> },
    /// Decorate a fresh `area` and read its metadata.
    Metadata { maxsize: MaxSize },
    /// `threads` threads call `f(x)` `calls_each` times each over `keys` keys.
    Threads {
        maxsize: i64,
        keys: i64,
        threads: i64,
        calls_each: i64,
    },
}

// ---- the Rust reference -------------------------------------------------

/// What `cache_info()` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheInfo {
    pub hits: i64,
    pub misses: i64,
    pub maxsize: Option<i64>,
    pub currsize: i64,
}

/// A least-recently-used store: the front of `entries` is the entry used
/// longest ago. Every lookup counts as one hit or one miss.
#[derive(Debug, Clone)]
pub struct LruCache<K, V> {
    maxsize: Option<i64>,
    entries: VecDeque<(K, V)>,
    hits: i64,
    misses: i64,
}

impl<K: PartialEq, V: Clone> LruCache<K, V> {
    /// `None` never evicts; `Some(0)` (or less) stores nothing.
    pub fn new(maxsize: Option<i64>) -> Self {
        LruCache {
            maxsize: maxsize.map(|n| n.max(0)),
            entries: VecDeque::new(),
            hits: 0,
            misses: 0,
        }
    }

    /// A hit returns the value and makes its entry the most recent; a miss
    /// is counted and returns `None` (the caller computes and [`Self::put`]s).
    pub fn get(&mut self, key: &K) -> Option<V> {
        match self.entries.iter().position(|(k, _)| k == key) {
            Some(index) => {
                self.hits += 1;
                let entry = self.entries.remove(index).expect("index in range");
                let value = entry.1.clone();
                self.entries.push_back(entry);
                Some(value)
            }
            None => {
                self.misses += 1;
                None
            }
        }
    }

    /// Stores a computed result as the most recent entry, evicting the least
    /// recently used ones beyond `maxsize`.
    pub fn put(&mut self, key: K, value: V) {
        if self.maxsize == Some(0) {
            return;
        }
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push_back((key, value));
        if let Some(max) = self.maxsize {
            while self.entries.len() as i64 > max {
                self.entries.pop_front();
            }
        }
    }

    pub fn info(&self) -> CacheInfo {
        CacheInfo {
            hits: self.hits,
            misses: self.misses,
            maxsize: self.maxsize,
            currsize: self.entries.len() as i64,
        }
    }

    /// Empties the store and resets the counts.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.hits = 0;
        self.misses = 0;
    }
}

/// Whether Python could hash the value (lists, dicts and sets cannot be).
fn hashable(value: &Value) -> bool {
    match value {
        Value::List(_) | Value::Dict(_) | Value::Set(_) => false,
        Value::Tuple(items) | Value::FrozenSet(items) => items.iter().all(hashable),
        _ => true,
    }
}

/// The cache key: the positional arguments plus the keyword arguments, the
/// keyword order not mattering.
fn key_of(args: &[Value], kwargs: &[(String, Value)]) -> String {
    let mut named: Vec<String> = kwargs
        .iter()
        .map(|(k, v)| format!("{k}={}", v.repr()))
        .collect();
    named.sort();
    format!(
        "{} | {}",
        Value::Tuple(args.to_vec()).repr(),
        named.join(", ")
    )
}

/// The model of the `counted` fixture: what its `n`-th real call returns.
fn counted(n: i64, args: &[Value], kwargs: &[(String, Value)]) -> Value {
    if let Some(Value::Int(first)) = args.first()
        && *first < 0
    {
        return Value::Raised("ValueError".into());
    }
    Value::List(vec![
        Value::Int(n),
        Value::Tuple(args.to_vec()),
        Value::Dict(
            kwargs
                .iter()
                .map(|(k, v)| (Value::str(k), v.clone()))
                .collect(),
        ),
    ])
}

/// The cache decorating `counted`, and how often `counted` really ran.
struct Memoised {
    cache: LruCache<String, Value>,
    calls: i64,
}

impl Memoised {
    fn call(&mut self, args: &[Value], kwargs: &[(String, Value)]) -> Value {
        if !args
            .iter()
            .chain(kwargs.iter().map(|(_, v)| v))
            .all(hashable)
        {
            // Raised before the lookup: neither a hit nor a miss is fixed by
            // the contract, so no script reads the counts after this.
            return Value::Raised("TypeError".into());
        }
        let key = key_of(args, kwargs);
        if let Some(value) = self.cache.get(&key) {
            return value;
        }
        self.calls += 1;
        let result = counted(self.calls, args, kwargs);
        // An exception is not cached.
        if !matches!(result, Value::Raised(_)) {
            self.cache.put(key, result.clone());
        }
        result
    }
}

fn info_value(info: CacheInfo) -> Value {
    Value::record([
        ("hits", Value::Int(info.hits)),
        ("misses", Value::Int(info.misses)),
        ("maxsize", info.maxsize.map_or(Value::None, Value::Int)),
        ("currsize", Value::Int(info.currsize)),
    ])
}

/// Replays `ops` on a cache of `maxsize` around `counted`: one observation
/// per op, then the number of real calls.
pub fn run_script(maxsize: MaxSize, ops: &[Op]) -> Value {
    let mut memo = Memoised {
        cache: LruCache::new(maxsize.limit()),
        calls: 0,
    };
    let results = ops
        .iter()
        .map(|op| match op {
            Op::Call { args, kwargs } => memo.call(args, kwargs),
            Op::Fill { from, to } => {
                for x in *from..*to {
                    memo.call(&[Value::Int(x)], &[]);
                }
                Value::None
            }
            Op::Info => info_value(memo.cache.info()),
            Op::Size => Value::Int(memo.cache.info().currsize),
            Op::Clear => {
                memo.cache.clear();
                Value::None
            }
        })
        .collect();
    Value::record([
        ("results", Value::List(results)),
        ("calls", Value::Int(memo.calls)),
    ])
}

/// The key the thread check's target uses for call `call` of thread `thread`
/// (the same formula as `hammer_cache` in [`FIXTURES`]).
fn thread_key(thread: i64, call: i64, keys: i64) -> i64 {
    (thread * 7 + call * 3) % keys
}

/// What the thread check must observe: no errors, no wrong result, never more
/// than `maxsize` entries, one hit or miss per call, and a full cache at the
/// end. The split between hits and misses depends on the interleaving, so it
/// is not observed; the totals do not.
fn threads_expected(maxsize: i64, keys: i64, threads: i64, calls_each: i64) -> Value {
    let mut cache: LruCache<i64, i64> = LruCache::new(Some(maxsize));
    for thread in 0..threads {
        for call in 0..calls_each {
            let x = thread_key(thread, call, keys);
            if cache.get(&x).is_none() {
                cache.put(x, x * x);
            }
        }
    }
    let info = cache.info();
    Value::record([
        ("errors", Value::List(vec![])),
        ("wrong_results", Value::Int(0)),
        ("samples_above_maxsize", Value::Int(0)),
        ("hits_plus_misses", Value::Int(info.hits + info.misses)),
        ("final_currsize", Value::Int(info.currsize)),
    ])
}

/// The docstring of the `area` fixture (also in [`FIXTURES`]).
const AREA_DOC: &str = "Return the area of a width by height rectangle.";

/// Python the scripts decorate: fresh objects for every call.
const FIXTURES: &str = r#"
"""Functions the lru_cache checks decorate (every call gets fresh ones), and for_each."""


def for_each(f, xs):
    """Call f(x) for each x of xs."""
    for x in xs:
        f(x)


def make_counted(counter):
    """A function whose real calls `counter` (a native CallCount) counts."""
    tick = counter.tick

    def counted(*args, **kwargs):
        """Return [the number of calls so far, args, kwargs].

        Raises ValueError when the first positional argument is a negative int.
        """
        calls = tick()
        if args and type(args[0]) is int and args[0] < 0:
            raise ValueError(f"negative argument: {args[0]}")
        return [calls, args, kwargs]

    return counted


def make_area():
    def area(width, height):
        """Return the area of a width by height rectangle."""
        return width * height

    area.__qualname__ = "Shapes.area"
    return area
"#;

/// Caches a native `square` with the candidate's `lru_cache(maxsize=…)` and
/// calls it from `threads` threads at once (see [`hammer`]); every
/// observation is counted on the native side. Call `call` of thread `thread`
/// asks for [`thread_key`].
fn hammer_cache(
    candidate: &Candidate<'_>,
    lru_cache: &Bound<'_, PyAny>,
    maxsize: i64,
    keys: i64,
    threads: i64,
    calls_each: i64,
    refuse_c_cache: &dyn Fn() -> PyResult<()>,
) -> Observed {
    let py = candidate.py;
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    let square = PyCFunction::new_closure(py, Some(c"square"), None, |args, _| {
        let x: i64 = args.get_item(0)?.extract()?;
        Ok::<i64, PyErr>(x * x)
    })?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("maxsize", maxsize)?;
    let cached = lru_cache
        .call((), Some(&kwargs))?
        .call1((square,))?
        .unbind();
    let currsize = |info: &Bound<'_, PyAny>| -> PyResult<i64> {
        match extract(&info.getattr("currsize")?) {
            Value::Int(n) => Ok(n),
            other => Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "cache_info().currsize is {}, not an int",
                other.repr()
            ))),
        }
    };
    let (wrong, above) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let errors = hammer(
        candidate,
        threads as usize,
        calls_each as usize,
        |py, thread, call| {
            let x = thread_key(thread as i64, call as i64, keys);
            let cached = cached.bind(py);
            if extract(&cached.call1((x,))?) != Value::Int(x * x) {
                wrong.fetch_add(1, SeqCst);
            }
            let info = cached.call_method0("cache_info")?;
            if currsize(&info)? > maxsize {
                above.fetch_add(1, SeqCst);
            }
            Ok(())
        },
    )?;
    let info = cached.bind(py).call_method0("cache_info")?;
    // While the cache is alive: is it functools' own?
    refuse_c_cache()?;
    let counted = |name: &str| -> PyResult<Option<i64>> {
        Ok(match extract(&info.getattr(name)?) {
            Value::Int(n) => Some(n),
            _ => None,
        })
    };
    let hits_plus_misses = match (counted("hits")?, counted("misses")?) {
        (Some(hits), Some(misses)) => Value::Int(hits + misses),
        _ => Value::Other("not two ints".into()),
    };
    Ok(Value::record([
        (
            "errors",
            Value::List(errors.into_iter().map(Value::Str).collect()),
        ),
        ("wrong_results", Value::Int(wrong.into_inner() as i64)),
        (
            "samples_above_maxsize",
            Value::Int(above.into_inner() as i64),
        ),
        ("hits_plus_misses", hits_plus_misses),
        ("final_currsize", extract(&info.getattr("currsize")?)),
    ]))
}

/// Switches off the standard library's caches before the candidate's module
/// is imported. Modules that build their own caches with `functools.lru_cache`
/// at import time are imported first, so a candidate importing them still works.
const DISABLE_FUNCTOOLS: &std::ffi::CStr = cr#"
import typing, re, fnmatch, tokenize, inspect, dataclasses, pathlib, urllib.parse, ipaddress
import functools, _functools


def _disabled(*args, **kwargs):
    raise RuntimeError("functools.lru_cache is disabled while lru_cache is graded: build your own")


functools.lru_cache = _disabled
functools.cache = _disabled
functools._lru_cache_wrapper = _disabled
_functools._lru_cache_wrapper = _disabled
"#;

// ---- checks, expectations and the driver --------------------------------

fn call(args: &[i64]) -> Op {
    Op::Call {
        args: args.iter().copied().map(Value::Int).collect(),
        kwargs: vec![],
    }
}

fn call_kw(args: &[i64], kwargs: &[(&str, i64)]) -> Op {
    Op::Call {
        args: args.iter().copied().map(Value::Int).collect(),
        kwargs: kwargs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Int(*v)))
            .collect(),
    }
}

fn script(maxsize: MaxSize, ops: Vec<Op>) -> Call {
    Call::Script { maxsize, ops }
}


impl ScriptedExercise for LruCacheExercise {
    fn id(&self) -> &'static str {
        "lru_cache"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        fixed().into_iter().map(|c| c.map(script_of)).collect()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated(rng).into_iter().map(|c| c.map(script_of)).collect()
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        // Keep the real C wrapper type before its names are replaced, so the
        // probes can refuse a cache that is an instance of it anyway (reached
        // through some stdlib function that is already cached).
        let c_wrapper = py.import("_functools")?.getattr("_lru_cache_wrapper")?;
        fixtures(py, "lru_cache", FIXTURES)?.setattr("_C_WRAPPER", c_wrapper)?;
        // A private namespace, so nothing of this is visible to the candidate.
        let globals = PyDict::new(py);
        py.run(DISABLE_FUNCTOOLS, Some(&globals), None)
    }

    /// - `c_caches()`: counts the live instances of functools' C cache, the
    ///   baseline `no_c_cache` compares with; observes `None`.
    /// - `no_c_cache(f)`: `f` is not functools' C cache, and no instance of
    ///   it was made since `c_caches()` (however its type was reached: any
    ///   function the standard library caches has it); observes `None`, or
    ///   ends the call with an error saying so.
    /// - `hammer_cache(lru_cache, maxsize, keys, threads, calls_each)`: see
    ///   [`hammer_cache`].
    fn probe<'py>(
        &self,
        candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        let py = candidate.py;
        let c_wrapper = fixtures(py, "lru_cache", FIXTURES)?.getattr("_C_WRAPPER")?;
        match (name, args) {
            ("c_caches", []) => {
                let live = live_instances(py, &c_wrapper)?;
                *C_CACHES_BEFORE.lock().unwrap_or_else(|e| e.into_inner()) = Some(live);
                Ok(Value::None)
            }
            ("no_c_cache", [f]) => {
                if f.get_type().is(&c_wrapper) {
                    return Err(Fault::Raised(PyRuntimeError::new_err(
                        "the cache is functools' own C lru_cache wrapper, which is disabled while lru_cache is graded: build your own",
                    )));
                }
                let before = C_CACHES_BEFORE
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .ok_or_else(|| {
                        PyRuntimeError::new_err("internal: no_c_cache before c_caches")
                    })?;
                refuse_c_cache(py, &c_wrapper, before)?;
                Ok(Value::None)
            }
            ("hammer_cache", [lru_cache, maxsize, keys, threads, calls_each]) => {
                let before = live_instances(py, &c_wrapper)?;
                hammer_cache(
                    candidate,
                    lru_cache,
                    maxsize.extract()?,
                    keys.extract()?,
                    threads.extract()?,
                    calls_each.extract()?,
                    &|| refuse_c_cache(py, &c_wrapper, before),
                )
            }
            _ => Err(crate::exercise::unknown_probe(name, args.len())),
        }
    }
}

/// The live instances of functools' C cache when the call's `c_caches`
/// probe ran (in the child, where nothing of Python can reach it).
static C_CACHES_BEFORE: std::sync::Mutex<Option<usize>> = std::sync::Mutex::new(None);

/// An error when more instances of functools' C cache are alive than `before`.
fn refuse_c_cache(py: Python<'_>, c_wrapper: &Bound<'_, PyAny>, before: usize) -> PyResult<()> {
    if live_instances(py, c_wrapper)? > before {
        return Err(PyRuntimeError::new_err(
            "the cache is built on functools' own C lru_cache wrapper, which is disabled while lru_cache is graded: build your own",
        ));
    }
    Ok(())
}

/// `lru_cache(maxsize=…)(func)` as the contract's signature is called.
fn decorated(maxsize: MaxSize, func: Expr) -> Expr {
    let decorator = match maxsize {
        MaxSize::Default => Expr::name("lru_cache").call(vec![]),
        MaxSize::Unbounded => {
            Expr::name("lru_cache").call_kw(vec![], vec![("maxsize", Expr::Lit(Value::None))])
        }
        MaxSize::Limit(n) => Expr::name("lru_cache").call_kw(vec![], vec![("maxsize", Expr::lit(n))]),
    };
    decorator.call(vec![func])
}

/// The live C caches counted, then `name = make()` and `f` decorating it,
/// checked not to be functools' C cache.
fn decorating(script: Script, maxsize: MaxSize, name: &str, make: &str, args: Vec<Expr>) -> Script {
    script
        .probe("c_caches", C_CACHES_TEXT, vec![], Value::None)
        .bind(name, Expr::fixture(make).call(args))
        .bind("f", decorated(maxsize, Expr::var(name)))
        .probe("no_c_cache", NO_C_CACHE_TEXT, vec![Expr::var("f")], Value::None)
}

const C_CACHES_TEXT: &str = "(the live instances of functools' C lru_cache are counted)";
const NO_C_CACHE_TEXT: &str = "f is not functools' C lru_cache, nor built on one";

/// The call as steps, each with what the Rust reference observes there.
/// `counted(*args, **kwargs)` returns [its call number, args, kwargs], and
/// raises ValueError when the first argument is negative; its number of
/// real calls is observed at the end.
fn script_of(call: &Call) -> Script {
    match call {
        Call::Script { maxsize, ops } => {
            let mut memo = Memoised {
                cache: LruCache::new(maxsize.limit()),
                calls: 0,
            };
            let f = || Expr::var("f");
            // The count is native and held here (see `driver::CallCount`).
            let mut script = decorating(
                Script::new().bind("calls", Expr::fixture("CallCount").call(vec![])),
                *maxsize,
                "counted",
                "make_counted",
                vec![Expr::var("calls")],
            );
            for op in ops {
                script = match op {
                    Op::Call { args, kwargs } => script.observe(
                        f().call_kw(
                            args.iter().cloned().map(Expr::Lit).collect(),
                            kwargs
                                .iter()
                                .map(|(k, v)| (k.as_str(), Expr::Lit(v.clone())))
                                .collect(),
                        ),
                        memo.call(args, kwargs),
                    ),
                    Op::Fill { from, to } => {
                        for x in *from..*to {
                            memo.call(&[Value::Int(x)], &[]);
                        }
                        let range = if *from == 0 {
                            vec![Expr::lit(*to)]
                        } else {
                            vec![Expr::lit(*from), Expr::lit(*to)]
                        };
                        script.run(
                            Expr::fixture("for_each")
                                .call(vec![f(), Expr::builtin("range").call(range)]),
                        )
                    }
                    Op::Info => {
                        let info = memo.cache.info();
                        let read = |field: &str| Expr::var("info").attr(field);
                        script
                            .bind("info", f().method("cache_info", vec![]))
                            .observe(read("hits"), info.hits)
                            .observe(read("misses"), info.misses)
                            .observe(
                                read("maxsize"),
                                info.maxsize.map_or(Value::None, Value::Int),
                            )
                            .observe(read("currsize"), info.currsize)
                    }
                    Op::Size => script.observe(
                        f().method("cache_info", vec![]).attr("currsize"),
                        memo.cache.info().currsize,
                    ),
                    Op::Clear => {
                        memo.cache.clear();
                        script.run(f().method("cache_clear", vec![]))
                    }
                };
            }
            script
                .observe(Expr::var("calls").attr("calls"), memo.calls)
                .probe("no_c_cache", NO_C_CACHE_TEXT, vec![f()], Value::None)
        }
        Call::Metadata { maxsize } => decorating(Script::new(), *maxsize, "area", "make_area", vec![])
            .wrapper_metadata("f", "area", "area", "Shapes.area", Value::str(AREA_DOC))
            .observe(
                Expr::var("f").call_kw(vec![Expr::lit(3)], vec![("height", Expr::lit(4))]),
                12,
            )
            .probe(
                "no_c_cache",
                NO_C_CACHE_TEXT,
                vec![Expr::var("f")],
                Value::None,
            ),
        Call::Threads {
            maxsize,
            keys,
            threads,
            calls_each,
        } => Script::new().probe(
            "hammer_cache",
            &format!(
                "f = lru_cache(maxsize={maxsize})(square); {threads} threads at once each call \
                 f(x) {calls_each} times, x cycling through range({keys}), and read \
                 f.cache_info().currsize after each call; then f.cache_info()"
            ),
            vec![
                Expr::name("lru_cache"),
                Expr::lit(*maxsize),
                Expr::lit(*keys),
                Expr::lit(*threads),
                Expr::lit(*calls_each),
            ],
            threads_expected(*maxsize, *keys, *threads, *calls_each),
        ),
    }
}

fn fixed() -> Vec<Check<Call>> {
        use MaxSize::{Default, Limit, Unbounded};
        vec![
            Check::new(
                "hits",
                "a repeated call is a hit and does not call the function again",
                3,
                vec![
                    script(
                        Limit(8),
                        vec![
                            call(&[1]),
                            call(&[1]),
                            call(&[2]),
                            call(&[1, 2]),
                            call(&[2, 1]),
                            call(&[2]),
                            call(&[1, 2]),
                            Op::Info,
                        ],
                    ),
                    script(Unbounded, vec![call(&[]), call(&[]), call(&[7]), Op::Info]),
                ],
            ),
            Check::new(
                "evicts_lru",
                "the least recently used entry is evicted, and a hit counts as a use",
                3,
                vec![
                    // The docstring's example, then the entry evicted in it.
                    script(
                        Limit(2),
                        vec![
                            call(&[1]),
                            call(&[2]),
                            call(&[1]),
                            call(&[3]),
                            Op::Info,
                            call(&[2]),
                            call(&[3]),
                            call(&[1]),
                            Op::Info,
                        ],
                    ),
                    script(
                        Limit(3),
                        vec![
                            call(&[1]),
                            call(&[2]),
                            call(&[3]),
                            call(&[1]),
                            call(&[2]),
                            call(&[4]),
                            call(&[1]),
                            call(&[2]),
                            call(&[3]),
                            Op::Info,
                        ],
                    ),
                    script(
                        Limit(1),
                        vec![call(&[5]), call(&[5]), call(&[6]), call(&[5]), Op::Info],
                    ),
                ],
            ),
            Check::new(
                "kwargs_key",
                "keyword arguments are part of the key, in any order",
                2,
                vec![script(
                    Limit(8),
                    vec![
                        call_kw(&[], &[("a", 1), ("b", 2)]),
                        call_kw(&[], &[("b", 2), ("a", 1)]),
                        call_kw(&[1], &[("b", 2)]),
                        call_kw(&[], &[("a", 1)]),
                        call_kw(&[], &[("a", 2)]),
                        call_kw(&[1], &[("b", 2)]),
                        call_kw(&[], &[("a", 1), ("c", 3), ("b", 2)]),
                        call_kw(&[], &[("c", 3), ("b", 2), ("a", 1)]),
                        Op::Info,
                    ],
                )],
            ),
            Check::new(
                "kwargs_distinct_from_positional",
                "a keyword argument never shares a key with a positional tuple that looks like it",
                1,
                vec![script(Limit(8), {
                    let pair = |k: &str, v: i64| Value::Tuple(vec![Value::str(k), Value::Int(v)]);
                    let positional = |args: Vec<Value>| Op::Call {
                        args,
                        kwargs: vec![],
                    };
                    vec![
                        positional(vec![pair("a", 1)]),
                        call_kw(&[], &[("a", 1)]),
                        positional(vec![pair("a", 1), pair("b", 2)]),
                        call_kw(&[], &[("a", 1), ("b", 2)]),
                        positional(vec![pair("a", 1)]),
                        call_kw(&[], &[("a", 1)]),
                        Op::Info,
                    ]
                })],
            ),
            Check::new(
                "maxsize_none",
                "maxsize=None never evicts",
                2,
                vec![script(
                    Unbounded,
                    vec![
                        Op::Fill { from: 0, to: 300 },
                        call(&[0]),
                        call(&[150]),
                        call(&[299]),
                        Op::Info,
                    ],
                )],
            ),
            Check::new(
                "maxsize_zero",
                "maxsize=0 caches nothing",
                2,
                vec![script(
                    Limit(0),
                    vec![
                        call(&[1]),
                        call(&[1]),
                        call_kw(&[], &[("a", 1)]),
                        call_kw(&[], &[("a", 1)]),
                        Op::Info,
                    ],
                )],
            ),
            Check::new(
                "maxsize_default",
                "lru_cache() keeps 128 entries by default",
                1,
                vec![script(
                    Default,
                    vec![
                        Op::Fill { from: 0, to: 129 },
                        Op::Info,
                        call(&[128]),
                        call(&[1]),
                        call(&[0]),
                        Op::Info,
                    ],
                )],
            ),
            Check::new(
                "unhashable",
                "an unhashable argument raises TypeError without calling the function",
                2,
                vec![script(
                    Limit(4),
                    vec![
                        Op::Call {
                            args: vec![Value::List(vec![Value::Int(1), Value::Int(2)])],
                            kwargs: vec![],
                        },
                        Op::Call {
                            args: vec![Value::Int(1)],
                            kwargs: vec![(
                                "options".into(),
                                Value::Dict(vec![(Value::str("deep"), Value::Bool(true))]),
                            )],
                        },
                        Op::Size,
                        call(&[1]),
                        call(&[1]),
                        Op::Size,
                    ],
                )],
            ),
            Check::new(
                "exceptions_not_cached",
                "an exception from the function is not cached",
                2,
                vec![script(
                    Limit(4),
                    vec![
                        call(&[-1]),
                        call(&[-1]),
                        Op::Info,
                        call(&[3]),
                        call(&[-1]),
                        call(&[3]),
                        Op::Info,
                    ],
                )],
            ),
            Check::new(
                "cache_info",
                "cache_info() reports hits, misses, maxsize and currsize",
                2,
                vec![
                    script(Limit(3), vec![Op::Info, call(&[1]), call(&[1]), Op::Info]),
                    script(Unbounded, vec![Op::Info, call(&[4]), Op::Info]),
                    script(Limit(0), vec![Op::Info]),
                ],
            ),
            Check::new(
                "cache_clear",
                "cache_clear() empties the cache and resets the counts",
                2,
                vec![script(
                    Limit(2),
                    vec![
                        call(&[1]),
                        call(&[1]),
                        call(&[2]),
                        Op::Clear,
                        Op::Info,
                        call(&[1]),
                        call(&[2]),
                        call(&[2]),
                        Op::Info,
                    ],
                )],
            ),
            Check::new(
                "metadata",
                "the wrapper keeps __name__, __qualname__, __doc__ and __wrapped__",
                1,
                vec![
                    Call::Metadata { maxsize: Limit(16) },
                    Call::Metadata { maxsize: Unbounded },
                ],
            ),
            Check::new(
                "thread_safety",
                "concurrent calls from 4 threads keep the cache consistent, whatever the interleaving",
                3,
                vec![
                    Call::Threads {
                        maxsize: 4,
                        keys: 10,
                        threads: 4,
                        calls_each: 12,
                    },
                    Call::Threads {
                        maxsize: 1,
                        keys: 3,
                        threads: 4,
                        calls_each: 8,
                    },
                ],
            ),
        ]
}

fn generated(rng: &mut Rng) -> Vec<Check<Call>> {
        let small = (0..12)
            .map(|_| {
                let maxsize = MaxSize::Limit(rng.random_range(1..=4));
                let len = rng.random_range(8..24);
                let mut ops: Vec<Op> = (0..len)
                    .map(|_| {
                        if rng.random_bool(0.1) {
                            Op::Info
                        } else if rng.random_bool(0.15) {
                            call(&[rng.random_range(0..3), rng.random_range(0..2)])
                        } else {
                            call(&[rng.random_range(0..6)])
                        }
                    })
                    .collect();
                ops.push(Op::Info);
                script(maxsize, ops)
            })
            .collect();
        let mixed = (0..12)
            .map(|index| {
                // The first script always caches, so the keyword pair at
                // its end is always a test of the key.
                let maxsize = match rng.random_range(0..6) {
                    0 => MaxSize::Unbounded,
                    1 if index > 0 => MaxSize::Limit(0),
                    2 => MaxSize::Default,
                    _ => MaxSize::Limit(rng.random_range(1..=3)),
                };
                let len = rng.random_range(8..20);
                let mut ops: Vec<Op> = (0..len)
                    .map(|_| match rng.random_range(0..20) {
                        0 | 1 => Op::Info,
                        2 => Op::Clear,
                        _ => {
                            let args: Vec<i64> = (0..rng.random_range(0..2))
                                .map(|_| rng.random_range(-1..3))
                                .collect();
                            let mut names = vec!["a", "b", "c"];
                            names.retain(|_| rng.random_bool(0.4));
                            if rng.random_bool(0.5) {
                                names.reverse();
                            }
                            let kwargs: Vec<(&str, i64)> = names
                                .into_iter()
                                .map(|k| (k, rng.random_range(0..2)))
                                .collect();
                            call_kw(&args, &kwargs)
                        }
                    })
                    .collect();
                // The same keywords twice, in the other order: one entry.
                let (x, y) = (rng.random_range(0..2), rng.random_range(0..2));
                ops.push(call_kw(&[], &[("a", x), ("b", y)]));
                ops.push(call_kw(&[], &[("b", y), ("a", x)]));
                ops.push(Op::Info);
                script(maxsize, ops)
            })
            .collect();
        vec![
            Check::new(
                "random_small_cache",
                "random call sequences on a small cache",
                3,
                small,
            ),
            Check::new(
                "random_kwargs_failures_clears",
                "random calls with keywords, failures and clears",
                3,
                mixed,
            ),
        ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docstring_example_holds() {
        let ops = [call(&[1]), call(&[2]), call(&[1]), call(&[3]), Op::Info];
        assert_eq!(
            run_script(MaxSize::Limit(2), &ops).repr(),
            "<results=[[1, (1,), {}], [2, (2,), {}], [1, (1,), {}], [3, (3,), {}], \
             <hits=1, misses=3, maxsize=2, currsize=2>], calls=3>"
        );
    }

    #[test]
    fn a_hit_refreshes_recency() {
        let mut cache = LruCache::new(Some(2));
        cache.put(1, 'a');
        cache.put(2, 'b');
        assert_eq!(cache.get(&1), Some('a'));
        cache.put(3, 'c');
        assert_eq!(cache.get(&2), None, "2 was the least recently used");
        assert_eq!(cache.get(&1), Some('a'));
        let info = cache.info();
        assert_eq!((info.hits, info.misses, info.currsize), (2, 1, 2));
    }

    #[test]
    fn keyword_order_does_not_change_the_key() {
        let a = [
            ("a".to_string(), Value::Int(1)),
            ("b".into(), Value::Int(2)),
        ];
        let b = [
            ("b".to_string(), Value::Int(2)),
            ("a".into(), Value::Int(1)),
        ];
        assert_eq!(key_of(&[], &a), key_of(&[], &b));
        assert_ne!(key_of(&[Value::Int(1)], &[]), key_of(&[], &a[..1]));
    }

    #[test]
    fn counts_are_never_read_after_an_unhashable_call() {
        // Whether such a call counts as a miss is not part of the contract.
        let mut checks = fixed();
        for seed in 0..20 {
            checks.extend(generated(&mut crate::exercise::rng_for(seed, "lru_cache")));
        }
        for call in checks.iter().flat_map(|c| &c.calls) {
            let Call::Script { ops, .. } = call else {
                continue;
            };
            let mut unhashable = false;
            for op in ops {
                match op {
                    Op::Call { args, kwargs } => {
                        unhashable |= !args
                            .iter()
                            .chain(kwargs.iter().map(|(_, v)| v))
                            .all(hashable)
                    }
                    Op::Info => assert!(!unhashable, "{}", script_of(call).describe()),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn the_fixture_docstring_is_the_expected_one() {
        assert!(FIXTURES.contains(AREA_DOC));
    }
}
