use std::path::Path;

use anstream::print;

use crate::cli::Outcome;
use crate::grade::{GradeOptions, grade_submission};
use crate::report::{self, Audience, Format};
use crate::workspace;

use super::{Error, Settings, entry, fresh_seed, sandbox};

pub fn run(
    dir: &Path,
    seed: Option<u64>,
    format: Format,
    exercises: Vec<String>,
    settings: &Settings,
) -> Result<Outcome, Error> {
    // An archive is unpacked (safely) into a temporary directory and verified.
    let unpacked = if crate::archive::is_archive(dir) {
        let into = tempfile::tempdir().map_err(|e| Error::Internal(e.to_string()))?;
        crate::archive::unpack(dir, into.path())?;
        Some(into)
    } else if dir.is_dir() {
        None
    } else {
        return Err(Error::User(format!(
            "{} is not a directory or a submission archive",
            dir.display()
        )));
    };
    let submission = unpacked.as_ref().map_or(dir, |u| u.path());
    for id in &exercises {
        entry(id)?;
    }
    let manifest = workspace::load_optional(submission)?;
    // The interviewer's seed is never the candidate's visible one.
    let seed = seed.unwrap_or_else(|| {
        let candidate_seed = manifest.as_ref().map(|m| m.seed);
        std::iter::repeat_with(fresh_seed)
            .find(|s| Some(*s) != candidate_seed)
            .expect("endless")
    });
    let options = GradeOptions {
        seed,
        timeout: settings.timeout,
        limits: settings.limits,
        exercises,
    };
    let mut result = grade_submission(&mut sandbox()?, submission, &options)?;
    if unpacked.is_some() {
        result.submission = dir.display().to_string();
        result.warnings = crate::archive::verify(submission);
        let packed = crate::archive::self_checks(submission);
        for exercise in &mut result.exercises {
            exercise.self_check = packed.get(&exercise.id).copied();
        }
    }
    print!("{}", report::render(&result, format, Audience::Interviewer));
    Ok(Outcome::Success)
}
