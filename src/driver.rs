//! What every exercise driver uses inside the sandboxed child: the candidate's
//! module, strict extraction of what it returns, inputs built from [`Value`]s,
//! and the harness's own Python helpers (counting iterators, fake clocks).
//!
//! Everything here runs in the forked child, next to untrusted code, so it only
//! *observes*: the verdicts are decided by the grader from the [`Value`]s sent back.

use std::ffi::CString;

use pyo3::exceptions::{PyAttributeError, PyNotImplementedError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple,
};

use crate::value::{MAX_DEPTH, MAX_NODES, Value};

/// Python helpers shared by the drivers (fake clock, counting iterator, …).
const HARNESS_SOURCE: &str = include_str!("../python/harness.py");

/// Why a driver could not finish observing one call.
#[derive(Debug)]
pub enum Fault {
    /// The stub's name is missing from the candidate's module.
    Missing(String),
    /// The candidate's code raised (including `NotImplementedError`).
    Raised(PyErr),
}

impl From<PyErr> for Fault {
    fn from(err: PyErr) -> Self {
        Fault::Raised(err)
    }
}

pub type Observed = Result<Value, Fault>;

/// The candidate's imported module plus the harness helpers.
pub struct Candidate<'py> {
    pub py: Python<'py>,
    module: Bound<'py, PyAny>,
    harness: Bound<'py, PyModule>,
}

impl<'py> Candidate<'py> {
    pub fn new(module: Bound<'py, PyAny>, harness: Bound<'py, PyModule>) -> Self {
        Candidate {
            py: module.py(),
            module,
            harness,
        }
    }

    /// A public name of the candidate's module; [`Fault::Missing`] when absent.
    pub fn get(&self, name: &str) -> Result<Bound<'py, PyAny>, Fault> {
        match self.module.getattr(name) {
            Ok(obj) => Ok(obj),
            Err(err) if err.is_instance_of::<PyAttributeError>(self.py) => {
                Err(Fault::Missing(name.to_string()))
            }
            Err(err) => Err(Fault::Raised(err)),
        }
    }

    /// A helper object from `python/harness.py`.
    pub fn harness(&self, name: &str) -> PyResult<Bound<'py, PyAny>> {
        self.harness.getattr(name)
    }
}

/// How a function under test receives a sequence of items (a contract that
/// says "any iterable" is checked with each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    List,
    /// A one-shot generator over the items.
    Generator,
    /// The items are the characters of one string.
    Str,
}

impl Source {
    /// The items as a Python expression: `[1, 2]`, `(x for x in [1, 2])`, `'ab'`.
    pub fn describe(self, items: &[Value]) -> String {
        let list = Value::List(items.to_vec()).literal();
        match self {
            Source::List => list,
            Source::Generator => format!("(x for x in {list})"),
            Source::Str => Value::str(joined(items)).literal(),
        }
    }

    /// A fresh Python object giving the items this way.
    pub fn build<'py>(
        self,
        candidate: &Candidate<'py>,
        items: &[Value],
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = candidate.py;
        match self {
            Source::List => to_python(py, &Value::List(items.to_vec())),
            Source::Generator => candidate
                .harness("one_shot")?
                .call1((to_python(py, &Value::List(items.to_vec()))?,)),
            Source::Str => to_python(py, &Value::str(joined(items))),
        }
    }
}

/// The characters of a string source, joined back into the string.
fn joined(items: &[Value]) -> String {
    items
        .iter()
        .map(|v| match v {
            Value::Str(s) => s.clone(),
            other => other.repr(),
        })
        .collect()
}

/// Loads `python/harness.py` as a private module (not in `sys.modules`).
pub fn load_harness(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    let code = CString::new(HARNESS_SOURCE).expect("harness source has no NUL");
    PyModule::from_code(py, &code, c"<pyinterview-harness>", c"_pyinterview_harness")
}

/// Runs `f`, turning an exception it raises into [`Value::Raised`] — for
/// behaviour where raising is the expected observation. `NotImplementedError`
/// still propagates, so an untouched stub reads as "not attempted".
pub fn capture<'py>(py: Python<'py>, f: impl FnOnce() -> PyResult<Value>) -> Result<Value, Fault> {
    match f() {
        Ok(value) => Ok(value),
        Err(err) if err.is_instance_of::<PyNotImplementedError>(py) => Err(Fault::Raised(err)),
        Err(err) => Ok(Value::Raised(exception_type_name(py, &err))),
    }
}

