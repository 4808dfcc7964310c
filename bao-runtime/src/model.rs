//! The traits generated models implement, and the bookkeeping each loaded model carries.

use crate::Db;
use crate::capacity::Capacity;
use crate::codec::{FieldSink, FieldSource, FieldValue, Item, PlacedFields};
use crate::expr::Condition;
use crate::keys;
use crate::ops::{self, ReadOptions, SaveOptions};
use crate::schema::{FieldKind, FieldSchema, KeyPart, ModelSchema};
use aws_sdk_dynamodb::types::AttributeValue;
use std::future::Future;
use std::sync::Arc;

/// A generated model, and the operations every model has.
///
/// Generated code implements the required items (the key, the schema and the item codec);
/// the operations are provided methods, so `use bao_runtime::Model;` brings
/// `User::find(&db, &id)`, `user.save(&db)` and the rest into scope. Being generic, each is
/// compiled only for the models that call it: a crate of many models does not pay for
/// operations it never uses. What differs from model to model (unique finders, index queries,
/// related loaders) is generated on the model itself.
pub trait Model: Sized + Send + Sync + 'static {
    /// The primary-key type (`UserId`, `TaggedPostKey`).
    type Key: ModelKey;

    /// The static description of the model.
    const SCHEMA: &'static ModelSchema;

    /// The primary key of this item.
    fn key(&self) -> Self::Key;

    /// Every field as stored, without bao's system attributes (`_pk`, `_gsi1_pk`, ...).
    fn to_item(&self) -> Item {
        let mut item = Item::with_capacity(Self::SCHEMA.fields.len());
        self.write_fields(&mut item);
        item
    }

    /// Passes every field to `sink`, in the order of the schema's fields: the generated body
    /// of [`to_item`](Self::to_item), and how a save compares the fields with the item it
    /// loaded without building the item.
    #[doc(hidden)]
    fn write_fields<S: FieldSink>(&self, sink: &mut S);

    /// Reads a stored item. Unknown attributes are ignored.
    fn from_item(item: &Item) -> crate::Result<Self> {
        Self::from_fields(&PlacedFields::new(Self::SCHEMA.fields, item))
    }

    /// Reads the fields from a stored item, or from the map a model is deserialised from: the
    /// generated body of [`from_item`](Self::from_item) and of the model's `Deserialize`.
    #[doc(hidden)]
    fn from_fields<S: FieldSource>(fields: &S) -> crate::Result<Self>;

    /// The bookkeeping of this item.
    fn state(&self) -> &ItemState;

    /// The bookkeeping of this item, mutably.
    fn state_mut(&mut self) -> &mut ItemState;

    /// Stores a new item in one write (one transaction when it claims unique values or checks
    /// what its RelatedFields with `referentialIntegrity` name). Fails with
    /// [`Error::AlreadyExists`](crate::Error::AlreadyExists) when the key is taken,
    /// [`Error::UniqueViolation`](crate::Error::UniqueViolation) when a unique value is, and
    /// [`Error::MissingReference`](crate::Error::MissingReference) when a referenced item does
    /// not exist.
    fn create<N: NewModel<Model = Self>>(
        db: &Db,
        new: N,
    ) -> impl Future<Output = crate::Result<Self>> + Send {
        ops::create(db, new.into_fields(db))
    }

    /// [`create`](Self::create) with options: `skip_reference_checks` stores the item without
    /// checking that the items its RelatedFields with `referentialIntegrity` name exist.
    fn create_with<N: NewModel<Model = Self>>(
        db: &Db,
        new: N,
        options: ops::CreateOptions,
    ) -> impl Future<Output = crate::Result<Self>> + Send {
        ops::create_with(db, new.into_fields(db), options)
    }

    /// Reads one item by key: batched and cached inside a request scope, one GetItem outside.
    fn find(db: &Db, key: &Self::Key) -> impl Future<Output = crate::Result<Option<Self>>> + Send {
        ops::find(db, key, ReadOptions::default())
    }

    /// Reads one item by key with explicit options (e.g. a strongly consistent read).
    fn find_with(
        db: &Db,
        key: &Self::Key,
        options: ReadOptions,
    ) -> impl Future<Output = crate::Result<Option<Self>>> + Send {
        ops::find(db, key, options)
    }

    /// Reads the key and `fields` of the item with this key (DynamoDB's ProjectionExpression):
    /// `Post::find_partial(db, &id, &[Post::TITLE.path()])`. One GetItem, never through a
    /// request scope's cache; `None` when the item does not exist.
    fn find_partial(
        db: &Db,
        key: &Self::Key,
        fields: &[&crate::Path],
    ) -> impl Future<Output = crate::Result<Option<crate::Partial<Self>>>> + Send {
        crate::projection::find_partial(db, key, fields)
    }

    /// Reads many items by key, in order; `None` where an item does not exist.
    fn find_many(
        db: &Db,
        keys: &[Self::Key],
    ) -> impl Future<Output = crate::Result<Vec<Option<Self>>>> + Send {
        ops::find_many(db, keys)
    }

    /// Writes the fields changed since this item was loaded; sends nothing when none changed.
    fn save(&mut self, db: &Db) -> impl Future<Output = crate::Result<()>> + Send {
        ops::save(db, self, SaveOptions::default())
    }

    /// Like [`save`](Self::save), only if `condition` holds for the stored item.
    fn save_if(
        &mut self,
        db: &Db,
        condition: Condition,
    ) -> impl Future<Output = crate::Result<()>> + Send {
        let options = SaveOptions {
            condition: Some(condition),
            ..SaveOptions::default()
        };
        ops::save(db, self, options)
    }

    /// [`save`](Self::save) with options: a condition, and `force_reindex` (DynamoBao's
    /// `forceReindex`) to rewrite every index, iteration and search attribute from the item.
    fn save_with(
        &mut self,
        db: &Db,
        options: SaveOptions,
    ) -> impl Future<Output = crate::Result<()>> + Send {
        ops::save(db, self, options)
    }

    /// Applies `update` (a generated `UserUpdate`) to the item with this key in one request,
    /// without reading it first, and returns the item as stored afterwards.
    fn update<U: ModelUpdate<Model = Self>>(
        db: &Db,
        key: &Self::Key,
        update: U,
    ) -> impl Future<Output = crate::Result<Self>> + Send {
        let (changes, condition) = update.into_parts();
        ops::update(db, key, changes, condition)
    }

    /// Recomputes the index, iteration and search attributes of the stored item with this key
    /// from its fields, under the current schema (DynamoBao's `forceReindex`): after an index,
    /// `iterable` or `searchable` was added to a model with data. `true` when something was
    /// rewritten; no field changes.
    fn reindex(db: &Db, key: &Self::Key) -> impl Future<Output = crate::Result<bool>> + Send {
        ops::reindex::<Self>(db, key)
    }

    /// Deletes the item with this key and returns it as it was.
    fn delete(db: &Db, key: &Self::Key) -> impl Future<Output = crate::Result<Self>> + Send {
        ops::delete(db, key, None)
    }

    /// Like [`delete`](Self::delete), only if `condition` holds for the stored item.
    fn delete_if(
        db: &Db,
        key: &Self::Key,
        condition: Condition,
    ) -> impl Future<Output = crate::Result<Self>> + Send {
        ops::delete(db, key, Some(condition))
    }

    /// Applies the model's delete rules (`onDelete`) one write at a time, then deletes the item:
    /// for an item whose rules touch more items than one transaction holds. Safe to run again.
    fn delete_cascading(
        db: &Db,
        key: &Self::Key,
    ) -> impl Future<Output = crate::Result<Self>> + Send {
        ops::delete_cascading(db, key)
    }

    /// Deletes this loaded item in one request and returns it as it was: its unique values (as
    /// loaded) are released in the same transaction, without reading it first.
    fn delete_loaded(self, db: &Db) -> impl Future<Output = crate::Result<Self>> + Send {
        ops::delete_loaded(db, self)
    }

    /// The primary id: the key as DynamoBao writes it into related fields (`01J...`, or
    /// `<partition>##__SK__##<sort>` for a composite key).
    fn primary_id(&self) -> String {
        primary_id_of(Self::SCHEMA, &self.key().key_item())
    }

    /// Capacity consumed to load or write this value.
    fn consumed_capacity(&self) -> Capacity {
        self.state().capacity()
    }
}

