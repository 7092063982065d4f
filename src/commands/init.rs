use std::path::Path;

use anstream::println;

use crate::catalog::Catalog;
use crate::cli::Outcome;
use crate::{exercises, workspace};

use super::{Error, fresh_seed};

pub fn run(dir: &Path, seed: Option<u64>) -> Result<Outcome, Error> {
    let catalog = Catalog::get();
    let entries: Vec<_> = exercises::ids()
        .into_iter()
        .filter_map(|id| catalog.exercise(id))
        .collect();
    let manifest = workspace::init(dir, &entries, seed.unwrap_or_else(fresh_seed))?;
    println!(
        "Wrote a workspace with {} exercises to {}:",
        manifest.exercises.len(),
        dir.display()
    );
    for exercise in &manifest.exercises {
        println!("  {}.py", exercise.id);
    }
    println!(
        "\nNext: read README.md there, then `cd {}` and run `pyinterview check`.",
        dir.display()
    );
    Ok(Outcome::Success)
}
