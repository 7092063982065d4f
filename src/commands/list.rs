use anstream::println;

use crate::catalog::Catalog;
use crate::cli::Outcome;

use super::Error;

pub fn run() -> Result<Outcome, Error> {
    let catalog = Catalog::get();
    println!(
        "{:<14} {:<10} {:<8} TITLE",
        "EXERCISE", "QUESTIONS", "LEVEL"
    );
    for entry in &catalog.exercises {
        let questions: Vec<String> = entry.info.questions.iter().map(u32::to_string).collect();
        println!(
            "{:<14} {:<10} {:<8} {}",
            entry.info.id,
            questions.join(", "),
            entry.info.level.as_str(),
            entry.info.title
        );
    }
    println!(
        "\nRead one with `pyinterview show ID`; start a take-home with `pyinterview init DIR`."
    );
    Ok(Outcome::Success)
}
