//! Enums of string values: a StringField with `values: [draft, published]` in `models.yaml`
//! holds a generated Rust enum, stored as the value's string (an `S`, exactly as the
//! StringField DynamoBao sees).
//!
//! A stored string outside the list (another writer, such as a Node service, is free to write
//! one) does not read as the enum: it is an [`Error::Decode`](crate::Error::Decode) naming the
//! item, the field and the value, and a page lists it in its `undecodable` items beside the
//! items it could read. Nothing is guessed and nothing is dropped.

use std::fmt;

/// A string outside the values `models.yaml` lists for a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    /// The string.
    pub value: String,
    /// The values the field takes, in `models.yaml` order.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not one of ", self.value)?;
        for (at, value) in self.expected.iter().enumerate() {
            if at > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownValue {}

/// The impls of a generated enum of string values:
/// `string_enum!(PostStatus, Draft = "draft", Published = "published")` gives `ALL`,
/// `as_str`, `Display` and `FromStr` (the stored strings), serde as those strings, and
/// [`CustomField`](crate::CustomField) over `String`, which makes it a field value, a key
/// value and a filter value.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($name:ident, $($variant:ident = $value:literal),+ $(,)?) => {
        impl $name {
            /// Every value, in `models.yaml` order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored string.
            #[inline]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value,)+
                }
            }
        }
        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $name {
            type Err = $crate::enums::UnknownValue;
            #[inline]
            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                match text {
                    $($value => Ok($name::$variant),)+
                    _ => Err($crate::enums::UnknownValue {
                        value: text.to_owned(),
                        expected: &[$($value),+],
                    }),
                }
            }
        }
        impl $crate::CustomField for $name {
            type Base = String;
            #[inline]
            fn to_base(&self) -> String {
                self.as_str().to_owned()
            }
            #[inline]
            fn from_base(base: String) -> ::std::result::Result<Self, String> {
                base.parse().map_err(|error: $crate::enums::UnknownValue| error.to_string())
            }
        }
        impl $crate::__codegen::serde::Serialize for $name {
            fn serialize<S: $crate::__codegen::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> $crate::__codegen::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__codegen::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let text = <String as $crate::__codegen::serde::Deserialize>::deserialize(
                    deserializer,
                )?;
                text.parse()
                    .map_err(<D::Error as $crate::__codegen::serde::de::Error>::custom)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::CustomField;

    /// A status, as the generator emits it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    enum Status {
        Draft,
        InReview,
    }
    crate::__string_enum!(Status, Draft = "draft", InReview = "in-review");

    #[test]
    fn values_are_the_stored_strings() {
        assert_eq!(Status::ALL, [Status::Draft, Status::InReview]);
        assert_eq!(Status::InReview.to_string(), "in-review");
        assert_eq!("draft".parse(), Ok(Status::Draft));
        assert_eq!(Status::InReview.to_base(), "in-review");
        assert_eq!(Status::from_base("in-review".into()), Ok(Status::InReview));
        assert_eq!(
            serde_json::to_string(&Status::InReview).unwrap(),
            "\"in-review\""
        );
        assert_eq!(
            serde_json::from_str::<Status>("\"draft\"").unwrap(),
            Status::Draft
        );
    }

    #[test]
    fn another_string_names_the_values() {
        let error = "Draft".parse::<Status>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "`Draft` is not one of `draft`, `in-review`"
        );
        assert!(Status::from_base("archived".into()).is_err());
        assert!(serde_json::from_str::<Status>("\"archived\"").is_err());
    }
}
