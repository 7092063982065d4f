//! The results of grading: plain data, serialised as the stable JSON report.
//!
//! Shape (documented in the README; fields are only ever added):
//! `{"score", "max_score", "seed", "exercises": [{"id", "score", "max_score",
//! "checks": [{"name", "status", "score", "max_score", "message", …}], …}], …}`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::exercise::Origin;
use crate::sandbox::limits::{Limits, Measure};

/// Points an exercise is worth: every exercise counts the same, whatever its
/// number of checks; its checks share the points by weight.
pub const EXERCISE_POINTS: f64 = 10.0;

/// The report of one graded submission (`grade --format json`). Fields are
/// only ever added, never renamed or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "pyinterview report")]
pub struct SubmissionResult {
    /// Points scored: the sum of the exercises' scores, in hundredths.
    pub score: f64,
    /// Points available: 10 per graded exercise.
    pub max_score: f64,
    /// The seed of the generated checks; `grade --seed` repeats the report.
    pub seed: u64,
    /// The submission as given on the command line.
    pub submission: String,
    /// The pyinterview version that graded it.
    pub tool_version: String,
    /// The interpreter candidate code ran in (as its worker reported it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<super::schema::PythonSchema>")]
    pub python: Option<crate::sandbox::PythonInfo>,
    /// Which exercises were graded, and why those.
    #[serde(default)]
    pub selection: Selection,
    /// The limits every child ran under and the confinement obtained.
    pub sandbox: SandboxSummary,
    /// Problems with the submission itself (an archive edited after packing,
    /// a stub from another exercise version, …); grading went ahead.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Other submissions of the same batch whose solution to an exercise is
    /// suspiciously alike: one entry per exercise and other submission whose
    /// winnowed fingerprints (names, literals and layout normalised, the
    /// stub's own code left out) share at least 65% with this one's. Absent
    /// when there is none, and always when the submission was graded alone.
    /// A reason to read both solutions, not a verdict: small exercises with
    /// standard answers converge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub similar: Vec<SimilarTo>,
    /// One entry per graded exercise, in catalogue order.
    pub exercises: Vec<ExerciseResult>,
    /// The interviewer's own review (`pyinterview review`), read from the
    /// file beside the submission: rubric scores, comments, adjustments
    /// and a decision. Absent when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<super::review::Review>,
    /// The score after the review's adjustments (each exercise kept within
    /// 0 and its maximum); absent without a review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_score: Option<f64>,
}

/// Where the list of graded exercises came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// Every exercise in the catalogue (the submission has no manifest).
    #[default]
    All,
    /// The exercises the workspace's manifest assigns (`init` recorded them).
    Assigned,
    /// The exercises named with `--exercises`.
    Requested,
}

impl Selection {
    /// For the report: "the 2 exercises the workspace assigns".
    pub fn describe(self, count: usize) -> String {
        let noun = if count == 1 { "exercise" } else { "exercises" };
        match self {
            Selection::All => format!("all {count} {noun}"),
            Selection::Assigned => format!(
                "the {count} {noun} the workspace assigns (its manifest, which the candidate could edit; --exercises fixes the set)"
            ),
            Selection::Requested => format!("the {count} {noun} asked for with --exercises"),
        }
    }
}

/// Time spent in the checks that both the candidate's code and the
/// reference solution ran without raising, on the same cases: the least of
/// a few repeats of each check, after the graded run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Timing {
    /// The candidate's code's time over those checks, in milliseconds.
    pub candidate_ms: f64,
    /// The reference solution's time over the same checks, in milliseconds.
    pub reference_ms: f64,
    /// The geometric mean over the checks of candidate / reference time:
    /// 2.0 means twice as slow as the reference.
    pub ratio: f64,
    /// How many checks the comparison covers.
    pub checks: usize,
}

impl Timing {
    /// The comparison in words, the same in every report format.
    pub fn sentence(&self) -> String {
        format!(
            "{:.1} ms against the reference solution's {:.1} ms on the same {} checks; check by check, {}× its time (geometric mean)",
            self.candidate_ms, self.reference_ms, self.checks, self.ratio
        )
    }
}

/// A suspiciously alike solution in another submission of the batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SimilarTo {
    /// The exercise whose solutions are alike.
    pub exercise: String,
    /// The other submission's short name (its directory or archive name).
    pub other: String,
    /// Shared fingerprints over the smaller solution's, from 0 to 1.
    pub score: f64,
    /// Matching line ranges: `a_lines` in this submission, `b_lines` in the other.
    #[schemars(with = "Vec<super::schema::RegionSchema>")]
    pub regions: Vec<crate::similarity::Region>,
}

