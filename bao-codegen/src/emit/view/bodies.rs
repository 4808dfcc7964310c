//! The bodies of the generated functions that move field values: `New<Model>::new`, the
//! values `into_fields` and `write_fields` store, and `from_fields`.

use super::BODY_INDENT;
use super::fields::{FieldView, NewSlot, custom_rust_type, is_automatic};
use crate::emit::layout::Expr;
use crate::ir::{self, DefaultValue, FieldType};

/// How `write_fields` reads a field: by reference, rounded first when it has a precision.
pub(super) fn store_expr(field: &ir::Field, optional: bool) -> String {
    let name = &field.rust_name;
    match (field.precision, custom_rust_type(field)) {
        (Some(places), None) if optional => {
            format!("&self.{name}.map(|value| bao::round_to(value, {places}))")
        }
        (Some(places), Some(_)) if optional => format!(
            "&self.{name}.as_ref().map(|value| bao::round_to(bao::CustomField::to_base(value), \
             {places}))"
        ),
        (Some(places), _) => format!(
            "&bao::round_to({}, {places})",
            base_value(field, &format!("self.{name}"))
        ),
        (None, _) => format!("&self.{name}"),
    }
}

/// The base value of `value` (a place of the field's Rust type): the value itself, or its
/// `rustType` converted.
fn base_value(field: &ir::Field, value: &str) -> String {
    match custom_rust_type(field) {
        Some(_) => format!("bao::CustomField::to_base(&{value})"),
        None => value.to_owned(),
    }
}

/// How `into_fields` fills a field from `New<Model>` (`self`), the clock and its default: a
/// value it owns, moved into the item. The value has the model struct's type (its base type
/// when converted for a default or a precision): an `Option` exactly when the field is
/// `optional`.
pub(super) fn create_expr(field: &ir::Field, optional: bool, key_type: Option<&str>) -> String {
    let name = &field.rust_name;
    let default = field_default(field);
    // A String default is built only when needed; the other literals cost nothing.
    let lazy =
        field.enumeration.is_none() && matches!(field.default, Some(DefaultValue::String(_)));
    let value = match field.field_type {
        field_type if is_automatic(field_type) => {
            let value = match field_type {
                FieldType::VersionField => "db.new_ulid()",
                _ => "now",
            };
            // `required: false` (for items stored before the field existed): still stamped.
            match optional {
                true => format!("Some({value})"),
                false => value.to_owned(),
            }
        }
        _ if field.auto_assign => match (key_type, optional) {
            (Some(key_type), _) => {
                format!("self.{name}.unwrap_or_else(|| {key_type}::generate(db))")
            }
            (None, true) => format!("self.{name}.or_else(|| Some(db.new_ulid()))"),
            (None, false) => format!("self.{name}.unwrap_or_else(|| db.new_ulid())"),
        },
        FieldType::CounterField => match &default {
            Some(literal) => format!("self.{name}.unwrap_or({literal})"),
            None => format!("self.{name}.unwrap_or_default()"),
        },
        // A default is a base value: the value given is converted to the base too.
        _ if field.enumeration.is_none()
            && custom_rust_type(field).is_some()
            && default.is_some() =>
        {
            let literal = default.as_deref().unwrap_or_default();
            // `map` then `unwrap_or`: clippy prefers it to `map_or(false, ..)`.
            let converted = format!("self.{name}.map(|value| bao::CustomField::to_base(&value))");
            let value = match lazy {
                true => format!("{converted}.unwrap_or_else(|| {literal})"),
                false => format!("{converted}.unwrap_or({literal})"),
            };
            return match field.precision {
                Some(places) => format!("bao::round_to({value}, {places})"),
                None => value,
            };
        }
        _ => match (&default, optional, lazy) {
            (Some(literal), true, true) => format!("self.{name}.or_else(|| Some({literal}))"),
            (Some(literal), true, false) => format!("self.{name}.or(Some({literal}))"),
            (Some(literal), false, true) => format!("self.{name}.unwrap_or_else(|| {literal})"),
            (Some(literal), false, false) => format!("self.{name}.unwrap_or({literal})"),
            (None, ..) => format!("self.{name}"),
        },
    };
    match field.precision {
        Some(places) if optional => format!(
            "{value}.map(|value| bao::round_to({}, {places}))",
            base_value(field, "value")
        ),
        Some(places) => format!("bao::round_to({}, {places})", base_value(field, &value)),
        None => value,
    }
}

/// The default of a field as a Rust expression of its value's type: the variant of an enum,
/// else the literal of its base type.
fn field_default(field: &ir::Field) -> Option<String> {
    let default = field.default.as_ref()?;
    let variant = match (&field.enumeration, default) {
        (Some(enumeration), DefaultValue::String(value)) => enumeration
            .variants
            .iter()
            .find(|variant| variant.value == *value)
            .map(|variant| format!("{}::{}", enumeration.type_name, variant.name)),
        _ => None,
    };
    Some(variant.unwrap_or_else(|| default_literal(default)))
}

