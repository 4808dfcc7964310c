//! Everything generated model modules call, under one short path.
//!
//! Each generated module starts with `use ::bao_runtime::__codegen as bao;`, and each generated
//! method is one call into this module: the logic lives here, where it is written and tested
//! once, and the generated code stays a thin, typed shell (as tonic's generated clients are over
//! `tonic::codegen`). Not a stable API: it changes with the generator, which is released with
//! this crate.

pub use crate::any::{Stored, UniqueClaim, classify, decode};
pub use crate::capacity::Capacity;
pub use crate::changes::{Changes, Patch};
pub use crate::codec::{
    FieldSink, FieldSource, FieldValue, Item, JsonValue, deserialize_model, from_json, get,
    get_opt, member, member_or_else, put, put_owned, round_to, serialize_fields, serialize_model,
    shape_members,
};
pub use crate::custom::{
    CustomField, CustomFieldSchema, FieldOptions, OptionValue, custom_check, deserialize_custom,
    deserialize_custom_opt,
};
pub use crate::db::Db;
pub use crate::error::Result;
pub use crate::expr::{Attr, AttrAt, Condition, ListAttr, Path};
pub use crate::include::{BelongsTo, HasMany, Include, Load, ManyToMany, NotLoaded, Refine};
pub use crate::iterate::Iteration;
pub use crate::keys::KeyValue;
pub use crate::model::{
    ItemState, KeyNewtype, Model, ModelKey, ModelUpdate, NewModel, key_item_from_primary_id,
};
pub use crate::query::{MappingQuery, Page, Query};
pub use crate::schema::{
    ChildRule, FieldKind, FieldSchema, IndexSchema, KeyPart, KeySchema, ModelSchema, OnDelete,
    Reference, SearchSchema, ShapeSchema, TextFormat, UniqueConstraintSchema, Validator,
};
pub use crate::search::Search;
pub use aws_sdk_dynamodb::types::AttributeValue;
pub use futures::future::BoxFuture;
pub use jiff::Timestamp;
pub use serde::{self, Deserialize, Deserializer, Serialize, Serializer};
pub use std::future::Future;
pub use ulid::Ulid;

use crate::ops::{self, ReadOptions};
use futures::FutureExt;

/// The schema of `M`, as a function: what a [`Reference`] holds.
pub fn schema_of<M: Model>() -> &'static ModelSchema {
    M::SCHEMA
}

/// The impls of a generated key newtype, `UserId(Ulid)`:
/// `key_newtype!(UserId(bao::Ulid), User, F_USER_ID)` implements `Display` and `FromStr` (as
/// the value's), `From<Value>`, `Debug` and [`KeyNewtype`]. A trailing `ulid` adds
/// `generate(db)` and prints the id in `Debug` as its text (not the ULID's 128-bit number); a
/// trailing `string` adds `From<&str>`. Each method is `#[inline]`, like the generated methods
/// that read or build items: compiled in the crate that calls it, and only if it does.
#[doc(hidden)]
#[macro_export]
macro_rules! __key_newtype {
    ($name:ident($value:ty), $model:ty, $field:expr, ulid) => {
        $crate::__key_newtype!(@impls $name($value), $model, $field);
        impl $name {
            /// A new id, stamped with the handle's clock.
            #[inline]
            pub fn generate(db: &$crate::Db) -> Self {
                Self(db.new_ulid())
            }
        }
        impl ::std::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
    ($name:ident($value:ty), $model:ty, $field:expr, string) => {
        $crate::__key_newtype!($name($value), $model, $field);
        impl ::std::convert::From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
    ($name:ident($value:ty), $model:ty, $field:expr) => {
        $crate::__key_newtype!(@impls $name($value), $model, $field);
        impl ::std::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }
    };
    (@impls $name:ident($value:ty), $model:ty, $field:expr) => {
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = <$value as ::std::str::FromStr>::Err;
            #[inline]
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                text.parse().map(Self)
            }
        }
        impl ::std::convert::From<$value> for $name {
            #[inline]
            fn from(value: $value) -> Self {
                Self(value)
            }
        }
        impl $crate::KeyNewtype for $name {
            type Model = $model;
            type Value = $value;
            const FIELD: &'static $crate::schema::FieldSchema = $field;
            #[inline]
            fn value(&self) -> &$value {
                &self.0
            }
            #[inline]
            fn from_value(value: $value) -> Self {
                Self(value)
            }
        }
    };
}
pub use crate::__key_newtype as key_newtype;

/// `impl Serialize for User` and `impl Deserialize for User`, through [`serialize_model`] and
/// [`deserialize_model`]: `impl_serde!(User)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_serde {
    ($model:ty) => {
        impl $crate::__codegen::Serialize for $model {
            fn serialize<S: $crate::__codegen::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::__codegen::serialize_model(self, serializer)
            }
        }
        impl<'de> $crate::__codegen::Deserialize<'de> for $model {
            fn deserialize<D: $crate::__codegen::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::__codegen::deserialize_model(deserializer)
            }
        }
    };
}
pub use crate::__impl_serde as impl_serde;
pub use crate::__string_enum as string_enum;

// The operations below return their inner future instead of awaiting it in an `async fn` of
// their own: each is instantiated once per model in the user's crate, and a second state
// machine around the first would only add to its compile time. Those that a generated method
// returns as it is are boxed: the method's return type is then a named type, where an
// `impl Future` would be an opaque type for the compiler to check for every method of every
// model (a tenth of a models crate's compile time), for one allocation per call.

/// Stores a new item: the fields of `new`, completed from `db` (ids, dates, defaults).
pub fn create<N: NewModel>(db: &Db, new: N) -> impl Future<Output = Result<N::Model>> + '_ {
    ops::create(db, new.into_fields(db))
}

