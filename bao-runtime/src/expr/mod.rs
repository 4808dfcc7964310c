//! DynamoDB expressions: conditions and filters, update expressions and key conditions.
//!
//! Every attribute name is written through a `#nN` placeholder (system attributes such as
//! `_gsi1_pk` and reserved words such as `name` need one) and every value through a `:vN`
//! placeholder. One [`ExprBuilder`] serves all expressions of one request, so a
//! ConditionExpression and an UpdateExpression share their placeholder maps.

mod condition;
mod list;
mod path;
mod sort_key;
mod update;

pub use condition::{Attr, CompareOp, Condition, Size};
pub use list::{AttrAt, ListAttr};
pub use path::{Path, Step};
pub use sort_key::{SortKey, SortKeyCondition, key_condition};
pub use update::UpdateExpr;

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// `ExpressionAttributeNames`: placeholder -> attribute name.
pub type AttributeNames = HashMap<String, String>;
/// `ExpressionAttributeValues`: placeholder -> value.
pub type AttributeValues = HashMap<String, AttributeValue>;

/// Allocates the placeholders of the expressions of one request.
#[derive(Debug, Default, Clone)]
pub struct ExprBuilder {
    names: AttributeNames,
    values: AttributeValues,
}

impl ExprBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        ExprBuilder::default()
    }

    /// The placeholder of an attribute name (`#n1`); the same attribute always gets the same
    /// placeholder.
    pub fn name(&mut self, attr: &str) -> String {
        let mut text = String::new();
        self.push_name(attr, &mut text);
        text
    }

    /// Appends the placeholder of an attribute name to `text`: [`name`](Self::name) without
    /// a string of its own, for the expressions of every write.
    pub(crate) fn push_name(&mut self, attr: &str, text: &mut String) {
        // A request names a handful of attributes: a scan of them costs less than keeping a
        // second map from names to placeholders.
        if let Some((placeholder, _)) = self.names.iter().find(|(_, name)| *name == attr) {
            text.push_str(placeholder);
            return;
        }
        let placeholder = numbered("#n", self.names.len() + 1);
        text.push_str(&placeholder);
        self.names.insert(placeholder, attr.to_owned());
    }

    /// A document path with a placeholder for each name (`#n1.#n2[0]`).
    pub fn path(&mut self, path: &Path) -> String {
        let mut text = String::new();
        self.push_path(path, &mut text);
        text
    }

    /// Appends [`path`](Self::path) to `text`.
    pub(crate) fn push_path(&mut self, path: &Path, text: &mut String) {
        self.push_name(path.attribute(), text);
        for step in path.steps() {
            match step {
                Step::Member(name) => {
                    text.push('.');
                    self.push_name(name, text);
                }
                Step::Index(index) => {
                    text.push('[');
                    text.push_str(itoa::Buffer::new().format(*index));
                    text.push(']');
                }
            }
        }
    }

    /// A new placeholder for a value (`:v1`).
    pub fn value(&mut self, value: AttributeValue) -> String {
        let mut text = String::new();
        self.push_value(value, &mut text);
        text
    }

    /// Appends a new placeholder for `value` to `text`.
    pub(crate) fn push_value(&mut self, value: AttributeValue, text: &mut String) {
        let placeholder = numbered(":v", self.values.len() + 1);
        text.push_str(&placeholder);
        self.values.insert(placeholder, value);
    }

    /// `attribute_exists(_pk)` and, for each attribute of `names` (once each), that it still
    /// holds what `item` holds, or is still absent: the guard of a write computed from `item`
    /// as read, which fails if another writer changed it in between.
    pub(crate) fn unchanged<'n>(
        &mut self,
        item: &crate::codec::Item,
        names: impl IntoIterator<Item = &'n str>,
    ) -> String {
        let mut guards = vec![format!(
            "attribute_exists({})",
            self.name(crate::keys::PK_ATTR)
        )];
        let mut seen = Vec::new();
        for name in names {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let placeholder = self.name(name);
            guards.push(match item.get(name) {
                Some(value) => format!("{placeholder} = {}", self.value(value.clone())),
                None => format!("attribute_not_exists({placeholder})"),
            });
        }
        guards.join(" AND ")
    }

    /// The `ExpressionAttributeNames` and `ExpressionAttributeValues` maps, each `None` when
    /// empty (DynamoDB refuses empty maps).
    #[must_use]
    pub fn into_parts(self) -> (Option<AttributeNames>, Option<AttributeValues>) {
        (non_empty(self.names), non_empty(self.values))
    }
}

/// `prefix` followed by `number`: a placeholder, printed without the formatting machinery (a
/// request prints dozens).
fn numbered(prefix: &str, number: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(number);
    let mut text = String::with_capacity(prefix.len() + digits.len());
    text.push_str(prefix);
    text.push_str(digits);
    text
}

fn non_empty<V>(map: HashMap<String, V>) -> Option<HashMap<String, V>> {
    (!map.is_empty()).then_some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deduplicated_values_are_not() {
        let mut b = ExprBuilder::new();
        assert_eq!(b.name("title"), "#n1");
        assert_eq!(b.name("_gsi1_pk"), "#n2");
        assert_eq!(b.name("title"), "#n1");
        assert_eq!(b.value(AttributeValue::S("x".into())), ":v1");
        assert_eq!(b.value(AttributeValue::S("x".into())), ":v2");
        let (names, values) = b.into_parts();
        let names = names.expect("names");
        assert_eq!(names.len(), 2);
        assert_eq!(names["#n1"], "title");
        assert_eq!(names["#n2"], "_gsi1_pk");
        assert_eq!(values.expect("values").len(), 2);
    }

    #[test]
    fn placeholders_count_in_decimal() {
        for number in [1, 9, 10, 42, 100, 12_345] {
            assert_eq!(numbered(":v", number), format!(":v{number}"));
        }
    }

    #[test]
    fn empty_parts_are_none() {
        assert_eq!(ExprBuilder::new().into_parts(), (None, None));
        let mut b = ExprBuilder::new();
        b.name("a");
        let (names, values) = b.into_parts();
        assert!(names.is_some());
        assert!(values.is_none());
    }
}
