//! TransactWriteItems with a role for every part, so a cancellation says which part failed.

use super::layout;
use crate::call::{self, Failure};
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::error::CancellationReason;
use crate::keys::PK_ATTR;
use crate::schema::{ModelSchema, UniqueConstraintSchema};
use crate::{Db, Error, Result, model, retry};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, ReturnConsumedCapacity, TransactWriteItem,
};

/// DynamoDB's limit on the parts of one transaction.
pub const MAX_TRANSACTION_ITEMS: usize = 100;

/// What a part of a transaction is for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Role {
    /// The write (or condition check) of a model item.
    Main {
        /// What the part does: `create`, `update`, `delete` or `check`.
        action: &'static str,
        model: &'static str,
        id: String,
    },
    /// Claiming a unique value.
    Claim {
        model: &'static str,
        constraint: &'static UniqueConstraintSchema,
        value: String,
    },
    /// Releasing a unique value.
    Release {
        model: &'static str,
        constraint: &'static UniqueConstraintSchema,
    },
    /// Checking that the item a RelatedField with `referentialIntegrity` names exists.
    Reference {
        model: &'static str,
        field: &'static str,
        target: &'static str,
        id: String,
    },
}

impl Role {
    fn describe(&self) -> String {
        match self {
            Role::Main { action, model, id } => format!("{action} {model} `{id}`"),
            Role::Claim {
                model,
                constraint,
                value,
            } => format!(
                "{model} unique constraint `{}` claiming `{value}`",
                constraint.name
            ),
            Role::Release { model, constraint } => {
                format!("{model} release of unique constraint `{}`", constraint.name)
            }
            Role::Reference {
                model,
                field,
                target,
                id,
            } => format!("check {target} `{id}` exists ({model}.{field})"),
        }
    }
}

/// One part of a transaction.
#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub(crate) item: TransactWriteItem,
    pub(crate) role: Role,
}

/// A failed part: its position and role, DynamoDB's code and message, and the item as it was
/// when a condition failed.
#[derive(Debug)]
pub(crate) struct Rejection {
    pub(crate) index: usize,
    pub(crate) role: Role,
    pub(crate) code: String,
    pub(crate) message: Option<String>,
    pub(crate) item: Option<Item>,
}

/// How a transaction failed.
#[derive(Debug)]
pub(crate) enum TxFailure {
    /// Cancelled; every part that failed, in order.
    Cancelled(Vec<Rejection>),
    /// Anything else.
    Other(Error),
}

impl TxFailure {
    /// The general error, for failures the caller gives no special meaning.
    pub(crate) fn into_error(self) -> Error {
        match self {
            TxFailure::Other(error) => error,
            TxFailure::Cancelled(rejections) => Error::TransactionCancelled {
                reasons: rejections
                    .into_iter()
                    .map(|rejection| CancellationReason {
                        index: rejection.index,
                        part: rejection.role.describe(),
                        code: rejection.code,
                        message: rejection.message,
                    })
                    .collect(),
            },
        }
    }

    /// The unique value that another item owns, if that is why the transaction failed.
    pub(crate) fn taken_value(
        &self,
    ) -> Option<(&'static str, &'static UniqueConstraintSchema, &str)> {
        let TxFailure::Cancelled(rejections) = self else {
            return None;
        };
        rejections
            .iter()
            .find_map(|rejection| match &rejection.role {
                Role::Claim {
                    model,
                    constraint,
                    value,
                } if rejection.code == "ConditionalCheckFailed" => {
                    Some((*model, *constraint, value.as_str()))
                }
                _ => None,
            })
    }

    /// The reference that names a missing item, if that is why the transaction failed.
    pub(crate) fn missing_reference(&self) -> Option<Error> {
        let TxFailure::Cancelled(rejections) = self else {
            return None;
        };
        rejections
            .iter()
            .find_map(|rejection| match &rejection.role {
                Role::Reference {
                    model,
                    field,
                    target,
                    id,
                } if rejection.code == "ConditionalCheckFailed" => Some(Error::MissingReference {
                    model,
                    field,
                    target,
                    id: id.clone(),
                }),
                _ => None,
            })
    }

    /// The main item as it was, when its condition failed and DynamoDB returned it.
    pub(crate) fn main_item(&self) -> Option<&Item> {
        let TxFailure::Cancelled(rejections) = self else {
            return None;
        };
        rejections
            .iter()
            .find(|rejection| matches!(rejection.role, Role::Main { .. }))
            .and_then(|rejection| rejection.item.as_ref())
    }

    /// Whether the main item's condition failed.
    pub(crate) fn main_condition_failed(&self) -> bool {
        matches!(self, TxFailure::Cancelled(rejections) if rejections.iter().any(|rejection| {
            matches!(rejection.role, Role::Main { .. }) && rejection.code == "ConditionalCheckFailed"
        }))
    }
}

