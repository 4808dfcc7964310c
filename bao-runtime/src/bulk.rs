//! Writes to every item a query matches, or an iteration yields: `update_each` and
//! `delete_each` (Dynamite's static `update(values, where)` and `delete(where)`).
//!
//! The query runs first, all pages. Then each matched item gets its own write, conditioned on
//! still matching: the query's key condition (on the index's key attributes of the item) and
//! its filter are checked again by DynamoDB. An item another writer changed so that it no
//! longer matches, or deleted, in between is skipped, not overwritten. `atomically()` sends one
//! transaction instead, which fails whole if any item no longer matches.

use crate::capacity::Capacity;
use crate::expr::Condition;
use crate::iterate::Iteration;
use crate::keys::KeyValue;
use crate::model::{Model, ModelKey, ModelUpdate};
use crate::ops::transact::{self, MAX_TRANSACTION_ITEMS};
use crate::ops::{self, delete, layout, write};
use crate::query::{Page, Query};
use crate::{Db, Error, Result, keys, scope};
use futures::{StreamExt, TryStreamExt};

/// Writes in flight at once when [`Query::concurrency`] is not set.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// What a write to each matched item did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bulk {
    /// Items the query matched.
    pub matched: u64,
    /// Items written.
    pub changed: u64,
    /// Items left alone: another writer changed them so that they no longer match, or deleted
    /// them, between the query and the write.
    pub skipped: u64,
    /// Capacity of the query and the writes.
    pub capacity: Capacity,
}

impl<'a, M: Model, S: KeyValue> Query<'a, M, S> {
    /// Applies `update` to each item the query matches, each write conditioned on the item
    /// still matching (and on the update's own condition). Items are written
    /// [`concurrency`](Self::concurrency) at a time; the first error other than an item that
    /// no longer matches stops the run and is returned (what was written stays written: run it
    /// again to finish).
    ///
    /// # Errors
    /// The query's, and any write's but a failed condition.
    pub async fn update_each<U>(self, update: U) -> Result<Bulk>
    where
        U: ModelUpdate<Model = M> + Clone,
    {
        let how = self.writes()?;
        let (items, bulk) = matched(self.pages()).await?;
        how.update(items, update, bulk).await
    }

    /// Deletes each item the query matches, each delete conditioned on the item still matching;
    /// a model's unique values are released as [`delete_loaded`](Model::delete_loaded) releases
    /// them (no read first). Errors as [`update_each`](Self::update_each).
    ///
    /// # Errors
    /// The query's, and any delete's but a failed condition.
    pub async fn delete_each(self) -> Result<Bulk> {
        let how = self.writes()?;
        let (items, bulk) = matched(self.pages()).await?;
        how.delete(items, bulk).await
    }

    /// How the matched items are written: conditioned on still matching the query.
    fn writes(&self) -> Result<Writes<'a>> {
        Ok(Writes {
            db: self.db(),
            still: Some(self.still_matching()?),
            concurrency: self.bulk_concurrency(),
            atomic: self.is_atomic(),
        })
    }
}

impl<'a, M: Model> Iteration<'a, M> {
    /// Applies `update` to each item the iteration yields (after its filter), eight writes at
    /// a time: a backfill of a whole model. Each write checks that the item still exists and
    /// the update's own condition; the filter, a closure, cannot be checked again on the
    /// server, so an item changed in between is written if it still exists.
    ///
    /// # Errors
    /// The reads', and any write's but a failed condition.
    pub async fn update_each<U>(self, update: U) -> Result<Bulk>
    where
        U: ModelUpdate<Model = M> + Clone,
    {
        let how = Writes::unchecked(self.db());
        let (items, bulk) = matched(self.pages()).await?;
        how.update(items, update, bulk).await
    }

    /// Deletes each item the iteration yields (after its filter), eight at a time, releasing
    /// unique values as [`delete_loaded`](Model::delete_loaded) does. As
    /// [`update_each`](Self::update_each), the filter is not checked again.
    ///
    /// # Errors
    /// The reads', and any delete's but a failed condition.
    pub async fn delete_each(self) -> Result<Bulk> {
        let how = Writes::unchecked(self.db());
        let (items, bulk) = matched(self.pages()).await?;
        how.delete(items, bulk).await
    }
}

/// How the matched items are written.
struct Writes<'a> {
    db: &'a Db,
    /// The condition that an item still matches, when it can be checked on the server.
    still: Option<Condition>,
    concurrency: usize,
    atomic: bool,
}

