//! `identity` (question 5): `is` versus `==`. A sentinel default
//! (`get_path`), de-duplication by identity that never asks an item for its
//! `__eq__` or `__hash__` (`unique_objects`), and a walk that finds the lists
//! and dicts reached twice in an aliased, possibly cyclic structure
//! (`shared_paths`).
//!
//! Reference, in plain Rust: `get_path` over [`Value`]s; `unique_objects` over
//! positions in a pool of objects; `shared_paths` over a [`Graph`] of nodes
//! (lists and dicts) whose edges are node numbers. The driver builds that very
//! graph in the child from Let steps (back edges filled in afterwards with
//! `__setitem__`), so both sides walk the same identity graph.
//!
//! Observations stay strict: results made of the fixtures' objects are read
//! back as their positions in the pool, found with `is` by a fixture; a
//! `Touchy` object counts (and refuses) every `__eq__`/`__hash__` call; a
//! `KeyError`'s arguments are read from the exception itself.

use rand::RngExt;
use rand::seq::SliceRandom;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script};
use crate::value::Value;

pub struct Identity;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<Identity> = Scripted(Identity);

/// Objects and helpers the scripts use, loaded before the candidate's code.
const FIXTURES: &str = r#"
class Touched(BaseException):
    """Raised by Touchy's __eq__ and __hash__ (a BaseException, so that a
    broad `except Exception` cannot quietly swallow it)."""


_touched = []


class Touchy:
    """An object whose __eq__ and __hash__ refuse to run (and are counted)."""

    def __eq__(self, other):
        _touched.append("__eq__")
        raise Touched("__eq__ was called")

    def __hash__(self):
        _touched.append("__hash__")
        raise Touched("__hash__ was called")


class Liar:
    """Equal to everything, and every Liar has the same hash."""

    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


def touched():
    """How often a Touchy's __eq__ or __hash__ ran since the last time asked."""
    count = len(_touched)
    _touched.clear()
    return count


def one_shot(items):
    """A generator over items: it can be iterated only once."""
    return (item for item in items)


def positions(result, pool):
    """Where each element of `result` is in `pool`, found with `is` (-1: an
    object not in the pool). A result that is not a list reads as the name of
    its type."""
    if type(result) is not list:
        return type(result).__name__
    found = []
    for item in result:
        for index, member in enumerate(pool):
            if member is item:
                found.append(index)
                break
        else:
            found.append(-1)
    return found


def key_error_args(func, *args, **kwargs):
    """Calls func; the arguments of the KeyError it raises (other exceptions
    propagate), or 'returned normally'."""
    try:
        func(*args, **kwargs)
    except KeyError as error:
        return error.args
    return "returned normally"
"#;

// ---- the Rust reference: get_path ---------------------------------------

/// What `get_path(data, path)` reaches, or `None` when a step is missing.
pub fn get_path<'a>(data: &'a Value, path: &[Value]) -> Option<&'a Value> {
    let mut current = data;
    for step in path {
        current = match (current, step) {
            (Value::Dict(entries), key) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)?,
            (Value::List(items), Value::Int(index)) => {
                let len = items.len() as i64;
                let at = if *index < 0 { len + index } else { *index };
                if !(0..len).contains(&at) {
                    return None;
                }
                &items[at as usize]
            }
            _ => return None,
        };
    }
    Some(current)
}

/// How a call passes `default`.
#[derive(Debug, Clone, PartialEq)]
enum Fallback {
    None,
    Positional(Value),
    Keyword(Value),
}

/// `get_path(data, path[, default])` observed: the value reached, the
/// default, or (without one) the arguments of the `KeyError`.
fn get_path_script(data: &Value, path: &[Value], default: Fallback) -> Script {
    let call_args = |default: &Fallback| {
        let mut args = vec![Expr::var("data"), Expr::Lit(Value::Tuple(path.to_vec()))];
        let mut kwargs = vec![];
        match default {
            Fallback::None => {}
            Fallback::Positional(v) => args.push(Expr::Lit(v.clone())),
            Fallback::Keyword(v) => kwargs.push(("default", Expr::Lit(v.clone()))),
        }
        (args, kwargs)
    };
    let script = Script::new().bind("data", Expr::Lit(data.clone()));
    let found = get_path(data, path).cloned();
    match (&default, found) {
        (_, Some(value)) => {
            let (args, kwargs) = call_args(&default);
            script.observe(Expr::name("get_path").call_kw(args, kwargs), value)
        }
        (Fallback::Positional(d) | Fallback::Keyword(d), None) => {
            let (args, kwargs) = call_args(&default);
            script.observe(Expr::name("get_path").call_kw(args, kwargs), d.clone())
        }
        (Fallback::None, None) => script.observe(
            key_error_args(vec![
                Expr::var("data"),
                Expr::Lit(Value::Tuple(path.to_vec())),
            ]),
            Value::Tuple(vec![Value::Tuple(path.to_vec())]),
        ),
    }
}

