//! Packing a workspace: which files go in, where the archive may be written,
//! and the archive itself.
//!
//! What goes in is what grading a directory reads: every regular top-level
//! file, so a helper module an exercise imports travels with it. Left out:
//! archives (`*.tar.gz`, `*.tgz`, and any archive `pack` made, whatever its
//! name), hidden files other than the workspace manifest (`.DS_Store`, editor
//! swap files, `.env`), editor backups (`*~`) and compiled Python (`*.pyc`).
//! Links and subfolders (`__pycache__`, `.pyinterview-backups`) are never
//! read by grading, so they are not packed either.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::{
    ArchiveError, MAX_ENTRIES, MAX_FILE_BYTES, MAX_TOTAL_BYTES, PACK_MANIFEST, PackManifest,
    PackedExercise, SelfCheck, io_error, is_pack_archive, sha256_hex,
};
use crate::catalog::FORMAT_VERSION;
use crate::workspace::{MANIFEST, Manifest};

/// What `pack` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct PackOutcome {
    pub manifest: PackManifest,
    /// Files packed besides the exercise files, the manifests and README.md
    /// (helper modules, data), by name.
    pub extra: Vec<String>,
    /// Top-level links, which are not packed (grading never follows them).
    pub links: Vec<String>,
    /// `out` was a previous archive, now replaced.
    pub replaced: bool,
}

/// Names `pack` leaves out of an archive even though they are regular files.
fn left_out(name: &str) -> bool {
    (name.starts_with('.') && name != MANIFEST)
        || name == PACK_MANIFEST // written fresh by `pack` itself
        || [".tar.gz", ".tgz", "~", ".pyc", ".pyo"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Refuses an output path that would lose work: an existing file that is
/// not an archive of ours, or a file of the workspace itself. Returns
/// whether `out` is a previous archive that will be replaced.
pub fn check_output(dir: &Path, manifest: &Manifest, out: &Path) -> Result<bool, ArchiveError> {
    let shown = out.display();
    let choose = "Nothing was written; choose another path with --output";
    if out.is_dir() {
        return Err(ArchiveError::Output(format!(
            "{shown} is a directory. {choose} (a file name)."
        )));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(ArchiveError::Output(format!(
            "the directory {} does not exist. {choose}, or create it first.",
            parent.display()
        )));
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if canonical(parent) == canonical(dir) {
        let exercise = manifest.ids().iter().any(|id| format!("{id}.py") == name);
        let workspace_file = exercise
            || name == MANIFEST
            || name == "README.md"
            || (!left_out(&name) && out.symlink_metadata().is_ok());
        if workspace_file {
            return Err(ArchiveError::Output(format!(
                "{shown} is a file of your workspace. {choose} (by default the archive goes beside the workspace)."
            )));
        }
        // Only an archive's own name keeps it out of the next pack and out
        // of the files grading reads.
        if !(name.ends_with(".tar.gz") || name.ends_with(".tgz")) {
            return Err(ArchiveError::Output(format!(
                "{shown} is inside the workspace, where an archive must be named *.tar.gz. {choose}."
            )));
        }
    }
    if out.symlink_metadata().is_err() {
        return Ok(false);
    }
    if is_pack_archive(out) {
        Ok(true)
    } else {
        Err(ArchiveError::Output(format!(
            "{shown} already exists and is not an archive made by `pyinterview pack`. {choose}, or remove that file first."
        )))
    }
}

/// Writes `dir`'s files (see the module documentation for which) and a pack
/// manifest to `out` (a `.tar.gz`), after [`check_output`]. Entries carry
/// fixed metadata and a fixed order, so packing the same files twice gives
/// the same archive.
pub fn pack(
    dir: &Path,
    manifest: &Manifest,
    self_checks: &BTreeMap<String, SelfCheck>,
    python: Option<&crate::sandbox::PythonInfo>,
    out: &Path,
) -> Result<PackOutcome, ArchiveError> {
    let replaced = check_output(dir, manifest, out)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut packed = PackManifest {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: manifest.seed,
        exercises: vec![],
        hints: manifest.hints.clone(),
        files: BTreeMap::new(),
        python: python.cloned(),
    };
    for exercise in &manifest.exercises {
        let name = format!("{}.py", exercise.id);
        let path = dir.join(&name);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(err) if err.kind() == io::ErrorKind::NotFound => None,
            Err(err) => return Err(io_error(&path)(err)),
        };
        packed.exercises.push(PackedExercise {
            id: exercise.id.clone(),
            version: exercise.version,
            sha256: bytes.as_deref().map(sha256_hex),
            self_check: self_checks.get(&exercise.id).copied(),
        });
        if let Some(bytes) = bytes {
            files.push((name, bytes));
        }
    }
    let workspace_manifest = dir.join(MANIFEST);
    files.push((
        MANIFEST.into(),
        std::fs::read(&workspace_manifest).map_err(io_error(&workspace_manifest))?,
    ));
    let (others, links) = other_files(dir, &files)?;
    let extra: Vec<String> = others
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| name != "README.md")
        .collect();
    files.extend(others);
    check_caps(&files)?;
    packed.files = files
        .iter()
        .map(|(name, bytes)| (name.clone(), sha256_hex(bytes)))
        .collect();
    files.push((
        PACK_MANIFEST.into(),
        serde_json::to_vec_pretty(&packed).expect("serialises"),
    ));
    write(out, &files)?;
    Ok(PackOutcome {
        manifest: packed,
        extra,
        links,
        replaced,
    })
}

/// Files by name, with their bytes, in archive order.
type Files = Vec<(String, Vec<u8>)>;

/// The regular top-level files not yet in `taken` and not left out, sorted
/// by name; and the names of top-level links.
fn other_files(dir: &Path, taken: &Files) -> Result<(Files, Vec<String>), ArchiveError> {
    let (mut files, mut links) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(dir).map_err(io_error(dir))? {
        let entry = entry.map_err(io_error(dir))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue; // not UTF-8: no Python module name either
        };
        if left_out(&name) || taken.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let kind = entry.file_type().map_err(io_error(&path))?;
        if kind.is_symlink() {
            links.push(name);
        } else if kind.is_file() && !is_pack_archive(&path) {
            files.push((name, std::fs::read(&path).map_err(io_error(&path))?));
        }
    }
    files.sort();
    links.sort();
    Ok((files, links))
}

