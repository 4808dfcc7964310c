//! Sort-key conditions and KeyConditionExpressions of queries.

use super::{Attr, Condition, ExprBuilder};
use crate::keys::KeyValue;
use crate::schema::FieldKind;
use aws_sdk_dynamodb::types::AttributeValue;
use std::fmt;
use std::marker::PhantomData;

/// A condition on the sort key of a query, on values already key-encoded
/// ([`encode_key_value`](crate::keys::encode_key_value)).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SortKeyCondition {
    /// `sk = value`.
    Eq(String),
    /// `begins_with(sk, prefix)`.
    BeginsWith(String),
    /// `sk BETWEEN low AND high` (both ends included).
    Between(String, String),
    /// `sk > value`.
    Gt(String),
    /// `sk >= value`.
    Gte(String),
    /// `sk < value`.
    Lt(String),
    /// `sk <= value`.
    Lte(String),
}

impl SortKeyCondition {
    /// The encoded values the condition compares with.
    pub fn values(&self) -> Vec<&str> {
        match self {
            SortKeyCondition::Between(low, high) => vec![low, high],
            SortKeyCondition::Eq(v)
            | SortKeyCondition::BeginsWith(v)
            | SortKeyCondition::Gt(v)
            | SortKeyCondition::Gte(v)
            | SortKeyCondition::Lt(v)
            | SortKeyCondition::Lte(v) => vec![v],
        }
    }

    /// The same condition on an item's sort key attribute `sk_attr`, as a [`Condition`] (to
    /// check that an item still matches a query).
    pub fn to_condition(&self, sk_attr: &'static str) -> Condition {
        let attr = Attr::<String>::new(sk_attr, FieldKind::String);
        match self {
            SortKeyCondition::Eq(v) => attr.eq(v.clone()),
            SortKeyCondition::BeginsWith(v) => attr.begins_with(v),
            SortKeyCondition::Between(low, high) => attr.between(low.clone(), high.clone()),
            SortKeyCondition::Gt(v) => attr.gt(v.clone()),
            SortKeyCondition::Gte(v) => attr.gte(v.clone()),
            SortKeyCondition::Lt(v) => attr.lt(v.clone()),
            SortKeyCondition::Lte(v) => attr.lte(v.clone()),
        }
    }

    /// The expression text on the sort key attribute `sk_attr` (`_sk`, `_gsi1_sk`, ...).
    #[must_use]
    pub fn render(&self, b: &mut ExprBuilder, sk_attr: &str) -> String {
        let name = b.name(sk_attr);
        let mut value = |text: &String| b.value(AttributeValue::S(text.clone()));
        match self {
            SortKeyCondition::Eq(v) => format!("{name} = {}", value(v)),
            SortKeyCondition::BeginsWith(v) => format!("begins_with({name}, {})", value(v)),
            SortKeyCondition::Between(low, high) => {
                let low = value(low);
                format!("{name} BETWEEN {low} AND {}", value(high))
            }
            SortKeyCondition::Gt(v) => format!("{name} > {}", value(v)),
            SortKeyCondition::Gte(v) => format!("{name} >= {}", value(v)),
            SortKeyCondition::Lt(v) => format!("{name} < {}", value(v)),
            SortKeyCondition::Lte(v) => format!("{name} <= {}", value(v)),
        }
    }
}

/// The KeyConditionExpression of a query: `pk = :v` and, when given, the sort-key condition.
#[must_use]
pub fn key_condition(
    b: &mut ExprBuilder,
    pk_attr: &str,
    pk_value: String,
    sk_attr: &str,
    sk: Option<&SortKeyCondition>,
) -> String {
    let partition = format!(
        "{} = {}",
        b.name(pk_attr),
        b.value(AttributeValue::S(pk_value))
    );
    match sk {
        Some(sk) => format!("{partition} AND {}", sk.render(b, sk_attr)),
        None => partition,
    }
}

/// Typed sort-key conditions for a sort-key field of type `T`, whose values are encoded as
/// DynamoBao's `toGsi` encodes them (so a Timestamp becomes the padded epoch milliseconds).
///
/// Note that DynamoBao's Integer and Float key encodings do not sort negative numbers (nor
/// floats of different exponents) in numeric order; range conditions on them compare the
/// encoded strings.
pub struct SortKey<T> {
    kind: FieldKind,
    value_type: PhantomData<fn() -> T>,
}

impl<T> Clone for SortKey<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for SortKey<T> {}

impl<T> fmt::Debug for SortKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SortKey").field("kind", &self.kind).finish()
    }
}

impl<T> SortKey<T> {
    /// Conditions on a sort-key field of `kind`.
    ///
    /// # Panics
    /// When `kind` is Binary, StringSet, Object or List, which cannot be keys (at compile time
    /// when used in a `const`).
    pub const fn new(kind: FieldKind) -> Self {
        assert!(
            !matches!(
                kind,
                FieldKind::Binary | FieldKind::StringSet | FieldKind::Object | FieldKind::List
            ),
            "Binary, StringSet, Object and List fields cannot be sort keys"
        );
        SortKey {
            kind,
            value_type: PhantomData,
        }
    }

    /// The field kind.
    pub const fn kind(&self) -> FieldKind {
        self.kind
    }
}

impl<T: KeyValue> SortKey<T> {
    fn encode(&self, value: impl Into<T>) -> String {
        value.into().key_string(self.kind)
    }

