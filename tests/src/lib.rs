//! Shared helpers for the end-to-end suites: a fresh table per test, raw reads and writes with
//! the plain SDK (so the suites check what is stored, not what bao reads back), attribute
//! constructors, a log of the HTTP requests sent, a table behind a fault-injecting interceptor,
//! an independent DynamoBao bucket hash, and DynamoBao itself from npm ([`node`]).

pub mod interop;
pub mod node;

use bao_runtime::aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use bao_runtime::aws_sdk_dynamodb::config::retry::RetryConfig;
use bao_runtime::aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::testing::TestDb;
use bao_runtime::testing::faults::Faults;
use bao_runtime::{Db, RetryPolicy};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// A stored item as the plain SDK returns it.
pub type RawItem = HashMap<String, AttributeValue>;

/// The sort key of every unique-constraint item.
pub const UNIQUE_SK: &str = "_raft_uc";

/// A fresh table on an in-process DynamoDB (or on `BAO_TEST_ENDPOINT`).
pub async fn start() -> TestDb {
    TestDb::start().await.expect("the test table starts")
}

/// A fresh table whose client also logs every HTTP request it sends, by operation.
pub async fn start_logged() -> (TestDb, Requests) {
    let requests = Requests::default();
    let log = requests.clone();
    let test = TestDb::start_with(move |config| config.interceptor(log))
        .await
        .expect("the test table starts");
    requests.reset();
    (test, requests)
}

/// The retry policy of the fault suites: four attempts, delays of a millisecond or two.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
    }
}

/// The SDK's standard retry (three attempts) with millisecond backoff, so transient errors
/// that the SDK retries keep the suites fast.
pub fn fast_sdk_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(2))
}

/// A fresh table whose client passes every request through `Faults`, and a `Db` on it with
/// [`fast_retries`]. The faults have no rules and no records yet.
pub async fn start_faulty() -> (TestDb, Db, Faults) {
    let faults = Faults::new();
    let interceptor = faults.clone();
    let test = TestDb::start_with(move |config| {
        config
            .interceptor(interceptor)
            .retry_config(fast_sdk_retries())
    })
    .await
    .expect("the test table starts");
    let db = Db::builder(test.db().client().clone(), test.db().table())
        .retry(fast_retries())
        .build();
    faults.clear();
    (test, db, faults)
}

/// An item's size as DynamoDB counts it against the 400 KB limit (attribute names plus values;
/// integers by significant digits), computed here independently of the runtime.
pub fn dynamo_size(item: &RawItem) -> usize {
    fn number(text: &str) -> usize {
        let magnitude = text.trim_start_matches('-');
        assert!(
            !magnitude.contains('.'),
            "no size rule for decimals: {text}"
        );
        let significant = magnitude.trim_matches('0').len();
        let sign = usize::from(text.starts_with('-') && significant > 0);
        significant.div_ceil(2) + 1 + sign
    }
    fn value(attr: &AttributeValue) -> usize {
        match attr {
            AttributeValue::S(text) => text.len(),
            AttributeValue::N(text) => number(text),
            AttributeValue::B(bytes) => bytes.as_ref().len(),
            AttributeValue::Ss(members) => members.iter().map(String::len).sum(),
            AttributeValue::Ns(members) => members.iter().map(|n| number(n)).sum(),
            AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
            other => panic!("no size rule for {other:?}"),
        }
    }
    item.iter()
        .map(|(name, attr)| name.len() + value(attr))
        .sum()
}

/// The DynamoDB requests a client sent, named by operation (`GetItem`, `BatchGetItem`, ...),
/// read from each request's `X-Amz-Target` header just before it is sent (so a retry counts
/// as another request).
#[derive(Debug, Clone, Default)]
pub struct Requests {
    sent: Arc<Mutex<Vec<String>>>,
}

impl Requests {
    /// The operations sent, in order.
    pub fn operations(&self) -> Vec<String> {
        self.lock().clone()
    }

    /// Requests of one operation.
    pub fn count(&self, operation: &str) -> usize {
        self.lock().iter().filter(|name| *name == operation).count()
    }

    /// Requests of any operation.
    pub fn total(&self) -> usize {
        self.lock().len()
    }

