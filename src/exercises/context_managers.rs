//! `context_managers` (questions 10 and 14): `__enter__`/`__exit__` and
//! `contextlib.contextmanager`: set-up and tear-down that happen however a
//! `with` block ends, an exception-swallowing manager, and a stack of
//! clean-up callbacks.
//!
//! Reference, in plain Rust: [`Attributes`], an object's attributes under
//! nested `temporary_attr` blocks; [`swallows`], which decides from the
//! builtin exception hierarchy ([`parent_of`]) whether `suppress(...)`
//! swallows an exception; and [`unwind`], the event sequence of a
//! `CallbackStack` leaving its block: which callbacks ran, in which order, and
//! the `__context__` chain of the exception that leaves.
//!
//! Observed natively: a managed file's descriptor is open on the file inside
//! the block and closed after it (`fstat` on the descriptor the file object
//! reported on enter, compared with the file's inode: the `descriptor`
//! probe); and `suppress` and `CallbackStack` are not contextlib's own
//! (`contextlib.suppress` and `contextlib.ExitStack` are switched off before
//! the candidate's module is imported, see [`ContextManagersExercise::prepare`],
//! and a copy laundered back, e.g. through `importlib.reload(contextlib)`, is
//! recognised by its methods' code: the `own_class` probe). The files live in
//! the sandbox's scratch directory (the child's current directory), written
//! by the fixtures.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};
use rand::RngExt;

use crate::driver::{Candidate, Fault, Observed, extract};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct ContextManagersExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<ContextManagersExercise> = Scripted(ContextManagersExercise);

// ---- the Rust reference -------------------------------------------------

/// The direct base of a builtin exception type (only those the checks use).
pub fn parent_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "KeyError" | "IndexError" => "LookupError",
        "ZeroDivisionError" | "OverflowError" => "ArithmeticError",
        "FileNotFoundError" | "PermissionError" => "OSError",
        "LookupError" | "ArithmeticError" | "OSError" | "ValueError" | "TypeError"
        | "RuntimeError" | "AttributeError" => "Exception",
        "Exception" => "BaseException",
        _ => return None,
    })
}

/// Whether an exception of type `raised` is an instance of `listed`.
pub fn is_instance(raised: &str, listed: &str) -> bool {
    let mut ty = Some(raised);
    while let Some(name) = ty {
        if name == listed {
            return true;
        }
        ty = parent_of(name);
    }
    false
}

/// Whether `suppress(*listed)` swallows an exception of type `raised`.
pub fn swallows(listed: &[&str], raised: &str) -> bool {
    listed.iter().any(|l| is_instance(raised, l))
}

/// An object's attributes, under nested `temporary_attr` blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attributes {
    values: BTreeMap<String, Value>,
    /// What each open block must restore: the name and the old value
    /// (`None`: the attribute did not exist).
    saved: Vec<(String, Option<Value>)>,
}

impl Attributes {
    pub fn with(values: &[(&str, Value)]) -> Attributes {
        Attributes {
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            saved: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Entering `temporary_attr(obj, name, value)`.
    pub fn enter(&mut self, name: &str, value: Value) {
        let old = self.values.insert(name.to_string(), value);
        self.saved.push((name.to_string(), old));
    }

    /// Leaving the innermost block, normally or not: the same either way.
    pub fn leave(&mut self) {
        if let Some((name, old)) = self.saved.pop() {
            match old {
                Some(value) => {
                    self.values.insert(name, value);
                }
                None => {
                    self.values.remove(&name);
                }
            }
        }
    }
}

/// A registered callback: its tag, and the exception type it raises, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub tag: String,
    pub raises: Option<&'static str>,
}

/// What leaving a `CallbackStack`'s block does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwound {
    /// The tags of the callbacks, in the order they ran.
    pub ran: Vec<String>,
    /// The exception that leaves, then its `__context__`, and so on:
    /// `(type, tag)` pairs; empty when nothing leaves.
    pub chain: Vec<(String, String)>,
}

/// Runs `callbacks` (in registration order) last-in first-out after a block
/// that raised `block` (`(type, tag)`), if anything.
pub fn unwind(callbacks: &[Callback], block: Option<(&str, &str)>) -> Unwound {
    let mut ran = Vec::new();
    // The exceptions raised so far, oldest first: the block's, then each
    // callback's. Each new one is raised while the previous is handled, so
    // its __context__ is the previous one.
    let mut raised: Vec<(String, String)> = block
        .map(|(ty, tag)| (ty.to_string(), tag.to_string()))
        .into_iter()
        .collect();
    for callback in callbacks.iter().rev() {
        ran.push(callback.tag.clone());
        if let Some(ty) = callback.raises {
            raised.push((ty.to_string(), callback.tag.clone()));
        }
    }
    raised.reverse();
    Unwound { ran, chain: raised }
}

