//! What every exercise driver uses inside the sandboxed child: the candidate's
//! module, strict extraction of what it returns, inputs built from [`Value`]s,
//! and the harness's own Python helpers (counting iterators, fake clocks).
//!
//! Everything here runs in the forked child, next to untrusted code, so it only
//! *observes*: the verdicts are decided by the grader from the [`Value`]s sent back.

use std::ffi::CString;
use std::path::Path;

pub mod interleave;
pub mod steps;

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
    /// The directory of the candidate's files (ending in `/`): frames of
    /// code from there are the candidate's.
    dir: String,
}

impl<'py> Candidate<'py> {
    /// `dir`: where the candidate's files are (the module's own directory).
    pub fn new(module: Bound<'py, PyAny>, harness: Bound<'py, PyModule>, dir: &Path) -> Self {
        let mut dir = dir.to_string_lossy().into_owned();
        if !dir.ends_with('/') {
            dir.push('/');
        }
        Candidate {
            py: module.py(),
            module,
            harness,
            dir,
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

    /// The path of one of the candidate's files (`<id>.py`): e.g. for a probe
    /// that parses the module's source with a parser captured before the
    /// candidate's code ran.
    pub fn file(&self, name: &str) -> std::path::PathBuf {
        Path::new(&self.dir).join(name)
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

/// Loads `python/harness.py` as a private, fingerprinted fixture module
/// (see [`fixtures`]).
pub fn load_harness(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    fixtures(py, "harness", HARNESS_SOURCE)
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
    } else if obj.is(obj.py().Ellipsis()) {
        // What the driver appends to a list it stopped reading (see
        // `Expr::ListOf`).
        Value::More
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
///
/// Fixture code shares the process with candidate code, which can reach any
/// Python object (through `gc`, or the frames of its callers). So fixtures
/// run with a private copy of the builtins made before any candidate code
/// existed, and every object they consist of is fingerprinted when they are
/// loaded: [`verify_fixtures`] then tells whether anything was rebound or
/// had its code swapped since.
pub fn fixtures<'py>(
    py: Python<'py>,
    name: &'static str,
    source: &'static str,
) -> PyResult<Bound<'py, PyModule>> {
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, module, _)) = loaded.iter().find(|(n, _, _)| *n == name) {
        return Ok(module.bind(py).clone());
    }
    let code =
        CString::new(source).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let module = PyModule::new(py, &format!("_pyinterview_{name}_fixtures"))?;
    let globals = module.dict();
    globals.set_item("__builtins__", trusted()?.builtins.bind(py))?;
    // The native counter fixtures count their real calls with.
    globals.set_item("CallCount", py.get_type::<CallCount>())?;
    // What fixtures count candidate-built objects with (see `count_tracked`).
    let count = pyo3::types::PyCFunction::new_closure(
        py,
        Some(c"count_tracked"),
        Some(c"count_tracked(predicate): tracked objects whose type the predicate accepts"),
        |args, _| count_tracked(args.py(), &args.get_item(0)?),
    )?;
    globals.set_item("count_tracked", count)?;
    // Where `warnings` records what it has shown for code of this module (a
    // coroutine of the fixtures' never awaited, say): made now, so that a
    // warning fills this dict instead of adding a name to the namespace,
    // which the fingerprint would take for tampering.
    globals.set_item("__warningregistry__", PyDict::new(py))?;
    py.run(&code, Some(&globals), None)?;
    let print = Fingerprint::of(&globals)?;
    loaded.push((name, module.clone().unbind(), print));
    Ok(module)
}

type Loaded = (&'static str, Py<PyModule>, Fingerprint);
static LOADED: std::sync::Mutex<Vec<Loaded>> = std::sync::Mutex::new(Vec::new());

/// Fingerprints every fixture module loaded so far anew: called once, after
/// the exercise's own set-up (which may add to its fixtures) and before the
/// candidate's module is imported.
pub fn seal_fixtures(py: Python<'_>) -> PyResult<()> {
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    for (_, module, print) in loaded.iter_mut() {
        *print = Fingerprint::of(&module.bind(py).dict())?;
    }
    Ok(())
}

/// Fails when any fixture module (or the private builtins) changed since it
/// was loaded: the observation that used it cannot be trusted.
pub fn verify_fixtures(py: Python<'_>) -> PyResult<()> {
    if let Some((types, print)) = SHARED.get() {
        let types: Vec<Bound<'_, PyAny>> = types.iter().map(|t| t.bind(py).clone()).collect();
        if !Fingerprint::of_shared(py, &types)?.same_as(print) {
            return Err(HarnessTampered::new_err(
                "the code changed the grader's builtins or native observers (a clock or a counter)",
            ));
        }
    }
    let loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    for (name, module, print) in loaded.iter() {
        let now = Fingerprint::of(&module.bind(py).dict())?;
        if !now.same_as(print) {
            return Err(HarnessTampered::new_err(format!(
                "the code changed the grader's {name} fixtures while they were in use"
            )));
        }
    }
    Ok(())
}

pyo3::create_exception!(
    pyinterview,
    HarnessTampered,
    pyo3::exceptions::PyException,
    "The code under test changed an object the harness observes with."
);

/// Every object a fixture module (or what all fixtures share) consists of,
/// held strongly so that no identity can be reused: each namespace's keys
/// and values in order, and for each function there (or method of a class
/// defined there) its code, defaults and keyword defaults. One group per
/// namespace, compared by identity alone: checked twice around every call,
/// it must cost microseconds, so no Python comparison and no copy of the
/// private builtins (the largest namespace) is made.
struct Fingerprint(Vec<Vec<Py<PyAny>>>);

impl Fingerprint {
    /// The namespaces (`__dict__` items) of `types`, and the private
    /// builtins with each of their functions' mutable parts.
    fn of_shared(py: Python<'_>, types: &[Bound<'_, PyAny>]) -> PyResult<Fingerprint> {
        let mut groups = Vec::with_capacity(types.len() + 1);
        for ty in types {
            let mut held = Vec::new();
            for item in ty.getattr("__dict__")?.call_method0("items")?.try_iter()? {
                let item = item?;
                held.push(item.get_item(0)?.unbind());
                held.push(item.get_item(1)?.unbind());
            }
            groups.push(held);
        }
        // Walked in place: nothing here runs Python code that could resize
        // the dict under the walk (a function's parts are plain slots).
        let mut held = Vec::new();
        for (key, value) in trusted()?.builtins.bind(py).cast::<PyDict>()?.iter() {
            held.push(key.unbind());
            Self::members(&value, &mut held)?;
        }
        groups.push(held);
        Ok(Fingerprint(groups))
    }

    /// A fixture module's namespace: each entry, and the members of
    /// the classes defined there.
    fn of(globals: &Bound<'_, PyDict>) -> PyResult<Fingerprint> {
        let mut held = Vec::new();
        // A snapshot: reading a class's `__dict__` may run a metaclass's
        // code, which must not change what is being walked.
        for entry in globals.items().iter() {
            held.push(entry.get_item(0)?.unbind());
            let value = entry.get_item(1)?;
            Self::members(&value, &mut held)?;
            if value.is_instance_of::<pyo3::types::PyType>() {
                for member in value
                    .getattr("__dict__")?
                    .call_method0("values")?
                    .try_iter()?
                {
                    Self::members(&member?, &mut held)?;
                }
            }
        }
        Ok(Fingerprint(vec![held]))
    }

    /// A function's mutable parts; anything else as itself.
    fn members(value: &Bound<'_, PyAny>, held: &mut Vec<Py<PyAny>>) -> PyResult<()> {
        held.push(value.clone().unbind());
        if value.is_instance_of::<pyo3::types::PyFunction>() {
            for part in [
                pyo3::intern!(value.py(), "__code__"),
                pyo3::intern!(value.py(), "__defaults__"),
                pyo3::intern!(value.py(), "__kwdefaults__"),
            ] {
                held.push(value.getattr(part)?.unbind());
            }
        }
        Ok(())
    }

    /// The very same objects, in the same order, namespace by namespace.
    fn same_as(&self, other: &Fingerprint) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|(a, b)| {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.as_ptr() == y.as_ptr())
            })
    }
}

