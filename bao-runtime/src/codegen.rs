//! Everything generated model modules call, under one short path.
//!
//! Each generated module starts with `use ::bao_runtime::__codegen as bao;`, and each generated
//! method is one call into this module: the logic lives here, where it is written and tested
//! once, and the generated code stays a thin, typed shell (as tonic's generated clients are over
//! `tonic::codegen`). Not a stable API: it changes with the generator, which is released with
//! this crate.

pub use crate::capacity::Capacity;
pub use crate::changes::Changes;
pub use crate::codec::{FieldValue, Item, get, get_opt, put, round_to};
pub use crate::db::Db;
pub use crate::error::Result;
pub use crate::expr::{Attr, Condition};
pub use crate::iterate::Iteration;
pub use crate::keys::KeyValue;
pub use crate::model::{
    ItemState, KeyNewtype, Model, ModelKey, ModelUpdate, NewModel, key_item_from_primary_id,
    primary_id,
};
pub use crate::ops::{ReadOptions, delete_loaded, find_many, find_related, save};
pub use crate::query::{MappingQuery, Query};
pub use crate::schema::{
    FieldKind, FieldSchema, IndexSchema, KeyPart, KeySchema, ModelSchema, UniqueConstraintSchema,
};
pub use aws_sdk_dynamodb::types::AttributeValue;
pub use jiff::Timestamp;
pub use serde::{self, Deserialize, Serialize};
pub use ulid::Ulid;

use crate::ops;
use std::future::Future;

// The operations below return their inner future instead of awaiting it in an `async fn` of
// their own: each is instantiated once per model in the user's crate, and a second state
// machine around the first would only add to its compile time.

/// Stores a new item: the fields of `new`, completed from `db` (ids, dates, defaults).
pub fn create<N: NewModel>(db: &Db, new: N) -> impl Future<Output = Result<N::Model>> + '_ {
    ops::create(db, new.into_fields(db))
}

/// Reads one item by key with the default options.
pub fn find<'a, M: Model>(
    db: &'a Db,
    key: &'a M::Key,
) -> impl Future<Output = Result<Option<M>>> + 'a {
    ops::find(db, key, ReadOptions::default())
}

/// Reads a field stored absent when empty (a counter, a string set): its default then.
pub fn get_or_default<T: FieldValue + Default>(
    item: &Item,
    model: &'static str,
    field: &FieldSchema,
) -> Result<T> {
    get_opt(item, model, field).map(Option::unwrap_or_default)
}

/// Reads the item an optional RelatedField points to: `None` when the field is empty.
pub async fn find_optional<M: Model>(db: &Db, key: Option<&M::Key>) -> Result<Option<M>> {
    match key {
        Some(key) => find(db, key).await,
        None => Ok(None),
    }
}

/// Reads one item by key with `options`.
pub fn find_with<'a, M: Model>(
    db: &'a Db,
    key: &'a M::Key,
    options: ReadOptions,
) -> impl Future<Output = Result<Option<M>>> + 'a {
    ops::find(db, key, options)
}

/// Applies a generated update (`UserUpdate`) to the item with this key.
pub fn update<'a, U: ModelUpdate>(
    db: &'a Db,
    key: &'a <U::Model as Model>::Key,
    update: U,
) -> impl Future<Output = Result<U::Model>> + 'a {
    let (changes, condition) = update.into_parts();
    ops::update(db, key, changes, condition)
}

/// Deletes the item with this key, if `condition` (when given) holds.
pub fn delete<'a, M: Model>(
    db: &'a Db,
    key: &'a M::Key,
    condition: Option<Condition>,
) -> impl Future<Output = Result<M>> + 'a {
    ops::delete(db, key, condition)
}

/// Finds the owner of `value` in the unique constraint named `constraint`.
pub async fn find_by_unique<M: Model, T: FieldValue>(
    db: &Db,
    constraint: &str,
    value: T,
) -> Result<Option<M>> {
    ops::find_by_unique(db, constraint, &value).await
}

/// A query of `M` through an index partitioned on the model prefix.
pub fn query<'a, M: Model, S: KeyValue>(db: &'a Db, index: &str) -> Query<'a, M, S> {
    Query::new(db, index, None)
}

/// A query of `M` through an index partitioned on a RelatedField: the items that point to
/// `owner`.
pub fn query_related<'a, M: Model, S: KeyValue>(
    db: &'a Db,
    index: &str,
    owner: &impl Model,
) -> Query<'a, M, S> {
    Query::new(db, index, Some(&related_id(owner)))
}

/// The items linked to `owner` through the mapping model `L`'s index `index`; `target` reads a
/// link's key of the other side.
pub fn query_mapped<'a, L: Model, S: KeyValue, T: Model>(
    db: &'a Db,
    index: &str,
    owner: &impl Model,
    target: fn(&L) -> Option<T::Key>,
) -> MappingQuery<'a, L, S, T> {
    MappingQuery::new(query_related(db, index, owner), target)
}

/// The key encoding of a composite key: its primary id (`<partition>##__SK__##<sort>`).
pub fn composite_key_string<K: ModelKey>(key: &K) -> String {
    crate::model::primary_id_of(K::Model::SCHEMA, &key.key_item())
}

/// A composite key stored in a RelatedField: its primary id.
pub fn composite_key_attr<K: ModelKey>(key: &K) -> Option<AttributeValue> {
    Some(AttributeValue::S(composite_key_string(key)))
}

/// The key fields of the composite key `K` stored as the primary id `attr`.
pub fn composite_key_item<K: ModelKey>(attr: &AttributeValue) -> std::result::Result<Item, String> {
    key_item_from_primary_id(K::Model::SCHEMA, attr)
}

/// One part of a composite key read back from a primary id: the error is the decoder's message.
pub fn key_part<T: FieldValue>(
    item: &Item,
    model: &'static str,
    field: &FieldSchema,
) -> std::result::Result<T, String> {
    get(item, model, field).map_err(|error| error.to_string())
}

/// The value RelatedFields that point to `owner` store: its primary id.
fn related_id(owner: &impl Model) -> AttributeValue {
    owner
        .key()
        .to_attr(FieldKind::Related)
        .unwrap_or_else(|| AttributeValue::S(String::new()))
}
