//! Grading what a user names on the command line: a directory or a `pack`
//! archive, one at a time or many in parallel.
//!
//! Parallel grading runs one sandbox per job over a shared queue, each with
//! a pool of workers for its submission's exercises (the cores shared among
//! the jobs); results keep the order of the inputs and do not depend on the
//! number of jobs or workers (the seed is the batch's, and every submission
//! gets its own children).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use std::collections::BTreeMap;

use super::model::{SimilarTo, SubmissionResult};
use super::{GradeError, GradeOptions, grade_submission};
use crate::archive;
use crate::catalog::Catalog;
use crate::sandbox::Sandbox;
use crate::similarity::{self, Fingerprinted, Region};
use crate::submission_files::{self, SOURCE_CAP};

/// A graded submission and the exercise sources it was graded on.
pub struct Graded {
    pub result: SubmissionResult,
    /// `<id>.py` of each graded exercise the submission has.
    pub sources: BTreeMap<String, String>,
}

/// Only regular files of the submission, within the grader's cap: a link
/// to the interviewer's files or to `/dev/zero` is never read (grading has
/// already warned about it).
fn sources(dir: &Path, result: &SubmissionResult) -> BTreeMap<String, String> {
    result
        .exercises
        .iter()
        .filter_map(|e| {
            let bytes = submission_files::read(dir, format!("{}.py", e.id), SOURCE_CAP).ok()?;
            Some((e.id.clone(), String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect()
}

/// Grades a directory, or an archive unpacked safely into a temporary
/// directory and verified against its pack manifest.
pub fn grade_path(
    sandbox: &mut Sandbox,
    path: &Path,
    options: &GradeOptions,
) -> Result<Graded, GradeError> {
    if path.is_dir() {
        let result = grade_submission(sandbox, path, options)?;
        return Ok(Graded {
            sources: sources(path, &result),
            result,
        });
    }
    if !path.is_file() {
        return Err(GradeError::NotADirectory(path.display().to_string()));
    }
    let unpacked = tempfile::tempdir().map_err(|e| GradeError::Archive(e.to_string()))?;
    archive::unpack(path, unpacked.path()).map_err(|e| GradeError::Archive(e.to_string()))?;
    let mut result = grade_submission(sandbox, unpacked.path(), options)?;
    result.submission = path.display().to_string();
    // The pack manifest is read once and every use below goes by that copy.
    let packed = archive::read_pack_manifest(unpacked.path());
    let mut warnings = archive::verify(unpacked.path(), &packed);
    warnings.append(&mut result.warnings);
    result.warnings = warnings;
    let (self_checks, packed_hints) = packed
        .map(|p| (p.self_checks(), p.hints))
        .unwrap_or_default();
    // Both manifests record hints and the candidate can edit either: the
    // report shows the higher count (a mismatch is already a warning).
    for exercise in &mut result.exercises {
        let reported = &mut exercise.self_reported;
        reported.self_check = self_checks.get(&exercise.id).copied();
        if let Some(&hints) = packed_hints.get(&exercise.id) {
            reported.hints_used = Some(reported.hints_used.unwrap_or(0).max(hints));
        }
    }
    Ok(Graded {
        sources: sources(unpacked.path(), &result),
        result,
    })
}

/// Compares every pair of submissions' solutions to each exercise (the
/// stub's own code excluded) and records the pairs at or above
/// [`similarity::FLAG_AT`] on both submissions.
pub fn flag_similar(graded: &mut [(String, Graded)]) {
    let catalog = Catalog::get();
    let ids: Vec<String> = graded
        .iter()
        .flat_map(|(_, g)| g.sources.keys().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for id in ids {
        let stub = Fingerprinted::new(catalog.exercise(&id).map_or("", |e| e.stub));
        let prints: Vec<Option<Fingerprinted>> = graded
            .iter()
            .map(|(_, g)| g.sources.get(&id).map(|s| Fingerprinted::new(s)))
            .collect();
        for a in 0..graded.len() {
            for b in a + 1..graded.len() {
                let (Some(pa), Some(pb)) = (&prints[a], &prints[b]) else {
                    continue;
                };
                let found = similarity::compare(pa, pb, &stub);
                if found.score < similarity::FLAG_AT {
                    continue;
                }
                let score = (found.score * 100.0).round() / 100.0;
                let flipped = found
                    .regions
                    .iter()
                    .map(|r| Region {
                        a_lines: r.b_lines,
                        b_lines: r.a_lines,
                    })
                    .collect();
                let (name_a, name_b) = (graded[a].0.clone(), graded[b].0.clone());
                graded[a].1.result.similar.push(SimilarTo {
                    exercise: id.clone(),
                    other: name_b,
                    score,
                    regions: found.regions,
                });
                graded[b].1.result.similar.push(SimilarTo {
                    exercise: id.clone(),
                    other: name_a,
                    score,
                    regions: flipped,
                });
            }
        }
    }
}

/// Grades every path with up to `jobs` workers at once. `done` is called as
/// each submission finishes (for a progress bar).
pub fn grade_all(
    worker: &Path,
    paths: &[PathBuf],
    options: &GradeOptions,
    jobs: usize,
    done: &(dyn Fn(&Path) + Sync),
) -> Vec<Result<Graded, GradeError>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Result<Graded, GradeError>>>> =
        paths.iter().map(|_| Mutex::new(None)).collect();
    let jobs = jobs.clamp(1, paths.len().max(1));
    // Each job grades its submission's exercises on a pool of workers too:
    // the cores are shared among the jobs (cores / jobs each, halved when
    // timing against the reference, at least one), so a batch keeps about as
    // many workers busy as the machine has cores whatever `--jobs` says.
    let pool_size = Sandbox::pool_size_for(jobs, options.reference.is_some());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                let mut sandbox = Sandbox::new(worker).with_pool_size(pool_size);
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
