//! `monkey_patching` (question 22): replacing a module's, a class's or an
//! instance's attribute at run time, and putting back exactly what was
//! there: `patch` by dotted path, `patch_object`, both as context managers
//! and decorators, and a `spy` that records calls.
//!
//! Reference, in plain Rust: [`Namespaces`], the own attributes of the
//! target module `pyi_targets.shapes`, its classes `Shape` and
//! `Square(Shape)` and an instance `sq`, with attribute lookup (own, then
//! the class, then its base) and nested patches that save what was own (or
//! that nothing was) and restore it innermost first; [`shapes`], what the
//! target module's functions compute (patched or not); and [`SpyLog`], the
//! records a spy keeps.
//!
//! The target package is built by the fixtures afresh for every call
//! (`fresh_targets()` puts new `pyi_targets` and `pyi_targets.shapes` module
//! objects into `sys.modules`), so nothing one call patched can leak into
//! another. What is own is read through `vars()` by the fixtures captured
//! before the candidate's code (`state`, `has_own`), identity with `is`.
//! `unittest.mock` is switched off before the candidate's module is imported
//! (see [`MonkeyPatchingExercise::prepare`]), and a copy of it reached again
//! (e.g. by reloading the module) is recognised by its methods' code (the
//! `own_code` probe).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use rand::RngExt;

use crate::driver::{Candidate, Fault, Observed, extract};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct MonkeyPatchingExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<MonkeyPatchingExercise> = Scripted(MonkeyPatchingExercise);

// ---- the Rust reference -------------------------------------------------

/// An object of the target module whose attributes a scenario patches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Obj {
    /// The module `pyi_targets.shapes`.
    Module,
    Shape,
    /// `Square(Shape)`.
    Square,
    /// `sq = Square(3)`.
    Sq,
}

impl Obj {
    /// Where attribute lookup goes after the object's own namespace.
    fn next(self) -> Option<Obj> {
        match self {
            Obj::Module | Obj::Shape => None,
            Obj::Square => Some(Obj::Shape),
            Obj::Sq => Some(Obj::Square),
        }
    }

    fn label(self) -> &'static str {
        match self {
            Obj::Module => "shapes",
            Obj::Shape => "Shape",
            Obj::Square => "Square",
            Obj::Sq => "sq",
        }
    }

    /// The dotted path `patch` takes to reach `name` on this object.
    fn path(self, name: &str) -> Option<String> {
        match self {
            Obj::Module => Some(format!("pyi_targets.shapes.{name}")),
            Obj::Shape | Obj::Square => Some(format!("pyi_targets.shapes.{}.{name}", self.label())),
            Obj::Sq => None,
        }
    }

    fn expr(self) -> Expr {
        match self {
            Obj::Module => Expr::var("shapes"),
            Obj::Shape | Obj::Square => Expr::var("shapes").attr(self.label()),
            Obj::Sq => Expr::var("sq"),
        }
    }
}

/// The own attributes of the objects, under nested patches.
#[derive(Debug, Clone, PartialEq)]
pub struct Namespaces {
    own: BTreeMap<(Obj, String), Value>,
    /// What each open patch restores: object, name, the own value before
    /// (`None`: it was not own).
    saved: Vec<(Obj, String, Option<Value>)>,
}

/// The attributes `state(shapes, sq)` reports, in its order.
pub const TRACKED: [(Obj, &str); 14] = [
    (Obj::Module, "PI"),
    (Obj::Module, "missing"),
    (Obj::Shape, "kind"),
    (Obj::Shape, "sides"),
    (Obj::Shape, "layer"),
    (Obj::Shape, "color"),
    (Obj::Square, "kind"),
    (Obj::Square, "sides"),
    (Obj::Square, "layer"),
    (Obj::Square, "color"),
    (Obj::Sq, "side"),
    (Obj::Sq, "kind"),
    (Obj::Sq, "layer"),
    (Obj::Sq, "color"),
];

impl Namespaces {
    /// The fresh target module: `PI = 3`; `Shape`: kind, sides, layer;
    /// `Square(Shape)`: kind, sides; `sq = Square(3)`: side.
    pub fn fresh() -> Namespaces {
        let mut own = BTreeMap::new();
        let mut put = |o: Obj, n: &str, v: Value| {
            own.insert((o, n.to_string()), v);
        };
        put(Obj::Module, "PI", Value::Int(3));
        put(Obj::Shape, "kind", Value::str("shape"));
        put(Obj::Shape, "sides", Value::Int(0));
        put(Obj::Shape, "layer", Value::Int(1));
        put(Obj::Square, "kind", Value::str("square"));
        put(Obj::Square, "sides", Value::Int(4));
        put(Obj::Sq, "side", Value::Int(3));
        Namespaces {
            own,
            saved: Vec::new(),
        }
    }

    pub fn is_own(&self, obj: Obj, name: &str) -> bool {
        self.own.contains_key(&(obj, name.to_string()))
    }

    /// `getattr(obj, name, None)`.
    pub fn get(&self, obj: Obj, name: &str) -> Option<&Value> {
        let mut at = Some(obj);
        while let Some(o) = at {
            if let Some(v) = self.own.get(&(o, name.to_string())) {
                return Some(v);
            }
            at = o.next();
        }
        None
    }

    /// Entering a patch: `setattr(obj, name, value)`, saving the own value.
    pub fn enter(&mut self, obj: Obj, name: &str, value: Value) {
        let before = self.own.insert((obj, name.to_string()), value);
        self.saved.push((obj, name.to_string(), before));
    }

    /// Leaving the innermost patch, however its block ended.
    pub fn leave(&mut self) {
        if let Some((obj, name, before)) = self.saved.pop() {
            match before {
                Some(v) => {
                    self.own.insert((obj, name), v);
                }
                None => {
                    self.own.remove(&(obj, name));
                }
            }
        }
    }

    /// `shapes.layers(n)` once `shapes.layers` is `patch(PI, pi)` decorating
    /// the original: every call, the recursive ones too, enters the same
    /// patch, recurses, reads `PI` after the inner call returned (so after
    /// the inner exit), and leaves. What it returns: `[PI, ...]` innermost
    /// first (see [`shapes::layers`]).
    pub fn patched_layers(&mut self, n: i64, pi: &Value) -> Vec<Value> {
        self.enter(Obj::Module, "PI", pi.clone());
        let mut out = if n > 0 {
            self.patched_layers(n - 1, pi)
        } else {
            Vec::new()
        };
        out.push(self.get(Obj::Module, "PI").cloned().unwrap_or(Value::None));
        self.leave();
        out
    }

