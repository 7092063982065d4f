//! `copying` (question 17): a shallow copy shares the objects inside; a deep
//! copy copies them too, keeping the identity graph of the original (what is
//! reached twice, what loops back) and sharing nothing mutable with it.
//!
//! Reference: an object graph in plain Rust ([`Graph`]: lists, dicts, sets,
//! tuples and instances, with leaves), its canonical form (nodes numbered in
//! the order a depth-first walk from the root discovers them, each edge a
//! leaf or a node number), and the deep copy's rule for what is shared: only
//! tuples from which no mutable node can be reached. The child builds the
//! same graph from its description with a private fixture, the candidate
//! copies it, and fixtures read back the copy's canonical form, the nodes of
//! the original that appear in the copy, and the original's form afterwards:
//! the identity graph as an exact [`Value`], compared with the reference.
//!
//! `copy.copy` and `copy.deepcopy` are made unavailable in `prepare` (as
//! `lru_cache` does for functools), and every copy the checks make runs under
//! a profile hook that notices code of the `copy` module running anyway (a
//! reloaded module, its private helpers).

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rand::RngExt;

use crate::exercise::{Check, Rng, ScriptedExercise};
use crate::script::{Expr, Script};
use crate::value::Value;

pub struct CopyingExercise;

pub static EXERCISE: crate::exercise::Scripted<CopyingExercise> =
    crate::exercise::Scripted(CopyingExercise);

// ---- the Rust reference -------------------------------------------------

/// Where an edge of the graph goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Edge {
    /// An immutable leaf (int, str, None…).
    Leaf(Value),
    /// A container or instance: an index into [`Graph::nodes`].
    Node(usize),
}

/// A container or an instance of the fixture class `Node`.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    List(Vec<Edge>),
    /// Keys are leaves.
    Dict(Vec<(Value, Edge)>),
    /// Elements are int leaves.
    Set(Vec<i64>),
    /// Never empty (the empty tuple is a shared singleton in CPython).
    Tuple(Vec<Edge>),
    /// An instance's attributes, in `__dict__` order.
    Obj(Vec<(String, Edge)>),
}

impl Node {
    fn kind(&self) -> &'static str {
        match self {
            Node::List(_) => "list",
            Node::Dict(_) => "dict",
            Node::Set(_) => "set",
            Node::Tuple(_) => "tuple",
            Node::Obj(_) => "obj",
        }
    }

    fn edges(&self) -> Vec<&Edge> {
        match self {
            Node::List(edges) | Node::Tuple(edges) => edges.iter().collect(),
            Node::Dict(entries) => entries.iter().map(|(_, e)| e).collect(),
            Node::Obj(attrs) => attrs.iter().map(|(_, e)| e).collect(),
            Node::Set(_) => vec![],
        }
    }

    fn mutable(&self) -> bool {
        !matches!(self, Node::Tuple(_))
    }
}

/// An object graph whose root is node 0. Tuples only point to tuples of a
/// higher index, so every cycle passes through a mutable node (a tuple cannot
/// hold itself).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
}

fn edge_value(edge: &Edge) -> Value {
    match edge {
        Edge::Leaf(v) => Value::Tuple(vec![Value::str("leaf"), v.clone()]),
        Edge::Node(i) => Value::Tuple(vec![Value::str("node"), Value::Int(*i as i64)]),
    }
}

fn payload_value(node: &Node, edge: impl Fn(&Edge) -> Value) -> Value {
    match node {
        Node::List(edges) | Node::Tuple(edges) => Value::List(edges.iter().map(edge).collect()),
        Node::Dict(entries) => Value::List(
            entries
                .iter()
                .map(|(k, e)| Value::Tuple(vec![k.clone(), edge(e)]))
                .collect(),
        ),
        Node::Set(items) => {
            let mut items = items.clone();
            items.sort_unstable();
            Value::List(items.into_iter().map(Value::Int).collect())
        }
        Node::Obj(attrs) => Value::List(
            attrs
                .iter()
                .map(|(k, e)| Value::Tuple(vec![Value::str(k), edge(e)]))
                .collect(),
        ),
    }
}

