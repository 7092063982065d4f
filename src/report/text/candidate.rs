//! The candidate's `check` screen: a progress bar per exercise, then the
//! first failures of each in detail, then overall progress.

use std::fmt::Write as _;

use super::{
    BOLD, DIM, GREEN, RED, YELLOW, is_missing_name, is_not_run, is_untouched, render_check,
    render_not_run, render_output, render_shared_failure, render_untouched,
};
use crate::grade::model::{CheckResult, Status, SubmissionResult, Unfinished};

/// Whose output `check` shows: the candidate reads it.
const YOUR_CODE: &str = "your code";

/// Failures detailed per exercise when a candidate checks several at once.
const CANDIDATE_FAILURES: usize = 3;
const BAR_WIDTH: usize = 20;

/// The candidate's view: a progress line per exercise, then the first
/// failures of each exercise in detail (of `focus` only, all of them, when
/// given), then overall progress.
pub fn render_candidate(result: &SubmissionResult, focus: Option<&str>) -> String {
    let mut out = String::new();
    let width = result
        .exercises
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(0);
    for exercise in &result.exercises {
        let total = exercise.checks.len();
        let passed = exercise
            .checks
            .iter()
            .filter(|c| c.status == Status::Passed)
            .count();
        let untouched = exercise
            .checks
            .iter()
            .all(|c| c.status == Status::NotAttempted);
        let filled = (BAR_WIDTH * passed + total / 2)
            .checked_div(total)
            .unwrap_or(0);
        let (style, tail) = if passed == total {
            (GREEN, "done")
        } else if exercise.file_missing() {
            (RED, "missing")
        } else if untouched {
            (DIM, "not started")
        } else {
            (YELLOW, "")
        };
        let _ = writeln!(
            out,
            "{:<width$}  {style}{}{style:#}{DIM}{}{DIM:#}  {passed:>2}/{total:<2}  {style}{tail}{style:#}",
            exercise.id,
            "█".repeat(filled),
            "░".repeat(BAR_WIDTH - filled),
        );
    }
    let limit = if result.exercises.len() == 1 || focus.is_some() {
        usize::MAX
    } else {
        CANDIDATE_FAILURES
    };
    for exercise in result
        .exercises
        .iter()
        .filter(|e| focus.is_none_or(|id| e.id == id))
    {
        // Checks whose function still raises the stub's NotImplementedError
        // are only counted; a name that is not defined (misspelt, deleted)
        // is a failure to show.
        let checks: Vec<CheckResult> = exercise.checks.iter().map(in_your_words).collect();
        let (untouched, failing): (Vec<&CheckResult>, Vec<&CheckResult>) = checks
            .iter()
            .filter(|c| c.status != Status::Passed)
            .partition(|c| is_untouched(c));
        // A stub nobody touched says "not started" in its progress line.
        if failing.is_empty() && (untouched.is_empty() || untouched.len() == exercise.checks.len())
        {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{BOLD}{}{BOLD:#} — {} of {} checks to go",
            exercise.id,
            untouched.len() + failing.len(),
            exercise.checks.len()
        );
        if failing.is_empty() {
            render_untouched(&mut out, untouched.len());
            continue;
        }
        if untouched.is_empty() && render_shared_failure(&mut out, &failing) {
            render_output(&mut out, "stdout", &exercise.stdout, YOUR_CODE);
            render_output(&mut out, "stderr", &exercise.stderr, YOUR_CODE);
            continue;
        }
        let not_run = failing.iter().filter(|c| is_not_run(c)).count();
        let failing: Vec<&CheckResult> = failing.into_iter().filter(|c| !is_not_run(c)).collect();
        let failing = merge_missing_names(failing);
        for check in failing.iter().take(limit) {
            render_check(&mut out, check, false);
        }
        render_not_run(
            &mut out,
            not_run,
            "fix the check that ran out of time first",
        );
        let shown = failing.len().min(limit);
        if failing.len() > shown {
            let _ = writeln!(
                out,
                "  {DIM}… {} more; `pyinterview check {}` shows them all{DIM:#}",
                failing.len() - shown,
                exercise.id
            );
        }
        render_untouched(&mut out, untouched.len());
        render_output(&mut out, "stdout", &exercise.stdout, YOUR_CODE);
        render_output(&mut out, "stderr", &exercise.stderr, YOUR_CODE);
    }
    let done = result
        .exercises
        .iter()
        .filter(|e| e.checks.iter().all(|c| c.status == Status::Passed))
        .count();
    let checks: usize = result.exercises.iter().map(|e| e.checks.len()).sum();
    let passed: usize = result
        .exercises
        .iter()
        .map(|e| {
            e.checks
                .iter()
                .filter(|c| c.status == Status::Passed)
                .count()
        })
        .sum();
    let _ = writeln!(
        out,
        "\n{BOLD}Progress: {done} of {} exercises done, {passed} of {checks} checks pass{BOLD:#}",
        result.exercises.len()
    );
    if done == result.exercises.len() {
        let _ = writeln!(
            out,
            "{GREEN}Everything passes. When you are happy with your code, run `pyinterview pack`.{GREEN:#}"
        );
    }
    out
}

/// Checks that failed the same way become one entry naming how many checks
/// it costs: the same name not defined, or the same exception (type,
/// message and traceback) wherever in the check's calls it was raised
/// (one missing method must not print the same error a dozen times).
/// Different results (`failed`) each keep their own diff.
fn merge_missing_names(failing: Vec<&CheckResult>) -> Vec<CheckResult> {
    // The message without the call it starts with, which differs per check.
    fn what_happened(check: &CheckResult) -> &str {
        check
            .call
            .as_deref()
            .and_then(|call| check.message.strip_prefix(call))
            .unwrap_or(&check.message)
    }
    let same = |a: &CheckResult, b: &CheckResult| {
        a.status == b.status
            && a.status != Status::Failed
            && what_happened(a) == what_happened(b)
            && a.traceback == b.traceback
            && a.unfinished == b.unfinished
    };
    let mut merged: Vec<(CheckResult, usize)> = Vec::new();
    for check in failing {
        match merged.iter_mut().find(|(c, _)| same(c, check)) {
            Some((_, count)) => *count += 1,
            None => merged.push((check.clone(), 1)),
        }
    }
    merged
        .into_iter()
        .map(|(mut check, count)| {
            if is_missing_name(&check) {
                check.message = format!(
                    "{} in your file: misspelt, renamed or not written yet?",
                    check.message
                );
            }
            if count > 1 {
                check.name = format!("{} (and {} more checks)", check.name, count - 1);
            }
            check
        })
        .collect()
}

/// A check as the candidate reads it: the grader words a missing file for
/// the interviewer ("not in the submission"); the candidate's file is
/// missing from their workspace.
fn in_your_words(check: &CheckResult) -> CheckResult {
    let mut check = check.clone();
    if check.unfinished == Some(Unfinished::ModuleMissing) {
        if let Some(file) = check.message.strip_suffix(" is not in the submission") {
            check.message = format!("{file} is not in your workspace");
        }
    }
    check
}
