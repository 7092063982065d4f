//! The driver vocabulary: every call a check makes is a short script of
//! [`Step`]s over [`Expr`]essions — call a function, call a method, read an
//! attribute, set one, enter a `with` block, move the fake clock, ask the
//! exercise for a native observation. One definition serves three purposes:
//!
//! - the grader describes it to the candidate ([`Script::describe`]), so the
//!   call a report shows is always the call that ran;
//! - the sandboxed child runs it (`driver::steps`), receiving only the steps;
//! - the Rust reference states, step by step, what it must observe
//!   ([`Script::observe`] takes the expected value beside the expression).
//!
//! The trust boundary is in the types: a [`Script`] (steps *and* expected
//! observations) stays in the grader; only [`Script::steps`], a `Vec<Step>`,
//! is serialised for the child, so nothing the candidate's code can read tells
//! it what the grader expects.

use serde::{Deserialize, Serialize};

use crate::driver::Source;
use crate::value::Value;

/// Something a step evaluates in the child.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    /// A fresh object built from a value (`[1, 2]`, `{'a': 1}`, `None`).
    Lit(Value),
    /// A name an earlier step bound.
    Var(String),
    /// A public name of the candidate's module (missing: the check says so).
    Name(String),
    /// A builtin (`len`, `ValueError`, `object`…), taken from the copy of the
    /// builtins made before any candidate code ran.
    Builtin(String),
    /// A helper of the exercise's private fixtures module (see
    /// `ScriptedExercise::fixtures`).
    Fixture(String),
    /// `of.name`
    Attr(Box<Expr>, String),
    /// `of[key]`
    Item(Box<Expr>, Box<Expr>),
    /// `func(*args, **kwargs)`
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        kwargs: Vec<(String, Expr)>,
    },
    /// Items handed over as a list, a one-shot generator or a string.
    Items(Source, Vec<Value>),
    /// `(a, b)` of expressions (objects, not only values).
    Tuple(Vec<Expr>),
    /// `[a, b]` of expressions.
    List(Vec<Expr>),
    /// `{k: v}` of expressions.
    Dict(Vec<(Expr, Expr)>),
    /// `a is b`, decided by the interpreter, not by the candidate's code.
    Is(Box<Expr>, Box<Expr>),
    /// `a == b`: the candidate's `__eq__` runs (for checks of `__eq__`).
    Eq(Box<Expr>, Box<Expr>),
    /// `a < b`: the candidate's ordering runs.
    Lt(Box<Expr>, Box<Expr>),
    /// The name of the object's type, read from the type object itself.
    TypeName(Box<Expr>),
    /// A native fake clock reading this time; move it with [`Step::SetClock`].
    Clock(f64),
    /// The iterable wrapped in a native iterator that counts the items
    /// pulled from it (read with [`Expr::Pulls`]).
    Counting(Box<Expr>),
    /// How many items have been pulled through a [`Expr::Counting`] wrapper.
    Pulls(Box<Expr>),
    /// Whether the object is a generator: its type compared with the
    /// generator type captured before candidate code ran.
    IsGenerator(Box<Expr>),
    /// `[next(it) for _ in range(n)]` with the `next` captured before
    /// candidate code ran, ending early where the iterator does.
    Next(Box<Expr>, usize),
    /// `list(it)` for an iterator that should end: at most `at_most` items
    /// are pulled, and if it still yields after them the list ends in `...`
    /// (observed as going on, not as a list cut short). The items are
    /// extracted after all were pulled, as `list()` would show them.
    ListOf(Box<Expr>, usize),
    /// `expr`, where an exception it raises that is an instance of `class`
    /// (a subclass included) is raised again as `class` itself, with the
    /// same arguments and traceback (the original chained as its
    /// `__cause__`): for a contract that names an exception a candidate may
    /// subclass (`InvalidRate(ValueError)` is observed as `ValueError`).
    /// Other exceptions pass unchanged. Described as `expr`: it changes what
    /// an exception is called, never whether the step raises.
    RaisesAs(Box<Expr>, Box<Expr>),
    /// The exception object the latest observing step captured as its
    /// observation (where the reference expects an exception), or `None`
    /// when that step captured none: so a script can tell that what came
    /// out is the very object a fixture raised
    /// (`caught is flaky.probe.last()`), not an equal copy.
    Caught,
}

