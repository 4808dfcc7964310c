//! The key layout of DynamoBao: `_pk`/`_sk`, GSI keys, iteration keys, primary ids and
//! unique-constraint items.
//!
//! Notation: `T` is the tenant prefix (`[id]#`, or empty without a tenant), `P` the model
//! prefix and `enc(x)` the key encoding of a value ([`encode_key_value`]).
//!
//! | Attribute | Value |
//! |---|---|
//! | `_pk` | `T P # enc(pk)`, or `T P` when the partition key is the model prefix |
//! | `_sk` | `enc(sk)`, or `P` when the sort key is the model prefix |
//! | `_gsiN_pk` | `T P #gsiN# enc(pk)` (`enc(pk)` is `P` for a model-prefix partition) |
//! | `_gsiN_sk` | `enc(sk)`, or `P` |
//! | `_iter_pk` | `T P #iter# bucket` (3 digits), or `T P #iter` with one bucket |
//! | `_iter_sk` | the primary id |
//! | unique `_pk` | `T _raft_uc#_ucN# P # field : value` |
//!
//! Without a tenant every key is byte-identical to DynamoBao's. With a tenant bao diverges on
//! purpose in one place: DynamoBao leaves `_pk` of a model whose partition key is the model
//! prefix bare (`P`), so all tenants share that partition; bao writes `T P`.
//!
//! Values are not escaped (DynamoBao does not escape them either). Keys stay unambiguous
//! because the tenant charset excludes the delimiters (the first `]#` ends `T`), model
//! prefixes hold no `#`, `[`, `]` or `:` and never start with `_raft_uc` (`bao` refuses such
//! a schema; the first `#` after `T` ends `P`), every value is the last part of its key
//! attribute, and a primary id refuses components that would make the `##__SK__##` split
//! ambiguous. Each key is checked against DynamoDB's size limits before it is sent.

mod encode;
mod index;

pub use encode::{KeyValue, encode_key_value};
pub use index::{
    gsi_attribute_names, gsi_index_name, index_attribute_names, index_keys, index_partition,
};

use crate::codec::Item;
use crate::error::{Error, Result};
use crate::schema::{FieldSchema, KeyPart, ModelSchema, UniqueConstraintSchema};
use crate::tenant::Tenant;
use aws_sdk_dynamodb::types::AttributeValue;
use encode::encode;

/// The separator between the partition and sort parts of a composite primary id.
pub const SK_SEPARATOR: &str = "##__SK__##";
/// `_sk` of every unique-constraint item.
pub const UNIQUE_CONSTRAINT_SK: &str = "_raft_uc";
/// The table's partition key attribute.
pub const PK_ATTR: &str = "_pk";
/// The table's sort key attribute.
pub const SK_ATTR: &str = "_sk";
/// The partition key attribute of the iteration index.
pub const ITER_PK_ATTR: &str = "_iter_pk";
/// The sort key attribute of the iteration index.
pub const ITER_SK_ATTR: &str = "_iter_sk";
/// The name of the iteration index (KEYS_ONLY).
pub const ITER_INDEX_NAME: &str = "iter_index";
/// Largest partition key value DynamoDB accepts, in UTF-8 bytes.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;
/// Largest sort key value DynamoDB accepts, in UTF-8 bytes.
pub const MAX_SORT_KEY_BYTES: usize = 1024;

/// `SK_SEPARATOR` without its last two `#`: a partition value ending in `##__SK__` or
/// `##__SK__#` runs into the separator (`x##__SK__` + `##__SK__##` + `y` would also read as
/// `x` + `##__SK__##` + `__SK__##y`), so composite components may not contain it at all.
const SK_SEPARATOR_CORE: &str = "##__SK__";

const GSI_ATTRIBUTE_NAMES: [(&str, &str); 5] = [
    ("_gsi1_pk", "_gsi1_sk"),
    ("_gsi2_pk", "_gsi2_sk"),
    ("_gsi3_pk", "_gsi3_sk"),
    ("_gsi4_pk", "_gsi4_sk"),
    ("_gsi5_pk", "_gsi5_sk"),
];
const GSI_INDEX_NAMES: [&str; 5] = ["gsi1", "gsi2", "gsi3", "gsi4", "gsi5"];

/// Java's `String.hashCode` over UTF-16 code units, with wrapping 32-bit arithmetic
/// (DynamoBao's `_hashObjectId` before its `Math.abs`).
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// The iteration bucket of a primary id: `abs(hash) % buckets`, where `abs(i32::MIN)` is
/// 2^31 as in JavaScript. Zero buckets count as one.
pub fn iteration_bucket(primary_id: &str, buckets: u32) -> u32 {
    let magnitude = i64::from(java_string_hash(primary_id)).unsigned_abs();
    // The remainder is below `buckets`, so it fits in u32.
    (magnitude % u64::from(buckets.max(1))) as u32
}

/// The table key of an item: the values of `_pk` and `_sk`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrimaryKey {
    /// The value of `_pk`.
    pub pk: String,
    /// The value of `_sk`.
    pub sk: String,
}

impl PrimaryKey {
    /// The key as an item of `_pk` and `_sk`, as GetItem, DeleteItem and UpdateItem take it.
    #[must_use]
    pub fn to_item(&self) -> Item {
        self.clone().into_item()
    }

    /// [`to_item`](Self::to_item), moving the key's strings into the item.
    #[must_use]
    pub fn into_item(self) -> Item {
        Item::from([
            (PK_ATTR.to_owned(), AttributeValue::S(self.pk)),
            (SK_ATTR.to_owned(), AttributeValue::S(self.sk)),
        ])
    }
}

/// The `_pk`/`_sk` of an item, from its key fields.
///
/// # Errors
/// [`Error::Validation`] naming the field when a key field is missing, empty, of a kind that
/// cannot be a key, or would make the primary id ambiguous (see [`primary_id`]), and when a
/// key exceeds DynamoDB's size limits.
pub fn primary_key(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    item: &Item,
) -> Result<PrimaryKey> {
    let (pk, sk) = primary_components(schema, item)?;
    assemble_primary_key(schema, tenant, &pk, sk)
}

