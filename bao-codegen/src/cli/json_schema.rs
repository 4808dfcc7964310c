//! `bao schema`: a JSON Schema (draft 2020-12) of `models.yaml`, so editors complete and check
//! it (for example with the YAML language server's `# yaml-language-server: $schema=...`).

use super::Failure;
use super::shell::print_stdout;
use bao_codegen::field_types::{FIELD_TYPES, FieldOption, OptionValue};
use serde_json::{Value, json};

/// Prints the schema on stdout.
pub fn run() -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(&models_schema())
        .map_err(|e| Failure::internal(format!("cannot render the JSON Schema: {e}")))?;
    text.push('\n');
    print_stdout(&text).map_err(|e| Failure::io("cannot write to stdout", e))
}

/// The JSON Schema of one option of a field type.
fn option_schema(option: &FieldOption) -> Value {
    let mut schema = match option.value {
        OptionValue::Boolean => json!({ "type": "boolean" }),
        OptionValue::String => json!({ "type": "string" }),
        OptionValue::Number => json!({ "type": "number" }),
        OptionValue::DateTime => json!({ "type": ["string", "integer"] }),
        OptionValue::StringList => json!({
            "type": "array",
            "items": { "type": "string", "minLength": 1 },
            "minItems": 1,
            "uniqueItems": true
        }),
        OptionValue::Field => json!({
            "anyOf": [
                { "type": "string", "description": "A field type's name." },
                { "$ref": "#/$defs/field" }
            ]
        }),
        OptionValue::Integer { minimum, maximum } => {
            let mut integer = json!({ "type": "integer" });
            if let Some(minimum) = minimum {
                integer["minimum"] = json!(minimum);
            }
            if let Some(maximum) = maximum {
                integer["maximum"] = json!(maximum);
            }
            integer
        }
    };
    schema["description"] = json!(option.description);
    schema
}

/// The JSON Schema of `models.yaml`.
pub fn models_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "bao models.yaml",
        "description": "Models for bao, in DynamoBao's models.yaml format. Every model lives in one DynamoDB table.",
        "type": "object",
        "properties": {
            "bao": {
                "description": "bao's settings, which DynamoBao ignores.",
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "compatibility": {
                        "description": "Who writes the table besides bao: `dynamo-bao` when Node DynamoBao services do (the extensions they ignore are refused), `bao` when bao is the only writer. Unset, those extensions draw one warning.",
                        "enum": ["bao", "dynamo-bao"]
                    }
                }
            },
            "models": {
                "description": "The models, by name (PascalCase; the Rust type's name).",
                "type": "object",
                "propertyNames": { "pattern": "^[A-Za-z][A-Za-z0-9]*$" },
                "additionalProperties": { "$ref": "#/$defs/model" }
            },
            "shapes": {
                "description": "Object types of ObjectFields and ListFields, by name (PascalCase; the Rust struct's name): each stored as a map of its fields. A bao extension DynamoBao ignores.",
                "type": "object",
                "propertyNames": { "pattern": "^[A-Z][A-Za-z0-9]*$" },
                "additionalProperties": {
                    "type": "object",
                    "required": ["fields"],
                    "additionalProperties": false,
                    "properties": {
                        "fields": {
                            "description": "The shape's fields, by member name.",
                            "type": "object",
                            "minProperties": 1,
                            "additionalProperties": { "$ref": "#/$defs/field" }
                        }
                    }
                }
            },
            "fieldTypes": {
                "description": "Field types of your own (DynamoBao's `fieldsDir` types), by name: the built-in type that stores each, and optionally a Rust type (implementing `bao_runtime::CustomField`) and the options its fields may give.",
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["base"],
                    "additionalProperties": false,
                    "properties": {
                        "base": {
                            "description": "The built-in type that stores the value, indexes and queries it.",
                            "enum": FIELD_TYPES.iter().map(|t| t.name).collect::<Vec<_>>()
                        },
                        "rustType": rust_type_schema(),
                        "options": {
                            "description": "Options fields of this type may give, passed to the Rust type's `CustomField::validate`.",
                            "type": "array",
                            "items": { "type": "string" }
                        }
                    }
                }
            }
        },
        "additionalProperties": false,
        "$defs": {
            "model": model_schema(),
            "field": field_schema(),
            "keyName": {
                "description": "A field name, or `modelPrefix` for the model's constant prefix.",
                "type": "string",
                "anyOf": [
                    { "const": "modelPrefix", "description": "The model's prefix: one partition for the whole model." },
                    { "pattern": "^[A-Za-z][A-Za-z0-9_]*$" }
                ]
            }
        }
    })
}

