//! The `pyinterview` binary: parse, run, map the outcome to an exit status
//! (all in [`pyinterview::app`], which the wheel's entry point shares).

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(pyinterview::app::run(std::env::args_os().collect()))
}
