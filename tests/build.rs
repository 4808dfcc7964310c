//! Generates every valid fixture schema (`ok` and the DynamoBao-style `ports`), and the suites' own schemas in `tests/schemas`, with
//! the build.rs API, so the suites compile (and clippy lints) the generated code of each one.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let mut schemas = Vec::new();
    for dir in [
        manifest_dir.join("../bao-codegen/tests/fixtures/ok"),
        manifest_dir.join("../bao-codegen/tests/fixtures/ports"),
        manifest_dir.join("schemas"),
    ] {
        println!("cargo:rerun-if-changed={}", dir.display());
        for entry in std::fs::read_dir(&dir)? {
            schemas.push(entry?.path());
        }
    }
    schemas.sort();
    for schema in schemas
        .iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
    {
        let name = schema.file_stem().ok_or("fixture without a name")?;
        let dir = out_dir.join(name);
        std::fs::create_dir_all(&dir)?;
        bao_codegen::Builder::new(schema).out_dir(&dir).compile()?;
    }
    Ok(())
}
