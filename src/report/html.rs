//! A self-contained HTML report per submission (inline CSS and SVG, nothing
//! fetched), plus the index of a batch: a decision view with a row per
//! submission, sortable by a few lines of inline script. Every text that
//! comes from a submission is escaped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::similar::{Cluster, clusters};
use crate::catalog::Catalog;
use crate::grade::model::Unfinished;
use crate::grade::model::{CheckResult, ExerciseResult, SELF_REPORTED, Status, SubmissionResult};
use crate::value::{first_difference, pretty, pretty_expanded};

/// Sources by submission name, then exercise id (the code shown on each
/// page, and side by side with a similar solution).
pub type Sources = BTreeMap<String, BTreeMap<String, String>>;

/// Width the values of a diff are laid out to.
const DIFF_WIDTH: usize = 72;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:76rem;margin:2rem auto;padding:0 1rem;color:#1d2330}\
h1{margin-bottom:.2rem}.muted{color:#667}.warn{background:#fff4d6;border-left:4px solid #e0a100;padding:.4rem .8rem;margin:.4rem 0}\
.exercise{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:1.5rem;border-top:1px solid #dde;padding-top:1rem;margin-top:1.5rem}\
.rubric{background:#f4f6fa;padding:.6rem 1rem;border-radius:6px;font-size:.92em}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e6ee;padding:.25rem .4rem;text-align:left;vertical-align:top}\
.passed{color:#1a7f37}.failed,.error,.crashed,.memory{color:#c62828}.timeout{color:#7b1fa2}.not_attempted{color:#8a8f99}\
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;font-size:.85em}.exp{color:#1a7f37}.act{color:#c62828}\
.side{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}.hit{background:#fff0b3}\
.code .tb{background:#fde2e1;display:inline-block;width:100%}.code .ln{color:#99a;user-select:none}\
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.blank{background:#fafbfc}\
.good{background:#d8f3dc}.fair{background:#fff1c2}.poor{background:#fbd5d5}\
th.sortable{cursor:pointer;white-space:nowrap}th.sortable::after{content:' \u{2195}';color:#aab}\
th[data-dir=asc]::after{content:' \u{25b2}'}th[data-dir=desc]::after{content:' \u{25bc}'}\
.review{background:#eaf2ff;border-left:4px solid #3b6fd8;padding:.4rem .8rem;margin:.4rem 0}.rubric-score{border-radius:4px;padding:0 .3rem;background:#3b6fd8;color:#fff;font-size:.85em}\
.cluster{margin:.3rem 0 .8rem}.pill{display:inline-block;background:#eef1f6;border-radius:9px;padding:0 .5rem;margin:.1rem .2rem}";

/// Sorts a `table.sortable` by a header click, numbers by each cell's
/// `data-v`; the address `#sort=COLUMN-desc` sorts on opening (and lets a
/// headless browser check the order).
const SORT_SCRIPT: &str = "<script>(()=>{const t=document.querySelector('table.sortable');if(!t)return;\
const hs=[...t.tHead.rows[0].cells];const by=(i,dir)=>{const v=r=>{const c=r.cells[i],x=c.dataset.v;return x===undefined?c.textContent.trim().toLowerCase():parseFloat(x)};\
const rows=[...t.tBodies[0].rows].sort((p,q)=>{const a=v(p),b=v(q);const o=typeof a=='number'&&typeof b=='number'?a-b:String(a).localeCompare(String(b));return dir=='asc'?o:-o});\
rows.forEach(r=>t.tBodies[0].appendChild(r));hs.forEach(h=>h.removeAttribute('data-dir'));hs[i].dataset.dir=dir};\
hs.forEach((h,i)=>h.addEventListener('click',()=>by(i,h.dataset.dir=='desc'?'asc':'desc')));\
const m=/sort=([^&-]+)(?:-(asc|desc))?/.exec(location.hash);if(m){const i=hs.findIndex(h=>h.dataset.key==m[1]);if(i>=0)by(i,m[2]||'desc')}})();</script>";

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

/// The class colouring a percentage: good, fair or poor.
fn grade_class(percent: f64) -> &'static str {
    if percent >= 80.0 {
        "good"
    } else if percent >= 50.0 {
        "fair"
    } else {
        "poor"
    }
}

fn points(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
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

/// One submission's page. `sources` holds the batch's code (this page shows
/// `name`'s, and a similar solution beside it); `clusters` the batch's
/// groups of similar solutions.
pub fn render(result: &SubmissionResult, name: &str, sources: &Sources) -> String {
    render_in_batch(result, name, sources, &[])
}

/// [`render`] for a page of a batch, whose similar solutions form `clusters`.
pub fn render_in_batch(
    result: &SubmissionResult,
    name: &str,
    sources: &Sources,
    clusters: &[Cluster],
) -> String {
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
    out.push_str(&super::reviewed::html_header(result));
    let l = &result.sandbox.limits;
    let _ = write!(
        out,
        "<p class=\"muted\" id=\"sandbox\">Sandbox: {}s per exercise, {}s CPU, {} MiB memory, {} processes, {} MiB files, {} open files, {} KiB output.</p>",
        result.sandbox.timeout_seconds,
        l.cpu_seconds,
        l.memory_mb,
        l.processes,
        l.file_size_mb,
        l.open_files,
        l.output_kb
    );
    let _ = write!(
        out,
        "<p class=\"muted\" id=\"selection\">Graded: {}.</p>",
        escape(&result.selection.describe(result.exercises.len()))
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
    let mine = sources.get(name);
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
        failures(&mut out, e);
        if let Some(code) = mine.and_then(|s| s.get(&e.id)) {
            let _ = write!(
                out,
                "<details class=\"source\"{}><summary>The code: {}.py{}</summary>{}</details>",
                // Open where something failed: that is the code to read.
                if e.checks.iter().all(|c| c.status == Status::Passed) {
                    ""
                } else {
                    " open"
                },
                escape(&e.id),
                if traceback_lines(e).is_empty() {
                    String::new()
                } else {
                    " (lines in failing checks' tracebacks marked)".to_string()
                },
                listing(code, &traceback_lines(e))
            );
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
        similar_section(&mut out, result, name, e, sources, clusters);
        out.push_str("</div><aside class=\"rubric\">");
        if let Some(entry) = catalog.exercise(&e.id) {
            out.push_str("<h3>Rubric</h3><ul>");
            for (i, point) in entry.info.rubric.iter().enumerate() {
                let _ = write!(
                    out,
                    "<li>{}{}</li>",
                    inline_code(&escape(point)),
                    super::reviewed::html_rubric_badge(result, e, i + 1)
                );
            }
            out.push_str("</ul>");
        }
        out.push_str(&super::reviewed::html_exercise(result, e));
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

/// The checks that did not pass, as the text report shows them: a failure
/// every check shares once, checks still the stub and checks never run
/// after a timeout counted in a line each, the others with their diff and
/// traceback.
fn failures(out: &mut String, e: &ExerciseResult) {
    let failing: Vec<&CheckResult> = e
        .checks
        .iter()
        .filter(|c| c.status != Status::Passed)
        .collect();
    let Some(first) = failing.first() else {
        return;
    };
    if e.checks.len() > 1
        && failing.len() == e.checks.len()
        && failing
            .iter()
            .all(|c| c.status == first.status && c.message == first.message)
    {
        let _ = write!(
            out,
            "<h4 class=\"shared\">All {} checks — <span class=\"{}\">{}</span></h4><p>{}</p>",
            e.checks.len(),
            first.status.as_str(),
            first.status.as_str(),
            escape(&first.message)
        );
        if !first.traceback.is_empty() {
            let _ = write!(out, "<pre>{}</pre>", escape(&first.traceback.join("\n")));
        }
        return;
    }
    let untouched_check = |c: &CheckResult| c.unfinished == Some(Unfinished::Untouched);
    let not_run_check = |c: &CheckResult| c.unfinished == Some(Unfinished::NotRun);
    let untouched = failing.iter().filter(|c| untouched_check(c)).count();
    let not_run = failing.iter().filter(|c| not_run_check(c)).count();
    for c in failing
        .iter()
        .filter(|c| !untouched_check(c) && !not_run_check(c))
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
            diff(out, expected, actual);
        }
        if !c.traceback.is_empty() {
            let _ = write!(out, "<pre>{}</pre>", escape(&c.traceback.join("\n")));
        }
    }
    if not_run > 0 {
        let _ = write!(
            out,
            "<p class=\"timeout\">{not_run} later check{} not run: the time limit ran out during the check above.</p>",
            if not_run == 1 { "" } else { "s" }
        );
    }
    if untouched > 0 {
        let _ = write!(
            out,
            "<p class=\"not_attempted\">{untouched} check{} not attempted: the stub still raises NotImplementedError.</p>",
            if untouched == 1 { "" } else { "s" }
        );
    }
}

/// Expected against actual, as the text report shows them: two lines when
/// short, a line diff when long, and where a long sequence first differs.
fn diff(out: &mut String, expected: &str, actual: &str) {
    if let Some((path, e, a)) = first_difference(expected, actual) {
        let _ = write!(
            out,
            "<p class=\"first-difference\"><b>First difference at {}:</b> expected <code>{}</code>, actual <code>{}</code></p>",
            escape(&path),
            escape(&e),
            escape(&a)
        );
    }
    let fits = |text: &str| !pretty(text, DIFF_WIDTH).contains('\n');
    if fits(expected) && fits(actual) {
        let _ = write!(
            out,
            "<pre><span class=\"exp\">- expected: {}</span>\n<span class=\"act\">+ actual:   {}</span></pre>",
            escape(expected),
            escape(actual)
        );
        return;
    }
    let (expected, actual) = (
        pretty_expanded(expected, DIFF_WIDTH),
        pretty_expanded(actual, DIFF_WIDTH),
    );
    out.push_str("<pre class=\"line-diff\"><span class=\"exp\">- expected</span> <span class=\"act\">+ actual</span>\n");
    for change in TextDiff::from_lines(&expected, &actual).iter_all_changes() {
        let line = escape(change.value().trim_end_matches('\n'));
        let _ = match change.tag() {
            ChangeTag::Equal => writeln!(out, "  {line}"),
            ChangeTag::Delete => writeln!(out, "<span class=\"exp\">- {line}</span>"),
            ChangeTag::Insert => writeln!(out, "<span class=\"act\">+ {line}</span>"),
        };
    }
    out.push_str("</pre>");
}

/// Lines of the candidate's file named by the tracebacks of the checks
/// that did not pass, each with the checks that name it.
fn traceback_lines(e: &ExerciseResult) -> BTreeMap<usize, Vec<String>> {
    let mut lines: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for c in e.checks.iter().filter(|c| c.status != Status::Passed) {
        for frame in &c.traceback {
            let number = frame
                .strip_prefix("line ")
                .and_then(|rest| rest.split(|ch: char| !ch.is_ascii_digit()).next())
                .and_then(|n| n.parse::<usize>().ok());
            if let Some(n) = number {
                let names = lines.entry(n).or_default();
                if !names.contains(&c.name) {
                    names.push(c.name.clone());
                }
            }
        }
    }
    lines
}

/// The code with line numbers; the lines in `marked` highlighted, titled
/// with the checks whose tracebacks pass through them.
fn listing(source: &str, marked: &BTreeMap<usize, Vec<String>>) -> String {
    let mut out = String::from("<pre class=\"code\">");
    for (i, line) in source.lines().enumerate() {
        let n = i + 1;
        let text = format!("<span class=\"ln\">{n:>4}  </span>{}", escape(line));
        match marked.get(&n) {
            Some(checks) => {
                let _ = writeln!(
                    out,
                    "<span class=\"tb\" data-line=\"{n}\" title=\"in the traceback of: {}\">{text}</span>",
                    escape(&checks.join("; "))
                );
            }
            None => {
                let _ = writeln!(out, "{text}");
            }
        }
    }
    out.push_str("</pre>");
    out
}

/// The submission's similar solutions to `e`: the cluster it belongs to in
/// one line, then the closest one side by side (only that one).
fn similar_section(
    out: &mut String,
    result: &SubmissionResult,
    name: &str,
    e: &ExerciseResult,
    sources: &Sources,
    clusters: &[Cluster],
) {
    let mut alike: Vec<_> = result
        .similar
        .iter()
        .filter(|s| s.exercise == e.id)
        .collect();
    let Some(closest) = alike
        .iter()
        .copied()
        .max_by(|a, b| a.score.total_cmp(&b.score))
    else {
        return;
    };
    alike.sort_by(|a, b| b.score.total_cmp(&a.score));
    let cluster = clusters
        .iter()
        .find(|c| c.exercise == e.id && c.members.iter().any(|m| m.name == name));
    let _ = write!(
        out,
        "<h3>Suspiciously alike: {}</h3>",
        alike
            .iter()
            .map(|s| format!(
                "{}'s solution ({:.0}% of fingerprints shared)",
                escape(&s.other),
                s.score * 100.0
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(cluster) = cluster.filter(|c| c.members.len() > alike.len() + 1) {
        let _ = write!(
            out,
            "<p class=\"muted\">One of a cluster of {} alike solutions in this batch ({}); see the index.</p>",
            cluster.members.len(),
            cluster.range()
        );
    }
    let mine = sources.get(name).and_then(|s| s.get(&e.id));
    let theirs = sources.get(&closest.other).and_then(|s| s.get(&e.id));
    if let (Some(mine), Some(theirs)) = (mine, theirs) {
        let a: Vec<(usize, usize)> = closest.regions.iter().map(|r| r.a_lines).collect();
        let b: Vec<(usize, usize)> = closest.regions.iter().map(|r| r.b_lines).collect();
        let _ = write!(
            out,
            "<p class=\"muted\">Side by side with the closest, {}'s:</p><div class=\"side\"><pre>{}</pre><pre>{}</pre></div>",
            escape(&closest.other),
            highlighted(mine, &a),
            highlighted(theirs, &b)
        );
    }
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

/// The batch index, a decision view: a row per submission with its total
/// and percentage (coloured), a cell per exercise (blank where it was not
/// graded), integrity warnings apart from similarity, and a link to its
/// page; sortable by any column. Then the seed, whether the submissions
/// were graded on different sets, and the clusters of similar solutions.
pub fn index(graded: &[(&str, &SubmissionResult)]) -> String {
    let mut out = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pyinterview reports</title><style>{STYLE}</style></head><body><h1>Reports</h1>"
    );
    let ids = super::graded_ids(graded);
    let seeds: std::collections::BTreeSet<u64> = graded.iter().map(|(_, r)| r.seed).collect();
    let seeds: Vec<String> = seeds.iter().map(u64::to_string).collect();
    let _ = write!(
        out,
        "<p class=\"muted\" id=\"seed\">{} submission{} graded with seed {}{}.</p>",
        graded.len(),
        if graded.len() == 1 { "" } else { "s" },
        seeds.join(", "),
        if seeds.len() == 1 && graded.len() > 1 {
            ", every one with it, so their scores compare"
        } else {
            ""
        }
    );
    let sets: std::collections::BTreeSet<Vec<&str>> = graded
        .iter()
        .map(|(_, r)| r.exercises.iter().map(|e| e.id.as_str()).collect())
        .collect();
    if sets.len() > 1 {
        out.push_str("<div class=\"warn\" id=\"different-sets\">The submissions were graded on different exercises (each workspace's own): compare percentages, not totals; <code>--exercises</code> grades them all on the same set.</div>");
    }
    out.push_str("<table class=\"sortable\" id=\"decision\"><thead><tr>");
    let header = |key: &str, label: &str, title: &str| {
        format!(
            "<th class=\"sortable\" data-key=\"{}\" title=\"{}\">{}</th>",
            escape(key),
            escape(title),
            escape(label)
        )
    };
    out.push_str(&header(
        "submission",
        "submission",
        "open a submission's report",
    ));
    out.push_str(&header("total", "total", "points scored of the maximum"));
    out.push_str(&header("percent", "%", "percentage of the maximum"));
    for id in &ids {
        out.push_str(&header(id, id, "points of 10; blank: not graded"));
    }
    out.push_str(&header(
        "integrity",
        "integrity",
        "warnings about the submission itself: an archive that does not match its manifest, unreadable files, helper modules",
    ));
    out.push_str(&header(
        "similar",
        "similar",
        "exercises whose solution is suspiciously alike another's in this batch",
    ));
    out.push_str(&header(
        "review",
        "review",
        "your decision and the total after your adjustments (pyinterview review)",
    ));
    out.push_str("</tr></thead><tbody>");
    for (name, result) in graded {
        let percent = result.percent();
        let _ = write!(
            out,
            "<tr data-name=\"{0}\"><td><a href=\"{0}.html\">{0}</a></td><td class=\"num\" data-v=\"{1}\">{2} / {3}</td><td class=\"num {4}\" data-v=\"{5:.2}\">{5:.0}%</td>",
            escape(name),
            result.score,
            points(result.score),
            points(result.max_score),
            grade_class(percent),
            percent
        );
        for id in &ids {
            match result.exercises.iter().find(|e| e.id == *id) {
                Some(e) => {
                    let _ = write!(
                        out,
                        "<td class=\"num {}\" data-v=\"{}\" title=\"{}\">{}</td>",
                        grade_class(100.0 * e.score / e.max_score.max(f64::MIN_POSITIVE)),
                        e.score,
                        escape(&format!("{} / {}", points(e.score), points(e.max_score))),
                        points(e.score)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<td class=\"blank\" data-v=\"-1\" title=\"not graded\"></td>"
                    );
                }
            }
        }
        let warnings = &result.warnings;
        let _ = write!(
            out,
            "<td class=\"num\" data-v=\"{}\" title=\"{}\">{}</td>",
            warnings.len(),
            escape(&warnings.join("\n")),
            if warnings.is_empty() {
                String::new()
            } else {
                format!("{} ⚠", warnings.len())
            }
        );
        let mut alike: Vec<&str> = result.similar.iter().map(|s| s.exercise.as_str()).collect();
        alike.dedup();
        let _ = write!(
            out,
            "<td data-v=\"{}\">{}</td>",
            alike.len(),
            escape(&alike.join(", "))
        );
        let decision = result
            .review
            .as_ref()
            .and_then(|r| r.decision)
            .map_or("", |d| d.as_str());
        let _ = write!(
            out,
            "<td data-v=\"{}\">{}{}</td></tr>",
            result.reviewed_score.unwrap_or(-1.0),
            escape(decision),
            result
                .reviewed_score
                .map(|s| format!(" <span class=\"muted\">({})</span>", points(s)))
                .unwrap_or_default()
        );
    }
    out.push_str("</tbody></table>");
    let found = clusters(graded);
    if !found.is_empty() {
        out.push_str("<h2 id=\"similar\">Similar solutions</h2><p class=\"muted\">Solutions linked by shared fingerprints (names, literals and layout normalised), as groups: a reason to read them side by side, not a verdict.</p>");
        for cluster in &found {
            let _ = write!(
                out,
                "<div class=\"cluster\" data-exercise=\"{}\"><b>{}</b>: {} solutions, {} of fingerprints shared — ",
                escape(&cluster.exercise),
                escape(&cluster.exercise),
                cluster.members.len(),
                cluster.range()
            );
            for m in &cluster.members {
                let _ = write!(
                    out,
                    "<span class=\"pill\"><a href=\"{}.html#{}\">{}</a> {} / 10 <span class=\"muted\">(closest: {} {:.0}%)</span></span>",
                    escape(&m.name),
                    escape(&cluster.exercise),
                    escape(&m.name),
                    points(m.score),
                    escape(&m.closest.0),
                    m.closest.1 * 100.0
                );
            }
            out.push_str("</div>");
        }
    }
    out.push_str(SORT_SCRIPT);
    out.push_str("</body></html>\n");
    out
}

/// The clusters of similar solutions in a batch (for the pages).
pub fn batch_clusters(graded: &[(&str, &SubmissionResult)]) -> Vec<Cluster> {
    clusters(graded)
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
