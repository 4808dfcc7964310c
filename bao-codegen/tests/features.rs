//! A build script that depends on bao-codegen with `default-features = false` (as the README
//! says) compiles none of the CLI's crates: no argument parser, file watcher, terminal UI,
//! async runtime or AWS SDK. `cargo tree` resolves the crate as such a user gets it.

use std::process::Command;

/// Crates only the `cli` feature may bring in.
const CLI_ONLY: &[&str] = &[
    "clap",
    "notify",
    "notify-debouncer-full",
    "mimalloc",
    "toml",
    "tokio",
    "aws-config",
    "aws-sdk-dynamodb",
    "bao-runtime",
    // miette's `fancy` terminal UI.
    "owo-colors",
    "supports-color",
    "supports-hyperlinks",
    "terminal_size",
    "textwrap",
];

#[test]
fn without_default_features_bao_codegen_builds_no_cli_crate() {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "-p",
            "bao-codegen",
            "--no-default-features",
        ])
        .args([
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(crates.contains(&"minijinja"), "an unexpected tree:\n{tree}");
    let found: Vec<&&str> = CLI_ONLY
        .iter()
        .filter(|name| crates.contains(name))
        .collect();
    assert!(
        found.is_empty(),
        "{found:?} in the build-script tree:\n{tree}"
    );
}