/// Sends one TransactWriteItems; refuses more than [`MAX_TRANSACTION_ITEMS`] parts before sending.
/// A throttled call is sent again with a copy of the parts.
pub(crate) async fn write(db: &Db, parts: Vec<Part>) -> Result<Capacity, TxFailure> {
    within_limit(&parts)?;
    let copy: Vec<TransactWriteItem> = parts.iter().map(|part| part.item.clone()).collect();
    send(db, parts, || Some(copy.clone())).await
}

/// [`write`], with the items of a throttled call built `again` by the caller instead of copied
/// before the first attempt.
pub(crate) async fn write_rebuilding(
    db: &Db,
    parts: Vec<Part>,
    again: impl FnMut() -> Option<Vec<TransactWriteItem>>,
) -> Result<Capacity, TxFailure> {
    within_limit(&parts)?;
    send(db, parts, again).await
}

/// Refuses more parts than one transaction takes, naming what filled it.
fn within_limit(parts: &[Part]) -> Result<(), TxFailure> {
    if parts.len() > MAX_TRANSACTION_ITEMS {
        return Err(TxFailure::Other(Error::validation(
            "transaction",
            "items",
            format!(
                "{} items, DynamoDB allows at most {MAX_TRANSACTION_ITEMS}: {}",
                parts.len(),
                what_filled(parts)
            ),
        )));
    }
    Ok(())
}

/// Sends the parts, then the items `again` makes while the call is throttled; a cancelled
/// transaction comes back as its rejected parts.
async fn send(
    db: &Db,
    parts: Vec<Part>,
    again: impl FnMut() -> Option<Vec<TransactWriteItem>>,
) -> Result<Capacity, TxFailure> {
    let span = call::span("TransactWriteItems", db.table(), None, None);
    let (items, roles): (Vec<_>, Vec<_>) = parts.into_iter().map(|p| (p.item, p.role)).unzip();
    let count = items.len();
    let request = |items| {
        db.calls()
            .transact_write_items()
            .set_transact_items(Some(items))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
    };
    let (result, attempts) = retry::send_request!(db, span, request, first: items, again: again);
    match result {
        Ok(output) => {
            let capacity = Capacity::write_from(output.consumed_capacity());
            call::record(&span, count, capacity);
            Ok(capacity)
        }
        Err(error) => {
            let failure =
                call::classify(
                    "TransactWriteItems",
                    attempts,
                    error,
                    |service| match service {
                        TransactWriteItemsError::TransactionCanceledException(cancelled) => Some(
                            Failure::Cancelled(cancelled.cancellation_reasons().to_vec()),
                        ),
                        _ => None,
                    },
                );
            Err(match failure {
                Failure::Cancelled(reasons) => {
                    let rejections: Vec<Rejection> = reasons
                        .iter()
                        .zip(roles)
                        .enumerate()
                        .filter_map(|(index, (reason, role))| {
                            let code = reason.code().filter(|code| *code != "None")?;
                            Some(Rejection {
                                index,
                                role,
                                code: code.to_owned(),
                                message: reason.message().map(str::to_owned),
                                item: reason.item().cloned(),
                            })
                        })
                        .collect();
                    let oversized = rejections
                        .iter()
                        .filter(|rejection| {
                            rejection.code == "ValidationError"
                                && call::is_size_message(rejection.message.as_deref())
                        })
                        .find_map(|rejection| too_large(&rejection.role));
                    match oversized {
                        Some(error) => TxFailure::Other(error),
                        None => TxFailure::Cancelled(rejections),
                    }
                }
                Failure::TooLarge(message) => {
                    // DynamoDB does not say which item; name it when only one is a model item.
                    let mut items = roles.iter().filter_map(too_large);
                    TxFailure::Other(match (items.next(), items.next()) {
                        (Some(error), None) => error,
                        _ => Failure::TooLarge(message).into_error("TransactWriteItems"),
                    })
                }
                other => TxFailure::Other(other.into_error("TransactWriteItems")),
            })
        }
    }
}

/// What the parts are, counted by kind, most first: `60 × create Book, 60 × claim of Book
/// unique constraint uniqueIsbn, 30 × check of Book.authorId`.
fn what_filled(parts: &[Part]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for part in parts {
        let kind = match &part.role {
            Role::Main { action, model, .. } => format!("{action} {model}"),
            Role::Claim {
                model, constraint, ..
            } => format!("claim of {model} unique constraint {}", constraint.name),
            Role::Release { model, constraint } => {
                format!("release of {model} unique constraint {}", constraint.name)
            }
            Role::Reference { model, field, .. } => format!("check of {model}.{field}"),
        };
        match counts.iter_mut().find(|(seen, _)| *seen == kind) {
            Some((_, count)) => *count += 1,
            None => counts.push((kind, 1)),
        }
    }
    counts.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let listed: Vec<String> = counts
        .iter()
        .map(|(kind, count)| format!("{count} × {kind}"))
        .collect();
    listed.join(", ")
}