/// The `_pk`/`_sk` of an item of a model keyed by one field (the other key part is the model
/// prefix), from that field's encoded value: [`primary_key`] without the item around it.
///
/// # Errors
/// As [`primary_key`].
pub fn primary_key_of_field(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    field: &FieldSchema,
    encoded: &str,
) -> Result<PrimaryKey> {
    let refuse = |message: String| Error::validation(schema.name, field.name, message);
    if encoded.is_empty() {
        return Err(refuse("cannot be empty: it is part of a key".to_owned()));
    }
    let (pk, sk) = match (schema.primary_key.partition, schema.primary_key.sort) {
        (KeyPart::Field(name), KeyPart::ModelPrefix) if name == field.name => {
            (encoded, schema.prefix.to_owned())
        }
        (KeyPart::ModelPrefix, KeyPart::Field(name)) if name == field.name => {
            (schema.prefix, encoded.to_owned())
        }
        _ => {
            return Err(Error::validation(
                schema.name,
                "key",
                format!("{} is not keyed by `{}` alone", schema.name, field.name),
            ));
        }
    };
    check_id_components(schema, pk, &sk)
        .map_err(|(part, message)| Error::validation(schema.name, part_name(part), message))?;
    assemble_primary_key(schema, tenant, pk, sk)
}

/// The primary id of an item (DynamoBao's `getPrimaryId`): `enc(pk)` for a single key,
/// `enc(sk)` when the partition key is the model prefix, and `enc(pk)##__SK__##enc(sk)` for
/// a composite key. This is the id `find` takes and `_iter_sk` / `relatedId` store.
///
/// DynamoBao splits an id at `##__SK__##`, so a component containing it is refused; a
/// component of a composite key may not contain `##__SK__` at all, because a partition value
/// ending in `##__SK__` would otherwise give the same id as another pair.
///
/// # Errors
/// As [`primary_key`].
pub fn primary_id(schema: &ModelSchema, item: &Item) -> Result<String> {
    let (pk, sk) = primary_components(schema, item)?;
    Ok(join_primary_id(schema, &pk, &sk))
}

/// The `_pk`/`_sk` of a primary id (DynamoBao's `_parsePrimaryId`), e.g. a `relatedId` or the
/// value of a RelatedField.
///
/// # Errors
/// [`Error::Validation`] (field `id`) when the id is empty, lacks the `##__SK__##` separator
/// a composite key needs, or has a component [`primary_id`] refuses.
pub fn primary_key_from_id(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    id: &str,
) -> Result<PrimaryKey> {
    let refuse = |message: String| Error::validation(schema.name, "id", message);
    if id.is_empty() {
        return Err(refuse("a primary id cannot be empty".to_owned()));
    }
    let (pk, sk) = match (schema.primary_key.partition, schema.primary_key.sort) {
        (KeyPart::Field(_), KeyPart::Field(_)) => {
            let (pk, sk) = id.split_once(SK_SEPARATOR).ok_or_else(|| {
                refuse(format!(
                    "`{id}` lacks the `{SK_SEPARATOR}` of a composite key"
                ))
            })?;
            (pk.to_owned(), sk.to_owned())
        }
        (KeyPart::ModelPrefix, _) => (schema.prefix.to_owned(), id.to_owned()),
        (_, KeyPart::ModelPrefix) => (id.to_owned(), schema.prefix.to_owned()),
    };
    check_id_components(schema, &pk, &sk).map_err(|(_, message)| refuse(message))?;
    assemble_primary_key(schema, tenant, &pk, sk)
}

/// The encoded partition and sort values of the primary key (the model prefix for a
/// model-prefix part), checked for ambiguity.
fn primary_components(schema: &ModelSchema, item: &Item) -> Result<(String, String)> {
    let required = |part: KeyPart| {
        part_value(schema, part, item)?.ok_or_else(|| {
            Error::validation(
                schema.name,
                part_name(part),
                "is required: it is part of the primary key",
            )
        })
    };
    let pk = required(schema.primary_key.partition)?;
    let sk = required(schema.primary_key.sort)?;
    check_id_components(schema, &pk, &sk)
        .map_err(|(part, message)| Error::validation(schema.name, part_name(part), message))?;
    Ok((pk, sk))
}

fn check_id_components(schema: &ModelSchema, pk: &str, sk: &str) -> Result<(), (KeyPart, String)> {
    let key = schema.primary_key;
    let (forbidden, checked): (&str, &[(KeyPart, &str)]) = match (key.partition, key.sort) {
        (KeyPart::Field(_), KeyPart::Field(_)) => {
            (SK_SEPARATOR_CORE, &[(key.partition, pk), (key.sort, sk)])
        }
        (KeyPart::ModelPrefix, _) => (SK_SEPARATOR, &[(key.sort, sk)]),
        (_, KeyPart::ModelPrefix) => (SK_SEPARATOR, &[(key.partition, pk)]),
    };
    // The separator's first byte is looked for first: a key value rarely holds a `#`, and
    // finding one byte costs a fraction of setting up a substring search.
    let first = forbidden.as_bytes()[0];
    let holds = |value: &str| value.as_bytes().contains(&first) && value.contains(forbidden);
    match checked.iter().find(|(_, value)| holds(value)) {
        Some((part, value)) => Err((
            *part,
            format!("`{value}` contains `{forbidden}`, which would make the primary id ambiguous"),
        )),
        None => Ok(()),
    }
}

fn join_primary_id(schema: &ModelSchema, pk: &str, sk: &str) -> String {
    match (schema.primary_key.partition, schema.primary_key.sort) {
        (KeyPart::ModelPrefix, _) => sk.to_owned(),
        (_, KeyPart::ModelPrefix) => pk.to_owned(),
        _ => [pk, SK_SEPARATOR, sk].concat(),
    }
}

fn assemble_primary_key(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    pk: &str,
    sk: String,
) -> Result<PrimaryKey> {
    let key = PrimaryKey {
        pk: primary_partition(schema, tenant, pk),
        sk,
    };
    check_size(
        schema,
        part_name(schema.primary_key.partition),
        PK_ATTR,
        &key.pk,
        MAX_PARTITION_KEY_BYTES,
    )?;
    check_size(
        schema,
        part_name(schema.primary_key.sort),
        SK_ATTR,
        &key.sk,
        MAX_SORT_KEY_BYTES,
    )?;
    Ok(key)
}

/// `_pk` from the encoded partition value, in DynamoBao's order of cases: a model-prefix sort
/// key formats the partition value; else a model-prefix partition is the bare prefix (with
/// the tenant prefix in front: the deliberate divergence).
fn primary_partition(schema: &ModelSchema, tenant: Option<&Tenant>, pk: &str) -> String {
    let t = tenant_prefix(tenant);
    let p = schema.prefix;
    match (schema.primary_key.partition, schema.primary_key.sort) {
        (_, KeyPart::ModelPrefix) | (KeyPart::Field(_), _) => [&t, p, "#", pk].concat(),
        (KeyPart::ModelPrefix, _) => [&t, p].concat(),
    }
}

