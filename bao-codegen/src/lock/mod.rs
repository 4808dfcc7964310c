//! `bao.lock`: what the items already stored depend on, recorded by `bao codegen` so that a
//! schema change that affects them is caught before it is deployed.
//!
//! Per model the lock holds the prefix, the primary key, each field's name, stored type and
//! whether an item without it can be read, each GSI with its slot and key, each unique
//! constraint with its slot and field, the iteration buckets and the search options. It is
//! JSON laid out one field, index or constraint per line, so a review diff shows what changed.
//!
//! [`compare`] reports every difference between the lock and the schema that affects stored
//! data as a located diagnostic naming what it breaks and the command that migrates it:
//! B052 (stored items need a migration), B053 (stored items would be orphaned) and B054
//! (stored items could no longer be read). Other differences (a new model, an optional field,
//! a removed index) only update the lock.

mod compare;

pub use compare::compare;
pub(crate) use compare::compare_with;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostics, Reporter};
use crate::ir::{self, FieldType, KeyPart};
use crate::source::{SourceFile, Span};

/// The lock file's name, next to `models.yaml` (inside a schema directory).
pub const FILE_NAME: &str = "bao.lock";

/// The format version this bao writes and reads.
const VERSION: u32 = 1;

/// The stored layout of every model of a schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    version: u32,
    models: BTreeMap<String, ModelLock>,
    /// The members each shape stores (`shapes:`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    shapes: BTreeMap<String, ShapeLock>,
    /// The file it was read from (name and text), to locate what the schema no longer has.
    #[serde(skip)]
    file: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ModelLock {
    prefix: String,
    key: KeyLock,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iteration_buckets: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    search: Option<SearchLock>,
    fields: BTreeMap<String, FieldLock>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    indexes: BTreeMap<String, IndexLock>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    unique_constraints: BTreeMap<String, ConstraintLock>,
}

/// A shape: the members of the maps it is stored as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShapeLock {
    fields: BTreeMap<String, FieldLock>,
}

/// A key: field names, or `modelPrefix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyLock {
    partition: String,
    sort: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldLock {
    /// The built-in type that stores it (a declared type's base).
    #[serde(rename = "type")]
    field_type: String,
    /// Whether an item without the attribute fails to read (no default, not an `Option`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    required: bool,
    /// The only strings it reads (`values`): others fail to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    values: Option<Vec<String>>,
    /// The shape an ObjectField holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shape: Option<String>,
    /// The elements of a ListField.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    items: Option<Box<FieldLock>>,
}

