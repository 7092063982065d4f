//! `generators` (questions 7 and 25): lazy batching, an infinite sequence,
//! recursive delegation with `yield from`, and a coroutine driven by `send`.
//!
//! Reference: [`chunked`], an iterator adaptor that pulls at most `size` items
//! per chunk (observed through [`Counting`], a pull-counting iterator);
//! [`Fibonacci`], an endless iterator over exact integers; [`Flatten`], a
//! lazy walk over nested [`Value`] lists and tuples with an explicit stack;
//! and [`RunningMean`], the state machine of the coroutine. Random means are
//! multiples of 1/8, so every correct solution computes them exactly.

use std::cell::Cell;
use std::rc::Rc;

use pyo3::prelude::*;
use rand::RngExt;

use crate::driver::{Candidate, Observed, Source, is_generator};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct Generators;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<Generators> = Scripted(Generators);

/// The scripts' Python helpers. `endless()` is the source of the laziness
/// checks, wrapped in a native counting iterator (`Expr::Counting`, which
/// counts pulls in Rust); it fails fast after 10,000 items: a solution that
/// reads the whole input gets an error saying so instead of hanging until
/// the deadline with ever more memory. `Point` is a tuple subclass;
/// `deep(n)` builds `n` levels of nesting in the child (the JSON of a
/// 100-deep value would exceed serde_json's recursion limit).
const FIXTURES: &str = r#"
import itertools
from collections import namedtuple

LIMIT = 10_000


class EndlessSourceOverread(Exception):
    """A lazy consumer read far more than it needed."""


def endless():
    """0, 1, 2, ... as far as any lazy consumer goes."""
    for i in itertools.count():
        if i >= LIMIT:
            raise EndlessSourceOverread(
                f"read {LIMIT} items of an endless iterator: "
                "pull only the items the next chunk needs"
            )
        yield i


Point = namedtuple("Point", "x y")


def deep(depth):
    """[1, (2, [3, ... [depth] ..., -3], -2), -1]: lists and tuples alternating."""
    depth = max(depth, 1)
    value = [depth]
    for level in range(depth - 1, 0, -1):
        items = [level, value, -level]
        value = items if level % 2 == 1 else tuple(items)
    return value
"#;

/// One call of a check, as the Rust reference reads it; [`script`] turns it
/// into the steps the child runs, with what each must observe.
#[derive(Debug, Clone)]
pub enum Call {
    /// `list(chunked(items, size))`, `size >= 1`.
    Chunked {
        items: Vec<Value>,
        size: i64,
        source: Source,
    },
    /// `next(chunked([1, 2, 3], size))` with `size < 1`.
    ChunkedBadSize { size: i64 },
    /// `chunked` over an endless counting iterator: pulls before and after
    /// each of `nexts` calls of `next`.
    ChunkedLazy { size: i64, nexts: usize },
    /// The first `terms` values of `fibonacci()`, by repeated `next`.
    Fibonacci { terms: usize },
    /// Two generators at once: `first` values of one, then `second` of another.
    FibonacciTwice { first: usize, second: usize },
    /// `list(flatten(nested))`.
    Flatten { nested: Value },
    /// `list(flatten(deep(depth)))`; built by the `deep` fixture (the JSON
    /// of a 100-deep value would exceed serde_json's recursion limit).
    FlattenDeep { depth: usize },
    /// `list(flatten(nested))` with every 2-tuple a namedtuple `Point`.
    FlattenPoints { nested: Value },
    /// `v = nested; g = flatten(v); next(g)`, then `appended` goes onto the
    /// list at `path` (indices from the top), which the walk has not reached
    /// yet; then `list(g)`.
    FlattenLazy {
        nested: Vec<Value>,
        path: Vec<usize>,
        appended: Value,
    },
    /// `g = flatten(nested)`: a generator; after `next(g)`, delegating with
    /// `yield from` through every level it is inside.
    FlattenDelegates { nested: Value },
    /// `m = running_mean(); next(m)`, then `m.send(x)` for each value.
    RunningMean { sends: Vec<Value> },
}