/// Reads one item by key with the default options.
pub fn find<'a, M: Model>(db: &'a Db, key: &'a M::Key) -> BoxFuture<'a, Result<Option<M>>> {
    ops::find(db, key, ReadOptions::default()).boxed()
}

/// Reads a field stored absent when empty (a counter, a string set): its default then.
pub fn get_or_default<T: FieldValue + Default>(
    item: &impl FieldSource,
    model: &'static str,
    field: &FieldSchema,
) -> Result<T> {
    get_opt(item, model, field).map(Option::unwrap_or_default)
}

/// Reads a field with a `defaultValue`: a missing (or `NULL`) attribute reads as the default,
/// as DynamoBao's `fromDy` does, so items stored before the field existed stay readable.
pub fn get_or_else<T: FieldValue>(
    item: &impl FieldSource,
    model: &'static str,
    field: &FieldSchema,
    default: impl FnOnce() -> T,
) -> Result<T> {
    get_opt(item, model, field).map(|value| value.unwrap_or_else(default))
}

/// [`get_or_else`] for a field of a `rustType`, whose default is a value of its base type.
pub fn get_base_or_else<T: CustomField>(
    item: &impl FieldSource,
    model: &'static str,
    field: &FieldSchema,
    default: impl FnOnce() -> T::Base,
) -> Result<T> {
    match get_opt(item, model, field)? {
        Some(value) => Ok(value),
        None => T::from_base(default()).map_err(|message| crate::Error::Decode {
            model,
            id: String::new(),
            field: field.name.to_owned(),
            message: format!("the default of a missing attribute: {message}"),
        }),
    }
}

/// Runs a `validate:` function of the application on a value about to be written, read as
/// the field's Rust type `T` (for an optional field, its inner type) and lent as a `&B`: the
/// body of the generated wrapper a field's [`Validator`] names.
///
/// # Errors
/// The function's message, or why the value does not read as a `T`.
pub fn validate_with<T, B>(
    attr: &AttributeValue,
    field: &FieldSchema,
    check: fn(&B) -> std::result::Result<(), String>,
) -> std::result::Result<(), String>
where
    T: FieldValue + std::borrow::Borrow<B>,
    B: ?Sized,
{
    check(T::from_attr(attr, field.kind)?.borrow())
}

/// Reads the item an optional RelatedField points to: `None` when the field is empty.
pub fn find_optional<'a, M: Model>(
    db: &'a Db,
    key: Option<&'a M::Key>,
) -> BoxFuture<'a, Result<Option<M>>> {
    match key {
        Some(key) => find(db, key),
        None => futures::future::ready(Ok(None)).boxed(),
    }
}

/// Loads the related item of each of `items` (see [`ops::find_related`]).
pub fn find_related<'a, M: Model, T: Model>(
    db: &'a Db,
    items: &'a [M],
    related: impl Fn(&M) -> Option<T::Key> + Send + 'a,
) -> BoxFuture<'a, Result<Vec<Option<T>>>> {
    ops::find_related(db, items, related).boxed()
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
pub fn find_by_unique<'a, M: Model, T: FieldValue + Send + Sync + 'a>(
    db: &'a Db,
    constraint: &'a str,
    value: T,
) -> BoxFuture<'a, Result<Option<M>>> {
    async move { ops::find_by_unique(db, constraint, &value).await }.boxed()
}

/// Marks the item with this key deleted (see [`ops::soft_delete`]).
pub fn soft_delete<'a, M: Model>(db: &'a Db, key: &'a M::Key) -> BoxFuture<'a, Result<M>> {
    ops::soft_delete(db, key).boxed()
}

/// Clears the soft-delete mark of the item with this key (see [`ops::restore`]).
pub fn restore<'a, M: Model>(db: &'a Db, key: &'a M::Key) -> BoxFuture<'a, Result<M>> {
    ops::restore(db, key).boxed()
}

/// A query of `M` through an index partitioned on the model prefix.
pub fn query<'a, M: Model, S: KeyValue>(db: &'a Db, index: &str) -> Query<'a, M, S> {
    Query::new(db, index, None)
}

/// A query of `M` through an index partitioned on a RelatedField: the items that point to
/// `owner`.
pub fn query_related<'a, M: Model, S: KeyValue, O: Model>(
    db: &'a Db,
    index: &str,
    owner: &O,
) -> Query<'a, M, S> {
    query_related_to::<O, M, S>(db, index, &owner.key())
}

/// A query of `M` through an index partitioned on a RelatedField to model `O`: the items that
/// point to the item with key `owner`.
pub fn query_related_to<'a, O: Model, M: Model, S: KeyValue>(
    db: &'a Db,
    index: &str,
    owner: &O::Key,
) -> Query<'a, M, S> {
    // RelatedFields store the primary id of the item they point to.
    let related = owner
        .to_attr(FieldKind::Related)
        .unwrap_or_else(|| AttributeValue::S(String::new()));
    Query::new(db, index, Some(&related))
}

/// A query of `M` through an index partitioned on a plain field (`byStatus`): the items whose
/// field holds `value`, encoded as the item's own write encodes it.
pub fn query_by_value<'a, M: Model, S: KeyValue, T: FieldValue>(
    db: &'a Db,
    index: &str,
    value: T,
) -> Query<'a, M, S> {
    let schema = M::SCHEMA;
    let kind = schema
        .index(index)
        .and_then(|index| match index.key.partition {
            KeyPart::Field(name) => schema.field(name),
            KeyPart::ModelPrefix => None,
        })
        .map_or(FieldKind::String, |field| field.kind);
    Query::new(db, index, value.to_attr(kind).as_ref())
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
