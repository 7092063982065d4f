//! `memory` (question 6): how CPython frees objects. A registry that holds
//! objects only through weak references (`Registry`), what a tracing
//! collector frees (`unreachable`), and what reference counting alone can
//! never free (`refcount_leaks`: cycles and what they keep alive).
//!
//! Reference, in plain Rust: a model of the registry over a simulated heap
//! (objects alive or freed, weakly referenceable or not) that follows each
//! script step by step; a graph search from the roots; and reference
//! counting with cascading frees (Kahn's algorithm over edge counts).
//!
//! "Never keeps an object alive" is observed, not inferred: the script drops
//! the harness's only reference by rebinding its name (`o1 = None`), runs
//! `gc.collect()` through a fixture that captured it before the candidate's
//! code existed, and reads a weak reference the fixture made beforehand,
//! then `get`, `len` and `alive()`.

use std::collections::{BTreeMap, BTreeSet};

use rand::RngExt;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct Memory;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<Memory> = Scripted(Memory);

/// Objects to register and the harness's own gc and weakref, captured before
/// the candidate's code runs.
const FIXTURES: &str = r#"
import gc as _gc
import weakref as _weakref

_collect = _gc.collect
_ref = _weakref.ref


class Thing:
    """A plain object: it can be weakly referenced."""


class SelfRef:
    """An object in a reference cycle with itself: only the cycle collector
    frees it."""

    def __init__(self):
        self.me = self


class Unhashable:
    """Claims to be equal to everything, and cannot be hashed."""

    __hash__ = None

    def __eq__(self, other):
        return True


def gc_collect():
    """gc.collect(), as captured before any candidate code ran."""
    _collect()


def watch(obj):
    """The harness's own weak reference to obj."""
    return _ref(obj)
"#;

// ---- the Rust reference: the registry over a simulated heap --------------

/// The kinds of objects the scripts make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `Thing()`
    Thing,
    /// `SelfRef()`: freed only by the cycle collector.
    SelfRef,
    /// `Unhashable()`: equal to everything, no hash.
    Unhashable,
    /// `[0]`: cannot be weakly referenced.
    List,
    /// `7`: cannot be weakly referenced.
    Int,
}

impl Kind {
    fn weakly_referenceable(self) -> bool {
        matches!(self, Kind::Thing | Kind::SelfRef | Kind::Unhashable)
    }

    fn expr(self) -> Expr {
        match self {
            Kind::Thing => Expr::fixture("Thing").call(vec![]),
            Kind::SelfRef => Expr::fixture("SelfRef").call(vec![]),
            Kind::Unhashable => Expr::fixture("Unhashable").call(vec![]),
            Kind::List => Expr::lit(Value::List(vec![Value::Int(0)])),
            Kind::Int => Expr::lit(7),
        }
    }
}

/// What `get(handle)` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Got {
    /// The object numbered so on the heap.
    Object(usize),
    /// It was freed: `None`.
    Freed,
    /// Never handed out: `KeyError`.
    Unknown,
}

/// A registry that refers to heap objects weakly: an entry whose object was
/// freed stays, dead, so its handle is never reused.
#[derive(Debug, Clone)]
pub struct Registry {
    next: i64,
    entries: Vec<(i64, usize)>,
}

/// The objects of a script: their kind and whether they are still alive.
#[derive(Debug, Clone, Default)]
pub struct Heap {
    objects: Vec<(Kind, bool)>,
}

impl Heap {
    pub fn new_object(&mut self, kind: Kind) -> usize {
        self.objects.push((kind, true));
        self.objects.len() - 1
    }

    pub fn free(&mut self, object: usize) {
        self.objects[object].1 = false;
    }

    pub fn alive(&self, object: usize) -> bool {
        self.objects[object].1
    }
}

impl Default for Registry {
    fn default() -> Registry {
        Registry::new()
    }
}

impl Registry {
    pub fn new() -> Registry {
        Registry {
            next: 1,
            entries: Vec::new(),
        }
    }

