//! The template context: the IR turned into Rust snippets (types, literals, idents).
//!
//! Everything that must be *correct* Rust is decided here; templates only arrange it.

use crate::ir::{self, DefaultValue, FieldType, KeyPart, QueryReceiver, Schema, TableType};
use heck::ToShoutySnakeCase;
use serde::Serialize;

/// The context of one model module.
#[derive(Debug, Serialize)]
pub(crate) struct ModelView {
    pub(crate) name: String,
    pub(crate) name_literal: String,
    pub(crate) module: String,
    pub(crate) prefix: String,
    pub(crate) doc: Vec<String>,
    pub(crate) schema_literal: String,
    pub(crate) key: KeyView,
    pub(crate) fields: Vec<FieldView>,
    pub(crate) new_required: Vec<FieldView>,
    pub(crate) new_optional: Vec<FieldView>,
    pub(crate) updatable: Vec<FieldView>,
    pub(crate) finders: Vec<FinderView>,
    pub(crate) related: Vec<RelatedView>,
    pub(crate) queries: Vec<QueryView>,
    pub(crate) mappings: Vec<MappingView>,
    /// `link` / `unlink` of a mapping table whose key is its two RelatedFields.
    pub(crate) link: Option<LinkView>,
    pub(crate) iterable: bool,
    pub(crate) needs_now: bool,
    /// Creating an item reads the handle (clock, ULIDs).
    pub(crate) needs_db: bool,
    /// Creating an item reads `New<Model>` fields.
    pub(crate) uses_new: bool,
}

/// The primary-key type of a model.
#[derive(Debug, Serialize)]
pub(crate) struct KeyView {
    pub(crate) type_name: String,
    /// `newtype` (one key field) or `composite`.
    pub(crate) shape: &'static str,
    pub(crate) fields: Vec<FieldView>,
    pub(crate) copy: bool,
    /// For a newtype over a ULID: generated ids can be made with `new()`.
    pub(crate) ulid: bool,
    pub(crate) inner_type: String,
    pub(crate) string_like: bool,
}

/// One field, with every snippet the templates need.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldView {
    pub(crate) name: String,
    pub(crate) name_literal: String,
    pub(crate) rust_name: String,
    pub(crate) bare_name: String,
    pub(crate) const_name: String,
    pub(crate) attr_name: String,
    pub(crate) field_type: String,
    pub(crate) kind: &'static str,
    pub(crate) doc: Vec<String>,
    /// The type in the model struct (`Option<String>`, `UserId`).
    pub(crate) rust_type: String,
    /// The type without `Option` (what filters and sort keys take).
    pub(crate) value_type: String,
    pub(crate) optional: bool,
    pub(crate) is_key: bool,
    pub(crate) schema_literal: String,
    /// How `to_item` reads the value, e.g. `&self.name`.
    pub(crate) store_expr: String,
    /// How `from_item` decodes it.
    pub(crate) decode_expr: String,
    /// How `create` fills it from `new` (`new.name`), or from the clock and defaults.
    pub(crate) create_expr: String,
    /// The type in `New<Model>` (`String`, `Option<UserId>`).
    pub(crate) new_type: String,
    /// `New<Model>` takes an `Option` and fills `None` in (auto-assigned ids, defaults).
    pub(crate) defaulted: bool,
    pub(crate) into_param: bool,
    pub(crate) counter: bool,
    /// The value type is `Copy`.
    pub(crate) copy: bool,
    pub(crate) string_set: bool,
    pub(crate) serde_attrs: Vec<String>,
}

/// A `find_by_<constraint>` method.
#[derive(Debug, Serialize)]
pub(crate) struct FinderView {
    pub(crate) method: String,
    pub(crate) constraint: String,
    pub(crate) constraint_literal: String,
    pub(crate) field: FieldView,
}

/// A `get_<related>` method.
#[derive(Debug, Serialize)]
pub(crate) struct RelatedView {
    pub(crate) method: String,
    pub(crate) many_method: String,
    pub(crate) field: FieldView,
    pub(crate) target_type: String,
    /// The related key of `item`, as an `Option`.
    pub(crate) key_of_item: String,
}

