//! Rendering results. One renderer per format behind [`Format`]; renderers
//! return text and the CLI prints it. Terminal output carries ANSI styles,
//! which the CLI strips when stdout is not a terminal or `NO_COLOR` is set.

mod json;
mod text;

use clap::ValueEnum;

use crate::grade::model::SubmissionResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, for a terminal.
    Text,
    /// The stable JSON schema documented in the README.
    Json,
}

/// Who reads the report: candidates see their own checks; interviewers also
/// see what the code printed and how long it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Candidate,
    Interviewer,
}

/// The candidate's progress screen with the failures of `focus` in detail
/// (what `watch` shows after a file is saved).
pub fn render_progress(result: &SubmissionResult, focus: &str) -> String {
    text::render_candidate(result, Some(focus))
}

pub fn render(result: &SubmissionResult, format: Format, audience: Audience) -> String {
    match format {
        Format::Text => text::render(result, audience),
        Format::Json => json::render(result),
    }
}
