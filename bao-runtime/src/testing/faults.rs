//! Fault injection: an interceptor that answers chosen DynamoDB calls the way the real service
//! does when it is under strain, which no emulator reproduces (throttling, internal errors,
//! unprocessed batch keys, transaction conflicts), and records what it did.
//!
//! ```no_run
//! # async fn demo() -> bao_runtime::Result<()> {
//! use bao_runtime::testing::TestDb;
//! use bao_runtime::testing::faults::{Faults, Throttling};
//!
//! let faults = Faults::new();
//! let test = TestDb::start_with(|config| config.interceptor(faults.clone())).await?;
//! // The next two PutItem requests are answered with HTTP 400 ThrottlingException.
//! faults.throttle("PutItem", 2, Throttling::Throttling);
//! # Ok(()) }
//! ```
//!
//! An injected error answers in place of the server: the request that would have carried the
//! call is emptied (its body becomes `{}`, which the server refuses without touching any item),
//! and the server's refusal is replaced by the error, exactly as DynamoDB sends it (status,
//! `x-amz-json-1.0` body with `__type` and message). So a faulted write is never executed, as
//! with the real service. Unprocessed keys, instead, rewrite the server's real BatchGetItem
//! answer (as the SDK parsed it, before bao sees it): the chosen keys' items are dropped from
//! `Responses` and their keys listed under `UnprocessedKeys`; the consumed capacity the server
//! reported is kept.
//!
//! Rules apply to the next requests of an operation, in the order they were added; a retry is
//! another request. [`EVERY_CALL`] makes a rule permanent.

use crate::codec::Item;
use aws_sdk_dynamodb::operation::batch_get_item::{BatchGetItemInput, BatchGetItemOutput};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, BeforeSerializationInterceptorContextRef,
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use serde_json::json;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A rule's count that never runs out.
pub const EVERY_CALL: usize = usize::MAX;

/// The throttling errors DynamoDB sends (HTTP 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttling {
    /// `ProvisionedThroughputExceededException`: a provisioned table or index is over its
    /// capacity.
    ProvisionedThroughputExceeded,
    /// `ThrottlingException`: an on-demand table is scaling, or a control-plane limit.
    Throttling,
    /// `RequestLimitExceeded`: the account's throughput limit.
    RequestLimitExceeded,
}

impl Throttling {
    /// Every kind.
    pub const ALL: [Throttling; 3] = [
        Throttling::ProvisionedThroughputExceeded,
        Throttling::Throttling,
        Throttling::RequestLimitExceeded,
    ];

    /// The error code, as the SDK reports it.
    pub fn code(self) -> &'static str {
        match self {
            Throttling::ProvisionedThroughputExceeded => "ProvisionedThroughputExceededException",
            Throttling::Throttling => "ThrottlingException",
            Throttling::RequestLimitExceeded => "RequestLimitExceeded",
        }
    }

    fn answer(self) -> Answer {
        let (namespace, message) = match self {
            Throttling::ProvisionedThroughputExceeded => (
                DYNAMODB_NAMESPACE,
                "The level of configured provisioned throughput for the table was exceeded. \
                 Consider increasing your provisioning level with the UpdateTable API.",
            ),
            Throttling::Throttling => (
                "com.amazon.coral.availability",
                "Throughput exceeds the current capacity of your table or index. DynamoDB is \
                 automatically scaling your table or index so please try again shortly.",
            ),
            Throttling::RequestLimitExceeded => (
                DYNAMODB_NAMESPACE,
                "Throughput exceeds the current throughput limit for your account. Please \
                 contact AWS Support at https://aws.amazon.com/support request a limit increase",
            ),
        };
        Answer::error(400, namespace, self.code(), message)
    }
}

const DYNAMODB_NAMESPACE: &str = "com.amazonaws.dynamodb.v20120810";

/// Which requested keys of a BatchGetItem to report as unprocessed.
#[derive(Clone)]
pub struct Keys(Selection);

#[derive(Clone)]
enum Selection {
    All,
    First(usize),
    Matching(Arc<dyn Fn(&Item) -> bool + Send + Sync>),
}

impl Keys {
    /// Every requested key.
    pub fn all() -> Keys {
        Keys(Selection::All)
    }

    /// The first `count` requested keys, in request order.
    pub fn first(count: usize) -> Keys {
        Keys(Selection::First(count))
    }

