//! `duck_typing` (question 18): what an object can do is decided by the
//! special methods its *type* defines, not by what it inherits from or what
//! its instance happens to carry.
//!
//! Reference, in plain Rust:
//! - [`Vector`]: a read-only sequence of ints with Python's indexing and
//!   slicing arithmetic (`PySlice_AdjustIndices`), element-wise addition with
//!   a same-length sequence and the dot product.
//! - [`Subject`] and [`protocols`]: an object described by the special
//!   methods its class (and that class's bases, or for a class object its
//!   metaclass) defines, set to `None`, or makes raise, plus distractors that
//!   must not count (instance attributes, a class-level `__getattr__`); the
//!   protocols are computed the way the interpreter looks special methods up
//!   (on the type's MRO, `object`'s or `type`'s defaults last, `__hash__`
//!   set to `None` by a class defining `__eq__` alone). Builtin values are
//!   described by the same model (a list is a class with `__iter__`,
//!   `__len__`, … and `__hash__ = None`; a tuple is hashable when its items
//!   are).
//!
//! The child builds each described object with the private fixture `build`
//! (a class made with `type()`, loaded before the candidate's module).

use rand::RngExt;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct DuckTypingExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<DuckTypingExercise> = Scripted(DuckTypingExercise);

// ---- the Rust reference: Vector -------------------------------------------

/// A read-only sequence of ints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vector(pub Vec<i64>);

/// Two operands of different lengths (Python: `ValueError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LengthMismatch;

impl Vector {
    pub fn len(&self) -> i64 {
        self.0.len() as i64
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `v[i]`: negative indexes count from the end; `None` is `IndexError`.
    pub fn get(&self, index: i64) -> Option<i64> {
        let at = if index < 0 { index + self.len() } else { index };
        (0..self.len())
            .contains(&at)
            .then(|| self.0[at as usize])
    }

    /// `v[start:stop:step]` (`step` not 0), as `PySlice_AdjustIndices` and a
    /// tuple's slicing compute it.
    pub fn slice(&self, start: Option<i64>, stop: Option<i64>, step: Option<i64>) -> Vector {
        let len = self.len();
        let step = step.unwrap_or(1);
        assert!(step != 0, "a slice step of 0 raises ValueError");
        let adjust = |bound: i64, low: i64, high: i64| {
            let bound = if bound < 0 { bound + len } else { bound };
            bound.clamp(low, high)
        };
        let (start, stop) = if step > 0 {
            (
                start.map_or(0, |s| adjust(s, 0, len)),
                stop.map_or(len, |s| adjust(s, 0, len)),
            )
        } else {
            (
                start.map_or(len - 1, |s| adjust(s, -1, len - 1)),
                stop.map_or(-1, |s| adjust(s, -1, len - 1)),
            )
        };
        let mut out = Vec::new();
        let mut at = start;
        while (step > 0 && at < stop) || (step < 0 && at > stop) {
            out.push(self.0[at as usize]);
            at += step;
        }
        Vector(out)
    }

    /// `v + other` (and `other + v`): element-wise.
    pub fn add(&self, other: &[i64]) -> Result<Vector, LengthMismatch> {
        if other.len() != self.0.len() {
            return Err(LengthMismatch);
        }
        Ok(Vector(
            self.0.iter().zip(other).map(|(a, b)| a + b).collect(),
        ))
    }

    /// `v.dot(other)`.
    pub fn dot(&self, other: &[i64]) -> Result<i64, LengthMismatch> {
        if other.len() != self.0.len() {
            return Err(LengthMismatch);
        }
        Ok(self.0.iter().zip(other).map(|(a, b)| a * b).sum())
    }

    pub fn sorted(&self) -> Vec<i64> {
        let mut out = self.0.clone();
        out.sort();
        out
    }

    pub fn reversed(&self) -> Vec<i64> {
        self.0.iter().rev().copied().collect()
    }

    fn ints(items: &[i64]) -> Value {
        Value::Tuple(items.iter().copied().map(Value::Int).collect())
    }
}

// ---- the Rust reference: protocols ------------------------------------------

/// How a class defines one special method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Def {
    /// A working method.
    Method,
    /// `__name__ = None`: the protocol switched off.
    Null,
    /// A method that raises `TypeError` (only `__hash__`: the idiom for
    /// "unhashable").
    Raises,
}

impl Def {
    fn word(self) -> &'static str {
        match self {
            Def::Method => "method",
            Def::Null => "none",
            Def::Raises => "raises",
        }
    }
}

/// A class: the special methods its body defines, and its base (`object`,
/// or `type` for a metaclass, when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Class {
    pub defs: Vec<(&'static str, Def)>,
    pub base: Option<Box<Class>>,
    /// A class-level `__getattr__` answering every name with a function:
    /// found by `hasattr(instance, ...)`, never by the interpreter's
    /// special-method lookup.
    pub getattr: bool,
}

/// The root a class chain ends in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    Object,
    /// `type`: a metaclass's chain (`type` adds `__call__`).
    Type,
}

