//! What crosses process boundaries, and how it is framed.
//!
//! Every message is a 4-byte big-endian length and a JSON body, read with a
//! size cap. The grader sends a [`RunRequest`] to the worker (inputs only: the
//! expected values never leave the grader); the child streams
//! [`ChildMessage`]s to the worker over a dedicated pipe; the worker answers
//! the grader with [`WorkerReply`]s: which check is running, as it starts
//! (for a person watching), then the [`RunReport`]. The grader treats the
//! report as data to validate, never as a verdict.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::limits::{Confinement, Limits};
use crate::value::Value;

/// The largest frame accepted from any process.
pub const MAX_FRAME: usize = 16 << 20;

/// Run some checks of one exercise on one candidate module.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRequest {
    pub exercise: String,
    /// The submission directory; its files are copied into a scratch
    /// directory, and the candidate code only ever sees the copy.
    pub submission: PathBuf,
    /// The module's file name in the submission (`<id>.py`).
    pub module: String,
    /// The calls of each check, as the exercise's JSON call values.
    pub checks: Vec<Vec<serde_json::Value>>,
    /// The public names of the module each check uses, where known (empty:
    /// unknown, taken as every name). After a check hangs, the checks that
    /// use none of its names still run, in a fresh child with a fresh
    /// deadline: a hang in one function does not cost the others' checks.
    #[serde(default)]
    pub uses: Vec<Vec<String>>,
    /// Wall-clock budget for the whole exercise.
    pub timeout_ms: u64,
    pub limits: Limits,
    /// After the checks, run each check that finished this many more times
    /// to time it (results discarded, output muted); 0 for no timing pass.
    #[serde(default)]
    pub timing_rounds: u32,
}

/// Most time the timing pass may take after the checks; the worker gives a
/// child no longer than this (and a margin) once every check has reported.
pub const TIMING_BUDGET: std::time::Duration = std::time::Duration::from_millis(150);

/// What the worker sends the grader while it serves a request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WorkerReply {
    /// Check `check` (an index into the request's checks) has started: shown
    /// to a person watching, never taken into a verdict (the child says so,
    /// and the child runs candidate code).
    Running { check: usize },
    /// The request's end.
    Done(Box<RunReport>),
}

/// What the worker saw of one exercise's run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunReport {
    /// One slot per requested check.
    pub slots: Vec<Slot>,
    /// Importing the module failed: every check shares this fault.
    pub import_failure: Option<FaultInfo>,
    pub stdout: Captured,
    pub stderr: Captured,
    pub elapsed_ms: u64,
    /// What confined the (first) child, as it reported before running code.
    pub confinement: Option<Confinement>,
    /// From the timing pass, per check: the least time of its repeats,
    /// in microseconds (`None` where a check was not repeated).
    #[serde(default)]
    pub timed_micros: Vec<Option<u64>>,
    /// Per check, what its calls printed (empty where nothing, or where
    /// it did not run).
    #[serde(default)]
    pub check_output: Vec<CheckOutput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Slot {
    Finished(CheckOutcome),
    /// The child died while running this check (signal, exit, bad message).
    Crashed(String),
    /// The deadline passed while this check ran: during its call number
    /// `call` (from 0) where the child said so, with the candidate's frames
    /// at the deadline (`line 3, in f: code`, innermost last) where Python
    /// could dump them.
    TimedOut {
        call: Option<usize>,
        stack: Vec<String>,
    },
    /// Not run because an earlier check, `hung`, timed out in code this one
    /// uses too.
    SkippedAfterHang {
        hung: usize,
    },
    /// The CPU-time limit killed the process during this check.
    CpuLimit,
    /// The sandbox's memory cgroup ran out during this check.
    OutOfMemory,
    /// Not reached: an earlier check used up the time, or the import failed.
    NotRun,
}

/// What the driver observed for one check's calls, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    /// The observations of the calls that completed.
    pub returned: Vec<Value>,
    /// Why the next call did not complete, if one did not.
    pub fault: Option<FaultInfo>,
    pub micros: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FaultInfo {
    /// A name the stub defines is missing.
    Missing { name: String },
    /// The stub's `NotImplementedError` is still there.
    NotImplemented,
    /// The candidate's code raised.
    Raised {
        type_name: String,
        message: String,
        traceback: Vec<String>,
    },
}