/// The fields of a new item (`NewUser`), ready to be stored by `create` or a
/// [`Transaction`](crate::Transaction).
pub trait NewModel: Send {
    /// The model the new item becomes.
    type Model: Model;

    /// The complete fields to store: ULIDs assigned, dates stamped from `db`'s clock, defaults
    /// filled in.
    fn into_fields(self, db: &crate::Db) -> Item;
}

/// Changes to a stored item (`UserUpdate`), applied without reading it first.
pub trait ModelUpdate: Send {
    /// The model the changes apply to.
    type Model: Model;

    /// The field changes, and the condition the stored item must meet.
    fn into_parts(self) -> (crate::Changes, Option<crate::Condition>);
}

/// A primary key of a model. It is a [`FieldValue`] too: RelatedFields store it (as the
/// primary id of the item it points to).
pub trait ModelKey: FieldValue + Clone + Send + Sync + 'static {
    /// The model whose key this is.
    type Model: Model<Key = Self>;

    /// The key fields as stored attributes (`{"userId": S("01J...")}`).
    fn key_item(&self) -> Item;

    /// `_pk` and `_sk` of the item with this key, under `tenant`.
    ///
    /// # Errors
    /// As [`keys::primary_key`].
    fn primary_key(
        &self,
        tenant: Option<&crate::tenant::Tenant>,
    ) -> crate::Result<keys::PrimaryKey> {
        keys::primary_key(Self::Model::SCHEMA, tenant, &self.key_item())
    }
}

