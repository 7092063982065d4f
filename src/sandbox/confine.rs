//! Confining a freshly forked child before any candidate code runs.
//!
//! In order, in the child:
//! 1. *Namespaces* (when the worker could create them, i.e. as root): the
//!    child runs as PID 2 of its own PID namespace under a tiny init (see
//!    `init`; everything it starts, `setsid` or not, dies with the init), has a network namespace with no interfaces, and a
//!    private mount namespace where the scratch directory is a size-limited
//!    tmpfs, `/proc` shows only the sandbox, and directories the sandbox user
//!    could not traverse (e.g. a Python under `/root`) are hidden behind a
//!    tmpfs that exposes just the Python installation.
//!    `/tmp`, `/var/tmp`, `/run` and `/dev/shm` are covered by empty tmpfs,
//!    so no host socket (D-Bus, X11, a daemon's) is there to connect to.
//! 2. The submission's files are copied into the scratch directory (regular
//!    files only: links are never followed out of the submission).
//! 3. Resource limits (see [`Limits`]); no core dumps; `SIGXFSZ` ignored so an
//!    oversized write fails with an `OSError` instead of killing the process.
//! 4. As root: drop to the unprivileged sandbox user (a root process ignores
//!    RLIMIT_NPROC).
//! 5. `no_new_privs`, then Landlock: reads only below the Python installation
//!    and system directories, writes only below the scratch directory, no TCP,
//!    no signals or abstract sockets outside the sandbox.
//!
//! Every step records in [`Confinement`] whether it is enforced here.

#![allow(unsafe_code)]

use std::ffi::CString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use landlock::{
    ABI, Access, AccessFs, AccessNet, CompatLevel, Compatible, Ruleset, RulesetAttr,
    RulesetCreatedAttr, RulesetStatus, Scope, path_beneath_rules,
};

use super::limits::{Confinement, Limits};

/// The unprivileged user and group the child becomes when the grader is
/// root: one per worker process, so that parallel graders never share a
/// process count (RLIMIT_NPROC counts every process of a uid). No passwd
/// entry is needed for a uid.
pub fn sandbox_id() -> u32 {
    static ID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ID.get_or_init(|| 200_000 + std::process::id() % 100_000)
}
/// Files copied from a submission at most.
const MAX_FILES: usize = 256;
/// Directories covered by an empty tmpfs in the mount namespace.
const MASKED: &[&str] = &["/tmp", "/var/tmp", "/run", "/dev/shm"];

/// What the child needs to confine itself.
pub struct Plan<'a> {
    /// The memory/process cgroup to join first, or why there is none.
    pub cgroup: Result<&'a super::cgroup::Cgroup, &'a str>,
    /// The child was created in new PID, network and mount namespaces.
    pub namespaces: bool,
    pub submission: &'a Path,
    pub scratch: &'a Path,
    pub python_home: &'a Path,
    pub limits: &'a Limits,
    /// The descriptor results are written to, which the code may not replace.
    pub result_fd: i32,
}

