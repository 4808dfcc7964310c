//! Each field's view: its Rust types, how `New<Model>` takes it, how it is stored and read,
//! its serde attributes in a shape, its enum and its validator.

use super::bodies::{create_expr, store_expr};
use super::docs::field_doc;
use super::keys::{key_field_names, key_path};
use crate::ir::{self, FieldType, Schema};
use heck::ToShoutySnakeCase;
use serde::Serialize;

/// The wrapper of a field's `validate` function, which its `FieldSchema` names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ValidatorView {
    /// The wrapper's name (`validate_title`).
    pub(crate) fn_name: String,
    /// The field's name in YAML.
    pub(crate) field: String,
    /// The function's path (`crate::checks::not_blank`).
    pub(crate) path: String,
    /// The field's Rust value type, which the value is read as.
    pub(crate) value_type: String,
}

/// The enum of a field with `values`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct EnumView {
    /// The type name (`PostStatus`).
    pub(crate) type_name: String,
    /// The field's name in YAML.
    pub(crate) field: String,
    /// Each variant's name and its stored string.
    pub(crate) variants: Vec<ir::EnumVariant>,
    /// The arguments of `bao::string_enum!`: the type, then `Variant = "value"` each.
    pub(crate) macro_args: Vec<String>,
}

/// How `New<Model>` holds a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NewSlot {
    /// A parameter of `New<Model>::new`.
    Required,
    /// An `Option` that takes the field's default (or a fresh id) when `None`.
    Defaulted,
    /// An `Option`, stored absent when `None`.
    Optional,
    /// A string set, empty by default.
    Set,
    /// Not in `New<Model>`: bao fills it on every write (dates, versions).
    Automatic,
}

/// One field, with every snippet the templates need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FieldView {
    /// The attribute name (`userId`).
    pub(crate) name: String,
    /// The attribute name as a Rust string literal.
    pub(crate) name_literal: String,
    /// The Rust identifier (`user_id`, `r#type`).
    pub(crate) rust_name: String,
    /// The identifier without `r#`, for composed names (`with_type`).
    pub(crate) bare_name: String,
    /// Its setter on `<Model>Update`: the Rust name, or `set_<name>` for a field named like one
    /// of that type's own methods (`new`, `only_if`).
    pub(crate) setter: String,
    /// serde's `rename_all = "camelCase"` (on every generated struct) does not turn the Rust
    /// name into the attribute name, so the field is renamed on its own.
    pub(crate) renamed: bool,
    /// The field's schema constant (`F_USER_ID`).
    pub(crate) const_name: String,
    /// The model's typed handle (`USER_ID`).
    pub(crate) attr_name: String,
    /// The field type, by its YAML name.
    pub(crate) field_type: FieldType,
    /// Doc comment lines, each with its leading space.
    pub(crate) doc: Vec<String>,
    /// The type in the model struct (`Option<String>`, `UserId`).
    pub(crate) rust_type: String,
    /// The type without `Option` (what filters and sort keys take).
    pub(crate) value_type: String,
    /// The model struct holds an `Option`.
    pub(crate) optional: bool,
    /// How `New<Model>` holds it.
    pub(crate) new_slot: NewSlot,
    /// The type in `New<Model>` (`String`, `Option<UserId>`).
    pub(crate) new_type: String,
    /// `<Model>Update` can set it.
    pub(crate) updatable: bool,
    /// The type of `add_<field>(delta)` (DynamoDB `ADD`): `i64` for counters and integers,
    /// `f64` for floats; none for other fields.
    pub(crate) add_type: Option<&'static str>,
    /// The field has a `defaultValue`, which a missing attribute reads as.
    pub(crate) has_default: bool,
    pub(crate) string_set: bool,
    /// The element type of `append_<field>` (a ListField).
    pub(crate) append_type: Option<String>,
    /// The patch builder of `patch_<field>` (a required ObjectField): `super::address::AddressPatch`.
    pub(crate) patch_type: Option<String>,
    /// The type of its handle for conditions and filters (`bao::Attr<String>`,
    /// `super::address::AddressAttr`, `bao::ListAttr<bao::Attr<i64>>`).
    pub(crate) attr_type: String,
    /// The `const fn` that makes the handle from the field's schema (`bao::Attr::of`).
    pub(crate) attr_ctor: String,
    /// The field's serde attributes in a shape, which derives `Deserialize`
    /// (`rename = "userId"`, `default`).
    pub(crate) serde_attrs: Vec<String>,
    /// How `write_fields` reads the value (`&self.name`).
    pub(crate) store_expr: String,
    /// How `into_fields` fills it, by value (`self.name`, `now`, a default).
    pub(crate) create_expr: String,
}

/// Each field, then the elements of each ListField (at any depth): where enums and validators
/// are declared too.
pub(super) fn with_items(fields: &[ir::Field]) -> impl Iterator<Item = &ir::Field> {
    fields
        .iter()
        .flat_map(|field| std::iter::successors(Some(field), |field| field.items.as_deref()))
}

