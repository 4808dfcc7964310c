//! Field values <-> DynamoDB attributes, stored exactly as DynamoBao stores them.
//!
//! | Rust type | Field kinds | Attribute |
//! |---|---|---|
//! | `String` | String, Ulid, Related, Version | `S` (an empty string is allowed outside keys) |
//! | `i64` | Integer, Counter | `N` |
//! | `f64` | Float | `N`, written as JavaScript's `String(x)` writes it |
//! | `bool` | Boolean | `BOOL` |
//! | `jiff::Timestamp` | DateTime, CreateDate, ModifiedDate | `N`, epoch milliseconds |
//! | `jiff::Timestamp` | Ttl | `N`, epoch seconds (rounded down) |
//! | `ulid::Ulid` | Ulid, Version, Related | `S` |
//! | `Vec<u8>` | Binary | `B` |
//! | `BTreeSet<String>` | StringSet | `SS`; an empty set is an absent attribute |
//! | a generated shape struct | Object | `M`, one member per field of the shape, each stored as that field would be at the top level; an absent optional member is omitted |
//! | `Vec<T>` | List | `L` of `T`s; an empty list is an absent attribute, an empty element (inner list or set) `NULL` |
//! | `Option<T>` | any | `None` is an absent attribute |
//!
//! Timestamps are stored at millisecond (seconds for Ttl) precision, rounded toward the past.
//! Numbers are read leniently, as DynamoBao does: a fractional `N` read into an `i64` field is
//! truncated toward zero (`12.7` -> 12, like `parseInt`). Unlike `parseInt`, an exponent is
//! honoured (`1.5E+3` -> 1500) and integers beyond 2^53 are read exactly.

mod check;
mod json;
mod number;
mod pattern;
mod placed;

pub use check::validate_field;
pub(crate) use check::validate_member;
use json::AsSerialized;
pub use json::{
    JsonValue, SerializedFields, deserialize_model, from_json, serialize_fields, serialize_model,
};
pub(crate) use number::{Number, to_js_exponential, to_js_string};
pub(crate) use placed::PlacedFields;

use crate::error::{Error, Result};
use crate::schema::{FieldKind, FieldSchema};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use serde::{Serialize, Serializer};
use std::collections::{BTreeSet, HashMap};
use ulid::Ulid;

/// One DynamoDB item, as the SDK represents it.
pub type Item = HashMap<String, AttributeValue>;

/// A Rust value that a field of a given [`FieldKind`] stores.
pub trait FieldValue: Sized {
    /// The stored attribute, or `None` when the value is stored as an absent attribute
    /// (`None`, an empty string set).
    fn to_attr(&self, kind: FieldKind) -> Option<AttributeValue>;

    /// Reads a stored attribute. The error is a message; the caller adds model and field.
    fn from_attr(attr: &AttributeValue, kind: FieldKind) -> Result<Self, String>;

    /// Reads the value from what its `Serialize` writes, held as JSON: how a model's
    /// `Deserialize` reads each field. The error is a message; the caller adds the field.
    fn from_json(value: &JsonValue, kind: FieldKind) -> Result<Self, String>;

    /// Writes the value as a model's `Serialize` writes its field: as itself, a `rustType` as
    /// its base value.
    ///
    /// # Errors
    /// The serializer's.
    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Whether a model's `Serialize` leaves the field out: a `None`, an empty list (both
    /// stored as an absent attribute).
    fn is_omitted(&self) -> bool {
        false
    }

    /// The value an absent attribute stands for, if any: `None` for `Option<T>`, the empty
    /// set for a string set. Other types have none, so a missing attribute is an error.
    fn absent() -> Option<Self> {
        None
    }

    /// Whether `stored` (the stored attribute, `None` when absent) is exactly what
    /// [`to_attr`](Self::to_attr) gives: how a save finds the fields that changed since the
    /// item was loaded. Types that can compare in place override it, so that an unchanged
    /// field costs no attribute.
    fn is_stored_as(&self, stored: Option<&AttributeValue>, kind: FieldKind) -> bool {
        self.to_attr(kind).as_ref() == stored
    }

    /// [`to_attr`](Self::to_attr) of a value that is not needed afterwards: a string moves
    /// into its attribute instead of being copied.
    fn into_attr(self, kind: FieldKind) -> Option<AttributeValue> {
        self.to_attr(kind)
    }
}