// ---- the Rust reference -------------------------------------------------

/// The list or tuple at `path` (indices from the top) inside `value`.
fn at_path_mut<'v>(value: &'v mut Value, path: &[usize]) -> Option<&'v mut Value> {
    let mut current = value;
    for index in path {
        current = match current {
            Value::List(items) | Value::Tuple(items) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(current)
}

/// `chunked(iterable, size)` with `size < 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidSize(pub i64);

/// Lists of `size` consecutive items, the last one possibly shorter.
pub struct Chunked<I> {
    source: I,
    size: usize,
}

pub fn chunked<I: IntoIterator>(
    iterable: I,
    size: i64,
) -> Result<Chunked<I::IntoIter>, InvalidSize> {
    match usize::try_from(size) {
        Ok(size) if size >= 1 => Ok(Chunked {
            source: iterable.into_iter(),
            size,
        }),
        _ => Err(InvalidSize(size)),
    }
}

impl<I: Iterator> Iterator for Chunked<I> {
    type Item = Vec<I::Item>;

    fn next(&mut self) -> Option<Vec<I::Item>> {
        // `take` stops after `size` items without pulling one more.
        let chunk: Vec<I::Item> = self.source.by_ref().take(self.size).collect();
        (!chunk.is_empty()).then_some(chunk)
    }
}

/// An iterator that counts the items pulled from it (the harness's
/// `CountingIterator`); the count is shared with whoever holds [`Counting::pulls`].
pub struct Counting<I> {
    inner: I,
    pulls: Rc<Cell<usize>>,
}

impl<I> Counting<I> {
    pub fn new(inner: I) -> Self {
        Counting {
            inner,
            pulls: Rc::new(Cell::new(0)),
        }
    }

    pub fn pulls(&self) -> Rc<Cell<usize>> {
        Rc::clone(&self.pulls)
    }
}

impl<I: Iterator> Iterator for Counting<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.inner.next()?;
        self.pulls.set(self.pulls.get() + 1);
        Some(item)
    }
}

/// 0, 1, 1, 2, 3, 5, … as exact integers (`u128` holds the first 186).
#[derive(Debug, Clone)]
pub struct Fibonacci {
    current: Option<u128>,
    following: Option<u128>,
}

pub fn fibonacci() -> Fibonacci {
    Fibonacci {
        current: Some(0),
        following: Some(1),
    }
}

impl Iterator for Fibonacci {
    type Item = u128;

    fn next(&mut self) -> Option<u128> {
        let current = self.current?;
        let sum = self.following.and_then(|f| current.checked_add(f));
        self.current = self.following;
        self.following = sum;
        Some(current)
    }
}

/// The leaves of nested lists and tuples, in order, one at a time: an
/// explicit stack of the sequences being walked (what `yield from` keeps as
/// a chain of suspended generators).
pub struct Flatten<'a> {
    stack: Vec<std::slice::Iter<'a, Value>>,
    single: Option<&'a Value>,
}

pub fn flatten(nested: &Value) -> Flatten<'_> {
    match nested {
        Value::List(items) | Value::Tuple(items) => Flatten {
            stack: vec![items.iter()],
            single: None,
        },
        leaf => Flatten {
            stack: vec![],
            single: Some(leaf),
        },
    }
}

impl Flatten<'_> {
    /// How many sequences are open: more than one means the walk is inside
    /// a sub-list, where the generator delegates with `yield from`.
    pub fn open(&self) -> usize {
        self.stack.len()
    }
}

impl<'a> Iterator for Flatten<'a> {
    type Item = &'a Value;

    fn next(&mut self) -> Option<&'a Value> {
        if let Some(leaf) = self.single.take() {
            return Some(leaf);
        }
        while let Some(top) = self.stack.last_mut() {
            match top.next() {
                None => {
                    self.stack.pop();
                }
                Some(Value::List(items) | Value::Tuple(items)) => self.stack.push(items.iter()),
                Some(leaf) => return Some(leaf),
            }
        }
        None
    }
}