impl FieldLock {
    /// How `field` is stored; `is_key` when it is part of its model's primary key.
    fn of(field: &ir::Field, is_key: bool) -> FieldLock {
        FieldLock {
            field_type: type_name(field.field_type).to_owned(),
            required: is_key || must_be_stored(field),
            values: field.enumeration.as_ref().map(|enumeration| {
                let values = enumeration.variants.iter();
                values.map(|variant| variant.value.clone()).collect()
            }),
            shape: field.shape.clone(),
            items: field.items.as_deref().map(|items| {
                // An element is always there: its own `required` means nothing.
                let items = FieldLock::of(items, false);
                Box::new(FieldLock {
                    required: false,
                    ..items
                })
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct IndexLock {
    gsi: u8,
    partition: String,
    sort: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstraintLock {
    id: u8,
    field: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SearchLock {
    fields: Vec<String>,
    case_sensitive: bool,
    min_term_length: u32,
    dedupe: bool,
}

impl Lock {
    /// The lock of a valid schema.
    pub fn of(schema: &ir::Schema) -> Lock {
        Lock {
            file: None,
            version: VERSION,
            models: schema
                .models
                .iter()
                .map(|model| (model.name.clone(), ModelLock::of(model)))
                .collect(),
            shapes: schema
                .shapes
                .iter()
                .map(|shape| {
                    let fields = shape
                        .fields
                        .iter()
                        .map(|field| (field.name.clone(), FieldLock::of(field, false)))
                        .collect();
                    (shape.name.clone(), ShapeLock { fields })
                })
                .collect(),
        }
    }

    /// Reads a lock file's text; the error is located in the file, named `name`.
    ///
    /// # Errors
    /// B055 when the text is not a lock this bao can read.
    pub fn parse(name: &str, text: &str) -> Result<Lock, Diagnostics> {
        let mut reporter = Reporter::default();
        let file = reporter.sources_mut().add(SourceFile::new(name, text));
        let located = |reporter: &mut Reporter, line: usize, column: usize, message: String| {
            let offset = reporter.sources().file(file).offset(line, column);
            let span = Span {
                file,
                start: offset,
                end: offset,
            };
            reporter
                .error(Code::InvalidLock, span, message, "here")
                .help(format!(
                    "{FILE_NAME} is written by `bao codegen`: restore it from version control, \
                     or delete it and run `bao codegen` to record the schema as it is now"
                ));
        };
        match serde_json::from_str::<Lock>(text) {
            Ok(lock) if lock.version == VERSION => {
                return Ok(Lock {
                    file: Some((name.to_owned(), text.to_owned())),
                    ..lock
                });
            }
            Ok(lock) => located(
                &mut reporter,
                1,
                1,
                format!(
                    "{name} has format version {}; this bao reads version {VERSION}",
                    lock.version
                ),
            ),
            Err(error) => located(
                &mut reporter,
                error.line(),
                error.column(),
                format!("{name} cannot be read: {error}"),
            ),
        }
        Err(Diagnostics::new(reporter.finish()))
    }

    /// The file's text: JSON with one field, index or constraint per line, models and names
    /// sorted, so the same schema always gives the same bytes.
    pub fn render(&self) -> String {
        let mut out = format!("{{\n  \"version\": {},\n  \"models\": {{", self.version);
        for (at, (name, model)) in self.models.iter().enumerate() {
            if at > 0 {
                out.push(',');
            }
            let _ = write!(out, "\n    {}: {{\n", json(name));
            let mut entries = vec![entry("prefix", &model.prefix), entry("key", &model.key)];
            if let Some(buckets) = model.iteration_buckets {
                entries.push(entry("iterationBuckets", &buckets));
            }
            if let Some(search) = &model.search {
                entries.push(entry("search", search));
            }
            entries.push(map("fields", &model.fields));
            if !model.indexes.is_empty() {
                entries.push(map("indexes", &model.indexes));
            }
            if !model.unique_constraints.is_empty() {
                entries.push(map("uniqueConstraints", &model.unique_constraints));
            }
            out.push_str(&entries.join(",\n"));
            out.push_str("\n    }");
        }
        out.push_str("\n  }");
        if !self.shapes.is_empty() {
            out.push_str(",\n  \"shapes\": {");
            for (at, (name, shape)) in self.shapes.iter().enumerate() {
                if at > 0 {
                    out.push(',');
                }
                let _ = write!(out, "\n    {}: {{\n", json(name));
                out.push_str(&map("fields", &shape.fields));
                out.push_str("\n    }");
            }
            out.push_str("\n  }");
        }
        out.push_str("\n}\n");
        out
    }
}

/// `value` as compact JSON.
fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("lock values serialise")
}

/// `"name": value` at the indent of a model's entries.
fn entry(name: &str, value: &impl Serialize) -> String {
    format!("      {}: {}", json(&name), json(value))
}

/// `"name": { ... }` with one entry per line.
fn map<T: Serialize>(name: &str, entries: &BTreeMap<String, T>) -> String {
    let lines: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("        {}: {}", json(key), json(value)))
        .collect();
    format!("      {}: {{\n{}\n      }}", json(&name), lines.join(",\n"))
}

impl ModelLock {
    fn of(model: &ir::Model) -> ModelLock {
        let key_names = [&model.primary_key.partition, &model.primary_key.sort];
        ModelLock {
            prefix: model.prefix.clone(),
            key: KeyLock::of(&model.primary_key),
            iteration_buckets: model.iteration_buckets,
            search: model.searchable.as_ref().map(|search| SearchLock {
                fields: search.fields.clone(),
                case_sensitive: search.case_sensitive,
                min_term_length: search.min_term_length,
                dedupe: search.dedupe,
            }),
            fields: model
                .fields
                .iter()
                .map(|field| {
                    let is_key = key_names
                        .iter()
                        .any(|part| matches!(part, KeyPart::Field(name) if *name == field.name));
                    (field.name.clone(), FieldLock::of(field, is_key))
                })
                .collect(),
            indexes: model
                .indexes
                .iter()
                .filter_map(|index| {
                    let key = KeyLock::of(&index.key);
                    let lock = IndexLock {
                        gsi: index.gsi?,
                        partition: key.partition,
                        sort: key.sort,
                    };
                    Some((index.name.clone(), lock))
                })
                .collect(),
            unique_constraints: model
                .unique_constraints
                .iter()
                .map(|constraint| {
                    let lock = ConstraintLock {
                        id: constraint.id,
                        field: constraint.field.clone(),
                    };
                    (constraint.name.clone(), lock)
                })
                .collect(),
        }
    }
}

impl KeyLock {
    fn of(key: &ir::Key) -> KeyLock {
        let name = |part: &KeyPart| match part {
            KeyPart::ModelPrefix => "modelPrefix".to_owned(),
            KeyPart::Field(name) => name.clone(),
        };
        KeyLock {
            partition: name(&key.partition),
            sort: name(&key.sort),
        }
    }
}

impl std::fmt::Display for KeyLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.partition, self.sort)
    }
}

impl std::fmt::Display for IndexLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "gsi{}: {} / {}", self.gsi, self.partition, self.sort)
    }
}

/// Whether a stored item must hold the field to be read: required, with no default, and not a
/// counter or a set (absent reads as 0 or empty).
fn must_be_stored(field: &ir::Field) -> bool {
    field.required
        && field.default.is_none()
        && !matches!(
            field.field_type,
            FieldType::CounterField | FieldType::StringSetField | FieldType::ListField
        )
}

fn type_name(field_type: FieldType) -> &'static str {
    crate::field_types::spec(field_type).name
}

/// How a field type stores its value: two types with the same storage read each other's items.
fn storage(type_name: &str) -> &str {
    match type_name {
        "StringField" | "EmailField" | "UlidField" | "RelatedField" | "VersionField" => {
            "strings (S)"
        }
        "IntegerField" | "CounterField" => "integers (N)",
        "FloatField" => "numbers (N)",
        "DateTimeField" | "CreateDateField" | "ModifiedDateField" => "epoch milliseconds (N)",
        "TtlField" => "epoch seconds (N)",
        "BooleanField" => "booleans (BOOL)",
        "BinaryField" => "bytes (B)",
        "StringSetField" => "string sets (SS)",
        "ObjectField" => "maps (M)",
        "ListField" => "lists (L)",
        other => other,
    }
}

/// `schema`'s lock file: `bao.lock` next to a schema file, inside a schema directory.
pub fn path_for(schema: &std::path::Path) -> std::path::PathBuf {
    if schema.is_dir() {
        schema.join(FILE_NAME)
    } else {
        schema.with_file_name(FILE_NAME)
    }
}