/// The JSON forms of a type whose serde impls write and read them: its
/// [`FieldValue::from_json`] and [`FieldValue::serialize_value`].
macro_rules! serde_forms {
    () => {
        fn from_json(value: &JsonValue, _kind: FieldKind) -> Result<Self, String> {
            from_json(value)
        }

        fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.serialize(serializer)
        }
    };
}

impl FieldValue for String {
    fn to_attr(&self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::S(self.clone()))
    }

    fn is_stored_as(&self, stored: Option<&AttributeValue>, _kind: FieldKind) -> bool {
        matches!(stored, Some(AttributeValue::S(text)) if text == self)
    }

    fn into_attr(self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::S(self))
    }

    fn from_attr(attr: &AttributeValue, _kind: FieldKind) -> Result<Self, String> {
        match attr {
            AttributeValue::S(text) => Ok(text.clone()),
            other => Err(unexpected("S", other)),
        }
    }

    serde_forms!();
}

impl FieldValue for i64 {
    fn to_attr(&self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::N(self.to_string()))
    }

    fn is_stored_as(&self, stored: Option<&AttributeValue>, _kind: FieldKind) -> bool {
        is_number(stored, *self)
    }

    fn from_attr(attr: &AttributeValue, _kind: FieldKind) -> Result<Self, String> {
        number(attr)?.truncate()
    }

    serde_forms!();
}

impl FieldValue for f64 {
    fn to_attr(&self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::N(to_js_string(*self)))
    }

    fn from_attr(attr: &AttributeValue, _kind: FieldKind) -> Result<Self, String> {
        Ok(number(attr)?.as_f64())
    }

    serde_forms!();
}

impl FieldValue for bool {
    fn to_attr(&self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::Bool(*self))
    }

    fn from_attr(attr: &AttributeValue, _kind: FieldKind) -> Result<Self, String> {
        match attr {
            AttributeValue::Bool(value) => Ok(*value),
            other => Err(unexpected("BOOL", other)),
        }
    }

    serde_forms!();
}

impl FieldValue for Timestamp {
    /// Epoch seconds for a Ttl field, epoch milliseconds for any other kind; both rounded
    /// toward the past (`Math.floor`).
    fn to_attr(&self, kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::N(stored_time(*self, kind).to_string()))
    }

    fn is_stored_as(&self, stored: Option<&AttributeValue>, kind: FieldKind) -> bool {
        is_number(stored, stored_time(*self, kind))
    }

    fn from_attr(attr: &AttributeValue, kind: FieldKind) -> Result<Self, String> {
        let stored = number(attr)?;
        let millis = if kind == FieldKind::Ttl {
            match stored {
                Number::Int(seconds) => seconds
                    .checked_mul(1000)
                    .ok_or_else(|| format!("{seconds} seconds is out of range"))?,
                Number::Float(seconds) => Number::Float(seconds * 1000.0).truncate()?,
            }
        } else {
            stored.truncate()?
        };
        Timestamp::from_millisecond(millis).map_err(|error| error.to_string())
    }

    serde_forms!();
}

impl FieldValue for Ulid {
    fn to_attr(&self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::S(self.to_string()))
    }

    fn is_stored_as(&self, stored: Option<&AttributeValue>, _kind: FieldKind) -> bool {
        let mut text = [0; ulid::ULID_LEN];
        matches!(stored, Some(AttributeValue::S(stored)) if stored == self.array_to_str(&mut text))
    }

    fn from_attr(attr: &AttributeValue, _kind: FieldKind) -> Result<Self, String> {
        match attr {
            AttributeValue::S(text) => {
                Ulid::from_string(text).map_err(|error| format!("`{text}` is not a ULID: {error}"))
            }
            other => Err(unexpected("S", other)),
        }
    }

    serde_forms!();
}

impl FieldValue for Vec<u8> {
    fn to_attr(&self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::B(Blob::new(self.clone())))
    }

    fn into_attr(self, _kind: FieldKind) -> Option<AttributeValue> {
        Some(AttributeValue::B(Blob::new(self)))
    }

    fn from_attr(attr: &AttributeValue, _kind: FieldKind) -> Result<Self, String> {
        match attr {
            AttributeValue::B(blob) => Ok(blob.as_ref().to_vec()),
            other => Err(unexpected("B", other)),
        }
    }

    serde_forms!();
}