/// Applies every step; an `Err` means the child must not run candidate code.
pub fn confine(plan: &Plan<'_>) -> Result<Confinement, String> {
    let mut report = Confinement::default();
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    match plan.cgroup {
        Ok(cgroup) => {
            cgroup.join()?;
            report.add(
                "memory",
                true,
                format!(
                    "a cgroup caps all the sandbox's processes together at {} MiB and {} processes",
                    plan.limits.memory_mb, plan.limits.processes
                ),
            );
        }
        Err(why) => report.add(
            "memory",
            true,
            format!(
                "the supervisor adds up the resident memory of all the sandbox's processes every 20 ms and ends them past {} MiB ({why})",
                plan.limits.memory_mb
            ),
        ),
    }
    // Read before the mounts: the submission may live under a directory
    // that the mount namespace is about to cover.
    let files = read_submission(plan.submission, plan.limits)?;
    if plan.namespaces {
        private_mounts(plan)?;
        let how = if root { "" } else { " (in a user namespace)" };
        report.add(
            "processes",
            true,
            format!("own PID namespace{how}: everything the code starts dies with it"),
        );
        report.add(
            "network",
            true,
            format!("own network namespace with no interfaces{how}, and seccomp: no sockets but socketpairs"),
        );
    } else {
        report.add(
            "processes",
            false,
            "no PID namespace here (user namespaces refused): every descendant is found and killed when the exercise ends",
        );
        report.add(
            "network",
            true,
            "seccomp: no sockets but AF_UNIX socketpairs, no connect, bind or addressed send",
        );
    }
    let copied = write_files(plan.scratch, &files)?;
    if root {
        chown_tree(plan.scratch, &copied)?;
    }
    // RLIMIT_NPROC counts every process of the user. As root the sandbox has
    // a uid of its own, in a user namespace a count of its own; otherwise the
    // user's other processes (hundreds on a desktop) would eat the budget, so
    // the limit starts from how many the user runs now.
    let processes = if root || plan.namespaces {
        plan.limits.processes
    } else {
        user_tasks() + plan.limits.processes
    };
    set_limits(plan.limits, processes)?;
    if root {
        drop_privileges()?;
        report.add(
            "user",
            true,
            format!("runs as uid {}, not root", sandbox_id()),
        );
    } else {
        if plan.namespaces {
            // The user namespace gave every capability inside it.
            drop_capabilities()?;
        }
        report.add(
            "user",
            true,
            "runs as the grading user, with no capabilities",
        );
    }
    std::env::set_current_dir(plan.scratch)
        .map_err(|e| format!("chdir to the scratch directory: {e}"))?;
    let landlock = landlock(plan, &mut report)?;
    let landlocked = landlock != Landlocked::No;
    if !plan.namespaces {
        // (In namespaces, the child says how its signals behave itself.)
        let (signals_confined, how) = signals(plan.namespaces, root, landlock);
        report.add("signals", signals_confined, how);
    }
    if !landlocked {
        // Without Landlock, /proc is reachable: not dumpable, /proc/self/fd
        // and friends belong to root, so the code cannot reopen its own result
        // pipe through /proc/self/fd/3 (a uid change does this by itself as
        // root; without root it must be asked for). With Landlock /proc is
        // out of reach anyway, and the child stays dumpable so that the
        // supervisor can read its proportional memory (smaps_rollup), which
        // is what keeps forked copies from counting their shared pages twice.
        check(
            // SAFETY: prctl with integer arguments only.
            unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) },
            "PR_SET_DUMPABLE",
        )?;
    }
    super::seccomp::install(plan.result_fd)?;
    report.add(
        "syscalls",
        true,
        "seccomp: the result descriptor cannot be replaced, no tracing or reading other processes' memory, no new native code (ctypes, cffi, extension modules not preloaded), no namespaces or mounts",
    );
    Ok(report)
}

fn cstr(path: &Path) -> CString {
    CString::new(path.as_os_str().as_encoded_bytes()).unwrap_or_default()
}

fn check(rc: libc::c_int, what: &str) -> Result<(), String> {
    if rc == 0 {
        Ok(())
    } else {
        Err(format!("{what}: {}", std::io::Error::last_os_error()))
    }
}

