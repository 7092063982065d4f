//! `slots` (question 20): `__slots__` gives instances fixed attribute storage
//! instead of a per-instance `__dict__`: less memory, no new attributes, and
//! a subclass must declare its own slots to stay that way.
//!
//! Reference: a slotted class as data (its name, its slots, and how its
//! `__init__` binds arguments the way Python binds `def __init__(self, a, b)`),
//! points with their reprs and value equality, in plain Rust. What only the
//! interpreter can show (no `__dict__`, weak references, memory per instance
//! measured with tracemalloc against a plain class in the same run) is read
//! by private fixtures loaded before the candidate's code, and observed only
//! as booleans, so the verdict does not depend on the machine.

use rand::RngExt;

use crate::exercise::{Check, Rng, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct SlotsExercise;

pub static EXERCISE: crate::exercise::Scripted<SlotsExercise> =
    crate::exercise::Scripted(SlotsExercise);

// ---- the Rust reference -------------------------------------------------

/// Python's `==` on the plain values the checks use (an int equals the
/// float of the same value).
pub fn py_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => *i as f64 == *f,
        (Value::Bool(x), Value::Int(i)) | (Value::Int(i), Value::Bool(x)) => i64::from(*x) == *i,
        _ => a == b,
    }
}

/// A point of a slotted class: its class name and coordinates in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub class: &'static str,
    pub coords: Vec<(&'static str, Value)>,
}

impl Point {
    pub fn new(x: Value, y: Value) -> Point {
        Point {
            class: "Point",
            coords: vec![("x", x), ("y", y)],
        }
    }

    pub fn new_3d(x: Value, y: Value, z: Value) -> Point {
        Point {
            class: "Point3D",
            coords: vec![("x", x), ("y", y), ("z", z)],
        }
    }

    /// `Point(x=1, y=2)`: each coordinate as its repr.
    pub fn repr(&self) -> String {
        let fields: Vec<String> = self
            .coords
            .iter()
            .map(|(name, value)| format!("{name}={}", value.literal()))
            .collect();
        format!("{}({})", self.class, fields.join(", "))
    }

    /// Equal only within the very same class, coordinate by coordinate.
    pub fn equals(&self, other: &Point) -> bool {
        self.class == other.class
            && self.coords.len() == other.coords.len()
            && self
                .coords
                .iter()
                .zip(&other.coords)
                .all(|((_, a), (_, b))| py_eq(a, b))
    }

    pub fn expr(&self) -> Expr {
        Expr::name(self.class).call(
            self.coords
                .iter()
                .map(|(_, v)| Expr::Lit(v.clone()))
                .collect(),
        )
    }
}

/// A class `slotted(name, fields)` builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlottedClass {
    pub name: String,
    pub fields: Vec<String>,
}

/// Why a call of `__init__` fails: Python raises `TypeError` for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindError {
    TooManyPositional,
    Duplicate,
    Unexpected,
    Missing,
}

impl SlottedClass {
    /// Binds `__init__(self, *fields)` as Python binds positional-or-keyword
    /// parameters: the slot values in field order.
    pub fn bind(&self, args: &[Value], kwargs: &[(&str, Value)]) -> Result<Vec<Value>, BindError> {
        if args.len() > self.fields.len() {
            return Err(BindError::TooManyPositional);
        }
        let mut slots: Vec<Option<Value>> = vec![None; self.fields.len()];
        for (slot, arg) in slots.iter_mut().zip(args) {
            *slot = Some(arg.clone());
        }
        for (key, value) in kwargs {
            let at = self
                .fields
                .iter()
                .position(|f| f == key)
                .ok_or(BindError::Unexpected)?;
            if slots[at].is_some() {
                return Err(BindError::Duplicate);
            }
            slots[at] = Some(value.clone());
        }
        slots
            .into_iter()
            .map(|s| s.ok_or(BindError::Missing))
            .collect()
    }

    pub fn slots_value(&self) -> Value {
        Value::Tuple(self.fields.iter().map(Value::str).collect())
    }
}

// ---- fixtures ----------------------------------------------------------------

const FIXTURES: &str = r#"
import gc as _gc
import tracemalloc as _tracemalloc
import weakref as _weakref

