use std::path::Path;

use anstream::println;

use crate::cli::Outcome;
use crate::workspace;

use super::{Error, entry};

pub fn run(id: &str, workspace_dir: Option<&Path>) -> Result<Outcome, Error> {
    let entry = entry(id)?;
    let dir = workspace::resolve(workspace_dir)?;
    match workspace::reset(&dir, entry)? {
        Some(backup) => println!(
            "Restored the stub of {id}.py; your previous file is in {}.",
            backup.display()
        ),
        None => println!("Restored the stub of {id}.py."),
    }
    Ok(Outcome::Success)
}
