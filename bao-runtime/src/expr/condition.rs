//! The typed condition language shared by ConditionExpressions and FilterExpressions.

use super::{ExprBuilder, Path};
use crate::codec::FieldValue;
use crate::keys::PK_ATTR;
use crate::schema::{FieldKind, FieldSchema};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

/// Most operands DynamoDB accepts in one `IN`; longer lists are split into ORed `IN`s.
const MAX_IN_OPERANDS: usize = 100;

/// A typed handle to one attribute, from which conditions are built. Generated code declares
/// one per field: `pub const TITLE: Attr<String> = Attr::of(&F_TITLE);`.
///
/// Values are stored with the field's codec ([`FieldValue::to_attr`]), so a `Timestamp` on a
/// DateTime field compares as epoch milliseconds and on a Ttl field as epoch seconds. Values
/// are used as given: unlike DynamoBao, a filter on a ModifiedDate field is not replaced by
/// the current time. A FloatField's `precision` is not applied to condition values.
///
/// A value stored as an absent attribute (`None`, an empty set) makes `eq` an
/// `attribute_not_exists`, `ne` an `attribute_exists`, and an ordering comparison false, as
/// DynamoDB compares a missing attribute.
pub struct Attr<T> {
    path: Path,
    kind: FieldKind,
    value_type: PhantomData<fn() -> T>,
}

impl<T> Clone for Attr<T> {
    fn clone(&self) -> Self {
        Attr {
            path: self.path.clone(),
            kind: self.kind,
            value_type: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Attr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attr")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .finish()
    }
}

impl<T> Attr<T> {
    /// A handle to the attribute `name`, stored as a field of `kind`.
    pub const fn new(name: &'static str, kind: FieldKind) -> Self {
        Attr::at(Path::attr(name), kind)
    }

    /// A handle to the value at `path` (a member of a map, an element of a list), stored as a
    /// field of `kind`.
    pub const fn at(path: Path, kind: FieldKind) -> Self {
        Attr {
            path,
            kind,
            value_type: PhantomData,
        }
    }

    /// A handle to the attribute of `field`.
    pub const fn of(field: &FieldSchema) -> Self {
        Attr::new(field.name, field.kind)
    }

    /// The top-level attribute's name.
    pub fn name(&self) -> &str {
        self.path.attribute()
    }

    /// Where the value sits in the item.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The field kind.
    pub const fn kind(&self) -> FieldKind {
        self.kind
    }

    /// `attribute_exists(attr)`.
    #[must_use]
    pub fn exists(&self) -> Condition {
        Condition::Exists {
            attr: self.path.clone(),
        }
    }

    /// `attribute_not_exists(attr)`.
    #[must_use]
    pub fn not_exists(&self) -> Condition {
        Condition::NotExists {
            attr: self.path.clone(),
        }
    }
}

impl<T: FieldValue> Attr<T> {
    fn stored(&self, value: impl Into<T>) -> Option<AttributeValue> {
        value.into().to_attr(self.kind)
    }

    fn compare(&self, op: CompareOp, value: impl Into<T>) -> Condition {
        match self.stored(value) {
            Some(value) => Condition::Compare {
                attr: self.path.clone(),
                op,
                value,
            },
            None => Condition::never(),
        }
    }

    /// `attr = value`.
    #[must_use]
    pub fn eq(&self, value: impl Into<T>) -> Condition {
        match self.stored(value) {
            Some(value) => Condition::Compare {
                attr: self.path.clone(),
                op: CompareOp::Eq,
                value,
            },
            None => self.not_exists(),
        }
    }

    /// `attr <> value`.
    #[must_use]
    pub fn ne(&self, value: impl Into<T>) -> Condition {
        match self.stored(value) {
            Some(value) => Condition::Compare {
                attr: self.path.clone(),
                op: CompareOp::Ne,
                value,
            },
            None => self.exists(),
        }
    }

    /// `attr > value`.
    #[must_use]
    pub fn gt(&self, value: impl Into<T>) -> Condition {
        self.compare(CompareOp::Gt, value)
    }

    /// `attr >= value`.
    #[must_use]
    pub fn gte(&self, value: impl Into<T>) -> Condition {
        self.compare(CompareOp::Gte, value)
    }

