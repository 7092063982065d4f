//! A Markdown report: a table of exercises, then per exercise its checks,
//! the failures in detail, follow-up questions and the rubric.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::grade::model::{SELF_REPORTED, Status, SubmissionResult};

pub fn render(result: &SubmissionResult) -> String {
    let mut out = String::new();
    let percent = result.percent();
    let _ = writeln!(
        out,
        "# {} — {} / {} ({percent:.0}%)\n",
        result.submission, result.score, result.max_score
    );
    let _ = writeln!(
        out,
        "pyinterview {}, seed {}.\n",
        result.tool_version, result.seed
    );
    for warning in &result.warnings {
        let _ = writeln!(out, "> **Warning:** {warning}\n");
    }
    let _ = writeln!(
        out,
        "| exercise | score | checks passed | hints used |\n|---|---|---|---|"
    );
    for e in &result.exercises {
        let passed = e
            .checks
            .iter()
            .filter(|c| c.status == Status::Passed)
            .count();
        let hints = e.self_reported.hints_used.map_or("—".to_string(), |h| {
            format!("{h} of {}", e.hints_available)
        });
        let _ = writeln!(
            out,
            "| {} | {} / {} | {passed} / {} | {hints} |",
            e.id,
            e.score,
            e.max_score,
            e.checks.len()
        );
    }
    if result
        .exercises
        .iter()
        .any(|e| e.self_reported.hints_used.is_some())
    {
        let _ = writeln!(out, "\nHints used: {SELF_REPORTED}.");
    }
    for similar in &result.similar {
        let _ = writeln!(
            out,
            "\n> **Similar:** `{}` is {:.0}% alike with {}'s solution",
            similar.exercise,
            similar.score * 100.0,
            similar.other
        );
    }
    for e in &result.exercises {
        let _ = writeln!(
            out,
            "\n## {} — {}: {} / {}\n",
            e.id, e.title, e.score, e.max_score
        );
        let _ = writeln!(out, "| check | status | points |\n|---|---|---|");
        for c in &e.checks {
            let hidden = if c.hidden { " _(hidden)_" } else { "" };
            let _ = writeln!(
                out,
                "| {}{hidden} | {} | {} / {} |",
                cell(&c.name),
                c.status.as_str(),
                c.score,
                c.max_score
            );
        }
        let failing: Vec<_> = e
            .checks
            .iter()
            .filter(|c| !matches!(c.status, Status::Passed | Status::NotAttempted))
            .collect();
        if !failing.is_empty() {
            let _ = writeln!(out, "\n### What went wrong\n");
        }
        for c in failing {
            let _ = writeln!(
                out,
                "**{}** — {}: {}\n",
                c.name,
                c.status.as_str(),
                c.message
            );
            if let (Some(expected), Some(actual)) = (&c.expected, &c.actual) {
                let _ = writeln!(out, "```diff\n- {expected}\n+ {actual}\n```\n");
            }
            if !c.traceback.is_empty() {
                let _ = writeln!(out, "```text\n{}\n```\n", c.traceback.join("\n"));
            }
        }
        if let Some(t) = e.timing {
            let _ = writeln!(out, "\nTime: {}.\n", t.sentence());
        }
        if let Some(own) = e.self_reported.self_check {
            let _ = writeln!(out, "\nPacked: {}.\n", own.sentence());
        }
        if !e.follow_ups.is_empty() {
            let _ = writeln!(out, "### Ask\n");
            for q in &e.follow_ups {
                let _ = writeln!(out, "- {q}");
            }
        }
        if let Some(entry) = Catalog::get().exercise(&e.id) {
            let _ = writeln!(out, "\n### Rubric\n");
            for point in &entry.info.rubric {
                let _ = writeln!(out, "- {point}");
            }
        }
        for note in &e.notes {
            let _ = writeln!(out, "\n> **Note:** the code {note}");
        }
        if !e.stdout.trim().is_empty() {
            let _ = writeln!(
                out,
                "\n<details><summary>stdout</summary>\n\n```text\n{}\n```\n</details>",
                e.stdout.trim_end()
            );
        }
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
