//! The field types of `models.yaml` and the options each takes, defined once.
//!
//! The decoder's list of field keys (for "did you mean"), validation (type names, and which
//! option applies to which type) and the JSON Schema printed by `bao schema` all read
//! [`FIELD_TYPES`], so a new type or option is added here and nowhere else in those three.

use crate::ir::FieldType;

/// One field type: its YAML name, what it stores, and the options it takes besides `type` and
/// `required`.
#[derive(Debug)]
pub struct FieldTypeSpec {
    /// The type.
    pub field_type: FieldType,
    /// Its YAML spelling (`StringField`).
    pub name: &'static str,
    /// What it stores, for the JSON Schema.
    pub description: &'static str,
    /// The options only this type takes.
    pub options: &'static [FieldOption],
}

/// An option of a field type (`maxLength: 200`).
#[derive(Debug)]
pub struct FieldOption {
    /// Its YAML key.
    pub name: &'static str,
    /// The value it takes.
    pub value: OptionValue,
    /// What it does, for the JSON Schema.
    pub description: &'static str,
}

/// The value an option takes, as the JSON Schema describes it (validation checks the ranges
/// itself, with messages of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionValue {
    /// `true` / `false`.
    Boolean,
    /// A string.
    String,
    /// Any number.
    Number,
    /// An integer within bounds.
    Integer {
        /// The smallest value accepted.
        minimum: Option<i64>,
        /// The largest value accepted.
        maximum: Option<i64>,
    },
    /// A point in time: an RFC 3339 string, a date, or epoch milliseconds.
    DateTime,
    /// A list of strings.
    StringList,
    /// A field type's name, or a field's mapping (`items` of a ListField).
    Field,
}

/// The most digits a FloatField's `precision` keeps.
pub const MAX_PRECISION: i64 = 100;

const DEFAULT_DESCRIPTION: &str = "Value of a new item when none is given.";
const NON_NEGATIVE: OptionValue = OptionValue::Integer {
    minimum: Some(0),
    maximum: None,
};
const INTEGER: OptionValue = OptionValue::Integer {
    minimum: None,
    maximum: None,
};

const TEXT_DEFAULT: FieldOption = FieldOption {
    name: "defaultValue",
    value: OptionValue::String,
    description: DEFAULT_DESCRIPTION,
};

const MAX_LENGTH: FieldOption = FieldOption {
    name: "maxLength",
    value: NON_NEGATIVE,
    description: "Longest accepted value, in characters (enforced).",
};

const PATTERN: FieldOption = FieldOption {
    name: "pattern",
    value: OptionValue::String,
    description: "A regular expression every value must match somewhere (`^...$` for the whole \
                  value), checked on every write. A bao extension DynamoBao ignores.",
};

const MIN: FieldOption = FieldOption {
    name: "min",
    value: OptionValue::Number,
    description: "The smallest value accepted, checked on every write. A bao extension.",
};

const MAX: FieldOption = FieldOption {
    name: "max",
    value: OptionValue::Number,
    description: "The largest value accepted, checked on every write. A bao extension.",
};