    /// `attr < value`.
    #[must_use]
    pub fn lt(&self, value: impl Into<T>) -> Condition {
        self.compare(CompareOp::Lt, value)
    }

    /// `attr <= value`.
    #[must_use]
    pub fn lte(&self, value: impl Into<T>) -> Condition {
        self.compare(CompareOp::Lte, value)
    }

    /// `attr BETWEEN low AND high` (both ends included).
    #[must_use]
    pub fn between(&self, low: impl Into<T>, high: impl Into<T>) -> Condition {
        match (self.stored(low), self.stored(high)) {
            (Some(low), Some(high)) => Condition::Between {
                attr: self.path.clone(),
                low,
                high,
            },
            _ => Condition::never(),
        }
    }

    /// `attr IN (a, b, ...)`. An empty list matches nothing; a list of more than 100 values
    /// becomes several ORed `IN`s; an absent value adds `OR attribute_not_exists(attr)`.
    #[must_use]
    pub fn is_in<V: Into<T>>(&self, values: impl IntoIterator<Item = V>) -> Condition {
        let mut stored = Vec::new();
        let mut absent = false;
        for value in values {
            match self.stored(value) {
                Some(value) => stored.push(value),
                None => absent = true,
            }
        }
        let is_in = Condition::In {
            attr: self.path.clone(),
            values: stored,
        };
        if absent {
            is_in.or(self.not_exists())
        } else {
            is_in
        }
    }
}

impl Attr<String> {
    /// `begins_with(attr, prefix)`.
    #[must_use]
    pub fn begins_with(&self, prefix: &str) -> Condition {
        Condition::BeginsWith {
            attr: self.path.clone(),
            prefix: AttributeValue::S(prefix.to_owned()),
        }
    }

    /// `contains(attr, part)`: the string holds `part`.
    #[must_use]
    pub fn contains(&self, part: &str) -> Condition {
        Condition::Contains {
            attr: self.path.clone(),
            operand: AttributeValue::S(part.to_owned()),
        }
    }

    /// `size(attr)`: the length of the string in bytes.
    #[must_use]
    pub fn size(&self) -> Size {
        Size {
            attr: self.path.clone(),
        }
    }
}

impl Attr<BTreeSet<String>> {
    /// `contains(attr, member)`: the set holds `member`.
    #[must_use]
    pub fn contains(&self, member: &str) -> Condition {
        Condition::Contains {
            attr: self.path.clone(),
            operand: AttributeValue::S(member.to_owned()),
        }
    }

    /// `size(attr)`: the number of members.
    #[must_use]
    pub fn size(&self) -> Size {
        Size {
            attr: self.path.clone(),
        }
    }
}

impl Attr<Vec<u8>> {
    /// `size(attr)`: the length in bytes.
    #[must_use]
    pub fn size(&self) -> Size {
        Size {
            attr: self.path.clone(),
        }
    }
}

/// The `size()` of an attribute, to compare with a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    attr: Path,
}

impl Size {
    /// The size of the value at `path`.
    pub(crate) fn of(attr: Path) -> Size {
        Size { attr }
    }

    fn compare(self, op: CompareOp, size: usize) -> Condition {
        Condition::Size {
            attr: self.attr,
            op,
            size,
        }
    }

    /// `size(attr) = n`.
    #[must_use]
    pub fn eq(self, n: usize) -> Condition {
        self.compare(CompareOp::Eq, n)
    }

    /// `size(attr) <> n`.
    #[must_use]
    pub fn ne(self, n: usize) -> Condition {
        self.compare(CompareOp::Ne, n)
    }

    /// `size(attr) > n`.
    #[must_use]
    pub fn gt(self, n: usize) -> Condition {
        self.compare(CompareOp::Gt, n)
    }

    /// `size(attr) >= n`.
    #[must_use]
    pub fn gte(self, n: usize) -> Condition {
        self.compare(CompareOp::Gte, n)
    }

    /// `size(attr) < n`.
    #[must_use]
    pub fn lt(self, n: usize) -> Condition {
        self.compare(CompareOp::Lt, n)
    }

