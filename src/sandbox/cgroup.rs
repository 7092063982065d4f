//! A memory and process cap for the whole sandbox, not just one process.
//!
//! RLIMIT_AS bounds each process, so 64 processes could each take the
//! per-process limit. Where the worker may create cgroups (root, with the
//! memory and pids controllers of cgroup v1, or v2 with them already
//! delegated to its cgroup), each child gets a fresh cgroup capping the
//! memory of all its processes together at the memory limit and their number
//! at the process limit. The child joins it itself, before any candidate
//! code runs; the worker removes it after the child's processes are gone.

#![allow(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where this worker may create child cgroups, found once.
#[derive(Debug, Clone)]
enum Layout {
    /// cgroup v1: one hierarchy per controller.
    V1 {
        memory: PathBuf,
        pids: Option<PathBuf>,
    },
    /// cgroup v2 with memory (and maybe pids) delegated to our cgroup.
    V2 { base: PathBuf, pids: bool },
}

fn layout() -> Result<&'static Layout, &'static str> {
    static LAYOUT: OnceLock<Result<Layout, &'static str>> = OnceLock::new();
    LAYOUT.get_or_init(detect).as_ref().map_err(|e| *e)
}

fn detect() -> Result<Layout, &'static str> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Err("no cgroup here: not root");
    }
    let table = std::fs::read_to_string("/proc/self/cgroup").map_err(|_| "no /proc/self/cgroup")?;
    let mut v1_memory = None;
    let mut v1_pids = None;
    let mut v2 = None;
    for line in table.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (
            parts.next(),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let path = path.trim_start_matches('/');
        for controller in controllers.split(',') {
            match controller {
                "memory" => v1_memory = Some(Path::new("/sys/fs/cgroup/memory").join(path)),
                "pids" => v1_pids = Some(Path::new("/sys/fs/cgroup/pids").join(path)),
                "" => v2 = Some(Path::new("/sys/fs/cgroup").join(path)),
                _ => {}
            }
        }
    }
    if let Some(memory) = v1_memory.filter(|p| p.join("memory.limit_in_bytes").exists()) {
        return Ok(Layout::V1 {
            memory,
            pids: v1_pids.filter(|p| p.join("pids.max").exists()),
        });
    }
    if let Some(base) = v2 {
        let delegated =
            std::fs::read_to_string(base.join("cgroup.subtree_control")).unwrap_or_default();
        if delegated.split_whitespace().any(|c| c == "memory") {
            let pids = delegated.split_whitespace().any(|c| c == "pids");
            return Ok(Layout::V2 { base, pids });
        }
    }
    Err("no memory cgroup can be created here")
}

/// One child's cgroups; removed on drop.
pub struct Cgroup {
    dirs: Vec<PathBuf>,
    memory: PathBuf,
    v1: bool,
}

impl Cgroup {
    /// Creates the cgroups for one child, or says why there are none.
    pub fn create(tag: &str, memory_mb: u64, processes: u64) -> Result<Cgroup, String> {
        let name = format!("pyinterview-{}-{tag}", std::process::id());
        let bytes = (memory_mb * 1024 * 1024).to_string();
        let make = |dir: &Path, settings: &[(&str, &str)]| -> Result<(), String> {
            std::fs::create_dir(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
            for (file, value) in settings {
                std::fs::write(dir.join(file), value).map_err(|e| format!("set {file}: {e}"))?;
            }
            Ok(())
        };
        let processes = processes.to_string();
        let mut cgroup = match layout().map_err(str::to_string)? {
            Layout::V1 { memory, pids } => {
                let memory_dir = memory.join(&name);
                make(&memory_dir, &[("memory.limit_in_bytes", &bytes)])?;
                let mut cgroup = Cgroup {
                    dirs: vec![memory_dir.clone()],
                    memory: memory_dir,
                    v1: true,
                };
                if let Some(pids) = pids {
                    let pids_dir = pids.join(&name);
                    make(&pids_dir, &[("pids.max", &processes)])?;
                    cgroup.dirs.push(pids_dir);
                }
                cgroup
            }
            Layout::V2 { base, pids } => {
                let dir = base.join(&name);
                let mut settings = vec![("memory.max", bytes.as_str()), ("memory.swap.max", "0")];
                if *pids {
                    settings.push(("pids.max", &processes));
                }
                make(&dir, &settings)?;
                Cgroup {
                    dirs: vec![dir.clone()],
                    memory: dir,
                    v1: false,
                }
            }
        };
        cgroup.dirs.dedup();
        Ok(cgroup)
    }

    /// Run in the child, before candidate code: moves the calling process in.
    ///
    /// The child was just forked, so its one thread is the whole process.
    /// On cgroup v1 it moves through `tasks` (the calling thread) rather than
    /// `cgroup.procs` (the thread group): the kernel moves the calling
    /// thread without taking the global threadgroup lock, whose write side
    /// waits for an RCU grace period, 6-14 ms per child on a 2-core machine.
    pub fn join(&self) -> Result<(), String> {
        let file = if self.v1 && single_threaded() {
            "tasks"
        } else {
            "cgroup.procs"
        };
        for dir in &self.dirs {
            std::fs::write(dir.join(file), "0")
                .map_err(|e| format!("join {}: {e}", dir.display()))?;
        }
        Ok(())
    }

    /// Whether the kernel had to kill for memory in this cgroup.
    pub fn ran_out_of_memory(&self) -> bool {
        if self.v1 {
            let text =
                std::fs::read_to_string(self.memory.join("memory.oom_control")).unwrap_or_default();
            let killed = text
                .lines()
                .find_map(|l| l.strip_prefix("oom_kill "))
                .and_then(|n| n.trim().parse::<u64>().ok());
            match killed {
                Some(n) => n > 0,
                None => std::fs::read_to_string(self.memory.join("memory.failcnt"))
                    .ok()
                    .and_then(|n| n.trim().parse::<u64>().ok())
                    .is_some_and(|n| n > 0),
            }
        } else {
            std::fs::read_to_string(self.memory.join("memory.events"))
                .unwrap_or_default()
                .lines()
                .find_map(|l| l.strip_prefix("oom_kill "))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .is_some_and(|n| n > 0)
        }
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // The processes were killed, but a namespace's init may still be
        // tearing its namespaces down (its reaping is left for later, see
        // `worker`): what cannot go yet is retired, and removed by a later
        // call of [`remove_retired`] instead of waited for here.
        let mut retired = RETIRED.lock().unwrap_or_else(|e| e.into_inner());
        for dir in self.dirs.drain(..) {
            if !removed(&dir) {
                retired.push(dir);
            }
        }
    }
}

/// Whether the calling process has one thread (moving that thread through
/// `tasks` then moves the whole process); when unsure, no.
fn single_threaded() -> bool {
    std::fs::read_dir("/proc/thread-self/..").is_ok_and(|tasks| tasks.take(2).count() == 1)
}

/// Cgroups whose processes had not all gone when they were dropped.
static RETIRED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes `dir`, or says it cannot go yet (processes still in it).
fn removed(dir: &Path) -> bool {
    match std::fs::remove_dir(dir) {
        Ok(()) => true,
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// Removes the retired cgroups that can go now; with `patience`, waits up to
/// that long for the others (at the worker's exit).
pub fn remove_retired(patience: std::time::Duration) {
    let until = std::time::Instant::now() + patience;
    let mut retired = RETIRED.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        retired.retain(|dir| !removed(dir));
        if retired.is_empty() || std::time::Instant::now() >= until {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}