    /// What `state(shapes, sq)` returns: `(label, own, getattr(.., None))`.
    pub fn state(&self) -> Value {
        Value::List(
            TRACKED
                .iter()
                .map(|(o, n)| {
                    Value::Tuple(vec![
                        Value::str(format!("{}.{n}", o.label())),
                        Value::Bool(self.is_own(*o, n)),
                        self.get(*o, n).cloned().unwrap_or(Value::None),
                    ])
                })
                .collect(),
        )
    }
}

/// What the target module's functions compute.
pub mod shapes {
    pub fn area(w: i64, h: i64) -> i64 {
        w * h
    }

    /// The fixture `fake_area`.
    pub fn fake_area(w: i64, h: i64) -> i64 {
        w + h
    }

    /// `square_area(side)`: `area(side, side)` with whatever `area` is.
    pub fn square_area(side: i64, area: fn(i64, i64) -> i64) -> i64 {
        area(side, side)
    }

    /// `circle_area(r)`: `PI * r * r`.
    pub fn circle_area(r: i64, pi: i64) -> i64 {
        pi * r * r
    }

    /// `sq.label()`: `kind + ":" + str(area())`.
    pub fn label(kind: &str, area: i64) -> String {
        format!("{kind}:{area}")
    }

    /// `layers(n)`: `(layers(n - 1) if n > 0 else []) + [PI]`, the
    /// recursive call going through the module's name `layers`.
    pub fn layers(n: i64, pi: i64) -> Vec<i64> {
        let mut out = if n > 0 { layers(n - 1, pi) } else { Vec::new() };
        out.push(pi);
        out
    }
}

/// A call of `shapes.area` through a spy: positional and keyword arguments
/// (ints or strs).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaCall {
    pub args: Vec<Value>,
    pub kwargs: Vec<(String, Value)>,
}

/// One record of a spy: args, kwargs, result, the exception's type name
/// (`"NoneType"` when it returned).
pub type Record = (Value, Value, Value, String);

/// The records a spy on `area(w, h)` keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpyLog {
    pub records: Vec<Record>,
}

impl SpyLog {
    /// A call starts: its record takes its place now (so the calls it makes
    /// come after it), its outcome not known yet. Returns its index.
    pub fn start(&mut self, args: Value, kwargs: Value) -> usize {
        self.records
            .push((args, kwargs, Value::None, "NoneType".into()));
        self.records.len() - 1
    }

    /// The call of record `i` ends with `outcome` (a value, or the name of
    /// the exception's type).
    pub fn finish(&mut self, i: usize, outcome: &Result<Value, String>) {
        let record = &mut self.records[i];
        match outcome {
            Ok(v) => record.2 = v.clone(),
            Err(e) => record.3 = e.clone(),
        }
    }

    /// `shapes.layers(n)` through a spy on `shapes.layers`: the recursive
    /// calls go through the spy too (see [`shapes::layers`]).
    pub fn layers(&mut self, n: i64, pi: i64) -> Vec<Value> {
        let i = self.start(Value::Tuple(vec![Value::Int(n)]), Value::Dict(vec![]));
        let mut out = if n > 0 { self.layers(n - 1, pi) } else { Vec::new() };
        out.push(Value::Int(pi));
        self.finish(i, &Ok(Value::List(out.clone())));
        out
    }

    /// `shapes.abort(message)` through a spy: it raises `Abort`, a
    /// `BaseException` that is not an `Exception`.
    pub fn abort(&mut self, message: &str) -> Result<Value, String> {
        let i = self.start(
            Value::Tuple(vec![Value::str(message)]),
            Value::Dict(vec![]),
        );
        let outcome = Err("Abort".to_string());
        self.finish(i, &outcome);
        outcome
    }

    /// Runs `area` as Python would (`w * h`; an int times a str repeats
    /// it, two strs raise `TypeError`; a missing or doubled argument raises
    /// `TypeError`) and records it. Returns the outcome.
    pub fn call(&mut self, call: &AreaCall) -> Result<Value, String> {
        let mut params: [Option<&Value>; 2] = [None, None];
        let mut outcome = Ok(());
        for (i, a) in call.args.iter().enumerate() {
            if i < 2 {
                params[i] = Some(a);
            } else {
                outcome = Err("TypeError".to_string());
            }
        }
        for (k, v) in &call.kwargs {
            let slot = match k.as_str() {
                "w" => 0,
                "h" => 1,
                _ => {
                    outcome = Err("TypeError".into());
                    continue;
                }
            };
            if params[slot].is_some() {
                outcome = Err("TypeError".into());
            }
            params[slot] = Some(v);
        }
        let result = outcome.and_then(|()| match params {
            [Some(w), Some(h)] => multiply(w, h),
            _ => Err("TypeError".into()),
        });
        let args = Value::Tuple(call.args.clone());
        let kwargs = Value::Dict(
            call.kwargs
                .iter()
                .map(|(k, v)| (Value::str(k.as_str()), v.clone()))
                .collect(),
        );
        let i = self.start(args, kwargs);
        self.finish(i, &result);
        result
    }
}

/// Python's `*` on ints and strs.
fn multiply(w: &Value, h: &Value) -> Result<Value, String> {
    match (w, h) {
        (Value::Int(a), Value::Int(b)) => Ok(Value::Int(a * b)),
        (Value::Int(n), Value::Str(s)) | (Value::Str(s), Value::Int(n)) => {
            Ok(Value::Str(s.repeat((*n).max(0) as usize)))
        }
        _ => Err("TypeError".into()),
    }
}

// ---- scripts ------------------------------------------------------------

fn lit(value: impl Into<Value>) -> Expr {
    Expr::lit(value)
}

fn v(name: &str) -> Expr {
    Expr::var(name)
}

fn shapes_fn(name: &str) -> Expr {
    v("shapes").attr(name)
}

/// `shapes = fresh_targets(); sq = shapes.Square(3)`.
fn targets() -> Script {
    Script::new()
        .bind("shapes", Expr::fixture("fresh_targets").call(vec![]))
        .bind("sq", shapes_fn("Square").call(vec![lit(3)]))
}

fn state() -> Expr {
    Expr::fixture("state").call(vec![v("shapes"), v("sq")])
}

fn has_own(of: Expr, name: &str) -> Expr {
    Expr::fixture("has_own").call(vec![of, lit(name)])
}