/// A mapping-table `get_<name>` method.
#[derive(Debug, Serialize)]
pub(crate) struct MappingView {
    pub(crate) method: String,
    pub(crate) mapping_type: String,
    pub(crate) target_type: String,
    pub(crate) index: String,
    pub(crate) index_literal: String,
    pub(crate) partition_expr: String,
    pub(crate) sort_type: String,
    /// The target key of `link`, as an `Option`.
    pub(crate) target_of_link: String,
}

/// `link` / `unlink` on a mapping model.
#[derive(Debug, Serialize)]
pub(crate) struct LinkView {
    /// The two RelatedFields, in field order.
    pub(crate) sides: Vec<FieldView>,
    pub(crate) side_types: Vec<String>,
}

/// A `query_<name>` method.
#[derive(Debug, Serialize)]
pub(crate) struct QueryView {
    pub(crate) method: String,
    pub(crate) instance: bool,
    pub(crate) model_type: String,
    pub(crate) index: String,
    pub(crate) index_literal: String,
    pub(crate) partition_expr: String,
    pub(crate) sort_type: String,
}

const RUNTIME: &str = "::bao_runtime";

pub(crate) fn models(schema: &Schema) -> Vec<ModelView> {
    schema
        .models
        .iter()
        .map(|model| model_view(schema, model))
        .collect()
}

fn model_view(schema: &Schema, model: &ir::Model) -> ModelView {
    let key_fields = key_field_names(&model.primary_key);
    let single_key = key_fields.len() == 1;
    let key_type = key_type_name(model);
    let fields: Vec<FieldView> = model
        .fields
        .iter()
        .map(|field| {
            let is_key = key_fields.contains(&field.name.as_str());
            field_view(
                schema,
                model,
                field,
                is_key && single_key,
                is_key,
                &key_type,
            )
        })
        .collect();
    let key_views: Vec<FieldView> = key_fields
        .iter()
        .filter_map(|name| fields.iter().find(|field| field.name == *name).cloned())
        .collect();
    let key = key_view(model, &key_type, key_views, single_key, schema);
    let new_required: Vec<FieldView> = fields
        .iter()
        .filter(|field| {
            is_new_field(field) && !field.new_type.starts_with("Option<") && !field.string_set
        })
        .cloned()
        .collect();
    let new_optional = fields
        .iter()
        .filter(|field| {
            is_new_field(field) && (field.new_type.starts_with("Option<") || field.string_set)
        })
        .cloned()
        .collect();
    let updatable = fields
        .iter()
        .filter(|field| !field.is_key && !is_automatic(&field.field_type))
        .cloned()
        .collect();
    let finders = model
        .methods
        .finders
        .iter()
        .filter_map(|finder| {
            let constraint = model
                .unique_constraints
                .iter()
                .find(|c| c.name == finder.constraint)?;
            let field = fields.iter().find(|f| f.name == constraint.field)?.clone();
            Some(FinderView {
                method: finder.method.clone(),
                constraint: finder.constraint.clone(),
                constraint_literal: format!("{:?}", finder.constraint),
                field,
            })
        })
        .collect();
    let related = model
        .methods
        .related
        .iter()
        .filter_map(|getter| {
            let field = fields.iter().find(|f| f.name == getter.field)?.clone();
            let target = schema.model(&getter.target_model)?;
            Some(RelatedView {
                method: getter.method.clone(),
                many_method: getter.many_method.clone(),
                key_of_item: optional_value("item", &field),
                field,
                target_type: format!("super::{}::{}", target.module, target.name),
            })
        })
        .collect();
    let queries = model
        .methods
        .queries
        .iter()
        .filter_map(|query| query_view(schema, query))
        .collect();
    let mappings = model
        .methods
        .mappings
        .iter()
        .filter_map(|getter| mapping_view(schema, getter))
        .collect();
    let link = link_view(model, &fields, &new_required);
    let needs_db = fields.iter().any(|field| field.create_expr.contains("db."));
    let uses_new = fields
        .iter()
        .any(|field| field.create_expr.contains("new."));
    ModelView {
        name: model.name.clone(),
        name_literal: format!("{:?}", model.name),
        module: model.module.clone(),
        prefix: model.prefix.clone(),
        doc: model_doc(model),
        schema_literal: schema_literal(model),
        key,
        fields,
        new_required,
        new_optional,
        updatable,
        finders,
        related,
        queries,
        mappings,
        link,
        iterable: model.iteration_buckets.is_some(),
        needs_db,
        uses_new,
        needs_now: model.fields.iter().any(|field| {
            matches!(
                field.field_type,
                FieldType::CreateDateField | FieldType::ModifiedDateField
            )
        }),
    }
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
        1 => format!("{}Id", model.name),
        _ => format!("{}Key", model.name),
    }
}