    /// `size(attr) <= n`.
    #[must_use]
    pub fn lte(self, n: usize) -> Condition {
        self.compare(CompareOp::Lte, n)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Gte,
    /// `<`
    Lt,
    /// `<=`
    Lte,
}

impl CompareOp {
    /// The operator as DynamoDB writes it.
    pub const fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Gt => ">",
            CompareOp::Gte => ">=",
            CompareOp::Lt => "<",
            CompareOp::Lte => "<=",
        }
    }
}

/// A condition on an item: a ConditionExpression of a write, or a FilterExpression of a
/// query. Build leaves with [`Attr`], combine them with [`and`](Condition::and),
/// [`or`](Condition::or), [`Condition::all`], [`Condition::any`] and `!`.
///
/// Rendering parenthesises every AND and OR group and every NOT operand, so a rendered
/// condition can be combined with another without changing its meaning.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `attr <op> value`.
    Compare {
        /// Where the value sits.
        attr: Path,
        /// Operator.
        op: CompareOp,
        /// Stored value.
        value: AttributeValue,
    },
    /// `attr BETWEEN low AND high`.
    Between {
        /// Where the value sits.
        attr: Path,
        /// Lower bound, included.
        low: AttributeValue,
        /// Upper bound, included.
        high: AttributeValue,
    },
    /// `attr IN (values)`; an empty list matches nothing.
    In {
        /// Where the value sits.
        attr: Path,
        /// Stored values.
        values: Vec<AttributeValue>,
    },
    /// `begins_with(attr, prefix)`.
    BeginsWith {
        /// Where the value sits.
        attr: Path,
        /// The prefix.
        prefix: AttributeValue,
    },
    /// `contains(attr, operand)`: a substring of a string or a member of a set.
    Contains {
        /// Where the value sits.
        attr: Path,
        /// The substring or member.
        operand: AttributeValue,
    },
    /// `attribute_exists(attr)`.
    Exists {
        /// Where the value sits.
        attr: Path,
    },
    /// `attribute_not_exists(attr)`.
    NotExists {
        /// Where the value sits.
        attr: Path,
    },
    /// `size(attr) <op> size`.
    Size {
        /// Where the value sits.
        attr: Path,
        /// Operator.
        op: CompareOp,
        /// The size compared with.
        size: usize,
    },
    /// Every condition holds; an empty list always holds.
    All(Vec<Condition>),
    /// At least one condition holds; an empty list never holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

impl Condition {
    /// Both conditions hold.
    #[must_use]
    pub fn and(self, other: Condition) -> Condition {
        Condition::all([self, other])
    }

    /// At least one of the conditions holds.
    #[must_use]
    pub fn or(self, other: Condition) -> Condition {
        Condition::any([self, other])
    }

    /// Every condition holds (nested ANDs are flattened; one condition is returned as is; no
    /// condition always holds).
    #[must_use]
    pub fn all(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        let mut all = Vec::new();
        for condition in conditions {
            match condition {
                Condition::All(nested) => all.extend(nested),
                other => all.push(other),
            }
        }
        if all.len() == 1 {
            all.remove(0)
        } else {
            Condition::All(all)
        }
    }

    /// At least one condition holds (nested ORs are flattened; one condition is returned as
    /// is; no condition never holds).
    #[must_use]
    pub fn any(conditions: impl IntoIterator<Item = Condition>) -> Condition {
        let mut any = Vec::new();
        for condition in conditions {
            match condition {
                Condition::Any(nested) => any.extend(nested),
                other => any.push(other),
            }
        }
        if any.len() == 1 {
            any.remove(0)
        } else {
            Condition::Any(any)
        }
    }

    fn never() -> Condition {
        Condition::Any(Vec::new())
    }

