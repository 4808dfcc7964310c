//! Section 8: installing the CLI as the README says, from this clone: `cargo install --locked`
//! with the `dist` profile into a scratch root, from an empty target directory (the registry
//! cache is warm, as it is for anyone who has built a Rust project before). One run: it takes
//! minutes, and its spread is small next to the goal.

use crate::error::{Result, io};
use crate::paths::{cargo, describe, run, scratch, workspace};
use crate::stats::mib;
use std::time::Instant;

/// Section 8's figures.
#[derive(Debug, Clone)]
pub struct InstallFigures {
    /// Wall time of the install, in seconds.
    pub seconds: f64,
    /// Size of the installed `bao` binary, in bytes.
    pub binary_bytes: u64,
    /// The command timed.
    pub command: String,
}

impl InstallFigures {
    /// The section's table.
    pub fn markdown(&self) -> String {
        format!(
            "| figure | value | goal |\n|---|---:|---:|\n\
             | `cargo install` wall time | {:.0} s | <= 360 s |\n\
             | installed `bao` binary | {:.1} MiB | <= 40 MB |\n",
            self.seconds,
            mib(self.binary_bytes as f64),
        )
    }
}

/// Installs the CLI once and measures it.
pub fn run_all() -> Result<InstallFigures> {
    let dir = scratch("install")?;
    let root = dir.join("root");
    let mut install = cargo();
    install
        .current_dir(workspace())
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .args([
            "install",
            "--locked",
            "--quiet",
            "--profile",
            "dist",
            "--path",
        ])
        .arg(workspace().join("bao-codegen"))
        .arg("--root")
        .arg(&root);
    let started = Instant::now();
    run(&mut install)?;
    let seconds = started.elapsed().as_secs_f64();
    let binary = root.join("bin").join("bao");
    let binary_bytes = std::fs::metadata(&binary)
        .map_err(io("cannot read the installed binary", &binary))?
        .len();
    let figures = InstallFigures {
        seconds,
        binary_bytes,
        command: describe(&install),
    };
    println!(
        "  cargo install: {seconds:.0} s, binary {:.1} MiB",
        mib(binary_bytes as f64)
    );
    // The build is hundreds of megabytes; the figures are all that is kept.
    std::fs::remove_dir_all(&dir).map_err(io("cannot remove the scratch install", &dir))?;
    Ok(figures)
}