// ---- scripts ------------------------------------------------------------

fn s(text: &str) -> Value {
    Value::str(text)
}

fn lit(value: impl Into<Value>) -> Expr {
    Expr::lit(value)
}

fn exception(ty: &str, tag: &str) -> Expr {
    Expr::builtin(ty).call(vec![lit(tag)])
}

/// `make_file(name, text)`: the fixture writes the file in the scratch directory.
fn make_file(script: Script, name: &str, text: &str) -> Script {
    script.run(Expr::fixture("make_file").call(vec![lit(name), lit(text)]))
}

/// Whether descriptor `fd` (what `f.fileno()` gave on enter) is still open
/// on the file at `path`: `open` is what must be observed.
fn descriptor_probe(script: Script, path: &str, open: bool) -> Script {
    let text = format!(
        "fd (f.fileno() on enter) is open on {}",
        Value::str(path).literal()
    );
    script.probe(
        "descriptor",
        &text,
        vec![Expr::var("fd"), lit(path)],
        Value::Bool(open),
    )
}

fn managed(path: &str, mode: Option<&str>) -> Expr {
    let mut args = vec![lit(path)];
    if let Some(mode) = mode {
        args.push(lit(mode));
    }
    Expr::name("managed_file").call(args)
}

fn managed_file_checks() -> Vec<Check<Script>> {
    let text = "hello\nworld\n";
    let reads = make_file(Script::new(), "cm_read.txt", text).with(
        managed("cm_read.txt", None),
        Some("f"),
        Script::new()
            .observe(Expr::var("f").type_name(), "TextIOWrapper")
            .observe(Expr::var("f").method("read", vec![]), text),
        None,
        Value::None,
    );
    let reads_bytes = make_file(Script::new(), "cm_bytes.txt", "abc").with(
        managed("cm_bytes.txt", Some("rb")),
        Some("f"),
        Script::new()
            .observe(Expr::var("f").type_name(), "BufferedReader")
            .observe(
                Expr::var("f").method("read", vec![]),
                Value::Bytes(b"abc".to_vec()),
            ),
        None,
        Value::None,
    );
    let writes = Script::new()
        .with(
            managed("cm_out.txt", Some("w")),
            Some("f"),
            Script::new().observe(Expr::var("f").method("write", vec![lit("written")]), 7),
            None,
            Value::None,
        )
        .observe(
            Expr::fixture("read_text").call(vec![lit("cm_out.txt")]),
            "written",
        );
    let closes = |raise: Option<&str>| {
        let path = "cm_close.txt";
        let body = descriptor_probe(
            Script::new().bind("fd", Expr::var("f").method("fileno", vec![])),
            path,
            true,
        );
        let leaving = raise.map_or(Value::None, raises);
        let script = make_file(Script::new(), path, "data").with(
            managed(path, None),
            Some("f"),
            body,
            raise.map(|ty| exception(ty, "in the block")),
            leaving,
        );
        descriptor_probe(script, path, false).observe(Expr::var("f").attr("closed"), true)
    };
    let on_enter = Script::new()
        .bind("m", managed("cm_missing.txt", None))
        .observe(
            Expr::var("m").method("__enter__", vec![]),
            raises("FileNotFoundError"),
        )
        .run(Expr::fixture("remove").call(vec![lit("cm_new.txt")]))
        .bind("w", managed("cm_new.txt", Some("w")))
        .observe(
            Expr::fixture("exists").call(vec![lit("cm_new.txt")]),
            false,
        )
        .with(Expr::var("w"), None, Script::new(), None, Value::None)
        .observe(Expr::fixture("exists").call(vec![lit("cm_new.txt")]), true);
    vec![
        Check::new(
            "managed_file_reads",
            "with managed_file(path) as f: f is the file open() returns (text or binary), ready to read",
            2,
            vec![reads, reads_bytes],
        ),
        Check::new(
            "managed_file_writes",
            "with managed_file(path, 'w') as f: what is written is in the file once the block is left",
            2,
            vec![writes],
        ),
        Check::new(
            "managed_file_closes",
            "managed_file closes the file (its descriptor is released) when the block ends",
            3,
            vec![closes(None)],
        ),
        Check::new(
            "managed_file_closes_on_error",
            "managed_file closes the file when the block raises, and lets the exception through",
            3,
            vec![closes(Some("ValueError")), closes(Some("KeyError"))],
        ),
        Check::new(
            "managed_file_opens_on_enter",
            "managed_file opens the file in __enter__, not when it is created",
            1,
            vec![on_enter],
        ),
    ]
}

/// A `temporary_attr` block on the fixture object `o`.
#[derive(Debug, Clone)]
struct Block {
    name: String,
    value: i64,
    raise: bool,
    inner: Option<Box<Block>>,
}

/// The names every block script observes on `o`.
const NAMES: [&str; 4] = ["x", "y", "z", "items"];