/// The iteration keys (`_iter_pk`, `_iter_sk`) of an item, or `None` when the model is not
/// iterable.
///
/// `_iter_sk` is the primary id and the sort key of `iter_index`, so it may hold at most 1024
/// bytes, although `_pk` may hold 2048.
///
/// # Errors
/// As [`primary_id`], and [`Error::Validation`] naming the (longer) key field when the
/// primary id exceeds DynamoDB's sort key limit.
pub fn iteration_keys(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    item: &Item,
) -> Result<Option<(String, String)>> {
    if schema.iteration_buckets.is_none() {
        return Ok(None);
    }
    let (pk, sk) = primary_components(schema, item)?;
    IterationSource::of(schema, &pk, &sk).keys(schema, tenant)
}

/// The keys a write stores for an item, from its key fields encoded once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKeys {
    /// `_pk` and `_sk`.
    pub primary: PrimaryKey,
    /// The primary id (see [`primary_id`]).
    pub id: String,
    /// `_iter_pk` and `_iter_sk` (see [`iteration_keys`]), `None` when the model is not
    /// iterable.
    pub iteration: Option<(String, String)>,
}

/// [`primary_key`], [`primary_id`] and [`iteration_keys`] of an item at once, checked in that
/// order.
///
/// # Errors
/// As [`primary_key`] and [`iteration_keys`].
pub fn stored_keys(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    item: &Item,
) -> Result<StoredKeys> {
    let (pk, sk) = primary_components(schema, item)?;
    let iteration = IterationSource::of(schema, &pk, &sk);
    let primary = assemble_primary_key(schema, tenant, &pk, sk)?;
    let iteration_keys = iteration.keys(schema, tenant)?;
    Ok(StoredKeys {
        primary,
        id: iteration.id,
        iteration: iteration_keys,
    })
}

/// The primary id of an item, and the key part a too-long id is blamed on: what its
/// iteration keys are made from.
struct IterationSource {
    id: String,
    longest: KeyPart,
}

impl IterationSource {
    fn of(schema: &ModelSchema, pk: &str, sk: &str) -> IterationSource {
        let longest = match (schema.primary_key.partition, schema.primary_key.sort) {
            (KeyPart::ModelPrefix, part) | (part, KeyPart::ModelPrefix) => part,
            (partition, _) if pk.len() >= sk.len() => partition,
            (_, sort) => sort,
        };
        IterationSource {
            id: join_primary_id(schema, pk, sk),
            longest,
        }
    }

    /// `(_iter_pk, _iter_sk)`, or `None` when the model is not iterable.
    fn keys(
        &self,
        schema: &ModelSchema,
        tenant: Option<&Tenant>,
    ) -> Result<Option<(String, String)>> {
        let Some(buckets) = schema.iteration_buckets else {
            return Ok(None);
        };
        check_size(
            schema,
            part_name(self.longest),
            ITER_SK_ATTR,
            &self.id,
            MAX_SORT_KEY_BYTES,
        )?;
        let partition = iteration_partition(schema, tenant, iteration_bucket(&self.id, buckets));
        Ok(Some((partition, self.id.clone())))
    }
}

/// `_iter_pk` of a bucket: `T P #iter# 007`, or `T P #iter` when the model has one bucket
/// (a model that is not iterable counts as one bucket).
#[must_use]
pub fn iteration_partition(schema: &ModelSchema, tenant: Option<&Tenant>, bucket: u32) -> String {
    let t = tenant_prefix(tenant);
    match schema.iteration_buckets {
        Some(buckets) if buckets > 1 => {
            let mut digits = itoa::Buffer::new();
            let digits = digits.format(bucket);
            let zeros = "000".get(digits.len()..).unwrap_or_default();
            [&t, schema.prefix, "#iter#", zeros, digits].concat()
        }
        _ => [&t, schema.prefix, "#iter"].concat(),
    }
}

/// `_pk` of a unique-constraint item: `T _raft_uc#_ucN# P # field : value`, e.g.
/// `_raft_uc#_uc1#u#email:a@b.com`. `value` is the stored string of the field, used as is
/// (case-sensitive, not normalised), as DynamoBao does.
#[must_use]
pub fn unique_constraint_key(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    uc: &UniqueConstraintSchema,
    value: &str,
) -> String {
    let t = tenant_prefix(tenant);
    let mut id = itoa::Buffer::new();
    let id = id.format(uc.id);
    [
        &t,
        UNIQUE_CONSTRAINT_SK,
        "#_uc",
        id,
        "#",
        schema.prefix,
        "#",
        uc.field,
        ":",
        value,
    ]
    .concat()
}

/// The whole unique-constraint item DynamoBao writes: `_pk`, `_sk` (`_raft_uc`),
/// `uniqueValue` (= `_pk`), `relatedId` (the owner's primary id), `relatedModel` (the model
/// name) and, with a tenant, `_gsi_test_id` (the tenant id).
///
/// # Errors
/// [`Error::Validation`] naming the field when the key exceeds DynamoDB's size limit.
pub fn unique_constraint_item(
    schema: &ModelSchema,
    tenant: Option<&Tenant>,
    uc: &UniqueConstraintSchema,
    value: &str,
    related_id: &str,
) -> Result<Item> {
    let key = unique_constraint_key(schema, tenant, uc, value);
    check_size(schema, uc.field, PK_ATTR, &key, MAX_PARTITION_KEY_BYTES)?;
    let s = |text: &str| AttributeValue::S(text.to_owned());
    let mut item = Item::from([
        (PK_ATTR.to_owned(), s(&key)),
        (SK_ATTR.to_owned(), s(UNIQUE_CONSTRAINT_SK)),
        ("uniqueValue".to_owned(), s(&key)),
        ("relatedId".to_owned(), s(related_id)),
        ("relatedModel".to_owned(), s(schema.name)),
    ]);
    if let Some(tenant) = tenant {
        item.insert("_gsi_test_id".to_owned(), s(tenant.id()));
    }
    Ok(item)
}

fn tenant_prefix(tenant: Option<&Tenant>) -> String {
    tenant.map(Tenant::key_prefix).unwrap_or_default()
}

