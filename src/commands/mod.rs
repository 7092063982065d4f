//! One file per subcommand. Commands gather data from the library layers and
//! print it; errors carry their exit status.
//!
//! Exit statuses: 0 success; 1 `check` ran and something did not pass;
//! 2 the user asked for something that cannot be done (unknown exercise,
//! missing directory, would overwrite); 3 an internal failure.

mod check;
mod grade;
mod hint;
mod init;
mod list;
mod pack;
mod plan;
mod progress;
mod questions;
mod reset;
mod review;
mod show;
mod watch;

use std::path::{Path, PathBuf};

use crate::catalog::{Catalog, CatalogEntry};
use crate::cli::{Command, Outcome, SandboxArgs};
use crate::sandbox::Limits;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    User(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::User(_) => 2,
            Error::Internal(_) => 3,
        }
    }
}

impl From<crate::workspace::WorkspaceError> for Error {
    fn from(err: crate::workspace::WorkspaceError) -> Self {
        use crate::workspace::WorkspaceError;
        // A workspace whose manifest is damaged or lost: `init` repairs it.
        let repair = match &err {
            WorkspaceError::BadManifest { dir, .. } => Some((dir, String::new())),
            WorkspaceError::ManifestLost { dir, .. } if crate::workspace::was_a_workspace(dir) => {
                Some((dir, String::new()))
            }
            WorkspaceError::ManifestLost { dir, .. } => Some((
                dir,
                format!(
                    " --exercises {}",
                    crate::workspace::exercise_files(dir).join(",")
                ),
            )),
            _ => None,
        };
        match repair {
            Some((dir, exercises)) => {
                let target = if is_current_dir(dir) {
                    ".".to_string()
                } else {
                    dir.display().to_string()
                };
                Error::User(format!(
                    "{err}.\nRun `pyinterview init {target}{exercises}` to repair the workspace: it rebuilds the manifest from the exercise files there and leaves your files exactly as they are."
                ))
            }
            None => Error::User(err.to_string()),
        }
    }
}

impl From<crate::archive::ArchiveError> for Error {
    fn from(err: crate::archive::ArchiveError) -> Self {
        Error::User(err.to_string())
    }
}

impl From<crate::grade::GradeError> for Error {
    fn from(err: crate::grade::GradeError) -> Self {
        match err {
            crate::grade::GradeError::MissingSnapshot { .. }
            | crate::grade::GradeError::Python(_) => Error::Internal(err.to_string()),
            _ => Error::User(err.to_string()),
        }
    }
}

/// `--quiet`: no progress bars, no advice on what to run next.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sets `--quiet` for the commands run after this.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Whether to leave out progress and advice.
pub fn quiet() -> bool {
    QUIET.load(std::sync::atomic::Ordering::Relaxed)
}

/// The command line as users see it, for completions and the manual: without
/// the hidden worker subcommand (clap_complete would offer it).
fn public_command() -> clap::Command {
    let full = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut public = clap::Command::new("pyinterview")
        .version(env!("CARGO_PKG_VERSION"))
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    if let Some(about) = full.get_about() {
        public = public.about(about.clone());
    }
    if let Some(about) = full.get_long_about() {
        public = public.long_about(about.clone());
    }
    if let Some(help) = full.get_after_long_help() {
        public = public.after_long_help(help.clone());
    }
    public
}