/// The coroutine's state: the sum and count of the values sent so far.
#[derive(Debug, Default)]
pub struct RunningMean {
    total: f64,
    count: u32,
}

impl RunningMean {
    /// What the priming `next()` yields: nothing has been sent yet.
    pub fn prime(&self) -> Option<f64> {
        (self.count > 0).then(|| self.total / f64::from(self.count))
    }

    /// `send(x)`: the mean of every value sent so far.
    pub fn send(&mut self, x: f64) -> f64 {
        self.total += x;
        self.count += 1;
        self.total / f64::from(self.count)
    }
}

// ---- checks, expectations and the driver --------------------------------

fn ints(values: impl IntoIterator<Item = i64>) -> Vec<Value> {
    values.into_iter().map(Value::Int).collect()
}

fn chars(text: &str) -> Vec<Value> {
    text.chars().map(|c| Value::str(c.to_string())).collect()
}

fn chunks(items: Vec<Value>, size: i64, source: Source) -> Call {
    Call::Chunked {
        items,
        size,
        source,
    }
}

fn number(n: u128) -> Value {
    i64::try_from(n).map_or_else(|_| Value::BigInt(n.to_string()), Value::Int)
}

fn as_f64(value: &Value) -> f64 {
    match value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        other => unreachable!("running_mean is sent numbers, not {}", other.repr()),
    }
}

/// A multiple of 1/8 as a value: an int when whole.
fn eighths(n: i64) -> Value {
    if n % 8 == 0 {
        Value::Int(n / 8)
    } else {
        Value::Float(n as f64 / 8.0)
    }
}

/// `[1, (2, [3, … [depth] …, -3], -2), -1]`: `depth` levels, lists and
/// tuples alternating, with a leaf after each sub-sequence too.
pub fn deep(depth: usize) -> Value {
    let depth = depth.max(1) as i64;
    let mut value = Value::List(vec![Value::Int(depth)]);
    for level in (1..depth).rev() {
        let items = vec![Value::Int(level), value, Value::Int(-level)];
        value = if level % 2 == 1 {
            Value::List(items)
        } else {
            Value::Tuple(items)
        };
    }
    value
}

/// A random nested value of lists, tuples and leaves (ints, strings, bytes).
fn random_nested(rng: &mut Rng, depth: u32) -> Value {
    let leaf = |rng: &mut Rng| match rng.random_range(0..6) {
        0 => Value::str(["ab", "", "x"][rng.random_range(0..3)]),
        1 => Value::Bytes([&b"cd"[..], b"", b"z"][rng.random_range(0..3)].to_vec()),
        _ => Value::Int(rng.random_range(-9..50)),
    };
    if depth == 0 || rng.random_bool(0.35) {
        return leaf(rng);
    }
    let items = (0..rng.random_range(0..4))
        .map(|_| random_nested(rng, depth - 1))
        .collect();
    if rng.random_bool(0.6) {
        Value::List(items)
    } else {
        Value::Tuple(items)
    }
}


impl ScriptedExercise for Generators {
    fn id(&self) -> &'static str {
        "generators"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        fixed().into_iter().map(|c| c.map(script)).collect()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated(rng).into_iter().map(|c| c.map(script)).collect()
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn probe<'py>(
        &self,
        _candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        match (name, args) {
            (DELEGATES, [g, levels]) => delegates(g, levels.extract()?),
            _ => Err(crate::exercise::unknown_probe(name, args.len())),
        }
    }
}

/// The probe of `flatten_delegates`: `g` and the number of sequences the
/// walk is inside at its first leaf (the reference's [`Flatten::open`]).
const DELEGATES: &str = "delegates";

