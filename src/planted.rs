//! Planted bugs: small declared patches of an exercise's reference solution,
//! each a mistake a real candidate makes, each naming the checks it must
//! break (and so, by the test that applies them, nothing else).
//!
//! They live in `exercises/<id>/planted.toml`:
//!
//! ```toml
//! [[bug]]
//! id = "evicts_one_late"
//! what = "evicts before inserting, so the store holds maxsize + 1 entries"
//! breaks = ["evicts_lru", "random_small_cache"]
//!
//! [[bug.patch]]
//! find = '''
//!                     store[key] = result
//! '''
//! replace = '''
//!                     store[key] = result
//!                     store[key] = result
//! '''
//! ```
//!
//! A patch's `find` must occur exactly once in the source it is applied to
//! (patches apply in order), so a solution that drifts from its bugs fails
//! loudly instead of planting nothing.

use serde::Deserialize;

/// The planted bugs of one exercise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantedBugs {
    #[serde(rename = "bug", default)]
    pub bugs: Vec<PlantedBug>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantedBug {
    /// Unique within the exercise (`snake_case`).
    pub id: String,
    /// The mistake, as an interviewer would describe it.
    pub what: String,
    /// The ids of the checks it breaks, under every seed.
    pub breaks: Vec<String>,
    /// Generated checks it breaks under some seeds only (whether a random
    /// case happens to hit the mistake). Every check in neither list passes.
    #[serde(default)]
    pub may_break: Vec<String>,
    #[serde(rename = "patch")]
    pub patches: Vec<Patch>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    pub find: String,
    pub replace: String,
}

impl PlantedBugs {
    pub fn parse(text: &str) -> Result<PlantedBugs, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }
}

impl PlantedBug {
    /// `solution` with the bug planted.
    pub fn apply(&self, solution: &str) -> Result<String, String> {
        let mut source = solution.to_string();
        for (index, patch) in self.patches.iter().enumerate() {
            match source.matches(patch.find.as_str()).count() {
                1 => source = source.replacen(&patch.find, &patch.replace, 1),
                n => {
                    return Err(format!(
                        "planted bug `{}`: patch {} finds its text {n} times, not once",
                        self.id,
                        index + 1
                    ));
                }
            }
        }
        Ok(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUGS: &str = r#"
[[bug]]
id = "off_by_one"
what = "stops one early"
breaks = ["sizes"]

[[bug.patch]]
find = '''
    return n
'''
replace = '''
    return n - 1
'''
"#;

    #[test]
    fn a_patch_applies_once_and_refuses_ambiguity() {
        let bugs = PlantedBugs::parse(BUGS).unwrap();
        let bug = &bugs.bugs[0];
        assert_eq!(
            bug.apply("def f(n):\n    return n\n").unwrap(),
            "def f(n):\n    return n - 1\n"
        );
        assert!(
            bug.apply("def f(n):\n    pass\n")
                .unwrap_err()
                .contains("0 times")
        );
        assert!(
            bug.apply("    return n\n    return n\n")
                .unwrap_err()
                .contains("2 times")
        );
    }
}