/// The caps `grade` applies when unpacking: an archive beyond them could be
/// sent but not graded, so `pack` refuses to make it.
fn check_caps(files: &Files) -> Result<(), ArchiveError> {
    let refuse = |why: String| {
        Err(ArchiveError::Pack(format!(
            "{why}. Move what the exercises do not need out of the workspace and pack again."
        )))
    };
    if files.len() + 1 > MAX_ENTRIES {
        return refuse(format!(
            "the workspace has {} files to pack; an archive holds at most {}",
            files.len(),
            MAX_ENTRIES - 1
        ));
    }
    if let Some((name, _)) = files.iter().find(|(_, b)| b.len() as u64 > MAX_FILE_BYTES) {
        return refuse(format!(
            "{name} is larger than {} MiB, the most an archive file may be",
            MAX_FILE_BYTES >> 20
        ));
    }
    let total: u64 = files.iter().map(|(_, b)| b.len() as u64).sum();
    if total > MAX_TOTAL_BYTES - (64 << 10) {
        return refuse(format!(
            "the files add up to more than {} MiB, the most an archive may hold",
            MAX_TOTAL_BYTES >> 20
        ));
    }
    Ok(())
}

fn write(out: &Path, files: &Files) -> Result<(), ArchiveError> {
    let file = File::create(out).map_err(io_error(out))?;
    let mut builder = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, name, bytes.as_slice())
            .map_err(io_error(out))?;
    }
    let encoder = builder.into_inner().map_err(io_error(out))?;
    encoder
        .finish()
        .map_err(io_error(out))?
        .flush()
        .map_err(io_error(out))
}

/// A default archive name beside the workspace: `<name>-submission.tar.gz`.
pub fn default_output(workspace: &Path) -> PathBuf {
    let absolute = std::path::absolute(workspace).unwrap_or_else(|_| workspace.to_path_buf());
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workspace".into());
    absolute
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!("{name}-submission.tar.gz"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooling_leftovers_are_left_out_and_modules_are_not() {
        for name in [
            ".DS_Store",
            ".list_tuple.py.swp",
            "list_tuple.py~",
            "a.tar.gz",
            "a.tgz",
            "x.pyc",
            PACK_MANIFEST,
        ] {
            assert!(left_out(name), "{name}");
        }
        for name in [MANIFEST, "README.md", "myhelpers.py", "data.csv"] {
            assert!(!left_out(name), "{name}");
        }
    }

    #[test]
    fn pack_refuses_what_grade_could_not_unpack() {
        let big = vec![("data.bin".to_string(), vec![0; MAX_FILE_BYTES as usize + 1])];
        let err = check_caps(&big).unwrap_err().to_string();
        assert!(err.contains("data.bin is larger than 4 MiB"), "{err}");
        let many: Files = (0..MAX_ENTRIES)
            .map(|i| (format!("f{i}"), vec![]))
            .collect();
        assert!(check_caps(&many).is_err());
        assert!(check_caps(&many[1..].to_vec()).is_ok());
    }
}