impl Graph {
    /// What the fixture `build` receives: each node as `(kind, payload)`.
    pub fn description(&self) -> Value {
        Value::List(
            self.nodes
                .iter()
                .map(|node| {
                    let payload = match node {
                        // A set is built from its elements as they are.
                        Node::Set(items) => {
                            Value::List(items.iter().copied().map(Value::Int).collect())
                        }
                        other => payload_value(other, edge_value),
                    };
                    Value::Tuple(vec![Value::str(node.kind()), payload])
                })
                .collect(),
        )
    }

    /// The nodes reachable from the root, in the order a depth-first walk
    /// discovers them (children in order, each followed at once).
    pub fn discovery_order(&self) -> Vec<usize> {
        fn visit(graph: &Graph, at: usize, seen: &mut Vec<Option<usize>>, order: &mut Vec<usize>) {
            if seen[at].is_some() {
                return;
            }
            seen[at] = Some(order.len());
            order.push(at);
            for edge in graph.nodes[at].edges() {
                if let Edge::Node(next) = edge {
                    visit(graph, *next, seen, order);
                }
            }
        }
        let mut seen = vec![None; self.nodes.len()];
        let mut order = vec![];
        if !self.nodes.is_empty() {
            visit(self, 0, &mut seen, &mut order);
        }
        order
    }

    /// The canonical form the fixture `graph` reads: a list of
    /// `(kind, payload)` in discovery order, edges renumbered to match.
    pub fn canonical(&self) -> Value {
        let order = self.discovery_order();
        let mut number = vec![0; self.nodes.len()];
        for (n, &at) in order.iter().enumerate() {
            number[at] = n;
        }
        let renumber = |edge: &Edge| match edge {
            Edge::Leaf(v) => edge_value(&Edge::Leaf(v.clone())),
            Edge::Node(i) => edge_value(&Edge::Node(number[*i])),
        };
        Value::List(
            order
                .iter()
                .map(|&at| {
                    let node = &self.nodes[at];
                    Value::Tuple(vec![Value::str(node.kind()), payload_value(node, renumber)])
                })
                .collect(),
        )
    }

    /// Whether a mutable node can be reached from `at` (itself included).
    fn reaches_mutable(&self, at: usize) -> bool {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![at];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            if self.nodes[i].mutable() {
                return true;
            }
            stack.extend(self.nodes[i].edges().into_iter().filter_map(|e| match e {
                Edge::Node(n) => Some(*n),
                Edge::Leaf(_) => None,
            }));
        }
        false
    }

    /// The deep copy's sharing rule: the discovery numbers of the nodes a
    /// deep copy keeps as they are (tuples with nothing mutable inside), in
    /// increasing order. Every other node is copied, once.
    pub fn shared_in_copy(&self) -> Vec<usize> {
        self.discovery_order()
            .iter()
            .enumerate()
            .filter(|&(_, &at)| !self.reaches_mutable(at))
            .map(|(n, _)| n)
            .collect()
    }

    /// What a deep copy of this graph is: the same graph (isomorphic, node
    /// for node), in which the [`Graph::shared_in_copy`] nodes are the
    /// original's own objects and the others new ones.
    pub fn deep_copy(&self) -> Graph {
        self.clone()
    }
}

// ---- fixtures ----------------------------------------------------------------

const FIXTURES: &str = r#"
import copy as _copy_module
import sys as _sys

_COPY_FILE = _copy_module.__file__
_setprofile = _sys.setprofile
_getprofile = _sys.getprofile


class Node:
    """A plain class whose __init__ needs an argument: a copy must not call it."""

    def __init__(self, label):
        self.label = label


def build(nodes):
    """The object graph a description gives; node 0 is the root."""
    made = {}
    for i, (kind, payload) in enumerate(nodes):
        if kind == "list":
            made[i] = []
        elif kind == "dict":
            made[i] = {}
        elif kind == "set":
            made[i] = set(payload)
        elif kind == "obj":
            made[i] = object.__new__(Node)

    def get(edge):
        tag, target = edge
        return target if tag == "leaf" else node(target)

    def node(i):
        if i not in made:
            # A tuple, made from its parts (tuples only hold later tuples).
            made[i] = tuple([get(e) for e in nodes[i][1]])
        return made[i]

    for i, (kind, payload) in enumerate(nodes):
        if kind == "list":
            made[i].extend([get(e) for e in payload])
        elif kind == "dict":
            for key, e in payload:
                made[i][key] = get(e)
        elif kind == "obj":
            for name, e in payload:
                setattr(made[i], name, get(e))
        elif kind == "tuple":
            node(i)
    return node(0)


