//! The key encoding of values, `enc(x)` in the layout: how DynamoBao's `toGsi` writes a stored
//! value into a key.

use crate::codec::{FieldValue, Number, stored_time, to_js_exponential, type_name};
use crate::error::{Error, Result};
use crate::schema::FieldKind;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use ulid::Ulid;

/// Encodes a stored value as DynamoBao's `toGsi` does, for use in a key:
///
/// - String, Ulid, Related, Version: the string as is;
/// - Integer, Counter: JavaScript's `String(n).padStart(20, "0")`, so `-5` becomes
///   `000000000000000000-5` (negative numbers do not sort; kept for compatibility);
/// - Float: `n.toExponential(20)`, e.g. `1.50000000000000000000e+0` (not order-preserving);
/// - Boolean: `"1"` / `"0"`;
/// - DateTime, CreateDate, ModifiedDate: epoch milliseconds padded to 20 digits, `"0"` for 0;
/// - Ttl: epoch seconds padded to 20 digits, `"0"` for 0.
///
/// Two divergences fix DynamoBao bugs in keys it derives from stored values: it encodes a
/// ModifiedDate key as the current time instead of the stored value, and a Ttl key as the
/// stored seconds divided by 1000. Integers beyond 2^53 are encoded exactly (JavaScript
/// cannot hold them).
///
/// # Errors
/// [`Error::Validation`] for Binary and StringSet kinds (they cannot be part of a key) and for
/// an attribute whose type does not match the kind.
pub fn encode_key_value(kind: FieldKind, attr: &AttributeValue) -> Result<String> {
    encode(kind, attr).map_err(|message| Error::validation("key", kind_name(kind), message))
}

/// A Rust value that can be part of a key, encoded without an intermediate attribute.
/// `value.key_string(kind)` equals `encode_key_value(kind, &value.to_attr(kind))`.
pub trait KeyValue: FieldValue {
    /// The key encoding of this value for a field of the given kind.
    fn key_string(&self, kind: FieldKind) -> String;

    /// Calls `f` with [`key_string`](Self::key_string), without allocating it where the type
    /// can: a string is its own encoding, a ULID is encoded on the stack.
    fn with_key_str<R>(&self, kind: FieldKind, f: impl FnOnce(&str) -> R) -> R {
        f(&self.key_string(kind))
    }
}

impl KeyValue for String {
    fn key_string(&self, _kind: FieldKind) -> String {
        self.clone()
    }

    fn with_key_str<R>(&self, _kind: FieldKind, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}

impl KeyValue for Ulid {
    fn key_string(&self, _kind: FieldKind) -> String {
        self.to_string()
    }

    fn with_key_str<R>(&self, _kind: FieldKind, f: impl FnOnce(&str) -> R) -> R {
        let mut text = [0; ulid::ULID_LEN];
        f(self.array_to_str(&mut text))
    }
}

impl KeyValue for bool {
    fn key_string(&self, _kind: FieldKind) -> String {
        bool_key(*self).to_owned()
    }
}

impl KeyValue for i64 {
    fn key_string(&self, kind: FieldKind) -> String {
        number_key(kind, Number::Int(*self))
    }
}

impl KeyValue for f64 {
    fn key_string(&self, kind: FieldKind) -> String {
        number_key(kind, Number::Float(*self))
    }
}

impl KeyValue for Timestamp {
    fn key_string(&self, kind: FieldKind) -> String {
        number_key(kind, Number::Int(stored_time(*self, kind)))
    }
}

pub(super) fn encode(kind: FieldKind, attr: &AttributeValue) -> Result<String, String> {
    use FieldKind as K;
    match (kind, attr) {
        (K::Binary | K::StringSet | K::Object | K::List, _) => {
            Err(format!("a {} cannot be part of a key", kind_name(kind)))
        }
        (K::String | K::Ulid | K::Related | K::Version, AttributeValue::S(text)) => {
            Ok(text.clone())
        }
        (K::Boolean, AttributeValue::Bool(value)) => Ok(bool_key(*value).to_owned()),
        (
            K::Integer
            | K::Counter
            | K::Float
            | K::DateTime
            | K::CreateDate
            | K::ModifiedDate
            | K::Ttl,
            AttributeValue::N(text),
        ) => Ok(number_key(kind, Number::parse(text)?)),
        (_, other) => Err(format!(
            "a {} key cannot be made from a {} value",
            kind_name(kind),
            type_name(other)
        )),
    }
}

fn bool_key(value: bool) -> &'static str {
    if value { "1" } else { "0" }
}

fn number_key(kind: FieldKind, number: Number) -> String {
    use FieldKind as K;
    match kind {
        K::Float => to_js_exponential(number.as_f64(), 20),
        K::DateTime | K::CreateDate | K::ModifiedDate | K::Ttl if number.as_f64() == 0.0 => {
            "0".to_owned()
        }
        K::Integer | K::Counter | K::DateTime | K::CreateDate | K::ModifiedDate | K::Ttl => {
            pad_start_20(number.to_js_string())
        }
        K::Boolean => bool_key(number.as_f64() != 0.0).to_owned(),
        K::String
        | K::Ulid
        | K::Related
        | K::Version
        | K::Binary
        | K::StringSet
        | K::Object
        | K::List => number.to_js_string(),
    }
}

/// JavaScript's `text.padStart(20, "0")`: zeros in front up to 20 characters, even before a
/// minus sign.
fn pad_start_20(text: String) -> String {
    let len = text.encode_utf16().count();
    if len >= 20 {
        return text;
    }
    let mut padded = String::with_capacity(20 - len + text.len());
    padded.extend(std::iter::repeat_n('0', 20 - len));
    padded.push_str(&text);
    padded
}

/// DynamoBao's name of a field kind (`IntegerField`).
fn kind_name(kind: FieldKind) -> &'static str {
    use FieldKind as K;
    match kind {
        K::String => "StringField",
        K::Integer => "IntegerField",
        K::Float => "FloatField",
        K::Boolean => "BooleanField",
        K::DateTime => "DateTimeField",
        K::CreateDate => "CreateDateField",
        K::ModifiedDate => "ModifiedDateField",
        K::Ulid => "UlidField",
        K::Related => "RelatedField",
        K::Counter => "CounterField",
        K::Binary => "BinaryField",
        K::Version => "VersionField",
        K::Ttl => "TtlField",
        K::StringSet => "StringSetField",
        K::Object => "ObjectField",
        K::List => "ListField",
    }
}