fn patch(path: &str, new: Expr) -> Expr {
    Expr::name("patch").call(vec![lit(path), new])
}

fn patch_object(obj: Expr, name: &str, new: Expr) -> Expr {
    Expr::name("patch_object").call(vec![obj, lit(name), new])
}

fn own_code(script: Script, var: &str) -> Script {
    script.probe(
        "own_code",
        &format!("{var} is not built on unittest.mock"),
        vec![v(var)],
        Value::Bool(true),
    )
}

fn error(ty: &str, text: &str) -> Expr {
    Expr::builtin(ty).call(vec![lit(text)])
}

/// How a block's patch names its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Via {
    Path,
    Object,
    /// The manager made beforehand and bound to `m`.
    Named,
}

/// `with patch(...)` / `with patch_object(...)`: sets `obj.name = value`,
/// maybe raises at its end, maybe holds an inner block.
#[derive(Debug, Clone)]
pub struct Block {
    pub obj: Obj,
    pub name: String,
    pub value: Value,
    pub via: Via,
    pub raise: Option<&'static str>,
    pub inner: Option<Box<Block>>,
}

fn block(obj: Obj, name: &str, value: impl Into<Value>, via: Via) -> Block {
    Block {
        obj,
        name: name.to_string(),
        value: value.into(),
        via,
        raise: None,
        inner: None,
    }
}

impl Block {
    fn raising(mut self, ty: &'static str) -> Block {
        self.raise = Some(ty);
        self
    }

    fn around(mut self, inner: Block) -> Block {
        self.inner = Some(Box::new(inner));
        self
    }

    fn manager(&self) -> Expr {
        match (self.via, self.obj.path(&self.name)) {
            (Via::Named, _) => v("m"),
            (Via::Path, Some(path)) => patch(&path, lit(self.value.clone())),
            _ => patch_object(self.obj.expr(), &self.name, lit(self.value.clone())),
        }
    }
}

/// Appends the block (observing `state` inside, around the inner block, and
/// after) to `script`, following the model.
fn block_script(script: Script, block: &Block, ns: &mut Namespaces) -> Script {
    ns.enter(block.obj, &block.name, block.value.clone());
    let mut body = Script::new().observe(state(), ns.state());
    if let Some(inner) = &block.inner {
        body = block_script(body, inner, ns);
    }
    ns.leave();
    script.with(
        block.manager(),
        None,
        body,
        block.raise.map(|ty| error(ty, "in the block")),
        block.raise.map_or(Value::None, raises),
    )
}

/// `shapes`, `sq`, then each block and the state after it.
fn blocks_script(blocks: &[Block]) -> Script {
    let mut ns = Namespaces::fresh();
    let mut script = targets();
    for (i, b) in blocks.iter().enumerate() {
        if i == 0 {
            // The first manager by name, to look at what it is built on.
            script = script.bind("m", b.manager());
            let mut named = b.clone();
            named.via = Via::Named;
            script = block_script(script, &named, &mut ns);
            script = own_code(script, "m");
        } else {
            script = block_script(script, b, &mut ns);
        }
        script = script.observe(state(), ns.state());
    }
    script
}

