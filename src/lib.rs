//! # pyinterview
//!
//! A command-line companion for Python interviews. It ships a bank of 50
//! interview questions and, for the questions with a code answer, runnable
//! exercises: a Python stub the candidate completes, a Rust reference
//! implementation of the same concept, and insta snapshots of the expected
//! behaviour. Candidates check their work locally; interviewers grade
//! submissions with fresh hidden cases.
//!
//! ## Layers
//!
//! * [`catalog`] — exercise metadata, stubs, snapshots and the question bank,
//!   embedded at build time.
//! * [`exercise`] — the contract every exercise implements; [`exercises`]
//!   holds one module per exercise (Rust reference + driver).
//! * [`driver`] and [`value`] — strict observation of Python values.
//! * [`sandbox`] — the worker/child processes that run candidate code.
//! * [`grade`] — planning checks, judging what the sandbox observed, scores.
//! * [`report`] — one renderer per output format; [`workspace`] — take-home
//!   workspaces; [`archive`] — packing and safely unpacking submissions. Only [`cli`] and [`commands`] print.

#[cfg(not(target_os = "linux"))]
compile_error!(
    "pyinterview runs on Linux only (including WSL 2): its sandbox is built from Linux namespaces, Landlock, cgroups and clone3"
);

pub mod app;
pub mod archive;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod driver;
pub mod exercise;
pub mod exercises;
pub mod grade;
pub mod plan;
pub mod planted;
pub mod report;
pub mod sandbox;
pub mod script;
pub mod similarity;
pub mod submission_files;
pub mod value;
#[cfg(feature = "wheel")]
mod wheel;
pub mod workspace;
