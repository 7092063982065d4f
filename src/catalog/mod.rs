//! The catalogue embedded in the binary: exercise metadata, stubs, snapshots and
//! the question bank, all read from `exercises/` at build time (see `build.rs`).
//!
//! Files carry a `format_version`; a file of another version is refused with a
//! message instead of being half-understood.

mod questions;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use questions::{Question, QuestionBank, Section};

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// The catalogue file format this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// One `exercises/<id>/` folder as embedded at build time.
#[derive(Debug)]
pub struct EmbeddedExercise {
    pub id: &'static str,
    pub info: Option<&'static str>,
    pub stub: Option<&'static str>,
    pub snapshot: Option<&'static str>,
}

/// `exercises/<id>/info.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseInfo {
    pub format_version: u32,
    pub id: String,
    /// Bumped when the stub's contract changes.
    pub version: u32,
    pub title: String,
    pub questions: Vec<u32>,
    pub level: Level,
    pub functions: Vec<String>,
    pub summary: String,
    pub hints: Vec<String>,
    pub rubric: Vec<String>,
    pub follow_ups: Vec<String>,
    /// Follow-up questions chosen by which checks failed: an interviewer
    /// reading "failed: thread safety" gets a question about locks.
    #[serde(default)]
    pub probes: Vec<Probe>,
}

/// A follow-up question for when any of `checks` (ids) fails on its own.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    pub checks: Vec<String>,
    pub ask: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Junior,
    Mid,
    Senior,
    Design,
}

impl Level {
    /// The default time budget for one exercise of this level, in minutes.
    pub fn minutes(self) -> u32 {
        match self {
            Level::Junior => 20,
            Level::Mid => 30,
            Level::Senior | Level::Design => 45,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Junior => "junior",
            Level::Mid => "mid",
            Level::Senior => "senior",
            Level::Design => "design",
        }
    }
}

/// An exercise's shipped material.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    pub info: ExerciseInfo,
    pub stub: &'static str,
    /// Expected observations of the fixed checks: check id → calls.
    pub fixed: BTreeMap<String, Vec<FixedCall>>,
}

/// One call of a fixed check as the snapshot records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedCall {
    pub call: String,
    pub expected: String,
}

/// One fixed check as the snapshot records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedCheck {
    /// The check's id: what the grader looks the expectations up by.
    pub id: String,
    /// Its name, for whoever reads the snapshot.
    pub check: String,
    pub calls: Vec<FixedCall>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("exercise `{id}`: {problem}")]
    Exercise { id: String, problem: String },
    #[error("question bank: {0}")]
    Questions(String),
}

/// The whole catalogue, parsed once.
#[derive(Debug)]
pub struct Catalog {
    pub exercises: Vec<CatalogEntry>,
    pub questions: QuestionBank,
}

impl Catalog {
    /// The embedded catalogue. Panics only if the build embedded a broken
    /// catalogue, which the consistency tests rule out.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::load().unwrap_or_else(|err| panic!("embedded catalogue: {err}"))
        })
    }

    pub fn load() -> Result<Catalog, CatalogError> {
        let exercises = EMBEDDED
            .iter()
            .map(parse_entry)
            .collect::<Result<Vec<_>, _>>()?;
        let questions = QuestionBank::parse(QUESTIONS.unwrap_or(""))?;
        Ok(Catalog {
            exercises,
            questions,
        })
    }

    pub fn exercise(&self, id: &str) -> Option<&CatalogEntry> {
        self.exercises.iter().find(|e| e.info.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.exercises.iter().map(|e| e.info.id.as_str()).collect()
    }

    /// The ids a mistyped `name` probably meant, best first (at most three):
    /// the same id but for case, `-`, `_` or a `.py` (`LRU-cache`), then ids
    /// it begins (`lru`), then ids a typo or two away (`lru_cahce`).
    pub fn suggest(&self, name: &str) -> Vec<&str> {
        suggest(name, &self.ids())
    }
}