fn patch_checks() -> Vec<Check<Script>> {
    use Obj::*;
    use Via::*;
    let area_path = "pyi_targets.shapes.area";
    let fake = || Expr::fixture("fake_area");
    let replaces = own_code(
        targets()
            .bind("original", shapes_fn("area"))
            .bind("p", patch(area_path, fake()))
            .observe(shapes_fn("area").is(v("original")), true)
            .with(
                v("p"),
                Some("got"),
                Script::new()
                    .observe(v("got").is(fake()), true)
                    .observe(shapes_fn("area").is(fake()), true)
                    .observe(
                        shapes_fn("square_area").call(vec![lit(3)]),
                        shapes::square_area(3, shapes::fake_area),
                    ),
                None,
                Value::None,
            )
            .observe(shapes_fn("area").is(v("original")), true)
            .observe(
                shapes_fn("square_area").call(vec![lit(3)]),
                shapes::square_area(3, shapes::area),
            ),
        "p",
    );
    let resolves_late = targets()
        .bind("p", patch(area_path, fake()))
        .bind("old", v("shapes"))
        .bind("shapes", Expr::fixture("fresh_targets").call(vec![]))
        .bind("original", shapes_fn("area"))
        .with(
            v("p"),
            None,
            Script::new()
                .observe(shapes_fn("area").is(fake()), true)
                .observe(v("old").attr("area").is(fake()), false),
            None,
            Value::None,
        )
        .observe(shapes_fn("area").is(v("original")), true);
    let on_error = targets()
        .bind("original", shapes_fn("area"))
        .with(
            patch(area_path, fake()),
            None,
            Script::new(),
            Some(error("KeyError", "in the block")),
            raises("KeyError"),
        )
        .observe(shapes_fn("area").is(v("original")), true);
    let descriptors = targets()
        .bind(
            "saved_unit",
            Expr::builtin("vars").call(vec![shapes_fn("Shape")]).item(lit("unit")),
        )
        .bind(
            "saved_make",
            Expr::builtin("vars").call(vec![shapes_fn("Shape")]).item(lit("make")),
        )
        .with(
            patch("pyi_targets.shapes.Shape.unit", fake()),
            None,
            Script::new(),
            None,
            Value::None,
        )
        .with(
            patch("pyi_targets.shapes.Shape.make", Expr::fixture("forty_two")),
            None,
            Script::new().observe(shapes_fn("Square").method("make", vec![]), 42),
            None,
            Value::None,
        )
        .observe(
            Expr::builtin("vars")
                .call(vec![shapes_fn("Shape")])
                .item(lit("unit"))
                .is(v("saved_unit")),
            true,
        )
        .observe(
            Expr::builtin("vars")
                .call(vec![shapes_fn("Shape")])
                .item(lit("make"))
                .is(v("saved_make")),
            true,
        )
        .observe(shapes_fn("Square").method("make", vec![]).type_name(), "Square")
        .observe(v("sq").method("unit", vec![]), "cm");
    let decorator = targets()
        .bind("original", shapes_fn("area"))
        .bind("square_area", shapes_fn("square_area"))
        .bind("f", patch(area_path, fake()).call(vec![v("square_area")]))
        .observe(shapes_fn("area").is(v("original")), true)
        .observe(v("f").call(vec![lit(3)]), shapes::square_area(3, shapes::fake_area))
        .observe(shapes_fn("area").is(v("original")), true)
        .observe(
            v("f").call_kw(vec![], vec![("side", lit(2))]),
            shapes::square_area(2, shapes::fake_area),
        )
        .observe(shapes_fn("area").is(v("original")), true)
        .wrapper_metadata(
            "f",
            "square_area",
            "square_area",
            "square_area",
            Value::str("The area of a square."),
        );
    let decorator = own_code(decorator, "f");
    let decorator_error = {
        let mut script = targets().bind(
            "g",
            patch("pyi_targets.shapes.PI", lit(4)).call(vec![shapes_fn("explode")]),
        );
        for message in ["boom", "again"] {
            script = script
                .observe(v("g").call(vec![lit(message)]), raises("ValueError"))
                .observe(
                    Expr::builtin("getattr").call(vec![Expr::Caught, lit("args"), lit(Value::None)]),
                    Value::Tuple(vec![Value::str(message), Value::Int(4)]),
                )
                .observe(shapes_fn("PI"), 3);
        }
        own_code(script, "g")
    };
    // The same patch object entered again while it is active: by name in
    // nested blocks, and as a decorator whose function calls itself.
    let recursive = {
        let mut ns = Namespaces::fresh();
        let mut script = targets()
            .bind("layers", shapes_fn("layers"))
            .bind(
                "g",
                patch("pyi_targets.shapes.PI", lit(4)).call(vec![v("layers")]),
            )
            .set_attr(v("shapes"), "layers", v("g"), Value::None);
        for n in [2, 1] {
            script = script
                .observe(
                    shapes_fn("layers").call(vec![lit(n)]),
                    Value::List(ns.patched_layers(n, &Value::Int(4))),
                )
                .observe(state(), ns.state());
        }
        own_code(script, "g")
    };
    vec![
        Check::new(
            "patch_replaces_and_restores",
            "with patch('pyi_targets.shapes.area', new) as got: got is new, the module's name is replaced, and the very original is back afterwards",
            3,
            vec![replaces],
        ),
        Check::new(
            "patch_resolves_on_enter",
            "patch looks the target up when the block starts, not when the patch is made",
            1,
            vec![resolves_late],
        ),
        Check::new(
            "patch_class_attribute",
            "patch('pyi_targets.shapes.Class.attr', new) replaces a class attribute and restores it",
            2,
            vec![blocks_script(&[
                block(Square, "sides", 8, Path),
                block(Shape, "kind", "polygon", Path),
            ])],
        ),
        Check::new(
            "patch_absent_deleted",
            "an attribute that did not exist is deleted again after the block",
            3,
            vec![blocks_script(&[
                block(Module, "missing", 1, Path),
                block(Square, "color", "red", Path),
            ])],
        ),
        Check::new(
            "patch_inherited_class_attribute",
            "a class attribute inherited from a base is deleted from the subclass again, not copied onto it",
            2,
            vec![blocks_script(&[
                block(Square, "layer", 7, Path),
                block(Square, "layer", 8, Path).raising("ValueError"),
            ])],
        ),
        Check::new(
            "patch_restores_on_exception",
            "when the block raises, the patch is undone and the exception propagates unchanged",
            3,
            vec![
                on_error,
                blocks_script(&[
                    block(Module, "PI", 4, Path).raising("KeyError"),
                    block(Module, "missing", 2, Path).raising("RuntimeError"),
                ]),
            ],
        ),
        Check::new(
            "patch_nested_unwind",
            "nested patches unwind in order: leaving the inner block restores what the outer one set",
            3,
            vec![
                blocks_script(&[block(Module, "PI", 4, Path).around(block(Module, "PI", 5, Path))]),
                blocks_script(&[block(Shape, "kind", "outer", Path)
                    .around(block(Square, "kind", "inner", Path).raising("KeyError"))]),
            ],
        ),
        Check::new(
            "patch_reentrant",
            "the same patch object entered again while active (with p: inside with p:, a decorated function calling itself) restores the outer's value, then the original",
            2,
            vec![
                blocks_script(&[
                    block(Module, "PI", 4, Path).around(block(Module, "PI", 4, Named)),
                    block(Module, "PI", 5, Path),
                ]),
                blocks_script(&[block(Sq, "kind", "box", Object)
                    .around(block(Sq, "kind", "box", Named).raising("KeyError"))]),
                recursive,
            ],
        ),
        Check::new(
            "patch_keeps_descriptors",
            "a staticmethod or classmethod is restored as the very object the class held, not the function getattr shows",
            2,
            vec![descriptors],
        ),
        Check::new(
            "patch_decorator",
            "@patch(target, new) patches during each call only, forwards arguments and the result, and keeps the metadata",
            3,
            vec![decorator],
        ),
        Check::new(
            "patch_decorator_exception",
            "a decorated call that raises still undoes the patch, and the exception propagates",
            2,
            vec![decorator_error],
        ),
    ]
}

