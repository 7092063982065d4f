//! What a child running candidate code may use, and what confines it.
//!
//! [`Limits`] are plain numbers with sensible defaults, settable from the
//! command line and from a config file's `[limits]` table, and printed in every
//! report. [`Confinement`] is what the child actually obtained on this machine:
//! each mechanism says whether it is enforced, so a report never claims a
//! protection the platform could not give.

use serde::{Deserialize, Serialize};

/// Resource limits for one sandboxed child (one exercise of one submission).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// CPU seconds (RLIMIT_CPU); the wall-clock deadline is separate.
    pub cpu_seconds: u64,
    /// Address space in MiB (RLIMIT_AS): a memory bomb gets `MemoryError`.
    pub memory_mb: u64,
    /// Processes and threads of the sandbox user (RLIMIT_NPROC).
    pub processes: u64,
    /// Largest file the code may write, in MiB (RLIMIT_FSIZE); also the size
    /// of the scratch filesystem where one can be mounted.
    pub file_size_mb: u64,
    /// Open file descriptors (RLIMIT_NOFILE).
    pub open_files: u64,
    /// Bytes of stdout, and of stderr, kept per exercise, in KiB.
    pub output_kb: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            cpu_seconds: 20,
            memory_mb: 1024,
            processes: 64,
            file_size_mb: 16,
            open_files: 128,
            output_kb: 64,
        }
    }
}

impl Limits {
    /// Refuses limits that would break the interpreter itself or make no sense.
    pub fn validate(&self) -> Result<(), String> {
        let checks = [
            (self.cpu_seconds >= 1, "cpu_seconds must be at least 1"),
            (
                self.memory_mb >= 256,
                "memory_mb must be at least 256 (the interpreter itself needs room)",
            ),
            (
                self.processes >= 8,
                "processes must be at least 8 (threads count too)",
            ),
            (self.file_size_mb >= 1, "file_size_mb must be at least 1"),
            (self.open_files >= 16, "open_files must be at least 16"),
            (self.output_kb >= 1, "output_kb must be at least 1"),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, why)) => Err((*why).to_string()),
            None => Ok(()),
        }
    }

    pub fn output_bytes(&self) -> usize {
        (self.output_kb as usize) * 1024
    }
}

/// One confinement mechanism and whether this machine gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    /// e.g. `network`, `filesystem`, `processes`, `user`.
    pub name: String,
    pub enforced: bool,
    /// How it is enforced, or why it is not.
    pub detail: String,
}

/// What the child obtained, reported before any candidate code runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confinement {
    pub measures: Vec<Measure>,
}

impl Confinement {
    pub fn add(&mut self, name: &str, enforced: bool, detail: impl Into<String>) {
        self.measures.push(Measure {
            name: name.into(),
            enforced,
            detail: detail.into(),
        });
    }

    /// Keeps, for each measure, the weaker of the two: a report states what
    /// every child had, not what the first one had.
    pub fn merge(&mut self, other: Confinement) {
        for measure in other.measures {
            match self.measures.iter_mut().find(|m| m.name == measure.name) {
                Some(mine) if mine.enforced && !measure.enforced => *mine = measure,
                Some(_) => {}
                None => self.measures.push(measure),
            }
        }
    }

    pub fn unavailable(&self) -> impl Iterator<Item = &Measure> {
        self.measures.iter().filter(|m| !m.enforced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_absurd_limits_are_refused() {
        assert_eq!(Limits::default().validate(), Ok(()));
        let tiny = Limits {
            memory_mb: 16,
            ..Limits::default()
        };
        assert!(tiny.validate().unwrap_err().contains("memory_mb"));
    }

    #[test]
    fn merging_keeps_the_weakest_measure() {
        let mut first = Confinement::default();
        first.add("network", true, "namespace");
        first.add("user", true, "uid 65534");
        let mut later = Confinement::default();
        later.add("network", false, "no namespace");
        later.add("filesystem", true, "Landlock");
        first.merge(later);
        let network = first.measures.iter().find(|m| m.name == "network").unwrap();
        assert!(!network.enforced);
        assert_eq!(network.detail, "no namespace");
        assert_eq!(first.measures.len(), 3);
    }

    #[test]
    fn a_config_table_may_set_some_limits_only() {
        let limits: Limits = toml::from_str("memory_mb = 512\nprocesses = 16").unwrap();
        assert_eq!(limits.memory_mb, 512);
        assert_eq!(limits.processes, 16);
        assert_eq!(limits.cpu_seconds, Limits::default().cpu_seconds);
        assert!(
            toml::from_str::<Limits>("memroy_mb = 1").is_err(),
            "typos are errors"
        );
    }
}
