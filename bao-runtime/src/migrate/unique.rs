//! Creating the unique-constraint items of a constraint added to a model with data.

use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ReturnConsumedCapacity, ReturnValuesOnConditionCheckFailure,
};
use futures::FutureExt;

use super::walk::{self, Checkpoint, Failed, MigrateOptions, Outcome, WriteBudget};
use crate::call::{self, Failure};
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::expr::ExprBuilder;
use crate::keys::{self, PK_ATTR};
use crate::ops::layout;
use crate::schema::{ModelSchema, UniqueConstraintSchema};
use crate::{Db, Result, fetch, retry, scope};

/// The attribute of a constraint item that names its owner.
const RELATED_ID: &str = "relatedId";

/// Creates the constraint item of every item of the model that has a value for `constraint`
/// and does not own one yet, resuming from `checkpoint`; `on_page` as for
/// [`reindex`](super::reindex).
///
/// A value that another item already owns is not overwritten: the item is listed in
/// [`Progress::failed`](super::Progress) with the owner's id, so the duplicates can be
/// resolved and the backfill run again. Requests: the pages, then one conditional PutItem per
/// item with a value (one GetItem in a dry run).
///
/// # Errors
/// Any error of the calls; the checkpoint keeps the pages finished before it.
pub async fn backfill_unique(
    db: &Db,
    schema: &'static ModelSchema,
    constraint: &'static UniqueConstraintSchema,
    options: &MigrateOptions,
    checkpoint: &mut Checkpoint,
    on_page: &mut (dyn FnMut(&Checkpoint) -> bool + Send),
) -> Result<()> {
    let budget = WriteBudget::new(options.max_wcu);
    let budget = &budget;
    let visit = move |item: Item| {
        async move {
            let Some(value) = item.get(constraint.field).and_then(layout::unique_value) else {
                return Ok(Outcome::Unchanged);
            };
            let id = walk::id_of(schema, &item);
            let owned =
                match keys::unique_constraint_item(schema, db.tenant(), constraint, &value, &id) {
                    Ok(owned) => owned,
                    Err(error) => {
                        return Ok(Outcome::Failed(Failed {
                            id,
                            error: error.to_string(),
                        }));
                    }
                };
            let owner = match options.dry_run {
                true => current_owner(db, &owned).await?,
                false => {
                    budget.reserve().await;
                    match claim(db, owned).await? {
                        Claim::Created(capacity) => {
                            budget.charge(capacity);
                            return Ok(Outcome::Changed(capacity));
                        }
                        Claim::Owned(owner) => Some(owner),
                    }
                }
            };
            Ok(match owner {
                None => Outcome::Changed(Capacity::ZERO),
                Some(owner) if owner == id => Outcome::Unchanged,
                Some(owner) => Outcome::Failed(Failed {
                    id,
                    error: format!(
                        "duplicate: {} `{value}` of `{}` is owned by {} `{owner}`",
                        constraint.name, constraint.field, schema.name
                    ),
                }),
            })
        }
        .boxed()
    };
    walk::walk(db, schema, options, checkpoint, &visit, on_page).await
}

/// What claiming a value did.
enum Claim {
    /// The constraint item was created.
    Created(Capacity),
    /// It existed, owned by this primary id.
    Owned(String),
}

/// Puts the constraint item unless one exists.
async fn claim(db: &Db, owned: Item) -> Result<Claim> {
    let mut expr = ExprBuilder::new();
    let condition = format!("attribute_not_exists({})", expr.name(PK_ATTR));
    let (names, _) = expr.into_parts();
    let span = call::span("PutItem", db.table(), None, None);
    let request = db
        .calls()
        .put_item()
        .table_name(db.table())
        .set_item(Some(owned))
        .condition_expression(condition)
        .set_expression_attribute_names(names)
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    let (sent, attempts) = retry::send_request!(db, span, request);
    match sent {
        Ok(output) => {
            let capacity = Capacity::write_from(output.consumed_capacity());
            call::record(&span, 1, capacity);
            scope::record_write(capacity);
            Ok(Claim::Created(capacity))
        }
        Err(error) => match call::classify("PutItem", attempts, error, |service| match service {
            PutItemError::ConditionalCheckFailedException(failed) => {
                Some(Failure::ConditionFailed(failed.item().cloned()))
            }
            _ => None,
        }) {
            Failure::ConditionFailed(old) => Ok(Claim::Owned(owner_of(old.as_ref()))),
            other => Err(other.into_error("PutItem")),
        },
    }
}

/// The owner of the constraint item `owned` would be, when it exists (a consistent read).
async fn current_owner(db: &Db, owned: &Item) -> Result<Option<String>> {
    let key: Item = [PK_ATTR, keys::SK_ATTR]
        .into_iter()
        .filter_map(|name| Some((name.to_owned(), owned.get(name)?.clone())))
        .collect();
    let (found, capacity) = fetch::get_item(db, key, true).await?;
    scope::record_read(capacity);
    Ok(found.as_ref().map(|item| owner_of(Some(item))))
}

fn owner_of(item: Option<&Item>) -> String {
    match item.and_then(|item| item.get(RELATED_ID)) {
        Some(AttributeValue::S(id)) => id.clone(),
        _ => String::new(),
    }
}
