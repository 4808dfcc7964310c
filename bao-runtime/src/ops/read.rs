//! `find` and `find_many`: GetItem outside a scope, coalesced BatchGetItem inside one.

use super::layout;
use crate::codec::FieldValue;
use crate::fetch::{self, CacheKey};
use crate::keys;
use crate::model::{self, Model, ModelKey};
use crate::schema::FieldKind;
use crate::scope;
use crate::{Db, Error, Result};
use aws_sdk_dynamodb::types::AttributeValue;
use futures::FutureExt;

/// How to read one item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// A strongly consistent read (1 RCU per 4 KB instead of 0.5). Always a direct GetItem.
    pub consistent: bool,
    /// Skip the request scope's cache and batching for this read.
    pub bypass_scope: bool,
    /// Return a soft-deleted item too (a model with `softDelete`); by default it reads as
    /// missing.
    pub with_deleted: bool,
}

/// Reads one item by key: batched and cached inside a [`RequestScope`](crate::RequestScope),
/// a direct GetItem outside one.
pub async fn find<M: Model>(db: &Db, key: &M::Key, options: ReadOptions) -> Result<Option<M>> {
    let key = key.primary_key(db.tenant())?.into_item();
    let direct = options.consistent || options.bypass_scope;
    let loaded = match direct || !scope::is_inside() {
        // Boxed, so that the scope's batching is compiled out of line, not into the direct
        // read's code.
        false => scope::load(db, key.clone()).boxed().await,
        true => None,
    };
    let (item, capacity) = match loaded {
        Some(result) => result?,
        None if !direct && db.require_scope() => {
            return Err(Error::ScopeRequired { operation: "find" });
        }
        None => {
            let cache_key = scope::is_inside().then(|| CacheKey::of(db, &key));
            let (item, capacity) = fetch::get_item(db, key, options.consistent).await?;
            scope::record_read(capacity);
            if let Some(cache_key) = cache_key {
                scope::remember(cache_key, item.clone());
            }
            (item, capacity)
        }
    };
    item.filter(|item| options.with_deleted || !M::SCHEMA.is_soft_deleted(item))
        .map(|item| model::load(item, capacity))
        .transpose()
}

/// Reads many items by key, in the order given (`None` for a missing item). Inside a scope the
/// reads join the scope's batches; outside, duplicates are read once and the rest are sent as
/// BatchGetItem calls of at most 100 keys.
pub async fn find_many<M: Model>(db: &Db, keys: &[M::Key]) -> Result<Vec<Option<M>>> {
    if scope::is_inside() {
        let finds = keys
            .iter()
            .map(|key| find::<M>(db, key, ReadOptions::default()));
        return futures::future::try_join_all(finds).await;
    }
    if db.require_scope() {
        return Err(Error::ScopeRequired {
            operation: "find_many",
        });
    }
    let keys = keys
        .iter()
        .map(|key| key.primary_key(db.tenant()))
        .collect::<Result<Vec<_>>>()?;
    let mut result = fetch::batch_get_primary(db, keys).await?;
    if let Some(error) = result.failure() {
        return Err(error);
    }
    let share = result.share();
    let asked = result.keys.len();
    // With no key asked twice, each item goes to one place and is moved there, not copied.
    let distinct = result.requested == asked;
    let mut models = Vec::with_capacity(asked);
    for at in 0..asked {
        let (item, capacity) = match distinct {
            true => result.take(at, share)?,
            false => result.outcome(at, share)?,
        };
        let item = item.filter(|item| !M::SCHEMA.is_soft_deleted(item));
        models.push(item.map(|item| model::load(item, capacity)).transpose()?);
    }
    Ok(models)
}

/// Loads the related item of each of `items`: `related` reads an item's key of the related
/// model (`None` when the field is empty). Returns one entry per item, in order; each distinct
/// key is read once, since [`find_many`] reads duplicates once.
pub async fn find_related<M, T: Model>(
    db: &Db,
    items: &[M],
    related: impl Fn(&M) -> Option<T::Key>,
) -> Result<Vec<Option<T>>> {
    let keys: Vec<Option<T::Key>> = items.iter().map(related).collect();
    let present: Vec<T::Key> = keys.iter().flatten().cloned().collect();
    let mut found = find_many::<T>(db, &present).await?.into_iter();
    Ok(keys
        .iter()
        .map(|key| key.as_ref().and_then(|_| found.next().flatten()))
        .collect())
}

/// Finds the item that owns `value` of the unique constraint named `constraint`: a GetItem of
/// the constraint item, then a `find` of its owner (through the request scope).
pub async fn find_by_unique<M: Model, T: FieldValue>(
    db: &Db,
    constraint: &str,
    value: &T,
) -> Result<Option<M>> {
    let schema = M::SCHEMA;
    if db.require_scope() && !scope::is_inside() {
        return Err(Error::ScopeRequired {
            operation: "find_by_unique",
        });
    }
    let unique = schema
        .unique_constraints
        .iter()
        .find(|unique| unique.name == constraint)
        .ok_or_else(|| {
            Error::validation(
                schema.name,
                "constraint",
                format!("no unique constraint `{constraint}`"),
            )
        })?;
    let kind = schema
        .field(unique.field)
        .map_or(FieldKind::String, |field| field.kind);
    let Some(value) = value.to_attr(kind).as_ref().and_then(layout::unique_value) else {
        return Ok(None);
    };
    let key = layout::unique_key(db, schema, unique, &value)?;
    let (item, capacity) = fetch::get_item(db, key, false).await?;
    scope::record_read(capacity);
    let Some(AttributeValue::S(owner)) = item.as_ref().and_then(|item| item.get("relatedId"))
    else {
        return Ok(None);
    };
    let stored_key = keys::primary_key_from_id(schema, db.tenant(), owner)?.to_item();
    let loaded = match scope::load(db, stored_key.clone()).await {
        Some(result) => result?,
        None => {
            let loaded = fetch::get_item(db, stored_key, false).await?;
            scope::record_read(loaded.1);
            loaded
        }
    };
    let (item, read) = loaded;
    item.filter(|item| !schema.is_soft_deleted(item))
        .map(|item| model::load(item, capacity + read))
        .transpose()
}
