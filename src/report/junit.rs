//! JUnit XML, as CI systems read it: a testsuite per exercise, a testcase
//! per check; `failed` checks are failures, errors/timeouts/crashes/memory are
//! errors, `not_attempted` checks are skipped.

use std::fmt::Write as _;

use crate::grade::model::{Status, SubmissionResult};

pub fn render(result: &SubmissionResult) -> String {
    let checks = result.exercises.iter().flat_map(|e| &e.checks);
    let count =
        |wanted: &dyn Fn(Status) -> bool| checks.clone().filter(|c| wanted(c.status)).count();
    let failures = count(&|s| s == Status::Failed);
    let errors = count(&|s| {
        matches!(
            s,
            Status::Error | Status::Timeout | Status::Crashed | Status::Memory
        )
    });
    let skipped = count(&|s| s == Status::NotAttempted);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"pyinterview {}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">",
        xml(&result.submission),
        checks.clone().count()
    );
    for exercise in &result.exercises {
        let of = |wanted: &dyn Fn(Status) -> bool| {
            exercise.checks.iter().filter(|c| wanted(c.status)).count()
        };
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
            xml(&exercise.id),
            exercise.checks.len(),
            of(&|s| s == Status::Failed),
            of(&|s| matches!(
                s,
                Status::Error | Status::Timeout | Status::Crashed | Status::Memory
            )),
            of(&|s| s == Status::NotAttempted),
            exercise.elapsed_ms as f64 / 1000.0
        );
        let _ = writeln!(out, "    <properties>");
        for (name, value) in [
            ("seed", result.seed.to_string()),
            ("score", format!("{}", exercise.score)),
            ("max_score", format!("{}", exercise.max_score)),
        ] {
            let _ = writeln!(
                out,
                "      <property name=\"{name}\" value=\"{}\"/>",
                xml(&value)
            );
        }
        let _ = writeln!(out, "    </properties>");
        for check in &exercise.checks {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"",
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
                Status::NotAttempted => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        xml(&check.message)
                    );
                }
                status => {
                    let tag = if status == Status::Failed {
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
