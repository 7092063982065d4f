//! The contract between an exercise and the grader.
//!
//! An exercise (one file under `src/exercises/`) implements
//! [`ScriptedExercise`]: its checks (fixed ones, snapshotted, and ones
//! generated from a seed), each call a [`Script`] of steps carrying what the
//! Rust reference says it must observe; the kit describes, runs and labels
//! them. The object-safe [`Graded`] (through [`Scripted`]) lets the grader
//! hold every exercise in one registry and ship the steps to the child as
//! JSON.

use pyo3::prelude::*;
use pyo3::types::PyModule;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::driver::{Candidate, Fault, Observed};
use crate::script::{Script, Step};

/// The random source for generated checks.
pub type Rng = ChaCha8Rng;

/// A named group of calls that pass or fail together, with a weight.
#[derive(Debug, Clone)]
pub struct Check<C> {
    /// Stable and unique within the exercise (`snake_case`): what probes,
    /// planted bugs, hostile fixtures and snapshots name.
    pub id: &'static str,
    /// What the candidate reads.
    pub name: String,
    pub weight: u32,
    pub calls: Vec<C>,
}

impl<C> Check<C> {
    pub fn new(id: &'static str, name: impl Into<String>, weight: u32, calls: Vec<C>) -> Self {
        Check {
            id,
            name: name.into(),
            weight,
            calls,
        }
    }

    /// The same check with each call turned into another form (e.g. a
    /// domain call into its [`Script`]).
    pub fn map<T>(self, f: impl FnMut(&C) -> T) -> Check<T> {
        Check {
            id: self.id,
            name: self.name,
            weight: self.weight,
            calls: self.calls.iter().map(f).collect(),
        }
    }
}

/// Where a check's expectations come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Fixed inputs; expectations read from the embedded snapshot.
    Fixed,
    /// Inputs drawn from the seed; expectations from the Rust reference.
    Generated,
}

/// A call ready to run: its input for the child and, for the grader only,
/// what it must observe.
#[derive(Debug, Clone)]
pub struct PlannedCall {
    pub input: serde_json::Value,
    pub description: String,
    pub expected: String,
}

#[derive(Debug, Clone)]
pub struct PlannedCheck {
    pub id: &'static str,
    pub name: String,
    pub weight: u32,
    pub origin: Origin,
    pub calls: Vec<PlannedCall>,
    /// The public names of the candidate's module its calls use; empty when
    /// not known (taken as all of them).
    pub uses: Vec<String>,
}

/// The object-safe face of an exercise: what the registry holds ([`Scripted`] implements it).
pub trait Graded: Send + Sync {
    fn id(&self) -> &'static str;
    /// Fixed checks with expectations from the Rust reference (what the
    /// snapshots must hold).
    fn reference_fixed(&self) -> Vec<PlannedCheck>;
    /// Generated checks for `seed`, with expectations from the Rust reference.
    fn generated_plan(&self, seed: u64) -> Vec<PlannedCheck>;
    fn prepare(&self, py: Python<'_>) -> PyResult<()>;
    /// Standard modules the harness imports in every child (see
    /// [`ScriptedExercise::harness_modules`]).
    fn harness_modules(&self) -> &'static [&'static str];
    fn drive_json(&self, candidate: &Candidate<'_>, input: &serde_json::Value) -> Observed;
}

/// A random stream per (seed, exercise), so adding an exercise never changes
/// the cases another exercise draws from the same seed.
pub fn rng_for(seed: u64, exercise_id: &str) -> Rng {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in exercise_id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(seed ^ hash)
}

/// An exercise written in the driver vocabulary ([`crate::script`]): its
/// checks are [`Script`]s that carry the Rust reference's expectations
/// step by step, so an exercise is its reference, its generators and its
/// checks, and nothing else: describing a call, running it in the child and
/// labelling what it observed are the kit's. Registered as
/// `pub static EXERCISE: Scripted<MyExercise> = Scripted(MyExercise);`.
pub trait ScriptedExercise: Send + Sync + 'static {
    /// The exercise id: the `exercises/<id>/` folder and the module `<id>.py`.
    fn id(&self) -> &'static str;

    /// Checks whose expectations are also insta snapshots.
    fn fixed(&self) -> Vec<Check<Script>>;

