use std::path::Path;

use anstream::{print, println};

use crate::cli::Outcome;
use crate::grade::{GradeOptions, grade_submission};
use crate::report::{self, Audience, Format};
use crate::workspace;

use super::{
    Error, Settings, exercise_arg, is_current_dir, sandbox, workspace_for, workspace_note,
};

pub fn run(
    id: Option<&str>,
    workspace_dir: Option<&Path>,
    settings: &Settings,
) -> Result<Outcome, Error> {
    // `check list_tuple.py` and `check ws/list_tuple.py` name the exercise
    // by its file; a path also names the workspace, unless -w does.
    let (id, file) = match id {
        Some(arg) => {
            let (entry, file) = exercise_arg(arg)?;
            (Some(entry.info.id.as_str()), file)
        }
        None => (None, None),
    };
    let dir = workspace_for(workspace_dir, file.as_deref())?;
    let manifest = workspace::load(&dir)?;
    if let Some(note) = workspace_note(&dir) {
        println!("{note}");
    }
    let exercises: Vec<String> = match id {
        Some(id) => {
            if !manifest.has(id) {
                return Err(Error::User(format!("`{id}` is not part of this workspace")));
            }
            vec![id.to_string()]
        }
        None => manifest.ids(),
    };
    let options = GradeOptions {
        seed: manifest.seed,
        timeout: settings.timeout,
        limits: settings.limits,
        exercises,
        reference: None,
        progress: super::progress::spinner(),
    };
    let result = grade_submission(&mut sandbox()?, &dir, &options)?;
    print!(
        "{}",
        report::render(&result, Format::Text, Audience::Candidate)
    );
    let missing: Vec<&str> = result
        .exercises
        .iter()
        .filter(|e| e.file_missing())
        .map(|e| e.id.as_str())
        .collect();
    if !missing.is_empty() {
        // Naming the exercises keeps init from adding any the workspace lacks.
        let target = if is_current_dir(&dir) {
            ".".to_string()
        } else {
            dir.display().to_string()
        };
        println!(
            "\n{} {} missing: run `pyinterview init {target} --exercises {}` to restore the stub (nothing else is touched).",
            missing
                .iter()
                .map(|id| format!("{id}.py"))
                .collect::<Vec<_>>()
                .join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            missing.join(","),
        );
    }
    Ok(if result.all_passed() {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}
