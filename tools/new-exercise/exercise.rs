//! `__ID__` (question TODO): one line on the concept.
//!
//! Reference: TODO, in plain Rust over [`Value`]s.

use rand::RngExt;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct __TYPE__;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<__TYPE__> = Scripted(__TYPE__);

// ---- the Rust reference -------------------------------------------------

/// Twice `x`; `None` where the contract says the call raises.
pub fn solve(x: i64) -> Option<i64> {
    x.checked_mul(2)
}

// ---- checks: each call a script, with what every step must observe ------

/// `solve(x)`: the step and, from the reference, what it must observe (an
/// exception where the reference expects one: `raises("ValueError")`).
fn solve_call(x: i64) -> Script {
    let expected = solve(x).map_or_else(|| raises("OverflowError"), Value::Int);
    Script::new().observe(Expr::name("solve").call(vec![Expr::lit(x)]), expected)
}

impl ScriptedExercise for __TYPE__ {
    fn id(&self) -> &'static str {
        "__ID__"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        vec![Check::new(
            "solve_doubles",
            "solve returns twice its argument",
            2,
            vec![solve_call(2), solve_call(-3)],
        )]
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let calls = (0..10)
            .map(|_| solve_call(rng.random_range(-1000..1000)))
            .collect();
        vec![Check::new("solve_random", "solve on random ints", 3, calls)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_matches_the_contract_examples() {
        assert_eq!(solve(2), Some(4));
    }
}
