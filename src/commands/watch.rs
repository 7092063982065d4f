//! `watch`: re-check each exercise file when it is saved (debounced), redraw
//! the progress screen focused on that exercise, and react to keys.
//!
//! Keys come as single key presses on a terminal (raw mode, restored on any
//! exit) and as lines (`h⏎`) on a pipe, which is also how the tests drive it.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

use crate::cli::Outcome;
use crate::grade::model::{ExerciseResult, Status, SubmissionResult};
use crate::grade::{GradeOptions, grade_submission};
use crate::report;
use crate::sandbox::Sandbox;
use crate::workspace::{self, Manifest};

use super::{Error, Settings, entry, sandbox};

/// Saves closer together than this are one change (editors write in steps).
const DEBOUNCE: Duration = Duration::from_millis(200);

enum Event {
    /// An exercise's file was written.
    Saved(String),
    /// Another `.py` file of the workspace (a helper module) was written.
    HelperSaved(String),
    Key(char),
    Closed,
}

pub fn run(workspace_dir: Option<&Path>, settings: &Settings) -> Result<Outcome, Error> {
    let dir = workspace::resolve(workspace_dir)?;
    let manifest = workspace::load(&dir)?;
    let (events, receiver) = channel();

    let watched = events.clone();
    let ids = manifest.ids();
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        for event in result.into_iter().flatten() {
            let name = event
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(stem) = name.strip_suffix(".py") else {
                continue;
            };
            if ids.iter().any(|i| i == stem) {
                let _ = watched.send(Event::Saved(stem.to_string()));
            } else if !name.starts_with('.') {
                let _ = watched.send(Event::HelperSaved(name));
            }
        }
    })
    .map_err(|e| Error::Internal(format!("cannot watch files: {e}")))?;
    debouncer
        .watcher()
        .watch(&dir, RecursiveMode::NonRecursive)
        .map_err(|e| Error::Internal(format!("cannot watch {}: {e}", dir.display())))?;

    let raw = std::io::stdin().is_terminal() && crossterm::terminal::enable_raw_mode().is_ok();
    let _restore = RawModeGuard(raw);
    spawn_keys(events, raw);
    let mut screen = Screen {
        raw,
        terminal: std::io::stdout().is_terminal(),
    };
    let mut session = Session {
        dir,
        manifest,
        settings: *settings,
        sandbox: sandbox()?,
        result: None,
        checked: Default::default(),
    };
    // Helper modules as they are now, so that grading reading them is not
    // mistaken for a save.
    let helpers: Vec<String> = std::fs::read_dir(&session.dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".py") && !session.manifest.has(n.trim_end_matches(".py")))
        .collect();
    for name in helpers {
        session.remember_file(&name);
    }
    // Something on the screen at once: the first run takes seconds.
    screen.print("Checking every exercise…\n");
    session.check_all(&mut screen)?;
    event_loop(&mut session, &mut screen, &receiver)
}

fn event_loop(
    session: &mut Session,
    screen: &mut Screen,
    events: &Receiver<Event>,
) -> Result<Outcome, Error> {
    let mut focus = session.first_unfinished();
    while let Ok(event) = events.recv() {
        match event {
            Event::Saved(id) => {
                // Watchers also report reads (grading itself opens the file):
                // only new content is a save.
                if session.changed(&id) {
                    focus = id.clone();
                    // A slow check can take seconds: say something is running.
                    screen.print(&format!("\nChecking {id}.py…\n"));
                    session.check_one(&id, screen)?;
                }
            }
            Event::HelperSaved(name) => {
                // Any exercise may import it: check them all.
                if session.changed_file(&name) {
                    session.remember_file(&name);
                    screen.print(&format!("\nChecking every exercise ({name} changed)…\n"));
                    session.check_all(screen)?;
                    focus = session.first_unfinished();
                }
            }
            Event::Key('q') | Event::Closed => break,
            Event::Key('a') => {
                screen.print("\nChecking every exercise…\n");
                session.check_all(screen)?;
                focus = session.first_unfinished();
            }
            Event::Key('h') => session.hint(&focus, screen)?,
            Event::Key(_) => {}
        }
    }
    screen.print("Stopped watching.\n");
    Ok(Outcome::Success)
}

struct Session {
    dir: PathBuf,
    manifest: Manifest,
    settings: Settings,
    sandbox: Sandbox,
    result: Option<SubmissionResult>,
    /// Each file's SHA-256 when it was last checked.
    checked: std::collections::HashMap<String, String>,
}

impl Session {
    fn digest(&self, id: &str) -> String {
        self.file_digest(&format!("{id}.py"))
    }

    fn file_digest(&self, name: &str) -> String {
        std::fs::read(self.dir.join(name))
            .map(|b| crate::archive::sha256_hex(&b))
            .unwrap_or_default()
    }

    /// Whether `id`'s file differs from what was last checked.
    fn changed(&self, id: &str) -> bool {
        self.checked.get(id) != Some(&self.digest(id))
    }

