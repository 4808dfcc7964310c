//! Web services: a [`tower`](https://docs.rs/tower) layer that gives each request its own
//! [`RequestScope`] (finds batched and cached for the request, capacity summed) and, from a
//! header, its tenant. It works in any tower stack: axum, tonic, hyper.
//!
//! ```
//! # fn demo<S>(db: bao_runtime::Db, service: S) {
//! use bao_runtime::web::ScopeLayer;
//! use tower_layer::Layer;
//! // In axum: `router.layer(ScopeLayer::new(db).tenant_from_header("x-tenant-id"))`.
//! let service = ScopeLayer::new(db).tenant_from_header("x-tenant-id").layer(service);
//! # }
//! ```
//!
//! Handlers take the request's handle from its extensions ([`RequestDb`]; with the `axum`
//! feature, the [`ScopedDb`](axum::ScopedDb) extractor). Each request runs in a tracing span
//! `request` whose `bao.rcu` and `bao.wcu` fields hold the capacity it consumed.

#[cfg(feature = "axum")]
pub mod axum;

use crate::{Db, Error, RequestScope};
use http::{HeaderName, Request};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use tracing::Instrument;
use tracing::field::Empty;

/// A request's handle on the table, put in its extensions by [`ScopeLayer`]: the layer's `Db`
/// under the request's tenant, or why the tenant was refused.
#[derive(Debug, Clone)]
pub struct RequestDb {
    db: Result<Db, Error>,
    scope: RequestScope,
}

impl RequestDb {
    /// The handle, under the request's tenant when the layer reads one.
    ///
    /// # Errors
    /// [`Error::Validation`] (model `tenant`) when the tenant header is missing or not a valid
    /// tenant id.
    pub fn db(&self) -> Result<&Db, Error> {
        self.db.as_ref().map_err(Error::clone)
    }

    /// The request's scope: [`RequestScope::capacity`] is what the request consumed so far.
    pub fn scope(&self) -> &RequestScope {
        &self.scope
    }
}

/// The layer: see the [module docs](self).
#[derive(Debug, Clone)]
pub struct ScopeLayer {
    db: Db,
    tenant_header: Option<HeaderName>,
}

impl ScopeLayer {
    /// Every request gets its own scope on `db`.
    pub fn new(db: Db) -> Self {
        ScopeLayer {
            db,
            tenant_header: None,
        }
    }

    /// Reads each request's tenant from the header `name`: a request without it, or with an
    /// invalid tenant id, gets a [`RequestDb`] whose `db()` is an error (never the untenanted
    /// handle).
    ///
    /// # Panics
    /// When `name` is not a valid header name.
    #[must_use]
    pub fn tenant_from_header(mut self, name: &str) -> Self {
        let name = HeaderName::try_from(name).expect("a valid header name");
        self.tenant_header = Some(name);
        self
    }

    fn request_db<B>(&self, request: &Request<B>) -> Result<Db, Error> {
        let Some(header) = &self.tenant_header else {
            return Ok(self.db.clone());
        };
        let value = request.headers().get(header).ok_or_else(|| {
            Error::validation(
                "tenant",
                "header",
                format!("the `{header}` header is missing"),
            )
        })?;
        let id = value.to_str().map_err(|_| {
            Error::validation("tenant", "header", format!("`{header}` is not text"))
        })?;
        self.db.with_tenant(id)
    }
}

impl<S> tower_layer::Layer<S> for ScopeLayer {
    type Service = Scoped<S>;

    fn layer(&self, inner: S) -> Scoped<S> {
        Scoped {
            inner,
            layer: self.clone(),
        }
    }
}

/// A service whose requests each run in their own [`RequestScope`].
#[derive(Debug, Clone)]
pub struct Scoped<S> {
    inner: S,
    layer: ScopeLayer,
}

impl<S, B> tower_service::Service<Request<B>> for Scoped<S>
where
    S: tower_service::Service<Request<B>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let scope = RequestScope::new();
        let db = self.layer.request_db(&request);
        let span = tracing::info_span!(
            "request",
            method = %request.method(),
            path = request.uri().path(),
            tenant = db.as_ref().ok().and_then(|db| db.tenant()).map(|t| t.id().to_owned()),
            bao.rcu = Empty,
            bao.wcu = Empty,
        );
        request.extensions_mut().insert(RequestDb {
            db,
            scope: scope.clone(),
        });
        let response = self.inner.call(request);
        let recorded = span.clone();
        Box::pin(
            async move {
                let response = scope.run(response).await;
                let capacity = scope.capacity();
                recorded.record("bao.rcu", capacity.read);
                recorded.record("bao.wcu", capacity.write);
                response
            }
            .instrument(span),
        )
    }
}
