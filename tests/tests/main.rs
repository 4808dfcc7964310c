//! The end-to-end suites, one module per area in one test binary: every test binary links
//! aws-sdk-dynamodb, the in-process DynamoDB and the generated models, so one binary links them
//! once.

mod concurrency;
mod crud;
mod faults;
mod generated_fixtures;
mod interop;
mod isolation;
mod key_injection;
mod layout;
mod limits;
mod relationships;
mod request_counts;
mod transactions;
mod two_unique_constraints;
mod unique;
