//! What `check` and `watch` show while the sandbox runs: a spinner line on
//! stderr naming each exercise being checked, the check it is running and
//! for how long, drawn within a tenth of a second and redrawn as time passes,
//! so a hang never looks like a frozen terminal. Only where a person
//! watches (stdout and stderr both terminals, not `--quiet`); nothing at all
//! otherwise.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::grade::{Progress, ProgressSink};

/// A spinner for a terminal, or no progress at all.
pub fn spinner() -> ProgressSink {
    if super::quiet() || !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal() {
        return ProgressSink::default();
    }
    ProgressSink(Some(Arc::new(Spinner::default())))
}

/// What runs: per exercise, the check running (once the sandbox has said)
/// and since when. Shared with the bar's template, which reads it at every
/// redraw, so the seconds count up on their own.
type Running = Arc<Mutex<Vec<(String, Option<String>, Instant)>>>;

#[derive(Default)]
struct Spinner {
    /// The bar while something runs.
    bar: Mutex<Option<ProgressBar>>,
    running: Running,
}

/// The longest check name shown: the line stays on one terminal row.
const MAX_CHECK_CHARS: usize = 48;

/// `lru_cache › evicts the least recently used (3.1s)`, one per exercise
/// running, the time since its current check (or the exercise) started.
fn describe(running: &[(String, Option<String>, Instant)], now: Instant) -> String {
    running
        .iter()
        .map(|(exercise, check, since)| {
            let seconds = now.saturating_duration_since(*since).as_secs_f64();
            match check {
                Some(check) => {
                    let mut shown: String = check.chars().take(MAX_CHECK_CHARS).collect();
                    if check.chars().count() > MAX_CHECK_CHARS {
                        shown.push('…');
                    }
                    format!("{exercise} › {shown} ({seconds:.1}s)")
                }
                None => format!("{exercise} ({seconds:.1}s)"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Spinner {
    fn running(&self) -> std::sync::MutexGuard<'_, Vec<(String, Option<String>, Instant)>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bar(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.bar.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Spinner {
    fn started(&self, exercise: &str) {
        self.running()
            .push((exercise.to_string(), None, Instant::now()));
        let mut bar = self.bar();
        if bar.is_none() {
            let running = Arc::clone(&self.running);
            let style = ProgressStyle::with_template("{spinner} checking {running}")
                .expect("a valid template")
                .with_key(
                    "running",
                    move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                        let running = running.lock().unwrap_or_else(|e| e.into_inner());
                        let _ = out.write_str(&describe(&running, Instant::now()));
                    },
                );
            let new = ProgressBar::new_spinner().with_style(style);
            new.enable_steady_tick(Duration::from_millis(100));
            *bar = Some(new);
        }
    }

    fn running(&self, exercise: &str, check: &str) {
        if let Some(entry) = self.running().iter_mut().find(|(id, ..)| id == exercise) {
            entry.1 = Some(check.to_string());
            entry.2 = Instant::now();
        }
    }

    fn finished(&self, exercise: &str) {
        let mut running = self.running();
        running.retain(|(id, ..)| id != exercise);
        if running.is_empty() {
            drop(running);
            if let Some(bar) = self.bar().take() {
                bar.finish_and_clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_each_exercise_its_check_and_the_time_since_it_started() {
        let t0 = Instant::now();
        let running = vec![
            (
                "lru_cache".to_string(),
                Some("evicts the oldest".to_string()),
                t0,
            ),
            ("generators".to_string(), None, t0),
        ];
        let line = describe(&running, t0 + Duration::from_millis(3140));
        assert_eq!(
            line,
            "lru_cache › evicts the oldest (3.1s), generators (3.1s)"
        );
        let long = vec![("x".to_string(), Some("a".repeat(80)), t0)];
        let line = describe(&long, t0);
        assert_eq!(line, format!("x › {}… (0.0s)", "a".repeat(MAX_CHECK_CHARS)));
    }
}