fn patch_object_checks() -> Vec<Check<Script>> {
    use Obj::*;
    use Via::*;
    let fake = || Expr::fixture("fake_area");
    let module = own_code(
        targets()
            .bind("original", shapes_fn("area"))
            .bind("p", patch_object(v("shapes"), "area", fake()))
            .with(
                v("p"),
                Some("got"),
                Script::new()
                    .observe(v("got").is(fake()), true)
                    .observe(
                        shapes_fn("square_area").call(vec![lit(3)]),
                        shapes::square_area(3, shapes::fake_area),
                    ),
                None,
                Value::None,
            )
            .observe(shapes_fn("area").is(v("original")), true),
        "p",
    );
    let sq_area = shapes::area(3, 3);
    let inherited_method = targets()
        .with(
            patch_object(v("sq"), "area", Expr::fixture("forty_two")),
            None,
            Script::new().observe(v("sq").method("label", vec![]), shapes::label("square", 42)),
            None,
            Value::None,
        )
        .observe(has_own(v("sq"), "area"), false)
        .observe(v("sq").method("area", vec![]), sq_area)
        .with(
            patch_object(v("sq"), "kind", lit("box")),
            None,
            Script::new().observe(v("sq").method("label", vec![]), shapes::label("box", sq_area)),
            None,
            Value::None,
        )
        .set_attr(shapes_fn("Square"), "kind", lit("quad"), Value::None)
        .observe(v("sq").attr("kind"), "quad");
    let decorator = targets()
        .bind("circle_area", shapes_fn("circle_area"))
        .bind(
            "h",
            patch_object(v("shapes"), "PI", lit(4)).call(vec![v("circle_area")]),
        )
        .observe(v("h").call(vec![lit(2)]), shapes::circle_area(2, 4))
        .observe(shapes_fn("PI"), 3)
        .observe(v("h").call_kw(vec![], vec![("r", lit(1))]), shapes::circle_area(1, 4))
        .observe(shapes_fn("PI"), 3)
        .observe(v("h").attr("__wrapped__").is(v("circle_area")), true);
    let decorator = own_code(decorator, "h");
    vec![
        Check::new(
            "patch_object_module_and_class",
            "patch_object on a module or a class replaces the attribute for the block and restores it",
            2,
            vec![
                module,
                blocks_script(&[
                    block(Square, "kind", "box", Object),
                    block(Shape, "sides", 9, Object),
                ]),
            ],
        ),
        Check::new(
            "patch_object_instance_own",
            "patch_object on an instance's own attribute restores its value",
            2,
            vec![blocks_script(&[
                block(Sq, "side", 5, Object),
                block(Sq, "side", 6, Object).raising("ValueError"),
            ])],
        ),
        Check::new(
            "patch_object_inherited_not_copied",
            "an attribute the instance inherits from its class is removed from the instance again, never copied onto it",
            3,
            vec![
                inherited_method,
                blocks_script(&[
                    block(Sq, "kind", "box", Object),
                    block(Sq, "layer", 5, Object).around(block(Square, "layer", 6, Object)),
                ]),
            ],
        ),
        Check::new(
            "patch_object_absent",
            "patch_object deletes an attribute that did not exist, also when the block raises",
            2,
            vec![blocks_script(&[
                block(Sq, "color", "red", Object),
                block(Shape, "color", "blue", Object).raising("KeyError"),
                block(Module, "missing", 5, Object),
            ])],
        ),
        Check::new(
            "patch_object_decorator",
            "@patch_object(obj, name, new) patches during each call only",
            1,
            vec![decorator],
        ),
    ]
}

/// `s.calls[i]` as `(args, kwargs, result, type(exception).__name__)`.
fn record_expr(spy: &str, i: i64) -> Expr {
    let call = || v(spy).attr("calls").item(lit(i));
    Expr::Tuple(vec![
        call().attr("args"),
        call().attr("kwargs"),
        call().attr("result"),
        call().attr("exception").type_name(),
    ])
}

fn record_value(record: &Record) -> Value {
    let (args, kwargs, result, exception) = record.clone();
    Value::Tuple(vec![args, kwargs, result, Value::Str(exception)])
}

fn calls_len(spy: &str) -> Expr {
    Expr::builtin("len").call(vec![v(spy).attr("calls")])
}

/// A spy on `shapes.area` and `calls` made through it, then the records.
fn spy_script(calls: &[AreaCall]) -> Script {
    let mut log = SpyLog::default();
    let mut script = own_code(
        targets()
            .bind("original", shapes_fn("area"))
            .bind("s", Expr::name("spy").call(vec![v("shapes"), lit("area")])),
        "s",
    );
    for call in calls {
        let outcome = log.call(call);
        let expr = shapes_fn("area").call_kw(
            call.args.iter().cloned().map(Expr::Lit).collect(),
            call.kwargs
                .iter()
                .map(|(k, x)| (k.as_str(), Expr::Lit(x.clone())))
                .collect(),
        );
        script = script.observe(expr, outcome.unwrap_or_else(|e| raises(&e)));
    }
    script = script.observe(calls_len("s"), log.records.len() as i64);
    for (i, record) in log.records.iter().enumerate() {
        script = script.observe(record_expr("s", i as i64), record_value(record));
    }
    script
        .run(v("s").method("restore", vec![]))
        .observe(shapes_fn("area").is(v("original")), true)
}