fn mount(
    source: &str,
    target: &Path,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> Result<(), String> {
    let source = CString::new(source).expect("no NUL");
    let target_c = cstr(target);
    let fstype = fstype.map(|f| CString::new(f).expect("no NUL"));
    let data = data.map(|d| CString::new(d).expect("no NUL"));
    // SAFETY: every pointer is a NUL-terminated CString that outlives the call, or null where mount
    // accepts it.
    let rc = unsafe {
        libc::mount(
            source.as_ptr(),
            target_c.as_ptr(),
            fstype.as_ref().map_or(std::ptr::null(), |f| f.as_ptr()),
            flags,
            data.as_ref()
                .map_or(std::ptr::null(), |d| d.as_ptr().cast()),
        )
    };
    check(rc, &format!("mount {}", target.display()))
}

/// The mount namespace: private propagation, a tmpfs scratch directory, the
/// Python installation reachable, a `/proc` of the sandbox's own.
fn private_mounts(plan: &Plan<'_>) -> Result<(), String> {
    let none = std::ptr::null();
    check(
        // SAFETY: a static C string, and null for the source, type and data, which mount ignores
        // for a propagation change.
        unsafe {
            libc::mount(
                none,
                c"/".as_ptr(),
                none,
                libc::MS_REC | libc::MS_PRIVATE,
                none.cast(),
            )
        },
        "make mounts private",
    )?;
    // Host sockets (D-Bus, X11, daemons) live in these: an empty tmpfs over
    // each leaves nothing to connect to, whatever the file permissions.
    for dir in MASKED {
        let path = Path::new(dir);
        if path.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            mount(
                "pyinterview-mask",
                path,
                Some("tmpfs"),
                libc::MS_NOSUID | libc::MS_NODEV,
                Some("mode=1777,size=1m"),
            )?;
        }
    }
    std::fs::create_dir_all(plan.scratch)
        .map_err(|e| format!("mkdir {}: {e}", plan.scratch.display()))?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let (uid, gid) = if unsafe { libc::geteuid() } == 0 {
        (sandbox_id(), sandbox_id())
    } else {
        // SAFETY: geteuid and getegid have no preconditions and cannot fail.
        unsafe { (libc::geteuid(), libc::getegid()) }
    };
    let size = format!(
        "size={}m,mode=0700,uid={uid},gid={gid}",
        plan.limits.file_size_mb.max(1) * 4,
    );
    mount(
        "pyinterview-scratch",
        plan.scratch,
        Some("tmpfs"),
        libc::MS_NOSUID | libc::MS_NODEV,
        Some(&size),
    )?;
    expose_python_home(plan.python_home)?;
    // A /proc of the sandbox's own. In a user namespace the kernel refuses
    // it where the host's /proc is partly covered (as in a container); that
    // costs nothing essential, since Landlock keeps /proc unreadable anyway.
    let proc = mount(
        "proc",
        Path::new("/proc"),
        Some("proc"),
        libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
        None,
    );
    match proc {
        // SAFETY: geteuid has no preconditions and cannot fail.
        Err(_) if unsafe { libc::geteuid() } != 0 => Ok(()),
        other => other,
    }
}

/// If an ancestor of the Python home is closed to others (e.g. `/root` is
/// 0700), covers it with a tmpfs holding only a bind mount of the Python home,
/// so the unprivileged sandbox user can import the standard library while the
/// rest of that directory stays invisible.
fn expose_python_home(home: &Path) -> Result<(), String> {
    let Some(closed) = home
        .ancestors()
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|dir| std::fs::metadata(dir).is_ok_and(|m| m.mode() & 0o001 == 0))
    else {
        return Ok(());
    };
    if closed == home {
        return Ok(()); // the home itself is closed: nothing sensible to expose
    }
    let keep = std::fs::File::open(home).map_err(|e| format!("open {}: {e}", home.display()))?;
    use std::os::fd::AsRawFd;
    let keep_path = PathBuf::from(format!("/proc/self/fd/{}", keep.as_raw_fd()));
    mount(
        "pyinterview-mask",
        closed,
        Some("tmpfs"),
        libc::MS_NOSUID | libc::MS_NODEV,
        Some("mode=0755,size=1m"),
    )?;
    std::fs::create_dir_all(home).map_err(|e| format!("mkdir {}: {e}", home.display()))?;
    mount(
        keep_path.to_str().unwrap_or_default(),
        home,
        None,
        libc::MS_BIND | libc::MS_REC,
        None,
    )?;
    // Read-only: the sandbox must not change the interpreter it shares.
    mount(
        "none",
        home,
        None,
        libc::MS_BIND | libc::MS_REMOUNT | libc::MS_RDONLY | libc::MS_REC,
        None,
    )
}

