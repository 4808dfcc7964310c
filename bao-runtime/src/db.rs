//! The `Db` handle: a DynamoDB client, a table, an optional tenant, and the seams tests control.

use crate::config;
use crate::hooks::Hooks;
use crate::keys::ITER_INDEX_NAME;
use crate::tenant::Tenant;
use crate::{Error, Result};
use aws_sdk_dynamodb::Client;
use jiff::Timestamp;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use ulid::Ulid;

/// The environment variable that names the table when none is given in code.
pub use crate::config::TABLE_ENV;

/// A source of the current time. Generated code stamps dates, versions and ULIDs through it, so
/// tests can pin time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// How bao retries what DynamoDB asks to be retried: throttling and unprocessed batch keys.
///
/// - **Throttling** (`ProvisionedThroughputExceededException`, `ThrottlingException`,
///   `RequestLimitExceeded`) is retried by bao, on every call it makes (GetItem, BatchGetItem,
///   Query, PutItem, UpdateItem, DeleteItem, TransactWriteItems): the same request is sent again
///   after the delay below, up to `max_attempts` calls in all, then the operation fails with
///   [`Error::Throttled`], which names the keys a read left unread. A throttled request was not
///   executed, so retrying a write is safe and nothing is left half-written.
/// - The **SDK's own retry strategy** (the client's `RetryConfig`) would retry throttling too;
///   bao switches that off for its own calls (a retry classifier on its copy of the client, set
///   once when the handle is built), so the two never multiply and `max_attempts` is the exact
///   number of requests. The SDK still retries transient failures (HTTP 5xx, timeouts, I/O
///   errors) as the client is configured to; when those outlast it, the error is
///   [`Error::Sdk`]. Calls made directly through [`Db::client`] keep the SDK's behaviour.
/// - **Unprocessed keys** of a BatchGetItem (partial results: throttled partitions, the 16 MB
///   response limit) are sent again, alone, with the same delays; each call of a chunk counts
///   as one attempt, throttled or not. Keys still unread after `max_attempts` calls fail with
///   [`Error::UnprocessedKeys`] (or [`Error::Throttled`] when the last call was throttled),
///   which names them; they are never reported as "not found". Inside a
///   [`RequestScope`](crate::RequestScope), only the finds of those keys fail.
/// - Transaction cancellations (including `TransactionConflict`) and condition failures are
///   answers, not retried: they fail at once with a typed error.
///
/// The capacity DynamoDB reports for every call, retries included, is summed into the result
/// and the request scope's ledger. Tests use a policy with tiny delays to stay fast:
///
/// ```
/// # use std::time::Duration;
/// let fast = bao_runtime::RetryPolicy {
///     max_attempts: 3,
///     base_delay: Duration::from_millis(1),
///     max_delay: Duration::from_millis(2),
/// };
/// # let _ = fast;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Calls per request (per chunk of a batch read), the first included.
    pub max_attempts: u32,
    /// Delay before the first retry; doubled for each further retry, with full jitter.
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(50),
            max_delay: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// The delay before retry number `retry` (1 for the first retry), with full jitter.
    pub(crate) fn delay(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(16);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        ceiling.mul_f64(rand::random::<f64>())
    }
}

/// A cheap-to-clone handle on one bao table.
///
/// ```no_run
/// # async fn demo() -> bao_runtime::Result<()> {
/// let db = bao_runtime::Db::from_env().await?; // aws-config's standard chain, table from BAO_TABLE
/// let acme = db.with_tenant("acme")?;          // every key this handle touches is prefixed `[acme]#`
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Db {
    shared: Arc<Shared>,
    tenant: Option<Tenant>,
    hooks: Option<Arc<Hooks>>,
}

struct Shared {
    /// The client as given, for [`Db::client`].
    client: Client,
    /// The same client (connections, credentials, interceptors) with bao's retry classifier,
    /// for bao's own calls: configured once here rather than overridden on every request.
    calls: Client,
    table: String,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    require_scope: bool,
    /// The index iteration reads.
    iteration_index: String,
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Db")
            .field("table", &self.shared.table)
            .field("tenant", &self.tenant)
            .field("require_scope", &self.shared.require_scope)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// A handle on `table` through an existing client.
    pub fn new(client: Client, table: impl Into<String>) -> Db {
        DbBuilder::new(client, table).build()
    }

    /// A builder for a handle with a custom clock, retry policy or strict scoping.
    pub fn builder(client: Client, table: impl Into<String>) -> DbBuilder {
        DbBuilder::new(client, table)
    }

