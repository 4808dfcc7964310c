//! Transactions for users: creates, updates, deletes and condition checks across models,
//! written all together or not at all in one TransactWriteItems.
//!
//! ```no_run
//! # use bao_runtime::{Db, Model, ModelUpdate, NewModel, Result};
//! # async fn demo<N: NewModel, U: ModelUpdate>(db: &Db, new: N, key: <U::Model as Model>::Key, update: U) -> Result<()> {
//! let mut tx = db.transaction();
//! let created = tx.create(new)?; // the key of the new item, to use in later parts
//! tx.update(&key, update)?;
//! let capacity = tx.commit().await?; // one TransactWriteItems
//! # Ok(()) }
//! ```
//!
//! Every part counts toward DynamoDB's limit of [`MAX_TRANSACTION_ITEMS`], including the
//! unique-constraint items a create or delete implies; [`Transaction::commit`] refuses a
//! transaction over the limit before sending anything. When DynamoDB cancels the transaction,
//! the error ([`Error::TransactionCancelled`]) lists each part that failed, what it was and why.

use crate::capacity::Capacity;
use crate::codec::Item;
use crate::expr::{Condition, ExprBuilder};
use crate::fetch::CacheKey;
use crate::keys::{self, PK_ATTR};
use crate::model::{Model, ModelKey, ModelUpdate, NewModel};
use crate::ops::transact::{self, Part, Role};
use crate::ops::{CreateOptions, create, delete, layout, soft_delete, validate, write};
use crate::scope;
use crate::{Db, Error, Result};
use aws_sdk_dynamodb::types::{ConditionCheck, TransactWriteItem};

pub use crate::ops::MAX_TRANSACTION_ITEMS;

/// A transaction being built. Nothing is sent until [`commit`](Self::commit); each method
/// checks its part as it is added and refuses bad input with a validation error.
#[derive(Debug)]
#[must_use = "a transaction does nothing until it is committed"]
pub struct Transaction<'a> {
    db: &'a Db,
    parts: Vec<Part>,
    touched: Vec<CacheKey>,
}