    /// The requested keys `select` accepts.
    pub fn matching(select: impl Fn(&Item) -> bool + Send + Sync + 'static) -> Keys {
        Keys(Selection::Matching(Arc::new(select)))
    }

    fn pick(&self, requested: &[Item]) -> Vec<Item> {
        match &self.0 {
            Selection::All => requested.to_vec(),
            Selection::First(count) => requested.iter().take(*count).cloned().collect(),
            Selection::Matching(select) => requested
                .iter()
                .filter(|key| select(key))
                .cloned()
                .collect(),
        }
    }
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Selection::All => f.write_str("Keys::all()"),
            Selection::First(count) => write!(f, "Keys::first({count})"),
            Selection::Matching(_) => f.write_str("Keys::matching(..)"),
        }
    }
}

/// What the interceptor did to one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Injected {
    /// Answered with this error instead of the server; the server executed nothing.
    Error {
        /// HTTP status.
        status: u16,
        /// Error code, e.g. `ThrottlingException`.
        code: String,
    },
    /// These keys' items were removed from the server's answer and listed as unprocessed.
    UnprocessedKeys(Vec<Item>),
    /// A hook ran just before the request was sent.
    Hook,
}

/// One request the interceptor saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The operation, e.g. `BatchGetItem`.
    pub operation: String,
    /// Keys requested by a BatchGetItem, or parts of a TransactWriteItems; 0 otherwise.
    pub items: usize,
    /// What was done to it, if anything.
    pub injected: Option<Injected>,
    /// The request's JSON body as sent (`null` if it was not JSON): a retry can be compared
    /// with the attempt before it.
    pub body: serde_json::Value,
}

/// The fault-injecting interceptor. Clones share their rules and records; add one clone to the
/// client with `config.interceptor(faults.clone())` and steer it with the other.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    rules: Vec<Rule>,
    records: Vec<Record>,
}

#[derive(Debug)]
struct Rule {
    operation: String,
    remaining: usize,
    fault: Fault,
}

#[derive(Clone)]
enum Fault {
    Answer(Answer),
    Conflict(Vec<usize>),
    Unprocessed(Keys),
    Hook(Arc<dyn Fn() + Send + Sync>),
}

impl fmt::Debug for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Answer(answer) => f.debug_tuple("Answer").field(answer).finish(),
            Fault::Conflict(parts) => f.debug_tuple("Conflict").field(parts).finish(),
            Fault::Unprocessed(keys) => f.debug_tuple("Unprocessed").field(keys).finish(),
            Fault::Hook(_) => f.write_str("Hook"),
        }
    }
}

/// An error response as DynamoDB sends it.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    code: &'static str,
    body: String,
}

impl Answer {
    fn error(status: u16, namespace: &str, code: &'static str, message: &str) -> Answer {
        Answer {
            status,
            code,
            body: json!({ "__type": format!("{namespace}#{code}"), "message": message })
                .to_string(),
        }
    }
}

impl Faults {
    /// An interceptor with no rules: it passes every request through and records it.
    pub fn new() -> Faults {
        Faults::default()
    }

    /// Answers the next `calls` requests of `operation` with a throttling error.
    pub fn throttle(&self, operation: &str, calls: usize, kind: Throttling) {
        self.add(operation, calls, Fault::Answer(kind.answer()));
    }

    /// Answers the next `calls` requests of `operation` with HTTP 500 `InternalServerError`.
    pub fn internal_error(&self, operation: &str, calls: usize) {
        let answer = Answer::error(
            500,
            DYNAMODB_NAMESPACE,
            "InternalServerError",
            "Internal server error",
        );
        self.add(operation, calls, Fault::Answer(answer));
    }

    /// Reports the `keys` chosen among those requested by the next `calls` BatchGetItem requests
    /// as unprocessed, in the server's real answer.
    pub fn unprocessed_keys(&self, calls: usize, keys: Keys) {
        self.add("BatchGetItem", calls, Fault::Unprocessed(keys));
    }

    /// Cancels the next `calls` TransactWriteItems requests with `TransactionCanceledException`:
    /// reason `TransactionConflict` for the parts at `conflicting` (positions from 0), `None`
    /// for the others.
    pub fn transaction_conflict(&self, calls: usize, conflicting: &[usize]) {
        self.add(
            "TransactWriteItems",
            calls,
            Fault::Conflict(conflicting.to_vec()),
        );
    }