fn key_view(
    model: &ir::Model,
    type_name: &str,
    fields: Vec<FieldView>,
    single: bool,
    schema: &Schema,
) -> KeyView {
    let inner = fields
        .first()
        .and_then(|field| model.fields.iter().find(|f| f.name == field.name))
        .map(|field| natural_type(schema, field))
        .unwrap_or_default();
    let copy = fields.iter().all(|field| {
        model
            .fields
            .iter()
            .find(|f| f.name == field.name)
            .is_some_and(|f| is_copy(schema, f))
    });
    KeyView {
        type_name: type_name.to_owned(),
        shape: if single { "newtype" } else { "composite" },
        ulid: single && inner == format!("{RUNTIME}::Ulid"),
        string_like: single && inner == "String",
        inner_type: inner,
        copy,
        fields,
    }
}

fn is_copy(schema: &Schema, field: &ir::Field) -> bool {
    match field.field_type {
        FieldType::StringField | FieldType::BinaryField | FieldType::StringSetField => false,
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

/// The Rust type of a field's value, ignoring optionality and key newtypes.
fn natural_type(schema: &Schema, field: &ir::Field) -> String {
    match field.field_type {
        FieldType::StringField => "String".into(),
        FieldType::IntegerField | FieldType::CounterField => "i64".into(),
        FieldType::FloatField => "f64".into(),
        FieldType::BooleanField => "bool".into(),
        FieldType::DateTimeField
        | FieldType::CreateDateField
        | FieldType::ModifiedDateField
        | FieldType::TtlField => format!("{RUNTIME}::Timestamp"),
        FieldType::UlidField | FieldType::VersionField => format!("{RUNTIME}::Ulid"),
        FieldType::RelatedField => field
            .related_model
            .as_deref()
            .and_then(|name| schema.model(name))
            .map(|target| format!("super::{}::{}", target.module, key_type_name(target)))
            .unwrap_or_else(|| "String".into()),
        FieldType::BinaryField => "::std::vec::Vec<u8>".into(),
        FieldType::StringSetField => "::std::collections::BTreeSet<String>".into(),
    }
}

fn kind(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::StringField => "String",
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
    }
}

/// Fields bao fills itself on every write.
fn is_automatic(field_type: &str) -> bool {
    matches!(
        field_type,
        "CreateDateField" | "ModifiedDateField" | "VersionField"
    )
}

fn is_new_field(field: &FieldView) -> bool {
    !is_automatic(&field.field_type)
}

fn field_view(
    schema: &Schema,
    model: &ir::Model,
    field: &ir::Field,
    single_key: bool,
    is_key: bool,
    key_type: &str,
) -> FieldView {
    let value_type = if single_key {
        key_type.to_owned()
    } else {
        natural_type(schema, field)
    };
    let always_present = field.required
        || matches!(
            field.field_type,
            FieldType::CounterField | FieldType::StringSetField
        );
    let optional = !always_present && !is_key;
    let rust_type = match optional {
        true => format!("Option<{value_type}>"),
        false => value_type.clone(),
    };
    let bare_name = field.rust_name.trim_start_matches("r#").to_owned();
    let const_name = format!("F_{}", bare_name.to_shouty_snake_case());
    let model_name = format!("{:?}", model.name);
    let decode_expr = match (optional, field.field_type) {
        (true, _) => format!("{RUNTIME}::codec::get_opt(item, {model_name}, &{const_name})?"),
        (false, FieldType::CounterField | FieldType::StringSetField) => format!(
            "{RUNTIME}::codec::get_opt(item, {model_name}, &{const_name})?.unwrap_or_default()"
        ),
        (false, _) => format!("{RUNTIME}::codec::get(item, {model_name}, &{const_name})?"),
    };
    let store_expr = match field.precision {
        Some(places) if optional => format!(
            "&self.{}.map(|value| {RUNTIME}::codec::round_to(value, {places}))",
            field.rust_name
        ),
        Some(places) => format!(
            "&{RUNTIME}::codec::round_to(self.{}, {places})",
            field.rust_name
        ),
        None => format!("&self.{}", field.rust_name),
    };
    let default = field.default.as_ref().map(default_literal);
    let new_type = match field.field_type {
        FieldType::StringSetField => value_type.clone(),
        FieldType::CounterField => format!("Option<{value_type}>"),
        _ if field.auto_assign || default.is_some() || optional => format!("Option<{value_type}>"),
        _ => value_type.clone(),
    };
    let rust_name = &field.rust_name;
    let create_expr = match field.field_type {
        FieldType::CreateDateField | FieldType::ModifiedDateField => "&now".to_owned(),
        FieldType::VersionField => "&db.new_ulid()".to_owned(),
        _ if field.auto_assign => {
            let fresh = match single_key {
                true => format!("{key_type}(db.new_ulid())"),
                false => "db.new_ulid()".to_owned(),
            };
            format!("&new.{rust_name}.unwrap_or_else(|| {fresh})")
        }
        FieldType::CounterField => match &default {
            Some(literal) => format!("&new.{rust_name}.unwrap_or({literal})"),
            None => format!("&new.{rust_name}.unwrap_or_default()"),
        },
        _ => {
            let lazy = matches!(field.default, Some(DefaultValue::String(_)));
            match (&default, optional, lazy) {
                (Some(literal), true, true) => {
                    format!("&new.{rust_name}.or_else(|| Some({literal}))")
                }
                (Some(literal), true, false) => format!("&new.{rust_name}.or(Some({literal}))"),
                (Some(literal), false, true) => {
                    format!("&new.{rust_name}.unwrap_or_else(|| {literal})")
                }
                (Some(literal), false, false) => format!("&new.{rust_name}.unwrap_or({literal})"),
                (None, ..) => format!("&new.{rust_name}"),
            }
        }
    };
    let create_expr = match field.precision {
        Some(places) if new_type.starts_with("Option<") => format!(
            "&({}).map(|value| {RUNTIME}::codec::round_to(value, {places}))",
            create_expr.trim_start_matches('&')
        ),
        Some(places) => format!(
            "&{RUNTIME}::codec::round_to({}, {places})",
            create_expr.trim_start_matches('&')
        ),
        None => create_expr,
    };
    let into_param = matches!(field.field_type, FieldType::StringField);
    let mut serde_attrs = Vec::new();
    if field.name != bare_name {
        serde_attrs.push(format!("rename = {:?}", field.name));
    }
    if optional {
        serde_attrs.push("default".to_owned());
        serde_attrs.push("skip_serializing_if = \"Option::is_none\"".to_owned());
    }
    FieldView {
        name: field.name.clone(),
        name_literal: format!("{:?}", field.name),
        rust_name: field.rust_name.clone(),
        bare_name: bare_name.clone(),
        attr_name: bare_name.to_shouty_snake_case(),
        const_name,
        field_type: format!("{:?}", field.field_type),
        kind: kind(field.field_type),
        doc: field_doc(field),
        rust_type,
        value_type,
        optional,
        is_key,
        schema_literal: field_schema_literal(field),
        store_expr,
        decode_expr,
        create_expr,
        defaulted: new_type.starts_with("Option<") && !optional,
        new_type,
        into_param,
        counter: field.field_type == FieldType::CounterField,
        copy: is_copy(schema, field),
        string_set: field.field_type == FieldType::StringSetField,
        serde_attrs,
    }
}

fn default_literal(value: &DefaultValue) -> String {
    match value {
        DefaultValue::String(text) => format!("{text:?}.to_owned()"),
        DefaultValue::Integer(number) => format!("{number}_i64"),
        DefaultValue::Float(number) => format!("{number:?}_f64"),
        DefaultValue::Boolean(flag) => flag.to_string(),
    }
}

fn field_schema_literal(field: &ir::Field) -> String {
    let base = format!(
        "{RUNTIME}::schema::FieldSchema::new({:?}, {RUNTIME}::schema::FieldKind::{}, {})",
        field.name,
        kind(field.field_type),
        field.required
    );
    let limits: Vec<String> = [
        ("max_length", field.max_length),
        ("max_member_count", field.max_member_count),
        ("max_string_length", field.max_string_length),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|value| format!("{name}: Some({value})")))
    .collect();
    match limits.is_empty() {
        true => base,
        false => format!(
            "{RUNTIME}::schema::FieldSchema {{ {}, ..{base} }}",
            limits.join(", ")
        ),
    }
}

