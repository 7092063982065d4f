//! Unpacking a submission archive as hostile input: plain regular files
//! only, all at the top or all inside one top-level folder, within caps
//! counted on the decompressed bytes themselves.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path};

use flate2::read::MultiGzDecoder;

use super::{ArchiveError, MAX_ENTRIES, MAX_FILE_BYTES, MAX_TOTAL_BYTES, io_error};

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
    // Every gzip member is read (`cat a.gz b.gz` is one valid gzip file, and
    // `gzip -d` and `tar` read it whole); the cap is counted on the whole
    // decompressed stream itself: a header cannot lie about it.
    let stream = MultiGzDecoder::new(file).take(STREAM_CAP);
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
        if std::str::from_utf8(&raw_path).is_err() {
            // A lossy name would be another file's name (two entries could
            // become one) and no Python module is named so.
            return Err(refuse(format!(
                "an entry's name is not UTF-8: {}",
                raw_path.escape_ascii()
            )));
        }
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
    // The tar's end marker is not the end of the data: a second archive
    // appended after it (`cat a.tar.gz b.tar.gz`) would be skipped here but
    // shown by `tar -i` or another tool. Only zero padding may follow.
    let mut rest = tar.into_inner();
    let mut block = [0u8; 8192];
    loop {
        let n = rest
            .read(&mut block)
            .map_err(|e| refuse(format!("a damaged archive ({e})")))?;
        if n == 0 {
            break;
        }
        if block[..n].iter().any(|&b| b != 0) {
            return Err(refuse(
                "it holds more data after the end of the tar archive (archives appended to one another?)"
                    .into(),
            ));
        }
    }
    if rest.limit() == 0 {
        return Err(refuse(format!(
            "it expands to more than {} MiB",
            MAX_TOTAL_BYTES >> 20
        )));
    }
    Ok(())
}

/// The most decompressed bytes read of an archive: the files' cap plus room
/// for a header per entry and the end padding, plus one to notice more.
const STREAM_CAP: u64 = MAX_TOTAL_BYTES + MAX_ENTRIES as u64 * 1024 + 64 * 1024 + 1;

/// Whether `path` is an archive made by `pack` (a gzip tar with a pack
/// manifest at its top): the only existing file `pack` writes over, and one
/// it never packs. Reads at most what unpacking would.
pub fn is_pack_archive(path: &Path) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut magic = [0u8; 2];
    if file.read_exact(&mut magic).is_err() || magic != [0x1f, 0x8b] {
        return false;
    }
    if file.seek(SeekFrom::Start(0)).is_err() {
        return false;
    }
    let stream = MultiGzDecoder::new(file).take(STREAM_CAP);
    let mut tar = tar::Archive::new(stream);
    let Ok(entries) = tar.entries() else {
        return false;
    };
    entries.take(MAX_ENTRIES).any(|entry| {
        entry.is_ok_and(|e| {
            e.path_bytes().as_ref() == super::PACK_MANIFEST.as_bytes()
                && e.header().entry_type().is_file()
        })
    })
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
pub(super) fn plain_parts(path: &Path) -> Option<Vec<String>> {
    path.components()
        .filter(|c| *c != Component::CurDir)
        .map(|c| match c {
            Component::Normal(name) => name.to_str().map(str::to_string),
            _ => None,
        })
        .collect()
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