/// Whether `g` is a generator delegating to generators, from `g` down, with
/// a `yield from` at every level: the chain of `gi_yieldfrom` reaches the
/// innermost list the first leaf is in (one hop fewer where a leaf is
/// yielded directly rather than from a generator of its own). Every hop is
/// checked against the generator type itself, so an iterator class with a
/// `gi_yieldfrom` attribute cannot pass.
fn delegates(g: &Bound<'_, PyAny>, levels: usize) -> Observed {
    let g_is_generator = is_generator(g)?;
    let mut hops = 0;
    let mut current = g.clone();
    while is_generator(&current)? {
        let inner = current.getattr("gi_yieldfrom")?;
        if !is_generator(&inner)? {
            break;
        }
        hops += 1;
        current = inner;
    }
    Ok(Value::Bool(g_is_generator && hops + 1 >= levels))
}

/// The `n` next items of the iterator bound to `var`, observed as `items`:
/// `next(g)` for one, `[next(g) for _ in range(n)]` for more.
fn next_items(script: Script, var: &str, items: Vec<Value>) -> Script {
    match <[Value; 1]>::try_from(items) {
        Ok([item]) => script.observe(Expr::var(var).next(), item),
        Err(items) => script.observe(Expr::var(var).take(items.len()), Value::List(items)),
    }
}

/// `list(it)` for an iterator that must yield `items` and end: read at most
/// one item more (then `...` if it still goes on), so an endless one ends too.
fn list_of(it: Expr, items: Vec<Value>) -> (Expr, Value) {
    (it.list_of(items.len() + 1), Value::List(items))
}

/// The value as expressions, every 2-tuple built as the namedtuple `Point`.
fn with_points(value: &Value) -> Expr {
    let all = |items: &[Value]| items.iter().map(with_points).collect::<Vec<_>>();
    match value {
        Value::List(items) => Expr::List(all(items)),
        Value::Tuple(items) if items.len() == 2 => Expr::fixture("Point").call(all(items)),
        Value::Tuple(items) => Expr::Tuple(all(items)),
        other => Expr::Lit(other.clone()),
    }
}

