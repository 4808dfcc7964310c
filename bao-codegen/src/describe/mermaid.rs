//! The models as a Mermaid entity-relationship diagram: each model with its key, unique and
//! related fields; each RelatedField as a one-to-many (one-to-one when it is unique) line
//! labelled with the index that serves it; each mapping table as a many-to-many line.

use crate::ir::{self, FieldType, KeyPart, TableType};
use std::fmt::Write;

pub(crate) fn diagram(models: &[&ir::Model]) -> String {
    let shown = |name: &str| models.iter().any(|model| model.name == name);
    let mut out = String::from("erDiagram\n");
    for model in models
        .iter()
        .filter(|model| model.table_type != TableType::Mapping)
    {
        let _ = writeln!(out, "    {} {{", model.name);
        for field in &model.fields {
            let marks = marks(model, field);
            if marks.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "        {} {} {}",
                type_word(field),
                field.name,
                marks.join(", ")
            );
        }
        out.push_str("    }\n");
    }
    for model in models {
        match model.table_type {
            TableType::Mapping => many_to_many(&mut out, model, &shown),
            TableType::Standard => belongs_to(&mut out, model, &shown),
        }
    }
    out
}

/// `User ||--o{ Post : "userId, postsForUser (gsi2)"` for each RelatedField of `model`.
fn belongs_to(out: &mut String, model: &ir::Model, shown: &dyn Fn(&str) -> bool) {
    for field in model
        .fields
        .iter()
        .filter(|field| field.field_type == FieldType::RelatedField)
    {
        let Some(target) = field
            .related_model
            .as_deref()
            .filter(|target| shown(target))
        else {
            continue;
        };
        let unique = model
            .unique_constraints
            .iter()
            .any(|constraint| constraint.field == field.name);
        // The parent side: exactly one when the field is required, zero or one otherwise.
        let parent = if field.required { "||" } else { "|o" };
        let child = if unique { "o|" } else { "o{" };
        let served = model
            .indexes
            .iter()
            .find(|index| index.key.partition == KeyPart::Field(field.name.clone()))
            .map_or_else(|| "no index".to_owned(), super::access::index_label);
        let _ = writeln!(
            out,
            "    {target} {parent}--{child} {} : \"{}, {served}\"",
            model.name, field.name
        );
    }
}

/// `Tag }o--o{ Post : "TaggedPost"` for a mapping model.
fn many_to_many(out: &mut String, model: &ir::Model, shown: &dyn Fn(&str) -> bool) {
    let sides: Vec<&str> = model
        .fields
        .iter()
        .filter(|field| field.field_type == FieldType::RelatedField)
        .filter_map(|field| field.related_model.as_deref())
        .collect();
    if let [left, right] = sides[..]
        && (shown(left) || shown(right))
    {
        let indexes: Vec<String> = model
            .indexes
            .iter()
            .map(super::access::index_label)
            .collect();
        let _ = writeln!(
            out,
            "    {left} }}o--o{{ {right} : \"{}: {}\"",
            model.name,
            indexes.join(", ")
        );
    }
}

/// `PK`, `FK`, `UK` for the fields the diagram shows; none for the others.
fn marks(model: &ir::Model, field: &ir::Field) -> Vec<&'static str> {
    let mut marks = Vec::new();
    let key = [&model.primary_key.partition, &model.primary_key.sort];
    if key
        .iter()
        .any(|part| **part == KeyPart::Field(field.name.clone()))
    {
        marks.push("PK");
    }
    if field.field_type == FieldType::RelatedField {
        marks.push("FK");
    }
    if model
        .unique_constraints
        .iter()
        .any(|constraint| constraint.field == field.name)
    {
        marks.push("UK");
    }
    marks
}

/// The field's type as one word: `ulid`, `string`, `related`.
fn type_word(field: &ir::Field) -> String {
    let name = format!("{:?}", field.field_type);
    name.trim_end_matches("Field").to_lowercase()
}