    /// Runs `hook` just before each of the next `calls` requests of `operation` is sent (for
    /// example to stop the server); the request is then sent unchanged.
    pub fn before_transmit(
        &self,
        operation: &str,
        calls: usize,
        hook: impl Fn() + Send + Sync + 'static,
    ) {
        self.add(operation, calls, Fault::Hook(Arc::new(hook)));
    }

    /// Every request seen so far, in order.
    pub fn records(&self) -> Vec<Record> {
        self.lock().records.clone()
    }

    /// Requests of `operation` seen so far.
    pub fn count(&self, operation: &str) -> usize {
        self.lock()
            .records
            .iter()
            .filter(|record| record.operation == operation)
            .count()
    }

    /// Requests of `operation` that a fault was injected into.
    pub fn injected(&self, operation: &str) -> usize {
        self.lock()
            .records
            .iter()
            .filter(|record| record.operation == operation && record.injected.is_some())
            .count()
    }

    /// Faults still to inject (a rule for [`EVERY_CALL`] counts as one).
    pub fn pending(&self) -> usize {
        self.lock()
            .rules
            .iter()
            .map(|rule| rule.remaining.min(1))
            .sum()
    }

    /// Drops every rule and record.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.rules.clear();
        state.records.clear();
    }

    fn add(&self, operation: &str, calls: usize, fault: Fault) {
        self.lock().rules.push(Rule {
            operation: operation.to_owned(),
            remaining: calls,
            fault,
        });
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the fault for the next request of `operation`, and records the request.
    fn next(
        &self,
        operation: &str,
        items: usize,
        body: serde_json::Value,
    ) -> (usize, Option<Fault>) {
        let mut state = self.lock();
        let fault = state
            .rules
            .iter_mut()
            .find(|rule| rule.operation == operation && rule.remaining > 0)
            .map(|rule| {
                if rule.remaining != EVERY_CALL {
                    rule.remaining -= 1;
                }
                rule.fault.clone()
            });
        state.rules.retain(|rule| rule.remaining > 0);
        state.records.push(Record {
            operation: operation.to_owned(),
            items,
            injected: None,
            body,
        });
        (state.records.len() - 1, fault)
    }

    fn note(&self, record: usize, injected: Injected) {
        if let Some(record) = self.lock().records.get_mut(record) {
            record.injected = Some(injected);
        }
    }
}

/// What one operation's input holds, captured before it is serialized.
#[derive(Debug, Clone, Default)]
struct Requested {
    /// BatchGetItem: table and keys.
    keys: Vec<(String, Item)>,
    /// TransactWriteItems: the number of parts.
    parts: usize,
}

impl Storable for Requested {
    type Storer = StoreReplace<Self>;
}

/// The fault chosen for the current attempt.
#[derive(Debug, Clone)]
struct Decision {
    record: usize,
    fault: Option<Fault>,
}

impl Storable for Decision {
    type Storer = StoreReplace<Self>;
}

fn operation_name(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>()
        .map_or("unknown", Metadata::name)
        .to_owned()
}

