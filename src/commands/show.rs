use anstream::println;
use anstyle::Style;

use crate::catalog::Catalog;
use crate::cli::Outcome;

use super::{Error, named_or_only};

const BOLD: Style = Style::new().bold();

pub fn run(id: Option<&str>, rubric: bool) -> Result<Outcome, Error> {
    let (entry, _) = named_or_only(id, None, "show")?;
    let info = &entry.info;
    let questions: Vec<String> = info.questions.iter().map(u32::to_string).collect();
    println!("{BOLD}{} — {}{BOLD:#}", info.id, info.title);
    println!(
        "level: {}   questions: {}   file: {}.py\n",
        info.level.as_str(),
        questions.join(", "),
        info.id
    );
    println!("{}", info.summary.trim_end());
    println!("\nWrite: {}", info.functions.join(", "));
    println!(
        "Check your work with `pyinterview check {}`; stuck? `pyinterview hint {}`.",
        info.id, info.id
    );
    if rubric {
        let bank = &Catalog::get().questions;
        println!("\n{BOLD}Rubric — what a strong discussion of the code covers{BOLD:#}");
        for point in &info.rubric {
            println!("  • {point}");
        }
        for number in &info.questions {
            if let Some(q) = bank.question(*number) {
                println!(
                    "\n{BOLD}Question {}: {}{BOLD:#}\n  {}",
                    q.number, q.topic, q.prompt
                );
                for point in &q.rubric {
                    println!("  • {point}");
                }
            }
        }
        println!("\n{BOLD}Follow-up questions{BOLD:#}");
        for question in &info.follow_ups {
            println!("  • {question}");
        }
    }
    Ok(Outcome::Success)
}
