//! [`Search`]: DynamoBao's `searchAll` / `searchBucket`, page by page.
//!
//! Each round sends one Query of `iter_search_index` per bucket still to read (concurrently,
//! within a bound), filtered on `_searchText`; the matching rows' items are then read in one
//! BatchGetItem per 100 keys. Rounds continue until the page holds `limit` items or every
//! bucket is exhausted or has had `max_queries_per_bucket` queries in this call. Items found
//! beyond the limit are carried to the next page in the cursor, as DynamoBao does.
//!
//! Where bao differs from DynamoBao (README, "Deliberate divergences"): items come in a stable
//! order (bucket, then index order; carried items first), an item a cursor carries is read
//! again and returned only if it still matches the query and the filter, and a cursor naming a
//! bucket outside the search's scope is refused. A cursor can therefore never yield an item the
//! search itself would not, nor one of another tenant (keys are built under the handle's
//! tenant).

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};
use futures::{Stream, StreamExt, TryStreamExt};

use super::cursor::{CursorState, ResumeKey};
use super::query::{EmptyQuery, Operator, SEARCH_TEXT, SearchPredicate, predicate_hash, tokenize};
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::fetch;
use crate::iterate::Predicate;
use crate::keys::{self, ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR, SK_ATTR};
use crate::model::{self, Model};
use crate::ops::layout;
use crate::query::{self, Cursor, Page};
use crate::{Db, Error, Result, call, iterate, retry, scope};

/// The index search reads: `_iter_pk` / `_iter_sk`, projecting `_searchText`.
pub const SEARCH_INDEX_NAME: &str = "iter_search_index";

/// DynamoBao's defaults.
const DEFAULT_LIMIT: usize = 100;
const DEFAULT_BATCH_SIZE: u32 = 100;
const DEFAULT_MAX_QUERIES_PER_BUCKET: u32 = 50;
/// Bucket queries in flight at once, by default.
const DEFAULT_CONCURRENCY: usize = 16;

/// A search of model `M` for the words of a query, over all its iteration buckets or one.
///
/// Made by the generated `X::search(db, "terms")` and `X::search_bucket(db, n, "terms")`.
/// Terms are split as DynamoBao splits them (whitespace, `"quoted phrases"`) and normalised as
/// the stored text is; by default every term must occur ([`any_term`](Self::any_term) for
/// one). A query with no term left is [`Error::Validation`], as DynamoBao refuses it.
#[must_use = "a search does nothing until `page`, `pages` or `all` is awaited"]
pub struct Search<'a, M> {
    db: &'a Db,
    raw_terms: Vec<String>,
    operator: Operator,
    scope: Result<Vec<u32>>,
    limit: usize,
    batch_size: u32,
    max_queries_per_bucket: u32,
    concurrency: usize,
    keep: Option<Predicate<M>>,
    cursor: Option<Cursor>,
    marker: PhantomData<fn() -> M>,
}

impl<M> std::fmt::Debug for Search<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("terms", &self.raw_terms)
            .field("operator", &self.operator)
            .field("scope", &self.scope)
            .field("limit", &self.limit)
            .field("batch_size", &self.batch_size)
            .field("max_queries_per_bucket", &self.max_queries_per_bucket)
            .field("filtered", &self.keep.is_some())
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl<M> Clone for Search<'_, M> {
    fn clone(&self) -> Self {
        Search {
            db: self.db,
            raw_terms: self.raw_terms.clone(),
            operator: self.operator,
            scope: self.scope.clone(),
            limit: self.limit,
            batch_size: self.batch_size,
            max_queries_per_bucket: self.max_queries_per_bucket,
            concurrency: self.concurrency,
            keep: self.keep.clone(),
            cursor: self.cursor.clone(),
            marker: PhantomData,
        }
    }
}

impl<'a, M: Model> Search<'a, M> {
    /// A search of every bucket.
    pub fn all_buckets(db: &'a Db, query: &str) -> Self {
        Search::over(db, query, iterate::every_bucket::<M>())
    }

