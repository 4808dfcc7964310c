//! One DynamoDB call: its tracing span, and what its failure means.

use crate::Error;
use crate::capacity::Capacity;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::CancellationReason;
use tracing::field::Empty;

/// The span of one DynamoDB call, with OpenTelemetry's database and DynamoDB attributes:
/// the operation, table, index and model up front; the item count and consumed capacity once
/// it returns. `otel.name` (`GetItem my-table`) and `otel.kind` are read by
/// `tracing-opentelemetry`. `RUST_LOG=bao_runtime=debug` shows every call.
pub(crate) fn span(
    operation: &'static str,
    table: &str,
    index: Option<&str>,
    model: Option<&str>,
) -> tracing::Span {
    tracing::debug_span!(
        "dynamodb",
        otel.name = %SpanName { operation, table },
        otel.kind = "client",
        db.system.name = "aws.dynamodb",
        db.operation.name = operation,
        db.collection.name = table,
        aws.dynamodb.table_names = table,
        aws.dynamodb.index_name = index,
        bao.model = model,
        db.response.returned_rows = Empty,
        bao.rcu = Empty,
        bao.wcu = Empty,
    )
}

/// `otel.name` of a call's span, `GetItem my-table`: written out only when a subscriber or a
/// logger reads it. Without a subscriber, `tracing` hands every span's fields to `log`,
/// which keeps them unless a logger wants them, so a `String` would be made for every call.
struct SpanName<'a> {
    operation: &'static str,
    table: &'a str,
}

impl std::fmt::Display for SpanName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.operation, self.table)
    }
}

/// Records the outcome of a call on its span and logs it.
pub(crate) fn record(span: &tracing::Span, items: usize, capacity: Capacity) {
    // A span no subscriber wants has nothing to record; the event may still be logged.
    if !span.is_disabled() {
        span.record("db.response.returned_rows", items);
        span.record("bao.rcu", capacity.read);
        span.record("bao.wcu", capacity.write);
    }
    span.in_scope(|| tracing::debug!(items, rcu = capacity.read, wcu = capacity.write, "done"));
}

/// What a failed call means to the operation that made it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// `ConditionalCheckFailedException`, with the old item when it was asked for.
    ConditionFailed(Option<crate::codec::Item>),
    /// `TransactionCanceledException`, with DynamoDB's reason for each part.
    Cancelled(Vec<CancellationReason>),
    /// DynamoDB refused an item over its 400 KB limit, with DynamoDB's message.
    TooLarge(String),
    /// Anything else, already mapped to an [`Error`].
    Other(Error),
}

/// The error codes of a throttled call; see [`RetryPolicy`](crate::RetryPolicy).
pub(crate) const THROTTLING_CODES: [&str; 3] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
];

/// Maps an SDK error to a [`Failure`]. `service` picks out the operation's own meaningful
/// errors (condition failures, cancellations); throttling that outlasted the `attempts` made
/// becomes [`Error::Throttled`], and a refused oversized item [`Failure::TooLarge`].
pub(crate) fn classify<E, R>(
    operation: &'static str,
    attempts: u32,
    error: SdkError<E, R>,
    service: impl FnOnce(&E) -> Option<Failure>,
) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(failure) = error.as_service_error().and_then(service) {
        return failure;
    }
    match error.code() {
        Some(code) if THROTTLING_CODES.contains(&code) => Failure::Other(Error::Throttled {
            operation,
            attempts,
            keys: Vec::new(),
        }),
        Some("ValidationException") if is_size_message(error.message()) => {
            Failure::TooLarge(error.message().unwrap_or_default().to_owned())
        }
        _ => Failure::Other(Error::sdk(
            operation,
            SdkFailure(DisplayErrorContext(error).to_string()),
        )),
    }
}

/// Whether DynamoDB's message says an item exceeded its size limit ("Item size has exceeded the
/// maximum allowed size", "Item size to update has exceeded ...").
pub(crate) fn is_size_message(message: Option<&str>) -> bool {
    message.is_some_and(|message| message.contains("Item size"))
}

/// The text of an SDK error, with its whole chain of causes.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct SdkFailure(pub(crate) String);

impl Failure {
    /// The error for a failure that has no operation-specific meaning.
    pub(crate) fn into_error(self, operation: &'static str) -> Error {
        match self {
            Failure::Other(error) => error,
            Failure::TooLarge(message) => Error::sdk(operation, SdkFailure(message)),
            Failure::ConditionFailed(_) => {
                Error::sdk(operation, SdkFailure("unexpected condition failure".into()))
            }
            Failure::Cancelled(reasons) => Error::TransactionCancelled {
                reasons: reasons
                    .iter()
                    .enumerate()
                    .filter(|(_, reason)| reason.code().is_some_and(|code| code != "None"))
                    .map(|(index, reason)| crate::error::CancellationReason {
                        index,
                        part: format!("part {index}"),
                        code: reason.code().unwrap_or_default().to_owned(),
                        message: reason.message().map(str::to_owned),
                    })
                    .collect(),
            },
        }
    }
}
