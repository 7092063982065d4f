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
    if !dir.is_dir() {
        return Err(Error::User(format!("{} is not a directory", dir.display())));
    }
    for id in &exercises {
        entry(id)?;
    }
    let manifest = workspace::load_optional(dir)?;
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
    let result = grade_submission(&mut sandbox()?, dir, &options)?;
    print!("{}", report::render(&result, format, Audience::Interviewer));
    Ok(Outcome::Success)
}
