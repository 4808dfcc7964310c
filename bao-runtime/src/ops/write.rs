//! `save` and `update`: one UpdateItem of just the changed fields, or one transaction when a
//! unique value moves.

use super::layout;
use super::transact::{self, Part, TxFailure};
use super::validate;
use super::write_plan::{ExpectedVersion, Plan, UpdateRequest, plan_write};
use crate::call::{self, Failure};
use crate::capacity::Capacity;
use crate::changes::{Change, Changes};
use crate::codec::{FieldSink, FieldValue, Item, PlacedFields};
use crate::expr::Condition;
use crate::hooks::{self, WriteKind};
use crate::model::{self, Model, ModelKey};
use crate::schema::{FieldKind, FieldSchema, ModelSchema};
use crate::{Db, Error, Result, fetch, keys, retry, scope};
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ReturnConsumedCapacity, ReturnValue, ReturnValuesOnConditionCheckFailure,
};
use futures::FutureExt;

/// How to save a loaded item.
#[derive(Debug, Clone, Default)]
pub struct SaveOptions {
    /// Write only if this holds for the stored item.
    pub condition: Option<Condition>,
    /// Also write every GSI, iteration and search attribute from the item's fields, not only
    /// those of changed fields (DynamoBao's `forceReindex`): after an index, `iterable` or
    /// `searchable` was added to a model with data. The save writes even when no field
    /// changed.
    pub force_reindex: bool,
    /// Do not check that the items the changed RelatedFields with `referentialIntegrity` name
    /// exist (one UpdateItem instead of a transaction): when the caller knows they do.
    pub skip_reference_checks: bool,
}

/// Writes the fields of `model` that changed since it was loaded; sends nothing when none did
/// (and neither a condition nor a reindex is asked for). The write is guarded by
/// `attribute_exists` (a deleted item is not recreated), by the loaded version when the model
/// has a VersionField, and by the condition when given.
pub async fn save<M: Model>(db: &Db, model: &mut M, options: SaveOptions) -> Result<()> {
    let schema = M::SCHEMA;
    // Shared, not copied: the write only reads it, and `model` is replaced afterwards.
    let stored = model.state().shared_stored_item();
    let Comparison { changes, size, .. } = Comparison::of(&*model, stored.as_deref());
    if changes.is_empty() && options.condition.is_none() && !options.force_reindex {
        return Ok(());
    }
    validate::size_within_limit(schema, size, || model.to_item())?;
    let changed = changed_names(db, &changes);
    hooks::before(db, WriteKind::Save, schema.name, || {
        (
            stored_or_fields(db, schema, &model.to_item()),
            changed.clone(),
        )
    })
    .await?;
    let key = model.key().key_item();
    let unstored;
    let known = match stored.as_deref() {
        Some(stored) => stored,
        None => {
            unstored = model.to_item();
            &unstored
        }
    };
    let (fields, capacity) = apply(db, schema, key, changes, Some(known), options).await?;
    let written = db
        .has_hooks()
        .then(|| stored_or_fields(db, schema, &fields));
    let total = model.state().capacity() + capacity;
    *model = model::load_fields(fields, total)?;
    if let Some(item) = written {
        hooks::after(
            db,
            WriteKind::Save,
            schema.name,
            || (item, changed),
            capacity,
        )
        .await?;
    }
    Ok(())
}

/// The names of the fields `changes` writes, for the hooks; none without hooks.
fn changed_names(db: &Db, changes: &Changes) -> Vec<&'static str> {
    match db.has_hooks() {
        true => changes.iter().map(|(field, _)| field.name).collect(),
        false => Vec::new(),
    }
}

/// `fields` with the key attributes bao stores beside them, for hooks; the fields alone when
/// they cannot be laid out (the write reports why).
pub(crate) fn stored_or_fields(db: &Db, schema: &ModelSchema, fields: &Item) -> Item {
    layout::stored_item(db, schema, fields).unwrap_or_else(|_| fields.clone())
}

/// Applies `changes` to the item with this key in one request, without reading it first, and
/// returns the item as stored afterwards. A change of a unique field needs the old value, so it
/// reads the item first (one GetItem) and then writes in one transaction. A change of a
/// RelatedField with `referentialIntegrity` writes in one transaction with the check, then
/// reads the item back (a transaction returns none).
pub async fn update<M: Model>(
    db: &Db,
    key: &M::Key,
    changes: Changes,
    condition: Option<Condition>,
) -> Result<M> {
    let schema = M::SCHEMA;
    let key = key.key_item();
    let moves_unique = schema
        .unique_constraints
        .iter()
        .any(|constraint| changes.get(constraint.field).is_some());
    let known = match moves_unique {
        true => {
            let stored_key = layout::key_of(db, schema, &key)?;
            let (item, capacity) = fetch::get_item(db, stored_key, true).await?;
            scope::record_read(capacity);
            let item = item.ok_or_else(|| not_found(schema, &key))?;
            Some(model::fields_only_of(schema, item))
        }
        false => None,
    };
    let changed = changed_names(db, &changes);
    hooks::before(db, WriteKind::Update, schema.name, || {
        (stored_or_fields(db, schema, &key), changed.clone())
    })
    .await?;
    let options = SaveOptions {
        condition,
        ..SaveOptions::default()
    };
    let (fields, capacity) = apply(db, schema, key, changes, known.as_ref(), options).await?;
    let written = db
        .has_hooks()
        .then(|| stored_or_fields(db, schema, &fields));
    let updated = model::load_fields(fields, capacity)?;
    if let Some(item) = written {
        hooks::after(
            db,
            WriteKind::Update,
            schema.name,
            || (item, changed),
            capacity,
        )
        .await?;
    }
    Ok(updated)
}

