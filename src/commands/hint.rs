use std::path::Path;

use anstream::println;

use crate::cli::Outcome;
use crate::workspace;

use super::{Error, named_or_only};

pub fn run(
    arg: Option<&str>,
    number: Option<usize>,
    workspace_dir: Option<&Path>,
) -> Result<Outcome, Error> {
    let (entry, file) = named_or_only(arg, workspace_dir, "hint")?;
    let id = entry.info.id.as_str();
    let hints = &entry.info.hints;
    if number.is_some_and(|n| n == 0 || n > hints.len()) {
        return Err(Error::User(format!(
            "`{id}` has hints 1 to {}",
            hints.len()
        )));
    }
    // Inside a workspace the next hint follows the last one seen; outside,
    // there is nothing to remember and the first hint comes first. A path
    // to the exercise's file names its workspace, as for `check`.
    let workspace = match (workspace_dir, file.as_deref().and_then(Path::parent)) {
        (Some(_), _) => Some(workspace::resolve(workspace_dir)?),
        (None, Some(dir)) if !dir.as_os_str().is_empty() => workspace::locate(dir).ok(),
        (None, _) => workspace::locate(Path::new(".")).ok(),
    };
    let manifest = workspace.as_deref().map(workspace::load).transpose()?;
    let seen = manifest
        .as_ref()
        .and_then(|m| m.hints.get(id).copied())
        .unwrap_or(0);
    let shown = number.unwrap_or((seen + 1).min(hints.len()));
    // How many hints the interviewer will see as used, once this one is
    // recorded (never fewer than before: reading hint 1 again after hint 3
    // still counts 3); None where nothing is recorded.
    let recorded = match (&workspace, &manifest) {
        (Some(dir), Some(manifest)) if manifest.has(id) => {
            Some(workspace::record_hint(dir, id, shown)?)
        }
        _ => None,
    };
    println!(
        "Hint {shown} of {} for {id}:\n\n{}",
        hints.len(),
        hints[shown - 1]
    );
    if let Some(used) = recorded {
        println!("\n{}", recorded_note(id, used, hints.len()));
    }
    if super::quiet() {
        return Ok(Outcome::Success);
    }
    match recorded {
        Some(used) if used < hints.len() => println!(
            "Still stuck? Run `pyinterview hint {id}` again for hint {}.",
            used + 1
        ),
        Some(_) if shown < hints.len() => println!(
            "You have read every hint already; `pyinterview hint {id} --number N` shows hint N again."
        ),
        Some(_) => println!("That was the last hint."),
        // Nowhere to remember the number: the same command would repeat it.
        None if shown < hints.len() => println!(
            "\nStill stuck? Run `pyinterview hint {id} --number {}` for hint {0}. \
             (Hints are remembered only inside a workspace with this exercise.)",
            shown + 1
        ),
        None => println!("\nThat was the last hint."),
    }
    Ok(Outcome::Success)
}

/// What the candidate is told each time a hint is recorded in the workspace:
/// the count the interviewer's report will show.
pub fn recorded_note(id: &str, used: usize, of: usize) -> String {
    format!("Recorded: your interviewer will see that you used {used} of {of} hints for {id}.")
}