impl Intercept for Faults {
    fn name(&self) -> &'static str {
        "bao::Faults"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let input = context.input();
        let mut requested = Requested::default();
        if let Some(batch) = input.downcast_ref::<BatchGetItemInput>() {
            for (table, request) in batch.request_items().into_iter().flatten() {
                for key in request.keys() {
                    requested.keys.push((table.clone(), key.clone()));
                }
            }
        }
        if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
            requested.parts = transaction.transact_items().len();
        }
        cfg.interceptor_state().store_put(requested);
        Ok(())
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let requested = cfg.load::<Requested>().cloned().unwrap_or_default();
        let body = context
            .request()
            .body()
            .bytes()
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .unwrap_or_default();
        let (record, fault) = self.next(
            &operation_name(cfg),
            requested.keys.len().max(requested.parts),
            body,
        );
        match &fault {
            Some(Fault::Answer(_) | Fault::Conflict(_)) => {
                let request = context.request_mut();
                *request.body_mut() = SdkBody::from("{}");
                request.headers_mut().insert("content-length", "2");
            }
            Some(Fault::Hook(hook)) => {
                hook();
                self.note(record, Injected::Hook);
            }
            Some(Fault::Unprocessed(_)) | None => {}
        }
        cfg.interceptor_state()
            .store_put(Decision { record, fault });
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Decision { record, fault }) = cfg.load::<Decision>().cloned() else {
            return Ok(());
        };
        let answer = match fault {
            Some(Fault::Answer(answer)) => answer,
            Some(Fault::Conflict(conflicting)) => {
                let parts = cfg
                    .load::<Requested>()
                    .map_or(0, |requested| requested.parts);
                cancellation(&conflicting, parts)
            }
            _ => return Ok(()),
        };
        let mut response =
            HttpResponse::new(StatusCode::try_from(answer.status)?, answer.body.into());
        let headers = response.headers_mut();
        headers.insert("content-type", "application/x-amz-json-1.0");
        headers.insert("x-amzn-requestid", format!("bao-fault-{record}"));
        *context.response_mut() = response;
        self.note(
            record,
            Injected::Error {
                status: answer.status,
                code: answer.code.to_owned(),
            },
        );
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Decision {
            record,
            fault: Some(Fault::Unprocessed(keys)),
        }) = cfg.load::<Decision>().cloned()
        else {
            return Ok(());
        };
        let Some(Ok(output)) = context.output_or_error_mut() else {
            return Ok(());
        };
        let Some(output) = output.downcast_mut::<BatchGetItemOutput>() else {
            return Ok(());
        };
        let requested = cfg.load::<Requested>().cloned().unwrap_or_default();
        let moved = move_to_unprocessed(output, &requested.keys, &keys)?;
        self.note(record, Injected::UnprocessedKeys(moved));
        Ok(())
    }
}

/// A `TransactionCanceledException` for a transaction of `parts` parts: `TransactionConflict`
/// at the positions in `conflicting`, `None` elsewhere, as DynamoDB words it.
fn cancellation(conflicting: &[usize], parts: usize) -> Answer {
    let reasons: Vec<serde_json::Value> = (0..parts)
        .map(|part| match conflicting.contains(&part) {
            true => json!({"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}),
            false => json!({"Code": "None"}),
        })
        .collect();
    let codes: Vec<&str> = reasons
        .iter()
        .map(|reason| reason["Code"].as_str().unwrap_or("None"))
        .collect();
    let code = "TransactionCanceledException";
    let body = json!({
        "__type": format!("{DYNAMODB_NAMESPACE}#{code}"),
        "CancellationReasons": reasons,
        "Message": format!(
            "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
            codes.join(", ")
        ),
    });
    Answer {
        status: 400,
        code,
        body: body.to_string(),
    }
}

/// Moves the chosen requested keys from the answer's items to its unprocessed keys; returns
/// the keys moved.
fn move_to_unprocessed(
    output: &mut BatchGetItemOutput,
    requested: &[(String, Item)],
    keys: &Keys,
) -> Result<Vec<Item>, BoxError> {
    let already: Vec<&Item> = output
        .unprocessed_keys
        .iter()
        .flat_map(|unprocessed| unprocessed.values())
        .flat_map(KeysAndAttributes::keys)
        .collect();
    let candidates: Vec<Item> = requested
        .iter()
        .map(|(_, key)| key.clone())
        .filter(|key| !already.contains(&key))
        .collect();
    let chosen = keys.pick(&candidates);
    for (table, key) in requested.iter().filter(|(_, key)| chosen.contains(key)) {
        if let Some(items) = output
            .responses
            .as_mut()
            .and_then(|responses| responses.get_mut(table))
        {
            items.retain(|item| !is_item_of(item, key));
        }
        let unprocessed = output.unprocessed_keys.get_or_insert_default();
        match unprocessed.get_mut(table) {
            Some(entry) => entry.keys.push(key.clone()),
            None => {
                let entry = KeysAndAttributes::builder()
                    .keys(key.clone())
                    .build()
                    .map_err(BoxError::from)?;
                unprocessed.insert(table.clone(), entry);
            }
        }
    }
    Ok(chosen)
}

/// Whether `item` has every attribute of `key` with the same value.
fn is_item_of(item: &Item, key: &Item) -> bool {
    key.iter()
        .all(|(name, value)| item.get(name) == Some(value))
}
