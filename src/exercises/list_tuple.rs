//! `list_tuple` (questions 1 and 9): tuples as hashable keys, freezing nested
//! data, and `append` vs `extend` semantics.
//!
//! Reference: counting with a map keyed by `(i64, i64)`, a recursive freeze
//! over [`Value`], and an order-preserving unique extend. Every observation
//! also records the input after the call, so mutating it fails the check.

use rand::RngExt;

use crate::driver::Source;
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script};
use crate::value::Value;

pub struct ListTuple;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<ListTuple> = Scripted(ListTuple);

/// One call of a check, as the Rust reference reads it; [`script`] turns it
/// into the steps the child runs, with what each must observe.
#[derive(Debug, Clone)]
pub enum Call {
    CountVisits {
        path: Vec<[i64; 2]>,
    },
    Freeze {
        value: Value,
    },
    ExtendUnique {
        target: Vec<Value>,
        items: Vec<Value>,
        source: Source,
    },
}

// ---- the Rust reference -------------------------------------------------

/// How often each point occurs, keyed by `(x, y)`.
pub fn count_visits(path: &[[i64; 2]]) -> Vec<((i64, i64), i64)> {
    let mut counts: std::collections::BTreeMap<(i64, i64), i64> = Default::default();
    for [x, y] in path {
        *counts.entry((*x, *y)).or_default() += 1;
    }
    counts.into_iter().collect()
}

/// A hashable copy: lists and tuples → tuples, dicts → sorted `(key, value)`
/// tuples, sets → frozensets, recursively; anything else kept.
pub fn freeze(value: &Value) -> Value {
    match value {
        Value::List(items) | Value::Tuple(items) => {
            Value::Tuple(items.iter().map(freeze).collect())
        }
        Value::Dict(entries) => {
            let mut pairs: Vec<(String, Value)> = entries
                .iter()
                .map(|(k, v)| (key_text(k), Value::Tuple(vec![k.clone(), freeze(v)])))
                .collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Tuple(pairs.into_iter().map(|(_, pair)| pair).collect())
        }
        Value::Set(items) | Value::FrozenSet(items) => {
            Value::FrozenSet(items.iter().map(freeze).collect())
        }
        other => other.clone(),
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::Str(s) => s.clone(),
        other => other.repr(),
    }
}

/// `target` after adding each item it does not yet contain, in order.
pub fn extend_unique(target: &[Value], items: &[Value]) -> Vec<Value> {
    let mut out = target.to_vec();
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}

// ---- checks, expectations and the driver --------------------------------

fn path_value(path: &[[i64; 2]]) -> Value {
    Value::List(
        path.iter()
            .map(|[x, y]| Value::List(vec![Value::Int(*x), Value::Int(*y)]))
            .collect(),
    )
}

fn visits(path: &[[i64; 2]]) -> Call {
    Call::CountVisits {
        path: path.to_vec(),
    }
}

fn ints(values: &[i64]) -> Vec<Value> {
    values.iter().copied().map(Value::Int).collect()
}

fn strs(values: &[&str]) -> Vec<Value> {
    values.iter().map(|s| Value::str(*s)).collect()
}

fn dict(entries: Vec<(&str, Value)>) -> Value {
    Value::Dict(
        entries
            .into_iter()
            .map(|(k, v)| (Value::str(k), v))
            .collect(),
    )
}

fn extend(target: Vec<Value>, items: Vec<Value>, source: Source) -> Call {
    Call::ExtendUnique {
        target,
        items,
        source,
    }
}

impl ScriptedExercise for ListTuple {
    fn id(&self) -> &'static str {
        "list_tuple"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        fixed().into_iter().map(|c| c.map(script)).collect()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated(rng).into_iter().map(|c| c.map(script)).collect()
    }
}

