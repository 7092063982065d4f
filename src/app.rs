//! The command line as a function: what the binary's `main` and the wheel's
//! `pyinterview._native.main(argv)` both run.

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command, Outcome};
use crate::{commands, sandbox};

/// Parses `args` (the program name first), runs the command and returns the
/// exit status.
pub fn run(args: Vec<OsString>) -> u8 {
    // `--version` names the interpreter candidate code would run in.
    let version = format!(
        "{} ({})",
        env!("CARGO_PKG_VERSION"),
        sandbox::describe_python()
    );
    let version: &'static str = Box::leak(version.into_boxed_str());
    let parsed = Cli::command()
        .version(version)
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are "errors" that print to stdout, status 0.
            let _ = err.print();
            return err.exit_code().clamp(0, 255) as u8;
        }
    };
    if let Command::Worker = cli.command {
        return sandbox::worker::main().clamp(0, 255) as u8;
    }
    anstream::ColorChoice::write_global(cli.color.into());
    commands::set_quiet(cli.quiet);
    match commands::run(cli.command) {
        Ok(Outcome::Success) => 0,
        Ok(Outcome::ChecksFailed) => 1,
        Err(err) => {
            anstream::eprintln!("error: {err}");
            err.exit_code()
        }
    }
}