def _kind(x):
    t = type(x)
    if t is list:
        return "list"
    if t is dict:
        return "dict"
    if t is set:
        return "set"
    if t is tuple:
        return "tuple"
    if t is Node:
        return "obj"
    return None


def _walk(root):
    """Depth-first from root: the canonical form and the objects in order."""
    objects = []
    number = {}
    form = []

    def visit(x):
        kind = _kind(x)
        if kind is None:
            return ("leaf", x)
        if id(x) in number:
            return ("node", number[id(x)])
        n = len(objects)
        number[id(x)] = n
        objects.append(x)
        form.append(None)
        if kind in ("list", "tuple"):
            payload = [visit(item) for item in x]
        elif kind == "dict":
            payload = [(key, visit(value)) for key, value in list(x.items())]
        elif kind == "set":
            payload = sorted(x)
        else:
            payload = [(name, visit(value)) for name, value in list(x.__dict__.items())]
        form[n] = (kind, payload)
        return ("node", n)

    visit(root)
    return form, objects


def graph(root):
    """The identity graph reachable from root, as exact values."""
    return _walk(root)[0]


def shared(original, copied):
    """The numbers (in the original's graph) of its nodes found in the copy's."""
    where = {id(x): n for n, x in enumerate(_walk(original)[1])}
    return sorted(where[id(x)] for x in _walk(copied)[1] if id(x) in where)


def no_copy_module(func, arg):
    """func(arg), refusing it when code of the copy module runs meanwhile."""
    used = []

    def hook(frame, event, _arg):
        if event == "call" and frame.f_code.co_filename == _COPY_FILE:
            used.append(frame.f_code.co_name)

    previous = _getprofile()
    _setprofile(hook)
    try:
        result = func(arg)
    finally:
        _setprofile(previous)
    if used:
        raise RuntimeError(
            "code of the copy module ran (" + used[0] + "): copy.copy and "
            "copy.deepcopy are unavailable while copying is graded, build your own"
        )
    return result
"#;

/// Makes `copy.copy` and `copy.deepcopy` unavailable (a private namespace:
/// nothing of this is visible to the candidate).
const DISABLE_COPY: &std::ffi::CStr = cr#"
import copy


def _disabled(*args, **kwargs):
    raise RuntimeError("copy.copy and copy.deepcopy are disabled while copying is graded: build your own")


copy.copy = _disabled
copy.deepcopy = _disabled
"#;

fn fixture(name: &str, args: Vec<Expr>) -> Expr {
    Expr::fixture(name).call(args)
}

/// `original = build(...)`, `copied = deep_copy(original)` (guarded), then the
/// copy's graph, what it shares with the original, and the original after.
fn deep_script(graph: &Graph) -> Script {
    let copy = graph.deep_copy();
    Script::new()
        .bind(
            "original",
            fixture("build", vec![Expr::lit(graph.description())]),
        )
        .bind(
            "copied",
            fixture(
                "no_copy_module",
                vec![Expr::name("deep_copy"), Expr::var("original")],
            ),
        )
        .observe(fixture("graph", vec![Expr::var("copied")]), copy.canonical())
        .observe(
            fixture(
                "shared",
                vec![Expr::var("original"), Expr::var("copied")],
            ),
            Value::List(
                graph
                    .shared_in_copy()
                    .into_iter()
                    .map(|n| Value::Int(n as i64))
                    .collect(),
            ),
        )
        .observe(
            fixture("graph", vec![Expr::var("original")]),
            graph.canonical(),
        )
}

fn leaf(v: impl Into<Value>) -> Edge {
    Edge::Leaf(v.into())
}

fn to(i: usize) -> Edge {
    Edge::Node(i)
}

fn graph(nodes: Vec<Node>) -> Graph {
    Graph { nodes }
}

fn key(k: &str) -> Value {
    Value::str(k)
}

fn shallow(var: &str) -> Expr {
    fixture("no_copy_module", vec![Expr::name("shallow_copy"), Expr::var(var)])
}