/// How the candidate's code was contained, as the report states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SandboxSummary {
    /// Wall-clock limit per exercise, in seconds.
    pub timeout_seconds: f64,
    #[schemars(with = "super::schema::LimitsSchema")]
    pub limits: Limits,
    /// Each confinement mechanism and whether this machine enforced it
    /// (empty when no code ran).
    #[schemars(with = "Vec<super::schema::MeasureSchema>")]
    pub confinement: Vec<Measure>,
}

/// One graded exercise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExerciseResult {
    /// The exercise id (`lru_cache`), also its file's name without `.py`.
    pub id: String,
    pub title: String,
    /// Points scored: the sum of the checks' scores.
    pub score: f64,
    /// Always 10: every exercise counts the same.
    pub max_score: f64,
    /// Every check, fixed ones first, then generated ones.
    pub checks: Vec<CheckResult>,
    /// What the candidate's code printed, capped.
    pub stdout: String,
    pub stderr: String,
    /// Bytes of output beyond the cap that were dropped.
    pub output_truncated_bytes: u64,
    /// Wall time of the sandboxed run, import included.
    pub elapsed_ms: u64,
    /// What the source reaches for (ctypes, frames, descriptors, …): notes
    /// for the interviewer, not verdicts.
    pub notes: Vec<String>,
    /// Hints used and the candidate's own check: what the candidate's copy
    /// of the tool recorded, no fact (see [`SelfReported`]).
    #[serde(flatten)]
    #[schemars(with = "super::schema::SelfReportedSchema")]
    pub self_reported: SelfReported,
    /// How many hints the exercise has.
    pub hints_available: usize,
    /// The candidate's code's time against the Python reference solution on
    /// the same cases, measured in the same run (absent without a reference).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timing: Option<Timing>,
    /// Questions for the interviewer to ask, chosen from the exercise's
    /// probes by the checks that ran and failed on their own: a failed
    /// thread-safety check brings a question about locks. Empty when every
    /// check passed, and when the failures say nothing about one part of the
    /// code (a syntax error or a missing file that every check shares,
    /// checks never run after a timeout, stubs not attempted). Written with
    /// Markdown code spans.
    #[serde(default)]
    pub follow_ups: Vec<String>,
}

/// How every report labels what [`SelfReported`] holds.
pub const SELF_REPORTED: &str = "self-reported by the candidate's copy of the tool";

/// What only the candidate's own copy of pyinterview recorded, in the
/// workspace manifest and the pack manifest. The candidate can edit both
/// (and recompute the pack manifest's hashes), so no report presents these
/// as facts: each labels them with [`SELF_REPORTED`].
///
/// In JSON they appear nested, `"self_reported": {"hints_used": 1,
/// "self_check": {…}}`, and, for reports read by older consumers (fields
/// are never removed), also as the exercise's `hints_used` and `self_check`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SelfReported {
    /// Hints the candidate saw (absent without a manifest).
    #[serde(default)]
    pub hints_used: Option<usize>,
    /// The candidate's own `check` when they packed the submission.
    #[serde(default)]
    pub self_check: Option<SelfCheck>,
}

impl SelfReported {
    fn is_empty(&self) -> bool {
        self.hints_used.is_none() && self.self_check.is_none()
    }
}

/// The nested object: only the fields present.
struct Nested<'a>(&'a SelfReported);

impl Serialize for Nested<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        if let Some(hints) = &self.0.hints_used {
            map.serialize_entry("hints_used", hints)?;
        }
        if let Some(own) = &self.0.self_check {
            map.serialize_entry("self_check", own)?;
        }
        map.end()
    }
}

/// Flattened into the exercise: `hints_used` and `self_check` as before,
/// and `self_reported` holding them both.
impl Serialize for SelfReported {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        if let Some(hints) = &self.hints_used {
            map.serialize_entry("hints_used", hints)?;
        }
        if let Some(own) = &self.self_check {
            map.serialize_entry("self_check", own)?;
        }
        if !self.is_empty() {
            map.serialize_entry("self_reported", &Nested(self))?;
        }
        map.end()
    }
}