fn key_part_literal(part: &KeyPart) -> String {
    match part {
        KeyPart::ModelPrefix => format!("{RUNTIME}::schema::KeyPart::ModelPrefix"),
        KeyPart::Field(name) => format!("{RUNTIME}::schema::KeyPart::Field({name:?})"),
    }
}

fn key_literal(key: &ir::Key) -> String {
    format!(
        "{RUNTIME}::schema::KeySchema {{ partition: {}, sort: {} }}",
        key_part_literal(&key.partition),
        key_part_literal(&key.sort)
    )
}

fn schema_literal(model: &ir::Model) -> String {
    let indexes: Vec<String> = model
        .indexes
        .iter()
        .map(|index| {
            format!(
                "{RUNTIME}::schema::IndexSchema {{ name: {:?}, gsi: {:?}, key: {} }}",
                index.name,
                index.gsi,
                key_literal(&index.key)
            )
        })
        .collect();
    let constraints: Vec<String> = model
        .unique_constraints
        .iter()
        .map(|constraint| {
            format!(
                "{RUNTIME}::schema::UniqueConstraintSchema {{ name: {:?}, id: {}, field: {:?} }}",
                constraint.name, constraint.id, constraint.field
            )
        })
        .collect();
    format!(
        "{RUNTIME}::schema::ModelSchema {{ name: {:?}, prefix: {:?}, fields: FIELDS, primary_key: {}, indexes: &[{}], unique_constraints: &[{}], iteration_buckets: {:?} }}",
        model.name,
        model.prefix,
        key_literal(&model.primary_key),
        indexes.join(", "),
        constraints.join(", "),
        model.iteration_buckets
    )
}

