//! Runs candidate code away from the grader.
//!
//! ```text
//!  grader (holds expected values)          worker (`pyinterview __worker`)        child (fork)
//!  Sandbox::run(RunRequest) ── frame ──▶   Python initialised once          ──▶   imports <id>.py, drives
//!                          ◀── frame ──    supervises: deadline, output cap ◀──   streams observations (fd 3)
//! ```
//!
//! The worker is a separate executable image (spawned, not forked), so the
//! grader's memory — expected values included — never exists in a process that
//! runs candidate code. The grader guards the worker with its own deadline and
//! replaces it if it dies, so one submission can at worst cost its own checks.
//!
//! Each child is confined before any candidate code runs (`confine`): its own
//! PID, network and mount namespaces where the platform allows, a scratch copy
//! of the submission, resource limits ([`Limits`]), an unprivileged user when
//! the grader is root, and Landlock. What was obtained is reported back
//! ([`Confinement`]) and printed in the report.

pub mod audit;
mod cgroup;
mod child;
mod confine;
mod init;
mod interpreter;
pub mod limits;
pub mod protocol;
mod seccomp;
pub mod worker;

pub use interpreter::{HOME_VAR as PYTHON_HOME_VAR, PythonInfo};
pub use limits::{Confinement, Limits};

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use protocol::{MAX_FRAME, RunReport, RunRequest, WorkerReply, write_frame};

/// The hidden subcommand that turns the binary into a worker.
pub const WORKER_ARG: &str = "__worker";
/// How long the grader waits for a worker beyond the exercise's own deadline.
const WORKER_GRACE: Duration = Duration::from_secs(10);
/// How long a new worker may take to start its interpreter and say so.
const WORKER_START: Duration = Duration::from_secs(60);

/// Describes the interpreter this process would run, without starting it:
/// `CPython 3.11.7 at /usr`, or why it is not usable.
pub fn describe_python() -> String {
    interpreter::describe()
}

/// `3.11`: the X.Y of the Python candidate code runs in.
pub fn python_version() -> String {
    interpreter::major_minor()
}

/// How workers are started when this process is not a standalone binary but
/// a Python extension (the wheel): the interpreter and its arguments, to
/// which [`WORKER_ARG`] is appended.
static LAUNCHER: OnceLock<(PathBuf, Vec<OsString>)> = OnceLock::new();

/// Makes every [`Sandbox`] start its workers as `python args… __worker`
/// instead of `program __worker`. Set once, by the wheel's entry point.
pub fn set_launcher(python: PathBuf, args: Vec<OsString>) {
    let _ = LAUNCHER.set((python, args));
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not start the grading worker {program}: {source}")]
    Spawn { program: PathBuf, source: io::Error },
    #[error("the grading worker failed: {0}")]
    Worker(String),
    /// The worker's interpreter did not start: nothing can be graded.
    #[error("the embedded Python cannot run: {0}")]
    Python(String),
}

/// Overrides the number of workers grading one submission's exercises at
/// once (see [`Sandbox::pool_size`]): a hidden knob for tests and the
/// benchmark, which compare pool sizes. Not passed on to workers.
pub const POOL_VAR: &str = "PYINTERVIEW_POOL";

/// The most workers one submission's exercises are shared among. Each one is
/// a process with an interpreter and ~50 extension modules loaded (plus its
/// reference worker when timing), so past this the workers' start-up and
/// memory cost more than the parallelism brings, however many cores there are.
pub const MAX_POOL: usize = 8;

/// A connection to one worker process, restarted on demand, plus the
/// further workers of its pool (see [`Sandbox::with_pool`]).
pub struct Sandbox {
    program: PathBuf,
    worker: Option<Worker>,
    /// A second worker for reference runs, started on first use.
    reference: Option<Box<Sandbox>>,
    /// How many workers (this one included) may grade at once.
    pool_size: usize,
    /// The pool's other sandboxes, each started on first use and kept for
    /// the next submission.
    others: Vec<Sandbox>,
}