    /// Forgets every request so far.
    pub fn reset(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> MutexGuard<'_, Vec<String>> {
        self.sent.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Intercept for Requests {
    fn name(&self) -> &'static str {
        "tests::Requests"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or("unknown");
        let operation = target.rsplit('.').next().unwrap_or(target);
        self.lock().push(operation.to_owned());
        Ok(())
    }
}

/// Reads the item with this `_pk` / `_sk` with a plain, strongly consistent GetItem.
pub async fn raw_item(db: &Db, pk: &str, sk: &str) -> Option<RawItem> {
    db.client()
        .get_item()
        .table_name(db.table())
        .key("_pk", s(pk))
        .key("_sk", s(sk))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem succeeds")
        .item
}

/// Like [`raw_item`], for an item that must exist.
pub async fn stored(db: &Db, pk: &str, sk: &str) -> RawItem {
    raw_item(db, pk, sk)
        .await
        .unwrap_or_else(|| panic!("no item with _pk `{pk}` and _sk `{sk}`"))
}

/// Every item of the table, with a plain, strongly consistent Scan.
pub async fn scan_all(db: &Db) -> Vec<RawItem> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let output = db
            .client()
            .scan()
            .table_name(db.table())
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("Scan succeeds");
        items.extend(output.items.unwrap_or_default());
        start = output.last_evaluated_key;
        if start.is_none() {
            return items;
        }
    }
}

/// Every unique-constraint item of the table.
pub async fn unique_items(db: &Db) -> Vec<RawItem> {
    scan_all(db)
        .await
        .into_iter()
        .filter(|item| item.get("_sk") == Some(&s(UNIQUE_SK)))
        .collect()
}

/// Sets one attribute of a stored item behind bao's back (plain UpdateItem), to simulate
/// another writer.
pub async fn raw_set(db: &Db, pk: &str, sk: &str, attribute: &str, value: AttributeValue) {
    db.client()
        .update_item()
        .table_name(db.table())
        .key("_pk", s(pk))
        .key("_sk", s(sk))
        .update_expression("SET #a = :v")
        .expression_attribute_names("#a", attribute)
        .expression_attribute_values(":v", value)
        .condition_expression("attribute_exists(#pk)")
        .expression_attribute_names("#pk", "_pk")
        .send()
        .await
        .expect("UpdateItem succeeds");
}

/// An `S` attribute.
pub fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
}

/// An `N` attribute.
pub fn n(number: impl ToString) -> AttributeValue {
    AttributeValue::N(number.to_string())
}

/// The text of an `S` attribute.
pub fn text_of<'a>(item: &'a RawItem, name: &str) -> &'a str {
    match item.get(name) {
        Some(AttributeValue::S(text)) => text,
        other => panic!("`{name}` is not an S attribute: {other:?}"),
    }
}

/// The members of an `SS` attribute.
pub fn string_set_of(item: &RawItem, name: &str) -> BTreeSet<String> {
    match item.get(name) {
        Some(AttributeValue::Ss(members)) => members.iter().cloned().collect(),
        other => panic!("`{name}` is not an SS attribute: {other:?}"),
    }
}

/// A set of strings.
pub fn set<const N: usize>(members: [&str; N]) -> BTreeSet<String> {
    members.iter().map(|member| (*member).to_owned()).collect()
}

/// The names of an item's attributes, sorted.
pub fn attribute_names(item: &RawItem) -> Vec<&str> {
    let mut names: Vec<&str> = item.keys().map(String::as_str).collect();
    names.sort_unstable();
    names
}

/// DynamoBao's iteration bucket (`_hashObjectId`), computed here independently of the runtime:
/// Java's `String.hashCode` over UTF-16 code units in wrapping 32-bit arithmetic, then
/// `Math.abs(h) % buckets`.
pub fn dynamo_bao_bucket(primary_id: &str, buckets: u32) -> u32 {
    let mut hash: i32 = 0;
    for unit in primary_id.encode_utf16() {
        hash = (hash << 5).wrapping_sub(hash).wrapping_add(i32::from(unit));
    }
    let magnitude = i64::from(hash).abs();
    u32::try_from(magnitude % i64::from(buckets)).expect("a bucket fits in u32")
}
