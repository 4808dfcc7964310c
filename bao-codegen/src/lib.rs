//! The bao schema compiler: `models.yaml` in, typed Rust model modules out.
//!
//! The pipeline is `load` -> `validate` -> [`ir`] -> `emit` -> `output`. Every front door (the
//! `bao` CLI, `build.rs`, tests) goes through [`Builder`].

mod builder;
pub(crate) mod defs;
#[cfg(feature = "runtime")]
pub mod describe;
pub mod diagnostic;
pub mod dynamo_bao_fields;
mod emit;
#[doc(hidden)]
pub mod field_types;
#[cfg(feature = "runtime")]
pub mod infra;
pub mod ir;
pub(crate) mod load;
pub mod lock;
pub(crate) mod naming;
mod output;
#[cfg(feature = "runtime")]
pub mod runtime_schema;
pub(crate) mod source;
#[doc(hidden)]
pub mod validate;
pub(crate) mod yaml;

pub use builder::{Builder, Error, compile};
pub use emit::{EmitError, RenderCache};
pub use output::{CheckReport, GeneratedFiles, Timings, WriteSummary};