pub fn run(command: Command) -> Result<Outcome, Error> {
    match command {
        Command::Completions { shell } => {
            let mut cli = public_command();
            clap_complete::generate(shell, &mut cli, "pyinterview", &mut std::io::stdout());
            Ok(Outcome::Success)
        }
        Command::Man => {
            match clap_mangen::Man::new(public_command()).render(&mut std::io::stdout()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Error::Internal(format!("writing the manual page: {e}")))
                }
                _ => Ok(Outcome::Success),
            }
        }
        Command::List => list::run(),
        Command::Questions { level, section } => questions::run(level, section.as_deref()),
        Command::Plan {
            level,
            minutes,
            seed,
            markdown,
        } => plan::run(level, minutes, seed, markdown.as_deref()),
        Command::Show { id, rubric } => show::run(id.as_deref(), rubric),
        Command::Hint {
            id,
            number,
            workspace,
        } => hint::run(id.as_deref(), number, workspace.as_deref()),
        Command::Init {
            dir,
            level,
            exercises,
            pick,
            minutes,
            seed,
        } => init::run(
            &dir,
            init::Selection {
                level,
                exercises,
                pick,
            },
            minutes,
            seed,
        ),
        Command::Reset { id, workspace } => reset::run(&id, workspace.as_deref()),
        Command::Pack { workspace, output } => pack::run(workspace.as_deref(), output.as_deref()),
        Command::Watch { workspace, sandbox } => {
            watch::run(workspace.as_deref(), &settings(&sandbox)?)
        }
        Command::Check {
            id,
            workspace,
            sandbox,
        } => check::run(id.as_deref(), workspace.as_deref(), &settings(&sandbox)?),
        Command::Grade {
            submissions,
            jobs,
            out,
            reference,
            no_reference,
            seed,
            format,
            exercises,
            sandbox,
            gate,
        } => {
            if let Some(dir) = reference.as_ref().filter(|d| !d.is_dir()) {
                return Err(Error::User(format!(
                    "--reference {} is not a directory",
                    dir.display()
                )));
            }
            let reference = if no_reference {
                None
            } else {
                reference.or_else(crate::grade::default_reference)
            };
            grade::run(
                &submissions,
                grade::Batch {
                    jobs,
                    out,
                    seed,
                    format,
                    exercises,
                    reference,
                    fail_under: gate.fail_under,
                },
                &settings(&sandbox)?,
            )
        }
        Command::Review(args) => review::run(&args),
        Command::Worker => Ok(Outcome::Success), // dispatched in main before this
    }
}

/// Sandbox settings resolved from defaults, the config file and options.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub timeout: std::time::Duration,
    pub limits: Limits,
}

/// `--config FILE`: `timeout` and a `[limits]` table, all optional.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    timeout: Option<f64>,
    #[serde(default)]
    limits: Limits,
}

fn settings(args: &SandboxArgs) -> Result<Settings, Error> {
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::User(format!("cannot read {}: {e}", path.display())))?;
            toml::from_str::<ConfigFile>(&text)
                .map_err(|e| Error::User(format!("{}: {e}", path.display())))?
        }
        None => ConfigFile::default(),
    };
    let mut limits = config.limits;
    let overrides = [
        (args.cpu_seconds, &mut limits.cpu_seconds),
        (args.memory_mb, &mut limits.memory_mb),
        (args.max_processes, &mut limits.processes),
        (args.max_file_mb, &mut limits.file_size_mb),
        (args.max_open_files, &mut limits.open_files),
        (args.output_kb, &mut limits.output_kb),
    ];
    for (value, slot) in overrides {
        if let Some(value) = value {
            *slot = value;
        }
    }
    limits.validate().map_err(Error::User)?;
    let timeout = args.timeout.or(config.timeout).unwrap_or(10.0);
    if !(timeout.is_finite() && timeout > 0.0 && timeout <= 3600.0) {
        return Err(Error::User(
            "the timeout must be between 0 and 3600 seconds".into(),
        ));
    }
    Ok(Settings {
        timeout: std::time::Duration::from_secs_f64(timeout),
        limits,
    })
}

/// The catalogue entry for `id`, or a user error listing the valid ids.
fn entry(id: &str) -> Result<&'static CatalogEntry, Error> {
    let catalog = Catalog::get();
    catalog.exercise(id).ok_or_else(|| {
        // The bank names exercises still to be built; say so rather than "unknown".
        let planned: Vec<String> = catalog
            .questions
            .questions
            .iter()
            .filter(|q| q.exercise.as_deref() == Some(id))
            .map(|q| q.number.to_string())
            .collect();
        // A near miss is suggested, not taken: `lru` could be meant for
        // another exercise, and the candidate learns the id to type.
        let suggested = catalog.suggest(id);
        let (what, list) = if !planned.is_empty() {
            let what = format!(
                "`{id}` (question {}) is not a runnable exercise yet",
                planned.join(", ")
            );
            (what, "; the")
        } else if !suggested.is_empty() {
            let names: Vec<String> = suggested.iter().map(|s| format!("`{s}`")).collect();
            let what = format!(
                "unknown exercise `{id}`: did you mean {}?",
                names.join(" or ")
            );
            (what, " The")
        } else {
            (format!("unknown exercise `{id}`"), "; the")
        };
        Error::User(format!(
            "{what}{list} exercises are: {}",
            catalog.ids().join(", ")
        ))
    })
}

/// An exercise named by id, by file name (`list_tuple.py`) or by a path to
/// its file: the catalogue entry, and the path when one was given (its
/// workspace is the one to use, unless `--workspace` says otherwise; see
/// [`workspace_for`]).
fn exercise_arg(arg: &str) -> Result<(&'static CatalogEntry, Option<PathBuf>), Error> {
    if !arg.ends_with(".py") {
        return Ok((entry(arg)?, None));
    }
    let path = Path::new(arg);
    let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or(arg);
    Ok((entry(id)?, Some(path.to_path_buf())))
}