fn model_schema() -> Value {
    json!({
        "description": "One model: its fields, keys, indexes and constraints.",
        "type": "object",
        "required": ["modelPrefix", "fields", "primaryKey"],
        "additionalProperties": false,
        "if": { "properties": { "mapping": { "const": true } }, "required": ["mapping"] },
        "else": {
            "properties": {
                "fields": { "additionalProperties": { "required": ["type"] } }
            }
        },
        "properties": {
            "modelPrefix": {
                "description": "A short prefix, unique across models and never changed, stored in every key of this model (1 to 4 characters by convention).",
                "type": "string",
                "minLength": 1
            },
            "mapping": {
                "description": "DynamoBao's older spelling for mapping models: fields without a `type` are RelatedFields.",
                "type": "boolean"
            },
            "methods": {
                "description": "Accepted for DynamoBao compatibility and ignored (with a warning)."
            },
            "tableType": {
                "description": "`mapping` makes a many-to-many mapping model (two RelatedFields) and generates `get_<name>` helpers on the related models.",
                "enum": ["standard", "mapping"],
                "default": "standard"
            },
            "softDelete": {
                "description": "An optional DateTimeField of the model that marks a soft-deleted item: generates `soft_delete`, `restore` and `is_deleted`, and reads skip such items unless asked (`with_deleted`). A bao extension DynamoBao ignores.",
                "type": "string"
            },
            "rustName": {
                "description": "The model's type name in Rust (PascalCase), when its name in models.yaml is not one; the table keeps the YAML name. A bao extension DynamoBao ignores.",
                "type": "string",
                "pattern": "^[A-Z][A-Za-z0-9]*$"
            },
            "fields": {
                "description": "The fields, by attribute name (camelCase; the Rust field is its snake_case).",
                "type": "object",
                "minProperties": 1,
                "propertyNames": { "pattern": "^[A-Za-z][A-Za-z0-9_]*$" },
                "additionalProperties": { "$ref": "#/$defs/field" }
            },
            "primaryKey": {
                "description": "The item's key: `_pk` from the partition key, `_sk` from the sort key.",
                "type": "object",
                "required": ["partitionKey"],
                "additionalProperties": false,
                "properties": {
                    "partitionKey": { "$ref": "#/$defs/keyName" },
                    "sortKey": {
                        "$ref": "#/$defs/keyName",
                        "description": "The sort key; `modelPrefix` (the default) for single-key models.",
                        "default": "modelPrefix"
                    }
                }
            },
            "indexes": {
                "description": "Global secondary indexes, by name; `postsForUser` on a RelatedField to User generates `user.query_posts(..)`. The value `primaryKey` names the primary key instead of adding an index.",
                "type": "object",
                "additionalProperties": {
                    "oneOf": [
                        { "const": "primaryKey", "description": "Give the primary key this name (no GSI)." },
                        {
                            "type": "object",
                            "required": ["partitionKey", "sortKey", "indexId"],
                            "additionalProperties": false,
                            "properties": {
                                "partitionKey": { "$ref": "#/$defs/keyName" },
                                "sortKey": { "$ref": "#/$defs/keyName" },
                                "indexId": {
                                    "description": "Which of the table's five GSIs holds this index (once per model): `gsi1` to `gsi5`, or any id ending in its number (`index2`, `GSI3`), as DynamoBao reads it.",
                                    "type": "string",
                                    "pattern": "[1-5]$"
                                }
                            }
                        }
                    ]
                }
            },
            "uniqueConstraints": {
                "description": "Values unique across the model, by name; `uniqueEmail` generates `find_by_email`.",
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["field", "uniqueConstraintId"],
                    "additionalProperties": false,
                    "properties": {
                        "field": { "description": "The unique field.", "type": "string" },
                        "uniqueConstraintId": {
                            "description": "Which of the three constraint slots this uses (once per model): `uc1` to `uc3`, or any id ending in its number (`UC2`), as DynamoBao reads it.",
                            "type": "string",
                            "pattern": "[1-3]$"
                        }
                    }
                }
            },
            "iterable": {
                "description": "Write iteration keys (`iter_index`), so `iterate_all` can walk every item.",
                "type": "boolean",
                "default": false
            },
            "iterationBuckets": {
                "description": "How many partitions iteration keys are spread over (default 10 when iterable).",
                "type": "integer",
                "minimum": 1,
                "maximum": 1000
            },
            "searchable": {
                "description": "DynamoBao's text search: `false`, or which StringFields to index.",
                "oneOf": [
                    { "const": false },
                    {
                        "type": "object",
                        "required": ["fields"],
                        "additionalProperties": false,
                        "properties": {
                            "fields": {
                                "description": "StringFields whose text is indexed.",
                                "type": "array",
                                "minItems": 1,
                                "items": { "type": "string" }
                            },
                            "caseSensitive": { "type": "boolean", "default": false },
                            "minTermLength": { "type": "integer", "minimum": 1, "default": 1 },
                            "dedupe": { "type": "boolean", "default": false }
                        }
                    }
                ]
            }
        }
    })
}

