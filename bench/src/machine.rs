//! The machine and the versions a run measured.

use crate::paths::workspace;
use std::process::Command;

/// Where and with what the figures were measured.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Logical CPUs available.
    pub cpus: usize,
    /// The CPU model.
    pub cpu_model: String,
    /// Total memory in GiB.
    pub memory_gib: f64,
    /// The kernel.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// Locked versions of the crates that matter, by name.
    pub crates: Vec<(&'static str, String)>,
}

/// Crates whose versions the report names.
const CRATES: [&str; 4] = ["aws-sdk-dynamodb", "dynoxide-rs", "tokio", "hyper"];

impl Machine {
    /// Reads `/proc`, `rustc` and the lockfile.
    pub fn detect() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let lock = std::fs::read_to_string(workspace().join("Cargo.lock")).unwrap_or_default();
        Machine {
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            cpu_model: field(&cpuinfo, "model name").unwrap_or_else(|| "unknown".into()),
            memory_gib: field(&meminfo, "MemTotal")
                .and_then(|total| total.split_whitespace().next()?.parse::<f64>().ok())
                .map_or(0.0, |kib| kib / (1024.0 * 1024.0)),
            os: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|release| format!("Linux {}", release.trim()))
                .unwrap_or_else(|_| std::env::consts::OS.into()),
            rustc: Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
                .arg("--version")
                .output()
                .ok()
                .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
                .unwrap_or_else(|| "unknown".into()),
            crates: CRATES
                .iter()
                .map(|name| {
                    (
                        *name,
                        locked_version(&lock, name).unwrap_or_else(|| "?".into()),
                    )
                })
                .collect(),
        }
    }

    /// One line for the terminal.
    pub fn summary(&self) -> String {
        format!(
            "{} CPUs ({}), {:.1} GiB, {}, {}",
            self.cpus, self.cpu_model, self.memory_gib, self.os, self.rustc
        )
    }

    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        let crates: Vec<String> = self
            .crates
            .iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect();
        format!(
            "| | |\n|---|---|\n| CPUs (nproc) | {} |\n| CPU model | {} |\n| memory | {:.1} GiB |\n\
             | OS | {} |\n| Rust | {} |\n| crates | {} |\n",
            self.cpus,
            self.cpu_model,
            self.memory_gib,
            self.os,
            self.rustc,
            crates.join(", ")
        )
    }
}

/// The value of `key: value` in a /proc text file.
fn field(text: &str, key: &str) -> Option<String> {
    text.lines()
        .find(|line| line.starts_with(key))
        .and_then(|line| line.split_once(':'))
        .map(|(_, value)| value.trim().to_owned())
}

/// The version of `name` in Cargo.lock (the first, if several are locked).
fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.find(|line| *line == wanted)?;
    lines
        .next()?
        .strip_prefix("version = \"")?
        .strip_suffix('"')
        .map(str::to_owned)
}
