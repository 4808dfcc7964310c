//! Models generated from the root `models.yaml` by `bao codegen`, and the examples that use
//! them (`src/bin/`).

/// The generated models (prettyplease-formatted; `rustfmt::skip` keeps `cargo fmt` off them).
#[rustfmt::skip]
pub mod models;