/// The type that sort-key conditions of `index` on `index_model` take.
fn sort_type(schema: &Schema, index_model: &ir::Model, index: &ir::Index) -> Option<String> {
    Some(match &index.key.sort {
        KeyPart::ModelPrefix => "String".to_owned(),
        KeyPart::Field(name) => {
            let field = index_model.fields.iter().find(|f| f.name == *name)?;
            let keys = key_field_names(&index_model.primary_key);
            match keys.len() == 1 && keys[0] == name {
                true => format!(
                    "super::{}::{}",
                    index_model.module,
                    key_type_name(index_model)
                ),
                false => natural_type(schema, field),
            }
        }
    })
}

/// The stored related-field value of this item's key: the partition of an index whose
/// partition key points to this model.
fn own_key_partition() -> String {
    format!(
        "Some(&{RUNTIME}::FieldValue::to_attr(&{RUNTIME}::Model::key(self), {RUNTIME}::schema::FieldKind::Related).unwrap_or_else(|| {RUNTIME}::AttributeValue::S(String::new())))"
    )
}

/// `receiver.field` as an `Option` of its value, cloned unless it is `Copy`.
fn optional_value(receiver: &str, field: &FieldView) -> String {
    let value = match field.copy {
        true => format!("{receiver}.{}", field.rust_name),
        false => format!("{receiver}.{}.clone()", field.rust_name),
    };
    match field.optional {
        true => value,
        false => format!("Some({value})"),
    }
}