    /// The expression text, with placeholders allocated from `b`.
    #[must_use]
    pub fn render(&self, b: &mut ExprBuilder) -> String {
        match self {
            Condition::Compare { attr, op, value } => {
                format!(
                    "{} {} {}",
                    b.path(attr),
                    op.symbol(),
                    b.value(value.clone())
                )
            }
            Condition::Between { attr, low, high } => {
                let name = b.path(attr);
                format!(
                    "{name} BETWEEN {} AND {}",
                    b.value(low.clone()),
                    b.value(high.clone())
                )
            }
            Condition::In { values, .. } if values.is_empty() => Condition::never().render(b),
            Condition::In { attr, values } => {
                let name = b.path(attr);
                let lists: Vec<String> = values
                    .chunks(MAX_IN_OPERANDS)
                    .map(|chunk| {
                        let operands: Vec<String> =
                            chunk.iter().map(|value| b.value(value.clone())).collect();
                        format!("{name} IN ({})", operands.join(", "))
                    })
                    .collect();
                group(lists, " OR ")
            }
            Condition::BeginsWith { attr, prefix } => {
                format!("begins_with({}, {})", b.path(attr), b.value(prefix.clone()))
            }
            Condition::Contains { attr, operand } => {
                format!("contains({}, {})", b.path(attr), b.value(operand.clone()))
            }
            Condition::Exists { attr } => format!("attribute_exists({})", b.path(attr)),
            Condition::NotExists { attr } => format!("attribute_not_exists({})", b.path(attr)),
            Condition::Size { attr, op, size } => {
                let name = b.path(attr);
                format!(
                    "size({name}) {} {}",
                    op.symbol(),
                    b.value(AttributeValue::N(size.to_string()))
                )
            }
            // DynamoDB has no literals: `_pk` exists on every item, so these are constant.
            Condition::All(conditions) if conditions.is_empty() => {
                let pk = b.name(PK_ATTR);
                format!("(attribute_exists({pk}) OR attribute_not_exists({pk}))")
            }
            Condition::Any(conditions) if conditions.is_empty() => {
                let pk = b.name(PK_ATTR);
                format!("(attribute_exists({pk}) AND attribute_not_exists({pk}))")
            }
            Condition::All(conditions) => {
                group(conditions.iter().map(|c| c.render(b)).collect(), " AND ")
            }
            Condition::Any(conditions) => {
                group(conditions.iter().map(|c| c.render(b)).collect(), " OR ")
            }
            Condition::Not(condition) => {
                let inner = condition.render(b);
                if condition.renders_grouped() {
                    format!("NOT {inner}")
                } else {
                    format!("NOT ({inner})")
                }
            }
        }
    }

    /// The expression text in parentheses, to stand beside other conditions in an AND;
    /// DynamoDB refuses a second pair around a group that already has one.
    #[must_use]
    pub fn render_grouped(&self, b: &mut ExprBuilder) -> String {
        let text = self.render(b);
        match self.renders_grouped() {
            true => text,
            false => format!("({text})"),
        }
    }

    /// Whether [`render`](Condition::render) already wraps the text in parentheses.
    fn renders_grouped(&self) -> bool {
        match self {
            Condition::All(conditions) | Condition::Any(conditions) => {
                match conditions.as_slice() {
                    [only] => only.renders_grouped(),
                    _ => true,
                }
            }
            Condition::In { values, .. } => values.is_empty() || values.len() > MAX_IN_OPERANDS,
            _ => false,
        }
    }

    /// The top-level attribute names the condition reads, each once, in order of first use.
    pub fn attributes(&self) -> impl Iterator<Item = &str> {
        let mut names = Vec::new();
        self.collect_attributes(&mut names);
        names.into_iter()
    }

    fn collect_attributes<'a>(&'a self, names: &mut Vec<&'a str>) {
        let mut add = |name: &'a str| {
            if !names.contains(&name) {
                names.push(name);
            }
        };
        match self {
            Condition::Compare { attr, .. }
            | Condition::Between { attr, .. }
            | Condition::BeginsWith { attr, .. }
            | Condition::Contains { attr, .. }
            | Condition::Exists { attr }
            | Condition::NotExists { attr }
            | Condition::Size { attr, .. } => add(attr.attribute()),
            Condition::In { values, .. } if values.is_empty() => add(PK_ATTR),
            Condition::In { attr, .. } => add(attr.attribute()),
            Condition::All(conditions) | Condition::Any(conditions) if conditions.is_empty() => {
                add(PK_ATTR)
            }
            Condition::All(conditions) | Condition::Any(conditions) => {
                for condition in conditions {
                    condition.collect_attributes(names);
                }
            }
            Condition::Not(condition) => condition.collect_attributes(names),
        }
    }
}

/// `(a OP b OP c)`, or `a` alone.
fn group(parts: Vec<String>, separator: &str) -> String {
    if parts.len() == 1 {
        parts.concat()
    } else {
        format!("({})", parts.join(separator))
    }
}

