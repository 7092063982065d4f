//! Finds, starts and proves the CPython the worker runs candidate code in.
//!
//! **Which Python.** Nothing about the build machine is compiled in: the
//! Python home is found at run time, in this order:
//!
//! 1. inside a Python process (the wheel's `pyinterview` runs in the Python
//!    that installed it), that interpreter's `sys.base_prefix`; an override
//!    (below) that names another home is an error;
//! 2. `PYINTERVIEW_PYTHON_HOME`, when set (the grader passes it on to its
//!    workers);
//! 3. otherwise the installation of the libpython actually loaded: `dladdr`
//!    on `Py_Initialize` gives the library's path, and the nearest directory
//!    above it (or above the path with links resolved) holding
//!    `lib/pythonX.Y/os.py` is the home.
//!
//! **Proof.** [`start`] checks that home, initialises the interpreter and
//! imports the modules the worker preloads, with CPython's own stderr chatter
//! (its 20 to 120 lines of path configuration on a failed start) captured and
//! boiled down to one line. The worker sends the outcome to the grader as its
//! first frame, a [`Hello`]; the grader turns a failure into an internal error
//! instead of a report of crashed checks.
//!
//! **Isolation.** `PyConfig_InitIsolatedConfig` ignores `PYTHON*` variables and
//! user site-packages; `site` is not imported (exercises use the standard
//! library only) and no bytecode is written into submissions. UTF-8 mode is
//! on: the sandbox runs with an empty environment (the C locale), where a
//! candidate's `print("✓")` would otherwise fail to encode.

#![allow(unsafe_code)]

use std::ffi::CStr;
use std::io::{Read, Seek};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pyo3::ffi;
use pyo3::prelude::*;
use serde::{Deserialize, Serialize};

/// The environment variable that overrides the Python home.
pub const HOME_VAR: &str = "PYINTERVIEW_PYTHON_HOME";

/// The interpreter a worker runs: what `--version`, reports and pack
/// manifests record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PythonInfo {
    /// `CPython`.
    pub implementation: String,
    /// `3.11.7`.
    pub version: String,
    /// Its `sys.base_prefix`: where the standard library is read from.
    pub home: PathBuf,
}

impl std::fmt::Display for PythonInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} at {}",
            self.implementation,
            self.version,
            self.home.display()
        )
    }
}

/// A worker's first frame to the grader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hello {
    /// The interpreter started and imported the preloaded modules.
    Ready(PythonInfo),
    /// It did not: one line naming the Python tried and what to do.
    Failed(String),
}

/// The Python installation the worker's interpreter runs from (its
/// `sys.base_prefix`): the standard library the sandbox must be able to read.
/// The worker proves it with [`start`] before any child exists; should it not
/// have been found, this is a path that does not exist (nothing is readable
/// there).
pub fn python_home() -> &'static Path {
    match home() {
        Ok(home) => home,
        Err(_) => Path::new("/nonexistent/pyinterview-python-home"),
    }
}

/// The Python home, found once (see the module documentation), or why none
/// was found.
pub fn home() -> Result<&'static Path, &'static str> {
    static HOME: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    HOME.get_or_init(locate_home)
        .as_deref()
        .map_err(String::as_str)
}

/// `3.11.7`: the version of the libpython this process runs.
pub fn version() -> String {
    // SAFETY: Py_GetVersion may be called before initialisation and returns
    // a static NUL-terminated string.
    let full = unsafe { CStr::from_ptr(ffi::Py_GetVersion()) };
    let full = full.to_string_lossy();
    full.split_whitespace().next().unwrap_or("").to_string()
}

/// `3.11` of [`version`].
pub fn major_minor() -> String {
    version().split('.').take(2).collect::<Vec<_>>().join(".")
}

/// What this process would run, for `--version`: found, not started.
pub fn describe() -> String {
    match home() {
        Ok(home) => format!("CPython {} at {}", version(), home.display()),
        Err(err) => format!("not usable: {err}"),
    }
}

