//! Helpers shared by the test modules.

pub mod random_schema;