fn part_name(part: KeyPart) -> &'static str {
    match part {
        KeyPart::ModelPrefix => "modelPrefix",
        KeyPart::Field(name) => name,
    }
}

fn field_schema(schema: &ModelSchema, name: &str) -> Result<&'static FieldSchema> {
    schema.field(name).ok_or_else(|| {
        Error::validation(
            schema.name,
            "key",
            format!("`{name}` is not a field of {}", schema.name),
        )
    })
}

/// The encoded value of one key part: the model prefix, the encoded field value, or `None`
/// when the field is absent.
fn part_value(schema: &ModelSchema, part: KeyPart, item: &Item) -> Result<Option<String>> {
    let KeyPart::Field(name) = part else {
        return Ok(Some(schema.prefix.to_owned()));
    };
    let field = field_schema(schema, name)?;
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(attr) => encode_field(schema, field, attr).map(Some),
    }
}

fn encode_field(
    schema: &ModelSchema,
    field: &FieldSchema,
    attr: &AttributeValue,
) -> Result<String> {
    let refuse = |message: String| Error::validation(schema.name, field.name, message);
    let encoded = encode(field.kind, attr).map_err(refuse)?;
    if encoded.is_empty() {
        return Err(refuse("cannot be empty: it is part of a key".to_owned()));
    }
    Ok(encoded)
}

