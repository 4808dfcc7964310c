//! A model of models.yaml as the runtime describes models ([`ModelSchema`]), for the commands
//! that work on stored items from the schema alone, without the generated code (`bao reindex`,
//! `bao backfill-unique`).
//!
//! The generated code declares the same description as `const` data (a test compares the two
//! for every model of the root schema); here it is built at run time and leaked, as the runtime
//! takes `'static` schemas: a command describes each model once.

use crate::ir::{self, FieldType};
use bao_runtime::schema::{
    FieldKind, FieldSchema, IndexSchema, KeyPart, KeySchema, ModelSchema, SearchSchema, TextFormat,
    UniqueConstraintSchema,
};

/// The runtime's description of `model`.
pub fn model_schema(model: &ir::Model) -> &'static ModelSchema {
    let fields: Vec<FieldSchema> = model.fields.iter().map(field_schema).collect();
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
fn field_schema(field: &ir::Field) -> FieldSchema {
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
    };
    let limit = |value: Option<u64>| value.and_then(|value| usize::try_from(value).ok());
    FieldSchema {
        max_length: limit(field.max_length),
        max_member_count: limit(field.max_member_count),
        max_string_length: limit(field.max_string_length),
        format: (field.field_type == FieldType::EmailField).then_some(TextFormat::Email),
        min: field.min,
        max: field.max,
        pattern: field.pattern.as_deref().map(leak),
        ..FieldSchema::new(leak(&field.name), kind, field.required)
    }
}
