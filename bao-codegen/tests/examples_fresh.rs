//! The checked-in `examples/src/models` is exactly what the root `models.yaml` generates, and
//! the example apps' and ports' models are what their own `models.yaml` generate; each schema's
//! `bao.lock` is what codegen records for it.
//!
//! Regenerate with `BAO_BLESS=1 cargo test -p bao-codegen --test integration examples_fresh` (or `bao codegen`).

use std::path::Path;

#[test]
fn examples_match_the_root_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    assert_fresh(&root.join("models.yaml"), &root.join("examples/src/models"));
}

#[test]
fn the_dynamite_port_matches_its_schema() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/src/bin/dynamite_users");
    assert_fresh(&app.join("models.yaml"), &app.join("models"));
}

#[test]
fn the_dyna_record_port_matches_its_schema() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/src/bin/dyna_record");
    assert_fresh(&app.join("models.yaml"), &app.join("models"));
}

#[test]
fn the_first_app_matches_its_schema() {
    let app = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/src/bin/first_app");
    assert_fresh(&app.join("models.yaml"), &app.join("models"));
}

/// `out` holds exactly what `schema` generates, and the schema's `bao.lock` records it (both
/// written first under `BAO_BLESS`).
fn assert_fresh(schema: &Path, out: &Path) {
    let mut builder = bao_codegen::Builder::new(schema);
    builder.lock_file(bao_codegen::lock::path_for(schema));
    if std::env::var_os("BAO_BLESS").is_some() {
        builder.write_to(out).expect("the schema generates");
    }
    let report = builder.check(out).expect("the schema generates");
    assert!(
        report.is_fresh(),
        "{} is stale; run `cargo run -p bao-codegen -- codegen --schema {} --out {}`: {report:?}",
        out.display(),
        schema.display(),
        out.display()
    );
}