/// A model's fields against the item it was loaded from: the changes that turn the stored item
/// into the fields, as DynamoBao's save engine makes them, and the size of the fields.
struct Comparison<'a> {
    stored: Option<PlacedFields<'a>>,
    changes: Changes,
    /// The bytes of the fields, as [`validate::item_size`] counts them.
    size: usize,
}

impl<'a> Comparison<'a> {
    /// Compares `model` with `stored` one field at a time: an unchanged field is compared in
    /// place, without building its attribute. A model that was never stored (`None`) changes
    /// every field it has.
    fn of<M: Model>(model: &M, stored: Option<&'a Item>) -> Comparison<'a> {
        let mut comparison = Comparison {
            stored: stored.map(|stored| PlacedFields::new(M::SCHEMA.fields, stored)),
            changes: Changes::new(),
            size: 0,
        };
        model.write_fields(&mut comparison);
        comparison
    }

    /// Records that `field` goes from `before` to `after` (`None`: absent).
    fn change(
        &mut self,
        field: &'static FieldSchema,
        before: Option<&AttributeValue>,
        after: Option<AttributeValue>,
    ) {
        if let Some(value) = &after {
            self.size += validate::attribute_size(field.name, value);
        }
        let change = match (before, after) {
            (Some(_), None) => Change::Remove,
            (None, None) => return,
            (Some(AttributeValue::Ss(old)), Some(AttributeValue::Ss(new)))
                if field.kind == FieldKind::StringSet =>
            {
                let added: Vec<String> = new.iter().filter(|m| !old.contains(m)).cloned().collect();
                let removed: Vec<String> =
                    old.iter().filter(|m| !new.contains(m)).cloned().collect();
                match (added.is_empty(), removed.is_empty()) {
                    (false, true) => Change::Add(AttributeValue::Ss(added)),
                    (true, false) => Change::Delete(AttributeValue::Ss(removed)),
                    _ => Change::Set(AttributeValue::Ss(new)),
                }
            }
            (_, Some(value)) => Change::Set(value),
        };
        self.changes.push(field, change);
    }
}

impl FieldSink for Comparison<'_> {
    fn put<T: FieldValue>(&mut self, field: &'static FieldSchema, value: &T) {
        let before = self.stored.as_ref().and_then(|stored| stored.get(field));
        if value.is_stored_as(before, field.kind) {
            if let Some(value) = before {
                self.size += validate::attribute_size(field.name, value);
            }
            return;
        }
        self.change(field, before, value.to_attr(field.kind));
    }
}

/// The parts of a user transaction that apply `changes` to the item with `key`, without
/// reading it: the update, and the checks of what its changed RelatedFields with
/// `referentialIntegrity` name. A change of a unique field is refused: releasing the old value
/// needs the item as loaded.
pub(crate) fn transaction_parts(
    db: &Db,
    schema: &'static ModelSchema,
    key: Item,
    changes: Changes,
    condition: Option<&Condition>,
) -> Result<(Vec<Part>, fetch::CacheKey)> {
    if let Some(constraint) = schema
        .unique_constraints
        .iter()
        .find(|constraint| changes.get(constraint.field).is_some())
    {
        return Err(Error::validation(
            schema.name,
            constraint.field,
            format!(
                "has unique constraint `{}`; change it with `update` or `save` outside a transaction, which release the old value",
                constraint.name
            ),
        ));
    }
    let options = SaveOptions {
        condition: condition.cloned(),
        ..SaveOptions::default()
    };
    let (checks, _, plan) = plan_write(db, schema, &key, changes, None, &options)?;
    let parts = plan.transaction(db, schema, checks)?;
    Ok((parts, fetch::CacheKey::of(db, &plan.stored_key)))
}

/// Everything one write of changes needs, then the write itself.
pub(super) async fn apply(
    db: &Db,
    schema: &'static ModelSchema,
    key: Item,
    changes: Changes,
    known: Option<&Item>,
    options: SaveOptions,
) -> Result<(Item, Capacity)> {
    let (checks, stamped, plan) = plan_write(db, schema, &key, changes, known, &options)?;
    let cache_key = scope::is_inside().then(|| fetch::CacheKey::of(db, &plan.stored_key));
    let result = if plan.moves.is_empty() && checks.is_empty() {
        // A throttled write is planned again from the same stamped changes, so that the usual
        // write does not copy its request up front.
        let again = || Plan::new(db, schema, &key, &stamped, known, &options, false).ok();
        update_item(db, schema, plan, again).await
    } else {
        // Boxed: a transaction's code is compiled out of line of the usual UpdateItem.
        in_transaction(db, schema, plan, checks, known.is_some())
            .boxed()
            .await
    };
    match result {
        Ok((fields, capacity)) => {
            scope::record_write(capacity);
            if let Some(cache_key) = cache_key {
                scope::remember(cache_key, Some(fields.clone()));
            }
            Ok((fields, capacity))
        }
        Err(error) => {
            if let Some(cache_key) = &cache_key {
                scope::forget(cache_key);
            }
            Err(error)
        }
    }
}

