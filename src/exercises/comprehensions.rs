//! `comprehensions` (question 4): list, dict and set comprehensions and
//! generator expressions, each function a single `return` of one.
//!
//! Reference: the five functions in plain Rust over [`Value`]s
//! ([`even_squares`], [`invert`], [`transpose`], [`word_positions`],
//! [`pairs_summing_to`]). The shape rule (a single `return` of a comprehension,
//! no `for`/`while` statement, no `map`/`filter`, in the module) is checked by
//! the `shape` probe: Rust reads `comprehensions.py` and hands the source to a
//! fixture that parses it with `compile(..., PyCF_ONLY_AST)` and the AST node
//! types, all captured before the candidate's module was imported.

use std::collections::BTreeSet;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use rand::RngExt;

use crate::driver::{Candidate, Fault, Observed, extract};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script};
use crate::value::Value;

pub struct ComprehensionsExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<ComprehensionsExercise> = Scripted(ComprehensionsExercise);

// ---- the Rust reference -------------------------------------------------

/// The squares of the even numbers in `0..n`.
pub fn even_squares(n: i64) -> Vec<i64> {
    (0..n.max(0)).filter(|x| x % 2 == 0).map(|x| x * x).collect()
}

/// Value -> key; a later key of a repeated value replaces the earlier one.
pub fn invert(mapping: &[(Value, Value)]) -> Vec<(Value, Value)> {
    let mut out: Vec<(Value, Value)> = Vec::new();
    for (key, value) in mapping {
        match out.iter_mut().find(|(v, _)| v == value) {
            Some(entry) => entry.1 = key.clone(),
            None => out.push((value.clone(), key.clone())),
        }
    }
    out
}

/// The columns of a matrix of equal-length rows.
pub fn transpose(matrix: &[Vec<Value>]) -> Vec<Vec<Value>> {
    let width = matrix.first().map_or(0, Vec::len);
    (0..width)
        .map(|col| matrix.iter().map(|row| row[col].clone()).collect())
        .collect()
}

/// Each lower-cased word (split on ASCII whitespace) -> its word indexes.
pub fn word_positions(text: &str) -> Vec<(String, Vec<i64>)> {
    let mut out: Vec<(String, Vec<i64>)> = Vec::new();
    for (i, word) in text.split_ascii_whitespace().enumerate() {
        let word = word.to_lowercase();
        match out.iter_mut().find(|(w, _)| *w == word) {
            Some(entry) => entry.1.push(i as i64),
            None => out.push((word, vec![i as i64])),
        }
    }
    out
}

/// Pairs `(a, b)`, `a <= b`, of values at two different positions summing to `target`.
pub fn pairs_summing_to(nums: &[i64], target: i64) -> BTreeSet<(i64, i64)> {
    let mut out = BTreeSet::new();
    for (i, &a) in nums.iter().enumerate() {
        for &b in &nums[i + 1..] {
            if a + b == target {
                out.insert((a.min(b), a.max(b)));
            }
        }
    }
    out
}

// ---- what runs in the child ----------------------------------------------

/// What the `shape` probe reports for a function that follows the rule.
const GOOD_SHAPE: &str = "a single return of a comprehension";

/// The five functions the shape rule applies to.
const FUNCTIONS: [&str; 5] = [
    "even_squares",
    "invert",
    "transpose",
    "word_positions",
    "pairs_summing_to",
];

/// The AST reader, loaded before the candidate's module: `compile` is the
/// private builtins' own, the node types are captured here, and nodes are
/// read through their instance dicts, so nothing the candidate's module does
/// to `ast` changes what it sees.
const FIXTURES: &str = r#"
import ast as _ast

