//! `mro` (question 23): the method resolution order. `c3` computes the C3
//! linearisation of a class from a description of a hierarchy; four classes
//! in a diamond cooperate through `super().__init__`.
//!
//! Reference: [`c3`], the C3 merge in plain Rust over a [`Hierarchy`] (each
//! class with its ordered direct bases), checked in `cargo test` against
//! Python's own `type(...).__mro__` on random hierarchies. It gives both the
//! `c3` expectations and the cooperative ones: the grader defines its own
//! classes around the candidate's (the `build` fixture: each of its classes
//! logs its name and passes its arguments on through `super()`), and the log
//! of `Leaf(log)` is the C3 linearisation of `Leaf` without `object`, which
//! only an `__init__` chain that really follows the MRO through `super()`
//! produces.
//!
//! Python's own MRO is the shortcut for `c3` (build the classes with
//! `type(name, bases, {})` and read `__mro__`): every `c3` call runs in the
//! `c3` probe, which disables the garbage collector for the call (classes
//! live in reference cycles, so none created during the call can vanish
//! before it is looked for), lists the type objects alive before and after
//! through `gc.get_objects` (captured before candidate code ran), and fails
//! the call when a class created during it is named like a class of the
//! hierarchy or has another such new class as a direct base: a hierarchy was
//! built. A helper class of the candidate's own (a namedtuple) is not.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use pyo3::exceptions::{PyNotImplementedError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyType};
use rand::RngExt;

use crate::driver::{Candidate, Fault, Observed, extract};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct MroExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<MroExercise> = Scripted(MroExercise);

// ---- the Rust reference -------------------------------------------------

/// Each class of a hierarchy with its ordered direct bases (`object`
/// implicit), in the order they are listed in the dict handed to `c3`.
pub type Hierarchy = Vec<(String, Vec<String>)>;

/// No consistent order exists for this class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistent(pub String);

/// The C3 merge of `sequences`: repeatedly the first head (in the lists'
/// order) that is in no list's tail; `None` when no head is good.
pub fn merge(mut sequences: Vec<Vec<String>>) -> Option<Vec<String>> {
    let mut out = Vec::new();
    loop {
        sequences.retain(|s| !s.is_empty());
        if sequences.is_empty() {
            return Some(out);
        }
        let head = sequences
            .iter()
            .map(|s| &s[0])
            .find(|head| !sequences.iter().any(|s| s[1..].contains(head)))?
            .clone();
        for s in &mut sequences {
            if s[0] == head {
                s.remove(0);
            }
        }
        out.push(head);
    }
}

/// The C3 linearisation of `name` in `hierarchy`, ending in `object`:
/// the class, then the merge of its bases' linearisations and of the list
/// of its bases.
pub fn c3(hierarchy: &[(String, Vec<String>)], name: &str) -> Result<Vec<String>, Inconsistent> {
    fn linearise(
        hierarchy: &[(String, Vec<String>)],
        name: &str,
        memo: &mut BTreeMap<String, Result<Vec<String>, Inconsistent>>,
    ) -> Result<Vec<String>, Inconsistent> {
        if let Some(done) = memo.get(name) {
            return done.clone();
        }
        let bases: Vec<String> = hierarchy
            .iter()
            .find(|(class, _)| class == name)
            .map(|(_, bases)| bases.clone())
            .unwrap_or_default();
        let result = if bases.is_empty() {
            Ok(vec![name.to_string(), "object".to_string()])
        } else {
            let mut sequences = Vec::new();
            let mut failed = None;
            for base in &bases {
                match linearise(hierarchy, base, memo) {
                    Ok(l) => sequences.push(l),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            match failed {
                Some(_) => Err(Inconsistent(name.to_string())),
                None => {
                    sequences.push(bases);
                    merge(sequences)
                        .map(|rest| {
                            let mut l = vec![name.to_string()];
                            l.extend(rest);
                            l
                        })
                        .ok_or_else(|| Inconsistent(name.to_string()))
                }
            }
        };
        memo.insert(name.to_string(), result.clone());
        result
    }
    linearise(hierarchy, name, &mut BTreeMap::new())
}

/// The four classes of the stub: `Base`, `Left(Base)`, `Right(Base)`,
/// `Child(Left, Right)`.
pub fn diamond() -> Hierarchy {
    hierarchy(&[
        ("Base", &[]),
        ("Left", &["Base"]),
        ("Right", &["Base"]),
        ("Child", &["Left", "Right"]),
    ])
}

/// What `Leaf(log)` logs when every class of its MRO logs its name and then
/// calls `super().__init__` once: the MRO without `object`.
pub fn cooperative_log(hierarchy: &[(String, Vec<String>)], leaf: &str) -> Option<Vec<String>> {
    let mut mro = c3(hierarchy, leaf).ok()?;
    mro.retain(|c| c != "object");
    Some(mro)
}

pub fn hierarchy(classes: &[(&str, &[&str])]) -> Hierarchy {
    classes
        .iter()
        .map(|(name, bases)| {
            (
                name.to_string(),
                bases.iter().map(|b| b.to_string()).collect(),
            )
        })
        .collect()
}

// ---- scripts ------------------------------------------------------------

fn lit(value: impl Into<Value>) -> Expr {
    Expr::lit(value)
}

fn strs(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::str(s.as_str())).collect())
}

