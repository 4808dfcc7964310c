//! Retries of throttled calls: the handle's [`RetryPolicy`](crate::RetryPolicy) decides when a
//! throttled call is sent again, and the SDK is told to leave throttling alone so that the two
//! never multiply.

use crate::Db;
use crate::call::THROTTLING_CODES;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use std::future::Future;

/// Sends `first`, then, while it is throttled and the policy has attempts left, sleeps the
/// policy's jittered delay and sends what `again` makes. `again` returns `None` when it cannot
/// make the request again; the last outcome then stands. Returns the last outcome and the
/// attempts made.
pub(crate) async fn send<P, T, E, R, Fut>(
    db: &Db,
    first: P,
    mut again: impl FnMut() -> Option<P>,
    send: impl Fn(P) -> Fut,
) -> (Result<T, SdkError<E, R>>, u32)
where
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata,
{
    let policy = *db.retry();
    let mut attempts = 1;
    // The SDK's send futures take 5 to 6 KB. On the stack, every async layer above would hold
    // them and copy them whole as it is created: for a GetItem that was some 30 KB of freshly
    // written memory per call. Boxed, they are written once.
    let mut result = Box::pin(send(first)).await;
    while matches!(&result, Err(error) if is_throttling(error)) && attempts < policy.max_attempts {
        tokio::time::sleep(policy.delay(attempts)).await;
        let Some(payload) = again() else { break };
        attempts += 1;
        result = Box::pin(send(payload)).await;
    }
    (result, attempts)
}

/// Sends a fluent request through [`send`] inside `span` and awaits it: the one way every
/// call of bao reaches DynamoDB. Evaluates to `(result, attempts)`.
///
/// The SDK consumes the request it sends, so a retry needs another. With one request, each
/// attempt sends a copy of it. Hot paths instead give a closure that makes the request from a
/// payload (an item, the parts of a transaction), move their payload into the `first`
/// attempt, and build it `again` (an `Option`) from what they still hold, so that the usual,
/// unthrottled call copies nothing.
macro_rules! send_request {
    ($db:expr, $span:expr, $request:expr) => {{
        let request = $request;
        $crate::retry::send_request!(
            $db,
            $span,
            ::std::convert::identity,
            first: request.clone(),
            again: || Some(request.clone())
        )
    }};
    ($db:expr, $span:expr, $request_of:expr, first: $first:expr, again: $again:expr) => {{
        let request_of = $request_of;
        ::tracing::Instrument::instrument(
            $crate::retry::send($db, $first, $again, |payload| request_of(payload).send()),
            $span.clone(),
        )
        .await
    }};
}
pub(crate) use send_request;

/// Whether DynamoDB throttled the call.
pub(crate) fn is_throttling<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error
        .code()
        .is_some_and(|code| THROTTLING_CODES.contains(&code))
}

/// `client` as bao's calls use it: the SDK's own retry strategy keeps retrying transient
/// errors, but not throttling. Built once per handle; the connections, credentials and
/// interceptors are `client`'s own.
pub(crate) fn bao_calls(client: &Client) -> Client {
    let config = client
        .config()
        .to_builder()
        .retry_classifier(LeaveThrottlingToBao)
        .build();
    Client::from_conf(config)
}

/// Forbids the SDK's retry of a throttled response; it runs after the SDK's classifiers.
#[derive(Debug)]
struct LeaveThrottlingToBao;

impl ClassifyRetry for LeaveThrottlingToBao {
    fn classify_retry(&self, context: &InterceptorContext) -> RetryAction {
        match error_code(context) {
            Some(code) if THROTTLING_CODES.contains(&code.as_str()) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "bao::LeaveThrottlingToBao"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// The error code of a DynamoDB error response: its body's `__type` without the namespace.
fn error_code(context: &InterceptorContext) -> Option<String> {
    let response = context.response()?;
    if response.status().is_success() {
        return None;
    }
    let body: serde_json::Value = serde_json::from_slice(response.body().bytes()?).ok()?;
    let kind = body.get("__type")?.as_str()?;
    Some(kind.rsplit('#').next().unwrap_or(kind).to_owned())
}
