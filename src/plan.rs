//! Planning a live screen from the question bank, following its usage notes:
//! 3–5 questions covered in depth rather than many on the surface; senior
//! roles go straight to the senior and design questions (26–40); one
//! question with a runnable exercise, the rest conversation.

use rand::seq::SliceRandom;
use serde::Serialize;

use crate::catalog::{Level, Question, QuestionBank};
use crate::exercise::rng_for;
use crate::exercises;

/// Fewest and most questions in a screen.
pub const MIN_QUESTIONS: usize = 3;
pub const MAX_QUESTIONS: usize = 5;
/// Minutes kept at the end for the candidate's own questions.
pub const WRAP_UP_MINUTES: u32 = 5;
/// A question gets at most this many times the bank's minutes for it: past
/// that, more time is better spent where the candidate is strong (`spare`).
pub const MAX_STRETCH: u32 = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub level: String,
    pub minutes: u32,
    pub seed: u64,
    pub items: Vec<PlanItem>,
    /// Minutes for the candidate's questions and wrap-up.
    pub wrap_up: u32,
    /// Minutes no question can use well (a long slot for a short screen):
    /// left to the interviewer, to go deeper where the candidate is strong.
    pub spare: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanItem {
    pub number: u32,
    pub topic: String,
    pub minutes: u32,
    pub prompt: String,
    pub rubric: Vec<String>,
    pub follow_ups: Vec<String>,
    /// The runnable exercise to work through, if this is the coding question.
    pub exercise: Option<String>,
    /// For the coding question: which part of the exercise fits the minutes.
    pub live: Option<LivePart>,
    /// How many of the follow-ups to take this question deeper with, so the
    /// screen discusses about [`DISCUSSED_PER_45`] questions per 45 minutes.
    pub deeper: usize,
}

/// The part of a runnable exercise done live. A take-home exercise is sized
/// for [`Level::minutes`]; a screen's slot is shorter, so the plan names the
/// functions or classes that fit it, at an even share of the take-home's
/// minutes each, or says that the slot holds only a shortened version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LivePart {
    /// The parts to write live, in the stub's order.
    pub parts: Vec<String>,
    /// The parts left out (for a take-home, or to discuss only).
    pub rest: Vec<String>,
    /// The minutes the whole exercise gets as a take-home.
    pub take_home_minutes: u32,
    /// The slot is shorter than one part needs: sketch the first part and
    /// talk it through rather than finish it.
    pub shortened: bool,
}

/// The bank's figure: "roughly 8 questions discussed properly in 45
/// minutes". With its other note, "3–5 questions, deep on each", it reads as
/// 3–5 main questions whose follow-ups, asked to go deeper, make about 8
/// questions discussed in all.
pub const DISCUSSED_PER_45: u32 = 8;

/// The public functions and classes of an exercise's stub, in order
/// (exception classes left out: they come with the part that raises them).
pub fn exercise_parts(stub: &str) -> Vec<String> {
    stub.lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("def ")
                .or_else(|| line.strip_prefix("class "))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let exception = line.starts_with("class ")
                && (rest.contains("Exception)") || rest.contains("Error)"));
            (!name.is_empty() && !name.starts_with('_') && !exception).then_some(name)
        })
        .collect()
}

/// Which part of `exercise` fits `minutes` live.
fn live_part(exercise: &str, minutes: u32) -> Option<LivePart> {
    let entry = crate::catalog::Catalog::get().exercise(exercise)?;
    let parts = exercise_parts(entry.stub);
    let take_home_minutes = entry.info.level.minutes();
    let each = take_home_minutes.div_ceil(parts.len().max(1) as u32).max(1);
    let fit = ((minutes / each) as usize).min(parts.len());
    let shortened = fit == 0;
    let live = fit.max(1).min(parts.len());
    Some(LivePart {
        parts: parts[..live].to_vec(),
        rest: parts[live..].to_vec(),
        take_home_minutes,
        shortened,
    })
}

