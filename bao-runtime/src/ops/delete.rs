//! `delete`: one DeleteItem, or a read and one transaction when unique values must be released.

use super::transact::{self, Part, Role};
use super::validate;
use super::write;
use super::{cascade, layout};
use crate::call::{self, Failure};
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::expr::{Condition, ExprBuilder};
use crate::hooks::{self, WriteKind};
use crate::keys::PK_ATTR;
use crate::model::{self, Model, ModelKey};
use crate::schema::ModelSchema;
use crate::{Db, Error, Result, fetch, keys, retry, scope};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::types::{
    Delete, ReturnConsumedCapacity, ReturnValue, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem,
};

/// Deletes the item with this key and returns it as it was; [`Error::NotFound`] when there is
/// none. A model with unique constraints releases its values in the same transaction; since the
/// values to release are stored on the item, it is read first (one GetItem).
pub async fn delete<M: Model>(db: &Db, key: &M::Key, condition: Option<Condition>) -> Result<M> {
    let schema = M::SCHEMA;
    hooks::before(db, WriteKind::Delete, schema.name, || {
        (
            write::stored_or_fields(db, schema, &key.key_item()),
            Vec::new(),
        )
    })
    .await?;
    let deleted = match schema.children.is_empty() {
        false => cascade::delete::<M>(db, key.key_item(), None, condition.as_ref()).await?,
        true => delete_by_key::<M>(db, key.key_item(), condition).await?,
    };
    after_delete(db, &deleted).await?;
    Ok(deleted)
}

/// Runs the after-hooks of a delete with the item as it was.
async fn after_delete<M: Model>(db: &Db, deleted: &M) -> Result<()> {
    let schema = M::SCHEMA;
    let capacity = deleted.state().capacity();
    let item = || {
        (
            write::stored_or_fields(db, schema, &deleted.to_item()),
            Vec::new(),
        )
    };
    hooks::after(db, WriteKind::Delete, schema.name, item, capacity).await
}

/// [`delete`], ignoring the model's delete rules: the last step of
/// [`delete_cascading`](super::cascade::delete_cascading).
pub(crate) async fn delete_without_rules<M: Model>(db: &Db, key: Item) -> Result<M> {
    delete_by_key::<M>(db, key, None).await
}

async fn delete_by_key<M: Model>(db: &Db, key: Item, condition: Option<Condition>) -> Result<M> {
    let schema = M::SCHEMA;
    let id = keys::primary_id(schema, &key)?;
    let stored_key = layout::key_of(db, schema, &key)?;
    let cache_key = fetch::CacheKey::of(db, &stored_key);
    let (fields, capacity) = if schema.unique_constraints.is_empty() {
        delete_item(db, schema, &id, stored_key, condition.as_ref()).await?
    } else {
        let (item, read_capacity) = fetch::get_item(db, stored_key.clone(), true).await?;
        scope::record_read(read_capacity);
        let Some(item) = item else {
            return Err(Error::NotFound {
                model: schema.name,
                id,
            });
        };
        let fields = model::fields_only_of(schema, item);
        let capacity =
            delete_with_claims(db, schema, &id, stored_key, &fields, condition.as_ref()).await?;
        (fields, read_capacity + capacity)
    };
    scope::record_write(Capacity {
        read: 0.0,
        ..capacity
    });
    scope::remember(cache_key, None);
    model::load(fields, capacity)
}

/// Deletes a loaded item in one request: one DeleteItem, or, for a model with unique
/// constraints, one transaction that releases the values it was loaded with (no read first).
/// Fails with [`Error::ConditionFailed`] when those values changed since it was loaded, and
/// with [`Error::NotFound`] when the item is gone.
pub async fn delete_loaded<M: Model>(db: &Db, item: M) -> Result<M> {
    let schema = M::SCHEMA;
    hooks::before(db, WriteKind::Delete, schema.name, || {
        (
            write::stored_or_fields(db, schema, &item.to_item()),
            Vec::new(),
        )
    })
    .await?;
    let deleted = delete_loaded_if(db, item, None).await?;
    after_delete(db, &deleted).await?;
    Ok(deleted)
}

/// [`delete_loaded`], only if `condition` holds for the stored item.
pub(crate) async fn delete_loaded_if<M: Model>(
    db: &Db,
    item: M,
    condition: Option<&Condition>,
) -> Result<M> {
    let schema = M::SCHEMA;
    let key = item.key().key_item();
    if !schema.children.is_empty() {
        let fields = model::loaded_fields(&item);
        return cascade::delete::<M>(db, key, Some(fields), condition).await;
    }
    let id = keys::primary_id(schema, &key)?;
    let stored_key = layout::key_of(db, schema, &key)?;
    let cache_key = fetch::CacheKey::of(db, &stored_key);
    let (fields, capacity) = if schema.unique_constraints.is_empty() {
        delete_item(db, schema, &id, stored_key, condition).await?
    } else {
        let fields = model::loaded_fields(&item);
        let capacity = delete_with_claims(db, schema, &id, stored_key, &fields, condition).await?;
        (fields, capacity)
    };
    scope::record_write(capacity);
    scope::remember(cache_key, None);
    model::load(fields, capacity)
}

