//! The child's audit hook: what candidate code may not do inside the
//! interpreter it shares with the harness.
//!
//! Some observations are made in the process that runs the candidate's code
//! (the thread hammer's controlled interleaving, native counters, the
//! sealing key of result frames). Python itself offers a few levers that
//! would let code read the source and undo them without `ctypes`:
//!
//! - `sys.settrace(None)` / `sys.setprofile` in a hammer's thread switch off
//!   the trace function that drives its turns, so a racy body runs in one go
//!   (outside a hammer they stay available: the harness's own fixtures use
//!   them, and a trace function is per thread);
//! - a code object with hand-made bytecode (`CodeType(...)`,
//!   `code.replace(co_code=...)`, or `marshal` of crafted bytes, directly or
//!   through a `.pyc` file) reads and writes any memory of the process
//!   (an unchecked `LOAD_CONST` index in a release build of CPython);
//! - frames reached while the hammer runs (`sys._getframe`, a traceback's
//!   `tb_frame`, a generator's `gi_frame`) let the code turn off per-opcode
//!   tracing of its own frame.
//!
//! A hook added with `PySys_AddAuditHook` (C API: it cannot be removed or
//! replaced from Python) refuses those events once the candidate's module is
//! about to be imported. The harness's own `settrace` calls are let through
//! by a flag only native code can set. Imports of the standard library do
//! not need `marshal` after that: `sys.pycache_prefix` points nowhere, so
//! they compile from source.
//!
//! What stays possible is a memory-safety bug in CPython itself (the
//! README's threat model says so).

// The hook is C API: every unsafe block below says why it is sound.
#![allow(unsafe_code)]

use std::cell::Cell;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use pyo3::ffi;

/// Set once the candidate's code may run: from then on the hook refuses.
static ENFORCING: AtomicBool = AtomicBool::new(false);
/// How many thread hammers are running: while one is, frames are out of reach.
static HAMMERS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The harness is (un)installing its own trace function on this thread.
    static HARNESS_TRACING: Cell<bool> = const { Cell::new(false) };
}

unsafe extern "C" {
    // Part of CPython's public C API since 3.8 (not of the limited API,
    // which is why pyo3-ffi does not declare it).
    fn PySys_AddAuditHook(
        hook: unsafe extern "C" fn(*const c_char, *mut ffi::PyObject, *mut c_void) -> c_int,
        user_data: *mut c_void,
    ) -> c_int;
}

/// Where the standard library lives: its frames run untraced by the hammer
/// (see `driver::interleave`), so code may not be compiled under its names.
static TRUSTED_PREFIX: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Whether code in `filename` is the standard library's (or the import
/// system's frozen modules): frames the hammer does not trace.
pub fn is_trusted_file(filename: &str) -> bool {
    filename.starts_with("<frozen ")
        || TRUSTED_PREFIX
            .get()
            .is_some_and(|prefix| filename.starts_with(prefix.as_str()))
}

/// `compile(source, filename)` under a trusted file's name passes only
/// with that file's own content (the import system compiling the standard
/// library), never with code of the candidate's.
fn compile_refusal(filename: &str, source: Option<&[u8]>) -> Option<&'static str> {
    if !is_trusted_file(filename) {
        return None;
    }
    let genuine = !filename.starts_with('<')
        && source.is_some_and(|source| std::fs::read(filename).is_ok_and(|file| file == source));
    (!genuine).then_some("compiling code under the standard library's file names is not available in the pyinterview sandbox")
}