/// Copies the submission's regular files (not links, not directories) into
/// the scratch directory. Returns the names copied.
fn read_submission(
    from: &Path,
    limits: &Limits,
) -> Result<Vec<(std::ffi::OsString, Vec<u8>)>, String> {
    let entries = std::fs::read_dir(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    let max_bytes = limits.file_size_mb * 1024 * 1024;
    let mut files = Vec::new();
    for entry in entries.flatten().take(MAX_FILES) {
        // Regular files only, opened without following links or blocking on
        // a FIFO; the grader warns about what was skipped.
        if let Ok(bytes) = crate::submission_files::read(from, entry.file_name(), max_bytes) {
            files.push((entry.file_name(), bytes));
        }
    }
    Ok(files)
}

/// Writes the submission's files into the scratch directory; returns their paths.
fn write_files(to: &Path, files: &[(std::ffi::OsString, Vec<u8>)]) -> Result<Vec<PathBuf>, String> {
    let mut written = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let target = to.join(name);
        std::fs::write(&target, bytes).map_err(|e| format!("write {}: {e}", target.display()))?;
        written.push(target);
    }
    Ok(written)
}

fn chown_tree(scratch: &Path, files: &[PathBuf]) -> Result<(), String> {
    for path in std::iter::once(scratch).chain(files.iter().map(PathBuf::as_path)) {
        // SAFETY: `cstr(path)` is a NUL-terminated string that lives until the end of the
        // statement.
        let rc = unsafe { libc::chown(cstr(path).as_ptr(), sandbox_id(), sandbox_id()) };
        check(rc, &format!("chown {}", path.display()))?;
    }
    Ok(())
}

/// Processes and threads of this user now (what RLIMIT_NPROC counts).
fn user_tasks() -> u64 {
    // SAFETY: getuid has no preconditions and cannot fail.
    let me = unsafe { libc::getuid() };
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
        })
        .filter(|e| e.metadata().is_ok_and(|m| m.uid() == me))
        .map(|e| std::fs::read_dir(e.path().join("task")).map_or(1, |t| t.count() as u64))
        .sum()
}

fn set_limits(limits: &Limits, processes: u64) -> Result<(), String> {
    let mib = 1024 * 1024;
    let set = |resource, soft: u64, hard: u64, what: &str| {
        let limit = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: `limit` is a valid rlimit on the stack, which the kernel only reads.
        check(unsafe { libc::setrlimit(resource, &limit) }, what)
    };
    set(libc::RLIMIT_CORE, 0, 0, "RLIMIT_CORE")?;
    set(
        libc::RLIMIT_CPU,
        limits.cpu_seconds,
        limits.cpu_seconds + 1,
        "RLIMIT_CPU",
    )?;
    set(
        libc::RLIMIT_AS,
        limits.memory_mb * mib,
        limits.memory_mb * mib,
        "RLIMIT_AS",
    )?;
    set(
        libc::RLIMIT_FSIZE,
        limits.file_size_mb * mib,
        limits.file_size_mb * mib,
        "RLIMIT_FSIZE",
    )?;
    set(
        libc::RLIMIT_NOFILE,
        limits.open_files,
        limits.open_files,
        "RLIMIT_NOFILE",
    )?;
    // Never above the hard limit the user already has (only root may raise it).
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `current` is a valid rlimit on the stack for the kernel to fill in.
    unsafe { libc::getrlimit(libc::RLIMIT_NPROC, &mut current) };
    let processes = processes.min(current.rlim_max);
    set(libc::RLIMIT_NPROC, processes, processes, "RLIMIT_NPROC")?;
    // SAFETY: SIG_IGN installs no handler; ignoring SIGXFSZ is always sound.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    Ok(())
}

/// Empties every capability set, the bounding set and the ambient set.
fn drop_capabilities() -> Result<(), String> {
    #[repr(C)]
    struct Header {
        version: u32,
        pid: i32,
    }
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    const VERSION_3: u32 = 0x2008_0522;
    // SAFETY: prctl with integer arguments; capset reads a version-3 header and two data structs
    // laid out as the kernel's (`repr(C)`), both alive for the call.
    unsafe {
        for cap in 0..64 {
            libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0);
        }
        libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        );
        let header = Header {
            version: VERSION_3,
            pid: 0,
        };
        let data = [Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        }; 2];
        check(
            libc::syscall(libc::SYS_capset, &header, data.as_ptr()) as libc::c_int,
            "capset",
        )
    }
}