fn spy_checks() -> Vec<Check<Script>> {
    let records = {
        let mut log = SpyLog::default();
        let first = log.call(&AreaCall {
            args: vec![Value::Int(3), Value::Int(3)],
            kwargs: vec![],
        });
        let second = log.call(&AreaCall {
            args: vec![Value::Int(2)],
            kwargs: vec![("h".into(), Value::Int(5))],
        });
        own_code(
            targets()
                .bind("original", shapes_fn("area"))
                .bind("s", Expr::name("spy").call(vec![v("shapes"), lit("area")])),
            "s",
        )
        .observe(
            shapes_fn("square_area").call(vec![lit(3)]),
            first.clone().expect("3 * 3"),
        )
        .observe(
            shapes_fn("area").call_kw(vec![lit(2)], vec![("h", lit(5))]),
            second.expect("2 * 5"),
        )
        .observe(calls_len("s"), 2)
        .observe(v("s").attr("calls").item(lit(0)).attr("args"), log.records[0].0.clone())
        .observe(v("s").attr("calls").item(lit(0)).attr("kwargs"), log.records[0].1.clone())
        .observe(v("s").attr("calls").item(lit(0)).attr("result"), first.expect("3 * 3"))
        .observe(v("s").attr("calls").item(lit(0)).attr("exception"), Value::None)
        .observe(record_expr("s", 1), record_value(&log.records[1]))
        .run(v("s").method("restore", vec![]))
        .observe(shapes_fn("area").is(v("original")), true)
    };
    let exceptions = own_code(
        targets().bind("s", Expr::name("spy").call(vec![v("shapes"), lit("explode")])),
        "s",
    )
        .observe(shapes_fn("explode").call(vec![lit("bad")]), raises("ValueError"))
        .observe(
            Expr::Caught.is(v("s").attr("calls").item(lit(0)).attr("exception")),
            true,
        )
        .observe(calls_len("s"), 1)
        .observe(v("s").attr("calls").item(lit(0)).attr("args"), Value::Tuple(vec![Value::str("bad")]))
        .observe(v("s").attr("calls").item(lit(0)).attr("result"), Value::None);
    let sq_area = shapes::area(3, 3);
    let instance = own_code(
        targets().bind("s", Expr::name("spy").call(vec![v("sq"), lit("area")])),
        "s",
    )
        .observe(v("sq").method("label", vec![]), shapes::label("square", sq_area))
        .observe(calls_len("s"), 1)
        .observe(record_expr("s", 0), Value::Tuple(vec![
            Value::Tuple(vec![]),
            Value::Dict(vec![]),
            Value::Int(sq_area),
            Value::str("NoneType"),
        ]))
        .run(v("s").method("restore", vec![]))
        .observe(has_own(v("sq"), "area"), false)
        .observe(v("sq").method("area", vec![]), sq_area)
        .observe(calls_len("s"), 1);
    // A spied function that calls itself through the spy: records in the
    // order the calls start.
    let nested = {
        let mut log = SpyLog::default();
        let mut script = own_code(
            targets()
                .bind("original", shapes_fn("layers"))
                .bind("s", Expr::name("spy").call(vec![v("shapes"), lit("layers")])),
            "s",
        );
        for n in [3, 0] {
            script = script.observe(shapes_fn("layers").call(vec![lit(n)]), Value::List(log.layers(n, 3)));
        }
        script = script.observe(calls_len("s"), log.records.len() as i64);
        for (i, record) in log.records.iter().enumerate() {
            script = script.observe(record_expr("s", i as i64), record_value(record));
        }
        script
            .run(v("s").method("restore", vec![]))
            .observe(shapes_fn("layers").is(v("original")), true)
    };
    // An exception that is a BaseException but not an Exception.
    let base_exception = {
        let mut log = SpyLog::default();
        let mut script = own_code(
            targets()
                .bind("original", shapes_fn("abort"))
                .bind("s", Expr::name("spy").call(vec![v("shapes"), lit("abort")])),
            "s",
        );
        for message in ["stop", "halt"] {
            let outcome = log.abort(message);
            script = script
                .observe(shapes_fn("abort").call(vec![lit(message)]), outcome.unwrap_or_else(|e| raises(&e)))
                .observe(
                    Expr::Caught.is(
                        v("s")
                            .attr("calls")
                            .item(lit(log.records.len() as i64 - 1))
                            .attr("exception"),
                    ),
                    true,
                );
        }
        script = script.observe(calls_len("s"), log.records.len() as i64);
        for (i, record) in log.records.iter().enumerate() {
            script = script.observe(record_expr("s", i as i64), record_value(record));
        }
        script
            .run(v("s").method("restore", vec![]))
            .observe(shapes_fn("abort").is(v("original")), true)
    };
    let restore = targets()
        .bind("original", shapes_fn("area"))
        .bind("s", Expr::name("spy").call(vec![v("shapes"), lit("area")]))
        .observe(v("s").method("restore", vec![]), Value::None)
        .observe(shapes_fn("area").is(v("original")), true)
        .observe(
            shapes_fn("area").call(vec![lit(2), lit(2)]),
            shapes::area(2, 2),
        )
        .observe(calls_len("s"), 0)
        .observe(v("s").method("restore", vec![]), Value::None)
        .observe(shapes_fn("area").is(v("original")), true)
        .bind("t", Expr::name("spy").call(vec![v("sq"), lit("area")]))
        .observe(v("t").method("restore", vec![]), Value::None)
        .observe(v("t").method("restore", vec![]), Value::None)
        .observe(has_own(v("sq"), "area"), false);
    vec![
        Check::new(
            "spy_records_calls",
            "spy records each call's args, kwargs and result, still runs the original, and restore() puts it back",
            3,
            vec![records],
        ),
        Check::new(
            "spy_records_exceptions",
            "a call that raises is recorded with its exception, which propagates as the very same object",
            2,
            vec![exceptions],
        ),
        Check::new(
            "spy_records_base_exceptions",
            "an exception that is a BaseException but not an Exception is recorded too, and propagates as the very same object",
            2,
            vec![base_exception],
        ),
        Check::new(
            "spy_nested_call_order",
            "a spied function calling itself: records are in the order the calls start (outer first), each with its own result",
            2,
            vec![nested],
        ),
        Check::new(
            "spy_on_instance",
            "spy on an instance's method records calls through the instance, and restore() leaves nothing on the instance",
            2,
            vec![instance],
        ),
        Check::new(
            "spy_restore",
            "after restore() calls are no longer recorded; a second restore() does nothing",
            2,
            vec![restore],
        ),
    ]
}

// ---- generated scenarios ------------------------------------------------

/// Names a random block may patch on each object (own, inherited, absent).
fn names_of(obj: Obj) -> &'static [&'static str] {
    match obj {
        Obj::Module => &["PI", "missing"],
        Obj::Shape | Obj::Square => &["kind", "sides", "layer", "color"],
        Obj::Sq => &["side", "kind", "layer", "color"],
    }
}

fn random_block(rng: &mut Rng, depth: usize) -> Block {
    let obj = [Obj::Module, Obj::Shape, Obj::Square, Obj::Sq][rng.random_range(0..4)];
    let names = names_of(obj);
    let name = names[rng.random_range(0..names.len())];
    let value = if rng.random_bool(0.5) {
        Value::Int(rng.random_range(10..100))
    } else {
        Value::str(["red", "blue", "quad", "box"][rng.random_range(0..4)])
    };
    let via = if obj == Obj::Sq || rng.random_bool(0.5) {
        Via::Object
    } else {
        Via::Path
    };
    let mut b = block(obj, name, value, via);
    if rng.random_bool(0.3) {
        b.raise = Some(["KeyError", "ValueError"][rng.random_range(0..2)]);
    }
    if depth > 0 && rng.random_bool(0.5) {
        b.inner = Some(Box::new(random_block(rng, depth - 1)));
    }
    b
}

fn random_area_call(rng: &mut Rng) -> AreaCall {
    let int = |rng: &mut Rng| Value::Int(rng.random_range(-5..13));
    match rng.random_range(0..10) {
        0..=4 => AreaCall {
            args: vec![int(rng), int(rng)],
            kwargs: vec![],
        },
        5 | 6 => AreaCall {
            args: vec![int(rng)],
            kwargs: vec![("h".into(), int(rng))],
        },
        7 => AreaCall {
            args: vec![],
            kwargs: vec![("h".into(), int(rng)), ("w".into(), Value::Int(rng.random_range(0..4)))],
        },
        8 => AreaCall {
            args: vec![Value::str("ab"), Value::Int(rng.random_range(0..4))],
            kwargs: vec![],
        },
        _ => AreaCall {
            args: vec![Value::str("ab"), Value::str("cd")],
            kwargs: vec![],
        },
    }
}

// ---- fixtures and probes ------------------------------------------------

/// Private helpers the scripts call (see the module documentation).
const FIXTURES: &str = r#"
"""Helpers of the monkey_patching checks: the target package, built afresh
for every call, and readers of what is own."""

import sys as _sys

_modules = _sys.modules
_ModuleType = type(_sys)
_vars = vars
_getattr = getattr
_exec = exec

