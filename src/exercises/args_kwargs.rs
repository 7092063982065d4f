//! `args_kwargs` (question 3): what `*args` and `**kwargs` gather, forwarding
//! them through a hand-made `partial`, and binding a call to a parameter list
//! by Python's own rules.
//!
//! Reference: [`collect`], a [`PartialModel`] (stored arguments, flattening,
//! the merge of keywords) and a [`Spec`] binder ([`Spec::bind`]) that follows
//! CPython's argument binding: positional slots first, then keywords
//! (duplicates, positional-only names, `**extra`), then defaults and what is
//! missing. The unit tests compare the binder with Python itself (a function
//! with the spec, called; `inspect.signature` for the order) on random specs
//! and calls. `functools.partial` is unavailable while graded
//! ([`DISABLE_PARTIAL`]); a partial laundered from a fresh `_functools` (or
//! any functools partial type) is detected by the `own_partial` fixture.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rand::RngExt;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct ArgsKwargsExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<ArgsKwargsExercise> = Scripted(ArgsKwargsExercise);

// ---- the Rust reference -------------------------------------------------

/// `collect(*args, **kwargs)`: `(args, kwargs)`.
pub fn collect(args: &[Value], kwargs: &[(String, Value)]) -> Value {
    Value::Tuple(vec![Value::Tuple(args.to_vec()), dict(kwargs)])
}

fn dict(entries: &[(String, Value)]) -> Value {
    Value::Dict(
        entries
            .iter()
            .map(|(k, v)| (Value::str(k.as_str()), v.clone()))
            .collect(),
    )
}

fn key_list(entries: &[(String, Value)]) -> Value {
    Value::List(entries.iter().map(|(k, _)| Value::str(k.as_str())).collect())
}

/// `{**a, **b}`: a key of `b` replaces `a`'s in place, new keys are appended.
pub fn merge(a: &[(String, Value)], b: &[(String, Value)]) -> Vec<(String, Value)> {
    let mut out = a.to_vec();
    for (k, v) in b {
        match out.iter_mut().find(|(name, _)| name == k) {
            Some(entry) => entry.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    out
}

/// A partial of the fixture `echo`: what it stores.
#[derive(Debug, Clone, PartialEq)]
pub struct PartialModel {
    pub args: Vec<Value>,
    pub keywords: Vec<(String, Value)>,
}

impl PartialModel {
    /// `partial(echo, *args, **kwargs)`
    pub fn new(args: &[Value], kwargs: &[(String, Value)]) -> PartialModel {
        PartialModel {
            args: args.to_vec(),
            keywords: merge(&[], kwargs),
        }
    }

    /// `partial(self, *args, **kwargs)`: flattened.
    pub fn wrap(&self, args: &[Value], kwargs: &[(String, Value)]) -> PartialModel {
        PartialModel {
            args: self.args.iter().chain(args).cloned().collect(),
            keywords: merge(&self.keywords, kwargs),
        }
    }

    /// What `p(*more, **kw)` passes to the function.
    pub fn call(&self, more: &[Value], kw: &[(String, Value)]) -> (Vec<Value>, Vec<(String, Value)>) {
        let args = self.args.iter().chain(more).cloned().collect();
        (args, merge(&self.keywords, kw))
    }
}

/// What the fixture `echo(*args, **kwargs)` returns: `(args, list(kwargs.items()))`.
pub fn echo(args: &[Value], kwargs: &[(String, Value)]) -> Value {
    Value::Tuple(vec![
        Value::Tuple(args.to_vec()),
        Value::List(
            kwargs
                .iter()
                .map(|(k, v)| Value::Tuple(vec![Value::str(k.as_str()), v.clone()]))
                .collect(),
        ),
    ])
}

/// A parameter's kind, as `inspect.Parameter` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PositionalOnly,
    PositionalOrKeyword,
    VarPositional,
    KeywordOnly,
    VarKeyword,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: Kind,
    pub default: Option<Value>,
}

/// A parameter list: the parameters, and where a `/` and a bare `*` stand.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub params: Vec<Param>,
}

/// Why a call does not bind (Python raises `TypeError` for each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindError {
    Missing(String),
    TooManyPositional,
    Duplicate(String),
    UnexpectedKeyword(String),
    PositionalOnlyByKeyword(String),
}