impl FieldValue for BTreeSet<String> {
    /// An empty set is stored as an absent attribute (DynamoDB has no empty sets).
    fn to_attr(&self, _kind: FieldKind) -> Option<AttributeValue> {
        (!self.is_empty()).then(|| AttributeValue::Ss(self.iter().cloned().collect()))
    }

    fn into_attr(self, _kind: FieldKind) -> Option<AttributeValue> {
        (!self.is_empty()).then(|| AttributeValue::Ss(self.into_iter().collect()))
    }

    fn from_attr(attr: &AttributeValue, _kind: FieldKind) -> Result<Self, String> {
        match attr {
            AttributeValue::Ss(members) => Ok(members.iter().cloned().collect()),
            other => Err(unexpected("SS", other)),
        }
    }

    serde_forms!();

    fn absent() -> Option<Self> {
        Some(BTreeSet::new())
    }
}

/// The elements of a ListField. `Vec<u8>` is a BinaryField's bytes, not a list: no `u8` is a
/// [`FieldValue`].
impl<T: FieldValue> FieldValue for Vec<T> {
    /// An empty list is stored as an absent attribute, as an empty string set is. An element
    /// that stores as nothing (an empty inner list or set) is a `NULL`, which reads back as
    /// that empty value.
    fn to_attr(&self, kind: FieldKind) -> Option<AttributeValue> {
        let elements: Vec<AttributeValue> = self
            .iter()
            .map(|element| {
                element
                    .to_attr(element_kind(kind))
                    .unwrap_or(AttributeValue::Null(true))
            })
            .collect();
        (!elements.is_empty()).then_some(AttributeValue::L(elements))
    }

    /// Reads an `L`, and also the `SS` and `NS` a Node service's marshaller makes of an array
    /// of strings or numbers.
    fn from_attr(attr: &AttributeValue, kind: FieldKind) -> Result<Self, String> {
        let kind = element_kind(kind);
        let element = |index: usize, attr: &AttributeValue| {
            let read = match attr {
                AttributeValue::Null(_) => T::absent().ok_or_else(|| "the element is null".into()),
                attr => T::from_attr(attr, kind),
            };
            read.map_err(|message| format!("element {index}: {message}"))
        };
        match attr {
            AttributeValue::L(elements) => elements
                .iter()
                .enumerate()
                .map(|(index, attr)| element(index, attr))
                .collect(),
            AttributeValue::Ss(members) => members
                .iter()
                .enumerate()
                .map(|(index, member)| element(index, &AttributeValue::S(member.clone())))
                .collect(),
            AttributeValue::Ns(members) => members
                .iter()
                .enumerate()
                .map(|(index, member)| element(index, &AttributeValue::N(member.clone())))
                .collect(),
            other => Err(unexpected("L", other)),
        }
    }

    /// Reads an array; a null element is the element type's empty value.
    fn from_json(value: &JsonValue, kind: FieldKind) -> Result<Self, String> {
        let JsonValue::Array(elements) = value else {
            return Err(format!("expected an array, found {value}"));
        };
        let kind = element_kind(kind);
        elements
            .iter()
            .enumerate()
            .map(|(index, element)| {
                let read = match element {
                    JsonValue::Null => T::absent().ok_or_else(|| "the element is null".into()),
                    element => T::from_json(element, kind),
                };
                read.map_err(|message| format!("element {index}: {message}"))
            })
            .collect()
    }

    fn absent() -> Option<Self> {
        Some(Vec::new())
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(AsSerialized))
    }

    fn is_omitted(&self) -> bool {
        self.is_empty()
    }
}

