//! The machine-readable report: `SubmissionResult` as JSON, pretty-printed.

use crate::grade::model::SubmissionResult;

pub fn render(result: &SubmissionResult) -> String {
    let mut text = serde_json::to_string_pretty(result).expect("results serialise");
    text.push('\n');
    text
}

/// The JSON Schema (draft 2020-12) of the report, generated from the report
/// types, their doc comments becoming descriptions. Committed as
/// `docs/report.schema.json`; a test regenerates it and fails when it differs.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(SubmissionResult)).expect("a schema serialises")
}
