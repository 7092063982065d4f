//! Gradescope's autograder `results.json`: a test per check with `score`,
//! `max_score`, `status`, `name`, `output` and `visibility` (checks hidden
//! from the candidate become visible only after grades are published).
//!
//! The checks' points are apportioned in hundredths when grading, so the
//! tests add up exactly to the top-level score, and their maxima to the
//! maximum; `execution_time` is the sandboxed runs' wall time, in whole
//! seconds rounded up.

use serde_json::json;

use crate::grade::model::{Status, SubmissionResult};

pub fn render(result: &SubmissionResult) -> String {
    let mut tests = Vec::new();
    for exercise in &result.exercises {
        for check in &exercise.checks {
            let mut output = check.message.clone();
            if let (Some(expected), Some(actual)) = (&check.expected, &check.actual) {
                output.push_str(&format!("\nexpected: {expected}\nactual:   {actual}"));
            }
            for line in &check.traceback {
                output.push_str(&format!("\n  {line}"));
            }
            tests.push(json!({
                "name": format!("{}: {}", exercise.id, check.name),
                "name_format": "text",
                "score": check.score,
                "max_score": check.max_score,
                "status": if check.status == Status::Passed { "passed" } else { "failed" },
                "output": output,
                "output_format": "text",
                "tags": [exercise.id, check.status.as_str()],
                "visibility": if check.hidden { "after_published" } else { "visible" },
            }));
        }
    }
    let warnings = if result.warnings.is_empty() {
        String::new()
    } else {
        format!("\nWarnings: {}", result.warnings.join("; "))
    };
    let review = super::reviewed::summary(result)
        .map(|line| format!("\nReview: {line}"))
        .unwrap_or_default();
    let report = json!({
        "score": result.score,
        "execution_time": (result.exercises.iter().map(|e| e.elapsed_ms).sum::<u64>()).div_ceil(1000),
        "output": format!("pyinterview {}: {} / {} (seed {}){warnings}{review}", result.tool_version, result.score, result.max_score, result.seed),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    });
    serde_json::to_string_pretty(&report).expect("serialises") + "\n"
}
