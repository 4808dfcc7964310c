//! A model of models.yaml as the runtime describes models ([`ModelSchema`]), for the commands
//! that work on stored items from the schema alone, without the generated code (`bao reindex`,
//! `bao backfill-unique`).
//!
//! The generated code declares the same description as `const` data (a test compares the two
//! for every model of the root schema); here it is built at run time and leaked, as the runtime
//! takes `'static` schemas: a command describes each model once.

use crate::ir::{self, FieldType};
use bao_runtime::schema::{
    FieldKind, FieldSchema, IndexSchema, KeyPart, KeySchema, ModelSchema, SearchSchema,
    ShapeSchema, TextFormat, UniqueConstraintSchema,
};

/// The runtime's description of `model`, a model of `schema`.
pub fn model_schema(schema: &ir::Schema, model: &ir::Model) -> &'static ModelSchema {
    let fields: Vec<FieldSchema> = model
        .fields
        .iter()
        .map(|field| field_schema(schema, field))
        .collect();
    let indexes: Vec<IndexSchema> = model
        .indexes
        .iter()
        .map(|index| IndexSchema {
            name: leak(&index.name),
            gsi: index.gsi,
            key: key_schema(&index.key),
        })
        .collect();
    let constraints: Vec<UniqueConstraintSchema> = model
        .unique_constraints
        .iter()
        .map(|constraint| UniqueConstraintSchema {
            name: leak(&constraint.name),
            id: constraint.id,
            field: leak(&constraint.field),
        })
        .collect();
    let search = model.searchable.as_ref().map(|searchable| {
        let fields: Vec<&'static str> = searchable.fields.iter().map(|name| leak(name)).collect();
        &*Box::leak(Box::new(SearchSchema {
            fields: fields.leak(),
            case_sensitive: searchable.case_sensitive,
            min_term_length: searchable.min_term_length,
            dedupe: searchable.dedupe,
        }))
    });
    Box::leak(Box::new(ModelSchema {
        name: leak(&model.name),
        prefix: leak(&model.prefix),
        fields: fields.leak(),
        primary_key: key_schema(&model.primary_key),
        indexes: indexes.leak(),
        unique_constraints: constraints.leak(),
        iteration_buckets: model.iteration_buckets,
        search,
        soft_delete: model.soft_delete.as_deref().map(leak),
        // The rules need the other models' schemas, which the commands reading stored items
        // from models.yaml alone do not delete.
        children: &[],
    }))
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn key_schema(key: &ir::Key) -> KeySchema {
    let part = |part: &ir::KeyPart| match part {
        ir::KeyPart::ModelPrefix => KeyPart::ModelPrefix,
        ir::KeyPart::Field(name) => KeyPart::Field(leak(name)),
    };
    KeySchema {
        partition: part(&key.partition),
        sort: part(&key.sort),
    }
}

/// A field as stored: a declared type is stored as its base, which is all a stored item needs
/// (its `rustType` and `validate` checks are functions of the application's).
fn field_schema(schema: &ir::Schema, field: &ir::Field) -> FieldSchema {
    let kind = match field.field_type {
        FieldType::StringField | FieldType::EmailField => FieldKind::String,
        FieldType::IntegerField => FieldKind::Integer,
        FieldType::FloatField => FieldKind::Float,
        FieldType::BooleanField => FieldKind::Boolean,
        FieldType::DateTimeField => FieldKind::DateTime,
        FieldType::CreateDateField => FieldKind::CreateDate,
        FieldType::ModifiedDateField => FieldKind::ModifiedDate,
        FieldType::UlidField => FieldKind::Ulid,
        FieldType::RelatedField => FieldKind::Related,
        FieldType::CounterField => FieldKind::Counter,
        FieldType::BinaryField => FieldKind::Binary,
        FieldType::VersionField => FieldKind::Version,
        FieldType::TtlField => FieldKind::Ttl,
        FieldType::StringSetField => FieldKind::StringSet,
        FieldType::ObjectField => FieldKind::Object,
        FieldType::ListField => FieldKind::List,
    };
    let shape = field
        .shape
        .as_deref()
        .and_then(|name| schema.shape(name))
        .map(|shape| {
            let fields: Vec<FieldSchema> = shape
                .fields
                .iter()
                .map(|member| field_schema(schema, member))
                .collect();
            &*Box::leak(Box::new(ShapeSchema {
                name: leak(&shape.name),
                fields: fields.leak(),
            }))
        });
    let items = field
        .items
        .as_deref()
        .map(|items| &*Box::leak(Box::new(field_schema(schema, items))));
    let limit = |value: Option<u64>| value.and_then(|value| usize::try_from(value).ok());
    FieldSchema {
        max_length: limit(field.max_length),
        max_member_count: limit(field.max_member_count),
        max_string_length: limit(field.max_string_length),
        format: (field.field_type == FieldType::EmailField).then_some(TextFormat::Email),
        min: field.min,
        max: field.max,
        pattern: field.pattern.as_deref().map(leak),
        shape,
        items,
        ..FieldSchema::new(leak(&field.name), kind, field.required)
    }
}
