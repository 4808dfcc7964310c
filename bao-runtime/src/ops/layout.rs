//! Where a model's fields go in DynamoDB: key, index, iteration, search and unique-constraint
//! attributes.

use crate::codec::Item;
use crate::keys::{self, ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR, PrimaryKey, SK_ATTR, StoredKeys};
use crate::schema::{ModelSchema, UniqueConstraintSchema};
use crate::tenant::Tenant;
use crate::{Db, Result, search};
use aws_sdk_dynamodb::types::AttributeValue;

/// `{_pk, _sk}` of the item with these key fields.
pub(crate) fn key_of(db: &Db, schema: &ModelSchema, key_fields: &Item) -> Result<Item> {
    Ok(keys::primary_key(schema, db.tenant(), key_fields)?.into_item())
}

/// The whole item to store: the fields plus every key attribute bao maintains.
pub(crate) fn stored_item(db: &Db, schema: &ModelSchema, fields: &Item) -> Result<Item> {
    item_under(db.tenant(), schema, fields)
}

/// The whole item to store under `tenant`.
fn item_under(tenant: Option<&Tenant>, schema: &ModelSchema, fields: &Item) -> Result<Item> {
    let StoredKeys {
        primary: PrimaryKey { pk, sk },
        iteration,
        ..
    } = keys::stored_keys(schema, tenant, fields)?;
    let derived = derived_under(tenant, schema, fields, iteration)?;
    // A clone copies the fields' table without hashing them; growing it for the key
    // attributes then rehashes it once. That costs fewer instructions than a table sized
    // for everything up front into which each field is inserted (callgrind: 3 300 fewer
    // per create).
    let mut item = fields.clone();
    item.reserve(2 + derived.len());
    item.insert(PK_ATTR.to_owned(), AttributeValue::S(pk));
    item.insert(SK_ATTR.to_owned(), AttributeValue::S(sk));
    for (name, value) in derived {
        if let Some(value) = value {
            item.insert(name.to_owned(), value);
        }
    }
    Ok(item)
}

/// Every item a create of `fields` stores under `tenant`: the item itself, then one item per
/// unique constraint whose field has a value. For tools that show the layout (`bao describe`);
/// the writes build the same items.
///
/// # Errors
/// A key part that cannot be encoded, or a key too long for DynamoDB.
pub fn stored_items(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    fields: &Item,
) -> Result<Vec<Item>> {
    let item = item_under(tenant, schema, fields)?;
    let related_id = keys::primary_id(schema, fields)?;
    let mut items = vec![item];
    for constraint in schema.unique_constraints {
        let Some(value) = fields.get(constraint.field).and_then(unique_value) else {
            continue;
        };
        let unique = keys::unique_constraint_item(schema, tenant, constraint, &value, &related_id)?;
        items.push(unique);
    }
    Ok(items)
}

/// Every attribute bao derives from an item's fields under the current schema (GSI keys,
/// iteration keys, `_searchText`) with its value, or `None` where the item has none: a sparse
/// index whose source field is absent, or no search text (absent, as in DynamoBao).
pub(crate) fn derived_attributes(
    db: &Db,
    schema: &ModelSchema,
    fields: &Item,
) -> Result<Vec<(&'static str, Option<AttributeValue>)>> {
    let iteration = keys::iteration_keys(schema, db.tenant(), fields)?;
    derived_under(db.tenant(), schema, fields, iteration)
}

/// The derived attributes of `fields`, given their iteration keys.
fn derived_under(
    tenant: Option<&Tenant>,
    schema: &ModelSchema,
    fields: &Item,
    iteration: Option<(String, String)>,
) -> Result<Vec<(&'static str, Option<AttributeValue>)>> {
    let mut derived = Vec::new();
    for index in schema.indexes {
        let Some(gsi) = index.gsi else { continue };
        let (pk_attr, sk_attr) = keys::gsi_attribute_names(gsi);
        let (pk, sk) = match keys::index_keys(schema, tenant, index, fields)? {
            Some((pk, sk)) => (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))),
            None => (None, None),
        };
        derived.extend([(pk_attr, pk), (sk_attr, sk)]);
    }
    if let Some((pk, sk)) = iteration {
        derived.push((ITER_PK_ATTR, Some(AttributeValue::S(pk))));
        derived.push((ITER_SK_ATTR, Some(AttributeValue::S(sk))));
    }
    if let Some(config) = schema.search {
        let text = search::item_search_text(config, fields);
        derived.push((
            search::SEARCH_TEXT,
            (!text.is_empty()).then_some(AttributeValue::S(text)),
        ));
    }
    Ok(derived)
}

/// A unique constraint's value as DynamoBao writes it into the constraint key.
pub(crate) fn unique_value(attr: &AttributeValue) -> Option<String> {
    match attr {
        AttributeValue::S(value) | AttributeValue::N(value) => Some(value.clone()),
        AttributeValue::Bool(value) => Some(value.to_string()),
        _ => None,
    }
}

/// The key of a unique-constraint item; refused (naming the field) when the value makes it
/// longer than DynamoDB accepts, so no item can own it.
pub(crate) fn unique_key(
    db: &Db,
    schema: &ModelSchema,
    constraint: &UniqueConstraintSchema,
    value: &str,
) -> Result<Item> {
    let mut key = Item::with_capacity(2);
    put_unique_key(&mut key, unique_partition(db, schema, constraint, value)?);
    Ok(key)
}

/// The `_pk` of a unique-constraint item, refused as [`unique_key`] says.
pub(crate) fn unique_partition(
    db: &Db,
    schema: &ModelSchema,
    constraint: &UniqueConstraintSchema,
    value: &str,
) -> Result<String> {
    let pk = keys::unique_constraint_key(schema, db.tenant(), constraint, value);
    keys::check_size(
        schema,
        constraint.field,
        PK_ATTR,
        &pk,
        keys::MAX_PARTITION_KEY_BYTES,
    )?;
    Ok(pk)
}

/// Puts the key of the unique-constraint item of partition `pk` into `item`.
pub(crate) fn put_unique_key(item: &mut Item, pk: String) {
    item.insert(PK_ATTR.to_owned(), AttributeValue::S(pk));
    let sk = keys::UNIQUE_CONSTRAINT_SK.to_owned();
    item.insert(SK_ATTR.to_owned(), AttributeValue::S(sk));
}