    /// The handle, or `None` for an object that cannot be weakly referenced
    /// (`TypeError`, and no handle used up).
    pub fn register(&mut self, heap: &Heap, object: usize) -> Option<i64> {
        if !heap.objects[object].0.weakly_referenceable() {
            return None;
        }
        if let Some(&(handle, _)) = self
            .entries
            .iter()
            .find(|&&(_, o)| o == object && heap.alive(o))
        {
            return Some(handle);
        }
        let handle = self.next;
        self.next += 1;
        self.entries.push((handle, object));
        Some(handle)
    }

    pub fn get(&self, heap: &Heap, handle: i64) -> Got {
        match self.entries.iter().find(|&&(h, _)| h == handle) {
            None => Got::Unknown,
            Some(&(_, o)) if heap.alive(o) => Got::Object(o),
            Some(_) => Got::Freed,
        }
    }

    pub fn alive(&self, heap: &Heap) -> Vec<i64> {
        self.entries
            .iter()
            .filter(|&&(_, o)| heap.alive(o))
            .map(|&(h, _)| h)
            .collect()
    }
}

/// Builds a registry script and its expectations side by side: the Rust
/// model takes each step as the child will.
struct Session {
    script: Script,
    heap: Heap,
    registries: Vec<Registry>,
    /// Heap object -> the name bound to it.
    names: Vec<String>,
}

impl Session {
    /// `r = Registry()` (and `r2 = Registry()`… for more).
    fn new(registries: usize) -> Session {
        let mut script = Script::new();
        for n in 0..registries {
            script = script.bind(&reg_name(n), Expr::name("Registry").call(vec![]));
        }
        Session {
            script,
            heap: Heap::default(),
            registries: vec![Registry::new(); registries],
            names: Vec::new(),
        }
    }

    fn take(&mut self) -> Script {
        std::mem::take(&mut self.script)
    }

    /// `oN = Kind()`: returns the object's number.
    fn new_object(&mut self, kind: Kind) -> usize {
        let object = self.heap.new_object(kind);
        let name = format!("o{}", object + 1);
        self.script = self.take().bind(&name, kind.expr());
        self.names.push(name);
        object
    }

    /// `wN = watch(oN)`: the harness's own weak reference.
    fn watch(&mut self, object: usize) {
        let name = self.names[object].replacen('o', "w", 1);
        self.script = self.take().bind(
            &name,
            Expr::fixture("watch").call(vec![Expr::var(&self.names[object])]),
        );
    }

    /// Observes `wN() is None`.
    fn observe_watch(&mut self, object: usize) {
        let name = self.names[object].replacen('o', "w", 1);
        let freed = !self.heap.alive(object);
        self.script = self.take().observe(
            Expr::var(&name).call(vec![]).is(Expr::lit(Value::None)),
            freed,
        );
    }

    fn register(&mut self, registry: usize, object: usize) {
        let expected = match self.registries[registry].register(&self.heap, object) {
            Some(handle) => Value::Int(handle),
            None => raises("TypeError"),
        };
        self.script = self.take().observe(
            Expr::var(&reg_name(registry)).method("register", vec![Expr::var(&self.names[object])]),
            expected,
        );
    }

    /// `oN = None; gc_collect()`: the last reference goes.
    fn drop_object(&mut self, object: usize) {
        self.heap.free(object);
        self.script = self
            .take()
            .bind(&self.names[object], Expr::lit(Value::None))
            .run(Expr::fixture("gc_collect").call(vec![]));
    }

    /// `r.get(h) is oN` while alive, else `r.get(h)` (None or KeyError).
    fn get(&mut self, registry: usize, handle: i64) {
        let call = Expr::var(&reg_name(registry)).method("get", vec![Expr::lit(handle)]);
        self.script = match self.registries[registry].get(&self.heap, handle) {
            Got::Object(o) => self
                .take()
                .observe(call.is(Expr::var(&self.names[o])), true),
            Got::Freed => self.take().observe(call, Value::None),
            Got::Unknown => self.take().observe(call, raises("KeyError")),
        };
    }

    fn len(&mut self, registry: usize) {
        let live = self.registries[registry].alive(&self.heap).len() as i64;
        self.script = self.take().observe(
            Expr::builtin("len").call(vec![Expr::var(&reg_name(registry))]),
            live,
        );
    }