/// The call as steps, each with what the reference observes there.
fn script(call: &Call) -> Script {
    match call {
        Call::Chunked {
            items,
            size,
            source,
        } => {
            let call = Expr::name("chunked")
                .call(vec![Expr::Items(*source, items.clone()), Expr::lit(*size)]);
            match chunked(items.iter().cloned(), *size) {
                // Never more chunks than items (+1 to see an extra one): a
                // solution that yields empty chunks forever still ends. Like
                // list(): every chunk first, then their contents, so a
                // solution that reuses one list object shows it.
                Ok(chunks) => {
                    let (list, expected) = list_of(call, chunks.map(Value::List).collect());
                    Script::new().observe(list, expected)
                }
                Err(InvalidSize(_)) => Script::new().observe(call, raises("ValueError")),
            }
        }
        Call::ChunkedBadSize { size } => {
            let expected = match chunked(ints([1, 2, 3]), *size) {
                Ok(mut chunks) => chunks
                    .next()
                    .map_or(raises("StopIteration"), Value::List),
                Err(InvalidSize(_)) => raises("ValueError"),
            };
            Script::new().observe(
                Expr::name("chunked")
                    .call(vec![Expr::Lit(Value::List(ints([1, 2, 3]))), Expr::lit(*size)])
                    .next(),
                expected,
            )
        }
        Call::ChunkedLazy { size, nexts } => {
            // The count is kept in Rust, out of the candidate's reach.
            let it = || Expr::var("it");
            let pulled = || Expr::Pulls(Box::new(it()));
            let script = Script::new().bind(
                "it",
                Expr::Counting(Box::new(Expr::fixture("endless").call(vec![]))),
            );
            let call = Expr::name("chunked").call(vec![it(), Expr::lit(*size)]);
            let source = Counting::new(0i64..);
            let pulls = source.pulls();
            let count = |pulls: &Rc<Cell<usize>>| Value::Int(pulls.get() as i64);
            let mut chunks = match chunked(source, *size) {
                Ok(chunks) => chunks,
                Err(InvalidSize(_)) => return script.observe(call, raises("ValueError")),
            };
            let mut script = script.bind("g", call).observe(pulled(), count(&pulls));
            for _ in 0..*nexts {
                let chunk = chunks.next().expect("an endless source never runs out");
                script = script
                    .observe(Expr::var("g").next(), Value::List(ints(chunk)))
                    .observe(pulled(), count(&pulls));
            }
            script
        }
        Call::Fibonacci { terms } => next_items(
            Script::new().bind("g", Expr::name("fibonacci").call(vec![])),
            "g",
            fibonacci().take(*terms).map(number).collect(),
        ),
        Call::FibonacciTwice { first, second } => {
            let script = Script::new()
                .bind("a", Expr::name("fibonacci").call(vec![]))
                .bind("b", Expr::name("fibonacci").call(vec![]));
            let script = next_items(script, "a", fibonacci().take(*first).map(number).collect());
            next_items(script, "b", fibonacci().take(*second).map(number).collect())
        }
        Call::Flatten { nested } => {
            let (list, expected) = list_of(
                Expr::name("flatten").call(vec![Expr::Lit(nested.clone())]),
                flatten(nested).cloned().collect(),
            );
            Script::new().observe(list, expected)
        }
        Call::FlattenPoints { nested } => {
            let (list, expected) = list_of(
                Expr::name("flatten").call(vec![with_points(nested)]),
                flatten(nested).cloned().collect(),
            );
            Script::new().observe(list, expected)
        }
        Call::FlattenDeep { depth } => {
            let (list, expected) = list_of(
                Expr::name("flatten").call(vec![Expr::var("v")]),
                flatten(&deep(*depth)).cloned().collect(),
            );
            // deep(3) first, so the candidate reads what deep(n) builds.
            let deep_of = |n: usize| Expr::fixture("deep").call(vec![Expr::lit(n as i64)]);
            Script::new()
                .observe(deep_of(3), deep(3))
                .bind("v", deep_of(*depth))
                .observe(list, expected)
        }
        Call::FlattenLazy {
            nested,
            path,
            appended,
        } => {
            let before = Value::List(nested.clone());
            let first = flatten(&before).next().cloned();
            // What is not reached yet is read in its state when reached.
            let mut after = Value::List(nested.clone());
            if let Some(Value::List(target)) = at_path_mut(&mut after, path) {
                target.push(appended.clone());
            }
            let target = path
                .iter()
                .fold(Expr::var("v"), |of, i| of.item(Expr::lit(*i as i64)));
            let (rest, expected_rest) =
                list_of(Expr::var("g"), flatten(&after).skip(1).cloned().collect());
            Script::new()
                .bind("v", Expr::Lit(before.clone()))
                .bind("g", Expr::name("flatten").call(vec![Expr::var("v")]))
                .observe(
                    Expr::var("g").next(),
                    first.unwrap_or_else(|| raises("StopIteration")),
                )
                .run(target.method("append", vec![Expr::Lit(appended.clone())]))
                .observe(rest, expected_rest)
        }
        Call::FlattenDelegates { nested } => {
            let mut walk = flatten(nested);
            let first = walk.next().cloned();
            let levels = walk.open();
            Script::new()
                .bind(
                    "g",
                    Expr::name("flatten").call(vec![Expr::Lit(nested.clone())]),
                )
                .observe(Expr::IsGenerator(Box::new(Expr::var("g"))), true)
                .observe(
                    Expr::var("g").next(),
                    first.unwrap_or_else(|| raises("StopIteration")),
                )
                .probe(
                    DELEGATES,
                    &format!(
                        "g.gi_yieldfrom, its gi_yieldfrom, … are generators reaching all \
                         {levels} lists the first leaf is in"
                    ),
                    vec![Expr::var("g"), Expr::lit(levels as i64)],
                    Value::Bool(true),
                )
        }
        Call::RunningMean { sends } => {
            let mut mean = RunningMean::default();
            let m = || Expr::var("m");
            let mut script = Script::new()
                .bind("m", Expr::name("running_mean").call(vec![]))
                .observe(m().next(), mean.prime().map_or(Value::None, Value::Float));
            for x in sends {
                script = script.observe(
                    m().method("send", vec![Expr::Lit(x.clone())]),
                    Value::Float(mean.send(as_f64(x))),
                );
            }
            script
        }
    }
}