    /// A search of one bucket.
    pub fn bucket(db: &'a Db, bucket: u32, query: &str) -> Self {
        Search::over(db, query, iterate::one_bucket::<M>(bucket))
    }

    fn over(db: &'a Db, query: &str, scope: Result<Vec<u32>>) -> Self {
        Search {
            db,
            raw_terms: tokenize(query),
            operator: Operator::All,
            scope,
            limit: DEFAULT_LIMIT,
            batch_size: DEFAULT_BATCH_SIZE,
            max_queries_per_bucket: DEFAULT_MAX_QUERIES_PER_BUCKET,
            concurrency: DEFAULT_CONCURRENCY,
            keep: None,
            cursor: None,
            marker: PhantomData,
        }
    }

    /// Items that hold any one term match (DynamoBao's `$or`); by default every term must.
    pub fn any_term(mut self) -> Self {
        self.operator = Operator::Any;
        self
    }

    /// Items must hold every term (DynamoBao's `$and`, the default).
    pub fn every_term(mut self) -> Self {
        self.operator = Operator::All;
        self
    }

    /// Items per page (default 100).
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// Index rows each query evaluates before its filter (DynamoDB's `Limit`; default 100).
    pub fn batch_size(mut self, rows: u32) -> Self {
        self.batch_size = rows.max(1);
        self
    }

    /// Queries of one bucket per page at most (default 50): a bound on the work of a page
    /// whose matches are rare.
    pub fn max_queries_per_bucket(mut self, queries: u32) -> Self {
        self.max_queries_per_bucket = queries.max(1);
        self
    }

    /// Bucket queries in flight at once (default 16).
    pub fn concurrency(mut self, queries: usize) -> Self {
        self.concurrency = queries.max(1);
        self
    }

    /// Keeps only the loaded items for which `keep` returns true (the search index holds the
    /// keys and the search text only, so other fields are tested on the loaded item).
    pub fn filter(mut self, keep: impl Fn(&M) -> bool + Send + Sync + 'static) -> Self {
        self.keep = Some(Arc::new(keep));
        self
    }

    /// Continues after `cursor`, from an earlier page of the same search.
    pub fn after(mut self, cursor: Cursor) -> Self {
        self.cursor = Some(cursor);
        self
    }