    fn alive(&mut self, registry: usize) {
        let handles = self.registries[registry].alive(&self.heap);
        self.script = self.take().observe(
            Expr::var(&reg_name(registry)).method("alive", vec![]),
            Value::List(handles.into_iter().map(Value::Int).collect()),
        );
    }
}

fn reg_name(n: usize) -> String {
    if n == 0 {
        "r".to_string()
    } else {
        format!("r{}", n + 1)
    }
}

// ---- the Rust reference: the two collectors ------------------------------

/// A graph as the candidate receives it: each node's name and the names it
/// refers to, in insertion order.
pub type Graph = Vec<(String, Vec<String>)>;

/// Every node not reachable from `roots` (depth-first search).
pub fn unreachable(graph: &Graph, roots: &BTreeSet<String>) -> BTreeSet<String> {
    let edges: BTreeMap<&str, &Vec<String>> =
        graph.iter().map(|(n, e)| (n.as_str(), e)).collect();
    let mut reached = BTreeSet::new();
    let mut stack: Vec<&str> = roots.iter().map(String::as_str).collect();
    while let Some(node) = stack.pop() {
        if reached.insert(node) {
            stack.extend(edges[node].iter().map(String::as_str));
        }
    }
    graph
        .iter()
        .map(|(n, _)| n)
        .filter(|n| !reached.contains(n.as_str()))
        .cloned()
        .collect()
}

