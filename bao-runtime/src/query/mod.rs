//! Index queries: typed sort-key conditions, filters, pages, opaque cursors.

mod mapping;
mod page;

use crate::call;
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::expr::{Attr, Condition, ExprBuilder, Path, SortKey, SortKeyCondition, key_condition};
use crate::keys::{self, KeyValue};
use crate::model::Model;
use crate::projection::{self, Projected};
use crate::schema::{FieldKind, IndexSchema, KeyPart, ModelSchema};
use crate::{Db, Error, Result, retry, scope};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, Select};
use base64::Engine;
use futures::Stream;
pub use mapping::MappingQuery;
pub(crate) use page::decode_all;
pub use page::{Cursor, Page};
use std::collections::BTreeMap;
use std::marker::PhantomData;

/// Every item of every page, in order; the first item a page could not read is the error.
pub(crate) async fn all_items<M>(pages: impl Stream<Item = Result<Page<M>>>) -> Result<Vec<M>> {
    use futures::TryStreamExt;
    let pages: Vec<Page<M>> = pages.try_collect().await?;
    let mut items = Vec::new();
    for page in pages {
        items.extend(page.into_items()?);
    }
    Ok(items)
}

/// A query of model `M` through one index, whose sort key has type `S`.
#[derive(Debug)]
#[must_use = "a query does nothing until `page`, `pages`, `all` or `count` is awaited"]
pub struct Query<'a, M, S> {
    db: &'a Db,
    index: &'static IndexSchema,
    partition: Result<String>,
    sort: Option<SortKeyCondition>,
    filter: Option<Condition>,
    limit: Option<i32>,
    descending: bool,
    cursor: Option<Cursor>,
    max_requests: Option<u32>,
    /// Writes in flight at once in `update_each` / `delete_each`.
    concurrency: Option<usize>,
    /// `update_each` / `delete_each` write in one transaction.
    atomic: bool,
    /// Which items of a model with `softDelete` the query returns.
    deleted: Deleted,
    marker: PhantomData<fn() -> (M, S)>,
}

/// What a Query reads of each item.
#[derive(Debug, Clone, Copy)]
enum Read<'p> {
    /// Every attribute.
    Items,
    /// Nothing: how many items match.
    Count,
    /// The key and these paths.
    Projection(&'p [Path]),
}

/// Which soft-deleted items a read of a model with `softDelete` returns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Deleted {
    /// None of them (the default).
    #[default]
    Hidden,
    /// Them too.
    Included,
    /// Only them.
    Only,
}

impl Deleted {
    /// The condition on an item of `schema`, when there is one.
    pub(crate) fn condition(self, schema: &ModelSchema) -> Option<Condition> {
        let field = schema.soft_delete?;
        let attr = Attr::<String>::new(field, FieldKind::DateTime);
        match self {
            Deleted::Hidden => Some(attr.not_exists()),
            Deleted::Included => None,
            Deleted::Only => Some(attr.exists()),
        }
    }

    /// Whether a read keeps `item` of `schema`.
    pub(crate) fn keeps(self, schema: &ModelSchema, item: &Item) -> bool {
        match self {
            Deleted::Hidden => !schema.is_soft_deleted(item),
            Deleted::Included => true,
            Deleted::Only => schema.is_soft_deleted(item),
        }
    }
}

/// Items per page when the query sets no `limit`: DynamoBao's default.
pub const DEFAULT_PAGE_SIZE: i32 = 100;

impl<'a, M: Model, S: KeyValue> Query<'a, M, S> {
    /// A query of index `index` of `M`; `partition` is the partition field's stored value, or
    /// `None` when the index partitions on the model prefix.
    pub fn new(db: &'a Db, index: &str, partition: Option<&AttributeValue>) -> Self {
        let schema = M::SCHEMA;
        let found = schema.index(index);
        let partition = match found {
            Some(index) => keys::index_partition(schema, db.tenant(), index, partition),
            None => Err(Error::validation(
                schema.name,
                "index",
                format!("no index named `{index}`"),
            )),
        };
        Query {
            db,
            index: found.unwrap_or(&NO_INDEX),
            partition,
            sort: None,
            filter: None,
            limit: None,
            descending: false,
            cursor: None,
            max_requests: None,
            concurrency: None,
            atomic: false,
            deleted: Deleted::Hidden,
            marker: PhantomData,
        }
    }

    fn sort_key(&self) -> SortKey<S> {
        let kind = match self.index.key.sort {
            KeyPart::Field(name) => M::SCHEMA.field(name).map_or(FieldKind::String, |f| f.kind),
            KeyPart::ModelPrefix => FieldKind::String,
        };
        SortKey::new(kind)
    }

    /// Only items whose sort key equals `value`.
    pub fn sort_eq(mut self, value: impl Into<S>) -> Self {
        self.sort = Some(self.sort_key().eq(value));
        self
    }

