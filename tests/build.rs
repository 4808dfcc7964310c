//! Generates every valid fixture schema with the build.rs API, so the suites compile (and
//! clippy lints) the generated code of each one.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let fixtures = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?)
        .join("../bao-codegen/tests/fixtures/ok");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let mut schemas: Vec<PathBuf> = std::fs::read_dir(&fixtures)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<_, _>>()?;
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