_SHAPES = '''
PI = 3


def area(w, h):
    return w * h


def square_area(side):
    """The area of a square."""
    return area(side, side)


def circle_area(r):
    return PI * r * r


def explode(message):
    raise ValueError(message, PI)


def layers(n):
    """PI as each level of a recursion through the module's `layers` sees it."""
    inner = layers(n - 1) if n > 0 else []
    return inner + [PI]


class Abort(BaseException):
    """Not an Exception: like KeyboardInterrupt, it ends what is running."""


def abort(message):
    raise Abort(message)


class Shape:
    kind = "shape"
    sides = 0
    layer = 1

    def area(self):
        return 0

    def label(self):
        return self.kind + ":" + str(self.area())

    @staticmethod
    def unit():
        return "cm"

    @classmethod
    def make(cls):
        return cls()


class Square(Shape):
    kind = "square"
    sides = 4

    def __init__(self, side=2):
        self.side = side

    def area(self):
        return self.side * self.side
'''

_CODE = compile(_SHAPES, "pyi_targets/shapes.py", "exec")


def fresh_targets():
    """New `pyi_targets` and `pyi_targets.shapes` modules in sys.modules."""
    package = _ModuleType("pyi_targets")
    package.__path__ = []
    shapes = _ModuleType("pyi_targets.shapes")
    namespace = _vars(shapes)
    namespace["__builtins__"] = __builtins__
    _exec(_CODE, namespace)
    package.shapes = shapes
    _modules["pyi_targets"] = package
    _modules["pyi_targets.shapes"] = shapes
    return shapes


_TRACKED = (
    ("shapes", "PI"), ("shapes", "missing"),
    ("Shape", "kind"), ("Shape", "sides"), ("Shape", "layer"), ("Shape", "color"),
    ("Square", "kind"), ("Square", "sides"), ("Square", "layer"), ("Square", "color"),
    ("sq", "side"), ("sq", "kind"), ("sq", "layer"), ("sq", "color"),
)


def state(shapes, sq):
    """[(label, own, getattr(obj, name, None))] of the tracked attributes."""
    namespace = _vars(shapes)
    objects = {"shapes": shapes, "Shape": namespace["Shape"], "Square": namespace["Square"], "sq": sq}
    out = []
    for label, name in _TRACKED:
        obj = objects[label]
        out.append((label + "." + name, name in _vars(obj), _getattr(obj, name, None)))
    return out


def has_own(obj, name):
    """Whether `name` is in vars(obj)."""
    return name in _vars(obj)


def fake_area(w, h):
    return w + h


def forty_two():
    return 42
"#;

/// unittest.mock's methods that no own implementation shares: the code
/// (`co_code`, `co_names`) of each, captured before they are switched off.
static MOCK_CODE: OnceLock<Vec<(Vec<u8>, String)>> = OnceLock::new();

/// The distinctive functions of `unittest.mock` (class, attribute; `None`:
/// a module-level function).
const MOCK_METHODS: [(Option<&str>, &str); 9] = [
    (Some("_patch"), "__enter__"),
    (Some("_patch"), "__exit__"),
    (Some("_patch"), "decorate_callable"),
    (Some("_patch"), "get_original"),
    (Some("CallableMixin"), "_mock_call"),
    (Some("CallableMixin"), "_execute_mock_call"),
    (Some("NonCallableMock"), "__getattr__"),
    (None, "_get_target"),
    (None, "_patch_object"),
];

/// The `(co_code, repr(co_names))` of a code object.
fn print_of_code(code: &Bound<'_, PyAny>) -> Option<(Vec<u8>, String)> {
    let bytes = code.getattr("co_code").ok()?;
    let bytes = bytes.cast::<PyBytes>().ok()?.as_bytes().to_vec();
    let names = extract(&code.getattr("co_names").ok()?).repr();
    Some((bytes, names))
}

/// The print of a function's or method's code.
fn code_print(function: &Bound<'_, PyAny>) -> Option<(Vec<u8>, String)> {
    let function = function.getattr("__func__").unwrap_or_else(|_| function.clone());
    print_of_code(&function.getattr("__code__").ok()?)
}

/// The prints of a function's code and of the functions nested in it (the
/// wrapper a decorator method defines), depth first.
fn code_prints(function: &Bound<'_, PyAny>, out: &mut Vec<(Vec<u8>, String)>) {
    fn walk(code: &Bound<'_, PyAny>, out: &mut Vec<(Vec<u8>, String)>, depth: usize) {
        if let Some(print) = print_of_code(code) {
            out.push(print);
        }
        if depth == 0 {
            return;
        }
        if let Ok(consts) = code.getattr("co_consts")
            && let Ok(consts) = consts.try_iter()
        {
            for item in consts.flatten() {
                if item.hasattr("co_code").unwrap_or(false) {
                    walk(&item, out, depth - 1);
                }
            }
        }
    }
    let function = function.getattr("__func__").unwrap_or_else(|_| function.clone());
    if let Ok(code) = function.getattr("__code__") {
        walk(&code, out, 3);
    }
}

