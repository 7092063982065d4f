//! The Python extension module `pyinterview._native` (the `wheel` feature,
//! built by maturin as an abi3 cdylib): `main(argv)` runs the same command
//! line as the binary, inside the Python that installed the wheel.
//!
//! Workers are that Python again: `python -I -S -B -X utf8 -c BOOT <this
//! extension's file> __worker`. `BOOT` loads this file by path, so neither
//! site-packages nor the package's directory is on the worker's `sys.path`
//! (the embedded binary imports no `site` either), and its interpreter is
//! already initialised, so [`crate::sandbox`] skips initialisation; its home
//! is that Python's `sys.base_prefix`. Nothing starts a thread before the
//! worker forks.

#![allow(unsafe_code)]

use std::ffi::OsString;
use std::path::PathBuf;

use pyo3::prelude::*;

/// Loads the extension by path and runs the worker; `sys.argv[1]` is the
/// extension's file, the rest the command line.
const BOOT: &str = "\
import sys, importlib.machinery, importlib.util
path = sys.argv[1]
loader = importlib.machinery.ExtensionFileLoader('pyinterview._native', path)
spec = importlib.util.spec_from_file_location('pyinterview._native', path, loader=loader)
native = importlib.util.module_from_spec(spec)
loader.exec_module(native)
sys.exit(native.main(['pyinterview'] + sys.argv[2:]))
";

#[pymodule]
#[pyo3(name = "_native")]
fn native_module(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(main, module)?)?;
    Ok(())
}

/// Runs the pyinterview command line; `argv[0]` is the program name.
/// Returns the exit status.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<OsString>) -> PyResult<u8> {
    // SAFETY: restoring default dispositions, before any thread exists.
    // Python's SIGINT handler would only raise between bytecodes (never while
    // Rust grades), and an ignored SIGXFSZ would turn the sandbox's file-size
    // limit into an exception instead of the kill the binary gives.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
    }
    let python: PathBuf = py.import("sys")?.getattr("executable")?.extract()?;
    if python.as_os_str().is_empty() {
        return Err(pyo3::exceptions::PyRuntimeError::new_err(
            "pyinterview needs sys.executable to start its sandbox workers",
        ));
    }
    let extension = extension_file().ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err("cannot tell where pyinterview._native is")
    })?;
    let args: Vec<OsString> = ["-I", "-S", "-B", "-X", "utf8", "-c", BOOT]
        .iter()
        .map(OsString::from)
        .chain([extension.into_os_string()])
        .collect();
    crate::sandbox::set_launcher(python, args);
    // The CLI runs with the GIL released, as the binary's does (workers take
    // it with `Python::attach`).
    Ok(py.detach(|| crate::app::run(argv)))
}

/// This extension's own file, from the loader (`dladdr` on one of its
/// functions).
fn extension_file() -> Option<PathBuf> {
    // SAFETY: Dl_info is plain data (pointers and integers), valid when zeroed.
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let symbol = extension_file as *const libc::c_void;
    // SAFETY: dladdr only reads the loader's tables and fills `info`.
    if unsafe { libc::dladdr(symbol, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dli_fname is a NUL-terminated string owned by the loader.
    let name = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    let path = PathBuf::from(
        <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name.to_bytes()),
    );
    std::fs::canonicalize(&path).ok().or(Some(path))
}
