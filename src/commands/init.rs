use std::path::Path;

use anstream::println;
use rand::seq::SliceRandom;

use crate::catalog::{Catalog, CatalogEntry, Level};
use crate::cli::Outcome;
use crate::exercise::rng_for;
use crate::{exercises, workspace};

use super::{Error, entry, fresh_seed, is_current_dir};

/// Which exercises a new workspace gets.
pub struct Selection {
    pub level: Option<Level>,
    pub exercises: Vec<String>,
    pub pick: Option<usize>,
}

/// The chosen catalogue entries, in catalogue order.
pub fn select(selection: &Selection, seed: u64) -> Result<Vec<&'static CatalogEntry>, Error> {
    let catalog = Catalog::get();
    let mut chosen: Vec<&'static CatalogEntry> = if selection.exercises.is_empty() {
        exercises::ids()
            .into_iter()
            .filter_map(|id| catalog.exercise(id))
            .filter(|e| selection.level.is_none_or(|level| e.info.level == level))
            .collect()
    } else {
        let mut chosen: Vec<&'static CatalogEntry> = Vec::new();
        for id in &selection.exercises {
            let found = entry(id)?;
            // `--exercises a,a` names one exercise.
            if !chosen.iter().any(|e| e.info.id == found.info.id) {
                chosen.push(found);
            }
        }
        chosen
    };
    if chosen.is_empty() {
        let why = match selection.level {
            Some(level) => format!(
                "no runnable exercise at the {} level yet; its questions are for \
                 conversation (`pyinterview questions --level {0}`, `pyinterview plan --level {0}`)",
                level.as_str()
            ),
            None => "no exercise matches that selection".into(),
        };
        return Err(Error::User(format!("{why}; see `pyinterview list`")));
    }
    if let Some(n) = selection.pick {
        if n == 0 || n > chosen.len() {
            return Err(Error::User(format!(
                "--pick takes 1 to {} here",
                chosen.len()
            )));
        }
        let order: Vec<&str> = chosen.iter().map(|e| e.info.id.as_str()).collect();
        chosen.shuffle(&mut rng_for(seed, "init --pick"));
        chosen.truncate(n);
        chosen.sort_by_key(|e| order.iter().position(|id| *id == e.info.id));
    }
    Ok(chosen)
}

pub fn run(
    dir: &Path,
    selection: Selection,
    minutes: Option<u32>,
    seed: Option<u64>,
) -> Result<Outcome, Error> {
    let seed = seed.unwrap_or_else(fresh_seed);
    // A workspace whose manifest is damaged or lost: rebuilt first from its
    // exercise files (which stay as they are), then extended as any other.
    let repaired = workspace::repair(dir, seed, &selection.exercises)?;
    if let Some(repair) = &repaired {
        print_repair(dir, repair);
    }
    // `init DIR` again on a workspace, with no selection: its own exercises
    // (restoring any file that went missing), not every exercise there is.
    let unselected =
        selection.level.is_none() && selection.exercises.is_empty() && selection.pick.is_none();
    let selection = match workspace::load_optional(dir) {
        Ok(Some(manifest)) if unselected => Selection {
            exercises: manifest.ids(),
            ..selection
        },
        _ => selection,
    };
    let entries = select(&selection, seed)?;
    let outcome = workspace::init(dir, &entries, seed, minutes).map_err(|err| {
        let lost = workspace::exercise_files(dir);
        match err {
            workspace::WorkspaceError::WouldOverwrite { .. } if !lost.is_empty() => {
                Error::User(format!(
                    "{err}.\nIf it is your take-home workspace and its manifest was lost, \
                     `pyinterview init {} --exercises {}` rebuilds the manifest and leaves \
                     your files exactly as they are.",
                    dir.display(),
                    lost.join(",")
                ))
            }
            err => err.into(),
        }
    })?;
    let budget = outcome.manifest.minutes;
    match outcome.previous_minutes {
        Some(_) if repaired.is_some() => {}
        Some(before) => {
            println!(
                "{} is already a workspace: nothing of yours was changed.",
                dir.display()
            );
            if before != budget {
                println!("Time budget: now {budget} minutes (was {before}).");
            }
        }
        None => println!(
            "Wrote a workspace to {} (time budget: {budget} minutes):",
            dir.display()
        ),
    }
    for id in &outcome.added {
        println!("  + {id}.py");
    }
    for id in &outcome.kept {
        println!("  = {id}.py (kept as it is)");
    }
    if !outcome.others.is_empty() {
        // `pack` sends every top-level file: say so while it is easy to tidy.
        println!(
            "\nNote: {} already held {}; `pack` sends every top-level file, so keep only what you mean to submit.",
            dir.display(),
            outcome.others.join(", ")
        );
    }
    if super::quiet() {
    } else if is_current_dir(dir) {
        println!("\nNext: read README.md, then run `pyinterview check`.");
    } else {
        println!(
            "\nNext: read README.md there, then `cd {}` and run `pyinterview check`.",
            dir.display()
        );
    }
    Ok(Outcome::Success)
}

/// Says what a repair found and did.
fn print_repair(dir: &Path, repair: &workspace::Repair) {
    let what = match &repair.trouble {
        workspace::ManifestTrouble::Missing => "was missing".to_string(),
        workspace::ManifestTrouble::Damaged(why) => format!("was damaged: {why}"),
    };
    println!(
        "Repaired the workspace in {}: its manifest ({}) {what}.",
        dir.display(),
        workspace::MANIFEST
    );
    let files: Vec<String> = repair.ids.iter().map(|id| format!("{id}.py")).collect();
    if files.is_empty() {
        println!("No exercise file is there: the workspace starts over.");
    } else {
        println!(
            "Rebuilt it from the exercise files here, which are unchanged: {}.",
            files.join(", ")
        );
    }
    if let Some(backup) = &repair.backup {
        println!("The damaged manifest is kept in {}.", backup.display());
    }
    if !repair.kept_seed {
        println!("Your visible checks use a new seed: their generated cases may differ.");
    }
    if !repair.kept_hints {
        println!(
            "The record of the hints you read could not be recovered: if you read any, tell your interviewer."
        );
    }
}