fn locate_home() -> Result<PathBuf, String> {
    let xy = major_minor();
    let python = format!("CPython {}", version());
    let advice = format!(
        "set {HOME_VAR} to the prefix of a CPython {xy} installation (the directory holding lib/python{xy}/os.py), or reinstall the Python pyinterview was installed with"
    );
    let chosen = std::env::var_os(HOME_VAR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    // SAFETY: Py_IsInitialized may be called at any time.
    if unsafe { ffi::Py_IsInitialized() } != 0 {
        // Inside a running Python (the wheel) the home is the one it runs
        // from; an override can only agree with it.
        let prefix = Python::attach(|py| -> PyResult<String> {
            py.import("sys")?.getattr("base_prefix")?.extract()
        })
        .map_err(|e| format!("{python}: sys.base_prefix: {e}"))?;
        let dir = PathBuf::from(prefix);
        if let Some(chosen) = &chosen {
            let same = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            if same(chosen) != same(&dir) {
                return Err(format!(
                    "{python} runs from {}, but {HOME_VAR}={}: unset {HOME_VAR}, or install pyinterview with the Python you mean",
                    dir.display(),
                    chosen.display()
                ));
            }
        }
        return check_home(&dir, &xy)
            .map(|()| dir.clone())
            .map_err(|why| format!("{python} at {}: {why}; {advice}", dir.display()));
    }
    if let Some(dir) = chosen {
        return check_home(&dir, &xy)
            .map(|()| dir.clone())
            .map_err(|why| format!("{python}: {HOME_VAR}={}: {why}; {advice}", dir.display()));
    }
    let library = loaded_library().ok_or_else(|| {
        format!("{python}: cannot tell which libpython is loaded (dladdr failed); {advice}")
    })?;
    let mut candidates = vec![library.clone()];
    if let Ok(real) = std::fs::canonicalize(&library) {
        candidates.push(real);
    }
    for path in &candidates {
        for dir in path.ancestors().skip(1) {
            if check_home(dir, &xy).is_ok() {
                return Ok(dir.to_path_buf());
            }
        }
    }
    Err(format!(
        "{python} (libpython {}): no readable standard library (lib/python{xy}/os.py) in any directory above it; {advice}",
        library.display()
    ))
}

/// The file the loaded `Py_Initialize` comes from: libpython, or the
/// `python` executable itself when the interpreter is linked statically.
fn loaded_library() -> Option<PathBuf> {
    // SAFETY: Dl_info is plain data (pointers and integers), valid when zeroed.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let symbol = ffi::Py_Initialize as *const libc::c_void;
    // SAFETY: dladdr only reads the loader's tables and fills `info`.
    if unsafe { libc::dladdr(symbol, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated string owned by the loader.
    let name = unsafe { CStr::from_ptr(info.dli_fname) };
    let path = PathBuf::from(
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name.to_bytes()),
    );
    if path.is_absolute() {
        Some(path)
    } else {
        // The main executable may be named as it was run.
        std::env::current_exe().ok()
    }
}

/// Whether `dir` holds a readable standard library for Python `xy`.
fn check_home(dir: &Path, xy: &str) -> Result<(), String> {
    let os_py = dir.join("lib").join(format!("python{xy}")).join("os.py");
    match std::fs::File::open(&os_py) {
        Ok(_) => Ok(()),
        Err(err) => Err(format!("cannot read {}: {err}", os_py.display())),
    }
}

/// Finds the home, initialises the interpreter once (unless this process is
/// already a Python interpreter) and imports `preload`, all with stderr
/// captured. Returns with the GIL released (callers use `Python::attach`),
/// or one line saying what failed and what to do.
pub fn start(preload: &[&str]) -> Result<PythonInfo, String> {
    let capture = StderrCapture::begin();
    let result = start_quietly(preload);
    let said = capture.map(StderrCapture::end).unwrap_or_default();
    result.map_err(|err| {
        // CPython's own last words (an exception name and message) help.
        let last = said
            .lines()
            .rev()
            .map(str::trim)
            .find(|line| line.contains("Error:") || line.contains("Error("));
        match last {
            Some(line) if !err.contains(line) => {
                let line: String = line.chars().take(200).collect();
                format!("{err} ({line})")
            }
            _ => err,
        }
    })
}

fn start_quietly(preload: &[&str]) -> Result<PythonInfo, String> {
    let home = home().map_err(str::to_string)?;
    let python = format!("CPython {} at {}", version(), home.display());
    initialize(home).map_err(|why| {
        format!(
            "{python} failed to start: {why}; reinstall that Python, or set {HOME_VAR} to a working CPython {} installation's prefix",
            major_minor()
        )
    })?;
    Python::attach(|py| -> PyResult<()> {
        for module in preload {
            py.import(*module)?;
        }
        Ok(())
    })
    .map_err(|err| {
        format!("{python}: importing the standard library failed: {err}; reinstall that Python")
    })?;
    Ok(PythonInfo {
        implementation: "CPython".into(),
        version: version(),
        home: home.to_path_buf(),
    })
}

/// Initialises the embedded interpreter with `home`; nothing to do when this
/// process already is a Python interpreter (the wheel's worker).
#[cfg(not(Py_LIMITED_API))]
fn initialize(home: &Path) -> Result<(), String> {
    let home =
        std::ffi::CString::new(home.as_os_str().as_encoded_bytes()).map_err(|e| e.to_string())?;
    // SAFETY: the PyConfig API is used as documented: initialised, filled,
    // consumed by Py_InitializeFromConfig, then cleared; all before any other
    // Python call in this process.
    unsafe {
        if ffi::Py_IsInitialized() != 0 {
            return Ok(());
        }
        let mut preconfig: ffi::PyPreConfig = std::mem::zeroed();
        ffi::PyPreConfig_InitIsolatedConfig(&mut preconfig);
        preconfig.utf8_mode = 1;
        let status = ffi::Py_PreInitialize(&preconfig);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err(status_message("pre-initialisation failed", &status));
        }
        let mut config: ffi::PyConfig = std::mem::zeroed();
        ffi::PyConfig_InitIsolatedConfig(&mut config);
        config.site_import = 0;
        config.write_bytecode = 0;
        config.install_signal_handlers = 0;
        config.parse_argv = 0;
        // String hashes, and so the order of sets of strings, the same on
        // every run: a file must get the same grade every time, also one
        // that leans on an order Python does not promise.
        config.use_hash_seed = 1;
        config.hash_seed = 0;
        let status = ffi::PyConfig_SetBytesString(&mut config, &mut config.home, home.as_ptr());
        if ffi::PyStatus_Exception(status) != 0 {
            ffi::PyConfig_Clear(&mut config);
            return Err(status_message("setting the home failed", &status));
        }
        let status = ffi::Py_InitializeFromConfig(&config);
        ffi::PyConfig_Clear(&mut config);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err(status_message("initialisation failed", &status));
        }
        ffi::PyEval_SaveThread();
    }
    Ok(())
}