fn field_schema() -> Value {
    let names: Vec<&str> = FIELD_TYPES.iter().map(|t| t.name).collect();
    let per_type: Vec<Value> = FIELD_TYPES
        .iter()
        .map(|field_type| {
            json!({
                "if": { "properties": { "type": { "const": field_type.name } }, "required": ["type"] },
                "then": {
                    "description": field_type.description,
                    "properties": field_type
                        .options
                        .iter()
                        .map(|option| (option.name.to_owned(), option_schema(option)))
                        .collect::<serde_json::Map<_, _>>()
                }
            })
        })
        .collect();
    let type_docs: Vec<Value> = FIELD_TYPES
        .iter()
        .map(|t| json!({ "const": t.name, "description": t.description }))
        .chain([json!({ "description": "A type declared under `fieldTypes`." })])
        .collect();
    // A field of a type declared under `fieldTypes` may give that type's options.
    let declared = json!({
        "if": { "not": { "properties": { "type": { "enum": names } } } },
        "then": { "additionalProperties": true }
    });
    json!({
        "description": "One field: its type (required unless the model sets `mapping: true`) and options.",
        "type": "object",
        "properties": {
            "type": {
                "description": "The field type: a built-in one, or one declared under `fieldTypes`.",
                "type": "string",
                "anyOf": type_docs
            },
            "required": {
                "description": "The value must be present (key fields are always required).",
                "type": "boolean",
                "default": false
            },
            "rustType": rust_type_schema(),
            "rustName": {
                "description": "The field's name in Rust (snake_case); the stored attribute keeps the YAML name. A bao extension DynamoBao ignores.",
                "type": "string",
                "pattern": "^[a-z_][a-z0-9_]*$"
            },
            "validate": {
                "description": "A function of yours that checks every value written, `fn(&T) -> Result<(), String>` with `T` the field's Rust type, by its path (`crate::checks::slug`). A bao extension DynamoBao ignores.",
                "type": "string",
                "pattern": "^(::)?[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)+$"
            }
        },
        "allOf": per_type.into_iter().chain([declared]).collect::<Vec<_>>(),
        "unevaluatedProperties": false
    })
}

