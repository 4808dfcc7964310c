//! An example item of each model, as bao stores it: fixed example values for the fields, laid
//! out by the runtime's own `stored_items`, the code every create runs.

use crate::ir::{self, FieldType, KeyPart, Schema};
use crate::runtime_schema::model_schema;
use bao_runtime::keys;
use bao_runtime::{AttributeValue, Item, Tenant, Ulid};

/// When every example happened: 2024-06-01T12:00:00Z, in epoch milliseconds.
const EXAMPLE_MILLIS: u64 = 1_717_243_200_000;

/// The tenant the description shows once, to show where a tenant's id goes.
pub const EXAMPLE_TENANT: &str = "acme";

/// The items a create of the example stores: the item, then its unique-constraint items.
pub fn stored(schema: &Schema, model: &ir::Model, tenant: Option<&str>) -> Vec<Item> {
    let fields = fields(schema, model);
    let tenant = tenant.map(|id| Tenant::new(id).expect("the example tenant id is valid"));
    bao_runtime::ops::stored_items(model_schema(schema, model), tenant.as_ref(), &fields)
        .unwrap_or_else(|error| panic!("the example of {} lays out: {error}", model.name))
}

/// The example's fields: the same values in every description, and a RelatedField names the
/// example of the model it points to.
pub fn fields(schema: &Schema, model: &ir::Model) -> Item {
    model
        .fields
        .iter()
        .filter_map(|field| Some((field.name.clone(), value(schema, model, field, 0)?)))
        .collect()
}

/// The example value of `field` of `model`; `depth` bounds RelatedFields that point, through
/// their targets' keys, back to where they started.
fn value(
    schema: &Schema,
    model: &ir::Model,
    field: &ir::Field,
    depth: usize,
) -> Option<AttributeValue> {
    let s = |text: String| AttributeValue::S(text);
    let n = |number: String| AttributeValue::N(number);
    if let Some(enumeration) = &field.enumeration {
        return enumeration
            .variants
            .first()
            .map(|variant| s(variant.value.clone()));
    }
    // No example can be made up for a pattern; an optional field goes without.
    if field.pattern.is_some() && !field.required {
        return None;
    }
    let number = |example: f64| {
        let low = field.min.unwrap_or(f64::MIN);
        let high = field.max.unwrap_or(f64::MAX);
        example.clamp(low, high).to_string()
    };
    Some(match field.field_type {
        FieldType::StringField => {
            let text = format!("{} example", field.name);
            let limit = field.max_length.map_or(usize::MAX, |max| max as usize);
            s(text.chars().take(limit).collect())
        }
        FieldType::EmailField => s("ada@example.com".to_owned()),
        FieldType::IntegerField | FieldType::CounterField => n(number(7.0)),
        FieldType::FloatField => n(number(1.5)),
        FieldType::BooleanField => AttributeValue::Bool(true),
        FieldType::DateTimeField | FieldType::CreateDateField | FieldType::ModifiedDateField => {
            n(EXAMPLE_MILLIS.to_string())
        }
        FieldType::TtlField => n((EXAMPLE_MILLIS / 1000 + 86_400).to_string()),
        FieldType::UlidField | FieldType::VersionField => s(ulid_of(schema, model)),
        FieldType::RelatedField => {
            let target = schema.model(field.related_model.as_deref()?)?;
            s(primary_id(schema, target, depth + 1)?)
        }
        FieldType::BinaryField => AttributeValue::B(b"bao".to_vec().into()),
        FieldType::StringSetField => AttributeValue::Ss(vec!["blue".to_owned(), "red".to_owned()]),
        FieldType::ObjectField => {
            let shape = schema.shape(field.shape.as_deref()?)?;
            let members = shape
                .fields
                .iter()
                .filter_map(|member| {
                    Some((member.name.clone(), value(schema, model, member, depth)?))
                })
                .collect();
            AttributeValue::M(members)
        }
        FieldType::ListField => {
            let element = value(schema, model, field.items.as_deref()?, depth)?;
            AttributeValue::L(vec![element])
        }
    })
}

/// The example ULID of `model`: one per model, so related examples name each other.
fn ulid_of(schema: &Schema, model: &ir::Model) -> String {
    let position = schema
        .models
        .iter()
        .position(|other| other.name == model.name)
        .unwrap_or_default();
    Ulid::from_parts(EXAMPLE_MILLIS, position as u128 + 1).to_string()
}

/// The primary id of `model`'s example: what a RelatedField to it stores.
fn primary_id(schema: &Schema, model: &ir::Model, depth: usize) -> Option<String> {
    if depth > schema.models.len() {
        return None;
    }
    let key: Item = [&model.primary_key.partition, &model.primary_key.sort]
        .into_iter()
        .filter_map(|part| match part {
            KeyPart::Field(name) => model.fields.iter().find(|field| field.name == *name),
            KeyPart::ModelPrefix => None,
        })
        .filter_map(|field| Some((field.name.clone(), value(schema, model, field, depth)?)))
        .collect();
    keys::primary_id(model_schema(schema, model), &key).ok()
}