_ONLY_AST = _ast.PyCF_ONLY_AST
_AST = _ast.AST
_FunctionDef = _ast.FunctionDef
_AsyncFunctionDef = _ast.AsyncFunctionDef
_Return = _ast.Return
_Expr = _ast.Expr
_Constant = _ast.Constant
_Name = _ast.Name
_Attribute = _ast.Attribute
_For = _ast.For
_AsyncFor = _ast.AsyncFor
_While = _ast.While
_COMPREHENSIONS = (_ast.ListComp, _ast.SetComp, _ast.DictComp, _ast.GeneratorExp)
_FUNCTIONS = ("even_squares", "invert", "transpose", "word_positions", "pairs_summing_to")


def _fields(node):
    return vars(node)


def _children(node):
    for value in _fields(node).values():
        if type(value) is list:
            for item in value:
                if isinstance(item, _AST):
                    yield item
        elif isinstance(value, _AST):
            yield value


def _forbidden(nodes):
    """The first for/while statement or use of map/filter among `nodes` and below."""
    stack = list(nodes)
    stack.reverse()
    while stack:
        node = stack.pop()
        kind = type(node)
        line = _fields(node).get("lineno")
        if kind is _For or kind is _AsyncFor:
            return f"a for statement (line {line})"
        if kind is _While:
            return f"a while statement (line {line})"
        if kind is _Name and _fields(node).get("id") in ("map", "filter"):
            return f"a use of {_fields(node).get('id')} (line {line})"
        if kind is _Attribute and _fields(node).get("attr") in ("map", "filter"):
            return f"a use of {_fields(node).get('attr')} (line {line})"
        children = list(_children(node))
        children.reverse()
        stack.extend(children)
    return None


def _is_def(node, name):
    return type(node) in (_FunctionDef, _AsyncFunctionDef) and _fields(node).get("name") == name


def shape(source, name):
    """How the function `name` of the module `source` is written."""
    try:
        tree = compile(source, "comprehensions.py", "exec", _ONLY_AST)
    except SyntaxError:
        return "the module does not parse"
    top = _fields(tree)["body"]
    defs = [node for node in top if _is_def(node, name)]
    if not defs:
        return f"no def {name} at the module's top level"
    function = defs[-1]
    problem = _forbidden(_fields(function)["body"])
    if problem:
        return f"{problem} in {name}"
    elsewhere = [node for node in top if not any(_is_def(node, f) for f in _FUNCTIONS)]
    problem = _forbidden(elsewhere)
    if problem:
        return f"{problem} elsewhere in the module"
    body = list(_fields(function)["body"])
    if body and type(body[0]) is _Expr:
        first = _fields(body[0])["value"]
        if type(first) is _Constant and type(_fields(first)["value"]) is str:
            body = body[1:]
    if len(body) != 1 or type(body[0]) is not _Return:
        return "a body that is not a single return statement"
    value = _fields(body[0])["value"]
    if type(value) not in _COMPREHENSIONS:
        return f"a return of {type(value).__name__}, not of a comprehension"
    return "a single return of a comprehension"
"#;

// ---- checks ---------------------------------------------------------------

fn ints(values: &[i64]) -> Value {
    Value::List(values.iter().copied().map(Value::Int).collect())
}

fn matrix_value(matrix: &[Vec<Value>]) -> Value {
    Value::List(matrix.iter().cloned().map(Value::List).collect())
}

fn call(name: &str, args: Vec<Value>) -> Expr {
    Expr::name(name).call(args.into_iter().map(Expr::Lit).collect())
}

fn even_squares_script(n: i64) -> Script {
    Script::new().observe(call("even_squares", vec![Value::Int(n)]), ints(&even_squares(n)))
}

fn invert_script(mapping: &[(Value, Value)]) -> Script {
    Script::new().observe(
        call("invert", vec![Value::Dict(mapping.to_vec())]),
        Value::Dict(invert(mapping)),
    )
}

fn transpose_script(matrix: &[Vec<Value>]) -> Script {
    Script::new().observe(
        call("transpose", vec![matrix_value(matrix)]),
        matrix_value(&transpose(matrix)),
    )
}

fn word_positions_script(text: &str) -> Script {
    let expected = word_positions(text)
        .into_iter()
        .map(|(w, at)| (Value::Str(w), ints(&at)))
        .collect();
    Script::new().observe(
        call("word_positions", vec![Value::str(text)]),
        Value::Dict(expected),
    )
}

