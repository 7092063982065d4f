//! Submission archives: `pack` writes a workspace as one `.tar.gz` with a
//! manifest of what was packed; `grade` unpacks such an archive safely and
//! verifies it against that manifest.
//!
//! Unpacking treats the archive as hostile: only regular files with plain
//! names are accepted (no absolute paths, no `..`, no links, no devices, no
//! subfolders), all at the top or all inside one top-level folder, which is
//! stripped (`tar czf x.tar.gz take-home/` works), with caps on entries, on
//! each file and on the total, counted on the decompressed bytes themselves,
//! not on what the headers claim.
//!
//! `pack` takes every regular top-level file that grading would read, not
//! only the exercises: a helper module the exercises import must travel with
//! them (see [`pack`] for what is left out).
//!
//! Verification never blocks grading: a mismatch (a file edited after
//! packing, a stub from another exercise version, an edited manifest) becomes
//! a warning in the report.

mod pack;
mod unpack;

pub use pack::{PackOutcome, check_output, default_output, pack};
pub use unpack::{LEFTOVER_DIRS, is_pack_archive, unpack};

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::Catalog;
use crate::workspace::MANIFEST;

/// The pack manifest's name inside an archive.
pub const PACK_MANIFEST: &str = "pyinterview-pack.json";
/// Most entries an archive may have.
pub const MAX_ENTRIES: usize = 256;
/// Largest file inside an archive.
pub const MAX_FILE_BYTES: u64 = 4 << 20;
/// Most bytes an archive may expand to.
pub const MAX_TOTAL_BYTES: u64 = 16 << 20;

/// What `pack` recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackManifest {
    pub format_version: u32,
    pub tool_version: String,
    /// The seed of the candidate's visible checks.
    pub seed: u64,
    pub exercises: Vec<PackedExercise>,
    /// Hints seen per exercise.
    pub hints: BTreeMap<String, usize>,
    /// SHA-256 of every packed file by name (exercise files, the workspace
    /// manifest, helper modules, …), so files added or changed after packing
    /// show. Absent from archives of older versions.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// The interpreter the candidate's checks ran in at packing time.
    /// Absent from archives of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<crate::sandbox::PythonInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackedExercise {
    pub id: String,
    /// The exercise version the stub came from.
    pub version: u32,
    /// SHA-256 of `<id>.py` as packed (absent if the file was missing).
    pub sha256: Option<String>,
    /// The candidate's own `check` at packing time.
    pub self_check: Option<SelfCheck>,
}

/// The candidate's own check at packing time: part of the result model,
/// which depends on nothing of the archive's.
pub use crate::grade::model::SelfCheck;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The path is already in the caller's message: the reason only.
    #[error("refused: {0}")]
    Refused(String),
    #[error(
        "neither a directory nor a .tar.gz submission archive (give the directory with the <exercise>.py files, or an archive made by `pyinterview pack`)"
    )]
    NotAnArchive,
    /// `pack` will not write there; the message says why and what to do.
    #[error("{0}")]
    Output(String),
    /// `pack` cannot make a gradeable archive of the workspace as it is.
    #[error("{0}")]
    Pack(String),
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The pack manifest of an unpacked archive, read once; `Err` says, as a
/// warning for the report, why there is none to go by.
pub fn read_pack_manifest(dir: &Path) -> Result<PackManifest, String> {
    let bytes =
        crate::submission_files::read(dir, PACK_MANIFEST, MAX_FILE_BYTES).map_err(|_| {
            format!("the archive has no {PACK_MANIFEST}: it was not made by `pyinterview pack`")
        })?;
    serde_json::from_slice(&bytes).map_err(|err| format!("{PACK_MANIFEST} is unreadable ({err})"))
}

