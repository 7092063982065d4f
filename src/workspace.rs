//! Take-home workspaces: one `<id>.py` per exercise (the stub), a README for
//! the candidate and a manifest recording the tool version, the exercises, the
//! seed of the candidate's visible generated checks, the time budget and the
//! hints used.
//!
//! Nothing here ever overwrites a candidate's file: re-running `init` only
//! adds what is missing, and `reset` keeps a backup before restoring a stub.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{CatalogEntry, FORMAT_VERSION};

/// The manifest's file name inside a workspace.
pub const MANIFEST: &str = ".pyinterview.json";
/// Where `reset` keeps the candidate's replaced files.
pub const BACKUPS: &str = ".pyinterview-backups";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub tool_version: String,
    /// Seed of the generated checks `check` runs; `grade` uses another.
    pub seed: u64,
    pub exercises: Vec<ManifestExercise>,
    /// The suggested time budget, in minutes.
    #[serde(default)]
    pub minutes: u32,
    /// How many hints of each exercise the candidate has seen.
    #[serde(default)]
    pub hints: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestExercise {
    pub id: String,
    pub version: u32,
}

impl Manifest {
    pub fn has(&self, id: &str) -> bool {
        self.exercises.iter().any(|e| e.id == id)
    }

    pub fn ids(&self) -> Vec<String> {
        self.exercises.iter().map(|e| e.id.clone()).collect()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "{dir} already holds files ({files}) but is not a pyinterview workspace; nothing was written. Choose another directory"
    )]
    WouldOverwrite { dir: String, files: String },
    #[error(
        "no pyinterview workspace here: no {MANIFEST} in {0} or any parent directory (create one with `pyinterview init DIR`, or pass --workspace DIR)"
    )]
    NotFound(String),
    #[error("{0} does not exist (--workspace takes a workspace directory)")]
    NoSuchDirectory(String),
    #[error(
        "{0} is a file, and --workspace takes a workspace directory (to check one exercise, name it: `pyinterview check {0}`)"
    )]
    FileForDirectory(String),
    #[error("{0} is a file: init takes the directory to make the workspace in (new or empty)")]
    InitOnFile(String),
    #[error(
        "{0} is not a pyinterview workspace: it has no {MANIFEST} (create one with `pyinterview init DIR`)"
    )]
    NotAWorkspace(String),
    #[error("{path}: {message}")]
    BadManifest { path: String, message: String },
    #[error("`{0}` is not part of this workspace")]
    NotInWorkspace(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WorkspaceError + '_ {
    move |source| WorkspaceError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// What `init` did.
#[derive(Debug, Clone, PartialEq)]
pub struct InitOutcome {
    pub manifest: Manifest,
    /// Stubs written now.
    pub added: Vec<String>,
    /// Exercises whose file was already there and was left alone.
    pub kept: Vec<String>,
    /// `init` ran on an existing workspace.
    pub existed: bool,
    /// The time budget before, on an existing workspace.
    pub previous_minutes: Option<u32>,
    /// For a new workspace, the (non-hidden) top-level files the directory
    /// already held: `pack` will send them too.
    pub others: Vec<String>,
}

/// The default time budget of a set of exercises: the sum of their levels'.
pub fn level_minutes<'a>(ids: impl IntoIterator<Item = &'a str>) -> u32 {
    let catalog = crate::catalog::Catalog::get();
    ids.into_iter()
        .filter_map(|id| catalog.exercise(id))
        .map(|e| e.info.level.minutes())
        .sum()
}

