//! The terminal report: a line per check, details under each one that did
//! not pass (the call, a diff of expected and actual, the exception and the
//! traceback lines in the candidate's file), then the total.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use similar::{ChangeTag, TextDiff};

use super::Audience;
use crate::grade::model::{
    CheckResult, ExerciseResult, SELF_REPORTED, SandboxSummary, Selection, Status, SubmissionResult,
};
use crate::grade::verdict::{NOT_ATTEMPTED_YET, NOT_RUN};
use crate::value::{escape_controls as clean, first_difference, pretty, pretty_expanded};

const WIDTH: usize = 78;
const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default();
const RED: Style = AnsiColor::Red.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const MAGENTA: Style = AnsiColor::Magenta.on_default();
/// Output shown per exercise before it is cut (the JSON report has all of it).
const OUTPUT_LINES: usize = 20;

/// Failures detailed per exercise when a candidate checks several at once.
const CANDIDATE_FAILURES: usize = 3;
const BAR_WIDTH: usize = 20;

pub fn render(result: &SubmissionResult, audience: Audience) -> String {
    render_with(result, audience, &mut std::collections::HashSet::new())
}

/// Several interviewer reports one after another (a batch on a terminal),
/// ruled apart; each exercise's rubric is printed the first time only.
pub fn render_batch(results: &[&SubmissionResult]) -> String {
    let mut rubrics_shown = std::collections::HashSet::new();
    let mut out = String::new();
    for (i, result) in results.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(out, "{}\n", "═".repeat(80));
        }
        out.push_str(&render_with(
            result,
            Audience::Interviewer,
            &mut rubrics_shown,
        ));
    }
    out
}

/// `rubrics_shown`: exercises whose rubric is already on screen.
fn render_with(
    result: &SubmissionResult,
    audience: Audience,
    rubrics_shown: &mut std::collections::HashSet<String>,
) -> String {
    if audience == Audience::Candidate {
        return render_candidate(result, None);
    }
    let mut out = String::new();
    if audience == Audience::Interviewer {
        let _ = writeln!(
            out,
            "{BOLD}Submission {}{BOLD:#}  {DIM}(pyinterview {}, seed {}){DIM:#}",
            result.submission, result.tool_version, result.seed
        );
        render_sandbox(&mut out, &result.sandbox);
        if result.selection != Selection::All {
            let _ = writeln!(
                out,
                "{DIM}graded: {}{DIM:#}",
                result.selection.describe(result.exercises.len())
            );
        }
        for warning in &result.warnings {
            let _ = writeln!(out, "{YELLOW}warning: {}{YELLOW:#}", clean(warning));
        }
        // The scores at a glance, before the details.
        let scores: Vec<String> = result
            .exercises
            .iter()
            .map(|e| format!("{} {}/{}", e.id, points(e.score), points(e.max_score)))
            .collect();
        let _ = writeln!(
            out,
            "{BOLD}scores:{BOLD:#} {}  {BOLD}total {}/{} ({:.0}%){BOLD:#}",
            scores.join(" · "),
            points(result.score),
            points(result.max_score),
            result.percent()
        );
        out.push_str(&super::reviewed::text_header(result));
        out.push('\n');
    }
    for exercise in &result.exercises {
        render_exercise(&mut out, exercise, audience);
        if audience == Audience::Interviewer {
            let first = rubrics_shown.insert(exercise.id.clone());
            render_interviewer_notes(&mut out, result, exercise, first);
            super::reviewed::text_exercise(&mut out, result, exercise);
        }
    }
    let percent = result.percent();
    let _ = writeln!(
        out,
        "{BOLD}Total: {} / {} ({percent:.0}%){BOLD:#}   {DIM}seed {}{DIM:#}",
        points(result.score),
        points(result.max_score),
        result.seed
    );
    out
}

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
        let (untouched, failing): (Vec<&CheckResult>, Vec<&CheckResult>) = exercise
            .checks
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
            render_output(&mut out, "stdout", &exercise.stdout);
            render_output(&mut out, "stderr", &exercise.stderr);
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
        render_output(&mut out, "stdout", &exercise.stdout);
        render_output(&mut out, "stderr", &exercise.stderr);
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

