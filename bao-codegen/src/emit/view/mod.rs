//! The template context: a typed view of each model, with every Rust snippet the templates
//! print.
//!
//! Every decision (which fields `New<Model>::new` takes, which values come from the clock, how a
//! value is stored) is made here from the IR's types, never by reading back generated text.
//! The snippets are derived from those decisions; templates only print them. The fields of
//! these structs are the contract of `--templates` overrides.
//!
//! This module assembles the view of a model or a shape from its parts: each field's types
//! and slots (`fields`), the primary-key type (`keys`), the laid-out bodies that move field
//! values (`bodies`), the runtime's schema literals (`schema_items`), the methods beyond CRUD
//! (`methods`) and the doc comments (`docs`).

mod bodies;
mod docs;
mod fields;
mod keys;
mod methods;
mod schema_items;

pub(crate) use fields::{EnumView, FieldView, NewSlot, ValidatorView};
pub(crate) use keys::KeyView;
pub(crate) use methods::{FinderView, LinkView, MappingView, QueryView, RelatedView};

use super::include::{LoadView, load_view};
use super::layout::{self, Expr};
use crate::ir::{self, FieldType, Schema};
use bodies::{ReadFrom, from_fields_body, new_body, new_params, read_fields_body};
use docs::{doc_line, doc_lines, extensions_doc, file_name, model_doc};
use fields::{enum_view, field_view, is_date_stamp, validator_views, with_items};
use keys::{key_field_names, key_type_name, key_view};
use methods::{finder_view, link_view, mapping_view, query_view, related_view};
use schema_items::{fields_item, schema_item};
use serde::Serialize;

/// The context of one model module.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ModelView {
    /// The model's type name (`User`).
    pub(crate) name: String,
    /// Its module name (`user`).
    pub(crate) module: String,
    /// Doc comment lines, each with its leading space (`" Someone who..."`, or `""`).
    pub(crate) doc: Vec<String>,
    /// The primary-key type.
    pub(crate) key: KeyView,
    /// Every field, in schema order.
    pub(crate) fields: Vec<FieldView>,
    /// The fields of `New<Model>`: those `new` takes first, then the optional ones.
    pub(crate) new_fields: Vec<FieldView>,
    /// The parameters of `New<Model>::new` (`name: impl Into<String>`).
    pub(crate) new_params: Vec<String>,
    /// The body of `New<Model>::new`: the struct literal, laid out.
    pub(crate) new_body: String,
    /// `into_fields` reads the handle (for ids and versions).
    pub(crate) create_reads_db: bool,
    /// `into_fields` reads the clock (for creation and modification dates).
    pub(crate) create_reads_clock: bool,
    /// `static FIELDS`, laid out.
    pub(crate) fields_item: String,
    /// `const SCHEMA` of the `Model` impl, laid out.
    pub(crate) schema_item: String,
    /// The body of `from_fields` (what `from_item` and `Deserialize` read through), laid out.
    pub(crate) from_fields_body: String,
    pub(crate) finders: Vec<FinderView>,
    pub(crate) related: Vec<RelatedView>,
    pub(crate) queries: Vec<QueryView>,
    pub(crate) mappings: Vec<MappingView>,
    /// `load` and its builder, when the model has relations to include.
    pub(crate) load: Option<LoadView>,
    /// `link` / `unlink` of a mapping table whose key is its two RelatedFields.
    pub(crate) link: Option<LinkView>,
    /// `iterate_all` / `iterate_bucket` exist.
    pub(crate) iterable: bool,
    /// `search` / `search_bucket` exist: the model is searchable and iterable.
    pub(crate) searchable: bool,
    /// The enums of its fields with `values`.
    pub(crate) enums: Vec<EnumView>,
    /// The wrappers of its fields' `validate` functions.
    pub(crate) validators: Vec<ValidatorView>,
    /// A RelatedField has `referentialIntegrity`: `<Model>Update::skip_reference_checks`.
    pub(crate) checks_references: bool,
    /// The field of `softDelete`, by its YAML and Rust names: `soft_delete`, `restore` and
    /// `is_deleted`.
    pub(crate) soft_delete: Option<(String, String)>,
}

/// What `mod.rs` declares and re-exports of one model: an item of `models` in the context of
/// `mod.rs.jinja`, which reads nothing else of a model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct IndexEntry {
    /// The model's type name (`User`).
    pub(crate) name: String,
    /// Its module name (`user`).
    pub(crate) module: String,
    /// Its model prefix as a string literal (`"u"`): how `AnyModel` recognises its items.
    pub(crate) prefix_literal: String,
    /// Its primary-key type (`UserId`).
    pub(crate) key_type: String,
    /// The enum types of its fields (`PostStatus`).
    pub(crate) enum_types: Vec<String>,
}

impl ModelView {
    /// The entry in `mod.rs` of `model`, whose view this is.
    pub(crate) fn index_entry(&self, model: &ir::Model) -> IndexEntry {
        IndexEntry {
            name: self.name.clone(),
            module: self.module.clone(),
            prefix_literal: format!("{:?}", model.prefix),
            key_type: self.key.type_name.clone(),
            enum_types: self.enums.iter().map(|e| e.type_name.clone()).collect(),
        }
    }
}

