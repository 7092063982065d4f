use std::path::Path;

use anstream::println;

use crate::cli::Outcome;
use crate::workspace;

use super::{Error, entry};

pub fn run(id: &str, level: Option<usize>, workspace_dir: Option<&Path>) -> Result<Outcome, Error> {
    let hints = &entry(id)?.info.hints;
    if level.is_some_and(|l| l == 0 || l > hints.len()) {
        return Err(Error::User(format!(
            "`{id}` has hints 1 to {}",
            hints.len()
        )));
    }
    // Inside a workspace the next hint follows the last one seen; outside,
    // there is nothing to remember and the first hint comes first.
    let workspace = match workspace_dir {
        Some(_) => Some(workspace::resolve(workspace_dir)?),
        None => workspace::locate(Path::new(".")).ok(),
    };
    let manifest = workspace.as_deref().map(workspace::load).transpose()?;
    let seen = manifest
        .as_ref()
        .and_then(|m| m.hints.get(id).copied())
        .unwrap_or(0);
    let shown = level.unwrap_or((seen + 1).min(hints.len()));
    let mut remembered = false;
    if let (Some(dir), Some(manifest)) = (&workspace, &manifest) {
        if manifest.has(id) {
            workspace::record_hint(dir, id, shown)?;
            remembered = true;
        }
    }
    println!(
        "Hint {shown} of {} for {id}:\n\n{}",
        hints.len(),
        hints[shown - 1]
    );
    if super::quiet() {
    } else if shown < hints.len() && remembered {
        println!(
            "\nStill stuck? Run `pyinterview hint {id}` again for hint {}.",
            shown + 1
        );
    } else if shown < hints.len() {
        // Nowhere to remember the level: the same command would repeat it.
        println!(
            "\nStill stuck? Run `pyinterview hint {id} --level {}` for hint {0}. \
             (Hints are remembered only inside a workspace with this exercise.)",
            shown + 1
        );
    } else {
        println!("\nThat was the last hint.");
    }
    Ok(Outcome::Success)
}