struct Worker {
    /// What the worker said it runs, in its first frame.
    python: PythonInfo,
    process: Child,
    requests: ChildStdin,
    replies: ChildStdout,
}

impl Sandbox {
    /// A sandbox whose worker is `program __worker` (normally this executable).
    pub fn new(program: impl Into<PathBuf>) -> Sandbox {
        Sandbox {
            program: program.into(),
            worker: None,
            reference: None,
            pool_size: Sandbox::pool_size_for(1, false),
            others: Vec::new(),
        }
    }

    /// This sandbox with a pool of `size` workers (at least 1).
    pub fn with_pool_size(mut self, size: usize) -> Sandbox {
        self.set_pool_size(size);
        self
    }

    /// Sets how many workers may grade at once (at least 1); a smaller pool
    /// stops the workers it no longer needs.
    pub fn set_pool_size(&mut self, size: usize) {
        self.pool_size = size.max(1);
        self.others.truncate(self.pool_size - 1);
    }

    /// How many workers may grade one submission's exercises at once.
    pub fn pool_size(&self) -> usize {
        self.pool_size
    }

    /// The pool size for a sandbox that is one of `jobs` grading at the same
    /// time: the machine's cores shared among the jobs, so that `grade
    /// --jobs N` over several submissions does not start N × cores workers,
    /// and halved again when `timing` (each exercise then keeps two workers
    /// busy, the candidate's and the reference's, side by side); at least 1,
    /// at most [`MAX_POOL`]. A pool larger than that only adds workers to
    /// start (each costs about as much CPU as grading a few exercises) and
    /// load that skews the timing. [`POOL_VAR`] overrides it.
    pub fn pool_size_for(jobs: usize, timing: bool) -> usize {
        if let Some(size) = std::env::var(POOL_VAR)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            return size.max(1);
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        pool_size(cores, jobs, timing)
    }

    /// Calls `f` with up to `wanted` sandboxes of the pool (at least this
    /// one, at most [`Sandbox::pool_size`]), each with its own worker, to be
    /// used from as many threads. The others are created here but start
    /// their workers on first use, and stay for the next call.
    pub fn with_pool<R>(&mut self, wanted: usize, f: impl FnOnce(Vec<&mut Sandbox>) -> R) -> R {
        let size = wanted.clamp(1, self.pool_size);
        let mut others = std::mem::take(&mut self.others);
        while others.len() < size - 1 {
            let other = Sandbox::new(self.program.clone()).with_pool_size(1);
            others.push(other);
        }
        let result = {
            let mut pool: Vec<&mut Sandbox> = Vec::with_capacity(size);
            pool.push(&mut *self);
            pool.extend(others.iter_mut().take(size - 1));
            f(pool)
        };
        self.others = others;
        result
    }

    /// A sandbox using the running executable as its worker.
    pub fn from_current_exe() -> io::Result<Sandbox> {
        Ok(Sandbox::new(std::env::current_exe()?))
    }

