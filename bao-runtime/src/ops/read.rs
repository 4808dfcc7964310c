//! `find` and `find_many`: GetItem outside a scope, coalesced BatchGetItem inside one.

use super::layout;
use crate::call;
use crate::capacity::Capacity;
use crate::codec::{FieldValue, Item};
use crate::keys;
use crate::model::{self, Model, ModelKey};
use crate::schema::FieldKind;
use crate::scope::{self, CacheKey, Loaded};
use crate::{Db, Error, Result, retry};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use tracing::Instrument;

/// BatchGetItem's limit on keys per call.
pub const MAX_BATCH_GET_KEYS: usize = 100;

/// How to read one item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// A strongly consistent read (1 RCU per 4 KB instead of 0.5). Always a direct GetItem.
    pub consistent: bool,
    /// Skip the request scope's cache and batching for this read.
    pub bypass_scope: bool,
}

/// Reads one item by key: batched and cached inside a [`RequestScope`](crate::RequestScope),
/// a direct GetItem outside one.
pub async fn find<M: Model>(db: &Db, key: &M::Key, options: ReadOptions) -> Result<Option<M>> {
    let key = layout::key_of(db, M::SCHEMA, &key.key_item())?;
    let direct = options.consistent || options.bypass_scope;
    let loaded = match direct || !scope::is_inside() {
        false => scope::load(db, key.clone()).await,
        true => None,
    };
    let (item, capacity) = match loaded {
        Some(result) => result?,
        None if !direct && db.require_scope() => {
            return Err(Error::ScopeRequired { operation: "find" });
        }
        None => {
            let cache_key = scope::is_inside().then(|| CacheKey::of(db, &key));
            let (item, capacity) = get_item(db, key, options.consistent).await?;
            scope::record_read(capacity);
            if let Some(cache_key) = cache_key {
                scope::remember(cache_key, item.clone());
            }
            (item, capacity)
        }
    };
    item.map(|item| model::load(item, capacity)).transpose()
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
        .map(|key| layout::key_of(db, M::SCHEMA, &key.key_item()))
        .collect::<Result<Vec<_>>>()?;
    let mut result = batch_get(db, keys).await?;
    if let Some(error) = result.failure() {
        return Err(error);
    }
    let share = result.share();
    let wanted = std::mem::take(&mut result.keys);
    // With no key asked twice, each item goes to one place and is moved there, not copied.
    let distinct = result.requested == wanted.len();
    let mut models = Vec::with_capacity(wanted.len());
    for key in &wanted {
        let (item, capacity) = match distinct {
            true => result.take(key, share)?,
            false => result.outcome(key, share)?,
        };
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
    let (item, capacity) = get_item(db, key, false).await?;
    scope::record_read(capacity);
    let Some(AttributeValue::S(owner)) = item.as_ref().and_then(|item| item.get("relatedId"))
    else {
        return Ok(None);
    };
    let stored_key = keys::primary_key_from_id(schema, db.tenant(), owner)?.to_item();
    let loaded = match scope::load(db, stored_key.clone()).await {
        Some(result) => result?,
        None => {
            let loaded = get_item(db, stored_key, false).await?;
            scope::record_read(loaded.1);
            loaded
        }
    };
    let (item, read) = loaded;
    item.map(|item| model::load(item, capacity + read))
        .transpose()
}

/// One GetItem.
pub(crate) async fn get_item(db: &Db, key: Item, consistent: bool) -> Result<Loaded> {
    let span = call::span("GetItem", db.table(), None);
    let request = db
        .client()
        .get_item()
        .table_name(db.table())
        .set_key(Some(key.clone()))
        .consistent_read(consistent)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    let (result, attempts) = retry::send_request!(db, request, span);
    let output = result.map_err(|error| {
        match call::classify("GetItem", attempts, error, |_| None).into_error("GetItem") {
            Error::Throttled {
                operation,
                attempts,
                ..
            } => Error::Throttled {
                operation,
                attempts,
                keys: vec![key],
            },
            other => other,
        }
    })?;
    let capacity = Capacity::read_from(output.consumed_capacity());
    call::record(&span, usize::from(output.item.is_some()), capacity);
    Ok((output.item, capacity))
}

/// What a set of batch reads found.
#[derive(Debug, Default)]
pub(crate) struct BatchResult {
    /// Items found, by key.
    pub(crate) found: HashMap<CacheKey, Item>,
    /// The key of every item asked for, in the order asked, duplicates included.
    pub(crate) keys: Vec<CacheKey>,
    /// Keys DynamoDB left unprocessed after every retry.
    pub(crate) unprocessed: Vec<Item>,
    /// Keys of chunks DynamoDB throttled on every attempt.
    pub(crate) throttled: Vec<Item>,
    /// Keys requested (after deduplication).
    pub(crate) requested: usize,
    /// Most calls made for one chunk.
    pub(crate) attempts: u32,
    /// Capacity of every call, retries included.
    pub(crate) capacity: Capacity,
}

impl BatchResult {
    /// Each requested key's even share of the capacity.
    pub(crate) fn share(&self) -> Capacity {
        let keys = self.requested.max(1) as f64;
        Capacity {
            read: self.capacity.read / keys,
            write: 0.0,
        }
    }

    /// Like [`outcome`](Self::outcome), moving the item out instead of copying it.
    pub(crate) fn take(&mut self, key: &CacheKey, share: Capacity) -> Result<Loaded> {
        match self.found.remove(key) {
            Some(item) => Ok((Some(item), share)),
            None => self.outcome(key, share),
        }
    }

    /// The outcome for one key: found, proven absent, or left unread (throttled or
    /// unprocessed), which is an error naming that key alone.
    pub(crate) fn outcome(&self, key: &CacheKey, share: Capacity) -> Result<Loaded> {
        if let Some(item) = self.found.get(key) {
            return Ok((Some(item.clone()), share));
        }
        let unread = |keys: &[Item]| -> Vec<Item> {
            keys.iter()
                .filter(|candidate| key.matches(candidate))
                .cloned()
                .collect()
        };
        let throttled = unread(&self.throttled);
        if !throttled.is_empty() {
            return Err(self.throttled_error(throttled));
        }
        let unprocessed = unread(&self.unprocessed);
        if !unprocessed.is_empty() {
            return Err(Error::UnprocessedKeys {
                keys: unprocessed,
                attempts: self.attempts,
            });
        }
        Ok((None, share))
    }

    /// The error for the whole read when any key was left unread: [`Error::Throttled`] when a
    /// chunk was throttled (naming every unread key), else [`Error::UnprocessedKeys`].
    pub(crate) fn failure(&self) -> Option<Error> {
        if !self.throttled.is_empty() {
            let mut keys = self.throttled.clone();
            keys.extend(self.unprocessed.iter().cloned());
            return Some(self.throttled_error(keys));
        }
        (!self.unprocessed.is_empty()).then(|| Error::UnprocessedKeys {
            keys: self.unprocessed.clone(),
            attempts: self.attempts,
        })
    }

    fn throttled_error(&self, keys: Vec<Item>) -> Error {
        Error::Throttled {
            operation: "BatchGetItem",
            attempts: self.attempts,
            keys,
        }
    }
}

/// Reads `keys` (`_pk`/`_sk` items; deduplicated) in concurrent BatchGetItem calls of at most
/// 100 keys, retrying unprocessed keys with the handle's [`RetryPolicy`](crate::RetryPolicy).
pub(crate) async fn batch_get(db: &Db, keys: Vec<Item>) -> Result<BatchResult> {
    let names: Vec<CacheKey> = keys.iter().map(|key| CacheKey::of(db, key)).collect();
    let mut seen = HashSet::with_capacity(names.len());
    let mut chunks = Vec::with_capacity(names.len().div_ceil(MAX_BATCH_GET_KEYS));
    let mut chunk = (Vec::new(), Vec::new());
    for (key, name) in keys.into_iter().zip(&names) {
        if !seen.insert(name) {
            continue;
        }
        chunk.0.push(key);
        chunk.1.push(name);
        if chunk.0.len() == MAX_BATCH_GET_KEYS {
            chunks.push(std::mem::take(&mut chunk));
        }
    }
    if !chunk.0.is_empty() {
        chunks.push(chunk);
    }
    let requested = seen.len();
    drop(seen);
    let calls = chunks
        .into_iter()
        .map(|(keys, names)| batch_get_chunk(db, keys, names));
    let mut total = BatchResult {
        requested,
        ..BatchResult::default()
    };
    for chunk in futures::future::try_join_all(calls).await? {
        if total.found.is_empty() {
            total.found = chunk.found;
        } else {
            total.found.extend(chunk.found);
        }
        total.unprocessed.extend(chunk.unprocessed);
        total.throttled.extend(chunk.throttled);
        total.attempts = total.attempts.max(chunk.attempts);
        total.capacity += chunk.capacity;
    }
    total.keys = names;
    Ok(total)
}

/// Reads one chunk, retrying unprocessed keys and throttled calls alike with the handle's
/// policy: every call counts as an attempt. `names` are the keys' [`CacheKey`]s: a call
/// consumes the keys it sends, and a throttled call's keys are rebuilt from their names.
async fn batch_get_chunk(
    db: &Db,
    mut keys: Vec<Item>,
    names: Vec<&CacheKey>,
) -> Result<BatchResult> {
    let mut result = BatchResult {
        found: HashMap::with_capacity(keys.len()),
        ..BatchResult::default()
    };
    let mut sending: Vec<Cow<'_, CacheKey>> = names.into_iter().map(Cow::Borrowed).collect();
    let policy = *db.retry();
    loop {
        result.attempts += 1;
        let span = call::span("BatchGetItem", db.table(), None);
        let request = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .build()
            .map_err(|error| Error::sdk("BatchGetItem", error))?;
        let sent = db
            .client()
            .batch_get_item()
            .request_items(db.table(), request)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .customize()
            .config_override(retry::overrides())
            .send()
            .instrument(span.clone())
            .await;
        let output = match sent {
            Ok(output) => output,
            Err(error) if retry::is_throttling(&error) => {
                keys = sending.iter().map(|name| name.key_item()).collect();
                if result.attempts >= policy.max_attempts {
                    result.throttled = keys;
                    return Ok(result);
                }
                tokio::time::sleep(policy.delay(result.attempts)).await;
                continue;
            }
            Err(error) => {
                return Err(
                    call::classify("BatchGetItem", result.attempts, error, |_| None)
                        .into_error("BatchGetItem"),
                );
            }
        };
        let capacity = Capacity::read_from(output.consumed_capacity());
        result.capacity += capacity;
        let items = output
            .responses
            .and_then(|mut responses| responses.remove(db.table()))
            .unwrap_or_default();
        call::record(&span, items.len(), capacity);
        for item in items {
            result.found.insert(CacheKey::of(db, &item), item);
        }
        keys = output
            .unprocessed_keys
            .and_then(|mut unprocessed| unprocessed.remove(db.table()))
            .map(|request| request.keys)
            .unwrap_or_default();
        if keys.is_empty() {
            return Ok(result);
        }
        if result.attempts >= policy.max_attempts {
            result.unprocessed = keys;
            return Ok(result);
        }
        sending = keys
            .iter()
            .map(|key| Cow::Owned(CacheKey::of(db, key)))
            .collect();
        tokio::time::sleep(policy.delay(result.attempts)).await;
    }
}