/// Why an event is refused, or `None` to let it through.
fn refusal(event: &str, attribute: Option<&str>) -> Option<&'static str> {
    match event {
        "sys.settrace" | "sys.setprofile"
            if HAMMERS.load(Ordering::SeqCst) > 0 && !HARNESS_TRACING.with(Cell::get) =>
        {
            Some("sys.settrace and sys.setprofile are out of reach while the harness runs threads")
        }
        "code.__new__" => Some("building code objects is not available in the pyinterview sandbox"),
        // A hook of the candidate's could fail the harness's own events. (A
        // RuntimeError here makes CPython drop the new hook silently.)
        "sys.addaudithook" => Some("audit hooks are not available in the pyinterview sandbox"),
        "marshal.loads" | "marshal.load" => {
            Some("marshal.load(s) is not available in the pyinterview sandbox")
        }
        "sys._getframe" | "sys._current_frames" if HAMMERS.load(Ordering::SeqCst) > 0 => {
            Some("frames are out of reach while the harness runs threads")
        }
        "object.__getattr__"
            if HAMMERS.load(Ordering::SeqCst) > 0
                && matches!(
                    attribute,
                    Some("tb_frame" | "gi_frame" | "cr_frame" | "ag_frame" | "f_back")
                ) =>
        {
            Some("frames are out of reach while the harness runs threads")
        }
        _ => None,
    }
}

/// The hook CPython calls for every audit event (with the GIL held).
unsafe extern "C" fn hook(event: *const c_char, args: *mut ffi::PyObject, _: *mut c_void) -> c_int {
    if !ENFORCING.load(Ordering::SeqCst) || event.is_null() {
        return 0;
    }
    // SAFETY: CPython passes a NUL-terminated event name that outlives the call.
    let event = unsafe { CStr::from_ptr(event) }.to_str().unwrap_or("");
    if event == "compile" {
        // SAFETY: `args` is `(source, filename)` for this event: borrowed
        // items whose buffers live for this call.
        let (filename, source) = unsafe { compile_args(args) };
        return match filename.and_then(|f| compile_refusal(f, source)) {
            None => 0,
            Some(why) => refuse(why),
        };
    }
    let attribute = if event == "object.__getattr__" {
        // SAFETY: `args` is the event's tuple, `(object, name)` for this
        // event; the item and its UTF-8 buffer are borrowed for this call.
        unsafe {
            let name = ffi::PyTuple_GetItem(args, 1);
            if name.is_null() {
                ffi::PyErr_Clear();
                None
            } else {
                // (PyUnicode_AsUTF8AndSize: in the limited API the wheel uses.)
                let mut size: ffi::Py_ssize_t = 0;
                let text = ffi::PyUnicode_AsUTF8AndSize(name, &mut size);
                if text.is_null() {
                    ffi::PyErr_Clear();
                    None
                } else {
                    std::str::from_utf8(std::slice::from_raw_parts(text.cast(), size as usize)).ok()
                }
            }
        }
    } else {
        None
    };
    match refusal(event, attribute) {
        None => 0,
        Some(why) => refuse(why),
    }
}

/// Sets a `RuntimeError` saying `why`; the hook returns what this does.
fn refuse(why: &str) -> c_int {
    let message = std::ffi::CString::new(why).unwrap_or_default();
    // SAFETY: sets the current exception from a static type and a C string.
    unsafe { ffi::PyErr_SetString(ffi::PyExc_RuntimeError, message.as_ptr()) };
    -1
}

/// The filename and the source text of a `compile` event (`None` where one
/// is not a str or bytes: an AST, a path object).
///
/// # Safety
/// `args` must be the event's argument tuple, and the GIL held.
unsafe fn compile_args<'a>(args: *mut ffi::PyObject) -> (Option<&'a str>, Option<&'a [u8]>) {
    // SAFETY: per the contract; every item is borrowed from the tuple.
    unsafe {
        let text = |object: *mut ffi::PyObject| -> Option<&'a [u8]> {
            if object.is_null() {
                return None;
            }
            let mut size: ffi::Py_ssize_t = 0;
            if ffi::PyUnicode_Check(object) != 0 {
                let data = ffi::PyUnicode_AsUTF8AndSize(object, &mut size);
                if data.is_null() {
                    ffi::PyErr_Clear();
                    return None;
                }
                return Some(std::slice::from_raw_parts(data.cast(), size as usize));
            }
            if ffi::PyBytes_Check(object) != 0 {
                let data = ffi::PyBytes_AsString(object);
                let size = ffi::PyBytes_Size(object);
                if data.is_null() {
                    ffi::PyErr_Clear();
                    return None;
                }
                return Some(std::slice::from_raw_parts(data.cast(), size as usize));
            }
            None
        };
        let source = text(ffi::PyTuple_GetItem(args, 0));
        let filename =
            text(ffi::PyTuple_GetItem(args, 1)).and_then(|b| std::str::from_utf8(b).ok());
        if clear_error() {
            return (None, None);
        }
        (filename, source)
    }
}