impl std::ops::Not for Condition {
    type Output = Condition;

    /// The negation; `!!c` is `c`.
    fn not(self) -> Condition {
        match self {
            Condition::Not(inner) => *inner,
            other => Condition::Not(Box::new(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use std::collections::HashMap;

    const TITLE: Attr<String> = Attr::new("title", FieldKind::String);
    const VIEWS: Attr<i64> = Attr::new("views", FieldKind::Integer);
    const SCORE: Attr<f64> = Attr::new("score", FieldKind::Float);
    const TAGS: Attr<BTreeSet<String>> = Attr::new("tags", FieldKind::StringSet);
    const DATA: Attr<Vec<u8>> = Attr::new("data", FieldKind::Binary);
    const PUBLISHED: Attr<Timestamp> = Attr::new("publishedAt", FieldKind::DateTime);
    const MODIFIED: Attr<Timestamp> = Attr::new("modifiedAt", FieldKind::ModifiedDate);
    const TTL: Attr<Timestamp> = Attr::new("ttl", FieldKind::Ttl);
    const NOTE: Attr<Option<String>> = Attr::new("note", FieldKind::String);
    const ACTIVE: Attr<bool> = Attr::new("active", FieldKind::Boolean);

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.to_owned())
    }

    /// The rendered text with names and values substituted back, for readable assertions.
    fn rendered(condition: &Condition) -> String {
        let mut b = ExprBuilder::new();
        let text = condition.render(&mut b);
        let (names, values) = b.into_parts();
        substitute(
            &text,
            &names.unwrap_or_default(),
            &values.unwrap_or_default(),
        )
    }

    fn substitute(
        text: &str,
        names: &HashMap<String, String>,
        values: &HashMap<String, AttributeValue>,
    ) -> String {
        let mut out = text.to_owned();
        // Longest placeholders first, so `#n1` does not eat `#n10`.
        let mut names: Vec<_> = names.iter().collect();
        names.sort_by_key(|(placeholder, _)| std::cmp::Reverse(placeholder.len()));
        for (placeholder, name) in names {
            out = out.replace(placeholder.as_str(), name);
        }
        let mut values: Vec<_> = values.iter().collect();
        values.sort_by_key(|(placeholder, _)| std::cmp::Reverse(placeholder.len()));
        for (placeholder, value) in values {
            let shown = match value {
                AttributeValue::S(text) => format!("'{text}'"),
                AttributeValue::N(text) => text.clone(),
                AttributeValue::Bool(flag) => flag.to_string(),
                other => format!("{other:?}"),
            };
            out = out.replace(placeholder.as_str(), &shown);
        }
        out
    }

    #[test]
    fn renders_every_operator_with_placeholders() {
        let mut b = ExprBuilder::new();
        assert_eq!(TITLE.eq("a").render(&mut b), "#n1 = :v1");
        assert_eq!(TITLE.ne("b").render(&mut b), "#n1 <> :v2");
        assert_eq!(VIEWS.gt(1).render(&mut b), "#n2 > :v3");
        assert_eq!(VIEWS.gte(2).render(&mut b), "#n2 >= :v4");
        assert_eq!(VIEWS.lt(3).render(&mut b), "#n2 < :v5");
        assert_eq!(VIEWS.lte(4).render(&mut b), "#n2 <= :v6");
        assert_eq!(
            VIEWS.between(1, 9).render(&mut b),
            "#n2 BETWEEN :v7 AND :v8"
        );
        assert_eq!(TITLE.is_in(["x", "y"]).render(&mut b), "#n1 IN (:v9, :v10)");
        assert_eq!(
            TITLE.begins_with("Hel").render(&mut b),
            "begins_with(#n1, :v11)"
        );
        assert_eq!(TITLE.contains("ell").render(&mut b), "contains(#n1, :v12)");
        assert_eq!(TAGS.contains("rust").render(&mut b), "contains(#n3, :v13)");
        assert_eq!(TITLE.exists().render(&mut b), "attribute_exists(#n1)");
        assert_eq!(
            TITLE.not_exists().render(&mut b),
            "attribute_not_exists(#n1)"
        );
        assert_eq!(TAGS.size().gt(2).render(&mut b), "size(#n3) > :v14");
        assert_eq!(TITLE.size().lte(10).render(&mut b), "size(#n1) <= :v15");
        assert_eq!(DATA.size().eq(0).render(&mut b), "size(#n4) = :v16");
        let (names, values) = b.into_parts();
        let names = names.expect("names");
        assert_eq!(names.len(), 4);
        assert_eq!(names["#n3"], "tags");
        let values = values.expect("values");
        assert_eq!(values.len(), 16);
        assert_eq!(values[":v1"], s("a"));
        assert_eq!(values[":v3"], n("1"));
        assert_eq!(values[":v14"], n("2"));
    }

    #[test]
    fn size_operators() {
        for (condition, expected) in [
            (TAGS.size().eq(1), "size(tags) = 1"),
            (TAGS.size().ne(1), "size(tags) <> 1"),
            (TAGS.size().gt(1), "size(tags) > 1"),
            (TAGS.size().gte(1), "size(tags) >= 1"),
            (TAGS.size().lt(1), "size(tags) < 1"),
            (TAGS.size().lte(1), "size(tags) <= 1"),
        ] {
            assert_eq!(rendered(&condition), expected);
        }
    }

    #[test]
    fn values_go_through_the_field_codec() {
        let time: Timestamp = "2024-12-31T23:59:59.123Z".parse().expect("timestamp");
        assert_eq!(rendered(&PUBLISHED.eq(time)), "publishedAt = 1735689599123");
        // Used as given, not replaced by the current time as DynamoBao does.
        assert_eq!(rendered(&MODIFIED.lt(time)), "modifiedAt < 1735689599123");
        assert_eq!(rendered(&TTL.gte(time)), "ttl >= 1735689599");
        assert_eq!(rendered(&SCORE.gt(1e21)), "score > 1e+21");
        assert_eq!(rendered(&ACTIVE.eq(true)), "active = true");
        assert_eq!(rendered(&VIEWS.eq(-5)), "views = -5");
    }

    #[test]
    fn absent_values() {
        assert_eq!(rendered(&NOTE.eq(None)), "attribute_not_exists(note)");
        assert_eq!(rendered(&NOTE.ne(None)), "attribute_exists(note)");
        assert_eq!(rendered(&NOTE.eq(Some("x".to_owned()))), "note = 'x'");
        assert_eq!(
            rendered(&TAGS.eq(BTreeSet::new())),
            "attribute_not_exists(tags)"
        );
        assert_eq!(
            rendered(&NOTE.gt(None)),
            "(attribute_exists(_pk) AND attribute_not_exists(_pk))"
        );
        assert_eq!(
            rendered(&NOTE.is_in([Some("a".to_owned()), None])),
            "(note IN ('a') OR attribute_not_exists(note))"
        );
    }

    #[test]
    fn and_or_not_are_parenthesised() {
        let a = TITLE.eq("a");
        let b = VIEWS.gt(1);
        let c = SCORE.lt(2.5);
        assert_eq!(
            rendered(&a.clone().and(b.clone())),
            "(title = 'a' AND views > 1)"
        );
        assert_eq!(
            rendered(&a.clone().or(b.clone())),
            "(title = 'a' OR views > 1)"
        );
        assert_eq!(
            rendered(&a.clone().or(b.clone()).and(c.clone())),
            "((title = 'a' OR views > 1) AND score < 2.5)"
        );
        assert_eq!(
            rendered(&a.clone().and(b.clone()).or(c.clone())),
            "((title = 'a' AND views > 1) OR score < 2.5)"
        );
        assert_eq!(rendered(&!a.clone()), "NOT (title = 'a')");
        assert_eq!(
            rendered(&!a.clone().and(b.clone())),
            "NOT (title = 'a' AND views > 1)"
        );
        assert_eq!(
            rendered(&(!a.clone().or(b.clone())).and(c.clone())),
            "(NOT (title = 'a' OR views > 1) AND score < 2.5)"
        );
        assert_eq!(rendered(&!!a.clone()), "title = 'a'");
        assert_eq!(
            rendered(&Condition::all([
                a.clone(),
                !b.clone(),
                Condition::any([c.clone(), TITLE.exists()])
            ])),
            "(title = 'a' AND NOT (views > 1) AND (score < 2.5 OR attribute_exists(title)))"
        );
        assert_eq!(
            rendered(&Condition::Not(Box::new(Condition::All(vec![a.clone()])))),
            "NOT (title = 'a')"
        );
    }

    #[test]
    fn combinators_flatten() {
        let a = TITLE.eq("a");
        let b = VIEWS.gt(1);
        let c = SCORE.lt(2.5);
        let flat = a.clone().and(b.clone()).and(c.clone());
        assert_eq!(flat, Condition::All(vec![a.clone(), b.clone(), c.clone()]));
        let flat = Condition::any([a.clone().or(b.clone()), c.clone()]);
        assert_eq!(flat, Condition::Any(vec![a.clone(), b.clone(), c.clone()]));
        assert_eq!(Condition::all([a.clone()]), a);
        assert_eq!(
            rendered(&Condition::all([])),
            "(attribute_exists(_pk) OR attribute_not_exists(_pk))"
        );
        assert_eq!(
            rendered(&Condition::any([])),
            "(attribute_exists(_pk) AND attribute_not_exists(_pk))"
        );
        assert_eq!(
            rendered(&!Condition::any([])),
            "NOT (attribute_exists(_pk) AND attribute_not_exists(_pk))"
        );
    }

    #[test]
    fn in_lists() {
        assert_eq!(
            rendered(&VIEWS.is_in(Vec::<i64>::new())),
            "(attribute_exists(_pk) AND attribute_not_exists(_pk))"
        );
        let many = VIEWS.is_in(0..150);
        let mut b = ExprBuilder::new();
        let text = many.render(&mut b);
        let (_, values) = b.into_parts();
        assert_eq!(values.expect("values").len(), 150);
        assert!(text.starts_with("(#n1 IN (:v1, :v2,"), "{text}");
        assert!(text.contains(":v100) OR #n1 IN (:v101,"), "{text}");
        assert!(text.ends_with(":v150))"), "{text}");
        assert_eq!(
            rendered(&!VIEWS.is_in(0..150))
                .matches("NOT (views IN")
                .count(),
            1
        );
    }

    #[test]
    fn placeholders_are_shared_across_conditions() {
        let mut b = ExprBuilder::new();
        let first = TITLE.eq("a").render(&mut b);
        let second = TITLE.ne("b").and(VIEWS.exists()).render(&mut b);
        assert_eq!(first, "#n1 = :v1");
        assert_eq!(second, "(#n1 <> :v2 AND attribute_exists(#n2))");
    }

    #[test]
    fn lists_attributes_once() {
        let condition = TITLE
            .eq("a")
            .and(!VIEWS.gt(1).or(TITLE.exists()))
            .and(TAGS.size().gt(0));
        assert_eq!(
            condition.attributes().collect::<Vec<_>>(),
            ["title", "views", "tags"]
        );
        assert_eq!(Condition::all([]).attributes().collect::<Vec<_>>(), ["_pk"]);
    }

    #[test]
    fn conditions_on_nested_paths_name_each_step() {
        let lat = Attr::<f64>::at(
            Path::attr("address").member("geo").member("lat"),
            FieldKind::Float,
        );
        let mut b = ExprBuilder::new();
        assert_eq!(lat.gt(40.5).render(&mut b), "#n1.#n2.#n3 > :v1");
        let (names, _) = b.into_parts();
        let names = names.expect("names");
        assert_eq!(
            [&names["#n1"], &names["#n2"], &names["#n3"]],
            ["address", "geo", "lat"]
        );
        assert_eq!(lat.name(), "address");
        assert_eq!(lat.path().to_string(), "address.geo.lat");
    }

    #[test]
    fn a_grouped_condition_gets_one_pair_of_parentheses() {
        let one = TITLE.eq("a");
        let both = TITLE.eq("a").and(TITLE.ne("b"));
        let mut b = ExprBuilder::new();
        assert_eq!(one.render_grouped(&mut b), "(#n1 = :v1)");
        assert_eq!(both.render_grouped(&mut b), "(#n1 = :v2 AND #n1 <> :v3)");
    }

    #[test]
    fn attr_handles_are_const() {
        assert_eq!(TITLE.name(), "title");
        assert_eq!(TTL.kind(), FieldKind::Ttl);
        assert_eq!(
            format!("{TITLE:?}"),
            "Attr { path: Path(title), kind: String }"
        );
    }
}
