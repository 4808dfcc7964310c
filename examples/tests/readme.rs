//! The README's examples are the example programs, and every example program runs.

use std::path::Path;
use std::process::Command;

const README: &str = include_str!("../../README.md");

/// The programs the README shows, with their binaries.
const SHOWN: [(&str, &str); 7] = [
    ("relationships", env!("CARGO_BIN_EXE_relationships")),
    ("tags", env!("CARGO_BIN_EXE_tags")),
    ("iteration", env!("CARGO_BIN_EXE_iteration")),
    ("tenancy", env!("CARGO_BIN_EXE_tenancy")),
    ("transaction", env!("CARGO_BIN_EXE_transaction")),
    ("search", env!("CARGO_BIN_EXE_search")),
    ("orders", env!("CARGO_BIN_EXE_orders")),
];

/// The code block that follows `<!-- examples/src/bin/NAME.rs -->` in the README.
fn readme_block(name: &str) -> String {
    let marker = format!("<!-- examples/src/bin/{name}.rs -->\n```rust\n");
    let start = README
        .find(&marker)
        .unwrap_or_else(|| panic!("README has no block for {name}"))
        + marker.len();
    let end = README[start..].find("```").expect("the block ends") + start;
    README[start..end].to_owned()
}

/// The lines between `// readme:start` and `// readme:end`, one indent level out.
fn program_region(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("src/bin/{name}.rs"));
    let source = std::fs::read_to_string(&path).expect("the example exists");
    let (_, rest) = source
        .split_once("// readme:start\n")
        .expect("a start marker");
    let (region, _) = rest.split_once("// readme:end").expect("an end marker");
    region
        .lines()
        .map(|line| line.strip_prefix("    ").unwrap_or(line))
        .map(|line| format!("{line}\n"))
        .collect()
}

#[test]
fn the_readme_shows_the_example_programs_as_written() {
    for (name, _) in SHOWN {
        assert_eq!(
            readme_block(name),
            program_region(name).trim_end_matches('\n').to_owned() + "\n",
            "README's block for {name} differs from examples/src/bin/{name}.rs"
        );
    }
}

#[test]
fn every_example_program_runs() {
    // The first app reads its table from a bao.toml; tests/first_app.rs runs it.
    let programs = SHOWN.into_iter().chain([
        ("quickstart", env!("CARGO_BIN_EXE_quickstart")),
        ("dynamite_users", env!("CARGO_BIN_EXE_dynamite_users")),
        ("dyna_record", env!("CARGO_BIN_EXE_dyna_record")),
    ]);
    for (name, binary) in programs {
        let output = Command::new(binary)
            .env_remove("AWS_ENDPOINT_URL_DYNAMODB")
            .env_remove("BAO_TABLE")
            .output()
            .expect("the example starts");
        assert!(
            output.status.success(),
            "{name} failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