/// Clears a pending error (a bad tuple index); whether there was one.
fn clear_error() -> bool {
    // SAFETY: called with the GIL held, from the hook.
    unsafe {
        if ffi::PyErr_Occurred().is_null() {
            false
        } else {
            ffi::PyErr_Clear();
            true
        }
    }
}

/// Installs the hook (inactive until [`enforce`]), with `prefix` the
/// standard library's home. Call once per process, in the child, with the
/// GIL held.
pub fn install(prefix: &str) -> Result<(), String> {
    let _ = TRUSTED_PREFIX.set(prefix.to_string());
    // SAFETY: `hook` matches Py_AuditHookFunction; no user data.
    let status = unsafe { PySys_AddAuditHook(hook, std::ptr::null_mut()) };
    if status == 0 {
        Ok(())
    } else {
        Err("PySys_AddAuditHook failed".into())
    }
}

/// From now on candidate code may run: refuse what it may not do.
pub fn enforce() {
    ENFORCING.store(true, Ordering::SeqCst);
}

/// Runs `f` (the harness setting its own trace function) with
/// `sys.settrace` let through on this thread.
pub fn harness_tracing<R>(f: impl FnOnce() -> R) -> R {
    HARNESS_TRACING.with(|flag| flag.set(true));
    let result = f();
    HARNESS_TRACING.with(|flag| flag.set(false));
    result
}

/// Frames are out of reach until the returned guard drops (a hammer runs).
pub fn hammering() -> HammerGuard {
    HAMMERS.fetch_add(1, Ordering::SeqCst);
    HammerGuard
}

/// See [`hammering`].
pub struct HammerGuard;

impl Drop for HammerGuard {
    fn drop(&mut self) {
        HAMMERS.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_compiled_under_a_library_name_must_be_that_file() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().to_str().unwrap().to_string();
        let _ = TRUSTED_PREFIX.set(prefix.clone());
        let Some(prefix) = TRUSTED_PREFIX.get().filter(|p| **p == prefix) else {
            return; // another test set it first: nothing to check here
        };
        let file = format!("{prefix}/threading.py");
        std::fs::write(&file, "x = 1\n").unwrap();
        assert!(compile_refusal(&file, Some(b"x = 1\n")).is_none());
        assert!(compile_refusal(&file, Some(b"racy()\n")).is_some());
        assert!(compile_refusal(&file, None).is_some());
        assert!(compile_refusal("<frozen importlib._bootstrap>", Some(b"x")).is_some());
        assert!(compile_refusal("<string>", Some(b"anything")).is_none());
        assert!(compile_refusal("/tmp/scratch/lru_cache.py", Some(b"anything")).is_none());
    }

    #[test]
    fn hand_made_code_is_always_refused() {
        assert!(refusal("code.__new__", None).is_some());
        assert!(refusal("marshal.loads", None).is_some());
        assert!(refusal("sys.addaudithook", None).is_some());
        assert!(refusal("open", None).is_none());
    }

    #[test]
    fn frames_and_tracing_are_refused_only_while_a_hammer_runs() {
        assert!(refusal("object.__getattr__", Some("tb_frame")).is_none());
        assert!(refusal("sys._getframe", None).is_none());
        assert!(refusal("sys.settrace", None).is_none());
        {
            let _guard = hammering();
            assert!(refusal("sys.settrace", None).is_some());
            assert!(refusal("sys.setprofile", None).is_some());
            assert!(harness_tracing(|| refusal("sys.settrace", None)).is_none());
            assert!(refusal("sys.settrace", None).is_some());
            assert!(refusal("object.__getattr__", Some("tb_frame")).is_some());
            assert!(refusal("object.__getattr__", Some("gi_code")).is_none());
            assert!(refusal("sys._getframe", None).is_some());
        }
        assert!(refusal("sys._getframe", None).is_none());
    }
}
