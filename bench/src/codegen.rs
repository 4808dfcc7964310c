//! Section 1: codegen time. The whole `bao codegen` process on synthetic schemas of 10, 100
//! and 1000 models, split into stages by what the process reports with `--timings`, beside
//! DynamoBao's own codegen (`node bin/codegen.js`) of the same schema, the runs interleaved.

use crate::dynamo_bao::Installed;
use crate::error::{BenchError, Result, io};
use crate::paths::{describe, run, scratch};
use crate::schemas;
use crate::stats::{median, ms};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Schema sizes measured.
pub const SIZES: [usize; 3] = [10, 100, 1000];
/// Targets of the whole process, in ms, per size (none for 10 models).
pub const TARGETS: [Option<f64>; 3] = [None, Some(100.0), None];
/// The goal for 1000 models: bao's time over DynamoBao's.
const RATIO_GOAL: f64 = 0.3;

/// Runs per figure.
fn runs(models: usize) -> usize {
    if models >= 1000 { 5 } else { 9 }
}

/// The figures of one schema size.
#[derive(Debug, Clone)]
pub struct SizeFigures {
    /// Models in the schema.
    pub models: usize,
    /// Generated lines of Rust.
    pub lines: usize,
    /// Median wall time of the whole `bao codegen` process, into an empty directory.
    pub process_ms: f64,
    /// The fastest of those runs: the least disturbed by other work on a shared machine.
    pub best_ms: f64,
    /// Median load + validate, as the process reports it (`--timings`).
    pub validate_ms: f64,
    /// Median rendering of the templates, as the process reports it.
    pub emit_ms: f64,
    /// Median writing of the files, as the process reports it.
    pub write_ms: f64,
    /// The rest of the median run: starting and exiting the process.
    pub rest_ms: f64,
    /// Median wall time of DynamoBao's codegen of the same schema, into an empty directory.
    pub dynamo_bao_ms: f64,
}

impl SizeFigures {
    /// bao's median over DynamoBao's.
    pub fn ratio_vs_dynamo_bao(&self) -> f64 {
        self.process_ms / self.dynamo_bao_ms
    }
}

/// Section 1's figures.
#[derive(Debug, Clone)]
pub struct CodegenFigures {
    /// One entry per size in [`SIZES`].
    pub sizes: Vec<SizeFigures>,
    /// The command timed.
    pub command: String,
    /// DynamoBao's command, for the 1000-model schema.
    pub dynamo_bao_command: String,
}

/// Measures every size with the release `bao` binary and with DynamoBao's codegen, a run of
/// each in turn.
pub fn run_all(bao: &Path, dynamo_bao: &Installed) -> Result<CodegenFigures> {
    let dir = scratch("codegen")?;
    let mut sizes = Vec::new();
    let mut run_dirs = Vec::new();
    let (mut command, mut dynamo_bao_command) = (String::new(), String::new());
    for models in SIZES {
        let schema = dir.join(format!("models-{models}.yaml"));
        std::fs::write(&schema, schemas::synthetic(models, 0))
            .map_err(io("cannot write a synthetic schema", &schema))?;
        let (mut process, mut stages, mut js) = (Vec::new(), Vec::new(), Vec::new());
        let mut out = PathBuf::new();
        for run_index in 0..runs(models) {
            // Each run writes into a directory of its own, and none is deleted until the
            // section ends. Deleting a thousand files just before a run made ext4 skip over
            // their inodes, which it keeps unused for a while after deletion, on every file
            // the run then created: up to 270 ms of a run went to that scan, a cost of this
            // harness that no one regenerating their models pays.
            let js_out = dir.join(format!("js-{models}-{run_index}"));
            let mut theirs = dynamo_bao.codegen_command(&dir, &schema, &js_out)?;
            let started = Instant::now();
            run(&mut theirs)?;
            js.push(ms(started.elapsed()));
            run_dirs.push(js_out);
            dynamo_bao_command = describe(&theirs);
            out = dir.join(format!("out-{models}-{run_index}"));
            let mut codegen = Command::new(bao);
            codegen
                .args(["--color", "never", "codegen", "--timings", "--schema"])
                .arg(&schema)
                .arg("--out")
                .arg(&out);
            let started = Instant::now();
            let output = run(&mut codegen)?;
            process.push(ms(started.elapsed()));
            stages.push(reported_timings(&String::from_utf8_lossy(&output.stderr))?);
            command = describe(&codegen);
            run_dirs.push(out.clone());
        }
        let lines = generated_lines(&out)?;
        let stage = |index: usize| {
            median(
                &stages
                    .iter()
                    .map(|s: &[f64; 3]| s[index])
                    .collect::<Vec<_>>(),
            )
        };
        let (validate_ms, emit_ms, write_ms) = (stage(0), stage(1), stage(2));
        let process_ms = median(&process);
        let best_ms = process.iter().copied().fold(f64::INFINITY, f64::min);
        let figures = SizeFigures {
            models,
            lines,
            process_ms,
            best_ms,
            validate_ms,
            emit_ms,
            write_ms,
            rest_ms: (process_ms - validate_ms - emit_ms - write_ms).max(0.0),
            dynamo_bao_ms: median(&js),
        };
        println!(
            "  {models:>5} models ({lines:>7} lines): process {process_ms:>7.1} ms (best {best_ms:.1}) = load+validate {validate_ms:>6.1} + emit {emit_ms:>7.1} + write {write_ms:>5.1} + rest {:>5.1} ms; DynamoBao {:>7.1} ms, ratio {:.2}",
            figures.rest_ms,
            figures.dynamo_bao_ms,
            figures.ratio_vs_dynamo_bao(),
        );
        sizes.push(figures);
    }
    for run_dir in &run_dirs {
        std::fs::remove_dir_all(run_dir).map_err(io("cannot remove generated files", run_dir))?;
    }
    Ok(CodegenFigures {
        sizes,
        command,
        dynamo_bao_command,
    })
}

