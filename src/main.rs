//! The `pyinterview` binary: parse, run, map the outcome to an exit status.

use std::process::ExitCode;

use clap::Parser;
use pyinterview::cli::{Cli, Command, Outcome};
use pyinterview::{commands, sandbox};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Worker = cli.command {
        return ExitCode::from(sandbox::worker::main() as u8);
    }
    match commands::run(cli.command) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::ChecksFailed) => ExitCode::from(1),
        Err(err) => {
            anstream::eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
