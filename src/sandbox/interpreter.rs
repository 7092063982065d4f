//! Starts the embedded CPython isolated from the user's environment.
//!
//! `PyConfig_InitIsolatedConfig` ignores `PYTHON*` variables and user
//! site-packages; `home` is pinned to the `sys.base_prefix` of the Python the
//! binary was built against (recorded by `build.rs`), so the standard library
//! comes from the same installation as the linked libpython. `site` is not
//! imported (exercises use the standard library only) and no bytecode is
//! written into submissions. UTF-8 mode is on: the sandbox runs with an empty
//! environment (the C locale), where a candidate's `print("✓")` would
//! otherwise fail to encode.

use std::ffi::CString;
use std::path::Path;

use pyo3::ffi;

/// The Python installation the worker's interpreter runs from (its
/// `sys.base_prefix`): the standard library the sandbox must be able to read.
pub fn python_home() -> &'static Path {
    Path::new(env!("PYINTERVIEW_PYTHON_HOME"))
}

/// Initialises the interpreter once, in the worker process. Returns with the
/// GIL released (callers use `Python::attach`).
pub fn initialize() -> Result<(), String> {
    let home =
        CString::new(python_home().as_os_str().as_encoded_bytes()).map_err(|e| e.to_string())?;
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
        if ffi::PyStatus_Exception(ffi::Py_PreInitialize(&preconfig)) != 0 {
            return Err("could not pre-initialise the embedded Python".into());
        }
        let mut config: ffi::PyConfig = std::mem::zeroed();
        ffi::PyConfig_InitIsolatedConfig(&mut config);
        config.site_import = 0;
        config.write_bytecode = 0;
        config.install_signal_handlers = 0;
        config.parse_argv = 0;
        let status = ffi::PyConfig_SetBytesString(&mut config, &mut config.home, home.as_ptr());
        if ffi::PyStatus_Exception(status) != 0 {
            ffi::PyConfig_Clear(&mut config);
            return Err("could not set the Python home".into());
        }
        let status = ffi::Py_InitializeFromConfig(&config);
        ffi::PyConfig_Clear(&mut config);
        if ffi::PyStatus_Exception(status) != 0 {
            return Err(format!(
                "the embedded Python (home {}) failed to start",
                python_home().display()
            ));
        }
        ffi::PyEval_SaveThread();
    }
    Ok(())
}