/// The hierarchy as the dict `c3` receives.
fn bases_value(hierarchy: &[(String, Vec<String>)]) -> Value {
    Value::Dict(
        hierarchy
            .iter()
            .map(|(name, bases)| (Value::str(name.as_str()), strs(bases)))
            .collect(),
    )
}

/// What `c3(bases, name)` must observe.
fn c3_expected(hierarchy: &[(String, Vec<String>)], name: &str) -> Value {
    match c3(hierarchy, name) {
        Ok(mro) => strs(&mro),
        Err(_) => raises("TypeError"),
    }
}

/// `c3(bases, name)`, run in the `c3` probe (see the module documentation).
fn c3_step(script: Script, hierarchy: &[(String, Vec<String>)], name: &str) -> Script {
    script.probe(
        "c3",
        &format!("c3(bases, {})", Value::str(name).literal()),
        vec![Expr::name("c3"), Expr::var("bases"), lit(name)],
        c3_expected(hierarchy, name),
    )
}

/// `bases = {...}`, then `c3(bases, name)` for each of `names`.
fn c3_script(hierarchy: &[(String, Vec<String>)], names: &[&str]) -> Script {
    let mut script = Script::new().bind("bases", Expr::Lit(bases_value(hierarchy)));
    for name in names {
        script = c3_step(script, hierarchy, name);
    }
    script
}

/// `attempt(c3, bases, name)` for each name (its result or exception not
/// observed: only what it leaves behind), then `bases` observed: what it
/// held before.
fn unchanged_script(hierarchy: &[(String, Vec<String>)], names: &[&str]) -> Script {
    let mut script = Script::new().bind("bases", Expr::Lit(bases_value(hierarchy)));
    for name in names {
        script = script.run(Expr::fixture("attempt").call(vec![
            Expr::name("c3"),
            Expr::var("bases"),
            lit(*name),
        ]));
    }
    script.observe(Expr::var("bases"), bases_value(hierarchy))
}

/// The candidate's four classes, by name, for the `build` fixture.
fn candidate_classes() -> Expr {
    Expr::Dict(
        ["Base", "Left", "Right", "Child"]
            .iter()
            .map(|name| (lit(*name), Expr::name(name)))
            .collect(),
    )
}

/// `log = [*prefill]; Class(log)` for each class; then `log`.
fn construct_script(classes: &[&str], prefill: &[&str]) -> Script {
    let start: Vec<String> = prefill.iter().map(|s| s.to_string()).collect();
    let mut expected = start.clone();
    let mut script = Script::new().bind("log", Expr::Lit(strs(&start)));
    for class in classes {
        script = script.run(Expr::name(class).call(vec![Expr::var("log")]));
        expected.extend(cooperative_log(&diamond(), class).expect("the diamond is consistent"));
    }
    script.observe(Expr::var("log"), strs(&expected))
}