fn fixed_checks() -> Vec<Check<Script>> {
    let mut checks = vec![];
    let int = Value::Int;

    // [[1], [2], 'a']
    let list_value = Value::List(vec![
        Value::List(vec![int(1)]),
        Value::List(vec![int(2)]),
        Value::str("a"),
    ]);
    checks.push(Check::new(
        "shallow_copy_list",
        "shallow_copy of a list: a new list holding the same elements",
        2,
        vec![
            Script::new()
                .bind("original", Expr::lit(list_value.clone()))
                .bind("copied", shallow("original"))
                .observe(Expr::var("copied").type_name(), "list")
                .observe(Expr::var("copied"), list_value.clone())
                .observe(Expr::var("copied").is(Expr::var("original")), false)
                .observe(
                    Expr::var("copied")
                        .item(Expr::lit(0))
                        .is(Expr::var("original").item(Expr::lit(0))),
                    true,
                )
                .observe(
                    Expr::var("copied")
                        .item(Expr::lit(1))
                        .is(Expr::var("original").item(Expr::lit(1))),
                    true,
                )
                .run(Expr::var("copied").method("append", vec![Expr::lit(9)]))
                .observe(Expr::var("original"), list_value),
        ],
    ));

    let dict_value = Value::Dict(vec![
        (key("b"), Value::List(vec![int(1)])),
        (key("a"), Value::List(vec![int(2)])),
    ]);
    checks.push(Check::new(
        "shallow_copy_dict",
        "shallow_copy of a dict: a new dict, same keys and value objects, same order",
        2,
        vec![
            Script::new()
                .bind("original", Expr::lit(dict_value.clone()))
                .bind("copied", shallow("original"))
                .observe(Expr::var("copied").type_name(), "dict")
                .observe(
                    Expr::builtin("list").call(vec![Expr::var("copied")]),
                    Value::List(vec![key("b"), key("a")]),
                )
                .observe(Expr::var("copied").is(Expr::var("original")), false)
                .observe(
                    Expr::var("copied")
                        .item(Expr::lit("a"))
                        .is(Expr::var("original").item(Expr::lit("a"))),
                    true,
                )
                .observe(
                    Expr::var("copied")
                        .item(Expr::lit("b"))
                        .is(Expr::var("original").item(Expr::lit("b"))),
                    true,
                )
                .run(Expr::var("copied").method("clear", vec![]))
                .observe(Expr::var("original"), dict_value),
        ],
    ));

    let set_value = Value::Set(vec![int(1), int(2), int(3)]);
    checks.push(Check::new(
        "shallow_copy_set",
        "shallow_copy of a set: a new set with the same elements",
        1,
        vec![
            Script::new()
                .bind("original", Expr::lit(set_value.clone()))
                .bind("copied", shallow("original"))
                .observe(Expr::var("copied").type_name(), "set")
                .observe(Expr::var("copied"), set_value.clone())
                .observe(Expr::var("copied").is(Expr::var("original")), false)
                .run(Expr::var("copied").method("add", vec![Expr::lit(4)]))
                .observe(Expr::var("original"), set_value),
        ],
    ));

    let mut immutable = Script::new();
    for (name, value) in [
        ("t", Value::Tuple(vec![Value::List(vec![int(1)]), int(2)])),
        ("s", Value::str("text")),
        ("f", Value::FrozenSet(vec![int(1), int(2)])),
        ("n", Value::None),
        ("i", Value::Int(10_000)),
    ] {
        immutable = immutable
            .bind(name, Expr::lit(value))
            .observe(shallow(name).is(Expr::var(name)), true);
    }
    checks.push(Check::new(
        "shallow_copy_immutable",
        "shallow_copy returns tuples and immutable values as they are",
        1,
        vec![immutable],
    ));

    // [[1, 2], {'k': [3]}, 'leaf']
    let nested = graph(vec![
        Node::List(vec![to(1), to(2), leaf("leaf")]),
        Node::List(vec![leaf(1), leaf(2)]),
        Node::Dict(vec![(key("k"), to(3))]),
        Node::List(vec![leaf(3)]),
    ]);
    checks.push(Check::new(
        "deep_copy_nested",
        "deep_copy copies nested lists and dicts, sharing none with the original",
        2,
        vec![deep_script(&nested)],
    ));

    // shared = [1]; {'a': shared, 'b': [shared, shared]}
    let aliased = graph(vec![
        Node::Dict(vec![(key("a"), to(1)), (key("b"), to(2))]),
        Node::List(vec![leaf(1)]),
        Node::List(vec![to(1), to(1)]),
    ]);
    // Two Nodes sharing one dict.
    let aliased_objects = graph(vec![
        Node::List(vec![to(1), to(2)]),
        Node::Obj(vec![("label".into(), leaf("x")), ("data".into(), to(3))]),
        Node::Obj(vec![("label".into(), leaf("y")), ("data".into(), to(3))]),
        Node::Dict(vec![(key("n"), leaf(0))]),
    ]);
    checks.push(Check::new(
        "deep_copy_aliasing",
        "an object reached twice in the original is one object reached twice in the copy",
        3,
        vec![deep_script(&aliased), deep_script(&aliased_objects)],
    ));

    // loop = []; loop.append(loop)
    let self_list = graph(vec![Node::List(vec![leaf(1), to(0)])]);
    // d = {}; d['self'] = d
    let self_dict = graph(vec![Node::Dict(vec![(key("self"), to(0)), (key("v"), leaf(2))])]);
    // a = [b], b = [a]
    let mutual = graph(vec![
        Node::List(vec![to(1)]),
        Node::List(vec![to(0), leaf("b")]),
    ]);
    checks.push(Check::new(
        "deep_copy_cycles",
        "deep_copy reproduces cycles (a list or dict that contains itself, two lists pointing at each other)",
        3,
        vec![
            deep_script(&self_list),
            deep_script(&self_dict),
            deep_script(&mutual),
        ],
    ));

    // ((1, (2, 3)), [4]) inside a list; ((1, 2),) alone
    let tuples = graph(vec![
        Node::List(vec![to(1), to(2)]),
        Node::Tuple(vec![to(3), to(4)]),
        Node::Tuple(vec![leaf(1), to(5)]),
        Node::Tuple(vec![leaf(1), to(5)]),
        Node::List(vec![leaf(4)]),
        Node::Tuple(vec![leaf(2), leaf(3)]),
    ]);
    let immutable_root = graph(vec![
        Node::Tuple(vec![to(1), leaf("a")]),
        Node::Tuple(vec![leaf(1), leaf(2)]),
    ]);
    checks.push(Check::new(
        "deep_copy_tuples",
        "a tuple is copied only when something inside it had to be",
        2,
        vec![deep_script(&tuples), deep_script(&immutable_root)],
    ));

    // a = []; t = (a, 1); a.append(t): from the list and from the tuple.
    let through_tuple_list = graph(vec![
        Node::List(vec![to(1)]),
        Node::Tuple(vec![to(0), leaf(1)]),
    ]);
    let through_tuple_root = graph(vec![
        Node::Tuple(vec![to(1), leaf(1)]),
        Node::List(vec![to(0)]),
    ]);
    checks.push(Check::new(
        "deep_copy_tuple_cycle",
        "a cycle that passes through a tuple is reproduced",
        1,
        vec![
            deep_script(&through_tuple_list),
            deep_script(&through_tuple_root),
        ],
    ));

    let sets = graph(vec![
        Node::List(vec![to(1), to(1), to(2)]),
        Node::Set(vec![1, 2, 3]),
        Node::Dict(vec![(key("s"), to(1))]),
    ]);
    checks.push(Check::new(
        "deep_copy_sets",
        "sets are copied, and a set reached twice stays one set",
        1,
        vec![deep_script(&sets)],
    ));

    // A tree of Nodes whose children point back at their parent.
    let tree = graph(vec![
        Node::Obj(vec![
            ("label".into(), leaf("root")),
            ("children".into(), to(1)),
            ("parent".into(), leaf(Value::None)),
        ]),
        Node::List(vec![to(2), to(3)]),
        Node::Obj(vec![
            ("label".into(), leaf("left")),
            ("children".into(), to(4)),
            ("parent".into(), to(0)),
        ]),
        Node::Obj(vec![
            ("label".into(), leaf("right")),
            ("parent".into(), to(0)),
            ("tags".into(), to(5)),
        ]),
        Node::List(vec![]),
        Node::Set(vec![7]),
    ]);
    checks.push(Check::new(
        "deep_copy_instances",
        "instances are copied as new instances of their class, without calling __init__",
        3,
        vec![
            deep_script(&tree).observe(
                Expr::builtin("type")
                    .call(vec![Expr::var("copied")])
                    .is(Expr::fixture("Node")),
                true,
            ),
        ],
    ));

    let mut leaves = Script::new();
    for (name, value) in [
        ("i", Value::Int(7)),
        ("s", Value::str("text")),
        ("n", Value::None),
        ("f", Value::FrozenSet(vec![int(1)])),
        ("t", Value::Tuple(vec![int(1), Value::str("a")])),
    ] {
        leaves = leaves.bind(name, Expr::lit(value.clone())).observe(
            fixture("no_copy_module", vec![Expr::name("deep_copy"), Expr::var(name)]),
            value,
        );
    }
    leaves = leaves.observe(
        fixture("no_copy_module", vec![Expr::name("deep_copy"), Expr::var("t")])
            .is(Expr::var("t")),
        true,
    );
    checks.push(Check::new(
        "deep_copy_leaves",
        "deep_copy of an immutable value gives it back",
        1,
        vec![leaves],
    ));

    checks
}