impl Class {
    pub fn with(defs: &[(&'static str, Def)]) -> Class {
        Class {
            defs: defs.to_vec(),
            ..Class::default()
        }
    }

    pub fn on(mut self, base: Class) -> Class {
        self.base = Some(Box::new(base));
        self
    }

    /// What this class's own body holds for `name`, including the
    /// `__hash__ = None` Python adds to a class defining `__eq__` alone.
    fn own(&self, name: &str) -> Option<Def> {
        if let Some((_, def)) = self.defs.iter().find(|(n, _)| *n == name) {
            return Some(*def);
        }
        let defines_eq = self.defs.iter().any(|(n, _)| *n == "__eq__");
        (name == "__hash__" && defines_eq).then_some(Def::Null)
    }

    /// `_PyType_Lookup`: the class, its bases, then the root's defaults.
    fn lookup(&self, name: &str, root: Root) -> Option<Def> {
        if let Some(def) = self.own(name) {
            return Some(def);
        }
        match &self.base {
            Some(base) => base.lookup(name, root),
            None => match (root, name) {
                (_, "__hash__" | "__eq__") | (Root::Type, "__call__") => Some(Def::Method),
                _ => None,
            },
        }
    }

    /// The protocols of an instance of this class (or, with `Root::Type`, of
    /// a class whose metaclass this is).
    fn protocols(&self, root: Root) -> Vec<&'static str> {
        let works = |name: &str| self.lookup(name, root) == Some(Def::Method);
        let iterable = match self.lookup("__iter__", root) {
            Some(def) => def == Def::Method,
            None => works("__getitem__"),
        };
        let container = match self.lookup("__contains__", root) {
            Some(def) => def == Def::Method,
            None => iterable,
        };
        let mut out = vec![];
        for (name, yes) in [
            ("iterable", iterable),
            ("sized", works("__len__")),
            ("container", container),
            ("callable", works("__call__")),
            ("hashable", works("__hash__")),
            ("context_manager", works("__enter__") && works("__exit__")),
        ] {
            if yes {
                out.push(name);
            }
        }
        out
    }

    /// The description the fixture `build` reads.
    fn value(&self) -> Value {
        let mut entries = vec![(
            Value::str("defs"),
            Value::Dict(
                self.defs
                    .iter()
                    .map(|(n, d)| (Value::str(*n), Value::str(d.word())))
                    .collect(),
            ),
        )];
        if let Some(base) = &self.base {
            entries.push((Value::str("base"), base.value()));
        }
        if self.getattr {
            entries.push((Value::str("getattr"), Value::Bool(true)));
        }
        Value::Dict(entries)
    }
}

/// An object `protocols` is asked about.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// An instance of `class`, with `instance` special-method names set as
    /// instance attributes (which count for nothing).
    Instance {
        class: Class,
        instance: Vec<&'static str>,
    },
    /// The class object `class` itself, made by the metaclass `meta`.
    ClassObject { class: Class, meta: Class },
    /// A builtin value built from a literal.
    Value(Value),
    /// A builtin function or type, by name (`len`, `int`).
    Builtin(&'static str),
    /// `threading.Lock()` (from the fixture `lock`).
    Lock,
}

/// Builtin types as the same model describes them.
fn builtin_class(value: &Value) -> Class {
    use Def::Method;
    let sequence = [
        ("__iter__", Method),
        ("__len__", Method),
        ("__contains__", Method),
        ("__getitem__", Method),
        ("__eq__", Method),
    ];
    let mut class = match value {
        Value::List(_) | Value::Dict(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) => {
            Class::with(&sequence)
        }
        Value::Set(_) | Value::FrozenSet(_) => Class::with(&[
            ("__iter__", Method),
            ("__len__", Method),
            ("__contains__", Method),
            ("__eq__", Method),
        ]),
        _ => Class::with(&[("__eq__", Method)]),
    };
    // Which of them restore a hash after defining __eq__.
    if !matches!(value, Value::List(_) | Value::Dict(_) | Value::Set(_)) {
        class.defs.push(("__hash__", Method));
    }
    class
}

/// Whether `hash()` of the builtin value works: a tuple's hash hashes its items.
fn value_hashable(value: &Value) -> bool {
    match value {
        Value::List(_) | Value::Dict(_) | Value::Set(_) => false,
        Value::Tuple(items) => items.iter().all(value_hashable),
        _ => true,
    }
}

/// The protocols `obj` supports, sorted by name.
pub fn protocols(subject: &Subject) -> Vec<&'static str> {
    let mut out = match subject {
        Subject::Instance { class, .. } => class.protocols(Root::Object),
        Subject::ClassObject { meta, .. } => meta.protocols(Root::Type),
        Subject::Value(value) => {
            let mut found = builtin_class(value).protocols(Root::Object);
            if !value_hashable(value) {
                found.retain(|p| *p != "hashable");
            }
            found
        }
        // A function or a class whose metaclass is `type`.
        Subject::Builtin(_) => Class::default().protocols(Root::Type),
        Subject::Lock => Class::with(&[("__enter__", Def::Method), ("__exit__", Def::Method)])
            .protocols(Root::Object),
    };
    out.sort();
    out
}

