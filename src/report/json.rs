//! The machine-readable report: `SubmissionResult` as JSON, pretty-printed.

use crate::grade::model::SubmissionResult;

pub fn render(result: &SubmissionResult) -> String {
    let mut text = serde_json::to_string_pretty(result).expect("results serialise");
    text.push('\n');
    text
}