/// The exception's class name, read from the type object (not `__name__`).
pub fn exception_type_name(py: Python<'_>, err: &PyErr) -> String {
    type_name(&err.get_type(py).into_any())
}

/// The C-level name of an object's type: cannot be faked by a metaclass property.
pub fn object_type_name(obj: &Bound<'_, PyAny>) -> String {
    type_name(&obj.get_type().into_any())
}

/// A type's name as the type object holds it, read through the `__name__`
/// getset descriptor of `type` itself (`type.__dict__["__name__"]`), which
/// candidate code cannot replace (`type` is immutable) and a metaclass
/// cannot shadow (it is called directly, not looked up on the class). It is
/// what `tp_name` gave (builtins keep only their last dotted part), through
/// the limited API too, so it serves the abi3 wheel and the binary alike.
fn type_name(ty: &Bound<'_, PyAny>) -> String {
    static NAME_OF_TYPE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let py = ty.py();
    let descriptor = NAME_OF_TYPE.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let getset = py
            .get_type::<pyo3::types::PyType>()
            .getattr("__dict__")?
            .get_item("__name__")?;
        Ok(getset.unbind())
    });
    let name = descriptor.ok().and_then(|descriptor| {
        let name = descriptor
            .bind(py)
            .call_method1("__get__", (ty, py.get_type::<pyo3::types::PyType>()))
            .ok()?;
        let name = name.cast_exact::<PyString>().ok()?;
        Some(name.to_string_lossy().into_owned())
    });
    match name {
        Some(name) => name.rsplit('.').next().unwrap_or(&name).to_string(),
        None => "?".to_string(),
    }
}

/// Extracts `obj` strictly: exact builtin types only, read through the C API.
pub fn extract(obj: &Bound<'_, PyAny>) -> Value {
    let mut budget = MAX_NODES;
    extract_inner(obj, 0, &mut budget)
}

fn extract_inner(obj: &Bound<'_, PyAny>, depth: usize, budget: &mut usize) -> Value {
    if depth > MAX_DEPTH || *budget == 0 {
        return Value::TooLarge;
    }
    *budget -= 1;
    let mut items = |seq: &mut dyn Iterator<Item = Bound<'_, PyAny>>| -> Option<Vec<Value>> {
        let mut out = Vec::new();
        for item in seq {
            let v = extract_inner(&item, depth + 1, budget);
            if v == Value::TooLarge {
                return None;
            }
            out.push(v);
        }
        Some(out)
    };
    if obj.is_none() {
        Value::None
    } else if obj.is_exact_instance_of::<PyBool>() {
        Value::Bool(obj.is_truthy().unwrap_or(false))
    } else if obj.is_exact_instance_of::<PyInt>() {
        match obj.extract::<i64>() {
            Ok(i) => Value::Int(i),
            // An exact int's str() is the builtin one.
            Err(_) => Value::BigInt(obj.str().map(|s| s.to_string()).unwrap_or_default()),
        }
    } else if obj.is_exact_instance_of::<PyFloat>() {
        Value::Float(obj.extract::<f64>().unwrap_or(f64::NAN))
    } else if let Ok(s) = obj.cast_exact::<PyString>() {
        Value::Str(s.to_string_lossy().into_owned())
    } else if let Ok(b) = obj.cast_exact::<PyBytes>() {
        Value::Bytes(b.as_bytes().to_vec())
    } else if let Ok(list) = obj.cast_exact::<PyList>() {
        items(&mut list.iter()).map_or(Value::TooLarge, Value::List)
    } else if let Ok(tuple) = obj.cast_exact::<PyTuple>() {
        items(&mut tuple.iter()).map_or(Value::TooLarge, Value::Tuple)
    } else if let Ok(set) = obj.cast_exact::<PySet>() {
        items(&mut set.iter()).map_or(Value::TooLarge, Value::Set)
    } else if let Ok(set) = obj.cast_exact::<PyFrozenSet>() {
        items(&mut set.iter()).map_or(Value::TooLarge, Value::FrozenSet)
    } else if let Ok(dict) = obj.cast_exact::<PyDict>() {
        let mut entries = Vec::new();
        for (k, v) in dict.iter() {
            let key = extract_inner(&k, depth + 1, budget);
            let value = extract_inner(&v, depth + 1, budget);
            if key == Value::TooLarge || value == Value::TooLarge {
                return Value::TooLarge;
            }
            entries.push((key, value));
        }
        Value::Dict(entries)
    } else {
        Value::Other(object_type_name(obj))
    }
}