    /// Whether another file differs from when it was last seen (its name,
    /// `helper.py`, cannot collide with an exercise id, which has no `.py`).
    fn changed_file(&self, name: &str) -> bool {
        self.checked.get(name) != Some(&self.file_digest(name))
    }

    fn remember_file(&mut self, name: &str) {
        let digest = self.file_digest(name);
        self.checked.insert(name.to_string(), digest);
    }

    fn grade(&mut self, exercises: Vec<String>) -> Result<SubmissionResult, Error> {
        for id in &exercises {
            let digest = self.digest(id);
            self.checked.insert(id.clone(), digest);
        }
        let options = GradeOptions {
            seed: self.manifest.seed,
            timeout: self.settings.timeout,
            limits: self.settings.limits,
            exercises,
            reference: None,
            progress: super::progress::spinner(),
        };
        Ok(grade_submission(&mut self.sandbox, &self.dir, &options)?)
    }

    fn check_all(&mut self, screen: &mut Screen) -> Result<(), Error> {
        let result = self.grade(self.manifest.ids())?;
        self.result = Some(result);
        let focus = self.first_unfinished();
        self.draw(screen, &focus, "checked every exercise");
        Ok(())
    }

    fn check_one(&mut self, id: &str, screen: &mut Screen) -> Result<(), Error> {
        let fresh = self.grade(vec![id.to_string()])?;
        if let (Some(result), Some(exercise)) =
            (self.result.as_mut(), fresh.exercises.into_iter().next())
        {
            if let Some(slot) = result.exercises.iter_mut().find(|e| e.id == id) {
                *slot = exercise;
            }
        }
        self.draw(screen, id, &format!("re-checked {id}.py"));
        Ok(())
    }

    fn hint(&mut self, id: &str, screen: &mut Screen) -> Result<(), Error> {
        let hints = &entry(id)?.info.hints;
        let seen = self.manifest.hints.get(id).copied().unwrap_or(0);
        let shown = (seen + 1).min(hints.len());
        let used = workspace::record_hint(&self.dir, id, shown)?;
        self.manifest.hints.insert(id.to_string(), used);
        let last = if shown == hints.len() {
            " (that was the last hint)"
        } else {
            ""
        };
        screen.print(&format!(
            "\nHint {shown} of {}{last} for {id}:\n{}\n{}\n",
            hints.len(),
            hints[shown - 1],
            super::hint::recorded_note(id, used, hints.len())
        ));
        Ok(())
    }

    fn first_unfinished(&self) -> String {
        let done = |e: &ExerciseResult| e.checks.iter().all(|c| c.status == Status::Passed);
        self.result
            .as_ref()
            .and_then(|r| r.exercises.iter().find(|e| !done(e)).map(|e| e.id.clone()))
            .or_else(|| self.manifest.ids().into_iter().next())
            .unwrap_or_default()
    }

    fn draw(&self, screen: &mut Screen, focus: &str, what: &str) {
        let Some(result) = &self.result else { return };
        screen.clear(what);
        screen.print(&report::render_progress(result, focus));
        screen.print(&format!(
            "\nWatching {} — save a file to re-check it · h hint for {focus} · a re-check all · q quit\n",
            self.dir.display()
        ));
    }
}

/// Where the screen goes: cleared and redrawn on a terminal, appended with a
/// separator otherwise; `\n` becomes `\r\n` in raw mode.
struct Screen {
    raw: bool,
    terminal: bool,
}

impl Screen {
    fn clear(&mut self, what: &str) {
        if self.terminal {
            self.print("\x1b[2J\x1b[H");
        } else {
            self.print(&format!("──── {what} ────\n"));
        }
    }

    fn print(&mut self, text: &str) {
        let text = if self.raw {
            text.replace('\n', "\r\n")
        } else {
            text.to_string()
        };
        let mut out = anstream::stdout();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

/// Turns raw mode off again however `watch` ends.
struct RawModeGuard(bool);

impl Drop for RawModeGuard {
    fn drop(&mut self) {
        if self.0 {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
}

fn spawn_keys(events: Sender<Event>, raw: bool) {
    std::thread::spawn(move || {
        if raw {
            use crossterm::event::{Event as TermEvent, KeyCode, KeyEventKind, KeyModifiers, read};
            while let Ok(event) = read() {
                if let TermEvent::Key(key) = event {
                    if key.kind != KeyEventKind::Press {
                        continue;
                    }
                    let ctrl_c = key.code == KeyCode::Char('c')
                        && key.modifiers.contains(KeyModifiers::CONTROL);
                    let sent = match key.code {
                        _ if ctrl_c => events.send(Event::Closed),
                        KeyCode::Char(c) => events.send(Event::Key(c.to_ascii_lowercase())),
                        KeyCode::Esc => events.send(Event::Closed),
                        _ => Ok(()),
                    };
                    if sent.is_err() {
                        return;
                    }
                }
            }
        } else {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if let Some(c) = line.trim().chars().next() {
                    if events.send(Event::Key(c.to_ascii_lowercase())).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = events.send(Event::Closed);
    });
}