/// The exercise `show` or `hint` is about: the one named (by id, file name
/// or path, as [`exercise_arg`] takes it) or, with none named, the only
/// exercise of the workspace (`--workspace`, else the one holding the
/// current directory). With several, or no
/// workspace, the error says which ids there are to choose from.
fn named_or_only(
    arg: Option<&str>,
    workspace: Option<&Path>,
    command: &str,
) -> Result<(&'static CatalogEntry, Option<PathBuf>), Error> {
    if let Some(arg) = arg {
        return exercise_arg(arg);
    }
    let dir = match workspace {
        Some(given) => crate::workspace::resolve(Some(given))?,
        None => match crate::workspace::locate(Path::new(".")) {
            Ok(dir) => dir,
            // Exercise files without a manifest: say how to repair it.
            Err(lost @ crate::workspace::WorkspaceError::ManifestLost { .. }) => {
                return Err(lost.into());
            }
            Err(_) => {
                return Err(Error::User(format!(
                    "name an exercise: `pyinterview {command} ID` (outside a workspace there is no default); the exercises are: {}",
                    Catalog::get().ids().join(", ")
                )));
            }
        },
    };
    let ids = crate::workspace::load(&dir)?.ids();
    match &ids[..] {
        [only] => Ok((entry(only)?, None)),
        [] => Err(Error::User(format!(
            "this workspace has no exercises: name one, `pyinterview {command} ID`"
        ))),
        _ => Err(Error::User(format!(
            "this workspace has {} exercises: name one, e.g. `pyinterview {command} {}`; they are: {}",
            ids.len(),
            ids[0],
            ids.join(", ")
        ))),
    }
}

/// The workspace a command works on: `--workspace DIR`, exactly; else, for
/// an exercise named by a path to its file, the workspace holding that
/// file's directory (searched upwards); else the one holding the current
/// directory. A path that names the current workspace from its parent
/// (`take-home/x.py` inside take-home) means that workspace; one that leads
/// nowhere is said to be one, not blamed on a `--workspace` nobody gave.
fn workspace_for(given: Option<&Path>, file: Option<&Path>) -> Result<PathBuf, Error> {
    if let Some(given) = given {
        return Ok(crate::workspace::resolve(Some(given))?);
    }
    let Some(dir) = file
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
    else {
        return Ok(crate::workspace::locate(Path::new("."))?);
    };
    if !dir.is_dir() {
        // `take-home/lru_cache.py` typed inside take-home (a command copied
        // from its parent): the file of the workspace the candidate is in.
        if let Ok(here) = crate::workspace::locate(Path::new(".")) {
            let from_above = here.parent().map(|above| above.join(dir));
            let same = |a: &Path, b: &Path| {
                let (a, b) = (std::fs::canonicalize(a), std::fs::canonicalize(b));
                a.is_ok_and(|a| b.is_ok_and(|b| a == b))
            };
            if from_above.is_some_and(|d| same(&d, &here)) {
                return Ok(here);
            }
        }
        let here = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| ".".into());
        let file = file.unwrap_or(dir);
        let id = file
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        return Err(Error::User(format!(
            "{} is not a path from here ({here}): name the exercise by its id (`{id}`) or give its file's path from this directory",
            file.display()
        )));
    }
    Ok(crate::workspace::locate(dir)?)
}

/// A line naming the workspace a command uses, when it is not the current
/// directory (found upwards, or given): so a nested or mistaken workspace is
/// never used silently.
fn workspace_note(dir: &Path) -> Option<String> {
    (!is_current_dir(dir)).then(|| format!("workspace: {}", dir.display()))
}

/// `dir` is where the user already is (`init .`): no `cd` needed, and `.`
/// names it in advice.
fn is_current_dir(dir: &Path) -> bool {
    match (std::fs::canonicalize(dir), std::env::current_dir()) {
        (Ok(dir), Ok(here)) => std::fs::canonicalize(here).is_ok_and(|here| here == dir),
        _ => false,
    }
}

/// A seed nobody chose: different on every run.
fn fresh_seed() -> u64 {
    u64::from(rand::random::<u32>())
}

fn sandbox() -> Result<crate::sandbox::Sandbox, Error> {
    crate::sandbox::Sandbox::from_current_exe()
        .map_err(|e| Error::Internal(format!("cannot find the pyinterview executable: {e}")))
}