pub(super) fn validator_views(schema: &Schema, fields: &[ir::Field]) -> Vec<ValidatorView> {
    with_items(fields)
        .filter_map(|field| {
            Some(ValidatorView {
                fn_name: validator_name(field),
                field: field.name.clone(),
                path: field.validate.clone()?,
                value_type: natural_type(schema, field),
            })
        })
        .collect()
}

/// The wrapper of a field's `validate` function: `validate_title`.
pub(super) fn validator_name(field: &ir::Field) -> String {
    format!("validate_{}", field.rust_name.trim_start_matches("r#"))
}

pub(super) fn enum_view(field: &ir::Field) -> Option<EnumView> {
    let enumeration = field.enumeration.as_ref()?;
    let variants = enumeration
        .variants
        .iter()
        .map(|variant| format!("{} = {:?}", variant.name, variant.value));
    Some(EnumView {
        type_name: enumeration.type_name.clone(),
        field: field.name.clone(),
        variants: enumeration.variants.clone(),
        macro_args: std::iter::once(enumeration.type_name.clone())
            .chain(variants)
            .collect(),
    })
}

pub(super) fn is_copy(schema: &Schema, field: &ir::Field) -> bool {
    if field.enumeration.is_some() {
        return true;
    }
    match field.field_type {
        FieldType::StringField
        | FieldType::EmailField
        | FieldType::BinaryField
        | FieldType::StringSetField
        | FieldType::ObjectField
        | FieldType::ListField => false,
        FieldType::RelatedField => field
            .related_model
            .as_deref()
            .and_then(|name| schema.model(name))
            .is_some_and(|target| {
                let names = key_field_names(&target.primary_key);
                names.iter().all(|name| {
                    target
                        .fields
                        .iter()
                        .find(|f| f.name == *name)
                        .is_some_and(|f| {
                            f.field_type != FieldType::RelatedField && is_copy(schema, f)
                        })
                })
            }),
        _ => true,
    }
}

/// The `rustType` of a field, if it has one.
pub(super) fn custom_rust_type(field: &ir::Field) -> Option<&str> {
    field.custom.as_ref()?.rust_type.as_deref()
}

/// The Rust type of a field's value, ignoring optionality and key newtypes.
pub(super) fn natural_type(schema: &Schema, field: &ir::Field) -> String {
    if let Some(rust_type) = custom_rust_type(field) {
        return rust_type.to_owned();
    }
    match field.field_type {
        FieldType::StringField | FieldType::EmailField => "String".into(),
        FieldType::IntegerField | FieldType::CounterField => "i64".into(),
        FieldType::FloatField => "f64".into(),
        FieldType::BooleanField => "bool".into(),
        FieldType::DateTimeField
        | FieldType::CreateDateField
        | FieldType::ModifiedDateField
        | FieldType::TtlField => "bao::Timestamp".into(),
        FieldType::UlidField | FieldType::VersionField => "bao::Ulid".into(),
        FieldType::RelatedField => field
            .related_model
            .as_deref()
            .and_then(|name| schema.model(name))
            .map(key_path)
            .unwrap_or_else(|| "String".into()),
        FieldType::BinaryField => "Vec<u8>".into(),
        FieldType::StringSetField => "std::collections::BTreeSet<String>".into(),
        FieldType::ObjectField => shape_path(schema, field, ""),
        FieldType::ListField => match &field.items {
            Some(items) => format!("Vec<{}>", natural_type(schema, items)),
            None => "Vec<String>".into(),
        },
    }
}

/// `super::address::Address{suffix}`: a type of the module of the shape an ObjectField holds.
pub(super) fn shape_path(schema: &Schema, field: &ir::Field, suffix: &str) -> String {
    let shape = field.shape.as_deref().and_then(|name| schema.shape(name));
    match shape {
        Some(shape) => format!("super::{}::{}{suffix}", shape.module, shape.name),
        None => "String".into(),
    }
}

/// The handle type of conditions on a field's values, and its `const fn` constructor.
fn attr_handle(schema: &Schema, field: &ir::Field, value_type: &str) -> (String, String) {
    match (field.field_type, &field.items) {
        (FieldType::ObjectField, _) => {
            let handle = shape_path(schema, field, "Attr");
            let ctor = format!("{handle}::of");
            (handle, ctor)
        }
        (FieldType::ListField, Some(items)) => {
            let (element, _) = attr_handle(schema, items, &natural_type(schema, items));
            (
                format!("bao::ListAttr<{element}>"),
                "bao::ListAttr::of".into(),
            )
        }
        _ => (format!("bao::Attr<{value_type}>"), "bao::Attr::of".into()),
    }
}

/// Creation and modification dates, stamped from the clock on every create.
pub(super) fn is_date_stamp(field_type: FieldType) -> bool {
    matches!(
        field_type,
        FieldType::CreateDateField | FieldType::ModifiedDateField
    )
}