/// Captured output with a size cap.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Captured {
    pub text: String,
    /// Bytes written beyond the cap and dropped.
    pub truncated_bytes: u64,
}

/// What one check's calls printed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckOutput {
    pub stdout: String,
    pub stderr: String,
}

/// Child → worker, over the result pipe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ChildMessage {
    /// Sent before any candidate code runs: what confines this child.
    Ready(Confinement),
    /// The sandbox could not be set up; no candidate code ran.
    SandboxFailed(String),
    Imported,
    ImportFailed(FaultInfo),
    /// Call number `call` (from 0) of check `index` starts: if the deadline
    /// passes before the check's result, this is the call that hung.
    Calling {
        index: usize,
        call: usize,
    },
    Check {
        index: usize,
        outcome: CheckOutcome,
    },
    /// The timing pass: for checks `start..`, the least time of the
    /// repeats of each, in microseconds.
    Timed {
        start: usize,
        micros: Vec<Option<u64>>,
    },
    Done,
    /// Sent last, by the init process of the child's PID namespace (see
    /// `init`), when the process that ran the checks ended: its raw wait status.
    Ended {
        wait_status: i32,
    },
}

pub fn write_frame(out: &mut impl Write, message: &impl Serialize) -> io::Result<()> {
    let body = serde_json::to_vec(message).map_err(io::Error::other)?;
    let len = u32::try_from(body.len()).map_err(io::Error::other)?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(&body)?;
    out.flush()
}

/// Reads one frame; `Ok(None)` on a clean end of stream before a frame starts.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::other(format!(
            "frame of {len} bytes exceeds the cap"
        )));
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body)?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(io::Error::other)
}

/// A per-child secret key that authenticates every result frame. Candidate
/// code shares the child's process but cannot read its memory (see
/// `seccomp`), so nothing it writes to any descriptor, fd 3 included, can
/// pass for a result; and since every frame carries its own number, a frame
/// seen once cannot be replayed, dropped or reordered either.
pub type SealKey = [u8; 32];

/// The number of the one frame the namespace's init process writes (the
/// process that runs the checks numbers its frames 0, 1, 2, …).
pub const INIT_FRAME: u64 = u64::MAX;
/// Bytes of the HMAC-SHA256 tag kept in each frame.
const TAG_BYTES: usize = 16;

/// HMAC-SHA256 over the frame's number and body, cut to [`TAG_BYTES`].
fn tag(key: &SealKey, number: u64, body: &[u8]) -> [u8; TAG_BYTES] {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(&number.to_be_bytes());
    mac.update(body);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; TAG_BYTES];
    out.copy_from_slice(&full[..TAG_BYTES]);
    out
}

/// Writes a child's result frame number `number`: length, tag, JSON.
pub fn write_sealed(
    out: &mut impl Write,
    key: &SealKey,
    number: u64,
    message: &ChildMessage,
) -> io::Result<()> {
    let body = serde_json::to_vec(message).map_err(io::Error::other)?;
    let len = u32::try_from(body.len() + TAG_BYTES).map_err(io::Error::other)?;
    let mut frame = Vec::with_capacity(4 + len as usize);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(&tag(key, number, &body));
    frame.extend_from_slice(&body);
    // One write: frames from one writer never interleave on a pipe.
    out.write_all(&frame)?;
    out.flush()
}

/// Splits the child's result stream into frames as it arrives (the worker
/// reads without blocking), refusing any frame whose tag is not that of the
/// next expected number (or of the init's one frame).
pub struct FrameBuffer {
    bytes: Vec<u8>,
    key: SealKey,
    next: u64,
}

impl FrameBuffer {
    pub fn new(key: SealKey) -> Self {
        FrameBuffer {
            bytes: Vec::new(),
            key,
            next: 0,
        }
    }

    pub fn push(&mut self, data: &[u8]) {
        self.bytes.extend_from_slice(data);
    }

