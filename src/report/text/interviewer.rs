//! The interviewer's report of one submission (and of a batch, one after
//! another): the sandbox, warnings and scores, then each exercise's checks,
//! output, notes and rubric, then the total.

use std::fmt::Write as _;

use super::{
    BOLD, DIM, YELLOW, clean, is_not_run, is_untouched, points, render_check, render_not_run,
    render_output, render_shared_failure, render_untouched,
};
use crate::grade::model::{
    CheckResult, ExerciseResult, SELF_REPORTED, SandboxSummary, Selection, Status, SubmissionResult,
};
use crate::report::Audience;

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
        return super::render_candidate(result, None);
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
        out.push_str(&crate::report::reviewed::text_header(result));
        out.push('\n');
    }
    for exercise in &result.exercises {
        render_exercise(&mut out, exercise, audience);
        if audience == Audience::Interviewer {
            let first = rubrics_shown.insert(exercise.id.clone());
            render_interviewer_notes(&mut out, result, exercise, first);
            crate::report::reviewed::text_exercise(&mut out, result, exercise);
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
        render_output(out, "stdout", &exercise.stdout, "the candidate's code");
        render_output(out, "stderr", &exercise.stderr, "the candidate's code");
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