/// `[hasattr(o, name), getattr(o, name, None)]` for each name.
fn observe_attrs(mut script: Script, attrs: &Attributes, names: &[&str]) -> Script {
    for name in names {
        let present = attrs.get(name).is_some();
        script = script.observe(
            Expr::builtin("hasattr").call(vec![Expr::var("o"), lit(*name)]),
            present,
        );
        if let Some(value) = attrs.get(name) {
            script = script.observe(Expr::var("o").attr(name), value.clone());
        }
    }
    script
}

/// The attributes of a fresh fixture `Thing()`.
fn thing() -> Attributes {
    Attributes::with(&[
        ("x", Value::Int(1)),
        ("items", Value::List(vec![Value::Int(1), Value::Int(2)])),
        ("z", Value::None),
    ])
}

/// Appends `with temporary_attr(o, name, value): <observe>; <inner block>;
/// <observe>` to `script`.
fn block_script(script: Script, block: &Block, attrs: &mut Attributes, names: &[&str]) -> Script {
    attrs.enter(&block.name, Value::Int(block.value));
    let mut body = observe_attrs(Script::new(), attrs, names);
    if let Some(inner) = &block.inner {
        body = block_script(body, inner, attrs, names);
        body = observe_attrs(body, attrs, names);
    }
    attrs.leave();
    let leaving = if block.raise {
        raises("KeyError")
    } else {
        Value::None
    };
    script.with(
        Expr::name("temporary_attr").call(vec![
            Expr::var("o"),
            lit(block.name.as_str()),
            lit(block.value),
        ]),
        None,
        body,
        block.raise.then(|| exception("KeyError", "in the block")),
        leaving,
    )
}

fn blocks_script(blocks: &[Block], names: &[&str]) -> Script {
    let mut attrs = thing();
    let mut script = Script::new().bind("o", Expr::fixture("Thing").call(vec![]));
    for block in blocks {
        script = block_script(script, block, &mut attrs, names);
        script = observe_attrs(script, &attrs, names);
    }
    script
}

fn block(name: &str, value: i64, raise: bool, inner: Option<Block>) -> Block {
    Block {
        name: name.to_string(),
        value,
        raise,
        inner: inner.map(Box::new),
    }
}

fn temporary_attr_checks() -> Vec<Check<Script>> {
    let identity = Script::new()
        .bind("o", Expr::fixture("Thing").call(vec![]))
        .bind("old", Expr::var("o").attr("items"))
        .with(
            Expr::name("temporary_attr").call(vec![Expr::var("o"), lit("items"), lit(5)]),
            None,
            Script::new().observe(Expr::var("o").attr("items"), 5),
            None,
            Value::None,
        )
        .observe(
            Expr::var("o").attr("items").is(Expr::var("old")),
            true,
        );
    let on_error_identity = Script::new()
        .bind("o", Expr::fixture("Thing").call(vec![]))
        .bind("old", Expr::var("o").attr("items"))
        .with(
            Expr::name("temporary_attr").call(vec![Expr::var("o"), lit("items"), lit(5)]),
            None,
            Script::new(),
            Some(exception("ValueError", "in the block")),
            raises("ValueError"),
        )
        .observe(
            Expr::var("o").attr("items").is(Expr::var("old")),
            true,
        );
    let generator_based = Script::new()
        .bind("o", Expr::fixture("Thing").call(vec![]))
        .bind(
            "cm",
            Expr::name("temporary_attr").call(vec![Expr::var("o"), lit("x"), lit(2)]),
        )
        .with(
            Expr::var("cm"),
            None,
            Script::new().observe(Expr::var("o").attr("x"), 2),
            None,
            Value::None,
        )
        .observe(Expr::var("cm").type_name(), "_GeneratorContextManager");
    vec![
        Check::new(
            "temporary_attr_sets_and_restores",
            "temporary_attr sets the attribute for the block and restores the very object it held",
            2,
            vec![
                blocks_script(&[block("x", 2, false, None)], &["x"]),
                identity,
            ],
        ),
        Check::new(
            "temporary_attr_deletes_new",
            "temporary_attr deletes an attribute that did not exist before the block",
            2,
            vec![blocks_script(&[block("y", 5, false, None)], &["y"])],
        ),
        Check::new(
            "temporary_attr_restores_none",
            "an attribute that held None is restored to None, not deleted",
            1,
            vec![blocks_script(&[block("z", 3, false, None)], &["z"])],
        ),
        Check::new(
            "temporary_attr_restores_on_error",
            "temporary_attr restores (or deletes) when the block raises, and lets the exception through",
            2,
            vec![
                blocks_script(
                    &[block("x", 2, true, None), block("y", 4, true, None)],
                    &["x", "y"],
                ),
                on_error_identity,
            ],
        ),
        Check::new(
            "temporary_attr_nested",
            "nested temporary_attr blocks unwind in order",
            2,
            vec![
                blocks_script(
                    &[block("x", 2, false, Some(block("x", 3, false, None)))],
                    &["x"],
                ),
                blocks_script(
                    &[block(
                        "y",
                        1,
                        false,
                        Some(block("y", 2, false, Some(block("x", 7, false, None)))),
                    )],
                    &["x", "y"],
                ),
            ],
        ),
        Check::new(
            "temporary_attr_is_generator_based",
            "temporary_attr is a generator decorated with contextlib.contextmanager",
            1,
            vec![generator_based],
        ),
    ]
}

