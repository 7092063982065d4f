//! Reading one file of a submission as hostile input.
//!
//! A submission directory is the candidate's: `lru_cache.py` may be a link
//! to `/dev/zero` or to the interviewer's own files, and `generators.py` a
//! FIFO that blocks whoever opens it. Whatever the grader itself reads of a
//! submission (sources for notes and similarity, manifests, digests) goes
//! through [`read`], which opens only a regular file that is the directory's
//! own entry, without blocking, and reads no more than a cap.
//!
//! This module knows nothing about grading (plain `std::io`), so the sandbox
//! can use it to copy a submission as well.

use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// The most the grader reads of a source file for its own use (notes on
/// risky code, similarity, the HTML side-by-side panels). A solution to
/// these exercises is a few KiB; 1 MiB is also what the notes scanner always
/// read. Running the code is not capped by this: the sandbox copies files
/// up to its own `file_size_mb` limit.
pub const SOURCE_CAP: u64 = 1 << 20;

/// Why a file of a submission was not read.
#[derive(Debug)]
pub enum Refused {
    /// Nothing by that name.
    Missing,
    /// A symbolic link: never followed, wherever it points.
    SymbolicLink,
    /// A FIFO, socket, device or directory; the kind in words.
    NotRegular(&'static str),
    /// A regular file larger than the cap, in bytes.
    TooLarge(u64),
    /// Not one plain component (`/`, `..`, empty): not a file of the directory.
    NotPlainName,
    /// Opening or reading failed otherwise.
    Io(io::Error),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Missing => write!(f, "not there"),
            Refused::SymbolicLink => write!(f, "a symbolic link (links are never followed)"),
            Refused::NotRegular(kind) => write!(f, "not a regular file ({kind})"),
            Refused::TooLarge(cap) => write!(f, "larger than {}", bytes(*cap)),
            Refused::NotPlainName => write!(f, "not a plain file name"),
            Refused::Io(err) => write!(f, "unreadable ({err})"),
        }
    }
}

impl std::error::Error for Refused {}

impl From<Refused> for io::Error {
    fn from(refused: Refused) -> io::Error {
        match refused {
            Refused::Io(err) => err,
            Refused::Missing => io::Error::new(io::ErrorKind::NotFound, refused.to_string()),
            other => io::Error::new(io::ErrorKind::InvalidData, other.to_string()),
        }
    }
}

/// "1 MiB", "512 KiB", "100 bytes".
fn bytes(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

fn kind_of(file_type: std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        None
    } else if file_type.is_fifo() {
        Some("a FIFO")
    } else if file_type.is_socket() {
        Some("a socket")
    } else if file_type.is_char_device() {
        Some("a character device")
    } else if file_type.is_block_device() {
        Some("a block device")
    } else if file_type.is_dir() {
        Some("a directory")
    } else {
        Some("not a file")
    }
}

/// The bytes of `dir/name`, if `name` is a plain file name and that entry
/// is a regular file (not a link, whatever it points to; not a FIFO, socket,
/// device or directory) of at most `cap` bytes.
///
/// The entry is checked with `lstat` first, so a device or FIFO is never
/// even opened; then opened with `O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
/// O_CLOEXEC` and checked again with `fstat` on the open descriptor, which
/// is what counts if the entry was swapped in between. At most `cap + 1`
/// bytes are read, whatever `fstat` said, so a file growing meanwhile is
/// refused too.
pub fn read(dir: &Path, name: impl AsRef<OsStr>, cap: u64) -> Result<Vec<u8>, Refused> {
    let name = name.as_ref();
    let raw = name.as_bytes();
    if raw.is_empty() || raw.contains(&b'/') || raw == b"." || raw == b".." {
        return Err(Refused::NotPlainName);
    }
    let path = dir.join(name);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Err(Refused::Missing),
        Err(err) => return Err(Refused::Io(err)),
    };
    if meta.file_type().is_symlink() {
        return Err(Refused::SymbolicLink);
    }
    if let Some(kind) = kind_of(meta.file_type()) {
        return Err(Refused::NotRegular(kind));
    }
    let file = std::fs::File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(&path)
        .map_err(|err| match err.raw_os_error() {
            // O_NOFOLLOW on a link (it became one after the lstat).
            Some(libc::ELOOP) => Refused::SymbolicLink,
            _ if err.kind() == io::ErrorKind::NotFound => Refused::Missing,
            _ => Refused::Io(err),
        })?;
    let meta = file.metadata().map_err(Refused::Io)?;
    if let Some(kind) = kind_of(meta.file_type()) {
        return Err(Refused::NotRegular(kind));
    }
    if meta.len() > cap {
        return Err(Refused::TooLarge(cap));
    }
    let mut data = Vec::with_capacity(meta.len() as usize);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(Refused::Io)?;
    if data.len() as u64 > cap {
        return Err(Refused::TooLarge(cap));
    }
    Ok(data)
}

/// The report's warning for a file the grader did not read, the same
/// wording everywhere: "helper.py was not read: not a regular file (a FIFO)".
pub fn warning(name: &str, refused: &Refused) -> String {
    format!("{name} was not read: {refused}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn mkfifo(path: &Path) {
        nix::unistd::mkfifo(path, nix::sys::stat::Mode::S_IRWXU).expect("mkfifo");
    }

    #[test]
    fn reads_regular_files_and_refuses_everything_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("a.py"), "x = 1\n").unwrap();
        std::fs::write(dir.join("big.py"), vec![b'#'; 2048]).unwrap();
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), "secret").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.join("link.py")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero.py")).unwrap();
        std::os::unix::fs::symlink("a.py", dir.join("inside.py")).unwrap();
        mkfifo(&dir.join("fifo.py"));
        std::fs::create_dir(dir.join("sub")).unwrap();

        assert_eq!(read(dir, "a.py", 1024).unwrap(), b"x = 1\n");
        let started = Instant::now();
        for (name, expected) in [
            ("link.py", "a symbolic link (links are never followed)"),
            ("zero.py", "a symbolic link (links are never followed)"),
            ("inside.py", "a symbolic link (links are never followed)"),
            ("fifo.py", "not a regular file (a FIFO)"),
            ("sub", "not a regular file (a directory)"),
            ("big.py", "larger than 1 KiB"),
            ("nothing.py", "not there"),
            ("../a.py", "not a plain file name"),
            ("sub/a.py", "not a plain file name"),
            ("a.py/", "not a plain file name"),
            ("./a.py", "not a plain file name"),
            ("..", "not a plain file name"),
            ("/etc/hostname", "not a plain file name"),
            ("", "not a plain file name"),
        ] {
            let refused = read(dir, name, 1024).expect_err(name);
            assert_eq!(refused.to_string(), expected, "{name}");
        }
        assert!(started.elapsed() < Duration::from_secs(5), "nothing blocks");
        assert_eq!(
            warning("fifo.py", &read(dir, "fifo.py", 1).unwrap_err()),
            "fifo.py was not read: not a regular file (a FIFO)"
        );
    }

    #[test]
    fn a_device_is_never_read() {
        // /dev itself as the directory: `zero` is a character device there.
        let refused = read(Path::new("/dev"), "zero", SOURCE_CAP).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "not a regular file (a character device)"
        );
    }
}