impl Subject {
    fn instance(class: Class) -> Subject {
        Subject::Instance {
            class,
            instance: vec![],
        }
    }

    /// The expression that makes the object in the child.
    fn expr(&self) -> Expr {
        match self {
            Subject::Instance { class, instance } => {
                let Value::Dict(mut entries) = class.value() else {
                    unreachable!("a class is described by a dict")
                };
                if !instance.is_empty() {
                    entries.push((
                        Value::str("instance"),
                        Value::List(instance.iter().map(|n| Value::str(*n)).collect()),
                    ));
                }
                build(Value::Dict(entries))
            }
            Subject::ClassObject { class, meta } => {
                let Value::Dict(mut entries) = class.value() else {
                    unreachable!("a class is described by a dict")
                };
                entries.push((Value::str("metaclass"), meta.value()));
                build(Value::Dict(entries))
            }
            Subject::Value(value) => Expr::Lit(value.clone()),
            Subject::Builtin(name) => Expr::builtin(name),
            Subject::Lock => Expr::fixture("lock").call(vec![]),
        }
    }
}

fn build(description: Value) -> Expr {
    Expr::fixture("build").call(vec![Expr::Lit(description)])
}

// ---- fixtures ----------------------------------------------------------------

const FIXTURES: &str = r#"
import threading as _threading


def _iter(self):
    return iter((0, 1, 2))


def _getitem(self, index):
    if isinstance(index, int) and 0 <= index < 3:
        return index
    raise IndexError(index)


def _len(self):
    return 3


def _contains(self, item):
    return False


def _call(self, *args, **kwargs):
    return None


def _hash(self):
    return 7


def _hash_raises(self):
    raise TypeError("unhashable by design")


def _eq(self, other):
    return self is other


def _enter(self):
    return self


def _exit(self, *exc):
    return False


async def _aenter(self):
    return self


async def _aexit(self, *exc):
    return False


def _next(self):
    raise StopIteration


def _reversed(self):
    return iter(())


def _length_hint(self):
    return 3


def _getattr(self, name):
    return _anything


def _anything(*args, **kwargs):
    return 3


_METHODS = {
    "__iter__": _iter,
    "__getitem__": _getitem,
    "__len__": _len,
    "__contains__": _contains,
    "__call__": _call,
    "__hash__": _hash,
    "__eq__": _eq,
    "__enter__": _enter,
    "__exit__": _exit,
    "__aenter__": _aenter,
    "__aexit__": _aexit,
    "__next__": _next,
    "__reversed__": _reversed,
    "__length_hint__": _length_hint,
}


def _class(description, root, name, metaclass=None):
    namespace = {}
    for method, how in description["defs"].items():
        if how == "none":
            namespace[method] = None
        elif how == "raises":
            namespace[method] = _hash_raises
        else:
            namespace[method] = _METHODS[method]
    if description.get("getattr"):
        namespace["__getattr__"] = _getattr
    base = description.get("base")
    bases = (_class(base, root, "Base" + name),) if base is not None else (root,)
    return (metaclass or type(bases[0]))(name, bases, namespace)


def build(description):
    """An object as described: an instance of a class made from the
    description (with special methods also set on the instance, which count
    for nothing), or, with a "metaclass", the class object itself."""
    meta = description.get("metaclass")
    if meta is not None:
        return _class(description, object, "Made", _class(meta, type, "Meta"))
    obj = _class(description, object, "Made")()
    for method in description.get("instance", ()):
        setattr(obj, method, _anything)
    return obj


def lock():
    return _threading.Lock()


def contains(container, item):
    return item in container


def not_equal(a, b):
    return a != b


def same_hash(a, b):
    return hash(a) == hash(b)


def set_item(obj, index, value):
    obj[index] = value


def del_item(obj, index):
    del obj[index]


def add(a, b):
    return a + b


def unpack3(obj):
    a, b, c = obj
    return (a, b, c)


def unpack_star(obj):
    first, *rest = obj
    return (first, rest)
"#;

// ---- checks -----------------------------------------------------------------

fn lit(i: i64) -> Expr {
    Expr::lit(i)
}

fn vector(items: &[i64]) -> Expr {
    Expr::name("Vector").call(items.iter().copied().map(lit).collect())
}

fn ints(items: &[i64]) -> Value {
    Value::List(items.iter().copied().map(Value::Int).collect())
}

fn builtin(name: &str, args: Vec<Expr>) -> Expr {
    Expr::builtin(name).call(args)
}

fn fixture(name: &str, args: Vec<Expr>) -> Expr {
    Expr::fixture(name).call(args)
}

fn slice(start: Option<i64>, stop: Option<i64>, step: Option<i64>) -> Expr {
    let part = |p: Option<i64>| p.map_or(Expr::lit(Value::None), lit);
    builtin("slice", vec![part(start), part(stop), part(step)])
}

/// Binds `expr` to `var` and observes that it is a Vector holding `expected`.
fn is_vector(script: Script, var: &str, expr: Expr, expected: &Vector) -> Script {
    script
        .bind(var, expr)
        .observe(Expr::var(var).type_name(), "Vector")
        .observe(builtin("tuple", vec![Expr::var(var)]), Vector::ints(&expected.0))
}

