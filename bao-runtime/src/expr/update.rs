//! UpdateExpressions.

use super::{ExprBuilder, Path};
use aws_sdk_dynamodb::types::AttributeValue;

/// The changes of one UpdateItem, rendered in DynamoBao's clause order:
/// `SET a = :v, b = :v ADD c :v REMOVE d DELETE e :v`.
///
/// DynamoDB refuses two changes of one path, or of a map and a member inside it: a later
/// change replaces every earlier one it overlaps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateExpr {
    actions: Vec<(Path, Action)>,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Set(AttributeValue),
    /// `SET path = list_append(if_not_exists(path, :empty), :value)`.
    Append(AttributeValue),
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
    pub fn set(&mut self, attr: &'static str, value: AttributeValue) {
        self.set_path(Path::attr(attr), value)
    }

    /// `SET path = value`: a member of a map, or an element of a list, at any depth.
    pub fn set_path(&mut self, path: Path, value: AttributeValue) {
        self.push(path, Action::Set(value))
    }

    /// Appends the elements of the list `value` to the list at `path`, which an absent
    /// attribute counts as empty.
    pub fn append(&mut self, path: Path, value: AttributeValue) {
        self.push(path, Action::Append(value))
    }

    /// `ADD attr value`: adds a number to a number, or members to a set.
    pub fn add(&mut self, attr: &'static str, value: AttributeValue) {
        self.push(Path::attr(attr), Action::Add(value))
    }

    /// `REMOVE attr`.
    pub fn remove(&mut self, attr: &'static str) {
        self.remove_path(Path::attr(attr))
    }

    /// `REMOVE path`.
    pub fn remove_path(&mut self, path: Path) {
        self.push(path, Action::Remove)
    }

    /// `DELETE attr value`: removes members from a set.
    pub fn delete(&mut self, attr: &'static str, value: AttributeValue) {
        self.push(Path::attr(attr), Action::Delete(value))
    }

    fn push(&mut self, path: Path, action: Action) {
        let same = self
            .actions
            .iter()
            .position(|(existing, _)| *existing == path);
        self.actions
            .retain(|(existing, _)| *existing == path || !existing.overlaps(&path));
        match same {
            Some(_) => {
                if let Some(entry) = self.actions.iter_mut().find(|(p, _)| *p == path) {
                    entry.1 = action;
                }
            }
            None => self.actions.push((path, action)),
        }
    }

    /// Whether there is no change.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Whether the expression changes the attribute `attr`, or a place inside it.
    pub fn touches(&self, attr: &str) -> bool {
        self.actions
            .iter()
            .any(|(path, _)| path.attribute() == attr)
    }

    /// The top-level attributes changed, each once, in order of first change.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        let mut seen: Vec<&str> = Vec::new();
        self.actions.iter().filter_map(move |(path, _)| {
            let attr = path.attribute();
            (!seen.contains(&attr)).then(|| {
                seen.push(attr);
                attr
            })
        })
    }

    /// The expression text, with placeholders allocated from `b` in clause order; empty when
    /// there is no change.
    #[must_use]
    pub fn render(&self, b: &mut ExprBuilder) -> String {
        self.clone().into_rendered(b)
    }

    /// [`render`](Self::render), moving the values into `b` instead of copying them.
    #[must_use]
    pub fn into_rendered(self, b: &mut ExprBuilder) -> String {
        // Room for the usual update: a handful of `#nN = :vN` and the clause keywords.
        let mut text = String::with_capacity(16 * self.actions.len() + 8);
        let mut actions: Vec<(Path, Action)> = self.actions;
        for clause in [Clause::Set, Clause::Add, Clause::Remove, Clause::Delete] {
            let mut first = true;
            for (path, action) in actions.iter_mut().filter(|(_, a)| a.clause() == clause) {
                if first {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(clause.keyword());
                    text.push(' ');
                    first = false;
                } else {
                    text.push_str(", ");
                }
                let start = text.len();
                b.push_path(path, &mut text);
                match action {
                    Action::Set(value) => {
                        text.push_str(" = ");
                        b.push_value(take(value), &mut text);
                    }
                    Action::Append(value) => {
                        let name = text[start..].to_owned();
                        text.push_str(" = list_append(if_not_exists(");
                        text.push_str(&name);
                        text.push_str(", ");
                        b.push_value(AttributeValue::L(Vec::new()), &mut text);
                        text.push_str("), ");
                        b.push_value(take(value), &mut text);
                        text.push(')');
                    }
                    Action::Add(value) | Action::Delete(value) => {
                        text.push(' ');
                        b.push_value(take(value), &mut text);
                    }
                    Action::Remove => {}
                }
            }
        }
        text
    }
}

/// The value of an action being rendered, left empty in its place.
fn take(value: &mut AttributeValue) -> AttributeValue {
    std::mem::replace(value, AttributeValue::Null(true))
}

/// The clauses of an UpdateExpression, in the order DynamoBao writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    Set,
    Add,
    Remove,
    Delete,
}

impl Clause {
    fn keyword(self) -> &'static str {
        match self {
            Clause::Set => "SET",
            Clause::Add => "ADD",
            Clause::Remove => "REMOVE",
            Clause::Delete => "DELETE",
        }
    }
}

impl Action {
    /// The clause the action is written in.
    fn clause(&self) -> Clause {
        match self {
            Action::Set(_) | Action::Append(_) => Clause::Set,
            Action::Add(_) => Clause::Add,
            Action::Remove => Clause::Remove,
            Action::Delete(_) => Clause::Delete,
        }
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
    fn nested_paths_and_appends_render_with_placeholders() {
        let mut update = UpdateExpr::new();
        let address = Path::attr("address");
        update.set_path(address.member("city"), AttributeValue::S("Paris".into()));
        update.remove_path(address.member("geo").member("lat"));
        update.append(Path::attr("history"), AttributeValue::L(vec![n("1")]));
        let mut b = ExprBuilder::new();
        assert_eq!(
            update.render(&mut b),
            "SET #n1.#n2 = :v1, #n3 = list_append(if_not_exists(#n3, :v2), :v3) \
             REMOVE #n1.#n4.#n5"
        );
        assert_eq!(
            update.attributes().collect::<Vec<_>>(),
            ["address", "history"]
        );
        assert!(update.touches("address"));
    }

    #[test]
    fn a_change_replaces_the_changes_it_overlaps() {
        let mut update = UpdateExpr::new();
        let address = Path::attr("address");
        update.set_path(address.member("city"), AttributeValue::S("Paris".into()));
        update.set_path(address.member("zip"), n("75001"));
        update.set("address", AttributeValue::M(Default::default()));
        let mut b = ExprBuilder::new();
        assert_eq!(update.render(&mut b), "SET #n1 = :v1");
        update.set_path(address.member("city"), AttributeValue::S("Lyon".into()));
        let mut b = ExprBuilder::new();
        assert_eq!(update.render(&mut b), "SET #n1.#n2 = :v1");
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