/// The kind a list's elements are encoded with: a Ttl list would be epoch seconds, any other
/// kind keeps the default encodings (dates as epoch milliseconds).
fn element_kind(list: FieldKind) -> FieldKind {
    match list {
        FieldKind::Ttl => FieldKind::Ttl,
        _ => FieldKind::List,
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    fn to_attr(&self, kind: FieldKind) -> Option<AttributeValue> {
        self.as_ref().and_then(|value| value.to_attr(kind))
    }

    fn is_stored_as(&self, stored: Option<&AttributeValue>, kind: FieldKind) -> bool {
        match self {
            Some(value) => value.is_stored_as(stored, kind),
            None => stored.is_none(),
        }
    }

    fn into_attr(self, kind: FieldKind) -> Option<AttributeValue> {
        self.and_then(|value| value.into_attr(kind))
    }

    fn from_attr(attr: &AttributeValue, kind: FieldKind) -> Result<Self, String> {
        match attr {
            AttributeValue::Null(_) => Ok(None),
            other => T::from_attr(other, kind).map(Some),
        }
    }

    fn from_json(value: &JsonValue, kind: FieldKind) -> Result<Self, String> {
        match value {
            JsonValue::Null => Ok(None),
            value => T::from_json(value, kind).map(Some),
        }
    }

    fn absent() -> Option<Self> {
        Some(None)
    }

    fn serialize_value<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&AsSerialized(value)),
            None => serializer.serialize_none(),
        }
    }

    fn is_omitted(&self) -> bool {
        self.is_none()
    }
}

/// The message of a decode error for a missing attribute of a type without an absent value.
pub(crate) const MISSING: &str = "the attribute is missing";

/// Reads a field of an item, or of the map a model is deserialised from. A missing (or `NULL`)
/// attribute is an error unless the type has an [absent value](FieldValue::absent), e.g.
/// `Option<T>` or a string set.
pub fn get<T: FieldValue>(
    item: &impl FieldSource,
    model: &'static str,
    field: &FieldSchema,
) -> Result<T> {
    match item.read(field) {
        Some(read) => read.map_err(|message| decode(model, field, message)),
        None => T::absent().ok_or_else(|| decode(model, field, MISSING.into())),
    }
}

/// Reads a field that may be absent: `Ok(None)` when it is missing or `NULL`.
pub fn get_opt<T: FieldValue>(
    item: &impl FieldSource,
    model: &'static str,
    field: &FieldSchema,
) -> Result<Option<T>> {
    item.read(field)
        .map(|read| read.map_err(|message| decode(model, field, message)))
        .transpose()
}

/// The members of a shape's map (an ObjectField's value).
pub fn shape_members(attr: &AttributeValue) -> Result<&Item, String> {
    match attr {
        AttributeValue::M(members) => Ok(members),
        other => Err(unexpected("M", other)),
    }
}

/// Reads a member of a shape's map; an absent member reads as the type's
/// [absent value](FieldValue::absent), else is an error naming it.
pub fn member<T: FieldValue>(members: &Item, field: &FieldSchema) -> Result<T, String> {
    match present(members, field.name) {
        Some(attr) => T::from_attr(attr, field.kind).map_err(|message| in_member(field, message)),
        None => T::absent().ok_or_else(|| in_member(field, "the member is missing".into())),
    }
}

/// Reads a member of a shape's map, or `default()` when it is absent.
pub fn member_or_else<T: FieldValue>(
    members: &Item,
    field: &FieldSchema,
    default: impl FnOnce() -> T,
) -> Result<T, String> {
    match present(members, field.name) {
        Some(attr) => T::from_attr(attr, field.kind).map_err(|message| in_member(field, message)),
        None => Ok(default()),
    }
}

/// A message about a member, prefixed with its name: `` `city`: ... ``.
fn in_member(field: &FieldSchema, message: String) -> String {
    format!("`{}`: {message}", field.name)
}

/// Stores a field in an item; a value stored as an absent attribute is not inserted.
pub fn put<T: FieldValue>(item: &mut Item, field: &FieldSchema, value: &T) {
    if let Some(attr) = value.to_attr(field.kind) {
        item.insert(field.name.to_owned(), attr);
    }
}

/// [`put`] of a value that is not needed afterwards (see [`FieldValue::into_attr`]).
pub fn put_owned<T: FieldValue>(item: &mut Item, field: &FieldSchema, value: T) {
    if let Some(attr) = value.into_attr(field.kind) {
        item.insert(field.name.to_owned(), attr);
    }
}

