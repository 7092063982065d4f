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
use pyo3::types::PyList;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::driver::{
    Candidate, Observed, PullCounter, Source, capture, extract, fixtures, is_generator, next_of,
    to_python,
};
use crate::exercise::{Check, Exercise, Rng};
use crate::value::Value;

pub struct Generators;

/// An endless source for the laziness checks. It is a [`PullCounter`]
/// (which counts pulls in Rust) over `endless()`, which fails fast
/// after 10,000 items: a solution that reads the whole input gets an error
/// saying so instead of hanging until the deadline with ever more memory.
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


def with_points(value):
    """The value with every 2-tuple, at any depth, a Point (a tuple subclass)."""
    if isinstance(value, list):
        return [with_points(item) for item in value]
    if isinstance(value, tuple):
        items = [with_points(item) for item in value]
        return Point(*items) if len(items) == 2 else tuple(items)
    return value
"#;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "fn", rename_all = "snake_case")]
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
    /// `list(flatten(deep(depth)))`; built by the driver (the JSON of a
    /// 100-deep value would exceed serde_json's recursion limit).
    FlattenDeep { depth: usize },
    /// `list(flatten(nested))` with every 2-tuple a namedtuple `Point`.
    FlattenPoints { nested: Value },
    /// `v = nested; g = flatten(v); next(g); v[-1].append(appended); list(g)`.
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