fn fixed() -> Vec<Check<Call>> {
        vec![
            Check::new(
                "chunked_sizes",
                "chunked yields lists of `size` items, the last one shorter",
                2,
                vec![
                    chunks(ints(0..7), 3, Source::List),
                    chunks(ints(0..6), 3, Source::List),
                    chunks(ints(0..3), 1, Source::List),
                    chunks(ints(0..2), 5, Source::List),
                ],
            ),
            Check::new(
                "chunked_empty",
                "chunked of an empty iterable yields nothing",
                1,
                vec![
                    chunks(vec![], 2, Source::List),
                    chunks(vec![], 1, Source::Generator),
                ],
            ),
            Check::new(
                "chunked_any_iterable",
                "chunked accepts a generator and a string",
                2,
                vec![
                    chunks(ints(0..5), 2, Source::Generator),
                    chunks(chars("abcde"), 2, Source::Str),
                ],
            ),
            Check::new(
                "chunked_lazy",
                "chunked pulls only `size` items per chunk, even from an endless iterator",
                3,
                vec![
                    Call::ChunkedLazy { size: 3, nexts: 2 },
                    Call::ChunkedLazy { size: 1, nexts: 3 },
                ],
            ),
            Check::new(
                "chunked_rejects_size_below_1",
                "chunked with size < 1 raises ValueError",
                2,
                vec![
                    Call::ChunkedBadSize { size: 0 },
                    Call::ChunkedBadSize { size: -2 },
                ],
            ),
            Check::new(
                "fibonacci_sequence",
                "fibonacci yields 0, 1, 1, 2, 3, 5, …",
                2,
                vec![Call::Fibonacci { terms: 12 }, Call::Fibonacci { terms: 1 }],
            ),
            Check::new(
                "fibonacci_big_ints",
                "fibonacci yields exact ints past 2**64",
                1,
                vec![Call::Fibonacci { terms: 100 }],
            ),
            Check::new(
                "fibonacci_restarts",
                "each fibonacci() starts again from 0",
                1,
                vec![Call::FibonacciTwice {
                    first: 5,
                    second: 3,
                }],
            ),
            Check::new(
                "flatten_leaves",
                "flatten yields the leaves of nested lists and tuples in order",
                2,
                vec![
                    Call::Flatten {
                        nested: Value::List(vec![
                            Value::Int(1),
                            Value::List(vec![
                                Value::Int(2),
                                Value::Tuple(vec![Value::Int(3), Value::Int(4)]),
                            ]),
                            Value::List(vec![]),
                            Value::Tuple(vec![Value::Tuple(vec![]), Value::Int(5)]),
                        ]),
                    },
                    Call::Flatten {
                        nested: Value::List(vec![]),
                    },
                ],
            ),
            Check::new(
                "flatten_keeps_strings",
                "flatten keeps strings and bytes whole",
                2,
                vec![Call::Flatten {
                    nested: Value::List(vec![
                        Value::str("ab"),
                        Value::List(vec![
                            Value::Bytes(b"cd".to_vec()),
                            Value::Tuple(vec![Value::str(""), Value::Bytes(vec![])]),
                        ]),
                        Value::str("e"),
                    ]),
                }],
            ),
            Check::new(
                "flatten_other_leaves",
                "flatten treats dicts, sets and other objects as leaves",
                1,
                vec![Call::Flatten {
                    nested: Value::List(vec![
                        Value::Dict(vec![(Value::str("a"), Value::Int(1))]),
                        Value::List(vec![
                            Value::Set(ints([1, 2])),
                            Value::None,
                            Value::Float(2.5),
                        ]),
                    ]),
                }],
            ),
            Check::new(
                "flatten_tuple_subclasses",
                "flatten opens tuple subclasses such as namedtuples",
                1,
                vec![Call::FlattenPoints {
                    nested: Value::List(vec![
                        Value::Tuple(vec![Value::Int(1), Value::List(ints([2, 3]))]),
                        Value::List(vec![Value::Tuple(vec![
                            Value::Tuple(vec![Value::Int(4)]),
                            Value::str("xy"),
                        ])]),
                    ]),
                }],
            ),
            Check::new(
                "flatten_scalar",
                "flatten of anything but a list or tuple yields that value alone",
                1,
                vec![
                    Call::Flatten {
                        nested: Value::Int(5),
                    },
                    Call::Flatten {
                        nested: Value::str("ab"),
                    },
                    Call::Flatten {
                        nested: Value::Bytes(b"xy".to_vec()),
                    },
                    Call::Flatten {
                        nested: Value::None,
                    },
                ],
            ),
            Check::new(
                "flatten_deep",
                "flatten handles 100 levels of nesting",
                2,
                vec![Call::FlattenDeep { depth: 100 }],
            ),
            Check::new(
                "flatten_lazy",
                "flatten is lazy at every depth: it reads a sub-list only when it gets there",
                2,
                vec![
                    Call::FlattenLazy {
                        nested: vec![Value::List(ints([1, 2])), Value::List(ints([3]))],
                        path: vec![1],
                        appended: Value::Int(4),
                    },
                    // Lazy below the top too: the list two levels down is
                    // read only when the walk gets there.
                    Call::FlattenLazy {
                        nested: vec![Value::List(vec![
                            Value::Int(1),
                            Value::List(vec![Value::Int(2), Value::List(ints([3]))]),
                        ])],
                        path: vec![0, 1, 1],
                        appended: Value::Int(99),
                    },
                ],
            ),
            Check::new(
                "flatten_delegates",
                "flatten is a generator that delegates with yield from at every level",
                1,
                vec![
                    Call::FlattenDelegates {
                        nested: Value::List(vec![Value::List(ints([1, 2])), Value::Int(3)]),
                    },
                    Call::FlattenDelegates {
                        nested: Value::List(vec![
                            Value::List(vec![Value::List(vec![Value::List(ints([1]))])]),
                            Value::Int(2),
                        ]),
                    },
                ],
            ),
            Check::new(
                "running_mean_primes",
                "running_mean's first next() yields None",
                1,
                vec![Call::RunningMean { sends: vec![] }],
            ),
            Check::new(
                "running_mean_means",
                "running_mean yields the mean of all values sent so far",
                3,
                vec![
                    Call::RunningMean {
                        sends: ints([10, 20, 0]),
                    },
                    Call::RunningMean {
                        sends: ints([4, 8]),
                    },
                    Call::RunningMean {
                        sends: vec![Value::Float(0.5), Value::Float(0.25), Value::Int(-3)],
                    },
                ],
            ),
        ]
    }