_COUNT = 10_000
# Slots must save at least this much per instance (on CPython 3.11 a slotted
# two-attribute instance saves about 32 bytes over one with a __dict__).
_MARGIN = 8


class _Plain:
    """The same two attributes, in a per-instance __dict__."""

    def __init__(self, x, y):
        self.x = x
        self.y = y


def _bytes_for(cls):
    _gc.collect()
    _tracemalloc.start()
    try:
        before = _tracemalloc.get_traced_memory()[0]
        made = [cls(1, 2) for _ in range(_COUNT)]
        after = _tracemalloc.get_traced_memory()[0]
        tracing = _tracemalloc.is_tracing()
    finally:
        _tracemalloc.stop()
    del made
    if not tracing:
        raise RuntimeError("tracemalloc was stopped while the instances were measured")
    return after - before


def smaller_than_plain(cls):
    """Whether 10,000 cls(1, 2) take less memory than as many plain instances."""
    slotted = _bytes_for(cls)
    plain = _bytes_for(_Plain)
    return slotted + _MARGIN * _COUNT <= plain


def weak_ref_works(obj):
    """weakref.ref(obj)() is obj."""
    return _weakref.ref(obj)() is obj
"#;

fn builtin(name: &str, args: Vec<Expr>) -> Expr {
    Expr::builtin(name).call(args)
}

fn has_dict(of: Expr) -> Expr {
    builtin("hasattr", vec![of, Expr::lit("__dict__")])
}

fn weak_ref_works(of: Expr) -> Expr {
    Expr::fixture("weak_ref_works").call(vec![of])
}

fn repr(of: Expr) -> Expr {
    builtin("repr", vec![of])
}

fn int(i: i64) -> Value {
    Value::Int(i)
}

fn point(x: i64, y: i64) -> Point {
    Point::new(int(x), int(y))
}

fn slotted(name: &str, fields: &[&str]) -> Expr {
    Expr::name("slotted").call(vec![
        Expr::lit(name),
        Expr::lit(Value::List(fields.iter().map(|f| Value::str(*f)).collect())),
    ])
}

/// `C(*args, **kwargs)` on a slotted class bound to `var`, observed as its
/// slot values (in field order) or the `TypeError` binding raises.
fn observe_instance(
    script: Script,
    class: &SlottedClass,
    var: &str,
    args: &[Value],
    kwargs: &[(&str, Value)],
) -> Script {
    let made = Expr::var(var).call_kw(
        args.iter().cloned().map(Expr::Lit).collect(),
        kwargs
            .iter()
            .map(|(k, v)| (*k, Expr::Lit(v.clone())))
            .collect(),
    );
    let expected = match class.bind(args, kwargs) {
        Ok(values) => Value::Tuple(values),
        Err(_) => raises("TypeError"),
    };
    // A tuple of getattr(instance, field) for each field, built by the
    // interpreter from one instance.
    let instance = format!("{var}_instance");
    match expected {
        Value::Tuple(values) => {
            let reads = class
                .fields
                .iter()
                .map(|f| builtin("getattr", vec![Expr::var(&instance), Expr::lit(f.as_str())]))
                .collect();
            script
                .bind(&instance, made)
                .observe(Expr::Tuple(reads), Value::Tuple(values))
        }
        raised => script.observe(made.type_name(), raised),
    }
}

