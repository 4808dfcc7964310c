//! Section 2: `bao watch` latency, from rewriting the schema to the regenerated module holding
//! the new content (the 50 ms debounce included).

use crate::error::{BenchError, Result, io};
use crate::paths::scratch;
use crate::schemas;
use crate::stats::{median, ms};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Models in the watched schemas; the target holds for both.
const SIZES: [usize; 2] = [10, 1000];
/// The latency target, in ms.
const TARGET_MS: f64 = 300.0;
/// The longest a regeneration may take before the run fails.
const PATIENCE: Duration = Duration::from_secs(10);

/// Schema rewrites measured per size.
fn rewrites(models: usize) -> usize {
    if models >= 1000 { 5 } else { 9 }
}

/// Section 2's figures.
#[derive(Debug, Clone)]
pub struct WatchFigures {
    /// One entry per size in [`SIZES`].
    pub sizes: Vec<WatchSize>,
}

/// The latencies of one watched schema.
#[derive(Debug, Clone)]
pub struct WatchSize {
    /// Models in the schema.
    pub models: usize,
    /// Each run's latency in ms.
    pub runs: Vec<f64>,
    /// Their median.
    pub median_ms: f64,
}

/// Kills the watcher when dropped, so a failed run leaves no process behind.
struct Watcher(Child);

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Times `bao watch` on each size of synthetic schema.
pub fn run_all(bao: &Path) -> Result<WatchFigures> {
    let sizes = SIZES
        .into_iter()
        .map(|models| measure(bao, models))
        .collect::<Result<_>>()?;
    Ok(WatchFigures { sizes })
}

/// Starts `bao watch` on a synthetic schema of `models` models and times its rewrites.
fn measure(bao: &Path, models: usize) -> Result<WatchSize> {
    let dir = scratch(&format!("watch-{models}"))?;
    let schema = dir.join("models.yaml");
    let out = dir.join("out");
    std::fs::write(&schema, schemas::synthetic(models, 0))
        .map_err(io("cannot write the watched schema", &schema))?;
    let mut child = Command::new(bao)
        .args(["--color", "never", "watch", "--schema"])
        .arg(&schema)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| BenchError::Command {
            command: "bao watch".into(),
            detail: format!("cannot start: {error}"),
        })?;
    let stderr = child.stderr.take();
    let watcher = Watcher(child);
    let (lines, received) = mpsc::channel();
    if let Some(stderr) = stderr {
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
    }
    wait_for_line(&received, "Watching")?;

    let module = out.join(format!("{}.rs", schemas::module_name(0)));
    let mut runs = Vec::new();
    for revision in 1..=rewrites(models) {
        // Let the previous cycle's events settle, so each rewrite is a cycle of its own.
        std::thread::sleep(Duration::from_millis(400));
        let marker = format!("revision {revision}.");
        let started = Instant::now();
        std::fs::write(&schema, schemas::synthetic(models, revision))
            .map_err(io("cannot rewrite the watched schema", &schema))?;
        loop {
            let text = std::fs::read_to_string(&module).unwrap_or_default();
            if text.contains(&marker) {
                break;
            }
            if started.elapsed() > PATIENCE {
                return Err(BenchError::Timeout(format!(
                    "`bao watch` to regenerate {} (revision {revision})",
                    module.display()
                )));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        runs.push(ms(started.elapsed()));
    }
    drop(watcher);
    let median_ms = median(&runs);
    println!(
        "  {models:>5} models: schema rewrite -> regenerated module: median {median_ms:.1} ms over {} runs",
        runs.len()
    );
    Ok(WatchSize {
        models,
        runs,
        median_ms,
    })
}

fn wait_for_line(lines: &mpsc::Receiver<String>, wanted: &str) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(wanted) => return Ok(()),
            Ok(_) => {}
            Err(_) => {
                return Err(BenchError::Timeout(format!(
                    "`bao watch` to print `{wanted}`"
                )));
            }
        }
    }
}

impl WatchFigures {
    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        let mut table = String::from(
            "| schema | median latency (ms) | target | runs (ms) |\n|---|---:|---:|---|\n",
        );
        for size in &self.sizes {
            let runs: Vec<String> = size.runs.iter().map(|run| format!("{run:.0}")).collect();
            let target = format!(
                "< {TARGET_MS:.0} ms {}",
                crate::codegen::verdict(size.median_ms < TARGET_MS)
            );
            table.push_str(&format!(
                "| {} models | **{:.1}** | {target} | {} |\n",
                size.models,
                size.median_ms,
                runs.join(", ")
            ));
        }
        table
    }
}