fn random_block(rng: &mut Rng, depth: usize) -> Block {
    let inner = (depth < 3 && rng.random_bool(0.6)).then(|| random_block(rng, depth + 1));
    block(
        NAMES[rng.random_range(0..NAMES.len())],
        rng.random_range(10..100),
        rng.random_bool(0.3),
        inner,
    )
}

// ---- suppress ---------------------------------------------------------------

/// `m = suppress(*listed); with m as s: raise raised(...)`; then `s.exception`.
fn suppress_script(listed: &[&str], raised: Option<&str>) -> Script {
    let swallowed = raised.is_some_and(|r| swallows(listed, r));
    let mut script = Script::new().bind(
        "m",
        Expr::name("suppress").call(listed.iter().copied().map(Expr::builtin).collect()),
    );
    if let Some(ty) = raised {
        script = script.bind("e", exception(ty, "boom"));
    }
    script = script.with(
        Expr::var("m"),
        Some("s"),
        Script::new().observe(Expr::var("s").attr("exception"), Value::None),
        raised.map(|_| Expr::var("e")),
        match raised {
            Some(ty) if !swallowed => raises(ty),
            _ => Value::None,
        },
    );
    script = if swallowed {
        script.observe(
            Expr::var("s").attr("exception").is(Expr::var("e")),
            true,
        )
    } else {
        script.observe(Expr::var("s").attr("exception"), Value::None)
    };
    own_class(script.observe(Expr::var("s").is(Expr::var("m")), true), "m", "suppress")
}

fn own_class(script: Script, var: &str, name: &str) -> Script {
    script.probe(
        "own_class",
        &format!("{var} is your own {name}, not contextlib's"),
        vec![Expr::var(var)],
        Value::Bool(true),
    )
}

const SUPPRESSIBLE: [&str; 10] = [
    "KeyError",
    "IndexError",
    "LookupError",
    "ValueError",
    "TypeError",
    "ZeroDivisionError",
    "ArithmeticError",
    "OSError",
    "FileNotFoundError",
    "Exception",
];

fn suppress_checks() -> Vec<Check<Script>> {
    vec![
        Check::new(
            "suppress_swallows_listed",
            "suppress swallows an exception of a listed type and keeps it in .exception",
            2,
            vec![
                suppress_script(&["KeyError"], Some("KeyError")),
                suppress_script(&["KeyError", "ValueError"], Some("ValueError")),
            ],
        ),
        Check::new(
            "suppress_swallows_subclasses",
            "suppress swallows instances of subclasses of a listed type",
            2,
            vec![
                suppress_script(&["LookupError"], Some("KeyError")),
                suppress_script(&["TypeError", "ArithmeticError"], Some("ZeroDivisionError")),
                suppress_script(&["Exception"], Some("FileNotFoundError")),
            ],
        ),
        Check::new(
            "suppress_lets_others_through",
            "suppress lets any other exception through (a base class or a sibling of a listed one too) and keeps .exception None",
            2,
            vec![
                suppress_script(&["KeyError"], Some("TypeError")),
                suppress_script(&["KeyError"], Some("LookupError")),
                suppress_script(&["IndexError"], Some("KeyError")),
                suppress_script(&[], Some("ValueError")),
            ],
        ),
        Check::new(
            "suppress_without_exception",
            "a block that raises nothing leaves suppress's .exception None",
            1,
            vec![suppress_script(&["KeyError"], None)],
        ),
    ]
}

// ---- CallbackStack ----------------------------------------------------------

fn callback(tag: &str, raises: Option<&'static str>) -> Callback {
    Callback {
        tag: tag.to_string(),
        raises,
    }
}

/// `rec.fn(tag[, raises])`: a fixture callable that records its calls.
fn recorder_fn(callback: &Callback) -> Expr {
    let mut args = vec![lit(callback.tag.as_str())];
    if let Some(ty) = callback.raises {
        args.push(lit(ty));
    }
    Expr::var("rec").method("fn", args)
}

/// The positional and keyword arguments each callback (by tag) was registered with.
type CallArgs = BTreeMap<String, (Vec<Value>, Vec<(Value, Value)>)>;

