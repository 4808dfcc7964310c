//! A model's primary-key type: a newtype of its one key field, or a struct of several.

use super::BODY_INDENT;
use super::fields::{FieldView, is_copy, natural_type};
use crate::emit::layout::Expr;
use crate::ir::{self, KeyPart, Schema};
use serde::Serialize;

/// The primary-key type of a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct KeyView {
    /// `UserId` (one key field) or `TaggedPostKey` (two).
    pub(crate) type_name: String,
    /// A newtype over one field's value; otherwise a struct of the key fields.
    pub(crate) newtype: bool,
    /// The key fields.
    pub(crate) fields: Vec<FieldView>,
    /// The standard derives of the key type (serde's follow on their own line). A newtype's
    /// `Debug` comes from `key_newtype!`, which prints the value as its `Display` does.
    pub(crate) derives: Vec<String>,
    /// The trailing arguments of a newtype's `key_newtype!`: `ulid` adds `generate(db)`,
    /// `string` adds `From<&str>`.
    pub(crate) newtype_extras: Vec<String>,
    /// The wrapped type of a newtype.
    pub(crate) inner_type: String,
    /// `Model::key`'s body: the key of `self`, laid out.
    pub(crate) of_self: String,
    /// A composite key's `from_attr` tail: the key from its stored fields, laid out.
    pub(crate) from_key_item: String,
}

pub(super) fn key_field_names(key: &ir::Key) -> Vec<&str> {
    [&key.partition, &key.sort]
        .into_iter()
        .filter_map(|part| match part {
            KeyPart::Field(name) => Some(name.as_str()),
            KeyPart::ModelPrefix => None,
        })
        .collect()
}

/// `UserId` for a single-field key, `TaggedPostKey` for a composite one.
pub(crate) fn key_type_name(model: &ir::Model) -> String {
    match key_field_names(&model.primary_key).len() {
        1 => format!("{}Id", model.rust_name),
        _ => format!("{}Key", model.rust_name),
    }
}

/// `super::post::Post`: another model's type, seen from a model module.
pub(super) fn model_path(model: &ir::Model) -> String {
    format!("super::{}::{}", model.module, model.rust_name)
}

pub(super) fn key_path(model: &ir::Model) -> String {
    format!("super::{}::{}", model.module, key_type_name(model))
}

pub(super) fn key_view(
    schema: &Schema,
    model: &ir::Model,
    type_name: &str,
    fields: Vec<FieldView>,
) -> KeyView {
    let newtype = fields.len() == 1;
    let ir_field = |view: &FieldView| model.fields.iter().find(|f| f.name == view.name);
    let inner_type = fields
        .first()
        .and_then(ir_field)
        .map(|field| natural_type(schema, field))
        .unwrap_or_default();
    let copy = fields
        .iter()
        .all(|view| ir_field(view).is_some_and(|field| is_copy(schema, field)));
    let mut derives = match newtype {
        true => vec!["Clone"],
        false => vec!["Debug", "Clone"],
    };
    if copy {
        derives.push("Copy");
    }
    derives.extend(["PartialEq", "Eq", "Hash", "PartialOrd", "Ord"]);
    let of_self = match newtype {
        true => {
            let field = &fields[0];
            match copy {
                true => format!("self.{}", field.rust_name),
                false => format!("self.{}.clone()", field.rust_name),
            }
        }
        false => {
            let parts = fields.iter().map(|field| {
                let value = match ir_field(field).is_some_and(|f| is_copy(schema, f)) {
                    true => format!("self.{}", field.rust_name),
                    false => format!("self.{}.clone()", field.rust_name),
                };
                (field.rust_name.clone(), Expr::atom(value))
            });
            Expr::structure(type_name, parts.collect()).layout(BODY_INDENT, BODY_INDENT, "")
        }
    };
    let model_literal = format!("{:?}", model.name);
    let from_key_item = Expr::call(
        "Ok",
        [Expr::structure(
            "Self",
            fields
                .iter()
                .map(|field| {
                    let read = format!(
                        "bao::key_part(&item, {model_literal}, {})?",
                        field.const_name
                    );
                    (field.rust_name.clone(), Expr::atom(read))
                })
                .collect(),
        )],
    )
    .layout(BODY_INDENT, BODY_INDENT, "");
    KeyView {
        type_name: type_name.to_owned(),
        newtype,
        derives: derives.into_iter().map(str::to_owned).collect(),
        newtype_extras: match inner_type.as_str() {
            _ if !newtype => vec![],
            "bao::Ulid" => vec!["ulid".to_owned()],
            "String" => vec!["string".to_owned()],
            _ => vec![],
        },
        inner_type,
        of_self,
        from_key_item,
        fields,
    }
}
