//! Hooks on writes (DynamoDB's `registerPlugin` in DynamoBao): async functions that run before
//! and after each create, update, save and delete made through a [`Db`] that carries them.
//!
//! ```
//! use bao_runtime::hooks::{Hooks, WriteKind};
//! let hooks = Hooks::new()
//!     // An audit line after each write.
//!     .after(|event| async move {
//!         println!("{:?} {} ({})", event.kind, event.model, event.capacity);
//!         Ok(())
//!     })
//!     // Refuse deletes: nothing is written. (`before_model::<Post, _, _>` for one model.)
//!     .before(|event| async move {
//!         match event.kind {
//!             WriteKind::Delete => Err(bao_runtime::Error::Validation {
//!                 model: event.model,
//!                 field: "delete",
//!                 message: "items are never deleted".into(),
//!             }),
//!             _ => Ok(()),
//!         }
//!     });
//! // let db = db.with_hooks(hooks);
//! ```
//!
//! A before-hook that returns an error stops the write: nothing is sent. An after-hook sees
//! the item as written and what the write consumed; its error is returned to the caller, but
//! the write has happened. A [`Db`] without hooks checks one `Option` per write.

use crate::capacity::Capacity;
use crate::codec::Item;
use crate::model::Model;
use crate::{Db, Result};
use futures::future::{BoxFuture, Either, Ready, ready};
use std::future::Future;
use std::sync::Arc;

/// Which write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteKind {
    /// `create`, and `link`.
    Create,
    /// `update`, by key without a read.
    Update,
    /// `save` of a loaded item.
    Save,
    /// `delete`, `delete_loaded`, and `unlink`.
    Delete,
}

/// A write about to happen (to a before-hook) or done (to an after-hook).
#[derive(Debug, Clone)]
pub struct HookEvent {
    /// Which write.
    pub kind: WriteKind,
    /// The model's name in models.yaml.
    pub model: &'static str,
    /// The item, keys included (so a generated `AnyModel::from_item` reads it): before a create
    /// or save, as it will be stored; after a create, update or save, as stored; for a delete,
    /// the item as it was (before a delete by key: its key fields only). Before an update,
    /// which writes without reading, its key fields only: see [`changed`](Self::changed).
    pub item: Item,
    /// The fields an update or save changes; empty for creates and deletes.
    pub changed: Vec<&'static str>,
    /// What the write consumed (zero before it).
    pub capacity: Capacity,
}

impl HookEvent {
    /// Whether the write is of model `M`.
    pub fn is<M: Model>(&self) -> bool {
        self.model == M::SCHEMA.name
    }

    /// The item as an `M`.
    ///
    /// # Errors
    /// [`Error::Decode`](crate::Error::Decode) when it is not a whole `M` (a key before a delete
    /// or an update).
    pub fn decode<M: Model>(&self) -> Result<M> {
        crate::any::decode(&self.item)
    }
}

type Hook = Arc<dyn Fn(HookEvent) -> BoxFuture<'static, Result<()>> + Send + Sync>;

/// The hooks of a [`Db`]: see the [module docs](self).
#[derive(Clone, Default)]
pub struct Hooks {
    before: Vec<(Option<&'static str>, Hook)>,
    after: Vec<(Option<&'static str>, Hook)>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("before", &self.before.len())
            .field("after", &self.after.len())
            .finish()
    }
}

fn boxed<F, Fut>(hook: F) -> Hook
where
    F: Fn(HookEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    Arc::new(move |event| Box::pin(hook(event)))
}

impl Hooks {
    /// No hooks.
    pub fn new() -> Hooks {
        Hooks::default()
    }

    /// Runs `hook` before every write; its error stops the write.
    #[must_use]
    pub fn before<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(HookEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        self.before.push((None, boxed(hook)));
        self
    }

    /// Runs `hook` after every write.
    #[must_use]
    pub fn after<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(HookEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        self.after.push((None, boxed(hook)));
        self
    }

    /// Runs `hook` before every write of model `M`; its error stops the write.
    #[must_use]
    pub fn before_model<M: Model, F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(HookEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        self.before.push((Some(M::SCHEMA.name), boxed(hook)));
        self
    }

    /// Runs `hook` after every write of model `M`.
    #[must_use]
    pub fn after_model<M: Model, F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(HookEvent) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<()>> + Send + 'static,
    {
        self.after.push((Some(M::SCHEMA.name), boxed(hook)));
        self
    }
}

/// Runs the before-hooks of a write of `model`; `event` builds the event only when one runs.
pub(crate) fn before(
    db: &Db,
    kind: WriteKind,
    model: &'static str,
    event: impl FnOnce() -> (Item, Vec<&'static str>),
) -> impl Future<Output = Result<()>> + Send + 'static {
    run(
        db.hooks().map(|hooks| &hooks.before),
        kind,
        model,
        event,
        Capacity::ZERO,
    )
}

/// Runs the after-hooks of a write of `model`.
pub(crate) fn after(
    db: &Db,
    kind: WriteKind,
    model: &'static str,
    event: impl FnOnce() -> (Item, Vec<&'static str>),
    capacity: Capacity,
) -> impl Future<Output = Result<()>> + Send + 'static {
    run(
        db.hooks().map(|hooks| &hooks.after),
        kind,
        model,
        event,
        capacity,
    )
}

/// The hooks of `model` among `hooks`, called in turn with the event. Without any, a ready
/// future: a write without hooks carries none of the calling code (it is boxed, out of line).
fn run(
    hooks: Option<&Vec<(Option<&'static str>, Hook)>>,
    kind: WriteKind,
    model: &'static str,
    event: impl FnOnce() -> (Item, Vec<&'static str>),
    capacity: Capacity,
) -> Either<Ready<Result<()>>, BoxFuture<'static, Result<()>>> {
    let running: Vec<Hook> = hooks
        .into_iter()
        .flatten()
        .filter(|(only, _)| only.is_none_or(|name| name == model))
        .map(|(_, hook)| Arc::clone(hook))
        .collect();
    if running.is_empty() {
        return Either::Left(ready(Ok(())));
    }
    let (item, changed) = event();
    let event = HookEvent {
        kind,
        model,
        item,
        changed,
        capacity,
    };
    Either::Right(Box::pin(async move {
        for hook in running {
            hook(event.clone()).await?;
        }
        Ok(())
    }))
}
