//! For tests: a bao table on an in-process DynamoDB, and a log of every call made.
//!
//! ```no_run
//! # async fn demo() -> bao_runtime::Result<()> {
//! let test = bao_runtime::testing::TestDb::start().await?;
//! let db = test.db(); // a Db on a fresh table of DynamoBao's shape
//! assert_eq!(test.calls().total(), 0);
//! # Ok(()) }
//! ```
//!
//! [`faults`] answers chosen calls with throttling, internal errors, unprocessed keys or
//! transaction conflicts, which no emulator produces.
//!
//! With `BAO_TEST_ENDPOINT` set (DynamoDB Local, real AWS), the table is created there instead,
//! under a fresh name; [`TestDb::finish`] deletes it.

pub mod faults;

use crate::local::{LocalServer, client_config};
use crate::table::{TableFeatures, create_table_for};
use crate::{Db, Error, Result};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, Mutex, PoisonError};

/// The environment variable that points the test suites at another DynamoDB endpoint.
pub const ENDPOINT_ENV: &str = "BAO_TEST_ENDPOINT";

/// A fresh bao table for one test.
#[derive(Debug)]
pub struct TestDb {
    db: Db,
    calls: CallLog,
    endpoint: String,
    server: Option<LocalServer>,
}

impl TestDb {
    /// A table on a new in-process DynamoDB, or on `BAO_TEST_ENDPOINT` when it is set.
    pub async fn start() -> Result<TestDb> {
        TestDb::start_with(|builder| builder).await
    }

    /// Like [`start`](Self::start), with the client configuration adjusted by `configure` (for
    /// example to add a fault-injecting interceptor) and the `Db` built from it.
    pub async fn start_with(
        configure: impl FnOnce(aws_sdk_dynamodb::config::Builder) -> aws_sdk_dynamodb::config::Builder,
    ) -> Result<TestDb> {
        let (server, endpoint) = match std::env::var(ENDPOINT_ENV) {
            Ok(endpoint) => (None, endpoint),
            Err(_) => {
                let server = LocalServer::start().await?;
                let endpoint = server.endpoint().to_owned();
                (Some(server), endpoint)
            }
        };
        let calls = CallLog::default();
        let config = configure(client_config(&endpoint).interceptor(calls.clone()));
        let client = aws_sdk_dynamodb::Client::from_conf(config.build());
        let table = format!("bao-test-{:016x}", rand::random::<u64>());
        // With the search index: suites search any model the schemas make searchable.
        create_table_for(&client, &table, TableFeatures { search: true }).await?;
        calls.reset();
        Ok(TestDb {
            db: Db::new(client, table),
            calls,
            endpoint,
            server,
        })
    }

    /// The handle on the test table.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The URL of the DynamoDB endpoint the table lives on (the in-process server, or
    /// `BAO_TEST_ENDPOINT`), for other clients that share the table.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Every DynamoDB call made through [`db`](Self::db) since the table was created.
    pub fn calls(&self) -> &CallLog {
        &self.calls
    }

    /// Deletes the table (on another endpoint) or stops the in-process server.
    pub async fn finish(self) -> Result<()> {
        match self.server {
            Some(server) => server.stop().await,
            None => {
                self.db
                    .client()
                    .delete_table()
                    .table_name(self.db.table())
                    .send()
                    .await
                    .map_err(|error| Error::sdk("DeleteTable", error))?;
            }
        }
        Ok(())
    }
}

/// The operations that write.
const WRITES: [&str; 5] = [
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
];

/// Counts DynamoDB calls by operation, and the rounds they were sent in: an interceptor for the
/// client. [`TestDb`] adds one; add one to a client of your own with
/// `config.interceptor(log.clone())`. For a request's capacity, run it in a
/// [`RequestScope`](crate::RequestScope) and read [`capacity`](crate::RequestScope::capacity).
///
/// ```no_run
/// # async fn demo() -> bao_runtime::Result<()> {
/// let test = bao_runtime::testing::TestDb::start().await?;
/// test.calls().reset();
/// // ... call the handler under test with test.db() ...
/// test.calls().assert_exactly(&["GetItem"]);
/// test.calls().assert_no_writes();
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    state: Arc<Mutex<Calls>>,
}

#[derive(Debug, Default)]
struct Calls {
    operations: Vec<String>,
    in_flight: usize,
    rounds: usize,
}

impl CallLog {
    /// Calls of one operation (`"GetItem"`, `"BatchGetItem"`, ...).
    pub fn count(&self, operation: &str) -> usize {
        self.lock()
            .operations
            .iter()
            .filter(|name| *name == operation)
            .count()
    }

    /// Calls of any operation.
    pub fn total(&self) -> usize {
        self.lock().operations.len()
    }

    /// The operations called, in order.
    pub fn operations(&self) -> Vec<String> {
        self.lock().operations.clone()
    }

    /// Rounds of calls: a call starts a round when no other call is in flight. Calls sent
    /// concurrently share a round, so this is the number of round trips a caller waited for in
    /// sequence (when nothing else used the client meanwhile).
    pub fn rounds(&self) -> usize {
        self.lock().rounds
    }

    /// Calls that write: PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems.
    pub fn writes(&self) -> usize {
        self.lock()
            .operations
            .iter()
            .filter(|name| WRITES.contains(&name.as_str()))
            .count()
    }

    /// Asserts that the calls since the last [`reset`](Self::reset) were exactly `expected`,
    /// in order: "this handler made one GetItem".
    ///
    /// # Panics
    /// When they were not, listing both.
    #[track_caller]
    pub fn assert_exactly(&self, expected: &[&str]) {
        let made = self.operations();
        assert!(
            made == expected,
            "expected the DynamoDB calls {expected:?}, but {made:?} were made"
        );
    }

    /// Asserts that no call since the last [`reset`](Self::reset) wrote.
    ///
    /// # Panics
    /// When one did, listing the calls.
    #[track_caller]
    pub fn assert_no_writes(&self) {
        let made = self.operations();
        assert!(
            self.writes() == 0,
            "expected no DynamoDB write, but {made:?} were made"
        );
    }

    /// Asserts that the calls since the last [`reset`](Self::reset) took at most `rounds`
    /// round trips in sequence (see [`rounds`](Self::rounds)).
    ///
    /// # Panics
    /// When they took more.
    #[track_caller]
    pub fn assert_rounds_at_most(&self, rounds: usize) {
        let taken = self.rounds();
        let made = self.operations();
        assert!(
            taken <= rounds,
            "expected at most {rounds} rounds of DynamoDB calls, but {made:?} took {taken}"
        );
    }

    /// Forgets every call so far.
    pub fn reset(&self) {
        let mut calls = self.lock();
        calls.operations.clear();
        calls.rounds = 0;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Calls> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "bao::CallLog"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        let name = cfg.load::<Metadata>().map_or("unknown", Metadata::name);
        let mut calls = self.lock();
        calls.operations.push(name.to_owned());
        if calls.in_flight == 0 {
            calls.rounds += 1;
        }
        calls.in_flight += 1;
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        let mut calls = self.lock();
        calls.in_flight = calls.in_flight.saturating_sub(1);
        Ok(())
    }
}
