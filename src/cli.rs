//! Command-line interface. The doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;

/// A command-line companion for Python interviews.
///
/// Candidates: `init` a take-home workspace, read a task with `show`, ask for
/// a `hint`, `check` (or `watch`) your work until every check passes, `reset`
/// an exercise to start over, and `pack` the workspace to send it back.
///
/// Interviewers: `grade` submissions with fresh hidden cases, browse the
/// question bank with `questions`, `plan` a live screen, and read rubrics
/// with `show --rubric`.
///
/// The code under check always runs in a separate sandboxed process: code
/// that hangs or crashes costs only its own checks.
#[derive(Debug, Parser)]
#[command(
    name = "pyinterview",
    version,
    about,
    long_about,
    max_term_width = 100,
    after_long_help = "Examples:
  pyinterview init take-home --level junior   # a take-home workspace
  cd take-home && pyinterview check           # run the visible checks
  pyinterview grade take-home                 # grade it (interviewers)
  pyinterview grade subs/* --format html --out reports

Exit statuses: 0 success (for grade: grading ran, whatever the scores); 1 check
ran and a check did not pass; 2 a usage error or a submission that could not
be read; 3 an internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is
    /// set), always, or never.
    #[arg(long, value_enum, global = true, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Less chatter: no progress bars, no advice on what to run next;
    /// results and errors only.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// `--color`'s values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl From<ColorWhen> for anstream::ColorChoice {
    fn from(when: ColorWhen) -> Self {
        match when {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the runnable exercises.
    List,
    /// Print the question bank, by section, with what a strong answer covers.
    Questions {
        /// Only the questions for this level (senior includes system design).
        #[arg(long, value_enum)]
        level: Option<crate::catalog::Level>,
        /// Only this section: junior, mid, senior, design or behavioural.
        #[arg(long)]
        section: Option<String>,
    },
    /// Propose a live screen: 3–5 questions with minutes for each.
    ///
    /// Follows the bank's usage notes: depth over breadth, senior roles go
    /// straight to questions 26–40, one runnable exercise mixed with
    /// conversation questions, five minutes kept for the candidate's own.
    #[command(after_long_help = "Example:
  pyinterview plan --level senior --minutes 60 --markdown screen.md")]
    Plan {
        /// The role's level: which sections of the bank the questions come from.
        #[arg(long, value_enum)]
        level: crate::catalog::Level,
        /// Length of the screen.
        #[arg(long, default_value_t = 45)]
        minutes: u32,
        /// Seed for the choice (printed, so a plan can be repeated).
        #[arg(long)]
        seed: Option<u64>,
        /// Also write the plan as Markdown to this file.
        #[arg(long, value_name = "FILE")]
        markdown: Option<PathBuf>,
    },
    /// Print an exercise's task: what to write and how to check it.
    Show {
        /// Exercise id (see `pyinterview list`) or its file (`lru_cache.py`);
        /// may be left out in a workspace of one exercise.
        id: Option<String>,
        /// Also print the rubric and follow-up questions (for interviewers).
        #[arg(long)]
        rubric: bool,
    },
    /// Print the next hint for an exercise, one at a time.
    ///
    /// Inside a workspace the tool records how many hints you read: your
    /// interviewer sees that number. `--number N` shows hint N (again).
    Hint {
        /// Exercise id or its file (`lru_cache.py`); may be left out in a
        /// workspace of one exercise.
        id: Option<String>,
        /// Which hint to show: 1 is a nudge, higher numbers say more.
        // `--level` was this option's old name: kept, hidden, for old
        // instructions; `init --level` is an exercise's difficulty.
        #[arg(long, short, value_name = "N", alias = "level")]
        number: Option<usize>,
        /// The workspace (default: the one containing the current directory).
        #[arg(long, short)]
        workspace: Option<PathBuf>,
    },
    /// Write a take-home workspace: one stub per exercise, a README, a manifest.
    ///
    /// Never overwrites a file: on an existing workspace it only adds the
    /// exercises that are missing (with no selection, restores the
    /// workspace's own). A workspace whose manifest is damaged or deleted is
    /// repaired: the manifest is rebuilt from the exercise files present.
    #[command(after_long_help = "Examples:
  pyinterview init take-home                          # every exercise
  pyinterview init take-home --level mid --pick 2     # two mid-level ones
  pyinterview init take-home --exercises lru_cache,rate_limiter --minutes 90")]
    Init {
        /// Directory to create (or an existing workspace to extend).
        dir: PathBuf,
        /// Only exercises of this difficulty level (as in `pyinterview list`).
        #[arg(long, value_enum)]
        level: Option<crate::catalog::Level>,
        /// Exactly these exercises (comma-separated ids).
        #[arg(long, value_delimiter = ',', conflicts_with = "level")]
        exercises: Vec<String>,
        /// A random choice of N of the selected exercises (repeatable with --seed).
        #[arg(long, value_name = "N")]
        pick: Option<usize>,
        /// Time budget written in the README, in minutes (5 to 1440) [default: by level, 20–45 per exercise]
        #[arg(long, value_parser = clap::value_parser!(u32).range(5..=1440))]
        minutes: Option<u32>,
        /// Seed for the visible generated checks and for --pick (random by default).
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Restore an exercise's stub, keeping a backup of your file.
    Reset {
        /// Exercise id or its file (`list_tuple.py`).
        id: String,
        /// The workspace (default: the one containing the current directory).
        #[arg(long, short)]
        workspace: Option<PathBuf>,
    },
    /// Run the checks on your workspace (or one exercise of it).
    ///
    /// Exits 0 only when every check passes, 1 when one does not.
    #[command(after_long_help = "Examples:
  pyinterview check                 # every exercise: a progress bar each, the first failures
  pyinterview check list_tuple      # one exercise, every failure in detail
  pyinterview check -w ~/take-home  # a workspace elsewhere")]
    Check {
        /// Exercise id or its file (`list_tuple.py`, `ws/list_tuple.py`); all
        /// exercises of the workspace when omitted.
        id: Option<String>,
        /// The workspace directory, exactly (default: the one containing the
        /// current directory, searched upwards).
        #[arg(long, short)]
        workspace: Option<PathBuf>,
        #[command(flatten)]
        sandbox: SandboxArgs,
    },
    /// Re-run the checks of each file as you save it.
    ///
    /// Shows your overall progress and the failures of the file you saved.
    /// Keys: h = next hint for that exercise, a = re-check everything,
    /// q = quit (on a pipe, type the letter and Enter).
    Watch {
        /// The workspace (default: the one containing the current directory).
        #[arg(long, short)]
        workspace: Option<PathBuf>,
        #[command(flatten)]
        sandbox: SandboxArgs,
    },
    /// Pack your workspace into one archive to send back.
    ///
    /// Runs your checks once more and records their results, the hints you
    /// used and a hash of every file in the archive's manifest.
    Pack {
        /// The workspace (default: the one containing the current directory).
        #[arg(long, short)]
        workspace: Option<PathBuf>,
        /// Where to write the archive [default: <workspace>-submission.tar.gz beside it]
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Grade submissions with fresh hidden cases (interviewers).
    ///
    /// Several submissions are graded in parallel with one seed, so their
    /// scores compare; a summary table follows the reports. Exits 0 whenever
    /// grading ran, whatever the scores; 2 if a submission could not be read.
    #[command(after_long_help = "Examples:
  pyinterview grade take-home                       # a workspace directory
  pyinterview grade take-home-submission.tar.gz     # an archive made by `pack`
  pyinterview grade subs/* --jobs 4 --format html --out reports
  pyinterview grade sub --exercises lru_cache --seed 1234 --timeout 5")]
    Grade {
        /// Submissions: directories with `<exercise>.py` files, or archives
        /// made by `pyinterview pack`.
        #[arg(required = true, value_name = "SUBMISSION")]
        submissions: Vec<PathBuf>,
        /// Submissions graded at once [default: the number of CPU cores]
        #[arg(long, short, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=256))]
        jobs: Option<usize>,
        /// Write one report file per submission (in --format) into this
        /// directory; required for junit, gradescope and html with several
        /// submissions (one document each).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Reference solutions (`<exercise>.py`, or `<exercise>/solution.py`)
        /// to time the candidates' code against [default: those installed
        /// beside the executable (../share/pyinterview/solutions), else the
        /// source checkout's exercises/]
        #[arg(long, value_name = "DIR", conflicts_with = "no_reference")]
        reference: Option<PathBuf>,
        /// Do not time against reference solutions.
        #[arg(long)]
        no_reference: bool,
        /// Seed for the generated checks; give the seed a report shows to repeat it.
        #[arg(long)]
        seed: Option<u64>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Grade only these exercises (comma-separated ids).
        #[arg(long, value_delimiter = ',')]
        exercises: Vec<String>,
        #[command(flatten)]
        sandbox: SandboxArgs,
        #[command(flatten)]
        gate: GradeGateArgs,
    },
    /// Record your own review of a submission (interviewers): rubric
    /// scores, comments, an adjustment, a decision; see the section below.
    Review(ReviewArgs),
    /// Print a shell completion script.
    #[command(after_long_help = "Examples:
  pyinterview completions bash > ~/.local/share/bash-completion/completions/pyinterview
  pyinterview completions zsh > ~/.zfunc/_pyinterview     # with fpath+=~/.zfunc
  pyinterview completions fish > ~/.config/fish/completions/pyinterview.fish")]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    #[command(after_long_help = "Example:
  pyinterview man > pyinterview.1 && man ./pyinterview.1")]
    Man,
    /// Internal: the sandbox worker process.
    #[command(name = "__worker", hide = true)]
    Worker,
}

/// Limits for the sandboxed code. Precedence: these options, then the
/// `--config` file, then the defaults shown.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Sandbox limits")]
pub struct SandboxArgs {
    /// Wall-clock limit per exercise, in seconds [default: 10]
    #[arg(long, value_parser = parse_timeout)]
    pub timeout: Option<f64>,
    /// CPU seconds per exercise [default: 20]
    #[arg(long, value_name = "SECONDS")]
    pub cpu_seconds: Option<u64>,
    /// Address space of the code, in MiB [default: 1024]
    #[arg(long, value_name = "MIB")]
    pub memory_mb: Option<u64>,
    /// Processes and threads the code may run at once [default: 64]
    #[arg(long, value_name = "N")]
    pub max_processes: Option<u64>,
    /// Largest file the code may write, in MiB [default: 16]
    #[arg(long, value_name = "MIB")]
    pub max_file_mb: Option<u64>,
    /// Open file descriptors [default: 128]
    #[arg(long, value_name = "N")]
    pub max_open_files: Option<u64>,
    /// Output kept per stream and exercise, in KiB [default: 64]
    #[arg(long, value_name = "KIB")]
    pub output_kb: Option<u64>,
    /// A TOML file with `timeout = SECONDS` and a `[limits]` table
    /// (cpu_seconds, memory_mb, processes, file_size_mb, open_files, output_kb).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if seconds.is_finite() && seconds > 0.0 && seconds <= 3600.0 {
        Ok(seconds)
    } else {
        Err("the timeout must be more than 0 and at most 3600 seconds".into())
    }
}

/// Where a command's work went, for `main` to turn into an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// `check` ran and something did not pass; or `grade --fail-under` found
    /// a submission below the bar.
    ChecksFailed,
}

// ---------------------------------------------------------------------------
// Reviewing and gating grades (issue 14): flags and subcommands added for the
// interviewer's decision, kept apart from the rest of the interface.
// ---------------------------------------------------------------------------

/// Options of `grade` that decide its exit status, for CI.
#[derive(Debug, Clone, Default, Args)]
pub struct GradeGateArgs {
    /// Exit with status 1 when a submission scores below PERCENT of its
    /// maximum (0 to 100); the reports are written all the same.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub fail_under: Option<f64>,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    let percent: f64 = text
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{text}` is not a percentage"))?;
    if (0.0..=100.0).contains(&percent) {
        Ok(percent)
    } else {
        Err("the percentage must be between 0 and 100".into())
    }
}

/// Record the interviewer's review of a submission, beside it.
///
/// The review is a plain TOML file next to the submission
/// (`subs/alice.review.toml` for `subs/alice/`, `subs/a.tar.gz.review.toml`
/// for an archive),
/// never among the candidate's files; `grade` merges it into every report.
/// Each call adds to it: rubric scores replace earlier ones, comments add
/// up. With no change asked for, or with --show, it prints the review.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = "Examples:
  pyinterview review subs/alice --exercise lru_cache --rubric 1=3 --rubric 2=4 \\
      --comment \"clear eviction logic\" --adjust -1 --reason \"hard-coded a visible case\"
  pyinterview review subs/alice --decision hire
  pyinterview review subs/alice --show")]
pub struct ReviewArgs {
    /// The submission (directory or archive) being reviewed.
    #[arg(value_name = "SUBMISSION")]
    pub submission: PathBuf,
    /// The exercise that --rubric, --adjust, --reason and --comment are about
    /// (without it, --comment is about the whole submission).
    #[arg(long, short)]
    pub exercise: Option<String>,
    /// A rubric item's score: ITEM=SCORE, the item's number in the
    /// exercise's rubric (from 1, as `show ID --rubric` lists them) and a
    /// score from 1 (missing) to 4 (strong); repeatable.
    #[arg(long, value_name = "ITEM=SCORE", value_parser = parse_rubric_score)]
    pub rubric: Vec<(usize, u8)>,
    /// A comment (repeatable).
    #[arg(long)]
    pub comment: Vec<String>,
    /// Points to add to the exercise's score, or take away when negative
    /// (needs --reason); 0 removes the adjustment.
    #[arg(long, allow_negative_numbers = true, value_name = "POINTS")]
    pub adjust: Option<f64>,
    /// Why the score is adjusted.
    #[arg(long)]
    pub reason: Option<String>,
    /// The decision about the candidate.
    #[arg(long, value_enum)]
    pub decision: Option<crate::grade::review::Decision>,
    /// Print the review and change nothing.
    #[arg(long, conflicts_with_all = ["exercise", "rubric", "comment", "adjust", "reason", "decision"])]
    pub show: bool,
}

fn parse_rubric_score(text: &str) -> Result<(usize, u8), String> {
    let (item, score) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not ITEM=SCORE, e.g. 1=3"))?;
    let item: usize = item
        .trim()
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("`{item}` is not a rubric item number (1, 2, …)"))?;
    let score: u8 = score
        .trim()
        .parse()
        .ok()
        .filter(|s| crate::grade::review::RUBRIC_SCORES.contains(s))
        .ok_or_else(|| format!("`{score}` is not a score from 1 to 4"))?;
    Ok((item, score))
}
