//! Repairs `_searchText` (DynamoBao's `bao-rebuild-search-text`): after `searchable` is added
//! to a model with data, or its fields or options change, or another writer left stale text.
//!
//! Walks the model's iteration buckets a page at a time (one Query of the iteration index and
//! one BatchGetItem per page), computes each item's text as a write would, and rewrites only the
//! items whose stored text differs, each with one UpdateItem guarded by the source values it
//! read: an item written in between keeps what its own write stored (it is counted as skipped).
//! Nothing else of the item is rewritten. Safe to interrupt and run again; throttling is retried
//! like every other call.

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;

use super::query::SEARCH_TEXT;
use super::text::item_search_text;
use crate::call::{self, Failure};
use crate::codec::Item;
use crate::expr::{ExprBuilder, UpdateExpr};
use crate::fetch::{self, CacheKey};
use crate::iterate::query_keys;
use crate::keys::{self, PK_ATTR, SK_ATTR};
use crate::schema::ModelSchema;
use crate::{Db, Error, Result, retry};

/// Keys read per iteration query.
const PAGE_SIZE: i32 = 100;

/// How far a rebuild has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RebuildProgress {
    /// Items read.
    pub scanned: u64,
    /// Items whose `_searchText` was rewritten (or removed).
    pub changed: u64,
    /// Items another write changed between the read and the repair; that write kept their text.
    pub skipped: u64,
}

/// Rewrites the `_searchText` of every item of the model (under the handle's tenant) whose
/// stored text is not what its fields give; `progress` is called after each page.
///
/// # Errors
/// [`Error::Validation`] when the model is not searchable or not iterable (it cannot be walked
/// without a Scan); any error of the calls.
pub async fn rebuild_search_text(
    db: &Db,
    schema: &'static ModelSchema,
    mut progress: impl FnMut(&RebuildProgress),
) -> Result<RebuildProgress> {
    let search = schema.search.ok_or_else(|| {
        Error::validation(schema.name, "searchable", "the model is not searchable")
    })?;
    let buckets = schema.iteration_buckets.ok_or_else(|| {
        Error::validation(
            schema.name,
            "iterable",
            "the model is not iterable, so it cannot be walked without a Scan",
        )
    })?;
    let mut done = RebuildProgress::default();
    for bucket in 0..buckets {
        let partition = keys::iteration_partition(schema, db.tenant(), bucket);
        let mut start = None;
        loop {
            let (keys, last) = query_keys(db, &partition, start, PAGE_SIZE).await?;
            if !keys.is_empty() {
                let found = fetch::batch_get(db, keys.clone()).await?;
                if let Some(error) = found.failure() {
                    return Err(error);
                }
                for key in &keys {
                    let Some(item) = found.found.get(&CacheKey::of(db, key)) else {
                        continue;
                    };
                    done.scanned += 1;
                    let wanted = item_search_text(search, item);
                    let stored = match item.get(SEARCH_TEXT) {
                        Some(AttributeValue::S(text)) => text.as_str(),
                        _ => "",
                    };
                    if wanted == stored {
                        continue;
                    }
                    match repair(db, schema, item, &wanted).await? {
                        true => done.changed += 1,
                        false => done.skipped += 1,
                    }
                }
            }
            progress(&done);
            match last {
                Some(last) => start = Some(last),
                None => break,
            }
        }
    }
    Ok(done)
}

/// Sets (or removes, when empty) the item's `_searchText`, if its source fields still hold what
/// was read; `false` when they do not.
async fn repair(db: &Db, schema: &ModelSchema, item: &Item, text: &str) -> Result<bool> {
    let fields = schema.search.map_or(&[][..], |search| search.fields);
    let mut expr = ExprBuilder::new();
    let mut update = UpdateExpr::new();
    match text.is_empty() {
        true => update.remove(SEARCH_TEXT),
        false => update.set(SEARCH_TEXT, AttributeValue::S(text.to_owned())),
    }
    let condition = expr.unchanged(item, fields.iter().copied());
    let update_expression = update.render(&mut expr);
    let (names, values) = expr.into_parts();
    let key: Item = [PK_ATTR, SK_ATTR]
        .into_iter()
        .filter_map(|name| Some((name.to_owned(), item.get(name)?.clone())))
        .collect();
    let span = call::span("UpdateItem", db.table(), None);
    let request = db
        .calls()
        .update_item()
        .table_name(db.table())
        .set_key(Some(key))
        .update_expression(update_expression)
        .condition_expression(condition)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values);
    let (sent, attempts) = retry::send_request!(db, request, span);
    match sent {
        Ok(_) => Ok(true),
        Err(error) => match call::classify("UpdateItem", attempts, error, |service| match service {
            UpdateItemError::ConditionalCheckFailedException(_) => {
                Some(Failure::ConditionFailed(None))
            }
            _ => None,
        }) {
            Failure::ConditionFailed(_) => Ok(false),
            other => Err(other.into_error("UpdateItem")),
        },
    }
}
