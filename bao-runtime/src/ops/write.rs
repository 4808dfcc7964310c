//! `save` and `update`: one UpdateItem of just the changed fields, or one transaction when a
//! unique value moves.

use super::layout;
use super::transact::{self, Part, Role, TxFailure};
use super::validate;
use crate::call::{self, Failure};
use crate::capacity::Capacity;
use crate::changes::{Change, Changes};
use crate::codec::{FieldSink, FieldValue, Item};
use crate::expr::{AttributeNames, AttributeValues, Condition, ExprBuilder, Path, UpdateExpr};
use crate::hooks::{self, WriteKind};
use crate::keys::{ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR};
use crate::model::{self, Model, ModelKey};
use crate::schema::{
    FieldKind, FieldSchema, IndexSchema, KeyPart, ModelSchema, UniqueConstraintSchema,
};
use crate::{Db, Error, Result, fetch, keys, retry, scope, search};
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ReturnConsumedCapacity, ReturnValue, ReturnValuesOnConditionCheckFailure,
    TransactWriteItem, Update,
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
    stored: Option<&'a Item>,
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
            stored,
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
        let before = self.stored.and_then(|stored| stored.get(field.name));
        if value.is_stored_as(before, field.kind) {
            if let Some(value) = before {
                self.size += validate::attribute_size(field.name, value);
            }
            return;
        }
        self.change(field, before, value.to_attr(field.kind));
    }
}

/// A write of changes, planned: the main UpdateItem's parts and the unique values it moves.
struct Plan {
    id: String,
    stored_key: Item,
    update_expression: String,
    condition_expression: String,
    names: Option<AttributeNames>,
    values: Option<AttributeValues>,
    moves: Vec<UniqueMove>,
    /// The item as it will be after the write, when the plan needed it or a transaction
    /// returns it (a transaction returns no item).
    merged: Option<Item>,
    conflict: Conflict,
}

/// What one UpdateItem of a [`Plan`] sends.
struct UpdateRequest {
    key: Item,
    update_expression: String,
    condition_expression: String,
    names: Option<AttributeNames>,
    values: Option<AttributeValues>,
}

/// Changes as a write sends them: validated, then with ModifiedDate fields refreshed and the
/// version replaced. Stamped once, so that a throttled write sent again writes the same.
struct Stamped {
    changes: Changes,
    expected_version: ExpectedVersion,
}

impl Stamped {
    fn new(
        db: &Db,
        schema: &'static ModelSchema,
        mut changes: Changes,
        known: Option<&Item>,
    ) -> Result<Stamped> {
        validate::changes(schema, &changes)?;
        let expected_version = stamp(db, schema, &mut changes, known);
        Ok(Stamped {
            changes,
            expected_version,
        })
    }
}

/// A unique value a write moves: (constraint, old value, new value).
type UniqueMove = (
    &'static UniqueConstraintSchema,
    Option<AttributeValue>,
    Option<AttributeValue>,
);

