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
//! Verification never blocks grading: a mismatch (a file edited after
//! packing, a stub from another exercise version, an edited manifest) becomes
//! a warning in the report.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::catalog::{Catalog, FORMAT_VERSION};
use crate::workspace::{MANIFEST, Manifest};

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

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SelfCheck {
    pub score: f64,
    pub max_score: f64,
    pub passed: usize,
    pub checks: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The path is already in the caller's message: the reason only.
    #[error("refused: {0}")]
    Refused(String),
    #[error(
        "neither a directory nor a .tar.gz submission archive (give the directory with the <exercise>.py files, or an archive made by `pyinterview pack`)"
    )]
    NotAnArchive,
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

/// Is `path` a file `grade` should unpack rather than a directory?
pub fn is_archive(path: &Path) -> bool {
    path.is_file()
}

/// Writes `dir`'s exercise files, its workspace manifest and a pack manifest
/// to `out` (a `.tar.gz`). Entries carry fixed metadata, so packing the same
/// files twice gives the same archive.
pub fn pack(
    dir: &Path,
    manifest: &Manifest,
    self_checks: &BTreeMap<String, SelfCheck>,
    out: &Path,
) -> Result<PackManifest, ArchiveError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut packed = PackManifest {
        format_version: FORMAT_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: manifest.seed,
        exercises: vec![],
        hints: manifest.hints.clone(),
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
    files.push((
        PACK_MANIFEST.into(),
        serde_json::to_vec_pretty(&packed).expect("serialises"),
    ));

    let file = File::create(out).map_err(io_error(out))?;
    let mut builder = tar::Builder::new(GzEncoder::new(file, Compression::default()));
    for (name, bytes) in &files {
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
        .map_err(io_error(out))?;
    Ok(packed)
}

/// Unpacks `archive` into the empty directory `into`, refusing anything but
/// regular files with plain names within the caps. The files may all sit in
/// one top-level folder (`tar czf x.tar.gz take-home/`), which is stripped.
pub fn unpack(archive: &Path, into: &Path) -> Result<(), ArchiveError> {
    let refuse = ArchiveError::Refused;
    let mut file = File::open(archive).map_err(io_error(archive))?;
    // A file that is not gzip at all (a `.py` given by mistake) is not a
    // damaged archive: say what `grade` takes instead.
    let mut magic = [0u8; 2];
    let is_gzip = file.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b];
    if !is_gzip {
        return Err(ArchiveError::NotAnArchive);
    }
    file.seek(SeekFrom::Start(0)).map_err(io_error(archive))?;
    // Counted on the decompressed stream itself: a header cannot lie about it.
    let stream = GzDecoder::new(file).take(MAX_TOTAL_BYTES + MAX_ENTRIES as u64 * 1024 + 1);
    let mut tar = tar::Archive::new(stream);
    let entries = tar
        .entries()
        .map_err(|e| refuse(format!("not a .tar.gz archive ({e})")))?;
    let mut layout = Layout::Unknown;
    let mut total = 0u64;
    for (index, entry) in entries.enumerate() {
        if index >= MAX_ENTRIES {
            return Err(refuse(format!("more than {MAX_ENTRIES} entries")));
        }
        let mut entry =
            entry.map_err(|e| refuse(format!("a damaged or oversized archive ({e})")))?;
        let raw_path = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw_path).into_owned();
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            let target = entry
                .link_name()
                .ok()
                .flatten()
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(refuse(format!(
                "it contains a link ({shown} -> {target}); links are not accepted"
            )));
        }
        if !kind.is_dir() && !kind.is_file() {
            return Err(refuse(format!("{shown} is not a regular file")));
        }
        let parts = plain_parts(Path::new(&shown))
            .ok_or_else(|| refuse(format!("the path {shown:?} points outside the submission")))?;
        let name = match layout.place(&parts, kind.is_dir()) {
            Placed::File(name) => name,
            Placed::Skip => continue,
            Placed::Nested => {
                return Err(refuse(format!(
                    "{shown:?} is in a subfolder; a submission is flat files, at most inside one top-level folder"
                )));
            }
            Placed::Outside(top) => {
                return Err(refuse(format!(
                    "{shown:?} is outside the folder {top:?} that holds the other files"
                )));
            }
        };
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| refuse(format!("a damaged archive ({e})")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(refuse(format!(
                "{shown} is larger than {} MiB",
                MAX_FILE_BYTES >> 20
            )));
        }
        total += bytes.len() as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(refuse(format!(
                "it expands to more than {} MiB",
                MAX_TOTAL_BYTES >> 20
            )));
        }
        let target = into.join(&name);
        let mut out = File::options()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    refuse(format!("{name} appears twice"))
                } else {
                    io_error(&target)(e)
                }
            })?;
        out.write_all(&bytes).map_err(io_error(&target))?;
    }
    Ok(())
}

/// Folders of tooling leftovers whose entries unpacking skips: they are
/// never part of a submission (`pack` leaves them out too).
pub const LEFTOVER_DIRS: &[&str] = &["__pycache__", crate::workspace::BACKUPS];

/// Whether an archive's files sit at the top or inside one folder, decided
/// by the first entry that says so.
#[derive(Debug, PartialEq)]
enum Layout {
    Unknown,
    Flat,
    Under(String),
}