/// Minutes one part of `exercise` needs live (an even share of its take-home time).
fn part_minutes(exercise: &str) -> u32 {
    crate::catalog::Catalog::get()
        .exercise(exercise)
        .map_or(0, |entry| {
            let parts = exercise_parts(entry.stub).len().max(1) as u32;
            entry.info.level.minutes().div_ceil(parts)
        })
}

/// The bank's sections a level draws from.
pub fn sections(level: Level) -> &'static [&'static str] {
    match level {
        Level::Junior => &["junior"],
        Level::Mid => &["mid"],
        // Senior roles go straight to 26–40: easier questions tell the
        // candidate the interviewer is unsure what they want.
        Level::Senior => &["senior", "design"],
        Level::Design => &["design"],
    }
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PlanError {
    #[error(
        "{0} minutes is too short for a screen of {MIN_QUESTIONS} questions at this level; allow at least {1}"
    )]
    TooShort(u32, u32),
}

/// A screen for `level` in `minutes`, chosen with `seed`.
pub fn plan(bank: &QuestionBank, level: Level, minutes: u32, seed: u64) -> Result<Plan, PlanError> {
    let mut pool: Vec<&Question> = bank
        .questions
        .iter()
        .filter(|q| sections(level).contains(&q.section.as_str()))
        .collect();
    pool.shuffle(&mut rng_for(seed, "plan"));
    let runnable = |q: &&Question| {
        q.exercise
            .as_deref()
            .is_some_and(|e| exercises::find(e).is_some())
    };
    // The coding question first (if the level has one), then conversation:
    // every other question of the level, those with exercises too (asked,
    // not run: one exercise a screen), as the catalogue covers more of them.
    let coding = pool.iter().position(runnable).map(|i| pool.remove(i));
    let coded = usize::from(coding.is_some());
    let conversation: Vec<&Question> = pool;
    let budget = minutes.saturating_sub(WRAP_UP_MINUTES);

    let mut chosen: Vec<&Question> = coding.into_iter().collect();
    for question in &conversation {
        if chosen.len() == MAX_QUESTIONS {
            break;
        }
        let used: u32 = chosen.iter().map(|q| q.minutes).sum();
        if used + question.minutes <= budget {
            chosen.push(question);
        }
    }
    if chosen.len() < MIN_QUESTIONS {
        // Long questions drawn first crowded the rest out: take the
        // shortest conversation questions instead, if they fit.
        let mut shortest = conversation.clone();
        shortest.sort_by_key(|q| q.minutes);
        chosen.truncate(coded);
        chosen.extend(shortest.into_iter().take(MIN_QUESTIONS - chosen.len()));
        let used: u32 = chosen.iter().map(|q| q.minutes).sum();
        if chosen.len() < MIN_QUESTIONS || used > budget {
            return Err(PlanError::TooShort(minutes, used + WRAP_UP_MINUTES));
        }
    }
    // Keep the bank's order within the screen: it builds from fundamentals up.
    chosen[1..].sort_by_key(|q| q.number);
    let items: Vec<PlanItem> = chosen
        .iter()
        .enumerate()
        .map(|(i, q)| PlanItem {
            number: q.number,
            topic: q.topic.clone(),
            minutes: q.minutes,
            prompt: q.prompt.clone(),
            rubric: q.rubric.clone(),
            follow_ups: q.follow_ups.clone(),
            exercise: q
                .exercise
                .clone()
                .filter(|e| i < coded && exercises::find(e).is_some()),
            live: None,
            deeper: 0,
        })
        .collect();
    let mut items = items;
    let base: Vec<u32> = items.iter().map(|i| i.minutes).collect();
    let stretched = stretch(&base, budget);
    for (item, minutes) in items.iter_mut().zip(&stretched) {
        item.minutes = *minutes;
    }
    let used: u32 = stretched.iter().sum();
    let mut spare = budget - used;
    // The coding question gets spare minutes up to what one part of its
    // exercise needs live; then the plan says what fits.
    if let Some(item) = items.iter_mut().find(|i| i.exercise.is_some()) {
        let exercise = item.exercise.clone().unwrap_or_default();
        let extra = spare.min(part_minutes(&exercise).saturating_sub(item.minutes));
        item.minutes += extra;
        spare -= extra;
        item.live = live_part(&exercise, item.minutes);
    }
    // Follow-ups to go deeper with: about DISCUSSED_PER_45 questions per 45
    // minutes in all, shared by minutes, never more than a question has.
    let target = (DISCUSSED_PER_45 * minutes).div_ceil(45) as usize;
    let mut quota = target.saturating_sub(items.len());
    let total: u32 = items.iter().map(|i| i.minutes).sum::<u32>().max(1);
    let shares: Vec<usize> = items
        .iter()
        .map(|i| (quota as u32 * i.minutes / total) as usize)
        .collect();
    for (item, share) in items.iter_mut().zip(shares) {
        item.deeper = share.min(item.follow_ups.len()).min(quota);
        quota -= item.deeper;
    }
    // What rounding left, to the longest questions first.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(items[i].minutes));
    for i in order {
        let item = &mut items[i];
        let more = quota.min(1).min(item.follow_ups.len() - item.deeper);
        item.deeper += more;
        quota -= more;
    }
    for item in items.iter_mut() {
        let more = quota.min(item.follow_ups.len() - item.deeper);
        item.deeper += more;
        quota -= more;
    }
    Ok(Plan {
        level: level.as_str().to_string(),
        minutes,
        seed,
        wrap_up: WRAP_UP_MINUTES,
        spare,
        items,
    })
}

