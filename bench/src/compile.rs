//! Section 3: compile time of generated code. A crate under the target directory depends on
//! `bao-runtime` by path and holds the generated modules of a synthetic schema; once its
//! dependencies are built, a full (non-incremental) `cargo build` of just that crate is timed.
//! The baseline is a crate of the same 100 models written by hand as plain structs with serde
//! derives only; its builds and those of the 100 generated models take turns, so that a change
//! in the machine's speed during the section falls on both.

use crate::error::{Result, io};
use crate::paths::{cargo, describe, run, target_dir, workspace};
use crate::schemas;
use crate::stats::{median, ms, paired_ratio};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

/// Schema sizes measured.
pub const SIZES: [usize; 2] = [10, 100];
/// Timed builds per size.
const RUNS: usize = 3;
/// Timed builds of each of the two compared crates (100 generated models, 100 plain structs).
const COMPARED_RUNS: usize = 5;

/// The figures of one schema size.
#[derive(Debug, Clone)]
pub struct CompileFigures {
    /// Models in the schema.
    pub models: usize,
    /// Median wall time of `cargo build` (dev profile) of the crate alone.
    pub debug_ms: f64,
    /// Each run, in ms.
    pub runs: Vec<f64>,
}

/// Section 3's figures.
#[derive(Debug, Clone)]
pub struct CompileSection {
    /// One entry per size in [`SIZES`].
    pub sizes: Vec<CompileFigures>,
    /// The baseline: the 100 models as plain structs with serde derives.
    pub plain: CompileFigures,
    /// The command timed.
    pub command: String,
}

impl CompileSection {
    /// The 100 generated models' build time over the plain structs': the median of each
    /// turn's ratio of the two builds run one after the other ([`paired_ratio`]), so that a
    /// slow spell of the machine falls on both sides of a ratio.
    pub fn ratio_vs_plain_structs(&self) -> f64 {
        let generated = self
            .sizes
            .iter()
            .find(|size| size.models == self.plain.models);
        generated.map_or(f64::NAN, |size| paired_ratio(&size.runs, &self.plain.runs))
    }
}

/// Builds each crate once (dependencies included, not timed), then times rebuilds of the crate.
pub fn run_all(bao: &Path) -> Result<CompileSection> {
    let root = target_dir().join("bench").join("compile");
    let shared_target = root.join("target");
    let mut crates = Vec::new();
    for models in SIZES {
        let dir = root.join(format!("generated-{models}"));
        write_generated_crate(bao, &dir, models)?;
        crates.push(Crate::built(&dir, &shared_target)?);
    }
    let models = SIZES[SIZES.len() - 1];
    let plain_dir = root.join(format!("plain-{models}"));
    write_plain_crate(&plain_dir, models)?;
    let mut plain_crate = Crate::built(&plain_dir, &shared_target)?;

    let (compared, smaller) = crates.split_last_mut().expect("SIZES is not empty");
    let mut sizes: Vec<CompileFigures> = smaller
        .iter_mut()
        .zip(SIZES)
        .map(|(krate, models)| krate.timed(models, RUNS))
        .collect::<Result<_>>()?;
    // The compared crates take turns, the one going first alternating.
    let (mut generated_runs, mut plain_runs) = (Vec::new(), Vec::new());
    for round in 0..COMPARED_RUNS {
        if round % 2 == 0 {
            generated_runs.push(compared.time_once()?);
            plain_runs.push(plain_crate.time_once()?);
        } else {
            plain_runs.push(plain_crate.time_once()?);
            generated_runs.push(compared.time_once()?);
        }
    }
    sizes.push(CompileFigures::of(models, generated_runs));
    let plain = CompileFigures::of(models, plain_runs);
    for size in &sizes {
        println!(
            "  {:>4} models: cargo build of the generated crate {:>8.0} ms (median of {})",
            size.models,
            size.debug_ms,
            size.runs.len()
        );
    }
    println!(
        "  {models:>4} models: cargo build of the same plain structs {:>8.0} ms (median of {COMPARED_RUNS})",
        plain.debug_ms
    );
    Ok(CompileSection {
        sizes,
        plain,
        command: describe(&compared.build),
    })
}

impl CompileFigures {
    fn of(models: usize, runs: Vec<f64>) -> CompileFigures {
        CompileFigures {
            models,
            debug_ms: median(&runs),
            runs,
        }
    }
}

/// A crate whose dependencies are built, and the command that rebuilds it.
struct Crate {
    build: Command,
    lib: PathBuf,
}