/// The call as steps: the input bound to a name, the call, then the input
/// again (a function that must not mutate its input is caught doing so).
fn script(call: &Call) -> Script {
    match call {
        Call::CountVisits { path } => {
            let counts = Value::Dict(
                count_visits(path)
                    .into_iter()
                    .map(|((x, y), n)| (Value::pair(x, y), Value::Int(n)))
                    .collect(),
            );
            Script::new()
                .bind("path", Expr::Lit(path_value(path)))
                .observe(
                    Expr::name("count_visits").call(vec![Expr::var("path")]),
                    counts,
                )
                .observe(Expr::var("path"), path_value(path))
        }
        Call::Freeze { value } => Script::new()
            .bind("value", Expr::Lit(value.clone()))
            .observe(
                Expr::name("freeze").call(vec![Expr::var("value")]),
                freeze(value),
            )
            .observe(Expr::var("value"), value.clone()),
        Call::ExtendUnique {
            target,
            items,
            source,
        } => Script::new()
            .bind("target", Expr::Lit(Value::List(target.clone())))
            .observe(
                Expr::name("extend_unique")
                    .call(vec![Expr::var("target"), Expr::Items(*source, items.clone())]),
                Value::None,
            )
            .observe(
                Expr::var("target"),
                Value::List(extend_unique(target, items)),
            ),
    }
}

fn fixed() -> Vec<Check<Call>> {
        vec![
            Check::new(
                "count_visits_counts",
                "count_visits counts repeated points",
                2,
                vec![
                    visits(&[[0, 0], [1, 2], [0, 0]]),
                    visits(&[[3, -1], [3, -1], [3, -1], [-1, 3]]),
                ],
            ),
            Check::new(
                "count_visits_empty",
                "count_visits of an empty path is {}",
                1,
                vec![visits(&[])],
            ),
            Check::new(
                "count_visits_no_mutation",
                "count_visits leaves the path unchanged",
                1,
                vec![visits(&[[5, 5], [1, 1], [5, 5]])],
            ),
            Check::new(
                "freeze_lists",
                "freeze turns nested lists into tuples",
                2,
                vec![
                    Call::Freeze {
                        value: Value::List(vec![
                            Value::Int(1),
                            Value::List(vec![Value::Int(2), Value::List(ints(&[3]))]),
                        ]),
                    },
                    Call::Freeze {
                        value: Value::List(vec![]),
                    },
                ],
            ),
            Check::new(
                "freeze_dicts",
                "freeze turns dicts into pairs sorted by key",
                2,
                vec![
                    Call::Freeze {
                        value: dict(vec![
                            ("b", Value::List(ints(&[1]))),
                            ("a", dict(vec![("c", Value::Int(2))])),
                        ]),
                    },
                    Call::Freeze {
                        value: dict(vec![]),
                    },
                ],
            ),
            Check::new(
                "freeze_sets",
                "freeze turns sets into frozensets",
                2,
                vec![Call::Freeze {
                    value: Value::List(vec![Value::Set(ints(&[2, 1])), Value::Set(vec![])]),
                }],
            ),
            Check::new(
                "freeze_scalars",
                "freeze keeps other values as they are",
                1,
                vec![
                    Call::Freeze {
                        value: Value::Int(5),
                    },
                    Call::Freeze {
                        value: Value::str("text"),
                    },
                    Call::Freeze { value: Value::None },
                    Call::Freeze {
                        value: Value::Float(2.5),
                    },
                    Call::Freeze {
                        value: Value::Tuple(ints(&[1, 2])),
                    },
                ],
            ),
            Check::new(
                "freeze_tuples",
                "freeze opens tuples too, so a tuple holding a list becomes hashable",
                1,
                vec![Call::Freeze {
                    value: Value::Tuple(vec![
                        Value::List(ints(&[1, 2])),
                        dict(vec![("a", Value::List(ints(&[3])))]),
                        Value::Tuple(vec![Value::Int(4), Value::List(ints(&[5]))]),
                    ]),
                }],
            ),
            Check::new(
                "freeze_no_mutation",
                "freeze leaves its input unchanged",
                1,
                vec![Call::Freeze {
                    value: dict(vec![(
                        "k",
                        Value::List(vec![Value::Set(ints(&[1])), Value::List(ints(&[2]))]),
                    )]),
                }],
            ),
            Check::new(
                "extend_unique_adds",
                "extend_unique adds new items in order and returns None",
                2,
                vec![
                    extend(ints(&[1, 2]), ints(&[2, 3, 1, 4]), Source::List),
                    extend(vec![], vec![], Source::List),
                ],
            ),
            Check::new(
                "extend_unique_repeats",
                "extend_unique adds an item repeated in items once",
                2,
                vec![extend(vec![], ints(&[5, 5, 6, 5]), Source::List)],
            ),
            Check::new(
                "extend_unique_generator",
                "extend_unique accepts a generator",
                2,
                vec![extend(ints(&[1]), ints(&[1, 2, 3, 2]), Source::Generator)],
            ),
            Check::new(
                "extend_unique_string",
                "extend_unique accepts a string",
                1,
                vec![
                    extend(strs(&["a"]), strs(&["b", "c"]), Source::Str),
                    extend(vec![], strs(&["a", "b", "c", "a"]), Source::Str),
                ],
            ),
        ]
    }

