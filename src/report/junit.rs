//! JUnit XML, as CI systems read it: a testsuite per exercise, a testcase
//! per check, each with its `time`; `failed` and `not_attempted` checks are
//! failures (a check the candidate did not attempt lost its points: an
//! untouched exercise must not read as a clean run), errors, timeouts,
//! crashes and memory are errors. Nothing is skipped.

use std::fmt::Write as _;

use crate::grade::model::{Status, SubmissionResult};

pub fn render(result: &SubmissionResult) -> String {
    let checks = result.exercises.iter().flat_map(|e| &e.checks);
    let count =
        |wanted: &dyn Fn(Status) -> bool| checks.clone().filter(|c| wanted(c.status)).count();
    let failures = count(&is_failure);
    let errors = count(&|s| {
        matches!(
            s,
            Status::Error | Status::Timeout | Status::Crashed | Status::Memory
        )
    });
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"pyinterview {}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{:.3}\">",
        xml(&result.submission),
        checks.clone().count(),
        result
            .exercises
            .iter()
            .map(|e| e.elapsed_ms as f64 / 1000.0)
            .sum::<f64>()
    );
    for exercise in &result.exercises {
        let of = |wanted: &dyn Fn(Status) -> bool| {
            exercise.checks.iter().filter(|c| wanted(c.status)).count()
        };
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"0\" time=\"{:.3}\">",
            xml(&exercise.id),
            exercise.checks.len(),
            of(&is_failure),
            of(&|s| matches!(
                s,
                Status::Error | Status::Timeout | Status::Crashed | Status::Memory
            )),
            exercise.elapsed_ms as f64 / 1000.0
        );
        let times = case_times(exercise);
        let _ = writeln!(out, "    <properties>");
        let mut properties = vec![
            ("seed", result.seed.to_string()),
            ("score", format!("{}", exercise.score)),
            ("max_score", format!("{}", exercise.max_score)),
        ];
        if let Some(reviewed) = result.reviewed_exercise_score(exercise) {
            properties.push(("reviewed_score", format!("{reviewed}")));
        }
        if let Some(decision) = result.review.as_ref().and_then(|r| r.decision) {
            properties.push(("decision", decision.as_str().to_string()));
        }
        for (name, value) in properties {
            let _ = writeln!(
                out,
                "      <property name=\"{name}\" value=\"{}\"/>",
                xml(&value)
            );
        }
        let _ = writeln!(out, "    </properties>");
        for (check, time) in exercise.checks.iter().zip(times) {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{time:.3}\"",
                xml(&check.name),
                xml(&exercise.id)
            );
            let mut detail = String::new();
            if let Some(call) = &check.call {
                let _ = writeln!(detail, "call: {call}");
            }
            if let (Some(expected), Some(actual)) = (&check.expected, &check.actual) {
                let _ = writeln!(detail, "expected: {expected}\nactual:   {actual}");
            }
            for line in &check.traceback {
                let _ = writeln!(detail, "  {line}");
            }
            match check.status {
                Status::Passed => out.push_str("/>\n"),
                status => {
                    let tag = if is_failure(status) {
                        "failure"
                    } else {
                        "error"
                    };
                    let _ = writeln!(
                        out,
                        ">\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    </testcase>",
                        status.as_str(),
                        xml(&check.message),
                        xml(&detail)
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "    <system-out>{}</system-out>",
            xml(&exercise.stdout)
        );
        let _ = writeln!(
            out,
            "    <system-err>{}</system-err>",
            xml(&exercise.stderr)
        );
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A check that ran and lost its points, or that the candidate left alone.
fn is_failure(status: Status) -> bool {
    matches!(status, Status::Failed | Status::NotAttempted)
}

/// Each check's time in seconds: its own measured time when it ran to an
/// end; the rest of the exercise's wall time (import and start-up included)
/// goes to the check the time limit or a crash stopped; checks never run
/// took none.
fn case_times(exercise: &crate::grade::model::ExerciseResult) -> Vec<f64> {
    let measured: f64 = exercise.checks.iter().filter_map(|c| c.elapsed_ms).sum();
    let mut rest = (exercise.elapsed_ms as f64 - measured).max(0.0);
    exercise
        .checks
        .iter()
        .map(|c| match c.elapsed_ms {
            Some(ms) => ms / 1000.0,
            None if matches!(c.status, Status::Timeout | Status::Crashed | Status::Memory)
                && c.unfinished != Some(crate::grade::model::Unfinished::NotRun) =>
            {
                std::mem::take(&mut rest) / 1000.0
            }
            None => 0.0,
        })
        .collect()
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0
/// cannot carry (candidate output may hold any byte).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