/// The parts that delete an item in a transaction: the guarded Delete, which also checks that
/// the unique values in `fields` (the item as loaded) are still its own, and a release of each.
pub(crate) fn transaction_parts(
    db: &Db,
    schema: &'static ModelSchema,
    id: &str,
    key: Item,
    fields: &Item,
    condition: Option<&Condition>,
) -> Result<Vec<Part>> {
    let claims = validate::unique_values(schema, fields);
    let mut expr = ExprBuilder::new();
    let unchanged = claims
        .iter()
        .map(|(constraint, _)| {
            let stored = fields[constraint.field].clone();
            format!("{} = {}", expr.name(constraint.field), expr.value(stored))
        })
        .collect();
    let condition_expression = guard(condition, &mut expr, unchanged);
    let (names, values) = expr.into_parts();
    let main = Delete::builder()
        .table_name(db.table())
        .set_key(Some(key))
        .condition_expression(condition_expression)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(|error| Error::sdk("TransactWriteItems", error))?;
    let mut parts = vec![Part {
        item: TransactWriteItem::builder().delete(main).build(),
        role: Role::Main {
            action: "delete",
            model: schema.name,
            id: id.to_owned(),
        },
    }];
    for (constraint, value) in &claims {
        parts.push(transact::release(db, schema, constraint, value, id)?);
    }
    Ok(parts)
}

fn guard(condition: Option<&Condition>, expr: &mut ExprBuilder, extra: Vec<String>) -> String {
    let mut guards = vec![format!("attribute_exists({})", expr.name(PK_ATTR))];
    guards.extend(extra);
    if let Some(condition) = condition {
        guards.push(condition.render_grouped(expr));
    }
    guards.join(" AND ")
}

async fn delete_item(
    db: &Db,
    schema: &'static ModelSchema,
    id: &str,
    key: Item,
    condition: Option<&Condition>,
) -> Result<(Item, Capacity)> {
    let mut expr = ExprBuilder::new();
    let condition_expression = guard(condition, &mut expr, Vec::new());
    let (names, values) = expr.into_parts();
    let span = call::span("DeleteItem", db.table(), None, Some(schema.name));
    let request = db
        .calls()
        .delete_item()
        .table_name(db.table())
        .set_key(Some(key))
        .condition_expression(condition_expression)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .return_values(ReturnValue::AllOld)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    let (sent, attempts) = retry::send_request!(db, span, request);
    match sent {
        Ok(output) => {
            let capacity = Capacity::write_from(output.consumed_capacity());
            call::record(&span, 1, capacity);
            let item = output.attributes.unwrap_or_default();
            Ok((model::fields_only_of(schema, item), capacity))
        }
        Err(error) => Err(
            match call::classify("DeleteItem", attempts, error, |service| match service {
                DeleteItemError::ConditionalCheckFailedException(failed) => {
                    Some(Failure::ConditionFailed(failed.item.clone()))
                }
                _ => None,
            }) {
                Failure::ConditionFailed(None) => Error::NotFound {
                    model: schema.name,
                    id: id.to_owned(),
                },
                Failure::ConditionFailed(Some(_)) => Error::ConditionFailed {
                    model: schema.name,
                    id: id.to_owned(),
                },
                other => other.into_error("DeleteItem"),
            },
        ),
    }
}

async fn delete_with_claims(
    db: &Db,
    schema: &'static ModelSchema,
    id: &str,
    key: Item,
    fields: &Item,
    condition: Option<&Condition>,
) -> Result<Capacity> {
    let parts = transaction_parts(db, schema, id, key, fields, condition)?;
    transact::write(db, parts)
        .await
        .map_err(|failure| failure_of_delete(schema, id, failure))
}

/// The error of a cancelled transaction that deletes the item `id`: the item's own condition
/// (gone: [`Error::NotFound`]; changed: [`Error::ConditionFailed`]), or another part's.
pub(crate) fn failure_of_delete(
    schema: &'static ModelSchema,
    id: &str,
    failure: transact::TxFailure,
) -> Error {
    let own = |role: &Role| matches!(role, Role::Main { model, id: part, .. } if *model == schema.name && part == id);
    if let transact::TxFailure::Cancelled(rejections) = &failure
        && let Some(rejection) = rejections
            .iter()
            .find(|rejection| own(&rejection.role) && rejection.code == "ConditionalCheckFailed")
    {
        return match rejection.item {
            None => Error::NotFound {
                model: schema.name,
                id: id.to_owned(),
            },
            Some(_) => Error::ConditionFailed {
                model: schema.name,
                id: id.to_owned(),
            },
        };
    }
    failure.into_error()
}
