//! The init process of a child's PID namespace.
//!
//! The process `clone3` creates is PID 1 of its namespace, and the kernel
//! shields a PID 1 from every signal it has no handler for, even ones it sends
//! itself: `os.kill(os.getpid(), SIGTERM)`, `os.abort()` and the CPU limit's
//! `SIGXCPU` would not end it the usual way. So PID 1 forks once and does
//! nothing else: PID 2 is confined and runs the candidate's code with ordinary
//! signal semantics (and a PID glibc's `fork` has cached correctly), while
//! PID 1 reaps what is re-parented to it and, when PID 2 ends, reports its
//! wait status to the worker as the last sealed frame, then exits. Its exit
//! ends the namespace, so everything PID 2 started dies with it.
//!
//! PID 1 never runs Python or candidate code and is not confined: it stays
//! root in the namespace, out of the candidate's uid and Landlock domain, so
//! PID 2 can neither signal nor trace it. The worker still accounts CPU time
//! through it: `wait4` on PID 1 includes the children it reaped.

#![allow(unsafe_code)]

use std::fs::File;
use std::os::fd::{FromRawFd, RawFd};

use super::protocol::{ChildMessage, INIT_FRAME, SealKey, write_sealed};

/// Runs as PID 1 until `runner` (PID 2) ends, reports how it ended on
/// `result_fd`, and exits. Never returns.
///
/// # Safety
/// Call only in a freshly forked, single-threaded process that owns
/// `result_fd`; it closes every other descriptor.
pub unsafe fn run(runner: libc::pid_t, result_fd: RawFd, key: SealKey) -> ! {
    // SAFETY: the caller guarantees a fresh, single-threaded process that owns `result_fd`; the
    // rest is descriptor syscalls, waitpid into a local and _exit.
    unsafe {
        // Hold nothing but the result pipe, so the worker sees the runner's
        // output pipes close when the runner (and what it started) does.
        if result_fd > 0 {
            libc::syscall(libc::SYS_close_range, 0u32, (result_fd - 1) as u32, 0u32);
        }
        libc::syscall(
            libc::SYS_close_range,
            (result_fd + 1) as u32,
            u32::MAX,
            0u32,
        );
        let wait_status = loop {
            let mut status = 0;
            let pid = libc::waitpid(-1, &mut status, 0);
            if pid == runner {
                break status;
            }
            if pid < 0 && std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                // No children left without having seen the runner: cannot happen.
                libc::_exit(5);
            }
            // Otherwise an orphan the runner left behind: reaped, keep waiting.
        };
        let mut results = File::from_raw_fd(result_fd);
        let _ = write_sealed(
            &mut results,
            &key,
            INIT_FRAME,
            &ChildMessage::Ended { wait_status },
        );
        libc::_exit(0)
    }
}
