//! Whole-model migrations after a schema change, from the schema alone (no model type needed,
//! so the `bao` command runs them from models.yaml):
//!
//! - [`reindex`]: DynamoBao's `forceReindex` for every item: GSI keys, iteration keys and
//!   `_searchText` recomputed from each item's fields, after an index, `iterable` or
//!   `searchable` was added or changed (or only one index, or only the search text);
//! - [`backfill_unique`]: the unique-constraint items of a constraint added to a model with
//!   data, listing the values several items share instead of failing half way.
//!
//! Both walk the model a page at a time ([`Walk`]: its iteration buckets, or a parallel Scan
//! restricted to its prefix), write only the items that need it (each write guarded by the
//! fields it read, so an item written meanwhile is left to that write), stay within a write
//! budget, can count instead of write (a dry run), and resume from a [`Checkpoint`] after a
//! stop. Throttling is retried like every other call.

mod reindex;
mod unique;
mod walk;

pub use reindex::reindex;
pub use unique::backfill_unique;
pub use walk::{Checkpoint, Failed, MigrateOptions, Progress, Walk};
