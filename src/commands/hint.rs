use anstream::println;

use crate::cli::Outcome;

use super::{Error, entry};

pub fn run(id: &str, level: usize) -> Result<Outcome, Error> {
    let hints = &entry(id)?.info.hints;
    if level == 0 || level > hints.len() {
        return Err(Error::User(format!(
            "`{id}` has hints 1 to {}",
            hints.len()
        )));
    }
    println!(
        "Hint {level} of {} for {id}:\n\n{}",
        hints.len(),
        hints[level - 1]
    );
    if level < hints.len() {
        println!(
            "\nStill stuck? `pyinterview hint {id} --level {}` says more.",
            level + 1
        );
    }
    Ok(Outcome::Success)
}
