//! A self-contained HTML report per submission (inline CSS and SVG, no
//! scripts, nothing fetched), plus an index of a batch. Every text that comes
//! from a submission is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::catalog::Catalog;
use crate::grade::model::{SELF_REPORTED, Status, SubmissionResult};

/// Sources by submission name, then exercise id (for side-by-side matches).
pub type Sources = BTreeMap<String, BTreeMap<String, String>>;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1d2330}\
h1{margin-bottom:.2rem}.muted{color:#667}.warn{background:#fff4d6;border-left:4px solid #e0a100;padding:.4rem .8rem;margin:.4rem 0}\
.exercise{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:1.5rem;border-top:1px solid #dde;padding-top:1rem;margin-top:1.5rem}\
.rubric{background:#f4f6fa;padding:.6rem 1rem;border-radius:6px;font-size:.92em}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e6ee;padding:.25rem .4rem;text-align:left;vertical-align:top}\
.passed{color:#1a7f37}.failed,.error,.crashed,.memory{color:#c62828}.timeout{color:#7b1fa2}.not_attempted{color:#8a8f99}\
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;font-size:.85em}.exp{color:#1a7f37}.act{color:#c62828}\
.side{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}.hit{background:#fff0b3}";

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn colour(status: Status) -> &'static str {
    match status {
        Status::Passed => "#2e9e4f",
        Status::Failed | Status::Error | Status::Crashed | Status::Memory => "#d64545",
        Status::Timeout => "#8e44ad",
        Status::NotAttempted => "#c5c9d2",
    }
}

/// Bars of each exercise's score, and a square per check coloured by verdict.
fn chart(result: &SubmissionResult) -> String {
    let row = 28;
    let height = row * result.exercises.len() + 10;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"scores per exercise and per check\" width=\"760\" height=\"{height}\" viewBox=\"0 0 760 {height}\">"
    );
    for (i, e) in result.exercises.iter().enumerate() {
        let y = i * row + 5;
        let width = if e.max_score > 0.0 {
            200.0 * e.score / e.max_score
        } else {
            0.0
        };
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"110\" y=\"{y}\" width=\"200\" height=\"16\" fill=\"#eceff4\"/>\
             <rect x=\"110\" y=\"{y}\" width=\"{width:.1}\" height=\"16\" fill=\"#2e9e4f\"><title>{} / {}</title></rect>\
             <text x=\"316\" y=\"{}\" font-size=\"12\">{} / {}</text>",
            y + 13,
            escape(&e.id),
            e.score,
            e.max_score,
            y + 13,
            e.score,
            e.max_score
        );
        for (j, c) in e.checks.iter().enumerate() {
            let _ = write!(
                svg,
                "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"><title>{}: {}</title></rect>",
                380 + j * 15,
                y + 2,
                colour(c.status),
                escape(&c.name),
                c.status.as_str()
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

pub fn render(result: &SubmissionResult, name: &str, sources: &Sources) -> String {
    let mut out = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — pyinterview</title><style>{STYLE}</style></head><body>",
        escape(name)
    );
    let percent = result.percent();
    let _ = write!(
        out,
        "<h1>{}: {} / {} ({percent:.0}%)</h1><p class=\"muted\">{} · pyinterview {} · seed {}</p>",
        escape(name),
        result.score,
        result.max_score,
        escape(&result.submission),
        escape(&result.tool_version),
        result.seed
    );
    for warning in &result.warnings {
        let _ = write!(
            out,
            "<div class=\"warn\">Warning: {}</div>",
            escape(warning)
        );
    }
    for m in result.sandbox.confinement.iter().filter(|m| !m.enforced) {
        let _ = write!(
            out,
            "<div class=\"warn\">Not enforced on this machine — {}: {}</div>",
            escape(&m.name),
            escape(&m.detail)
        );
    }
    out.push_str(&chart(result));
    let catalog = Catalog::get();
    for e in &result.exercises {
        let _ = write!(
            out,
            "<section class=\"exercise\" id=\"{}\"><div><h2>{} — {}: {} / {}</h2>",
            escape(&e.id),
            escape(&e.id),
            escape(&e.title),
            e.score,
            e.max_score
        );
        if let Some(t) = e.timing {
            let _ = write!(
                out,
                "<p class=\"muted\">Time: {}</p>",
                escape(&t.sentence())
            );
        }
        if let Some(used) = e.self_reported.hints_used {
            let _ = write!(
                out,
                "<p class=\"muted\">Hints used: {used} of {} ({})</p>",
                e.hints_available,
                escape(SELF_REPORTED)
            );
        }
        if let Some(own) = e.self_reported.self_check {
            let _ = write!(
                out,
                "<p class=\"muted\">Packed: {}</p>",
                escape(&own.sentence())
            );
        }
        out.push_str("<table><tr><th>check</th><th>verdict</th><th>points</th></tr>");
        for c in &e.checks {
            let hidden = if c.hidden {
                " <span class=\"muted\">(hidden)</span>"
            } else {
                ""
            };
            let _ = write!(
                out,
                "<tr><td>{}{hidden}</td><td class=\"{}\">{}</td><td>{} / {}</td></tr>",
                escape(&c.name),
                c.status.as_str(),
                c.status.as_str(),
                c.score,
                c.max_score
            );
        }
        out.push_str("</table>");
        for c in e
            .checks
            .iter()
            .filter(|c| !matches!(c.status, Status::Passed | Status::NotAttempted))
        {
            let _ = write!(
                out,
                "<h4>{} — <span class=\"{}\">{}</span></h4><p>{}</p>",
                escape(&c.name),
                c.status.as_str(),
                c.status.as_str(),
                escape(&c.message)
            );
            if let (Some(expected), Some(actual)) = (&c.expected, &c.actual) {
                let _ = write!(
                    out,
                    "<pre><span class=\"exp\">- expected: {}</span>\n<span class=\"act\">+ actual:   {}</span></pre>",
                    escape(expected),
                    escape(actual)
                );
            }
            if !c.traceback.is_empty() {
                let _ = write!(out, "<pre>{}</pre>", escape(&c.traceback.join("\n")));
            }
        }
        if !e.stdout.trim().is_empty() || !e.stderr.trim().is_empty() {
            let _ = write!(
                out,
                "<details><summary>What the code printed</summary><pre>{}{}</pre></details>",
                escape(&e.stdout),
                escape(&e.stderr)
            );
        }
        for note in &e.notes {
            let _ = write!(
                out,
                "<div class=\"warn\">Note: the code {}</div>",
                escape(note)
            );
        }
        for similar in result.similar.iter().filter(|s| s.exercise == e.id) {
            let _ = write!(
                out,
                "<h3>Suspiciously alike: {}'s solution ({:.0}% of fingerprints shared)</h3>",
                escape(&similar.other),
                similar.score * 100.0
            );
            let mine = sources.get(name).and_then(|s| s.get(&e.id));
            let theirs = sources.get(&similar.other).and_then(|s| s.get(&e.id));
            if let (Some(mine), Some(theirs)) = (mine, theirs) {
                let a: Vec<(usize, usize)> = similar.regions.iter().map(|r| r.a_lines).collect();
                let b: Vec<(usize, usize)> = similar.regions.iter().map(|r| r.b_lines).collect();
                let _ = write!(
                    out,
                    "<div class=\"side\"><pre>{}</pre><pre>{}</pre></div>",
                    highlighted(mine, &a),
                    highlighted(theirs, &b)
                );
            }
        }
        out.push_str("</div><aside class=\"rubric\">");
        if let Some(entry) = catalog.exercise(&e.id) {
            out.push_str("<h3>Rubric</h3><ul>");
            for point in &entry.info.rubric {
                let _ = write!(out, "<li>{}</li>", inline_code(&escape(point)));
            }
            out.push_str("</ul>");
        }
        if !e.follow_ups.is_empty() {
            out.push_str("<h3>Ask</h3><ul>");
            for q in &e.follow_ups {
                let _ = write!(out, "<li>{}</li>", inline_code(&escape(q)));
            }
            out.push_str("</ul>");
        }
        out.push_str("</aside></section>");
    }
    out.push_str("</body></html>\n");
    out
}

/// Markdown's `code` spans in already escaped text, as `<code>` elements
/// (the rubric and follow-ups are written with them).
fn inline_code(escaped: &str) -> String {
    let parts: Vec<&str> = escaped.split('`').collect();
    if parts.len() % 2 == 0 {
        // An unpaired backtick: leave the text as it is.
        return escaped.to_string();
    }
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Source lines with the matching ranges marked.
fn highlighted(source: &str, ranges: &[(usize, usize)]) -> String {
    source
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let n = i + 1;
            let text = format!("{n:>3}  {}", escape(line));
            if ranges.iter().any(|(from, to)| (*from..=*to).contains(&n)) {
                format!("<span class=\"hit\">{text}</span>")
            } else {
                text
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The batch index: a row per submission linking to its report.
pub fn index(graded: &[(&str, &SubmissionResult)]) -> String {
    let mut out = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pyinterview reports</title><style>{STYLE}</style></head><body><h1>Reports</h1><table><tr><th>submission</th><th>total</th>"
    );
    let ids: Vec<&str> = graded
        .first()
        .map(|(_, r)| r.exercises.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default();
    for id in &ids {
        let _ = write!(out, "<th>{}</th>", escape(id));
    }
    out.push_str("<th>flags</th></tr>");
    for (name, result) in graded {
        let _ = write!(
            out,
            "<tr><td><a href=\"{}.html\">{}</a></td><td>{} / {}</td>",
            escape(name),
            escape(name),
            result.score,
            result.max_score
        );
        for e in &result.exercises {
            let _ = write!(out, "<td>{}</td>", e.score);
        }
        let flags = result.warnings.len() + result.similar.len();
        let _ = write!(
            out,
            "<td>{}</td></tr>",
            if flags == 0 {
                String::new()
            } else {
                format!("{flags} ⚑")
            }
        );
    }
    out.push_str("</table></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::inline_code;

    #[test]
    fn backticks_become_code_elements() {
        assert_eq!(
            inline_code("uses `functools.wraps` and `__name__`"),
            "uses <code>functools.wraps</code> and <code>__name__</code>"
        );
        assert_eq!(inline_code("a lone ` stays"), "a lone ` stays");
    }
}