/// `key_error_args(get_path, *args)`.
fn key_error_args(args: Vec<Expr>) -> Expr {
    let mut all = vec![Expr::name("get_path")];
    all.extend(args);
    Expr::fixture("key_error_args").call(all)
}

// ---- the Rust reference: unique_objects ---------------------------------

/// The positions of the first occurrence of each pool object in `picks`,
/// in order.
pub fn unique_positions(picks: &[usize]) -> Vec<usize> {
    let mut seen = Vec::new();
    for &p in picks {
        if !seen.contains(&p) {
            seen.push(p);
        }
    }
    seen
}

/// One object of a pool: each is a distinct object, some equal to others.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// `object()`
    Plain,
    /// `__eq__` and `__hash__` raise.
    Touchy,
    /// Equal to everything, one hash for all.
    Liar,
    /// `[n]`: equal to every other `[n]`, unhashable.
    List(i64),
    /// `{}`
    Dict,
}

impl Kind {
    fn expr(self) -> Expr {
        match self {
            Kind::Plain => Expr::builtin("object").call(vec![]),
            Kind::Touchy => Expr::fixture("Touchy").call(vec![]),
            Kind::Liar => Expr::fixture("Liar").call(vec![]),
            Kind::List(n) => Expr::lit(Value::List(vec![Value::Int(n)])),
            Kind::Dict => Expr::lit(Value::Dict(vec![])),
        }
    }
}

fn positions(of: Expr) -> Expr {
    Expr::fixture("positions").call(vec![of, Expr::var("pool")])
}

fn ints(items: &[usize]) -> Value {
    Value::List(items.iter().map(|&i| Value::Int(i as i64)).collect())
}

/// `touched(); pool = [...]; items = [pool[i], ...]` then the call.
fn unique_setup(pool: &[Kind], picks: &[usize]) -> Script {
    Script::new()
        .run(Expr::fixture("touched").call(vec![]))
        .bind("pool", Expr::List(pool.iter().map(|k| k.expr()).collect()))
        .bind(
            "items",
            Expr::List(
                picks
                    .iter()
                    .map(|&i| Expr::var("pool").item(Expr::lit(i as i64)))
                    .collect(),
            ),
        )
}

/// `unique_objects(items)` (or of a one-shot generator over them): the
/// positions it keeps, and no `__eq__`/`__hash__` ran.
fn unique_script(pool: &[Kind], picks: &[usize], generator: bool) -> Script {
    let items = if generator {
        Expr::fixture("one_shot").call(vec![Expr::var("items")])
    } else {
        Expr::var("items")
    };
    unique_setup(pool, picks)
        .observe(
            positions(Expr::name("unique_objects").call(vec![items])),
            ints(&unique_positions(picks)),
        )
        .observe(Expr::fixture("touched").call(vec![]), 0)
}

// ---- the Rust reference: shared_paths -----------------------------------

/// An element of a list or a dict value in a [`Graph`].
#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    /// A value built fresh (a literal: even a list there is its own object).
    Leaf(Value),
    /// The container numbered so.
    Node(usize),
    /// A 1-tuple holding that container (a leaf for the walk).
    InTuple(usize),
}

/// A container of the graph.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    List(Vec<Elem>),
    Dict(Vec<(String, Elem)>),
}

/// Containers numbered from 0 (the data itself); edges are numbers, so a
/// node reached twice is one object reached twice.
pub type Graph = Vec<Shape>;

impl Shape {
    /// The (step, element) pairs in walk order.
    fn entries(&self) -> Vec<(Value, &Elem)> {
        match self {
            Shape::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, e)| (Value::Int(i as i64), e))
                .collect(),
            Shape::Dict(entries) => entries.iter().map(|(k, e)| (Value::str(k), e)).collect(),
        }
    }
}

