//! Delete rules (`onDelete` on a RelatedField): what deleting an item does to the items of
//! other models that name it.
//!
//! A delete of an item whose model has rules reads it (consistently, unless it was loaded),
//! queries each rule's index for the items that name it, and sends one transaction: the item's
//! Delete and unique-value releases, and per named item a Delete (`cascade`, releasing its
//! unique values) or an Update removing the field (`setNull`), each conditioned on the item
//! still naming the deleted one. `restrict` refuses before anything is sent. After the commit,
//! the indexes are queried again, and items that name the deleted item then (created between
//! the query and the commit, or not yet in the index) get their rule one write at a time: with
//! `referentialIntegrity` on their field, no item can name the deleted one after the commit, so
//! this converges.

use super::delete as delete_op;
use super::transact::{self, Part, TxFailure};
use super::{layout, write};
use crate::call;
use crate::capacity::Capacity;
use crate::changes::Changes;
use crate::codec::Item;
use crate::expr::{Attr, Condition, ExprBuilder, key_condition};
use crate::keys;
use crate::model::{self, Model, ModelKey};
use crate::schema::{ChildRule, FieldKind, KeyPart, ModelSchema, OnDelete};
use crate::{Db, Error, Result, fetch, retry, scope};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};

/// How many times the indexes are queried again after the commit.
const SWEEPS: usize = 3;

/// Deletes the item with `key` of a model with delete rules, applying them in the same
/// transaction; `known` is the item as loaded, when it was.
pub(crate) async fn delete<M: Model>(
    db: &Db,
    key: Item,
    known: Option<Item>,
    condition: Option<&Condition>,
) -> Result<M> {
    let schema = M::SCHEMA;
    let id = keys::primary_id(schema, &key)?;
    let stored_key = layout::key_of(db, schema, &key)?;
    let (fields, mut capacity) = match known {
        Some(fields) => (fields, Capacity::ZERO),
        None => {
            let (item, read) = fetch::get_item(db, stored_key.clone(), true).await?;
            scope::record_read(read);
            let item = item.ok_or_else(|| Error::NotFound {
                model: schema.name,
                id: id.clone(),
            })?;
            (model::fields_only_of(schema, item), read)
        }
    };
    let (rules, read) = rule_parts(db, schema, &id).await?;
    capacity += read;
    let mut parts = delete_op::transaction_parts(db, schema, &id, stored_key, &fields, condition)?;
    parts.extend(rules);
    if parts.len() > transact::MAX_TRANSACTION_ITEMS {
        return Err(Error::validation(
            schema.name,
            "onDelete",
            format!(
                "deleting {} `{id}` takes {} transaction items with its delete rules, DynamoDB \
                 allows at most {}: use `delete_cascading`, which applies them one write at a \
                 time",
                schema.name,
                parts.len(),
                transact::MAX_TRANSACTION_ITEMS
            ),
        ));
    }
    let written = transact::write(db, parts)
        .await
        .map_err(|failure| delete_op::failure_of_delete(schema, &id, failure))?;
    scope::record_write(written);
    scope::forget(&fetch::CacheKey::of(db, &layout::key_of(db, schema, &key)?));
    capacity += written + sweep(db, schema, &id).await?;
    model::load(fields, capacity)
}

/// Applies the delete rules of `M` to the items that name the item with `key` one write at a
/// time, then deletes it: for deletes whose rules pass one transaction's 100 items. Safe to run
/// again after a failure. Fails with [`Error::Restricted`] before writing anything when a
/// `restrict` rule has items.
pub async fn delete_cascading<M: Model>(db: &Db, key: &M::Key) -> Result<M> {
    let schema = M::SCHEMA;
    let key = key.key_item();
    let id = keys::primary_id(schema, &key)?;
    for rule in schema.children {
        if rule.rule == OnDelete::Restrict {
            let (named, _) = named_by(db, rule, &id).await?;
            if !named.is_empty() {
                return Err(restricted(schema, &id, rule, named.len()));
            }
        }
    }
    sweep(db, schema, &id).await?;
    delete_op::delete_without_rules::<M>(db, key).await
}

/// The parts that apply each rule to the items that name `id`, and the capacity of the
/// queries; refuses a `restrict` rule with items.
async fn rule_parts(
    db: &Db,
    schema: &'static ModelSchema,
    id: &str,
) -> Result<(Vec<Part>, Capacity)> {
    let mut parts = Vec::new();
    let mut capacity = Capacity::ZERO;
    for rule in schema.children {
        let (named, read) = named_by(db, rule, id).await?;
        capacity += read;
        if rule.rule == OnDelete::Restrict {
            if !named.is_empty() {
                return Err(restricted(schema, id, rule, named.len()));
            }
            continue;
        }
        for fields in &named {
            parts.extend(rule_write(db, rule, id, fields)?);
        }
    }
    Ok((parts, capacity))
}