impl<'a> Writes<'a> {
    fn unchecked(db: &'a Db) -> Self {
        Writes {
            db,
            still: None,
            concurrency: DEFAULT_CONCURRENCY,
            atomic: false,
        }
    }

    /// The update's own condition and the still-matching one.
    fn condition(&self, own: Option<Condition>) -> Option<Condition> {
        match (own, &self.still) {
            (None, None) => None,
            (own, still) => Some(Condition::all(own.into_iter().chain(still.clone()))),
        }
    }

    async fn update<M: Model, U: ModelUpdate<Model = M> + Clone>(
        &self,
        items: Vec<M>,
        update: U,
        bulk: Bulk,
    ) -> Result<Bulk> {
        let db = self.db;
        if self.atomic {
            let mut parts = Vec::new();
            for item in &items {
                let (changes, own) = update.clone().into_parts();
                let condition = self.condition(own);
                let key = item.key().key_item();
                let (item_parts, _) =
                    write::transaction_parts(db, M::SCHEMA, key, changes, condition.as_ref())?;
                parts.extend(item_parts);
            }
            return commit(db, parts, bulk).await;
        }
        let writes = futures::stream::iter(items)
            .map(|item| {
                let (changes, own) = update.clone().into_parts();
                let condition = self.condition(own);
                async move { ops::update::<M>(db, &item.key(), changes, condition).await }
            })
            .buffer_unordered(self.concurrency);
        tally(writes, bulk).await
    }

    async fn delete<M: Model>(&self, items: Vec<M>, bulk: Bulk) -> Result<Bulk> {
        let db = self.db;
        let condition = self.condition(None);
        if self.atomic {
            let mut parts = Vec::new();
            for item in &items {
                let fields = crate::model::loaded_fields(item);
                let key = item.key().key_item();
                let id = keys::primary_id(M::SCHEMA, &key)?;
                let stored_key = layout::key_of(db, M::SCHEMA, &key)?;
                parts.extend(delete::transaction_parts(
                    db,
                    M::SCHEMA,
                    &id,
                    stored_key,
                    &fields,
                    condition.as_ref(),
                )?);
            }
            return commit(db, parts, bulk).await;
        }
        let deletes = futures::stream::iter(items)
            .map(|item| {
                let condition = condition.clone();
                async move { delete::delete_loaded_if(db, item, condition.as_ref()).await }
            })
            .buffer_unordered(self.concurrency);
        tally(deletes, bulk).await
    }
}

/// Every item of the pages, and a tally holding their count and the reads' capacity.
async fn matched<M: Model>(
    pages: impl futures::Stream<Item = Result<Page<M>>>,
) -> Result<(Vec<M>, Bulk)> {
    let pages: Vec<Page<M>> = pages.try_collect().await?;
    let mut bulk = Bulk::default();
    let mut items = Vec::new();
    for page in pages {
        bulk.capacity += page.capacity;
        items.extend(page.into_items()?);
    }
    bulk.matched = items.len() as u64;
    Ok((items, bulk))
}

/// Counts the writes: written, or skipped when the item no longer matched or is gone.
async fn tally<M: Model>(
    writes: impl futures::Stream<Item = Result<M>>,
    mut bulk: Bulk,
) -> Result<Bulk> {
    let mut writes = std::pin::pin!(writes);
    while let Some(written) = writes.next().await {
        match written {
            Ok(item) => {
                bulk.changed += 1;
                bulk.capacity += item.consumed_capacity();
            }
            Err(Error::ConditionFailed { .. } | Error::NotFound { .. }) => bulk.skipped += 1,
            Err(error) => return Err(error),
        }
    }
    Ok(bulk)
}

/// Sends the parts as one transaction, refused before sending over DynamoDB's limit.
async fn commit(db: &Db, parts: Vec<transact::Part>, mut bulk: Bulk) -> Result<Bulk> {
    if parts.len() > MAX_TRANSACTION_ITEMS {
        return Err(Error::validation(
            "transaction",
            "items",
            format!(
                "{} matched items need {} parts, DynamoDB allows at most \
                 {MAX_TRANSACTION_ITEMS} in one transaction; drop `atomically()` to write \
                 them one by one",
                bulk.matched,
                parts.len()
            ),
        ));
    }
    if parts.is_empty() {
        return Ok(bulk);
    }
    let capacity = transact::write(db, parts).await.map_err(|failure| {
        failure
            .missing_reference()
            .unwrap_or_else(|| failure.into_error())
    })?;
    scope::record_write(capacity);
    bulk.changed = bulk.matched;
    bulk.capacity += capacity;
    Ok(bulk)
}
