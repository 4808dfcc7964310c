//! axum: bao's errors as HTTP responses, and the request's handle as an extractor.

use super::RequestDb;
use crate::{Db, Error, RequestScope};
use axum_core::extract::FromRequestParts;
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};

/// The HTTP status an error answers with: 404 not found; 409 for a conflict (a unique value
/// taken, a version or condition that changed, an item that exists, a delete a rule refuses,
/// a cancelled transaction); 422 for input bao refused (validation, a missing reference, an
/// item too large); 503 when DynamoDB throttled after every retry; 500 otherwise.
pub fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::AlreadyExists { .. }
        | Error::UniqueViolation { .. }
        | Error::VersionConflict { .. }
        | Error::ConditionFailed { .. }
        | Error::Restricted { .. }
        | Error::TransactionCancelled { .. } => StatusCode::CONFLICT,
        Error::Validation { .. } | Error::MissingReference { .. } | Error::ItemTooLarge { .. } => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Error::Throttled { .. } | Error::UnprocessedKeys { .. } => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Seconds a throttled client is asked to wait before retrying.
const RETRY_AFTER_SECONDS: &str = "1";

/// `{"error": <status reason>, "message": <the error>}` with [`status_of`]'s status, and
/// `Retry-After` on a 503. A 500 does not show its message, which may name internals; it is
/// logged instead.
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = status_of(&self);
        let message = match status {
            StatusCode::INTERNAL_SERVER_ERROR => {
                tracing::error!(error = %self, "request failed");
                "internal error".to_owned()
            }
            _ => self.to_string(),
        };
        let body = serde_json::json!({
            "error": status.canonical_reason().unwrap_or("error"),
            "message": message,
        });
        let mut response = (status, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}

/// The request's handle on the table, from [`ScopeLayer`](super::ScopeLayer): under the
/// request's tenant, with the request's scope. A request whose tenant header is missing or
/// invalid is answered 422 before the handler runs.
#[derive(Debug, Clone)]
pub struct ScopedDb {
    /// The handle.
    pub db: Db,
    /// The request's scope: its capacity so far.
    pub scope: RequestScope,
}

impl<S: Send + Sync> FromRequestParts<S> for ScopedDb {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(request) = parts.extensions.get::<RequestDb>() else {
            // A wiring mistake, not the client's: say so in the log.
            tracing::error!("the request has no bao handle: add `ScopeLayer` to the router");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        };
        let db = request
            .db()
            .map_err(|error| error.clone().into_response())?;
        Ok(ScopedDb {
            db: db.clone(),
            scope: request.scope().clone(),
        })
    }
}