impl<'a> Transaction<'a> {
    /// An empty transaction on `db` (and its tenant).
    pub fn new(db: &'a Db) -> Self {
        Transaction {
            db,
            parts: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// Creates a new item, claiming its unique values and checking what its RelatedFields with
    /// `referentialIntegrity` name (each a part of the transaction); fails at commit if the key
    /// or a value is taken, or a referenced item is missing. Returns the new item's key.
    pub fn create<N: NewModel>(&mut self, new: N) -> Result<<N::Model as Model>::Key> {
        self.create_with(new, CreateOptions::default())
    }

    /// [`create`](Self::create) with options (`skip_reference_checks`).
    pub fn create_with<N: NewModel>(
        &mut self,
        new: N,
        options: CreateOptions,
    ) -> Result<<N::Model as Model>::Key> {
        let schema = <N::Model as Model>::SCHEMA;
        let fields = new.into_fields(self.db);
        validate::new_item(schema, &fields)?;
        let key = N::Model::from_item(&fields)?.key();
        let id = keys::primary_id(schema, &fields)?;
        let item = layout::stored_item(self.db, schema, &fields)?;
        let claims = validate::unique_values(schema, &fields);
        let checks = match options.skip_reference_checks {
            true => Vec::new(),
            false => transact::reference_checks(self.db, schema, |name| fields.get(name))?,
        };
        self.touched.push(CacheKey::of(self.db, &item));
        let parts = create::transaction_parts(self.db, schema, &id, item, &claims)?;
        self.parts.extend(parts);
        self.parts.extend(checks);
        Ok(key)
    }

    /// Applies `update` to the item with `key` (which must exist), without reading it. A
    /// change of a unique field is refused: use `update` or `save` outside the transaction.
    pub fn update<U: ModelUpdate>(
        &mut self,
        key: &<U::Model as Model>::Key,
        update: U,
    ) -> Result<()> {
        let (changes, condition) = update.into_parts();
        let (parts, cache_key) = write::transaction_parts(
            self.db,
            <U::Model as Model>::SCHEMA,
            key.key_item(),
            changes,
            condition.as_ref(),
        )?;
        self.parts.extend(parts);
        self.touched.push(cache_key);
        Ok(())
    }

    /// Marks the item with this key deleted (a model with `softDelete`); fails at commit if
    /// it is missing or soft-deleted already.
    pub fn soft_delete<K: ModelKey>(&mut self, key: &K) -> Result<()> {
        let schema = K::Model::SCHEMA;
        let (changes, condition) = soft_delete::soft_delete_changes(self.db, schema)?;
        let (parts, cache_key) =
            write::transaction_parts(self.db, schema, key.key_item(), changes, Some(&condition))?;
        self.parts.extend(parts);
        self.touched.push(cache_key);
        Ok(())
    }

    /// Deletes the item with `key` (which must exist). A model with unique constraints is
    /// refused here, since its values must be released: use
    /// [`delete_loaded`](Self::delete_loaded).
    pub fn delete<K: ModelKey>(&mut self, key: &K) -> Result<()> {
        self.delete_with(key, None)
    }

    /// Like [`delete`](Self::delete), only if `condition` holds for the stored item.
    pub fn delete_if<K: ModelKey>(&mut self, key: &K, condition: Condition) -> Result<()> {
        self.delete_with(key, Some(&condition))
    }

    /// Deletes a loaded item and releases its unique values; fails at commit if the item or
    /// its unique values changed since it was loaded.
    pub fn delete_loaded<M: Model>(&mut self, item: &M) -> Result<()> {
        let schema = M::SCHEMA;
        let fields = crate::model::loaded_fields(item);
        let key = item.key().key_item();
        self.push_delete(schema, &key, &fields, None)
    }

    /// Makes the transaction fail unless the item with `key` exists and meets `condition`;
    /// writes nothing to it.
    pub fn check<K: ModelKey>(&mut self, key: &K, condition: Condition) -> Result<()> {
        let schema = K::Model::SCHEMA;
        let key = key.key_item();
        let id = keys::primary_id(schema, &key)?;
        let mut expr = ExprBuilder::new();
        let expression = format!(
            "attribute_exists({}) AND {}",
            expr.name(PK_ATTR),
            condition.render_grouped(&mut expr)
        );
        let (names, values) = expr.into_parts();
        let check = ConditionCheck::builder()
            .table_name(self.db.table())
            .set_key(Some(layout::key_of(self.db, schema, &key)?))
            .condition_expression(expression)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .build()
            .map_err(|error| Error::sdk("TransactWriteItems", error))?;
        self.parts.push(Part {
            item: TransactWriteItem::builder().condition_check(check).build(),
            role: Role::Main {
                action: "check",
                model: schema.name,
                id,
            },
        });
        Ok(())
    }

    /// The items the transaction writes or checks so far, implied unique-constraint items
    /// included: what DynamoDB counts toward [`MAX_TRANSACTION_ITEMS`].
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Sends the transaction: one TransactWriteItems, all of it or nothing. An empty
    /// transaction sends nothing. Returns the write capacity consumed.
    pub async fn commit(self) -> Result<Capacity> {
        if self.parts.is_empty() {
            return Ok(Capacity::ZERO);
        }
        let result = transact::write(self.db, self.parts).await;
        for key in &self.touched {
            scope::forget(key);
        }
        let capacity = result.map_err(|failure| match failure.missing_reference() {
            Some(missing) => missing,
            None => failure.into_error(),
        })?;
        scope::record_write(capacity);
        Ok(capacity)
    }

    fn delete_with<K: ModelKey>(&mut self, key: &K, condition: Option<&Condition>) -> Result<()> {
        let schema = K::Model::SCHEMA;
        if let Some(constraint) = schema.unique_constraints.first() {
            return Err(Error::validation(
                schema.name,
                constraint.field,
                format!(
                    "has unique constraint `{}`, whose value the delete must release; load the item and use `delete_loaded`",
                    constraint.name
                ),
            ));
        }
        let key = key.key_item();
        self.push_delete(schema, &key, &Item::new(), condition)
    }

    fn push_delete(
        &mut self,
        schema: &'static crate::schema::ModelSchema,
        key: &Item,
        fields: &Item,
        condition: Option<&Condition>,
    ) -> Result<()> {
        if let Some(rule) = schema.children.first() {
            return Err(Error::validation(
                schema.name,
                "onDelete",
                format!(
                    "{}.{} has a delete rule for it, which needs a query first: delete it with \
                     `delete` outside a transaction",
                    (rule.model)().name,
                    rule.field
                ),
            ));
        }
        let id = keys::primary_id(schema, key)?;
        let stored_key = layout::key_of(self.db, schema, key)?;
        self.touched.push(CacheKey::of(self.db, &stored_key));
        let parts = delete::transaction_parts(self.db, schema, &id, stored_key, fields, condition)?;
        self.parts.extend(parts);
        Ok(())
    }
}

impl Db {
    /// A new [`Transaction`] on this handle (and its tenant).
    pub fn transaction(&self) -> Transaction<'_> {
        Transaction::new(self)
    }
}
