use std::io::IsTerminal;
use std::path::PathBuf;

use anstream::{eprintln, print, println};

use crate::cli::Outcome;
use crate::grade::GradeOptions;
use crate::grade::batch::{flag_similar, grade_all, short_names};
use crate::grade::model::SubmissionResult;
use crate::report::{self, Audience, Format};
use crate::workspace;

use super::{Error, Settings, entry, fresh_seed};

/// How to grade a batch.
pub struct Batch {
    pub jobs: Option<usize>,
    pub out: Option<PathBuf>,
    pub seed: Option<u64>,
    pub format: Format,
    pub exercises: Vec<String>,
    /// Reference solutions to time against; `None` to skip timing.
    pub reference: Option<PathBuf>,
    /// `--fail-under`: a percentage below which the run exits 1.
    pub fail_under: Option<f64>,
}

pub fn run(submissions: &[PathBuf], batch: Batch, settings: &Settings) -> Result<Outcome, Error> {
    // The same submission named twice (or by two spellings of its path) is
    // graded once: otherwise it would be flagged as a copy of itself.
    let mut seen = std::collections::HashSet::new();
    let submissions: Vec<PathBuf> = submissions
        .iter()
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())))
        .cloned()
        .collect();
    let submissions = &submissions[..];
    if submissions.len() > 1
        && batch.out.is_none()
        && matches!(
            batch.format,
            Format::Junit | Format::Gradescope | Format::Html
        )
    {
        return Err(Error::User(format!(
            "{} reports are one document per submission: add --out DIR to write one file each",
            batch.format.name()
        )));
    }
    let reference = batch.reference.clone();
    for id in &batch.exercises {
        entry(id)?;
    }
    let missing: Vec<String> = submissions
        .iter()
        .filter(|p| !p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::User(format!(
            "no such submission: {}",
            missing.join(", ")
        )));
    }
    // One seed for the batch, so scores compare; never a candidate's own.
    let candidate_seeds: Vec<u64> = submissions
        .iter()
        .filter_map(|p| workspace::load_optional(p).ok().flatten().map(|m| m.seed))
        .collect();
    let seed = batch.seed.unwrap_or_else(|| {
        std::iter::repeat_with(fresh_seed)
            .find(|s| !candidate_seeds.contains(s))
            .expect("endless")
    });
    let options = GradeOptions {
        seed,
        timeout: settings.timeout,
        limits: settings.limits,
        exercises: batch.exercises,
        reference,
        // The batch has a bar of its own, by submission.
        progress: Default::default(),
    };
    let jobs = batch
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let worker = std::env::current_exe()
        .map_err(|e| Error::Internal(format!("cannot find the executable: {e}")))?;

    let progress = progress_bar(submissions.len());
    let results = grade_all(&worker, submissions, &options, jobs, &|path| {
        if let Some(bar) = &progress {
            bar.set_message(path.display().to_string());
            bar.inc(1);
        }
    });
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }

    // A Python that cannot start is the tool's failure, not the submissions':
    // no report, exit status 3.
    if let Some(Err(err)) = results
        .iter()
        .find(|r| matches!(r, Err(crate::grade::GradeError::Python(_))))
    {
        return Err(Error::Internal(err.to_string()));
    }
    let names = short_names(submissions);
    let mut ok = Vec::new();
    let mut failures: Vec<(String, String)> = Vec::new();
    for ((path, name), result) in submissions.iter().zip(names).zip(results) {
        match result {
            Ok(mut graded) => {
                // The interviewer's review, kept beside the submission.
                match crate::grade::review::load(path) {
                    Ok(Some(review)) => graded.result.apply_review(review),
                    Ok(None) => {}
                    Err(err) => eprintln!("warning: {err}; graded without the review"),
                }
                ok.push((name, graded))
            }
            Err(err) => {
                eprintln!("error: {}: {err}", path.display());
                failures.push((name, err.to_string()));
            }
        }
    }
    let failed = failures.len();
    flag_similar(&mut ok);
    let graded: Vec<(&str, &SubmissionResult)> =
        ok.iter().map(|(n, g)| (n.as_str(), &g.result)).collect();
    match &batch.out {
        Some(dir) => {
            let sources: report::html::Sources = ok
                .iter()
                .map(|(n, g)| (n.clone(), g.sources.clone()))
                .collect();
            let written = report::write_all(dir, &graded, batch.format, &sources)
                .map_err(|e| Error::User(format!("cannot write to {}: {e}", dir.display())))?;
            println!("Wrote {} files to {}", written.len(), dir.display());
        }
        None => match batch.format {
            // One JSON object per line when there are several (JSON Lines).
            Format::Json if graded.len() > 1 => {
                for (_, result) in &graded {
                    println!(
                        "{}",
                        serde_json::to_string(result).expect("results serialise")
                    );
                }
            }
            // A gradebook: one header, a row per submission.
            Format::Csv => print!("{}", report::render_csv(&graded)),
            Format::Text => {
                let results: Vec<&SubmissionResult> = graded.iter().map(|(_, r)| *r).collect();
                print!("{}", report::render_text_batch(&results));
            }
            // One page, with the code it was graded on.
            Format::Html => {
                let sources: report::html::Sources = ok
                    .iter()
                    .map(|(n, g)| (n.clone(), g.sources.clone()))
                    .collect();
                for (name, result) in &graded {
                    print!("{}", report::html::render(result, name, &sources));
                }
            }
            format => {
                for (_, result) in &graded {
                    print!("{}", report::render(result, format, Audience::Interviewer));
                }
            }
        },
    }
    if submissions.len() > 1 && matches!(batch.format, Format::Text) || batch.out.is_some() {
        let failures: Vec<(&str, &str)> = failures
            .iter()
            .map(|(n, e)| (n.as_str(), e.as_str()))
            .collect();
        print!("{}", report::render_summary(&graded, &failures, seed));
    }
    if failed > 0 {
        return Err(Error::User(format!(
            "{failed} of {} submissions could not be graded",
            submissions.len()
        )));
    }
    if let Some(bar) = batch.fail_under {
        let below: Vec<String> = graded
            .iter()
            .filter(|(_, r)| r.percent() < bar)
            .map(|(n, r)| format!("{n} ({:.2}%)", r.percent()))
            .collect();
        if !below.is_empty() {
            eprintln!("below --fail-under {bar}%: {}", below.join(", "));
            return Ok(Outcome::ChecksFailed);
        }
    }
    Ok(Outcome::Success)
}

/// A progress bar on stderr, only when a person is watching it.
fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if total < 2 || super::quiet() || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} graded  {msg}")
            .expect("a valid template"),
    );
    Some(bar)
}
