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
    /// The manifest is there but unreadable as one; `what` says why in
    /// words. `init` repairs it.
    #[error("{path} is damaged: {what}")]
    BadManifest {
        dir: PathBuf,
        path: String,
        what: String,
    },
    #[error(
        "{path} is in manifest format {found}, and this pyinterview reads format {FORMAT_VERSION}: use the pyinterview version that wrote it"
    )]
    OtherFormat { path: String, found: u32 },
    /// No manifest, in a directory that holds exercise files: a workspace
    /// that lost its manifest (or files that only look like one).
    #[error("{} holds exercise files ({}) but no {MANIFEST}, the workspace's manifest", dir.display(), files.join(", "))]
    ManifestLost { dir: PathBuf, files: Vec<String> },
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

/// The workspace containing `start` (searching upwards). With none, a
/// `start` holding exercise files is said to have lost its manifest.
pub fn locate(start: &Path) -> Result<PathBuf, WorkspaceError> {
    let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .find(|dir| dir.join(MANIFEST).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            let files = exercise_files(&start);
            if files.is_empty() {
                WorkspaceError::NotFound(start.display().to_string())
            } else {
                WorkspaceError::ManifestLost {
                    dir: start.clone(),
                    files: files.iter().map(|id| format!("{id}.py")).collect(),
                }
            }
        })
}

/// The exercises whose file (`<id>.py`, a regular file) is in `dir`, in
/// catalogue order.
pub fn exercise_files(dir: &Path) -> Vec<String> {
    crate::catalog::Catalog::get()
        .ids()
        .into_iter()
        .filter(|id| {
            std::fs::symlink_metadata(dir.join(format!("{id}.py"))).is_ok_and(|m| m.is_file())
        })
        .map(str::to_string)
        .collect()
}

/// Whether `dir`, which has no manifest, shows signs of having been a
/// workspace: the README `init` writes (edited or not, by its title), or
/// `reset`'s backups.
pub fn was_a_workspace(dir: &Path) -> bool {
    // Read as the candidate's file: a FIFO by that name must not block.
    let readme =
        crate::submission_files::read(dir, "README.md", crate::submission_files::SOURCE_CAP)
            .unwrap_or_default();
    readme.starts_with(README_TITLE.as_bytes()) || dir.join(BACKUPS).is_dir()
}

/// What was wrong with a workspace's manifest before `init` repaired it.
#[derive(Debug, Clone, PartialEq)]
pub enum ManifestTrouble {
    Missing,
    /// Damaged, and why in words.
    Damaged(String),
}

/// What a repair did.
#[derive(Debug, Clone, PartialEq)]
pub struct Repair {
    pub trouble: ManifestTrouble,
    /// The exercises rebuilt from the files present, in catalogue order.
    pub ids: Vec<String>,
    /// What could be read of the damaged manifest and was kept.
    pub kept_seed: bool,
    pub kept_hints: bool,
    /// Where the damaged manifest was copied.
    pub backup: Option<PathBuf>,
}

/// Rebuilds the manifest of a workspace whose manifest is damaged, or
/// missing while its files show it was a workspace ([`was_a_workspace`], or
/// an exercise named in `adopt` has its file there). The exercises are the
/// exercise files present; the seed, time budget and hints are kept where
/// the damaged manifest still shows them, else `seed` and the level's
/// budget. No other file is written: the candidate's files stay byte for
/// byte, and a damaged manifest is first copied into the backups.
///
/// `Ok(None)`: nothing to repair (a sound manifest, no directory, or no sign
/// of a workspace).
pub fn repair(dir: &Path, seed: u64, adopt: &[String]) -> Result<Option<Repair>, WorkspaceError> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let ids = exercise_files(dir);
    let trouble = match load_optional(dir) {
        Ok(Some(_)) => return Ok(None),
        Ok(None) if ids.is_empty() => return Ok(None),
        Ok(None) if was_a_workspace(dir) || ids.iter().any(|id| adopt.contains(id)) => {
            ManifestTrouble::Missing
        }
        Ok(None) => return Ok(None),
        Err(WorkspaceError::BadManifest { what, .. }) => ManifestTrouble::Damaged(what),
        Err(other) => return Err(other),
    };
    // What the damaged manifest still says, field by field.
    let damaged = match trouble {
        ManifestTrouble::Damaged(_) => {
            crate::submission_files::read(dir, MANIFEST, MANIFEST_CAP).unwrap_or_default()
        }
        ManifestTrouble::Missing => vec![],
    };
    let old: serde_json::Value = serde_json::from_slice(&damaged).unwrap_or_default();
    let old_seed = old.get("seed").and_then(serde_json::Value::as_u64);
    let old_minutes = old
        .get("minutes")
        .and_then(serde_json::Value::as_u64)
        .and_then(|m| u32::try_from(m).ok())
        .filter(|m| (5..=1440).contains(m));
    let hints: BTreeMap<String, usize> = old
        .get("hints")
        .and_then(serde_json::Value::as_object)
        .map(|hints| {
            hints
                .iter()
                .filter(|(id, _)| ids.contains(id))
                .filter_map(|(id, n)| Some((id.clone(), usize::try_from(n.as_u64()?).ok()?)))
                .collect()
        })
        .unwrap_or_default();
    let catalog = crate::catalog::Catalog::get();
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: old_seed.unwrap_or(seed),
        exercises: ids
            .iter()
            .filter_map(|id| catalog.exercise(id))
            .map(|e| ManifestExercise {
                id: e.info.id.clone(),
                version: e.info.version,
            })
            .collect(),
        minutes: old_minutes.unwrap_or_else(|| level_minutes(ids.iter().map(String::as_str))),
        hints,
    };
    let backup = match trouble {
        ManifestTrouble::Damaged(_) => {
            let backups = dir.join(BACKUPS);
            std::fs::create_dir_all(&backups).map_err(io_error(&backups))?;
            let target = (1..)
                .map(|n| backups.join(format!("damaged-manifest.{n}.json")))
                .find(|p| !p.exists())
                .expect("a free backup name");
            std::fs::write(&target, &damaged).map_err(io_error(&target))?;
            Some(target)
        }
        ManifestTrouble::Missing => None,
    };
    save(dir, &manifest)?;
    Ok(Some(Repair {
        trouble,
        kept_seed: old_seed.is_some(),
        kept_hints: !manifest.hints.is_empty(),
        ids,
        backup,
    }))
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
        let files = exercise_files(dir);
        if files.is_empty() {
            Err(WorkspaceError::NotAWorkspace(dir.display().to_string()))
        } else {
            Err(WorkspaceError::ManifestLost {
                dir: dir.to_path_buf(),
                files: files.iter().map(|id| format!("{id}.py")).collect(),
            })
        }
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
    // A manifest of another format may not parse as this one: its version
    // first, so that it is not called damaged (nor "repaired" by `init`).
    let found = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("format_version").and_then(serde_json::Value::as_u64));
    if let Some(found) = found.filter(|f| *f != u64::from(FORMAT_VERSION)) {
        return Err(WorkspaceError::OtherFormat {
            path: path.display().to_string(),
            found: u32::try_from(found).unwrap_or(u32::MAX),
        });
    }
    serde_json::from_slice(&bytes).map_err(|e| WorkspaceError::BadManifest {
        dir: dir.to_path_buf(),
        path: path.display().to_string(),
        what: damage(&bytes, &e),
    })
}