/// The pairs (first path, later path) of the walk the contract describes.
pub fn shared_paths(graph: &Graph) -> Vec<(Vec<Value>, Vec<Value>)> {
    fn walk(
        graph: &Graph,
        node: usize,
        path: &mut Vec<Value>,
        first: &mut [Option<Vec<Value>>],
        out: &mut Vec<(Vec<Value>, Vec<Value>)>,
    ) {
        if let Some(earlier) = &first[node] {
            out.push((earlier.clone(), path.clone()));
            return;
        }
        first[node] = Some(path.clone());
        for (step, elem) in graph[node].entries() {
            if let Elem::Node(child) = elem {
                path.push(step);
                walk(graph, *child, path, first, out);
                path.pop();
            }
        }
    }
    let mut first = vec![None; graph.len()];
    let mut out = Vec::new();
    walk(graph, 0, &mut Vec::new(), &mut first, &mut out);
    out
}

fn shared_value(pairs: &[(Vec<Value>, Vec<Value>)]) -> Value {
    Value::List(
        pairs
            .iter()
            .map(|(a, b)| {
                Value::Tuple(vec![Value::Tuple(a.clone()), Value::Tuple(b.clone())])
            })
            .collect(),
    )
}

/// The name node `n` is bound to: `data` for the root, then `a`, `b`, ….
fn node_name(n: usize) -> String {
    if n == 0 {
        "data".to_string()
    } else {
        char::from(b'a' + (n as u8 - 1) % 26).to_string()
    }
}

/// The steps that build `graph` in the child: each container bound to its
/// name after those it holds (depth-first post-order from the root), an
/// edge back to a container still being built filled in afterwards with
/// `__setitem__` over a `None` placeholder (so list positions and dict
/// insertion order are the graph's).
pub fn build(graph: &Graph) -> Script {
    fn order(graph: &Graph, node: usize, state: &mut [u8], out: &mut Vec<usize>) {
        state[node] = 1;
        for (_, elem) in graph[node].entries() {
            if let Elem::Node(c) | Elem::InTuple(c) = elem
                && state[*c] == 0
            {
                order(graph, *c, state, out);
            }
        }
        state[node] = 2;
        out.push(node);
    }
    let mut state = vec![0; graph.len()];
    let mut post = Vec::new();
    order(graph, 0, &mut state, &mut post);
    let mut built = vec![false; graph.len()];
    let mut script = Script::new();
    let mut fixups = Vec::new();
    for &node in &post {
        let mut elem_expr = |step: &Value, elem: &Elem| match elem {
            Elem::Leaf(v) => Expr::Lit(v.clone()),
            Elem::Node(c) if built[*c] => Expr::var(&node_name(*c)),
            Elem::Node(c) => {
                fixups.push((node, step.clone(), *c));
                Expr::Lit(Value::None)
            }
            Elem::InTuple(c) => {
                assert!(built[*c], "a tuple can only hold a container built before it");
                Expr::Tuple(vec![Expr::var(&node_name(*c))])
            }
        };
        let expr = match &graph[node] {
            Shape::List(items) => Expr::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| elem_expr(&Value::Int(i as i64), e))
                    .collect(),
            ),
            Shape::Dict(entries) => Expr::Dict(
                entries
                    .iter()
                    .map(|(k, e)| (Expr::lit(k.as_str()), elem_expr(&Value::str(k), e)))
                    .collect(),
            ),
        };
        script = script.bind(&node_name(node), expr);
        built[node] = true;
    }
    for (node, step, target) in fixups {
        script = script.run(Expr::var(&node_name(node)).method(
            "__setitem__",
            vec![Expr::Lit(step), Expr::var(&node_name(target))],
        ));
    }
    script
}

/// Builds `graph`, then observes `shared_paths(data)`.
fn shared_script(graph: &Graph) -> Script {
    build(graph).observe(
        Expr::name("shared_paths").call(vec![Expr::var("data")]),
        shared_value(&shared_paths(graph)),
    )
}

// ---- checks --------------------------------------------------------------

fn s(text: &str) -> Value {
    Value::str(text)
}

fn i(n: i64) -> Value {
    Value::Int(n)
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::Dict(entries.into_iter().map(|(k, v)| (s(k), v)).collect())
}

fn list(items: Vec<Value>) -> Value {
    Value::List(items)
}

/// The fixed example data of the get_path checks.
fn users() -> Value {
    dict(vec![
        (
            "users",
            list(vec![
                dict(vec![
                    ("name", s("ann")),
                    ("email", Value::None),
                    ("tags", list(vec![s("admin"), s("ops")])),
                ]),
                dict(vec![("name", s("bob")), ("age", i(0))]),
            ]),
        ),
        ("count", i(2)),
    ])
}

fn path(steps: Vec<Value>) -> Vec<Value> {
    steps
}

fn node(n: usize) -> Elem {
    Elem::Node(n)
}

