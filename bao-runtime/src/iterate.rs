//! Iteration over every item of a model through `iter_index` (or the index the handle names)
//! and DynamoBao's buckets, without a Scan.

use crate::call;
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::expr::{ExprBuilder, key_condition};
use crate::fetch;
use crate::keys::{self, ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR, SK_ATTR};
use crate::model::Model;
use crate::query::{self, Deleted, Page};
use crate::scope;
use crate::{Db, Error, Result, retry};
use aws_sdk_dynamodb::types::ReturnConsumedCapacity;
use futures::{Stream, StreamExt};
use std::marker::PhantomData;
use std::sync::Arc;

/// DynamoBao's `batchSize` default: keys read per iteration query.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// An iteration over the items of model `M`, a page at a time. Each page is one Query of the
/// iteration index (keys only) plus one BatchGetItem that loads the items; items deleted in
/// between are skipped.
#[must_use = "an iteration does nothing until its pages are polled"]
pub struct Iteration<'a, M> {
    db: &'a Db,
    buckets: Result<Vec<u32>>,
    page_size: u32,
    concurrency: usize,
    keep: Option<Predicate<M>>,
    deleted: Deleted,
    marker: PhantomData<fn() -> M>,
}

/// A filter on loaded items.
pub(crate) type Predicate<M> = Arc<dyn Fn(&M) -> bool + Send + Sync>;

impl<M> std::fmt::Debug for Iteration<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iteration")
            .field("table", &self.db.table())
            .field("buckets", &self.buckets)
            .field("page_size", &self.page_size)
            .field("concurrency", &self.concurrency)
            .field("filtered", &self.keep.is_some())
            .finish()
    }
}

impl<'a, M: Model> Iteration<'a, M> {
    /// Every bucket, in order.
    pub fn all(db: &'a Db) -> Self {
        Iteration::over(db, every_bucket::<M>())
    }

    /// One bucket.
    pub fn bucket(db: &'a Db, bucket: u32) -> Self {
        Iteration::over(db, one_bucket::<M>(bucket))
    }

    fn over(db: &'a Db, buckets: Result<Vec<u32>>) -> Self {
        Iteration {
            db,
            buckets,
            page_size: DEFAULT_PAGE_SIZE,
            concurrency: 1,
            keep: None,
            deleted: Deleted::Hidden,
            marker: PhantomData,
        }
    }

    /// Keys read per query (default 100).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// Walks up to `buckets` buckets at once (default 1: one after another). Pages of
    /// different buckets then arrive interleaved.
    pub fn concurrency(mut self, buckets: usize) -> Self {
        self.concurrency = buckets.max(1);
        self
    }

    /// Yields soft-deleted items too (a model with `softDelete`; others have none).
    pub fn with_deleted(mut self) -> Self {
        self.deleted = Deleted::Included;
        self
    }

    /// Yields only soft-deleted items.
    pub fn only_deleted(mut self) -> Self {
        self.deleted = Deleted::Only;
        self
    }

    /// Keeps only the items for which `keep` returns true. The iteration index holds keys
    /// only and BatchGetItem cannot filter, so the test runs on each loaded item: it saves
    /// the caller's work, not read capacity. Pages may then hold fewer items than the page size,
    /// or none.
    pub fn filter(mut self, keep: impl Fn(&M) -> bool + Send + Sync + 'static) -> Self {
        self.keep = Some(Arc::new(keep));
        self
    }

    /// The pages (without a cursor: a bucket walk resumes by bucket). An item that cannot be
    /// read as the model is listed in its page's [`Page::undecodable`], not left out.
    pub fn pages(self) -> impl Stream<Item = Result<Page<M>>> + 'a {
        let db = self.db;
        let page_size = i32::try_from(self.page_size).unwrap_or(i32::MAX);
        let concurrency = self.concurrency;
        let keep = self.keep;
        let deleted = self.deleted;
        let pages: futures::stream::BoxStream<'a, Result<Page<M>>> = match self.buckets {
            Err(error) => futures::stream::once(async move { Err(error) }).boxed(),
            Ok(buckets) => {
                let per_bucket = futures::stream::iter(buckets)
                    .map(move |bucket| bucket_pages::<M>(db, bucket, page_size, deleted).boxed());
                per_bucket.flatten_unordered(concurrency).boxed()
            }
        };
        match keep {
            None => pages,
            Some(keep) => pages
                .map(move |page| {
                    page.map(|mut page| {
                        page.items.retain(|m| keep(m));
                        page
                    })
                })
                .boxed(),
        }
    }

    pub(crate) fn db(&self) -> &'a Db {
        self.db
    }

    /// Every item.
    ///
    /// # Errors
    /// The first error of a read, or the first item that could not be read as the model (see
    /// [`Page::undecodable`]).
    pub async fn collect(self) -> Result<Vec<M>> {
        query::all_items(self.pages()).await
    }
}