/// The key type of a model keyed by one field: a newtype over the field's value, such as
/// `UserId(Ulid)`. It is stored, encoded in keys and read back as that value: it is a
/// [`CustomField`](crate::CustomField) whose base is the value, so [`FieldValue`] and
/// [`KeyValue`](crate::keys::KeyValue) come with it, and bao implements [`ModelKey`] for it.
// Only generated key types implement it: a type that lacks it is a `rustType` that lacks
// `CustomField` (which every key newtype gets from it), and the message says so.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a `rustType` in models.yaml but does not implement \
               `bao_runtime::CustomField`",
    label = "named by a `rustType` in models.yaml",
    note = "implement `bao_runtime::CustomField` for `{Self}`, with `type Base` the Rust type of \
            the field's base type (`String` for a StringField, `i64` for an IntegerField, ...)"
)]
pub trait KeyNewtype: std::fmt::Debug + Clone + PartialEq + Send + Sync + 'static {
    /// The model whose key this is.
    type Model: Model<Key = Self>;
    /// The key field's value type.
    type Value: crate::keys::KeyValue + Clone;
    /// The key field.
    const FIELD: &'static FieldSchema;

    /// The wrapped value.
    fn value(&self) -> &Self::Value;

    /// Wraps a value.
    fn from_value(value: Self::Value) -> Self;
}

impl<K: KeyNewtype> ModelKey for K {
    type Model = K::Model;

    fn key_item(&self) -> Item {
        let mut item = Item::with_capacity(1);
        crate::codec::put(&mut item, K::FIELD, self);
        item
    }

    /// Encodes the value straight into the key, without the attribute map of
    /// [`key_item`](ModelKey::key_item): `find` and `find_many` make one per key.
    fn primary_key(
        &self,
        tenant: Option<&crate::tenant::Tenant>,
    ) -> crate::Result<keys::PrimaryKey> {
        keys::KeyValue::with_key_str(self.value(), K::FIELD.kind, |encoded| {
            keys::primary_key_of_field(K::Model::SCHEMA, tenant, K::FIELD, encoded)
        })
    }
}

/// What bao remembers about a model value: the fields as last read or written, which `save`
/// diffs against, and the capacity consumed to get them.
///
/// It is bookkeeping, not data: two states always compare equal, so models compare by field
/// values alone.
#[derive(Debug, Clone, Default)]
pub struct ItemState {
    stored: Option<Arc<Item>>,
    capacity: Capacity,
}

impl ItemState {
    pub(crate) fn stored(item: Item, capacity: Capacity) -> ItemState {
        ItemState {
            stored: Some(Arc::new(item)),
            capacity,
        }
    }

    /// The fields as last read or written, if this value came from DynamoDB.
    pub fn stored_item(&self) -> Option<&Item> {
        self.stored.as_deref()
    }

    /// The fields as last read or written, shared: a write reads them while it replaces the
    /// value that holds them.
    pub(crate) fn shared_stored_item(&self) -> Option<Arc<Item>> {
        self.stored.clone()
    }

    /// Capacity consumed to load or write this value.
    pub fn capacity(&self) -> Capacity {
        self.capacity
    }
}

impl PartialEq for ItemState {
    fn eq(&self, _: &ItemState) -> bool {
        true
    }
}

/// The fields of `item` as it was loaded, or its current fields if it was never stored.
pub(crate) fn loaded_fields<M: Model>(item: &M) -> Item {
    match item.state().stored_item() {
        Some(stored) => stored.clone(),
        None => item.to_item(),
    }
}

/// Decodes a stored item into a model that remembers its fields (the item without bao's own
/// attributes).
pub(crate) fn load<M: Model>(mut item: Item, capacity: Capacity) -> crate::Result<M> {
    let placed = PlacedFields::new(M::SCHEMA.fields, &item);
    let only_fields_and_ours = placed.unknown() == 0;
    let mut model = decode::<M>(&placed, &item)?;
    match only_fields_and_ours {
        // Placing the attributes found every one not named with `_` a field: no search again.
        true => item.retain(|name, _| !name.starts_with('_')),
        false => item = fields_only::<M>(item),
    }
    *model.state_mut() = ItemState::stored(item, capacity);
    Ok(model)
}