/// `Leaf = build(spec, {...}, log); Leaf(log); log`: the grader's classes
/// of `spec` (the last one the leaf) around the candidate's.
fn built_script(spec: &[(String, Vec<String>)]) -> Script {
    let leaf = spec.last().expect("a class to build").0.as_str();
    let mut whole = diamond();
    whole.extend(spec.iter().cloned());
    let expected = cooperative_log(&whole, leaf).expect("a consistent spec");
    let spec_value = Value::List(
        spec.iter()
            .map(|(name, bases)| Value::Tuple(vec![Value::str(name.as_str()), strs(bases)]))
            .collect(),
    );
    Script::new()
        .bind("log", Expr::Lit(Value::List(vec![])))
        .bind(
            leaf,
            Expr::fixture("build").call(vec![
                Expr::Lit(spec_value),
                candidate_classes(),
                Expr::var("log"),
            ]),
        )
        .run(Expr::var(leaf).call(vec![Expr::var("log")]))
        .observe(Expr::var("log"), strs(&expected))
}

fn c3_checks() -> Vec<Check<Script>> {
    let diamond_h = hierarchy(&[("A", &[]), ("B", &["A"]), ("C", &["A"]), ("D", &["B", "C"])]);
    let diamond_swapped =
        hierarchy(&[("A", &[]), ("B", &["A"]), ("C", &["A"]), ("D", &["C", "B"])]);
    // The example of the C3 paper's Wikipedia page.
    let classic = hierarchy(&[
        ("O1", &[]),
        ("A", &["O1"]),
        ("B", &["O1"]),
        ("C", &["O1"]),
        ("D", &["O1"]),
        ("E", &["O1"]),
        ("K1", &["A", "B", "C"]),
        ("K2", &["D", "B", "E"]),
        ("K3", &["D", "A"]),
        ("Z", &["K1", "K2", "K3"]),
    ]);
    // Python's documentation example (the 2.3 MRO paper), where C3 differs
    // from a depth-first search.
    let paper = hierarchy(&[
        ("F", &[]),
        ("E", &[]),
        ("D", &[]),
        ("C", &["D", "F"]),
        ("B", &["D", "E"]),
        ("A", &["B", "C"]),
    ]);
    let paper2 = hierarchy(&[
        ("F", &[]),
        ("E", &[]),
        ("D", &[]),
        ("C", &["D", "F"]),
        ("B", &["E", "D"]),
        ("A", &["B", "C"]),
    ]);
    let chain = hierarchy(&[("A", &[]), ("B", &["A"]), ("C", &["B"]), ("D", &["C"])]);
    let base_first = hierarchy(&[("A", &[]), ("B", &["A"]), ("C", &["A", "B"])]);
    let crossed = hierarchy(&[
        ("A", &[]),
        ("B", &[]),
        ("X", &["A", "B"]),
        ("Y", &["B", "A"]),
        ("Z", &["X", "Y"]),
    ]);
    let duplicate = hierarchy(&[("A", &[]), ("B", &["A", "A"])]);
    let inherits_conflict = hierarchy(&[
        ("A", &[]),
        ("B", &["A"]),
        ("Bad", &["A", "B"]),
        ("Good", &["B"]),
        ("Worse", &["Good", "Bad"]),
    ]);
    vec![
        Check::new(
            "c3_no_bases",
            "a class without bases: [name, 'object']",
            1,
            vec![c3_script(
                &hierarchy(&[("A", &[]), ("B", &[])]),
                &["A", "B"],
            )],
        ),
        Check::new(
            "c3_single_inheritance",
            "a chain of single inheritance: the class, its parent, …, 'object'",
            1,
            vec![c3_script(&chain, &["D", "B"])],
        ),
        Check::new(
            "c3_diamond",
            "a diamond: the shared base once, after both of its subclasses",
            3,
            vec![
                c3_script(&diamond_h, &["D"]),
                c3_script(&diamond_swapped, &["D", "C"]),
            ],
        ),
        Check::new(
            "c3_local_precedence",
            "unrelated bases keep the order they are listed in",
            2,
            vec![
                c3_script(&hierarchy(&[("A", &[]), ("B", &[]), ("C", &["A", "B"])]), &["C"]),
                c3_script(&hierarchy(&[("A", &[]), ("B", &[]), ("C", &["B", "A"])]), &["C"]),
                c3_script(
                    &hierarchy(&[("P", &[]), ("Q", &[]), ("R", &[]), ("S", &["Q", "R", "P"])]),
                    &["S"],
                ),
            ],
        ),
        Check::new(
            "c3_merge",
            "deeper hierarchies follow the C3 merge, not a depth-first search",
            3,
            vec![
                c3_script(&classic, &["Z", "K1", "K3"]),
                c3_script(&paper, &["A"]),
                c3_script(&paper2, &["A"]),
            ],
        ),
        Check::new(
            "c3_inconsistent",
            "no consistent order (a base before its own subclass, two classes ordering the same bases differently, a duplicated base) raises TypeError",
            3,
            vec![
                c3_script(&base_first, &["C"]),
                c3_script(&crossed, &["Z"]),
                c3_script(&duplicate, &["B"]),
            ],
        ),
        Check::new(
            "c3_inconsistent_base",
            "a class whose base is inconsistent raises TypeError; an inconsistent class it does not inherit from does not matter",
            2,
            vec![c3_script(&inherits_conflict, &["Worse", "Good", "B"])],
        ),
        Check::new(
            "c3_input_unchanged",
            "bases and its lists are not mutated (whatever c3 returns or raises)",
            2,
            vec![
                unchanged_script(&diamond_h, &["D", "B"]),
                unchanged_script(&classic, &["Z"]),
                unchanged_script(&crossed, &["Z", "X"]),
            ],
        ),
    ]
}