fn leaf(v: Value) -> Elem {
    Elem::Leaf(v)
}

fn dict_node(entries: Vec<(&str, Elem)>) -> Shape {
    Shape::Dict(entries.into_iter().map(|(k, e)| (k.to_string(), e)).collect())
}

impl ScriptedExercise for Identity {
    fn id(&self) -> &'static str {
        "identity"
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let data = users();
        let missing = |p: Vec<Value>| get_path_script(&data, &p, Fallback::None);
        let found = |p: Vec<Value>| get_path_script(&data, &p, Fallback::None);
        let with_default =
            |d: &Value, p: Vec<Value>| get_path_script(d, &p, Fallback::Positional(s("D")));
        let falsy = dict(vec![
            ("none", Value::None),
            ("zero", i(0)),
            ("empty", s("")),
            ("list", list(vec![])),
            ("false", Value::Bool(false)),
        ]);
        let leaves = dict(vec![
            ("text", s("abc")),
            ("pair", Value::Tuple(vec![i(1), i(2)])),
            ("n", i(7)),
            ("nothing", Value::None),
            ("items", list(vec![i(10), i(20)])),
        ]);
        vec![
            Check::new(
                "get_path_follows_keys_and_indexes",
                "get_path follows dict keys and list indexes (negative ones too)",
                2,
                vec![
                    found(path(vec![s("users"), i(0), s("name")])),
                    found(path(vec![s("users"), i(1), s("age")])),
                    found(path(vec![s("users"), i(-1), s("name")])),
                    found(path(vec![s("users"), i(0), s("tags"), i(-2)])),
                    found(path(vec![s("count")])),
                    found(path(vec![s("users"), i(0), s("tags")])),
                ],
            ),
            Check::new(
                "get_path_returns_the_stored_object",
                "get_path returns the very object stored (and data itself for ())",
                1,
                vec![
                    Script::new().bind("data", Expr::Lit(data.clone())).observe(
                        Expr::name("get_path")
                            .call(vec![Expr::var("data"), Expr::lit(Value::Tuple(vec![]))])
                            .is(Expr::var("data")),
                        true,
                    ),
                    Script::new().bind("data", Expr::Lit(data.clone())).observe(
                        Expr::name("get_path")
                            .call(vec![
                                Expr::var("data"),
                                Expr::lit(Value::Tuple(vec![s("users"), i(0)])),
                            ])
                            .is(Expr::var("data")
                                .item(Expr::lit("users"))
                                .item(Expr::lit(0))),
                        true,
                    ),
                ],
            ),
            Check::new(
                "get_path_stored_none_is_a_value",
                "a stored None (or 0, '', [], False) is returned, not treated as missing",
                2,
                vec![
                    get_path_script(&falsy, &[s("none")], Fallback::None),
                    get_path_script(&falsy, &[s("none")], Fallback::Positional(s("D"))),
                    get_path_script(&falsy, &[s("zero")], Fallback::Positional(s("D"))),
                    get_path_script(&falsy, &[s("empty")], Fallback::Keyword(s("D"))),
                    get_path_script(&falsy, &[s("list")], Fallback::Positional(s("D"))),
                    get_path_script(&falsy, &[s("false")], Fallback::None),
                    found(path(vec![s("users"), i(0), s("email")])),
                ],
            ),
            Check::new(
                "get_path_missing_raises_key_error_of_path",
                "without a default, a missing step raises KeyError(path) with the whole path",
                2,
                vec![
                    missing(path(vec![s("nobody")])),
                    missing(path(vec![s("users"), i(2), s("name")])),
                    missing(path(vec![s("users"), i(0), s("age")])),
                    missing(path(vec![s("users"), i(-3)])),
                ],
            ),
            Check::new(
                "get_path_default_is_returned",
                "a missing step returns the default given: positional, keyword, None, falsy",
                2,
                vec![
                    with_default(&data, path(vec![s("users"), i(5), s("name")])),
                    get_path_script(&data, &[s("nobody")], Fallback::Keyword(s("D"))),
                    get_path_script(&data, &[s("nobody")], Fallback::Positional(Value::None)),
                    get_path_script(&data, &[s("users"), i(9)], Fallback::Keyword(Value::None)),
                    get_path_script(&data, &[s("nobody")], Fallback::Positional(i(0))),
                    Script::new()
                        .bind("data", Expr::Lit(data.clone()))
                        .bind("fallback", Expr::lit(Value::List(vec![])))
                        .observe(
                            Expr::name("get_path")
                                .call(vec![
                                    Expr::var("data"),
                                    Expr::lit(Value::Tuple(vec![s("users"), i(0), s("phone")])),
                                    Expr::var("fallback"),
                                ])
                                .is(Expr::var("fallback")),
                            true,
                        ),
                ],
            ),
            Check::new(
                "get_path_missing_sentinel_means_no_default",
                "passing MISSING as the default is the same as passing none",
                1,
                vec![
                    Script::new().bind("data", Expr::Lit(data.clone())).observe(
                        key_error_args(vec![
                            Expr::var("data"),
                            Expr::lit(Value::Tuple(vec![s("nobody")])),
                            Expr::name("MISSING"),
                        ]),
                        Value::Tuple(vec![Value::Tuple(vec![s("nobody")])]),
                    ),
                ],
            ),
            Check::new(
                "get_path_only_enters_dicts_and_lists",
                "strings, tuples, numbers and None are leaves; a str step into a list is missing",
                2,
                vec![
                    get_path_script(&leaves, &[s("text"), i(0)], Fallback::Positional(s("D"))),
                    get_path_script(&leaves, &[s("pair"), i(1)], Fallback::Positional(s("D"))),
                    get_path_script(&leaves, &[s("n"), i(0)], Fallback::Positional(s("D"))),
                    get_path_script(&leaves, &[s("nothing"), s("x")], Fallback::Keyword(s("D"))),
                    get_path_script(&leaves, &[s("items"), s("0")], Fallback::Positional(s("D"))),
                    get_path_script(&leaves, &[s("text"), i(0)], Fallback::None),
                    get_path_script(&leaves, &[s("items"), i(1)], Fallback::None),
                ],
            ),
            Check::new(
                "get_path_does_not_modify_data",
                "get_path leaves data exactly as it was, found or missing",
                1,
                [
                    (path(vec![s("users"), i(0), s("phone"), s("home")]), true),
                    (path(vec![s("settings"), s("theme")]), true),
                    (path(vec![s("users"), i(0), s("tags"), i(1)]), false),
                ]
                .into_iter()
                .map(|(p, with_default)| {
                    let default = if with_default {
                        Fallback::Positional(Value::None)
                    } else {
                        Fallback::None
                    };
                    get_path_script(&data, &p, default)
                        .observe(Expr::var("data"), data.clone())
                })
                .collect(),
            ),
            Check::new(
                "unique_objects_drops_the_same_object",
                "unique_objects keeps the first occurrence of each object, in order",
                2,
                vec![
                    unique_script(
                        &[Kind::Plain, Kind::Plain, Kind::Plain],
                        &[0, 1, 0, 2, 1, 0],
                        false,
                    ),
                    unique_script(&[Kind::Plain, Kind::Plain], &[1, 1, 0, 1], false),
                    unique_script(&[Kind::Plain], &[], false),
                ],
            ),
            Check::new(
                "unique_objects_keeps_equal_distinct_objects",
                "equal but distinct objects (and unhashable ones) are all kept",
                2,
                vec![
                    unique_script(
                        &[Kind::List(1), Kind::List(1), Kind::Dict, Kind::Dict],
                        &[0, 1, 2, 3, 1, 0],
                        false,
                    ),
                    unique_script(
                        &[Kind::Liar, Kind::Liar, Kind::Liar],
                        &[0, 1, 0, 2, 2],
                        false,
                    ),
                ],
            ),
            Check::new(
                "unique_objects_never_calls_eq_or_hash",
                "unique_objects never calls an item's __eq__ or __hash__",
                2,
                vec![
                    unique_script(
                        &[Kind::Touchy, Kind::Touchy, Kind::Touchy],
                        &[0, 1, 1, 2, 0],
                        false,
                    ),
                    unique_script(
                        &[Kind::Touchy, Kind::List(3), Kind::Liar],
                        &[2, 0, 1, 0, 2],
                        false,
                    ),
                ],
            ),
            Check::new(
                "unique_objects_returns_a_new_list",
                "unique_objects returns a new list and leaves the input list as it was",
                1,
                vec![
                    unique_setup(&[Kind::Plain, Kind::Plain], &[0, 1])
                        .observe(
                            Expr::name("unique_objects")
                                .call(vec![Expr::var("items")])
                                .is(Expr::var("items")),
                            false,
                        )
                        .observe(positions(Expr::var("items")), ints(&[0, 1])),
                    unique_setup(&[Kind::Plain, Kind::Plain], &[0, 1, 0, 0, 1])
                        .run(Expr::name("unique_objects").call(vec![Expr::var("items")]))
                        .observe(positions(Expr::var("items")), ints(&[0, 1, 0, 0, 1])),
                ],
            ),
            Check::new(
                "unique_objects_takes_any_iterable",
                "unique_objects iterates a one-shot generator once",
                1,
                vec![
                    unique_script(&[Kind::Plain, Kind::List(0)], &[1, 0, 1, 1], true),
                    unique_script(&[Kind::Touchy, Kind::Plain], &[0, 0, 1], true),
                ],
            ),
            Check::new(
                "shared_paths_equal_is_not_shared",
                "shared_paths reports nothing for equal but distinct lists and dicts",
                2,
                vec![
                    shared_script(&vec![Shape::List(vec![
                        leaf(list(vec![i(1)])),
                        leaf(list(vec![i(1)])),
                        leaf(dict(vec![("k", list(vec![]))])),
                        leaf(dict(vec![("k", list(vec![]))])),
                    ])]),
                    // The docstring's example.
                    shared_script(&vec![
                        dict_node(vec![("a", node(1)), ("b", node(2))]),
                        Shape::List(vec![leaf(i(1))]),
                        Shape::List(vec![node(1), leaf(list(vec![i(1)]))]),
                    ]),
                ],
            ),
            Check::new(
                "shared_paths_reports_each_later_path",
                "each later path to an object is paired with its first path",
                2,
                vec![
                    shared_script(&vec![
                        Shape::List(vec![node(1), node(2), node(1)]),
                        Shape::List(vec![leaf(i(0))]),
                        dict_node(vec![("x", node(1)), ("y", leaf(i(5))), ("z", node(1))]),
                    ]),
                    shared_script(&vec![
                        dict_node(vec![("left", node(1)), ("right", node(2))]),
                        dict_node(vec![("v", node(3))]),
                        dict_node(vec![("v", node(3)), ("w", node(3))]),
                        Shape::List(vec![]),
                    ]),
                ],
            ),
            Check::new(
                "shared_paths_dict_insertion_order",
                "dict values are walked in insertion order, not sorted",
                1,
                vec![shared_script(&vec![
                    dict_node(vec![("zeta", node(1)), ("alpha", node(1)), ("mid", node(2))]),
                    Shape::List(vec![]),
                    dict_node(vec![("b", node(1)), ("a", node(1))]),
                ])],
            ),
            Check::new(
                "shared_paths_depth_first",
                "the walk is depth first: a deep first path comes before a shallow later one",
                1,
                vec![shared_script(&vec![
                    Shape::List(vec![node(1), node(2)]),
                    Shape::List(vec![node(2)]),
                    dict_node(vec![("k", leaf(i(1)))]),
                ])],
            ),
            Check::new(
                "shared_paths_does_not_rewalk",
                "a container met again is not walked again: what it holds is not reported twice",
                2,
                vec![
                    shared_script(&vec![
                        Shape::List(vec![node(1), node(1)]),
                        Shape::List(vec![node(2), leaf(i(3))]),
                        Shape::List(vec![leaf(i(0))]),
                    ]),
                    shared_script(&vec![
                        dict_node(vec![("a", node(1)), ("b", node(1)), ("c", node(2))]),
                        dict_node(vec![("inner", node(2))]),
                        Shape::List(vec![]),
                    ]),
                ],
            ),
            Check::new(
                "shared_paths_cycles",
                "a container that holds itself is reported once and the walk ends",
                2,
                vec![
                    shared_script(&vec![Shape::List(vec![node(0)])]),
                    shared_script(&vec![dict_node(vec![
                        ("name", leaf(s("me"))),
                        ("me", node(0)),
                    ])]),
                    shared_script(&vec![
                        dict_node(vec![("a", node(1))]),
                        Shape::List(vec![node(2)]),
                        dict_node(vec![("up", node(1)), ("top", node(0))]),
                    ]),
                ],
            ),
            Check::new(
                "shared_paths_only_walks_lists_and_dicts",
                "a tuple is a leaf: a list inside it is not walked",
                1,
                vec![shared_script(&vec![
                    Shape::List(vec![Elem::InTuple(1), node(1), Elem::InTuple(1)]),
                    Shape::List(vec![leaf(i(1))]),
                ])],
            ),
        ]
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        vec![
            Check::new(
                "get_path_random",
                "get_path on random nested data and paths",
                3,
                (0..24).map(|n| random_get_path(rng, n)).collect(),
            ),
            Check::new(
                "unique_objects_random",
                "unique_objects on random mixes of objects",
                2,
                (0..10).map(|_| random_unique(rng)).collect(),
            ),
            Check::new(
                "shared_paths_random",
                "shared_paths on random aliased and cyclic structures",
                3,
                (0..12).map(|_| shared_script(&random_graph(rng))).collect(),
            ),
        ]
    }
}