fn mapping_view(schema: &Schema, getter: &ir::MappingGetter) -> Option<MappingView> {
    let mapping = schema.model(&getter.mapping_model)?;
    let index = mapping.indexes.iter().find(|i| i.name == getter.index)?;
    let target = schema.model(&getter.target_model)?;
    let key_type = key_type_name(mapping);
    let target_field = mapping
        .fields
        .iter()
        .find(|f| f.name == getter.target_field)?;
    let keys = key_field_names(&mapping.primary_key);
    let is_key = keys.contains(&target_field.name.as_str());
    let view = field_view(
        schema,
        mapping,
        target_field,
        is_key && keys.len() == 1,
        is_key,
        &key_type,
    );
    Some(MappingView {
        method: getter.method.clone(),
        mapping_type: format!("super::{}::{}", mapping.module, mapping.name),
        target_type: format!("super::{}::{}", target.module, target.name),
        index: index.name.clone(),
        index_literal: format!("{:?}", index.name),
        partition_expr: own_key_partition(),
        sort_type: sort_type(schema, mapping, index)?,
        target_of_link: optional_value("link", &view),
    })
}

/// `link` / `unlink` for a mapping table whose primary key is exactly its two RelatedFields
/// and whose new items need nothing else.
fn link_view(model: &ir::Model, fields: &[FieldView], required: &[FieldView]) -> Option<LinkView> {
    if model.table_type != TableType::Mapping {
        return None;
    }
    let keys = key_field_names(&model.primary_key);
    let sides: Vec<FieldView> = fields
        .iter()
        .filter(|field| field.field_type == "RelatedField")
        .cloned()
        .collect();
    let is_key_pair = sides.len() == 2
        && keys.len() == 2
        && sides.iter().all(|side| keys.contains(&side.name.as_str()));
    let only_sides_required = required
        .iter()
        .all(|field| sides.iter().any(|side| side.name == field.name));
    (is_key_pair && only_sides_required).then(|| LinkView {
        side_types: sides.iter().map(|side| side.value_type.clone()).collect(),
        sides,
    })
}

fn query_view(schema: &Schema, query: &ir::QueryMethod) -> Option<QueryView> {
    let index_model = schema.model(&query.index_model)?;
    let index = index_model.indexes.iter().find(|i| i.name == query.index)?;
    let sort_type = sort_type(schema, index_model, index)?;
    let instance = query.receiver == QueryReceiver::Instance;
    let partition_expr = match instance {
        true => own_key_partition(),
        false => "None".to_owned(),
    };
    Some(QueryView {
        method: query.method.clone(),
        instance,
        model_type: format!("super::{}::{}", index_model.module, index_model.name),
        index: index.name.clone(),
        index_literal: format!("{:?}", index.name),
        partition_expr,
        sort_type,
    })
}

fn doc_lines(text: Option<&str>) -> Vec<String> {
    text.map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

fn model_doc(model: &ir::Model) -> Vec<String> {
    let mut lines = doc_lines(model.doc.as_deref());
    if lines.is_empty() {
        lines.push(format!("A `{}` item.", model.name));
    }
    lines.push(String::new());
    let kind = match model.table_type {
        TableType::Standard => "Stored",
        TableType::Mapping => "A mapping table, stored",
    };
    lines.push(format!(
        "{kind} with model prefix `{}`; generated from `{}` line {}.",
        model.prefix,
        file_name(&model.source.file),
        model.source.line
    ));
    lines
}

fn field_doc(field: &ir::Field) -> Vec<String> {
    let mut lines = doc_lines(field.doc.as_deref());
    let summary = format!("`{}`: a {:?}.", field.name, field.field_type);
    if lines.is_empty() {
        lines.push(summary);
    }
    lines
}

/// The file name of a schema path: generated code must not depend on where it was generated.
fn file_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path)
}