/// A row per submission (total and each exercise's score; `-` where an
/// exercise was not graded), a row per submission that could not be graded,
/// then who has warnings: the table an interviewer scans after grading a pile.
pub fn render_summary(
    graded: &[(&str, &SubmissionResult)],
    failed: &[(&str, &str)],
    seed: u64,
) -> String {
    let mut out = String::new();
    // Every exercise any submission was graded on, in catalogue order.
    let ids: Vec<&str> = crate::exercises::ids()
        .into_iter()
        .filter(|id| {
            graded
                .iter()
                .any(|(_, r)| r.exercises.iter().any(|e| e.id == *id))
        })
        .collect();
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
    let clusters = super::similar::clusters(graded);
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

/// One line of limits, then any confinement this machine could not enforce.
fn render_sandbox(out: &mut String, sandbox: &SandboxSummary) {
    let l = &sandbox.limits;
    let _ = writeln!(
        out,
        "{DIM}sandbox: {}s per exercise, {}s CPU, {} MiB memory, {} processes, {} MiB files, {} open files, {} KiB output{DIM:#}",
        sandbox.timeout_seconds,
        l.cpu_seconds,
        l.memory_mb,
        l.processes,
        l.file_size_mb,
        l.open_files,
        l.output_kb
    );
    for measure in sandbox.confinement.iter().filter(|m| !m.enforced) {
        let _ = writeln!(
            out,
            "{YELLOW}not enforced on this machine — {}: {}{YELLOW:#}",
            measure.name, measure.detail
        );
    }
}

fn render_exercise(out: &mut String, exercise: &ExerciseResult, audience: Audience) {
    let passed = exercise
        .checks
        .iter()
        .filter(|c| c.status == Status::Passed)
        .count();
    let _ = writeln!(
        out,
        "{BOLD}{}{BOLD:#} — {}   {BOLD}{} / {}{BOLD:#}  {DIM}({passed}/{} checks){DIM:#}",
        exercise.id,
        exercise.title,
        points(exercise.score),
        points(exercise.max_score),
        exercise.checks.len()
    );
    // A missing file, or a module that fails to import, fails every check
    // the same way: one line says it.
    let checks: Vec<&CheckResult> = exercise.checks.iter().collect();
    if !render_shared_failure(out, &checks) {
        // Checks still raising the stub's error, and checks never reached
        // after a timeout, are counted rather than listed one by one.
        for check in checks.iter().filter(|c| !is_untouched(c) && !is_not_run(c)) {
            render_check(out, check, audience == Audience::Interviewer);
        }
        let not_run = checks.iter().filter(|c| is_not_run(c)).count();
        render_not_run(
            out,
            not_run,
            "the time limit ran out during the check above",
        );
        render_untouched(out, checks.iter().filter(|c| is_untouched(c)).count());
    }
    if audience == Audience::Interviewer {
        if let Some(own) = exercise.self_reported.self_check {
            let _ = writeln!(out, "    {DIM}{}{DIM:#}", own.sentence());
        }
        if let Some(t) = exercise.timing {
            let _ = writeln!(out, "    {DIM}time: {}{DIM:#}", t.sentence());
        }
        if let Some(used) = exercise.self_reported.hints_used {
            let _ = writeln!(
                out,
                "    {DIM}hints used: {used} of {} ({SELF_REPORTED}){DIM:#}",
                exercise.hints_available
            );
        }
        for question in &exercise.follow_ups {
            let _ = writeln!(out, "    {BOLD}ask:{BOLD:#} {question}");
        }
        for note in &exercise.notes {
            let _ = writeln!(out, "    {YELLOW}note:{YELLOW:#} the code {note}");
        }
    }
    if audience == Audience::Interviewer
        || exercise.checks.iter().any(|c| c.status != Status::Passed)
    {
        render_output(out, "stdout", &exercise.stdout);
        render_output(out, "stderr", &exercise.stderr);
        if exercise.output_truncated_bytes > 0 {
            let _ = writeln!(
                out,
                "    {DIM}({} more bytes of output were dropped){DIM:#}",
                exercise.output_truncated_bytes
            );
        }
    }
    out.push('\n');
}

/// After an exercise, for the interviewer: similar solutions elsewhere in
/// the batch, then the rubric to discuss the code with.
fn render_interviewer_notes(
    out: &mut String,
    result: &SubmissionResult,
    exercise: &ExerciseResult,
    with_rubric: bool,
) {
    // The blank line render_exercise ended with goes after these notes.
    out.pop();
    for similar in result.similar.iter().filter(|s| s.exercise == exercise.id) {
        let _ = writeln!(
            out,
            "    {YELLOW}similar:{YELLOW:#} {:.0}% of fingerprints shared with {}'s solution (lines {})",
            similar.score * 100.0,
            similar.other,
            similar
                .regions
                .iter()
                .map(|r| format!("{}-{}", r.a_lines.0, r.a_lines.1))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !with_rubric {
        let _ = writeln!(out, "    {DIM}rubric: as in the first report above{DIM:#}");
    } else if let Some(entry) = crate::catalog::Catalog::get().exercise(&exercise.id) {
        let _ = writeln!(out, "    {BOLD}rubric:{BOLD:#}");
        for point in &entry.info.rubric {
            let _ = writeln!(out, "      {DIM}•{DIM:#} {point}");
        }
    }
    out.push('\n');
}

/// One check; `mark_hidden` (the interviewer's view) flags checks the
/// candidate could not have seen.
fn render_check(out: &mut String, check: &CheckResult, mark_hidden: bool) {
    let (mark, style) = status_mark(check.status);
    let hidden = if mark_hidden && check.hidden {
        "  (hidden)"
    } else {
        ""
    };
    if check.status == Status::Passed {
        let _ = writeln!(
            out,
            "  {style}{mark}{style:#} {}{DIM}{hidden}{DIM:#}",
            check.name
        );
        return;
    }
    let _ = writeln!(
        out,
        "  {style}{mark} {}{style:#}  {DIM}[{}]{hidden}{DIM:#}",
        check.name,
        check.status.as_str()
    );
    // The call on a line of its own (its comment, which says what the
    // fixture does, under it), then what happened: not one long sentence.
    let call = check
        .call
        .as_deref()
        .filter(|call| check.message.starts_with(call));
    match call {
        Some(call) => {
            let (code, comment) = match call.split_once("  # ") {
                Some((code, comment)) => (code, Some(comment)),
                None => (call, None),
            };
            let _ = writeln!(out, "      call:     {}", clean(code));
            if let Some(comment) = comment {
                let _ = writeln!(out, "                {DIM}# {}{DIM:#}", clean(comment));
            }
            let rest = check.message[call.len()..].trim_start();
            // "gave a different result" is what the diff below shows.
            let shown_by_diff = rest == "gave a different result" && check.expected.is_some();
            if !rest.is_empty() && !shown_by_diff {
                let _ = writeln!(out, "      {}", clean(rest));
            }
        }
        None if !check.message.is_empty() => {
            let _ = writeln!(out, "      {}", clean(&check.message));
        }
        None => {}
    }
    if let (Some(expected), Some(actual)) = (&check.expected, &check.actual) {
        render_diff(out, expected, actual);
    }
    for line in &check.traceback {
        let _ = writeln!(out, "      {DIM}│{DIM:#} {}", clean(line));
    }
}

/// One line for the checks whose functions still raise the stub's error.
fn render_untouched(out: &mut String, count: usize) {
    if count == 0 {
        return;
    }
    let (mark, style) = status_mark(Status::NotAttempted);
    let checks = if count == 1 { "check" } else { "checks" };
    let _ = writeln!(
        out,
        "  {style}{mark}{style:#} {DIM}{count} {checks} not attempted yet: the stub still raises NotImplementedError{DIM:#}"
    );
}

/// One line for the checks never reached after a timeout, then `advice`.
fn render_not_run(out: &mut String, count: usize, advice: &str) {
    if count == 0 {
        return;
    }
    let (mark, style) = status_mark(Status::Timeout);
    let checks = if count == 1 { "check" } else { "checks" };
    let _ = writeln!(
        out,
        "  {style}{mark}{style:#} {DIM}{count} later {checks} not run: {advice}{DIM:#}"
    );
}

/// Several checks that failed the same way (a missing file, an import
/// error) as one entry, `all N checks`; false, printing nothing, otherwise.
fn render_shared_failure(out: &mut String, checks: &[&CheckResult]) -> bool {
    let Some(first) = checks.first() else {
        return false;
    };
    let shared = checks.len() > 1
        && first.status != Status::Passed
        && checks
            .iter()
            .all(|c| c.status == first.status && c.message == first.message);
    if shared {
        let all = CheckResult {
            name: format!("all {} checks", checks.len()),
            ..(*first).clone()
        };
        render_check(out, &all, false);
    }
    shared
}

/// Checks that failed because the same name is not defined become one
/// entry naming how many checks it costs.
fn merge_missing_names(failing: Vec<&CheckResult>) -> Vec<CheckResult> {
    let mut merged: Vec<(CheckResult, usize)> = Vec::new();
    for check in failing {
        let missing = is_missing_name(check);
        match merged
            .iter_mut()
            .find(|(c, _)| missing && c.status == check.status && c.message == check.message)
        {
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
                if count > 1 {
                    check.name = format!("{} (and {} more checks)", check.name, count - 1);
                }
            }
            check
        })
        .collect()
}

fn is_untouched(check: &CheckResult) -> bool {
    check.status == Status::NotAttempted && check.message.ends_with(NOT_ATTEMPTED_YET)
}

fn is_not_run(check: &CheckResult) -> bool {
    check.status == Status::Timeout && check.message == NOT_RUN
}

fn is_missing_name(check: &CheckResult) -> bool {
    check.status == Status::NotAttempted && check.message.ends_with(" is not defined")
}

fn status_mark(status: Status) -> (&'static str, Style) {
    match status {
        Status::Passed => ("✓", GREEN),
        Status::Failed => ("✗", RED),
        Status::Error | Status::Crashed | Status::Memory => ("!", RED),
        Status::Timeout => ("⧗", MAGENTA),
        Status::NotAttempted => ("·", YELLOW),
    }
}

/// Expected vs actual: two labelled lines when short, a line diff when long.
fn render_diff(out: &mut String, expected: &str, actual: &str) {
    let (expected, actual) = (&*clean(expected), &*clean(actual));
    let indent = "      ";
    let width = WIDTH - indent.len() - 2;
    let fits = |text: &str| !pretty(text, width).contains('\n');
    // In a long sequence of results, where it goes wrong first.
    let first = first_difference(expected, actual).map(|(path, e, a)| {
        format!("{indent}{BOLD}first difference at {path}:{BOLD:#} expected {e}, actual {a}")
    });
    if fits(expected) && fits(actual) {
        let _ = writeln!(out, "{indent}{GREEN}expected: {expected}{GREEN:#}");
        let _ = writeln!(out, "{indent}{RED}actual:   {actual}{RED:#}");
        if let Some(first) = first {
            let _ = writeln!(out, "{first}");
        }
        return;
    }
    if let Some(first) = &first {
        let _ = writeln!(out, "{first}");
    }
    // Both sides laid out the same way, so the diff lines up item by item.
    let (expected, actual) = (
        pretty_expanded(expected, width),
        pretty_expanded(actual, width),
    );
    let _ = writeln!(
        out,
        "{indent}{GREEN}- expected{GREEN:#} {RED}+ actual{RED:#}"
    );
    let diff = TextDiff::from_lines(&expected, &actual);
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n');
        match change.tag() {
            ChangeTag::Equal => {
                let _ = writeln!(out, "{indent}  {line}");
            }
            ChangeTag::Delete => {
                let _ = writeln!(out, "{indent}{GREEN}- {line}{GREEN:#}");
            }
            ChangeTag::Insert => {
                let _ = writeln!(out, "{indent}{RED}+ {line}{RED:#}");
            }
        }
    }
}

fn render_output(out: &mut String, name: &str, text: &str) {
    if text.trim().is_empty() {
        return;
    }
    let _ = writeln!(out, "    {DIM}{name} of the candidate's code:{DIM:#}");
    let lines: Vec<&str> = text.lines().collect();
    for line in lines.iter().take(OUTPUT_LINES) {
        let _ = writeln!(out, "    {DIM}│{DIM:#} {}", clean(line));
    }
    if lines.len() > OUTPUT_LINES {
        let _ = writeln!(
            out,
            "    {DIM}│ … {} more lines{DIM:#}",
            lines.len() - OUTPUT_LINES
        );
    }
}

fn points(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_side_makes_both_sides_line_up_item_by_item() {
        let mut out = String::new();
        let expected = "<result={(1, 1): 1}, path_after=[[1, 1]]>";
        let actual = "<result={(1, 1): <SomeRatherLongTypeName object>, (2, 2): <SomeRatherLongTypeName object>}, path_after=[[1, 1]]>";
        render_diff(&mut out, expected, actual);
        let plain = anstream::adapter::strip_str(&out).to_string();
        let lines: Vec<&str> = plain.lines().map(str::trim_end).collect();
        assert!(
            lines.contains(&"      -     result={(1, 1): 1},"),
            "{plain}"
        );
        assert!(
            lines.contains(&"            path_after=[[1, 1]],"),
            "unchanged items are shared: {plain}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("      +     result=")),
            "{plain}"
        );
    }

    #[test]
    fn short_values_show_as_two_labelled_lines() {
        let mut out = String::new();
        render_diff(&mut out, "[1, 2]", "[1, 3]");
        let plain = anstream::adapter::strip_str(&out).to_string();
        assert_eq!(
            plain,
            "      expected: [1, 2]\n      actual:   [1, 3]\n      first difference at [1]: expected 2, actual 3\n"
        );
        // Values that differ as wholes need no pointer.
        let mut out = String::new();
        render_diff(&mut out, "5", "6");
        let plain = anstream::adapter::strip_str(&out).to_string();
        assert_eq!(plain, "      expected: 5\n      actual:   6\n");
    }
}