/// The context of one shape module.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ShapeView {
    /// The shape's type name (`Address`).
    pub(crate) name: String,
    /// Its module name (`address`).
    pub(crate) module: String,
    /// Doc comment lines, each with its leading space.
    pub(crate) doc: Vec<String>,
    /// Every field, in schema order.
    pub(crate) fields: Vec<FieldView>,
    /// `static FIELDS`, laid out.
    pub(crate) fields_item: String,
    /// `pub const SCHEMA` of its impl, laid out.
    pub(crate) schema_item: String,
    /// The body of `from_attr` after the members are taken, laid out.
    pub(crate) from_members_body: String,
    /// The enums of its fields with `values`.
    pub(crate) enums: Vec<EnumView>,
    /// The wrappers of its fields' `validate` functions.
    pub(crate) validators: Vec<ValidatorView>,
}

/// Where the schema literals sit: `const` items at the top level, `SCHEMA` in the `Model` impl,
/// bodies in functions of an impl.
const ITEM_INDENT: usize = 0;
const IMPL_INDENT: usize = 4;
const BODY_INDENT: usize = 8;

/// The view of one model: every name, type and laid-out snippet its module prints.
pub(crate) fn model_view(schema: &Schema, model: &ir::Model) -> ModelView {
    let key_names = key_field_names(&model.primary_key);
    let key_type = key_type_name(model);
    let fields: Vec<FieldView> = model
        .fields
        .iter()
        .map(|field| field_view(schema, field, &key_names, &key_type))
        .collect();
    let key_fields: Vec<FieldView> = key_names
        .iter()
        .filter_map(|name| fields.iter().find(|field| field.name == *name).cloned())
        .collect();
    let key = key_view(schema, model, &key_type, key_fields);
    let new_fields: Vec<FieldView> = [true, false]
        .into_iter()
        .flat_map(|required| {
            fields.iter().filter(move |field| {
                field.new_slot != NewSlot::Automatic
                    && (field.new_slot == NewSlot::Required) == required
            })
        })
        .cloned()
        .collect();
    let finders = model
        .methods
        .finders
        .iter()
        .filter_map(|finder| finder_view(model, &fields, finder))
        .collect();
    let related: Vec<RelatedView> = model
        .methods
        .related
        .iter()
        .filter_map(|getter| related_view(schema, model, &fields, getter))
        .collect();
    let queries: Vec<QueryView> = model
        .methods
        .queries
        .iter()
        .filter_map(|query| query_view(schema, query))
        .collect();
    let mappings: Vec<MappingView> = model
        .methods
        .mappings
        .iter()
        .filter_map(|getter| mapping_view(schema, getter))
        .collect();
    let load = load_view(
        &model.rust_name,
        &model.module,
        &related,
        &mappings,
        &queries,
    );
    ModelView {
        name: model.rust_name.clone(),
        module: model.module.clone(),
        doc: model_doc(model),
        new_params: new_params(&new_fields),
        new_body: new_body(&new_fields),
        create_reads_db: model.fields.iter().any(|field| {
            field.field_type == FieldType::VersionField
                || (field.auto_assign && field.field_type == FieldType::UlidField)
        }),
        create_reads_clock: model
            .fields
            .iter()
            .any(|field| is_date_stamp(field.field_type)),
        fields_item: fields_item(schema, &model.fields),
        schema_item: schema_item(schema, model),
        from_fields_body: from_fields_body(model, &fields),
        link: link_view(model, &fields, &new_fields),
        key,
        new_fields,
        fields,
        finders,
        related,
        queries,
        mappings,
        load,
        iterable: model.iteration_buckets.is_some(),
        searchable: model.iteration_buckets.is_some() && model.searchable.is_some(),
        enums: with_items(&model.fields).filter_map(enum_view).collect(),
        validators: validator_views(schema, &model.fields),
        checks_references: model.fields.iter().any(|field| field.referential_integrity),
        soft_delete: model.soft_delete.as_ref().and_then(|name| {
            let field = model.fields.iter().find(|field| field.name == *name)?;
            Some((name.clone(), field.rust_name.clone()))
        }),
    }
}

/// The view of one shape: its struct, its patch builder and its condition handle.
pub(crate) fn shape_view(schema: &Schema, shape: &ir::Shape) -> ShapeView {
    let fields: Vec<FieldView> = shape
        .fields
        .iter()
        .map(|field| field_view(schema, field, &[], ""))
        .collect();
    let mut doc = doc_lines(shape.doc.as_deref());
    if doc.is_empty() {
        doc.push(doc_line(&format!("An `{}` value.", shape.name)));
    }
    doc.push(String::new());
    doc.extend(layout::filled_doc_lines(
        &format!(
            "Stored as a map by ObjectFields and ListFields; generated from `{}` line {}.",
            file_name(&shape.source.file),
            shape.source.line
        ),
        ITEM_INDENT,
    ));
    doc.extend(extensions_doc(&shape.extensions));
    ShapeView {
        name: shape.name.clone(),
        module: shape.module.clone(),
        doc,
        fields_item: fields_item(schema, &shape.fields),
        schema_item: {
            let head = "pub const SCHEMA: bao::ShapeSchema = ";
            let literal = Expr::structure(
                "bao::ShapeSchema",
                vec![
                    ("name".into(), Expr::atom(format!("{:?}", shape.name))),
                    ("fields".into(), Expr::atom("&FIELDS")),
                ],
            );
            let laid_out = literal.layout(IMPL_INDENT, IMPL_INDENT + head.len(), ";");
            format!("{head}{laid_out}")
        },
        from_members_body: read_fields_body(&shape.fields, &fields, ReadFrom::Members),
        enums: with_items(&shape.fields).filter_map(enum_view).collect(),
        validators: validator_views(schema, &shape.fields),
        fields,
    }
}
