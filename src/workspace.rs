//! Take-home workspaces: one `<id>.py` per exercise (the stub), a README for
//! the candidate and a manifest recording the tool version, the exercises and
//! the seed of the candidate's visible generated checks.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::catalog::{CatalogEntry, FORMAT_VERSION};

/// The manifest's file name inside a workspace.
pub const MANIFEST: &str = ".pyinterview.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub tool_version: String,
    /// Seed of the generated checks `check` runs; `grade` uses another.
    pub seed: u64,
    pub exercises: Vec<ManifestExercise>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestExercise {
    pub id: String,
    pub version: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "{dir} already holds work ({files}); nothing was written. Choose another directory, or move these files away first"
    )]
    WouldOverwrite { dir: String, files: String },
    #[error(
        "no pyinterview workspace here: no {MANIFEST} in {0} or any parent directory (create one with `pyinterview init DIR`, or pass --workspace DIR)"
    )]
    NotFound(String),
    #[error("{path}: {message}")]
    BadManifest { path: String, message: String },
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

/// Writes a workspace in `dir` (created if needed) for `entries`. Refuses,
/// writing nothing, if any file it would write already exists.
pub fn init(dir: &Path, entries: &[&CatalogEntry], seed: u64) -> Result<Manifest, WorkspaceError> {
    let mut files: Vec<(PathBuf, String)> = entries
        .iter()
        .map(|e| (dir.join(format!("{}.py", e.info.id)), e.stub.to_string()))
        .collect();
    let manifest = Manifest {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        seed,
        exercises: entries
            .iter()
            .map(|e| ManifestExercise {
                id: e.info.id.clone(),
                version: e.info.version,
            })
            .collect(),
    };
    files.push((dir.join("README.md"), readme(entries)));
    files.push((
        dir.join(MANIFEST),
        serde_json::to_string_pretty(&manifest).expect("manifest serialises") + "\n",
    ));
    let existing: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.exists())
        .map(|(path, _)| {
            path.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    if !existing.is_empty() {
        return Err(WorkspaceError::WouldOverwrite {
            dir: dir.display().to_string(),
            files: existing.join(", "),
        });
    }
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    for (path, content) in &files {
        std::fs::write(path, content).map_err(io_error(path))?;
    }
    Ok(manifest)
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

pub fn load(dir: &Path) -> Result<Manifest, WorkspaceError> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(io_error(&path))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| WorkspaceError::BadManifest {
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
pub fn load_optional(dir: &Path) -> Result<Option<Manifest>, WorkspaceError> {
    if dir.join(MANIFEST).is_file() {
        load(dir).map(Some)
    } else {
        Ok(None)
    }
}

fn readme(entries: &[&CatalogEntry]) -> String {
    let mut text = String::from(
        "# Your Python take-home\n\n\
         Each file here is one exercise. Replace every `raise NotImplementedError`\n\
         with your implementation; the docstrings state exactly what is expected.\n\
         Use only the Python standard library.\n\n\
         ## Exercises\n\n",
    );
    for entry in entries {
        text.push_str(&format!(
            "- `{}.py` — {} ({}; `pyinterview show {}`)\n",
            entry.info.id,
            entry.info.title,
            entry.info.level.as_str(),
            entry.info.id
        ));
    }
    text.push_str(
        "\n## Checking your work\n\n\
         ```\n\
         pyinterview check              # every exercise\n\
         pyinterview check list_tuple   # one exercise\n\
         pyinterview hint list_tuple    # a hint, if you are stuck\n\
         ```\n\n\
         `check` exits with status 0 once every check passes. The checks you see\n\
         are a sample: your interviewer grades with fresh cases drawn from another\n\
         seed, so solve the problem as stated, not the visible cases.\n\n\
         ## Submitting\n\n\
         Send this whole directory back (keep `.pyinterview.json`: it says which\n\
         exercises and versions you worked on).\n",
    );
    text
}