fn pairs_script(nums: &[i64], target: i64) -> Script {
    let expected = pairs_summing_to(nums, target)
        .into_iter()
        .map(|(a, b)| Value::pair(a, b))
        .collect();
    Script::new().observe(
        call("pairs_summing_to", vec![ints(nums), Value::Int(target)]),
        Value::Set(expected),
    )
}

/// Runs the function once (an untouched stub is "not attempted"), then
/// reads its shape from the source.
fn shape_script(name: &str, sample: Vec<Value>) -> Script {
    Script::new().run(call(name, sample)).probe(
        "shape",
        &format!("how {name} is written in comprehensions.py"),
        vec![Expr::lit(name)],
        Value::str(GOOD_SHAPE),
    )
}

fn sample_args(name: &str) -> Vec<Value> {
    match name {
        "even_squares" => vec![Value::Int(5)],
        "invert" => vec![Value::Dict(vec![(Value::str("a"), Value::Int(1))])],
        "transpose" => vec![matrix_value(&[vec![Value::Int(1), Value::Int(2)]])],
        "word_positions" => vec![Value::str("a b a")],
        _ => vec![ints(&[1, 2, 3]), Value::Int(4)],
    }
}

fn entry(key: &str, value: i64) -> (Value, Value) {
    (Value::str(key), Value::Int(value))
}

fn row(values: &[i64]) -> Vec<Value> {
    values.iter().copied().map(Value::Int).collect()
}

const WORDS: [&str; 7] = ["the", "The", "cat", "CAT", "dog", "a", "Dog"];
const SPACES: [&str; 5] = [" ", " ", "  ", "\t", "\n"];

fn random_text(rng: &mut Rng) -> String {
    let mut text = String::new();
    if rng.random_bool(0.3) {
        text.push_str(SPACES[rng.random_range(0..SPACES.len())]);
    }
    let n = rng.random_range(0..9);
    for i in 0..n {
        if i > 0 {
            text.push_str(SPACES[rng.random_range(0..SPACES.len())]);
        }
        text.push_str(WORDS[rng.random_range(0..WORDS.len())]);
    }
    if rng.random_bool(0.3) {
        text.push('\n');
    }
    text
}

