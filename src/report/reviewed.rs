//! The interviewer's review (`pyinterview review`) as each report shows it,
//! beside the automatic grades: the decision and adjusted total at the top,
//! per exercise the rubric scores, comments and adjustment.

use std::fmt::Write as _;

use super::html::escape;
use crate::grade::model::{ExerciseResult, SubmissionResult};
use crate::grade::review::ExerciseReview;

fn points(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// "decision: hire · adjusted total 38.94 / 50 (78%)", when reviewed.
pub fn summary(result: &SubmissionResult) -> Option<String> {
    let review = result.review.as_ref()?;
    let mut parts = Vec::new();
    parts.push(format!(
        "decision: {}",
        review.decision.map_or("not taken yet", |d| d.as_str())
    ));
    if let Some(score) = result.reviewed_score {
        let percent = if result.max_score > 0.0 {
            100.0 * score / result.max_score
        } else {
            0.0
        };
        parts.push(format!(
            "reviewed total {} / {} ({percent:.0}%) after {:+} points of adjustments",
            points(score),
            points(result.max_score),
            round(review.adjustment())
        ));
    }
    Some(parts.join(" · "))
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn exercise_review<'a>(
    result: &'a SubmissionResult,
    exercise: &ExerciseResult,
) -> Option<&'a ExerciseReview> {
    result.review.as_ref()?.exercises.get(&exercise.id)
}

/// Lines for the text report's header.
pub fn text_header(result: &SubmissionResult) -> String {
    let Some(line) = summary(result) else {
        return String::new();
    };
    let mut out = format!("review: {line}\n");
    for comment in result.review.iter().flat_map(|r| &r.comments) {
        let _ = writeln!(out, "review comment: {}", clean(comment));
    }
    out
}

/// The exercise's review in the text report, after its notes.
pub fn text_exercise(out: &mut String, result: &SubmissionResult, exercise: &ExerciseResult) {
    let Some(review) = exercise_review(result, exercise) else {
        return;
    };
    // Before the blank line that ends the exercise.
    let blank = out.ends_with("\n\n");
    if blank {
        out.pop();
    }
    let rubric = rubric_scores(review);
    if !rubric.is_empty() {
        let items: Vec<String> = rubric.iter().map(|(n, s)| format!("{n}: {s}/4")).collect();
        let _ = writeln!(out, "    review: rubric {}", items.join(", "));
    }
    if review.adjust != 0.0 {
        let _ = writeln!(
            out,
            "    review: adjusted {:+} points ({}), now {} / {}",
            review.adjust,
            clean(review.reason.as_deref().unwrap_or("")),
            points(
                result
                    .reviewed_exercise_score(exercise)
                    .unwrap_or(exercise.score)
            ),
            points(exercise.max_score)
        );
    }
    for comment in &review.comments {
        let _ = writeln!(out, "    review comment: {}", clean(comment));
    }
    if blank {
        out.push('\n');
    }
}

fn clean(text: &str) -> String {
    crate::value::escape_controls(text).into_owned()
}

/// The rubric scores by item number, in order.
pub fn rubric_scores(review: &ExerciseReview) -> Vec<(usize, u8)> {
    let mut items: Vec<(usize, u8)> = review
        .rubric
        .iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, *v)))
        .collect();
    items.sort();
    items
}

/// The score badge for rubric item `number` (from 1) in the HTML rubric.
pub fn html_rubric_badge(
    result: &SubmissionResult,
    exercise: &ExerciseResult,
    number: usize,
) -> String {
    match exercise_review(result, exercise).and_then(|r| r.rubric_score(number)) {
        Some(score) => format!(
            " <b class=\"rubric-score s{score}\" title=\"the interviewer's score, 1 to 4\">{score}/4</b>"
        ),
        None => String::new(),
    }
}

/// The exercise's review under its rubric in the HTML page.
pub fn html_exercise(result: &SubmissionResult, exercise: &ExerciseResult) -> String {
    let Some(review) = exercise_review(result, exercise) else {
        return String::new();
    };
    let mut out = String::from("<div class=\"review\"><h3>Your review</h3>");
    if review.adjust != 0.0 {
        let _ = write!(
            out,
            "<p class=\"adjust\">Adjusted {:+} points: {} (now {} / {})</p>",
            review.adjust,
            escape(review.reason.as_deref().unwrap_or("")),
            points(
                result
                    .reviewed_exercise_score(exercise)
                    .unwrap_or(exercise.score)
            ),
            points(exercise.max_score)
        );
    }
    for comment in &review.comments {
        let _ = write!(out, "<p class=\"comment\">{}</p>", escape(comment));
    }
    out.push_str("</div>");
    out
}

/// The review at the top of an HTML page.
pub fn html_header(result: &SubmissionResult) -> String {
    let Some(line) = summary(result) else {
        return String::new();
    };
    let mut out = format!(
        "<div class=\"review\" id=\"review\"><b>Review</b> — {}",
        escape(&line)
    );
    for comment in result.review.iter().flat_map(|r| &r.comments) {
        let _ = write!(out, "<p class=\"comment\">{}</p>", escape(comment));
    }
    out.push_str("</div>");
    out
}

/// The review section of the Markdown report.
pub fn markdown(result: &SubmissionResult) -> String {
    let Some(line) = summary(result) else {
        return String::new();
    };
    let inline = super::markdown::inline;
    let mut out = format!("\n## Review\n\n{}\n", inline(&line));
    for comment in result.review.iter().flat_map(|r| &r.comments) {
        let _ = writeln!(out, "\n> {}", inline(comment));
    }
    for e in &result.exercises {
        let Some(review) = exercise_review(result, e) else {
            continue;
        };
        let _ = writeln!(out, "\n**{}**\n", inline(&e.id));
        for (n, s) in rubric_scores(review) {
            let _ = writeln!(out, "- rubric {n}: {s}/4");
        }
        if review.adjust != 0.0 {
            let _ = writeln!(
                out,
                "- adjusted {:+} points: {}",
                review.adjust,
                inline(review.reason.as_deref().unwrap_or(""))
            );
        }
        for comment in &review.comments {
            let _ = writeln!(out, "- {}", inline(comment));
        }
    }
    out
}
