//! Where a model's fields go in DynamoDB: key, index, iteration, search and unique-constraint
//! attributes.

use crate::codec::Item;
use crate::keys::{self, ITER_PK_ATTR, ITER_SK_ATTR, PK_ATTR, PrimaryKey, SK_ATTR};
use crate::schema::{ModelSchema, UniqueConstraintSchema};
use crate::{Db, Result, search};
use aws_sdk_dynamodb::types::AttributeValue;

/// `{_pk, _sk}` of the item with these key fields.
pub(crate) fn key_of(db: &Db, schema: &ModelSchema, key_fields: &Item) -> Result<Item> {
    let PrimaryKey { pk, sk } = keys::primary_key(schema, db.tenant(), key_fields)?;
    Ok(Item::from([
        (PK_ATTR.to_owned(), AttributeValue::S(pk)),
        (SK_ATTR.to_owned(), AttributeValue::S(sk)),
    ]))
}

/// The whole item to store: the fields plus every key attribute bao maintains.
pub(crate) fn stored_item(db: &Db, schema: &ModelSchema, fields: &Item) -> Result<Item> {
    let mut item = fields.clone();
    item.extend(key_of(db, schema, fields)?);
    for index in schema.indexes {
        let Some(gsi) = index.gsi else { continue };
        if let Some((pk, sk)) = keys::index_keys(schema, db.tenant(), index, fields)? {
            let (pk_attr, sk_attr) = keys::gsi_attribute_names(gsi);
            item.insert(pk_attr.to_owned(), AttributeValue::S(pk));
            item.insert(sk_attr.to_owned(), AttributeValue::S(sk));
        }
    }
    if let Some((pk, sk)) = keys::iteration_keys(schema, db.tenant(), fields)? {
        item.insert(ITER_PK_ATTR.to_owned(), AttributeValue::S(pk));
        item.insert(ITER_SK_ATTR.to_owned(), AttributeValue::S(sk));
    }
    // A new item with no search text has no `_searchText` attribute, as in DynamoBao.
    if let Some(config) = schema.search {
        let written: Vec<Option<Option<&AttributeValue>>> = config
            .fields
            .iter()
            .map(|name| Some(fields.get(*name)))
            .collect();
        if let search::SearchTextUpdate::Set(text) =
            search::search_text_update(config, &written, None, false)
        {
            item.insert(search::SEARCH_TEXT.to_owned(), AttributeValue::S(text));
        }
    }
    Ok(item)
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
    let pk = keys::unique_constraint_key(schema, db.tenant(), constraint, value);
    keys::check_size(
        schema,
        constraint.field,
        PK_ATTR,
        &pk,
        keys::MAX_PARTITION_KEY_BYTES,
    )?;
    Ok(Item::from([
        (PK_ATTR.to_owned(), AttributeValue::S(pk)),
        (
            SK_ATTR.to_owned(),
            AttributeValue::S(keys::UNIQUE_CONSTRAINT_SK.to_owned()),
        ),
    ]))
}
