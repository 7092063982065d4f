//! The one integration test binary (as in `just`): every module below drives
//! the real `pyinterview` executable or the library against it.

mod archives;
mod cli;
mod consistency;
mod conventions;
mod grading;
mod hostile;
mod hostile_inputs;
mod reports;
mod runtime;
mod selection;
mod snapshots;
mod support;
mod workspace;