/// What the report should warn the interviewer about an unpacked archive,
/// given its pack manifest as [`read_pack_manifest`] read it.
pub fn verify(dir: &Path, packed: &Result<PackManifest, String>) -> Vec<String> {
    let mut warnings = Vec::new();
    let packed = match packed {
        Ok(packed) => packed,
        Err(why) => return vec![why.clone()],
    };
    if packed.tool_version != env!("CARGO_PKG_VERSION") {
        warnings.push(format!(
            "packed with pyinterview {}, graded with {}",
            packed.tool_version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    let catalog = Catalog::get();
    // Names come from the candidate's manifest: only plain file names in the
    // unpacked directory are ever read (never `/dev/zero` or `../x`).
    let digest = |name: &str| digest_of(dir, name);
    for exercise in packed.exercises.iter().take(MAX_ENTRIES) {
        let name = format!("{}.py", exercise.id);
        let now = digest(&name);
        if now != exercise.sha256 {
            warnings.push(format!(
                "{name} is not the file that was packed (changed after packing?)"
            ));
        }
        match catalog.exercise(&exercise.id) {
            Some(entry) if entry.info.version != exercise.version => warnings.push(format!(
                "{} was started from exercise version {}; this pyinterview grades version {}",
                exercise.id, exercise.version, entry.info.version
            )),
            Some(_) => {}
            None => warnings.push(format!(
                "{} is not an exercise this pyinterview knows",
                exercise.id
            )),
        }
    }
    match crate::workspace::load_optional(dir) {
        Ok(Some(manifest)) => {
            if manifest.seed != packed.seed || manifest.hints != packed.hints {
                warnings.push(format!(
                    "{MANIFEST} differs from what was packed (seed or hints edited?)"
                ));
            } else if packed
                .files
                .get(MANIFEST)
                .is_some_and(|sha| digest(MANIFEST).as_ref() != Some(sha))
            {
                warnings.push(format!("{MANIFEST} is not the file that was packed"));
            }
        }
        Ok(None) => warnings.push(format!("the archive has no {MANIFEST}")),
        Err(err) => warnings.push(err.to_string()),
    }
    // Files besides the exercises and the manifest (helper modules, notes).
    let exercise_files: BTreeSet<String> = packed
        .exercises
        .iter()
        .map(|e| format!("{}.py", e.id))
        .collect();
    let known =
        |name: &str| exercise_files.contains(name) || name == MANIFEST || name == PACK_MANIFEST;
    for (name, sha) in packed
        .files
        .iter()
        .filter(|(n, _)| !known(n))
        .take(MAX_ENTRIES)
    {
        match digest(name) {
            None => warnings.push(format!("{name} was packed but is not in the archive")),
            Some(now) if now != *sha => warnings.push(format!(
                "{name} is not the file that was packed (changed after packing?)"
            )),
            Some(_) => {}
        }
    }
    let mut present: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    for name in present
        .iter()
        .filter(|n| !known(n) && !packed.files.contains_key(*n))
    {
        // A module the grader imports that the candidate never packed.
        warnings.push(format!(
            "{name} is not listed in {PACK_MANIFEST} (added to the archive after packing?)"
        ));
    }
    warnings
}

/// The SHA-256 of `dir/name`, if `name` is a plain file name and that is a
/// regular file (not a link, device or FIFO) of at most [`MAX_FILE_BYTES`].
fn digest_of(dir: &Path, name: &str) -> Option<String> {
    crate::submission_files::read(dir, name, MAX_FILE_BYTES)
        .ok()
        .map(|bytes| sha256_hex(&bytes))
}

impl PackManifest {
    /// The packed self-check results, by exercise, for the report.
    pub fn self_checks(&self) -> BTreeMap<String, SelfCheck> {
        self.exercises
            .iter()
            .filter_map(|e| e.self_check.map(|s| (e.id.clone(), s)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::digest_of;

    #[test]
    fn only_plain_regular_files_of_the_directory_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.py"), "x = 1\n").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.py")).unwrap();
        assert!(digest_of(dir.path(), "a.py").is_some());
        for name in [
            "/dev/zero",
            "/etc/hostname",
            "../a.py",
            "..",
            ".",
            "",
            "link.py",
            "sub/a.py",
        ] {
            assert_eq!(digest_of(dir.path(), name), None, "{name}");
        }
    }
}