/// Rounds to `decimals` places as a DynamoBao FloatField with `precision` does
/// (`Number(x.toFixed(decimals))`): the exact binary value is rounded half away from zero, so
/// `round_to(0.125, 2)` is 0.13 and `round_to(1.005, 2)` is 1.0 (1.005 is stored as
/// 1.00499...). Values of magnitude 1e21 and above, and non-finite values, are returned
/// unchanged. JavaScript refuses more than 100 decimals; any count is accepted here.
#[must_use]
pub fn round_to(value: f64, decimals: u32) -> f64 {
    if !value.is_finite() {
        return value;
    }
    number::to_js_fixed(value, decimals as usize)
        .parse()
        .unwrap_or(value)
}

/// The stored number of a timestamp: epoch seconds for Ttl, else epoch milliseconds, floored.
pub(crate) fn stored_time(timestamp: Timestamp, kind: FieldKind) -> i64 {
    let unit: i128 = if kind == FieldKind::Ttl {
        1_000_000_000
    } else {
        1_000_000
    };
    // jiff's range (years -9999..=9999) keeps both quotients well inside i64.
    timestamp.as_nanosecond().div_euclid(unit) as i64
}

/// Where a model's fields are read from: a stored item, or the map a model is deserialised
/// from ([`deserialize_model`]). Generated `from_fields` reads through it, so one body serves
/// both.
pub trait FieldSource {
    /// `field`'s value read as a `T`, or `None` when it is absent (or null).
    fn read<T: FieldValue>(&self, field: &FieldSchema) -> Option<Result<T, String>>;
}

impl FieldSource for Item {
    fn read<T: FieldValue>(&self, field: &FieldSchema) -> Option<Result<T, String>> {
        present(self, field.name).map(|attr| T::from_attr(attr, field.kind))
    }
}

/// Where a model writes its fields: an [`Item`], or a save that compares them with the item
/// it loaded. The generated `write_fields` of every model passes each field to it in turn.
pub trait FieldSink {
    /// Takes the value of `field`.
    fn put<T: FieldValue>(&mut self, field: &'static FieldSchema, value: &T);
}

impl FieldSink for Item {
    fn put<T: FieldValue>(&mut self, field: &'static FieldSchema, value: &T) {
        put(self, field, value);
    }
}

/// Whether `stored` is `N` holding `number` as [`FieldValue::to_attr`] writes it.
fn is_number(stored: Option<&AttributeValue>, number: i64) -> bool {
    let mut digits = itoa::Buffer::new();
    matches!(stored, Some(AttributeValue::N(text)) if text == digits.format(number))
}

/// The attribute `name` of `item` as a field reads it.
fn present<'a>(item: &'a Item, name: &str) -> Option<&'a AttributeValue> {
    unless_null(item.get(name))
}

/// An attribute as a field reads it: `NULL` is absent.
fn unless_null(attr: Option<&AttributeValue>) -> Option<&AttributeValue> {
    attr.filter(|attr| !matches!(attr, AttributeValue::Null(_)))
}

fn number(attr: &AttributeValue) -> Result<Number, String> {
    match attr {
        AttributeValue::N(text) => Number::parse(text),
        other => Err(unexpected("N", other)),
    }
}

/// A decode error of one field; [`crate::model`] adds the item's id when it loads the item.
fn decode(model: &'static str, field: &FieldSchema, message: String) -> Error {
    Error::Decode {
        model,
        id: String::new(),
        field: field.name.to_owned(),
        message,
    }
}

/// "expected N, found S `yes`": the type, and a short form of a scalar value.
pub(crate) fn unexpected(expected: &str, found: &AttributeValue) -> String {
    let shown = match found {
        AttributeValue::S(text) | AttributeValue::N(text) => {
            let mut short: String = text.chars().take(40).collect();
            if short.len() < text.len() {
                short.push('…');
            }
            format!(" `{short}`")
        }
        AttributeValue::Bool(flag) => format!(" `{flag}`"),
        _ => String::new(),
    };
    format!("expected {expected}, found {}{shown}", type_name(found))
}

