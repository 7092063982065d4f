//! Grading what a user names on the command line: a directory or a `pack`
//! archive, one at a time or many in parallel.
//!
//! Parallel grading runs one sandbox worker per job over a shared queue;
//! results keep the order of the inputs and do not depend on the number of
//! jobs (the seed is the batch's, and every submission gets its own children).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::model::SubmissionResult;
use super::{GradeError, GradeOptions, grade_submission};
use crate::archive;
use crate::sandbox::Sandbox;

/// Grades a directory, or an archive unpacked safely into a temporary
/// directory and verified against its pack manifest.
pub fn grade_path(
    sandbox: &mut Sandbox,
    path: &Path,
    options: &GradeOptions,
) -> Result<SubmissionResult, GradeError> {
    if path.is_dir() {
        return grade_submission(sandbox, path, options);
    }
    if !path.is_file() {
        return Err(GradeError::NotADirectory(path.display().to_string()));
    }
    let unpacked = tempfile::tempdir().map_err(|e| GradeError::Archive(e.to_string()))?;
    archive::unpack(path, unpacked.path()).map_err(|e| GradeError::Archive(e.to_string()))?;
    let mut result = grade_submission(sandbox, unpacked.path(), options)?;
    result.submission = path.display().to_string();
    let mut warnings = archive::verify(unpacked.path());
    warnings.append(&mut result.warnings);
    result.warnings = warnings;
    let packed = archive::self_checks(unpacked.path());
    for exercise in &mut result.exercises {
        exercise.self_check = packed.get(&exercise.id).copied();
    }
    Ok(result)
}

/// Grades every path with up to `jobs` workers at once. `done` is called as
/// each submission finishes (for a progress bar).
pub fn grade_all(
    worker: &Path,
    paths: &[PathBuf],
    options: &GradeOptions,
    jobs: usize,
    done: &(dyn Fn(&Path) + Sync),
) -> Vec<Result<SubmissionResult, GradeError>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<SubmissionResult, GradeError>>>> =
        paths.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, paths.len().max(1)) {
            scope.spawn(|| {
                let mut sandbox = Sandbox::new(worker);
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(path) = paths.get(index) else { break };
                    let result = grade_path(&mut sandbox, path, options);
                    *slots[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    done(path);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every submission was graded")
        })
        .collect()
}

/// A short, unique name per submission for file names and tables:
/// `alice` for `subs/alice/` or `subs/alice-submission.tar.gz`.
pub fn short_names(paths: &[PathBuf]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(paths.len());
    for path in paths {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let file = absolute
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "submission".into());
        let base = file
            .trim_end_matches(".tar.gz")
            .trim_end_matches(".tgz")
            .trim_end_matches("-submission")
            .to_string();
        let base = if base.is_empty() {
            "submission".to_string()
        } else {
            base
        };
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_unique_and_readable() {
        let paths: Vec<PathBuf> = [
            "subs/alice",
            "other/alice/",
            "bob-submission.tar.gz",
            "carol.tgz",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(short_names(&paths), ["alice", "alice-2", "bob", "carol"]);
    }
}