fn spec(classes: &[(&str, &[&str])]) -> Hierarchy {
    hierarchy(classes)
}

fn cooperative_checks() -> Vec<Check<Script>> {
    let child_mro = construct_script(&["Child"], &[]).observe(
        Expr::fixture("mro_names").call(vec![Expr::name("Child")]),
        strs(&c3(&diamond(), "Child").expect("consistent")),
    );
    vec![
        Check::new(
            "cooperative_child",
            "Child(log) logs Child, Left, Right, Base, each once, on the list it is given",
            3,
            vec![
                child_mro,
                construct_script(&["Child"], &["start"]),
                construct_script(&["Child", "Child"], &[]),
            ],
        ),
        Check::new(
            "cooperative_each_class",
            "Base, Left and Right alone log themselves and what follows them in their MRO",
            2,
            vec![
                construct_script(&["Base"], &[]),
                construct_script(&["Left"], &[]),
                construct_script(&["Right"], &[]),
                construct_script(&["Left", "Right", "Base"], &["start"]),
            ],
        ),
        Check::new(
            "cooperative_super_reaches_grader_classes",
            "super() is what is followed: the grader's classes placed in the MRO (between Right and Base, between Left and Right) are reached",
            3,
            vec![
                built_script(&spec(&[("Mixin", &["Base"]), ("Sub", &["Child", "Mixin"])])),
                built_script(&spec(&[("Extra", &["Right"]), ("Sub", &["Left", "Extra"])])),
                built_script(&spec(&[
                    ("Extra", &["Right"]),
                    ("Mixin", &["Base"]),
                    ("Sub", &["Left", "Extra", "Mixin"]),
                ])),
            ],
        ),
        Check::new(
            "cooperative_base_calls_super",
            "Base calls super().__init__() too: a class the grader places after Base is reached",
            1,
            vec![
                built_script(&spec(&[("Tail", &[]), ("Sub", &["Child", "Tail"])])),
                built_script(&spec(&[("Tail", &[]), ("Sub", &["Right", "Tail"])])),
            ],
        ),
    ]
}

