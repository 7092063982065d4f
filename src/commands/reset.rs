use std::path::Path;

use anstream::println;

use crate::cli::Outcome;
use crate::workspace::{self, ResetOutcome};

use super::{Error, exercise_arg, workspace_for};

pub fn run(id: &str, workspace_dir: Option<&Path>) -> Result<Outcome, Error> {
    let (entry, file) = exercise_arg(id)?;
    let id = &entry.info.id;
    let dir = workspace_for(workspace_dir, file.as_deref())?;
    match workspace::reset(&dir, entry)? {
        ResetOutcome::BackedUp(backup) => println!(
            "Restored the stub of {id}.py; your previous file is in {}.",
            backup.display()
        ),
        ResetOutcome::AlreadyStub => {
            println!("{id}.py is already the untouched stub: nothing to restore or back up.")
        }
        ResetOutcome::Restored => println!("Restored the stub of {id}.py."),
    }
    Ok(Outcome::Success)
}