fn generated(rng: &mut Rng) -> Vec<Check<Call>> {
        let chunking = (0..25)
            .map(|_| {
                let len = rng.random_range(0..=20);
                let size = rng.random_range(1..=6);
                match rng.random_range(0..3) {
                    0 => chunks(
                        ints((0..len).map(|_| rng.random_range(-9..50))),
                        size,
                        Source::List,
                    ),
                    1 => chunks(
                        ints((0..len).map(|_| rng.random_range(-9..50))),
                        size,
                        Source::Generator,
                    ),
                    _ => {
                        let text: String = (0..len)
                            .map(|_| char::from(b'a' + rng.random_range(0..8u8)))
                            .collect();
                        chunks(chars(&text), size, Source::Str)
                    }
                }
            })
            .collect();
        let lazy = (0..6)
            .map(|_| Call::ChunkedLazy {
                size: rng.random_range(1..=6),
                nexts: rng.random_range(1..=4),
            })
            .collect();
        let fibonacci = (0..5)
            .map(|_| Call::Fibonacci {
                terms: rng.random_range(1..=90),
            })
            .collect();
        let flattening = (0..25)
            .map(|_| Call::Flatten {
                nested: Value::List(
                    (0..rng.random_range(0..5))
                        .map(|_| random_nested(rng, 4))
                        .collect(),
                ),
            })
            .collect();
        let means = (0..20)
            .map(|_| {
                // Target means m_k (in eighths) and x_k = k*m_k - (k-1)*m_{k-1}:
                // every partial sum and every mean is a small multiple of 1/8.
                let mut previous = 0i64;
                let sends = (1..=rng.random_range(1..=12i64))
                    .map(|k| {
                        let mean = rng.random_range(-80..=80i64);
                        let x = k * mean - (k - 1) * previous;
                        previous = mean;
                        eighths(x)
                    })
                    .collect();
                Call::RunningMean { sends }
            })
            .collect();
        vec![
            Check::new(
                "chunked_random",
                "chunked on random lists, generators and strings",
                3,
                chunking,
            ),
            Check::new(
                "chunked_lazy_random",
                "chunked laziness with random sizes",
                3,
                lazy,
            ),
            Check::new(
                "fibonacci_random",
                "fibonacci with random lengths",
                3,
                fibonacci,
            ),
            Check::new(
                "flatten_random",
                "flatten on random nested lists and tuples",
                3,
                flattening,
            ),
            Check::new(
                "running_mean_random",
                "running_mean on random sequences",
                3,
                means,
            ),
        ]
    }

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_pulls_only_what_each_chunk_needs() {
        let source = Counting::new(0..);
        let pulls = source.pulls();
        let mut chunks = chunked(source, 3).unwrap();
        assert_eq!(pulls.get(), 0);
        assert_eq!(chunks.next(), Some(vec![0, 1, 2]));
        assert_eq!(pulls.get(), 3);
        assert_eq!(chunked(0..5, 2).unwrap().last(), Some(vec![4]));
        assert_eq!(chunked(0..0, 2).unwrap().next(), None);
        assert!(chunked(0..3, 0).is_err());
    }

    #[test]
    fn fibonacci_is_exact_and_starts_at_zero() {
        let terms: Vec<u128> = fibonacci().take(8).collect();
        assert_eq!(terms, vec![0, 1, 1, 2, 3, 5, 8, 13]);
        assert_eq!(
            fibonacci().nth(99).map(number),
            Some(Value::BigInt("218922995834555169026".into()))
        );
        assert_eq!(
            fibonacci().nth(90).map(number),
            Some(Value::Int(2_880_067_194_370_816_120))
        );
    }

    #[test]
    fn flatten_walks_deep_values_in_order() {
        let leaves: Vec<Value> = flatten(&deep(4)).cloned().collect();
        assert_eq!(Value::List(leaves).repr(), "[1, 2, 3, 4, -3, -2, -1]");
        assert_eq!(deep(3).repr(), "[1, (2, [3], -2), -1]");
        let text = Value::str("ab");
        let single: Vec<&Value> = flatten(&text).collect();
        assert_eq!(single, vec![&text]);
    }

    #[test]
    fn scripts_read_as_the_python_they_run() {
        let points = script(&Call::FlattenPoints {
            nested: Value::List(vec![Value::Tuple(vec![
                Value::Tuple(vec![Value::Int(4)]),
                Value::str("xy"),
            ])]),
        });
        assert_eq!(points.describe(), "list(flatten([Point((4,), 'xy')]))");
        let one = script(&Call::Fibonacci { terms: 1 });
        assert_eq!(one.describe(), "g = fibonacci(); next(g)");
        assert_eq!(one.expected().repr(), "<[1] next(g)=0>");
    }

    #[test]
    fn running_mean_primes_with_none() {
        let mut mean = RunningMean::default();
        assert_eq!(mean.prime(), None);
        assert_eq!(mean.send(4.0), 4.0);
        assert_eq!(mean.send(8.0), 6.0);
    }
}
