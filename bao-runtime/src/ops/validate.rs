//! Checks made before anything is sent.

use super::layout;
use crate::changes::{Change, Changes};
use crate::codec::{self, Item, PlacedFields};
use crate::schema::{KeyPart, ModelSchema, UniqueConstraintSchema};
use crate::{Error, Result, keys};
use aws_sdk_dynamodb::types::AttributeValue;

/// DynamoDB's limit on the size of one item, attribute names included.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// Refuses `item` when its size, as DynamoDB counts it, is surely over [`MAX_ITEM_BYTES`].
/// Numbers count as one byte (their least), so an item close to the limit is left to DynamoDB,
/// whose refusal is mapped to the same error. `fields` names the item in the error.
pub(crate) fn item_size(schema: &ModelSchema, fields: &Item, item: &Item) -> Result<()> {
    let size = item
        .iter()
        .map(|(name, value)| attribute_size(name, value))
        .sum();
    size_within_limit(schema, size, || fields.clone())
}

/// Refuses an item of `size` bytes (counted as [`item_size`] counts them) when it is over
/// [`MAX_ITEM_BYTES`]; `fields` gives the item's fields, to name it in the error.
pub(crate) fn size_within_limit(
    schema: &ModelSchema,
    size: usize,
    fields: impl FnOnce() -> Item,
) -> Result<()> {
    if size <= MAX_ITEM_BYTES {
        return Ok(());
    }
    Err(Error::ItemTooLarge {
        model: schema.name,
        id: keys::primary_id(schema, &fields()).unwrap_or_default(),
        size: Some(size),
    })
}

/// The bytes DynamoDB counts for one attribute, its name included (at least).
pub(crate) fn attribute_size(name: &str, value: &AttributeValue) -> usize {
    name.len() + value_size(value)
}

/// The bytes DynamoDB counts for a value (at least).
fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(text) => text.len(),
        AttributeValue::B(bytes) => bytes.as_ref().len(),
        AttributeValue::Ss(members) => members.iter().map(String::len).sum(),
        AttributeValue::Bs(members) => members.iter().map(|bytes| bytes.as_ref().len()).sum(),
        AttributeValue::Ns(members) => members.len(),
        AttributeValue::L(values) => {
            3 + values
                .iter()
                .map(|value| 1 + value_size(value))
                .sum::<usize>()
        }
        AttributeValue::M(entries) => {
            3 + entries
                .iter()
                .map(|(name, value)| name.len() + 1 + value_size(value))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// A new item: every required field present, every value within its field's limits.
pub(crate) fn new_item(schema: &ModelSchema, fields: &Item) -> Result<()> {
    let placed = PlacedFields::new(schema.fields, fields);
    for (at, field) in schema.fields.iter().enumerate() {
        match placed.attribute(at) {
            Some(attr) => codec::validate_field(schema.name, field, attr)?,
            None if field.required => {
                return Err(Error::validation(schema.name, field.name, "is required"));
            }
            None => {}
        }
    }
    Ok(())
}

/// Changes to a stored item: no key field changes, no required field removed, values within
/// limits.
pub(crate) fn changes(schema: &ModelSchema, changes: &Changes) -> Result<()> {
    for (field, change) in changes.iter() {
        if is_key_field(schema, field.name) {
            return Err(Error::validation(
                schema.name,
                field.name,
                "is part of the primary key and cannot change; create a new item instead",
            ));
        }
        match change {
            Change::Set(attr) | Change::Add(attr @ AttributeValue::N(_)) | Change::Append(attr) => {
                codec::validate_field(schema.name, field, attr)?;
            }
            Change::Patch(patch) => {
                for (members, change) in patch.entries() {
                    codec::validate_member(schema.name, field, members, change)?;
                }
            }
            Change::Remove if field.required => {
                return Err(Error::validation(
                    schema.name,
                    field.name,
                    "is required and cannot be removed",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether the field is part of the primary key.
pub(crate) fn is_key_field(schema: &ModelSchema, name: &str) -> bool {
    [schema.primary_key.partition, schema.primary_key.sort]
        .iter()
        .any(|part| matches!(part, KeyPart::Field(field) if *field == name))
}

/// The unique values an item claims, one per constraint whose field has a value.
pub(crate) fn unique_values(
    schema: &'static ModelSchema,
    fields: &Item,
) -> Vec<(&'static UniqueConstraintSchema, String)> {
    schema
        .unique_constraints
        .iter()
        .filter_map(|constraint| {
            let value = layout::unique_value(fields.get(constraint.field)?)?;
            Some((constraint, value))
        })
        .collect()
}