/// A `rustType`, of a field or of a declared type.
fn rust_type_schema() -> Value {
    json!({
        "description": "A Rust type of yours that the field holds, by its path from the crate root or from a crate (`crate::money::Cents`); it implements `bao_runtime::CustomField`.",
        "type": "string",
        "pattern": "^(::)?[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)+$"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every name under any `properties` of the schema.
    fn property_names(value: &Value, names: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    names.extend(properties.keys().cloned());
                }
                map.values().for_each(|child| property_names(child, names));
            }
            Value::Array(items) => items.iter().for_each(|child| property_names(child, names)),
            _ => {}
        }
    }

    /// The backticked names of the validator's help for an unknown key or type in `yaml`.
    fn known_names(yaml: &str) -> Vec<String> {
        let diagnostics = bao_codegen::validate::validate_source("models.yaml", yaml)
            .expect_err("the schema is invalid");
        let help = diagnostics
            .iter()
            .filter(|d| d.message().contains("zzzz") || d.message().contains("Zzzz"))
            .find_map(|d| d.help().filter(|h| h.contains(" are ")))
            .unwrap_or_else(|| panic!("no list of names in {}", diagnostics.render(false)))
            .to_owned();
        help.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    }

    const MODEL: &str =
        "models:\n  User:\n    modelPrefix: u\n    primaryKey: {partitionKey: id}\n";

    #[test]
    fn schema_is_draft_2020_12() {
        let schema = models_schema();
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
    }

    #[test]
    fn every_key_the_validator_knows_is_in_the_schema() {
        let schema = models_schema();
        let mut names = BTreeSet::new();
        property_names(&schema, &mut names);
        let model_keys: BTreeSet<String> = schema["$defs"]["model"]["properties"]
            .as_object()
            .expect("model properties")
            .keys()
            .cloned()
            .collect();
        let cases = [
            ("top level", "zzzzzzzz: 1\nmodels: {}\n".to_owned()),
            ("model", format!("{MODEL}    fields: {{id: {{type: UlidField}}}}\n    zzzzzzzz: 1\n")),
            ("field", format!("{MODEL}    fields: {{id: {{type: UlidField, zzzzzzzz: 1}}}}\n")),
            ("key", "models:\n  User:\n    modelPrefix: u\n    fields: {id: {type: UlidField}}\n    primaryKey: {partitionKey: id, zzzzzzzz: 1}\n".to_owned()),
            ("index", format!("{MODEL}    fields: {{id: {{type: UlidField}}}}\n    indexes: {{byId: {{partitionKey: id, sortKey: id, indexId: gsi1, zzzzzzzz: 1}}}}\n")),
            ("constraint", format!("{MODEL}    fields: {{id: {{type: UlidField}}}}\n    uniqueConstraints: {{uniqueId: {{field: id, uniqueConstraintId: uc1, zzzzzzzz: 1}}}}\n")),
            ("searchable", format!("{MODEL}    fields: {{id: {{type: UlidField}}}}\n    searchable: {{fields: [id], zzzzzzzz: 1}}\n")),
            ("shape", format!("shapes:\n  Geo:\n    fields: {{lat: {{type: FloatField}}}}\n    zzzzzzzz: 1\n{MODEL}    fields: {{id: {{type: UlidField}}}}\n")),
        ];
        for (level, yaml) in cases {
            let known = known_names(&yaml);
            assert!(!known.is_empty(), "{level}: no names");
            for key in known {
                assert!(
                    names.contains(&key),
                    "{level} key `{key}` is missing from the JSON Schema"
                );
                if level == "model" {
                    assert!(
                        model_keys.contains(&key),
                        "model key `{key}` is not a model property"
                    );
                }
            }
        }
    }

    #[test]
    fn every_field_type_the_validator_knows_is_in_the_schema() {
        let known = known_names(&format!(
            "{MODEL}    fields: {{id: {{type: Zzzzzzzzzzzz}}}}\n"
        ));
        assert_eq!(known.len(), 17, "{known:?}");
        let schema = models_schema();
        let types: Vec<&str> = schema["$defs"]["field"]["properties"]["type"]["anyOf"]
            .as_array()
            .expect("anyOf")
            .iter()
            .filter_map(|choice| choice["const"].as_str())
            .collect();
        assert_eq!(types, known);
    }
}