// ---- random hierarchies ---------------------------------------------------

const LETTERS: [&str; 10] = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K"];

/// Up to `max` distinct classes of `pool`, in random order.
fn pick(rng: &mut Rng, pool: &[String], max: usize) -> Vec<String> {
    let mut pool = pool.to_vec();
    let k = rng.random_range(0..=max.min(pool.len()));
    (0..k)
        .map(|_| pool.remove(rng.random_range(0..pool.len())))
        .collect()
}

/// A consistent hierarchy of `n` classes: each class's bases are drawn from
/// the classes before it until its linearisation exists.
pub fn random_consistent(rng: &mut Rng, n: usize) -> Hierarchy {
    let mut h: Hierarchy = Vec::new();
    for name in LETTERS.iter().take(n) {
        let earlier: Vec<String> = h.iter().map(|(c, _)| c.clone()).collect();
        let mut bases = Vec::new();
        for _ in 0..20 {
            let candidate = pick(rng, &earlier, 3);
            let mut trial = h.clone();
            trial.push((name.to_string(), candidate.clone()));
            if c3(&trial, name).is_ok() {
                bases = candidate;
                break;
            }
        }
        h.push((name.to_string(), bases));
    }
    h
}

/// The entries in a random order (the dict's order must not matter).
fn shuffled(rng: &mut Rng, h: &Hierarchy) -> Hierarchy {
    let mut rest = h.clone();
    let mut out = Vec::new();
    while !rest.is_empty() {
        out.push(rest.remove(rng.random_range(0..rest.len())));
    }
    out
}

/// A consistent hierarchy, its last class and one other asked for.
fn random_c3_call(rng: &mut Rng) -> Script {
    let n = rng.random_range(4..=LETTERS.len());
    let h = random_consistent(rng, n);
    let last = h[n - 1].0.clone();
    let other = h[rng.random_range(0..n - 1)].0.clone();
    let h = shuffled(rng, &h);
    c3_script(&h, &[&last, &other])
}

/// A consistent hierarchy plus a class `Z` that has no consistent order
/// (and, sometimes, a `W` inheriting from it): `Z`, `W` and a consistent
/// class asked for.
fn random_inconsistent_call(rng: &mut Rng) -> Script {
    let n = rng.random_range(3..=7);
    let mut h = random_consistent(rng, n);
    let names: Vec<String> = h.iter().map(|(c, _)| c.clone()).collect();
    let mut z = None;
    for _ in 0..200 {
        let mut bases = pick(rng, &names, 3);
        if bases.len() < 2 {
            continue;
        }
        if rng.random_bool(0.1) {
            // A duplicated base.
            let again = bases[0].clone();
            bases.push(again);
        }
        let mut trial = h.clone();
        trial.push(("Z".to_string(), bases.clone()));
        if c3(&trial, "Z").is_err() {
            z = Some(bases);
            break;
        }
    }
    // A base listed before one of its subclasses: always inconsistent.
    let z = z.unwrap_or_else(|| {
        h.iter()
            .find(|(_, bases)| !bases.is_empty())
            .map(|(c, b)| vec![b[0].clone(), c.clone()])
            .unwrap_or_else(|| vec![names[0].clone(), names[0].clone()])
    });
    h.push(("Z".to_string(), z));
    let mut asked = vec!["Z".to_string()];
    if rng.random_bool(0.5) {
        let mut bases = pick(rng, &names, 1);
        bases.insert(rng.random_range(0..=bases.len()), "Z".to_string());
        h.push(("W".to_string(), bases));
        asked.push("W".to_string());
    }
    asked.push(names[rng.random_range(0..names.len())].clone());
    let h = shuffled(rng, &h);
    let asked: Vec<&str> = asked.iter().map(String::as_str).collect();
    c3_script(&h, &asked)
}