/// An operand of `+` or `dot`, as an expression.
#[derive(Debug, Clone)]
enum Operand {
    Vector(Vec<i64>),
    List(Vec<i64>),
    Tuple(Vec<i64>),
}

impl Operand {
    fn items(&self) -> &[i64] {
        match self {
            Operand::Vector(v) | Operand::List(v) | Operand::Tuple(v) => v,
        }
    }

    fn expr(&self) -> Expr {
        match self {
            Operand::Vector(v) => vector(v),
            Operand::List(v) => Expr::lit(ints(v)),
            Operand::Tuple(v) => Expr::lit(Vector::ints(v)),
        }
    }
}

/// `v + other` (or `other + v` when `reflected`), observed against the reference.
fn addition(script: Script, var: &str, v: &Vector, other: &Operand, reflected: bool) -> Script {
    let (a, b) = if reflected {
        (other.expr(), Expr::var("v"))
    } else {
        (Expr::var("v"), other.expr())
    };
    let sum = fixture("add", vec![a, b]);
    match v.add(other.items()) {
        Ok(expected) => is_vector(script, var, sum, &expected),
        Err(LengthMismatch) => script.observe(sum, raises("ValueError")),
    }
}

fn dot(script: Script, v: &Vector, other: &Operand) -> Script {
    let call = Expr::var("v").method("dot", vec![other.expr()]);
    match v.dot(other.items()) {
        Ok(product) => script.observe(call, product),
        Err(LengthMismatch) => script.observe(call, raises("ValueError")),
    }
}

fn with_vector(items: &[i64]) -> Script {
    Script::new().bind("v", vector(items))
}

fn protocols_of(subjects: &[Subject]) -> Script {
    subjects.iter().fold(Script::new(), |script, subject| {
        let expected = Value::Set(protocols(subject).into_iter().map(Value::str).collect());
        script.observe(Expr::name("protocols").call(vec![subject.expr()]), expected)
    })
}