impl Spec {
    /// Parses the exercise's spec syntax (parameters separated by `", "`,
    /// defaults `name=literal`).
    pub fn parse(text: &str) -> Spec {
        let mut params: Vec<Param> = Vec::new();
        let mut kind = Kind::PositionalOrKeyword;
        for part in text.split(", ").filter(|p| !p.is_empty()) {
            if part == "/" {
                for p in &mut params {
                    p.kind = Kind::PositionalOnly;
                }
            } else if part == "*" {
                kind = Kind::KeywordOnly;
            } else if let Some(name) = part.strip_prefix("**") {
                params.push(Param {
                    name: name.into(),
                    kind: Kind::VarKeyword,
                    default: None,
                });
            } else if let Some(name) = part.strip_prefix('*') {
                params.push(Param {
                    name: name.into(),
                    kind: Kind::VarPositional,
                    default: None,
                });
                kind = Kind::KeywordOnly;
            } else {
                let (name, default) = match part.split_once('=') {
                    Some((name, literal)) => (name, Some(parse_literal(literal))),
                    None => (part, None),
                };
                params.push(Param {
                    name: name.into(),
                    kind,
                    default,
                });
            }
        }
        Spec { params }
    }

    /// The spec as the candidate reads it (`a, b=2, /, *rest, d, **extra`).
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut in_positional_only = false;
        let mut star_written = false;
        for p in &self.params {
            if in_positional_only && p.kind != Kind::PositionalOnly {
                parts.push("/".into());
                in_positional_only = false;
            }
            match p.kind {
                Kind::PositionalOnly => in_positional_only = true,
                Kind::KeywordOnly if !star_written => {
                    parts.push("*".into());
                    star_written = true;
                }
                Kind::VarPositional => star_written = true,
                _ => {}
            }
            parts.push(match (&p.kind, &p.default) {
                (Kind::VarPositional, _) => format!("*{}", p.name),
                (Kind::VarKeyword, _) => format!("**{}", p.name),
                (_, Some(default)) => format!("{}={}", p.name, default.literal()),
                (_, None) => p.name.clone(),
            });
        }
        if in_positional_only {
            parts.push("/".into());
        }
        parts.join(", ")
    }

    fn has(&self, kind: Kind) -> bool {
        self.params.iter().any(|p| p.kind == kind)
    }

    /// Binds a call as CPython does; the parameters in order with their
    /// values (`*rest` a tuple, `**extra` a dict in call order).
    pub fn bind(
        &self,
        args: &[Value],
        kwargs: &[(String, Value)],
    ) -> Result<Vec<(String, Value)>, BindError> {
        let positional: Vec<&Param> = self
            .params
            .iter()
            .filter(|p| matches!(p.kind, Kind::PositionalOnly | Kind::PositionalOrKeyword))
            .collect();
        let mut bound: Vec<(String, Value)> = positional
            .iter()
            .zip(args)
            .map(|(p, v)| (p.name.clone(), v.clone()))
            .collect();
        let rest: Vec<Value> = args.iter().skip(positional.len()).cloned().collect();
        if !rest.is_empty() && !self.has(Kind::VarPositional) {
            return Err(BindError::TooManyPositional);
        }
        let var_keyword = self.has(Kind::VarKeyword);
        let mut extra: Vec<(String, Value)> = Vec::new();
        for (name, value) in kwargs {
            let param = self.params.iter().find(|p| &p.name == name);
            match param.map(|p| p.kind) {
                Some(Kind::PositionalOrKeyword | Kind::KeywordOnly) => {
                    if bound.iter().any(|(n, _)| n == name) {
                        return Err(BindError::Duplicate(name.clone()));
                    }
                    bound.push((name.clone(), value.clone()));
                }
                _ if var_keyword => extra.push((name.clone(), value.clone())),
                Some(Kind::PositionalOnly) => {
                    return Err(BindError::PositionalOnlyByKeyword(name.clone()));
                }
                _ => return Err(BindError::UnexpectedKeyword(name.clone())),
            }
        }
        let mut out = Vec::new();
        for p in &self.params {
            let value = match p.kind {
                Kind::VarPositional => Value::Tuple(rest.clone()),
                Kind::VarKeyword => dict(&extra),
                _ => match bound.iter().find(|(n, _)| n == &p.name) {
                    Some((_, v)) => v.clone(),
                    None => p
                        .default
                        .clone()
                        .ok_or_else(|| BindError::Missing(p.name.clone()))?,
                },
            };
            out.push((p.name.clone(), value));
        }
        Ok(out)
    }
}

fn parse_literal(text: &str) -> Value {
    if text == "None" {
        Value::None
    } else if let Some(word) = text.strip_prefix('\'') {
        Value::str(word.trim_end_matches('\''))
    } else {
        Value::Int(text.parse().expect("an int default"))
    }
}

// ---- what runs in the child ----------------------------------------------

/// Helpers loaded before the candidate's module: the function partials wrap,
/// a lookalike that is not a partial, and the detector of functools' partial.
const FIXTURES: &str = r#"
_MRO = type.__dict__["__mro__"]
_QUALNAME = type.__dict__["__qualname__"]
_MODULE = type.__dict__["__module__"]