    /// Checks drawn from `rng` (a stream of its own per seed and exercise).
    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>>;

    /// Python helpers the scripts reach as [`crate::script::Expr::Fixture`]:
    /// loaded once per child, before the candidate's module, with private
    /// builtins, and verified unchanged around every call.
    fn fixtures(&self) -> Option<&'static str> {
        None
    }

    /// Runs in the child before the candidate's module is imported (e.g. to
    /// make a forbidden standard-library shortcut unavailable).
    fn prepare(&self, _py: Python<'_>) -> PyResult<()> {
        Ok(())
    }

    /// Standard modules that [`Self::prepare`], the fixtures or the probes
    /// import in every child. The worker imports them once, from the
    /// library's cached bytecode, before it forks the first child of the
    /// exercise: a child compiles every import from source (see
    /// `sandbox::audit`), which for `unittest.mock` or `importlib.metadata`
    /// costs tens of milliseconds per child. Importing a module earlier
    /// changes nothing `prepare` does to it.
    fn harness_modules(&self) -> &'static [&'static str] {
        &[]
    }

    /// The native observation a [`crate::script::Step::Probe`] names.
    fn probe<'py>(
        &self,
        _candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        Err(unknown_probe(name, args.len()))
    }
}

/// A probe the exercise does not have, or not with that many arguments: a
/// bug of the harness's own scripts, never the candidate's.
pub fn unknown_probe(name: &str, args: usize) -> Fault {
    Fault::Raised(pyo3::exceptions::PyRuntimeError::new_err(format!(
        "internal: no probe {name} of {args} arguments"
    )))
}

/// The registry's face of a [`ScriptedExercise`].
pub struct Scripted<E>(pub E);

impl<E: ScriptedExercise> Scripted<E> {
    fn plan(&self, check: Check<Script>, origin: Origin) -> PlannedCheck {
        let mut uses: Vec<String> = check.calls.iter().flat_map(Script::names).collect();
        uses.sort();
        uses.dedup();
        PlannedCheck {
            uses,
            id: check.id,
            name: check.name,
            weight: check.weight,
            origin,
            calls: check
                .calls
                .iter()
                .map(|script| PlannedCall {
                    input: serde_json::to_value(script.steps()).expect("steps serialise"),
                    description: script.describe(),
                    expected: script.expected().repr(),
                })
                .collect(),
        }
    }

    fn fixture_module<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyModule>>> {
        self.0
            .fixtures()
            .map(|source| crate::driver::fixtures(py, self.0.id(), source))
            .transpose()
    }
}

impl<E: ScriptedExercise> Graded for Scripted<E> {
    fn id(&self) -> &'static str {
        self.0.id()
    }

    fn reference_fixed(&self) -> Vec<PlannedCheck> {
        self.0
            .fixed()
            .into_iter()
            .map(|c| self.plan(c, Origin::Fixed))
            .collect()
    }

    fn generated_plan(&self, seed: u64) -> Vec<PlannedCheck> {
        let mut rng = rng_for(seed, self.0.id());
        self.0
            .generated(&mut rng)
            .into_iter()
            .map(|c| self.plan(c, Origin::Generated))
            .collect()
    }

    fn prepare(&self, py: Python<'_>) -> PyResult<()> {
        // Loaded here, before the candidate's module exists, so that the
        // fingerprint taken when fixtures are sealed is of the clean module.
        self.fixture_module(py)?;
        self.0.prepare(py)
    }

    fn harness_modules(&self) -> &'static [&'static str] {
        self.0.harness_modules()
    }

    fn drive_json(&self, candidate: &Candidate<'_>, input: &serde_json::Value) -> Observed {
        let steps: Vec<Step> = serde_json::from_value(input.clone()).map_err(|err| {
            Fault::Raised(pyo3::exceptions::PyRuntimeError::new_err(format!(
                "internal: bad steps for {}: {err}",
                self.0.id()
            )))
        })?;
        let fixtures = self.fixture_module(candidate.py)?;
        let probe = |candidate: &Candidate<'_>, name: &str, args: &[Bound<'_, PyAny>]| {
            self.0.probe(candidate, name, args)
        };
        crate::driver::steps::run(candidate, fixtures.as_ref(), &probe, &steps)
    }
}