/// Fields bao fills itself on every write.
pub(super) fn is_automatic(field_type: FieldType) -> bool {
    is_date_stamp(field_type) || field_type == FieldType::VersionField
}

/// The view of a field of a model (with its key's field names and key type) or of a shape
/// (no key).
pub(super) fn field_view(
    schema: &Schema,
    field: &ir::Field,
    key_names: &[&str],
    key_type: &str,
) -> FieldView {
    let is_key = key_names.contains(&field.name.as_str());
    let value_type = match is_key && key_names.len() == 1 {
        true => key_type.to_owned(),
        false => natural_type(schema, field),
    };
    let optional = !field.always_present() && !is_key;
    let rust_type = match optional {
        true => format!("Option<{value_type}>"),
        false => value_type.clone(),
    };
    let bare_name = field.rust_name.trim_start_matches("r#").to_owned();
    let attr_name = bare_name.to_shouty_snake_case();
    let const_name = format!("F_{attr_name}");
    let new_slot = new_slot(field, optional);
    let new_type = match new_slot {
        NewSlot::Required | NewSlot::Set | NewSlot::Automatic => value_type.clone(),
        NewSlot::Defaulted | NewSlot::Optional => format!("Option<{value_type}>"),
    };
    let single_key = is_key && key_names.len() == 1;
    let renamed = serde_camel_case(&bare_name).as_deref() != Some(field.name.as_str());
    let rename = renamed.then(|| format!("rename = {:?}", field.name));
    // A shape's `Deserialize` is derived; its `Serialize` writes the members as they are
    // stored, leaving out a `None` and an empty list, which therefore read as empty.
    let absent_when_empty = optional || field.field_type == FieldType::ListField;
    let default = absent_when_empty.then(|| "default".to_owned());
    // A `rustType` is read as its base value, so it needs no serde impls of its own.
    let with = custom_rust_type(field).map(|_| match optional {
        true => "deserialize_with = \"bao::deserialize_custom_opt\"".to_owned(),
        false => "deserialize_with = \"bao::deserialize_custom\"".to_owned(),
    });
    let serde_attrs = [rename, default, with].into_iter().flatten().collect();
    let (attr_type, attr_ctor) = attr_handle(schema, field, &value_type);
    FieldView {
        append_type: field
            .items
            .as_deref()
            .map(|items| natural_type(schema, items)),
        patch_type: field
            .patchable()
            .then(|| shape_path(schema, field, "Patch")),
        attr_type,
        attr_ctor,
        name: field.name.clone(),
        name_literal: format!("{:?}", field.name),
        rust_name: field.rust_name.clone(),
        renamed,
        attr_name,
        setter: match bare_name.as_str() {
            "new" | "only_if" | "skip_reference_checks" => format!("set_{bare_name}"),
            _ => field.rust_name.clone(),
        },
        store_expr: store_expr(field, optional),
        create_expr: create_expr(field, optional, single_key.then_some(key_type)),
        bare_name,
        const_name,
        field_type: field.field_type,
        doc: field_doc(field),
        rust_type,
        value_type,
        optional,
        new_slot,
        new_type,
        updatable: !is_key && !is_automatic(field.field_type),
        add_type: field.add_delta_type().filter(|_| !is_key),
        has_default: field.default.is_some(),
        string_set: field.field_type == FieldType::StringSetField,
        serde_attrs,
    }
}

pub(super) fn new_slot(field: &ir::Field, optional: bool) -> NewSlot {
    match field.field_type {
        field_type if is_automatic(field_type) => NewSlot::Automatic,
        FieldType::StringSetField | FieldType::ListField => NewSlot::Set,
        FieldType::CounterField => NewSlot::Defaulted,
        _ if field.auto_assign || field.default.is_some() => NewSlot::Defaulted,
        _ if optional => NewSlot::Optional,
        _ => NewSlot::Required,
    }
}

/// The name serde's `rename_all = "camelCase"` gives a field named `rust_name`, by serde's own
/// rule (drop each `_` and capitalise what follows, then lowercase the first letter); `None`
/// where serde's rule would not apply cleanly (non-ASCII, no letters), and the field is renamed
/// explicitly instead.
fn serde_camel_case(rust_name: &str) -> Option<String> {
    if !rust_name.is_ascii() {
        return None;
    }
    let mut pascal = String::with_capacity(rust_name.len());
    let mut capitalize = true;
    for ch in rust_name.chars() {
        match ch {
            '_' => capitalize = true,
            _ if capitalize => {
                pascal.push(ch.to_ascii_uppercase());
                capitalize = false;
            }
            _ => pascal.push(ch),
        }
    }
    let mut chars = pascal.chars();
    let first = chars.next()?;
    Some(format!("{}{}", first.to_ascii_lowercase(), chars.as_str()))
}