/// An id reduced to what people get right: lower case, no separators.
fn normalise(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_suffix(".py").unwrap_or(name);
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

fn suggest<'a>(name: &str, ids: &[&'a str]) -> Vec<&'a str> {
    let wanted = normalise(name);
    if wanted.is_empty() {
        return vec![];
    }
    let same: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| normalise(id) == wanted)
        .collect();
    if !same.is_empty() {
        return same;
    }
    // A beginning names an id only if it is not a mere letter or two.
    let begun: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| wanted.len() >= 3 && normalise(id).starts_with(&wanted))
        .collect();
    if !begun.is_empty() {
        return begun.into_iter().take(3).collect();
    }
    // A typo: about one edit per four letters, at least one.
    let allowed = (wanted.chars().count() / 4).max(1);
    let mut near: Vec<(usize, &str)> = ids
        .iter()
        .map(|id| (strsim::damerau_levenshtein(&wanted, &normalise(id)), *id))
        .filter(|(distance, _)| *distance <= allowed)
        .collect();
    near.sort();
    near.into_iter().take(3).map(|(_, id)| id).collect()
}

#[cfg(test)]
mod suggestion_tests {
    use super::suggest;

    const IDS: &[&str] = &["classes", "context_managers", "lru_cache", "list_tuple"];

    #[test]
    fn near_misses_suggest_the_id() {
        for name in [
            "lru",
            "lrucache",
            "lru-cache",
            "LRU_cache",
            "lru_cache.py",
            "lru_cahce",
        ] {
            assert_eq!(suggest(name, IDS), ["lru_cache"], "{name}");
        }
        assert_eq!(suggest("Context-Managers", IDS), ["context_managers"]);
    }

    #[test]
    fn unrelated_names_suggest_nothing() {
        for name in ["", "c", "nope", "zz", "graph"] {
            assert!(suggest(name, IDS).is_empty(), "{name}");
        }
    }
}

fn parse_entry(embedded: &EmbeddedExercise) -> Result<CatalogEntry, CatalogError> {
    let problem = |problem: String| CatalogError::Exercise {
        id: embedded.id.to_string(),
        problem,
    };
    let info_text = embedded
        .info
        .ok_or_else(|| problem("info.toml is missing".into()))?;
    let info: ExerciseInfo =
        toml::from_str(info_text).map_err(|e| problem(format!("info.toml: {e}")))?;
    if info.format_version != FORMAT_VERSION {
        return Err(problem(format!(
            "info.toml has format_version {}, this build reads {FORMAT_VERSION}",
            info.format_version
        )));
    }
    if info.id != embedded.id {
        return Err(problem(format!("info.toml names id `{}`", info.id)));
    }
    let stub = embedded
        .stub
        .ok_or_else(|| problem("stub.py is missing".into()))?;
    let fixed = match embedded.snapshot {
        Some(text) => parse_snapshot(text).map_err(problem)?,
        None => BTreeMap::new(),
    };
    Ok(CatalogEntry { info, stub, fixed })
}

/// Reads an insta `.snap` file back: a `---` header, then the JSON body.
pub fn parse_snapshot(text: &str) -> Result<BTreeMap<String, Vec<FixedCall>>, String> {
    let body = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(text, |(_, body)| body);
    let checks: Vec<FixedCheck> =
        serde_json::from_str(body).map_err(|e| format!("snapshots/fixed.snap: {e}"))?;
    Ok(checks.into_iter().map(|c| (c.id, c.calls)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_bodies_are_read_after_the_header() {
        let text = "---\nsource: x.rs\nexpression: fixed\n---\n[{\"id\": \"a\", \"check\": \"does a\", \"calls\": [{\"call\": \"f()\", \"expected\": \"1\"}]}]\n";
        let fixed = parse_snapshot(text).unwrap();
        assert_eq!(
            fixed["a"],
            vec![FixedCall {
                call: "f()".into(),
                expected: "1".into()
            }]
        );
        assert!(parse_snapshot("---\nx\n---\nnot json").is_err());
    }
}
