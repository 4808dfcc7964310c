//! Synthetic schemas of any size, generated deterministically: realistic models of about nine
//! fields of mixed types, one or two GSIs, a RelatedField to the previous model, and every few
//! models a unique constraint, a composite primary key, a string set, a counter or iteration.

use std::fmt::Write;

/// The model name of model `index`.
pub fn model_name(index: usize) -> String {
    format!("Model{index:04}")
}

/// The generated module (file stem) of model `index`.
pub fn module_name(index: usize) -> String {
    format!("model{index:04}")
}

/// The YAML of a schema of `models` models. `revision` goes into the first model's doc
/// comment, so two revisions differ in exactly one generated file.
pub fn synthetic(models: usize, revision: usize) -> String {
    let mut yaml = String::from("# A synthetic schema for benchmarks.\nmodels:\n");
    for index in 0..models {
        model(&mut yaml, index, revision);
    }
    yaml
}

fn model(yaml: &mut String, index: usize, revision: usize) {
    let name = model_name(index);
    let owner = model_name(index.saturating_sub(1));
    let composite = index % 5 == 4;
    let unique = index.is_multiple_of(3);
    let comment = match index {
        0 => format!("Synthetic model {index}, revision {revision}."),
        _ => format!("Synthetic model {index}."),
    };
    // `write!` into a String cannot fail.
    let _ = write!(
        yaml,
        "  # {comment}\n  {name}:\n    modelPrefix: m{index}\n",
    );
    if index.is_multiple_of(4) {
        yaml.push_str("    iterable: true\n    iterationBuckets: 10\n");
    }
    yaml.push_str("    fields:\n");
    yaml.push_str("      itemId: {type: UlidField, autoAssign: true, required: true}\n");
    let _ = writeln!(
        yaml,
        "      ownerId: {{type: RelatedField, model: {owner}, required: true}}"
    );
    yaml.push_str("      title: {type: StringField, required: true, maxLength: 200}\n");
    yaml.push_str("      # Where notifications go.\n");
    yaml.push_str("      email: {type: StringField, required: true}\n");
    yaml.push_str("      quantity: {type: IntegerField, defaultValue: 0}\n");
    yaml.push_str("      price: {type: FloatField, precision: 2}\n");
    yaml.push_str("      active: {type: BooleanField, defaultValue: true}\n");
    yaml.push_str("      createdAt: {type: CreateDateField}\n");
    yaml.push_str("      modifiedAt: {type: ModifiedDateField}\n");
    match index % 4 {
        1 => yaml.push_str("      labels: {type: StringSetField, maxMemberCount: 20}\n"),
        2 => yaml.push_str("      views: {type: CounterField}\n"),
        3 => yaml.push_str("      dueAt: {type: DateTimeField}\n"),
        _ => yaml.push_str("      notes: {type: StringField}\n"),
    }
    match composite {
        true => yaml.push_str("    primaryKey: {partitionKey: ownerId, sortKey: itemId}\n"),
        false => yaml.push_str("    primaryKey: {partitionKey: itemId}\n"),
    }
    yaml.push_str("    indexes:\n");
    // Named like DynamoBao's `postsForUser`, so the owner gets `query_model0001s`.
    let module = module_name(index);
    match composite {
        true => {
            let _ = writeln!(yaml, "      {module}sForOwner: primaryKey");
        }
        false => {
            let _ = writeln!(
                yaml,
                "      {module}sForOwner: {{partitionKey: ownerId, sortKey: createdAt, indexId: gsi1}}"
            );
        }
    }
    if index.is_multiple_of(2) {
        yaml.push_str(
            "      recent: {partitionKey: modelPrefix, sortKey: createdAt, indexId: gsi2}\n",
        );
    }
    if unique {
        yaml.push_str("    uniqueConstraints:\n");
        yaml.push_str("      uniqueEmail: {field: email, uniqueConstraintId: uc1}\n");
    }
}

/// The models of [`synthetic`] as plain structs written by hand with serde derives only: the
/// baseline of the compile-time comparison. Ids are strings and dates epoch milliseconds.
pub fn plain_structs(models: usize) -> String {
    let mut rust =
        String::from("use serde::{Deserialize, Serialize};\nuse std::collections::BTreeSet;\n");
    for index in 0..models {
        let variant = match index % 4 {
            1 => "    pub labels: BTreeSet<String>,\n",
            2 => "    pub views: i64,\n",
            3 => "    #[serde(rename = \"dueAt\")]\n    pub due_at: Option<i64>,\n",
            _ => "    pub notes: Option<String>,\n",
        };
        let _ = write!(
            rust,
            "\n/// Synthetic model {index}.\n\
             #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n\
             pub struct {name} {{\n\
             \x20   #[serde(rename = \"itemId\")]\n    pub item_id: String,\n\
             \x20   #[serde(rename = \"ownerId\")]\n    pub owner_id: String,\n\
             \x20   pub title: String,\n    pub email: String,\n\
             \x20   pub quantity: Option<i64>,\n    pub price: Option<f64>,\n\
             \x20   pub active: Option<bool>,\n\
             \x20   #[serde(rename = \"createdAt\")]\n    pub created_at: i64,\n\
             \x20   #[serde(rename = \"modifiedAt\")]\n    pub modified_at: i64,\n\
             {variant}}}\n",
            name = model_name(index),
        );
    }
    rust
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_deterministic_and_revisions_differ_in_one_comment() {
        assert_eq!(synthetic(7, 0), synthetic(7, 0));
        let (a, b) = (synthetic(7, 0), synthetic(7, 1));
        let differing = a.lines().zip(b.lines()).filter(|(x, y)| x != y).count();
        assert_eq!(differing, 1);
    }

    #[test]
    fn synthetic_schemas_are_valid_without_warnings() {
        let loaded = bao_codegen::validate::validate_source("models.yaml", &synthetic(20, 0))
            .unwrap_or_else(|diagnostics| panic!("{}", diagnostics.render(false)));
        assert_eq!(loaded.schema.models.len(), 20);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    }
}