/// The grader's classes `H1`, `H2`, … around the candidate's diamond, each
/// with up to three bases among the classes before it; the last one's MRO
/// holds `Base` (which takes the log argument out of the chain).
pub fn random_spec(rng: &mut Rng) -> Hierarchy {
    loop {
        let count = rng.random_range(2..=4);
        let mut whole = diamond();
        let mut spec = Hierarchy::new();
        for i in 1..=count {
            let name = format!("H{i}");
            let pool: Vec<String> = whole.iter().map(|(c, _)| c.clone()).collect();
            for _ in 0..20 {
                let bases = pick(rng, &pool, 3);
                let mut trial = whole.clone();
                trial.push((name.clone(), bases.clone()));
                if c3(&trial, &name).is_ok() {
                    whole = trial;
                    spec.push((name.clone(), bases));
                    break;
                }
            }
        }
        let Some((leaf, _)) = spec.last() else {
            continue;
        };
        if spec.len() == count
            && c3(&whole, leaf).is_ok_and(|mro| mro.iter().any(|c| c == "Base"))
        {
            return spec;
        }
    }
}

// ---- the c3 probe ----------------------------------------------------------

/// `gc.isenabled`, `gc.disable`, `gc.enable`, captured before candidate
/// code ran.
static GC: OnceLock<[Py<PyAny>; 3]> = OnceLock::new();

/// The type objects alive now (held, so no address is reused).
fn live_types(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyAny>>> {
    let objects = crate::driver::tracked_objects(py)?;
    let objects = objects.cast::<PyList>().map_err(PyErr::from)?;
    Ok(objects
        .iter()
        .filter(|o| o.is_instance_of::<PyType>())
        .collect())
}

/// `type.__dict__[attr].__get__(cls)`: what the type object itself holds,
/// whatever a metaclass says.
fn type_slot<'py>(cls: &Bound<'py, PyAny>, attr: &str) -> PyResult<Bound<'py, PyAny>> {
    let py = cls.py();
    let ty = py.get_type::<PyType>();
    ty.getattr("__dict__")?
        .get_item(attr)?
        .call_method1("__get__", (cls, ty))
}