impl Plan {
    /// Everything one write of `stamped` to the item with `key` needs. `known` is the item as
    /// loaded, when it was; `checks_references` tells that the write is a transaction with
    /// reference checks. Made again, from the same arguments, for a throttled write.
    fn new(
        db: &Db,
        schema: &'static ModelSchema,
        key: &Item,
        stamped: &Stamped,
        known: Option<&Item>,
        options: &SaveOptions,
        checks_references: bool,
    ) -> Result<Plan> {
        let condition = options.condition.as_ref();
        let Stamped {
            changes,
            expected_version,
        } = stamped;
        let keys::StoredKeys {
            primary,
            id,
            iteration,
        } = keys::stored_keys(schema, db.tenant(), key)?;

        let mut expr = ExprBuilder::new();
        let mut update = UpdateExpr::new();
        for (field, change) in changes.iter() {
            match change {
                Change::Set(value) => update.set(field.name, value.clone()),
                Change::Remove => update.remove(field.name),
                Change::Add(value) => update.add(field.name, value.clone()),
                Change::Delete(value) => update.delete(field.name, value.clone()),
                Change::Append(value) => update.append(Path::attr(field.name), value.clone()),
                Change::Patch(patch) => {
                    for (members, change) in patch.entries() {
                        let path = members.iter().fold(Path::attr(field.name), |path, member| {
                            path.member(member.name)
                        });
                        match change {
                            Change::Remove => update.remove_path(path),
                            Change::Set(value) => update.set_path(path, value.clone()),
                            // A patch holds sets and removals only.
                            _ => {}
                        }
                    }
                }
            }
        }
        let moves = unique_moves(schema, changes, known);
        // The GSIs whose key attributes the change rewrites.
        let rekeyed: Vec<&IndexSchema> = schema
            .indexes
            .iter()
            .filter(|index| {
                index.gsi.is_some() && index_sources(index).any(|name| changes.get(name).is_some())
            })
            .collect();
        // A transaction returns no item: the item as loaded, changed, stands for it.
        let returned_by_transaction = known.is_some() && (checks_references || !moves.is_empty());
        // Copying the item is left out of the common save, which needs none of these.
        let merged = (!rekeyed.is_empty() || options.force_reindex || returned_by_transaction)
            .then(|| merge(key, known, changes));
        if let Some(merged) = &merged {
            for index in rekeyed {
                let complete = known.is_some();
                reindex(db, schema, index, changes, merged, complete, &mut update)?;
            }
        }
        if let Some((pk, sk)) = iteration {
            update.set(ITER_PK_ATTR, AttributeValue::S(pk));
            update.set(ITER_SK_ATTR, AttributeValue::S(sk));
        }
        research(schema, changes, known, &mut update)?;
        if let Some(merged) = merged.as_ref().filter(|_| options.force_reindex) {
            let fields = model::fields_only_of(schema, merged.clone());
            for (name, value) in layout::derived_attributes(db, schema, &fields)? {
                match value {
                    Some(value) => update.set(name, value),
                    None => update.remove(name),
                }
            }
        }

        let mut guards = vec![format!("attribute_exists({})", expr.name(PK_ATTR))];
        if let (Some(field), Some(expected)) =
            (schema.field_of_kind(FieldKind::Version), expected_version)
        {
            guards.push(match expected {
                Some(version) => format!(
                    "{} = {}",
                    expr.name(field.name),
                    expr.value(version.clone())
                ),
                // Stored before the model had a VersionField: never versioned, and a write
                // that versioned it in between wins.
                None => format!("attribute_not_exists({})", expr.name(field.name)),
            });
        }
        for (constraint, old, _) in &moves {
            guards.push(match old {
                Some(old) => format!(
                    "{} = {}",
                    expr.name(constraint.field),
                    expr.value(old.clone())
                ),
                None => format!("attribute_not_exists({})", expr.name(constraint.field)),
            });
        }
        if let Some(condition) = condition {
            guards.push(condition.render_grouped(&mut expr));
        }
        let update_expression = update.into_rendered(&mut expr);
        let (names, values) = expr.into_parts();
        Ok(Plan {
            stored_key: primary.into_item(),
            update_expression,
            condition_expression: guards.join(" AND "),
            names,
            values,
            moves,
            merged,
            conflict: Conflict {
                schema,
                id: id.clone(),
                expected_version: expected_version.clone(),
            },
            id,
        })
    }

    /// The UpdateItem request's parts, out of the plan.
    fn into_request(self) -> UpdateRequest {
        UpdateRequest {
            key: self.stored_key,
            update_expression: self.update_expression,
            condition_expression: self.condition_expression,
            names: self.names,
            values: self.values,
        }
    }

