//! The plan of a `save` or an `update`: the UpdateItem of the changes, stamped (modification
//! dates, version), with the index keys, iteration keys and search text they move, and the
//! unique values they move (which make the write a transaction).

use super::layout;
use super::transact::{self, Part, Role};
use super::validate;
use super::write::{Conflict, SaveOptions};
use crate::changes::{Change, Changes};
use crate::codec::Item;
use crate::expr::{AttributeNames, AttributeValues, ExprBuilder, Path, UpdateExpr};
use crate::keys::{ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR};
use crate::model;
use crate::schema::{FieldKind, IndexSchema, KeyPart, ModelSchema, UniqueConstraintSchema};
use crate::{Db, Error, Result, keys, search};
use aws_sdk_dynamodb::types::{
    AttributeValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};

/// A write of changes, planned: the main UpdateItem's parts and the unique values it moves.
pub(super) struct Plan {
    pub(super) id: String,
    pub(super) stored_key: Item,
    pub(super) update_expression: String,
    pub(super) condition_expression: String,
    pub(super) names: Option<AttributeNames>,
    pub(super) values: Option<AttributeValues>,
    pub(super) moves: Vec<UniqueMove>,
    /// The item as it will be after the write, when the plan needed it or a transaction
    /// returns it (a transaction returns no item).
    pub(super) merged: Option<Item>,
    pub(super) conflict: Conflict,
}

/// What one UpdateItem of a [`Plan`] sends.
pub(super) struct UpdateRequest {
    pub(super) key: Item,
    pub(super) update_expression: String,
    pub(super) condition_expression: String,
    pub(super) names: Option<AttributeNames>,
    pub(super) values: Option<AttributeValues>,
}

/// Changes as a write sends them: validated, then with ModifiedDate fields refreshed and the
/// version replaced. Stamped once, so that a throttled write sent again writes the same.
pub(super) struct Stamped {
    pub(super) changes: Changes,
    pub(super) expected_version: ExpectedVersion,
}

impl Stamped {
    pub(super) fn new(
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
    pub(super) fn new(
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
    pub(super) fn into_request(self) -> UpdateRequest {
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
    pub(super) fn transaction(
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

/// A write of `changes` planned, in this order: the reference checks it needs, the changes
/// validated and stamped (kept, to plan a throttled write again), and the plan.
pub(super) fn plan_write(
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

/// The version a write of a loaded item expects to replace: `Some(None)` when the item was
/// stored without one; `None` when the item was not loaded (nothing to compare with).
pub(super) type ExpectedVersion = Option<Option<AttributeValue>>;

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