fn vector_checks() -> Vec<Check<Script>> {
    let mut checks = vec![];
    let v = Vector(vec![3, 1, 4, 1, 5]);
    let mut index = with_vector(&v.0).observe(builtin("len", vec![Expr::var("v")]), v.len());
    for i in [0, 2, 4, -1, -5, 5, -6, 100] {
        let expected = v.get(i).map_or_else(|| raises("IndexError"), Value::Int);
        index = index.observe(Expr::var("v").item(lit(i)), expected);
    }
    index = index
        .bind("e", vector(&[]))
        .observe(builtin("len", vec![Expr::var("e")]), 0)
        .observe(Expr::var("e").item(lit(0)), raises("IndexError"))
        .observe(Expr::var("e").item(lit(-1)), raises("IndexError"));
    checks.push(Check::new(
        "vector_len_and_index",
        "len, indexing from either end, IndexError outside the Vector",
        3,
        vec![index],
    ));

    let mut slices = with_vector(&v.0);
    let cases = [
        (Some(1), Some(3), None),
        (None, None, Some(-1)),
        (None, None, Some(2)),
        (Some(-3), None, None),
        (Some(4), Some(1), Some(-2)),
        (Some(7), Some(10), None),
        (None, None, None),
    ];
    for (n, (start, stop, step)) in cases.into_iter().enumerate() {
        let expected = v.slice(start, stop, step);
        slices = is_vector(
            slices,
            &format!("s{n}"),
            Expr::var("v").item(slice(start, stop, step)),
            &expected,
        );
    }
    checks.push(Check::new(
        "vector_slices",
        "every slice (steps, negative bounds, out of range) is a new Vector",
        3,
        vec![slices],
    ));

    let iteration = with_vector(&v.0)
        .observe(builtin("list", vec![Expr::var("v")]), ints(&v.0))
        .observe(fixture("contains", vec![Expr::var("v"), lit(4)]), true)
        .observe(fixture("contains", vec![Expr::var("v"), lit(2)]), false)
        .observe(
            fixture("contains", vec![Expr::var("v"), Expr::lit("a")]),
            false,
        )
        .observe(builtin("list", vec![vector(&[])]), ints(&[]));
    checks.push(Check::new(
        "vector_iteration",
        "for/list() give the components, `in` finds them",
        2,
        vec![iteration],
    ));

    let w = Vector(vec![7, -2, 9]);
    let builtins = with_vector(&w.0)
        .observe(builtin("sum", vec![Expr::var("v")]), w.0.iter().sum::<i64>())
        .observe(builtin("max", vec![Expr::var("v")]), 9)
        .observe(builtin("min", vec![Expr::var("v")]), -2)
        .observe(builtin("sorted", vec![Expr::var("v")]), ints(&w.sorted()))
        .observe(
            builtin("list", vec![builtin("reversed", vec![Expr::var("v")])]),
            ints(&w.reversed()),
        )
        .observe(fixture("unpack3", vec![Expr::var("v")]), Vector::ints(&w.0))
        .observe(
            fixture("unpack_star", vec![Expr::var("v")]),
            Value::Tuple(vec![Value::Int(7), ints(&w.0[1..])]),
        )
        .observe(
            fixture("unpack3", vec![vector(&[1, 2])]),
            raises("ValueError"),
        )
        .observe(builtin("sum", vec![vector(&[])]), 0);
    checks.push(Check::new(
        "vector_builtins",
        "sum, max, min, sorted, reversed and unpacking work on a Vector",
        3,
        vec![builtins],
    ));

    let equality = with_vector(&[1, 2, 3])
        .observe(Expr::var("v").eq(vector(&[1, 2, 3])), true)
        .observe(Expr::var("v").eq(vector(&[3, 2, 1])), false)
        .observe(Expr::var("v").eq(vector(&[1, 2])), false)
        .observe(Expr::var("v").eq(Expr::lit(Vector::ints(&[1, 2, 3]))), false)
        .observe(Expr::var("v").eq(Expr::lit(ints(&[1, 2, 3]))), false)
        .observe(
            fixture("not_equal", vec![Expr::var("v"), vector(&[1, 2, 3])]),
            false,
        )
        .observe(
            fixture("not_equal", vec![Expr::var("v"), vector(&[1, 2, 4])]),
            true,
        )
        .observe(vector(&[]).eq(vector(&[])), true);
    checks.push(Check::new(
        "vector_equality",
        "== compares components with another Vector only; != is its opposite",
        2,
        vec![equality],
    ));

    let hashing = with_vector(&[1, 2])
        .observe(
            fixture("same_hash", vec![Expr::var("v"), vector(&[1, 2])]),
            true,
        )
        .observe(
            builtin(
                "len",
                vec![builtin(
                    "set",
                    vec![Expr::List(vec![
                        Expr::var("v"),
                        vector(&[1, 2]),
                        vector(&[2, 1]),
                    ])],
                )],
            ),
            2,
        )
        .observe(
            Expr::Dict(vec![(Expr::var("v"), Expr::lit("x"))]).item(vector(&[1, 2])),
            "x",
        );
    checks.push(Check::new(
        "vector_hashable",
        "equal Vectors hash equal: they work as set members and dict keys",
        2,
        vec![hashing],
    ));

    let mut read_only = with_vector(&[1, 2, 3])
        .observe(
            fixture("set_item", vec![Expr::var("v"), lit(0), lit(9)]),
            raises("TypeError"),
        )
        .observe(
            fixture("del_item", vec![Expr::var("v"), lit(0)]),
            raises("TypeError"),
        );
    for name in ["x", "components", "_components", "data", "_data", "_items"] {
        read_only = read_only.set_attr(Expr::var("v"), name, lit(0), raises("AttributeError"));
    }
    for name in ["components", "_components", "_data"] {
        read_only = read_only.del_attr(Expr::var("v"), name, raises("AttributeError"));
    }
    read_only = read_only.observe(
        builtin("tuple", vec![Expr::var("v")]),
        Vector::ints(&[1, 2, 3]),
    );
    checks.push(Check::new(
        "vector_read_only",
        "item assignment raises TypeError, any attribute assignment AttributeError",
        3,
        vec![read_only],
    ));

    let v = Vector(vec![1, 2, 3]);
    let mut add = with_vector(&v.0);
    for (n, other) in [
        Operand::Vector(vec![10, 20, 30]),
        Operand::List(vec![1, 1, 1]),
        Operand::Tuple(vec![-1, 0, 5]),
    ]
    .iter()
    .enumerate()
    {
        add = addition(add, &format!("s{n}"), &v, other, false);
    }
    add = is_vector(
        add,
        "r",
        fixture("add", vec![Expr::var("v"), builtin("range", vec![lit(3)])]),
        &v.add(&[0, 1, 2]).expect("same length"),
    )
    .observe(builtin("tuple", vec![Expr::var("v")]), Vector::ints(&v.0));
    checks.push(Check::new(
        "vector_add",
        "v + a Vector, list, tuple or range of the same length is a new Vector",
        3,
        vec![add],
    ));

    let mut radd = with_vector(&v.0);
    for (n, other) in [
        Operand::List(vec![10, 20, 30]),
        Operand::Tuple(vec![0, -2, 2]),
    ]
    .iter()
    .enumerate()
    {
        radd = addition(radd, &format!("s{n}"), &v, other, true);
    }
    checks.push(Check::new(
        "vector_radd",
        "a list or tuple + a Vector is a Vector too (__radd__)",
        2,
        vec![radd],
    ));

    let mut mismatch = with_vector(&v.0);
    for (other, reflected) in [
        (Operand::List(vec![1, 2]), false),
        (Operand::Tuple(vec![1, 2, 3, 4]), false),
        (Operand::Vector(vec![1, 2]), false),
        (Operand::Vector(vec![1, 2, 3, 4]), false),
        (Operand::List(vec![]), false),
        (Operand::List(vec![1, 2, 3, 4]), true),
    ] {
        mismatch = addition(mismatch, "unused", &v, &other, reflected);
    }
    mismatch = mismatch
        .observe(
            fixture("add", vec![Expr::var("v"), lit(5)]),
            raises("TypeError"),
        )
        .observe(
            fixture(
                "add",
                vec![
                    Expr::var("v"),
                    Expr::Items(crate::driver::Source::Generator, vec![Value::Int(1); 3]),
                ],
            ),
            raises("TypeError"),
        );
    checks.push(Check::new(
        "vector_add_rejects",
        "+ with another length raises ValueError (Vectors too), with no length TypeError",
        3,
        vec![mismatch],
    ));

    let mut products = with_vector(&[2, -3, 4]);
    let u = Vector(vec![2, -3, 4]);
    for other in [
        Operand::Vector(vec![1, 2, 3]),
        Operand::List(vec![5, 0, -1]),
        Operand::Tuple(vec![1, 1, 1]),
        Operand::List(vec![1, 2]),
        Operand::Vector(vec![1, 2, 3, 4]),
    ] {
        products = dot(products, &u, &other);
    }
    products = products.observe(vector(&[]).method("dot", vec![Expr::lit(ints(&[]))]), 0);
    checks.push(Check::new(
        "vector_dot",
        "dot is the sum of products, ValueError for another length",
        2,
        vec![products],
    ));
    checks
}

