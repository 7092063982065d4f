//! Turning what the worker reported into verdicts. Only the grader decides:
//! the child's report is data, compared here with expectations it never saw.

use super::model::{CallStep, CheckResult, Status, Unfinished};
use crate::exercise::PlannedCheck;
use crate::sandbox::protocol::{FaultInfo, Slot};

/// What became of one check, before points are attached.
pub struct Verdict {
    pub status: Status,
    pub message: String,
    pub call: Option<String>,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub traceback: Vec<String>,
    pub unfinished: Option<Unfinished>,
    pub steps: Vec<CallStep>,
}

impl Verdict {
    fn new(status: Status, message: impl Into<String>) -> Verdict {
        Verdict {
            status,
            message: message.into(),
            call: None,
            expected: None,
            actual: None,
            traceback: vec![],
            unfinished: None,
            steps: vec![],
        }
    }

    fn unfinished(self, why: Unfinished) -> Verdict {
        Verdict {
            unfinished: Some(why),
            ..self
        }
    }

    pub fn into_result(self, check: &PlannedCheck, max_score: f64, hidden: bool) -> CheckResult {
        let score = if self.status == Status::Passed {
            max_score
        } else {
            0.0
        };
        CheckResult {
            id: check.id.to_string(),
            name: check.name.clone(),
            status: self.status,
            score,
            max_score,
            message: self.message,
            origin: check.origin,
            hidden,
            call: self.call,
            expected: self.expected,
            actual: self.actual,
            traceback: self.traceback,
            elapsed_ms: None,
            unfinished: self.unfinished,
            steps: self.steps,
            printed: None,
        }
    }
}

/// Every check of a submission whose module file is missing.
pub fn missing_module(file: &str) -> Verdict {
    Verdict::new(
        Status::NotAttempted,
        format!("{file} is not in the submission"),
    )
    .unfinished(Unfinished::ModuleMissing)
}

/// Every check of a submission whose module file is there but is not a
/// regular file of the submission (a link, a FIFO, a device): never read,
/// never run.
pub fn unreadable_module(file: &str, why: &str) -> Verdict {
    Verdict::new(
        Status::NotAttempted,
        format!("{file} was not graded: it is {why}"),
    )
}

/// The sandbox itself failed (never the candidate's fault alone).
pub fn sandbox_failure(why: &str) -> Verdict {
    Verdict::new(Status::Crashed, format!("grading stopped: {why}"))
}

/// The verdict for one check from its worker slot.
pub fn judge(
    check: &PlannedCheck,
    slot: &Slot,
    import_failure: Option<&FaultInfo>,
    file: &str,
    timeout_secs: f64,
) -> Verdict {
    if let Some(fault) = import_failure {
        return fault_verdict(fault, &format!("importing {file}"));
    }
    match slot {
        Slot::Finished(outcome) => {
            if outcome.returned.len() > check.calls.len() {
                return Verdict::new(
                    Status::Crashed,
                    "the sandbox returned more observations than calls",
                );
            }
            for (call, observed) in check.calls.iter().zip(&outcome.returned) {
                let actual = observed.repr();
                if actual != call.expected {
                    return Verdict {
                        status: Status::Failed,
                        message: format!("{} gave a different result", call.description),
                        call: Some(call.description.clone()),
                        steps: call_steps(&call.input, &call.expected, &actual),
                        expected: Some(call.expected.clone()),
                        actual: Some(actual),
                        traceback: vec![],
                        unfinished: None,
                    };
                }
            }
            match (&outcome.fault, check.calls.get(outcome.returned.len())) {
                (None, None) => Verdict::new(Status::Passed, ""),
                (Some(fault), Some(call)) => {
                    let mut verdict = fault_verdict(fault, &call.description);
                    verdict.call = Some(call.description.clone());
                    verdict
                }
                (None, Some(_)) => {
                    Verdict::new(Status::Crashed, "the check stopped without a result")
                }
                (Some(_), None) => {
                    Verdict::new(Status::Crashed, "a fault was reported after the last call")
                }
            }
        }
        Slot::Crashed(why) => Verdict::new(Status::Crashed, capitalise(why)),
        Slot::TimedOut { call, stack } => {
            // The call that hung, as the child announced it (or the only one).
            let hung = call
                .and_then(|i| check.calls.get(i))
                .or(match check.calls.as_slice() {
                    [only] => Some(only),
                    _ => None,
                });
            let during = hung
                .map(|c| format!("{} ", c.description))
                .unwrap_or_default();
            let stuck = if stack.is_empty() {
                ""
            } else {
                ": the traceback shows where the code was at the deadline"
            };
            let mut verdict = Verdict::new(
                Status::Timeout,
                format!(
                    "{during}did not finish within the {timeout_secs}s limit (an endless loop, or waiting on something that never comes?){stuck}"
                ),
            );
            verdict.call = hung.map(|c| c.description.clone());
            verdict.traceback = stack.clone();
            verdict
        }
        Slot::SkippedAfterHang { .. } => {
            Verdict::new(Status::Timeout, SKIPPED_AFTER_HANG).unfinished(Unfinished::NotRun)
        }
        Slot::OutOfMemory => Verdict::new(
            Status::Memory,
            "ran out of memory: the processes together reached the sandbox's memory limit",
        ),
        Slot::CpuLimit => Verdict::new(
            Status::Timeout,
            "used up the CPU time limit (an endless or very slow computation?)",
        ),
        Slot::NotRun => Verdict::new(Status::Timeout, NOT_RUN).unfinished(Unfinished::NotRun),
    }
}

