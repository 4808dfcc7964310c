//! The checked-in `examples/src/models` is exactly what the root `models.yaml` generates.
//!
//! Regenerate with `BAO_BLESS=1 cargo test -p bao-codegen --test integration examples_fresh` (or `bao codegen`).

use std::path::Path;

#[test]
fn examples_match_the_root_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("examples/src/models");
    let builder = bao_codegen::Builder::new(root.join("models.yaml"));
    if std::env::var_os("BAO_BLESS").is_some() {
        builder
            .write_to(&out)
            .expect("the root models.yaml generates");
    }
    let report = builder.check(&out).expect("the root models.yaml generates");
    assert!(
        report.is_fresh(),
        "examples/src/models is stale; run `cargo run -p bao-codegen -- codegen`: {report:?}"
    );
}