fn drop_privileges() -> Result<(), String> {
    // SAFETY: setgroups with a count of 0 reads no list (hence null); the set*id calls take
    // integers only.
    unsafe {
        check(libc::setgroups(0, std::ptr::null()), "setgroups")?;
        check(
            libc::setresgid(sandbox_id(), sandbox_id(), sandbox_id()),
            "setresgid",
        )?;
        check(
            libc::setresuid(sandbox_id(), sandbox_id(), sandbox_id()),
            "setresuid",
        )?;
        if libc::setuid(0) == 0 {
            return Err("privileges could be regained after dropping them".into());
        }
    }
    Ok(())
}

/// Who the code can signal, said as it is on this machine: whether no
/// process outside the sandbox can be signalled, and how.
fn signals(namespaces: bool, root: bool, landlock: Landlocked) -> (bool, &'static str) {
    if namespaces {
        (
            true,
            "own PID namespace: no process outside the sandbox can be named",
        )
    } else if root {
        (
            true,
            "a uid of its own: no process outside the sandbox can be signalled",
        )
    } else if landlock == Landlocked::Fully {
        (
            true,
            "Landlock scoping: no signal reaches a process outside the sandbox",
        )
    } else {
        (
            false,
            "the code could signal the grading user's other processes (Landlock scoping needs Linux 6.12)",
        )
    }
}

/// How much of the Landlock ruleset this kernel enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Landlocked {
    /// Everything, signal and abstract-socket scoping included (Linux 6.12).
    Fully,
    /// The file rules at least (an older kernel).
    Partly,
    No,
}

/// Enforces Landlock as far as the kernel allows, and says how far.
fn landlock(plan: &Plan<'_>, report: &mut Confinement) -> Result<Landlocked, String> {
    let abi = ABI::V6;
    let read = AccessFs::from_read(abi);
    let mut readable: Vec<&Path> = [
        "/usr",
        "/lib",
        "/lib64",
        "/bin",
        "/sbin",
        "/etc",
        "/dev/urandom",
        "/dev/random",
    ]
    .iter()
    .map(Path::new)
    .collect();
    // Not /proc, even the sandbox's own: /proc/self/mem would read the
    // driver's memory and /proc/self/fd/3 would reopen the result pipe.
    readable.push(plan.python_home);
    let status = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp))
        .and_then(|r| r.scope(Scope::Signal | Scope::AbstractUnixSocket))
        .and_then(|r| r.create())
        .and_then(|r| r.add_rules(path_beneath_rules(readable, read)))
        .and_then(|r| r.add_rules(path_beneath_rules([plan.scratch], AccessFs::from_all(abi))))
        .and_then(|r| {
            r.add_rules(path_beneath_rules(
                ["/dev/null", "/dev/zero"],
                read | AccessFs::WriteFile,
            ))
        })
        .and_then(|r| r.restrict_self())
        .map_err(|e| format!("Landlock: {e}"))?;
    let (landlocked, detail) = match status.ruleset {
        RulesetStatus::FullyEnforced => (
            Landlocked::Fully,
            "Landlock: writes only in the scratch directory, reads only system and Python files, no TCP, no signals outside the sandbox",
        ),
        RulesetStatus::PartiallyEnforced => (
            Landlocked::Partly,
            "Landlock (partly, older kernel): writes only in the scratch directory, reads only system and Python files",
        ),
        RulesetStatus::NotEnforced => (
            Landlocked::No,
            "Landlock is not available on this kernel: file access is limited only by the sandbox user's permissions",
        ),
    };
    report.add("filesystem", landlocked != Landlocked::No, detail);
    if !status.no_new_privs {
        return Err("could not set no_new_privs".into());
    }
    Ok(landlocked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_are_said_confined_only_where_they_are() {
        assert!(signals(true, false, Landlocked::No).0);
        assert!(signals(false, true, Landlocked::No).0);
        assert!(signals(false, false, Landlocked::Fully).0);
        // An ordinary user without namespaces on a kernel before 6.12.
        assert!(!signals(false, false, Landlocked::Partly).0);
        assert!(!signals(false, false, Landlocked::No).0);
    }
}
