//! The one error type of the runtime.

use crate::keys::{PK_ATTR, SK_ATTR};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;
use std::sync::Arc;

/// A `Result` whose error is the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why one part of a cancelled transaction failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancellationReason {
    /// Position of the part in the transaction, from 0.
    pub index: usize,
    /// What the part was, e.g. `put User` or `unique uniqueEmail`.
    pub part: String,
    /// DynamoDB's code, e.g. `ConditionalCheckFailed`.
    pub code: String,
    /// DynamoDB's message, when it sent one.
    pub message: Option<String>,
}

/// Everything that can go wrong in a runtime call.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The item to update or delete does not exist.
    #[error("{model} `{id}` not found")]
    NotFound {
        /// Model name.
        model: &'static str,
        /// Primary id of the missing item.
        id: String,
    },
    /// A condition given by the caller, or an existence guard, did not hold.
    #[error("condition failed on {model} `{id}`")]
    ConditionFailed {
        /// Model name.
        model: &'static str,
        /// Primary id of the item.
        id: String,
    },
    /// The item was created before (create is guarded by `attribute_not_exists`).
    #[error("{model} `{id}` already exists")]
    AlreadyExists {
        /// Model name.
        model: &'static str,
        /// Primary id of the item.
        id: String,
    },
    /// A unique constraint's value belongs to another item.
    #[error("{model}.{field} `{value}` is already taken (unique constraint `{constraint}`)")]
    UniqueViolation {
        /// Model name.
        model: &'static str,
        /// Constraint name, e.g. `uniqueEmail`.
        constraint: &'static str,
        /// The constrained field's attribute name.
        field: &'static str,
        /// The taken value.
        value: String,
    },
    /// A RelatedField with `referentialIntegrity` names an item that does not exist: the write
    /// checked it in the same transaction, and nothing was written.
    #[error("{model}.{field} names {target} `{id}`, which does not exist")]
    MissingReference {
        /// Model name of the item written.
        model: &'static str,
        /// The RelatedField's attribute name.
        field: &'static str,
        /// The related model's name.
        target: &'static str,
        /// The primary id the field holds.
        id: String,
    },
    /// An item cannot be deleted while items of another model name it in a RelatedField with
    /// `onDelete: restrict`; nothing was deleted.
    #[error("{model} `{id}` is named by {count} {child} item(s) in `{field}` (onDelete: restrict)")]
    Restricted {
        /// Model name of the item to delete.
        model: &'static str,
        /// Its primary id.
        id: String,
        /// The referencing model.
        child: &'static str,
        /// Its RelatedField.
        field: &'static str,
        /// How many of its items name the item (at least).
        count: usize,
    },
    /// Another writer changed the item since it was loaded.
    #[error("{model} `{id}` was changed by another writer (expected version {expected})")]
    VersionConflict {
        /// Model name.
        model: &'static str,
        /// Primary id of the item.
        id: String,
        /// The version this write expected to replace; empty when the item was loaded without
        /// one (stored before the model had a VersionField).
        expected: String,
    },
    /// A value was refused before anything was sent.
    #[error("invalid {model}.{field}: {message}")]
    Validation {
        /// Model name (or `tenant`, `cursor`, ... for non-model input).
        model: &'static str,
        /// Field or input name.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A stored item could not be read as its model (another writer stored a value of another
    /// type, or left out a required field).
    #[error("cannot decode {}: {message}", decode_target(model, id, field))]
    Decode {
        /// Model name.
        model: &'static str,
        /// The item's primary id, as far as its key could be read.
        id: String,
        /// Attribute name.
        field: String,
        /// What is wrong, with what was found.
        message: String,
    },
    /// A transaction was cancelled; every part that failed is listed.
    #[error("transaction cancelled: {}", describe_reasons(.reasons))]
    TransactionCancelled {
        /// The failing parts.
        reasons: Vec<CancellationReason>,
    },
    /// DynamoDB kept throttling after every retry of the [`RetryPolicy`](crate::RetryPolicy).
    /// Nothing was written by the throttled call.
    #[error("{operation} was throttled after {attempts} attempts{}", describe_keys(.keys))]
    Throttled {
        /// The DynamoDB operation.
        operation: &'static str,
        /// Attempts made.
        attempts: u32,
        /// The keys a read left unread (empty for writes and queries). When a batch read was
        /// throttled in one chunk and left keys unprocessed in another, all of them are here.
        keys: Vec<HashMap<String, AttributeValue>>,
    },
    /// BatchGetItem left keys unprocessed after every retry. These keys were neither found nor
    /// proven absent.
    #[error("{} keys left unprocessed after {attempts} attempts{}", .keys.len(), describe_keys(.keys))]
    UnprocessedKeys {
        /// The keys that were not read.
        keys: Vec<HashMap<String, AttributeValue>>,
        /// Attempts made.
        attempts: u32,
    },
    /// The item would be larger than DynamoDB's 400 KB limit; nothing was written.
    #[error("{model} `{id}` would exceed DynamoDB's 400 KB item limit{}", .size.map(|size| format!(" ({size} bytes)")).unwrap_or_default())]
    ItemTooLarge {
        /// Model name.
        model: &'static str,
        /// Primary id of the item.
        id: String,
        /// The item's size as DynamoDB counts it, when it was measured before sending (DynamoDB
        /// itself does not say).
        size: Option<usize>,
    },
    /// A request scope was required (strict mode) but the call ran outside one.
    #[error("{operation} must run inside a request scope (strict batching is on)")]
    ScopeRequired {
        /// The call that needed a scope.
        operation: &'static str,
    },
    /// The table is missing, or has a different shape from the one bao needs.
    #[error("table `{table}`: {message}")]
    Table {
        /// Table name.
        table: String,
        /// What is wrong.
        message: String,
    },
    /// `bao.toml` could not be read, or is not valid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Any other DynamoDB or transport error.
    #[error("DynamoDB {operation} failed: {source}")]
    Sdk {
        /// The DynamoDB operation.
        operation: &'static str,
        /// The SDK error.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
}

/// `User.age`, or `User \`01J…\`.age` when the item's id is known.
fn decode_target(model: &str, id: &str, field: &str) -> String {
    match id.is_empty() {
        true => format!("{model}.{field}"),
        false => format!("{model} `{id}`.{field}"),
    }
}

fn describe_reasons(reasons: &[CancellationReason]) -> String {
    reasons
        .iter()
        .map(|reason| format!("{} ({}): {}", reason.part, reason.index, reason.code))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Names up to five keys by `_pk` and `_sk`.
fn describe_keys(keys: &[HashMap<String, AttributeValue>]) -> String {
    const SHOWN: usize = 5;
    if keys.is_empty() {
        return String::new();
    }
    let text = |key: &HashMap<String, AttributeValue>, name: &str| match key.get(name) {
        Some(AttributeValue::S(value)) => value.clone(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    };
    let mut named: Vec<String> = keys
        .iter()
        .take(SHOWN)
        .map(|key| format!("{} / {}", text(key, PK_ATTR), text(key, SK_ATTR)))
        .collect();
    if keys.len() > SHOWN {
        named.push(format!("and {} more", keys.len() - SHOWN));
    }
    format!(": {}", named.join(", "))
}

impl Error {
    /// The item was not found.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// A condition or existence guard failed.
    pub fn is_condition_failed(&self) -> bool {
        matches!(self, Error::ConditionFailed { .. })
    }

    /// The item already existed on create.
    pub fn is_already_exists(&self) -> bool {
        matches!(self, Error::AlreadyExists { .. })
    }

    /// A unique value was taken.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::UniqueViolation { .. })
    }

    /// A RelatedField with `referentialIntegrity` names an item that does not exist.
    pub fn is_missing_reference(&self) -> bool {
        matches!(self, Error::MissingReference { .. })
    }

    /// A delete refused by an `onDelete: restrict` rule.
    pub fn is_restricted(&self) -> bool {
        matches!(self, Error::Restricted { .. })
    }

    /// A concurrent writer changed a versioned item.
    pub fn is_version_conflict(&self) -> bool {
        matches!(self, Error::VersionConflict { .. })
    }

    /// Input was refused before sending.
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::Validation { .. })
    }

    /// A transaction was cancelled.
    pub fn is_transaction_cancelled(&self) -> bool {
        matches!(self, Error::TransactionCancelled { .. })
    }

    /// Throttling outlasted the retries.
    pub fn is_throttled(&self) -> bool {
        matches!(self, Error::Throttled { .. })
    }

    /// Batch keys stayed unprocessed.
    pub fn is_unprocessed_keys(&self) -> bool {
        matches!(self, Error::UnprocessedKeys { .. })
    }

    /// The item exceeded DynamoDB's 400 KB limit.
    pub fn is_item_too_large(&self) -> bool {
        matches!(self, Error::ItemTooLarge { .. })
    }

    pub(crate) fn validation(
        model: &'static str,
        field: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Error::Validation {
            model,
            field,
            message: message.into(),
        }
    }

    pub(crate) fn sdk(
        operation: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Sdk {
            operation,
            source: Arc::new(source),
        }
    }
}