/// The parts that apply `rule` to one item naming `id`, conditioned on it still naming it.
fn rule_write(db: &Db, rule: &ChildRule, id: &str, fields: &Item) -> Result<Vec<Part>> {
    let child = (rule.model)();
    let still = Attr::<String>::new(rule.field, FieldKind::Related).eq(id.to_owned());
    let key = key_fields(child, fields);
    match rule.rule {
        OnDelete::Cascade => {
            let child_id = keys::primary_id(child, &key)?;
            let stored_key = layout::key_of(db, child, &key)?;
            delete_op::transaction_parts(db, child, &child_id, stored_key, fields, Some(&still))
        }
        OnDelete::SetNull => {
            let field = child.field(rule.field).ok_or_else(|| {
                Error::validation(child.name, rule.field, "is not a field of the model")
            })?;
            let mut changes = Changes::new();
            changes.remove(field);
            let (parts, _) = write::transaction_parts(db, child, key, changes, Some(&still))?;
            Ok(parts)
        }
        OnDelete::Restrict => Ok(Vec::new()),
    }
}

/// Applies every rule, one write at a time, to the items that name `id` now; again while some
/// are found, a few times.
async fn sweep(db: &Db, schema: &'static ModelSchema, id: &str) -> Result<Capacity> {
    let mut capacity = Capacity::ZERO;
    for _ in 0..SWEEPS {
        let mut found = false;
        for rule in schema
            .children
            .iter()
            .filter(|r| r.rule != OnDelete::Restrict)
        {
            let (named, read) = named_by(db, rule, id).await?;
            capacity += read;
            for fields in &named {
                found = true;
                let parts = rule_write(db, rule, id, fields)?;
                match transact::write(db, parts).await {
                    Ok(written) => {
                        scope::record_write(written);
                        capacity += written;
                    }
                    // Changed or deleted by another writer in between: the next sweep sees it.
                    Err(TxFailure::Cancelled(_)) => {}
                    Err(TxFailure::Other(error)) => return Err(error),
                }
            }
        }
        if !found {
            break;
        }
    }
    Ok(capacity)
}

/// The items of the rule's model whose field names `id`, as fields, through its index (all
/// pages).
async fn named_by(db: &Db, rule: &ChildRule, id: &str) -> Result<(Vec<Item>, Capacity)> {
    let child = (rule.model)();
    let index = child.index(rule.index).ok_or_else(|| {
        Error::validation(child.name, rule.index, "no such index for the delete rule")
    })?;
    let partition = keys::index_partition(
        child,
        db.tenant(),
        index,
        Some(&AttributeValue::S(id.to_owned())),
    )?;
    let (pk_attr, sk_attr) = keys::index_attribute_names(index);
    let mut items = Vec::new();
    let mut capacity = Capacity::ZERO;
    let mut start = None;
    loop {
        let mut expr = ExprBuilder::new();
        let key_expression = key_condition(&mut expr, pk_attr, partition.clone(), sk_attr, None);
        let (names, values) = expr.into_parts();
        let span = call::span(
            "Query",
            db.table(),
            index.gsi.map(keys::gsi_index_name),
            None,
        );
        let request = db
            .calls()
            .query()
            .table_name(db.table())
            .set_index_name(index.gsi.map(|gsi| keys::gsi_index_name(gsi).to_owned()))
            .key_condition_expression(key_expression)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .set_exclusive_start_key(start)
            .return_consumed_capacity(ReturnConsumedCapacity::Total);
        let (result, attempts) = retry::send_request!(db, span, request);
        let output = result.map_err(|error| {
            call::classify("Query", attempts, error, |_| None).into_error("Query")
        })?;
        let read = Capacity::read_from(output.consumed_capacity());
        scope::record_read(read);
        capacity += read;
        let page = output.items.unwrap_or_default();
        call::record(&span, page.len(), read);
        items.extend(
            page.into_iter()
                .map(|item| model::fields_only_of(child, item)),
        );
        match output.last_evaluated_key {
            Some(last) => start = Some(last),
            None => return Ok((items, capacity)),
        }
    }
}

/// The key fields of an item of `schema`.
fn key_fields(schema: &ModelSchema, fields: &Item) -> Item {
    [schema.primary_key.partition, schema.primary_key.sort]
        .into_iter()
        .filter_map(|part| match part {
            KeyPart::Field(name) => Some((name.to_owned(), fields.get(name)?.clone())),
            KeyPart::ModelPrefix => None,
        })
        .collect()
}

fn restricted(schema: &'static ModelSchema, id: &str, rule: &ChildRule, count: usize) -> Error {
    Error::Restricted {
        model: schema.name,
        id: id.to_owned(),
        child: (rule.model)().name,
        field: rule.field,
        count,
    }
}
