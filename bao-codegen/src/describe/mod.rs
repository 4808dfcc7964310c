//! `bao describe`: the single-table design of a schema, for people: each model's key, the exact
//! items an example of it stores, its access patterns with their cost, which index serves what,
//! and a diagram of the relations.
//!
//! Everything shown comes from what the generator and the runtime use: the example items are
//! laid out by the runtime's `stored_items` (the code every create runs), and the access
//! patterns are [`access::patterns`], which the end-to-end suite checks against real calls.

pub mod access;
pub mod example;
mod mermaid;
mod render;

use crate::ir::{self, KeyPart, Schema, TableType};
use bao_runtime::Item;

pub use access::{Access, Consistency, Requests};

/// How `bao describe` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text for a terminal; `color` adds ANSI bold to headings and yellow to warnings.
    Text {
        /// Whether to colour.
        color: bool,
    },
    /// Markdown, for a design document or a pull request.
    Markdown,
    /// A Mermaid entity-relationship diagram of the models and their relations.
    Mermaid,
}

/// No model of that name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no model `{name}` in the schema; its models are: {}", .known.join(", "))]
pub struct UnknownModel {
    /// The name asked for.
    pub name: String,
    /// The schema's models.
    pub known: Vec<String>,
}

/// The description of `schema` (of one model with `only`) in `format`.
///
/// # Errors
/// [`UnknownModel`] when `only` names no model.
pub fn describe(
    schema: &Schema,
    only: Option<&str>,
    format: Format,
) -> Result<String, UnknownModel> {
    let models: Vec<&ir::Model> = match only {
        None => schema.models.iter().collect(),
        Some(name) => {
            let found = schema
                .models
                .iter()
                .find(|model| model.name == name || model.rust_name == name);
            vec![found.ok_or_else(|| {
                UnknownModel {
                    name: name.to_owned(),
                    known: schema
                        .models
                        .iter()
                        .map(|model| model.name.clone())
                        .collect(),
                }
            })?]
        }
    };
    let description = Description::of(schema, &models);
    Ok(match format {
        Format::Text { color } => render::text(&description, color),
        Format::Markdown => render::markdown(&description),
        Format::Mermaid => mermaid::diagram(&models),
    })
}

/// What is described: the models, and how the table's indexes are shared.
pub(crate) struct Description<'s> {
    pub(crate) models: Vec<ModelDescription<'s>>,
    pub(crate) usage: Vec<IndexRow>,
    pub(crate) notes: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

/// One model.
pub(crate) struct ModelDescription<'s> {
    pub(crate) model: &'s ir::Model,
    /// The key, in words: `partition userId, sort modelPrefix`.
    pub(crate) key: String,
    /// The items a create of the example stores: the item, then its unique-constraint items.
    pub(crate) items: Vec<Item>,
    /// The example item's `_pk` under [`example::EXAMPLE_TENANT`].
    pub(crate) tenant_pk: String,
    pub(crate) access: Vec<Access>,
}

/// Which of the table's indexes one model uses.
pub(crate) struct IndexRow {
    pub(crate) model: String,
    /// gsi1..gsi5: the index name on each, if any.
    pub(crate) gsis: [Option<String>; 5],
    pub(crate) iteration: bool,
    pub(crate) search: bool,
}

impl<'s> Description<'s> {
    fn of(schema: &'s Schema, models: &[&'s ir::Model]) -> Description<'s> {
        let described = models
            .iter()
            .map(|model| {
                let tenant = example::stored(schema, model, Some(example::EXAMPLE_TENANT));
                ModelDescription {
                    model,
                    key: key_words(&model.primary_key),
                    items: example::stored(schema, model, None),
                    tenant_pk: text_of(&tenant[0], "_pk"),
                    access: access::patterns(schema, model),
                }
            })
            .collect();
        let usage: Vec<IndexRow> = models.iter().map(|model| index_row(model)).collect();
        let (notes, warnings) = index_findings(schema, models.len() == schema.models.len(), &usage);
        Description {
            models: described,
            usage,
            notes,
            warnings,
        }
    }
}

fn index_row(model: &ir::Model) -> IndexRow {
    let mut gsis: [Option<String>; 5] = Default::default();
    for index in &model.indexes {
        if let Some(gsi) = index.gsi {
            gsis[usize::from(gsi - 1)] = Some(index.name.clone());
        }
    }
    IndexRow {
        model: model.name.clone(),
        gsis,
        iteration: model.iteration_buckets.is_some(),
        search: model.iteration_buckets.is_some() && model.searchable.is_some(),
    }
}

/// Shared GSIs (allowed in single-table design, worth seeing); warnings for a GSI no model uses
/// (only when every model is described) and for a model that cannot be listed without a Scan.
fn index_findings(schema: &Schema, whole: bool, usage: &[IndexRow]) -> (Vec<String>, Vec<String>) {
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    for slot in 0..5 {
        let users: Vec<&str> = usage
            .iter()
            .filter(|row| row.gsis[slot].is_some())
            .map(|row| row.model.as_str())
            .collect();
        match users.len() {
            0 if whole => warnings.push(format!(
                "gsi{} is used by no model: the table keeps it, and it costs nothing until used",
                slot + 1
            )),
            0 | 1 => {}
            _ => notes.push(format!(
                "gsi{} is shared by {}: their keys never collide (each starts with the model's \
                 prefix)",
                slot + 1,
                users.join(", ")
            )),
        }
    }
    if whole && !usage.iter().any(|row| row.iteration) {
        warnings.push(
            "iter_index is used by no model: no model is `iterable`, so none can be listed \
             bucket by bucket"
                .to_owned(),
        );
    }
    for model in &schema.models {
        if !usage.iter().any(|row| row.model == model.name) {
            continue;
        }
        let listable = model.iteration_buckets.is_some()
            || model
                .indexes
                .iter()
                .any(|index| index.key.partition == KeyPart::ModelPrefix);
        if !listable && model.table_type != TableType::Mapping {
            warnings.push(format!(
                "{} cannot be listed without a Scan: make it `iterable`, or give it an index \
                 partitioned on `modelPrefix`",
                model.name
            ));
        }
    }
    (notes, warnings)
}

/// `partition userId, sort modelPrefix`.
fn key_words(key: &ir::Key) -> String {
    let part = |part: &KeyPart| match part {
        KeyPart::ModelPrefix => "modelPrefix".to_owned(),
        KeyPart::Field(name) => format!("`{name}`"),
    };
    format!(
        "partition {}, sort {}",
        part(&key.partition),
        part(&key.sort)
    )
}

fn text_of(item: &Item, name: &str) -> String {
    match item.get(name) {
        Some(bao_runtime::AttributeValue::S(text)) => text.clone(),
        _ => String::new(),
    }
}