/// The write of a plan that moves unique values or checks references: one transaction, then
/// the item read back when it was not `known` (a transaction returns no item).
async fn in_transaction(
    db: &Db,
    schema: &'static ModelSchema,
    plan: Plan,
    checks: Vec<Part>,
    known: bool,
) -> Result<(Item, Capacity)> {
    let parts = plan.transaction(db, schema, checks)?;
    let merged = plan.merged.filter(|_| known);
    match transact::write(db, parts).await {
        Ok(capacity) => match merged {
            Some(merged) => Ok((model::fields_only_of(schema, merged), capacity)),
            None => {
                let (item, read) = fetch::get_item(db, plan.stored_key, true).await?;
                let item = item.ok_or_else(|| Error::NotFound {
                    model: schema.name,
                    id: plan.id,
                })?;
                Ok((model::fields_only_of(schema, item), capacity + read))
            }
        },
        Err(failure) => Err(match failure.missing_reference() {
            Some(missing) => missing,
            None => plan.conflict.explain_transaction(failure),
        }),
    }
}

/// One UpdateItem returning the item as stored afterwards; `again` plans it anew for a retry.
pub(super) async fn update_item(
    db: &Db,
    schema: &'static ModelSchema,
    plan: Plan,
    mut again: impl FnMut() -> Option<Plan>,
) -> Result<(Item, Capacity)> {
    let span = call::span("UpdateItem", db.table(), None, Some(schema.name));
    let request = |parts: UpdateRequest| {
        db.calls()
            .update_item()
            .table_name(db.table())
            .set_key(Some(parts.key))
            .update_expression(parts.update_expression)
            .condition_expression(parts.condition_expression)
            .set_expression_attribute_names(parts.names)
            .set_expression_attribute_values(parts.values)
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
    };
    let Plan {
        id,
        conflict,
        stored_key,
        update_expression,
        condition_expression,
        names,
        values,
        ..
    } = plan;
    let first = UpdateRequest {
        key: stored_key,
        update_expression,
        condition_expression,
        names,
        values,
    };
    let (sent, attempts) = retry::send_request!(
        db,
        span,
        request,
        first: first,
        again: || again().map(Plan::into_request)
    );
    match sent {
        Ok(output) => {
            let capacity = Capacity::write_from(output.consumed_capacity());
            call::record(&span, 1, capacity);
            let item = output.attributes.unwrap_or_default();
            Ok((model::fields_only_of(schema, item), capacity))
        }
        Err(error) => Err(
            match call::classify("UpdateItem", attempts, error, |service| match service {
                UpdateItemError::ConditionalCheckFailedException(failed) => {
                    Some(Failure::ConditionFailed(failed.item.clone()))
                }
                _ => None,
            }) {
                Failure::ConditionFailed(old) => conflict.explain(old.as_ref()),
                Failure::TooLarge(_) => Error::ItemTooLarge {
                    model: schema.name,
                    id,
                    size: None,
                },
                other => other.into_error("UpdateItem"),
            },
        ),
    }
}

fn not_found(schema: &ModelSchema, key: &Item) -> Error {
    Error::NotFound {
        model: schema.name,
        id: keys::primary_id(schema, key).unwrap_or_default(),
    }
}

/// Explains a failed guard from the item as it was.
pub(super) struct Conflict {
    pub(super) schema: &'static ModelSchema,
    pub(super) id: String,
    pub(super) expected_version: ExpectedVersion,
}

impl Conflict {
    fn explain(&self, old: Option<&Item>) -> Error {
        let Some(old) = old else {
            return Error::NotFound {
                model: self.schema.name,
                id: self.id.clone(),
            };
        };
        if let (Some(field), Some(expected)) = (
            self.schema.field_of_kind(FieldKind::Version),
            &self.expected_version,
        ) && old.get(field.name) != expected.as_ref()
        {
            return Error::VersionConflict {
                model: self.schema.name,
                id: self.id.clone(),
                expected: expected
                    .as_ref()
                    .and_then(|version| String::from_attr(version, FieldKind::Version).ok())
                    .unwrap_or_default(),
            };
        }
        Error::ConditionFailed {
            model: self.schema.name,
            id: self.id.clone(),
        }
    }

    fn explain_transaction(&self, failure: TxFailure) -> Error {
        if let Some((model, constraint, value)) = failure.taken_value() {
            return Error::UniqueViolation {
                model,
                constraint: constraint.name,
                field: constraint.field,
                value: value.to_owned(),
            };
        }
        if failure.main_condition_failed() {
            return self.explain(failure.main_item());
        }
        failure.into_error()
    }
}
