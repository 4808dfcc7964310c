//! The keys of global secondary indexes: `_gsiN_pk` and `_gsiN_sk` of an item, the partition
//! a query reads, and the attribute and index names of each GSI.

use super::{
    GSI_ATTRIBUTE_NAMES, GSI_INDEX_NAMES, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES, PK_ATTR,
    SK_ATTR, check_size, encode_field, field_schema, part_name, part_value, primary_partition,
    tenant_prefix,
};
use crate::codec::Item;
use crate::error::{Error, Result};
use crate::schema::{IndexSchema, KeyPart, ModelSchema};
use crate::tenant::Tenant;
use aws_sdk_dynamodb::types::AttributeValue;

/// The GSI key attributes (`_gsiN_pk`, `_gsiN_sk`) of an item for one index.
///
/// Returns `Ok(None)` when a source value is absent (missing or `NULL`), so the index stays
/// sparse, and for the `primaryKey` alias, which has no GSI.
///
/// # Errors
/// [`Error::Validation`] naming the field when a source value is empty, of a kind that
/// cannot be a key, or makes a key exceed DynamoDB's size limits.
pub fn index_keys(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    index: &IndexSchema,
    item: &Item,
) -> Result<Option<(String, String)>> {
    let Some(gsi) = index.gsi else {
        return Ok(None);
    };
    let pk = part_value(schema, index.key.partition, item)?;
    let sk = part_value(schema, index.key.sort, item)?;
    let (Some(pk), Some(sk)) = (pk, sk) else {
        return Ok(None);
    };
    let gsi_pk = gsi_partition(schema, tenant, gsi, &pk);
    let (pk_attr, sk_attr) = gsi_attribute_names(gsi);
    check_size(
        schema,
        part_name(index.key.partition),
        pk_attr,
        &gsi_pk,
        MAX_PARTITION_KEY_BYTES,
    )?;
    check_size(
        schema,
        part_name(index.key.sort),
        sk_attr,
        &sk,
        MAX_SORT_KEY_BYTES,
    )?;
    Ok(Some((gsi_pk, sk)))
}

/// The partition key value to query an index with: `_gsiN_pk` for a GSI, `_pk` for the
/// `primaryKey` alias. `value` is the stored value of the partition field, `None` when the
/// partition is the model prefix (it is then ignored).
///
/// # Errors
/// [`Error::Validation`] when the index partitions on a field and `value` is `None`, the
/// value cannot be encoded for the field's kind, or the key exceeds DynamoDB's size limit
/// (no stored item can have it).
pub fn index_partition(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    index: &IndexSchema,
    value: Option<&AttributeValue>,
) -> Result<String> {
    let pk = match index.key.partition {
        KeyPart::ModelPrefix => schema.prefix.to_owned(),
        KeyPart::Field(name) => {
            let field = field_schema(schema, name)?;
            let attr = value.ok_or_else(|| {
                Error::validation(
                    schema.name,
                    field.name,
                    format!("querying index `{}` needs a value", index.name),
                )
            })?;
            encode_field(schema, field, attr)?
        }
    };
    let partition = match index.gsi {
        Some(gsi) => gsi_partition(schema, tenant, gsi, &pk),
        None => primary_partition(schema, tenant, &pk),
    };
    check_size(
        schema,
        part_name(index.key.partition),
        index_attribute_names(index).0,
        &partition,
        MAX_PARTITION_KEY_BYTES,
    )?;
    Ok(partition)
}

fn gsi_partition(schema: &ModelSchema, tenant: Option<&Tenant>, gsi: u8, pk: &str) -> String {
    let t = tenant_prefix(tenant);
    [&t, schema.prefix, "#", gsi_index_name(gsi), "#", pk].concat()
}

/// The attribute names of a GSI slot: `(_gsiN_pk, _gsiN_sk)`.
///
/// # Panics
/// When `gsi` is not 1..=5; an [`IndexSchema`] never holds another slot.
pub fn gsi_attribute_names(gsi: u8) -> (&'static str, &'static str) {
    GSI_ATTRIBUTE_NAMES[usize::from(gsi) - 1]
}

/// The DynamoDB index name of a GSI slot (`gsi1`..`gsi5`).
///
/// # Panics
/// When `gsi` is not 1..=5; an [`IndexSchema`] never holds another slot.
pub fn gsi_index_name(gsi: u8) -> &'static str {
    GSI_INDEX_NAMES[usize::from(gsi) - 1]
}

/// The key attribute names an index is queried on: `_gsiN_pk`/`_gsiN_sk`, or `_pk`/`_sk`
/// for the `primaryKey` alias.
pub fn index_attribute_names(index: &IndexSchema) -> (&'static str, &'static str) {
    index.gsi.map_or((PK_ATTR, SK_ATTR), gsi_attribute_names)
}
