use std::path::Path;

use anstream::print;

use crate::cli::Outcome;
use crate::grade::{GradeOptions, grade_submission};
use crate::report::{self, Audience, Format};
use crate::workspace;

use super::{Error, Settings, entry, sandbox};

pub fn run(
    id: Option<&str>,
    workspace_dir: Option<&Path>,
    settings: &Settings,
) -> Result<Outcome, Error> {
    let start = workspace_dir.map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf);
    let dir = match workspace_dir {
        Some(dir) if dir.join(workspace::MANIFEST).is_file() => dir.to_path_buf(),
        Some(dir) => {
            return Err(workspace::WorkspaceError::NotFound(dir.display().to_string()).into());
        }
        None => workspace::locate(&start)?,
    };
    let manifest = workspace::load(&dir)?;
    let exercises: Vec<String> = match id {
        Some(id) => {
            entry(id)?;
            if !manifest.exercises.iter().any(|e| e.id == id) {
                return Err(Error::User(format!("`{id}` is not part of this workspace")));
            }
            vec![id.to_string()]
        }
        None => manifest.exercises.iter().map(|e| e.id.clone()).collect(),
    };
    let options = GradeOptions {
        seed: manifest.seed,
        timeout: settings.timeout,
        limits: settings.limits,
        exercises,
        reference: None,
    };
    let result = grade_submission(&mut sandbox()?, &dir, &options)?;
    print!(
        "{}",
        report::render(&result, Format::Text, Audience::Candidate)
    );
    Ok(if result.all_passed() {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}