/// An iterator that counts the items pulled through it, for laziness checks.
///
/// The count lives in Rust and has no Python attribute, so candidate code can
/// pull items but cannot read or rewrite the count (a plain Python counter
/// could be "corrected" with `it.pulls -= 1`).
// Immutable types where the C API allows them (not under abi3 before 3.14,
// i.e. the wheel): there the type's namespace is fingerprinted instead, see
// `capture_trusted` and `verify_fixtures`.
#[cfg_attr(
    not(feature = "wheel"),
    pyclass(
        module = "pyinterview",
        name = "CountingIterator",
        frozen,
        immutable_type
    )
)]
#[cfg_attr(
    feature = "wheel",
    pyclass(module = "pyinterview", name = "CountingIterator", frozen)
)]
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

/// Objects the drivers use that candidate code could rebind by name
/// (`builtins.next = …`, a fake `inspect` in `sys.modules`), captured in the
/// worker before any candidate code exists. Builtin functions and types are
/// immutable, so holding them is enough: rebinding a name changes nothing here.
struct Trusted {
    /// A copy of `builtins.__dict__`: the builtins fixture code runs with.
    builtins: Py<PyAny>,
    next: Py<PyAny>,
    generator_type: Py<PyAny>,
    settrace: Py<PyAny>,
    gc_objects: Py<PyAny>,
    gc_freeze: Py<PyAny>,
    gc_unfreeze: Py<PyAny>,
}