/// One check: a call or a few, and what had to be observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// Stable within the exercise: what probes and follow-ups refer to.
    #[serde(default)]
    pub id: String,
    pub name: String,
    pub status: Status,
    /// `max_score` when passed, else 0.
    pub score: f64,
    /// The check's share of the exercise's 10 points, by weight, in
    /// hundredths that add up to exactly 10.
    pub max_score: f64,
    /// One line saying what happened; empty when passed.
    pub message: String,
    /// `fixed` (snapshotted, same for everyone) or `generated` (from the seed).
    #[schemars(with = "super::schema::OriginSchema")]
    pub origin: Origin,
    /// The candidate could not have seen this check's cases: generated from a
    /// seed other than their workspace's.
    pub hidden: bool,
    /// The call that failed, in Python syntax.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// The expected observation, as canonical Python-literal text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was observed instead, in the same text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Traceback lines inside the candidate's file, innermost last.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub traceback: Vec<String>,
    /// Wall time of the check's calls in the sandbox, in milliseconds, when
    /// the check ran to an end (absent when it timed out, crashed or never ran).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub elapsed_ms: Option<f64>,
    /// Why the check never got to a comparison of its own, where that is
    /// the reason it did not pass: reports group these by this field, never
    /// by the wording of `message`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unfinished: Option<Unfinished>,
    /// The call that gave a different result, step by step (when it is a
    /// script of steps): what each step must observe and what it did.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub steps: Vec<CallStep>,
    /// What this check's calls printed, for a check that did not pass
    /// (approximate where the code prints from other threads or processes).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub printed: Option<Printed>,
}

/// Output of one check, capped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Printed {
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub stdout: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub stderr: String,
}

impl Printed {
    /// The most of one check's output a result keeps, per stream.
    pub const CAP: usize = 2048;

    /// `None` when nothing was printed.
    pub fn of(stdout: &str, stderr: &str) -> Option<Printed> {
        let cap = |text: &str| {
            if text.len() <= Printed::CAP {
                return text.to_string();
            }
            let mut end = Printed::CAP;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &text[..end])
        };
        (!stdout.trim().is_empty() || !stderr.trim().is_empty()).then(|| Printed {
            stdout: cap(stdout),
            stderr: cap(stderr),
        })
    }
}

/// One step of a call that gave a different result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CallStep {
    /// The statement, in Python syntax (indented inside a `with` block).
    pub code: String,
    /// For a step that observes: its label (`[3] f(1)`), then the expected
    /// and the actual observation.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub actual: Option<String>,
}

/// Why a check never got to compare what the code did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unfinished {
    /// The code still raises the stub's `NotImplementedError`.
    Untouched,
    /// A public name of the stub is not defined by the module.
    NameMissing,
    /// The module's file is not in the submission.
    ModuleMissing,
    /// Never reached: an earlier check of the exercise used up the time.
    NotRun,
}

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    /// Ran, observed something else than expected.
    Failed,
    /// The candidate's code raised.
    Error,
    Timeout,
    /// The process died (signal, `os._exit`, a malformed result).
    Crashed,
    /// The candidate's code ran out of memory.
    Memory,
    /// The stub's `NotImplementedError`, or the name is missing.
    NotAttempted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Error => "error",
            Status::Timeout => "timeout",
            Status::Crashed => "crashed",
            Status::Memory => "memory",
            Status::NotAttempted => "not_attempted",
        }
    }
}

impl ExerciseResult {
    /// The submission has no `<id>.py` at all: every check says so, which a
    /// candidate should read as "deleted", not "not started".
    pub fn file_missing(&self) -> bool {
        let message = super::verdict::missing_module(&format!("{}.py", self.id)).message;
        !self.checks.is_empty()
            && self
                .checks
                .iter()
                .all(|c| c.status == Status::NotAttempted && c.message == message)
    }
}

impl SubmissionResult {
    /// The score as a percentage of the maximum (0 when nothing was graded).
    pub fn percent(&self) -> f64 {
        if self.max_score > 0.0 {
            100.0 * self.score / self.max_score
        } else {
            0.0
        }
    }

    /// Merges the interviewer's review: `review` and `reviewed_score`.
    pub fn apply_review(&mut self, review: super::review::Review) {
        let adjusted: f64 = self
            .exercises
            .iter()
            .map(|e| {
                let adjust = review.exercises.get(&e.id).map_or(0.0, |r| r.adjust);
                (e.score + adjust).clamp(0.0, e.max_score)
            })
            .sum();
        self.reviewed_score = Some(round_points(adjusted));
        self.review = Some(review);
    }