/// Positional and keyword arguments of one `__init__` call.
type InitCall = (Vec<Value>, Vec<(&'static str, Value)>);

fn fixed_checks() -> Vec<Check<Script>> {
    let mut checks = vec![];
    let p = point(1, 2);

    checks.push(Check::new(
        "point_attributes",
        "Point(x, y) stores x and y, by position or keyword, and they can be reassigned",
        1,
        vec![
            Script::new()
                .bind("p", p.expr())
                .observe(Expr::var("p").attr("x"), 1)
                .observe(Expr::var("p").attr("y"), 2)
                .set_attr(Expr::var("p"), "x", Expr::lit(5), Value::None)
                .observe(Expr::var("p").attr("x"), 5)
                .bind(
                    "q",
                    Expr::name("Point").call_kw(
                        vec![],
                        vec![("y", Expr::lit(4)), ("x", Expr::lit(3))],
                    ),
                )
                .observe(
                    Expr::Tuple(vec![Expr::var("q").attr("x"), Expr::var("q").attr("y")]),
                    Value::pair(3, 4),
                ),
        ],
    ));

    checks.push(Check::new(
        "point_no_dict",
        "a Point has no __dict__",
        2,
        vec![
            Script::new()
                .bind("p", p.expr())
                .observe(has_dict(Expr::var("p")), false),
        ],
    ));

    checks.push(Check::new(
        "point_rejects_new_attributes",
        "assigning an attribute other than x and y raises AttributeError",
        2,
        vec![
            Script::new()
                .bind("p", p.expr())
                .set_attr(
                    Expr::var("p"),
                    "z",
                    Expr::lit(3),
                    raises("AttributeError"),
                )
                .set_attr(
                    Expr::var("p"),
                    "color",
                    Expr::lit("red"),
                    raises("AttributeError"),
                )
                .observe(
                    builtin("hasattr", vec![Expr::var("p"), Expr::lit("z")]),
                    false,
                ),
        ],
    ));

    checks.push(Check::new(
        "point_weakref",
        "weakref.ref(point) works",
        2,
        vec![
            Script::new()
                .bind("p", p.expr())
                .observe(weak_ref_works(Expr::var("p")), true),
        ],
    ));

    let text = Point::new(Value::str("a"), Value::Float(2.5));
    let negative = point(-3, 0);
    checks.push(Check::new(
        "point_repr",
        "repr(Point) is Point(x=…, y=…) with each coordinate's repr",
        1,
        vec![
            Script::new()
                .bind("p", p.expr())
                .observe(repr(Expr::var("p")), p.repr())
                .observe(repr(text.expr()), text.repr())
                .observe(repr(negative.expr()), negative.repr()),
        ],
    ));

    let mut equality = Script::new().bind("p", p.expr());
    for other in [point(1, 2), point(2, 1), point(1, 3)] {
        equality = equality.observe(Expr::var("p").eq(other.expr()), p.equals(&other));
    }
    equality = equality
        .observe(Expr::var("p").eq(Expr::var("p")), true)
        .observe(
            Expr::var("p").eq(Expr::Tuple(vec![Expr::lit(1), Expr::lit(2)])),
            false,
        )
        .observe(Expr::var("p").eq(Expr::lit(Value::None)), false);
    checks.push(Check::new(
        "point_equality",
        "Points are equal by value, and never equal to other kinds of objects",
        2,
        vec![equality],
    ));

    let q = Point::new_3d(int(1), int(2), int(3));
    checks.push(Check::new(
        "point3d_slotted",
        "Point3D adds z and still has no __dict__",
        2,
        vec![
            Script::new()
                .bind("q", q.expr())
                .observe(
                    Expr::Tuple(vec![
                        Expr::var("q").attr("x"),
                        Expr::var("q").attr("y"),
                        Expr::var("q").attr("z"),
                    ]),
                    Value::Tuple(vec![int(1), int(2), int(3)]),
                )
                .observe(
                    builtin("issubclass", vec![Expr::name("Point3D"), Expr::name("Point")]),
                    true,
                )
                .observe(has_dict(Expr::var("q")), false)
                .set_attr(
                    Expr::var("q"),
                    "w",
                    Expr::lit(4),
                    raises("AttributeError"),
                )
                .set_attr(Expr::var("q"), "z", Expr::lit(7), Value::None)
                .observe(Expr::var("q").attr("z"), 7)
                .observe(weak_ref_works(Expr::var("q")), true),
        ],
    ));

    let mut eq3 = Script::new()
        .bind("q", q.expr())
        .observe(repr(Expr::var("q")), q.repr());
    let others = [
        Point::new_3d(int(1), int(2), int(3)),
        Point::new_3d(int(1), int(2), int(4)),
    ];
    for other in &others {
        eq3 = eq3.observe(Expr::var("q").eq(other.expr()), q.equals(other));
    }
    let flat = Point::new_3d(int(1), int(2), int(0));
    let p12 = point(1, 2);
    eq3 = eq3
        .observe(flat.expr().eq(p12.expr()), flat.equals(&p12))
        .observe(p12.expr().eq(flat.expr()), p12.equals(&flat));
    checks.push(Check::new(
        "point3d_repr_equality",
        "Point3D's repr names its class and z; it is never equal to a Point",
        2,
        vec![eq3],
    ));

    let pair = SlottedClass {
        name: "Pair".into(),
        fields: vec!["left".into(), "right".into()],
    };
    let mut class = Script::new()
        .bind("Pair", slotted("Pair", &["left", "right"]))
        .observe(Expr::var("Pair").attr("__name__"), "Pair")
        .observe(
            builtin("tuple", vec![Expr::var("Pair").attr("__slots__")]),
            pair.slots_value(),
        );
    class = observe_instance(class, &pair, "Pair", &[int(1), int(2)], &[]);
    class = class
        .observe(Expr::var("Pair_instance").type_name(), "Pair")
        .observe(has_dict(Expr::var("Pair_instance")), false)
        .set_attr(
            Expr::var("Pair_instance"),
            "middle",
            Expr::lit(0),
            raises("AttributeError"),
        )
        .set_attr(
            Expr::var("Pair_instance"),
            "left",
            Expr::lit(9),
            Value::None,
        )
        .observe(Expr::var("Pair_instance").attr("left"), 9);
    checks.push(Check::new(
        "slotted_builds_class",
        "slotted(name, fields) builds a slotted class of that name",
        2,
        vec![class],
    ));

    let mut init = Script::new().bind("Pair", slotted("Pair", &["left", "right"]));
    let calls: [InitCall; 6] = [
        (vec![], vec![("right", int(2)), ("left", int(1))]),
        (vec![int(1)], vec![("right", int(2))]),
        (vec![int(1)], vec![]),
        (vec![int(1), int(2), int(3)], vec![]),
        (vec![int(1)], vec![("left", int(2))]),
        (vec![int(1), int(2)], vec![("extra", int(3))]),
    ];
    for (args, kwargs) in &calls {
        init = observe_instance(init, &pair, "Pair", args, kwargs);
    }
    checks.push(Check::new(
        "slotted_init_arguments",
        "the built __init__ binds arguments by position or keyword, as a def would",
        2,
        vec![init],
    ));

    let empty = SlottedClass {
        name: "Empty".into(),
        fields: vec![],
    };
    let mut fresh = Script::new()
        .bind("A", slotted("Thing", &["a"]))
        .observe(Expr::var("A").is(slotted("Thing", &["a"])), false)
        .bind("Empty", slotted("Empty", &[]))
        .observe(
            builtin("tuple", vec![Expr::var("Empty").attr("__slots__")]),
            empty.slots_value(),
        );
    fresh = observe_instance(fresh, &empty, "Empty", &[], &[]);
    fresh = fresh.observe(has_dict(Expr::var("Empty_instance")), false);
    checks.push(Check::new(
        "slotted_new_class_each_call",
        "every slotted call builds a new class, an empty field list included",
        1,
        vec![fresh],
    ));

    checks.push(Check::new(
        "point_memory",
        "10,000 Points take less memory than as many plain instances (tracemalloc)",
        3,
        vec![Script::new().observe(
            Expr::fixture("smaller_than_plain").call(vec![Expr::name("Point")]),
            true,
        )],
    ));

    checks
}

const NAMES: [&str; 6] = ["Pair", "Record", "Pixel", "Cell", "Span", "Row"];
const FIELDS: [&str; 8] = ["a", "b", "left", "right", "top", "size", "key", "value"];

fn random_value(rng: &mut Rng) -> Value {
    match rng.random_range(0..4) {
        0 => Value::Int(rng.random_range(-50..50)),
        1 => Value::Float(f64::from(rng.random_range(-64..64)) / 8.0),
        2 => Value::str(["a", "b", "it's", ""][rng.random_range(0..4)]),
        _ => Value::None,
    }
}

fn generated_checks(rng: &mut Rng) -> Vec<Check<Script>> {
    let mut checks = vec![];

    let name = NAMES[rng.random_range(0..NAMES.len())];
    let mut pool: Vec<&str> = FIELDS.to_vec();
    let count = rng.random_range(1..5);
    let mut fields = vec![];
    for _ in 0..count {
        fields.push(pool.remove(rng.random_range(0..pool.len())));
    }
    let class = SlottedClass {
        name: name.to_string(),
        fields: fields.iter().map(|f| f.to_string()).collect(),
    };
    let mut script = Script::new()
        .bind("C", slotted(name, &fields))
        .observe(Expr::var("C").attr("__name__"), name)
        .observe(
            builtin("tuple", vec![Expr::var("C").attr("__slots__")]),
            class.slots_value(),
        );
    for _ in 0..4 {
        let values: Vec<Value> = fields.iter().map(|_| random_value(rng)).collect();
        // Some fields by keyword, in a shuffled order; sometimes one too many
        // or one missing.
        let split = rng.random_range(0..=fields.len());
        let args: Vec<Value> = values[..split].to_vec();
        let mut kwargs: Vec<(&str, Value)> = fields[split..]
            .iter()
            .copied()
            .zip(values[split..].iter().cloned())
            .collect();
        if kwargs.len() > 1 && rng.random_bool(0.5) {
            kwargs.reverse();
        }
        match rng.random_range(0..6) {
            0 if !kwargs.is_empty() => {
                kwargs.pop();
            }
            1 => kwargs.push((pool[0], Value::Int(0))),
            _ => {}
        }
        script = observe_instance(script, &class, "C", &args, &kwargs);
    }
    script = script
        .bind("c", slotted(name, &fields).call(
            fields.iter().map(|_| Expr::lit(0)).collect(),
        ))
        .observe(has_dict(Expr::var("c")), false)
        .set_attr(
            Expr::var("c"),
            pool[rng.random_range(0..pool.len())],
            Expr::lit(1),
            raises("AttributeError"),
        );
    checks.push(Check::new(
        "slotted_random",
        "slotted with random names, fields and arguments",
        2,
        vec![script],
    ));

    let mut points = Script::new();
    let small = |rng: &mut Rng| -> Value {
        if rng.random_bool(0.25) {
            Value::Float(f64::from(rng.random_range(-8..8)) / 8.0)
        } else {
            Value::Int(rng.random_range(-2..3))
        }
    };
    for _ in 0..5 {
        let a = Point::new(small(rng), small(rng));
        let b = Point::new(small(rng), small(rng));
        points = points
            .observe(repr(a.expr()), a.repr())
            .observe(a.expr().eq(b.expr()), a.equals(&b));
    }
    checks.push(Check::new(
        "point_random",
        "repr and equality of random Points",
        1,
        vec![points],
    ));

    checks
}

impl ScriptedExercise for SlotsExercise {
    fn id(&self) -> &'static str {
        "slots"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        fixed_checks()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated_checks(rng)
    }

    fn harness_modules(&self) -> &'static [&'static str] {
        &["tracemalloc"]
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> SlottedClass {
        SlottedClass {
            name: "Pair".into(),
            fields: vec!["left".into(), "right".into()],
        }
    }

    #[test]
    fn binding_follows_python() {
        let c = pair();
        assert_eq!(c.bind(&[int(1), int(2)], &[]), Ok(vec![int(1), int(2)]));
        assert_eq!(
            c.bind(&[], &[("right", int(2)), ("left", int(1))]),
            Ok(vec![int(1), int(2)])
        );
        assert_eq!(c.bind(&[int(1)], &[]), Err(BindError::Missing));
        assert_eq!(
            c.bind(&[int(1), int(2), int(3)], &[]),
            Err(BindError::TooManyPositional)
        );
        assert_eq!(
            c.bind(&[int(1)], &[("left", int(2))]),
            Err(BindError::Duplicate)
        );
        assert_eq!(
            c.bind(&[int(1), int(2)], &[("x", int(3))]),
            Err(BindError::Unexpected)
        );
    }

    #[test]
    fn points_compare_within_their_class() {
        let p = point(1, 2);
        assert_eq!(p.repr(), "Point(x=1, y=2)");
        assert!(p.equals(&Point::new(Value::Float(1.0), int(2))));
        let q = Point::new_3d(int(1), int(2), int(0));
        assert_eq!(q.repr(), "Point3D(x=1, y=2, z=0)");
        assert!(!p.equals(&q) && !q.equals(&p));
        assert_eq!(
            Point::new(Value::str("a"), Value::Float(2.5)).repr(),
            "Point(x='a', y=2.5)"
        );
    }
}
