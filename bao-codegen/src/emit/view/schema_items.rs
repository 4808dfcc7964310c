//! The `static FIELDS` and `const SCHEMA` literals: the runtime's description of each model
//! and shape.

use super::fields::{shape_path, validator_name};
use super::keys::model_path;
use super::{IMPL_INDENT, ITEM_INDENT};
use crate::emit::layout::Expr;
use crate::ir::{self, FieldType, KeyPart, Schema};

/// The `FieldKind` variant of a field type.
pub(super) fn kind(field_type: FieldType) -> &'static str {
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

/// `static FIELDS`: a static, not a const, because every function that names a field's
/// `F_X = &FIELDS[i]` would otherwise have rustc evaluate and check the whole table again, once
/// per generic signature: an eighth of rustc's instructions for a crate of models, though far
/// less of its wall time.
pub(super) fn fields_item(schema: &Schema, fields: &[ir::Field]) -> String {
    let head = format!("static FIELDS: [bao::FieldSchema; {}] = ", fields.len());
    let schemas = fields.iter().map(|field| field_schema(schema, field, ""));
    let laid_out = Expr::Array(schemas.collect()).layout(ITEM_INDENT, head.len(), ";");
    format!("{head}{laid_out}")
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

pub(super) fn schema_item(schema: &Schema, model: &ir::Model) -> String {
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