/// Why a manifest does not parse, in words.
fn damage(bytes: &[u8], err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match err.classify() {
        Category::Eof if bytes.trim_ascii().is_empty() => "it is empty".into(),
        Category::Eof => "it is cut short (the JSON ends too early)".into(),
        Category::Syntax => format!(
            "it is not valid JSON (line {}, column {})",
            err.line(),
            err.column()
        ),
        Category::Data => {
            // "missing field `seed` at line 1 column 2": the words only.
            let text = err.to_string();
            let words = text.rsplit_once(" at line ").map_or(&*text, |(w, _)| w);
            format!("it is JSON, but not the manifest pyinterview wrote ({words})")
        }
        Category::Io => format!("it cannot be read ({err})"),
    }
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

/// The first line of the workspace's README.
const README_TITLE: &str = "# Your Python take-home";

/// The candidate's README for a workspace.
pub fn readme(manifest: &Manifest) -> String {
    let catalog = crate::catalog::Catalog::get();
    let mut text = format!("{README_TITLE}\n\n");
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
    fn a_damaged_manifest_is_rebuilt_from_the_files_keeping_what_it_still_says() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        init(ws, &entries(&["lru_cache", "list_tuple"]), 7, Some(30)).unwrap();
        std::fs::write(ws.join("lru_cache.py"), "# mine\n").unwrap();
        std::fs::remove_file(ws.join("list_tuple.py")).unwrap();
        let damaged = r#"{"seed": 11, "hints": {"lru_cache": 2, "nope": 1}, "exercises": 3}"#;
        std::fs::write(ws.join(MANIFEST), damaged).unwrap();
        let repaired = repair(ws, 99, &[]).unwrap().expect("repaired");
        assert!(matches!(repaired.trouble, ManifestTrouble::Damaged(_)));
        assert_eq!(repaired.ids, ["lru_cache"]);
        assert!(repaired.kept_seed && repaired.kept_hints);
        assert_eq!(
            std::fs::read_to_string(repaired.backup.unwrap()).unwrap(),
            damaged
        );
        let manifest = load(ws).unwrap();
        assert_eq!(manifest.ids(), ["lru_cache"]);
        assert_eq!(
            (manifest.seed, manifest.minutes),
            (11, level_minutes(["lru_cache"]))
        );
        assert_eq!(
            manifest.hints,
            BTreeMap::from([("lru_cache".to_string(), 2)])
        );
        assert_eq!(
            std::fs::read_to_string(ws.join("lru_cache.py")).unwrap(),
            "# mine\n"
        );
        assert!(!ws.join("list_tuple.py").exists(), "repair writes no stub");
        // A sound manifest needs no repair.
        assert_eq!(repair(ws, 99, &[]).unwrap(), None);
    }

    #[test]
    fn a_lost_manifest_is_rebuilt_only_where_a_workspace_was() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        std::fs::write(ws.join("decorators.py"), "# unrelated\n").unwrap();
        assert_eq!(repair(ws, 1, &[]).unwrap(), None, "no sign of a workspace");
        let adopted = repair(ws, 1, &["decorators".to_string()]).unwrap().unwrap();
        assert_eq!(
            (adopted.trouble, adopted.ids),
            (ManifestTrouble::Missing, vec!["decorators".to_string()])
        );
        std::fs::remove_file(ws.join(MANIFEST)).unwrap();
        std::fs::write(
            ws.join("README.md"),
            format!("{README_TITLE}\n\nmy notes\n"),
        )
        .unwrap();
        assert!(repair(ws, 1, &[]).unwrap().is_some(), "init's README");
        // Another format is not damage: left for the version that wrote it.
        std::fs::write(ws.join(MANIFEST), r#"{"format_version": 99}"#).unwrap();
        assert!(matches!(
            repair(ws, 1, &[]),
            Err(WorkspaceError::OtherFormat { found: 99, .. })
        ));
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
