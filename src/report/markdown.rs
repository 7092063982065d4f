//! A Markdown report: a table of exercises, then per exercise its checks,
//! the failures in detail, follow-up questions and the rubric.
//!
//! Everything that comes from a submission (what the code printed, exception
//! messages, values, file names in warnings) is inert: code blocks are fenced
//! with more backticks than any run in their content, inline text has
//! Markdown's and HTML's special characters escaped, and the output under
//! `<details>` is HTML-escaped inside `<pre>`. A print of three backticks and
//! `</details>` stays text, it cannot open a heading, a table or an image.

use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::grade::model::{SELF_REPORTED, Status, SubmissionResult};

pub fn render(result: &SubmissionResult) -> String {
    let mut out = String::new();
    let percent = result.percent();
    let _ = writeln!(
        out,
        "# {} — {} / {} ({percent:.0}%)\n",
        inline(&result.submission),
        result.score,
        result.max_score
    );
    let _ = writeln!(
        out,
        "pyinterview {}, seed {}.\n",
        result.tool_version, result.seed
    );
    for warning in &result.warnings {
        let _ = writeln!(out, "> **Warning:** {}\n", inline(warning));
    }
    let review = super::reviewed::markdown(result);
    if !review.is_empty() {
        let _ = writeln!(out, "{}", review.trim_start());
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
            "\n> **Similar:** {} is {:.0}% alike with {}'s solution",
            code_span(&similar.exercise),
            similar.score * 100.0,
            inline(&similar.other)
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
                inline(&c.name),
                c.status.as_str(),
                inline(&c.message)
            );
            if let (Some(expected), Some(actual)) = (&c.expected, &c.actual) {
                // One line each: a newline in a value cannot start a new
                // diff line of its own.
                let diff = format!("- {}\n+ {}", one_line(expected), one_line(actual));
                let _ = writeln!(out, "{}\n", fenced(&diff, "diff"));
            }
            if !c.traceback.is_empty() {
                let lines: Vec<String> = c.traceback.iter().map(|l| one_line(l)).collect();
                let _ = writeln!(out, "{}\n", fenced(&lines.join("\n"), "text"));
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
            let _ = writeln!(out, "\n> **Note:** the code {}", inline(note));
        }
        for (name, text) in [("stdout", &e.stdout), ("stderr", &e.stderr)] {
            if !text.trim().is_empty() {
                let _ = writeln!(out, "\n{}", details(name, text));
            }
        }
    }
    out
}

/// A table cell: inline text, whose `|` is escaped so it cannot close the cell.
fn cell(text: &str) -> String {
    inline(text)
}

/// `text` as one line of inline Markdown that renders as exactly that text:
/// control characters escaped, newlines as `⏎`, every character Markdown or
/// HTML could read as syntax backslash-escaped (`<` and `&` as entities).
pub(crate) fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in one_line(text).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Control characters escaped and line breaks shown as `⏎`.
fn one_line(text: &str) -> String {
    crate::value::escape_controls(text)
        .replace("\r\n", "⏎")
        .replace(['\n', '\r'], "⏎")
}

/// A code span that holds `text` whatever backticks it contains.
fn code_span(text: &str) -> String {
    let text = one_line(text);
    let ticks = "`".repeat(longest_run(&text, '`') + 1);
    format!("{ticks} {text} {ticks}")
}

/// A fenced code block whose fence is longer than any backtick run in
/// `content`, so nothing inside can close it.
pub(crate) fn fenced(content: &str, lang: &str) -> String {
    let content = crate::value::escape_controls(content);
    let fence = "`".repeat(longest_run(&content, '`').max(2) + 1);
    format!("{fence}{lang}\n{}\n{fence}", content.trim_end_matches('\n'))
}

fn longest_run(text: &str, wanted: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == wanted { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Output folded under `<details>`: HTML-escaped inside `<pre>`. A line
/// opening with `<pre>` starts a CommonMark HTML block that lasts up to the
/// line holding `</pre>`, blank lines included, and the escaped text cannot
/// hold one; the blank line before it ends the `<details>` block, whose own
/// HTML block would end at the output's first blank line.
fn details(summary: &str, text: &str) -> String {
    let body = super::html::escape(&crate::value::escape_controls(text.trim_end()));
    format!("<details><summary>{summary}</summary>\n\n<pre>\n{body}\n</pre>\n\n</details>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_outgrow_the_backticks_inside() {
        assert_eq!(fenced("a", "text"), "```text\na\n```");
        assert_eq!(fenced("```\n# x", "text"), "````text\n```\n# x\n````");
        assert_eq!(fenced("``````", ""), "```````\n``````\n```````");
        assert_eq!(code_span("a`b"), "`` a`b ``");
    }

    #[test]
    fn inline_text_has_no_syntax_left() {
        assert_eq!(
            inline("<img src=x onerror=alert(1)>\n# h"),
            "&lt;img src=x onerror=alert(1)&gt;⏎\\# h"
        );
        assert_eq!(cell("a|b"), "a\\|b");
    }

    #[test]
    fn details_escape_html_and_keep_blank_lines_inside_pre() {
        let text = details(
            "stdout",
            "```\n</details>\n\n<img src=x onerror=alert(1)>\n",
        );
        assert!(text.contains("&lt;/details&gt;"), "{text}");
        assert!(text.contains("&lt;img"), "{text}");
        assert_eq!(text.matches("</details>").count(), 1, "{text}");
    }
}
