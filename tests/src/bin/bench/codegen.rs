//! Section 1: codegen time. The whole `bao codegen` process on synthetic schemas of 10, 100
//! and 1000 models, split into stages by what the process reports with `--timings`.

use crate::error::{BenchError, Result, io};
use crate::paths::{describe, run, scratch};
use crate::schemas;
use crate::stats::{median, ms};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Schema sizes measured.
pub const SIZES: [usize; 3] = [10, 100, 1000];
/// Targets of the whole process, in ms, per size (none for 10 models).
const TARGETS: [Option<f64>; 3] = [None, Some(100.0), Some(500.0)];
/// DynamoBao's own codegen, as the design notes give it, in ms.
const DYNAMO_BAO: [Option<f64>; 3] = [None, Some(190.0), Some(940.0)];

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
    /// Median render + syn check + prettyplease, as the process reports it.
    pub emit_ms: f64,
    /// Median writing of the files, as the process reports it.
    pub write_ms: f64,
    /// The rest of the median run: starting and exiting the process.
    pub rest_ms: f64,
}

/// Section 1's figures.
#[derive(Debug, Clone)]
pub struct CodegenFigures {
    /// One entry per size in [`SIZES`].
    pub sizes: Vec<SizeFigures>,
    /// The command timed.
    pub command: String,
}

/// Measures every size with the release `bao` binary.
pub fn run_all(bao: &Path) -> Result<CodegenFigures> {
    let dir = scratch("codegen")?;
    let mut sizes = Vec::new();
    let mut command = String::new();
    for models in SIZES {
        let schema = dir.join(format!("models-{models}.yaml"));
        std::fs::write(&schema, schemas::synthetic(models, 0))
            .map_err(io("cannot write a synthetic schema", &schema))?;
        let out = dir.join(format!("out-{models}"));
        let (mut process, mut stages) = (Vec::new(), Vec::new());
        for _ in 0..runs(models) {
            empty(&out)?;
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
        };
        println!(
            "  {models:>5} models ({lines:>7} lines): process {process_ms:>7.1} ms (best {best_ms:.1}) = load+validate {validate_ms:>6.1} + emit {emit_ms:>7.1} + write {write_ms:>5.1} + rest {:>5.1} ms",
            figures.rest_ms
        );
        sizes.push(figures);
    }
    Ok(CodegenFigures { sizes, command })
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

fn empty(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(io("cannot empty the output directory", dir))?;
    }
    Ok(())
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
            "| models | generated lines | `bao codegen` wall (ms) | best run (ms) | target | DynamoBao | load + validate | emit | write | rest of the process |\n\
             |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        );
        for (index, size) in self.sizes.iter().enumerate() {
            let target = TARGETS.get(index).copied().flatten();
            let dynamo_bao = DYNAMO_BAO.get(index).copied().flatten();
            text.push_str(&format!(
                "| {} | {} | **{:.1}** | {:.1} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |\n",
                size.models,
                size.lines,
                size.process_ms,
                size.best_ms,
                target.map_or("–".to_owned(), |t| format!(
                    "< {t:.0} ms {}",
                    verdict(size.process_ms < t)
                )),
                dynamo_bao.map_or("–".to_owned(), |d| format!("~{d:.0} ms")),
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

/// Where codegen time goes, from callgrind on one in-process generation of the 100-model schema.
const PROFILE: &str = "\nWhere the time goes (callgrind, 100 models, in one process): parsing each \
rendered module with `syn` (the check that catches template bugs, and prettyplease's input) is two \
thirds of the instructions, a third of that being the lexing of the text into tokens; \
pretty-printing is most of the rest, the YAML load 6% and the templates 5%. Models are \
independent, so modules are rendered and formatted on every core and gathered back in model order \
(the output bytes do not depend on the thread count). Already done: `proc-macro2` without span \
locations (9% fewer instructions), the key types' trait impls moved into the runtime (3%), fat LTO \
with one codegen unit (9% fewer instructions, about 13% less time). The 1000-model goal is out of \
reach while every module goes through `syn` and prettyplease, as the design requires: those two \
alone cost about 10 M instructions per module of some 580 lines, about a second for 1000 modules \
on two cores. `bao watch` keeps a format cache, so a save reformats only the modules that \
changed (section 2).\n";

/// ✓ or ✗.
pub fn verdict(met: bool) -> &'static str {
    if met { "✓" } else { "✗" }
}
