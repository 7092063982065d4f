//! Grading a submission: plan the checks, run them in the sandbox, judge.
//!
//! Fixed checks take their expectations from the embedded snapshots; generated
//! checks draw inputs from the seed and take expectations from the Rust
//! reference. Only inputs go to the sandbox. Points: every exercise is worth
//! [`model::EXERCISE_POINTS`], shared among its checks by weight.

pub mod batch;
pub mod model;
pub mod notes;
pub mod review;
pub mod schema;
pub mod verdict;

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::catalog::{Catalog, CatalogEntry};
use crate::exercise::{Graded, PlannedCheck};
use crate::exercises;
use crate::sandbox::Confinement;
use crate::sandbox::protocol::{RunReport, RunRequest, Slot};
use crate::sandbox::{Limits, Sandbox, SandboxError};
use crate::submission_files::{self, Refused, SOURCE_CAP};
use model::{
    CheckResult, EXERCISE_POINTS, ExerciseResult, SandboxSummary, Selection, SubmissionResult,
    round_points,
};

/// How to grade.
#[derive(Debug, Clone)]
pub struct GradeOptions {
    pub seed: u64,
    /// Wall-clock limit for one exercise's run.
    pub timeout: Duration,
    /// What each sandboxed child may use.
    pub limits: Limits,
    /// Which exercises; all of them when empty.
    pub exercises: Vec<String>,
    /// A directory of reference solutions (`<id>.py`) to time the
    /// candidate's code against; no timing when `None`.
    pub reference: Option<std::path::PathBuf>,
    /// Told when each exercise starts and ends (a terminal shows it).
    pub progress: ProgressSink,
}

/// What grading tells while it runs, for a person watching: the logic
/// calls it, only the CLI shows anything.
pub trait Progress: Send + Sync {
    /// `exercise` starts running in the sandbox.
    fn started(&self, exercise: &str);
    /// `check` (its name) of `exercise` has started running.
    fn running(&self, _exercise: &str, _check: &str) {}
    /// `exercise` has its verdicts.
    fn finished(&self, exercise: &str);
}

/// Where progress goes: nowhere by default.
#[derive(Clone, Default)]
pub struct ProgressSink(pub Option<std::sync::Arc<dyn Progress>>);

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "ProgressSink(on)"
        } else {
            "ProgressSink(off)"
        })
    }
}

impl Default for GradeOptions {
    fn default() -> Self {
        GradeOptions {
            seed: 0,
            timeout: Duration::from_secs(10),
            limits: Limits::default(),
            exercises: Vec::new(),
            reference: None,
            progress: ProgressSink::default(),
        }
    }
}

/// The directory of an installation's reference solutions, relative to the
/// executable's own directory (`PREFIX/bin/pyinterview` reads
/// `PREFIX/share/pyinterview/solutions`).
pub const INSTALLED_REFERENCE: &str = "../share/pyinterview/solutions";

/// The reference solutions shipped with this executable, when there are:
/// those of an installation (see [`INSTALLED_REFERENCE`], what `just install`
/// lays out), else those of the source checkout the executable was built in
/// (`target/<profile>/pyinterview`: the nearest directory above it with a
/// `Cargo.toml` and `exercises/`, whose `<id>/solution.py` are used). Found from the executable at run
/// time, never compiled in. They are deliberately not embedded either:
/// anything in the binary is in the memory of every sandboxed child, where
/// code using ctypes could find it. The wheel candidates install ships none.
pub fn default_reference() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    reference_beside(&exe)
}

/// Where the reference solution of `id` is under a reference directory: an
/// installation's `<id>.py`, or a checkout's `exercises/<id>/solution.py`.
/// Returns the directory to copy into the sandbox and the module's file name.
fn reference_solution(dir: &Path, id: &str) -> Option<(std::path::PathBuf, String)> {
    let flat = format!("{id}.py");
    if dir.join(&flat).is_file() {
        return Some((dir.to_path_buf(), flat));
    }
    let folder = dir.join(id);
    folder
        .join("solution.py")
        .is_file()
        .then(|| (folder, "solution.py".to_string()))
}