/// Whether `obj` is built on unittest.mock: its class, a base, or the class
/// of an object it holds in an attribute has one of mock's functions.
fn laundered(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let Some(prints) = MOCK_CODE.get() else {
        return Ok(false);
    };
    // A function of mock's own (the wrapper `@patch` returns).
    if let Some(print) = code_print(obj)
        && prints.contains(&print)
    {
        return Ok(true);
    }
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
                    && prints.contains(&print)
                {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// Switches off unittest.mock before the candidate's module is imported.
const DISABLE_MOCK: &std::ffi::CStr = cr#"
import unittest.mock as _mock


def _disabled(*args, **kwargs):
    raise RuntimeError("unittest.mock is disabled while monkey_patching is graded: build your own")


for _name in (
    "patch", "Mock", "MagicMock", "NonCallableMock", "NonCallableMagicMock", "AsyncMock",
    "PropertyMock", "create_autospec", "mock_open", "_patch", "_patch_object",
    "_patch_dict", "_get_target", "CallableMixin",
):
    if hasattr(_mock, _name):
        setattr(_mock, _name, _disabled)
"#;

impl ScriptedExercise for MonkeyPatchingExercise {
    fn id(&self) -> &'static str {
        "monkey_patching"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let mut checks = patch_checks();
        checks.extend(patch_object_checks());
        checks.extend(spy_checks());
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let blocks = (0..4)
            .map(|_| {
                let blocks: Vec<Block> = (0..rng.random_range(1..4))
                    .map(|_| random_block(rng, 1))
                    .collect();
                blocks_script(&blocks)
            })
            .collect();
        let spies = (0..3)
            .map(|_| {
                let calls: Vec<AreaCall> = (0..rng.random_range(1..6))
                    .map(|_| random_area_call(rng))
                    .collect();
                spy_script(&calls)
            })
            .collect();
        vec![
            Check::new(
                "patch_random",
                "random nested patch and patch_object blocks on modules, classes and an instance, some raising",
                3,
                blocks,
            ),
            Check::new(
                "spy_random",
                "a spy on shapes.area through random calls, some raising",
                2,
                spies,
            ),
        ]
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn harness_modules(&self) -> &'static [&'static str] {
        &["unittest.mock"]
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        let mock = py.import("unittest.mock")?;
        let mut prints = Vec::new();
        for (class, name) in MOCK_METHODS {
            let function = match class {
                Some(class) => mock
                    .getattr(class)
                    .and_then(|c| c.getattr("__dict__"))
                    .and_then(|d| d.get_item(name)),
                None => mock.getattr(name),
            };
            if let Ok(function) = function {
                code_prints(&function, &mut prints);
            }
        }
        let _ = MOCK_CODE.set(prints);
        // A private namespace, so nothing of this is visible to the candidate.
        let globals = PyDict::new(py);
        py.run(DISABLE_MOCK, Some(&globals), None)
    }

    /// - `own_code(obj)`: `True` when `obj` is not built on unittest.mock;
    ///   otherwise the call ends with an error saying so.
    fn probe<'py>(
        &self,
        _candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        match (name, args) {
            ("own_code", [obj]) => {
                if laundered(obj)? {
                    Err(Fault::Raised(pyo3::exceptions::PyRuntimeError::new_err(
                        "this is built on unittest.mock, which is unavailable while monkey_patching is graded (a copy reached again, e.g. by reloading it, counts too): build your own",
                    )))
                } else {
                    Ok(Value::Bool(true))
                }
            }
            _ => Err(crate::exercise::unknown_probe(name, args.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &Value, label: &str) -> Value {
        let Value::List(rows) = state else {
            panic!("a list")
        };
        rows.iter()
            .find(|r| matches!(r, Value::Tuple(t) if t[0] == Value::str(label)))
            .cloned()
            .expect("tracked")
    }

    fn t(label: &str, own: bool, value: Value) -> Value {
        Value::Tuple(vec![Value::str(label), Value::Bool(own), value])
    }

    #[test]
    fn inherited_attributes_are_deleted_again_and_own_ones_restored() {
        let mut ns = Namespaces::fresh();
        assert_eq!(ns.get(Obj::Sq, "kind"), Some(&Value::str("square")));
        assert_eq!(ns.get(Obj::Sq, "layer"), Some(&Value::Int(1)));
        ns.enter(Obj::Sq, "kind", Value::str("box"));
        ns.enter(Obj::Square, "layer", Value::Int(7));
        assert_eq!(row(&ns.state(), "sq.layer"), t("sq.layer", false, Value::Int(7)));
        ns.enter(Obj::Sq, "kind", Value::str("inner"));
        assert_eq!(ns.get(Obj::Sq, "kind"), Some(&Value::str("inner")));
        ns.leave();
        assert_eq!(ns.get(Obj::Sq, "kind"), Some(&Value::str("box")));
        ns.leave();
        ns.leave();
        assert_eq!(ns, Namespaces::fresh());
        assert_eq!(row(&ns.state(), "sq.kind"), t("sq.kind", false, Value::str("square")));
        assert_eq!(row(&ns.state(), "shapes.missing"), t("shapes.missing", false, Value::None));
    }

    #[test]
    fn a_spy_records_what_area_does() {
        let mut log = SpyLog::default();
        assert_eq!(
            log.call(&AreaCall {
                args: vec![Value::Int(2)],
                kwargs: vec![("h".into(), Value::Int(5))]
            }),
            Ok(Value::Int(10))
        );
        assert_eq!(
            log.call(&AreaCall {
                args: vec![Value::str("ab"), Value::Int(2)],
                kwargs: vec![]
            }),
            Ok(Value::str("abab"))
        );
        assert_eq!(
            log.call(&AreaCall {
                args: vec![Value::str("ab"), Value::str("cd")],
                kwargs: vec![]
            }),
            Err("TypeError".into())
        );
        assert_eq!(log.records.len(), 3);
        assert_eq!(log.records[2].2, Value::None);
        assert_eq!(log.records[0].1, Value::Dict(vec![(Value::str("h"), Value::Int(5))]));
        assert_eq!(shapes::square_area(3, shapes::fake_area), 6);
        assert_eq!(shapes::label("box", 9), "box:9");
    }

    #[test]
    fn a_recursive_decorated_call_reenters_the_patch_and_unwinds_to_the_original() {
        let mut ns = Namespaces::fresh();
        assert_eq!(shapes::layers(2, 3), vec![3, 3, 3]);
        // Each level reads PI after the level below left the patch: the
        // outer levels' patch is still in place.
        assert_eq!(
            ns.patched_layers(2, &Value::Int(4)),
            vec![Value::Int(4), Value::Int(4), Value::Int(4)]
        );
        assert_eq!(ns, Namespaces::fresh());
        assert_eq!(ns.get(Obj::Module, "PI"), Some(&Value::Int(3)));
    }

    #[test]
    fn a_spy_records_nested_calls_in_the_order_they_start() {
        let mut log = SpyLog::default();
        let list = |n: usize| Value::List(vec![Value::Int(3); n]);
        assert_eq!(log.layers(2, 3), vec![Value::Int(3); 3]);
        let args: Vec<Value> = log.records.iter().map(|r| r.0.clone()).collect();
        assert_eq!(
            args,
            vec![
                Value::Tuple(vec![Value::Int(2)]),
                Value::Tuple(vec![Value::Int(1)]),
                Value::Tuple(vec![Value::Int(0)]),
            ]
        );
        assert_eq!(log.records[0].2, list(3));
        assert_eq!(log.records[2].2, list(1));
        assert_eq!(log.abort("stop"), Err("Abort".to_string()));
        assert_eq!(
            log.records[3],
            (
                Value::Tuple(vec![Value::str("stop")]),
                Value::Dict(vec![]),
                Value::None,
                "Abort".to_string()
            )
        );
    }
}
