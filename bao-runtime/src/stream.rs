//! DynamoDB stream records, as a Lambda receives them (`aws_lambda_events`), turned into bao
//! items: read each image with a generated `AnyModel::from_item`.
//!
//! ```
//! # fn demo(event: aws_lambda_events::dynamodb::Event) {
//! for record in &event.records {
//!     let change = bao_runtime::stream::Change::of(record);
//!     if let Some(item) = &change.new_image {
//!         // AnyModel::from_item(item)? -> Some(AnyModel::Post(post)) ...
//!         let _ = item;
//!     }
//! }
//! # }
//! ```

use crate::codec::Item;
use aws_lambda_events::dynamodb::EventRecord;

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// `INSERT`: a new item.
    Insert,
    /// `MODIFY`: an item changed.
    Modify,
    /// `REMOVE`: an item was deleted (or expired by TTL).
    Remove,
}

/// One stream record's change, its images as bao items.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What happened; `None` for an event name DynamoDB does not send.
    pub kind: Option<ChangeKind>,
    /// The item's key attributes (`_pk`, `_sk`).
    pub keys: Item,
    /// The item after the change, when the stream carries new images (`NEW_IMAGE`,
    /// `NEW_AND_OLD_IMAGES`) and the item exists.
    pub new_image: Option<Item>,
    /// The item before the change, when the stream carries old images (`OLD_IMAGE`,
    /// `NEW_AND_OLD_IMAGES`) and the item existed.
    pub old_image: Option<Item>,
}

impl Change {
    /// The change `record` describes.
    pub fn of(record: &EventRecord) -> Change {
        let image = |image: &serde_dynamo::Item| -> Option<Item> {
            (!image.is_empty()).then(|| image.clone().into())
        };
        Change {
            kind: match record.event_name.as_str() {
                "INSERT" => Some(ChangeKind::Insert),
                "MODIFY" => Some(ChangeKind::Modify),
                "REMOVE" => Some(ChangeKind::Remove),
                _ => None,
            },
            keys: record.change.keys.clone().into(),
            new_image: image(&record.change.new_image),
            old_image: image(&record.change.old_image),
        }
    }
}
