use std::path::Path;

use anstream::print;

use crate::catalog::{Catalog, Level};
use crate::cli::Outcome;
use crate::plan;

use super::{Error, fresh_seed};

pub fn run(
    level: Level,
    minutes: u32,
    seed: Option<u64>,
    markdown: Option<&Path>,
) -> Result<Outcome, Error> {
    let seed = seed.unwrap_or_else(fresh_seed);
    let plan = plan::plan(&Catalog::get().questions, level, minutes, seed)
        .map_err(|e| Error::User(e.to_string()))?;
    let text = plan::markdown(&plan);
    // Write the file first: a bad path fails before anything is printed.
    if let Some(path) = markdown {
        std::fs::write(path, &text)
            .map_err(|e| Error::User(format!("cannot write {}: {e}", path.display())))?;
    }
    print!("{text}");
    Ok(Outcome::Success)
}
