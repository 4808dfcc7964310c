//! The end-to-end suites, one module per area in one test binary: every test binary links
//! aws-sdk-dynamodb, the in-process DynamoDB and the generated models, so one binary links them
//! once. The suites that include generated modules are public, as their own crate roots
//! were, so the re-exports of those modules count as used.

/// `fixture!(name)`: a module `name` holding the code `tests/build.rs` generated from the schema
/// `name.yaml` (a valid fixture, a port or a suite's own schema).
macro_rules! fixture {
    ($name:ident) => {
        pub mod $name {
            include!(concat!(
                env!("OUT_DIR"),
                "/",
                stringify!($name),
                "/bao_models.rs"
            ));
        }
    };
}

/// Checks that fixture schemas name in `validate:`.
pub mod checks {
    /// A title must have a letter or digit.
    pub fn not_blank(title: &str) -> Result<(), String> {
        match title.chars().any(char::is_alphanumeric) {
            true => Ok(()),
            false => Err("is blank".to_owned()),
        }
    }
}

mod any_model;
mod bulk;
mod concurrency;
mod crud;
pub mod custom_fields;
mod delete_rules;
pub mod describe;
mod enums;
mod faults;
pub mod generated_fixtures;
mod hooks;
mod include;
mod interop;
mod isolation;
pub mod key_injection;
mod layout;
mod limits;
mod migrations;
pub mod old_items;
pub mod ports;
mod projection;
mod references;
mod relationships;
mod request_counts;
mod search;
pub mod search_traces;
mod serde_models;
mod shapes;
mod soft_delete;
mod table_export;
mod tracing_spans;
mod transactions;
pub mod two_unique_constraints;
mod unique;