    /// A handle configured as the `bao` CLI is: the table, endpoint and region from the
    /// environment (`BAO_TABLE`, `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_REGION`) over the nearest
    /// `bao.toml` (the one `bao init` writes), credentials from aws-config's standard chain, and
    /// dummy credentials for an endpoint on this machine. See [`config`] for
    /// the order.
    pub async fn from_env() -> Result<Db> {
        let cwd = std::env::current_dir().map_err(|error| Error::Config {
            path: std::path::PathBuf::from("."),
            message: format!("cannot read the current directory: {error}"),
        })?;
        let file = config::find_table_config(&cwd)?;
        let connection = config::Connection::resolve(
            &config::Settings::default(),
            file.as_ref().map(|(_, table)| table),
            config::env_var,
        )
        .ok_or_else(|| Error::Table {
            table: String::new(),
            message: format!(
                "no table name given: set {TABLE_ENV}, or run where a {} exists (`bao init` \
                 writes one)",
                config::FILE_NAME
            ),
        })?;
        let mut builder = Db::builder(connection.client().await, connection.table);
        if let Some(index) = file.and_then(|(_, table)| table.iteration_index) {
            builder = builder.iteration_index(index);
        }
        Ok(builder.build())
    }

    /// The index iteration reads: `iter_index` unless the builder or bao.toml names another.
    pub fn iteration_index(&self) -> &str {
        &self.shared.iteration_index
    }

    /// The same table, scoped to one tenant: every key written or read is prefixed `[id]#`.
    pub fn with_tenant(&self, id: impl Into<String>) -> Result<Db> {
        Ok(Db {
            shared: Arc::clone(&self.shared),
            tenant: Some(Tenant::new(id)?),
            hooks: self.hooks.clone(),
        })
    }

    /// The same table without a tenant.
    pub fn without_tenant(&self) -> Db {
        Db {
            shared: Arc::clone(&self.shared),
            tenant: None,
            hooks: self.hooks.clone(),
        }
    }

    /// The same handle, running `hooks` around each write (see [`crate::hooks`]); they carry
    /// over to [`with_tenant`](Self::with_tenant).
    pub fn with_hooks(&self, hooks: Hooks) -> Db {
        Db {
            shared: Arc::clone(&self.shared),
            tenant: self.tenant.clone(),
            hooks: Some(Arc::new(hooks)),
        }
    }

    /// The hooks of this handle, if any.
    pub(crate) fn hooks(&self) -> Option<&Hooks> {
        self.hooks.as_deref()
    }

    /// Whether writes through this handle run hooks: what they keep for after-hooks is kept
    /// only then.
    pub(crate) fn has_hooks(&self) -> bool {
        self.hooks.is_some()
    }

    /// The tenant of this handle.
    pub fn tenant(&self) -> Option<&Tenant> {
        self.tenant.as_ref()
    }

    /// The DynamoDB client.
    pub fn client(&self) -> &Client {
        &self.shared.client
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.shared.table
    }

    /// The current time from this handle's clock.
    pub fn now(&self) -> Timestamp {
        self.shared.clock.now()
    }

    /// A new ULID stamped with this handle's clock.
    pub fn new_ulid(&self) -> Ulid {
        let millis = u64::try_from(self.now().as_millisecond()).unwrap_or(0);
        Ulid::from_parts(millis, rand::random())
    }

    /// The client bao's own calls go through: the handle's client with bao's retry classifier.
    pub(crate) fn calls(&self) -> &Client {
        &self.shared.calls
    }

    pub(crate) fn retry(&self) -> &RetryPolicy {
        &self.shared.retry
    }

    pub(crate) fn require_scope(&self) -> bool {
        self.shared.require_scope
    }
}

/// Builds a [`Db`].
#[derive(Debug)]
#[must_use]
pub struct DbBuilder {
    client: Client,
    table: String,
    clock: Arc<dyn Clock>,
    retry: RetryPolicy,
    require_scope: bool,
    iteration_index: String,
}

impl DbBuilder {
    fn new(client: Client, table: impl Into<String>) -> DbBuilder {
        DbBuilder {
            client,
            table: table.into(),
            clock: Arc::new(SystemClock),
            retry: RetryPolicy::default(),
            require_scope: false,
            iteration_index: ITER_INDEX_NAME.to_owned(),
        }
    }

    /// Iterate (and rebuild search text) through this index instead of `iter_index`
    /// (DynamoBao's `iterationIndexName`): `iter_search_index` has the same keys, for a table
    /// that dropped `iter_index`.
    pub fn iteration_index(mut self, name: impl Into<String>) -> Self {
        self.iteration_index = name.into();
        self
    }

    /// Use this clock for dates, versions and ULIDs.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Retry throttled calls and unprocessed batch keys with this policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Refuse `find` outside a [`RequestScope`](crate::RequestScope) (DynamoBao's
    /// `requireBatchContext`).
    pub fn require_scope(mut self, require: bool) -> Self {
        self.require_scope = require;
        self
    }

    /// The handle.
    pub fn build(self) -> Db {
        let calls = crate::retry::bao_calls(&self.client);
        Db {
            shared: Arc::new(Shared {
                calls,
                client: self.client,
                table: self.table,
                clock: self.clock,
                retry: self.retry,
                require_scope: self.require_scope,
                iteration_index: self.iteration_index,
            }),
            tenant: None,
            hooks: None,
        }
    }
}

/// A DynamoDB client from aws-config's standard chain.
pub async fn client_from_env() -> Client {
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    Client::new(&config)
}
