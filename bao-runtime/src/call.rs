//! One DynamoDB call: its tracing span, and what its failure means.

use crate::Error;
use crate::capacity::Capacity;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::CancellationReason;
use tracing::field::Empty;

/// The span of one DynamoDB call: operation, table and index up front; item count and consumed
/// capacity once it returns. `RUST_LOG=bao_runtime=debug` shows every call.
pub(crate) fn span(operation: &'static str, table: &str, index: Option<&str>) -> tracing::Span {
    tracing::debug_span!(
        "dynamodb",
        operation,
        table,
        index = index.unwrap_or(""),
        items = Empty,
        rcu = Empty,
        wcu = Empty,
    )
}

/// Records the outcome of a call on its span and logs it.
pub(crate) fn record(span: &tracing::Span, items: usize, capacity: Capacity) {
    span.record("items", items);
    span.record("rcu", capacity.read);
    span.record("wcu", capacity.write);
    span.in_scope(|| tracing::debug!(items, rcu = capacity.read, wcu = capacity.write, "done"));
}

/// What a failed call means to the operation that made it.
#[derive(Debug)]
pub(crate) enum Failure {
    /// `ConditionalCheckFailedException`, with the old item when it was asked for.
    ConditionFailed(Option<crate::codec::Item>),
    /// `TransactionCanceledException`, with DynamoDB's reason for each part.
    Cancelled(Vec<CancellationReason>),
    /// Anything else, already mapped to an [`Error`].
    Other(Error),
}

const THROTTLING_CODES: [&str; 3] = [
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
];

/// Maps an SDK error to a [`Failure`]. `service` picks out the operation's own meaningful
/// errors (condition failures, cancellations); throttling that outlasted the SDK's retries
/// becomes [`Error::Throttled`].
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
        }),
        _ => Failure::Other(Error::sdk(
            operation,
            SdkFailure(DisplayErrorContext(error).to_string()),
        )),
    }
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

/// Attempts the SDK makes per call, as configured on the client.
pub(crate) fn sdk_attempts(client: &aws_sdk_dynamodb::Client) -> u32 {
    client
        .config()
        .retry_config()
        .map_or(1, |retry| retry.max_attempts())
}
