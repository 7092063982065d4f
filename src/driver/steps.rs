//! The child's side of the driver vocabulary: runs the [`Step`]s of a call
//! on the candidate's code and records what each observing step observed,
//! labelled exactly as the grader labels its expectations
//! ([`crate::script::labels`]).

use std::collections::HashMap;

use pyo3::exceptions::{PyNotImplementedError, PyRuntimeError, PyStopIteration};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyModule, PyTuple};

use super::{Candidate, FakeClock, Fault, Observed, exception_type_name, extract, to_python};
use crate::script::{Expr, Step, numbered};
use crate::value::Value;

/// An exercise's native observations, asked for by [`Step::Probe`].
pub type ProbeFn<'a, 'py> = &'a dyn Fn(&Candidate<'py>, &str, &[Bound<'py, PyAny>]) -> Observed;

/// Runs one call's steps; returns the record of its observations.
pub fn run<'py>(
    candidate: &Candidate<'py>,
    fixtures: Option<&Bound<'py, PyModule>>,
    probe: ProbeFn<'_, 'py>,
    steps: &[Step],
) -> Observed {
    let mut runner = Runner {
        candidate,
        fixtures,
        probe,
        vars: HashMap::new(),
        observed: Vec::new(),
        caught: None,
    };
    runner.steps(steps)?;
    Ok(Value::Record(runner.observed))
}

struct Runner<'a, 'py> {
    candidate: &'a Candidate<'py>,
    fixtures: Option<&'a Bound<'py, PyModule>>,
    probe: ProbeFn<'a, 'py>,
    vars: HashMap<String, Bound<'py, PyAny>>,
    observed: Vec<(String, Value)>,
    /// What [`Expr::Caught`] reads: the exception the latest observing step
    /// captured as its observation.
    caught: Option<Bound<'py, PyAny>>,
}

/// Where the reference expects an exception (`raises`), one the candidate's
/// code raised becomes the observation `<raises T>`; anywhere else it ends
/// the call (the check shows it with its traceback). `NotImplementedError`
/// (an untouched stub) and a missing name always end the call.
fn observed_outcome(py: Python<'_>, outcome: Result<Value, Fault>, raises: bool) -> Observed {
    match outcome {
        Err(Fault::Raised(err)) if raises && !err.is_instance_of::<PyNotImplementedError>(py) => {
            Ok(Value::Raised(exception_type_name(py, &err)))
        }
        other => other,
    }
}

