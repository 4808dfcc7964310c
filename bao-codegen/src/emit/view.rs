//! The template context: a typed view of each model, with every Rust snippet the templates
//! print.
//!
//! Every decision (which fields `New<Model>::new` takes, which values come from the clock, how a
//! value is stored) is made here from the IR's types, never by reading back generated text.
//! The snippets are derived from those decisions; templates only print them. The fields of
//! these structs are the contract of `--templates` overrides.

use super::include::{LoadView, load_view};
use super::layout::Expr;
use crate::ir::{self, DefaultValue, FieldType, KeyPart, QueryReceiver, Schema, TableType};
use crate::naming;
use heck::ToShoutySnakeCase;
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

/// A `find_by_<constraint>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FinderView {
    pub(crate) method: String,
    pub(crate) constraint: String,
    pub(crate) constraint_literal: String,
    /// The constrained field's attribute name.
    pub(crate) field: String,
    /// The type the finder takes.
    pub(crate) value_type: String,
}

/// A `get_<related>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RelatedView {
    pub(crate) method: String,
    pub(crate) many_method: String,
    /// The RelatedField's attribute name.
    pub(crate) field: String,
    pub(crate) target_type: String,
    /// The read of the related item, without `.await`.
    pub(crate) find_call: String,
    /// The related key of `item`, as an `Option`.
    pub(crate) key_of_item: String,
}

/// A mapping-table `get_<name>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MappingView {
    pub(crate) method: String,
    pub(crate) mapping_type: String,
    pub(crate) target_type: String,
    pub(crate) index: String,
    pub(crate) index_literal: String,
    pub(crate) sort_type: String,
    /// The target key of `link`, as an `Option`.
    pub(crate) target_of_link: String,
}

/// `link` / `unlink` on a mapping model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct LinkView {
    /// The two sides for docs: "`tagId` and `postId`".
    pub(crate) sides_doc: String,
    /// The parameters: the handle and the two sides.
    pub(crate) params: Vec<String>,
    /// The new link item (`NewTaggedPost::new(tag_id, post_id)`).
    pub(crate) new_item: String,
    /// The link's key and the end of its `let` statement (`TaggedPostKey { tag_id, post_id };`),
    /// laid out.
    pub(crate) key: String,
}

/// A `query_<name>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct QueryView {
    pub(crate) method: String,
    /// Called on an item (the index partitions on a RelatedField to this model).
    pub(crate) instance: bool,
    /// The field the index partitions on and the type of the value the method takes, when it
    /// is a plain field of the model.
    pub(crate) by_value: Option<(String, String)>,
    /// The first line of its doc comment.
    pub(crate) summary: String,
    pub(crate) model_type: String,
    pub(crate) index: String,
    pub(crate) index_literal: String,
    pub(crate) sort_type: String,
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
    doc.push(doc_line(&format!(
        "Stored as a map by ObjectFields and ListFields; generated from `{}` line {}.",
        file_name(&shape.source.file),
        shape.source.line
    )));
    doc.extend(extensions_line(&shape.extensions));
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

/// Each field, then the elements of each ListField (at any depth): where enums and validators
/// are declared too.
fn with_items(fields: &[ir::Field]) -> impl Iterator<Item = &ir::Field> {
    fields
        .iter()
        .flat_map(|field| std::iter::successors(Some(field), |field| field.items.as_deref()))
}