/// Builds a fresh Python object from a value (inputs for the candidate's code).
pub fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::None => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Int(i) => i.into_pyobject(py)?.into_any(),
        Value::BigInt(digits) => py.get_type::<PyInt>().call1((digits.as_str(),))?,
        Value::Float(f) => PyFloat::new(py, *f).into_any(),
        Value::Str(s) => PyString::new(py, s).into_any(),
        Value::Bytes(b) => PyBytes::new(py, b).into_any(),
        Value::List(items) => PyList::new(py, seq(py, items)?)?.into_any(),
        Value::Tuple(items) => PyTuple::new(py, seq(py, items)?)?.into_any(),
        Value::Set(items) => PySet::new(py, seq(py, items)?)?.into_any(),
        Value::FrozenSet(items) => PyFrozenSet::new(py, seq(py, items)?)?.into_any(),
        Value::Dict(entries) => {
            let dict = PyDict::new(py);
            for (k, v) in entries {
                dict.set_item(to_python(py, k)?, to_python(py, v)?)?;
            }
            dict.into_any()
        }
        Value::Record(_) | Value::Raised(_) | Value::Other(_) | Value::TooLarge | Value::More => {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "internal: {} is not an input value",
                value.repr()
            )));
        }
    })
}

fn seq<'py>(py: Python<'py>, items: &[Value]) -> PyResult<Vec<Bound<'py, PyAny>>> {
    items.iter().map(|v| to_python(py, v)).collect()
}

/// Reads an attribute of a candidate object strictly (e.g. `wrapper.calls`);
/// a missing attribute is observed as `<raises AttributeError>`.
pub fn attr(obj: &Bound<'_, PyAny>, name: &str) -> Observed {
    capture(obj.py(), || Ok(extract(&obj.getattr(name)?)))
}

/// Loads an exercise's own Python fixtures (functions to decorate, flaky
/// callables, …) as a private module, once per child.
pub fn fixtures<'py>(
    py: Python<'py>,
    name: &'static str,
    source: &'static str,
) -> PyResult<Bound<'py, PyModule>> {
    use std::sync::Mutex;
    static LOADED: Mutex<Vec<(&'static str, Py<PyModule>)>> = Mutex::new(Vec::new());
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, module)) = loaded.iter().find(|(n, _)| *n == name) {
        return Ok(module.bind(py).clone());
    }
    let code =
        CString::new(source).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let file = CString::new(format!("<pyinterview-{name}-fixtures>")).expect("no NUL");
    let module_name = CString::new(format!("_pyinterview_{name}_fixtures")).expect("no NUL");
    let module = PyModule::from_code(py, &code, &file, &module_name)?;
    loaded.push((name, module.clone().unbind()));
    Ok(module)
}

/// An iterator that counts the items pulled through it, for laziness checks.
///
/// The count lives in Rust and has no Python attribute, so candidate code can
/// pull items but cannot read or rewrite the count (a plain Python counter
/// could be "corrected" with `it.pulls -= 1`).
#[pyclass(module = "pyinterview", name = "CountingIterator", frozen)]
pub struct PullCounter {
    source: Py<pyo3::types::PyIterator>,
    pulls: std::sync::atomic::AtomicUsize,
}

impl PullCounter {
    /// Counts the pulls from `iterable`'s iterator.
    pub fn wrap<'py>(iterable: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PullCounter>> {
        let source = iterable.try_iter()?.unbind();
        Bound::new(
            iterable.py(),
            PullCounter {
                source,
                pulls: Default::default(),
            },
        )
    }

    pub fn pulls(&self) -> usize {
        self.pulls.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[pymethods]
impl PullCounter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        match self.source.bind(py).clone().next() {
            Some(Ok(item)) => {
                self.pulls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok(Some(item.unbind()))
            }
            Some(Err(err)) => Err(err),
            None => Ok(None),
        }
    }
}