fn events_value(ran: &[String], args: &CallArgs) -> Value {
    Value::List(
        ran.iter()
            .map(|tag| {
                let (positional, named) = args.get(tag).cloned().unwrap_or_default();
                Value::Tuple(vec![
                    s(tag),
                    Value::Tuple(positional),
                    Value::Dict(named),
                ])
            })
            .collect(),
    )
}

fn chain_value(chain: &[(String, String)]) -> Value {
    Value::List(
        chain
            .iter()
            .map(|(ty, tag)| {
                Value::Tuple(vec![
                    Value::Other(ty.clone()),
                    Value::Tuple(vec![s(tag)]),
                ])
            })
            .collect(),
    )
}

/// Registers `callbacks` on `cs`, runs a real `with cs:` block (raising
/// `block` in it), and observes the calls and the exception chain.
fn stack_script(callbacks: &[Callback], block: Option<(&str, &str)>) -> Script {
    let unwound = unwind(callbacks, block);
    let mut script = Script::new()
        .bind("rec", Expr::fixture("Recorder").call(vec![]))
        .bind("cs", Expr::name("CallbackStack").call(vec![]));
    for cb in callbacks {
        script = script.run(Expr::var("cs").method("callback", vec![recorder_fn(cb)]));
    }
    script = script.observe(Expr::var("rec").attr("events"), Value::List(vec![]));
    let raise = block.map_or(lit(Value::None), |(ty, tag)| exception(ty, tag));
    script = script.bind(
        "left",
        Expr::fixture("run_with").call(vec![Expr::var("cs"), raise]),
    );
    let no_args = BTreeMap::new();
    script = script
        .observe(
            Expr::var("rec").attr("events"),
            events_value(&unwound.ran, &no_args),
        )
        .observe(
            Expr::fixture("context_chain").call(vec![Expr::var("left")]),
            chain_value(&unwound.chain),
        );
    own_class(script, "cs", "CallbackStack")
}

fn callback_stack_checks() -> Vec<Check<Script>> {
    let lifo = stack_script(
        &[callback("a", None), callback("b", None), callback("c", None)],
        None,
    );
    // Arguments, the returned fn, and __enter__'s value.
    let mut args = BTreeMap::new();
    args.insert(
        "a".to_string(),
        (vec![Value::Int(1), s("two")], vec![(s("key"), Value::Int(3))]),
    );
    args.insert("b".to_string(), (vec![], vec![(s("only"), Value::None)]));
    let forwards = Script::new()
        .bind("rec", Expr::fixture("Recorder").call(vec![]))
        .bind("cs", Expr::name("CallbackStack").call(vec![]))
        .bind("fa", Expr::var("rec").method("fn", vec![lit("a")]))
        .bind("fb", Expr::var("rec").method("fn", vec![lit("b")]))
        .with(
            Expr::var("cs"),
            Some("st"),
            Script::new()
                .observe(Expr::var("st").is(Expr::var("cs")), true)
                .observe(
                    Expr::var("st")
                        .attr("callback")
                        .call_kw(
                            vec![Expr::var("fa"), lit(1), lit("two")],
                            vec![("key", lit(3))],
                        )
                        .is(Expr::var("fa")),
                    true,
                )
                .observe(
                    Expr::var("st")
                        .attr("callback")
                        .call_kw(vec![Expr::var("fb")], vec![("only", lit(Value::None))])
                        .is(Expr::var("fb")),
                    true,
                )
                .observe(Expr::var("rec").attr("events"), Value::List(vec![])),
            None,
            Value::None,
        )
        .observe(
            Expr::var("rec").attr("events"),
            events_value(&["b".to_string(), "a".to_string()], &args),
        );
    let forwards = own_class(forwards, "cs", "CallbackStack");
    let runs_all = {
        let callbacks = [
            callback("a", None),
            callback("b", Some("KeyError")),
            callback("c", None),
        ];
        let unwound = unwind(&callbacks, None);
        let mut script = Script::new()
            .bind("rec", Expr::fixture("Recorder").call(vec![]))
            .bind("cs", Expr::name("CallbackStack").call(vec![]));
        for cb in &callbacks {
            script = script.run(Expr::var("cs").method("callback", vec![recorder_fn(cb)]));
        }
        let leaving = unwound
            .chain
            .first()
            .map_or(Value::None, |(ty, _)| raises(ty));
        let script = script
            .with(Expr::var("cs"), None, Script::new(), None, leaving)
            .observe(
                Expr::var("rec").attr("events"),
                events_value(&unwound.ran, &BTreeMap::new()),
            );
        own_class(script, "cs", "CallbackStack")
    };
    let block_exception = Script::new()
        .bind("rec", Expr::fixture("Recorder").call(vec![]))
        .bind("cs", Expr::name("CallbackStack").call(vec![]))
        .run(Expr::var("cs").method("callback", vec![Expr::var("rec").method("fn", vec![lit("a")])]))
        .bind("e", exception("OSError", "block"))
        .observe(
            Expr::fixture("run_with")
                .call(vec![Expr::var("cs"), Expr::var("e")])
                .is(Expr::var("e")),
            true,
        )
        .observe(
            Expr::var("rec").attr("events"),
            events_value(&["a".to_string()], &BTreeMap::new()),
        );
    let block_exception = own_class(block_exception, "cs", "CallbackStack");
    vec![
        Check::new(
            "callback_stack_lifo",
            "CallbackStack runs nothing before the block ends, then every callback, last registered first",
            2,
            vec![
                lifo,
                stack_script(&[callback("only", None)], None),
            ],
        ),
        Check::new(
            "callback_stack_forwards_arguments",
            "callback(fn, *args, **kwargs) returns fn and later calls fn(*args, **kwargs); __enter__ returns the stack",
            1,
            vec![forwards],
        ),
        Check::new(
            "callback_stack_runs_all",
            "every callback runs even when one raises, and that exception leaves the block",
            2,
            vec![runs_all],
        ),
        Check::new(
            "callback_stack_block_exception",
            "when no callback raises, the block's own exception leaves unchanged",
            2,
            vec![
                block_exception,
                stack_script(
                    &[callback("a", None), callback("b", None)],
                    Some(("KeyError", "block")),
                ),
            ],
        ),
        Check::new(
            "callback_stack_chains",
            "the last exception raised leaves, the earlier ones (the block's first) chained through __context__",
            3,
            vec![
                stack_script(
                    &[
                        callback("a", Some("KeyError")),
                        callback("b", None),
                        callback("c", Some("ValueError")),
                    ],
                    None,
                ),
                stack_script(
                    &[
                        callback("a", Some("KeyError")),
                        callback("b", None),
                        callback("c", Some("ValueError")),
                    ],
                    Some(("OSError", "block")),
                ),
                stack_script(
                    &[callback("a", Some("RuntimeError"))],
                    Some(("TypeError", "block")),
                ),
            ],
        ),
    ]
}