def echo(*args, **kwargs):
    return args, list(kwargs.items())


class Lookalike:
    """Has func, args and keywords like a partial, but is not one."""

    def __init__(self):
        self.func = echo
        self.args = (99,)
        self.keywords = {"z": 99}

    def __call__(self, *args, **kwargs):
        return "lookalike", args, list(kwargs.items())


def _is_functools_partial(t):
    for c in _MRO.__get__(t):
        if _QUALNAME.__get__(c) == "partial" and _MODULE.__get__(c) in ("functools", "_functools"):
            return True
    return False


def _functools_partials():
    return count_tracked(_is_functools_partial)  # native, one call per type


def own_partial(partial, func):
    before = _functools_partials()
    p = partial(func, 1, a=2)
    result = p(3)
    laundered = _is_functools_partial(type(p)) or _functools_partials() > before
    return {"built_on_functools_partial": laundered, "result": result}
"#;

/// Makes `functools.partial` unavailable to the candidate's code before its
/// module is imported. The standard library's own uses keep working (e.g.
/// `inspect.signature` builds a partial on every call): the replacement hands
/// out the real partial only to callers whose code lives in the standard
/// library's directory, and is a class whose instance and subclass checks
/// answer for the real type, so `isinstance(x, functools.partial)` in library
/// code still works. A candidate that reaches a real partial anyway (through
/// a library function, a fresh `_functools`) is caught by `own_partial`.
const DISABLE_PARTIAL: &std::ffi::CStr = cr#"
import typing, re, fnmatch, tokenize, inspect, dataclasses, pathlib, urllib.parse, ipaddress
import functools, _functools, sys, os

_real = functools.partial
_stdlib = os.path.dirname(functools.__file__) + os.sep
_getframe = sys._getframe
_isinstance = isinstance
_issubclass = issubclass


class _Meta(type):
    def __instancecheck__(cls, obj):
        return _isinstance(obj, _real)

    def __subclasscheck__(cls, sub):
        return _issubclass(sub, _real)


class partial(metaclass=_Meta):
    def __new__(cls, *args, **kwargs):
        caller = _getframe(1).f_code.co_filename
        if caller.startswith(_stdlib):
            return _real(*args, **kwargs)
        raise RuntimeError("functools.partial is unavailable while args_kwargs is graded: build your own")


partial.__module__ = "pyinterview"
functools.partial = partial
_functools.partial = partial
"#;

// ---- checks ---------------------------------------------------------------

fn lits(values: &[Value]) -> Vec<Expr> {
    values.iter().cloned().map(Expr::Lit).collect()
}

fn call(func: Expr, args: Vec<Expr>, kwargs: &[(String, Value)]) -> Expr {
    Expr::Call {
        func: Box::new(func),
        args,
        kwargs: kwargs
            .iter()
            .map(|(k, v)| (k.clone(), Expr::Lit(v.clone())))
            .collect(),
    }
}