    /// The process ids of the workers running now (this one's, the
    /// reference runs' and the pool's), for tests that check nothing
    /// outlives a request.
    pub fn worker_pids(&self) -> Vec<u32> {
        let mut pids: Vec<u32> = self.worker.iter().map(|w| w.process.id()).collect();
        if let Some(reference) = &self.reference {
            pids.extend(reference.worker_pids());
        }
        for other in &self.others {
            pids.extend(other.worker_pids());
        }
        pids
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Starts the worker if none is running and returns the interpreter it
    /// proved it runs; [`SandboxError::Python`] when it could not start one.
    pub fn python(&mut self) -> Result<PythonInfo, SandboxError> {
        if self.worker.is_none() {
            self.worker = Some(self.spawn()?);
        }
        Ok(self.worker.as_ref().expect("worker started").python.clone())
    }

    /// Runs one request; on any worker failure the worker is killed and the
    /// next call starts a fresh one.
    pub fn run(&mut self, request: &RunRequest) -> Result<RunReport, SandboxError> {
        self.run_watching(request, &mut |_| {})
    }

    /// [`Sandbox::run`], telling `on_check` each check's index as it starts
    /// (for a person watching; the child says so, so never for a verdict).
    pub fn run_watching(
        &mut self,
        request: &RunRequest,
        on_check: &mut dyn FnMut(usize),
    ) -> Result<RunReport, SandboxError> {
        let deadline = Instant::now() + Duration::from_millis(request.timeout_ms) + WORKER_GRACE;
        let result = self.exchange(request, deadline, on_check);
        if result.is_err() {
            self.stop();
        }
        result
    }

    /// Runs `candidate` here and `reference` on a second worker at the same
    /// time, so that timing them side by side costs little wall time and both
    /// see the same machine load.
    pub fn run_both(
        &mut self,
        candidate: &RunRequest,
        reference: &RunRequest,
        on_check: &mut dyn FnMut(usize),
    ) -> (
        Result<RunReport, SandboxError>,
        Result<RunReport, SandboxError>,
    ) {
        let mut other = self
            .reference
            .take()
            .unwrap_or_else(|| Box::new(Sandbox::new(self.program.clone()).with_pool_size(1)));
        let results = std::thread::scope(|scope| {
            let theirs = scope.spawn(|| other.run(reference));
            let mine = self.run_watching(candidate, on_check);
            let theirs = theirs
                .join()
                .unwrap_or_else(|_| Err(SandboxError::Worker("the reference run panicked".into())));
            (mine, theirs)
        });
        self.reference = Some(other);
        results
    }

    fn exchange(
        &mut self,
        request: &RunRequest,
        deadline: Instant,
        on_check: &mut dyn FnMut(usize),
    ) -> Result<RunReport, SandboxError> {
        if self.worker.is_none() {
            self.worker = Some(self.spawn()?);
        }
        let worker = self.worker.as_mut().expect("worker just started");
        write_frame(&mut worker.requests, request)
            .map_err(|e| SandboxError::Worker(format!("sending the request: {e}")))?;
        read_reply(&mut worker.replies, deadline, on_check)
    }

    fn spawn(&self) -> Result<Worker, SandboxError> {
        let mut command = match LAUNCHER.get() {
            Some((python, args)) => {
                let mut command = Command::new(python);
                command.args(args);
                command
            }
            None => Command::new(&self.program),
        };
        command
            .arg(WORKER_ARG)
            .env_clear()
            .env("PATH", "/usr/bin:/bin");
        // What a worker takes from the environment: where Python is, so that it
        // loads the same libpython and home as this process; and the switch
        // that tests the sandbox's fallback without user namespaces.
        for var in [
            interpreter::HOME_VAR,
            "LD_LIBRARY_PATH",
            worker::NO_USER_NAMESPACES,
            worker::REFUSE_USER_NAMESPACE_SETUP,
        ] {
            if let Some(value) = std::env::var_os(var).filter(|v| !v.is_empty()) {
                command.env(var, value);
            }
        }
        let mut process = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|source| SandboxError::Spawn {
                program: PathBuf::from(command.get_program()),
                source,
            })?;
        let requests = process.stdin.take().expect("piped stdin");
        let mut replies = process.stdout.take().expect("piped stdout");
        // The first frame says whether the interpreter started.
        let hello = read_message(&mut replies, Instant::now() + WORKER_START);
        let python = match hello {
            Ok(interpreter::Hello::Ready(python)) => Ok(python),
            Ok(interpreter::Hello::Failed(reason)) => Err(SandboxError::Python(reason)),
            Err(err) => Err(SandboxError::Python(format!(
                "the worker ({}) did not start: {err}",
                interpreter::describe()
            ))),
        };
        match python {
            Ok(python) => Ok(Worker {
                python,
                process,
                requests,
                replies,
            }),
            Err(err) => {
                let _ = process.kill();
                let _ = process.wait();
                Err(err)
            }
        }
    }

