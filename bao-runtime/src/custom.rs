//! Rust types of the application's own, stored as one of bao's field types.
//!
//! A field with a `rustType` in `models.yaml` (directly, or through a type of the top-level
//! `fieldTypes:` map) holds that Rust type in the generated code, and is stored exactly as its
//! base field type stores its base value:
//!
//! ```yaml
//! fieldTypes:
//!   MoneyField: {base: IntegerField, rustType: crate::money::Cents, options: [currency]}
//! models:
//!   Order:
//!     fields:
//!       total: {type: MoneyField, currency: EUR}
//! ```
//!
//! ```
//! use bao_runtime::{CustomField, FieldOptions};
//!
//! #[derive(Debug, Clone, Copy, PartialEq)]
//! pub struct Cents(pub i64);
//!
//! impl CustomField for Cents {
//!     type Base = i64;
//!     fn to_base(&self) -> i64 {
//!         self.0
//!     }
//!     fn from_base(base: i64) -> Result<Self, String> {
//!         Ok(Cents(base))
//!     }
//!     fn validate(&self, options: &FieldOptions) -> Result<(), String> {
//!         match options.str("currency") {
//!             Some("EUR" | "USD") | None => Ok(()),
//!             Some(other) => Err(format!("unsupported currency {other}")),
//!         }
//!     }
//! }
//! ```

use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::codec::{FieldValue, JsonValue};
use crate::keys::KeyValue;
use crate::model::KeyNewtype;
use crate::schema::{FieldKind, FieldSchema};

/// A Rust type stored as a base field type's value: the `rustType` of a field in
/// `models.yaml`.
///
/// `Base` is the Rust type of the base field type (`String` for a StringField, `i64` for an
/// IntegerField, `f64`, `bool`, `Timestamp` for a DateTimeField, `Vec<u8>` for a BinaryField);
/// the generated code checks at compile time that it matches. Implement it for a type of your
/// crate (a newtype around a foreign type where needed: Rust's orphan rule).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a `rustType` in models.yaml but does not implement \
               `bao_runtime::CustomField`",
    label = "named by a `rustType` in models.yaml",
    note = "implement `bao_runtime::CustomField` for `{Self}`, with `type Base` the Rust type of \
            the field's base type (`String` for a StringField, `i64` for an IntegerField, ...)"
)]
pub trait CustomField: fmt::Debug + Clone + PartialEq + Send + Sync + 'static {
    /// The Rust type of the base field type.
    type Base: FieldValue;

    /// The stored value.
    fn to_base(&self) -> Self::Base;

    /// Reads a stored value. An error names what is wrong with it; bao adds the model and the
    /// field.
    fn from_base(base: Self::Base) -> Result<Self, String>;

    /// Checks a value on every write, with the options the field gives in `models.yaml`
    /// (`currency: EUR`). An error is a validation error naming the model and the field, and
    /// nothing is written. Every value passes unless this is overridden.
    fn validate(&self, options: &FieldOptions) -> Result<(), String> {
        let _ = options;
        Ok(())
    }
}

/// A key newtype (`UserId(Ulid)`) is stored as its value.
impl<K: KeyNewtype> CustomField for K {
    type Base = K::Value;

    fn to_base(&self) -> K::Value {
        self.value().clone()
    }

    fn from_base(base: K::Value) -> Result<Self, String> {
        Ok(K::from_value(base))
    }
}

impl<T: CustomField> FieldValue for T {
    fn to_attr(&self, kind: FieldKind) -> Option<AttributeValue> {
        self.to_base().to_attr(kind)
    }

    fn is_stored_as(&self, stored: Option<&AttributeValue>, kind: FieldKind) -> bool {
        self.to_base().is_stored_as(stored, kind)
    }

    fn from_attr(attr: &AttributeValue, kind: FieldKind) -> Result<Self, String> {
        T::from_base(T::Base::from_attr(attr, kind)?)
    }

    /// Read from its base value.
    fn from_json(value: &JsonValue, kind: FieldKind) -> Result<Self, String> {
        T::from_base(T::Base::from_json(value, kind)?)
    }

    fn serialize_value<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_base().serialize_value(serializer)
    }
}

