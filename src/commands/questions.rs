use anstream::println;
use anstyle::Style;

use crate::catalog::Catalog;
use crate::cli::Outcome;

use super::Error;

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

pub fn run() -> Result<Outcome, Error> {
    let bank = &Catalog::get().questions;
    for section in &bank.sections {
        println!("{BOLD}{}{BOLD:#} — {}\n", section.title, section.focus);
        for q in bank.in_section(&section.id) {
            let exercise = q
                .exercise
                .as_deref()
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
    Ok(Outcome::Success)
}
