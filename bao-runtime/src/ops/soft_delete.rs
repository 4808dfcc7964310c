//! Soft delete (`softDelete` in models.yaml): an item is marked deleted by a time in one of
//! its DateTimeFields instead of being removed. Reads skip it unless asked
//! ([`ReadOptions::with_deleted`](super::ReadOptions), `Query::with_deleted`); its unique values
//! stay claimed, so restoring it cannot collide.

use super::write;
use crate::changes::Changes;
use crate::expr::{Attr, Condition};
use crate::model::Model;
use crate::schema::FieldSchema;
use crate::{Db, Error, Result, Timestamp};

/// Marks the item with this key deleted now (one UpdateItem) and returns it as stored. Fails
/// with [`Error::NotFound`] when there is no such item and [`Error::ConditionFailed`] when it
/// is soft-deleted already.
pub async fn soft_delete<M: Model>(db: &Db, key: &M::Key) -> Result<M> {
    let (changes, condition) = soft_delete_changes(db, M::SCHEMA)?;
    write::update::<M>(db, key, changes, Some(condition)).await
}

/// Clears the item's soft-delete mark (one UpdateItem) and returns it as stored. Fails with
/// [`Error::ConditionFailed`] when it is not soft-deleted.
pub async fn restore<M: Model>(db: &Db, key: &M::Key) -> Result<M> {
    let field = soft_delete_field(M::SCHEMA)?;
    let mut changes = Changes::new();
    changes.remove(field);
    let deleted = Attr::<Timestamp>::of(field).exists();
    write::update::<M>(db, key, changes, Some(deleted)).await
}

/// The change that marks an item deleted now, and the condition that it is not yet.
pub(crate) fn soft_delete_changes(
    db: &Db,
    schema: &'static crate::schema::ModelSchema,
) -> Result<(Changes, Condition)> {
    let field = soft_delete_field(schema)?;
    let mut changes = Changes::new();
    changes.set(field, &db.now());
    Ok((changes, Attr::<Timestamp>::of(field).not_exists()))
}

fn soft_delete_field(schema: &'static crate::schema::ModelSchema) -> Result<&'static FieldSchema> {
    schema
        .soft_delete
        .and_then(|name| schema.field(name))
        .ok_or_else(|| {
            Error::validation(
                schema.name,
                "softDelete",
                "the model has no `softDelete` field in models.yaml",
            )
        })
}