impl<T: CustomField> KeyValue for T
where
    T::Base: KeyValue,
{
    fn key_string(&self, kind: FieldKind) -> String {
        self.to_base().key_string(kind)
    }

    fn with_key_str<R>(&self, kind: FieldKind, f: impl FnOnce(&str) -> R) -> R {
        self.to_base().with_key_str(kind, f)
    }
}

/// What `models.yaml` says about a field of a declared or custom type: the type's name, the
/// options the field gives, and the check its `rustType` makes on every write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CustomFieldSchema {
    /// The field type's name in `models.yaml` (`MoneyField`), or the base type's name for a
    /// field that only gives a `rustType`.
    pub type_name: &'static str,
    /// The options the field gives (`currency: EUR`).
    pub options: FieldOptions,
    /// [`CustomField::validate`] of the `rustType`, if the field has one.
    pub check: Option<Check>,
}

/// A check of a stored value: [`custom_check`] of a `rustType`.
#[derive(Clone, Copy)]
pub struct Check(fn(&AttributeValue, &FieldSchema) -> Result<(), String>);

impl Check {
    /// Runs the check on a value about to be written.
    pub(crate) fn run(&self, field: &FieldSchema, attr: &AttributeValue) -> Result<(), String> {
        (self.0)(attr, field)
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Check")
    }
}

/// Checks compare equal: a field's check is decided by its type, which the schema names.
impl PartialEq for Check {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// The check of the `rustType` `T` of a field whose base type's Rust type is `B`: the value
/// must read back as a `T` and pass [`CustomField::validate`]. Generated code calls it in a
/// constant, so a `rustType` that does not implement [`CustomField`], or whose `Base` is not
/// the base type's, fails to compile.
#[must_use]
pub const fn custom_check<T: CustomField<Base = B>, B>() -> Check {
    Check(check::<T>)
}

fn check<T: CustomField>(attr: &AttributeValue, field: &FieldSchema) -> Result<(), String> {
    let value = T::from_attr(attr, field.kind)?;
    let options = field
        .custom
        .map_or(FieldOptions::NONE, |custom| custom.options);
    value.validate(&options)
}

/// The options a field of a declared type gives in `models.yaml`, by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldOptions(pub &'static [(&'static str, OptionValue)]);

impl FieldOptions {
    /// No options.
    pub const NONE: FieldOptions = FieldOptions(&[]);

    /// The option called `name`, if the field gives it.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&'static OptionValue> {
        self.0
            .iter()
            .find(|(option, _)| *option == name)
            .map(|(_, value)| value)
    }

    /// The option called `name`, if the field gives it as a string.
    #[must_use]
    pub fn str(&self, name: &str) -> Option<&'static str> {
        match self.get(name)? {
            OptionValue::Str(text) => Some(text),
            _ => None,
        }
    }

    /// Every option, in `models.yaml` order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static OptionValue)> {
        self.0.iter().map(|(name, value)| (*name, value))
    }
}

/// The value of an option in `models.yaml`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionValue {
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A string.
    Str(&'static str),
    /// A list (`allowedDomains: [example.com, example.org]`).
    List(&'static [OptionValue]),
}

/// Reads a shape's member of a `rustType` from its base value, in the shape's derived
/// `Deserialize` (`#[serde(deserialize_with = "bao::deserialize_custom")]`), so that a
/// `rustType` needs no serde impls of its own. (The shape's `Serialize` writes the base value
/// through [`FieldValue::serialize_value`].)
///
/// # Errors
/// The deserializer's, or [`CustomField::from_base`]'s as a custom error.
pub fn deserialize_custom<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: CustomField,
    T::Base: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    let base = <T::Base as serde::Deserialize>::deserialize(deserializer)?;
    T::from_base(base).map_err(serde::de::Error::custom)
}

/// [`deserialize_custom`] for an optional member (`Option<T>`).
///
/// # Errors
/// The deserializer's, or [`CustomField::from_base`]'s as a custom error.
pub fn deserialize_custom_opt<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: CustomField,
    T::Base: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T::Base> as serde::Deserialize>::deserialize(deserializer)?
        .map(T::from_base)
        .transpose()
        .map_err(serde::de::Error::custom)
}
