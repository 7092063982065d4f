//! What `check` and `watch` show while the sandbox runs: a spinner line on
//! stderr naming the exercises being checked and for how long, drawn within
//! a tenth of a second and redrawn as time passes, so a hang never looks
//! like a frozen terminal. Only where a person watches (stdout and stderr
//! both terminals, not `--quiet`); nothing at all otherwise.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::grade::{Progress, ProgressSink};

/// A spinner for a terminal, or no progress at all.
pub fn spinner() -> ProgressSink {
    if super::quiet() || !std::io::stdout().is_terminal() || !std::io::stderr().is_terminal() {
        return ProgressSink::default();
    }
    ProgressSink(Some(Arc::new(Spinner::default())))
}

#[derive(Default)]
struct Spinner {
    /// The bar while something runs, and what is running.
    state: Mutex<(Option<ProgressBar>, Vec<String>)>,
}

impl Spinner {
    fn show(bar: &ProgressBar, running: &[String]) {
        bar.set_message(running.join(", "));
    }
}

impl Progress for Spinner {
    fn started(&self, exercise: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (bar, running) = &mut *state;
        running.push(exercise.to_string());
        let bar = bar.get_or_insert_with(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} checking {msg}  {elapsed}")
                    .expect("a valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        });
        // Elapsed time is per exercise: a new one starts the clock again.
        bar.reset_elapsed();
        Spinner::show(bar, running);
    }

    fn finished(&self, exercise: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (bar, running) = &mut *state;
        running.retain(|id| id != exercise);
        if running.is_empty() {
            if let Some(bar) = bar.take() {
                bar.finish_and_clear();
            }
        } else if let Some(bar) = bar {
            Spinner::show(bar, running);
        }
    }
}
