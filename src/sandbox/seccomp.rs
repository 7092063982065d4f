//! The system-call filter: the last confinement step, applied in every mode
//! (root, user namespaces, or neither), just before candidate code runs.
//!
//! Candidate code shares its process with the driver that observes it, so the
//! filter takes away what would let Python code reach the driver's state or
//! the host:
//!
//! * **The result channel.** No `dup2`/`dup3` onto the result descriptor, no
//!   `close` or `close_range` that covers it, no clearing its close-on-exec
//!   flag: it stays the pipe the worker reads, so the driver's frames never
//!   reach a pipe of the candidate's.
//! * **Memory of processes.** No `ptrace`, `process_vm_readv/writev`,
//!   `pidfd_getfd`, `userfaultfd`, `perf_event_open` or `bpf`.
//! * **New native code.** No `mmap`/`mprotect` with `PROT_EXEC` and no
//!   `personality` (whose `READ_IMPLIES_EXEC` would turn readable mappings
//!   executable): once confined, no shared object can be loaded, so
//!   `ctypes`, `_ctypes`, `cffi` and every other extension module that the
//!   worker did not load beforehand (see `worker::PRELOAD`) are out of reach,
//!   and so is shellcode in an `mmap`. A program the code `exec`s cannot map
//!   its shared libraries either.
//! * **The network.** No `socket` at all; `socketpair` for `AF_UNIX` only
//!   (asyncio's self-pipe, multiprocessing's pipes); no `connect`, `bind`,
//!   `sendmsg`/`sendmmsg`, or `sendto` with an address; no io_uring, which
//!   could do all of that behind the filter's back.
//! * **New namespaces.** No `unshare`, `setns`, `mount` or namespace flags to
//!   `clone`. `clone3` reports `ENOSYS`, whose arguments a filter cannot read,
//!   so glibc falls back to `clone`, whose flags it can.
//!
//! The filter is built with `seccompiler`; calls of another architecture
//! (i386 through `int 0x80`) kill the process, and x32 system calls (numbers
//! with bit 30 set, which a filter keyed on x86-64 numbers would not match)
//! are refused by three instructions placed before seccompiler's program.

#![allow(unsafe_code)]

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, sock_filter,
};

/// One filter with its action on a match: each is installed in turn.
fn filters(protected_fd: u64) -> Result<Vec<BpfProgram>, String> {
    let deny = denied_calls(protected_fd)?;
    let no_clone3 = BTreeMap::from([(libc::SYS_clone3, vec![])]);
    [
        (deny, SeccompAction::Errno(libc::EPERM as u32)),
        (no_clone3, SeccompAction::Errno(libc::ENOSYS as u32)),
    ]
    .into_iter()
    .map(|(rules, action)| {
        let arch = std::env::consts::ARCH
            .try_into()
            .map_err(|e| format!("seccomp: {e:?}"))?;
        let filter = SeccompFilter::new(rules, SeccompAction::Allow, action, arch)
            .map_err(|e| format!("seccomp: {e}"))?;
        let program: BpfProgram = filter.try_into().map_err(|e| format!("seccomp: {e}"))?;
        Ok(with_x32_refused(program))
    })
    .collect()
}