use Def::{Method, Null, Raises};

fn protocol_checks() -> Vec<Check<Script>> {
    let mut checks = vec![];
    let values = [
        Value::List(vec![Value::Int(1), Value::Int(2)]),
        Value::Tuple(vec![Value::Int(1), Value::Int(2)]),
        Value::Dict(vec![(Value::str("a"), Value::Int(1))]),
        Value::Set(vec![Value::Int(1)]),
        Value::FrozenSet(vec![Value::Int(1)]),
        Value::str("abc"),
        Value::Int(5),
        Value::None,
    ];
    let mut subjects: Vec<Subject> = values.into_iter().map(Subject::Value).collect();
    subjects.extend([
        Subject::Builtin("len"),
        Subject::Builtin("int"),
        Subject::Lock,
    ]);
    checks.push(Check::new(
        "protocols_builtins",
        "builtin values, functions, types and a lock",
        2,
        vec![protocols_of(&subjects)],
    ));

    checks.push(Check::new(
        "protocols_getitem_only",
        "only __getitem__: iterable and a container, not sized",
        2,
        vec![protocols_of(&[
            Subject::instance(Class::with(&[("__getitem__", Method)])),
            Subject::instance(Class::with(&[("__getitem__", Method), ("__len__", Method)])),
        ])],
    ));

    checks.push(Check::new(
        "protocols_each_method",
        "each special method on the class gives its protocol, and only that one",
        2,
        vec![protocols_of(&[
            Subject::instance(Class::with(&[("__iter__", Method)])),
            Subject::instance(Class::with(&[("__len__", Method)])),
            Subject::instance(Class::with(&[("__contains__", Method)])),
            Subject::instance(Class::with(&[("__call__", Method)])),
            Subject::instance(Class::with(&[("__next__", Method)])),
            Subject::instance(Class::with(&[
                ("__reversed__", Method),
                ("__length_hint__", Method),
            ])),
            Subject::instance(Class::default()),
        ])],
    ));

    checks.push(Check::new(
        "protocols_type_lookup",
        "special methods on the instance or from __getattr__ do not count",
        3,
        vec![protocols_of(&[
            Subject::Instance {
                class: Class::default(),
                instance: vec!["__len__", "__call__", "__iter__", "__enter__", "__exit__"],
            },
            Subject::Instance {
                class: Class {
                    getattr: true,
                    ..Class::default()
                },
                instance: vec![],
            },
            Subject::Instance {
                class: Class::with(&[("__len__", Method)]),
                instance: vec!["__call__", "__contains__"],
            },
        ])],
    ));

    checks.push(Check::new(
        "protocols_hashable",
        "hashable means hash() works: __eq__ alone, __hash__ = None or raising, a tuple holding a list",
        3,
        vec![protocols_of(&[
            Subject::instance(Class::with(&[("__eq__", Method)])),
            Subject::instance(Class::with(&[("__eq__", Method), ("__hash__", Method)])),
            Subject::instance(Class::with(&[("__hash__", Null)])),
            Subject::instance(Class::with(&[("__hash__", Raises)])),
            Subject::instance(Class::default().on(Class::with(&[("__eq__", Method)]))),
            Subject::instance(
                Class::with(&[("__hash__", Method)]).on(Class::with(&[("__hash__", Null)])),
            ),
            Subject::Value(Value::Tuple(vec![
                Value::Int(1),
                Value::List(vec![Value::Int(2)]),
            ])),
            Subject::Value(Value::Tuple(vec![
                Value::Int(1),
                Value::Tuple(vec![Value::str("a"), Value::None]),
            ])),
        ])],
    ));

    checks.push(Check::new(
        "protocols_none_switches_off",
        "a special method set to None switches its protocol off",
        2,
        vec![protocols_of(&[
            Subject::instance(Class::with(&[("__iter__", Null), ("__getitem__", Method)])),
            Subject::instance(Class::with(&[("__len__", Null)])),
            Subject::instance(Class::with(&[("__contains__", Null), ("__iter__", Method)])),
            Subject::instance(
                Class::default().on(Class::with(&[("__iter__", Null), ("__len__", Method)])),
            ),
            Subject::instance(
                Class::with(&[("__len__", Method)]).on(Class::with(&[("__len__", Null)])),
            ),
        ])],
    ));

    checks.push(Check::new(
        "protocols_context_manager",
        "a context manager needs both __enter__ and __exit__ on its type; async ones do not count",
        2,
        vec![protocols_of(&[
            Subject::instance(Class::with(&[("__enter__", Method), ("__exit__", Method)])),
            Subject::instance(Class::with(&[("__enter__", Method)])),
            Subject::instance(Class::with(&[("__exit__", Method)])),
            Subject::instance(Class::with(&[("__aenter__", Method), ("__aexit__", Method)])),
            Subject::instance(
                Class::with(&[("__exit__", Method)]).on(Class::with(&[("__enter__", Method)])),
            ),
        ])],
    ));

    checks.push(Check::new(
        "protocols_inherited",
        "special methods inherited from a base class count",
        2,
        vec![protocols_of(&[
            Subject::instance(Class::default().on(Class::with(&[
                ("__iter__", Method),
                ("__len__", Method),
            ]))),
            Subject::instance(
                Class::default().on(Class::default().on(Class::with(&[("__call__", Method)]))),
            ),
        ])],
    ));

    checks.push(Check::new(
        "protocols_class_objects",
        "a class object's protocols come from its metaclass, not from the methods it defines",
        3,
        vec![protocols_of(&[
            Subject::ClassObject {
                class: Class::with(&[("__iter__", Method), ("__len__", Method)]),
                meta: Class::default(),
            },
            Subject::ClassObject {
                class: Class::default(),
                meta: Class::with(&[("__iter__", Method), ("__len__", Method)]),
            },
            Subject::ClassObject {
                class: Class::with(&[("__enter__", Method), ("__exit__", Method)]),
                meta: Class::with(&[("__eq__", Method)]),
            },
        ])],
    ));
    checks
}