/// Writes a workspace in `dir` (created if needed) for `entries`, with a
/// time budget of `minutes` (by default, by the exercises' levels).
///
/// On an existing workspace, adds the exercises it lacks and leaves every
/// existing file alone (the README is refreshed only if the candidate has not
/// edited it). Its budget becomes what a fresh `init` of the final set would
/// give, unless it was set by hand and `minutes` is not given again. A
/// directory with files but no manifest is refused, unchanged.
pub fn init(
    dir: &Path,
    entries: &[&CatalogEntry],
    seed: u64,
    minutes: Option<u32>,
) -> Result<InitOutcome, WorkspaceError> {
    if dir.is_file() {
        return Err(WorkspaceError::InitOnFile(dir.display().to_string()));
    }
    let previous = load_optional(dir)?;
    let existed = previous.is_some();
    let mut others = Vec::new();
    if previous.is_none() {
        let ours: Vec<String> = entries
            .iter()
            .map(|e| format!("{}.py", e.info.id))
            .chain(["README.md".to_string()])
            .collect();
        let clashing: Vec<&str> = ours
            .iter()
            .map(String::as_str)
            .filter(|name| dir.join(name).exists())
            .collect();
        if !clashing.is_empty() {
            return Err(WorkspaceError::WouldOverwrite {
                dir: dir.display().to_string(),
                files: clashing.join(", "),
            });
        }
        others = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && !ours.contains(n))
            .collect();
        others.sort();
    }
    let mut manifest = previous.clone().unwrap_or_else(|| Manifest {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        seed,
        exercises: vec![],
        minutes: 0,
        hints: BTreeMap::new(),
    });
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    let (mut added, mut kept) = (vec![], vec![]);
    for entry in entries {
        let id = &entry.info.id;
        if added.contains(id) || kept.contains(id) {
            continue; // named twice
        }
        let path = dir.join(format!("{id}.py"));
        if path.exists() {
            kept.push(id.clone());
        } else {
            std::fs::write(&path, entry.stub).map_err(io_error(&path))?;
            added.push(id.clone());
        }
        if !manifest.has(id) {
            manifest.exercises.push(ManifestExercise {
                id: id.clone(),
                version: entry.info.version,
            });
        }
    }
    // Recomputed from the final set, so the order of re-runs cannot matter;
    // a budget chosen by hand (not its set's default) stays until replaced.
    let by_hand = previous.as_ref().is_some_and(|old| {
        old.minutes != level_minutes(old.exercises.iter().map(|e| e.id.as_str()))
    });
    manifest.minutes = match minutes {
        Some(minutes) => minutes,
        None if by_hand => manifest.minutes,
        None => level_minutes(manifest.exercises.iter().map(|e| e.id.as_str())),
    };
    let readme_path = dir.join("README.md");
    let untouched = match (&previous, std::fs::read_to_string(&readme_path)) {
        (Some(old), Ok(text)) => text == readme(old),
        (_, Err(_)) => true,
        (None, Ok(_)) => false,
    };
    if untouched {
        std::fs::write(&readme_path, readme(&manifest)).map_err(io_error(&readme_path))?;
    }
    save(dir, &manifest)?;
    Ok(InitOutcome {
        manifest,
        added,
        kept,
        existed,
        previous_minutes: previous.map(|old| old.minutes),
        others,
    })
}

pub fn save(dir: &Path, manifest: &Manifest) -> Result<(), WorkspaceError> {
    let path = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(manifest).expect("manifest serialises") + "\n";
    std::fs::write(&path, text).map_err(io_error(&path))
}

/// The workspace containing `start` (searching upwards).
pub fn locate(start: &Path) -> Result<PathBuf, WorkspaceError> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| WorkspaceError::NotFound(start.display().to_string()))
}

/// `--workspace DIR` if given, exactly that directory (a file is refused:
/// silently using the directory holding it would surprise); else the
/// workspace containing the current directory, searched upwards as git does.
pub fn resolve(given: Option<&Path>) -> Result<PathBuf, WorkspaceError> {
    let Some(dir) = given else {
        return locate(Path::new("."));
    };
    if dir.is_file() {
        return Err(WorkspaceError::FileForDirectory(dir.display().to_string()));
    }
    if !dir.is_dir() {
        Err(WorkspaceError::NoSuchDirectory(dir.display().to_string()))
    } else if !dir.join(MANIFEST).is_file() {
        Err(WorkspaceError::NotAWorkspace(dir.display().to_string()))
    } else {
        Ok(dir.to_path_buf())
    }
}

