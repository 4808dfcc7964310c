//! Reindexing every item of a model.

use futures::FutureExt;

use super::walk::{self, Checkpoint, Failed, MigrateOptions, Outcome, WriteBudget};
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::ops::reindex::{Derived, derived_update, rewrite};
use crate::schema::ModelSchema;
use crate::{Db, Result};

/// Brings the `derived` attributes of every item of the model in line with its fields,
/// resuming from `checkpoint` (make one with [`Checkpoint::new`]); `on_page` sees the
/// checkpoint after every page (save it there) and returns `false` to stop.
///
/// Requests: one Query and one BatchGetItem per page of buckets, or one Scan per page of a
/// segment; then one UpdateItem per item that needs it. An item whose keys cannot be made
/// (a stored value too long for a key) is listed in [`Progress::failed`](super::Progress)
/// and left as it was.
///
/// # Errors
/// Any error of the calls (throttling beyond the retries, the network); the checkpoint keeps
/// the pages finished before it.
pub async fn reindex(
    db: &Db,
    schema: &'static ModelSchema,
    derived: Derived,
    options: &MigrateOptions,
    checkpoint: &mut Checkpoint,
    on_page: &mut (dyn FnMut(&Checkpoint) -> bool + Send),
) -> Result<()> {
    let budget = WriteBudget::new(options.max_wcu);
    let budget = &budget;
    let visit = move |item: Item| {
        async move {
            let update = match derived_update(db, schema, &item, derived) {
                Ok(Some(update)) => update,
                Ok(None) => return Ok(Outcome::Unchanged),
                Err(error) => {
                    return Ok(Outcome::Failed(Failed {
                        id: walk::id_of(schema, &item),
                        error: error.to_string(),
                    }));
                }
            };
            if options.dry_run {
                return Ok(Outcome::Changed(Capacity::ZERO));
            }
            budget.reserve().await;
            Ok(match rewrite(db, schema, &item, &update).await? {
                Some(capacity) => {
                    budget.charge(capacity);
                    Outcome::Changed(capacity)
                }
                None => Outcome::Skipped,
            })
        }
        .boxed()
    };
    walk::walk(db, schema, options, checkpoint, &visit, on_page).await
}