/// The literal of a value with every 2-tuple written as `Point(x, y)`.
fn with_points_literal(value: &Value) -> String {
    let join = |items: &[Value]| {
        items
            .iter()
            .map(with_points_literal)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match value {
        Value::List(items) => format!("[{}]", join(items)),
        Value::Tuple(items) if items.len() == 2 => format!("Point({})", join(items)),
        Value::Tuple(items) if items.len() == 1 => format!("({},)", join(items)),
        Value::Tuple(items) => format!("({})", join(items)),
        other => other.literal(),
    }
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

impl Exercise for Generators {
    type Call = Call;

    fn id(&self) -> &'static str {
        "generators"
    }

    fn fixed(&self) -> Vec<Check<Call>> {
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

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Call>> {
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

    fn expect(&self, call: &Call) -> Value {
        match call {
            Call::Chunked { items, size, .. } => match chunked(items.iter().cloned(), *size) {
                Ok(chunks) => Value::List(chunks.map(Value::List).collect()),
                Err(InvalidSize(_)) => Value::Raised("ValueError".into()),
            },
            Call::ChunkedBadSize { size } => match chunked(ints([1, 2, 3]), *size) {
                Ok(mut chunks) => chunks
                    .next()
                    .map_or(Value::Raised("StopIteration".into()), Value::List),
                Err(InvalidSize(_)) => Value::Raised("ValueError".into()),
            },
            Call::ChunkedLazy { size, nexts } => {
                let source = Counting::new(0i64..);
                let pulls = source.pulls();
                let mut chunks = match chunked(source, *size) {
                    Ok(chunks) => chunks,
                    Err(InvalidSize(_)) => return Value::Raised("ValueError".into()),
                };
                let before = pulls.get();
                let mut taken = Vec::new();
                let mut counts = Vec::new();
                for _ in 0..*nexts {
                    let chunk = chunks.next().expect("an endless source never runs out");
                    taken.push(Value::List(ints(chunk)));
                    counts.push(Value::Int(pulls.get() as i64));
                }
                Value::record([
                    ("pulls_before_next", Value::Int(before as i64)),
                    ("chunks", Value::List(taken)),
                    ("pulls_after_each", Value::List(counts)),
                ])
            }
            Call::Fibonacci { terms } => {
                Value::List(fibonacci().take(*terms).map(number).collect())
            }
            Call::FibonacciTwice { first, second } => {
                let a = fibonacci();
                let b = fibonacci();
                Value::Tuple(vec![
                    Value::List(a.take(*first).map(number).collect()),
                    Value::List(b.take(*second).map(number).collect()),
                ])
            }
            Call::Flatten { nested } | Call::FlattenPoints { nested } => {
                Value::List(flatten(nested).cloned().collect())
            }
            Call::FlattenDeep { depth } => Value::List(flatten(&deep(*depth)).cloned().collect()),
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
                Value::record([
                    (
                        "first",
                        first.unwrap_or(Value::Raised("StopIteration".into())),
                    ),
                    (
                        "rest",
                        Value::List(flatten(&after).skip(1).cloned().collect()),
                    ),
                ])
            }
            Call::FlattenDelegates { nested } => {
                let mut walk = flatten(nested);
                let first = walk.next().cloned().unwrap_or(Value::None);
                let _ = walk.open();
                Value::record([
                    ("is_generator", Value::Bool(true)),
                    ("first", first),
                    ("delegates_at_every_level", Value::Bool(true)),
                ])
            }
            Call::RunningMean { sends } => {
                let mut mean = RunningMean::default();
                let mut seen = vec![mean.prime().map_or(Value::None, Value::Float)];
                seen.extend(sends.iter().map(|x| Value::Float(mean.send(as_f64(x)))));
                Value::List(seen)
            }
        }
    }

    fn describe(&self, call: &Call) -> String {
        match call {
            Call::Chunked {
                items,
                size,
                source,
            } => format!("list(chunked({}, {size}))", source.describe(items)),
            Call::ChunkedBadSize { size } => format!("next(chunked([1, 2, 3], {size}))"),
            Call::ChunkedLazy { size, nexts } => {
                let mut steps = vec![
                    "it = CountingIterator(itertools.count())".to_string(),
                    format!("g = chunked(it, {size})"),
                    "it.pulls".into(),
                ];
                for _ in 0..*nexts {
                    steps.push("next(g)".into());
                    steps.push("it.pulls".into());
                }
                format!("{}  # it counts the items pulled from it", steps.join("; "))
            }
            Call::Fibonacci { terms } => {
                format!("g = fibonacci(); [next(g) for _ in range({terms})]")
            }
            Call::FibonacciTwice { first, second } => format!(
                "a = fibonacci(); b = fibonacci(); [next(a) for _ in range({first})], [next(b) for _ in range({second})]"
            ),
            Call::Flatten { nested } => format!("list(flatten({}))", nested.literal()),
            Call::FlattenPoints { nested } => format!(
                "list(flatten({}))  # Point = namedtuple('Point', 'x y')",
                with_points_literal(nested)
            ),
            Call::FlattenDeep { depth } => format!(
                "list(flatten([1, (2, [3, … [{depth}] …, -3], -2), -1]))  # {depth} levels of lists and tuples"
            ),
            Call::FlattenLazy {
                nested,
                path,
                appended,
            } => format!(
                "v = {}; g = flatten(v); next(g); v{}.append({}); list(g)",
                Value::List(nested.clone()).literal(),
                path.iter().map(|i| format!("[{i}]")).collect::<String>(),
                appended.literal()
            ),
            Call::FlattenDelegates { nested } => format!(
                "g = flatten({}); inspect.isgenerator(g), next(g), and g.gi_yieldfrom, its gi_yieldfrom, … reach every list the first leaf is in",
                nested.literal()
            ),
            Call::RunningMean { sends } => {
                let mut steps = vec!["m = running_mean()".to_string(), "next(m)".into()];
                steps.extend(sends.iter().map(|x| format!("m.send({})", x.literal())));
                steps.join("; ")
            }
        }
    }

    fn drive(&self, candidate: &Candidate<'_>, call: &Call) -> Observed {
        let py = candidate.py;
        match call {
            Call::Chunked {
                items,
                size,
                source,
            } => {
                let chunked = candidate.get("chunked")?;
                let source = source.build(candidate, items)?;
                let result = chunked.call1((source, *size))?;
                // Never more chunks than items (+1 to see an extra one, +1
                // more to tell "went on" from "stopped"): a solution that
                // yields empty chunks forever still ends here.
                // Like list(): every chunk first, then their contents, so a
                // solution that reuses one list object shows it.
                let limit = items.len() + 1;
                let taken = result
                    .try_iter()?
                    .take(limit + 1)
                    .collect::<PyResult<Vec<_>>>()?;
                let mut chunks: Vec<Value> = taken.iter().take(limit).map(extract).collect();
                if taken.len() > limit {
                    // It would have gone on: say so instead of showing a
                    // cut-off list as if it ended there.
                    chunks.push(Value::More);
                }
                Ok(Value::List(chunks))
            }
            Call::ChunkedBadSize { size } => {
                let chunked = candidate.get("chunked")?;
                let items = to_python(py, &Value::List(ints([1, 2, 3])))?;
                capture(py, || {
                    let result = chunked.call1((items, *size))?;
                    Ok(extract(&next_of(&result)?))
                })
            }
            Call::ChunkedLazy { size, nexts } => {
                let chunked = candidate.get("chunked")?;
                let fx = fixtures(py, "generators", FIXTURES)?;
                // The count is kept in Rust, out of the candidate's reach.
                let it = PullCounter::wrap(&fx.getattr("endless")?.call0()?)?;
                let result = chunked.call1((&it, *size))?;
                let pulls = || Value::Int(it.get().pulls() as i64);
                let before = pulls();
                let mut taken = Vec::new();
                let mut counts = Vec::new();
                for _ in 0..*nexts {
                    taken.push(extract(&next_of(&result)?));
                    counts.push(pulls());
                }
                Ok(Value::record([
                    ("pulls_before_next", before),
                    ("chunks", Value::List(taken)),
                    ("pulls_after_each", Value::List(counts)),
                ]))
            }
            Call::Fibonacci { terms } => {
                let g = candidate.get("fibonacci")?.call0()?;
                let values = (0..*terms)
                    .map(|_| next_of(&g).map(|v| extract(&v)))
                    .collect::<PyResult<Vec<_>>>()?;
                Ok(Value::List(values))
            }
            Call::FibonacciTwice { first, second } => {
                let fibonacci = candidate.get("fibonacci")?;
                let a = fibonacci.call0()?;
                let b = fibonacci.call0()?;
                let take = |g: &Bound<'_, PyAny>, n: usize| -> PyResult<Value> {
                    let values = (0..n)
                        .map(|_| next_of(g).map(|v| extract(&v)))
                        .collect::<PyResult<Vec<_>>>()?;
                    Ok(Value::List(values))
                };
                let from_a = take(&a, *first)?;
                let from_b = take(&b, *second)?;
                Ok(Value::Tuple(vec![from_a, from_b]))
            }
            Call::Flatten { nested } => {
                let flatten = candidate.get("flatten")?;
                let result = flatten.call1((to_python(py, nested)?,))?;
                let list = py.get_type::<PyList>().call1((result,))?;
                Ok(extract(&list))
            }
            Call::FlattenPoints { nested } => {
                let flatten = candidate.get("flatten")?;
                let fx = fixtures(py, "generators", FIXTURES)?;
                let value = fx
                    .getattr("with_points")?
                    .call1((to_python(py, nested)?,))?;
                let result = flatten.call1((value,))?;
                let list = py.get_type::<PyList>().call1((result,))?;
                Ok(extract(&list))
            }
            Call::FlattenDeep { depth } => {
                let flatten = candidate.get("flatten")?;
                let result = flatten.call1((to_python(py, &deep(*depth))?,))?;
                let list = py.get_type::<PyList>().call1((result,))?;
                Ok(extract(&list))
            }
            Call::FlattenLazy {
                nested,
                path,
                appended,
            } => {
                let flatten = candidate.get("flatten")?;
                let v = to_python(py, &Value::List(nested.clone()))?;
                let g = flatten.call1((&v,))?;
                let first = capture(py, || Ok(extract(&next_of(&g)?)))?;
                let mut target = v.clone();
                for index in path {
                    target = target.get_item(*index)?;
                }
                target.call_method1("append", (to_python(py, appended)?,))?;
                let rest = py.get_type::<PyList>().call1((&g,))?;
                Ok(Value::record([("first", first), ("rest", extract(&rest))]))
            }
            Call::FlattenDelegates { nested } => {
                let flatten = candidate.get("flatten")?;
                let g = flatten.call1((to_python(py, nested)?,))?;
                let g_is_generator = is_generator(&g)?;
                let first = extract(&next_of(&g)?);
                // Generators delegating to generators, from g down: a
                // `yield from` at every level reaches the innermost list the
                // first leaf is in (one hop fewer where a leaf is yielded
                // directly rather than from a generator of its own).
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
                let mut walk = crate::exercises::generators::flatten(nested);
                walk.next();
                let every_level = hops + 1 >= walk.open();
                Ok(Value::record([
                    ("is_generator", Value::Bool(g_is_generator)),
                    ("first", first),
                    (
                        "delegates_at_every_level",
                        Value::Bool(g_is_generator && every_level),
                    ),
                ]))
            }
            Call::RunningMean { sends } => {
                let m = candidate.get("running_mean")?.call0()?;
                let mut seen = vec![extract(&next_of(&m)?)];
                for x in sends {
                    seen.push(extract(&m.call_method1("send", (to_python(py, x)?,))?));
                }
                Ok(Value::List(seen))
            }
        }
    }
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
    fn running_mean_primes_with_none() {
        let mut mean = RunningMean::default();
        assert_eq!(mean.prime(), None);
        assert_eq!(mean.send(4.0), 4.0);
        assert_eq!(mean.send(8.0), 6.0);
    }
}
