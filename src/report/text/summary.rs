//! The batch summary: the table an interviewer scans after grading a pile.

use std::fmt::Write as _;

use super::{BOLD, DIM, RED, YELLOW, clean, points};
use crate::grade::model::SubmissionResult;

/// A row per submission (total and each exercise's score; `-` where an
/// exercise was not graded), a row per submission that could not be graded,
/// then who has warnings: the table an interviewer scans after grading a pile.
pub fn render_summary(
    graded: &[(&str, &SubmissionResult)],
    failed: &[(&str, &str)],
    seed: u64,
) -> String {
    let mut out = String::new();
    let ids = crate::report::graded_ids(graded);
    let name_width = graded
        .iter()
        .map(|(n, _)| n.len())
        .chain(failed.iter().map(|(n, _)| n.len()))
        .max()
        .unwrap_or(10)
        .max(10);
    let _ = write!(out, "\n{BOLD}{:<name_width$}  {:>9}", "SUBMISSION", "TOTAL");
    for id in &ids {
        let _ = write!(out, "  {:>w$}", id, w = id.len().max(5));
    }
    let _ = writeln!(out, "  WARNINGS{BOLD:#}");
    for (name, result) in graded {
        let total = format!("{}/{}", points(result.score), points(result.max_score));
        let _ = write!(out, "{:<name_width$}  {:>9}", name, total);
        for id in &ids {
            let score = result
                .exercises
                .iter()
                .find(|e| e.id == *id)
                .map_or_else(|| "-".to_string(), |e| points(e.score));
            let _ = write!(out, "  {:>w$}", score, w = id.len().max(5));
        }
        let _ = writeln!(out, "  {}", result.warnings.len());
    }
    for (name, why) in failed {
        let _ = writeln!(
            out,
            "{:<name_width$}  {RED}{:>9}  not graded: {}{RED:#}",
            name,
            "-",
            clean(why)
        );
    }
    let _ = writeln!(
        out,
        "{DIM}seed {seed}; every submission graded with it{DIM:#}"
    );
    let sets: std::collections::BTreeSet<Vec<&str>> = graded
        .iter()
        .map(|(_, r)| r.exercises.iter().map(|e| e.id.as_str()).collect())
        .collect();
    if sets.len() > 1 {
        let _ = writeln!(
            out,
            "{YELLOW}note: the submissions were graded on different exercises (each workspace's own); --exercises grades them all on the same set{YELLOW:#}"
        );
    }
    // Groups of alike solutions, one line each (not every pair).
    let clusters = crate::report::similar::clusters(graded);
    if !clusters.is_empty() {
        let _ = writeln!(
            out,
            "\n{YELLOW}Suspiciously alike solutions (after normalising names, literals and layout):{YELLOW:#}"
        );
        for cluster in clusters {
            let _ = writeln!(out, "  {}", cluster.line());
        }
    }
    out
}