// ---- generators ------------------------------------------------------------

const KEYS: [&str; 7] = ["id", "name", "tags", "meta", "x", "items", "v"];

fn random_leaf(rng: &mut Rng) -> Value {
    match rng.random_range(0..7) {
        0 => Value::None,
        1 => Value::Int(rng.random_range(-3..10)),
        2 => Value::Int(0),
        3 => s(["", "abc", "xy"][rng.random_range(0..3)]),
        4 => Value::Bool(rng.random_range(0..2) == 0),
        5 => Value::Tuple(vec![i(rng.random_range(0..5)), i(1)]),
        _ => Value::List(vec![]),
    }
}

fn random_data(rng: &mut Rng, depth: u32) -> Value {
    if depth == 0 || rng.random_range(0..4) == 0 {
        return random_leaf(rng);
    }
    if rng.random_range(0..2) == 0 {
        let mut keys = KEYS.to_vec();
        keys.shuffle(rng);
        let len = rng.random_range(1..4);
        Value::Dict(
            keys[..len]
                .iter()
                .map(|k| (s(k), random_data(rng, depth - 1)))
                .collect(),
        )
    } else {
        let len = rng.random_range(1..4);
        Value::List((0..len).map(|_| random_data(rng, depth - 1)).collect())
    }
}

