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
mod questions;
mod show;

use crate::catalog::{Catalog, CatalogEntry};
use crate::cli::{Command, Outcome};

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
        Error::User(err.to_string())
    }
}

impl From<crate::grade::GradeError> for Error {
    fn from(err: crate::grade::GradeError) -> Self {
        match err {
            crate::grade::GradeError::MissingSnapshot { .. } => Error::Internal(err.to_string()),
            _ => Error::User(err.to_string()),
        }
    }
}

pub fn run(command: Command) -> Result<Outcome, Error> {
    match command {
        Command::List => list::run(),
        Command::Questions => questions::run(),
        Command::Show { id, rubric } => show::run(&id, rubric),
        Command::Hint { id, level } => hint::run(&id, level),
        Command::Init { dir, seed } => init::run(&dir, seed),
        Command::Check {
            id,
            workspace,
            timeout,
        } => check::run(id.as_deref(), workspace.as_deref(), timeout),
        Command::Grade {
            dir,
            seed,
            format,
            timeout,
            exercises,
        } => grade::run(&dir, seed, format, timeout, exercises),
        Command::Worker => Ok(Outcome::Success), // dispatched in main before this
    }
}

/// The catalogue entry for `id`, or a user error listing the valid ids.
fn entry(id: &str) -> Result<&'static CatalogEntry, Error> {
    let catalog = Catalog::get();
    catalog.exercise(id).ok_or_else(|| {
        Error::User(format!(
            "unknown exercise `{id}`; the exercises are: {}",
            catalog.ids().join(", ")
        ))
    })
}

/// A seed nobody chose: different on every run.
fn fresh_seed() -> u64 {
    u64::from(rand::random::<u32>())
}

fn sandbox() -> Result<crate::sandbox::Sandbox, Error> {
    crate::sandbox::Sandbox::from_current_exe()
        .map_err(|e| Error::Internal(format!("cannot find the pyinterview executable: {e}")))
}
