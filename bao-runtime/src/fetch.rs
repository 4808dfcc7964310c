//! Reading items by their stored key: one GetItem, or BatchGetItem calls of at most 100 keys
//! with unprocessed keys and throttled calls retried. Below the request scope, which batches
//! and caches through it, and below the operations, which read through the scope or directly.

use crate::capacity::Capacity;
use crate::codec::Item;
use crate::keys::{PK_ATTR, PrimaryKey, SK_ATTR};
use crate::{Db, Error, Result, call, retry};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity};
use std::collections::HashMap;
use tracing::Instrument;

/// BatchGetItem's limit on keys per call.
pub const MAX_BATCH_GET_KEYS: usize = 100;

/// An item (or its proven absence) and the capacity share of reading it.
pub(crate) type Loaded = (Option<Item>, Capacity);

/// Identifies one stored item: table, `_pk`, `_sk`. The tenant and model are part of the key.
/// The three are kept in one string, so making a key is one allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CacheKey {
    /// The table, `_pk` and `_sk`, one after the other.
    text: String,
    /// Where `_pk` starts in `text`.
    pk_at: usize,
    /// Where `_sk` starts in `text`.
    sk_at: usize,
}

/// A map by [`CacheKey`]. It hashes with foldhash rather than SipHash: each map holds the
/// keys of one call or one request scope, which the caller chose, so there is no flood of
/// crafted keys to resist, and SipHash made hashing a `find_many`'s keys cost more than
/// decoding its items.
pub(crate) type KeyMap<V> = HashMap<CacheKey, V, foldhash::fast::RandomState>;

impl CacheKey {
    /// The key of an item that carries `_pk` and `_sk`.
    pub(crate) fn of(db: &Db, item: &Item) -> CacheKey {
        CacheKey::from_parts(db.table(), key_text(item, PK_ATTR), key_text(item, SK_ATTR))
    }

    /// The key of a primary key, without looking its parts up in an item.
    pub(crate) fn of_primary(db: &Db, key: &PrimaryKey) -> CacheKey {
        CacheKey::from_parts(db.table(), &key.pk, &key.sk)
    }

    fn from_parts(table: &str, pk: &str, sk: &str) -> CacheKey {
        let mut text = String::with_capacity(table.len() + pk.len() + sk.len());
        text.push_str(table);
        text.push_str(pk);
        text.push_str(sk);
        CacheKey {
            text,
            pk_at: table.len(),
            sk_at: table.len() + pk.len(),
        }
    }

    fn pk(&self) -> &str {
        &self.text[self.pk_at..self.sk_at]
    }

    fn sk(&self) -> &str {
        &self.text[self.sk_at..]
    }

    /// Whether `item` carries this key's `_pk` and `_sk`.
    pub(crate) fn matches(&self, item: &Item) -> bool {
        key_text(item, PK_ATTR) == self.pk() && key_text(item, SK_ATTR) == self.sk()
    }

    /// The `_pk`/`_sk` item this key names.
    pub(crate) fn key_item(&self) -> Item {
        Item::from([
            (PK_ATTR.to_owned(), AttributeValue::S(self.pk().to_owned())),
            (SK_ATTR.to_owned(), AttributeValue::S(self.sk().to_owned())),
        ])
    }
}

/// Hashes `_pk` and `_sk` only: keys of different tables rarely meet in one map, and equal
/// keys still hash alike.
impl std::hash::Hash for CacheKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text[self.pk_at..].hash(state);
        (self.sk_at - self.pk_at).hash(state);
    }
}

/// A string attribute of a key item; empty when it is missing or not a string.
fn key_text<'a>(item: &'a Item, name: &str) -> &'a str {
    match item.get(name) {
        Some(AttributeValue::S(value)) => value.as_str(),
        _ => "",
    }
}

/// One GetItem.
pub(crate) async fn get_item(db: &Db, key: Item, consistent: bool) -> Result<Loaded> {
    get_item_of(db, key, consistent, None).await
}