    /// The exercise's score after the review's adjustment, when reviewed.
    pub fn reviewed_exercise_score(&self, exercise: &ExerciseResult) -> Option<f64> {
        let adjust = self.review.as_ref()?.exercises.get(&exercise.id)?.adjust;
        Some(round_points(
            (exercise.score + adjust).clamp(0.0, exercise.max_score),
        ))
    }

    pub fn all_passed(&self) -> bool {
        self.exercises
            .iter()
            .all(|e| e.checks.iter().all(|c| c.status == Status::Passed))
    }
}

/// Rounds points to hundredths, as reports show them.
pub fn round_points(points: f64) -> f64 {
    (points * 100.0).round() / 100.0
}

/// `shares` rounded to hundredths so that they add up to `total` (rounded
/// to hundredths) exactly: each share rounded down, then the hundredths left
/// over go to the shares that lost the most, earlier ones first on a tie
/// (the largest remainder method). Rounding each share on its own makes ten
/// thirds of a point add up to 9.99 or 10.01.
pub fn apportion(shares: &[f64], total: f64) -> Vec<f64> {
    let target = (total * 100.0).round() as i64;
    let scaled: Vec<f64> = shares.iter().map(|s| s * 100.0).collect();
    // A hair of tolerance: 1.25 * 100 is 124.99999… in binary.
    let mut cents: Vec<i64> = scaled.iter().map(|s| (s + 1e-6).floor() as i64).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let remainder = |i: usize| scaled[i] - cents[i] as f64;
        remainder(b).total_cmp(&remainder(a)).then(a.cmp(&b))
    });
    let mut missing = target - cents.iter().sum::<i64>();
    for &i in order.iter().cycle().take(order.len() * 2) {
        if missing == 0 {
            break;
        }
        let step = missing.signum();
        cents[i] += step;
        missing -= step;
    }
    cents.into_iter().map(|c| c as f64 / 100.0).collect()
}

/// The candidate's own `check` when it packed: self-reported.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SelfCheck {
    pub score: f64,
    pub max_score: f64,
    pub passed: usize,
    pub checks: usize,
}

impl SelfCheck {
    /// For every report format: "… 13/15 checks, 8.5 / 10 (self-reported …)".
    pub fn sentence(&self) -> String {
        format!(
            "the candidate's own check when packing: {}/{} checks, {} / {} ({})",
            self.passed,
            self.checks,
            round_points(self.score),
            round_points(self.max_score),
            SELF_REPORTED
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportioned_shares_add_up_exactly() {
        let thirds = apportion(&[10.0 / 3.0; 3], 10.0);
        assert_eq!(thirds, [3.34, 3.33, 3.33]);
        let sevenths = apportion(&[10.0 / 7.0; 7], 10.0);
        let cents: i64 = sevenths.iter().map(|s| (s * 100.0).round() as i64).sum();
        assert_eq!(cents, 1000);
        assert_eq!(apportion(&[1.25; 8], 10.0), [1.25; 8]);
        assert_eq!(apportion(&[], 0.0), Vec::<f64>::new());
    }

    #[test]
    fn self_reported_fields_are_nested_and_kept_where_they_were() {
        let own = SelfCheck {
            score: 8.5,
            max_score: 10.0,
            passed: 13,
            checks: 15,
        };
        let reported = SelfReported {
            hints_used: Some(1),
            self_check: Some(own),
        };
        let json = serde_json::to_value(&reported).unwrap();
        assert_eq!(json["self_reported"]["hints_used"], 1);
        assert_eq!(json["self_reported"]["self_check"]["passed"], 13);
        assert_eq!(json["hints_used"], 1);
        assert_eq!(json["self_check"]["passed"], 13);
        let back: SelfReported = serde_json::from_value(json).unwrap();
        assert_eq!(back, reported);
        let hints_only = SelfReported {
            hints_used: Some(0),
            self_check: None,
        };
        assert_eq!(
            serde_json::to_value(&hints_only).unwrap(),
            serde_json::json!({"hints_used": 0, "self_reported": {"hints_used": 0}})
        );
        assert_eq!(
            serde_json::to_value(SelfReported::default()).unwrap(),
            serde_json::json!({})
        );
    }
}
