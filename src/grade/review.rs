//! The interviewer's own judgement of a submission, kept in a plain TOML
//! file beside it (`alice.review.toml` next to `alice/`, `a.tar.gz.review.toml`
//! next to `a.tar.gz`),
//! never among the candidate's files: for each exercise a 1–4 score per
//! rubric item, comments, and a manual adjustment of its points with the
//! reason; for the submission, comments and a decision. `pyinterview review`
//! writes it, `grade` merges it into every report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Lowest and highest score of a rubric item.
pub const RUBRIC_SCORES: std::ops::RangeInclusive<u8> = 1..=4;

/// What the interviewer decided about the candidate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    StrongHire,
    Hire,
    NoHire,
    StrongNoHire,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::StrongHire => "strong hire",
            Decision::Hire => "hire",
            Decision::NoHire => "no hire",
            Decision::StrongNoHire => "strong no hire",
        }
    }
}

/// The interviewer's review of a submission (`<submission>.review.toml`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// The decision about the candidate, when taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// Comments on the submission as a whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    /// The review of each exercise, by exercise id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub exercises: BTreeMap<String, ExerciseReview>,
}

/// The review of one exercise.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExerciseReview {
    /// A score from 1 (missing) to 4 (strong) per rubric item, keyed by the
    /// item's number in the exercise's rubric, from 1 (TOML keys are strings).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rubric: BTreeMap<String, u8>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<String>,
    /// Points added to (or, negative, taken from) the exercise's automatic
    /// score; the adjusted score stays within 0 and its maximum.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub adjust: f64,
    /// Why the points were adjusted (required with an adjustment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn is_zero(value: &f64) -> bool {
    *value == 0.0
}

impl ExerciseReview {
    /// The score given to rubric item `number` (from 1), if any.
    pub fn rubric_score(&self, number: usize) -> Option<u8> {
        self.rubric.get(&number.to_string()).copied()
    }
}

impl Review {
    pub fn is_empty(&self) -> bool {
        *self == Review::default()
    }

    /// The sum of the exercises' adjustments.
    pub fn adjustment(&self) -> f64 {
        self.exercises.values().map(|e| e.adjust).sum()
    }
}

/// Where the review of `submission` lives: beside it, named after it
/// (`subs/alice/` → `subs/alice.review.toml`, `a.tar.gz` →
/// `a.tar.gz.review.toml`), outside the candidate's files.
pub fn path_for(submission: &Path) -> PathBuf {
    let absolute = std::fs::canonicalize(submission)
        .or_else(|_| std::path::absolute(submission))
        .unwrap_or_else(|_| submission.to_path_buf());
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "submission".into());
    let parent = absolute.parent().unwrap_or(Path::new("/"));
    parent.join(format!("{name}.review.toml"))
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
}

/// The review beside `submission`, if one was written.
pub fn load(submission: &Path) -> Result<Option<Review>, ReviewError> {
    let path = path_for(submission);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ReviewError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    toml::from_str(&text)
        .map(Some)
        .map_err(|e| ReviewError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })
}

/// Writes `review` beside `submission`; returns the file's path.
pub fn save(submission: &Path, review: &Review) -> Result<PathBuf, ReviewError> {
    let path = path_for(submission);
    let text = format!(
        "# The interviewer's review of {} (pyinterview review; merged into grade's reports).\n{}",
        submission.display(),
        toml::to_string(review).map_err(|e| ReviewError::Write {
            path: path.display().to_string(),
            message: e.to_string(),
        })?
    );
    std::fs::write(&path, text).map_err(|e| ReviewError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(path)
}

/// The review in words, for the terminal (`review --show`, and `grade`'s
/// text report): a line per exercise and rubric item.
pub fn describe(review: &Review) -> String {
    let mut out = String::new();
    if let Some(decision) = review.decision {
        out.push_str(&format!("decision: {}\n", decision.as_str()));
    }
    for comment in &review.comments {
        out.push_str(&format!("comment: {comment}\n"));
    }
    let catalog = crate::catalog::Catalog::get();
    for (id, exercise) in &review.exercises {
        out.push_str(&format!("{id}:\n"));
        let rubric = catalog
            .exercise(id)
            .map(|e| e.info.rubric.clone())
            .unwrap_or_default();
        let mut items: Vec<(usize, u8)> = exercise
            .rubric
            .iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, *v)))
            .collect();
        items.sort();
        for (number, score) in items {
            let text = rubric.get(number - 1).map_or("", String::as_str);
            out.push_str(&format!("  rubric {number}: {score}/4  {text}\n"));
        }
        if exercise.adjust != 0.0 {
            out.push_str(&format!(
                "  adjusted {:+} points: {}\n",
                exercise.adjust,
                exercise.reason.as_deref().unwrap_or("no reason given")
            ));
        }
        for comment in &exercise.comments {
            out.push_str(&format!("  comment: {comment}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_sits_beside_the_submission_and_round_trips() {
        let tmp = tempfile::tempdir().unwrap();
        let sub = tmp.path().join("alice");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(path_for(&sub), tmp.path().join("alice.review.toml"));
        let slash = PathBuf::from(format!("{}/", sub.display()));
        assert_eq!(path_for(&slash), tmp.path().join("alice.review.toml"));
        assert_eq!(load(&sub).unwrap(), None);
        let mut review = Review {
            decision: Some(Decision::Hire),
            ..Review::default()
        };
        let lru = review.exercises.entry("lru_cache".into()).or_default();
        lru.rubric.insert("1".into(), 3);
        lru.adjust = -1.0;
        lru.reason = Some("hard-coded a visible case".into());
        let path = save(&sub, &review).unwrap();
        assert!(
            !path.starts_with(&sub),
            "never inside the candidate's files"
        );
        assert_eq!(load(&sub).unwrap(), Some(review.clone()));
        assert_eq!(review.adjustment(), -1.0);
        assert!(describe(&review).contains("rubric 1: 3/4"));
    }
}
