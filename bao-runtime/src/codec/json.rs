//! A model's `Serialize` and `Deserialize`, through the bodies that write and read its item.
//!
//! `Serialize` passes each field to a serializer as the model's generated `write_fields`
//! passes it to a stored item: under its `models.yaml` name, in schema order, a `None` or an
//! empty list left out, a `rustType` as its base value, a Float with a `precision` rounded as
//! it is stored. `Deserialize` reads the map of fields whole, then each field from it by the
//! generated `from_fields`, the body that reads a stored item: a missing field with a
//! `defaultValue` takes it, unknown names are ignored. The input must describe itself (JSON,
//! YAML, TOML, MessagePack do), since the map is read before the model says what each value
//! is.
//!
//! serde's derives would generate, for every model, a body per field to serialise and a
//! visitor, a field enum and a sequence reader to deserialise: the largest part of a models
//! crate's compile time. Here the generated part is one line (`bao::impl_serde!(User);`).
//!
//! A shape's `Serialize` writes its members the same way ([`serialize_fields`]), so that a
//! member with a `precision` is rounded as in a model; its `Deserialize` is serde's derive.

use super::{FieldSink, FieldSource, FieldValue, MISSING};
use crate::error::Error;
use crate::model::Model;
use crate::schema::FieldSchema;
use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value as serde writes it, read whole before a model reads its fields from it.
pub type JsonValue = serde_json::Value;

/// Serialises `model` as a struct of its fields under their `models.yaml` names (see the
/// module's documentation).
///
/// # Errors
/// The serializer's.
pub fn serialize_model<M: Model, S: Serializer>(
    model: &M,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serialize_fields(M::SCHEMA.name, serializer, |sink| model.write_fields(sink))
}

/// Serialises a struct named `name` from the fields `write` passes to its sink: a model's
/// fields (through [`serialize_model`]) or a shape's members, each as it is stored. `write`
/// runs twice: formats that write a struct's length first need the count of the fields
/// written.
///
/// # Errors
/// The serializer's.
pub fn serialize_fields<S: Serializer>(
    name: &'static str,
    serializer: S,
    write: impl Fn(&mut SerializedFields<'_, S::SerializeStruct>),
) -> Result<S::Ok, S::Error> {
    let mut counting = SerializedFields {
        state: None,
        written: 0,
        error: None,
    };
    write(&mut counting);
    let mut state = serializer.serialize_struct(name, counting.written)?;
    let mut fields = SerializedFields {
        state: Some(&mut state),
        written: 0,
        error: None,
    };
    write(&mut fields);
    match fields.error {
        Some(error) => Err(error),
        None => state.end(),
    }
}

/// The sink of [`serialize_fields`]: it counts the fields that are not left out and, given
/// the serializer's struct, writes each to it, keeping the first error (after which it writes
/// nothing more).
#[doc(hidden)]
pub struct SerializedFields<'a, S: SerializeStruct> {
    state: Option<&'a mut S>,
    written: usize,
    error: Option<S::Error>,
}

impl<S: SerializeStruct> std::fmt::Debug for SerializedFields<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerializedFields")
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl<S: SerializeStruct> FieldSink for SerializedFields<'_, S> {
    fn put<T: FieldValue>(&mut self, field: &'static FieldSchema, value: &T) {
        if self.error.is_some() {
            return;
        }
        let omitted = value.is_omitted();
        self.written += usize::from(!omitted);
        let Some(state) = self.state.as_deref_mut() else {
            return;
        };
        let written = match omitted {
            true => state.skip_field(field.name),
            false => state.serialize_field(field.name, &AsSerialized(value)),
        };
        self.error = written.err();
    }
}

/// A field value, serialised by [`FieldValue::serialize_value`]: an element of a list, the
/// value of an `Option`, a field of a model.
#[derive(Debug, Clone, Copy)]
pub(super) struct AsSerialized<'a, T>(pub(super) &'a T);

impl<T: FieldValue> Serialize for AsSerialized<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_value(serializer)
    }
}

/// Deserialises the model `M` from a map of its fields under their `models.yaml` names (what
/// its `Serialize` writes).
///
/// # Errors
/// The deserializer's; a required field that is missing, by serde's `missing_field`; a field
/// whose value is not of its type, naming the field.
pub fn deserialize_model<'de, M: Model, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<M, D::Error> {
    let fields = serde_json::Map::deserialize(deserializer)?;
    M::from_fields(&fields).map_err(|error| match error {
        // A field that is not given is serde's missing field, unless reading it failed
        // otherwise: a `defaultValue` its `rustType` refuses is named as such.
        Error::Decode { field, message, .. } => {
            let given = fields.get(&field).is_some_and(|value| !value.is_null());
            match M::SCHEMA.fields.iter().find(|schema| schema.name == field) {
                Some(schema) if !given && message == MISSING => {
                    D::Error::missing_field(schema.name)
                }
                _ => D::Error::custom(format_args!("`{field}`: {message}")),
            }
        }
        error => D::Error::custom(error),
    })
}

/// Reads a value of a type with serde impls from its JSON form: the [`FieldValue::from_json`]
/// of most types.
///
/// # Errors
/// serde's message, when the value is not a `T`.
pub fn from_json<T: DeserializeOwned>(value: &JsonValue) -> Result<T, String> {
    T::deserialize(value).map_err(|error| error.to_string())
}

impl FieldSource for serde_json::Map<String, JsonValue> {
    fn read<T: FieldValue>(&self, field: &FieldSchema) -> Option<Result<T, String>> {
        self.get(field.name)
            .filter(|value| !value.is_null())
            .map(|value| T::from_json(value, field.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{get, get_opt};
    use crate::schema::FieldKind;
    use serde_json::json;
    use std::collections::BTreeSet;

    fn map(value: JsonValue) -> serde_json::Map<String, JsonValue> {
        match value {
            JsonValue::Object(map) => map,
            other => panic!("not a map: {other}"),
        }
    }

    #[test]
    fn a_null_member_reads_as_an_absent_one() {
        let f = FieldSchema::new("note", FieldKind::String, false);
        let fields = map(json!({"note": null}));
        assert_eq!(get_opt::<String>(&fields, "M", &f).unwrap(), None);
        let error = get::<String>(&fields, "M", &f).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot decode M.note: the attribute is missing"
        );
    }

    #[test]
    fn list_elements_are_read_one_by_one_and_named_when_wrong() {
        let f = FieldSchema::new("sets", FieldKind::List, false);
        let fields = map(json!({"sets": [["a"], null, []]}));
        let sets: Vec<BTreeSet<String>> = get(&fields, "M", &f).unwrap();
        assert_eq!(
            sets,
            [
                BTreeSet::from(["a".to_owned()]),
                BTreeSet::new(),
                BTreeSet::new()
            ]
        );
        let fields = map(json!({"sets": [["a"], [1]]}));
        let error = get::<Vec<BTreeSet<String>>>(&fields, "M", &f).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("element 1: invalid type: integer `1`"),
            "{error}"
        );
    }
}
