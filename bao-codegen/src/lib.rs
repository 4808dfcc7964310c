//! The bao schema compiler: `models.yaml` in, typed Rust model modules out.
//!
//! The pipeline is `load` -> `validate` -> [`ir`] -> `emit` -> `output`. Every front door (the
//! `bao` CLI, `build.rs`, tests) goes through [`Builder`].

pub mod ir;
