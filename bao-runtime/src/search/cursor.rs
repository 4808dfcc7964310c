//! The cursor of a search, in DynamoBao 0.6's format: base64url (no padding) of the JSON
//! `{"bucketCursors":{..},"predicateHash":..,"modelPrefix":..,"scope":[..],"tenantId":..,
//! "pendingItemKeys":[..]}`, bucket numbers in ascending order.
//!
//! The format is DynamoBao's; what bao does with a decoded cursor is not: a cursor is checked
//! against the search that resumes it (query, model, tenant, scope), every bucket it names must be
//! in that scope, and the items it carries are re-checked before they are returned, so an edited
//! or forged cursor can only ever yield items the search itself would.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

/// Decodes as leniently as Node's `Buffer.from(text, "base64")`, which DynamoBao uses: stray
/// trailing bits are ignored.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Where a bucket's query resumes: the index's `LastEvaluatedKey` (`_pk`, `_sk`, `_iter_pk`,
/// `_iter_sk`), by attribute name.
pub(crate) type ResumeKey = BTreeMap<String, String>;

/// A search's position between pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CursorState {
    /// Each bucket still to read: `None` when not started, else where it resumes. A bucket of
    /// the scope that is absent is exhausted.
    pub(crate) buckets: BTreeMap<u32, Option<ResumeKey>>,
    /// The hash of the query ([`super::query::predicate_hash`]).
    pub(crate) predicate_hash: String,
    /// The model's prefix.
    pub(crate) model_prefix: Option<String>,
    /// The buckets the search covers.
    pub(crate) scope: Vec<u32>,
    /// The tenant the search ran under.
    pub(crate) tenant_id: Option<String>,
    /// Primary ids found beyond the last page's limit, returned first by the next page.
    pub(crate) pending: Vec<String>,
}

impl CursorState {
    /// The cursor text.
    pub(crate) fn encode(&self) -> String {
        let json = |value: &str| Value::String(value.to_owned()).to_string();
        let optional = |value: &Option<String>| value.as_deref().map_or("null".to_owned(), json);
        let buckets: Vec<String> = self
            .buckets
            .iter()
            .map(|(bucket, resume)| {
                let resume = match resume {
                    None => "null".to_owned(),
                    Some(key) => {
                        let fields: Vec<String> = key
                            .iter()
                            .map(|(name, value)| format!("{}:{}", json(name), json(value)))
                            .collect();
                        format!("{{{}}}", fields.join(","))
                    }
                };
                format!("\"{bucket}\":{resume}")
            })
            .collect();
        let scope: Vec<String> = self.scope.iter().map(u32::to_string).collect();
        let pending: Vec<String> = self.pending.iter().map(|id| json(id)).collect();
        let payload = format!(
            "{{\"bucketCursors\":{{{}}},\"predicateHash\":{},\"modelPrefix\":{},\"scope\":[{}],\
             \"tenantId\":{},\"pendingItemKeys\":[{}]}}",
            buckets.join(","),
            json(&self.predicate_hash),
            optional(&self.model_prefix),
            scope.join(","),
            optional(&self.tenant_id),
            pending.join(",")
        );
        URL_SAFE_NO_PAD.encode(payload)
    }

    /// Reads a cursor; the error is DynamoBao's message for the first problem found.
    pub(crate) fn decode(cursor: &str) -> Result<CursorState, String> {
        if cursor.is_empty() {
            return Err("Invalid cursor: must be a non-empty string.".to_owned());
        }
        let standard = cursor.replace('-', "+").replace('_', "/");
        let valid = standard
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
        // Decoding stops at the first `=`, and a last lone character carries no byte, as in
        // Node's Buffer.
        let mut unpadded = standard.split('=').next().unwrap_or_default();
        if unpadded.len() % 4 == 1 {
            unpadded = &unpadded[..unpadded.len() - 1];
        }
        let bytes = match valid {
            true => LENIENT.decode(unpadded).ok(),
            false => None,
        }
        .ok_or_else(|| "Invalid cursor: not valid base64url.".to_owned())?;
        let payload: Value = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|text| serde_json::from_str(text).ok())
            .ok_or_else(|| "Invalid cursor: payload is not valid JSON.".to_owned())?;
        let Value::Object(object) = payload else {
            return Err("Invalid cursor: payload is not an object.".to_owned());
        };
        for field in [
            "bucketCursors",
            "predicateHash",
            "modelPrefix",
            "scope",
            "tenantId",
        ] {
            if !object.contains_key(field) {
                return Err(format!(
                    "Invalid cursor: missing required field \"{field}\"."
                ));
            }
        }
        Ok(CursorState {
            buckets: buckets(&object["bucketCursors"])?,
            predicate_hash: object["predicateHash"]
                .as_str()
                .ok_or("Invalid cursor: predicateHash must be a string.")?
                .to_owned(),
            model_prefix: optional_string(&object["modelPrefix"], "modelPrefix")?,
            scope: scope(&object["scope"])?,
            tenant_id: optional_string(&object["tenantId"], "tenantId")?,
            pending: pending(object.get("pendingItemKeys"))?,
        })
    }
}

fn buckets(value: &Value) -> Result<BTreeMap<u32, Option<ResumeKey>>, String> {
    let Value::Object(map) = value else {
        return Err("Invalid cursor: bucketCursors must be an object map.".to_owned());
    };
    map.iter()
        .map(|(bucket, resume)| {
            let bucket: u32 = bucket.parse().map_err(|_| {
                format!("Invalid cursor: bucket `{bucket}` is not a bucket number.")
            })?;
            let resume = match resume {
                Value::Null => None,
                Value::Object(key) => Some(resume_key(key)?),
                _ => return Err("Invalid cursor: a bucket cursor must be an object.".to_owned()),
            };
            Ok((bucket, resume))
        })
        .collect()
}

fn resume_key(key: &Map<String, Value>) -> Result<ResumeKey, String> {
    key.iter()
        .map(|(name, value)| match value {
            Value::String(text) => Ok((name.clone(), text.clone())),
            _ => Err("Invalid cursor: a bucket cursor must hold strings.".to_owned()),
        })
        .collect()
}

fn optional_string(value: &Value, field: &str) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        _ => Err(format!("Invalid cursor: {field} must be a string or null.")),
    }
}

fn scope(value: &Value) -> Result<Vec<u32>, String> {
    let Value::Array(items) = value else {
        return Err("Invalid cursor: scope must be an array.".to_owned());
    };
    items
        .iter()
        .map(|item| {
            item.as_u64()
                .and_then(|bucket| u32::try_from(bucket).ok())
                .ok_or_else(|| {
                    "Invalid cursor: scope must contain non-negative integers.".to_owned()
                })
        })
        .collect()
}

fn pending(value: Option<&Value>) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    "Invalid cursor: pendingItemKeys must contain strings.".to_owned()
                })
            })
            .collect(),
        Some(_) => Err("Invalid cursor: pendingItemKeys must be an array.".to_owned()),
    }
}