fn validator_views(schema: &Schema, fields: &[ir::Field]) -> Vec<ValidatorView> {
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
fn validator_name(field: &ir::Field) -> String {
    format!("validate_{}", field.rust_name.trim_start_matches("r#"))
}

fn enum_view(field: &ir::Field) -> Option<EnumView> {
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

fn key_field_names(key: &ir::Key) -> Vec<&str> {
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
fn model_path(model: &ir::Model) -> String {
    format!("super::{}::{}", model.module, model.rust_name)
}

fn key_path(model: &ir::Model) -> String {
    format!("super::{}::{}", model.module, key_type_name(model))
}

fn key_view(
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

fn is_copy(schema: &Schema, field: &ir::Field) -> bool {
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
fn custom_rust_type(field: &ir::Field) -> Option<&str> {
    field.custom.as_ref()?.rust_type.as_deref()
}

/// The Rust type of a field's value, ignoring optionality and key newtypes.
fn natural_type(schema: &Schema, field: &ir::Field) -> String {
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
fn shape_path(schema: &Schema, field: &ir::Field, suffix: &str) -> String {
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

/// The `FieldKind` variant of a field type.
fn kind(field_type: FieldType) -> &'static str {
    match field_type {
        // An EmailField is stored as a StringField; its schema carries the email format.
        FieldType::StringField | FieldType::EmailField => "String",
        FieldType::IntegerField => "Integer",
        FieldType::FloatField => "Float",
        FieldType::BooleanField => "Boolean",
        FieldType::DateTimeField => "DateTime",
        FieldType::CreateDateField => "CreateDate",
        FieldType::ModifiedDateField => "ModifiedDate",
        FieldType::UlidField => "Ulid",
        FieldType::RelatedField => "Related",
        FieldType::CounterField => "Counter",
        FieldType::BinaryField => "Binary",
        FieldType::VersionField => "Version",
        FieldType::TtlField => "Ttl",
        FieldType::StringSetField => "StringSet",
        FieldType::ObjectField => "Object",
        FieldType::ListField => "List",
    }
}

/// Creation and modification dates, stamped from the clock on every create.
fn is_date_stamp(field_type: FieldType) -> bool {
    matches!(
        field_type,
        FieldType::CreateDateField | FieldType::ModifiedDateField
    )
}

/// Fields bao fills itself on every write.
fn is_automatic(field_type: FieldType) -> bool {
    is_date_stamp(field_type) || field_type == FieldType::VersionField
}

/// The view of a field of a model (with its key's field names and key type) or of a shape
/// (no key).
fn field_view(schema: &Schema, field: &ir::Field, key_names: &[&str], key_type: &str) -> FieldView {
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
    let const_name = format!("F_{}", bare_name.to_shouty_snake_case());
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
        attr_name: bare_name.to_shouty_snake_case(),
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

fn new_slot(field: &ir::Field, optional: bool) -> NewSlot {
    match field.field_type {
        field_type if is_automatic(field_type) => NewSlot::Automatic,
        FieldType::StringSetField | FieldType::ListField => NewSlot::Set,
        FieldType::CounterField => NewSlot::Defaulted,
        _ if field.auto_assign || field.default.is_some() => NewSlot::Defaulted,
        _ if optional => NewSlot::Optional,
        _ => NewSlot::Required,
    }
}

/// How `write_fields` reads a field: by reference, rounded first when it has a precision.
fn store_expr(field: &ir::Field, optional: bool) -> String {
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
fn create_expr(field: &ir::Field, optional: bool, key_type: Option<&str>) -> String {
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
fn new_params(new_fields: &[FieldView]) -> Vec<String> {
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

fn new_body(new_fields: &[FieldView]) -> String {
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

/// `static FIELDS`: a static, not a const, because every function that names a field's
/// `F_X = &FIELDS[i]` would otherwise have rustc evaluate and check the whole table again, once
/// per generic signature: an eighth of rustc's instructions for a crate of models, though far
/// less of its wall time.
fn fields_item(schema: &Schema, fields: &[ir::Field]) -> String {
    let head = format!("static FIELDS: [bao::FieldSchema; {}] = ", fields.len());
    let schemas = fields.iter().map(|field| field_schema(schema, field, ""));
    let laid_out = Expr::Array(schemas.collect()).layout(ITEM_INDENT, head.len(), ";");
    format!("{head}{laid_out}")
}

/// Where a struct's fields are read from: a model's item, or a shape's map.
#[derive(Clone, Copy)]
enum ReadFrom<'a> {
    /// `bao::get(fields, "Model", F_X)?`.
    Item(&'a str),
    /// `bao::member(members, F_X)?`.
    Members,
}

fn from_fields_body(model: &ir::Model, fields: &[FieldView]) -> String {
    read_fields_body(&model.fields, fields, ReadFrom::Item(&model.name))
}

/// `Ok(Self { .. })` with each field read, a missing one as its default where it has one.
fn read_fields_body(ir_fields: &[ir::Field], fields: &[FieldView], from: ReadFrom<'_>) -> String {
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

/// A field's `FieldSchema` literal; `reference` is `&` for a list's items.
fn field_schema(schema: &Schema, field: &ir::Field, reference: &str) -> Expr {
    let new = Expr::call("bao::FieldSchema::new", new_args(field));
    let mut limits: Vec<(String, Expr)> = [
        ("max_length", field.max_length),
        ("max_member_count", field.max_member_count),
        ("max_string_length", field.max_string_length),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_owned(), Expr::atom(format!("Some({})", value?)))))
    .collect();
    if field.field_type == FieldType::EmailField {
        limits.push((
            "format".to_owned(),
            Expr::atom("Some(bao::TextFormat::Email)"),
        ));
    }
    if let Some(custom) = &field.custom {
        limits.push((
            "custom".to_owned(),
            Expr::call("Some", [custom_schema(field, custom)]),
        ));
    }
    let checks = [
        ("min", field.min.map(|min| format!("Some({min:?})"))),
        ("max", field.max.map(|max| format!("Some({max:?})"))),
        (
            "pattern",
            field.pattern.as_ref().map(|p| format!("Some({p:?})")),
        ),
        (
            "validator",
            field
                .validate
                .as_ref()
                .map(|_| format!("Some(bao::Validator::new({}))", validator_name(field))),
        ),
    ];
    for (name, value) in checks {
        if let Some(value) = value {
            limits.push((name.to_owned(), Expr::atom(value)));
        }
    }
    if field.referential_integrity
        && let Some(target) = field
            .related_model
            .as_deref()
            .and_then(|name| schema.model(name))
    {
        limits.push((
            "references".to_owned(),
            Expr::atom(format!(
                "Some(bao::Reference::new(bao::schema_of::<{}>))",
                model_path(target)
            )),
        ));
    }
    if field.shape.is_some() {
        let shape = shape_path(schema, field, "::SCHEMA");
        limits.push(("shape".to_owned(), Expr::atom(format!("Some(&{shape})"))));
    }
    if let Some(items) = &field.items {
        limits.push((
            "items".to_owned(),
            Expr::call("Some", [field_schema(schema, items, "&")]),
        ));
    }
    match limits.is_empty() {
        true => match reference {
            "" => new,
            _ => Expr::call(format!("{reference}bao::FieldSchema::new"), new_args(field)),
        },
        false => Expr::Struct {
            head: format!("{reference}bao::FieldSchema"),
            fields: limits,
            rest: Some(new.flat()),
        },
    }
}

/// The arguments of `bao::FieldSchema::new`: name, kind, required.
fn new_args(field: &ir::Field) -> [Expr; 3] {
    [
        Expr::atom(format!("{:?}", field.name)),
        Expr::atom(format!("bao::FieldKind::{}", kind(field.field_type))),
        Expr::atom(field.required.to_string()),
    ]
}

/// The `&CustomFieldSchema` of a field of a declared type or `rustType`.
fn custom_schema(field: &ir::Field, custom: &ir::CustomType) -> Expr {
    let options = custom
        .options
        .iter()
        .map(|(name, value)| Expr::atom(format!("({name:?}, {})", option_literal(value))));
    let check = match &custom.rust_type {
        Some(rust_type) => format!(
            "Some(bao::custom_check::<{rust_type}, {}>())",
            base_type(field.field_type)
        ),
        None => "None".to_owned(),
    };
    Expr::structure(
        "&bao::CustomFieldSchema",
        vec![
            (
                "type_name".to_owned(),
                Expr::atom(format!("{:?}", custom.type_name)),
            ),
            (
                "options".to_owned(),
                Expr::call("bao::FieldOptions", [Expr::Slice(options.collect())]),
            ),
            ("check".to_owned(), Expr::atom(check)),
        ],
    )
}

/// An option's value as a `bao::OptionValue`.
fn option_literal(value: &ir::OptionLiteral) -> String {
    match value {
        ir::OptionLiteral::Bool(flag) => format!("bao::OptionValue::Bool({flag})"),
        ir::OptionLiteral::Integer(number) => format!("bao::OptionValue::Integer({number})"),
        ir::OptionLiteral::Float(number) => format!("bao::OptionValue::Float({number:?})"),
        ir::OptionLiteral::Str(text) => format!("bao::OptionValue::Str({text:?})"),
        ir::OptionLiteral::List(items) => format!(
            "bao::OptionValue::List(&[{}])",
            items
                .iter()
                .map(option_literal)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The Rust type of a base field type that can hold a `rustType`.
fn base_type(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::IntegerField => "i64",
        FieldType::FloatField => "f64",
        FieldType::BooleanField => "bool",
        FieldType::DateTimeField => "bao::Timestamp",
        FieldType::BinaryField => "Vec<u8>",
        _ => "String",
    }
}

/// `search` of the model's schema: `None`, or `Some(&bao::SearchSchema { .. })`.
fn search_literal(searchable: Option<&ir::Searchable>) -> Expr {
    let Some(searchable) = searchable else {
        return Expr::atom("None");
    };
    let fields = searchable
        .fields
        .iter()
        .map(|name| Expr::atom(format!("{name:?}")));
    Expr::call(
        "Some",
        [Expr::structure(
            "&bao::SearchSchema",
            vec![
                ("fields".into(), Expr::Slice(fields.collect())),
                (
                    "case_sensitive".into(),
                    Expr::atom(searchable.case_sensitive.to_string()),
                ),
                (
                    "min_term_length".into(),
                    Expr::atom(searchable.min_term_length.to_string()),
                ),
                ("dedupe".into(), Expr::atom(searchable.dedupe.to_string())),
            ],
        )],
    )
}

fn key_literal(key: &ir::Key) -> Expr {
    let part = |part: &KeyPart| {
        Expr::atom(match part {
            KeyPart::ModelPrefix => "bao::KeyPart::ModelPrefix".to_owned(),
            KeyPart::Field(name) => format!("bao::KeyPart::Field({name:?})"),
        })
    };
    Expr::call(
        "bao::KeySchema::new",
        [part(&key.partition), part(&key.sort)],
    )
}

fn schema_item(schema: &Schema, model: &ir::Model) -> String {
    let head = "const SCHEMA: &'static bao::ModelSchema = ";
    let indexes = model.indexes.iter().map(|index| {
        Expr::structure(
            "bao::IndexSchema",
            vec![
                ("name".into(), Expr::atom(format!("{:?}", index.name))),
                ("gsi".into(), Expr::atom(format!("{:?}", index.gsi))),
                ("key".into(), key_literal(&index.key)),
            ],
        )
    });
    let constraints = model.unique_constraints.iter().map(|constraint| {
        Expr::call(
            "bao::UniqueConstraintSchema::new",
            [
                Expr::atom(format!("{:?}", constraint.name)),
                Expr::atom(constraint.id.to_string()),
                Expr::atom(format!("{:?}", constraint.field)),
            ],
        )
    });
    let literal = Expr::structure(
        "&bao::ModelSchema",
        vec![
            ("name".into(), Expr::atom(format!("{:?}", model.name))),
            ("prefix".into(), Expr::atom(format!("{:?}", model.prefix))),
            ("fields".into(), Expr::atom("&FIELDS")),
            ("primary_key".into(), key_literal(&model.primary_key)),
            ("indexes".into(), Expr::Slice(indexes.collect())),
            (
                "unique_constraints".into(),
                Expr::Slice(constraints.collect()),
            ),
            (
                "iteration_buckets".into(),
                Expr::atom(format!("{:?}", model.iteration_buckets)),
            ),
            ("search".into(), search_literal(model.searchable.as_ref())),
            (
                "soft_delete".into(),
                Expr::atom(format!("{:?}", model.soft_delete)),
            ),
            ("children".into(), children_literal(schema, &model.children)),
        ],
    );
    let start = IMPL_INDENT + head.len();
    format!("{head}{}", literal.layout(IMPL_INDENT, start, ";"))
}

/// The delete rules that name a model: `&[bao::ChildRule { .. }]`.
fn children_literal(schema: &Schema, children: &[ir::ChildRule]) -> Expr {
    let rules = children.iter().filter_map(|rule| {
        let child = schema.model(&rule.model)?;
        let kind = match rule.rule {
            ir::OnDelete::Restrict => "Restrict",
            ir::OnDelete::SetNull => "SetNull",
            ir::OnDelete::Cascade => "Cascade",
        };
        Some(Expr::structure(
            "bao::ChildRule",
            vec![
                (
                    "model".into(),
                    Expr::atom(format!("bao::schema_of::<{}>", model_path(child))),
                ),
                ("field".into(), Expr::atom(format!("{:?}", rule.field))),
                ("index".into(), Expr::atom(format!("{:?}", rule.index))),
                ("rule".into(), Expr::atom(format!("bao::OnDelete::{kind}"))),
            ],
        ))
    });
    Expr::Slice(rules.collect())
}

/// The type that sort-key conditions of `index` on `index_model` take.
fn sort_type(schema: &Schema, index_model: &ir::Model, index: &ir::Index) -> Option<String> {
    Some(match &index.key.sort {
        KeyPart::ModelPrefix => "String".to_owned(),
        KeyPart::Field(name) => {
            let field = index_model.fields.iter().find(|f| f.name == *name)?;
            let keys = key_field_names(&index_model.primary_key);
            // Seen from the module of the model whose instance queries, perhaps another.
            match (keys.len() == 1 && keys[0] == name, &field.enumeration) {
                (true, _) => key_path(index_model),
                (false, Some(enumeration)) => {
                    format!("super::{}::{}", index_model.module, enumeration.type_name)
                }
                (false, None) => natural_type(schema, field),
            }
        }
    })
}

/// `receiver.field` as an `Option` of its value, cloned unless it is `Copy`.
fn optional_value(schema: &Schema, model: &ir::Model, receiver: &str, field: &str) -> String {
    let Some(field) = model.fields.iter().find(|f| f.name == field) else {
        return "None".to_owned();
    };
    let value = match is_copy(schema, field) {
        true => format!("{receiver}.{}", field.rust_name),
        false => format!("{receiver}.{}.clone()", field.rust_name),
    };
    let key_names = key_field_names(&model.primary_key);
    let optional = !field.required && !key_names.contains(&field.name.as_str());
    match optional {
        true => value,
        false => format!("Some({value})"),
    }
}

fn finder_view(
    model: &ir::Model,
    fields: &[FieldView],
    finder: &ir::UniqueFinder,
) -> Option<FinderView> {
    let constraint = model
        .unique_constraints
        .iter()
        .find(|c| c.name == finder.constraint)?;
    let field = fields.iter().find(|f| f.name == constraint.field)?;
    Some(FinderView {
        method: finder.method.clone(),
        constraint: finder.constraint.clone(),
        constraint_literal: format!("{:?}", finder.constraint),
        field: field.name.clone(),
        value_type: field.value_type.clone(),
    })
}

fn related_view(
    schema: &Schema,
    model: &ir::Model,
    fields: &[FieldView],
    getter: &ir::RelatedGetter,
) -> Option<RelatedView> {
    let field = fields.iter().find(|f| f.name == getter.field)?;
    let target = schema.model(&getter.target_model)?;
    let find_call = match field.optional {
        true => format!("bao::find_optional(db, self.{}.as_ref())", field.rust_name),
        false => format!("bao::find(db, &self.{})", field.rust_name),
    };
    Some(RelatedView {
        method: getter.method.clone(),
        many_method: getter.many_method.clone(),
        field: field.name.clone(),
        target_type: model_path(target),
        find_call,
        key_of_item: optional_value(schema, model, "item", &field.name),
    })
}

fn mapping_view(schema: &Schema, getter: &ir::MappingGetter) -> Option<MappingView> {
    let mapping = schema.model(&getter.mapping_model)?;
    let index = mapping.indexes.iter().find(|i| i.name == getter.index)?;
    let target = schema.model(&getter.target_model)?;
    Some(MappingView {
        method: getter.method.clone(),
        mapping_type: model_path(mapping),
        target_type: model_path(target),
        index: index.name.clone(),
        index_literal: format!("{:?}", index.name),
        sort_type: sort_type(schema, mapping, index)?,
        target_of_link: optional_value(schema, mapping, "link", &getter.target_field),
    })
}

/// `link` / `unlink` for a mapping table whose primary key is exactly its two RelatedFields
/// and whose new items need nothing else.
fn link_view(
    model: &ir::Model,
    fields: &[FieldView],
    new_fields: &[FieldView],
) -> Option<LinkView> {
    if model.table_type != TableType::Mapping {
        return None;
    }
    let keys = key_field_names(&model.primary_key);
    let sides: Vec<&FieldView> = fields
        .iter()
        .filter(|field| field.field_type == FieldType::RelatedField)
        .collect();
    let is_key_pair = sides.len() == 2
        && keys.len() == 2
        && sides.iter().all(|side| keys.contains(&side.name.as_str()));
    let only_sides_required = new_fields
        .iter()
        .filter(|field| field.new_slot == NewSlot::Required)
        .all(|field| sides.iter().any(|side| side.name == field.name));
    if !(is_key_pair && only_sides_required) {
        return None;
    }
    let names: Vec<&str> = sides.iter().map(|side| side.rust_name.as_str()).collect();
    let mut params = vec!["db: &bao::Db".to_owned()];
    params.extend(
        sides
            .iter()
            .map(|side| format!("{}: {}", side.rust_name, side.value_type)),
    );
    Some(LinkView {
        sides_doc: format!("`{}` and `{}`", sides[0].name, sides[1].name),
        params,
        new_item: format!("New{}::new({})", model.rust_name, names.join(", ")),
        key: Expr::structure(
            key_type_name(model),
            names
                .iter()
                .map(|name| (name.to_string(), Expr::atom(*name)))
                .collect(),
        )
        .layout(BODY_INDENT, BODY_INDENT + "let key = ".len(), ";"),
    })
}

fn query_view(schema: &Schema, query: &ir::QueryMethod) -> Option<QueryView> {
    let index_model = schema.model(&query.index_model)?;
    let index = index_model.indexes.iter().find(|i| i.name == query.index)?;
    let by_value = match &query.receiver {
        QueryReceiver::Value(field) => {
            let field = index_model.fields.iter().find(|f| &f.name == field)?;
            // As the model's fields hold it: the key type for a single-field key.
            let value_type = match key_field_names(&index_model.primary_key)[..] == [&field.name] {
                true => key_type_name(index_model),
                false => natural_type(schema, field),
            };
            Some((field.name.clone(), value_type))
        }
        QueryReceiver::Static | QueryReceiver::Instance => None,
    };
    let model_type = model_path(index_model);
    // `query_by_primary_key` reads through the primaryKey alias, declared or implicit.
    let summary = match index.gsi {
        None if query.method == "query_by_primary_key" => {
            "Queries one partition of the primary key, in sort-key order.".to_owned()
        }
        _ => format!(
            "Queries [`{model_type}`] items through the index `{}`.",
            index.name
        ),
    };
    Some(QueryView {
        method: query.method.clone(),
        instance: query.receiver == QueryReceiver::Instance,
        by_value,
        summary,
        model_type,
        index: index.name.clone(),
        index_literal: format!("{:?}", index.name),
        sort_type: sort_type(schema, index_model, index)?,
    })
}

/// Doc comment lines as printed after `///`: with their leading space, none on a blank line.
fn doc_lines(text: Option<&str>) -> Vec<String> {
    text.map(|text| text.lines().map(doc_line).collect())
        .unwrap_or_default()
}

fn doc_line(line: &str) -> String {
    match line.is_empty() {
        true => String::new(),
        false => format!(" {line}"),
    }
}

fn model_doc(model: &ir::Model) -> Vec<String> {
    let mut lines = doc_lines(model.doc.as_deref());
    if lines.is_empty() {
        lines.push(doc_line(&format!("A `{}` item.", model.name)));
    }
    lines.push(String::new());
    let kind = match model.table_type {
        TableType::Standard => "Stored",
        TableType::Mapping => "A mapping table, stored",
    };
    // A model whose `rustName` differs is named by its schema name too.
    let schema_name = match model.rust_name == model.name {
        true => String::new(),
        false => format!(" as model `{}`", model.name),
    };
    lines.push(doc_line(&format!(
        "{kind}{schema_name} with model prefix `{}`; generated from `{}` line {}.",
        model.prefix,
        file_name(&model.source.file),
        model.source.line
    )));
    // One line with the storage it closes: a module stays short.
    if let Some(stored) = lines.last_mut() {
        stored.push(' ');
        stored.push_str(&transaction_cost(model));
    }
    lines.extend(extensions_line(&model.extensions));
    lines
}

/// What one write of the model takes of a transaction's 100 parts: the item, a claim per unique
/// value, a check per RelatedField with `referentialIntegrity`.
fn transaction_cost(model: &ir::Model) -> String {
    let unique = model.unique_constraints.len();
    let checked = model
        .fields
        .iter()
        .filter(|field| field.referential_integrity)
        .count();
    let mut parts = vec!["the item".to_owned()];
    let counted = |count: usize, one: &str, many: &str| match count {
        1 => format!("1 {one}"),
        _ => format!("{count} {many}"),
    };
    if unique > 0 {
        parts.push(counted(unique, "unique value", "unique values"));
    }
    if checked > 0 {
        parts.push(counted(checked, "reference check", "reference checks"));
    }
    let listed = match parts.as_slice() {
        [only] => only.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
        [] => String::new(),
    };
    let create = 1 + unique + checked;
    let delete = 1 + unique;
    let upto = if create > 1 { "up to " } else { "" };
    format!(
        "In a transaction, a create takes {upto}{create} of DynamoDB's 100 parts ({listed}); a \
         `delete_loaded` {delete}."
    )
}

/// Which keys a Node DynamoBao service sharing the table does not know, by key: one doc line,
/// when there are any.
fn extensions_line(extensions: &[ir::ExtensionUse]) -> Option<String> {
    let mut uses: Vec<(&str, Vec<&str>)> = Vec::new();
    for used in extensions {
        match uses.iter_mut().find(|(key, _)| *key == used.key) {
            Some((_, fields)) => fields.push(&used.field),
            None => uses.push((&used.key, vec![&used.field])),
        }
    }
    if uses.is_empty() {
        return None;
    }
    let listed: Vec<String> = uses
        .iter()
        .map(|(key, fields)| format!("`{key}` ({})", fields.join(", ")))
        .collect();
    Some(doc_line(&format!(
        "Uses bao extensions that DynamoBao's schema does not have: {}.",
        listed.join(", ")
    )))
}

fn field_doc(field: &ir::Field) -> Vec<String> {
    let lines = doc_lines(field.doc.as_deref());
    if !lines.is_empty() {
        return lines;
    }
    let base = format!("{:?}", field.field_type);
    let described = match &field.custom {
        Some(custom) if custom.type_name != base => {
            format!(
                "{} {}, stored as {} {base}",
                naming::article(&custom.type_name),
                custom.type_name,
                naming::article(&base)
            )
        }
        _ => format!("{} {base}", naming::article(&base)),
    };
    let checked = match field.referential_integrity {
        true => "; every write that sets it checks that the item exists",
        false => "",
    };
    let held = match (&field.shape, &field.items) {
        (Some(shape), _) => format!(" holding a `{shape}`"),
        (None, Some(items)) => match &items.shape {
            Some(shape) => format!(" of `{shape}` values"),
            None => format!(" of {:?} values", items.field_type),
        },
        (None, None) => String::new(),
    };
    vec![doc_line(&format!(
        "`{}`: {described}{held}{checked}.",
        field.name
    ))]
}

/// The file name of a schema path: generated code must not depend on where it was generated.
fn file_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path)
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
