//! bao-codegen's integration tests, one module per area in one test binary: every test binary
//! links the whole crate, so one binary links it once.

#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "runtime")]
mod describe;
mod diagnostics;
mod examples_fresh;
mod features;
mod generated_code;
#[cfg(feature = "runtime")]
mod infra;
mod load_fuzz;
mod lock;
#[cfg(feature = "cli")]
mod new_app;
mod random_schemas;
mod support;
#[cfg(feature = "cli")]
mod watch;