/// Under the limited API (the wheel) the worker always runs inside a Python
/// interpreter, which `python -I -S` has configured.
#[cfg(Py_LIMITED_API)]
fn initialize(_home: &Path) -> Result<(), String> {
    // SAFETY: Py_IsInitialized may be called at any time.
    if unsafe { ffi::Py_IsInitialized() } != 0 {
        Ok(())
    } else {
        Err("this build runs only inside a Python interpreter".into())
    }
}

#[cfg(not(Py_LIMITED_API))]
fn status_message(what: &str, status: &ffi::PyStatus) -> String {
    let text = |p: *const std::ffi::c_char| {
        // SAFETY: PyStatus strings are static NUL-terminated strings or null.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    };
    match (text(status.func), text(status.err_msg)) {
        (Some(func), Some(msg)) => format!("{what}: {func}: {msg}"),
        (None, Some(msg)) => format!("{what}: {msg}"),
        _ => what.to_string(),
    }
}

/// stderr (fd 2) redirected into an anonymous file while CPython starts.
struct StderrCapture {
    saved: OwnedFd,
    file: std::fs::File,
}

impl StderrCapture {
    fn begin() -> Option<StderrCapture> {
        // SAFETY: plain descriptor calls; every result is checked.
        unsafe {
            let fd = libc::memfd_create(c"pyinterview-stderr".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return None;
            }
            let file = std::fs::File::from_raw_fd(fd);
            let saved = libc::fcntl(2, libc::F_DUPFD_CLOEXEC, 3);
            if saved < 0 {
                return None;
            }
            let saved = OwnedFd::from_raw_fd(saved);
            if libc::dup2(file.as_raw_fd(), 2) < 0 {
                return None;
            }
            Some(StderrCapture { saved, file })
        }
    }

    fn end(mut self) -> String {
        // SAFETY: puts the saved descriptor back on fd 2.
        unsafe { libc::dup2(self.saved.as_raw_fd(), 2) };
        let mut text = String::new();
        if self.file.rewind().is_ok() {
            let mut bytes = Vec::new();
            let _ = (&mut self.file).take(1 << 20).read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    }
}
