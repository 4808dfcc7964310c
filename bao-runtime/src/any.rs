//! Items of any model: what a generated `AnyModel` decodes a DynamoDB stream record, a Scan or
//! an export with.
//!
//! An item's model is the prefix of its `_pk` (after a tenant's `[id]#`): every model of a
//! schema has its own. Unique-constraint items are recognised by their `_sk` and reported as
//! [`UniqueClaim`]s.

use crate::Result;
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::keys::{PK_ATTR, SK_ATTR, UNIQUE_CONSTRAINT_SK};
use crate::model::{self, Model};
use aws_sdk_dynamodb::types::AttributeValue;

/// A unique-constraint item: a value of a model's constraint, claimed by one of its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueClaim {
    /// The model whose constraint it is (`relatedModel`).
    pub model: String,
    /// The claimed value's key (`uniqueValue`, as DynamoBao stores it).
    pub value: String,
    /// The primary id of the item that owns it (`relatedId`).
    pub related_id: String,
}

/// What a stored item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored<'i> {
    /// An item of the model with this prefix.
    Model(&'i str),
    /// A unique-constraint item, and what it claims.
    Unique(UniqueClaim),
    /// Neither: no `_pk` (not an item of a bao table).
    Unknown,
}

/// What `item` is, from its keys.
pub fn classify(item: &Item) -> Stored<'_> {
    if text(item, SK_ATTR) == Some(UNIQUE_CONSTRAINT_SK) {
        return Stored::Unique(unique_claim(item));
    }
    let Some(pk) = text(item, PK_ATTR) else {
        return Stored::Unknown;
    };
    // A tenant's items start with `[id]#`.
    let pk = match pk.strip_prefix('[').and_then(|rest| rest.split_once("]#")) {
        Some((_, rest)) => rest,
        None => pk,
    };
    Stored::Model(pk.split_once('#').map_or(pk, |(prefix, _)| prefix))
}

/// The claim a unique-constraint item records.
fn unique_claim(item: &Item) -> UniqueClaim {
    let field = |name: &str| text(item, name).unwrap_or_default().to_owned();
    UniqueClaim {
        model: field("relatedModel"),
        value: field("uniqueValue"),
        related_id: field("relatedId"),
    }
}

/// Decodes a stored item as `M`.
///
/// # Errors
/// [`Error::Decode`](crate::Error::Decode) when it is not an `M` as the schema describes it.
pub fn decode<M: Model>(item: &Item) -> Result<M> {
    model::load(item.clone(), Capacity::ZERO)
}

fn text<'i>(item: &'i Item, name: &str) -> Option<&'i str> {
    match item.get(name) {
        Some(AttributeValue::S(text)) => Some(text),
        _ => None,
    }
}