static TRUSTED: std::sync::OnceLock<Trusted> = std::sync::OnceLock::new();

/// Captures [`Trusted`]; the worker calls it once, before it forks any child.
pub fn capture_trusted(py: Python<'_>) -> PyResult<()> {
    let builtins = py.import("builtins")?;
    let sys = py.import("sys")?;
    let types = py.import("types")?;
    let gc = py.import("gc")?;
    let trusted = Trusted {
        builtins: builtins.dict().copy()?.into_any().unbind(),
        next: builtins.getattr("next")?.unbind(),
        generator_type: types.getattr("GeneratorType")?.unbind(),
        settrace: sys.getattr("settrace")?.unbind(),
        gc_objects: gc.getattr("get_objects")?.unbind(),
        gc_freeze: gc.getattr("freeze")?.unbind(),
        gc_unfreeze: gc.getattr("unfreeze")?.unbind(),
    };
    let _ = TRUSTED.set(trusted);
    let native = [
        py.get_type::<PullCounter>().into_any(),
        py.get_type::<FakeClock>().into_any(),
        py.get_type::<CallCount>().into_any(),
    ];
    let print = Fingerprint::of_shared(py, &native)?;
    let _ = SHARED.set((native.into_iter().map(Bound::unbind).collect(), print));
    Ok(())
}

/// What every fixture shares, fingerprinted once, before any candidate code
/// ran: the native observers' types (where a type cannot be made immutable,
/// patching one of its methods must still be caught) and the private
/// builtins fixture code runs with.
static SHARED: std::sync::OnceLock<(Vec<Py<PyAny>>, Fingerprint)> = std::sync::OnceLock::new();

fn trusted() -> PyResult<&'static Trusted> {
    TRUSTED.get().ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("internal: the harness was not initialised")
    })
}

/// `next(it)`, with the builtin captured before candidate code ran.
pub fn next_of<'py>(it: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    trusted()?.next.bind(it.py()).call1((it,))
}

/// Every object the garbage collector tracks, for counting what candidate
/// code built, with the builtins captured before candidate code ran.
/// `gc.get_objects()` leaves out the permanent generation, where the child
/// froze the worker's objects (see `sandbox::child`) and where candidate
/// code could freeze what it built (`gc.freeze()`) to hide it from a count:
/// so the permanent generation is thawed for the listing and frozen again
/// after it (two list splices; the listing itself is ~1 ms).
pub fn tracked_objects(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let trusted = trusted()?;
    trusted.gc_unfreeze.bind(py).call0()?;
    let objects = trusted.gc_objects.bind(py).call0();
    trusted.gc_freeze.bind(py).call0()?;
    objects
}

/// How many tracked objects (see [`tracked_objects`]) have a type that
/// `accept` accepts, asked once per type.
fn count_tracked_by(
    py: Python<'_>,
    mut accept: impl FnMut(&Bound<'_, pyo3::types::PyType>) -> PyResult<bool>,
) -> PyResult<usize> {
    let objects = tracked_objects(py)?;
    // The listing holds every object, so no type in it can die and have
    // its address reused while the answers are kept by address.
    let mut answers: std::collections::HashMap<usize, bool> = std::collections::HashMap::new();
    let mut count = 0;
    for object in objects.try_iter()? {
        let ty = object?.get_type();
        let accepted = match answers.get(&(ty.as_ptr() as usize)) {
            Some(&accepted) => accepted,
            None => {
                let accepted = accept(&ty)?;
                answers.insert(ty.as_ptr() as usize, accepted);
                accepted
            }
        };
        count += usize::from(accepted);
    }
    Ok(count)
}

/// How many tracked objects have a type that `predicate(type)` accepts: a
/// fixture's test of a type (its MRO, say) without a Python loop over every
/// object of the heap.
pub fn count_tracked(py: Python<'_>, predicate: &Bound<'_, PyAny>) -> PyResult<usize> {
    count_tracked_by(py, |ty| predicate.call1((ty,))?.is_truthy())
}

/// How many objects of exactly type `ty` are alive (that the garbage
/// collector tracks): e.g. to tell that candidate code built one of a
/// forbidden kind, however it reached the type.
pub fn live_instances(py: Python<'_>, ty: &Bound<'_, PyAny>) -> PyResult<usize> {
    count_tracked_by(py, |candidate| Ok(candidate.is(ty)))
}

/// Whether `obj` is a generator object: its exact type is compared with the
/// generator type itself (an iterator class, or a fake `inspect`, cannot pass).
pub fn is_generator(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(obj.get_type().is(trusted()?.generator_type.bind(obj.py())))
}

/// How often a fixture really ran, counted natively: `counter.tick()` (from
/// the fixture's body) adds one and returns the new count, `counter.calls`
/// reads it. Candidate code that finds the counter can neither lower nor
/// reset it (`calls -= 1` was enough when the count was a Python attribute);
/// the script holds the counter, so what it reads is what ticked.
#[cfg_attr(
    not(feature = "wheel"),
    pyclass(module = "pyinterview", name = "CallCount", frozen, immutable_type)
)]
#[cfg_attr(
    feature = "wheel",
    pyclass(module = "pyinterview", name = "CallCount", frozen)
)]
#[derive(Default)]
pub struct CallCount {
    calls: std::sync::atomic::AtomicI64,
}