// ---- generated cases ------------------------------------------------------

fn random_leaf(rng: &mut Rng) -> Value {
    match rng.random_range(0..4) {
        0 => Value::Int(rng.random_range(-5..100)),
        1 => Value::str(["x", "y", "long text", ""][rng.random_range(0..4)]),
        2 => Value::None,
        _ => Value::Float(f64::from(rng.random_range(-16..16)) / 8.0),
    }
}

/// A random graph: every node hangs from an earlier one, with extra edges
/// for aliasing and cycles; tuples point only to later tuples.
pub fn random_graph(rng: &mut Rng, size: usize) -> Graph {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        List,
        Dict,
        Set,
        Tuple,
        Obj,
    }
    let kinds: Vec<Kind> = (0..size)
        .map(|i| match rng.random_range(0..20) {
            _ if i == 0 && rng.random_bool(0.5) => Kind::List,
            0..=6 => Kind::List,
            7..=10 => Kind::Dict,
            11..=12 => Kind::Set,
            13..=16 => Kind::Tuple,
            _ => Kind::Obj,
        })
        .collect();
    let kinds: Vec<Kind> = kinds
        .into_iter()
        .enumerate()
        .map(|(i, k)| if i == 0 && k == Kind::Set { Kind::List } else { k })
        .collect();
    let mut edges: Vec<Vec<Edge>> = vec![vec![]; size];
    // Each node below the root hangs from an earlier non-set node.
    for i in 1..size {
        let parents: Vec<usize> = (0..i).filter(|&p| kinds[p] != Kind::Set).collect();
        let p = parents[rng.random_range(0..parents.len())];
        edges[p].push(Edge::Node(i));
    }
    // Extra edges: aliasing and cycles.
    for _ in 0..rng.random_range(1..size + 2) {
        let from = rng.random_range(0..size);
        if kinds[from] == Kind::Set {
            continue;
        }
        let targets: Vec<usize> = (0..size)
            .filter(|&t| kinds[from] != Kind::Tuple || kinds[t] != Kind::Tuple || t > from)
            .collect();
        if targets.is_empty() {
            continue; // a tuple can only point at later tuples, and there are none
        }
        let t = targets[rng.random_range(0..targets.len())];
        let at = rng.random_range(0..=edges[from].len());
        edges[from].insert(at, Edge::Node(t));
    }
    let mut nodes = vec![];
    for (i, kind) in kinds.iter().enumerate() {
        let mut own = std::mem::take(&mut edges[i]);
        for _ in 0..rng.random_range(0..3) {
            let at = rng.random_range(0..=own.len());
            own.insert(at, Edge::Leaf(random_leaf(rng)));
        }
        nodes.push(match kind {
            Kind::List => Node::List(own),
            Kind::Tuple => {
                if own.is_empty() {
                    own.push(Edge::Leaf(random_leaf(rng)));
                }
                Node::Tuple(own)
            }
            Kind::Dict => Node::Dict(
                own.into_iter()
                    .enumerate()
                    .map(|(n, e)| (Value::str(format!("k{n}")), e))
                    .collect(),
            ),
            Kind::Obj => Node::Obj(
                own.into_iter()
                    .enumerate()
                    .map(|(n, e)| (format!("a{n}"), e))
                    .collect(),
            ),
            Kind::Set => {
                let count = rng.random_range(0..4);
                let mut items: Vec<i64> = vec![];
                while items.len() < count {
                    let x = rng.random_range(0..20);
                    if !items.contains(&x) {
                        items.push(x);
                    }
                }
                Node::Set(items)
            }
        });
    }
    Graph { nodes }
}

