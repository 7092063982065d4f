//! `__ID__` (question TODO): one line on the concept.
//!
//! Reference: TODO, in plain Rust over [`Value`]s.

use pyo3::prelude::*;
use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::driver::{Candidate, Observed, capture, extract};
use crate::exercise::{Check, Exercise, Rng};
use crate::value::Value;

pub struct __TYPE__;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: __TYPE__ = __TYPE__;

/// One observable call; it travels to the sandboxed child as JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "fn", rename_all = "snake_case")]
pub enum Call {
    Solve { x: i64 },
}

// ---- the Rust reference -------------------------------------------------

pub fn solve(x: i64) -> i64 {
    2 * x
}

// ---- checks, expectations and the driver --------------------------------

impl Exercise for __TYPE__ {
    type Call = Call;

    fn id(&self) -> &'static str {
        "__ID__"
    }

    fn fixed(&self) -> Vec<Check<Call>> {
        vec![Check::new(
            "solve_doubles",
            "solve returns twice its argument",
            2,
            vec![Call::Solve { x: 2 }, Call::Solve { x: -3 }],
        )]
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Call>> {
        let calls = (0..10)
            .map(|_| Call::Solve {
                x: rng.random_range(-1000..1000),
            })
            .collect();
        vec![Check::new("solve_random", "solve on random ints", 3, calls)]
    }

    fn expect(&self, call: &Call) -> Value {
        match call {
            Call::Solve { x } => Value::Int(solve(*x)),
        }
    }

    fn describe(&self, call: &Call) -> String {
        match call {
            Call::Solve { x } => format!("solve({x})"),
        }
    }

    fn drive(&self, candidate: &Candidate<'_>, call: &Call) -> Observed {
        let py = candidate.py;
        match call {
            Call::Solve { x } => {
                let solve = candidate.get("solve")?;
                capture(py, || Ok(extract(&solve.call1((*x,))?)))
            }
        }
    }
}