/// One statement of a script.
///
/// `raises` tells the child that the reference expects an exception at this
/// step, so one is an observation (`<raises KeyError>`) to compare; anywhere
/// else an exception ends the call and the check shows it with its message
/// and the candidate's traceback, as pytest would. It is the only thing of
/// the expectations the child learns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// `name = expr`. Not observed: raising ends the call, and the check
    /// reports the exception with its traceback.
    Let { name: String, expr: Expr },
    /// `expr` for its effect. Not observed: raising ends the call.
    Run { expr: Expr },
    /// `expr`, observed: its value (strictly extracted), or, where `raises`
    /// (the reference expects an exception here), the exception's type.
    Observe {
        expr: Expr,
        #[serde(default)]
        raises: bool,
    },
    /// `of.name = value`, observed: `None`, or (where `raises`) the type of
    /// the exception it raised.
    SetAttr {
        of: Expr,
        name: String,
        value: Expr,
        #[serde(default)]
        raises: bool,
    },
    /// `del of.name`, observed like [`Step::SetAttr`].
    DelAttr {
        of: Expr,
        name: String,
        #[serde(default)]
        raises: bool,
    },
    /// `with manager as name: body` (then `raise raise` inside the block when
    /// given), called through the type's `__enter__`/`__exit__` as the
    /// interpreter does. Observed after the body's own observations: `None`
    /// when the block is left normally or its exception was swallowed,
    /// otherwise (where `raises`) the type of the exception that left it.
    With {
        manager: Expr,
        name: Option<String>,
        body: Vec<Step>,
        raise: Option<Expr>,
        #[serde(default)]
        raises: bool,
    },
    /// Sets the fake clock bound to `clock` to `to` seconds.
    SetClock { clock: String, to: f64 },
    /// A native observation the exercise makes itself (a thread hammer, a
    /// count of live objects…), described by `text`.
    Probe {
        name: String,
        text: String,
        args: Vec<Expr>,
    },
}

impl Expr {
    pub fn lit(value: impl Into<Value>) -> Expr {
        Expr::Lit(value.into())
    }

    pub fn var(name: &str) -> Expr {
        Expr::Var(name.to_string())
    }

    /// A public name of the candidate's module.
    pub fn name(name: &str) -> Expr {
        Expr::Name(name.to_string())
    }

    pub fn builtin(name: &str) -> Expr {
        Expr::Builtin(name.to_string())
    }

    pub fn fixture(name: &str) -> Expr {
        Expr::Fixture(name.to_string())
    }

    /// `self.name`
    pub fn attr(self, name: &str) -> Expr {
        Expr::Attr(Box::new(self), name.to_string())
    }

    /// `self[key]`
    pub fn item(self, key: Expr) -> Expr {
        Expr::Item(Box::new(self), Box::new(key))
    }

    /// `self(*args)`
    pub fn call(self, args: Vec<Expr>) -> Expr {
        self.call_kw(args, vec![])
    }

