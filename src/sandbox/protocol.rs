//! What crosses process boundaries, and how it is framed.
//!
//! Every message is a 4-byte big-endian length and a JSON body, read with a
//! size cap. The grader sends a [`RunRequest`] to the worker (inputs only: the
//! expected values never leave the grader); the child streams
//! [`ChildMessage`]s to the worker over a dedicated pipe; the worker answers
//! the grader with a [`RunReport`]. The grader treats the report as data to
//! validate, never as a verdict.

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
pub const TIMING_BUDGET: std::time::Duration = std::time::Duration::from_millis(400);

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Slot {
    Finished(CheckOutcome),
    /// The child died while running this check (signal, exit, bad message).
    Crashed(String),
    /// The deadline passed while this check ran.
    TimedOut,
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

/// Child → worker, over the result pipe.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum ChildMessage {
    /// Sent before any candidate code runs: what confines this child.
    Ready(Confinement),
    /// The sandbox could not be set up; no candidate code ran.
    SandboxFailed(String),
    Imported,
    ImportFailed(FaultInfo),
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

/// A per-child secret that starts every result frame. Candidate code shares
/// the child's process, but cannot learn it without reading the process's
/// memory, so output it writes to any descriptor — fd 3 included — cannot
/// pass for a result.
pub type Nonce = [u8; 16];

/// Writes a child's result frame: length, nonce, JSON.
pub fn write_sealed(out: &mut impl Write, nonce: &Nonce, message: &ChildMessage) -> io::Result<()> {
    let body = serde_json::to_vec(message).map_err(io::Error::other)?;
    let len = u32::try_from(body.len() + nonce.len()).map_err(io::Error::other)?;
    let mut frame = Vec::with_capacity(4 + len as usize);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(nonce);
    frame.extend_from_slice(&body);
    // One write: frames from one writer never interleave on a pipe.
    out.write_all(&frame)?;
    out.flush()
}

/// Splits the child's result stream into frames as it arrives (the worker
/// reads without blocking), refusing any frame without the child's nonce.
pub struct FrameBuffer {
    bytes: Vec<u8>,
    nonce: Nonce,
}

impl FrameBuffer {
    pub fn new(nonce: Nonce) -> Self {
        FrameBuffer {
            bytes: Vec::new(),
            nonce,
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
        if len < self.nonce.len() {
            return Err("a result frame without a seal".into());
        }
        if self.bytes.len() < 4 + len {
            return Ok(None);
        }
        if self.bytes[4..4 + self.nonce.len()] != self.nonce {
            return Err("a forged result frame".into());
        }
        let parsed = serde_json::from_slice(&self.bytes[4 + self.nonce.len()..4 + len])
            .map_err(|e| format!("a malformed result frame ({e})"));
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

    const NONCE: Nonce = *b"0123456789abcdef";

    #[test]
    fn frames_round_trip_and_split_anywhere() {
        let mut wire = Vec::new();
        write_sealed(&mut wire, &NONCE, &ChildMessage::Imported).unwrap();
        write_sealed(&mut wire, &NONCE, &ChildMessage::Done).unwrap();
        let mut buffer = FrameBuffer::new(NONCE);
        let mut seen = Vec::new();
        for byte in &wire {
            buffer.push(&[*byte]);
            while let Some(msg) = buffer.next_frame::<ChildMessage>().unwrap() {
                seen.push(msg);
            }
        }
        assert!(matches!(
            seen.as_slice(),
            [ChildMessage::Imported, ChildMessage::Done]
        ));
        assert_eq!(buffer.pending(), 0);
    }

    #[test]
    fn oversized_garbled_or_unsealed_frames_are_refused() {
        let mut buffer = FrameBuffer::new(NONCE);
        buffer.push(&u32::MAX.to_be_bytes());
        assert!(buffer.next_frame::<ChildMessage>().is_err());
        let mut buffer = FrameBuffer::new(NONCE);
        buffer.push(&3u32.to_be_bytes());
        buffer.push(b"{{{");
        assert!(buffer.next_frame::<ChildMessage>().is_err());
        // A well-formed message under another seal is a forgery.
        let mut wire = Vec::new();
        write_sealed(&mut wire, b"fedcba9876543210", &ChildMessage::Done).unwrap();
        let mut buffer = FrameBuffer::new(NONCE);
        buffer.push(&wire);
        assert_eq!(
            buffer.next_frame::<ChildMessage>().unwrap_err(),
            "a forged result frame"
        );
        let mut unsealed = Vec::new();
        write_frame(&mut unsealed, &ChildMessage::Done).unwrap();
        let mut buffer = FrameBuffer::new(NONCE);
        buffer.push(&unsealed);
        assert!(buffer.next_frame::<ChildMessage>().is_err());
        let mut cursor = io::Cursor::new(vec![0xff, 0xff, 0xff, 0xff]);
        assert!(read_frame::<ChildMessage>(&mut cursor).is_err());
    }
}