#[pymethods]
impl CallCount {
    #[new]
    fn new() -> Self {
        CallCount::default()
    }

    /// One more call; the count so far.
    fn tick(&self) -> i64 {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    #[getter]
    fn calls(&self) -> i64 {
        self.calls.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn __repr__(&self) -> String {
        format!("CallCount({})", self.calls())
    }
}

/// A clock the driver sets by hand, injected as `clock=`: calling it returns
/// the time last set. Native and immutable, so candidate code can read the
/// time but neither set it nor patch how it is read.
#[cfg_attr(
    not(feature = "wheel"),
    pyclass(module = "pyinterview", name = "FakeClock", frozen, immutable_type)
)]
#[cfg_attr(
    feature = "wheel",
    pyclass(module = "pyinterview", name = "FakeClock", frozen)
)]
pub struct FakeClock {
    now: std::sync::atomic::AtomicU64,
}

impl FakeClock {
    pub fn new(py: Python<'_>, start: f64) -> PyResult<Bound<'_, FakeClock>> {
        Bound::new(
            py,
            FakeClock {
                now: std::sync::atomic::AtomicU64::new(start.to_bits()),
            },
        )
    }

    /// Moves the clock (from the driver: there is no Python method for it).
    pub fn set(&self, now: f64) {
        self.now
            .store(now.to_bits(), std::sync::atomic::Ordering::SeqCst);
    }
}

#[pymethods]
impl FakeClock {
    fn __call__(&self) -> f64 {
        f64::from_bits(self.now.load(std::sync::atomic::Ordering::SeqCst))
    }

    fn __repr__(&self) -> String {
        format!("FakeClock({})", self.__call__())
    }
}

/// Calls `call(py, thread, call_index)` from `threads` native threads,
/// `calls_each` times each, the threads taking turns one bytecode of the
/// candidate's code at a time in a fixed order (see [`interleave`]): a race
/// fails on every run, and correct locking never does. Returns the distinct
/// type names of the exceptions raised, sorted.
///
/// The threads, the turns and whatever `call` records live in Rust: candidate
/// code can find every Python object through `gc` or its callers' frames, but
/// nothing here is one.
pub fn hammer(
    candidate: &Candidate<'_>,
    threads: usize,
    calls_each: usize,
    call: impl Fn(Python<'_>, usize, usize) -> PyResult<()> + Sync,
) -> PyResult<Vec<String>> {
    let py = candidate.py;
    let trusted = trusted()?;
    let errors = std::sync::Mutex::new(Vec::new());
    let baton = interleave::Baton::new(threads);
    // Frames are out of reach while the threads run (see `sandbox::audit`).
    let _hammering = crate::sandbox::audit::hammering();
    py.detach(|| {
        std::thread::scope(|scope| {
            for me in 0..threads {
                let (call, errors, baton) = (&call, &errors, baton.clone());
                scope.spawn(move || {
                    Python::attach(|py| {
                        interleave::enter(baton.clone(), me);
                        let traced = interleave::tracer(py, baton.clone(), me).and_then(|tracer| {
                            crate::sandbox::audit::harness_tracing(|| {
                                trusted.settrace.bind(py).call1((tracer,))
                            })
                        });
                        py.detach(|| baton.start(me));
                        if let Err(err) = &traced {
                            // Untraced, the calls would not take turns: a
                            // race would go unseen. The check fails instead.
                            let name = format!("harness tracing failed: {}", err.value(py));
                            errors.lock().unwrap_or_else(|e| e.into_inner()).push(name);
                        }
                        for index in 0..calls_each {
                            if let Err(err) = call(py, me, index) {
                                let name = exception_type_name(py, &err);
                                errors.lock().unwrap_or_else(|e| e.into_inner()).push(name);
                            }
                        }
                        if traced.is_ok() {
                            crate::sandbox::audit::harness_tracing(|| {
                                let _ = trusted.settrace.bind(py).call1((py.None(),));
                            });
                        }
                        py.detach(|| baton.finish(me));
                        interleave::leave();
                    })
                });
            }
        })
    });
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    errors.sort();
    errors.dedup();
    Ok(errors)
}