const RAISABLE: [&str; 4] = ["KeyError", "ValueError", "OSError", "RuntimeError"];

fn random_stack(rng: &mut Rng) -> Script {
    let callbacks: Vec<Callback> = (0..rng.random_range(1..6))
        .map(|i| {
            let raises = rng
                .random_bool(0.35)
                .then(|| RAISABLE[rng.random_range(0..RAISABLE.len())]);
            callback(&format!("cb{i}"), raises)
        })
        .collect();
    let block = rng
        .random_bool(0.5)
        .then(|| (RAISABLE[rng.random_range(0..RAISABLE.len())], "block"));
    stack_script(&callbacks, block)
}

// ---- probes -------------------------------------------------------------

/// contextlib's methods that no own implementation shares: the code
/// (`co_code`, `co_names`) of each, captured before they are switched off.
static STDLIB_CODE: OnceLock<Vec<(&'static str, Vec<u8>, String)>> = OnceLock::new();

/// The distinctive methods of `contextlib.suppress` and `ExitStack`.
const STDLIB_METHODS: [(&str, &str, &str); 5] = [
    ("suppress", "__exit__", "contextlib.suppress"),
    ("ExitStack", "__exit__", "contextlib.ExitStack"),
    ("_BaseExitStack", "callback", "contextlib.ExitStack"),
    ("_BaseExitStack", "_push_exit_callback", "contextlib.ExitStack"),
    ("_BaseExitStack", "pop_all", "contextlib.ExitStack"),
];

/// The `(co_code, repr(co_names))` of a function, method or static method.
fn code_print(function: &Bound<'_, PyAny>) -> Option<(Vec<u8>, String)> {
    let function = function.getattr("__func__").unwrap_or_else(|_| function.clone());
    let code = function.getattr("__code__").ok()?;
    let bytes = code.getattr("co_code").ok()?;
    let bytes = bytes.cast::<PyBytes>().ok()?.as_bytes().to_vec();
    let names = extract(&code.getattr("co_names").ok()?).repr();
    Some((bytes, names))
}

/// Which of contextlib's classes `obj` is built on (its class, a base, or
/// the class of an object it holds in an attribute), if any.
fn laundered(obj: &Bound<'_, PyAny>) -> PyResult<Option<&'static str>> {
    let Some(prints) = STDLIB_CODE.get() else {
        return Ok(None);
    };
    let mut classes = vec![obj.get_type().into_any()];
    if let Ok(dict) = obj.getattr("__dict__")
        && let Ok(dict) = dict.cast::<PyDict>()
    {
        for value in dict.values() {
            classes.push(value.get_type().into_any());
        }
    }
    for class in classes {
        let Ok(mro) = class.getattr("__mro__") else {
            continue;
        };
        for base in mro.try_iter()? {
            let Ok(namespace) = base?.getattr("__dict__") else {
                continue;
            };
            let Ok(values) = namespace.call_method0("values") else {
                continue;
            };
            for member in values.try_iter()? {
                if let Some(print) = code_print(&member?)
                    && let Some((name, _, _)) =
                        prints.iter().find(|(_, b, n)| *b == print.0 && *n == print.1)
                {
                    return Ok(Some(name));
                }
            }
        }
    }
    Ok(None)
}

/// `os.fstat`, captured before any candidate code ran (a builtin function
/// object cannot be changed; rebinding `os.fstat` does not reach this one).
static FSTAT: OnceLock<Py<PyAny>> = OnceLock::new();

/// Whether descriptor `fd` is open on the file at `path` (relative to the
/// scratch directory): `Bool(true)`; closed: `Bool(false)`.
fn descriptor_state(py: Python<'_>, fd: &Value, path: &str) -> PyResult<Value> {
    use std::os::unix::fs::MetadataExt;
    let Value::Int(fd) = fd else {
        return Ok(Value::Other(format!("fileno() gave {}, not an int", fd.repr())));
    };
    let fstat = FSTAT
        .get()
        .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("internal: no fstat"))?;
    let Ok(stat) = fstat.bind(py).call1((*fd,)) else {
        // EBADF: nothing is open under that number any more.
        return Ok(Value::Bool(false));
    };
    // stat_result is a tuple: read it through the tuple C API, not through
    // attributes; index 1 is st_ino, 2 st_dev.
    let stat = stat.cast::<PyTuple>().map_err(PyErr::from)?;
    let ino: u64 = stat.get_item(1)?.extract()?;
    let dev: u64 = stat.get_item(2)?.extract()?;
    Ok(match std::fs::metadata(path) {
        Ok(meta) if meta.dev() == dev && meta.ino() == ino => Value::Bool(true),
        Ok(_) => Value::Str("open on another file".into()),
        Err(_) => Value::Str(format!("{path} is missing")),
    })
}

/// Switches off the standard library's versions before the candidate's
/// module is imported. Modules that take `suppress` from contextlib at import
/// time are imported first, so they keep working.
const DISABLE_CONTEXTLIB: &std::ffi::CStr = cr#"
import traceback, importlib.metadata, importlib.resources, typing, inspect
import contextlib


def _suppress(*args, **kwargs):
    raise RuntimeError("contextlib.suppress is disabled while context_managers is graded: build your own")


def _exit_stack(*args, **kwargs):
    raise RuntimeError("contextlib.ExitStack is disabled while context_managers is graded: build your own")


contextlib.suppress = _suppress
contextlib.ExitStack = _exit_stack
"#;

/// Private helpers the scripts call (see the module documentation).
const FIXTURES: &str = r#"
"""Helpers of the context_managers checks: files in the scratch directory,
an object to patch, a recorder of callbacks, and a real `with` statement."""

import os

_exists = os.path.exists
_remove = os.remove
_EXCEPTIONS = {
    "KeyError": KeyError,
    "ValueError": ValueError,
    "OSError": OSError,
    "RuntimeError": RuntimeError,
}


def make_file(name, text):
    with open(name, "w") as f:
        f.write(text)


def read_text(name):
    with open(name) as f:
        return f.read()


def exists(name):
    return _exists(name)


def remove(name):
    if _exists(name):
        _remove(name)


class Thing:
    """A plain object: x = 1, items = [1, 2], z = None; no y."""

    def __init__(self):
        self.x = 1
        self.items = [1, 2]
        self.z = None


class Recorder:
    """Makes callbacks that record (tag, args, kwargs) and may raise."""

    def __init__(self):
        self.events = []

    def fn(self, tag, raises=None):
        events = self.events
        error = _EXCEPTIONS[raises] if raises is not None else None

        def callback(*args, **kwargs):
            events.append((tag, args, kwargs))
            if error is not None:
                raise error(tag)

        return callback


def run_with(cm, exc=None):
    """A real `with cm:` (raising exc inside): the exception that left, or None."""
    try:
        with cm:
            if exc is not None:
                raise exc
    except NotImplementedError:
        raise
    except BaseException as left:
        return left
    return None


def context_chain(exc):
    """[(exc, exc.args), (exc.__context__, its args), ...]."""
    chain = []
    seen = []
    while exc is not None and len(chain) < 20 and not any(exc is s for s in seen):
        seen.append(exc)
        chain.append((exc, exc.args))
        exc = exc.__context__
    return chain
"#;

impl ScriptedExercise for ContextManagersExercise {
    fn id(&self) -> &'static str {
        "context_managers"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let mut checks = managed_file_checks();
        checks.extend(temporary_attr_checks());
        checks.extend(suppress_checks());
        checks.extend(callback_stack_checks());
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let attrs = (0..4)
            .map(|_| {
                let blocks: Vec<Block> = (0..rng.random_range(1..3))
                    .map(|_| random_block(rng, 1))
                    .collect();
                blocks_script(&blocks, &NAMES)
            })
            .collect();
        let suppress = (0..6)
            .map(|_| {
                let listed: Vec<&str> = (0..rng.random_range(0..3))
                    .map(|_| SUPPRESSIBLE[rng.random_range(0..SUPPRESSIBLE.len())])
                    .collect();
                let raised = rng
                    .random_bool(0.85)
                    .then(|| SUPPRESSIBLE[rng.random_range(0..SUPPRESSIBLE.len())]);
                suppress_script(&listed, raised)
            })
            .collect();
        let stacks = (0..5).map(|_| random_stack(rng)).collect();
        vec![
            Check::new(
                "temporary_attr_random",
                "random nested temporary_attr blocks, some raising",
                2,
                attrs,
            ),
            Check::new(
                "suppress_random",
                "suppress with random exception types",
                2,
                suppress,
            ),
            Check::new(
                "callback_stack_random",
                "CallbackStack with random callbacks, some raising, after a block that may raise",
                3,
                stacks,
            ),
        ]
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn harness_modules(&self) -> &'static [&'static str] {
        &["importlib.metadata", "importlib.resources"]
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        let contextlib = py.import("contextlib")?;
        let mut prints = Vec::new();
        for (class, method, name) in STDLIB_METHODS {
            let function = contextlib.getattr(class)?.getattr("__dict__")?.get_item(method)?;
            if let Some((bytes, names)) = code_print(&function) {
                prints.push((name, bytes, names));
            }
        }
        let _ = STDLIB_CODE.set(prints);
        let _ = FSTAT.set(py.import("os")?.getattr("fstat")?.unbind());
        // A private namespace, so nothing of this is visible to the candidate.
        let globals = PyDict::new(py);
        py.run(DISABLE_CONTEXTLIB, Some(&globals), None)
    }

    fn probe<'py>(
        &self,
        candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        match (name, args) {
            ("descriptor", [fd, path]) => {
                let path = match extract(path) {
                    Value::Str(path) => path,
                    other => {
                        return Err(Fault::Raised(pyo3::exceptions::PyRuntimeError::new_err(
                            format!("internal: descriptor path {}", other.repr()),
                        )));
                    }
                };
                descriptor_state(candidate.py, &extract(fd), &path).map_err(Fault::from)
            }
            ("own_class", [obj]) => match laundered(obj)? {
                None => Ok(Value::Bool(true)),
                Some(stdlib) => Err(Fault::Raised(pyo3::exceptions::PyRuntimeError::new_err(
                    format!(
                        "this is built on {stdlib}, which is unavailable while context_managers is graded (a copy reached again, e.g. by reloading contextlib, counts too): build your own"
                    ),
                ))),
            },
            _ => Err(crate::exercise::unknown_probe(name, args.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppress_follows_the_exception_hierarchy() {
        assert!(swallows(&["LookupError"], "KeyError"));
        assert!(swallows(&["Exception"], "FileNotFoundError"));
        assert!(!swallows(&["KeyError"], "LookupError"));
        assert!(!swallows(&["IndexError"], "KeyError"));
        assert!(!swallows(&[], "ValueError"));
        assert!(swallows(&["TypeError", "ArithmeticError"], "ZeroDivisionError"));
    }

    #[test]
    fn nested_blocks_restore_in_order() {
        let mut attrs = thing();
        attrs.enter("x", Value::Int(2));
        attrs.enter("x", Value::Int(3));
        attrs.enter("y", Value::Int(4));
        assert_eq!(attrs.get("x"), Some(&Value::Int(3)));
        attrs.leave();
        assert_eq!(attrs.get("y"), None);
        attrs.leave();
        assert_eq!(attrs.get("x"), Some(&Value::Int(2)));
        attrs.leave();
        assert_eq!(attrs, thing());
        attrs.enter("z", Value::Int(1));
        attrs.leave();
        assert_eq!(attrs.get("z"), Some(&Value::None));
    }

    #[test]
    fn the_last_exception_leaves_with_the_earlier_ones_as_context() {
        let unwound = unwind(
            &[
                callback("a", Some("KeyError")),
                callback("b", None),
                callback("c", Some("ValueError")),
            ],
            Some(("OSError", "block")),
        );
        assert_eq!(unwound.ran, vec!["c", "b", "a"]);
        let pair = |t: &str, g: &str| (t.to_string(), g.to_string());
        assert_eq!(
            unwound.chain,
            vec![
                pair("KeyError", "a"),
                pair("ValueError", "c"),
                pair("OSError", "block")
            ]
        );
        let quiet = unwind(&[callback("a", None)], None);
        assert_eq!(quiet.chain, vec![]);
    }
}
