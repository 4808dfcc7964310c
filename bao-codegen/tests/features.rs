//! A build script that depends on bao-codegen with `default-features = false` (as the README
//! says) compiles none of the CLI's crates: no argument parser, file watcher, terminal UI,
//! async runtime or AWS SDK. `cargo tree` resolves the crate as such a user gets it. And the
//! workspace's `rust-version` is at least what every locked dependency declares.

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

/// A `1.94.1`-style version as comparable numbers.
fn version(text: &str) -> Vec<u64> {
    text.split('.')
        .map(|part| part.parse().expect("a numeric version part"))
        .chain(std::iter::repeat(0))
        .take(3)
        .collect()
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_the_workspace_declares() {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let declared = version(env!("CARGO_PKG_RUST_VERSION"));
    let packages = metadata["packages"].as_array().expect("packages");
    let newer: Vec<String> = packages
        .iter()
        .filter(|package| !package["source"].is_null())
        .filter_map(|package| {
            let wanted = package["rust_version"].as_str()?;
            (version(wanted) > declared).then(|| format!("{} {wanted}", package["name"]))
        })
        .collect();
    assert!(
        newer.is_empty(),
        "rust-version {} is older than these dependencies need: {newer:?}",
        env!("CARGO_PKG_RUST_VERSION")
    );
    assert!(
        packages.len() > 100,
        "an unexpected metadata: {} packages",
        packages.len()
    );
}