// ---- generated checks ---------------------------------------------------------

const DUNDERS: [&str; 14] = [
    "__iter__",
    "__getitem__",
    "__len__",
    "__contains__",
    "__call__",
    "__hash__",
    "__eq__",
    "__enter__",
    "__exit__",
    "__aenter__",
    "__aexit__",
    "__next__",
    "__reversed__",
    "__length_hint__",
];

fn random_class(rng: &mut Rng, depth: usize) -> Class {
    let mut defs = vec![];
    for name in DUNDERS {
        if rng.random_bool(0.25) {
            let def = match name {
                "__hash__" => [Method, Null, Raises][rng.random_range(0..3)],
                "__iter__" | "__len__" | "__contains__" if rng.random_bool(0.3) => Null,
                _ => Method,
            };
            defs.push((name, def));
        }
    }
    let mut class = Class {
        defs,
        base: None,
        getattr: rng.random_bool(0.15),
    };
    if depth < 2 && rng.random_bool(0.4) {
        class.base = Some(Box::new(random_class(rng, depth + 1)));
    }
    class
}

fn random_subject(rng: &mut Rng) -> Subject {
    match rng.random_range(0..10) {
        0 | 1 => Subject::ClassObject {
            class: random_class(rng, 1),
            meta: random_class(rng, 1),
        },
        _ => {
            let class = random_class(rng, 0);
            let instance = ["__len__", "__iter__", "__call__", "__enter__", "__exit__"]
                .into_iter()
                .filter(|_| rng.random_bool(0.2))
                .collect();
            Subject::Instance { class, instance }
        }
    }
}

fn random_ints(rng: &mut Rng, len: usize) -> Vec<i64> {
    (0..len).map(|_| rng.random_range(-20..21)).collect()
}

fn random_bound(rng: &mut Rng, len: i64) -> Option<i64> {
    rng.random_bool(0.7)
        .then(|| rng.random_range(-len - 2..len + 3))
}