/// The DynamoDB type descriptor of an attribute (`S`, `N`, `SS`, ...).
pub(crate) fn type_name(attr: &AttributeValue) -> &'static str {
    match attr {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        AttributeValue::L(_) => "L",
        AttributeValue::M(_) => "M",
        AttributeValue::Null(_) => "NULL",
        _ => "an unknown type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An optional field of `kind` (shared with the other tests of the codec).
    pub(super) fn field(name: &'static str, kind: FieldKind) -> FieldSchema {
        FieldSchema::new(name, kind, false)
    }

    pub(super) fn n(text: &str) -> AttributeValue {
        AttributeValue::N(text.to_owned())
    }

    pub(super) fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    /// Stores `value` in a field of `kind`, checks the attribute, and reads it back.
    fn round_trip<T: FieldValue + PartialEq + std::fmt::Debug>(
        kind: FieldKind,
        value: T,
        stored: Option<AttributeValue>,
    ) {
        let f = field("f", kind);
        let mut item = Item::new();
        put(&mut item, &f, &value);
        assert_eq!(item.get("f"), stored.as_ref(), "stored form of {value:?}");
        assert_eq!(get::<T>(&item, "M", &f).expect("decodes"), value);
    }

    fn ts(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    #[test]
    fn strings_round_trip() {
        round_trip(FieldKind::String, "hello".to_owned(), Some(s("hello")));
        round_trip(FieldKind::String, String::new(), Some(s("")));
        round_trip(FieldKind::String, "é😀#:[]".to_owned(), Some(s("é😀#:[]")));
        round_trip(
            FieldKind::Related,
            "01JFGMRH7XACZ8GKB81DZ5YWNH".to_owned(),
            Some(s("01JFGMRH7XACZ8GKB81DZ5YWNH")),
        );
    }

    #[test]
    fn integers_round_trip() {
        for (value, text) in [
            (0, "0"),
            (-1, "-1"),
            (42, "42"),
            (i64::MAX, "9223372036854775807"),
            (i64::MIN, "-9223372036854775808"),
        ] {
            round_trip(FieldKind::Integer, value, Some(n(text)));
            round_trip(FieldKind::Counter, value, Some(n(text)));
        }
    }

    #[test]
    fn integers_decode_leniently() {
        let f = field("count", FieldKind::Integer);
        let read = |text: &str| get::<i64>(&Item::from([("count".to_owned(), n(text))]), "M", &f);
        assert_eq!(read("12.7").expect("float"), 12);
        assert_eq!(read("-12.7").expect("float"), -12);
        assert_eq!(read("1.5E+3").expect("exponent"), 1500);
        assert_eq!(
            read("9007199254740993").expect("beyond 2^53"),
            9_007_199_254_740_993
        );
        assert!(read("1e21").is_err());
        assert!(read("abc").is_err());
    }

    #[test]
    fn floats_round_trip_in_javascript_form() {
        round_trip(FieldKind::Float, 1.5, Some(n("1.5")));
        round_trip(FieldKind::Float, -0.1, Some(n("-0.1")));
        round_trip(FieldKind::Float, 0.1 + 0.2, Some(n("0.30000000000000004")));
        round_trip(FieldKind::Float, 1e21, Some(n("1e+21")));
        round_trip(FieldKind::Float, 1e-7, Some(n("1e-7")));
        round_trip(FieldKind::Float, 3.0, Some(n("3")));
        let f = field("f", FieldKind::Float);
        let item = Item::from([("f".to_owned(), n("1E+21"))]);
        assert_eq!(get::<f64>(&item, "M", &f).expect("DynamoDB form"), 1e21);
    }

    #[test]
    fn booleans_binary_and_ulids_round_trip() {
        round_trip(FieldKind::Boolean, true, Some(AttributeValue::Bool(true)));
        round_trip(FieldKind::Boolean, false, Some(AttributeValue::Bool(false)));
        round_trip(
            FieldKind::Binary,
            vec![0u8, 255, 7],
            Some(AttributeValue::B(Blob::new(vec![0u8, 255, 7]))),
        );
        round_trip(
            FieldKind::Binary,
            Vec::<u8>::new(),
            Some(AttributeValue::B(Blob::new(Vec::new()))),
        );
        let id: Ulid = "01JFGMRH7XACZ8GKB81DZ5YWNH".parse().expect("ulid");
        round_trip(FieldKind::Ulid, id, Some(s("01JFGMRH7XACZ8GKB81DZ5YWNH")));
        round_trip(
            FieldKind::Version,
            id,
            Some(s("01JFGMRH7XACZ8GKB81DZ5YWNH")),
        );
        assert!(Ulid::from_attr(&s("not a ulid"), FieldKind::Ulid).is_err());
    }

    #[test]
    fn dates_are_epoch_milliseconds() {
        let t = ts("2024-12-31T23:59:59.123Z");
        for kind in [
            FieldKind::DateTime,
            FieldKind::CreateDate,
            FieldKind::ModifiedDate,
        ] {
            round_trip(kind, t, Some(n("1735689599123")));
        }
        round_trip(
            FieldKind::DateTime,
            ts("1969-12-31T23:59:59.999Z"),
            Some(n("-1")),
        );
        // Sub-millisecond precision is floored.
        let fine = ts("2024-12-31T23:59:59.123999Z");
        assert_eq!(fine.to_attr(FieldKind::DateTime), Some(n("1735689599123")));
        assert_eq!(
            ts("1969-12-31T23:59:59.9995Z").to_attr(FieldKind::DateTime),
            Some(n("-1"))
        );
        // A fractional stored value is truncated like `new Date(12.7)`.
        assert_eq!(
            Timestamp::from_attr(&n("1735689599123.9"), FieldKind::DateTime),
            Ok(t)
        );
    }

    #[test]
    fn ttl_is_epoch_seconds_floored() {
        round_trip(
            FieldKind::Ttl,
            ts("2024-12-31T23:59:59Z"),
            Some(n("1735689599")),
        );
        assert_eq!(
            ts("2024-12-31T23:59:59.999Z").to_attr(FieldKind::Ttl),
            Some(n("1735689599"))
        );
        assert_eq!(
            ts("1969-12-31T23:59:58.5Z").to_attr(FieldKind::Ttl),
            Some(n("-2"))
        );
        assert_eq!(
            Timestamp::from_attr(&n("1.5"), FieldKind::Ttl),
            Ok(Timestamp::from_millisecond(1500).expect("ts"))
        );
        assert!(Timestamp::from_attr(&n("9223372036854775807"), FieldKind::Ttl).is_err());
    }

    #[test]
    fn string_sets_store_empty_as_absent() {
        let tags: BTreeSet<String> = ["b", "a"].map(String::from).into();
        round_trip(
            FieldKind::StringSet,
            tags,
            Some(AttributeValue::Ss(vec!["a".into(), "b".into()])),
        );
        round_trip(FieldKind::StringSet, BTreeSet::<String>::new(), None);
        let f = field("tags", FieldKind::StringSet);
        assert_eq!(
            get_opt::<BTreeSet<String>>(&Item::new(), "M", &f).expect("absent"),
            None
        );
    }

    #[test]
    fn options_store_none_as_absent() {
        round_trip(FieldKind::String, Some("x".to_owned()), Some(s("x")));
        round_trip(FieldKind::String, None::<String>, None);
        round_trip(FieldKind::Integer, Some(-3i64), Some(n("-3")));
        let f = field("f", FieldKind::String);
        let null = Item::from([("f".to_owned(), AttributeValue::Null(true))]);
        assert_eq!(get::<Option<String>>(&null, "M", &f).expect("null"), None);
        assert_eq!(get_opt::<String>(&null, "M", &f).expect("null"), None);
        assert_eq!(
            get_opt::<String>(&Item::from([("f".to_owned(), s("v"))]), "M", &f).expect("v"),
            Some("v".to_owned())
        );
    }

    #[test]
    fn decode_errors_name_model_and_field() {
        let f = field("age", FieldKind::Integer);
        let missing = get::<i64>(&Item::new(), "User", &f).expect_err("missing");
        assert_eq!(
            missing.to_string(),
            "cannot decode User.age: the attribute is missing"
        );
        let wrong = get::<i64>(&Item::from([("age".to_owned(), s("7"))]), "User", &f)
            .expect_err("wrong type");
        assert_eq!(
            wrong.to_string(),
            "cannot decode User.age: expected N, found S `7`"
        );
        let wrong = get_opt::<String>(&Item::from([("age".to_owned(), n("7"))]), "User", &f)
            .expect_err("wrong type");
        assert!(matches!(wrong, Error::Decode { model: "User", ref field, .. } if field == "age"));
    }

    #[test]
    fn round_to_matches_to_fixed() {
        // Expected values from Node.js: Number(x.toFixed(d)).
        assert_eq!(round_to(1.005, 2), 1.0);
        assert_eq!(round_to(0.125, 2), 0.13);
        assert_eq!(round_to(-0.125, 2), -0.13);
        assert_eq!(round_to(2.5, 0), 3.0);
        assert_eq!(round_to(8.345, 2), 8.35);
        assert_eq!(round_to(123.456, 2), 123.46);
        assert_eq!(round_to(12345.6789, 0), 12346.0);
        assert_eq!(round_to(1e-10, 5), 0.0);
        assert_eq!(round_to(1e21, 2), 1e21);
        assert_eq!(round_to(0.1, 20), 0.1);
        assert!(round_to(f64::NAN, 2).is_nan());
        assert_eq!(round_to(f64::INFINITY, 2), f64::INFINITY);
    }

    /// `is_stored_as` answers what comparing `to_attr` with the stored attribute answers,
    /// for every type that overrides it, against stored attributes of every relevant shape.
    #[test]
    fn comparing_in_place_agrees_with_comparing_attributes() {
        fn agrees<T: FieldValue + std::fmt::Debug>(value: T, kinds: &[FieldKind]) {
            let ulid = Ulid::from_string("01JFGMRH7XACZ8GKB81DZ5YWNH").expect("ulid");
            let stored = [
                None,
                Some(s("")),
                Some(s("hello")),
                Some(s("01JFGMRH7XACZ8GKB81DZ5YWNH")),
                Some(s(&ulid.to_string().to_lowercase())),
                Some(n("0")),
                Some(n("-42")),
                Some(n("1733529600000")),
                Some(n("1733529600")),
                Some(n("1733529600000.0")),
                Some(AttributeValue::Null(true)),
                Some(AttributeValue::Bool(true)),
            ];
            for &kind in kinds {
                for attr in &stored {
                    assert_eq!(
                        value.is_stored_as(attr.as_ref(), kind),
                        value.to_attr(kind).as_ref() == attr.as_ref(),
                        "{value:?} ({kind:?}) against {attr:?}"
                    );
                }
            }
        }
        for text in ["", "hello", "01JFGMRH7XACZ8GKB81DZ5YWNH", "Hello"] {
            agrees(text.to_owned(), &[FieldKind::String]);
            agrees(Some(text.to_owned()), &[FieldKind::String]);
        }
        agrees(None::<String>, &[FieldKind::String]);
        for number in [0, -42, 42, 1_733_529_600_000, i64::MIN, i64::MAX] {
            agrees(number, &[FieldKind::Integer]);
            agrees(Some(number), &[FieldKind::Integer]);
        }
        let times = [FieldKind::DateTime, FieldKind::Ttl];
        for time in [
            "2024-12-07T00:00:00Z",
            "2024-12-07T00:00:00.0009Z",
            "1969-12-31T23:59:59.5Z",
        ] {
            agrees(ts(time), &times);
            agrees(Some(ts(time)), &times);
        }
        agrees(None::<Timestamp>, &times);
        for ulid in ["01JFGMRH7XACZ8GKB81DZ5YWNH", "00000000000000000000000000"] {
            agrees(Ulid::from_string(ulid).expect("ulid"), &[FieldKind::Ulid]);
        }
        agrees(true, &[FieldKind::Boolean]);
    }

    /// `into_attr` stores exactly what `to_attr` stores, for every type that overrides it.
    #[test]
    fn moving_a_value_stores_what_copying_it_stores() {
        fn agrees<T: FieldValue + Clone + std::fmt::Debug>(value: T, kind: FieldKind) {
            assert_eq!(
                value.clone().into_attr(kind),
                value.to_attr(kind),
                "{value:?} ({kind:?})"
            );
        }
        for text in ["", "hello"] {
            agrees(text.to_owned(), FieldKind::String);
            agrees(Some(text.to_owned()), FieldKind::String);
        }
        agrees(None::<String>, FieldKind::String);
        agrees(Vec::<u8>::new(), FieldKind::Binary);
        agrees(vec![0_u8, 255], FieldKind::Binary);
        agrees(BTreeSet::<String>::new(), FieldKind::StringSet);
        agrees(
            BTreeSet::from(["b".to_owned(), "a".to_owned()]),
            FieldKind::StringSet,
        );
        agrees(Some(BTreeSet::from(["a".to_owned()])), FieldKind::StringSet);
    }
}