/// Runs `c3(bases, name)` watching for classes built during the call (see
/// the module documentation).
fn c3_probe<'py>(
    candidate: &Candidate<'py>,
    c3_func: &Bound<'py, PyAny>,
    bases: &Bound<'py, PyAny>,
    name: &Bound<'py, PyAny>,
) -> Observed {
    let py = candidate.py;
    let gc = GC
        .get()
        .ok_or_else(|| PyRuntimeError::new_err("internal: gc not captured"))?;
    let [isenabled, disable, enable] = gc.each_ref().map(|f| f.bind(py).clone());
    let names: HashSet<String> = match extract(bases) {
        Value::Dict(entries) => entries
            .iter()
            .filter_map(|(k, _)| match k {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => HashSet::new(),
    };
    let was_enabled = isenabled.call0()?.is_truthy()?;
    disable.call0()?;
    let outcome = (|| {
        let before = live_types(py)?;
        let seen: HashSet<usize> = before.iter().map(|t| t.as_ptr() as usize).collect();
        let outcome = c3_func.call1((bases, name));
        let after = live_types(py)?;
        let new: Vec<&Bound<'_, PyAny>> = after
            .iter()
            .filter(|t| !seen.contains(&(t.as_ptr() as usize)))
            .collect();
        let new_ptrs: HashSet<usize> = new.iter().map(|t| t.as_ptr() as usize).collect();
        let mut built = None;
        for ty in &new {
            let class_name = type_slot(ty, "__name__")
                .ok()
                .map(|n| extract(&n))
                .and_then(|n| match n {
                    Value::Str(s) => Some(s),
                    _ => None,
                })
                .unwrap_or_default();
            let new_base = type_slot(ty, "__bases__")
                .ok()
                .and_then(|b| b.try_iter().ok())
                .is_some_and(|mut bases| {
                    bases.any(|b| b.is_ok_and(|b| new_ptrs.contains(&(b.as_ptr() as usize))))
                });
            if names.contains(&class_name) || new_base {
                built = Some(class_name);
                break;
            }
        }
        drop(before);
        Ok::<_, PyErr>((outcome, built))
    })();
    if was_enabled {
        enable.call0()?;
    }
    let (outcome, built) = outcome?;
    if let Some(class_name) = built {
        return Err(Fault::Raised(PyRuntimeError::new_err(format!(
            "c3 built classes (e.g. {class_name:?}) during the call, as type(...) or a class statement does, presumably to read Python's own __mro__: the point is the C3 merge itself"
        ))));
    }
    match outcome {
        Ok(result) => Ok(extract(&result)),
        Err(err)
            if err.is_instance_of::<PyTypeError>(py)
                && !err.is_instance_of::<PyNotImplementedError>(py) =>
        {
            Ok(raises("TypeError"))
        }
        Err(err) => Err(Fault::Raised(err)),
    }
}

/// Private helpers the scripts call.
const FIXTURES: &str = r#"
"""Helpers of the mro checks: the grader's own cooperative classes, and the
MRO of a class read from the type object itself."""

_type = type
_super = super
_tuple = tuple
_mro_of = type.__dict__["__mro__"].__get__
_name_of = type.__dict__["__name__"].__get__


def attempt(func, *args):
    """func(*args), an Exception it raises swallowed (not NotImplementedError)."""
    try:
        func(*args)
    except NotImplementedError:
        raise
    except Exception:
        pass


def mro_names(cls):
    """[c.__name__ for c in cls.__mro__], read from the type object."""
    return [_name_of(c) for c in _mro_of(cls)]


def _logging_class(name, bases, log):
    def __init__(self, *args, **kwargs):
        log.append(name)
        _super(cls, self).__init__(*args, **kwargs)

    cls = _type(name, bases, {"__init__": __init__})
    return cls


def build(spec, classes, log):
    """For each (name, base names) of spec, a class whose __init__ appends
    its name to log and calls super().__init__ with the arguments it got
    (positional and keyword);
    bases are named in classes (the candidate's) or earlier in spec.
    Returns the last one."""
    namespace = dict(classes)
    cls = None
    for name, bases in spec:
        cls = _logging_class(name, _tuple(namespace[b] for b in bases), log)
        namespace[name] = cls
    return cls
"#;

impl ScriptedExercise for MroExercise {
    fn id(&self) -> &'static str {
        "mro"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let mut checks = c3_checks();
        checks.extend(cooperative_checks());
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let consistent = (0..8).map(|_| random_c3_call(rng)).collect();
        let inconsistent = (0..6).map(|_| random_inconsistent_call(rng)).collect();
        let cooperative = (0..4).map(|_| built_script(&random_spec(rng))).collect();
        vec![
            Check::new(
                "c3_random",
                "c3 on random consistent hierarchies",
                3,
                consistent,
            ),
            Check::new(
                "c3_random_inconsistent",
                "c3 on random hierarchies holding a class with no consistent order",
                2,
                inconsistent,
            ),
            Check::new(
                "cooperative_random",
                "random grader classes around the diamond: every __init__ of the MRO runs once, in MRO order",
                2,
                cooperative,
            ),
        ]
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        let gc = py.import("gc")?;
        let get = |name: &str| gc.getattr(name).map(Bound::unbind);
        let _ = GC.set([
            get("isenabled")?,
            get("disable")?,
            get("enable")?,
        ]);
        Ok(())
    }

    fn probe<'py>(
        &self,
        candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        match (name, args) {
            ("c3", [func, bases, class]) => c3_probe(candidate, func, bases, class),
            _ => Err(crate::exercise::unknown_probe(name, args.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3::types::{PyDict, PyTuple};
    use rand::SeedableRng;

    fn names(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_diamond_and_the_classic_example() {
        let d = hierarchy(&[("A", &[]), ("B", &["A"]), ("C", &["A"]), ("D", &["B", "C"])]);
        assert_eq!(c3(&d, "D"), Ok(names(&["D", "B", "C", "A", "object"])));
        let classic = hierarchy(&[
            ("O1", &[]),
            ("A", &["O1"]),
            ("B", &["O1"]),
            ("C", &["O1"]),
            ("D", &["O1"]),
            ("E", &["O1"]),
            ("K1", &["A", "B", "C"]),
            ("K2", &["D", "B", "E"]),
            ("K3", &["D", "A"]),
            ("Z", &["K1", "K2", "K3"]),
        ]);
        assert_eq!(
            c3(&classic, "Z"),
            Ok(names(&[
                "Z", "K1", "K2", "K3", "D", "A", "B", "C", "E", "O1", "object"
            ]))
        );
        assert_eq!(
            cooperative_log(&diamond(), "Child"),
            Some(names(&["Child", "Left", "Right", "Base"]))
        );
    }

    #[test]
    fn inconsistent_orders_are_refused() {
        let h = hierarchy(&[("A", &[]), ("B", &["A"]), ("C", &["A", "B"]), ("D", &["B"])]);
        assert!(c3(&h, "C").is_err());
        assert!(c3(&h, "D").is_ok());
        let dup = hierarchy(&[("A", &[]), ("B", &["A", "A"])]);
        assert!(c3(&dup, "B").is_err());
        let via = hierarchy(&[("A", &[]), ("B", &["A"]), ("C", &["A", "B"]), ("E", &["C"])]);
        assert!(c3(&via, "E").is_err());
    }

    #[test]
    fn random_cases_mix_both_outcomes() {
        let mut rng = Rng::seed_from_u64(3);
        for _ in 0..50 {
            let h = random_consistent(&mut rng, 8);
            for (name, _) in &h {
                assert!(c3(&h, name).is_ok());
            }
            let spec = random_spec(&mut rng);
            let mut whole = diamond();
            whole.extend(spec.iter().cloned());
            assert!(cooperative_log(&whole, &spec.last().unwrap().0).is_some());
        }
    }

    /// The reference agrees with Python's own `__mro__` on random
    /// hierarchies: each class is made with `type(name, bases, {})` (or
    /// refused with TypeError) in definition order.
    #[test]
    fn c3_agrees_with_python() {
        Python::initialize();
        Python::attach(|py| {
            let mut rng = Rng::seed_from_u64(23);
            let type_ = py.get_type::<PyType>();
            let mut refused = 0;
            for _ in 0..400 {
                let n = rng.random_range(2..=LETTERS.len());
                let mut h = Hierarchy::new();
                let classes = PyDict::new(py);
                for name in LETTERS.iter().take(n) {
                    // Random bases among the classes Python accepted.
                    let pool: Vec<String> = h
                        .iter()
                        .filter(|(c, _)| classes.contains(c.as_str()).unwrap())
                        .map(|(c, _)| c.clone())
                        .collect();
                    let mut bases = pick(&mut rng, &pool, 3);
                    if bases.len() == 1 && rng.random_bool(0.05) {
                        bases.push(bases[0].clone());
                    }
                    h.push((name.to_string(), bases.clone()));
                    let py_bases: Vec<Bound<'_, PyAny>> = bases
                        .iter()
                        .map(|b| classes.get_item(b.as_str()).unwrap().unwrap())
                        .collect();
                    let made = type_.call1((
                        *name,
                        PyTuple::new(py, py_bases).unwrap(),
                        PyDict::new(py),
                    ));
                    let ours = c3(&h, name);
                    match made {
                        Ok(cls) => {
                            let mro: Vec<String> = cls
                                .getattr("__mro__")
                                .unwrap()
                                .try_iter()
                                .unwrap()
                                .map(|c| c.unwrap().getattr("__name__").unwrap().extract().unwrap())
                                .collect();
                            assert_eq!(ours, Ok(mro), "{h:?}");
                            classes.set_item(*name, cls).unwrap();
                        }
                        Err(err) => {
                            assert!(err.is_instance_of::<PyTypeError>(py));
                            assert!(ours.is_err(), "{h:?}: Python refused {name}");
                            refused += 1;
                        }
                    }
                }
            }
            assert!(refused > 50, "{refused} refused");
        });
    }
}
