//! `_searchText`: the normalised text of a searchable item's source fields, computed exactly as
//! DynamoBao 0.6 computes it (its `src/utils/search-text.js`), quirks included, because a Node
//! service on the same table reads and writes the same attribute.
//!
//! Letters and numbers are Unicode's general categories L and N (JavaScript's `\p{L}` and
//! `\p{N}`), not Rust's `char::is_alphanumeric`, whose Alphabetic property takes in many marks;
//! whitespace is JavaScript's `\s`. Lowercasing is Unicode's full, locale-independent mapping
//! with the Final_Sigma rule, which both Rust's `str::to_lowercase` and JavaScript's
//! `toLowerCase` implement.

use aws_sdk_dynamodb::types::AttributeValue;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::codec::{Item, to_js_string};
use crate::schema::SearchSchema;

/// Whether JavaScript's `\s` matches `c`.
pub(crate) fn is_js_space(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | ' '
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{FEFF}'
    )
}

/// Whether `c` is a letter or a number (`\p{L}` or `\p{N}`).
fn is_letter_or_number(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
    )
}

/// Steps 3 to 5 of DynamoBao's algorithm, which is also how a query term is normalised
/// (`normalizeSearchTerm`): every character that is neither a letter, a number nor whitespace
/// becomes a space, the text is lowercased unless `case_sensitive` (after stripping, which
/// decides the result for `İ` and a final `Σ`), and runs of whitespace become one space, with
/// none at either end.
///
/// Not idempotent, as in DynamoBao: `İ` lowercases to `i` and a combining dot, which a second
/// pass strips.
#[must_use]
pub fn normalize(text: &str, case_sensitive: bool) -> String {
    let stripped: String = text
        .chars()
        .map(|c| match is_letter_or_number(c) || is_js_space(c) {
            true => c,
            false => ' ',
        })
        .collect();
    let cased = match case_sensitive {
        true => stripped,
        false => stripped.to_lowercase(),
    };
    cased
        .split(is_js_space)
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A stored value as JavaScript's `String()` prints it: the text of a string, a number as
/// JavaScript prints it (`1e+21`), `true` / `false`. `None` for an absent or `NULL` value,
/// which DynamoBao skips, and for sets and binary, which a searchable StringField never holds.
pub(crate) fn source_text(value: &AttributeValue) -> Option<String> {
    match value {
        AttributeValue::S(text) => Some(text.clone()),
        AttributeValue::N(number) => {
            let parsed: f64 = number.parse().ok()?;
            Some(to_js_string(parsed))
        }
        AttributeValue::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The `_searchText` of an item whose source fields hold `values` (one per entry of
/// `schema.fields`, in order; `None` where absent). An empty string means the item has no
/// search text.
#[must_use]
pub fn search_text(schema: &SearchSchema, values: &[Option<&AttributeValue>]) -> String {
    let texts: Vec<String> = values
        .iter()
        .filter_map(|value| source_text((*value)?))
        .collect();
    if texts.is_empty() {
        return String::new();
    }
    let normalised = normalize(&texts.join(" "), schema.case_sensitive);
    if !schema.dedupe && schema.min_term_length <= 1 {
        return normalised;
    }
    let mut kept: Vec<&str> = Vec::new();
    for word in normalised.split(' ') {
        let long_enough = word.chars().count() >= schema.min_term_length as usize;
        if long_enough && !(schema.dedupe && kept.contains(&word)) {
            kept.push(word);
        }
    }
    kept.join(" ")
}

/// The `_searchText` of a whole item (its fields by attribute name).
#[must_use]
pub fn item_search_text(schema: &SearchSchema, item: &Item) -> String {
    let values: Vec<Option<&AttributeValue>> =
        schema.fields.iter().map(|name| item.get(*name)).collect();
    search_text(schema, &values)
}

/// What a write does to `_searchText` (DynamoBao's `computeSearchTextUpdate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchTextUpdate {
    /// Leave it as it is: no source field is written.
    Keep,
    /// `SET _searchText = ...`.
    Set(String),
    /// `REMOVE _searchText` (the text became empty).
    Remove,
}

/// The change a write makes to `_searchText`. `written` gives the value each source field is
/// set to by this write, `Some(None)` where the write removes it, `None` where it does not touch
/// it; `current` gives the stored values (`None` on create). On create an empty text is simply
/// not written.
#[must_use]
pub fn search_text_update<'a>(
    schema: &SearchSchema,
    written: &[Option<Option<&'a AttributeValue>>],
    current: Option<&[Option<&'a AttributeValue>]>,
    force: bool,
) -> SearchTextUpdate {
    let touched = written.iter().any(Option::is_some);
    if !touched && !force {
        return SearchTextUpdate::Keep;
    }
    let values: Vec<Option<&AttributeValue>> = written
        .iter()
        .enumerate()
        .map(|(index, write)| match write {
            Some(value) => *value,
            None => current.and_then(|current| current[index]),
        })
        .collect();
    let text = search_text(schema, &values);
    match (text.is_empty(), current.is_none()) {
        (false, _) => SearchTextUpdate::Set(text),
        (true, true) => SearchTextUpdate::Keep,
        (true, false) => SearchTextUpdate::Remove,
    }
}