/// Every iteration bucket of `M`, in order; an error when `M` is not iterable.
pub(crate) fn every_bucket<M: Model>() -> Result<Vec<u32>> {
    match M::SCHEMA.iteration_buckets {
        Some(count) => Ok((0..count).collect()),
        None => Err(not_iterable::<M>()),
    }
}

/// The one bucket `bucket` of `M`; an error when it is out of range or `M` is not iterable.
pub(crate) fn one_bucket<M: Model>(bucket: u32) -> Result<Vec<u32>> {
    match M::SCHEMA.iteration_buckets {
        Some(count) if bucket < count => Ok(vec![bucket]),
        Some(count) => Err(Error::validation(
            M::SCHEMA.name,
            "bucket",
            format!("{bucket} is out of range: the model has buckets 0..{count}"),
        )),
        None => Err(not_iterable::<M>()),
    }
}

fn not_iterable<M: Model>() -> Error {
    Error::validation(
        M::SCHEMA.name,
        "iterable",
        "the model is not iterable; set `iterable: true` in models.yaml",
    )
}

fn bucket_pages<'a, M: Model>(
    db: &'a Db,
    bucket: u32,
    page_size: i32,
    deleted: Deleted,
) -> impl Stream<Item = Result<Page<M>>> + 'a {
    let partition = keys::iteration_partition(M::SCHEMA, db.tenant(), bucket);
    futures::stream::try_unfold(Some(None), move |start: Option<Option<Item>>| {
        let partition = partition.clone();
        async move {
            let Some(start) = start else { return Ok(None) };
            let (keys, last) = query_keys(db, &partition, start, page_size).await?;
            let page = load::<M>(db, keys, deleted).await?;
            Ok(Some((page, last.map(Some))))
        }
    })
}

pub(crate) async fn query_keys(
    db: &Db,
    partition: &str,
    start: Option<Item>,
    page_size: i32,
) -> Result<(Vec<Item>, Option<Item>)> {
    let mut expr = ExprBuilder::new();
    let key_expression = key_condition(
        &mut expr,
        ITER_PK_ATTR,
        partition.to_owned(),
        ITER_SK_ATTR,
        None,
    );
    let (names, values) = expr.into_parts();
    let span = call::span("Query", db.table(), Some(db.iteration_index()), None);
    let request = db
        .calls()
        .query()
        .table_name(db.table())
        .index_name(db.iteration_index())
        .key_condition_expression(key_expression)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .limit(page_size)
        .set_exclusive_start_key(start)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    let (result, attempts) = retry::send_request!(db, span, request);
    let output = result
        .map_err(|error| call::classify("Query", attempts, error, |_| None).into_error("Query"))?;
    let capacity = Capacity::read_from(output.consumed_capacity());
    scope::record_read(capacity);
    let keys: Vec<Item> = output
        .items
        .unwrap_or_default()
        .into_iter()
        .map(|mut item| {
            item.retain(|name, _| name == PK_ATTR || name == SK_ATTR);
            item
        })
        .collect();
    call::record(&span, keys.len(), capacity);
    Ok((keys, output.last_evaluated_key))
}

/// The items with these keys, in order (items deleted since the keys were read are skipped,
/// and soft-deleted ones as `deleted` says).
async fn load<M: Model>(db: &Db, keys: Vec<Item>, deleted: Deleted) -> Result<Page<M>> {
    if keys.is_empty() {
        return Ok(Page {
            items: Vec::new(),
            cursor: None,
            capacity: Capacity::ZERO,
            undecodable: Vec::new(),
        });
    }
    let result = fetch::batch_get(db, keys).await?;
    scope::record_read(result.capacity);
    if let Some(error) = result.failure() {
        return Err(error);
    }
    let (share, capacity) = (result.share(), result.capacity);
    let found = result
        .into_found()
        .filter(|item| deleted.keeps(M::SCHEMA, item))
        .map(|item| (item, share));
    let (items, undecodable) = query::decode_all::<M>(found);
    Ok(Page {
        items,
        cursor: None,
        capacity,
        undecodable,
    })
}