/// [`Error::ItemTooLarge`] for the part with this role, when it writes a model item
/// (constraint items are small).
fn too_large(role: &Role) -> Option<Error> {
    match role {
        Role::Main { model, id, .. } => Some(Error::ItemTooLarge {
            model,
            id: id.clone(),
            size: None,
        }),
        _ => None,
    }
}

/// The checks that the items named by the RelatedFields with `referentialIntegrity` of
/// `schema` exist, for the fields `values` sets (a field set to nothing needs none).
pub(crate) fn reference_checks<'v>(
    db: &Db,
    schema: &'static ModelSchema,
    values: impl Fn(&str) -> Option<&'v AttributeValue>,
) -> Result<Vec<Part>> {
    let mut parts = Vec::new();
    for field in schema.fields {
        // The reference first: a field without one is not looked up.
        let Some(reference) = field.references else {
            continue;
        };
        let Some(value) = values(field.name) else {
            continue;
        };
        let target = reference.target();
        let key_fields = model::key_item_from_primary_id(target, value)
            .map_err(|message| Error::validation(schema.name, field.name, message))?;
        let check = ConditionCheck::builder()
            .table_name(db.table())
            .set_key(Some(layout::key_of(db, target, &key_fields)?))
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", PK_ATTR)
            .build()
            .map_err(|error| Error::sdk("TransactWriteItems", error))?;
        let id = match value {
            AttributeValue::S(id) => id.clone(),
            other => format!("{other:?}"),
        };
        parts.push(Part {
            item: TransactWriteItem::builder().condition_check(check).build(),
            role: Role::Reference {
                model: schema.name,
                field: field.name,
                target: target.name,
                id,
            },
        });
    }
    Ok(parts)
}

/// Claims `value` of `constraint` for the item `related_id`: DynamoBao's constraint item and
/// condition, so claiming your own value again is a no-op.
pub(crate) fn claim(
    db: &Db,
    schema: &'static ModelSchema,
    constraint: &'static UniqueConstraintSchema,
    value: &str,
    related_id: &str,
) -> Result<Part> {
    let pk = layout::unique_partition(db, schema, constraint, value)?;
    // Sized for every attribute, so that the table is not grown and rehashed as they go in.
    let mut item = Item::with_capacity(6);
    item.insert("uniqueValue".into(), AttributeValue::S(pk.clone()));
    layout::put_unique_key(&mut item, pk);
    item.insert("relatedId".into(), AttributeValue::S(related_id.to_owned()));
    item.insert(
        "relatedModel".into(),
        AttributeValue::S(schema.name.to_owned()),
    );
    if let Some(tenant) = db.tenant() {
        item.insert(
            "_gsi_test_id".into(),
            AttributeValue::S(tenant.id().to_owned()),
        );
    }
    let put = Put::builder()
        .table_name(db.table())
        .set_item(Some(item))
        .condition_expression(
            "attribute_not_exists(#pk) OR (relatedId = :relatedId AND relatedModel = :modelName)",
        )
        .expression_attribute_names("#pk", PK_ATTR)
        .set_expression_attribute_values(Some(owner_values(schema, related_id)))
        .build()
        .map_err(|error| Error::sdk("TransactWriteItems", error))?;
    Ok(Part {
        item: TransactWriteItem::builder().put(put).build(),
        role: Role::Claim {
            model: schema.name,
            constraint,
            value: value.to_owned(),
        },
    })
}

/// Releases `value` of `constraint`, if `related_id` owns it.
pub(crate) fn release(
    db: &Db,
    schema: &'static ModelSchema,
    constraint: &'static UniqueConstraintSchema,
    value: &str,
    related_id: &str,
) -> Result<Part> {
    let delete = Delete::builder()
        .table_name(db.table())
        .set_key(Some(layout::unique_key(db, schema, constraint, value)?))
        .condition_expression("relatedId = :relatedId AND relatedModel = :modelName")
        .set_expression_attribute_values(Some(owner_values(schema, related_id)))
        .build()
        .map_err(|error| Error::sdk("TransactWriteItems", error))?;
    Ok(Part {
        item: TransactWriteItem::builder().delete(delete).build(),
        role: Role::Release {
            model: schema.name,
            constraint,
        },
    })
}

fn owner_values(schema: &ModelSchema, related_id: &str) -> Item {
    Item::from([
        (
            ":relatedId".to_owned(),
            AttributeValue::S(related_id.to_owned()),
        ),
        (
            ":modelName".to_owned(),
            AttributeValue::S(schema.name.to_owned()),
        ),
    ])
}
