//! A page of query results and the opaque cursor that resumes after it.

use crate::capacity::Capacity;
use crate::codec::Item;
use crate::model::{self, Model};
use crate::{Error, Result};

/// One page of query results.
#[derive(Debug, Clone)]
pub struct Page<M> {
    /// The items of this page.
    pub items: Vec<M>,
    /// Where the next page starts; `None` on the last page.
    pub cursor: Option<Cursor>,
    /// Capacity consumed by this page.
    pub capacity: Capacity,
    /// The items of this page that could not be read as the model (another writer or an older
    /// schema stored a value of another type, or left out a required field), each an
    /// [`Error::Decode`] naming the item: one bad item does not hide the good ones beside it.
    /// `all()` returns the first of them as its error instead of leaving the item out.
    pub undecodable: Vec<Error>,
}

impl<M> Page<M> {
    /// The items, or the first item that could not be read (see
    /// [`undecodable`](Self::undecodable)).
    ///
    /// # Errors
    /// The first [`Error::Decode`] of the page.
    pub fn into_items(self) -> Result<Vec<M>> {
        match self.undecodable.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(self.items),
        }
    }
}

/// Decodes `items` into `M`, keeping the good ones and the errors of the bad ones apart.
pub(crate) fn decode_all<M: Model>(
    items: impl IntoIterator<Item = (Item, Capacity)>,
) -> (Vec<M>, Vec<Error>) {
    let items = items.into_iter();
    let mut decoded = Vec::with_capacity(items.size_hint().0);
    let mut undecodable = Vec::new();
    for (item, capacity) in items {
        match model::load::<M>(item, capacity) {
            Ok(model) => decoded.push(model),
            Err(error) => undecodable.push(error),
        }
    }
    (decoded, undecodable)
}

/// An opaque position in a query's results. It is bound to the model, index, partition and
/// tenant it came from: any other query refuses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(String);

impl Cursor {
    /// The cursor as a URL-safe token.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A cursor from a token given out earlier by [`Cursor::as_str`].
    pub fn from_token(token: impl Into<String>) -> Cursor {
        Cursor(token.into())
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