fn kw(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn int(i: i64) -> Value {
    Value::Int(i)
}

fn list_of(expr: Expr) -> Expr {
    Expr::builtin("list").call(vec![expr])
}

/// `r = collect(...)`, observing `r` and the order of its keywords.
fn collect_script(args: &[Value], kwargs: &[(String, Value)]) -> Script {
    Script::new()
        .bind("r", call(Expr::name("collect"), lits(args), kwargs))
        .observe(Expr::var("r"), collect(args, kwargs))
        .observe(list_of(Expr::var("r").item(Expr::lit(1))), key_list(kwargs))
}

fn echo_expr() -> Expr {
    Expr::fixture("echo")
}

/// `p = partial(echo, *args, **kwargs)`
fn make_partial(name: &str, func: Expr, args: &[Value], kwargs: &[(String, Value)]) -> Script {
    Script::new().bind(
        name,
        call(
            Expr::name("partial"),
            std::iter::once(func).chain(lits(args)).collect(),
            kwargs,
        ),
    )
}

/// Observes `p.args`, `p.keywords` and the keywords' order.
fn observe_stored(script: Script, name: &str, model: &PartialModel) -> Script {
    script
        .observe(Expr::var(name).attr("args"), Value::Tuple(model.args.clone()))
        .observe(Expr::var(name).attr("keywords"), dict(&model.keywords))
        .observe(
            list_of(Expr::var(name).attr("keywords")),
            key_list(&model.keywords),
        )
}

/// Observes `p(*more, **kw)` against the model.
fn observe_call(
    script: Script,
    name: &str,
    model: &PartialModel,
    more: &[Value],
    kw: &[(String, Value)],
) -> Script {
    let (args, keywords) = model.call(more, kw);
    script.observe(call(Expr::var(name), lits(more), kw), echo(&args, &keywords))
}

/// `bind(spec, *args, **kwargs)`: the dict and its order, or `TypeError`.
fn bind_script(spec: &Spec, args: &[Value], kwargs: &[(String, Value)]) -> Script {
    let expr = call(
        Expr::name("bind"),
        std::iter::once(Expr::lit(spec.text())).chain(lits(args)).collect(),
        kwargs,
    );
    match spec.bind(args, kwargs) {
        Ok(bound) => Script::new()
            .bind("r", expr)
            .observe(Expr::var("r"), dict(&bound))
            .observe(list_of(Expr::var("r")), key_list(&bound)),
        Err(_) => Script::new().observe(expr, raises("TypeError")),
    }
}

fn bind_fixed(spec: &str, args: &[Value], kwargs: &[(&str, Value)]) -> Script {
    bind_script(&Spec::parse(spec), args, &kw(kwargs))
}

fn random_value(rng: &mut Rng) -> Value {
    match rng.random_range(0..6) {
        0..=2 => int(rng.random_range(-50..100)),
        3 => Value::str(["x", "hi", "", "a b"][rng.random_range(0..4)]),
        4 => Value::None,
        _ => Value::Tuple(vec![Value::str("k"), int(rng.random_range(0..9))]),
    }
}

fn random_values(rng: &mut Rng, max: usize) -> Vec<Value> {
    let n = rng.random_range(0..=max);
    (0..n).map(|_| random_value(rng)).collect()
}

/// Distinct names drawn from `pool`, in a random order.
fn random_keywords(rng: &mut Rng, pool: &[&str], max: usize) -> Vec<(String, Value)> {
    let mut pool: Vec<&str> = pool.to_vec();
    let n = rng.random_range(0..=max.min(pool.len()));
    (0..n)
        .map(|_| {
            let name = pool.remove(rng.random_range(0..pool.len()));
            (name.to_string(), random_value(rng))
        })
        .collect()
}

fn random_default(rng: &mut Rng) -> Value {
    match rng.random_range(0..3) {
        0 => int(rng.random_range(-20..20)),
        1 => Value::str(["x", "hi", "ok"][rng.random_range(0..3)]),
        _ => Value::None,
    }
}

/// A random valid parameter list.
pub fn random_spec(rng: &mut Rng) -> Spec {
    let mut names = vec!["a", "b", "c", "d", "e", "f", "g"];
    let mut take = |rng: &mut Rng| names.remove(rng.random_range(0..names.len())).to_string();
    let positional_only = rng.random_range(0..=2);
    let positional = rng.random_range(0..=2);
    let keyword_only = rng.random_range(0..=2);
    // 0: no *, 1: *rest, 2: a bare * (only before keyword-only parameters)
    let star = if keyword_only > 0 {
        rng.random_range(1..=2)
    } else {
        rng.random_range(0..=1)
    };
    let first_default = rng.random_range(0..=positional_only + positional);
    let mut params = Vec::new();
    for i in 0..positional_only + positional {
        params.push(Param {
            name: take(rng),
            kind: if i < positional_only {
                Kind::PositionalOnly
            } else {
                Kind::PositionalOrKeyword
            },
            default: (i >= first_default).then(|| random_default(rng)),
        });
    }
    if star == 1 {
        params.push(Param {
            name: ["rest", "args"][rng.random_range(0..2)].into(),
            kind: Kind::VarPositional,
            default: None,
        });
    }
    for _ in 0..keyword_only {
        params.push(Param {
            name: take(rng),
            kind: Kind::KeywordOnly,
            default: rng.random_bool(0.5).then(|| random_default(rng)),
        });
    }
    if rng.random_bool(0.5) {
        params.push(Param {
            name: ["extra", "kw"][rng.random_range(0..2)].into(),
            kind: Kind::VarKeyword,
            default: None,
        });
    }
    Spec { params }
}

/// A random call for `spec`: mostly names of its own parameters, sometimes
/// one it does not have.
pub fn random_call(rng: &mut Rng, spec: &Spec) -> (Vec<Value>, Vec<(String, Value)>) {
    let positional = spec
        .params
        .iter()
        .filter(|p| matches!(p.kind, Kind::PositionalOnly | Kind::PositionalOrKeyword))
        .count();
    let n_args = rng.random_range(0..=positional + 1);
    let args = (0..n_args).map(|_| random_value(rng)).collect();
    let mut pool: Vec<&str> = spec.params.iter().map(|p| p.name.as_str()).collect();
    pool.push("z");
    let kwargs = random_keywords(rng, &pool, 3);
    (args, kwargs)
}

impl ScriptedExercise for ArgsKwargsExercise {
    fn id(&self) -> &'static str {
        "args_kwargs"
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        // A private namespace, so nothing of this is visible to the candidate.
        let globals = PyDict::new(py);
        py.run(DISABLE_PARTIAL, Some(&globals), None)
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let s = Value::str;
        let p1 = PartialModel::new(&[int(1)], &kw(&[("a", int(2))]));
        let p_ab = PartialModel::new(&[], &kw(&[("a", int(1)), ("b", int(2))]));
        let inner = PartialModel::new(&[int(1)], &kw(&[("a", int(1))]));
        let outer = inner.wrap(&[int(2)], &kw(&[("a", int(5)), ("b", int(2))]));
        let named = PartialModel::new(&[], &kw(&[("func", int(1))]));
        vec![
            Check::new(
                "collect_positional_tuple",
                "collect returns the positional arguments as a tuple, a tuple argument staying one argument",
                2,
                vec![
                    collect_script(&[int(1), s("a"), Value::None], &[]),
                    collect_script(&[], &[]),
                    collect_script(&[Value::Tuple(vec![int(1), int(2)])], &[]),
                ],
            ),
            Check::new(
                "collect_keywords_in_call_order",
                "collect returns the keyword arguments as a dict in call order",
                2,
                vec![
                    collect_script(&[], &kw(&[("b", int(1)), ("a", int(2)), ("c", int(3))])),
                    collect_script(&[int(1)], &kw(&[("z", s("x")), ("y", Value::None)])),
                ],
            ),
            Check::new(
                "partial_forwards",
                "calling a partial passes the stored arguments first, then the new ones, and returns the result",
                3,
                vec![
                    observe_call(
                        make_partial("p", echo_expr(), &[int(1)], &kw(&[("a", int(2))])),
                        "p",
                        &p1,
                        &[int(3)],
                        &kw(&[("b", int(4))]),
                    ),
                    observe_call(
                        make_partial("p", echo_expr(), &[int(1)], &kw(&[("a", int(2))])),
                        "p",
                        &p1,
                        &[],
                        &[],
                    ),
                ],
            ),
            Check::new(
                "partial_call_keywords_override",
                "a keyword given to the call replaces a stored one of the same name",
                2,
                vec![observe_call(
                    make_partial(
                        "p",
                        echo_expr(),
                        &[],
                        &kw(&[("a", int(1)), ("b", int(2))]),
                    ),
                    "p",
                    &p_ab,
                    &[],
                    &kw(&[("a", int(3))]),
                )],
            ),
            Check::new(
                "partial_calls_leave_it_unchanged",
                "calling a partial changes neither its args nor its keywords",
                2,
                vec![{
                    let script = make_partial("p", echo_expr(), &[int(1)], &kw(&[("a", int(1))]))
                        .run(call(
                            Expr::var("p"),
                            vec![Expr::lit(2)],
                            &kw(&[("a", int(5)), ("b", int(6))]),
                        ));
                    let model = PartialModel::new(&[int(1)], &kw(&[("a", int(1))]));
                    observe_call(observe_stored(script, "p", &model), "p", &model, &[], &[])
                }],
            ),
            Check::new(
                "partial_attributes",
                "a partial exposes func, args (a tuple) and keywords (a dict)",
                2,
                vec![
                    observe_stored(
                        make_partial("p", echo_expr(), &[int(1), int(2)], &kw(&[("a", int(3))]))
                            .observe(Expr::var("p").attr("func").is(echo_expr()), true),
                        "p",
                        &PartialModel::new(&[int(1), int(2)], &kw(&[("a", int(3))])),
                    ),
                    observe_stored(
                        make_partial("p", echo_expr(), &[], &[]),
                        "p",
                        &PartialModel::new(&[], &[]),
                    ),
                ],
            ),
            Check::new(
                "partial_keyword_named_func",
                "keywords named func and self work when making and when calling a partial",
                1,
                vec![observe_call(
                    observe_stored(
                        make_partial("p", echo_expr(), &[], &kw(&[("func", int(1))])),
                        "p",
                        &named,
                    ),
                    "p",
                    &named,
                    &[],
                    &kw(&[("self", int(2))]),
                )],
            ),
            Check::new(
                "partial_flattens",
                "a partial of a partial flattens: the original func, args and keywords merged",
                3,
                vec![
                    {
                        let script =
                            make_partial("p", echo_expr(), &[int(1)], &kw(&[("a", int(1))]))
                                .bind(
                                    "q",
                                    call(
                                        Expr::name("partial"),
                                        vec![Expr::var("p"), Expr::lit(2)],
                                        &kw(&[("a", int(5)), ("b", int(2))]),
                                    ),
                                )
                                .observe(Expr::var("q").attr("func").is(echo_expr()), true);
                        observe_call(
                            observe_stored(script, "q", &outer),
                            "q",
                            &outer,
                            &[int(3)],
                            &[],
                        )
                    },
                    {
                        let nested = Expr::name("partial").call(vec![
                            Expr::name("partial")
                                .call(vec![Expr::name("partial").call(vec![echo_expr(), Expr::lit(1)]), Expr::lit(2)]),
                            Expr::lit(3),
                        ]);
                        let model = PartialModel::new(&[int(1)], &[])
                            .wrap(&[int(2)], &[])
                            .wrap(&[int(3)], &[]);
                        observe_stored(
                            Script::new()
                                .bind("r", nested)
                                .observe(Expr::var("r").attr("func").is(echo_expr()), true),
                            "r",
                            &model,
                        )
                    },
                ],
            ),
            Check::new(
                "partial_flatten_copies",
                "flattening leaves the inner partial's keywords unchanged and shares no dict with it",
                2,
                vec![{
                    let script = make_partial("p", echo_expr(), &[], &kw(&[("a", int(1))]))
                        .bind(
                            "q",
                            call(
                                Expr::name("partial"),
                                vec![Expr::var("p")],
                                &kw(&[("a", int(7)), ("b", int(2))]),
                            ),
                        )
                        .observe(
                            Expr::var("q").attr("keywords").is(Expr::var("p").attr("keywords")),
                            false,
                        );
                    let model = PartialModel::new(&[], &kw(&[("a", int(1))]));
                    observe_call(observe_stored(script, "p", &model), "p", &model, &[], &[])
                }],
            ),
            Check::new(
                "partial_flattens_only_partials",
                "a callable that merely has func, args and keywords attributes is wrapped, not flattened",
                1,
                vec![
                    Script::new()
                        .bind(
                            "q",
                            Expr::name("partial")
                                .call(vec![Expr::fixture("Lookalike").call(vec![]), Expr::lit(1)]),
                        )
                        .observe(Expr::var("q").attr("func").type_name(), "Lookalike")
                        .observe(Expr::var("q").attr("args"), Value::Tuple(vec![int(1)]))
                        .observe(
                            Expr::var("q").call(vec![Expr::lit(2)]),
                            Value::Tuple(vec![
                                s("lookalike"),
                                Value::Tuple(vec![int(1), int(2)]),
                                Value::List(vec![]),
                            ]),
                        ),
                ],
            ),
            Check::new(
                "partial_not_functools",
                "partial is built by hand, not on functools.partial (however it is reached)",
                2,
                vec![Script::new().observe(
                    Expr::fixture("own_partial").call(vec![Expr::name("partial"), echo_expr()]),
                    Value::Dict(vec![
                        (s("built_on_functools_partial"), Value::Bool(false)),
                        (
                            s("result"),
                            echo(&[int(1), int(3)], &kw(&[("a", int(2))])),
                        ),
                    ]),
                )],
            ),
            Check::new(
                "bind_fills_defaults",
                "bind returns every parameter in signature order, defaults filled",
                3,
                vec![
                    bind_fixed(
                        "a, b=2, /, c=3, *rest, d, e=5, **extra",
                        &[int(1)],
                        &[("d", int(4))],
                    ),
                    bind_fixed("a='x', b=None, c=-3", &[], &[("b", int(0))]),
                    bind_fixed("b, a, *, d='hi', c", &[int(1), int(2)], &[("c", int(3))]),
                    bind_fixed("", &[], &[]),
                ],
            ),
            Check::new(
                "bind_star_args",
                "*rest gathers the extra positional arguments as a tuple, **extra the other keywords as a dict",
                2,
                vec![
                    bind_fixed(
                        "a, *rest, **extra",
                        &[int(1), int(2), int(3)],
                        &[("y", int(1)), ("x", int(2))],
                    ),
                    bind_fixed("*args, **kw", &[], &[]),
                    bind_fixed("a, *rest", &[int(1)], &[]),
                ],
            ),
            Check::new(
                "bind_tuple_is_one_argument",
                "a tuple passed positionally is one argument, not a keyword or several",
                1,
                vec![
                    bind_fixed("a, b=2", &[Value::Tuple(vec![s("b"), int(3)])], &[]),
                    bind_fixed("*rest", &[Value::Tuple(vec![int(1), int(2)])], &[]),
                ],
            ),
            Check::new(
                "bind_missing",
                "a required parameter left unbound raises TypeError",
                1,
                vec![
                    bind_fixed("a, b", &[int(1)], &[]),
                    bind_fixed("a=1, *, d", &[], &[]),
                    bind_fixed("a, /, b=2", &[], &[("b", int(1))]),
                ],
            ),
            Check::new(
                "bind_too_many_positional",
                "too many positional arguments without *rest raise TypeError",
                1,
                vec![
                    bind_fixed("a, b=2", &[int(1), int(2), int(3)], &[]),
                    bind_fixed("a, *, b", &[int(1), int(2)], &[("b", int(1))]),
                ],
            ),
            Check::new(
                "bind_duplicate",
                "an argument given positionally and by keyword raises TypeError",
                1,
                vec![
                    bind_fixed("a, b", &[int(1)], &[("a", int(2)), ("b", int(3))]),
                    bind_fixed("a, b=2, **extra", &[int(1), int(2)], &[("b", int(3))]),
                ],
            ),
            Check::new(
                "bind_unexpected_keyword",
                "a keyword no parameter takes raises TypeError, also the name of *rest",
                1,
                vec![
                    bind_fixed("a", &[int(1)], &[("z", int(2))]),
                    bind_fixed("*rest", &[], &[("rest", int(1))]),
                    bind_fixed("a, *rest, **extra", &[int(1)], &[("rest", int(1)), ("extra", int(2))]),
                ],
            ),
            Check::new(
                "bind_positional_only_by_keyword",
                "a positional-only parameter passed by keyword raises TypeError, unless **extra takes it",
                2,
                vec![
                    bind_fixed("a, /", &[], &[("a", int(1))]),
                    bind_fixed("a, /, **kw", &[int(1)], &[("a", int(2))]),
                    bind_fixed("a=1, /, **kw", &[], &[("a", int(2))]),
                ],
            ),
            Check::new(
                "bind_keyword_only",
                "parameters after * or *rest are keyword-only; a bare * has no entry",
                1,
                vec![
                    bind_fixed("a, *, b=2", &[int(1)], &[("b", int(3))]),
                    bind_fixed("a, *rest, b", &[int(1), int(2)], &[("b", int(3))]),
                ],
            ),
            Check::new(
                "bind_parameter_named_spec",
                "a parameter may be called spec",
                1,
                vec![bind_fixed("spec, /, **kw", &[int(1)], &[("spec", int(2))]), bind_fixed("spec", &[], &[("spec", int(1))])],
            ),
        ]
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let collect_calls = (0..6)
            .map(|_| {
                let args = random_values(rng, 4);
                let kwargs = random_keywords(rng, &["a", "b", "c", "x", "y", "args"], 4);
                collect_script(&args, &kwargs)
            })
            .collect();
        let partial_calls = (0..6)
            .map(|_| {
                let pool = ["a", "b", "c", "func", "self"];
                let (a1, k1) = (random_values(rng, 2), random_keywords(rng, &pool[..4], 2));
                let mut script = make_partial("p", echo_expr(), &a1, &k1);
                let mut model = PartialModel::new(&a1, &k1);
                if rng.random_bool(0.6) {
                    let (a2, k2) = (random_values(rng, 2), random_keywords(rng, &pool[..4], 2));
                    script = script.bind(
                        "p",
                        call(
                            Expr::name("partial"),
                            std::iter::once(Expr::var("p")).chain(lits(&a2)).collect(),
                            &k2,
                        ),
                    );
                    model = model.wrap(&a2, &k2);
                    script = script.observe(Expr::var("p").attr("func").is(echo_expr()), true);
                }
                let (a3, k3) = (random_values(rng, 2), random_keywords(rng, &pool, 2));
                let script = observe_call(script, "p", &model, &a3, &k3);
                observe_stored(script, "p", &model)
            })
            .collect();
        let bind_calls = (0..12)
            .map(|_| {
                let spec = random_spec(rng);
                let (args, kwargs) = random_call(rng, &spec);
                bind_script(&spec, &args, &kwargs)
            })
            .collect();
        vec![
            Check::new(
                "collect_random",
                "collect on random arguments",
                2,
                collect_calls,
            ),
            Check::new(
                "partial_random",
                "random partials, partials of partials and calls",
                3,
                partial_calls,
            ),
            Check::new(
                "bind_random",
                "bind on random parameter lists and calls, as Python binds them",
                4,
                bind_calls,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn kw1(name: &str, v: i64) -> Vec<(String, Value)> {
        vec![(name.to_string(), Value::Int(v))]
    }

    #[test]
    fn collect_keeps_both_halves() {
        assert_eq!(
            collect(&[int(1)], &kw1("b", 2)).repr(),
            "((1,), {'b': 2})"
        );
    }

    #[test]
    fn partial_merges_and_flattens() {
        let p = PartialModel::new(&[int(1)], &kw1("x", 1));
        let q = p.wrap(&[int(3)], &kw1("x", 9));
        assert_eq!(q.args, vec![int(1), int(3)]);
        assert_eq!(q.keywords, kw1("x", 9));
        let (args, keywords) = p.call(&[int(2)], &kw1("y", 2));
        assert_eq!(echo(&args, &keywords).repr(), "((1, 2), [('x', 1), ('y', 2)])");
    }

    #[test]
    fn spec_text_round_trips() {
        for text in [
            "a, b=2, /, c=3, *rest, d, e=5, **extra",
            "a, /",
            "*, a",
            "a='x', b=None, c=-3",
            "*args, **kw",
            "",
        ] {
            assert_eq!(Spec::parse(text).text(), text);
        }
    }

    #[test]
    fn binds_the_docstring_examples() {
        let spec = Spec::parse("a, b=2, /, c=3, *rest, d, e=5, **extra");
        let bound = spec
            .bind(&[int(1)], &[("d".into(), int(4)), ("a".into(), int(0))])
            .unwrap();
        assert_eq!(
            dict(&bound).literal(),
            "{'a': 1, 'b': 2, 'c': 3, 'rest': (), 'd': 4, 'e': 5, 'extra': {'a': 0}}"
        );
        let spec = Spec::parse("a, /, b");
        assert_eq!(
            spec.bind(&[], &[("a".into(), int(1)), ("b".into(), int(2))]),
            Err(BindError::PositionalOnlyByKeyword("a".into()))
        );
        assert_eq!(
            Spec::parse("a, b").bind(&[int(1)], &kw1("a", 2)),
            Err(BindError::Duplicate("a".into()))
        );
        assert_eq!(
            Spec::parse("*rest").bind(&[], &kw1("rest", 2)),
            Err(BindError::UnexpectedKeyword("rest".into()))
        );
        assert_eq!(
            Spec::parse("a").bind(&[int(1), int(2)], &[]),
            Err(BindError::TooManyPositional)
        );
        assert_eq!(
            Spec::parse("a, *, b").bind(&[int(1)], &[]),
            Err(BindError::Missing("b".into()))
        );
    }

    /// Random calls both bind and fail often enough to test both.
    #[test]
    fn random_calls_mix_bindings_and_errors() {
        let mut rng = Rng::seed_from_u64(11);
        let bound = (0..1000)
            .filter(|_| {
                let spec = random_spec(&mut rng);
                let (args, kwargs) = random_call(&mut rng, &spec);
                spec.bind(&args, &kwargs).is_ok()
            })
            .count();
        assert!((250..=750).contains(&bound), "{bound} of 1000 bind");
    }

    /// The binder agrees with Python itself on random specs and calls: a
    /// function with the spec is called, and `inspect.signature` orders what
    /// it bound.
    #[test]
    fn binder_agrees_with_inspect() {
        Python::initialize();
        Python::attach(|py| {
            let helper = std::ffi::CString::new(
                r#"
import inspect

def python_bind(spec, args, kwargs):
    # The real call decides (inspect's own bind, before Python 3.13, refuses a
    # positional-only name passed by keyword even when **extra would take it);
    # inspect.signature gives the parameters' order.
    namespace = {}
    exec(f"def f({spec}): return dict(locals())", namespace)
    f = namespace["f"]
    try:
        bound = f(*args, **kwargs)
    except TypeError:
        return "TypeError"
    return {name: bound[name] for name in inspect.signature(f).parameters}
"#,
            )
            .unwrap();
            let globals = PyDict::new(py);
            py.run(&helper, Some(&globals), None).unwrap();
            let python_bind = globals.get_item("python_bind").unwrap().unwrap();
            let mut rng = Rng::seed_from_u64(7);
            for _ in 0..2000 {
                let spec = random_spec(&mut rng);
                let (args, kwargs) = random_call(&mut rng, &spec);
                let py_args = crate::driver::to_python(py, &Value::Tuple(args.clone())).unwrap();
                let py_kwargs = crate::driver::to_python(py, &dict(&kwargs)).unwrap();
                let theirs = crate::driver::extract(
                    &python_bind
                        .call1((spec.text(), py_args, py_kwargs))
                        .unwrap(),
                );
                let ours = match spec.bind(&args, &kwargs) {
                    Ok(bound) => dict(&bound),
                    Err(_) => Value::str("TypeError"),
                };
                assert_eq!(
                    ours.literal(),
                    theirs.literal(),
                    "bind({}, {:?}, {:?})",
                    spec.text(),
                    args,
                    kwargs
                );
            }
        });
    }
}
