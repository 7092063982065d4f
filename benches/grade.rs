//! `just bench`: how long grading takes, isolation included, measured in one
//! run next to `python -m pytest` running a file with one trivial assert.
//!
//! 1. A whole correct submission (every reference solution), graded by the
//!    release `pyinterview grade` binary with a pool of one worker and with
//!    larger pools, with and without the timing pass against the reference:
//!    milliseconds and the ratio to the pytest run.
//! 2. Each exercise graded alone: its wall time, what is left once the fixed
//!    cost of a `grade` process is taken off (starting the grader and its
//!    worker, measured on a submission without the file), the candidate code's
//!    own time (from the report), and the harness's overhead beyond it.
//!
//! Every measurement is a whole process started the way a user starts it.
//! The variants take turns within each round, so a busy machine weighs on all
//! of them alike; each figure is the median over the rounds (one warm-up
//! round is not counted). `PYINTERVIEW_BENCH_RUNS` sets the number of rounds
//! (5 by default). pytest comes from a virtualenv under `target/bench-venv`,
//! created from PyPI on first use; without it the pytest ratio is left out,
//! saying why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pyinterview::sandbox::{POOL_VAR, Sandbox};

const BINARY: &str = env!("CARGO_BIN_EXE_pyinterview");

/// One way of running something, timed once per round.
struct Variant {
    label: String,
    run: Box<dyn Fn() -> Sample>,
    times: Vec<Duration>,
    samples: Vec<Sample>,
}

/// What a run reports besides its wall time.
#[derive(Default, Clone)]
struct Sample {
    /// The candidate code's own time, in ms, when the report says it.
    code_ms: Option<f64>,
    /// The sandboxed runs' wall time as the worker measured it, in ms.
    worker_ms: Option<f64>,
}

impl Variant {
    fn new(label: impl Into<String>, run: impl Fn() -> Sample + 'static) -> Variant {
        Variant {
            label: label.into(),
            run: Box::new(run),
            times: Vec::new(),
            samples: Vec::new(),
        }
    }

    fn ms(&self) -> f64 {
        median(self.times.iter().map(|d| d.as_secs_f64() * 1000.0))
    }

    fn code_ms(&self) -> Option<f64> {
        let values: Vec<f64> = self.samples.iter().filter_map(|s| s.code_ms).collect();
        (!values.is_empty()).then(|| median(values))
    }

