//! Similar solutions of a batch as clusters rather than pairs: solutions to
//! one exercise linked by flagged pairs form a group (who shares code with
//! whom), shown once with each member's score and its closest match. Twelve
//! copies of one solution are one cluster of twelve, not 66 pairs.

use std::collections::BTreeMap;

use crate::grade::model::SubmissionResult;

/// Solutions to one exercise linked, directly or through each other, by
/// suspiciously alike pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub exercise: String,
    /// Highest exercise score first, then by name.
    pub members: Vec<Member>,
    /// The least and the greatest similarity of the flagged pairs inside.
    pub low: f64,
    pub high: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    /// The member's score on the exercise (out of 10).
    pub score: f64,
    /// The member it is most alike with, and how alike (0 to 1).
    pub closest: (String, f64),
}

/// The clusters of a batch, largest first, then most alike first.
pub fn clusters(graded: &[(&str, &SubmissionResult)]) -> Vec<Cluster> {
    let index: BTreeMap<&str, usize> = graded
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (*n, i))
        .collect();
    // Every flagged pair, once, by exercise.
    let mut pairs: BTreeMap<&str, Vec<(usize, usize, f64)>> = BTreeMap::new();
    for (a, (_, result)) in graded.iter().enumerate() {
        for s in &result.similar {
            if let Some(&b) = index.get(s.other.as_str()).filter(|&&b| a < b) {
                pairs
                    .entry(s.exercise.as_str())
                    .or_default()
                    .push((a, b, s.score));
            }
        }
    }
    let mut out = Vec::new();
    for (exercise, pairs) in pairs {
        // Union-find over the submissions.
        let mut parent: Vec<usize> = (0..graded.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for &(a, b, _) in &pairs {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &(a, b, _) in &pairs {
            for i in [a, b] {
                let r = root(&mut parent, i);
                let group = groups.entry(r).or_default();
                if !group.contains(&i) {
                    group.push(i);
                }
            }
        }
        for members in groups.into_values() {
            let inside: Vec<&(usize, usize, f64)> = pairs
                .iter()
                .filter(|(a, b, _)| members.contains(a) && members.contains(b))
                .collect();
            let mut listed: Vec<Member> = members
                .iter()
                .map(|&i| {
                    let closest = inside
                        .iter()
                        .filter(|(a, b, _)| *a == i || *b == i)
                        .map(|&&(a, b, s)| (if a == i { b } else { a }, s))
                        .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
                        .map(|(j, s)| (graded[j].0.to_string(), s))
                        .unwrap_or_default();
                    Member {
                        name: graded[i].0.to_string(),
                        score: graded[i]
                            .1
                            .exercises
                            .iter()
                            .find(|e| e.id == exercise)
                            .map_or(0.0, |e| e.score),
                        closest,
                    }
                })
                .collect();
            listed.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.name.cmp(&y.name)));
            let scores = inside.iter().map(|p| p.2);
            out.push(Cluster {
                exercise: exercise.to_string(),
                members: listed,
                low: scores.clone().fold(f64::INFINITY, f64::min),
                high: scores.fold(0.0, f64::max),
            });
        }
    }
    out.sort_by(|x, y| {
        y.members
            .len()
            .cmp(&x.members.len())
            .then(y.high.total_cmp(&x.high))
            .then(x.exercise.cmp(&y.exercise))
    });
    out
}

impl Cluster {
    /// "93–100%" or "95%".
    pub fn range(&self) -> String {
        let (low, high) = ((self.low * 100.0).round(), (self.high * 100.0).round());
        if low == high {
            format!("{high:.0}%")
        } else {
            format!("{low:.0}–{high:.0}%")
        }
    }

    /// One line for the terminal summary.
    pub fn line(&self) -> String {
        let members: Vec<String> = self
            .members
            .iter()
            .map(|m| format!("{} {}", m.name, points(m.score)))
            .collect();
        format!(
            "{}: {} solutions alike ({} of fingerprints shared): {}",
            self.exercise,
            self.members.len(),
            self.range(),
            members.join(", ")
        )
    }
}

fn points(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::{SandboxSummary, SimilarTo};

    fn result(similar: &[(&str, f64)]) -> SubmissionResult {
        SubmissionResult {
            score: 0.0,
            max_score: 10.0,
            seed: 1,
            submission: String::new(),
            tool_version: String::new(),
            python: None,
            selection: Default::default(),
            sandbox: SandboxSummary {
                timeout_seconds: 1.0,
                limits: Default::default(),
                confinement: vec![],
            },
            warnings: vec![],
            similar: similar
                .iter()
                .map(|(other, score)| SimilarTo {
                    exercise: "decorators".into(),
                    other: other.to_string(),
                    score: *score,
                    regions: vec![],
                })
                .collect(),
            exercises: vec![],
            review: None,
            reviewed_score: None,
        }
    }

    #[test]
    fn twelve_copies_are_one_cluster_not_sixty_six_pairs() {
        let names: Vec<String> = (0..12).map(|i| format!("s{i:02}")).collect();
        let results: Vec<SubmissionResult> = names
            .iter()
            .map(|me| {
                let others: Vec<(&str, f64)> = names
                    .iter()
                    .filter(|n| *n != me)
                    .map(|n| (n.as_str(), 0.9))
                    .collect();
                result(&others)
            })
            .collect();
        let graded: Vec<(&str, &SubmissionResult)> = names
            .iter()
            .map(String::as_str)
            .zip(results.iter())
            .collect();
        let found = clusters(&graded);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].members.len(), 12);
        assert_eq!(found[0].range(), "90%");
    }

    #[test]
    fn separate_groups_stay_apart_and_chains_join() {
        // a~b, b~c (a chain), d~e apart.
        let results = [
            result(&[("b", 0.8)]),
            result(&[("a", 0.8), ("c", 0.7)]),
            result(&[("b", 0.7)]),
            result(&[("e", 1.0)]),
            result(&[("d", 1.0)]),
        ];
        let graded: Vec<(&str, &SubmissionResult)> = ["a", "b", "c", "d", "e"]
            .into_iter()
            .zip(&results)
            .collect();
        let found = clusters(&graded);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].members.len(), 3);
        assert_eq!(found[0].range(), "70–80%");
        let c = found[0].members.iter().find(|m| m.name == "c").unwrap();
        assert_eq!(c.closest, ("b".to_string(), 0.7));
        assert_eq!(found[1].members.len(), 2);
    }
}