fn generated_checks(rng: &mut Rng) -> Vec<Check<Script>> {
    let graphs: Vec<Script> = (0..4)
        .map(|_| {
            let size = rng.random_range(3..10);
            deep_script(&random_graph(rng, size))
        })
        .collect();
    let mut checks = vec![Check::new(
        "deep_copy_random",
        "deep_copy of random graphs with aliasing, cycles, tuples and instances",
        3,
        graphs,
    )];

    let items: Vec<Value> = (0..rng.random_range(2..6))
        .map(|_| {
            if rng.random_bool(0.6) {
                Value::List(vec![random_leaf(rng)])
            } else {
                Value::Dict(vec![(Value::str("v"), random_leaf(rng))])
            }
        })
        .collect();
    let as_dict = rng.random_bool(0.5);
    let original = if as_dict {
        Value::Dict(
            items
                .iter()
                .enumerate()
                .map(|(n, v)| (Value::str(format!("k{n}")), v.clone()))
                .collect(),
        )
    } else {
        Value::List(items.clone())
    };
    let mut script = Script::new()
        .bind("original", Expr::lit(original.clone()))
        .bind("copied", shallow("original"))
        .observe(Expr::var("copied"), original.clone())
        .observe(Expr::var("copied").is(Expr::var("original")), false);
    for n in 0..items.len() {
        let index = if as_dict {
            Expr::lit(format!("k{n}"))
        } else {
            Expr::lit(n as i64)
        };
        script = script.observe(
            Expr::var("copied")
                .item(index.clone())
                .is(Expr::var("original").item(index)),
            true,
        );
    }
    checks.push(Check::new(
        "shallow_copy_random",
        "shallow_copy of random lists and dicts of containers",
        1,
        vec![script],
    ));
    checks
}