    fn stop(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            let _ = worker.process.kill();
            let _ = worker.process.wait();
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(mut worker) = self.worker.take() {
            // Closing its stdin ends the worker's loop; kill it if it lingers.
            drop(worker.requests);
            let stop_at = Instant::now() + Duration::from_secs(2);
            loop {
                match worker.process.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < stop_at => {
                        std::thread::sleep(Duration::from_millis(5))
                    }
                    _ => {
                        let _ = worker.process.kill();
                        let _ = worker.process.wait();
                        break;
                    }
                }
            }
        }
    }
}

/// [`Sandbox::pool_size_for`] on a machine with `cores` cores.
fn pool_size(cores: usize, jobs: usize, timing: bool) -> usize {
    let busy_per_exercise = if timing { 2 } else { 1 };
    (cores / jobs.max(1) / busy_per_exercise).clamp(1, MAX_POOL)
}

/// Reads the worker's replies up to its report, waiting no later than
/// `deadline`, and tells `on_check` of each check that starts.
fn read_reply(
    replies: &mut ChildStdout,
    deadline: Instant,
    on_check: &mut dyn FnMut(usize),
) -> Result<RunReport, SandboxError> {
    loop {
        match read_message(replies, deadline)? {
            WorkerReply::Running { check } => on_check(check),
            WorkerReply::Done(report) => return Ok(*report),
        }
    }
}

/// Reads one framed message of the worker, waiting no later than `deadline`.
fn read_message<T: DeserializeOwned>(
    replies: &mut ChildStdout,
    deadline: Instant,
) -> Result<T, SandboxError> {
    let mut header = [0u8; 4];
    read_exact_by(replies, &mut header, deadline)?;
    let len = u32::from_be_bytes(header) as usize;
    if len > MAX_FRAME * 4 {
        return Err(SandboxError::Worker(format!("a reply of {len} bytes")));
    }
    let mut body = vec![0u8; len];
    read_exact_by(replies, &mut body, deadline)?;
    serde_json::from_slice(&body)
        .map_err(|e| SandboxError::Worker(format!("a malformed reply: {e}")))
}

fn read_exact_by(
    replies: &mut ChildStdout,
    mut buf: &mut [u8],
    deadline: Instant,
) -> Result<(), SandboxError> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::io::Read;
    use std::os::fd::AsFd;
    while !buf.is_empty() {
        let now = Instant::now();
        if now >= deadline {
            return Err(SandboxError::Worker("no reply before the deadline".into()));
        }
        let wait = (deadline - now).as_millis().min(u128::from(u16::MAX)) as u16;
        let mut fds = [PollFd::new(replies.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(wait)) {
            Ok(0) => continue,
            Ok(_) => {}
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(SandboxError::Worker(format!("waiting for a reply: {e}"))),
        }
        let n = replies
            .read(buf)
            .map_err(|e| SandboxError::Worker(format!("reading a reply: {e}")))?;
        if n == 0 {
            return Err(SandboxError::Worker("it exited unexpectedly".into()));
        }
        buf = &mut buf[n..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_shares_the_cores_among_jobs_and_timed_pairs() {
        assert_eq!(pool_size(8, 1, false), 8);
        assert_eq!(pool_size(8, 1, true), 4);
        assert_eq!(pool_size(8, 4, false), 2);
        assert_eq!(pool_size(8, 4, true), 1);
        assert_eq!(pool_size(8, 16, false), 1, "at least one worker");
        assert_eq!(pool_size(2, 1, true), 1);
        assert_eq!(pool_size(64, 1, false), MAX_POOL);
    }

    #[test]
    fn a_pool_never_has_more_workers_than_asked_for() {
        let mut sandbox = Sandbox::new("/nonexistent").with_pool_size(4);
        assert_eq!(sandbox.with_pool(2, |pool| pool.len()), 2);
        assert_eq!(sandbox.with_pool(9, |pool| pool.len()), 4);
        assert_eq!(sandbox.with_pool(0, |pool| pool.len()), 1);
        sandbox.set_pool_size(1);
        assert_eq!(sandbox.with_pool(9, |pool| pool.len()), 1);
        assert!(sandbox.worker_pids().is_empty(), "nothing was started");
    }
}