    fn worker_ms(&self) -> Option<f64> {
        let values: Vec<f64> = self.samples.iter().filter_map(|s| s.worker_ms).collect();
        (!values.is_empty()).then(|| median(values))
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let runs: usize = std::env::var("PYINTERVIEW_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(5);
    let work = tempfile::tempdir().expect("tempdir");

    // A full, correct submission: every reference solution.
    let submission = work.path().join("submission");
    std::fs::create_dir(&submission).unwrap();
    let mut ids = Vec::new();
    for id in pyinterview::exercises::ids() {
        let path = root.join("exercises").join(id).join("solution.py");
        std::fs::copy(&path, submission.join(format!("{id}.py"))).unwrap();
        ids.push(id.to_string());
    }
    ids.sort();
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let test_file = work.path().join("test_one.py");
    std::fs::write(&test_file, "def test_one():\n    assert 1 + 1 == 2\n").unwrap();
    let python = pytest_python(&root);

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let default_pool = Sandbox::pool_size_for(1, true);
    let untimed_pool = Sandbox::pool_size_for(1, false);
    let wide = cores.min(ids.len()).max(2);

    // 1. The whole submission, and pytest, in the same rounds.
    let whole = |pool: Option<usize>, timed: bool| {
        let submission = submission.clone();
        move || grade(&submission, &[], pool, timed)
    };
    let mut pools: Vec<(String, Option<usize>, bool)> = vec![
        ("pool 1, timed".into(), Some(1), true),
        (format!("pool {default_pool} (default), timed"), None, true),
    ];
    if wide != default_pool {
        pools.push((format!("pool {wide}, timed"), Some(wide), true));
    }
    pools.push(("pool 1, --no-reference".into(), Some(1), false));
    pools.push((
        format!("pool {untimed_pool} (default), --no-reference"),
        None,
        false,
    ));
    if wide != untimed_pool {
        pools.push((format!("pool {wide}, --no-reference"), Some(wide), false));
    }
    let mut variants: Vec<Variant> = pools
        .into_iter()
        .map(|(label, pool, timed)| Variant::new(label, whole(pool, timed)))
        .collect();
    if let Ok(python) = &python {
        let (python, test_file, dir) = (python.clone(), test_file.clone(), work.path().to_owned());
        variants.push(Variant::new("pytest", move || {
            pytest(&python, &test_file, &dir);
            Sample::default()
        }));
    }
    let load_before = load_average();
    measure(&mut variants, runs);

    println!(
        "{cores} cores; load average {load_before} before, {} after; median of {runs} rounds, the variants taking turns",
        load_average()
    );
    println!();
    println!(
        "Grading a full correct submission ({} exercises), as `pyinterview grade`:",
        ids.len()
    );
    let pytest_ms = python.is_ok().then(|| variants.last().unwrap().ms());
    for variant in variants.iter().filter(|v| v.label != "pytest") {
        let ratio = pytest_ms.map_or(String::new(), |p| {
            format!("  {:>5.2} × pytest", variant.ms() / p)
        });
        println!("  {:<34} {:>8.1} ms{ratio}", variant.label, variant.ms());
    }
    let by = |label: &str| variants.iter().find(|v| v.label.starts_with(label));
    if let (Some(one), Some(default)) = (by("pool 1, timed"), by(&format!("pool {default_pool} ")))
    {
        println!(
            "  pool 1 / default pool (timed): {:.2}",
            one.ms() / default.ms()
        );
    }
    match (&python, pytest_ms) {
        (Ok(_), Some(ms)) => println!(
            "  {:<34} {ms:>8.1} ms   (python -m pytest, one file, one trivial assert)",
            "pytest"
        ),
        (Err(why), _) => println!("  no pytest to compare with: {why}"),
        _ => {}
    }

    // 2. Each exercise alone, without the timing pass (what grading it
    // costs), then with it (for the code's own time), and the fixed cost
    // of a `grade` process that runs no candidate code.
    let mut variants = vec![{
        let empty = empty.clone();
        let first = ids[0].clone();
        Variant::new("fixed", move || grade(&empty, &[&first], Some(1), false))
    }];
    for id in &ids {
        for timed in [false, true] {
            let (submission, id) = (submission.clone(), id.clone());
            let label = format!("{id}{}", if timed { " timed" } else { "" });
            variants.push(Variant::new(label, move || {
                grade(&submission, &[&id], Some(1), timed)
            }));
        }
    }
    measure(&mut variants, runs);
    let results: BTreeMap<&str, &Variant> =
        variants.iter().map(|v| (v.label.as_str(), v)).collect();
    let fixed = results["fixed"].ms();
    println!();
    println!("Each exercise graded alone (`grade --exercises ID --no-reference`, pool 1), in ms;");
    println!(
        "fixed = a `grade` process that starts its worker but has no file to run ({fixed:.1} ms):"
    );
    println!(
        "  {:<14} {:>8} {:>9} {:>9} {:>8} {:>9}",
        "exercise", "graded", "- fixed", "in worker", "code", "overhead"
    );
    for id in &ids {
        let alone = results[id.as_str()];
        let timed = results[format!("{id} timed").as_str()];
        let cost = alone.ms() - fixed;
        // The code's own time: each check's first run when the report has
        // it, else the least of the timing pass's repeats.
        let code = alone.code_ms().or_else(|| timed.code_ms());
        let show = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        println!(
            "  {:<14} {:>8.1} {:>9.1} {:>9} {:>8} {:>9}",
            id,
            alone.ms(),
            cost,
            show(alone.worker_ms()),
            show(code),
            show(code.map(|c| cost - c)),
        );
    }
    println!("  (in worker: the sandboxed run's wall time, fork, confinement and import included;");
    println!(
        "   code: the candidate code's own time on the checks; overhead: graded - fixed - code)"
    );
}

/// Runs every variant once per round, in turn, after a warm-up round.
fn measure(variants: &mut [Variant], runs: usize) {
    for round in 0..=runs {
        for variant in variants.iter_mut() {
            let start = Instant::now();
            let sample = (variant.run)();
            let elapsed = start.elapsed();
            if round > 0 {
                variant.times.push(elapsed);
                variant.samples.push(sample);
            }
        }
    }
}

/// `pyinterview grade DIR --format json --seed 1`, on `exercises` (all when
/// empty), with a pool of `pool` workers (the default when `None`), timed
/// against the reference solutions or not.
fn grade(dir: &Path, exercises: &[&str], pool: Option<usize>, timed: bool) -> Sample {
    let mut command = Command::new(BINARY);
    command.args([
        "grade",
        dir.to_str().unwrap(),
        "--format",
        "json",
        "--seed",
        "1",
    ]);
    if !exercises.is_empty() {
        command.args(["--exercises", &exercises.join(",")]);
    }
    if !timed {
        command.arg("--no-reference");
    }
    match pool {
        Some(pool) => command.env(POOL_VAR, pool.to_string()),
        None => command.env_remove(POOL_VAR),
    };
    let out = command.output().expect("pyinterview runs");
    assert!(
        out.status.success(),
        "grading failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let graded: Vec<&serde_json::Value> = report["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["checks"][0]["status"] != "not_attempted")
        .collect();
    for exercise in &graded {
        assert_eq!(
            exercise["score"], exercise["max_score"],
            "the reference solution of {} scores full marks",
            exercise["id"]
        );
    }
    if graded.is_empty() {
        return Sample::default();
    }
    // Each check's own first run, where the report carries it; else the
    // timing pass's least time over the checks.
    let first_runs: Option<f64> = graded
        .iter()
        .flat_map(|e| e["checks"].as_array().unwrap())
        .map(|c| c["elapsed_ms"].as_f64())
        .sum();
    let timed_runs: Option<f64> = graded
        .iter()
        .map(|e| e["timing"]["candidate_ms"].as_f64())
        .sum();
    Sample {
        code_ms: first_runs.or(timed_runs),
        worker_ms: graded.iter().map(|e| e["elapsed_ms"].as_f64()).sum(),
    }
}

fn pytest(python: &Path, test_file: &Path, dir: &Path) {
    let out = Command::new(python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            test_file.to_str().unwrap(),
        ])
        .current_dir(dir)
        .output()
        .expect("pytest runs");
    assert!(
        out.status.success(),
        "pytest failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.into_iter().collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// A Python with pytest: the bench virtualenv, created and filled from PyPI
/// on first use; why not, when that cannot be done.
fn pytest_python(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    let has_pytest = |python: &Path| {
        Command::new(python)
            .args(["-m", "pytest", "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if has_pytest(&python) {
        return Ok(python);
    }
    eprintln!(
        "bench: installing pytest from PyPI into {} (one-time)…",
        venv.display()
    );
    let created = Command::new("python3")
        .args(["-m", "venv", "--clear", venv.to_str().unwrap()])
        .status();
    if !created.is_ok_and(|s| s.success()) {
        return Err(format!(
            "`python3 -m venv {}` failed (is the venv module installed?)",
            venv.display()
        ));
    }
    let installed = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "pytest"])
        .status();
    if !installed.is_ok_and(|s| s.success()) || !has_pytest(&python) {
        return Err("`pip install pytest` failed: is PyPI reachable?".into());
    }
    Ok(python)
}