impl ScriptedExercise for CopyingExercise {
    fn id(&self) -> &'static str {
        "copying"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        fixed_checks()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated_checks(rng)
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        let globals = PyDict::new(py);
        py.run(DISABLE_COPY, Some(&globals), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn canonical_numbers_nodes_in_discovery_order() {
        // Root list -> node 2 first, then node 1 (listed in reverse order).
        let g = graph(vec![
            Node::List(vec![to(2), to(1)]),
            Node::List(vec![to(0)]),
            Node::Tuple(vec![leaf(1)]),
        ]);
        assert_eq!(g.discovery_order(), vec![0, 2, 1]);
        assert_eq!(
            g.canonical().repr(),
            "[('list', [('node', 1), ('node', 2)]), ('tuple', [('leaf', 1)]), ('list', [('node', 0)])]"
        );
        assert_eq!(g.shared_in_copy(), vec![1]);
    }

    #[test]
    fn tuples_are_shared_only_without_anything_mutable_inside() {
        let g = graph(vec![
            Node::Tuple(vec![to(1), to(2)]),
            Node::Tuple(vec![leaf(1)]),
            Node::Tuple(vec![to(3)]),
            Node::Set(vec![1]),
        ]);
        // 0 reaches the set through 2; 1 holds only a leaf.
        assert_eq!(g.shared_in_copy(), vec![1]);
        let cycle = graph(vec![
            Node::Tuple(vec![to(1)]),
            Node::List(vec![to(0)]),
        ]);
        assert_eq!(cycle.shared_in_copy(), Vec::<usize>::new());
    }

    #[test]
    fn random_graphs_keep_tuples_acyclic() {
        let mut rng = Rng::seed_from_u64(3);
        for _ in 0..200 {
            let g = random_graph(&mut rng, 8);
            for (i, node) in g.nodes.iter().enumerate() {
                if let Node::Tuple(edges) = node {
                    assert!(!edges.is_empty());
                    for e in edges {
                        if let Edge::Node(t) = e {
                            assert!(!matches!(g.nodes[*t], Node::Tuple(_)) || *t > i);
                        }
                    }
                }
            }
            assert_eq!(g.canonical(), g.deep_copy().canonical());
        }
    }
}