/// The message of a check not run because it uses code that hung in an
/// earlier check (reports summarise those with the ones never reached).
pub const SKIPPED_AFTER_HANG: &str = "not run: it uses a function that hung in an earlier check";

/// The message of a check never reached because an earlier one used up the
/// time (reports summarise those).
pub const NOT_RUN: &str = "not run: the time limit ran out during an earlier check";

/// How the message of a check whose code still raises the stub's
/// `NotImplementedError` ends (the candidate's view summarises those).
pub const NOT_ATTEMPTED_YET: &str = "not attempted yet";

fn fault_verdict(fault: &FaultInfo, during: &str) -> Verdict {
    match fault {
        FaultInfo::NotImplemented => Verdict::new(
            Status::NotAttempted,
            format!("{during} raised NotImplementedError: {NOT_ATTEMPTED_YET}"),
        )
        .unfinished(Unfinished::Untouched),
        FaultInfo::Missing { name } => {
            Verdict::new(Status::NotAttempted, format!("`{name}` is not defined"))
                .unfinished(Unfinished::NameMissing)
        }
        FaultInfo::Raised {
            type_name,
            message,
            traceback,
        } => {
            let status = if type_name == "MemoryError" {
                Status::Memory
            } else {
                Status::Error
            };
            let text = if message.is_empty() {
                format!("{during} raised {type_name}")
            } else {
                format!("{during} raised {type_name}: {message}")
            };
            Verdict {
                traceback: traceback.clone(),
                ..Verdict::new(status, text)
            }
        }
    }
}

/// A call made of steps, each with what it must observe and what it did;
/// empty when the call is not a script of steps or a side is not its record.
fn call_steps(input: &serde_json::Value, expected: &str, actual: &str) -> Vec<CallStep> {
    let Ok(steps) = serde_json::from_value::<Vec<crate::script::Step>>(input.clone()) else {
        return vec![];
    };
    let rows = crate::script::rows(&steps);
    let labels: Vec<String> = rows.iter().filter_map(|r| r.label.clone()).collect();
    let (Some(expected), Some(actual)) = (
        crate::script::split_record(expected, &labels),
        crate::script::split_record(actual, &labels),
    ) else {
        return vec![];
    };
    let mut observed = expected.into_iter().zip(actual);
    rows.into_iter()
        .map(|row| {
            let (expected, actual) = match row.label {
                Some(_) => observed
                    .next()
                    .map_or((None, None), |(e, a)| (Some(e), Some(a))),
                None => (None, None),
            };
            CallStep {
                code: row.code,
                label: row.label,
                expected,
                actual,
            }
        })
        .collect()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
