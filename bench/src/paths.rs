//! Where things are: the workspace, the target directory, the release `bao` binary, and a
//! helper to run commands with their failure explained.

use crate::error::{BenchError, Result, io};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (the directory holding `models.yaml`).
pub fn workspace() -> PathBuf {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR"));
    bench.parent().unwrap_or(bench).to_owned()
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, else the one this binary was built into.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return workspace().join(dir);
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_owned()))
        .unwrap_or_else(|| workspace().join("target"))
}

/// A scratch directory under `target/bench/`, emptied first.
pub fn scratch(name: &str) -> Result<PathBuf> {
    let dir = target_dir().join("bench").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(io("cannot empty a scratch directory", &dir))?;
    }
    std::fs::create_dir_all(&dir).map_err(io("cannot create a scratch directory", &dir))?;
    Ok(dir)
}

/// The `cargo` that runs this benchmark (or the one on the PATH).
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Builds the release `bao` binary (a no-op when it is fresh) and returns its path.
pub fn bao_binary() -> Result<PathBuf> {
    let mut build = cargo();
    build.current_dir(workspace()).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "bao-codegen",
        "--bin",
        "bao",
    ]);
    run(&mut build)?;
    let binary = target_dir().join("release").join("bao");
    match binary.exists() {
        true => Ok(binary),
        false => Err(BenchError::Command {
            command: describe(&build),
            detail: format!("built, but {} does not exist", binary.display()),
        }),
    }
}

/// Runs `command` to completion; a failure carries its status and stderr.
pub fn run(command: &mut Command) -> Result<Output> {
    let output = command.output().map_err(|error| BenchError::Command {
        command: describe(command),
        detail: format!("cannot start: {error}"),
    })?;
    if output.status.success() {
        return Ok(output);
    }
    Err(BenchError::Command {
        command: describe(command),
        detail: format!(
            "{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        ),
    })
}

/// The command line, for messages and the report: the program by its file name, paths
/// relative to the workspace.
pub fn describe(command: &Command) -> String {
    let program = std::path::Path::new(command.get_program())
        .file_name()
        .unwrap_or(command.get_program())
        .to_string_lossy()
        .into_owned();
    let root = format!("{}/", workspace().display());
    std::iter::once(program)
        .chain(
            command
                .get_args()
                .map(|arg| arg.to_string_lossy().replace(&root, "")),
        )
        .collect::<Vec<_>>()
        .join(" ")
}
