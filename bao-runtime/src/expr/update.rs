//! UpdateExpressions.

use super::ExprBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

/// The changes of one UpdateItem, rendered in DynamoBao's clause order:
/// `SET a = :v, b = :v ADD c :v REMOVE d DELETE e :v`.
///
/// Each attribute appears at most once (DynamoDB refuses overlapping paths): a later change
/// of an attribute replaces the earlier one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateExpr {
    actions: Vec<(String, Action)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Set(AttributeValue),
    Add(AttributeValue),
    Remove,
    Delete(AttributeValue),
}

impl UpdateExpr {
    /// An expression with no change.
    pub fn new() -> Self {
        UpdateExpr::default()
    }

    /// `SET attr = value`.
    pub fn set(&mut self, attr: &str, value: AttributeValue) {
        self.push(attr, Action::Set(value))
    }

    /// `ADD attr value`: adds a number to a number, or members to a set.
    pub fn add(&mut self, attr: &str, value: AttributeValue) {
        self.push(attr, Action::Add(value))
    }

    /// `REMOVE attr`.
    pub fn remove(&mut self, attr: &str) {
        self.push(attr, Action::Remove)
    }

    /// `DELETE attr value`: removes members from a set.
    pub fn delete(&mut self, attr: &str, value: AttributeValue) {
        self.push(attr, Action::Delete(value))
    }

    fn push(&mut self, attr: &str, action: Action) {
        match self.actions.iter_mut().find(|(name, _)| name == attr) {
            Some((_, existing)) => *existing = action,
            None => self.actions.push((attr.to_owned(), action)),
        }
    }

    /// Whether there is no change.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Whether the expression changes `attr`.
    pub fn touches(&self, attr: &str) -> bool {
        self.actions.iter().any(|(name, _)| name == attr)
    }

    /// The attributes changed, in order of first change.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        self.actions.iter().map(|(name, _)| name.as_str())
    }

    /// The expression text, with placeholders allocated from `b` in clause order; empty when
    /// there is no change.
    #[must_use]
    pub fn render(&self, b: &mut ExprBuilder) -> String {
        let mut clauses = Vec::new();
        for clause in ["SET", "ADD", "REMOVE", "DELETE"] {
            let parts: Vec<String> = self
                .actions
                .iter()
                .filter_map(|(attr, action)| match (clause, action) {
                    ("SET", Action::Set(value)) => {
                        Some(format!("{} = {}", b.name(attr), b.value(value.clone())))
                    }
                    ("ADD", Action::Add(value)) | ("DELETE", Action::Delete(value)) => {
                        Some(format!("{} {}", b.name(attr), b.value(value.clone())))
                    }
                    ("REMOVE", Action::Remove) => Some(b.name(attr)),
                    _ => None,
                })
                .collect();
            if !parts.is_empty() {
                clauses.push(format!("{clause} {}", parts.join(", ")));
            }
        }
        clauses.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.to_owned())
    }

    #[test]
    fn renders_clauses_in_dynamo_bao_order() {
        let mut update = UpdateExpr::new();
        update.remove("note");
        update.delete("tags", AttributeValue::Ss(vec!["old".into()]));
        update.add("views", n("1"));
        update.set("title", AttributeValue::S("t".into()));
        update.set("_gsi1_pk", AttributeValue::S("p#gsi1#u".into()));
        let mut b = ExprBuilder::new();
        assert_eq!(
            update.render(&mut b),
            "SET #n1 = :v1, #n2 = :v2 ADD #n3 :v3 REMOVE #n4 DELETE #n5 :v4"
        );
        let (names, values) = b.into_parts();
        let names = names.expect("names");
        assert_eq!(
            [
                &names["#n1"],
                &names["#n2"],
                &names["#n3"],
                &names["#n4"],
                &names["#n5"]
            ],
            ["title", "_gsi1_pk", "views", "note", "tags"]
        );
        let values = values.expect("values");
        assert_eq!(values[":v3"], n("1"));
        assert_eq!(values.len(), 4);
    }

    #[test]
    fn a_later_change_replaces_an_earlier_one() {
        let mut update = UpdateExpr::new();
        update.set("title", AttributeValue::S("a".into()));
        update.add("views", n("1"));
        update.remove("title");
        assert!(update.touches("title"));
        assert!(!update.touches("other"));
        assert_eq!(update.attributes().collect::<Vec<_>>(), ["title", "views"]);
        let mut b = ExprBuilder::new();
        assert_eq!(update.render(&mut b), "ADD #n1 :v1 REMOVE #n2");
    }

    #[test]
    fn shares_placeholders_with_a_condition() {
        let mut update = UpdateExpr::new();
        update.set("version", AttributeValue::S("v2".into()));
        let mut b = ExprBuilder::new();
        let set = update.render(&mut b);
        let guard =
            crate::expr::Attr::<String>::new("version", crate::schema::FieldKind::Version).eq("v1");
        assert_eq!(set, "SET #n1 = :v1");
        assert_eq!(guard.render(&mut b), "#n1 = :v2");
    }

    #[test]
    fn empty_expression() {
        let update = UpdateExpr::new();
        assert!(update.is_empty());
        let mut b = ExprBuilder::new();
        assert_eq!(update.render(&mut b), "");
        assert_eq!(b.into_parts(), (None, None));
    }
}