fn generated(rng: &mut Rng) -> Vec<Check<Call>> {
        let paths = (0..25)
            .map(|_| {
                let len = rng.random_range(0..16);
                (0..len)
                    .map(|_| [rng.random_range(-3..=3), rng.random_range(-3..=3)])
                    .collect::<Vec<_>>()
            })
            .map(|p| visits(&p))
            .collect();
        let frozen = (0..25)
            .map(|_| Call::Freeze {
                value: random_nested(rng, 3),
            })
            .collect();
        let extended = (0..25)
            .map(|_| {
                let target = ints(
                    &(0..rng.random_range(0..5))
                        .map(|_| rng.random_range(0..8))
                        .collect::<Vec<_>>(),
                );
                let items = ints(
                    &(0..rng.random_range(0..10))
                        .map(|_| rng.random_range(0..8))
                        .collect::<Vec<_>>(),
                );
                let source = if rng.random_bool(0.5) {
                    Source::List
                } else {
                    Source::Generator
                };
                extend(target, items, source)
            })
            .collect();
        vec![
            Check::new(
                "count_visits_random",
                "count_visits on random paths",
                3,
                paths,
            ),
            Check::new("freeze_random", "freeze on random nested values", 3, frozen),
            Check::new(
                "extend_unique_random",
                "extend_unique on random lists",
                3,
                extended,
            ),
        ]
    }

/// A random value of lists, tuples, dicts with string keys, sets of ints,
/// ints and strings — the shapes `freeze` must handle.
fn random_nested(rng: &mut Rng, depth: u32) -> Value {
    let leaf = |rng: &mut Rng| {
        if rng.random_bool(0.7) {
            Value::Int(rng.random_range(-5..10))
        } else {
            Value::str(["x", "y", "zz", ""][rng.random_range(0..4)])
        }
    };
    if depth == 0 {
        return leaf(rng);
    }
    match rng.random_range(0..5) {
        0 => leaf(rng),
        1 | 2 => {
            let items = (0..rng.random_range(0..4))
                .map(|_| random_nested(rng, depth - 1))
                .collect();
            // One in four sequences is a tuple: freeze opens those too.
            if rng.random_bool(0.25) {
                Value::Tuple(items)
            } else {
                Value::List(items)
            }
        }
        3 => {
            let mut keys: Vec<&str> = vec!["a", "b", "c", "d"];
            keys.truncate(rng.random_range(0..4));
            keys.reverse();
            Value::Dict(
                keys.into_iter()
                    .map(|k| (Value::str(k), random_nested(rng, depth - 1)))
                    .collect(),
            )
        }
        _ => {
            let mut members: Vec<i64> = (0..rng.random_range(0..4))
                .map(|_| rng.random_range(0..6))
                .collect();
            members.sort();
            members.dedup();
            Value::Set(ints(&members))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_matches_the_contract_examples() {
        assert_eq!(
            count_visits(&[[0, 0], [1, 2], [0, 0]]),
            vec![((0, 0), 2), ((1, 2), 1)]
        );
        let frozen = freeze(&dict(vec![
            ("b", Value::List(ints(&[1]))),
            ("a", Value::Set(ints(&[1]))),
        ]));
        assert_eq!(frozen.repr(), "(('a', frozenset({1})), ('b', (1,)))");
        assert_eq!(
            Value::List(extend_unique(&strs(&["a"]), &strs(&["b", "c", "b"]))).repr(),
            "['a', 'b', 'c']"
        );
    }
}