fn generated_checks(rng: &mut Rng) -> Vec<Check<Script>> {
    let len = rng.random_range(1..8);
    let v = Vector(random_ints(rng, len));
    let n = v.len();
    let mut script = with_vector(&v.0).observe(builtin("len", vec![Expr::var("v")]), n);
    for _ in 0..4 {
        let i = rng.random_range(-n - 2..n + 2);
        let expected = v.get(i).map_or_else(|| raises("IndexError"), Value::Int);
        script = script.observe(Expr::var("v").item(lit(i)), expected);
    }
    for k in 0..4 {
        let start = random_bound(rng, n);
        let stop = random_bound(rng, n);
        let step = rng
            .random_bool(0.6)
            .then(|| [-3, -2, -1, 1, 2, 3][rng.random_range(0..6)]);
        script = is_vector(
            script,
            &format!("s{k}"),
            Expr::var("v").item(slice(start, stop, step)),
            &v.slice(start, stop, step),
        );
    }
    script = script
        .observe(builtin("sum", vec![Expr::var("v")]), v.0.iter().sum::<i64>())
        .observe(
            builtin("max", vec![Expr::var("v")]),
            *v.0.iter().max().expect("not empty"),
        )
        .observe(builtin("sorted", vec![Expr::var("v")]), ints(&v.sorted()))
        .observe(
            builtin("list", vec![builtin("reversed", vec![Expr::var("v")])]),
            ints(&v.reversed()),
        );
    let sequence_checks = Check::new(
        "vector_random_sequence",
        "indexing, slicing and builtins on a random Vector",
        2,
        vec![script],
    );

    let mut arithmetic = with_vector(&v.0);
    for k in 0..4 {
        let other_len = if rng.random_bool(0.75) {
            len
        } else {
            rng.random_range(0..9)
        };
        let items = random_ints(rng, other_len);
        let other = match rng.random_range(0..3) {
            0 => Operand::Vector(items),
            1 => Operand::List(items),
            _ => Operand::Tuple(items),
        };
        let reflected = !matches!(other, Operand::Vector(_)) && rng.random_bool(0.3);
        arithmetic = addition(arithmetic, &format!("s{k}"), &v, &other, reflected);
        arithmetic = dot(arithmetic, &v, &other);
    }
    let arithmetic_checks = Check::new(
        "vector_random_arithmetic",
        "+ and dot of a random Vector with random sequences",
        2,
        vec![arithmetic],
    );

    let subjects: Vec<Subject> = (0..10).map(|_| random_subject(rng)).collect();
    let protocol_check = Check::new(
        "protocols_random",
        "protocols of randomly described objects",
        3,
        vec![protocols_of(&subjects)],
    );
    vec![sequence_checks, arithmetic_checks, protocol_check]
}

impl ScriptedExercise for DuckTypingExercise {
    fn id(&self) -> &'static str {
        "duck_typing"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let mut checks = vector_checks();
        checks.extend(protocol_checks());
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated_checks(rng)
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexing_and_slicing_follow_python() {
        let v = Vector(vec![3, 1, 4, 1, 5]);
        assert_eq!(v.get(-1), Some(5));
        assert_eq!(v.get(-5), Some(3));
        assert_eq!(v.get(5), None);
        assert_eq!(v.get(-6), None);
        assert_eq!(v.slice(Some(1), Some(3), None).0, [1, 4]);
        assert_eq!(v.slice(None, None, Some(-1)).0, [5, 1, 4, 1, 3]);
        assert_eq!(v.slice(None, None, Some(2)).0, [3, 4, 5]);
        assert_eq!(v.slice(Some(-3), None, None).0, [4, 1, 5]);
        assert_eq!(v.slice(Some(4), Some(1), Some(-2)).0, [5, 4]);
        assert_eq!(v.slice(Some(7), Some(10), None).0, Vec::<i64>::new());
        assert_eq!(v.slice(Some(-10), Some(2), None).0, [3, 1]);
        assert_eq!(v.slice(Some(10), None, Some(-2)).0, [5, 4, 3]);
        assert_eq!(v.slice(None, Some(-10), Some(-1)).0, [5, 1, 4, 1, 3]);
        assert_eq!(Vector(vec![]).slice(None, None, Some(-1)).0, Vec::<i64>::new());
    }

    #[test]
    fn arithmetic_needs_equal_lengths() {
        let v = Vector(vec![1, 2, 3]);
        assert_eq!(v.add(&[10, 20, 30]), Ok(Vector(vec![11, 22, 33])));
        assert_eq!(v.add(&[1, 2]), Err(LengthMismatch));
        assert_eq!(v.dot(&[1, 0, 2]), Ok(7));
        assert_eq!(Vector(vec![]).dot(&[]), Ok(0));
    }

    #[test]
    fn protocols_follow_the_type_lookup() {
        let of = |s: Subject| protocols(&s);
        assert_eq!(
            of(Subject::instance(Class::with(&[("__getitem__", Method)]))),
            ["container", "hashable", "iterable"]
        );
        assert_eq!(
            of(Subject::instance(Class::with(&[("__eq__", Method)]))),
            Vec::<&str>::new()
        );
        assert_eq!(
            of(Subject::instance(Class::with(&[
                ("__contains__", Null),
                ("__iter__", Method)
            ]))),
            ["hashable", "iterable"]
        );
        assert_eq!(
            of(Subject::Value(Value::List(vec![]))),
            ["container", "iterable", "sized"]
        );
        assert_eq!(
            of(Subject::Value(Value::Tuple(vec![Value::List(vec![])]))),
            ["container", "iterable", "sized"]
        );
        assert_eq!(of(Subject::Builtin("len")), ["callable", "hashable"]);
        assert_eq!(
            of(Subject::ClassObject {
                class: Class::with(&[("__iter__", Method)]),
                meta: Class::with(&[("__len__", Method)]),
            }),
            ["callable", "hashable", "sized"]
        );
        assert_eq!(
            of(Subject::instance(
                Class::with(&[("__hash__", Method)]).on(Class::with(&[("__eq__", Method)]))
            )),
            ["hashable"]
        );
        assert_eq!(of(Subject::Lock), ["context_manager", "hashable"]);
    }
}