#[derive(Debug, PartialEq)]
enum Placed {
    /// A file to write, under this plain name.
    File(String),
    /// A folder entry, or a tooling leftover.
    Skip,
    /// Deeper than the layout allows.
    Nested,
    /// Beside the top-level folder the other entries are in.
    Outside(String),
}

impl Layout {
    fn place(&mut self, parts: &[String], is_dir: bool) -> Placed {
        let leftover = |part: &String| LEFTOVER_DIRS.contains(&part.as_str());
        // Strip the top-level folder, deciding the layout on first sight.
        let inner: &[String] = match self {
            Layout::Flat => parts,
            Layout::Under(top) => match parts.split_first() {
                Some((first, rest)) if first == top => rest,
                Some(_) => return Placed::Outside(top.clone()),
                None => return Placed::Skip,
            },
            Layout::Unknown => match parts {
                [] => return Placed::Skip,
                [first, ..] if leftover(first) && (is_dir || parts.len() > 1) => {
                    return Placed::Skip;
                }
                [_] if !is_dir => {
                    *self = Layout::Flat;
                    parts
                }
                [top, rest @ ..] => {
                    *self = Layout::Under(top.clone());
                    rest
                }
            },
        };
        match inner {
            // The folder itself, or an empty subfolder: nothing to write.
            _ if is_dir => Placed::Skip,
            [first, _, ..] if leftover(first) => Placed::Skip,
            [name] => Placed::File(name.clone()),
            _ => Placed::Nested,
        }
    }
}

/// The plain components of an entry's path (`./` dropped); None for
/// anything absolute, with `..`, or not UTF-8.
fn plain_parts(path: &Path) -> Option<Vec<String>> {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .map(|c| match c {
            Component::Normal(name) => name.to_str().map(str::to_string),
            _ => None,
        })
        .collect()
}

/// What the report should warn the interviewer about an unpacked archive.
pub fn verify(dir: &Path) -> Vec<String> {
    let mut warnings = Vec::new();
    let packed: PackManifest = match std::fs::read(dir.join(PACK_MANIFEST)) {
        Err(_) => {
            warnings.push(format!(
                "the archive has no {PACK_MANIFEST}: it was not made by `pyinterview pack`"
            ));
            return warnings;
        }
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(packed) => packed,
            Err(err) => {
                warnings.push(format!("{PACK_MANIFEST} is unreadable ({err})"));
                return warnings;
            }
        },
    };
    if packed.tool_version != env!("CARGO_PKG_VERSION") {
        warnings.push(format!(
            "packed with pyinterview {}, graded with {}",
            packed.tool_version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    let catalog = Catalog::get();
    for exercise in &packed.exercises {
        let name = format!("{}.py", exercise.id);
        let now = std::fs::read(dir.join(&name)).ok().map(|b| sha256_hex(&b));
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
            }
        }
        Ok(None) => warnings.push(format!("the archive has no {MANIFEST}")),
        Err(err) => warnings.push(err.to_string()),
    }
    warnings
}

/// The packed self-check results, by exercise, for the report.
pub fn self_checks(dir: &Path) -> BTreeMap<String, SelfCheck> {
    std::fs::read(dir.join(PACK_MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<PackManifest>(&bytes).ok())
        .map(|packed| {
            packed
                .exercises
                .into_iter()
                .filter_map(|e| e.self_check.map(|s| (e.id, s)))
                .collect()
        })
        .unwrap_or_default()
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

    fn place_all(paths: &[(&str, bool)]) -> Vec<Placed> {
        let mut layout = Layout::Unknown;
        paths
            .iter()
            .map(|(path, is_dir)| {
                let parts = plain_parts(Path::new(path)).expect("plain");
                layout.place(&parts, *is_dir)
            })
            .collect()
    }

    #[test]
    fn paths_outside_the_submission_are_not_plain() {
        assert_eq!(plain_parts(Path::new("./a.py")), Some(vec!["a.py".into()]));
        for bad in ["/etc/passwd", "../a.py", "x/../../a.py", "ws/../a.py"] {
            assert_eq!(plain_parts(Path::new(bad)), None, "{bad}");
        }
    }

    #[test]
    fn flat_archives_keep_their_names_and_refuse_folders() {
        use Placed::*;
        assert_eq!(
            place_all(&[
                (".", true),
                ("a.py", false),
                ("./b.py", false),
                ("sub/c.py", false)
            ]),
            [Skip, File("a.py".into()), File("b.py".into()), Nested]
        );
    }

    #[test]
    fn one_top_level_folder_is_stripped() {
        use Placed::*;
        assert_eq!(
            place_all(&[
                ("ws", true),
                ("ws/a.py", false),
                ("ws/__pycache__/a.pyc", false),
                ("ws/.pyinterview-backups/a.1.py", false),
                ("ws/sub", true),
                ("ws/sub/b.py", false),
                ("other/c.py", false),
                ("d.py", false),
            ]),
            [
                Skip,
                File("a.py".into()),
                Skip,
                Skip,
                Skip,
                Nested,
                Outside("ws".into()),
                Outside("ws".into())
            ]
        );
        // Without a folder entry, the first file's folder is the top.
        assert_eq!(
            place_all(&[("ws/a.py", false), ("ws/b.py", false)]),
            [File("a.py".into()), File("b.py".into())]
        );
        // A flat archive cannot switch to a folder halfway.
        assert_eq!(
            place_all(&[("a.py", false), ("ws/b.py", false)]),
            [File("a.py".into()), Nested]
        );
    }
}
