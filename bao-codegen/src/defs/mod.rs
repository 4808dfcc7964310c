//! Stage 1 (parse): the raw `models.yaml` structures, with the location of every value.
//!
//! These types mirror DynamoBao's schema format key for key; nothing is resolved or checked
//! beyond the shape of the YAML. [`decode`] reads them from a [`yaml::Node`] tree and reports
//! every unknown key and every value of the wrong type, then keeps going, so one run shows all
//! of them. Values are [`Located`]; a value that is absent, `null`, or of the wrong type is
//! `None`; `written` tells the two apart, so that a value of the wrong type is not reported a
//! second time as missing.

mod decode;
mod values;

pub(crate) use values::unknown_key;

use std::collections::BTreeSet;

use crate::diagnostic::Reporter;
use crate::source::{Located, Span};
use crate::yaml::Node;

/// One schema file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Document {
    /// The models, in file order.
    pub(crate) models: Vec<ModelDef>,
    /// The `models` key.
    pub(crate) models_key: Span,
    /// The entries of `fieldTypes`, in file order.
    pub(crate) field_types: Vec<FieldTypeDef>,
    /// The entries of `shapes`, in file order.
    pub(crate) shapes: Vec<ShapeDef>,
    /// `bao: {compatibility: ...}`: how the schema treats Node DynamoBao services sharing the
    /// table (DynamoBao ignores the block).
    pub(crate) compatibility: Option<Located<String>>,
}

/// One entry of the top-level `fieldTypes`: a field type of the schema's own.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldTypeDef {
    /// The type's name (the key), used as `type:` of fields.
    pub(crate) name: Located<String>,
    /// `base`: the built-in type that stores it.
    pub(crate) base: Option<Located<String>>,
    /// `rustType`: the Rust type fields of this type hold.
    pub(crate) rust_type: Option<Located<String>>,
    /// `options`: the field options the type accepts, besides its base's.
    pub(crate) options: Vec<Located<String>>,
    /// The keys written with a non-null value.
    pub(crate) written: BTreeSet<String>,
}

/// One entry of `shapes`: a named object type of ObjectFields and ListFields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ShapeDef {
    /// The shape's name (the key).
    pub(crate) name: Located<String>,
    /// The comment above the shape.
    pub(crate) doc: Option<String>,
    /// `fields`, located at the `fields` key.
    pub(crate) fields: Option<Located<Vec<FieldDef>>>,
    /// The keys written with a non-null value.
    pub(crate) written: BTreeSet<String>,
}

/// One entry of `models`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ModelDef {
    /// The model name (the key).
    pub(crate) name: Located<String>,
    /// The comment above the model.
    pub(crate) doc: Option<String>,
    /// `modelPrefix`.
    pub(crate) model_prefix: Option<Located<String>>,
    /// `fields`, located at the `fields` key.
    pub(crate) fields: Option<Located<Vec<FieldDef>>>,
    /// `primaryKey`, located at the `primaryKey` key.
    pub(crate) primary_key: Option<Located<KeyDef>>,
    /// `indexes`, in file order.
    pub(crate) indexes: Vec<IndexDef>,
    /// `uniqueConstraints`, in file order.
    pub(crate) unique_constraints: Vec<ConstraintDef>,
    /// `iterable`.
    pub(crate) iterable: Option<Located<bool>>,
    /// `iterationBuckets`.
    pub(crate) iteration_buckets: Option<Located<i128>>,
    /// `searchable`, unless absent or `false`; located at its value.
    pub(crate) searchable: Option<Located<SearchableDef>>,
    /// `tableType`.
    pub(crate) table_type: Option<Located<String>>,
    /// `rustName`: the model's type name in Rust (storage keeps the YAML name).
    pub(crate) rust_name: Option<Located<String>>,
    /// `softDelete`: the DateTimeField that marks a soft-deleted item.
    pub(crate) soft_delete: Option<Located<String>>,
    /// The undocumented `mapping` key.
    pub(crate) mapping: Option<Located<bool>>,
    /// The span of the undocumented `methods` key, if present.
    pub(crate) methods: Option<Span>,
    /// The keys written with a non-null value.
    pub(crate) written: BTreeSet<String>,
}