    /// The next complete frame, `Ok(None)` if more bytes are needed.
    pub fn next_frame<T: DeserializeOwned>(&mut self) -> Result<Option<T>, String> {
        if self.bytes.len() < 4 {
            return Ok(None);
        }
        let len = u32::from_be_bytes(self.bytes[..4].try_into().expect("4 bytes")) as usize;
        if len > MAX_FRAME {
            return Err(format!("a result frame of {len} bytes exceeds the cap"));
        }
        if len < TAG_BYTES {
            return Err("a result frame without a seal".into());
        }
        if self.bytes.len() < 4 + len {
            return Ok(None);
        }
        let (sealed, body) = self.bytes[4..4 + len].split_at(TAG_BYTES);
        if sealed == tag(&self.key, self.next, body) {
            self.next += 1;
        } else if sealed != tag(&self.key, INIT_FRAME, body) {
            return Err("a forged result frame".into());
        }
        let parsed =
            serde_json::from_slice(body).map_err(|e| format!("a malformed result frame ({e})"));
        self.bytes.drain(..4 + len);
        parsed.map(Some)
    }

    /// Bytes received that do not form a complete frame.
    pub fn pending(&self) -> usize {
        self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: SealKey = *b"0123456789abcdef0123456789abcdef";

    #[test]
    fn frames_round_trip_and_split_anywhere() {
        let mut wire = Vec::new();
        write_sealed(&mut wire, &KEY, 0, &ChildMessage::Imported).unwrap();
        write_sealed(&mut wire, &KEY, 1, &ChildMessage::Done).unwrap();
        write_sealed(
            &mut wire,
            &KEY,
            INIT_FRAME,
            &ChildMessage::Ended { wait_status: 0 },
        )
        .unwrap();
        let mut buffer = FrameBuffer::new(KEY);
        let mut seen = Vec::new();
        for byte in &wire {
            buffer.push(&[*byte]);
            while let Some(msg) = buffer.next_frame::<ChildMessage>().unwrap() {
                seen.push(msg);
            }
        }
        assert!(matches!(
            seen.as_slice(),
            [
                ChildMessage::Imported,
                ChildMessage::Done,
                ChildMessage::Ended { .. }
            ]
        ));
        assert_eq!(buffer.pending(), 0);
    }

    #[test]
    fn oversized_garbled_or_unsealed_frames_are_refused() {
        let mut buffer = FrameBuffer::new(KEY);
        buffer.push(&u32::MAX.to_be_bytes());
        assert!(buffer.next_frame::<ChildMessage>().is_err());
        let mut buffer = FrameBuffer::new(KEY);
        buffer.push(&3u32.to_be_bytes());
        buffer.push(b"{{{");
        assert!(buffer.next_frame::<ChildMessage>().is_err());
        // A well-formed message under another key is a forgery.
        let mut wire = Vec::new();
        write_sealed(
            &mut wire,
            b"fedcba9876543210fedcba9876543210",
            0,
            &ChildMessage::Done,
        )
        .unwrap();
        let mut buffer = FrameBuffer::new(KEY);
        buffer.push(&wire);
        assert_eq!(
            buffer.next_frame::<ChildMessage>().unwrap_err(),
            "a forged result frame"
        );
        let mut unsealed = Vec::new();
        write_frame(&mut unsealed, &ChildMessage::Done).unwrap();
        let mut buffer = FrameBuffer::new(KEY);
        buffer.push(&unsealed);
        assert!(buffer.next_frame::<ChildMessage>().is_err());
        let mut cursor = io::Cursor::new(vec![0xff, 0xff, 0xff, 0xff]);
        assert!(read_frame::<ChildMessage>(&mut cursor).is_err());
    }
}

#[cfg(test)]
mod replay_tests {
    use super::*;

    /// A frame seen once (by code that could read the pipe) cannot be sent
    /// again, nor can frames be reordered: each is sealed with its number.
    #[test]
    fn replayed_or_reordered_frames_are_forgeries() {
        let key: SealKey = [7; 32];
        let mut first = Vec::new();
        write_sealed(&mut first, &key, 0, &ChildMessage::Imported).unwrap();
        let mut buffer = FrameBuffer::new(key);
        buffer.push(&first);
        buffer.push(&first);
        assert!(buffer.next_frame::<ChildMessage>().unwrap().is_some());
        assert_eq!(
            buffer.next_frame::<ChildMessage>().unwrap_err(),
            "a forged result frame"
        );
        let mut later = Vec::new();
        write_sealed(&mut later, &key, 5, &ChildMessage::Done).unwrap();
        let mut buffer = FrameBuffer::new(key);
        buffer.push(&later);
        assert!(buffer.next_frame::<ChildMessage>().is_err());
    }
}
