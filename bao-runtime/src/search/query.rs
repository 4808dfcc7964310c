//! The query side of search: splitting a query into terms, the DynamoDB filter that matches
//! them against `_searchText`, and the hash that binds a cursor to its query, each as
//! DynamoBao 0.6 computes it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use super::text::{is_js_space, normalize};
use crate::schema::SearchSchema;

/// The attribute holding an item's search text.
pub const SEARCH_TEXT: &str = "_searchText";

/// How a search combines its terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Operator {
    /// Every term must match (DynamoBao's `$and`, the default).
    #[default]
    All,
    /// At least one term must match (`$or`).
    Any,
}

impl Operator {
    /// DynamoBao's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::All => "$and",
            Operator::Any => "$or",
        }
    }
}

/// Splits a query into raw terms (DynamoBao's `tokenizeSearchQuery`): whitespace separates
/// terms, and `"` opens a phrase that runs to the next `"` (or the end), trimmed and dropped
/// when empty. A word also ends at `"`, so `foo"bar baz"qux` is `foo`, `bar baz`, `qux`.
#[must_use]
pub fn tokenize(query: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut rest = query;
    loop {
        rest = rest.trim_start_matches(is_js_space);
        let Some(first) = rest.chars().next() else {
            return terms;
        };
        if first == '"' {
            let inner = &rest[1..];
            let (phrase, after) = match inner.find('"') {
                Some(end) => (&inner[..end], &inner[end + 1..]),
                None => (inner, ""),
            };
            let phrase = phrase.trim_matches(is_js_space);
            if !phrase.is_empty() {
                terms.push(phrase.to_owned());
            }
            rest = after;
        } else {
            let end = rest
                .find(|c: char| is_js_space(c) || c == '"')
                .unwrap_or(rest.len());
            terms.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
}

/// A search's terms, normalised, with the filter that matches them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPredicate {
    /// The normalised terms kept (not empty, not shorter than `minTermLength`), in order,
    /// duplicates included.
    pub terms: Vec<String>,
    /// How they combine.
    pub operator: Operator,
}

/// Why a query has nothing to search for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmptyQuery;

impl SearchPredicate {
    /// The terms of `raw` that survive normalisation and the length floor
    /// (`buildSearchPredicate`); an error when none does.
    ///
    /// # Errors
    /// [`EmptyQuery`] when every term normalises to nothing or is too short.
    pub fn new(
        raw: &[String],
        operator: Operator,
        schema: &SearchSchema,
    ) -> Result<Self, EmptyQuery> {
        let floor = schema.min_term_length.max(1) as usize;
        let terms: Vec<String> = raw
            .iter()
            .map(|term| normalize(term, schema.case_sensitive))
            .filter(|term| !term.is_empty() && term.chars().count() >= floor)
            .collect();
        match terms.is_empty() {
            true => Err(EmptyQuery),
            false => Ok(SearchPredicate { terms, operator }),
        }
    }

    /// The `FilterExpression`: `contains(#st, :st0)`, or each term's parenthesised and joined
    /// by ` AND ` / ` OR `.
    #[must_use]
    pub fn expression(&self) -> String {
        if self.terms.len() == 1 {
            return "contains(#st, :st0)".to_owned();
        }
        let joiner = match self.operator {
            Operator::All => " AND ",
            Operator::Any => " OR ",
        };
        (0..self.terms.len())
            .map(|index| format!("(contains(#st, :st{index}))"))
            .collect::<Vec<_>>()
            .join(joiner)
    }

    /// The expression's values, `:st0`...
    #[must_use]
    pub fn values(&self) -> HashMap<String, AttributeValue> {
        self.terms
            .iter()
            .enumerate()
            .map(|(index, term)| (format!(":st{index}"), AttributeValue::S(term.clone())))
            .collect()
    }

    /// Whether an item's stored search text matches, as the filter does in DynamoDB (a
    /// substring test per term). Used to re-check what a cursor carries.
    #[must_use]
    pub fn matches(&self, search_text: Option<&str>) -> bool {
        let Some(text) = search_text else {
            return false;
        };
        match self.operator {
            Operator::All => self.terms.iter().all(|term| text.contains(term.as_str())),
            Operator::Any => self.terms.iter().any(|term| text.contains(term.as_str())),
        }
    }
}

/// DynamoBao's `predicateHash`: 32-bit FNV-1a over the UTF-16 code units of
/// `{"terms":[...],"operator":...,"caseSensitive":...,"minTermLength":...,"dedupe":...}`
/// (each raw term normalised, empty ones kept), in lowercase base 36.
#[must_use]
pub fn predicate_hash(raw: &[String], operator: Operator, schema: &SearchSchema) -> String {
    let terms: Vec<String> = raw
        .iter()
        .map(|term| normalize(term, schema.case_sensitive))
        .collect();
    let terms = serde_json::to_string(&terms).unwrap_or_default();
    let payload = format!(
        "{{\"terms\":{terms},\"operator\":\"{}\",\"caseSensitive\":{},\"minTermLength\":{},\
         \"dedupe\":{}}}",
        operator.as_str(),
        schema.case_sensitive,
        schema.min_term_length.max(1),
        schema.dedupe
    );
    let mut hash: u32 = 0x811c_9dc5;
    for unit in payload.encode_utf16() {
        hash ^= u32::from(unit);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    base36(hash)
}

fn base36(mut value: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(value % 36) as usize]);
        value /= 36;
        if value == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
