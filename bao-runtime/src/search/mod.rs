//! DynamoBao's search: the `_searchText` attribute every write of a searchable model keeps,
//! and [`Search`], which finds items by the words of their source fields over the iteration
//! index `iter_search_index`. [`crate::migrate::reindex`] with
//! [`Derived::SearchText`](crate::ops::Derived::SearchText) rebuilds the text of stored items.

mod cursor;
mod engine;
pub mod query;
#[cfg(test)]
mod tests;
pub mod text;
#[cfg(any(test, feature = "testing"))]
#[doc(hidden)]
pub mod vectors;

pub use engine::{SEARCH_INDEX_NAME, Search};
pub use query::{Operator, SEARCH_TEXT};
pub use text::{SearchTextUpdate, item_search_text, normalize, search_text, search_text_update};