impl ScriptedExercise for ComprehensionsExercise {
    fn id(&self) -> &'static str {
        "comprehensions"
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn probe<'py>(
        &self,
        candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        if name != "shape" || args.len() != 1 {
            return Err(crate::exercise::unknown_probe(name, args.len()));
        }
        let py = candidate.py;
        // Read by Rust, not by Python the candidate's code could have patched.
        let path = candidate.file("comprehensions.py");
        let source = std::fs::read_to_string(&path).map_err(|err| {
            Fault::Raised(PyRuntimeError::new_err(format!(
                "cannot read {}: {err}",
                path.display()
            )))
        })?;
        let fixtures = crate::driver::fixtures(py, "comprehensions", FIXTURES)?;
        let verdict = fixtures.getattr("shape")?.call1((source, &args[0]))?;
        Ok(extract(&verdict))
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let s = Value::str;
        let mut checks = vec![
            Check::new(
                "even_squares_values",
                "even_squares gives the squares of the even numbers below n",
                2,
                [10, 1, 0, 2, 3, -4].into_iter().map(even_squares_script).collect(),
            ),
            Check::new(
                "invert_values",
                "invert maps each value to its key",
                2,
                vec![
                    invert_script(&[entry("a", 1), entry("b", 2)]),
                    invert_script(&[]),
                ],
            ),
            Check::new(
                "invert_last_key_wins",
                "where values repeat, invert keeps the key that comes last",
                2,
                vec![
                    invert_script(&[entry("a", 1), entry("b", 1), entry("c", 2)]),
                    invert_script(&[entry("x", 7), entry("y", 8), entry("z", 7), entry("w", 8)]),
                ],
            ),
            Check::new(
                "transpose_values",
                "transpose turns the columns into rows, each a list",
                2,
                vec![
                    transpose_script(&[row(&[1, 2, 3]), row(&[4, 5, 6])]),
                    transpose_script(&[row(&[1]), row(&[2])]),
                    transpose_script(&[row(&[1, 2])]),
                    transpose_script(&[vec![s("a"), Value::None], vec![s("b"), s("c")]]),
                ],
            ),
            Check::new(
                "transpose_empty",
                "transpose of [] and of empty rows is []",
                1,
                vec![transpose_script(&[]), transpose_script(&[vec![], vec![]])],
            ),
            Check::new(
                "word_positions_values",
                "word_positions lists each word's positions in order",
                2,
                vec![
                    word_positions_script("a b a c b a"),
                    word_positions_script(""),
                    word_positions_script("one"),
                ],
            ),
            Check::new(
                "word_positions_lowercase",
                "words that differ only in case are the same word",
                1,
                vec![word_positions_script("The cat saw THE dog the")],
            ),
            Check::new(
                "word_positions_whitespace",
                "words are split on any run of whitespace: spaces, tabs, newlines",
                1,
                vec![
                    word_positions_script("  the  cat\tthe\ndog  "),
                    word_positions_script(" \n\t "),
                ],
            ),
            Check::new(
                "pairs_values",
                "pairs_summing_to finds each pair (a, b), a <= b, once",
                2,
                vec![
                    pairs_script(&[1, 5, 3, 2, 4], 6),
                    pairs_script(&[5, 1, 1, 5], 6),
                    pairs_script(&[], 0),
                    pairs_script(&[-2, 8, 3, 3], 6),
                ],
            ),
            Check::new(
                "pairs_two_positions",
                "a value pairs with itself only when it occurs at two positions",
                2,
                vec![
                    pairs_script(&[3], 6),
                    pairs_script(&[3, 3], 6),
                    pairs_script(&[3, 1, 4], 6),
                ],
            ),
        ];
        for name in FUNCTIONS {
            let id: &'static str = match name {
                "even_squares" => "even_squares_shape",
                "invert" => "invert_shape",
                "transpose" => "transpose_shape",
                "word_positions" => "word_positions_shape",
                _ => "pairs_summing_to_shape",
            };
            checks.push(Check::new(
                id,
                format!(
                    "{name} is a single return of a comprehension, with no for/while statement or map/filter in the module"
                ),
                2,
                vec![shape_script(name, sample_args(name))],
            ));
        }
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let even = (0..4)
            .map(|_| even_squares_script(rng.random_range(-3..40)))
            .collect();
        let inverts = (0..5)
            .map(|_| {
                let mut keys = vec!["a", "b", "c", "d", "e", "f"];
                let n = rng.random_range(0..6);
                let mapping: Vec<(Value, Value)> = (0..n)
                    .map(|_| {
                        let key = keys.remove(rng.random_range(0..keys.len()));
                        entry(key, rng.random_range(0..4))
                    })
                    .collect();
                invert_script(&mapping)
            })
            .collect();
        let transposes = (0..5)
            .map(|_| {
                let rows = rng.random_range(0..5);
                let cols = rng.random_range(1..5);
                let matrix: Vec<Vec<Value>> = (0..rows)
                    .map(|_| {
                        (0..cols)
                            .map(|_| Value::Int(rng.random_range(-9..50)))
                            .collect()
                    })
                    .collect();
                transpose_script(&matrix)
            })
            .collect();
        let words = (0..5).map(|_| word_positions_script(&random_text(rng))).collect();
        let pairs = (0..6)
            .map(|_| {
                let n = rng.random_range(0..9);
                let nums: Vec<i64> = (0..n).map(|_| rng.random_range(-4..10)).collect();
                pairs_script(&nums, rng.random_range(-2..13))
            })
            .collect();
        vec![
            Check::new("even_squares_random", "even_squares on random n", 1, even),
            Check::new("invert_random", "invert on random mappings", 2, inverts),
            Check::new("transpose_random", "transpose on random matrices", 2, transposes),
            Check::new(
                "word_positions_random",
                "word_positions on random texts",
                2,
                words,
            ),
            Check::new(
                "pairs_random",
                "pairs_summing_to on random lists",
                2,
                pairs,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_squares_by_hand() {
        assert_eq!(even_squares(10), vec![0, 4, 16, 36, 64]);
        assert_eq!(even_squares(1), vec![0]);
        assert_eq!(even_squares(0), Vec::<i64>::new());
        assert_eq!(even_squares(-5), Vec::<i64>::new());
    }

    #[test]
    fn invert_keeps_the_last_key() {
        let got = invert(&[entry("a", 1), entry("b", 1), entry("c", 2)]);
        assert_eq!(Value::Dict(got).repr(), "{1: 'b', 2: 'c'}");
    }

    #[test]
    fn transpose_by_hand() {
        let got = transpose(&[row(&[1, 2, 3]), row(&[4, 5, 6])]);
        assert_eq!(matrix_value(&got).repr(), "[[1, 4], [2, 5], [3, 6]]");
        assert!(transpose(&[]).is_empty());
        assert!(transpose(&[vec![], vec![]]).is_empty());
    }

    #[test]
    fn word_positions_by_hand() {
        assert_eq!(
            word_positions("the cat  The\tdog"),
            vec![
                ("the".to_string(), vec![0, 2]),
                ("cat".to_string(), vec![1]),
                ("dog".to_string(), vec![3]),
            ]
        );
        assert!(word_positions(" \n ").is_empty());
    }

    #[test]
    fn pairs_by_hand() {
        let got: Vec<_> = pairs_summing_to(&[1, 5, 3, 3, 2], 6).into_iter().collect();
        assert_eq!(got, vec![(1, 5), (3, 3)]);
        assert!(pairs_summing_to(&[3], 6).is_empty());
        let got: Vec<_> = pairs_summing_to(&[5, 1, 1, 5], 6).into_iter().collect();
        assert_eq!(got, vec![(1, 5)]);
    }

    /// The fixture's shape reader on sources written by hand.
    #[test]
    fn shape_reader_by_hand() {
        Python::initialize();
        Python::attach(|py| {
            let code = std::ffi::CString::new(FIXTURES).unwrap();
            let globals = pyo3::types::PyDict::new(py);
            py.run(&code, Some(&globals), None).unwrap();
            let shape = globals.get_item("shape").unwrap().unwrap();
            let read = |source: &str, name: &str| -> String {
                shape.call1((source, name)).unwrap().extract().unwrap()
            };
            let good = "def f(n):\n    \"\"\"Doc.\"\"\"\n    return [x for x in range(n)]\n";
            assert_eq!(read(good, "f"), GOOD_SHAPE);
            assert_eq!(
                read("def f(n):\n    return list(x for x in range(n))\n", "f"),
                "a return of Call, not of a comprehension"
            );
            assert_eq!(
                read("def f(n):\n    out = []\n    for x in range(n):\n        out.append(x)\n    return out\n", "f"),
                "a for statement (line 3) in f"
            );
            assert_eq!(
                read("def f(n):\n    return [y for y in map(abs, n)]\n", "f"),
                "a use of map (line 2) in f"
            );
            assert_eq!(
                read("import builtins\ndef f(n):\n    return [y for y in builtins.filter(None, n)]\n", "f"),
                "a use of filter (line 3) in f"
            );
            assert_eq!(
                read("def f(n):\n    return [x for x in n]\nwhile False:\n    pass\n", "f"),
                "a while statement (line 3) elsewhere in the module"
            );
            assert_eq!(
                read("def f(n):\n    x = 1\n    return {x: x for x in n}\n", "f"),
                "a body that is not a single return statement"
            );
            assert_eq!(read("def g(n):\n    return 1\n", "f"), "no def f at the module's top level");
        });
    }
}
