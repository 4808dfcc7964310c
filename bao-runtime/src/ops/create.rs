//! `create`: one conditional write, or one transaction when unique values are claimed or the
//! items RelatedFields name are checked.

use super::layout;
use super::transact::{self, Part, Role};
use super::validate;
use crate::call::{self, Failure};
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::hooks::{self, WriteKind};
use crate::keys::PK_ATTR;
use crate::model::{self, Model};
use crate::schema::{ModelSchema, UniqueConstraintSchema};
use crate::{Db, Error, Result, fetch, keys, retry, scope};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{Put, ReturnConsumedCapacity, TransactWriteItem};
use futures::FutureExt;

const CREATE_GUARD: &str = "attribute_not_exists(#pk)";

/// How to create an item.
#[derive(Debug, Clone, Copy, Default)]
pub struct CreateOptions {
    /// Do not check that the items its RelatedFields with `referentialIntegrity` name exist
    /// (one PutItem instead of a transaction): when the caller knows they do.
    pub skip_reference_checks: bool,
}

/// Stores a new item whose fields are complete (generated code has already assigned ULIDs,
/// dates, versions and defaults). Fails with [`Error::AlreadyExists`] when the key is taken,
/// [`Error::UniqueViolation`] when a unique value is, and [`Error::MissingReference`] when a
/// RelatedField with `referentialIntegrity` names an item that does not exist.
pub async fn create<M: Model>(db: &Db, fields: Item) -> Result<M> {
    create_with(db, fields, CreateOptions::default()).await
}

/// [`create`] with options.
pub async fn create_with<M: Model>(db: &Db, fields: Item, options: CreateOptions) -> Result<M> {
    let schema = M::SCHEMA;
    let (capacity, written) = store_new(db, schema, &fields, options).await?;
    let created = model::load_fields(fields, capacity)?;
    if let Some(item) = written {
        hooks::after(
            db,
            WriteKind::Create,
            schema.name,
            || (item, Vec::new()),
            capacity,
        )
        .await?;
    }
    Ok(created)
}

/// The write of [`create_with`], the same for every model (so compiled once, not once per
/// model): validates `fields`, runs the before-hooks and stores the item. Returns the capacity
/// and, when the database has hooks, the item written for the after-hooks.
async fn store_new(
    db: &Db,
    schema: &'static ModelSchema,
    fields: &Item,
    options: CreateOptions,
) -> Result<(Capacity, Option<Item>)> {
    validate::new_item(schema, fields)?;
    let id = keys::primary_id(schema, fields)?;
    let item = layout::stored_item(db, schema, fields)?;
    validate::item_size(schema, fields, &item)?;
    hooks::before(db, WriteKind::Create, schema.name, || {
        (item.clone(), Vec::new())
    })
    .await?;
    let cache_key = scope::is_inside().then(|| fetch::CacheKey::of(db, &item));
    let written = db.has_hooks().then(|| item.clone());
    let claims = validate::unique_values(schema, fields);
    let checks = match options.skip_reference_checks {
        true => Vec::new(),
        false => transact::reference_checks(db, schema, |name| fields.get(name))?,
    };
    let capacity = if claims.is_empty() && checks.is_empty() {
        // A throttled write is sent again with the item built anew from `fields`, so that the
        // usual write does not copy it up front.
        let rebuild = || layout::stored_item(db, schema, fields).ok();
        put(db, schema.name, &id, item, rebuild).await?
    } else {
        // Boxed, so that the transaction is compiled out of line of the usual PutItem.
        in_transaction(db, schema, fields, &id, item, claims, checks)
            .boxed()
            .await?
    };
    scope::record_write(capacity);
    if let Some(cache_key) = cache_key {
        scope::remember(cache_key, Some(fields.clone()));
    }
    Ok((capacity, written))
}

/// A create that claims unique values or checks references: one transaction of the guarded
/// Put, the claims and the checks, its failure explained.
async fn in_transaction(
    db: &Db,
    schema: &'static ModelSchema,
    fields: &Item,
    id: &str,
    item: Item,
    claims: Vec<(&'static UniqueConstraintSchema, String)>,
    checks: Vec<Part>,
) -> Result<Capacity> {
    let parts_with = |item| -> Result<Vec<Part>> {
        let mut parts = transaction_parts(db, schema, id, item, &claims)?;
        parts.extend(checks.iter().cloned());
        Ok(parts)
    };
    // A throttled transaction is sent again with its parts built anew from `fields`.
    let again = || {
        let item = layout::stored_item(db, schema, fields).ok()?;
        let parts = parts_with(item).ok()?;
        Some(parts.into_iter().map(|part| part.item).collect())
    };
    transact::write_rebuilding(db, parts_with(item)?, again)
        .await
        .map_err(|failure| {
            if let Some(missing) = failure.missing_reference() {
                missing
            } else if failure.main_condition_failed() {
                Error::AlreadyExists {
                    model: schema.name,
                    id: id.to_owned(),
                }
            } else if let Some((model, constraint, value)) = failure.taken_value() {
                Error::UniqueViolation {
                    model,
                    constraint: constraint.name,
                    field: constraint.field,
                    value: value.to_owned(),
                }
            } else {
                failure.into_error()
            }
        })
}

/// The parts of a create in a transaction: the guarded Put of the item and a claim of each
/// unique value.
pub(crate) fn transaction_parts(
    db: &Db,
    schema: &'static ModelSchema,
    id: &str,
    item: Item,
    claims: &[(&'static UniqueConstraintSchema, String)],
) -> Result<Vec<Part>> {
    let main = Put::builder()
        .table_name(db.table())
        .set_item(Some(item))
        .condition_expression(CREATE_GUARD)
        .expression_attribute_names("#pk", PK_ATTR)
        .build()
        .map_err(|error| Error::sdk("TransactWriteItems", error))?;
    let mut parts = vec![Part {
        item: TransactWriteItem::builder().put(main).build(),
        role: Role::Main {
            action: "create",
            model: schema.name,
            id: id.to_owned(),
        },
    }];
    for (constraint, value) in claims {
        parts.push(transact::claim(db, schema, constraint, value, id)?);
    }
    Ok(parts)
}

/// One guarded PutItem of `item`; `again` builds the item anew for a retry.
async fn put(
    db: &Db,
    model: &'static str,
    id: &str,
    item: Item,
    again: impl FnMut() -> Option<Item>,
) -> Result<Capacity> {
    let span = call::span("PutItem", db.table(), None, Some(model));
    let request = |item| {
        db.calls()
            .put_item()
            .table_name(db.table())
            .set_item(Some(item))
            .condition_expression(CREATE_GUARD)
            .expression_attribute_names("#pk", PK_ATTR)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
    };
    let (result, attempts) = retry::send_request!(db, span, request, first: item, again: again);
    match result {
        Ok(output) => {
            let capacity = Capacity::write_from(output.consumed_capacity());
            call::record(&span, 1, capacity);
            Ok(capacity)
        }
        Err(error) => Err(
            match call::classify("PutItem", attempts, error, |service| {
                matches!(service, PutItemError::ConditionalCheckFailedException(_))
                    .then_some(Failure::ConditionFailed(None))
            }) {
                Failure::ConditionFailed(_) => Error::AlreadyExists {
                    model,
                    id: id.to_owned(),
                },
                Failure::TooLarge(_) => Error::ItemTooLarge {
                    model,
                    id: id.to_owned(),
                    size: None,
                },
                other => other.into_error("PutItem"),
            },
        ),
    }
}