    /// Only items whose sort key starts with `prefix`.
    pub fn sort_begins_with(mut self, prefix: &str) -> Self {
        self.sort = Some(self.sort_key().begins_with(prefix));
        self
    }

    /// Only items whose sort key is between `low` and `high`, inclusive.
    pub fn sort_between(mut self, low: impl Into<S>, high: impl Into<S>) -> Self {
        self.sort = Some(self.sort_key().between(low, high));
        self
    }

    /// Only items whose sort key is greater than `value`.
    pub fn sort_gt(mut self, value: impl Into<S>) -> Self {
        self.sort = Some(self.sort_key().gt(value));
        self
    }

    /// Only items whose sort key is at least `value`.
    pub fn sort_gte(mut self, value: impl Into<S>) -> Self {
        self.sort = Some(self.sort_key().gte(value));
        self
    }

    /// Only items whose sort key is less than `value`.
    pub fn sort_lt(mut self, value: impl Into<S>) -> Self {
        self.sort = Some(self.sort_key().lt(value));
        self
    }

    /// Only items whose sort key is at most `value`.
    pub fn sort_lte(mut self, value: impl Into<S>) -> Self {
        self.sort = Some(self.sort_key().lte(value));
        self
    }

    /// Keeps only items matching `filter` (applied by DynamoDB after the key condition and the
    /// limit, so a page can hold fewer items than the limit).
    pub fn filter(mut self, filter: Condition) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Reads at most `limit` items per page; without it a page reads up to
    /// [`DEFAULT_PAGE_SIZE`] (100, DynamoBao's default).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(i32::try_from(limit).unwrap_or(i32::MAX));
        self
    }

    /// Sends at most `requests` Query calls in [`take`](Self::take) and
    /// [`first`](Self::first), which otherwise page until they have their items or the
    /// partition ends (a filter that matches little can leave many pages empty).
    pub fn max_requests(mut self, requests: u32) -> Self {
        self.max_requests = Some(requests.max(1));
        self
    }

    /// Newest sort keys first.
    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    /// Continues after `cursor`, from an earlier page of the same query.
    pub fn after(mut self, cursor: Cursor) -> Self {
        self.cursor = Some(cursor);
        self
    }

    /// Returns soft-deleted items too (a model with `softDelete`; others have none).
    pub fn with_deleted(mut self) -> Self {
        self.deleted = Deleted::Included;
        self
    }

    /// Returns only soft-deleted items.
    pub fn only_deleted(mut self) -> Self {
        self.deleted = Deleted::Only;
        self
    }

    /// The filter DynamoDB applies: the caller's, and the soft-delete one.
    fn effective_filter(&self) -> Option<Condition> {
        let deleted = self.deleted.condition(M::SCHEMA);
        match (self.filter.clone(), deleted) {
            (Some(filter), Some(deleted)) => Some(filter.and(deleted)),
            (filter, deleted) => filter.or(deleted),
        }
    }

    /// How many writes [`update_each`](Self::update_each) and
    /// [`delete_each`](Self::delete_each) keep in flight at once (at least one; 8 unless set).
    pub fn concurrency(mut self, writes: usize) -> Self {
        self.concurrency = Some(writes.max(1));
        self
    }

    /// Makes [`update_each`](Self::update_each) and [`delete_each`](Self::delete_each) write
    /// every matched item in one transaction, which fails whole if any item no longer matches;
    /// refused before sending when it would pass DynamoDB's 100 parts.
    pub fn atomically(mut self) -> Self {
        self.atomic = true;
        self
    }

    pub(crate) fn db(&self) -> &'a Db {
        self.db
    }

    pub(crate) fn bulk_concurrency(&self) -> usize {
        self.concurrency.unwrap_or(crate::bulk::DEFAULT_CONCURRENCY)
    }

    pub(crate) fn is_atomic(&self) -> bool {
        self.atomic
    }

    /// The query as a condition on one item: its key condition, on the item's attributes of
    /// the index's keys, and its filter. A write conditioned on it leaves an item that no
    /// longer matches alone.
    pub(crate) fn still_matching(&self) -> Result<Condition> {
        let partition = self.partition.as_ref().map_err(Error::clone)?.clone();
        self.check_sort_values()?;
        let (pk_attr, sk_attr) = keys::index_attribute_names(self.index);
        let key = Attr::<String>::new(pk_attr, FieldKind::String).eq(partition);
        let sort = self.sort.as_ref().map(|sort| sort.to_condition(sk_attr));
        Ok(Condition::all(
            [key].into_iter().chain(sort).chain(self.effective_filter()),
        ))
    }

    /// The first page (or the page after the cursor).
    pub async fn page(self) -> Result<Page<M>> {
        let (items, cursor, capacity) = self.page_of(None).await?;
        let (items, undecodable) =
            decode_all::<M>(items.into_iter().map(|item| (item, Capacity::ZERO)));
        Ok(Page {
            items,
            cursor,
            capacity,
            undecodable,
        })
    }

    /// Reads only the key and `fields` of each item (DynamoDB's ProjectionExpression), into
    /// [`Partial`](crate::projection::Partial)s: `.select(&[Post::TITLE.path()])`.
    pub fn select(self, fields: &[&Path]) -> Projected<'a, M, S> {
        Projected::new(self, fields)
    }

    /// The stored items of the first page (or the page after the cursor), with `projection`
    /// when given, and where the next page starts.
    pub(crate) async fn page_of(
        &self,
        projection: Option<&[Path]>,
    ) -> Result<(Vec<Item>, Option<Cursor>, Capacity)> {
        let partition = self.partition.as_ref().map_err(Error::clone)?.clone();
        self.check_sort_values()?;
        let start = self
            .cursor
            .as_ref()
            .map(|cursor| self.decode_cursor(cursor, &partition))
            .transpose()?;
        if let Some(paths) = projection {
            projection::check(M::SCHEMA, paths)?;
        }
        let (items, last, capacity) = self.send(&partition, start, projection).await?;
        let cursor = last.map(|key| self.encode_cursor(&partition, key));
        Ok((items, cursor, capacity))
    }

    /// Every page, one query call each.
    pub fn pages(self) -> impl Stream<Item = Result<Page<M>>> + 'a
    where
        S: 'a,
    {
        futures::stream::try_unfold(Some(self), |query| async move {
            let Some(query) = query else { return Ok(None) };
            let next = query.clone_query();
            let page = query.page().await?;
            let following = page.cursor.clone().map(|cursor| next.after(cursor));
            Ok(Some((page, following)))
        })
    }

    /// Every matching item, across all pages; the first item that cannot be read is the error
    /// (read [`pages`](Self::pages) to keep the others).
    pub async fn all(self) -> Result<Vec<M>> {
        all_items(self.pages()).await
    }

    /// The first `n` matching items, paging on while a filter leaves pages short (within
    /// [`max_requests`](Self::max_requests), when set: then it can return fewer).
    pub async fn take(self, n: usize) -> Result<Vec<M>> {
        let mut items = Vec::new();
        let mut requests = 0;
        let mut query = self;
        while items.len() < n {
            let next = query.clone_query();
            let page = query.page().await?;
            requests += 1;
            let cursor = page.cursor.clone();
            items.extend(page.into_items()?);
            let within_bound = next.max_requests.is_none_or(|bound| requests < bound);
            match cursor {
                Some(cursor) if within_bound => query = next.after(cursor),
                _ => break,
            }
        }
        items.truncate(n);
        Ok(items)
    }

    /// The first matching item, if any: [`take`](Self::take) of one.
    pub async fn first(self) -> Result<Option<M>> {
        Ok(self.take(1).await?.pop())
    }

    /// How many items match, counted by DynamoDB across all pages (no items are returned).
    pub async fn count(self) -> Result<u64> {
        let partition = self.partition.as_ref().map_err(Error::clone)?.clone();
        self.check_sort_values()?;
        let mut start = None;
        let mut total = 0;
        loop {
            let (count, last) = self.send_count(&partition, start).await?;
            total += count;
            match last {
                Some(key) => start = Some(key),
                None => return Ok(total),
            }
        }
    }

    /// Refuses a sort-key value DynamoDB would refuse (over 1024 bytes), naming the field.
    fn check_sort_values(&self) -> Result<()> {
        let Some(sort) = &self.sort else {
            return Ok(());
        };
        let field = match self.index.key.sort {
            KeyPart::Field(name) => name,
            KeyPart::ModelPrefix => "modelPrefix",
        };
        let (_, sk_attr) = keys::index_attribute_names(self.index);
        for value in sort.values() {
            keys::check_size(M::SCHEMA, field, sk_attr, value, keys::MAX_SORT_KEY_BYTES)?;
        }
        Ok(())
    }

    pub(crate) fn clone_query(&self) -> Self {
        Query {
            db: self.db,
            index: self.index,
            partition: self.partition.clone(),
            sort: self.sort.clone(),
            filter: self.filter.clone(),
            limit: self.limit,
            descending: self.descending,
            cursor: None,
            max_requests: self.max_requests,
            concurrency: self.concurrency,
            atomic: self.atomic,
            deleted: self.deleted,
            marker: PhantomData,
        }
    }

    async fn send_count(
        &self,
        partition: &str,
        start: Option<Item>,
    ) -> Result<(u64, Option<Item>)> {
        let (request, span) = self.request(partition, start, Read::Count);
        let (result, attempts) = retry::send_request!(self.db, span, request);
        let output = result.map_err(|error| {
            call::classify("Query", attempts, error, |_| None).into_error("Query")
        })?;
        let capacity = Capacity::read_from(output.consumed_capacity());
        scope::record_read(capacity);
        call::record(&span, 0, capacity);
        Ok((
            u64::try_from(output.count).unwrap_or(0),
            output.last_evaluated_key,
        ))
    }

    async fn send(
        &self,
        partition: &str,
        start: Option<Item>,
        projection: Option<&[Path]>,
    ) -> Result<(Vec<Item>, Option<Item>, Capacity)> {
        let select = match projection {
            Some(paths) => Read::Projection(paths),
            None => Read::Items,
        };
        let (request, span) = self.request(partition, start, select);
        let (result, attempts) = retry::send_request!(self.db, span, request);
        let output = result.map_err(|error| {
            call::classify("Query", attempts, error, |_| None).into_error("Query")
        })?;
        let capacity = Capacity::read_from(output.consumed_capacity());
        scope::record_read(capacity);
        let items = output.items.unwrap_or_default();
        call::record(&span, items.len(), capacity);
        Ok((items, output.last_evaluated_key, capacity))
    }

    fn request(
        &self,
        partition: &str,
        start: Option<Item>,
        read: Read<'_>,
    ) -> (
        aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
        tracing::Span,
    ) {
        let index_name = self.index.gsi.map(keys::gsi_index_name);
        let (pk_attr, sk_attr) = keys::index_attribute_names(self.index);
        let mut expr = ExprBuilder::new();
        let key_expression = key_condition(
            &mut expr,
            pk_attr,
            partition.to_owned(),
            sk_attr,
            self.sort.as_ref(),
        );
        let filter = self
            .effective_filter()
            .map(|filter| filter.render(&mut expr));
        let (select, projection) = match read {
            Read::Items => (Select::AllAttributes, None),
            Read::Count => (Select::Count, None),
            Read::Projection(paths) => (
                Select::SpecificAttributes,
                Some(projection::expression(M::SCHEMA, paths, &mut expr)),
            ),
        };
        let (names, values) = expr.into_parts();
        let request = self
            .db
            .calls()
            .query()
            .table_name(self.db.table())
            .set_index_name(index_name.map(str::to_owned))
            .key_condition_expression(key_expression)
            .set_filter_expression(filter)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            // A count reads no items, so it pages by DynamoDB's 1 MB only, unless limited.
            .set_limit(match select {
                Select::Count => self.limit,
                _ => Some(self.limit.unwrap_or(DEFAULT_PAGE_SIZE)),
            })
            .scan_index_forward(!self.descending)
            .set_exclusive_start_key(start)
            .select(select)
            .set_projection_expression(projection)
            .return_consumed_capacity(ReturnConsumedCapacity::Total);
        (
            request,
            call::span("Query", self.db.table(), index_name, Some(M::SCHEMA.name)),
        )
    }

    fn encode_cursor(&self, partition: &str, key: Item) -> Cursor {
        let body = CursorBody {
            model: M::SCHEMA.name.to_owned(),
            index: self.index.name.to_owned(),
            partition: partition.to_owned(),
            tenant: self.db.tenant().map(|tenant| tenant.id().to_owned()),
            key: key
                .into_iter()
                .filter_map(|(name, value)| match value {
                    AttributeValue::S(text) => Some((name, text)),
                    _ => None,
                })
                .collect(),
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        Cursor::from_token(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
    }

    fn decode_cursor(&self, cursor: &Cursor, partition: &str) -> Result<Item> {
        let refuse = |message: &str| Error::validation(M::SCHEMA.name, "cursor", message);
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor.as_str())
            .map_err(|_| refuse("is not a bao cursor"))?;
        let body: CursorBody =
            serde_json::from_slice(&bytes).map_err(|_| refuse("is not a bao cursor"))?;
        let tenant = self.db.tenant().map(|tenant| tenant.id().to_owned());
        if body.tenant != tenant {
            return Err(refuse("belongs to another tenant"));
        }
        if body.model != M::SCHEMA.name
            || body.index != self.index.name
            || body.partition != partition
        {
            return Err(refuse("belongs to another query"));
        }
        Ok(body
            .key
            .into_iter()
            .map(|(name, value)| (name, AttributeValue::S(value)))
            .collect())
    }
}

/// What a cursor carries: the query it belongs to and DynamoDB's LastEvaluatedKey.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct CursorBody {
    model: String,
    index: String,
    partition: String,
    tenant: Option<String>,
    key: BTreeMap<String, String>,
}

/// Stands in for a missing index; the query then fails with the lookup's error.
static NO_INDEX: IndexSchema = IndexSchema {
    name: "",
    gsi: None,
    key: crate::schema::KeySchema {
        partition: KeyPart::ModelPrefix,
        sort: KeyPart::ModelPrefix,
    },
};