/// [`load`] of an item that holds only fields, as a write returns them (see [`fields_only`]).
pub(crate) fn load_fields<M: Model>(item: Item, capacity: Capacity) -> crate::Result<M> {
    let mut model = decode::<M>(&PlacedFields::new(M::SCHEMA.fields, &item), &item)?;
    *model.state_mut() = ItemState::stored(item, capacity);
    Ok(model)
}

/// Decodes the fields placed from `item`; a decode error names the item's id.
fn decode<M: Model>(placed: &PlacedFields<'_>, item: &Item) -> crate::Result<M> {
    M::from_fields(placed).map_err(|error| match error {
        crate::Error::Decode {
            model,
            id,
            field,
            message,
        } if id.is_empty() => crate::Error::Decode {
            model,
            id: primary_id_of(M::SCHEMA, item),
            field,
            message,
        },
        other => other,
    })
}

/// The item without system attributes: what `to_item` of the loaded model would produce.
pub(crate) fn fields_only<M: Model>(item: Item) -> Item {
    fields_only_of(M::SCHEMA, item)
}

/// [`fields_only`] for a schema.
pub(crate) fn fields_only_of(schema: &ModelSchema, mut item: Item) -> Item {
    // bao's own attributes start with `_`, which no field name may (the schema compiler
    // refuses it): they go without a search of the fields.
    item.retain(|name, _| !name.starts_with('_') && schema.field(name).is_some());
    item
}

/// The primary id of the item with these key fields. Key values always encode (the schema
/// compiler allows no binary or set keys), so a missing part encodes as empty.
pub fn primary_id_of(schema: &ModelSchema, key: &Item) -> String {
    let part = |part: KeyPart| match part {
        KeyPart::ModelPrefix => None,
        KeyPart::Field(name) => Some(
            schema
                .field(name)
                .zip(key.get(name))
                .and_then(|(field, attr)| keys::encode_key_value(field.kind, attr).ok())
                .unwrap_or_default(),
        ),
    };
    match (
        part(schema.primary_key.partition),
        part(schema.primary_key.sort),
    ) {
        (Some(pk), Some(sk)) => format!("{pk}{}{sk}", keys::SK_SEPARATOR),
        (Some(id), None) | (None, Some(id)) => id,
        (None, None) => schema.prefix.to_owned(),
    }
}

/// The key fields of a primary id: the inverse of [`primary_id_of`], for RelatedFields that
/// point to models with composite keys.
pub fn key_item_from_primary_id(
    schema: &ModelSchema,
    id: &AttributeValue,
) -> std::result::Result<Item, String> {
    let AttributeValue::S(id) = id else {
        return Err("a primary id is stored as a string".to_owned());
    };
    let parts: Vec<(&'static str, &str)> =
        match (schema.primary_key.partition, schema.primary_key.sort) {
            (KeyPart::Field(pk), KeyPart::Field(sk)) => {
                let (pk_value, sk_value) = id
                    .split_once(keys::SK_SEPARATOR)
                    .ok_or_else(|| format!("`{id}` is not a composite primary id"))?;
                vec![(pk, pk_value), (sk, sk_value)]
            }
            (KeyPart::Field(name), KeyPart::ModelPrefix)
            | (KeyPart::ModelPrefix, KeyPart::Field(name)) => vec![(name, id.as_str())],
            (KeyPart::ModelPrefix, KeyPart::ModelPrefix) => Vec::new(),
        };
    parts
        .into_iter()
        .map(|(name, text)| {
            let kind = schema.field(name).map_or(FieldKind::String, |f| f.kind);
            Ok((name.to_owned(), decode_key_text(kind, text)?))
        })
        .collect()
}

/// The stored attribute of one key component, from its key encoding.
fn decode_key_text(kind: FieldKind, text: &str) -> std::result::Result<AttributeValue, String> {
    let number = |text: &str| {
        let trimmed = text.trim_start_matches('0');
        let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
        trimmed
            .parse::<i64>()
            .map(|value| value.to_string())
            .or_else(|_| trimmed.parse::<f64>().map(|value| value.to_string()))
            .map(AttributeValue::N)
            .map_err(|_| format!("`{text}` is not a number key"))
    };
    match kind {
        FieldKind::Integer
        | FieldKind::Counter
        | FieldKind::DateTime
        | FieldKind::CreateDate
        | FieldKind::ModifiedDate
        | FieldKind::Ttl
        | FieldKind::Float => number(text),
        FieldKind::Boolean => Ok(AttributeValue::Bool(text == "1")),
        _ => Ok(AttributeValue::S(text.to_owned())),
    }
}
