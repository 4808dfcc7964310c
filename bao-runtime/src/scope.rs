//! Request scopes: DynamoBao's `runWithBatchContext`, made a tokio task-local.
//!
//! Inside a scope, `find`s polled concurrently (e.g. by `join_all`) are coalesced into
//! BatchGetItem calls of at most 100 distinct keys; results are cached for the scope, keyed by
//! table and item key (so by tenant and model too); writes made in the scope update or evict
//! their entry; and the capacity of every call is summed into the scope's ledger.
//!
//! The scope belongs to the task that runs it: futures spawned onto other tasks do not see it.

use crate::capacity::Capacity;
use crate::codec::Item;
use crate::fetch::{self, CacheKey, KeyMap, Loaded};
use crate::{Db, Error, Result};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::oneshot;

tokio::task_local! {
    static CURRENT: Arc<ScopeState>;
}

/// A request scope. Run a future in it with [`RequestScope::run`]; read what it consumed with
/// [`RequestScope::capacity`].
///
/// ```no_run
/// # async fn demo(db: bao_runtime::Db) {
/// let scope = bao_runtime::RequestScope::new();
/// scope.run(async { /* finds here are batched and cached */ }).await;
/// println!("this request consumed {}", scope.capacity());
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct RequestScope {
    state: Arc<ScopeState>,
}

#[derive(Debug, Default)]
struct ScopeState {
    capacity: Mutex<Capacity>,
    cache: Mutex<KeyMap<Option<Item>>>,
    pending: Mutex<HashMap<String, Batch>>,
}

/// Finds waiting to be sent together, for one table.
#[derive(Debug)]
struct Batch {
    db: Db,
    keys: Vec<Item>,
    waiters: KeyMap<Vec<oneshot::Sender<Result<Loaded>>>>,
}

impl RequestScope {
    /// A new, empty scope.
    pub fn new() -> RequestScope {
        RequestScope::default()
    }

    /// Runs `future` inside this scope. A scope run inside another shadows it.
    pub async fn run<F: Future>(&self, future: F) -> F::Output {
        CURRENT.scope(Arc::clone(&self.state), future).await
    }

    /// Capacity consumed by every call made in this scope so far.
    pub fn capacity(&self) -> Capacity {
        *lock(&self.state.capacity)
    }
}

/// Whether the current task runs inside a request scope.
pub fn is_inside() -> bool {
    CURRENT.try_with(|_| ()).is_ok()
}

/// Capacity consumed so far by the current scope, if there is one.
pub fn current_capacity() -> Option<Capacity> {
    CURRENT.try_with(|state| *lock(&state.capacity)).ok()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn with_current(f: impl FnOnce(&ScopeState)) {
    let _ = CURRENT.try_with(|state| f(state));
}

/// Adds read capacity to the current scope's ledger.
pub(crate) fn record_read(capacity: Capacity) {
    with_current(|state| *lock(&state.capacity) += capacity);
}

/// Adds write capacity to the current scope's ledger.
pub(crate) fn record_write(capacity: Capacity) {
    record_read(capacity);
}

/// Caches what a write stored (`Some`) or deleted (`None`) in the current scope.
pub(crate) fn remember(key: CacheKey, fields: Option<Item>) {
    with_current(|state| {
        lock(&state.cache).insert(key, fields);
    });
}

/// Drops the cached copy of an item whose new state is not known.
pub(crate) fn forget(key: &CacheKey) {
    with_current(|state| {
        lock(&state.cache).remove(key);
    });
}

/// Loads an item through the current scope: from its cache, or with the other finds polled in
/// the same round. `None` when there is no scope.
pub(crate) async fn load(db: &Db, key: Item) -> Option<Result<Loaded>> {
    let state = CURRENT.try_with(Arc::clone).ok()?;
    let cache_key = CacheKey::of(db, &key);
    if let Some(hit) = lock(&state.cache).get(&cache_key) {
        return Some(Ok((hit.clone(), Capacity::ZERO)));
    }
    let (sender, receiver) = oneshot::channel();
    let leads = {
        let mut pending = lock(&state.pending);
        let batch = pending
            .entry(db.table().to_owned())
            .or_insert_with(|| Batch {
                db: db.clone(),
                keys: Vec::new(),
                waiters: KeyMap::default(),
            });
        let leads = batch.keys.is_empty();
        let waiters = batch.waiters.entry(cache_key).or_default();
        if waiters.is_empty() {
            batch.keys.push(key.clone());
        }
        waiters.push(sender);
        leads
    };
    if leads {
        gather(&state, db.table()).await;
        let batch = lock(&state.pending).remove(db.table());
        if let Some(batch) = batch {
            send(&state, batch).await;
        }
    }
    Some(match receiver.await {
        Ok(result) => result,
        // The leading find was dropped before it sent the batch: read this key alone.
        Err(_) => fetch::get_item(db, key, false).await,
    })
}

/// Yields until no more finds join the batch: every future polled in the same round as the
/// leader has registered by then.
async fn gather(state: &ScopeState, table: &str) {
    let mut seen = 0;
    loop {
        tokio::task::yield_now().await;
        let now = lock(&state.pending)
            .get(table)
            .map_or(0, |batch| batch.keys.len());
        if now == seen {
            return;
        }
        seen = now;
    }
}

async fn send(state: &ScopeState, batch: Batch) {
    let Batch {
        db,
        keys,
        mut waiters,
    } = batch;
    match fetch::batch_get(&db, keys).await {
        Ok(result) => {
            *lock(&state.capacity) += result.capacity;
            let share = result.share();
            for (at, key) in result.keys.iter().enumerate() {
                let Some((key, senders)) = waiters.remove_entry(key) else {
                    continue;
                };
                let outcome = result.outcome(at, share);
                if let Ok((item, _)) = &outcome {
                    lock(&state.cache).insert(key, item.clone());
                }
                for sender in senders {
                    let _ = sender.send(outcome.clone());
                }
            }
        }
        Err(error) => {
            for sender in waiters.drain().flat_map(|(_, senders)| senders) {
                let _ = sender.send(Err(Error::clone(&error)));
            }
        }
    }
}