/// Refuses a key value longer than `max` UTF-8 bytes, naming the field it came from.
pub(crate) fn check_size(
    schema: &ModelSchema,
    field: &'static str,
    attr: &str,
    value: &str,
    max: usize,
) -> Result<()> {
    if value.len() > max {
        return Err(Error::validation(
            schema.name,
            field,
            format!(
                "makes `{attr}` {} bytes long; DynamoDB accepts at most {max}",
                value.len()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{FieldKind, IndexSchema, KeySchema};
    use jiff::Timestamp;
    use std::collections::HashSet;
    use ulid::Ulid;

    const fn f(name: &'static str, kind: FieldKind) -> FieldSchema {
        FieldSchema::new(name, kind, false)
    }

    const fn key(partition: KeyPart, sort: KeyPart) -> KeySchema {
        KeySchema { partition, sort }
    }

    const UNIQUE_EMAIL: UniqueConstraintSchema = UniqueConstraintSchema {
        name: "uniqueEmail",
        id: 1,
        field: "email",
    };

    const USER: ModelSchema = ModelSchema {
        name: "User",
        prefix: "u",
        fields: &[
            f("userId", FieldKind::Ulid),
            f("name", FieldKind::String),
            f("email", FieldKind::String),
            f("avatar", FieldKind::Binary),
        ],
        primary_key: key(KeyPart::Field("userId"), KeyPart::ModelPrefix),
        indexes: &[],
        unique_constraints: &[UNIQUE_EMAIL],
        iteration_buckets: None,
        search: None,
        soft_delete: None,
        children: &[],
    };

    const POSTS_FOR_USER: IndexSchema = IndexSchema {
        name: "postsForUser",
        gsi: Some(1),
        key: key(KeyPart::Field("userId"), KeyPart::Field("createdAt")),
    };
    const ALL_POSTS: IndexSchema = IndexSchema {
        name: "allPosts",
        gsi: Some(2),
        key: key(KeyPart::ModelPrefix, KeyPart::Field("createdAt")),
    };
    const POSTS_BY_SCORE: IndexSchema = IndexSchema {
        name: "postsByScore",
        gsi: Some(3),
        key: key(KeyPart::Field("category"), KeyPart::Field("score")),
    };
    const POST_ALIAS: IndexSchema = IndexSchema {
        name: "postById",
        gsi: None,
        key: key(KeyPart::Field("postId"), KeyPart::ModelPrefix),
    };

    const POST: ModelSchema = ModelSchema {
        name: "Post",
        prefix: "p",
        fields: &[
            f("postId", FieldKind::Ulid),
            f("userId", FieldKind::Related),
            f("createdAt", FieldKind::CreateDate),
            f("category", FieldKind::String),
            f("score", FieldKind::Float),
        ],
        primary_key: key(KeyPart::Field("postId"), KeyPart::ModelPrefix),
        indexes: &[POSTS_FOR_USER, ALL_POSTS, POSTS_BY_SCORE, POST_ALIAS],
        unique_constraints: &[],
        iteration_buckets: Some(10),
        search: None,
        soft_delete: None,
        children: &[],
    };

    const COMMENT: ModelSchema = ModelSchema {
        name: "Comment",
        prefix: "c",
        fields: &[
            f("postId", FieldKind::Related),
            f("commentId", FieldKind::String),
            f("rank", FieldKind::Integer),
        ],
        primary_key: key(KeyPart::Field("postId"), KeyPart::Field("commentId")),
        indexes: &[],
        unique_constraints: &[],
        iteration_buckets: Some(100),
        search: None,
        soft_delete: None,
        children: &[],
    };

    const TAG_ALIAS: IndexSchema = IndexSchema {
        name: "tagsByName",
        gsi: None,
        key: key(KeyPart::ModelPrefix, KeyPart::Field("name")),
    };

    const TAG: ModelSchema = ModelSchema {
        name: "Tag",
        prefix: "t",
        fields: &[f("name", FieldKind::String)],
        primary_key: key(KeyPart::ModelPrefix, KeyPart::Field("name")),
        indexes: &[TAG_ALIAS],
        unique_constraints: &[],
        iteration_buckets: Some(1),
        search: None,
        soft_delete: None,
        children: &[],
    };

    const ULID: &str = "01JFGMRH7XACZ8GKB81DZ5YWNH";

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.to_owned())
    }

    fn item(pairs: &[(&str, AttributeValue)]) -> Item {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone()))
            .collect()
    }

    fn acme() -> Tenant {
        Tenant::new("acme").expect("tenant")
    }

    fn pk(pk: &str, sk: &str) -> PrimaryKey {
        PrimaryKey {
            pk: pk.to_owned(),
            sk: sk.to_owned(),
        }
    }

    #[test]
    fn bucket_hash_vectors() {
        // Reference §3.2 (computed with node); the reference lists |hash|.
        assert_eq!(java_string_hash(ULID), -154_702_182);
        assert_eq!(iteration_bucket(ULID, 10), 2);
        assert_eq!(iteration_bucket(ULID, 100), 82);
        assert_eq!(java_string_hash("user123"), -147_178_873);
        assert_eq!(
            (
                iteration_bucket("user123", 10),
                iteration_bucket("user123", 100)
            ),
            (3, 73)
        );
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(
            (iteration_bucket("a", 10), iteration_bucket("a", 100)),
            (7, 97)
        );
        assert_eq!(java_string_hash("é😀"), 1_996_812);
        assert_eq!(
            (iteration_bucket("é😀", 10), iteration_bucket("é😀", 100)),
            (2, 12)
        );
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(iteration_bucket("a", 1), 0);
        assert_eq!(iteration_bucket("a", 0), 0);
    }

    #[test]
    fn bucket_of_i32_min_hash() {
        // node: the hash of "SDK0QdPc\\" is -2147483648; Math.abs gives 2147483648, so the
        // buckets of 10, 100 and 7 are 8, 48 and 2.
        assert_eq!(java_string_hash("SDK0QdPc\\"), i32::MIN);
        assert_eq!(iteration_bucket("SDK0QdPc\\", 10), 8);
        assert_eq!(iteration_bucket("SDK0QdPc\\", 100), 48);
        assert_eq!(iteration_bucket("SDK0QdPc\\", 7), 2);
    }

    #[test]
    fn encodes_keys_like_to_gsi() {
        use FieldKind as K;
        // Expected strings from Node.js: String(v).padStart(20, "0") and v.toExponential(20).
        let cases: &[(FieldKind, AttributeValue, &str)] = &[
            (K::Integer, n("42"), "00000000000000000042"),
            (K::Integer, n("0"), "00000000000000000000"),
            (K::Integer, n("-5"), "000000000000000000-5"),
            (K::Counter, n("-1"), "000000000000000000-1"),
            (K::Integer, n("9007199254740991"), "00009007199254740991"),
            (K::Integer, n("9223372036854775807"), "09223372036854775807"),
            (
                K::Integer,
                n("-9223372036854775808"),
                "-9223372036854775808",
            ),
            (K::Integer, n("12.5"), "000000000000000012.5"),
            (K::Integer, n("1E+21"), "0000000000000001e+21"),
            (K::Float, n("1.5"), "1.50000000000000000000e+0"),
            (K::Float, n("0"), "0.00000000000000000000e+0"),
            (K::Float, n("-2.5"), "-2.50000000000000000000e+0"),
            (K::Float, n("1e21"), "1.00000000000000000000e+21"),
            (K::Float, n("0.1"), "1.00000000000000005551e-1"),
            (K::Float, n("123.456"), "1.23456000000000003070e+2"),
            (K::Float, n("-123.456"), "-1.23456000000000003070e+2"),
            (K::Float, n("7"), "7.00000000000000000000e+0"),
            (K::Boolean, AttributeValue::Bool(true), "1"),
            (K::Boolean, AttributeValue::Bool(false), "0"),
            (K::DateTime, n("1735689600000"), "00000001735689600000"),
            (K::CreateDate, n("1735689600000"), "00000001735689600000"),
            (K::ModifiedDate, n("1735689600000"), "00000001735689600000"),
            (K::DateTime, n("0"), "0"),
            (K::DateTime, n("-1000"), "000000000000000-1000"),
            (K::Ttl, n("1735689600"), "00000000001735689600"),
            (K::String, s("a#b:c"), "a#b:c"),
            (K::String, s(""), ""),
            (K::Ulid, s(ULID), ULID),
            (K::Related, s("x##y"), "x##y"),
            (K::Version, s(ULID), ULID),
        ];
        for (kind, attr, expected) in cases {
            assert_eq!(
                encode_key_value(*kind, attr).expect("encodes"),
                *expected,
                "{kind:?} {attr:?}"
            );
        }
    }

    #[test]
    fn refuses_unkeyable_values() {
        let binary = AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(vec![1]));
        let error = encode_key_value(FieldKind::Binary, &binary).expect_err("binary");
        assert_eq!(
            error.to_string(),
            "invalid key.BinaryField: a BinaryField cannot be part of a key"
        );
        assert!(
            encode_key_value(FieldKind::StringSet, &AttributeValue::Ss(vec!["a".into()])).is_err()
        );
        assert!(encode_key_value(FieldKind::Integer, &s("5")).is_err());
        assert!(encode_key_value(FieldKind::Integer, &n("x")).is_err());
        assert!(encode_key_value(FieldKind::Boolean, &n("1")).is_err());
    }

    #[test]
    fn typed_key_values_match_attribute_encoding() {
        fn check<T: KeyValue>(kind: FieldKind, value: T) {
            let attr = value.to_attr(kind).expect("present");
            assert_eq!(
                value.key_string(kind),
                encode_key_value(kind, &attr).expect("encodes"),
                "{kind:?}"
            );
            let borrowed = value.with_key_str(kind, str::to_owned);
            assert_eq!(borrowed, value.key_string(kind), "{kind:?}, borrowed");
        }
        for value in [0i64, 42, -5, i64::MAX, i64::MIN] {
            check(FieldKind::Integer, value);
            check(FieldKind::Counter, value);
        }
        for value in [
            0.0,
            -0.0,
            1.5,
            -2.5,
            0.1,
            1e21,
            123.456,
            1.0028481483459473e-5,
        ] {
            check(FieldKind::Float, value);
        }
        for text in [
            "2024-12-31T23:59:59.123Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.5Z",
        ] {
            let time: Timestamp = text.parse().expect("timestamp");
            for kind in [
                FieldKind::DateTime,
                FieldKind::CreateDate,
                FieldKind::ModifiedDate,
                FieldKind::Ttl,
            ] {
                check(kind, time);
            }
        }
        check(FieldKind::Boolean, true);
        check(FieldKind::Boolean, false);
        check(FieldKind::String, "a#b".to_owned());
        check(FieldKind::Ulid, ULID.parse::<Ulid>().expect("ulid"));
        let time: Timestamp = "2024-12-31T23:59:59.999Z".parse().expect("timestamp");
        assert_eq!(time.key_string(FieldKind::Ttl), "00000000001735689599");
        assert_eq!(time.key_string(FieldKind::DateTime), "00000001735689599999");
    }

    #[test]
    fn single_key_layout() {
        let user = item(&[("userId", s(ULID)), ("name", s("Ann"))]);
        assert_eq!(
            primary_key(&USER, None, &user).expect("key"),
            pk(&format!("u#{ULID}"), "u")
        );
        assert_eq!(primary_id(&USER, &user).expect("id"), ULID);
        assert_eq!(
            primary_key(&USER, Some(&acme()), &user).expect("key"),
            pk(&format!("[acme]#u#{ULID}"), "u")
        );
        assert_eq!(
            primary_key_from_id(&USER, None, ULID).expect("key"),
            pk(&format!("u#{ULID}"), "u")
        );
        assert_eq!(
            primary_key_from_id(&USER, Some(&acme()), ULID).expect("key"),
            pk(&format!("[acme]#u#{ULID}"), "u")
        );
        let stored = pk("u#x", "u").to_item();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored["_pk"], s("u#x"));
        assert_eq!(stored["_sk"], s("u"));
    }

    #[test]
    fn composite_key_layout() {
        let comment = item(&[("postId", s("P1")), ("commentId", s("C1"))]);
        assert_eq!(
            primary_key(&COMMENT, None, &comment).expect("key"),
            pk("c#P1", "C1")
        );
        assert_eq!(
            primary_id(&COMMENT, &comment).expect("id"),
            "P1##__SK__##C1"
        );
        assert_eq!(
            primary_key(&COMMENT, Some(&acme()), &comment).expect("key"),
            pk("[acme]#c#P1", "C1")
        );
        assert_eq!(
            primary_key_from_id(&COMMENT, None, "P1##__SK__##C1").expect("key"),
            pk("c#P1", "C1")
        );
        assert!(primary_key_from_id(&COMMENT, None, "P1").is_err());
        assert!(primary_key_from_id(&COMMENT, None, "").is_err());
    }

    #[test]
    fn model_prefix_partition_layout() {
        let tag = item(&[("name", s("rust"))]);
        assert_eq!(primary_key(&TAG, None, &tag).expect("key"), pk("t", "rust"));
        assert_eq!(primary_id(&TAG, &tag).expect("id"), "rust");
        // Deliberate divergence: DynamoBao leaves this `_pk` bare under a tenant.
        assert_eq!(
            primary_key(&TAG, Some(&acme()), &tag).expect("key"),
            pk("[acme]#t", "rust")
        );
        assert_eq!(
            primary_key_from_id(&TAG, Some(&acme()), "rust").expect("key"),
            pk("[acme]#t", "rust")
        );
        assert_eq!(
            index_partition(&TAG, None, &TAG_ALIAS, None).expect("partition"),
            "t"
        );
        assert_eq!(
            index_partition(&TAG, Some(&acme()), &TAG_ALIAS, None).expect("partition"),
            "[acme]#t"
        );
    }

    #[test]
    fn missing_or_empty_key_fields_are_refused() {
        let error = primary_key(&USER, None, &item(&[("name", s("Ann"))])).expect_err("missing");
        assert_eq!(
            error.to_string(),
            "invalid User.userId: is required: it is part of the primary key"
        );
        let null = item(&[("userId", AttributeValue::Null(true))]);
        assert!(primary_id(&USER, &null).is_err());
        let error = primary_key(
            &COMMENT,
            None,
            &item(&[("postId", s("P1")), ("commentId", s(""))]),
        )
        .expect_err("empty");
        assert_eq!(
            error.to_string(),
            "invalid Comment.commentId: cannot be empty: it is part of a key"
        );
        let error = primary_key(&USER, None, &item(&[("userId", n("1"))])).expect_err("wrong type");
        assert!(matches!(
            error,
            Error::Validation {
                model: "User",
                field: "userId",
                ..
            }
        ));
    }

    #[test]
    fn gsi_layout() {
        let post = item(&[
            ("postId", s(ULID)),
            ("userId", s("U1")),
            ("createdAt", n("1735689600000")),
            ("category", s("news")),
            ("score", n("1.5")),
        ]);
        let keys = |tenant: Option<&Tenant>, index: &IndexSchema| {
            index_keys(&POST, tenant, index, &post).expect("keys")
        };
        let pair = |pk: &str, sk: &str| Some((pk.to_owned(), sk.to_owned()));
        assert_eq!(
            keys(None, &POSTS_FOR_USER),
            pair("p#gsi1#U1", "00000001735689600000")
        );
        assert_eq!(
            keys(None, &ALL_POSTS),
            pair("p#gsi2#p", "00000001735689600000")
        );
        assert_eq!(
            keys(None, &POSTS_BY_SCORE),
            pair("p#gsi3#news", "1.50000000000000000000e+0")
        );
        assert_eq!(
            keys(Some(&acme()), &POSTS_FOR_USER),
            pair("[acme]#p#gsi1#U1", "00000001735689600000")
        );
        assert_eq!(
            keys(Some(&acme()), &ALL_POSTS),
            pair("[acme]#p#gsi2#p", "00000001735689600000")
        );
        assert_eq!(keys(None, &POST_ALIAS), None);

        assert_eq!(gsi_attribute_names(1), ("_gsi1_pk", "_gsi1_sk"));
        assert_eq!(gsi_attribute_names(5), ("_gsi5_pk", "_gsi5_sk"));
        assert_eq!(gsi_index_name(3), "gsi3");
        assert_eq!(index_attribute_names(&ALL_POSTS), ("_gsi2_pk", "_gsi2_sk"));
        assert_eq!(index_attribute_names(&POST_ALIAS), ("_pk", "_sk"));
    }

    #[test]
    fn gsi_keys_are_sparse() {
        let without_user = item(&[("postId", s(ULID)), ("createdAt", n("1"))]);
        assert_eq!(
            index_keys(&POST, None, &POSTS_FOR_USER, &without_user).expect("sparse"),
            None
        );
        let null_user = item(&[
            ("postId", s(ULID)),
            ("userId", AttributeValue::Null(true)),
            ("createdAt", n("1")),
        ]);
        assert_eq!(
            index_keys(&POST, None, &POSTS_FOR_USER, &null_user).expect("sparse"),
            None
        );
        let without_date = item(&[("postId", s(ULID)), ("userId", s("U1"))]);
        assert_eq!(
            index_keys(&POST, None, &ALL_POSTS, &without_date).expect("sparse"),
            None
        );
        let empty_user = item(&[("userId", s("")), ("createdAt", n("1"))]);
        assert!(index_keys(&POST, None, &POSTS_FOR_USER, &empty_user).is_err());
    }

    #[test]
    fn query_partitions() {
        let user = s("U1");
        assert_eq!(
            index_partition(&POST, None, &POSTS_FOR_USER, Some(&user)).expect("pk"),
            "p#gsi1#U1"
        );
        assert_eq!(
            index_partition(&POST, Some(&acme()), &POSTS_FOR_USER, Some(&user)).expect("pk"),
            "[acme]#p#gsi1#U1"
        );
        assert_eq!(
            index_partition(&POST, None, &ALL_POSTS, None).expect("pk"),
            "p#gsi2#p"
        );
        assert_eq!(
            index_partition(&POST, Some(&acme()), &ALL_POSTS, None).expect("pk"),
            "[acme]#p#gsi2#p"
        );
        assert_eq!(
            index_partition(&POST, None, &POST_ALIAS, Some(&s(ULID))).expect("pk"),
            format!("p#{ULID}")
        );
        let error = index_partition(&POST, None, &POSTS_FOR_USER, None).expect_err("no value");
        assert_eq!(
            error.to_string(),
            "invalid Post.userId: querying index `postsForUser` needs a value"
        );
    }

    #[test]
    fn iteration_layout() {
        let post = item(&[("postId", s(ULID))]);
        let pair = |pk: &str, sk: &str| Some((pk.to_owned(), sk.to_owned()));
        assert_eq!(
            iteration_keys(&POST, None, &post).expect("iter"),
            pair("p#iter#002", ULID)
        );
        assert_eq!(
            iteration_keys(&POST, Some(&acme()), &post).expect("iter"),
            pair("[acme]#p#iter#002", ULID)
        );
        let comment = item(&[("postId", s("P1")), ("commentId", s("C1"))]);
        let bucket = iteration_bucket("P1##__SK__##C1", 100);
        assert_eq!(
            iteration_keys(&COMMENT, None, &comment).expect("iter"),
            pair(&format!("c#iter#{bucket:03}"), "P1##__SK__##C1")
        );
        let one_hundred = ModelSchema {
            iteration_buckets: Some(100),
            search: None,
            soft_delete: None,
            children: &[],
            ..POST
        };
        assert_eq!(
            iteration_keys(&one_hundred, None, &post).expect("iter"),
            pair("p#iter#082", ULID)
        );
        assert_eq!(
            iteration_keys(&TAG, None, &item(&[("name", s("rust"))])).expect("iter"),
            pair("t#iter", "rust")
        );
        assert_eq!(
            iteration_keys(&USER, None, &item(&[("userId", s(ULID))])).expect("iter"),
            None
        );
        assert_eq!(iteration_partition(&POST, None, 7), "p#iter#007");
        assert_eq!(
            iteration_partition(&POST, Some(&acme()), 0),
            "[acme]#p#iter#000"
        );
        assert_eq!(iteration_partition(&TAG, Some(&acme()), 0), "[acme]#t#iter");
        // `{:03}` in DynamoBao's terms: at least three digits, never cut.
        assert_eq!(iteration_partition(&POST, None, 1234), "p#iter#1234");
    }

    #[test]
    fn a_key_of_one_field_is_the_key_of_the_item_around_it() {
        let field = |schema: &ModelSchema, name| *schema.field(name).expect("field");
        let cases = [
            (&POST, "postId", ULID),
            (&TAG, "name", "rust"),
            (&USER, "userId", ""),
            (&TAG, "name", "a##__SK__##b"),
            (&POST, "postId", &*"p".repeat(3000)),
        ];
        for tenant in [None, Some(acme())] {
            for (schema, name, value) in cases {
                let field = field(schema, name);
                let direct = primary_key_of_field(schema, tenant.as_ref(), &field, value);
                let via_item = primary_key(schema, tenant.as_ref(), &item(&[(name, s(value))]));
                match (direct, via_item) {
                    (Ok(direct), Ok(via_item)) => assert_eq!(direct, via_item),
                    (Err(direct), Err(via_item)) => {
                        assert_eq!(direct.to_string(), via_item.to_string());
                    }
                    (direct, via_item) => panic!("{direct:?} but {via_item:?}"),
                }
            }
        }
        let error = primary_key_of_field(&COMMENT, None, &field(&COMMENT, "postId"), "P");
        assert!(error.is_err(), "COMMENT is keyed by two fields");
    }

    #[test]
    fn stored_keys_agree_with_each_key_apart() {
        let cases = [
            (&POST, item(&[("postId", s(ULID))])),
            (
                &COMMENT,
                item(&[("postId", s("P1")), ("commentId", s("C1"))]),
            ),
            (&TAG, item(&[("name", s("rust"))])),
            (&USER, item(&[("userId", s(ULID))])),
        ];
        for tenant in [None, Some(acme())] {
            for (schema, fields) in &cases {
                let keys = stored_keys(schema, tenant.as_ref(), fields).expect("keys");
                assert_eq!(
                    keys.primary,
                    primary_key(schema, tenant.as_ref(), fields).expect("pk")
                );
                assert_eq!(keys.id, primary_id(schema, fields).expect("id"));
                assert_eq!(
                    keys.iteration,
                    iteration_keys(schema, tenant.as_ref(), fields).expect("iter")
                );
            }
        }
    }

    #[test]
    fn unique_constraint_layout() {
        assert_eq!(
            unique_constraint_key(&USER, None, &UNIQUE_EMAIL, "a@b.com"),
            "_raft_uc#_uc1#u#email:a@b.com"
        );
        assert_eq!(
            unique_constraint_key(&USER, Some(&acme()), &UNIQUE_EMAIL, "a@b.com"),
            "[acme]#_raft_uc#_uc1#u#email:a@b.com"
        );
        let stored =
            unique_constraint_item(&USER, None, &UNIQUE_EMAIL, "a@b.com", ULID).expect("item");
        assert_eq!(
            stored,
            item(&[
                ("_pk", s("_raft_uc#_uc1#u#email:a@b.com")),
                ("_sk", s("_raft_uc")),
                ("uniqueValue", s("_raft_uc#_uc1#u#email:a@b.com")),
                ("relatedId", s(ULID)),
                ("relatedModel", s("User")),
            ])
        );
        let stored = unique_constraint_item(&USER, Some(&acme()), &UNIQUE_EMAIL, "a@b.com", ULID)
            .expect("item");
        assert_eq!(stored["_pk"], s("[acme]#_raft_uc#_uc1#u#email:a@b.com"));
        assert_eq!(stored["_gsi_test_id"], s("acme"));
        let error = unique_constraint_item(&USER, None, &UNIQUE_EMAIL, &"x".repeat(2048), ULID)
            .expect_err("too long");
        assert!(matches!(
            error,
            Error::Validation {
                model: "User",
                field: "email",
                ..
            }
        ));
    }

    const TRICKY: &[&str] = &[
        "a",
        "a#",
        "#a",
        "a#b",
        "a:b",
        "a]#",
        "[a]",
        "[acme]#u#x",
        "u#x",
        "é😀",
        "😀",
        "\u{0}",
        "a b",
        "##",
        "#",
        ":",
        "__SK__",
        "##__SK__#",
        "x##__SK_",
        "SK__##",
        "__SK__##y",
        "##__SK__",
        "##__SK__##",
        "a##__SK__##b",
    ];

    #[test]
    fn single_keys_are_injective_or_refused() {
        let mut keys = HashSet::new();
        let mut ids = HashSet::new();
        for value in TRICKY {
            let user = item(&[("userId", s(value))]);
            match primary_key(&USER, None, &user) {
                Ok(key) => {
                    let id = primary_id(&USER, &user).expect("id");
                    assert_eq!(primary_key_from_id(&USER, None, &id).expect("parse"), key);
                    assert!(keys.insert(key), "{value:?}");
                    assert!(ids.insert(id), "{value:?}");
                }
                Err(error) => {
                    assert!(value.contains(SK_SEPARATOR), "{value:?} refused: {error}");
                    assert!(error.to_string().contains("ambiguous"), "{error}");
                    assert!(primary_key_from_id(&USER, None, value).is_err());
                }
            }
        }
        assert_eq!(keys.len(), TRICKY.len() - 2);
    }

    #[test]
    fn composite_keys_are_injective_or_refused() {
        let mut keys = HashSet::new();
        let mut ids = HashSet::new();
        let mut refused = 0;
        for first in TRICKY {
            for second in TRICKY {
                let comment = item(&[("postId", s(first)), ("commentId", s(second))]);
                match primary_key(&COMMENT, None, &comment) {
                    Ok(key) => {
                        let id = primary_id(&COMMENT, &comment).expect("id");
                        assert_eq!(
                            primary_key_from_id(&COMMENT, None, &id).expect("parse"),
                            key,
                            "{id:?}"
                        );
                        assert!(keys.insert(key), "{first:?} {second:?}");
                        assert!(ids.insert(id), "{first:?} {second:?}");
                    }
                    Err(error) => {
                        assert!(
                            first.contains("##__SK__") || second.contains("##__SK__"),
                            "{error}"
                        );
                        refused += 1;
                    }
                }
            }
        }
        assert!(refused > 0);
        // The collision a bare separator check would let through.
        let sneaky = item(&[("postId", s("x##__SK__")), ("commentId", s("y"))]);
        assert!(primary_id(&COMMENT, &sneaky).is_err());
        let plain = item(&[("postId", s("x")), ("commentId", s("__SK__##y"))]);
        assert_eq!(
            primary_id(&COMMENT, &plain).expect("id"),
            "x##__SK__##__SK__##y"
        );
        assert!(primary_key_from_id(&COMMENT, None, "a##__SK__b##__SK__##c").is_err());
    }

    #[test]
    fn tenants_never_share_keys() {
        let other = Tenant::new("acme2").expect("tenant");
        let mut keys = HashSet::new();
        for tenant in [None, Some(acme()), Some(other)] {
            for value in ["x", "[acme]#u#x", "acme]#u#x"] {
                let user = item(&[("userId", s(value))]);
                assert!(
                    keys.insert(primary_key(&USER, tenant.as_ref(), &user).expect("key")),
                    "{value}"
                );
            }
            assert!(keys.insert(
                primary_key(&TAG, tenant.as_ref(), &item(&[("name", s("x"))])).expect("key")
            ));
        }
    }

    #[test]
    fn key_sizes_are_checked() {
        let kilobyte = "k".repeat(1024);
        let user = item(&[("userId", s(&kilobyte))]);
        assert_eq!(
            primary_key(&USER, None, &user).expect("fits").pk.len(),
            1026
        );
        let comment = item(&[("postId", s(&kilobyte)), ("commentId", s(&kilobyte))]);
        assert_eq!(
            primary_key(&COMMENT, None, &comment)
                .expect("fits")
                .sk
                .len(),
            1024
        );
        let long_sort = item(&[("postId", s("P1")), ("commentId", s(&"k".repeat(1025)))]);
        let error = primary_key(&COMMENT, None, &long_sort).expect_err("sort key too long");
        assert_eq!(
            error.to_string(),
            "invalid Comment.commentId: makes `_sk` 1025 bytes long; DynamoDB accepts at most 1024"
        );
        let wide = "é".repeat(1024);
        let wide_user = item(&[("userId", s(&wide))]);
        assert!(primary_key(&USER, None, &wide_user).is_err());
        let wide_post = item(&[("userId", s(&"u".repeat(2047))), ("createdAt", n("1"))]);
        assert!(index_keys(&POST, None, &POSTS_FOR_USER, &wide_post).is_err());
        let error = index_partition(&POST, None, &POSTS_FOR_USER, Some(&s(&"u".repeat(2047))))
            .expect_err("query partition too long");
        assert_eq!(
            error.to_string(),
            "invalid Post.userId: makes `_gsi1_pk` 2054 bytes long; DynamoDB accepts at most 2048"
        );
    }

    #[test]
    fn iteration_sort_key_is_a_sort_key() {
        // `_pk` and `_sk` fit, but the primary id in `_iter_sk` does not.
        let comment = item(&[("postId", s(&"p".repeat(20))), ("commentId", s(&kilo()))]);
        let error = iteration_keys(&COMMENT, None, &comment).expect_err("too long");
        assert_eq!(
            error.to_string(),
            "invalid Comment.commentId: makes `_iter_sk` 1054 bytes long; DynamoDB accepts at most 1024"
        );
        let comment = item(&[("postId", s(&kilo())), ("commentId", s("c"))]);
        let error = iteration_keys(&COMMENT, None, &comment).expect_err("too long");
        assert!(matches!(
            error,
            Error::Validation {
                field: "postId",
                ..
            }
        ));
        let fits = item(&[("postId", s("p")), ("commentId", s(&"c".repeat(1013)))]);
        assert_eq!(
            iteration_keys(&COMMENT, None, &fits)
                .expect("fits")
                .map(|(_, sk)| sk.len()),
            Some(1024)
        );
    }

    fn kilo() -> String {
        "k".repeat(1024)
    }
}