    /// `self(*args, **kwargs)`
    pub fn call_kw(self, args: Vec<Expr>, kwargs: Vec<(&str, Expr)>) -> Expr {
        Expr::Call {
            func: Box::new(self),
            args,
            kwargs: kwargs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    /// `self.name(*args)`
    pub fn method(self, name: &str, args: Vec<Expr>) -> Expr {
        self.attr(name).call(args)
    }

    pub fn is(self, other: Expr) -> Expr {
        Expr::Is(Box::new(self), Box::new(other))
    }

    pub fn eq(self, other: Expr) -> Expr {
        Expr::Eq(Box::new(self), Box::new(other))
    }

    pub fn lt(self, other: Expr) -> Expr {
        Expr::Lt(Box::new(self), Box::new(other))
    }

    pub fn type_name(self) -> Expr {
        Expr::TypeName(Box::new(self))
    }

    /// `next(self)`
    pub fn next(self) -> Expr {
        Expr::Next(Box::new(self), 1)
    }

    /// The next `n` items, as a list.
    pub fn take(self, n: usize) -> Expr {
        Expr::Next(Box::new(self), n)
    }

    /// `list(self)`, pulling at most `at_most` items (see [`Expr::ListOf`]).
    pub fn list_of(self, at_most: usize) -> Expr {
        Expr::ListOf(Box::new(self), at_most)
    }

    /// Adds the public names of the candidate's module this uses.
    fn names(&self, out: &mut Vec<String>) {
        match self {
            Expr::Name(name) => out.push(name.clone()),
            Expr::Lit(_)
            | Expr::Var(_)
            | Expr::Builtin(_)
            | Expr::Fixture(_)
            | Expr::Items(..)
            | Expr::Clock(_)
            | Expr::Caught => {}
            Expr::Attr(of, _)
            | Expr::TypeName(of)
            | Expr::Counting(of)
            | Expr::Pulls(of)
            | Expr::IsGenerator(of)
            | Expr::Next(of, _)
            | Expr::ListOf(of, _) => of.names(out),
            Expr::Item(a, b)
            | Expr::Is(a, b)
            | Expr::Eq(a, b)
            | Expr::Lt(a, b)
            | Expr::RaisesAs(a, b) => {
                a.names(out);
                b.names(out);
            }
            Expr::Call { func, args, kwargs } => {
                func.names(out);
                args.iter().for_each(|a| a.names(out));
                kwargs.iter().for_each(|(_, v)| v.names(out));
            }
            Expr::Tuple(items) | Expr::List(items) => items.iter().for_each(|a| a.names(out)),
            Expr::Dict(entries) => entries.iter().for_each(|(k, v)| {
                k.names(out);
                v.names(out);
            }),
        }
    }

    /// `self`, an exception it raises that is an instance of `class` being
    /// observed as `class` (see [`Expr::RaisesAs`]).
    pub fn raises_as(self, class: Expr) -> Expr {
        Expr::RaisesAs(Box::new(self), Box::new(class))
    }

    /// How the candidate reads it: Python syntax.
    pub fn describe(&self) -> String {
        let join = |items: &[Expr]| {
            items
                .iter()
                .map(Expr::describe)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Expr::Lit(value) => value.literal(),
            Expr::Var(name) | Expr::Name(name) | Expr::Builtin(name) | Expr::Fixture(name) => {
                name.clone()
            }
            Expr::Attr(of, name) => format!("{}.{name}", of.operand()),
            Expr::Item(of, key) => format!("{}[{}]", of.operand(), key.describe()),
            Expr::Call { func, args, kwargs } => {
                let mut parts: Vec<String> = args.iter().map(Expr::describe).collect();
                parts.extend(kwargs.iter().map(|(k, v)| format!("{k}={}", v.describe())));
                format!("{}({})", func.operand(), parts.join(", "))
            }
            Expr::Items(source, items) => source.describe(items),
            Expr::Tuple(items) if items.len() == 1 => format!("({},)", items[0].describe()),
            Expr::Tuple(items) => format!("({})", join(items)),
            Expr::List(items) => format!("[{}]", join(items)),
            Expr::Dict(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.describe(), v.describe()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expr::Is(a, b) => format!("{} is {}", a.operand(), b.operand()),
            Expr::Eq(a, b) => format!("{} == {}", a.operand(), b.operand()),
            Expr::Lt(a, b) => format!("{} < {}", a.operand(), b.operand()),
            Expr::TypeName(of) => format!("type({}).__name__", of.describe()),
            Expr::Clock(now) => format!("FakeClock({})", Value::Float(*now).literal()),
            Expr::Counting(of) => format!("counting({})", of.describe()),
            Expr::Pulls(of) => format!("{}.pulls", of.operand()),
            Expr::IsGenerator(of) => format!("isinstance({}, types.GeneratorType)", of.describe()),
            Expr::Next(of, 1) => format!("next({})", of.describe()),
            Expr::Next(of, n) => format!("[next({}) for _ in range({n})]", of.describe()),
            Expr::ListOf(of, _) => format!("list({})", of.describe()),
            Expr::RaisesAs(of, _) => of.describe(),
            Expr::Caught => "caught".to_string(),
        }
    }

    /// The description, parenthesised where an operator would bind wrongly.
    fn operand(&self) -> String {
        match self {
            Expr::Is(..) | Expr::Eq(..) | Expr::Lt(..) => format!("({})", self.describe()),
            Expr::RaisesAs(of, _) => of.operand(),
            _ => self.describe(),
        }
    }
}

impl Step {
    /// The statement in Python syntax (a `with` block on one line).
    pub fn describe(&self) -> String {
        match self {
            Step::Let { name, expr } => format!("{name} = {}", expr.describe()),
            Step::Run { expr } | Step::Observe { expr, .. } => expr.describe(),
            Step::SetAttr {
                of, name, value, ..
            } => {
                format!("{}.{name} = {}", of.operand(), value.describe())
            }
            Step::DelAttr { of, name, .. } => format!("del {}.{name}", of.operand()),
            Step::With {
                manager,
                name,
                body,
                raise,
                ..
            } => {
                let mut inner: Vec<String> = body.iter().map(Step::describe).collect();
                if let Some(raise) = raise {
                    inner.push(format!("raise {}", raise.describe()));
                }
                if inner.is_empty() {
                    inner.push("pass".into());
                }
                let target = name
                    .as_ref()
                    .map(|n| format!(" as {n}"))
                    .unwrap_or_default();
                format!("with {}{target}: {}", manager.describe(), inner.join("; "))
            }
            Step::SetClock { clock, to } => {
                format!("{clock} now reads {}", Value::Float(*to).literal())
            }
            Step::Probe { text, .. } => text.clone(),
        }
    }

    /// Adds the public names of the candidate's module this step uses.
    fn names(&self, out: &mut Vec<String>) {
        match self {
            Step::Let { expr, .. } | Step::Run { expr } | Step::Observe { expr, .. } => {
                expr.names(out)
            }
            Step::SetAttr { of, value, .. } => {
                of.names(out);
                value.names(out);
            }
            Step::DelAttr { of, .. } => of.names(out),
            Step::With {
                manager,
                body,
                raise,
                ..
            } => {
                manager.names(out);
                for step in body {
                    step.names(out);
                }
                if let Some(raise) = raise {
                    raise.names(out);
                }
            }
            Step::SetClock { .. } => {}
            Step::Probe { args, .. } => args.iter().for_each(|a| a.names(out)),
        }
    }

    /// What the observation of this step is called in the record the call
    /// observes (`None` for a step that observes nothing itself). The child
    /// and the grader both name observations with it, numbered in order.
    pub fn observation_label(&self) -> Option<String> {
        match self {
            Step::Let { .. } | Step::Run { .. } | Step::SetClock { .. } => None,
            Step::With { manager, .. } => Some(format!("leaving with {}", manager.describe())),
            other => Some(other.describe()),
        }
    }
}

/// The label of the `n`th observation (from 1) of a call.
pub fn numbered(n: usize, label: &str) -> String {
    format!("[{n}] {label}")
}

/// Steps with the observations a correct solution makes: the grader's side
/// of a call (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    steps: Vec<Step>,
    expected: Vec<Value>,
}

impl Script {
    pub fn new() -> Script {
        Script::default()
    }

    /// `name = expr`, not observed.
    pub fn bind(mut self, name: &str, expr: Expr) -> Script {
        self.steps.push(Step::Let {
            name: name.to_string(),
            expr,
        });
        self
    }

    /// `expr` run for its effect, not observed.
    pub fn run(mut self, expr: Expr) -> Script {
        self.steps.push(Step::Run { expr });
        self
    }

    /// `expr`, which must observe `expected`.
    pub fn observe(mut self, expr: Expr, expected: impl Into<Value>) -> Script {
        let expected = expected.into();
        self.steps.push(Step::Observe {
            expr,
            raises: expected.is_raised(),
        });
        self.expected.push(expected);
        self
    }

    /// `of.name = value`, which must observe `expected` (`Value::None`, or
    /// `Value::Raised` of the exception it must raise).
    pub fn set_attr(mut self, of: Expr, name: &str, value: Expr, expected: Value) -> Script {
        self.steps.push(Step::SetAttr {
            of,
            name: name.to_string(),
            value,
            raises: expected.is_raised(),
        });
        self.expected.push(expected);
        self
    }

    /// `del of.name`, which must observe `expected`.
    pub fn del_attr(mut self, of: Expr, name: &str, expected: Value) -> Script {
        self.steps.push(Step::DelAttr {
            of,
            name: name.to_string(),
            raises: expected.is_raised(),
        });
        self.expected.push(expected);
        self
    }

    /// `with manager as name: body` (raising `raise` at its end when given);
    /// the body's observations come first, then `leaving` (`Value::None`, or
    /// `Value::Raised` of the exception that must leave the block).
    pub fn with(
        mut self,
        manager: Expr,
        name: Option<&str>,
        body: Script,
        raise: Option<Expr>,
        leaving: Value,
    ) -> Script {
        self.steps.push(Step::With {
            manager,
            name: name.map(str::to_string),
            body: body.steps,
            raise,
            raises: leaving.is_raised(),
        });
        self.expected.extend(body.expected);
        self.expected.push(leaving);
        self
    }

    /// Sets the fake clock bound to `clock`.
    pub fn set_clock(mut self, clock: &str, to: f64) -> Script {
        self.steps.push(Step::SetClock {
            clock: clock.to_string(),
            to,
        });
        self
    }

    /// A native observation of the exercise's (`ScriptedExercise::probe`).
    pub fn probe(mut self, name: &str, text: &str, args: Vec<Expr>, expected: Value) -> Script {
        self.steps.push(Step::Probe {
            name: name.to_string(),
            text: text.to_string(),
            args,
        });
        self.expected.push(expected);
        self
    }

    /// The metadata a well-behaved wrapper copies from the function it wraps
    /// (what `functools.wraps` does): `__name__`, `__qualname__`, `__doc__`,
    /// and `__wrapped__` being the original. One definition for every
    /// exercise that wraps functions.
    pub fn wrapper_metadata(
        self,
        wrapper: &str,
        original: &str,
        name: &str,
        qualname: &str,
        doc: Value,
    ) -> Script {
        let w = || Expr::var(wrapper);
        self.observe(w().attr("__name__"), name)
            .observe(w().attr("__qualname__"), qualname)
            .observe(w().attr("__doc__"), doc)
            .observe(w().attr("__wrapped__").is(Expr::var(original)), true)
    }

    /// The public names of the candidate's module the steps use.
    pub fn names(&self) -> Vec<String> {
        let mut names = Vec::new();
        for step in &self.steps {
            step.names(&mut names);
        }
        names
    }

    /// What the child receives: the steps, never the expectations.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The whole call as the candidate reads it.
    pub fn describe(&self) -> String {
        self.steps
            .iter()
            .map(Step::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The record a correct solution makes the child observe.
    pub fn expected(&self) -> Value {
        let labels = labels(&self.steps);
        debug_assert_eq!(labels.len(), self.expected.len());
        Value::Record(labels.into_iter().zip(self.expected.clone()).collect())
    }
}

/// One row of a call shown step by step: a statement, and for a step that
/// observes something, its label (`[3] f(1)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The statement in Python syntax, indented inside a `with` block.
    pub code: String,
    /// The numbered label of the observation this row makes, if it makes one.
    pub label: Option<String>,
}

/// The rows of a call, in the order they run: each statement, a `with`
/// block's body indented under it, and the block's own observation of what
/// left it last.
pub fn rows(steps: &[Step]) -> Vec<Row> {
    fn walk(steps: &[Step], depth: usize, seen: &mut usize, out: &mut Vec<Row>) {
        let indent = "    ".repeat(depth);
        for step in steps {
            if let Step::With {
                manager,
                name,
                body,
                raise,
                ..
            } = step
            {
                let target = name
                    .as_ref()
                    .map(|n| format!(" as {n}"))
                    .unwrap_or_default();
                out.push(Row {
                    code: format!("{indent}with {}{target}:", manager.describe()),
                    label: None,
                });
                walk(body, depth + 1, seen, out);
                if let Some(raise) = raise {
                    out.push(Row {
                        code: format!("{indent}    raise {}", raise.describe()),
                        label: None,
                    });
                }
            }
            let label = step.observation_label().map(|label| {
                *seen += 1;
                numbered(*seen, &label)
            });
            let code = match step {
                Step::With { .. } => format!("{indent}# leaving the with block"),
                other => format!("{indent}{}", other.describe()),
            };
            out.push(Row { code, label });
        }
    }
    let mut out = Vec::new();
    walk(steps, 0, &mut 0, &mut out);
    out
}

/// The value of each observation in a record's text (`<[1] a=1, [2] b=2>`),
/// split by the labels the steps give (known exactly, so commas, `=` and
/// brackets inside values do not mislead it; only a value holding the next
/// step's whole label would); `None` when the text is not that record.
pub fn split_record(text: &str, labels: &[String]) -> Option<Vec<String>> {
    let mut rest = text.strip_prefix('<')?.strip_suffix('>')?;
    let mut values = Vec::with_capacity(labels.len());
    for (i, label) in labels.iter().enumerate() {
        rest = rest.strip_prefix(label.as_str())?.strip_prefix('=')?;
        match labels.get(i + 1) {
            Some(next) => {
                let at = rest.find(&format!(", {next}="))?;
                values.push(rest[..at].to_string());
                rest = &rest[at + 2..];
            }
            None => {
                values.push(rest.to_string());
                rest = "";
            }
        }
    }
    rest.is_empty().then_some(values)
}

/// The numbered labels of every observation `steps` make, in order (a `with`
/// block's body before the block's own).
pub fn labels(steps: &[Step]) -> Vec<String> {
    fn walk(steps: &[Step], out: &mut Vec<String>) {
        for step in steps {
            if let Step::With { body, .. } = step {
                walk(body, out);
            }
            if let Some(label) = step.observation_label() {
                out.push(numbered(out.len() + 1, &label));
            }
        }
    }
    let mut out = Vec::new();
    walk(steps, &mut out);
    out
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(s)
    }
}

impl Value {
    /// Whether this is the observation of an exception.
    pub fn is_raised(&self) -> bool {
        matches!(self, Value::Raised(_))
    }
}

/// `Value::Raised(name)`: the observation of an exception of type `name`.
pub fn raises(name: &str) -> Value {
    Value::Raised(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_reads_as_the_python_it_runs() {
        let script = Script::new()
            .bind(
                "a",
                Expr::name("Account")
                    .call_kw(vec![Expr::lit("ann")], vec![("balance", Expr::lit(10))]),
            )
            .observe(Expr::var("a").method("deposit", vec![Expr::lit(5)]), 15)
            .set_attr(
                Expr::var("a"),
                "nope",
                Expr::lit(1),
                raises("AttributeError"),
            )
            .observe(Expr::var("a").is(Expr::var("a")), true)
            .with(
                Expr::name("suppress").call(vec![Expr::builtin("KeyError")]),
                Some("s"),
                Script::new().observe(Expr::var("s").attr("exception"), Value::None),
                Some(Expr::builtin("KeyError").call(vec![Expr::lit("k")])),
                Value::None,
            );
        assert_eq!(
            script.describe(),
            "a = Account('ann', balance=10); a.deposit(5); a.nope = 1; a is a; \
             with suppress(KeyError) as s: s.exception; raise KeyError('k')"
        );
        assert_eq!(
            script.expected().repr(),
            "<[1] a.deposit(5)=15, [2] a.nope = 1=<raises AttributeError>, [3] a is a=True, \
             [4] s.exception=None, [5] leaving with suppress(KeyError)=None>"
        );
    }

    #[test]
    fn a_record_splits_by_the_labels_of_its_steps() {
        let script = Script::new()
            .bind("c", Expr::name("C").call(vec![]))
            .observe(
                Expr::var("c").method("f", vec![Expr::lit("a=1, [2] x")]),
                "v, [2] c=w",
            )
            .observe(Expr::var("c").method("g", vec![]), Value::List(vec![]));
        let rows = rows(script.steps());
        assert_eq!(rows[0].label, None);
        let labels: Vec<String> = rows.iter().filter_map(|r| r.label.clone()).collect();
        assert_eq!(labels, ["[1] c.f('a=1, [2] x')", "[2] c.g()"]);
        // Values holding what looks like a separator stay whole.
        assert_eq!(
            split_record(&script.expected().repr(), &labels),
            Some(vec!["'v, [2] c=w'".to_string(), "[]".to_string()])
        );
        assert_eq!(split_record("<[1] other=1>", &labels), None);
    }

    #[test]
    fn a_with_block_is_shown_with_its_body_indented() {
        let script = Script::new().with(
            Expr::name("cm").call(vec![]),
            Some("x"),
            Script::new().observe(Expr::var("x"), 1),
            Some(Expr::builtin("KeyError").call(vec![])),
            raises("KeyError"),
        );
        let rows: Vec<(String, Option<String>)> = rows(script.steps())
            .into_iter()
            .map(|r| (r.code, r.label))
            .collect();
        assert_eq!(
            rows,
            vec![
                ("with cm() as x:".to_string(), None),
                ("    x".to_string(), Some("[1] x".to_string())),
                ("    raise KeyError()".to_string(), None),
                (
                    "# leaving the with block".to_string(),
                    Some("[2] leaving with cm()".to_string())
                ),
            ]
        );
    }

    #[test]
    fn operators_inside_an_attribute_are_parenthesised() {
        let e = Expr::var("a").eq(Expr::var("b")).attr("x");
        assert_eq!(e.describe(), "(a == b).x");
    }

    #[test]
    fn raises_as_reads_as_the_expression_it_wraps() {
        let e = Expr::var("bucket")
            .method("allow", vec![Expr::lit(0)])
            .raises_as(Expr::builtin("ValueError"));
        assert_eq!(e.describe(), "bucket.allow(0)");
        let is = Expr::var("a")
            .is(Expr::var("b"))
            .raises_as(Expr::builtin("KeyError"));
        assert_eq!(is.attr("x").describe(), "(a is b).x");
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<Expr>(&json).unwrap(), e);
    }

    #[test]
    fn the_caught_exception_reads_as_a_name_and_travels_as_a_step() {
        let script = Script::new()
            .observe(Expr::var("w").call(vec![]), raises("Boom"))
            .observe(
                Expr::Caught.is(Expr::var("f").attr("probe").method("last", vec![])),
                true,
            );
        assert_eq!(script.describe(), "w(); caught is f.probe.last()");
        assert_eq!(
            script.expected().repr(),
            "<[1] w()=<raises Boom>, [2] caught is f.probe.last()=True>"
        );
        let json = serde_json::to_string(script.steps()).unwrap();
        let back: Vec<Step> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, script.steps());
    }

    #[test]
    fn only_the_steps_travel_to_the_child() {
        let script = Script::new().observe(Expr::name("f").call(vec![]), "secret-expected");
        let json = serde_json::to_string(script.steps()).unwrap();
        assert!(!json.contains("secret-expected"), "{json}");
        let back: Vec<Step> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, script.steps());
    }
}
