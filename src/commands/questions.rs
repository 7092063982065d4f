use anstream::println;
use anstyle::Style;

use crate::catalog::{Catalog, Level};
use crate::cli::Outcome;

use super::Error;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

pub fn run(level: Option<Level>, only: Option<&str>) -> Result<Outcome, Error> {
    let bank = &Catalog::get().questions;
    if let Some(only) = only {
        if !bank.sections.iter().any(|s| s.id == only) {
            let ids: Vec<&str> = bank.sections.iter().map(|s| s.id.as_str()).collect();
            return Err(Error::User(format!(
                "unknown section `{only}`; the sections are: {}",
                ids.join(", ")
            )));
        }
    }
    let shown = |id: &str| {
        only.is_none_or(|s| s == id) && level.is_none_or(|l| crate::plan::sections(l).contains(&id))
    };
    // Only a level and a section together can exclude everything.
    if let (Some(level), Some(only)) = (level, only) {
        if !shown(only) {
            return Err(Error::User(format!(
                "no questions match: the {} level draws on the sections {}, not `{only}`",
                level.as_str(),
                crate::plan::sections(level).join(", ")
            )));
        }
    }
    for section in bank.sections.iter().filter(|s| shown(&s.id)) {
        println!("{BOLD}{}{BOLD:#} — {}\n", section.title, section.focus);
        for q in bank.in_section(&section.id) {
            // Only exercises that exist: the bank also names ones still to come.
            let exercise = q
                .exercise
                .as_deref()
                .filter(|e| Catalog::get().exercise(e).is_some())
                .map(|e| format!("  [exercise: {e}]"))
                .unwrap_or_default();
            println!(
                "{BOLD}{:>2}. {}{BOLD:#}{DIM}{exercise}  ~{} min{DIM:#}",
                q.number, q.topic, q.minutes
            );
            println!("    {}", q.prompt);
            for point in &q.rubric {
                println!("    {DIM}•{DIM:#} {point}");
            }
            println!();
        }
    }
    println!("{BOLD}Using the bank{BOLD:#}");
    for note in &bank.usage {
        println!("  • {note}");
    }
    // "3–5 questions" and "roughly 8 in 45 minutes" seem to disagree.
    println!(
        "  {DIM}(`plan` reads the two numbers together: 3–5 main questions, each taken deeper with its follow-ups, make the roughly {} questions discussed properly in 45 minutes.){DIM:#}",
        crate::plan::DISCUSSED_PER_45
    );
    Ok(Outcome::Success)
}