impl Crate {
    /// Builds the crate in `dir` once, dependencies included.
    fn built(dir: &Path, target: &Path) -> Result<Crate> {
        let mut build = cargo();
        build
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            // Without incremental reuse, each timed build compiles the whole crate.
            .env("CARGO_INCREMENTAL", "0")
            .args(["build", "--quiet"]);
        run(&mut build)?;
        Ok(Crate {
            build,
            lib: dir.join("src").join("lib.rs"),
        })
    }

    /// `runs` timed rebuilds of the crate alone.
    fn timed(&mut self, models: usize, runs: usize) -> Result<CompileFigures> {
        let runs = (0..runs).map(|_| self.time_once()).collect::<Result<_>>()?;
        Ok(CompileFigures::of(models, runs))
    }

    /// One timed rebuild of the crate alone, in ms.
    fn time_once(&mut self) -> Result<f64> {
        touch(&self.lib)?;
        let started = Instant::now();
        run(&mut self.build)?;
        Ok(ms(started.elapsed()))
    }
}

/// Writes a crate's manifest (with `dependency`) and the workspace's lockfile.
fn write_manifest(dir: &Path, name: &str, dependency: &str) -> Result<()> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src).map_err(io("cannot create a benchmark crate", &src))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{dependency}\n\n[workspace]\n"
    );
    write(&dir.join("Cargo.toml"), &manifest)?;
    // The workspace's lockfile, so the crate builds the same dependency versions.
    let lock = workspace().join("Cargo.lock");
    std::fs::copy(&lock, dir.join("Cargo.lock")).map_err(io("cannot copy the lockfile", &lock))?;
    Ok(())
}

/// The baseline crate: the models as plain structs with serde derives.
fn write_plain_crate(dir: &Path, models: usize) -> Result<()> {
    let serde = "serde = { version = \"1\", features = [\"derive\"] }";
    write_manifest(dir, &format!("bench-plain-{models}"), serde)?;
    write(
        &dir.join("src").join("lib.rs"),
        &schemas::plain_structs(models),
    )
}

/// Writes the generated crate (manifest, lockfile, lib.rs) and generates its models.
fn write_generated_crate(bao: &Path, dir: &Path, models: usize) -> Result<()> {
    let runtime: PathBuf = workspace().join("bao-runtime");
    let dependency = format!("bao-runtime = {{ path = {runtime:?} }}");
    write_manifest(dir, &format!("bench-generated-{models}"), &dependency)?;
    let src = dir.join("src");
    write(
        &src.join("lib.rs"),
        "//! Generated models, compiled for the benchmark.\n\n#[rustfmt::skip]\npub mod models;\n",
    )?;
    let schema = dir.join("models.yaml");
    write(&schema, &schemas::synthetic(models, 0))?;
    let mut codegen = Command::new(bao);
    codegen
        .args(["--quiet", "codegen", "--schema"])
        .arg(&schema)
        .arg("--out")
        .arg(src.join("models"));
    run(&mut codegen)?;
    Ok(())
}

fn write(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents).map_err(io("cannot write a file of the generated crate", path))
}

/// Marks `path` modified now, so cargo rebuilds the crate (and only it).
fn touch(path: &Path) -> Result<()> {
    File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(io("cannot touch the crate root", path))
}

impl CompileSection {
    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        let mut text = String::from(
            "| models | `cargo build` of the generated crate (ms, dev profile) | runs (ms) |\n|---:|---:|---|\n",
        );
        for size in &self.sizes {
            let runs: Vec<String> = size.runs.iter().map(|run| format!("{run:.0}")).collect();
            text.push_str(&format!(
                "| {} | **{:.0}** | {} |\n",
                size.models,
                size.debug_ms,
                runs.join(", ")
            ));
        }
        let runs: Vec<String> = self
            .plain
            .runs
            .iter()
            .map(|run| format!("{run:.0}"))
            .collect();
        text.push_str(&format!(
            "| {} as plain structs (serde derives only) | **{:.0}** | {} |\n\n\
             Generated over plain: **{:.2}** (goal <= 2.0 {}): the median over turns of the \
             generated build over the plain build run beside it.\n",
            self.plain.models,
            self.plain.debug_ms,
            runs.join(", "),
            self.ratio_vs_plain_structs(),
            crate::codegen::verdict(self.ratio_vs_plain_structs() <= 2.0),
        ));
        text
    }
}
