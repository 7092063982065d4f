//! Rendering results. One renderer per format behind [`Format`]; renderers
//! return text and the CLI prints it. Terminal output carries ANSI styles,
//! which the CLI strips when stdout is not a terminal or `NO_COLOR` is set.

mod csv;
mod gradescope;
pub mod html;
mod json;
mod junit;
mod markdown;
mod reviewed;
mod similar;
mod text;

use clap::ValueEnum;

use crate::grade::model::SubmissionResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable, for a terminal.
    Text,
    /// The stable JSON schema documented in the README.
    Json,
    /// JUnit XML for CI systems.
    Junit,
    /// Gradescope's autograder results.json.
    Gradescope,
    /// Markdown, for pasting into a review.
    Markdown,
    /// A self-contained HTML page (with --out: one per submission and an index).
    Html,
    /// A gradebook: one CSV row per submission (with --out: gradebook.csv).
    Csv,
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
/// Every exercise any submission of a batch was graded on, in catalogue
/// order: the columns of the batch views (summary, index, gradebook).
pub fn graded_ids(graded: &[(&str, &SubmissionResult)]) -> Vec<&'static str> {
    crate::exercises::ids()
        .into_iter()
        .filter(|id| {
            graded
                .iter()
                .any(|(_, r)| r.exercises.iter().any(|e| e.id == *id))
        })
        .collect()
}

pub fn render_progress(result: &SubmissionResult, focus: &str) -> String {
    text::render_candidate(result, Some(focus))
}

/// Interviewer text reports of a batch, one after another, each rubric once.
pub fn render_text_batch(results: &[&SubmissionResult]) -> String {
    text::render_batch(results)
}

/// The JSON Schema of the JSON report (`docs/report.schema.json`).
pub fn json_schema() -> serde_json::Value {
    json::schema()
}

/// The gradebook of a batch: a header, then one CSV row per submission.
pub fn render_csv(graded: &[(&str, &SubmissionResult)]) -> String {
    csv::render(graded)
}

/// The batch summary: a row per submission, a column per exercise.
pub fn render_summary(
    graded: &[(&str, &SubmissionResult)],
    failed: &[(&str, &str)],
    seed: u64,
) -> String {
    text::render_summary(graded, failed, seed)
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> String {
        self.to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    }
}

/// The file extension of each format's report.
pub fn extension(format: Format) -> &'static str {
    match format {
        Format::Text => "txt",
        Format::Json => "json",
        Format::Junit => "xml",
        Format::Gradescope => "results.json",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Csv => "csv",
    }
}

/// Writes one report per submission into `dir` (created if needed), named
/// after the submission; returns the paths written.
pub fn write_all(
    dir: &std::path::Path,
    graded: &[(&str, &SubmissionResult)],
    format: Format,
    sources: &html::Sources,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    if format == Format::Csv {
        let path = dir.join("gradebook.csv");
        std::fs::write(&path, csv::render(graded))?;
        written.push(path);
        return Ok(written);
    }
    let clusters = if format == Format::Html {
        html::batch_clusters(graded)
    } else {
        Vec::new()
    };
    if format == Format::Html {
        let path = dir.join("index.html");
        std::fs::write(&path, html::index(graded))?;
        written.push(path);
    }
    for (name, result) in graded {
        // Gradescope reads a file named results.json: one folder each.
        let path = if format == Format::Gradescope {
            std::fs::create_dir_all(dir.join(name))?;
            dir.join(name).join("results.json")
        } else {
            dir.join(format!("{name}.{}", extension(format)))
        };
        let text = match format {
            Format::Html => html::render_in_batch(result, name, sources, &clusters),
            _ => render(result, format, Audience::Interviewer),
        };
        // Files get plain text: no terminal styles.
        std::fs::write(&path, anstream::adapter::strip_str(&text).to_string())?;
        written.push(path);
    }
    Ok(written)
}

pub fn render(result: &SubmissionResult, format: Format, audience: Audience) -> String {
    match format {
        Format::Text => text::render(result, audience),
        Format::Json => json::render(result),
        Format::Junit => junit::render(result),
        Format::Gradescope => gradescope::render(result),
        Format::Markdown => markdown::render(result),
        Format::Html => html::render(result, &result.submission, &html::Sources::new()),
        Format::Csv => csv::render(&[(&result.submission, result)]),
    }
}