fn default_literal(value: &DefaultValue) -> String {
    match value {
        DefaultValue::String(text) => format!("{text:?}.to_owned()"),
        DefaultValue::Integer(number) => format!("{number}_i64"),
        DefaultValue::Float(number) => format!("{number:?}_f64"),
        DefaultValue::Boolean(flag) => flag.to_string(),
        // Validated when the schema was checked, so the constant is in range.
        DefaultValue::DateTime(millis) => format!(
            "bao::Timestamp::constant({}, {})",
            millis.div_euclid(1000),
            millis.rem_euclid(1000) * 1_000_000
        ),
    }
}

/// `name: impl Into<String>` for strings (and string keys), `name: Type` for the other fields
/// `new` takes.
pub(super) fn new_params(new_fields: &[FieldView]) -> Vec<String> {
    new_fields
        .iter()
        .filter(|field| field.new_slot == NewSlot::Required)
        .map(|field| match field.field_type {
            FieldType::StringField | FieldType::EmailField => {
                format!("{}: impl Into<{}>", field.rust_name, field.new_type)
            }
            _ => format!("{}: {}", field.rust_name, field.new_type),
        })
        .collect()
}

pub(super) fn new_body(new_fields: &[FieldView]) -> String {
    let fields = new_fields.iter().map(|field| {
        let value = match field.new_slot {
            NewSlot::Required
                if matches!(
                    field.field_type,
                    FieldType::StringField | FieldType::EmailField
                ) =>
            {
                format!("{}.into()", field.rust_name)
            }
            NewSlot::Required => field.rust_name.clone(),
            NewSlot::Set if field.field_type == FieldType::ListField => "Vec::new()".to_owned(),
            NewSlot::Set => "std::collections::BTreeSet::new()".to_owned(),
            _ => "None".to_owned(),
        };
        (field.rust_name.clone(), Expr::atom(value))
    });
    Expr::structure("Self", fields.collect()).layout(BODY_INDENT, BODY_INDENT, "")
}

/// Where a struct's fields are read from: a model's item, or a shape's map.
#[derive(Clone, Copy)]
pub(super) enum ReadFrom<'a> {
    /// `bao::get(fields, "Model", F_X)?`.
    Item(&'a str),
    /// `bao::member(members, F_X)?`.
    Members,
}

pub(super) fn from_fields_body(model: &ir::Model, fields: &[FieldView]) -> String {
    read_fields_body(&model.fields, fields, ReadFrom::Item(&model.name))
}

/// `Ok(Self { .. })` with each field read, a missing one as its default where it has one.
pub(super) fn read_fields_body(
    ir_fields: &[ir::Field],
    fields: &[FieldView],
    from: ReadFrom<'_>,
) -> String {
    let mut values: Vec<(String, Expr)> = fields
        .iter()
        .zip(ir_fields)
        .map(|(field, ir_field)| {
            let (args, get, get_or_else) = match from {
                ReadFrom::Item(model) => (
                    format!("fields, {model:?}, {}", field.const_name),
                    "get",
                    "get_or_else",
                ),
                ReadFrom::Members => (
                    format!("members, {}", field.const_name),
                    "member",
                    "member_or_else",
                ),
            };
            if let ReadFrom::Members = from {
                let call = match (&ir_field.default, field.optional) {
                    (Some(default), optional) => {
                        let default =
                            field_default(ir_field).unwrap_or_else(|| default_literal(default));
                        let default = match optional {
                            true => format!("Some({default})"),
                            false => default,
                        };
                        format!("bao::{get_or_else}({args}, || {default})?")
                    }
                    (None, _) => format!("bao::{get}({args})?"),
                };
                return (field.rust_name.clone(), Expr::atom(call));
            }
            let call = match (&ir_field.default, field.optional, field.field_type) {
                // A missing attribute reads as the default, as in DynamoBao.
                (Some(default), optional, _) => {
                    // A `rustType`'s default is a base value; an enum's is a variant.
                    let read = match custom_rust_type(ir_field) {
                        Some(_) if ir_field.enumeration.is_none() => "get_base_or_else",
                        _ => "get_or_else",
                    };
                    let default =
                        field_default(ir_field).unwrap_or_else(|| default_literal(default));
                    let call = format!("bao::{read}({args}, || {default})?");
                    match optional {
                        true => format!("Some({call})"),
                        false => call,
                    }
                }
                (None, true, _) => format!("bao::get_opt({args})?"),
                (
                    None,
                    false,
                    FieldType::CounterField | FieldType::StringSetField | FieldType::ListField,
                ) => format!("bao::get_or_default({args})?"),
                (None, false, _) => format!("bao::{get}({args})?"),
            };
            (field.rust_name.clone(), Expr::atom(call))
        })
        .collect();
    if let ReadFrom::Item(_) = from {
        values.push(("_state".into(), Expr::atom("bao::ItemState::default()")));
    }
    Expr::call("Ok", [Expr::structure("Self", values)]).layout(BODY_INDENT, BODY_INDENT, "")
}