/// Which attributes a GetItem reads, and for which model: a ProjectionExpression with its
/// name placeholders.
pub(crate) struct Projection {
    pub(crate) model: &'static str,
    pub(crate) expression: String,
    pub(crate) names: Option<std::collections::HashMap<String, String>>,
}

/// One GetItem, of every attribute or of a `projection`.
pub(crate) async fn get_item_of(
    db: &Db,
    key: Item,
    consistent: bool,
    projection: Option<Projection>,
) -> Result<Loaded> {
    let model = projection.as_ref().map(|projection| projection.model);
    let span = call::span("GetItem", db.table(), None, model);
    let (expression, names) = match projection {
        Some(projection) => (Some(projection.expression), projection.names),
        None => (None, None),
    };
    let request = db
        .calls()
        .get_item()
        .table_name(db.table())
        .consistent_read(consistent)
        .set_projection_expression(expression)
        .set_expression_attribute_names(names)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    // The key is kept for the error that names it, so each attempt takes a copy of it.
    let with_key = |key| request.clone().set_key(Some(key));
    let (result, attempts) = retry::send_request!(
        db,
        span,
        with_key,
        first: key.clone(),
        again: || Some(key.clone())
    );
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
    /// The key of every item asked for, in the order asked, duplicates included.
    pub(crate) keys: Vec<CacheKey>,
    /// For each of `keys`, the position in `keys` where it was first asked: where its item is
    /// kept in `found`.
    first: Vec<usize>,
    /// The items found, at the position of their key's first asking.
    found: Vec<Option<Item>>,
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

    /// The items found, moved out in the order their keys were asked for; a key asked twice
    /// gives its item once.
    pub(crate) fn into_found(self) -> impl Iterator<Item = Item> {
        self.found.into_iter().flatten()
    }

    /// Like [`outcome`](Self::outcome), moving the item out instead of copying it: for a key
    /// asked once.
    pub(crate) fn take(&mut self, at: usize, share: Capacity) -> Result<Loaded> {
        match self.found[self.first[at]].take() {
            Some(item) => Ok((Some(item), share)),
            None => self.outcome(at, share),
        }
    }

    /// The outcome for the key asked at position `at`: found, proven absent, or left unread
    /// (throttled or unprocessed), which is an error naming that key alone.
    pub(crate) fn outcome(&self, at: usize, share: Capacity) -> Result<Loaded> {
        if let Some(item) = &self.found[self.first[at]] {
            return Ok((Some(item.clone()), share));
        }
        let key = &self.keys[at];
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
    let names = keys.iter().map(|key| CacheKey::of(db, key)).collect();
    batch_get_named(db, keys, names).await
}

/// [`batch_get`] of primary keys.
pub(crate) async fn batch_get_primary(db: &Db, keys: Vec<PrimaryKey>) -> Result<BatchResult> {
    let names = keys
        .iter()
        .map(|key| CacheKey::of_primary(db, key))
        .collect();
    let keys = keys.into_iter().map(PrimaryKey::into_item).collect();
    batch_get_named(db, keys, names).await
}

/// [`batch_get`] of `keys` whose [`CacheKey`]s are `names`, in the same order.
async fn batch_get_named(db: &Db, keys: Vec<Item>, names: Vec<CacheKey>) -> Result<BatchResult> {
    let mut seen: HashMap<&CacheKey, usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(names.len(), Default::default());
    let mut first = Vec::with_capacity(names.len());
    let mut chunks = Vec::with_capacity(names.len().div_ceil(MAX_BATCH_GET_KEYS));
    let mut chunk = (Vec::new(), Vec::new());
    for (at, (key, name)) in keys.into_iter().zip(&names).enumerate() {
        let asked = *seen.entry(name).or_insert(at);
        first.push(asked);
        if asked != at {
            continue;
        }
        chunk.0.push(key);
        chunk.1.push(at);
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
        .map(|(keys, positions)| batch_get_chunk(db, keys, positions, &names));
    let mut total = BatchResult {
        found: (0..names.len()).map(|_| None).collect(),
        first,
        requested,
        ..BatchResult::default()
    };
    for chunk in futures::future::try_join_all(calls).await? {
        for (at, item) in chunk.found {
            total.found[at] = Some(item);
        }
        total.unprocessed.extend(chunk.unprocessed);
        total.throttled.extend(chunk.throttled);
        total.attempts = total.attempts.max(chunk.attempts);
        total.capacity += chunk.capacity;
    }
    total.keys = names;
    Ok(total)
}

/// What the calls for one chunk found.
#[derive(Default)]
struct ChunkResult {
    /// Each item found, with the position of its key in the names.
    found: Vec<(usize, Item)>,
    unprocessed: Vec<Item>,
    throttled: Vec<Item>,
    attempts: u32,
    capacity: Capacity,
}

/// Reads one chunk, retrying unprocessed keys and throttled calls alike with the handle's
/// policy: every call counts as an attempt. `positions` are where the keys' [`CacheKey`]s are
/// in `names`: a call consumes the keys it sends, a throttled call's keys are rebuilt from
/// their names, and an item read finds its key's position by its `_pk` and `_sk`, without a
/// key of its own.
async fn batch_get_chunk(
    db: &Db,
    mut keys: Vec<Item>,
    positions: Vec<usize>,
    names: &[CacheKey],
) -> Result<ChunkResult> {
    let position_of: HashMap<(&str, &str), usize, foldhash::fast::RandomState> = positions
        .iter()
        .map(|&at| ((names[at].pk(), names[at].sk()), at))
        .collect();
    let find = |item: &Item| {
        position_of
            .get(&(key_text(item, PK_ATTR), key_text(item, SK_ATTR)))
            .copied()
    };
    let mut result = ChunkResult {
        found: Vec::with_capacity(keys.len()),
        ..ChunkResult::default()
    };
    let mut sending = positions;
    let policy = *db.retry();
    loop {
        result.attempts += 1;
        let span = call::span("BatchGetItem", db.table(), None, None);
        let request = KeysAndAttributes::builder()
            .set_keys(Some(keys))
            .build()
            .map_err(|error| Error::sdk("BatchGetItem", error))?;
        let sent = db
            .calls()
            .batch_get_item()
            .request_items(db.table(), request)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .instrument(span.clone())
            .await;
        let output = match sent {
            Ok(output) => output,
            Err(error) if retry::is_throttling(&error) => {
                keys = sending.iter().map(|&at| names[at].key_item()).collect();
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
            // An item of no key asked for cannot come back; were it to, it is left out.
            if let Some(at) = find(&item) {
                result.found.push((at, item));
            }
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
        sending = keys.iter().filter_map(find).collect();
        tokio::time::sleep(policy.delay(result.attempts)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::config::{BehaviorVersion, Region};

    fn db(table: &str) -> Db {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .build();
        Db::new(aws_sdk_dynamodb::Client::from_conf(config), table)
    }

    fn key(pk: &str, sk: &str) -> Item {
        Item::from([
            (PK_ATTR.to_owned(), AttributeValue::S(pk.to_owned())),
            (SK_ATTR.to_owned(), AttributeValue::S(sk.to_owned())),
        ])
    }

    #[test]
    fn keys_differ_where_the_parts_are_split_differently() {
        let a = CacheKey::of(&db("t"), &key("u#1", "u"));
        assert_eq!(a, CacheKey::of(&db("t"), &key("u#1", "u")));
        assert_ne!(a, CacheKey::of(&db("tu"), &key("#1", "u")));
        assert_ne!(a, CacheKey::of(&db("t"), &key("u#", "1u")));
        assert_ne!(a, CacheKey::of(&db("t2"), &key("u#1", "u")));
    }

    #[test]
    fn a_key_names_the_item_it_was_made_of() {
        let item = key("[acme]#u#01J", "u");
        let cache_key = CacheKey::of(&db("table"), &item);
        assert_eq!(cache_key.key_item(), item);
        assert!(cache_key.matches(&item));
        assert!(!cache_key.matches(&key("[acme]#u#01J", "x")));
        assert!(!cache_key.matches(&key("u#01J", "u")));
    }
}