/// Every path that reaches something in `data` (including `()`).
fn all_paths(data: &Value, prefix: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(prefix.clone());
    match data {
        Value::Dict(entries) => {
            for (k, v) in entries {
                prefix.push(k.clone());
                all_paths(v, prefix, out);
                prefix.pop();
            }
        }
        Value::List(items) => {
            for (n, v) in items.iter().enumerate() {
                prefix.push(i(n as i64));
                all_paths(v, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// A random step that may or may not be present.
fn random_step(rng: &mut Rng) -> Value {
    match rng.random_range(0..3) {
        0 => s(KEYS[rng.random_range(0..KEYS.len())]),
        1 => i(rng.random_range(-4..4)),
        _ => s(["0", "1", "missing"][rng.random_range(0..3)]),
    }
}

/// The `n`th random case: cases cycle through found / missing and the ways
/// of passing a default, so every kind is drawn under every seed.
fn random_get_path(rng: &mut Rng, n: usize) -> Script {
    let data = random_data(rng, 3);
    let mut paths = Vec::new();
    all_paths(&data, &mut Vec::new(), &mut paths);
    let mut chosen = paths[rng.random_range(0..paths.len())].clone();
    if n % 2 == 1 {
        // Make it missing: append or replace steps until nothing is found.
        loop {
            if chosen.is_empty() || rng.random_range(0..2) == 0 {
                chosen.push(random_step(rng));
            } else {
                let last = chosen.len() - 1;
                chosen[last] = random_step(rng);
            }
            if get_path(&data, &chosen).is_none() {
                break;
            }
        }
    }
    let default = match (n / 2) % 3 {
        0 => Fallback::None,
        1 => Fallback::Positional(s("D")),
        _ => Fallback::Keyword(Value::None),
    };
    get_path_script(&data, &chosen, default)
}

fn random_unique(rng: &mut Rng) -> Script {
    let size = rng.random_range(1..6);
    let pool: Vec<Kind> = (0..size)
        .map(|_| match rng.random_range(0..5) {
            0 => Kind::Plain,
            1 => Kind::Touchy,
            2 => Kind::Liar,
            3 => Kind::List(rng.random_range(0..2)),
            _ => Kind::Dict,
        })
        .collect();
    let len = rng.random_range(0..10);
    let picks: Vec<usize> = (0..len).map(|_| rng.random_range(0..size)).collect();
    unique_script(&pool, &picks, rng.random_range(0..4) == 0)
}

/// A random graph: every node hangs from an earlier one (so all are
/// reachable), plus extra edges anywhere (aliases, back edges, self loops),
/// leaves, and dict keys in random order.
pub fn random_graph(rng: &mut Rng) -> Graph {
    let n = rng.random_range(1..7);
    let mut elems: Vec<Vec<Elem>> = vec![Vec::new(); n];
    for child in 1..n {
        let parent = rng.random_range(0..child);
        elems[parent].push(Elem::Node(child));
    }
    for node_elems in elems.iter_mut() {
        for _ in 0..rng.random_range(0..3) {
            node_elems.push(Elem::Node(rng.random_range(0..n)));
        }
        for _ in 0..rng.random_range(0..2) {
            let v = if rng.random_range(0..3) == 0 {
                list(vec![i(1)])
            } else {
                i(rng.random_range(0..9))
            };
            node_elems.push(Elem::Leaf(v));
        }
        node_elems.shuffle(rng);
    }
    elems
        .into_iter()
        .map(|items| {
            if items.len() <= KEYS.len() && rng.random_range(0..2) == 0 {
                let mut keys = KEYS.to_vec();
                keys.shuffle(rng);
                Shape::Dict(
                    keys.into_iter()
                        .zip(items)
                        .map(|(k, e)| (k.to_string(), e))
                        .collect(),
                )
            } else {
                Shape::List(items)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn get_path_follows_dicts_and_lists_only() {
        let data = users();
        assert_eq!(
            get_path(&data, &[s("users"), i(-1), s("name")]),
            Some(&s("bob"))
        );
        assert_eq!(get_path(&data, &[]), Some(&data));
        assert_eq!(get_path(&data, &[s("users"), i(0), s("email")]), Some(&Value::None));
        assert_eq!(get_path(&data, &[s("users"), i(2)]), None);
        assert_eq!(get_path(&data, &[s("users"), i(-3)]), None);
        assert_eq!(get_path(&data, &[s("users"), s("0")]), None);
        assert_eq!(get_path(&data, &[s("count"), i(0)]), None);
        let text = dict(vec![("t", s("abc"))]);
        assert_eq!(get_path(&text, &[s("t"), i(0)]), None);
    }

    #[test]
    fn unique_positions_keep_first_occurrences() {
        assert_eq!(unique_positions(&[0, 1, 0, 2, 1]), vec![0, 1, 2]);
        assert_eq!(unique_positions(&[2, 2, 0]), vec![2, 0]);
        assert!(unique_positions(&[]).is_empty());
    }

    #[test]
    fn shared_paths_walks_depth_first_and_stops_at_known_objects() {
        // data = [a, a] with a = [b], b = [] : only the alias of a.
        let graph = vec![
            Shape::List(vec![node(1), node(1)]),
            Shape::List(vec![node(2)]),
            Shape::List(vec![]),
        ];
        assert_eq!(shared_paths(&graph), vec![(vec![i(0)], vec![i(1)])]);
        // A self loop.
        let graph = vec![Shape::List(vec![node(0)])];
        assert_eq!(shared_paths(&graph), vec![(vec![], vec![i(0)])]);
        // Depth first: [[b], b] reports ((0, 0), (1,)).
        let graph = vec![
            Shape::List(vec![node(1), node(2)]),
            Shape::List(vec![node(2)]),
            Shape::List(vec![]),
        ];
        assert_eq!(shared_paths(&graph), vec![(vec![i(0), i(0)], vec![i(1)])]);
        // A two-node cycle under a dict.
        let graph = vec![
            dict_node(vec![("a", node(1))]),
            Shape::List(vec![node(2)]),
            dict_node(vec![("up", node(1))]),
        ];
        assert_eq!(
            shared_paths(&graph),
            vec![(vec![s("a")], vec![s("a"), i(0), s("up")])]
        );
        // Tuples are leaves.
        let graph = vec![
            Shape::List(vec![Elem::InTuple(1), node(1)]),
            Shape::List(vec![]),
        ];
        assert!(shared_paths(&graph).is_empty());
    }

    #[test]
    fn build_binds_children_first_and_fills_back_edges() {
        let graph = vec![
            dict_node(vec![("a", node(1))]),
            Shape::List(vec![node(2), leaf(i(1))]),
            dict_node(vec![("up", node(1)), ("top", node(0))]),
        ];
        assert_eq!(
            build(&graph).describe(),
            "b = {'up': None, 'top': None}; a = [b, 1]; data = {'a': a}; \
             b.__setitem__('up', a); b.__setitem__('top', data)"
        );
    }

    #[test]
    fn random_graphs_are_reachable_from_the_root() {
        let mut rng = Rng::seed_from_u64(3);
        for _ in 0..50 {
            let graph = random_graph(&mut rng);
            let script = build(&graph);
            // Every node is bound exactly once.
            let bound = script
                .steps()
                .iter()
                .filter(|s| matches!(s, crate::script::Step::Let { .. }))
                .count();
            assert_eq!(bound, graph.len());
        }
    }
}
