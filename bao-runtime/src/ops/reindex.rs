//! `reindex`: DynamoBao's `forceReindex` for one item. Recomputes every attribute bao derives
//! from an item's fields (GSI keys, iteration keys, `_searchText`) from the item as stored,
//! under the model's current schema: after an index, `iterable` or `searchable` is added to a
//! model with data, or an index or its id changes. [`crate::migrate`] does it for a whole model.

use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnConsumedCapacity;

use super::layout;
use crate::call::{self, Failure};
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::expr::{ExprBuilder, Path, UpdateExpr};
use crate::keys::{self, ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR, SK_ATTR};
use crate::model::{self, Model, ModelKey};
use crate::schema::{IndexSchema, ModelSchema};
use crate::search::SEARCH_TEXT;
use crate::{Db, Error, Result, fetch, retry, scope};

/// Which derived attributes a reindex recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    /// Every GSI, iteration and search attribute; those the schema no longer derives are
    /// removed.
    All,
    /// The two key attributes of one index.
    Index(&'static IndexSchema),
    /// `_searchText` only.
    SearchText,
}

impl Derived {
    /// Whether `name` is one of the attributes this recomputes.
    fn covers(self, name: &str) -> bool {
        match self {
            Derived::All => is_derived(name),
            Derived::Index(index) => index.gsi.is_some_and(|gsi| {
                let (pk, sk) = keys::gsi_attribute_names(gsi);
                name == pk || name == sk
            }),
            Derived::SearchText => name == SEARCH_TEXT,
        }
    }
}

/// Whether bao derives `name` from the fields: a GSI, iteration or search attribute.
fn is_derived(name: &str) -> bool {
    name.starts_with("_gsi") || name == ITER_PK_ATTR || name == ITER_SK_ATTR || name == SEARCH_TEXT
}

/// The update that brings the `derived` attributes of a stored item in line with its fields;
/// `None` when they already are.
///
/// # Errors
/// [`Error::Validation`] naming the field when a key cannot be made from a stored value (too
/// long, empty).
pub(crate) fn derived_update(
    db: &Db,
    schema: &ModelSchema,
    stored: &Item,
    derived: Derived,
) -> Result<Option<UpdateExpr>> {
    let fields = model::fields_only_of(schema, stored.clone());
    let wanted = layout::derived_attributes(db, schema, &fields)?;
    let mut update = UpdateExpr::new();
    for (name, value) in wanted.iter().filter(|(name, _)| derived.covers(name)) {
        match value {
            Some(value) if stored.get(*name) != Some(value) => update.set(name, value.clone()),
            None if stored.contains_key(*name) => update.remove(name),
            _ => {}
        }
    }
    if derived == Derived::All {
        let unwanted = stored
            .keys()
            .filter(|name| is_derived(name) && !wanted.iter().any(|(wanted, _)| wanted == name));
        for name in unwanted {
            update.remove_path(Path::from(name.clone()));
        }
    }
    Ok((!update.is_empty()).then_some(update))
}

/// Applies `update` to the stored item if its fields still hold what was read: `Some` with the
/// capacity used, `None` when another write changed the item in between (that write keyed it).
pub(crate) async fn rewrite(
    db: &Db,
    schema: &ModelSchema,
    stored: &Item,
    update: &UpdateExpr,
) -> Result<Option<Capacity>> {
    let fields = model::fields_only_of(schema, stored.clone());
    let mut expr = ExprBuilder::new();
    let condition = expr.unchanged(&fields, schema.fields.iter().map(|field| field.name));
    let update_expression = update.render(&mut expr);
    let (names, values) = expr.into_parts();
    let key: Item = [PK_ATTR, SK_ATTR]
        .into_iter()
        .filter_map(|name| Some((name.to_owned(), stored.get(name)?.clone())))
        .collect();
    let span = call::span("UpdateItem", db.table(), None, Some(schema.name));
    let request = db
        .calls()
        .update_item()
        .table_name(db.table())
        .set_key(Some(key.clone()))
        .update_expression(update_expression)
        .condition_expression(condition)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    let (sent, attempts) = retry::send_request!(db, span, request);
    match sent {
        Ok(output) => {
            let capacity = Capacity::write_from(output.consumed_capacity());
            call::record(&span, 1, capacity);
            scope::record_write(capacity);
            if scope::is_inside() {
                scope::forget(&fetch::CacheKey::of(db, &key));
            }
            Ok(Some(capacity))
        }
        Err(error) => match call::classify("UpdateItem", attempts, error, |service| match service {
            UpdateItemError::ConditionalCheckFailedException(_) => {
                Some(Failure::ConditionFailed(None))
            }
            _ => None,
        }) {
            Failure::ConditionFailed(_) => Ok(None),
            other => Err(other.into_error("UpdateItem")),
        },
    }
}

/// Brings the derived attributes of the item with `key` in line with its fields; `true` when
/// something was rewritten. One consistent GetItem and, when an attribute differs, one
/// UpdateItem that sets or removes only those, guarded by every field as read: an item written
/// in between was keyed by its own write, and the reindex fails with
/// [`Error::ConditionFailed`] (run it again). No field, version or date changes.
///
/// # Errors
/// [`Error::NotFound`] when there is no such item; any error of the calls.
pub async fn reindex<M: Model>(db: &Db, key: &M::Key) -> Result<bool> {
    let schema = M::SCHEMA;
    let key_fields = key.key_item();
    let stored_key = layout::key_of(db, schema, &key_fields)?;
    let (found, capacity) = fetch::get_item(db, stored_key, true).await?;
    scope::record_read(capacity);
    let id = keys::primary_id(schema, &key_fields)?;
    let stored = found.ok_or_else(|| Error::NotFound {
        model: schema.name,
        id: id.clone(),
    })?;
    let Some(update) = derived_update(db, schema, &stored, Derived::All)? else {
        return Ok(false);
    };
    match rewrite(db, schema, &stored, &update).await? {
        Some(_) => Ok(true),
        None => Err(Error::ConditionFailed {
            model: schema.name,
            id,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_index_iteration_and_search_attributes_are_derived() {
        for name in [
            "_gsi1_pk",
            "_gsi5_sk",
            "_iter_pk",
            "_iter_sk",
            "_searchText",
        ] {
            assert!(is_derived(name), "{name}");
        }
        // The keys stay out of it: they are the item's identity.
        for name in ["_pk", "_sk", "title", "gsi1", "searchText"] {
            assert!(!is_derived(name), "{name}");
        }
    }
}
