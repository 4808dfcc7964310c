//! The operations generated methods call, generic over [`Model`](crate::Model).
//!
//! Each one makes the fewest DynamoDB calls the operation allows; their doc comments say how
//! many.

pub(crate) mod cascade;
pub(crate) mod create;
pub(crate) mod delete;
pub(crate) mod layout;
pub(crate) mod read;
pub(crate) mod reindex;
pub(crate) mod soft_delete;
pub(crate) mod transact;
pub(crate) mod validate;
pub(crate) mod write;
mod write_plan;

pub use crate::fetch::MAX_BATCH_GET_KEYS;
pub use cascade::delete_cascading;
pub use create::{CreateOptions, create, create_with};
pub use delete::{delete, delete_loaded};
pub use layout::stored_items;
pub use read::{ReadOptions, find, find_by_unique, find_many, find_related};
pub use reindex::{Derived, reindex};
pub use soft_delete::{restore, soft_delete};
pub use transact::MAX_TRANSACTION_ITEMS;
pub use validate::MAX_ITEM_BYTES;
pub use write::{SaveOptions, save, update};
