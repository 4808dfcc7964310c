//! Models generated from the root `models.yaml` by `bao codegen`, and the examples that use
//! them (`src/bin/`).

pub mod models;