/// Every field type, in the order the diagnostics and the JSON Schema list them.
pub const FIELD_TYPES: &[FieldTypeSpec] = &[
    FieldTypeSpec {
        field_type: FieldType::StringField,
        name: "StringField",
        description: "A string (`S`). Rust type `String`, or with `values` a generated enum.",
        options: &[
            TEXT_DEFAULT,
            MAX_LENGTH,
            PATTERN,
            FieldOption {
                name: "values",
                value: OptionValue::StringList,
                description: "The only strings the field takes: a Rust enum with a variant per \
                              value, stored as the string. A bao extension DynamoBao ignores.",
            },
        ],
    },
    FieldTypeSpec {
        field_type: FieldType::EmailField,
        name: "EmailField",
        description: "An email address (`S`), its syntax checked on every write. Rust type \
                      `String`.",
        options: &[TEXT_DEFAULT, MAX_LENGTH, PATTERN],
    },
    FieldTypeSpec {
        field_type: FieldType::IntegerField,
        name: "IntegerField",
        description: "An integer (`N`), zero-padded to 20 characters in keys. Rust type `i64`.",
        options: &[
            FieldOption {
                name: "defaultValue",
                value: INTEGER,
                description: DEFAULT_DESCRIPTION,
            },
            MIN,
            MAX,
        ],
    },
    FieldTypeSpec {
        field_type: FieldType::FloatField,
        name: "FloatField",
        description: "A floating-point number (`N`). Rust type `f64`.",
        options: &[
            FieldOption {
                name: "defaultValue",
                value: OptionValue::Number,
                description: DEFAULT_DESCRIPTION,
            },
            FieldOption {
                name: "precision",
                value: OptionValue::Integer {
                    minimum: Some(0),
                    maximum: Some(MAX_PRECISION),
                },
                description: "Digits after the decimal point kept on write.",
            },
            MIN,
            MAX,
        ],
    },
    FieldTypeSpec {
        field_type: FieldType::BooleanField,
        name: "BooleanField",
        description: "A boolean (`BOOL`), `1` / `0` in keys. Rust type `bool`.",
        options: &[FieldOption {
            name: "defaultValue",
            value: OptionValue::Boolean,
            description: DEFAULT_DESCRIPTION,
        }],
    },
    FieldTypeSpec {
        field_type: FieldType::DateTimeField,
        name: "DateTimeField",
        description: "A point in time, stored as epoch milliseconds (`N`).",
        options: &[FieldOption {
            name: "defaultValue",
            value: OptionValue::DateTime,
            description: "Value of a new item when none is given: an RFC 3339 time \
                          (`2024-01-01T00:00:00Z`), a date (midnight UTC) or epoch milliseconds.",
        }],
    },
    FieldTypeSpec {
        field_type: FieldType::CreateDateField,
        name: "CreateDateField",
        description: "Set to the creation time on create and never changed; epoch milliseconds (`N`).",
        options: &[],
    },
    FieldTypeSpec {
        field_type: FieldType::ModifiedDateField,
        name: "ModifiedDateField",
        description: "Set to the current time by every write; epoch milliseconds (`N`).",
        options: &[],
    },
    FieldTypeSpec {
        field_type: FieldType::UlidField,
        name: "UlidField",
        description: "A ULID (`S`), e.g. an id.",
        options: &[FieldOption {
            name: "autoAssign",
            value: OptionValue::Boolean,
            description: "Generate a new ULID on create when none is given.",
        }],
    },
    FieldTypeSpec {
        field_type: FieldType::RelatedField,
        name: "RelatedField",
        description: "The primary id of an item of another model (`S`); generates `get_<name>`.",
        options: &[
            FieldOption {
                name: "model",
                value: OptionValue::String,
                description: "The related model's name, as it appears under `models`.",
            },
            FieldOption {
                name: "onDelete",
                value: OptionValue::String,
                description: "What deleting the named item does to this item: `restrict` refuses \
                              the delete, `setNull` removes this field (optional fields), \
                              `cascade` deletes this item too, in the same transaction. Needs an \
                              index of this model partitioned on the field. A bao extension Node \
                              writers skip.",
            },
            FieldOption {
                name: "referentialIntegrity",
                value: OptionValue::Boolean,
                description: "Every write that sets the field checks, in the same transaction, \
                              that the item it names exists (`Error::MissingReference`). A bao \
                              extension Node writers skip.",
            },
        ],
    },
    FieldTypeSpec {
        field_type: FieldType::CounterField,
        name: "CounterField",
        description: "An integer (`N`) changed atomically with `ADD`.",
        options: &[FieldOption {
            name: "defaultValue",
            value: INTEGER,
            description: "Value of a new item when none is given (0).",
        }],
    },
    FieldTypeSpec {
        field_type: FieldType::BinaryField,
        name: "BinaryField",
        description: "Bytes (`B`). Cannot be part of a key.",
        options: &[],
    },
    FieldTypeSpec {
        field_type: FieldType::VersionField,
        name: "VersionField",
        description: "A ULID (`S`) replaced by every write; `save` checks it (optimistic locking).",
        options: &[],
    },
    FieldTypeSpec {
        field_type: FieldType::TtlField,
        name: "TtlField",
        description: "When DynamoDB may delete the item, as epoch seconds (`N`). Must be named `ttl`.",
        options: &[],
    },
    FieldTypeSpec {
        field_type: FieldType::StringSetField,
        name: "StringSetField",
        description: "A set of strings (`SS`); an empty set is stored as no attribute. Cannot be part of a key.",
        options: &[
            FieldOption {
                name: "maxStringLength",
                value: NON_NEGATIVE,
                description: "Longest accepted member, in characters.",
            },
            FieldOption {
                name: "maxMemberCount",
                value: NON_NEGATIVE,
                description: "Most members accepted.",
            },
        ],
    },
    FieldTypeSpec {
        field_type: FieldType::ObjectField,
        name: "ObjectField",
        description: "A value of a shape of `shapes:` (`M`), its members stored as the shape's \
                      fields. Rust type: the shape's struct. A bao extension.",
        options: &[FieldOption {
            name: "shape",
            value: OptionValue::String,
            description: "The shape's name, as it appears under `shapes`.",
        }],
    },
    FieldTypeSpec {
        field_type: FieldType::ListField,
        name: "ListField",
        description: "A list (`L`) of values of one field type or shape; an empty list is stored \
                      as no attribute. Rust type `Vec<T>`. A bao extension.",
        options: &[FieldOption {
            name: "items",
            value: OptionValue::Field,
            description: "The elements: a field type's name (`IntegerField`), a shape's name \
                          (`Address`), or a field mapping with options (`{type: StringField, \
                          maxLength: 20}`).",
        }],
    },
];