/// `arg` (0-based) compared with `value`, over the whole 64-bit register.
fn arg(index: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, String> {
    SeccompCondition::new(index, SeccompCmpArgLen::Qword, op, value)
        .map_err(|e| format!("seccomp: {e}"))
}

/// `arg` compared over its low 32 bits: for `int` arguments, whose upper
/// half the kernel ignores.
fn int_arg(index: u8, op: SeccompCmpOp, value: u64) -> Result<SeccompCondition, String> {
    SeccompCondition::new(index, SeccompCmpArgLen::Dword, op, value)
        .map_err(|e| format!("seccomp: {e}"))
}

fn rule(conditions: Vec<SeccompCondition>) -> Result<SeccompRule, String> {
    SeccompRule::new(conditions).map_err(|e| format!("seccomp: {e}"))
}

/// A rule per bit: matches when any of `bits` is set in `arg`.
fn any_bit(index: u8, bits: &[u64]) -> Result<Vec<SeccompRule>, String> {
    bits.iter()
        .map(|bit| rule(vec![arg(index, SeccompCmpOp::MaskedEq(*bit), *bit)?]))
        .collect()
}

fn denied_calls(fd: u64) -> Result<BTreeMap<i64, Vec<SeccompRule>>, String> {
    use SeccompCmpOp::*;
    let always: Vec<SeccompRule> = vec![];
    let exec = libc::PROT_EXEC as u64;
    let namespaces = [
        libc::CLONE_NEWUSER,
        libc::CLONE_NEWNS,
        libc::CLONE_NEWPID,
        libc::CLONE_NEWNET,
        libc::CLONE_NEWIPC,
        libc::CLONE_NEWUTS,
        libc::CLONE_NEWCGROUP,
    ]
    .map(|flag| flag as u64);
    let mut rules = BTreeMap::from([
        // The result descriptor stays where it is.
        (libc::SYS_dup2, vec![rule(vec![int_arg(1, Eq, fd)?])?]),
        (libc::SYS_dup3, vec![rule(vec![int_arg(1, Eq, fd)?])?]),
        (libc::SYS_close, vec![rule(vec![int_arg(0, Eq, fd)?])?]),
        (
            libc::SYS_close_range,
            vec![rule(vec![int_arg(0, Le, fd)?, int_arg(1, Ge, fd)?])?],
        ),
        (
            libc::SYS_fcntl,
            vec![rule(vec![
                int_arg(0, Eq, fd)?,
                int_arg(1, Eq, libc::F_SETFD as u64)?,
            ])?],
        ),
        // Python's os.set_inheritable clears close-on-exec with an ioctl.
        (
            libc::SYS_ioctl,
            vec![rule(vec![
                int_arg(0, Eq, fd)?,
                arg(1, Eq, libc::FIONCLEX)?,
            ])?],
        ),
        // No new executable memory: no shared objects, no shellcode.
        (libc::SYS_mmap, any_bit(2, &[exec])?),
        (libc::SYS_mprotect, any_bit(2, &[exec])?),
        (libc::SYS_pkey_mprotect, any_bit(2, &[exec])?),
        // The network: socketpairs of AF_UNIX only, no addresses.
        (
            libc::SYS_socketpair,
            vec![rule(vec![int_arg(0, Ne, libc::AF_UNIX as u64)?])?],
        ),
        (libc::SYS_sendto, vec![rule(vec![arg(4, Ne, 0)?])?]),
        (libc::SYS_clone, any_bit(0, &namespaces)?),
    ]);
    for call in [
        // Other processes' memory and descriptors.
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_pidfd_getfd,
        libc::SYS_kcmp,
        libc::SYS_userfaultfd,
        libc::SYS_perf_event_open,
        libc::SYS_bpf,
        libc::SYS_personality,
        // Memory outside every process's mappings, which the supervisor's
        // sum of their memory would not see without a cgroup.
        libc::SYS_memfd_create,
        libc::SYS_memfd_secret,
        // Sockets with an address.
        libc::SYS_socket,
        libc::SYS_connect,
        libc::SYS_bind,
        libc::SYS_sendmsg,
        libc::SYS_sendmmsg,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
        // The machine's configuration.
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_chroot,
        libc::SYS_open_by_handle_at,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_init_module,
        libc::SYS_finit_module,
        libc::SYS_kexec_load,
        libc::SYS_kexec_file_load,
        libc::SYS_fanotify_init,
    ] {
        rules.insert(call, always.clone());
    }
    Ok(rules)
}

/// Prepends: load the call number; if bit 30 is set (the x32 ABI), refuse.
fn with_x32_refused(program: BpfProgram) -> BpfProgram {
    const X32_SYSCALL_BIT: u32 = 0x4000_0000;
    // Opcodes from <linux/bpf_common.h>: BPF_LD | BPF_W | BPF_ABS (0x00 | 0x00 | 0x20).
    const LD_W_ABS: u16 = 0x20;
    const JMP_JGE_K: u16 = 0x05 | 0x30;
    const RET_K: u16 = 0x06;
    let mut out = vec![
        // seccomp_data.nr is at offset 0.
        sock_filter {
            code: LD_W_ABS,
            jt: 0,
            jf: 0,
            k: 0,
        },
        sock_filter {
            code: JMP_JGE_K,
            jt: 0,
            jf: 1,
            k: X32_SYSCALL_BIT,
        },
        sock_filter {
            code: RET_K,
            jt: 0,
            jf: 0,
            k: libc::SECCOMP_RET_ERRNO | libc::EPERM as u32,
        },
    ];
    out.extend(program);
    out
}

/// Installs the filters in this (single-threaded) process; they are
/// inherited by everything it starts and can never be removed.
pub fn install(protected_fd: i32) -> Result<(), String> {
    // SAFETY: prctl with integer arguments; seccomp requires no_new_privs.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(format!("no_new_privs: {}", std::io::Error::last_os_error()));
    }
    for program in filters(protected_fd as u64)? {
        seccompiler::apply_filter(&program).map_err(|e| format!("seccomp: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filters_compile_and_refuse_x32_first() {
        let programs = filters(3).unwrap();
        assert_eq!(programs.len(), 2);
        for program in &programs {
            assert_eq!(program[1].k, 0x4000_0000);
            assert_eq!(program[2].k, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32);
        }
    }

    /// In a forked process (so the test binary stays unfiltered): the
    /// protected descriptor cannot be replaced or closed, sockets cannot be
    /// made, executable memory cannot be mapped, but ordinary work goes on.
    #[test]
    fn a_filtered_process_keeps_its_descriptor_and_gets_no_sockets() {
        // SAFETY: the forked child only makes syscalls and exits.
        unsafe {
            let pid = libc::fork();
            assert!(pid >= 0);
            if pid == 0 {
                let fd = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
                let code = (|| {
                    if libc::dup2(fd, 50) != 50 || install(50).is_err() {
                        return 10;
                    }
                    if libc::dup2(fd, 50) != -1 || libc::close(50) != -1 {
                        return 11;
                    }
                    if libc::syscall(libc::SYS_close_range, 3u32, 100u32, 0u32) != -1 {
                        return 12;
                    }
                    if libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) != -1 {
                        return 13;
                    }
                    let mut pair = [0; 2];
                    if libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, pair.as_mut_ptr()) != 0
                    {
                        return 14;
                    }
                    let map = libc::mmap(
                        std::ptr::null_mut(),
                        4096,
                        libc::PROT_READ | libc::PROT_EXEC,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                        -1,
                        0,
                    );
                    if map != libc::MAP_FAILED {
                        return 15;
                    }
                    let map = libc::mmap(
                        std::ptr::null_mut(),
                        4096,
                        libc::PROT_READ | libc::PROT_WRITE,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                        -1,
                        0,
                    );
                    if map == libc::MAP_FAILED
                        || libc::mprotect(map, 4096, libc::PROT_READ | libc::PROT_EXEC) != -1
                    {
                        return 16;
                    }
                    if libc::dup2(fd, 60) != 60 || libc::close(60) != 0 {
                        return 17;
                    }
                    0
                })();
                libc::_exit(code);
            }
            let mut status = 0;
            libc::waitpid(pid, &mut status, 0);
            assert!(libc::WIFEXITED(status), "status {status}");
            assert_eq!(libc::WEXITSTATUS(status), 0);
        }
    }
}