    /// Every page, until the search is exhausted.
    pub fn pages(self) -> impl Stream<Item = Result<Page<M>>> + 'a {
        futures::stream::try_unfold(Some(self), |search| async move {
            let Some(search) = search else {
                return Ok(None);
            };
            let next = search.clone();
            let page = search.page().await?;
            let following = page.cursor.clone().map(|cursor| next.after(cursor));
            Ok(Some((page, following)))
        })
    }

    /// Every matching item, across all pages; the first item that cannot be read is the error
    /// (read [`pages`](Self::pages) to keep the others).
    pub async fn all(self) -> Result<Vec<M>> {
        query::all_items(self.pages()).await
    }

    /// One page: up to `limit` items, and the cursor of the next page when the search may
    /// find more.
    pub async fn page(self) -> Result<Page<M>> {
        let schema = M::SCHEMA;
        let search = schema.search.ok_or_else(|| {
            Error::validation(schema.name, "searchable", "the model is not searchable")
        })?;
        let scope = self.scope.clone()?;
        let predicate =
            SearchPredicate::new(&self.raw_terms, self.operator, search).map_err(|EmptyQuery| {
                Error::validation(
                    schema.name,
                    "query",
                    "a search needs at least one term with a letter or a digit",
                )
            })?;
        let hash = predicate_hash(&self.raw_terms, self.operator, search);
        let mut state = match &self.cursor {
            Some(cursor) => self.resume(cursor, &hash, &scope)?,
            None => CursorState {
                buckets: scope.iter().map(|bucket| (*bucket, None)).collect(),
                predicate_hash: hash,
                model_prefix: Some(schema.prefix.to_owned()),
                scope: scope.clone(),
                tenant_id: self.tenant_id(),
                pending: Vec::new(),
            },
        };
        let mut capacity = Capacity::ZERO;
        let mut found: Vec<(String, M)> = Vec::new();
        let mut undecodable = Vec::new();

        // Items a cursor carries are read again and checked like any other.
        let carried = std::mem::take(&mut state.pending);
        if !carried.is_empty() {
            let keys = carried
                .iter()
                .map(|id| self.key_of_primary_id(id))
                .collect::<Result<Vec<Item>>>()?;
            let (items, read, bad) = self.load(keys, &predicate).await?;
            capacity += read;
            found.extend(items);
            undecodable.extend(bad);
        }

        let mut queries: BTreeMap<u32, u32> = BTreeMap::new();
        while found.len() < self.limit {
            let round: Vec<u32> = state
                .buckets
                .keys()
                .copied()
                .filter(|bucket| {
                    queries.get(bucket).copied().unwrap_or(0) < self.max_queries_per_bucket
                })
                .collect();
            if round.is_empty() {
                break;
            }
            let this = &self;
            let pages: Vec<(u32, BucketPage)> = futures::stream::iter(round)
                .map(|bucket| {
                    let start = state.buckets.get(&bucket).cloned().flatten();
                    let predicate = &predicate;
                    async move {
                        this.query_bucket(bucket, start, predicate)
                            .await
                            .map(|page| (bucket, page))
                    }
                })
                .buffered(self.concurrency)
                .try_collect()
                .await?;
            let mut keys = Vec::new();
            for (bucket, page) in pages {
                *queries.entry(bucket).or_insert(0) += 1;
                capacity += page.capacity;
                keys.extend(page.keys);
                match page.resume {
                    Some(resume) => {
                        state.buckets.insert(bucket, Some(resume));
                    }
                    None => {
                        state.buckets.remove(&bucket);
                    }
                }
            }
            if !keys.is_empty() {
                let (items, read, bad) = self.load(keys, &predicate).await?;
                capacity += read;
                found.extend(items);
                undecodable.extend(bad);
            }
        }

        if found.len() > self.limit {
            state.pending = found
                .split_off(self.limit)
                .into_iter()
                .map(|(id, _)| id)
                .collect();
        }
        let cursor = match state.buckets.is_empty() && state.pending.is_empty() {
            true => None,
            false => Some(Cursor::from_token(state.encode())),
        };
        Ok(Page {
            items: found.into_iter().map(|(_, item)| item).collect(),
            cursor,
            capacity,
            undecodable,
        })
    }

    fn tenant_id(&self) -> Option<String> {
        self.db.tenant().map(|tenant| tenant.id().to_owned())
    }

    /// The state a cursor carries, once it is known to belong to this search.
    fn resume(&self, cursor: &Cursor, hash: &str, scope: &[u32]) -> Result<CursorState> {
        let schema = M::SCHEMA;
        let refuse = |message: String| Error::validation(schema.name, "cursor", message);
        let state = CursorState::decode(cursor.as_str()).map_err(refuse)?;
        if state.predicate_hash != hash {
            return Err(refuse(
                "the cursor belongs to another search query".to_owned(),
            ));
        }
        if state.model_prefix.as_deref() != Some(schema.prefix) {
            return Err(refuse("the cursor belongs to another model".to_owned()));
        }
        if state.tenant_id != self.tenant_id() {
            return Err(refuse("the cursor belongs to another tenant".to_owned()));
        }
        let mut given = state.scope.clone();
        given.sort_unstable();
        given.dedup();
        if given != scope {
            return Err(refuse(
                "the cursor belongs to a search of other buckets".to_owned(),
            ));
        }
        if let Some(outside) = state.buckets.keys().find(|bucket| !scope.contains(bucket)) {
            return Err(refuse(format!(
                "the cursor names bucket {outside}, outside the search"
            )));
        }
        Ok(state)
    }

    /// The stored key (`_pk`, `_sk`) of the item with this primary id, under the handle's
    /// tenant.
    fn key_of_primary_id(&self, id: &str) -> Result<Item> {
        let schema = M::SCHEMA;
        let fields = model::key_item_from_primary_id(schema, &AttributeValue::S(id.to_owned()))
            .map_err(|message| Error::validation(schema.name, "cursor", message))?;
        layout::key_of(self.db, schema, &fields)
    }

    /// One query of one bucket, from `start`.
    async fn query_bucket(
        &self,
        bucket: u32,
        start: Option<ResumeKey>,
        predicate: &SearchPredicate,
    ) -> Result<BucketPage> {
        let db = self.db;
        let partition = keys::iteration_partition(M::SCHEMA, db.tenant(), bucket);
        let mut values = predicate.values();
        values.insert(":pk".to_owned(), AttributeValue::S(partition));
        let names = HashMap::from([
            ("#pk".to_owned(), ITER_PK_ATTR.to_owned()),
            ("#st".to_owned(), SEARCH_TEXT.to_owned()),
        ]);
        let start = start.map(|key| {
            key.into_iter()
                .map(|(name, value)| (name, AttributeValue::S(value)))
                .collect::<Item>()
        });
        let span = call::span("Query", db.table(), Some(SEARCH_INDEX_NAME), None);
        let request = db
            .calls()
            .query()
            .table_name(db.table())
            .index_name(SEARCH_INDEX_NAME)
            .key_condition_expression("#pk = :pk")
            .filter_expression(format!("({})", predicate.expression()))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .limit(i32::try_from(self.batch_size).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start)
            .return_consumed_capacity(ReturnConsumedCapacity::Total);
        let (result, attempts) = retry::send_request!(db, span, request);
        let output = result.map_err(|error| {
            call::classify("Query", attempts, error, |_| None).into_error("Query")
        })?;
        let capacity = Capacity::read_from(output.consumed_capacity());
        scope::record_read(capacity);
        let keys: Vec<Item> = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|mut row| {
                row.retain(|name, _| name == PK_ATTR || name == SK_ATTR);
                row
            })
            .collect();
        call::record(&span, keys.len(), capacity);
        let resume = output.last_evaluated_key.map(|key| {
            key.into_iter()
                .filter_map(|(name, value)| match value {
                    AttributeValue::S(text) => Some((name, text)),
                    _ => None,
                })
                .collect()
        });
        Ok(BucketPage {
            keys,
            resume,
            capacity,
        })
    }

    /// Reads the items with these keys, in order, and keeps those that match the query (their
    /// stored `_searchText`, read again) and the filter, each with its primary id; and the
    /// errors of those that could not be read as the model.
    async fn load(
        &self,
        keys: Vec<Item>,
        predicate: &SearchPredicate,
    ) -> Result<(Vec<(String, M)>, Capacity, Vec<Error>)> {
        let db = self.db;
        let result = fetch::batch_get(db, keys).await?;
        scope::record_read(result.capacity);
        if let Some(error) = result.failure() {
            return Err(error);
        }
        let (share, capacity) = (result.share(), result.capacity);
        let mut items = Vec::new();
        let mut undecodable = Vec::new();
        for item in result.into_found() {
            let text = match item.get(SEARCH_TEXT) {
                Some(AttributeValue::S(text)) => Some(text.as_str()),
                _ => None,
            };
            // A soft-deleted item is not found by search either.
            if !predicate.matches(text) || M::SCHEMA.is_soft_deleted(&item) {
                continue;
            }
            let id = match item.get(ITER_SK_ATTR) {
                Some(AttributeValue::S(id)) => id.clone(),
                _ => keys::primary_id(M::SCHEMA, &item)?,
            };
            match model::load::<M>(item, share) {
                Ok(loaded) if self.keep.as_ref().is_none_or(|keep| keep(&loaded)) => {
                    items.push((id, loaded));
                }
                Ok(_) => {}
                Err(error) => undecodable.push(error),
            }
        }
        Ok((items, capacity, undecodable))
    }
}

/// What one bucket query returned.
struct BucketPage {
    /// The stored keys of the matching rows, in index order.
    keys: Vec<Item>,
    /// Where the bucket resumes; `None` when it is exhausted.
    resume: Option<ResumeKey>,
    capacity: Capacity,
}