/// The field types a shape's field, or a list's elements, may have: not the ones bao stamps
/// or changes in place on the item (dates, versions, counters, ttl).
pub fn nestable(field_type: FieldType) -> bool {
    !matches!(
        field_type,
        FieldType::CreateDateField
            | FieldType::ModifiedDateField
            | FieldType::VersionField
            | FieldType::TtlField
            | FieldType::CounterField
    )
}

/// The keys every field takes, whatever its type (`rustType` is refused, with the reason,
/// where [`takes_rust_type`] says no).
pub const COMMON_FIELD_KEYS: &[&str] = &["required", "rustName", "rustType", "type", "validate"];

/// The type named `name` in YAML.
pub fn by_name(name: &str) -> Option<&'static FieldTypeSpec> {
    FIELD_TYPES.iter().find(|spec| spec.name == name)
}

/// The entry of `field_type`.
pub fn spec(field_type: FieldType) -> &'static FieldTypeSpec {
    FIELD_TYPES
        .iter()
        .find(|spec| spec.field_type == field_type)
        .unwrap_or(&FIELD_TYPES[0])
}

/// Whether `option` is one of the options `field_type` takes.
pub fn option_applies(option: &str, field_type: FieldType) -> bool {
    spec(field_type)
        .options
        .iter()
        .any(|candidate| candidate.name == option)
}

/// Whether a field of this type may hold a Rust type of the application's (`rustType`): not
/// where bao makes the value itself (ids, dates it stamps, versions), changes it in place
/// (counters, string sets) or types it already (a RelatedField holds its model's key).
pub fn takes_rust_type(field_type: FieldType) -> bool {
    matches!(
        field_type,
        FieldType::StringField
            | FieldType::EmailField
            | FieldType::IntegerField
            | FieldType::FloatField
            | FieldType::BooleanField
            | FieldType::DateTimeField
            | FieldType::BinaryField
    )
}

/// Every key a field may have, sorted: the common ones and every type's options.
pub fn field_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = COMMON_FIELD_KEYS.to_vec();
    keys.extend(
        FIELD_TYPES
            .iter()
            .flat_map(|spec| spec.options.iter().map(|option| option.name)),
    );
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_listed_once_and_found_by_its_name() {
        for spec in FIELD_TYPES {
            assert_eq!(format!("{:?}", spec.field_type), spec.name);
            assert_eq!(
                by_name(spec.name).map(|found| found.field_type),
                Some(spec.field_type)
            );
            assert_eq!(self::spec(spec.field_type).name, spec.name);
        }
    }

    #[test]
    fn the_field_keys_are_the_common_keys_and_every_option() {
        assert_eq!(
            field_keys(),
            [
                "autoAssign",
                "defaultValue",
                "items",
                "max",
                "maxLength",
                "maxMemberCount",
                "maxStringLength",
                "min",
                "model",
                "onDelete",
                "pattern",
                "precision",
                "referentialIntegrity",
                "required",
                "rustName",
                "rustType",
                "shape",
                "type",
                "validate",
                "values",
            ]
        );
        assert!(option_applies("maxLength", FieldType::StringField));
        assert!(!option_applies("maxLength", FieldType::IntegerField));
    }

    #[test]
    fn the_decoder_reads_every_option_of_every_type() {
        for spec in FIELD_TYPES {
            for option in spec.options {
                let value = match option.value {
                    OptionValue::Boolean => "true",
                    OptionValue::String if option.name == "model" => "Note",
                    OptionValue::String => "x",
                    OptionValue::Number | OptionValue::Integer { .. } => "1",
                    OptionValue::DateTime => "2024-01-01T00:00:00Z",
                    OptionValue::StringList => "[a, b]",
                    OptionValue::Field => "IntegerField",
                };
                let yaml = format!(
                    "models:\n  Note:\n    modelPrefix: n\n    fields:\n      \
                     noteId: {{type: UlidField}}\n      \
                     other: {{type: {}, {}: {value}}}\n    \
                     primaryKey: {{partitionKey: noteId}}\n",
                    spec.name, option.name
                );
                if let Err(diagnostics) = crate::validate::validate_source("models.yaml", &yaml) {
                    let rendered = diagnostics.render(false);
                    assert!(
                        !rendered.contains("not a field option")
                            && !rendered.contains("does not apply"),
                        "{} `{}`: {rendered}",
                        spec.name,
                        option.name
                    );
                }
            }
        }
    }
}