impl<'py> Runner<'_, 'py> {
    /// [`observed_outcome`], keeping the exception it captured (if any) for
    /// [`Expr::Caught`].
    fn outcome(&mut self, outcome: Result<Value, Fault>, raises: bool) -> Observed {
        let py = self.candidate.py;
        self.caught = match &outcome {
            Err(Fault::Raised(err))
                if raises && !err.is_instance_of::<PyNotImplementedError>(py) =>
            {
                Some(err.value(py).clone().into_any())
            }
            _ => None,
        };
        observed_outcome(py, outcome, raises)
    }

    fn record(&mut self, step: &Step, value: Value) {
        let label = step.observation_label().unwrap_or_default();
        let n = self.observed.len() + 1;
        self.observed.push((numbered(n, &label), value));
    }

    fn steps(&mut self, steps: &[Step]) -> Result<(), Fault> {
        for step in steps {
            self.step(step)?;
        }
        Ok(())
    }

    fn step(&mut self, step: &Step) -> Result<(), Fault> {
        match step {
            Step::Let { name, expr } => {
                let value = self.eval(expr)?;
                self.vars.insert(name.clone(), value);
            }
            Step::Run { expr } => {
                self.eval(expr)?;
            }
            Step::Observe { expr, raises } => {
                let outcome = self.eval(expr).map(|obj| extract(&obj));
                let value = self.outcome(outcome, *raises)?;
                self.record(step, value);
            }
            Step::SetAttr {
                of,
                name,
                value,
                raises,
            } => {
                let target = self.eval(of)?;
                let value = self.eval(value)?;
                let outcome = target
                    .setattr(name.as_str(), value)
                    .map(|()| Value::None)
                    .map_err(Fault::from);
                let value = self.outcome(outcome, *raises)?;
                self.record(step, value);
            }
            Step::DelAttr { of, name, raises } => {
                let target = self.eval(of)?;
                let outcome = target
                    .delattr(name.as_str())
                    .map(|()| Value::None)
                    .map_err(Fault::from);
                let value = self.outcome(outcome, *raises)?;
                self.record(step, value);
            }
            Step::With {
                manager,
                name,
                body,
                raise,
                raises,
            } => {
                let leaving =
                    self.with_block(manager, name.as_deref(), body, raise.as_ref(), *raises)?;
                self.record(step, leaving);
            }
            Step::SetClock { clock, to } => {
                let clock = self.var(clock)?;
                let clock = clock.cast::<FakeClock>().map_err(PyErr::from)?;
                clock.get().set(*to);
            }
            Step::Probe { name, args, .. } => {
                let args = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                let value = (self.probe)(self.candidate, name, &args)?;
                self.caught = None;
                self.record(step, value);
            }
        }
        Ok(())
    }

    /// `with manager as name: body`, the way the interpreter runs it: the
    /// type's `__enter__` and `__exit__`, the exception raised in the block
    /// handed to `__exit__`, which may swallow it by returning a true value.
    fn with_block(
        &mut self,
        manager: &Expr,
        name: Option<&str>,
        body: &[Step],
        raise: Option<&Expr>,
        raises: bool,
    ) -> Observed {
        let py = self.candidate.py;
        let manager = self.eval(manager)?;
        let ty = manager.get_type();
        let (enter, exit) = match (ty.getattr("__enter__"), ty.getattr("__exit__")) {
            (Ok(enter), Ok(exit)) => (enter, exit),
            _ => {
                return Err(Fault::Raised(pyo3::exceptions::PyTypeError::new_err(
                    format!(
                        "'{}' object does not support the context manager protocol",
                        super::object_type_name(&manager)
                    ),
                )));
            }
        };
        let entered = enter.call1((&manager,))?;
        if let Some(name) = name {
            self.vars.insert(name.to_string(), entered);
        }
        let raised: Option<PyErr> = match self.steps(body) {
            Err(Fault::Raised(err)) if err.is_instance_of::<PyNotImplementedError>(py) => {
                return Err(Fault::Raised(err));
            }
            Err(Fault::Raised(err)) => Some(err),
            Err(missing) => return Err(missing),
            Ok(()) => match raise {
                Some(raise) => {
                    let exception = self.eval(raise)?;
                    Some(PyErr::from_value(exception))
                }
                None => None,
            },
        };
        let Some(err) = raised else {
            let outcome = exit
                .call1((&manager, py.None(), py.None(), py.None()))
                .map(|_| Value::None)
                .map_err(Fault::from);
            return self.outcome(outcome, raises);
        };
        let value = err.value(py).clone();
        let swallowed = exit
            .call1((&manager, err.get_type(py), &value, err.traceback(py)))
            .and_then(|swallowed| swallowed.is_truthy());
        let outcome = match swallowed {
            Ok(true) => Ok(Value::None),
            // Not swallowed: the block's own exception leaves it.
            Ok(false) => Err(Fault::Raised(err)),
            // `__exit__` raised: that exception leaves instead.
            Err(raised) => Err(Fault::Raised(raised)),
        };
        self.outcome(outcome, raises)
    }

    fn var(&self, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.vars.get(name).cloned().ok_or_else(|| {
            PyRuntimeError::new_err(format!(
                "internal: the script reads {name} before binding it"
            ))
        })
    }

    fn eval(&mut self, expr: &Expr) -> Result<Bound<'py, PyAny>, Fault> {
        let py = self.candidate.py;
        Ok(match expr {
            Expr::Lit(value) => to_python(py, value)?,
            Expr::Var(name) => self.var(name)?,
            Expr::Name(name) => self.candidate.get(name)?,
            Expr::Builtin(name) => super::trusted()?
                .builtins
                .bind(py)
                .get_item(name.as_str())
                .map_err(|_| PyRuntimeError::new_err(format!("internal: no builtin {name}")))?,
            Expr::Fixture(name) => self
                .fixtures
                .ok_or_else(|| PyRuntimeError::new_err("internal: the exercise has no fixtures"))?
                .getattr(name.as_str())?,
            Expr::Attr(of, name) => self.eval(of)?.getattr(name.as_str())?,
            Expr::Item(of, key) => {
                let of = self.eval(of)?;
                let key = self.eval(key)?;
                of.get_item(key)?
            }
            Expr::Call { func, args, kwargs } => {
                let func = self.eval(func)?;
                let args = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                let named = PyDict::new(py);
                for (k, v) in kwargs {
                    named.set_item(k, self.eval(v)?)?;
                }
                func.call(PyTuple::new(py, args)?, Some(&named))?
            }
            Expr::Items(source, items) => source.build(self.candidate, items)?,
            Expr::Tuple(items) => {
                let items = items
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                PyTuple::new(py, items)?.into_any()
            }
            Expr::List(items) => {
                let items = items
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<Result<Vec<_>, _>>()?;
                PyList::new(py, items)?.into_any()
            }
            Expr::Dict(entries) => {
                let dict = PyDict::new(py);
                for (k, v) in entries {
                    dict.set_item(self.eval(k)?, self.eval(v)?)?;
                }
                dict.into_any()
            }
            Expr::Is(a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                to_python(py, &Value::Bool(a.is(&b)))?
            }
            Expr::Eq(a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                a.rich_compare(&b, pyo3::basic::CompareOp::Eq)?
            }
            Expr::Lt(a, b) => {
                let (a, b) = (self.eval(a)?, self.eval(b)?);
                a.rich_compare(&b, pyo3::basic::CompareOp::Lt)?
            }
            Expr::TypeName(of) => {
                to_python(py, &Value::Str(super::object_type_name(&self.eval(of)?)))?
            }
            Expr::Clock(now) => FakeClock::new(py, *now)?.into_any(),
            Expr::Counting(of) => super::PullCounter::wrap(&self.eval(of)?)?.into_any(),
            Expr::Pulls(of) => {
                let counter = self.eval(of)?;
                let counter = counter.cast::<super::PullCounter>().map_err(PyErr::from)?;
                to_python(py, &Value::Int(counter.get().pulls() as i64))?
            }
            Expr::IsGenerator(of) => {
                to_python(py, &Value::Bool(super::is_generator(&self.eval(of)?)?))?
            }
            Expr::Next(of, n) => {
                let it = self.eval(of)?;
                if *n == 1 {
                    super::next_of(&it)?
                } else {
                    let mut items = Vec::with_capacity(*n);
                    for _ in 0..*n {
                        match super::next_of(&it) {
                            Ok(item) => items.push(item),
                            Err(err) if err.is_instance_of::<PyStopIteration>(py) => break,
                            Err(err) => return Err(err.into()),
                        }
                    }
                    PyList::new(py, items)?.into_any()
                }
            }
            Expr::Caught => match &self.caught {
                Some(caught) => caught.clone(),
                None => py.None().into_bound(py),
            },
            Expr::ListOf(of, at_most) => {
                let it = self.eval(of)?.try_iter()?;
                let mut items = Vec::new();
                for item in it.take(at_most + 1) {
                    items.push(item?);
                }
                if items.len() > *at_most {
                    // It would have gone on: `...` (observed as `Value::More`).
                    items.truncate(*at_most);
                    items.push(py.Ellipsis().into_bound(py));
                }
                PyList::new(py, items)?.into_any()
            }
            Expr::RaisesAs(of, class) => {
                let class = self.eval(class)?;
                match self.eval(of) {
                    Err(Fault::Raised(err))
                        if err.is_instance(py, &class)
                            && !err.is_instance_of::<PyNotImplementedError>(py) =>
                    {
                        return Err(Fault::Raised(raised_as(py, err, &class)));
                    }
                    other => other?,
                }
            }
        })
    }
}

/// `err` raised again as an instance of exactly `class`, with its arguments
/// and traceback, `err` chained as the cause (see [`Expr::RaisesAs`]): made
/// with the `BaseException.__new__` captured before candidate code ran, so
/// no `__init__` or `__new__` of the candidate's runs. `err` itself when it
/// already is one, or when it cannot be remade.
fn raised_as(py: Python<'_>, err: PyErr, class: &Bound<'_, PyAny>) -> PyErr {
    if err.get_type(py).is(class) {
        return err;
    }
    let remade = || -> PyResult<PyErr> {
        let original = err.value(py);
        let args = original.getattr("args")?;
        let args = args.cast_exact::<PyTuple>().map_err(PyErr::from)?;
        let mut new_args = vec![class.clone()];
        new_args.extend(args.iter());
        let new = super::trusted()?
            .builtins
            .bind(py)
            .get_item("BaseException")?
            .getattr("__new__")?
            .call1(PyTuple::new(py, new_args)?)?;
        if let Some(traceback) = err.traceback(py) {
            new.setattr("__traceback__", traceback)?;
        }
        let remade = PyErr::from_value(new);
        remade.set_cause(py, Some(err.clone_ref(py)));
        Ok(remade)
    };
    remade().unwrap_or(err)
}