    /// `sk = value`.
    #[must_use]
    pub fn eq(&self, value: impl Into<T>) -> SortKeyCondition {
        SortKeyCondition::Eq(self.encode(value))
    }

    /// `begins_with(sk, prefix)`; the prefix is compared with the encoded key as given.
    #[must_use]
    pub fn begins_with(&self, prefix: &str) -> SortKeyCondition {
        SortKeyCondition::BeginsWith(prefix.to_owned())
    }

    /// `sk BETWEEN low AND high` (both ends included).
    #[must_use]
    pub fn between(&self, low: impl Into<T>, high: impl Into<T>) -> SortKeyCondition {
        SortKeyCondition::Between(self.encode(low), self.encode(high))
    }

    /// `sk > value`.
    #[must_use]
    pub fn gt(&self, value: impl Into<T>) -> SortKeyCondition {
        SortKeyCondition::Gt(self.encode(value))
    }

    /// `sk >= value`.
    #[must_use]
    pub fn gte(&self, value: impl Into<T>) -> SortKeyCondition {
        SortKeyCondition::Gte(self.encode(value))
    }

    /// `sk < value`.
    #[must_use]
    pub fn lt(&self, value: impl Into<T>) -> SortKeyCondition {
        SortKeyCondition::Lt(self.encode(value))
    }

    /// `sk <= value`.
    #[must_use]
    pub fn lte(&self, value: impl Into<T>) -> SortKeyCondition {
        SortKeyCondition::Lte(self.encode(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    const CREATED: SortKey<Timestamp> = SortKey::new(FieldKind::CreateDate);
    const RANK: SortKey<i64> = SortKey::new(FieldKind::Integer);
    const SCORE: SortKey<f64> = SortKey::new(FieldKind::Float);
    const NAME: SortKey<String> = SortKey::new(FieldKind::String);
    const FLAG: SortKey<bool> = SortKey::new(FieldKind::Boolean);

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    #[test]
    fn typed_values_are_key_encoded() {
        let time: Timestamp = "2025-01-01T00:00:00Z".parse().expect("timestamp");
        assert_eq!(
            CREATED.eq(time),
            SortKeyCondition::Eq("00000001735689600000".into())
        );
        assert_eq!(
            RANK.gt(-5),
            SortKeyCondition::Gt("000000000000000000-5".into())
        );
        assert_eq!(
            SCORE.lte(1.5),
            SortKeyCondition::Lte("1.50000000000000000000e+0".into())
        );
        assert_eq!(NAME.gte("b"), SortKeyCondition::Gte("b".into()));
        assert_eq!(NAME.lt("c"), SortKeyCondition::Lt("c".into()));
        assert_eq!(FLAG.eq(true), SortKeyCondition::Eq("1".into()));
        assert_eq!(
            NAME.begins_with("ab"),
            SortKeyCondition::BeginsWith("ab".into())
        );
        assert_eq!(
            RANK.between(1, 20),
            SortKeyCondition::Between("00000000000000000001".into(), "00000000000000000020".into())
        );
        assert_eq!(CREATED.kind(), FieldKind::CreateDate);
    }

    #[test]
    fn renders_every_sort_key_operator() {
        let cases = [
            (SortKeyCondition::Eq("a".into()), "#n1 = :v1"),
            (
                SortKeyCondition::BeginsWith("a".into()),
                "begins_with(#n1, :v1)",
            ),
            (
                SortKeyCondition::Between("a".into(), "b".into()),
                "#n1 BETWEEN :v1 AND :v2",
            ),
            (SortKeyCondition::Gt("a".into()), "#n1 > :v1"),
            (SortKeyCondition::Gte("a".into()), "#n1 >= :v1"),
            (SortKeyCondition::Lt("a".into()), "#n1 < :v1"),
            (SortKeyCondition::Lte("a".into()), "#n1 <= :v1"),
        ];
        for (condition, expected) in cases {
            let mut b = ExprBuilder::new();
            assert_eq!(condition.render(&mut b, "_gsi1_sk"), expected);
            let (names, values) = b.into_parts();
            assert_eq!(names.expect("names")["#n1"], "_gsi1_sk");
            assert_eq!(values.expect("values")[":v1"], s("a"));
        }
    }

    #[test]
    fn key_conditions() {
        let mut b = ExprBuilder::new();
        assert_eq!(
            key_condition(&mut b, "_gsi1_pk", "p#gsi1#U1".into(), "_gsi1_sk", None),
            "#n1 = :v1"
        );
        let (names, values) = b.into_parts();
        assert_eq!(names.expect("names")["#n1"], "_gsi1_pk");
        assert_eq!(values.expect("values")[":v1"], s("p#gsi1#U1"));

        let mut b = ExprBuilder::new();
        let sk = SortKeyCondition::Between("a".into(), "b".into());
        assert_eq!(
            key_condition(&mut b, "_pk", "c#P1".into(), "_sk", Some(&sk)),
            "#n1 = :v1 AND #n2 BETWEEN :v2 AND :v3"
        );
        let (names, values) = b.into_parts();
        let names = names.expect("names");
        assert_eq!(
            (names["#n1"].as_str(), names["#n2"].as_str()),
            ("_pk", "_sk")
        );
        let values = values.expect("values");
        assert_eq!((&values[":v2"], &values[":v3"]), (&s("a"), &s("b")));
    }
}