/// [`default_reference`] for the executable at `exe`.
pub fn reference_beside(exe: &Path) -> Option<std::path::PathBuf> {
    let bin = exe.parent()?;
    let installed = bin.join(INSTALLED_REFERENCE);
    if installed.is_dir() {
        return Some(installed);
    }
    bin.ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("exercises").is_dir())
        .map(|dir| dir.join("exercises"))
}

#[derive(Debug, thiserror::Error)]
pub enum GradeError {
    #[error("unknown exercise `{0}` (see `pyinterview list`)")]
    UnknownExercise(String),
    #[error("{0} is not a directory or a submission archive")]
    NotADirectory(String),
    #[error("{0}")]
    Archive(String),
    /// The sandbox's Python does not start: nothing can be graded.
    #[error("{0}")]
    Python(String),
    #[error(
        "the embedded snapshot of `{exercise}` has no expectation for check `{check}`; run `cargo test` and review the snapshots"
    )]
    MissingSnapshot { exercise: String, check: String },
}

/// A sandbox failure as a grading error; one that is not about the
/// interpreter is still reported as such.
fn python_error(err: SandboxError) -> GradeError {
    GradeError::Python(err.to_string())
}

/// Grades the `<id>.py` files in `dir`.
pub fn grade_submission(
    sandbox: &mut Sandbox,
    dir: &Path,
    options: &GradeOptions,
) -> Result<SubmissionResult, GradeError> {
    if !dir.is_dir() {
        return Err(GradeError::NotADirectory(dir.display().to_string()));
    }
    // A worker that cannot start its interpreter must not turn into a report
    // of crashed checks.
    let python = sandbox.python().map_err(python_error)?;
    let catalog = Catalog::get();
    // The candidate's workspace manifest, when the submission has one: which
    // exercises were assigned, which seed they saw, how many hints they used.
    let manifest = crate::workspace::load_optional(dir);
    let mut warnings = Vec::new();
    if let Err(err) = &manifest {
        warnings.push(format!(
            "the workspace manifest cannot be read ({err}); grading every exercise"
        ));
    }
    let manifest = manifest.ok().flatten();
    let (ids, selection) =
        select_exercises(dir, &options.exercises, manifest.as_ref(), &mut warnings);
    let context = Context {
        candidate_seed: manifest.as_ref().map(|m| m.seed),
        hints: manifest.map(|m| m.hints),
    };
    let work = ids
        .iter()
        .map(|id| {
            let exercise =
                exercises::find(id).ok_or_else(|| GradeError::UnknownExercise(id.clone()))?;
            let entry = catalog
                .exercise(id)
                .ok_or_else(|| GradeError::UnknownExercise(id.clone()))?;
            Ok((exercise, entry))
        })
        .collect::<Result<Vec<_>, GradeError>>()?;
    // The exercises are shared among the sandbox's pool of workers (no more
    // than there are files to run); each one's result (warnings included) is
    // taken back in the catalogue's order, so the report does not depend on
    // the pool's size.
    let runnable = ids
        .iter()
        .filter(|id| {
            dir.join(format!("{id}.py"))
                .symlink_metadata()
                .is_ok_and(|m| m.is_file())
        })
        .count();
    let graded = on_pool(sandbox, &work, runnable, |sandbox, (exercise, entry)| {
        let mut warnings = Vec::new();
        let progress = options.progress.0.as_deref();
        if let Some(progress) = progress {
            progress.started(exercise.id());
        }
        let graded = grade_exercise(
            sandbox,
            dir,
            *exercise,
            entry,
            options,
            &context,
            &mut warnings,
        )
        .map(|(result, confined)| (result, confined, warnings));
        if let Some(progress) = progress {
            progress.finished(exercise.id());
        }
        graded
    });
    let mut results = Vec::with_capacity(ids.len());
    let mut confinement: Option<Confinement> = None;
    for outcome in graded {
        let (result, confined, mut more) = outcome?;
        warnings.append(&mut more);
        match (&mut confinement, confined) {
            (Some(seen), Some(more)) => seen.merge(more),
            (None, more) => confinement = more,
            (Some(_), None) => {}
        }
        results.push(result);
    }
    if results.iter().all(ExerciseResult::file_missing) {
        let files: Vec<String> = ids.iter().map(|id| format!("{id}.py")).collect();
        warnings.push(format!(
            "none of the exercise files ({}) is in this submission: is it the right directory?",
            files.join(", ")
        ));
    }
    warnings.extend(helper_notes(dir, &ids));
    let score = round_points(results.iter().map(|e| e.score).sum());
    let max_score = round_points(results.iter().map(|e| e.max_score).sum());
    Ok(SubmissionResult {
        score,
        max_score,
        seed: options.seed,
        submission: dir.display().to_string(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        python: Some(python),
        selection,
        sandbox: SandboxSummary {
            timeout_seconds: options.timeout.as_secs_f64(),
            limits: options.limits,
            confinement: confinement
                .map(|c: Confinement| c.measures)
                .unwrap_or_default(),
        },
        warnings,
        similar: Vec::new(),
        exercises: results,
        review: None,
        reviewed_score: None,
    })
}

/// Applies `grade` to every item on the sandbox's pool: up to `workers`
/// threads (at most [`Sandbox::pool_size`]), each with a worker of its own,
/// take the next item as they come free. The results are in the items'
/// order. With a pool of one (or one item) everything runs here, one item
/// after another. The sandbox's own worker must have started.
fn on_pool<T: Sync, R: Send>(
    sandbox: &mut Sandbox,
    items: &[T],
    workers: usize,
    grade: impl Fn(&mut Sandbox, &T) -> R + Sync,
) -> Vec<R> {
    let workers = workers.min(items.len()).min(sandbox.pool_size());
    if workers <= 1 {
        return items.iter().map(|item| grade(sandbox, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    sandbox.with_pool(workers, |pool| {
        std::thread::scope(|scope| {
            for (i, member) in pool.into_iter().enumerate() {
                let (next, slots, grade) = (&next, &slots, &grade);
                scope.spawn(move || {
                    // Each further worker starts before it takes any work,
                    // while the first one (already started) goes on grading.
                    // One that cannot start takes none: what it would have
                    // graded goes to the others, rather than becoming
                    // sandbox failures that one worker alone would not have.
                    if i > 0 && member.python().is_err() {
                        return;
                    }
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        let result = grade(member, item);
                        *slots[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                    }
                });
            }
        })
    });
    slots
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .expect("every item was graded")
        })
        .collect()
}

/// The exercises to grade: those asked for, else those the workspace
/// manifest assigns plus any other exercise file the submission holds (a
/// manifest edited to drop an exercise does not hide its file), else all.
fn select_exercises(
    dir: &Path,
    requested: &[String],
    manifest: Option<&crate::workspace::Manifest>,
    warnings: &mut Vec<String>,
) -> (Vec<String>, Selection) {
    if !requested.is_empty() {
        let mut ids: Vec<String> = Vec::new();
        for id in requested {
            // `--exercises a,a` grades `a` once.
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        return (ids, Selection::Requested);
    }
    let all = exercises::ids();
    let Some(manifest) = manifest else {
        return (all.into_iter().map(String::from).collect(), Selection::All);
    };
    let assigned = manifest.ids();
    for id in assigned.iter().filter(|id| !all.contains(&id.as_str())) {
        warnings.push(format!(
            "the workspace assigns `{id}`, which this version of pyinterview does not know"
        ));
    }
    let mut unassigned = Vec::new();
    let ids: Vec<String> = all
        .iter()
        .filter(|id| {
            let listed = assigned.iter().any(|a| a == *id);
            // Anything by that name, even a link or a FIFO: it is graded,
            // so the report says what it is rather than skipping it quietly.
            let present = dir.join(format!("{id}.py")).symlink_metadata().is_ok();
            if present && !listed {
                unassigned.push(format!("{id}.py"));
            }
            listed || present
        })
        .map(|id| id.to_string())
        .collect();
    if !unassigned.is_empty() {
        warnings.push(format!(
            "{} not assigned by the workspace manifest, graded anyway",
            unassigned.join(", ")
        ));
    }
    if ids.is_empty() {
        return (all.into_iter().map(String::from).collect(), Selection::All);
    }
    (ids, Selection::Assigned)
}

/// Notes for the other `.py` files of a submission (helper modules the
/// exercises may import), which the per-exercise notes do not cover, and a
/// warning for each such file the grader would not read.
fn helper_notes(dir: &Path, graded: &[String]) -> Vec<String> {
    let mut helpers: Vec<std::ffi::OsString> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name())
        .filter(|name| Path::new(name).extension().is_some_and(|e| e == "py"))
        .filter(|name| {
            let stem = Path::new(name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            !graded.contains(&stem) && exercises::find(&stem).is_none()
        })
        .collect();
    helpers.sort();
    helpers
        .iter()
        .flat_map(|name| {
            let shown = name.to_string_lossy().into_owned();
            match submission_files::read(dir, name, SOURCE_CAP) {
                Ok(bytes) => notes::scan(&String::from_utf8_lossy(&bytes))
                    .into_iter()
                    .map(|note| format!("helper module {shown}: the code {note}"))
                    .collect(),
                // Gone since the listing: nothing to say.
                Err(Refused::Missing) => vec![],
                Err(refused) => vec![submission_files::warning(&shown, &refused)],
            }
        })
        .collect()
}

/// Repeats of each check in the timing pass (the least time counts).
const TIMING_ROUNDS: u32 = 3;

/// Sums the time of the checks both runs finished without a fault: the
/// least time of the timing pass's repeats where both sides have it (the
/// usual case), else the time of the checks' first run.
fn timing(candidate: &RunReport, reference: &RunReport) -> Option<model::Timing> {
    let repeated = |report: &RunReport, i: usize| report.timed_micros.get(i).copied().flatten();
    let use_repeats = (0..candidate.slots.len())
        .any(|i| repeated(candidate, i).is_some() && repeated(reference, i).is_some());
    let time = |report: &RunReport, i: usize| -> Option<u64> {
        match &report.slots[i] {
            Slot::Finished(outcome) if outcome.fault.is_none() => {
                if use_repeats {
                    repeated(report, i)
                } else {
                    Some(outcome.micros)
                }
            }
            _ => None,
        }
    };
    let (mut mine, mut theirs, mut log_ratios, mut checks) = (0u64, 0u64, 0f64, 0usize);
    let n = candidate.slots.len().min(reference.slots.len());
    for i in 0..n {
        if let (Some(a), Some(b)) = (time(candidate, i), time(reference, i)) {
            mine += a;
            theirs += b;
            // A microsecond is the clock's grain: no check takes less.
            log_ratios += (a.max(1) as f64 / b.max(1) as f64).ln();
            checks += 1;
        }
    }
    (checks > 0).then(|| model::Timing {
        candidate_ms: mine as f64 / 1000.0,
        reference_ms: theirs as f64 / 1000.0,
        // The geometric mean of the per-check ratios, as benchmark suites
        // summarise: one long, noisy check (threads) cannot swing it alone.
        ratio: ((log_ratios / checks as f64).exp() * 100.0).round() / 100.0,
        checks,
    })
}

/// The checks of one exercise for a seed: fixed ones with snapshot
/// expectations, then generated ones.
pub fn plan(
    exercise: &dyn Graded,
    entry: &CatalogEntry,
    seed: u64,
) -> Result<Vec<PlannedCheck>, GradeError> {
    let mut checks = Vec::new();
    for mut check in exercise.reference_fixed() {
        let recorded = entry.fixed.get(check.id);
        for (i, call) in check.calls.iter_mut().enumerate() {
            let snap = recorded
                .and_then(|calls| calls.get(i))
                .filter(|snap| snap.call == call.description)
                .ok_or_else(|| GradeError::MissingSnapshot {
                    exercise: entry.info.id.clone(),
                    check: check.id.to_string(),
                })?;
            call.expected = snap.expected.clone();
        }
        checks.push(check);
    }
    checks.extend(exercise.generated_plan(seed));
    Ok(checks)
}

/// What the submission's manifest says about the candidate.
struct Context {
    candidate_seed: Option<u64>,
    hints: Option<std::collections::BTreeMap<String, usize>>,
}

fn grade_exercise(
    sandbox: &mut Sandbox,
    dir: &Path,
    exercise: &dyn Graded,
    entry: &CatalogEntry,
    options: &GradeOptions,
    context: &Context,
    warnings: &mut Vec<String>,
) -> Result<(ExerciseResult, Option<Confinement>), GradeError> {
    let checks = plan(exercise, entry, options.seed)?;
    let hidden = |check: &PlannedCheck| {
        check.origin == crate::exercise::Origin::Generated
            && context.candidate_seed != Some(options.seed)
    };
    let mut confinement = None;
    let file = format!("{}.py", entry.info.id);
    let total_weight: u32 = checks.iter().map(|c| c.weight).sum::<u32>().max(1);
    let points =
        |check: &PlannedCheck| EXERCISE_POINTS * f64::from(check.weight) / f64::from(total_weight);
    let timeout_secs = options.timeout.as_secs_f64();
    // The grader's own read, for notes: only a regular file of the
    // submission. A link, FIFO or device is not graded at all (the sandbox
    // would not copy it either); a file too large for the grader to read is
    // still run, only not scanned.
    let source = submission_files::read(dir, &file, SOURCE_CAP);
    let unreadable = match &source {
        Ok(_) | Err(Refused::Missing) => None,
        Err(refused @ Refused::TooLarge(_)) => {
            warnings.push(format!(
                "{}; graded all the same, but without notes or similarity",
                submission_files::warning(&file, refused)
            ));
            None
        }
        Err(refused) => {
            warnings.push(submission_files::warning(&file, refused));
            Some(refused.to_string())
        }
    };

    let mut result = ExerciseResult {
        id: entry.info.id.clone(),
        title: entry.info.title.clone(),
        score: 0.0,
        max_score: EXERCISE_POINTS,
        checks: Vec::new(),
        stdout: String::new(),
        stderr: String::new(),
        output_truncated_bytes: 0,
        elapsed_ms: 0,
        notes: source
            .as_ref()
            .map(|bytes| notes::scan(&String::from_utf8_lossy(bytes)))
            .unwrap_or_default(),
        self_reported: model::SelfReported {
            hints_used: context
                .hints
                .as_ref()
                .map(|h| h.get(&entry.info.id).copied().unwrap_or(0)),
            self_check: None,
        },
        hints_available: entry.info.hints.len(),
        timing: None,
        follow_ups: Vec::new(),
    };
    let verdicts: Vec<CheckResult> = if let Some(why) = &unreadable {
        checks
            .iter()
            .map(|c| verdict::unreadable_module(&file, why).into_result(c, points(c), hidden(c)))
            .collect()
    } else if matches!(source, Err(Refused::Missing)) {
        checks
            .iter()
            .map(|c| verdict::missing_module(&file).into_result(c, points(c), hidden(c)))
            .collect()
    } else {
        let request = RunRequest {
            exercise: entry.info.id.clone(),
            submission: std::path::absolute(dir).unwrap_or(dir.to_path_buf()),
            module: file.clone(),
            checks: checks
                .iter()
                .map(|c| c.calls.iter().map(|call| call.input.clone()).collect())
                .collect(),
            uses: checks.iter().map(|c| c.uses.clone()).collect(),
            timeout_ms: options.timeout.as_millis() as u64,
            limits: options.limits,
            timing_rounds: 0,
        };
        // Timing only means something against the reference, when there is one.
        let reference_request = options
            .reference
            .as_ref()
            .and_then(|dir| reference_solution(dir, exercise.id()))
            .map(|(dir, module)| RunRequest {
                submission: dir,
                module,
                timing_rounds: TIMING_ROUNDS,
                ..request.clone()
            });
        let request = RunRequest {
            timing_rounds: reference_request.as_ref().map_or(0, |r| r.timing_rounds),
            ..request
        };
        // Which check runs, for a person watching (see `Progress`).
        let progress = options.progress.0.as_deref();
        let mut on_check = |index: usize| {
            if let (Some(progress), Some(check)) = (progress, checks.get(index)) {
                progress.running(exercise.id(), &check.name);
            }
        };
        let (run, reference_run) = match &reference_request {
            Some(reference) => {
                let (mine, theirs) = sandbox.run_both(&request, reference, &mut on_check);
                (mine, theirs.ok())
            }
            None => (sandbox.run_watching(&request, &mut on_check), None),
        };
        match run {
            Ok(report) if report.slots.len() == checks.len() => {
                if let Some(reference) = &reference_run {
                    result.timing = timing(&report, reference);
                }
                result.stdout = report.stdout.text;
                result.stderr = report.stderr.text;
                result.output_truncated_bytes =
                    report.stdout.truncated_bytes + report.stderr.truncated_bytes;
                result.elapsed_ms = report.elapsed_ms;
                confinement = report.confinement;
                checks
                    .iter()
                    .zip(&report.slots)
                    .enumerate()
                    .map(|(index, (check, slot))| {
                        let mut result = verdict::judge(
                            check,
                            slot,
                            report.import_failure.as_ref(),
                            &file,
                            timeout_secs,
                        )
                        .into_result(check, points(check), hidden(check));
                        if let Slot::Finished(outcome) = slot {
                            result.elapsed_ms = Some(outcome.micros as f64 / 1000.0);
                        }
                        // What a check that did not pass printed, beside it.
                        if result.status != model::Status::Passed {
                            if let Some(printed) = report.check_output.get(index) {
                                result.printed =
                                    model::Printed::of(&printed.stdout, &printed.stderr);
                            }
                        }
                        result
                    })
                    .collect()
            }
            Ok(_) => checks
                .iter()
                .map(|c| {
                    verdict::sandbox_failure("the sandbox answered for the wrong checks")
                        .into_result(c, points(c), hidden(c))
                })
                .collect(),
            Err(err @ SandboxError::Python(_)) => return Err(python_error(err)),
            Err(err) => checks
                .iter()
                .map(|c| {
                    verdict::sandbox_failure(&err.to_string()).into_result(c, points(c), hidden(c))
                })
                .collect(),
        }
    };
    // Points in hundredths that add up exactly: the maxima to the
    // exercise's points, and a check's score is all or nothing of its maximum.
    let maxima = model::apportion(
        &verdicts.iter().map(|c| c.max_score).collect::<Vec<_>>(),
        EXERCISE_POINTS,
    );
    let mut verdicts = verdicts;
    for (check, max_score) in verdicts.iter_mut().zip(maxima) {
        check.max_score = max_score;
        check.score = if check.status == model::Status::Passed {
            max_score
        } else {
            0.0
        };
    }
    result.score = round_points(verdicts.iter().map(|c| c.score).sum());
    let failing = failed_on_their_own(&verdicts);
    for probe in &entry.info.probes {
        if failing.iter().any(|c| probe.checks.contains(&c.id))
            && !result.follow_ups.contains(&probe.ask)
        {
            result.follow_ups.push(probe.ask.clone());
        }
    }
    result.checks = verdicts;
    Ok((result, confinement))
}

/// The checks that ran and failed on their own, which say something about
/// one part of the code and so choose follow-up questions: not checks left
/// as the stub, not those never run after a timeout, and none at all when
/// every check failed the same way (a syntax error, a failed import, a
/// missing file: one fault that every check shares).
fn failed_on_their_own(verdicts: &[CheckResult]) -> Vec<&CheckResult> {
    let shared = verdicts.len() > 1
        && verdicts.iter().all(|c| {
            c.status != model::Status::Passed
                && c.status == verdicts[0].status
                && c.message == verdicts[0].message
        });
    if shared {
        return Vec::new();
    }
    verdicts
        .iter()
        .filter(|c| match c.status {
            model::Status::Passed | model::Status::NotAttempted => false,
            model::Status::Timeout => c.unfinished != Some(model::Unfinished::NotRun),
            _ => true,
        })
        .collect()
}
