//! A gradebook: one CSV row per submission (RFC 4180), for a spreadsheet or
//! an LMS import. Columns: the submission, each exercise's score (blank where
//! it was not graded), the total, the maximum, the percentage, the integrity
//! warnings and the similar solutions, then the interviewer's review (the
//! decision, the adjustment, the reviewed total and the comments).
//!
//! Text that comes from a submission (its name, warnings naming its files)
//! is quoted when needed and, when it starts like a formula (`=`, `+`, `-`,
//! `@`), prefixed with `'` so a spreadsheet shows it instead of running it.

use crate::grade::model::{SubmissionResult, round_points};

/// The gradebook of `graded` (short name, result), with a header row.
pub fn render(graded: &[(&str, &SubmissionResult)]) -> String {
    let ids = super::graded_ids(graded);
    let mut header = vec!["submission".to_string()];
    header.extend(ids.iter().map(|id| id.to_string()));
    header.extend(
        [
            "total",
            "max_score",
            "percent",
            "seed",
            "warnings",
            "similar",
            "decision",
            "adjustment",
            "reviewed_total",
            "review_comments",
        ]
        .map(String::from),
    );
    let mut out = row(&header);
    for (name, result) in graded {
        let mut cells = vec![text(name)];
        for id in &ids {
            cells.push(
                result
                    .exercises
                    .iter()
                    .find(|e| e.id == *id)
                    .map_or_else(String::new, |e| number(e.score)),
            );
        }
        cells.push(number(result.score));
        cells.push(number(result.max_score));
        cells.push(number(round_points(result.percent())));
        cells.push(result.seed.to_string());
        cells.push(text(&result.warnings.join("; ")));
        let similar: Vec<String> = result
            .similar
            .iter()
            .map(|s| format!("{}: {} ({:.0}%)", s.exercise, s.other, s.score * 100.0))
            .collect();
        cells.push(text(&similar.join("; ")));
        // The interviewer's review, when there is one.
        let review = result.review.as_ref();
        cells.push(
            review
                .and_then(|r| r.decision)
                .map_or_else(String::new, |d| d.as_str().to_string()),
        );
        cells.push(review.map_or_else(String::new, |r| number(r.adjustment())));
        cells.push(result.reviewed_score.map_or_else(String::new, number));
        let comments: Vec<String> = review
            .map(|r| {
                r.comments
                    .iter()
                    .cloned()
                    .chain(r.exercises.iter().flat_map(|(id, e)| {
                        e.comments
                            .iter()
                            .map(move |c| format!("{id}: {c}"))
                            .chain(e.reason.iter().map(move |c| format!("{id} adjusted: {c}")))
                    }))
                    .collect()
            })
            .unwrap_or_default();
        cells.push(text(&comments.join("; ")));
        out.push_str(&row(&cells));
    }
    out
}

fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Free text as a spreadsheet will show it, never run it.
fn text(value: &str) -> String {
    let value = crate::value::escape_controls(value).replace('\n', " ");
    if value.starts_with(['=', '+', '-', '@', '\t']) {
        format!("'{value}")
    } else {
        value
    }
}

/// One CSV record, fields quoted where RFC 4180 needs it, CRLF-terminated.
fn row(cells: &[String]) -> String {
    let fields: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    fields.join(",") + "\r\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(
            row(&["a".into(), "b,c".into(), "say \"hi\"".into()]),
            "a,\"b,c\",\"say \"\"hi\"\"\"\r\n"
        );
        assert_eq!(text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text("-1"), "'-1");
        assert_eq!(number(39.9), "39.9");
        assert_eq!(number(40.0), "40");
    }
}