/// The most of a manifest read: a real one is a few hundred bytes.
const MANIFEST_CAP: u64 = 64 << 10;

pub fn load(dir: &Path) -> Result<Manifest, WorkspaceError> {
    let path = dir.join(MANIFEST);
    // A submission's manifest is the candidate's: read only if it is a
    // regular file (not a FIFO that blocks, nor a link to /dev/zero).
    let bytes = crate::submission_files::read(dir, MANIFEST, MANIFEST_CAP)
        .map_err(|refused| io_error(&path)(refused.into()))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| WorkspaceError::BadManifest {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
    if manifest.format_version != FORMAT_VERSION {
        return Err(WorkspaceError::BadManifest {
            path: path.display().to_string(),
            message: format!(
                "format_version {} (this pyinterview reads {FORMAT_VERSION})",
                manifest.format_version
            ),
        });
    }
    Ok(manifest)
}

/// The loaded manifest if `dir` has one (submissions may come without).
/// Anything by the manifest's name counts as one (a FIFO or a link is an
/// error to report, not a missing manifest).
pub fn load_optional(dir: &Path) -> Result<Option<Manifest>, WorkspaceError> {
    if dir.join(MANIFEST).symlink_metadata().is_ok() {
        load(dir).map(Some)
    } else {
        Ok(None)
    }
}

/// Records that the candidate has seen hints up to `level` of `id`; returns
/// the level now recorded (never lower than before).
pub fn record_hint(dir: &Path, id: &str, level: usize) -> Result<usize, WorkspaceError> {
    let mut manifest = load(dir)?;
    let seen = manifest.hints.entry(id.to_string()).or_default();
    *seen = (*seen).max(level);
    let seen = *seen;
    save(dir, &manifest)?;
    Ok(seen)
}

/// What `reset` did.
#[derive(Debug, Clone, PartialEq)]
pub enum ResetOutcome {
    /// The candidate's file is kept at this numbered backup; the stub is back.
    BackedUp(PathBuf),
    /// The file was already the untouched stub: nothing to keep or write.
    AlreadyStub,
    /// There was no file; the stub is written.
    Restored,
}

/// Restores `entry`'s stub, first copying the candidate's file to a numbered
/// backup (no backup of a file that is still the stub: it holds no work).
pub fn reset(dir: &Path, entry: &CatalogEntry) -> Result<ResetOutcome, WorkspaceError> {
    let manifest = load(dir)?;
    let id = &entry.info.id;
    if !manifest.has(id) {
        return Err(WorkspaceError::NotInWorkspace(id.clone()));
    }
    let file = dir.join(format!("{id}.py"));
    let outcome = match std::fs::read(&file) {
        Ok(bytes) if bytes == entry.stub.as_bytes() => return Ok(ResetOutcome::AlreadyStub),
        Ok(_) => {
            let backups = dir.join(BACKUPS);
            std::fs::create_dir_all(&backups).map_err(io_error(&backups))?;
            let target = (1..)
                .map(|n| backups.join(format!("{id}.{n}.py")))
                .find(|p| !p.exists())
                .expect("a free backup name");
            std::fs::copy(&file, &target).map_err(io_error(&target))?;
            ResetOutcome::BackedUp(target)
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => ResetOutcome::Restored,
        Err(err) => return Err(io_error(&file)(err)),
    };
    std::fs::write(&file, entry.stub).map_err(io_error(&file))?;
    Ok(outcome)
}

/// The candidate's README for a workspace.
pub fn readme(manifest: &Manifest) -> String {
    let catalog = crate::catalog::Catalog::get();
    let mut text = String::from("# Your Python take-home\n\n");
    if manifest.minutes > 0 {
        text.push_str(&format!(
            "**Time budget: about {} minutes.** Aim for correct, clear code over clever code;\n\
             if you run out of time, leave a short note in the file saying what you would do next.\n\n",
            manifest.minutes
        ));
    }
    text.push_str(&format!(
        "## The rules\n\n\
         - Each `<exercise>.py` file is one exercise. Replace every `raise NotImplementedError`\n\
         \x20 with your implementation; the docstrings state exactly what is expected.\n\
         - Use only the Python standard library. Keep the names and signatures as they are.\n\
         - Your code runs on Python {python} here; keep it working on Python 3.10 and later.\n\
         - Write your own code. Hints are allowed (`pyinterview hint`), and your interviewer\n\
         \x20 sees how many you used.\n\n\
         ## Exercises\n\n",
        python = python_version(),
    ));
    for exercise in &manifest.exercises {
        if let Some(entry) = catalog.exercise(&exercise.id) {
            text.push_str(&format!(
                "- `{}.py` — {} ({}) — `pyinterview show {}`\n",
                entry.info.id,
                entry.info.title,
                entry.info.level.as_str(),
                entry.info.id
            ));
        }
    }
    text.push_str(&format!(
        "\n## Installing pyinterview\n\n\
         You need Linux (or WSL 2) and Python 3.10 or newer; no Rust. If `pyinterview\n\
         --version` does not answer yet, install the wheel your interviewer sent\n\
         (`pyinterview-{version}-cp310-abi3-manylinux_…_x86_64.whl`), with pipx:\n\n\
         ```\n\
         pipx install ./pyinterview-{version}-*.whl\n\
         ```\n\n\
         or, without pipx, in a virtual environment of its own:\n\n\
         ```\n\
         python3 -m venv ~/.venvs/pyinterview\n\
         ~/.venvs/pyinterview/bin/pip install ./pyinterview-{version}-*.whl\n\
         export PATH=\"$HOME/.venvs/pyinterview/bin:$PATH\"\n\
         ```\n\n\
         Your code then runs in the Python that installed it (`pyinterview --version`\n\
         names it). Run every command below from this directory.\n",
        version = env!("CARGO_PKG_VERSION"),
    ));
    text.push_str(
        "\n## Checking your work\n\n\
         ```\n\
         pyinterview check              # every exercise\n\
         pyinterview check list_tuple   # one exercise, every failure shown\n\
         pyinterview watch              # re-check each file as you save it\n\
         pyinterview hint list_tuple    # the next hint for an exercise\n\
         pyinterview reset list_tuple   # start an exercise over (your file is backed up)\n\
         ```\n\n\
         `check` exits with status 0 once every check passes. The checks you see\n\
         are a sample: your interviewer grades with fresh cases drawn from another\n\
         seed, so solve the problem as stated, not the visible cases.\n\n\
         ## Submitting\n\n\
         ```\n\
         pyinterview pack\n\
         ```\n\n\
         writes one `.tar.gz` archive next to this directory, with a manifest of your\n\
         files, the hints you used and your own check results. Send that file back.\n",
    );
    text
}

/// `3.11`: the interpreter candidate code runs in (found at run time).
fn python_version() -> String {
    crate::sandbox::python_version()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn entries(ids: &[&str]) -> Vec<&'static CatalogEntry> {
        ids.iter()
            .map(|id| Catalog::get().exercise(id).unwrap())
            .collect()
    }

    #[test]
    fn re_running_init_adds_exercises_and_keeps_the_candidates_files() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        let first = init(ws, &entries(&["list_tuple"]), 7, Some(30)).unwrap();
        assert_eq!(first.added, vec!["list_tuple"]);
        std::fs::write(ws.join("list_tuple.py"), "# my work\n").unwrap();
        let again = init(ws, &entries(&["list_tuple", "decorators"]), 99, Some(30)).unwrap();
        assert!(again.existed);
        assert_eq!(again.added, vec!["decorators"]);
        assert_eq!(again.kept, vec!["list_tuple"]);
        assert_eq!(
            std::fs::read_to_string(ws.join("list_tuple.py")).unwrap(),
            "# my work\n"
        );
        assert_eq!(again.manifest.seed, 7, "the candidate's seed stays");
        assert_eq!(again.manifest.ids(), vec!["list_tuple", "decorators"]);
        assert!(
            std::fs::read_to_string(ws.join("README.md"))
                .unwrap()
                .contains("decorators.py")
        );
    }

    #[test]
    fn re_running_init_budgets_the_final_set_whatever_the_order() {
        let all = [
            "list_tuple",
            "decorators",
            "generators",
            "lru_cache",
            "rate_limiter",
        ];
        let fresh = tempfile::tempdir().unwrap();
        let expected = init(fresh.path(), &entries(&all), 1, None).unwrap();
        assert_eq!(expected.manifest.minutes, level_minutes(all));
        for first in [
            &["list_tuple", "decorators", "generators"][..],
            &["lru_cache"],
        ] {
            let tmp = tempfile::tempdir().unwrap();
            init(tmp.path(), &entries(first), 1, None).unwrap();
            let again = init(tmp.path(), &entries(&all), 1, None).unwrap();
            assert_eq!(
                again.manifest.minutes, expected.manifest.minutes,
                "{first:?}"
            );
        }
        // A budget set by hand stays until another is given.
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path(), &entries(&["lru_cache"]), 1, Some(90)).unwrap();
        let kept = init(tmp.path(), &entries(&all), 1, None).unwrap();
        assert_eq!(
            (kept.previous_minutes, kept.manifest.minutes),
            (Some(90), 90)
        );
        let set = init(tmp.path(), &entries(&all), 1, Some(60)).unwrap();
        assert_eq!(set.manifest.minutes, 60);
    }

    #[test]
    fn an_edited_readme_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path(), &entries(&["list_tuple"]), 1, Some(30)).unwrap();
        std::fs::write(tmp.path().join("README.md"), "my notes\n").unwrap();
        init(tmp.path(), &entries(&["decorators"]), 1, Some(30)).unwrap();
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("README.md")).unwrap(),
            "my notes\n"
        );
    }

    #[test]
    fn a_directory_with_files_but_no_manifest_is_refused_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("list_tuple.py"), "# mine\n").unwrap();
        let err = init(tmp.path(), &entries(&["list_tuple"]), 1, Some(30)).unwrap_err();
        assert!(matches!(err, WorkspaceError::WouldOverwrite { .. }));
        assert!(!tmp.path().join(MANIFEST).exists());
    }

    #[test]
    fn hints_are_remembered_and_never_go_down() {
        let tmp = tempfile::tempdir().unwrap();
        init(tmp.path(), &entries(&["list_tuple"]), 1, Some(30)).unwrap();
        assert_eq!(record_hint(tmp.path(), "list_tuple", 2).unwrap(), 2);
        assert_eq!(record_hint(tmp.path(), "list_tuple", 1).unwrap(), 2);
        assert_eq!(load(tmp.path()).unwrap().hints["list_tuple"], 2);
    }

    #[test]
    fn reset_keeps_numbered_backups() {
        let tmp = tempfile::tempdir().unwrap();
        let entry = entries(&["list_tuple"])[0];
        init(tmp.path(), &[entry], 1, Some(30)).unwrap();
        std::fs::write(tmp.path().join("list_tuple.py"), "# attempt 1\n").unwrap();
        let backup = |outcome| match outcome {
            ResetOutcome::BackedUp(path) => path,
            other => panic!("{other:?}"),
        };
        let first = backup(reset(tmp.path(), entry).unwrap());
        std::fs::write(tmp.path().join("list_tuple.py"), "# attempt 2\n").unwrap();
        let second = backup(reset(tmp.path(), entry).unwrap());
        assert_eq!(std::fs::read_to_string(first).unwrap(), "# attempt 1\n");
        assert_eq!(std::fs::read_to_string(second).unwrap(), "# attempt 2\n");
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("list_tuple.py")).unwrap(),
            entry.stub
        );
    }
}