/// One entry of `fields`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldDef {
    /// The field name (the key), also the DynamoDB attribute name.
    pub(crate) name: Located<String>,
    /// The comment above the field, or after it on the same line.
    pub(crate) doc: Option<String>,
    /// `type`.
    pub(crate) field_type: Option<Located<String>>,
    /// `required`.
    pub(crate) required: Option<Located<bool>>,
    /// `autoAssign`.
    pub(crate) auto_assign: Option<Located<bool>>,
    /// `defaultValue`, any scalar; checked against the field type later.
    pub(crate) default_value: Option<Node>,
    /// `maxLength`.
    pub(crate) max_length: Option<Located<i128>>,
    /// `precision`.
    pub(crate) precision: Option<Located<i128>>,
    /// `maxStringLength`.
    pub(crate) max_string_length: Option<Located<i128>>,
    /// `maxMemberCount`.
    pub(crate) max_member_count: Option<Located<i128>>,
    /// `model`.
    pub(crate) model: Option<Located<String>>,
    /// `rustType`.
    pub(crate) rust_type: Option<Located<String>>,
    /// `values`: the only strings a StringField takes (an enum), located at the key.
    pub(crate) values: Option<Located<Vec<Located<String>>>>,
    /// `rustName`: the field's name in Rust (storage keeps the YAML name).
    pub(crate) rust_name: Option<Located<String>>,
    /// `min`: the smallest number accepted.
    pub(crate) min: Option<Located<f64>>,
    /// `max`: the largest number accepted.
    pub(crate) max: Option<Located<f64>>,
    /// `pattern`: a regular expression string values must match.
    pub(crate) pattern: Option<Located<String>>,
    /// `validate`: the path of a check function of the application's.
    pub(crate) validate: Option<Located<String>>,
    /// `referentialIntegrity`: writes check that the item a RelatedField names exists.
    pub(crate) referential_integrity: Option<Located<bool>>,
    /// `onDelete`: what deleting the named item does to this one.
    pub(crate) on_delete: Option<Located<String>>,
    /// `shape`: the shape an ObjectField holds.
    pub(crate) shape: Option<Located<String>>,
    /// `items`: the elements of a ListField, as a field (named `items`, located at the key);
    /// `items: IntegerField` is read as `items: {type: IntegerField}`.
    pub(crate) items: Option<Box<FieldDef>>,
    /// Written as a bare name (`items: IntegerField`), not a mapping: DynamoBao's codegen
    /// prints a mapping option as `[object Object]`.
    pub(crate) shorthand: bool,
    /// Keys that are not options of any built-in type, with their values: validation accepts
    /// those a declared type takes (`currency: EUR`) and reports the others.
    pub(crate) extra: Vec<(Located<String>, Node)>,
    /// The keys written with a non-null value.
    pub(crate) written: BTreeSet<String>,
}

impl FieldDef {
    /// A field with no keys written.
    fn blank(name: Located<String>, doc: Option<String>) -> FieldDef {
        FieldDef {
            name,
            doc,
            field_type: None,
            required: None,
            auto_assign: None,
            default_value: None,
            max_length: None,
            precision: None,
            max_string_length: None,
            max_member_count: None,
            model: None,
            rust_type: None,
            values: None,
            rust_name: None,
            min: None,
            max: None,
            pattern: None,
            validate: None,
            referential_integrity: None,
            on_delete: None,
            shape: None,
            items: None,
            shorthand: false,
            extra: Vec::new(),
            written: BTreeSet::new(),
        }
    }
}

/// `primaryKey`, or the key of an index.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct KeyDef {
    /// `partitionKey`: a field name or `modelPrefix`.
    pub(crate) partition_key: Option<Located<String>>,
    /// `sortKey`: a field name or `modelPrefix`.
    pub(crate) sort_key: Option<Located<String>>,
    /// The keys written with a non-null value (for an index, `indexId` too).
    pub(crate) written: BTreeSet<String>,
}

/// One entry of `indexes`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexDef {
    /// The index name (the key).
    pub(crate) name: Located<String>,
    /// What it is.
    pub(crate) body: IndexBody,
}

/// An index definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum IndexBody {
    /// `name: primaryKey`: a name for the primary key, no GSI.
    PrimaryKeyAlias,
    /// A GSI.
    Gsi {
        /// `partitionKey` and `sortKey`.
        key: KeyDef,
        /// `indexId`.
        index_id: Option<Located<String>>,
    },
}

/// One entry of `uniqueConstraints`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConstraintDef {
    /// The constraint name (the key).
    pub(crate) name: Located<String>,
    /// `field`.
    pub(crate) field: Option<Located<String>>,
    /// `uniqueConstraintId`.
    pub(crate) id: Option<Located<String>>,
    /// The keys written with a non-null value.
    pub(crate) written: BTreeSet<String>,
}

/// `searchable`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SearchableDef {
    /// `searchable: true`, which DynamoBao rejects.
    True,
    /// `searchable: {fields: [...], ...}`.
    Config {
        /// `fields`, located at the `fields` key.
        fields: Option<Located<Vec<Located<String>>>>,
        /// `caseSensitive`.
        case_sensitive: Option<Located<bool>>,
        /// `minTermLength`.
        min_term_length: Option<Located<i128>>,
        /// `dedupe`.
        dedupe: Option<Located<bool>>,
        /// The keys written with a non-null value.
        written: BTreeSet<String>,
    },
}

const TOP_LEVEL_KEYS: &[&str] = &["bao", "fieldTypes", "models", "shapes"];
const SHAPE_KEYS: &[&str] = &["fields"];
const SETTINGS_KEYS: &[&str] = &["compatibility"];
const FIELD_TYPE_KEYS: &[&str] = &["base", "options", "rustType"];
pub(crate) const MODEL_KEYS: &[&str] = &[
    "fields",
    "indexes",
    "iterable",
    "iterationBuckets",
    "mapping",
    "methods",
    "modelPrefix",
    "primaryKey",
    "rustName",
    "searchable",
    "softDelete",
    "tableType",
    "uniqueConstraints",
];
const KEY_KEYS: &[&str] = &["partitionKey", "sortKey"];
const INDEX_KEYS: &[&str] = &["indexId", "partitionKey", "sortKey"];
const CONSTRAINT_KEYS: &[&str] = &["field", "uniqueConstraintId"];
const SEARCHABLE_KEYS: &[&str] = &["caseSensitive", "dedupe", "fields", "minTermLength"];

/// Reads one file's tree; `None` when it has no `models` mapping (reported).
pub(crate) fn decode(root: &Node, reporter: &mut Reporter) -> Option<Document> {
    Decoder { reporter }.document(root)
}

/// Reads the schema's structures from a YAML tree, reporting what is wrong as it goes.
struct Decoder<'r> {
    reporter: &'r mut Reporter,
}
