//! The terminal reports: the interviewer's report of a submission (and of a
//! batch, one after another), the candidate's `check` screen, and the batch
//! summary table. Each has its own file; what they share is here: the styles
//! and one check's rendering (a line per check, details under each one that
//! did not pass: the call, a diff of expected and actual, the exception and
//! the traceback lines in the candidate's file).

mod candidate;
mod diff;
mod interviewer;
mod summary;

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use crate::grade::model::{CallStep, CheckResult, Status, Unfinished};
use crate::value::escape_controls as clean;

pub use candidate::render_candidate;
pub use interviewer::{render, render_batch};
pub use summary::render_summary;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const GREEN: Style = AnsiColor::Green.on_default();
const RED: Style = AnsiColor::Red.on_default();
const YELLOW: Style = AnsiColor::Yellow.on_default();
const MAGENTA: Style = AnsiColor::Magenta.on_default();
/// Output shown per exercise before it is cut (the JSON report has all of it).
const OUTPUT_LINES: usize = 20;

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
    if render_steps(out, &check.steps) {
        render_printed(out, check);
        return;
    }
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
        diff::render_diff(out, expected, actual);
    }
    for line in &check.traceback {
        let _ = writeln!(out, "      {DIM}│{DIM:#} {}", clean(line));
    }
    render_printed(out, check);
}

/// Lines of one check's output shown under it, at most.
const PRINTED_LINES: usize = 8;

/// What a check that did not pass printed, under it: the print the
/// candidate added to debug it is read beside the failure it explains.
fn render_printed(out: &mut String, check: &CheckResult) {
    let Some(printed) = &check.printed else {
        return;
    };
    for (stream, text) in [("printed", &printed.stdout), ("stderr", &printed.stderr)] {
        let lines: Vec<&str> = text.lines().collect();
        if lines.iter().all(|l| l.trim().is_empty()) {
            continue;
        }
        let _ = writeln!(out, "      {DIM}{stream} during this check:{DIM:#}");
        for line in lines.iter().take(PRINTED_LINES) {
            let _ = writeln!(out, "      {DIM}┆{DIM:#} {}", clean(line));
        }
        if lines.len() > PRINTED_LINES {
            let _ = writeln!(
                out,
                "      {DIM}┆ … {} more lines{DIM:#}",
                lines.len() - PRINTED_LINES
            );
        }
    }
}

/// Steps shown before the first difference, at most (the latest ones).
const STEPS_BEFORE: usize = 10;
/// Steps shown after it.
const STEPS_AFTER: usize = 2;

/// A call that gave a different result, one step a line: what each step
/// observed, the first step that differs marked, with its expected and
/// actual values. False, printing nothing, when there are no steps.
fn render_steps(out: &mut String, steps: &[CallStep]) -> bool {
    let differs = |s: &CallStep| s.label.is_some() && s.expected != s.actual;
    let Some(first) = steps.iter().position(differs) else {
        return false;
    };
    let _ = writeln!(out, "      {DIM}step by step:{DIM:#}");
    // A line saying one step was left out is no shorter than the step.
    let from = match first.saturating_sub(STEPS_BEFORE) {
        1 => 0,
        from => from,
    };
    if from > 0 {
        let _ = writeln!(out, "        {DIM}… {from} earlier steps{DIM:#}");
    }
    let code = |s: &CallStep| clean(s.label.as_deref().unwrap_or(&s.code)).into_owned();
    for step in &steps[from..first] {
        match &step.actual {
            Some(value) => {
                let value: String = clean(value).chars().take(60).collect();
                let _ = writeln!(out, "        {}  {DIM}→ {value}{DIM:#}", code(step));
            }
            None => {
                let _ = writeln!(out, "        {}", code(step));
            }
        }
    }
    let step = &steps[first];
    let _ = writeln!(
        out,
        "      {RED}✗{RED:#} {BOLD}{}{BOLD:#}  {DIM}(the first step that differs){DIM:#}",
        code(step)
    );
    if let (Some(expected), Some(actual)) = (&step.expected, &step.actual) {
        diff::render_diff(out, expected, actual);
    }
    let after = &steps[first + 1..];
    let shown = if after.len() == STEPS_AFTER + 1 {
        after.len()
    } else {
        STEPS_AFTER
    };
    for step in after.iter().take(shown) {
        let _ = writeln!(out, "        {DIM}{}{DIM:#}", code(step));
    }
    if after.len() > shown {
        let _ = writeln!(
            out,
            "        {DIM}… {} more steps{DIM:#}",
            after.len() - shown
        );
    }
    true
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

fn is_untouched(check: &CheckResult) -> bool {
    check.unfinished == Some(Unfinished::Untouched)
}

fn is_not_run(check: &CheckResult) -> bool {
    check.unfinished == Some(Unfinished::NotRun)
}

fn is_missing_name(check: &CheckResult) -> bool {
    check.unfinished == Some(Unfinished::NameMissing)
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

/// What the code printed; `whose` names the code for the reader ("your
/// code" on the candidate's screen).
fn render_output(out: &mut String, name: &str, text: &str, whose: &str) {
    if text.trim().is_empty() {
        return;
    }
    let _ = writeln!(out, "    {DIM}{name} of {whose}:{DIM:#}");
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
