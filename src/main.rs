//! The `pyinterview` binary: parse, run, map the outcome to an exit status.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use pyinterview::cli::{Cli, Command, Outcome};
use pyinterview::{commands, sandbox};

fn main() -> ExitCode {
    // `--version` names the interpreter candidate code would run in.
    let version: &'static str = Box::leak(
        format!(
            "{} ({})",
            env!("CARGO_PKG_VERSION"),
            sandbox::describe_python()
        )
        .into_boxed_str(),
    );
    let matches = Cli::command().version(version).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    if let Command::Worker = cli.command {
        return ExitCode::from(sandbox::worker::main() as u8);
    }
    anstream::ColorChoice::write_global(cli.color.into());
    commands::set_quiet(cli.quiet);
    match commands::run(cli.command) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::ChecksFailed) => ExitCode::from(1),
        Err(err) => {
            anstream::eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