    /// The main write as a transaction part.
    fn main_part(&self, db: &Db) -> Result<Part> {
        let main = Update::builder()
            .table_name(db.table())
            .set_key(Some(self.stored_key.clone()))
            .update_expression(&self.update_expression)
            .condition_expression(&self.condition_expression)
            .set_expression_attribute_names(self.names.clone())
            .set_expression_attribute_values(self.values.clone())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|error| Error::sdk("TransactWriteItems", error))?;
        Ok(Part {
            item: TransactWriteItem::builder().update(main).build(),
            role: Role::Main {
                action: "update",
                model: self.conflict.schema.name,
                id: self.id.clone(),
            },
        })
    }

    /// The parts of the write as one transaction: the main write, `checks`, then the release
    /// of each old unique value and the claim of each new one.
    fn transaction(
        &self,
        db: &Db,
        schema: &'static ModelSchema,
        checks: Vec<Part>,
    ) -> Result<Vec<Part>> {
        let mut parts = vec![self.main_part(db)?];
        parts.extend(checks);
        for (constraint, old, new) in &self.moves {
            if let Some(old) = old.as_ref().and_then(layout::unique_value) {
                parts.push(transact::release(db, schema, constraint, &old, &self.id)?);
            }
            if let Some(new) = new.as_ref().and_then(layout::unique_value) {
                parts.push(transact::claim(db, schema, constraint, &new, &self.id)?);
            }
        }
        Ok(parts)
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

/// A write of `changes` planned, in this order: the reference checks it needs, the changes
/// validated and stamped (kept, to plan a throttled write again), and the plan.
fn plan_write(
    db: &Db,
    schema: &'static ModelSchema,
    key: &Item,
    changes: Changes,
    known: Option<&Item>,
    options: &SaveOptions,
) -> Result<(Vec<Part>, Stamped, Plan)> {
    let checks = reference_checks(db, schema, &changes, options)?;
    let stamped = Stamped::new(db, schema, changes, known)?;
    let plan = Plan::new(
        db,
        schema,
        key,
        &stamped,
        known,
        options,
        !checks.is_empty(),
    )?;
    Ok((checks, stamped, plan))
}

/// The checks that the items the changed RelatedFields with `referentialIntegrity` name exist,
/// unless the changes or the options skip them.
fn reference_checks(
    db: &Db,
    schema: &'static ModelSchema,
    changes: &Changes,
    options: &SaveOptions,
) -> Result<Vec<Part>> {
    match changes.checks_references() && !options.skip_reference_checks {
        true => transact::reference_checks(db, schema, |name| changes.set_value(name)),
        false => Ok(Vec::new()),
    }
}

/// Everything one write of changes needs, then the write itself.
async fn apply(
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
async fn update_item(
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

/// The version a write of a loaded item expects to replace: `Some(None)` when the item was
/// stored without one; `None` when the item was not loaded (nothing to compare with).
type ExpectedVersion = Option<Option<AttributeValue>>;

/// Refreshes ModifiedDate fields and replaces the version; returns the version the write
/// expects to replace.
fn stamp(
    db: &Db,
    schema: &'static ModelSchema,
    changes: &mut Changes,
    known: Option<&Item>,
) -> ExpectedVersion {
    let mut expected = None;
    for field in schema.fields {
        match field.kind {
            FieldKind::ModifiedDate => changes.set(field, &db.now()),
            FieldKind::Version => {
                expected = known.map(|item| item.get(field.name).cloned());
                changes.set(field, &db.new_ulid());
            }
            _ => {}
        }
    }
    expected
}

/// The item as it will be after the write, as far as it is known.
fn merge(key: &Item, known: Option<&Item>, changes: &Changes) -> Item {
    let mut merged = known.cloned().unwrap_or_default();
    merged.extend(key.clone());
    for (field, change) in changes.iter() {
        match change {
            Change::Set(value) => {
                merged.insert(field.name.to_owned(), value.clone());
            }
            Change::Remove => {
                merged.remove(field.name);
            }
            Change::Add(AttributeValue::N(delta)) => {
                let base = match merged.get(field.name) {
                    Some(AttributeValue::N(n)) => n.parse::<i64>().unwrap_or(0),
                    _ => 0,
                };
                let sum = base.saturating_add(delta.parse::<i64>().unwrap_or(0));
                merged.insert(field.name.to_owned(), AttributeValue::N(sum.to_string()));
            }
            Change::Patch(patch) => {
                if let Some(AttributeValue::M(members)) = merged.get_mut(field.name) {
                    patch.apply(members);
                }
            }
            Change::Append(AttributeValue::L(added)) => match merged.get_mut(field.name) {
                Some(AttributeValue::L(list)) => list.extend(added.iter().cloned()),
                _ => {
                    merged.insert(field.name.to_owned(), AttributeValue::L(added.clone()));
                }
            },
            Change::Add(_) | Change::Delete(_) | Change::Append(_) => {}
        }
    }
    merged
}

/// The fields an index's key is made of.
fn index_sources(index: &IndexSchema) -> impl Iterator<Item = &'static str> {
    [index.key.partition, index.key.sort]
        .into_iter()
        .filter_map(|part| match part {
            KeyPart::Field(name) => Some(name),
            KeyPart::ModelPrefix => None,
        })
}

/// Keeps the key attributes of an index whose source field changed right after the change:
/// rewritten, or removed when a source field became empty (the index stays sparse).
fn reindex(
    db: &Db,
    schema: &'static ModelSchema,
    index: &IndexSchema,
    changes: &Changes,
    merged: &Item,
    complete: bool,
    update: &mut UpdateExpr,
) -> Result<()> {
    let Some(gsi) = index.gsi else { return Ok(()) };
    let (pk_attr, sk_attr) = keys::gsi_attribute_names(gsi);
    if !complete {
        let removed =
            index_sources(index).any(|name| matches!(changes.get(name), Some(Change::Remove)));
        if let Some(missing) = index_sources(index).find(|name| !merged.contains_key(*name))
            && !removed
        {
            return Err(Error::validation(
                schema.name,
                missing,
                format!(
                    "is needed to re-key index `{}`; set it in the same update, or load the item and save it",
                    index.name
                ),
            ));
        }
    }
    match keys::index_keys(schema, db.tenant(), index, merged)? {
        Some((pk, sk)) => {
            update.set(pk_attr, AttributeValue::S(pk));
            update.set(sk_attr, AttributeValue::S(sk));
        }
        None => {
            update.remove(pk_attr);
            update.remove(sk_attr);
        }
    }
    Ok(())
}

/// Keeps `_searchText` right after the change, as DynamoBao does: recomputed from the item as
/// it will be when a source field is written (even to the same value), removed when the text
/// becomes empty, left alone otherwise. An update without a read must then write every source
/// field, since the others' stored values are unknown; it is refused otherwise, naming one
/// (as a half-written index key is).
fn research(
    schema: &'static ModelSchema,
    changes: &Changes,
    known: Option<&Item>,
    update: &mut UpdateExpr,
) -> Result<()> {
    let Some(config) = schema.search else {
        return Ok(());
    };
    let written: Vec<Option<Option<&AttributeValue>>> = config
        .fields
        .iter()
        .map(|name| match changes.get(name) {
            Some(Change::Set(value)) => Some(Some(value)),
            Some(_) => Some(None),
            None => None,
        })
        .collect();
    if known.is_none()
        && written.iter().any(Option::is_some)
        && let Some(missing) = config
            .fields
            .iter()
            .find(|name| changes.get(name).is_none())
    {
        return Err(Error::validation(
            schema.name,
            missing,
            "is needed to recompute the search text; set it in the same update, or load the item and save it",
        ));
    }
    let current: Vec<Option<&AttributeValue>> = config
        .fields
        .iter()
        .map(|name| known.and_then(|item| item.get(*name)))
        .collect();
    match search::search_text_update(config, &written, Some(&current), false) {
        search::SearchTextUpdate::Keep => {}
        search::SearchTextUpdate::Set(text) => {
            update.set(search::SEARCH_TEXT, AttributeValue::S(text));
        }
        search::SearchTextUpdate::Remove => update.remove(search::SEARCH_TEXT),
    }
    Ok(())
}

/// Unique values this write moves: (constraint, old value, new value).
fn unique_moves(
    schema: &'static ModelSchema,
    changes: &Changes,
    known: Option<&Item>,
) -> Vec<UniqueMove> {
    schema
        .unique_constraints
        .iter()
        .filter_map(|constraint| {
            let new = match changes.get(constraint.field)? {
                Change::Set(value) => Some(value.clone()),
                _ => None,
            };
            let old = known.and_then(|item| item.get(constraint.field)).cloned();
            (old != new).then_some((constraint, old, new))
        })
        .collect()
}

fn not_found(schema: &ModelSchema, key: &Item) -> Error {
    Error::NotFound {
        model: schema.name,
        id: keys::primary_id(schema, key).unwrap_or_default(),
    }
}

/// Explains a failed guard from the item as it was.
struct Conflict {
    schema: &'static ModelSchema,
    id: String,
    expected_version: ExpectedVersion,
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