/// The nodes reference counting never frees: counts are edges, a freed node
/// drops one count per edge it held, and frees cascade.
pub fn refcount_leaks(graph: &Graph) -> BTreeSet<String> {
    let index: BTreeMap<&str, usize> = graph
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    let mut counts = vec![0usize; graph.len()];
    for (_, targets) in graph {
        for t in targets {
            counts[index[t.as_str()]] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..graph.len()).filter(|&i| counts[i] == 0).collect();
    let mut freed = vec![false; graph.len()];
    while let Some(node) = ready.pop() {
        freed[node] = true;
        for t in &graph[node].1 {
            let t = index[t.as_str()];
            counts[t] -= 1;
            if counts[t] == 0 {
                ready.push(t);
            }
        }
    }
    graph
        .iter()
        .zip(&freed)
        .filter(|(_, f)| !**f)
        .map(|((n, _), _)| n.clone())
        .collect()
}

fn graph_value(graph: &Graph) -> Value {
    Value::Dict(
        graph
            .iter()
            .map(|(n, e)| {
                (
                    Value::str(n),
                    Value::List(e.iter().map(Value::str).collect()),
                )
            })
            .collect(),
    )
}

fn names_value(names: &BTreeSet<String>) -> Value {
    Value::Set(names.iter().map(Value::str).collect())
}

/// `unreachable(graph, roots)`, then (when `unchanged`) both inputs again.
fn unreachable_script(graph: &Graph, roots: &[&str], unchanged: bool) -> Script {
    let roots: BTreeSet<String> = roots.iter().map(|r| r.to_string()).collect();
    let script = Script::new()
        .bind("graph", Expr::Lit(graph_value(graph)))
        .bind("roots", Expr::Lit(names_value(&roots)))
        .observe(
            Expr::name("unreachable").call(vec![Expr::var("graph"), Expr::var("roots")]),
            names_value(&unreachable(graph, &roots)),
        );
    if unchanged {
        script
            .observe(Expr::var("graph"), graph_value(graph))
            .observe(Expr::var("roots"), names_value(&roots))
    } else {
        script
    }
}

/// `refcount_leaks(graph)`, then (when `unchanged`) the graph again.
fn leaks_script(graph: &Graph, unchanged: bool) -> Script {
    let script = Script::new()
        .bind("graph", Expr::Lit(graph_value(graph)))
        .observe(
            Expr::name("refcount_leaks").call(vec![Expr::var("graph")]),
            names_value(&refcount_leaks(graph)),
        );
    if unchanged {
        script.observe(Expr::var("graph"), graph_value(graph))
    } else {
        script
    }
}

/// A graph from `(node, [targets])` literals.
fn graph(nodes: &[(&str, &[&str])]) -> Graph {
    nodes
        .iter()
        .map(|(n, e)| (n.to_string(), e.iter().map(|t| t.to_string()).collect()))
        .collect()
}

// ---- checks --------------------------------------------------------------

fn registry_basics() -> Vec<Script> {
    let mut s = Session::new(1);
    let a = s.new_object(Kind::Thing);
    let b = s.new_object(Kind::Thing);
    let c = s.new_object(Kind::SelfRef);
    s.register(0, a);
    s.register(0, b);
    s.register(0, c);
    s.get(0, 2);
    s.get(0, 1);
    s.get(0, 3);
    s.len(0);
    s.alive(0);
    vec![s.take()]
}

fn registry_separate() -> Vec<Script> {
    let mut s = Session::new(2);
    let a = s.new_object(Kind::Thing);
    let b = s.new_object(Kind::Thing);
    s.register(0, a);
    s.register(1, b);
    s.register(1, a);
    s.get(0, 1);
    s.get(1, 1);
    s.get(1, 2);
    s.len(0);
    s.alive(1);
    vec![s.take()]
}

fn registry_same_object() -> Vec<Script> {
    let mut s = Session::new(1);
    let a = s.new_object(Kind::Thing);
    s.register(0, a);
    s.register(0, a);
    s.len(0);
    s.alive(0);
    let mut u = Session::new(1);
    let x = u.new_object(Kind::Unhashable);
    let y = u.new_object(Kind::Unhashable);
    u.register(0, x);
    u.register(0, y);
    u.register(0, x);
    u.register(0, y);
    u.get(0, 2);
    u.len(0);
    vec![s.take(), u.take()]
}

fn registry_frees(kind: Kind) -> Vec<Script> {
    let mut s = Session::new(1);
    let a = s.new_object(kind);
    s.watch(a);
    s.register(0, a);
    s.drop_object(a);
    s.observe_watch(a);
    s.get(0, 1);
    s.len(0);
    s.alive(0);
    vec![s.take()]
}

fn registry_skip_freed() -> Vec<Script> {
    let mut s = Session::new(1);
    let a = s.new_object(Kind::Thing);
    let b = s.new_object(Kind::SelfRef);
    let c = s.new_object(Kind::Unhashable);
    s.register(0, a);
    s.register(0, b);
    s.register(0, c);
    s.drop_object(b);
    s.len(0);
    s.alive(0);
    s.get(0, 2);
    s.get(0, 3);
    let d = s.new_object(Kind::Thing);
    s.register(0, d);
    s.drop_object(a);
    s.alive(0);
    s.len(0);
    vec![s.take()]
}

fn registry_unknown() -> Vec<Script> {
    let mut s = Session::new(1);
    s.get(0, 1);
    let a = s.new_object(Kind::Thing);
    s.register(0, a);
    s.get(0, 0);
    s.get(0, 2);
    s.drop_object(a);
    s.get(0, 1);
    s.get(0, 2);
    vec![s.take()]
}

fn registry_refuses() -> Vec<Script> {
    let mut s = Session::new(1);
    let l = s.new_object(Kind::List);
    let n = s.new_object(Kind::Int);
    s.register(0, l);
    s.register(0, n);
    let a = s.new_object(Kind::Thing);
    s.register(0, a);
    s.register(0, l);
    let b = s.new_object(Kind::Thing);
    s.register(0, b);
    s.len(0);
    s.alive(0);
    vec![s.take()]
}

/// A random sequence of registry operations, checked step by step.
fn random_registry(rng: &mut Rng) -> Script {
    let mut s = Session::new(1);
    let mut live: Vec<usize> = Vec::new();
    for _ in 0..rng.random_range(6..16) {
        match rng.random_range(0..10) {
            0..=2 => {
                let kind = match rng.random_range(0..9) {
                    0..=2 => Kind::Thing,
                    3..=4 => Kind::SelfRef,
                    5..=6 => Kind::Unhashable,
                    7 => Kind::List,
                    _ => Kind::Int,
                };
                let o = s.new_object(kind);
                s.register(0, o);
                live.push(o);
            }
            3 if !live.is_empty() => {
                let o = live[rng.random_range(0..live.len())];
                s.register(0, o);
            }
            4..=5 if !live.is_empty() => {
                let o = live.remove(rng.random_range(0..live.len()));
                s.drop_object(o);
            }
            6..=7 => {
                let top = s.registries[0].next;
                s.get(0, rng.random_range(0..=top));
            }
            8 => s.len(0),
            _ => s.alive(0),
        }
    }
    s.len(0);
    s.alive(0);
    s.take()
}

fn random_graph(rng: &mut Rng) -> Graph {
    let n = rng.random_range(1..9);
    let names: Vec<String> = (0..n)
        .map(|i| char::from(b'a' + i as u8).to_string())
        .collect();
    names
        .iter()
        .map(|name| {
            let degree = rng.random_range(0..3);
            let targets = (0..degree)
                .map(|_| names[rng.random_range(0..n)].clone())
                .collect();
            (name.clone(), targets)
        })
        .collect()
}

fn random_roots(rng: &mut Rng, graph: &Graph) -> Vec<String> {
    graph
        .iter()
        .filter(|_| rng.random_range(0..4) == 0)
        .map(|(n, _)| n.clone())
        .collect()
}

impl ScriptedExercise for Memory {
    fn id(&self) -> &'static str {
        "memory"
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let chain = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &[]), ("d", &["a"])]);
        let mixed = graph(&[
            ("a", &["b"]),
            ("b", &["a", "c"]),
            ("c", &[]),
            ("d", &["a"]),
            ("e", &["e"]),
            ("f", &["g"]),
            ("g", &["f", "h"]),
            ("h", &[]),
        ]);
        let duplicates = graph(&[
            ("a", &["b", "b"]),
            ("b", &["d"]),
            ("c", &["c", "d"]),
            ("d", &[]),
        ]);
        let shared = graph(&[
            ("x", &["y", "y", "z"]),
            ("y", &[]),
            ("z", &["z", "y"]),
        ]);
        vec![
            Check::new(
                "registry_register_and_get",
                "Registry hands out 1, 2, 3 and get returns the very object",
                2,
                registry_basics(),
            ),
            Check::new(
                "registry_each_registry_its_own_handles",
                "each Registry numbers its own handles from 1",
                1,
                registry_separate(),
            ),
            Check::new(
                "registry_same_object_same_handle",
                "registering an object again returns its handle; equal objects are still different",
                2,
                registry_same_object(),
            ),
            Check::new(
                "registry_does_not_keep_objects_alive",
                "an object whose last reference is dropped is freed: get gives None",
                3,
                registry_frees(Kind::Thing),
            ),
            Check::new(
                "registry_cycles_freed_by_gc",
                "an object in a reference cycle is freed by gc.collect() despite the registry",
                2,
                registry_frees(Kind::SelfRef),
            ),
            Check::new(
                "registry_len_and_alive_skip_freed",
                "len and alive() count only live objects; handles are never reused",
                2,
                registry_skip_freed(),
            ),
            Check::new(
                "registry_unknown_handle_raises",
                "get of a handle never handed out raises KeyError (a freed one gives None)",
                1,
                registry_unknown(),
            ),
            Check::new(
                "registry_refuses_what_cannot_be_weakly_referenced",
                "registering a list or an int raises TypeError and uses up no handle",
                1,
                registry_refuses(),
            ),
            Check::new(
                "unreachable_from_roots",
                "unreachable returns what no root reaches, through any number of steps",
                2,
                vec![
                    unreachable_script(&chain, &["a"], false),
                    unreachable_script(&chain, &["d"], false),
                    unreachable_script(&chain, &["c"], false),
                    unreachable_script(&mixed, &["d", "h"], false),
                    unreachable_script(&mixed, &["g"], false),
                ],
            ),
            Check::new(
                "unreachable_edge_cases",
                "no roots frees everything; cycles and self references are no roots",
                1,
                vec![
                    unreachable_script(&mixed, &[], false),
                    unreachable_script(&graph(&[]), &[], false),
                    unreachable_script(&graph(&[("s", &["s"]), ("t", &["s"])]), &["s"], false),
                ],
            ),
            Check::new(
                "refcount_leaks_cycles_and_what_they_hold",
                "refcount_leaks keeps cycles and everything they refer to, frees the rest in cascade",
                3,
                vec![
                    leaks_script(&chain, false),
                    leaks_script(&mixed, false),
                    leaks_script(&graph(&[("s", &["s"]), ("t", &["s"])]), false),
                    leaks_script(&graph(&[]), false),
                ],
            ),
            Check::new(
                "refcount_leaks_counts_every_edge",
                "a node named twice holds two references, and freeing it drops both",
                2,
                vec![leaks_script(&duplicates, false), leaks_script(&shared, false)],
            ),
            Check::new(
                "graph_inputs_not_modified",
                "unreachable and refcount_leaks leave the graph and the roots as they were",
                1,
                vec![
                    unreachable_script(&mixed, &["a", "f"], true),
                    leaks_script(&mixed, true),
                    leaks_script(&chain, true),
                ],
            ),
        ]
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let registry = (0..8).map(|_| random_registry(rng)).collect();
        let mut reach = Vec::new();
        let mut leaks = Vec::new();
        for _ in 0..12 {
            let g = random_graph(rng);
            let roots = random_roots(rng, &g);
            let roots: Vec<&str> = roots.iter().map(String::as_str).collect();
            reach.push(unreachable_script(&g, &roots, false));
            leaks.push(leaks_script(&random_graph(rng), false));
        }
        vec![
            Check::new(
                "registry_random",
                "Registry through random registrations, frees and lookups",
                3,
                registry,
            ),
            Check::new(
                "unreachable_random",
                "unreachable on random graphs and roots",
                2,
                reach,
            ),
            Check::new(
                "refcount_leaks_random",
                "refcount_leaks on random graphs",
                2,
                leaks,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn unreachable_follows_edges_from_the_roots() {
        let g = graph(&[("a", &["b"]), ("b", &[]), ("c", &["c"]), ("d", &["a"])]);
        assert_eq!(unreachable(&g, &set(&["a"])), set(&["c", "d"]));
        assert_eq!(unreachable(&g, &set(&["d"])), set(&["c"]));
        assert_eq!(unreachable(&g, &set(&[])), set(&["a", "b", "c", "d"]));
    }

    #[test]
    fn refcount_leaks_keeps_cycles_and_what_they_hold() {
        let g = graph(&[("a", &["b"]), ("b", &["a", "c"]), ("c", &[]), ("d", &["a"])]);
        assert_eq!(refcount_leaks(&g), set(&["a", "b", "c"]));
        let chain = graph(&[("a", &["b"]), ("b", &["c"]), ("c", &[])]);
        assert!(refcount_leaks(&chain).is_empty());
        let selfish = graph(&[("s", &["s"]), ("t", &["s"])]);
        assert_eq!(refcount_leaks(&selfish), set(&["s"]));
        // Two edges from a to b: freeing a drops both.
        let twice = graph(&[("a", &["b", "b"]), ("b", &[])]);
        assert!(refcount_leaks(&twice).is_empty());
        // b is held twice by a and once by the cycle c: it stays.
        let held = graph(&[("a", &["b", "b"]), ("b", &[]), ("c", &["c", "b"])]);
        assert_eq!(refcount_leaks(&held), set(&["b", "c"]));
    }

    #[test]
    fn the_registry_model_frees_and_never_reuses_handles() {
        let mut heap = Heap::default();
        let mut r = Registry::new();
        let a = heap.new_object(Kind::Thing);
        let l = heap.new_object(Kind::List);
        assert_eq!(r.register(&heap, l), None);
        assert_eq!(r.register(&heap, a), Some(1));
        assert_eq!(r.register(&heap, a), Some(1));
        heap.free(a);
        assert_eq!(r.get(&heap, 1), Got::Freed);
        assert_eq!(r.get(&heap, 2), Got::Unknown);
        let b = heap.new_object(Kind::Unhashable);
        assert_eq!(r.register(&heap, b), Some(2));
        assert_eq!(r.alive(&heap), vec![2]);
    }

    #[test]
    fn a_session_describes_the_python_it_runs() {
        let mut s = Session::new(1);
        let a = s.new_object(Kind::Thing);
        s.watch(a);
        s.register(0, a);
        s.drop_object(a);
        s.observe_watch(a);
        s.get(0, 1);
        assert_eq!(
            s.take().describe(),
            "r = Registry(); o1 = Thing(); w1 = watch(o1); r.register(o1); o1 = None; \
             gc_collect(); w1() is None; r.get(1)"
        );
    }
}