/// Shares `budget` minutes among questions in proportion to the bank's
/// minutes for each (`base`, which fit within it), each getting at most
/// [`MAX_STRETCH`] times its own; whole minutes, by largest remainder.
fn stretch(base: &[u32], budget: u32) -> Vec<u32> {
    let total: u32 = base.iter().sum();
    if total == 0 {
        return base.to_vec();
    }
    let budget = budget.min(total * MAX_STRETCH).max(total);
    let exact: Vec<f64> = base
        .iter()
        .map(|b| f64::from(*b) * f64::from(budget) / f64::from(total))
        .collect();
    let mut shares: Vec<u32> = exact.iter().map(|e| e.floor() as u32).collect();
    let mut order: Vec<usize> = (0..base.len()).collect();
    order.sort_by(|a, b| {
        let frac = |i: usize| exact[i] - exact[i].floor();
        frac(*b).total_cmp(&frac(*a)).then(a.cmp(b))
    });
    let short = budget - shares.iter().sum::<u32>();
    for i in order.into_iter().take(short as usize) {
        shares[i] += 1;
    }
    shares
}

/// The plan as Markdown, to print or hand to a colleague.
pub fn markdown(plan: &Plan) -> String {
    let mut out = format!(
        "# {}-level screen, {} minutes\n\n_Plan seed {} (`pyinterview plan --level {} --minutes {} --seed {}` repeats it)._\n\n\
         | # | question | minutes |\n|---|---|---|\n",
        plan.level, plan.minutes, plan.seed, plan.level, plan.minutes, plan.seed
    );
    let deeper: usize = plan.items.iter().map(|i| i.deeper).sum();
    let pace = format!(
        "\n_Pace: {} main questions, deep on each (the bank's 3–5 for a screen), and about {deeper} follow-ups to go deeper: some {} questions discussed properly, the bank's \"roughly {DISCUSSED_PER_45} in 45 minutes\" at this length, rather than many touched on the surface._\n",
        plan.items.len(),
        plan.items.len() + deeper
    );
    for item in &plan.items {
        let exercise = item
            .exercise
            .as_deref()
            .map(|e| format!(" (exercise `{e}`)"))
            .unwrap_or_default();
        out.push_str(&format!(
            "| {} | {}{exercise} | {} |\n",
            item.number, item.topic, item.minutes
        ));
    }
    if plan.spare > 0 {
        out.push_str(&format!(
            "| | spare: go deeper where the candidate is strong | {} |\n",
            plan.spare
        ));
    }
    out.push_str(&format!(
        "| | candidate's questions, wrap-up | {} |\n",
        plan.wrap_up
    ));
    out.push_str(&pace);
    for item in &plan.items {
        out.push_str(&format!(
            "\n## {}. {} — {} min\n\n{}\n",
            item.number, item.topic, item.minutes, item.prompt
        ));
        if let Some(exercise) = &item.exercise {
            let code = |names: &[String]| {
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            match &item.live {
                Some(live) if live.shortened => out.push_str(&format!(
                    "\nA shortened version of the `{exercise}` exercise: its take-home takes about {} minutes, so in {} minutes sketch {} and talk it through rather than finish it{} (`pyinterview show {exercise} --rubric`).\n",
                    live.take_home_minutes,
                    item.minutes,
                    code(&live.parts),
                    if live.rest.is_empty() {
                        String::new()
                    } else {
                        format!("; leave {} out", code(&live.rest))
                    }
                )),
                Some(live) if !live.rest.is_empty() => out.push_str(&format!(
                    "\nLive: {} of the `{exercise}` exercise (about {} of its take-home's {} minutes); {} only to discuss, or for a take-home (`pyinterview show {exercise} --rubric`).\n",
                    code(&live.parts),
                    item.minutes,
                    live.take_home_minutes,
                    code(&live.rest)
                )),
                _ => out.push_str(&format!(
                    "\nLive: the whole `{exercise}` exercise, worked through together (`pyinterview show {exercise} --rubric`).\n"
                )),
            }
        }
        out.push_str("\nA strong answer covers:\n\n");
        for point in &item.rubric {
            out.push_str(&format!("- {point}\n"));
        }
        out.push_str(&format!(
            "\nGo deeper (about {} of these, as far as the candidate goes):\n\n",
            item.deeper
        ));
        for question in &item.follow_ups {
            out.push_str(&format!("- {question}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn every_level_gets_three_to_five_questions_within_the_time() {
        let bank = &Catalog::get().questions;
        for level in [Level::Junior, Level::Mid, Level::Senior, Level::Design] {
            for seed in 0..20 {
                let plan = plan(bank, level, 45, seed).unwrap();
                assert!(
                    (MIN_QUESTIONS..=MAX_QUESTIONS).contains(&plan.items.len()),
                    "{level:?}: {plan:?}"
                );
                let used: u32 = plan.items.iter().map(|i| i.minutes).sum();
                assert!(
                    used + WRAP_UP_MINUTES <= 45,
                    "{level:?} seed {seed}: {used} minutes"
                );
                for item in &plan.items {
                    let question = bank.question(item.number).unwrap();
                    assert!(sections(level).contains(&question.section.as_str()));
                }
            }
        }
    }

    #[test]
    fn the_coding_slot_fits_a_live_part_or_says_it_is_shortened() {
        let bank = &Catalog::get().questions;
        for level in [Level::Junior, Level::Mid, Level::Senior] {
            for minutes in [30, 45, 60, 90] {
                for seed in 0..10 {
                    let Ok(plan) = plan(bank, level, minutes, seed) else {
                        continue;
                    };
                    let used: u32 = plan.items.iter().map(|i| i.minutes).sum();
                    assert_eq!(used + plan.spare + plan.wrap_up, minutes, "{plan:?}");
                    let item = &plan.items[0];
                    let exercise = item.exercise.as_deref().unwrap();
                    let live = item.live.as_ref().unwrap();
                    let each = part_minutes(exercise);
                    if live.shortened {
                        assert!(item.minutes < each, "{item:?}");
                        assert!(markdown(&plan).contains("A shortened version of"));
                    } else {
                        assert!(
                            item.minutes >= each * live.parts.len() as u32,
                            "{level:?} {minutes} {seed}: {item:?} needs {each} a part"
                        );
                        assert!(markdown(&plan).contains("Live: "));
                    }
                    // About 8 questions discussed per 45 minutes.
                    let deeper: usize = plan.items.iter().map(|i| i.deeper).sum();
                    let target = (DISCUSSED_PER_45 * minutes).div_ceil(45) as usize;
                    let available: usize = plan.items.iter().map(|i| i.follow_ups.len()).sum();
                    assert_eq!(
                        plan.items.len() + deeper,
                        target
                            .max(plan.items.len())
                            .min(plan.items.len() + available),
                        "{plan:?}"
                    );
                }
            }
        }
        // A senior hour has room for the token bucket live.
        let plan = plan(bank, Level::Senior, 60, 1).unwrap();
        assert!(
            markdown(&plan).contains("Live: `TokenBucket`")
                || markdown(&plan).contains("A shortened version of the `rate_limiter`"),
            "{}",
            markdown(&plan)
        );
    }

    #[test]
    fn exercise_parts_are_the_stubs_public_functions_and_classes() {
        let stub = "def count_visits(path):\n    pass\n\nclass RateLimited(Exception):\n    pass\n\nclass TokenBucket:\n    def allow(self): ...\n\ndef _helper(): ...\n";
        assert_eq!(exercise_parts(stub), ["count_visits", "TokenBucket"]);
    }

    #[test]
    fn senior_screens_stay_in_26_to_40_and_include_a_runnable_exercise() {
        let bank = &Catalog::get().questions;
        for seed in 0..20 {
            let plan = plan(bank, Level::Senior, 60, seed).unwrap();
            assert!(
                plan.items.iter().all(|i| (26..=40).contains(&i.number)),
                "{plan:?}"
            );
            assert_eq!(plan.items[0].exercise.as_deref(), Some("rate_limiter"));
        }
        for level in [Level::Junior, Level::Mid] {
            assert!(
                plan(bank, level, 45, 1).unwrap().items[0]
                    .exercise
                    .is_some(),
                "{level:?}"
            );
        }
    }

    #[test]
    fn the_questions_share_the_time_the_screen_has() {
        let bank = &Catalog::get().questions;
        for level in [Level::Junior, Level::Mid, Level::Senior, Level::Design] {
            for minutes in [30, 45, 60, 90, 240] {
                let Ok(plan) = plan(bank, level, minutes, 3) else {
                    continue;
                };
                let used: u32 = plan.items.iter().map(|i| i.minutes).sum();
                assert_eq!(used + plan.spare + plan.wrap_up, minutes, "{plan:?}");
                assert_eq!(plan.wrap_up, WRAP_UP_MINUTES);
                for item in &plan.items {
                    let own = bank.question(item.number).unwrap().minutes;
                    // The coding question may take spare time up to what
                    // one part of its exercise needs live.
                    let most = match &item.exercise {
                        Some(e) => (own * MAX_STRETCH).max(part_minutes(e)),
                        None => own * MAX_STRETCH,
                    };
                    assert!(
                        (own..=most).contains(&item.minutes),
                        "{level:?} {minutes}: {item:?} from {own}"
                    );
                }
                // Time is only left over once every question is stretched
                // fully (the coding one to what its live part needs, if more).
                if plan.spare > 0 {
                    let full: u32 = plan
                        .items
                        .iter()
                        .map(|i| {
                            let own = bank.question(i.number).unwrap().minutes * MAX_STRETCH;
                            i.exercise
                                .as_deref()
                                .map_or(own, |e| own.max(part_minutes(e)))
                        })
                        .sum();
                    assert_eq!(used, full, "{plan:?}");
                }
            }
        }
    }

    #[test]
    fn stretch_keeps_proportions_in_whole_minutes() {
        assert_eq!(stretch(&[10, 5, 5], 40), [20, 10, 10]);
        assert_eq!(stretch(&[10, 5, 5], 21), [11, 5, 5]);
        assert_eq!(stretch(&[3, 3, 3], 10), [4, 3, 3]);
        assert_eq!(stretch(&[4, 4], 100), [12, 12]);
    }

    #[test]
    fn too_little_time_is_refused_with_the_minimum() {
        let bank = &Catalog::get().questions;
        let err = plan(bank, Level::Senior, 10, 1).unwrap_err();
        assert!(matches!(err, PlanError::TooShort(10, need) if need > 10));
    }

    #[test]
    fn the_same_seed_gives_the_same_plan() {
        let bank = &Catalog::get().questions;
        assert_eq!(plan(bank, Level::Mid, 45, 7), plan(bank, Level::Mid, 45, 7));
        let md = markdown(&plan(bank, Level::Mid, 45, 7).unwrap());
        assert!(md.starts_with("# mid-level screen, 45 minutes"));
        assert!(md.contains("A strong answer covers:"));
    }
}