/// The stage times `bao codegen --timings` prints: load+validate, emit and write, in ms.
fn reported_timings(stderr: &str) -> Result<[f64; 3]> {
    let line = stderr
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("Timings "));
    let values: Vec<f64> = line
        .into_iter()
        .flat_map(|line| line.split(", "))
        .filter_map(|stage| stage.split_whitespace().nth(1)?.parse().ok())
        .collect();
    values.try_into().map_err(|_| BenchError::Parse {
        what: "the timings of `bao codegen --timings`".into(),
        detail: format!("no line of three stages in its output:\n{stderr}"),
    })
}

fn generated_lines(dir: &Path) -> Result<usize> {
    let mut lines = 0;
    for entry in std::fs::read_dir(dir).map_err(io("cannot list generated files", dir))? {
        let path = entry
            .map_err(io("cannot list generated files", dir))?
            .path();
        let text =
            std::fs::read_to_string(&path).map_err(io("cannot read a generated file", &path))?;
        lines += text.lines().count();
    }
    Ok(lines)
}

impl CodegenFigures {
    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        let mut text = String::from(
            "| models | generated lines | `bao codegen` wall (ms) | best run (ms) | target | DynamoBao codegen (ms) | bao / DynamoBao | load + validate | emit | write | rest of the process |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for (index, size) in self.sizes.iter().enumerate() {
            let target = TARGETS.get(index).copied().flatten();
            let ratio = size.ratio_vs_dynamo_bao();
            let ratio = match size.models {
                1000 => format!(
                    "**{ratio:.2}** (goal <= {RATIO_GOAL} {})",
                    verdict(ratio <= RATIO_GOAL)
                ),
                _ => format!("{ratio:.2}"),
            };
            text.push_str(&format!(
                "| {} | {} | **{:.1}** | {:.1} | {} | {:.1} | {} | {:.1} | {:.1} | {:.1} | {:.1} |\n",
                size.models,
                size.lines,
                size.process_ms,
                size.best_ms,
                target.map_or("–".to_owned(), |t| format!(
                    "< {t:.0} ms {}",
                    verdict(size.process_ms < t)
                )),
                size.dynamo_bao_ms,
                ratio,
                size.validate_ms,
                size.emit_ms,
                size.write_ms,
                size.rest_ms,
            ));
        }
        text.push_str(PROFILE);
        text
    }
}

/// Where codegen time goes.
const PROFILE: &str = "\nThe templates print final code, laid out as prettyplease would lay it \
out, so the default path neither parses nor formats what it emits (before, `syn` and prettyplease \
were nine tenths of the instructions; the tests now prove the layout instead, on every fixture \
and on random schemas). What remains is loading and validating the YAML (the previous \
`bao.lock` is read beside the serial YAML parse, and the models of a large schema are validated \
on two threads), rendering the templates (on every core; the output bytes do not depend on the \
thread count) and writing the files. Each module is written by the thread that rendered it, as \
soon as it is rendered, so the `emit` column includes those writes; `write` is what is left \
once everything rendered (`mod.rs`, changed files moved into place, stale files, the lock). A \
failure half way removes what the run wrote. A module whose names are too long for the \
built-in layout rules goes through prettyplease; none of the synthetic models does.\n";

/// ✓ or ✗.
pub fn verdict(met: bool) -> &'static str {
    if met { "✓" } else { "✗" }
}
