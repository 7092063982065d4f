//! `pyinterview review`: the interviewer's rubric scores, comments,
//! adjustments and decision, in a file beside the submission.

use anstream::println;

use crate::cli::{Outcome, ReviewArgs};
use crate::grade::review::{self, Review};

use super::{Error, entry};

pub fn run(args: &ReviewArgs) -> Result<Outcome, Error> {
    if !args.submission.exists() {
        return Err(Error::User(format!(
            "no such submission: {}",
            args.submission.display()
        )));
    }
    let path = review::path_for(&args.submission);
    let mut current = review::load(&args.submission)
        .map_err(|e| Error::User(e.to_string()))?
        .unwrap_or_default();
    let changes = !args.rubric.is_empty()
        || !args.comment.is_empty()
        || args.adjust.is_some()
        || args.reason.is_some()
        || args.decision.is_some();
    if args.show || !changes {
        if current.is_empty() {
            println!(
                "No review of {} yet ({}).",
                args.submission.display(),
                path.display()
            );
        } else {
            println!(
                "Review of {} ({}):",
                args.submission.display(),
                path.display()
            );
            print!("{}", review::describe(&current));
        }
        return Ok(Outcome::Success);
    }
    apply(&mut current, args)?;
    let written =
        review::save(&args.submission, &current).map_err(|e| Error::User(e.to_string()))?;
    println!("Saved the review to {}", written.display());
    print!("{}", review::describe(&current));
    Ok(Outcome::Success)
}

fn apply(review: &mut Review, args: &ReviewArgs) -> Result<(), Error> {
    if let Some(decision) = args.decision {
        review.decision = Some(decision);
    }
    let Some(id) = &args.exercise else {
        if !args.rubric.is_empty() || args.adjust.is_some() || args.reason.is_some() {
            return Err(Error::User(
                "--rubric, --adjust and --reason are about one exercise: add --exercise ID".into(),
            ));
        }
        review.comments.extend(args.comment.iter().cloned());
        return Ok(());
    };
    let rubric = &entry(id)?.info.rubric;
    for (item, _) in &args.rubric {
        if *item > rubric.len() {
            return Err(Error::User(format!(
                "{id}'s rubric has {} items (`pyinterview show {id} --rubric`); there is no item {item}",
                rubric.len()
            )));
        }
    }
    if args
        .adjust
        .is_some_and(|a| !(a.is_finite() && (-10.0..=10.0).contains(&a)))
    {
        return Err(Error::User(
            "--adjust is a number of points from -10 to 10".into(),
        ));
    }
    let exercise = review.exercises.entry(id.clone()).or_default();
    for (item, score) in &args.rubric {
        exercise.rubric.insert(item.to_string(), *score);
    }
    exercise.comments.extend(args.comment.iter().cloned());
    if let Some(reason) = &args.reason {
        exercise.reason = Some(reason.clone());
    }
    if let Some(adjust) = args.adjust {
        exercise.adjust = adjust;
        if adjust == 0.0 {
            exercise.reason = None;
        }
    }
    if exercise.adjust != 0.0 && exercise.reason.is_none() {
        return Err(Error::User(
            "an adjustment needs its reason: add --reason \"…\"".into(),
        ));
    }
    Ok(())
}
