//! Stage 1 (parse): the raw `models.yaml` structures, with the location of every value.
//!
//! These types mirror DynamoBao's schema format key for key; nothing is resolved or checked
//! beyond the shape of the YAML. [`decode`] reads them from a [`yaml::Node`] tree and reports
//! every unknown key and every value of the wrong type, then keeps going, so one run shows all
//! of them. Values are [`Located`]; a value that is absent, `null`, or of the wrong type is
//! `None`; `written` tells the two apart, so that a value of the wrong type is not reported a
//! second time as missing.

use std::collections::BTreeSet;

use crate::diagnostic::{self, Code, Reporter};
use crate::source::{Located, Span};
use crate::yaml::{Entry, Node, Value};

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

struct Decoder<'r> {
    reporter: &'r mut Reporter,
}

impl Decoder<'_> {
    fn document(&mut self, root: &Node) -> Option<Document> {
        let entries = match &root.value {
            Value::Map(entries) => entries,
            Value::Null => {
                let start = Span {
                    start: 0,
                    end: 0,
                    ..root.span
                };
                self.reporter
                    .error(
                        Code::MissingModels,
                        start,
                        "schema file has no `models`",
                        "this file has no YAML content",
                    )
                    .help("define models under a top-level `models:` mapping");
                return None;
            }
            other => {
                self.reporter
                    .error(
                        Code::WrongType,
                        root.span,
                        format!(
                            "invalid schema file: expected a mapping, found {}",
                            other.describe()
                        ),
                        "expected `models:` here",
                    )
                    .help("define models under a top-level `models:` mapping");
                return None;
            }
        };
        let mut models = None;
        let mut field_types = Vec::new();
        let mut shapes = Vec::new();
        let mut compatibility = None;
        for entry in entries {
            let Some(key) = self.key(entry) else { continue };
            match key.value.as_str() {
                "models" => models = Some((self.models(&entry.value), key.span)),
                "fieldTypes" => field_types = self.field_types(&entry.value),
                "shapes" => shapes = self.shapes(&entry.value),
                "bao" => compatibility = self.settings(&entry.value),
                _ => self.unknown_key(
                    &key,
                    TOP_LEVEL_KEYS,
                    "at the top level",
                    "not a top-level key",
                ),
            }
        }
        if models.is_none() {
            let span = Span {
                end: root.span.start,
                ..root.span
            };
            self.reporter
                .error(
                    Code::MissingModels,
                    span,
                    "schema file has no `models`",
                    "expected a `models:` mapping in this file",
                )
                .help("define models under a top-level `models:` mapping");
        }
        let (models, models_key) = models?;
        Some(Document {
            models: models?,
            models_key,
            field_types,
            shapes,
            compatibility,
        })
    }

    /// The entries of `shapes`.
    fn shapes(&mut self, node: &Node) -> Vec<ShapeDef> {
        let Some(entries) = self.mapping(node, "`shapes`") else {
            return Vec::new();
        };
        let mut shapes = Vec::new();
        for entry in entries {
            let Some(name) = self.key(entry) else {
                continue;
            };
            let context = format!("shape `{}`", name.value);
            let Some(options) = self.mapping_required(&entry.value, &name, &context) else {
                continue;
            };
            let mut shape = ShapeDef {
                doc: entry.comment.clone(),
                fields: None,
                written: BTreeSet::new(),
                name,
            };
            for (key, entry) in self.keyed(options, &mut shape.written) {
                match key.value.as_str() {
                    "fields" => shape.fields = self.fields(&entry.value, &key),
                    _ => self.unknown_key(
                        &key,
                        SHAPE_KEYS,
                        &format!("in {context}"),
                        "not a shape key",
                    ),
                }
            }
            shapes.push(shape);
        }
        shapes
    }

    /// A `fields` mapping, located at its key.
    fn fields(&mut self, node: &Node, key: &Located<String>) -> Option<Located<Vec<FieldDef>>> {
        self.mapping(node, "`fields`").map(|entries| {
            // A FieldDef is large: one allocation of the right size, not a doubling vector.
            let mut fields = Vec::with_capacity(entries.len());
            for entry in entries {
                if let Some(field) = self.key(entry).and_then(|name| self.field(name, entry)) {
                    fields.push(field);
                }
            }
            Located::new(fields, key.span)
        })
    }

    /// The `bao:` block: its `compatibility`.
    fn settings(&mut self, node: &Node) -> Option<Located<String>> {
        let entries = self.mapping(node, "`bao`")?;
        let mut compatibility = None;
        let mut written = BTreeSet::new();
        for (key, entry) in self.keyed(entries, &mut written) {
            match key.value.as_str() {
                "compatibility" => compatibility = self.string(&entry.value, &key),
                _ => self.unknown_key(&key, SETTINGS_KEYS, "in `bao`", "not a bao setting"),
            }
        }
        compatibility
    }

    /// The entries of `fieldTypes`.
    fn field_types(&mut self, node: &Node) -> Vec<FieldTypeDef> {
        let Some(entries) = self.mapping(node, "`fieldTypes`") else {
            return Vec::new();
        };
        let mut types = Vec::new();
        for entry in entries {
            let Some(name) = self.key(entry) else {
                continue;
            };
            let context = format!("field type `{}`", name.value);
            let Some(options) = self.mapping_required(&entry.value, &name, &context) else {
                continue;
            };
            let mut field_type = FieldTypeDef {
                name,
                base: None,
                rust_type: None,
                options: Vec::new(),
                written: BTreeSet::new(),
            };
            for (key, entry) in self.keyed(options, &mut field_type.written) {
                let value = &entry.value;
                match key.value.as_str() {
                    "base" => field_type.base = self.string(value, &key),
                    "rustType" => field_type.rust_type = self.string(value, &key),
                    "options" => {
                        field_type.options = self
                            .string_list(value, &key, "a list of option names")
                            .map_or_else(Vec::new, |list| list.value);
                    }
                    _ => self.unknown_key(
                        &key,
                        FIELD_TYPE_KEYS,
                        &format!("in {context}"),
                        "not a field type key",
                    ),
                }
            }
            types.push(field_type);
        }
        types
    }

    /// The models; `None` when `models` is not a mapping (reported).
    fn models(&mut self, node: &Node) -> Option<Vec<ModelDef>> {
        if node.value == Value::Null {
            return Some(Vec::new());
        }
        let entries = self.mapping(node, "`models`")?;
        Some(
            entries
                .iter()
                .filter_map(|entry| {
                    let name = self.key(entry)?;
                    self.model(name, entry)
                })
                .collect(),
        )
    }

    fn model(&mut self, name: Located<String>, entry: &Entry) -> Option<ModelDef> {
        let entries =
            self.mapping_required(&entry.value, &name, &format!("model `{}`", name.value))?;
        let mut model = ModelDef {
            doc: entry.comment.clone(),
            model_prefix: None,
            fields: None,
            primary_key: None,
            indexes: Vec::new(),
            unique_constraints: Vec::new(),
            iterable: None,
            iteration_buckets: None,
            searchable: None,
            table_type: None,
            rust_name: None,
            soft_delete: None,
            mapping: None,
            methods: None,
            written: BTreeSet::new(),
            name,
        };
        for (key, entry) in self.keyed(entries, &mut model.written) {
            let value = &entry.value;
            match key.value.as_str() {
                "modelPrefix" => model.model_prefix = self.string(value, &key),
                "fields" => model.fields = self.fields(value, &key),
                "primaryKey" => {
                    model.primary_key = self.mapping(value, "`primaryKey`").map(|entries| {
                        Located::new(self.key_def(entries, "`primaryKey`"), key.span)
                    });
                }
                "indexes" => {
                    if let Some(entries) = self.mapping(value, "`indexes`") {
                        model.indexes = entries
                            .iter()
                            .filter_map(|entry| {
                                let name = self.key(entry)?;
                                self.index(name, &entry.value)
                            })
                            .collect();
                    }
                }
                "uniqueConstraints" => {
                    if let Some(entries) = self.mapping(value, "`uniqueConstraints`") {
                        model.unique_constraints = entries
                            .iter()
                            .filter_map(|entry| {
                                let name = self.key(entry)?;
                                self.constraint(name, &entry.value)
                            })
                            .collect();
                    }
                }
                "iterable" => model.iterable = self.boolean(value, &key),
                "iterationBuckets" => model.iteration_buckets = self.integer(value, &key),
                "searchable" => model.searchable = self.searchable(value, &key),
                "tableType" => model.table_type = self.string(value, &key),
                "rustName" => model.rust_name = self.string(value, &key),
                "softDelete" => model.soft_delete = self.string(value, &key),
                "mapping" => model.mapping = self.boolean(value, &key),
                "methods" => model.methods = Some(key.span),
                _ => {
                    let context = format!("in model `{}`", model.name.value);
                    self.unknown_key(&key, MODEL_KEYS, &context, "not a model key");
                }
            }
        }
        Some(model)
    }

    fn field(&mut self, name: Located<String>, entry: &Entry) -> Option<FieldDef> {
        let mut field = FieldDef::blank(name, entry.comment.clone());
        // `mapping: true` models may write `field: {}` or even `field:` for a RelatedField.
        if entry.value.value == Value::Null {
            return Some(field);
        }
        let context = format!("field `{}`", field.name.value);
        if let Value::Str(type_name) = &entry.value.value {
            self.reporter
                .error(
                    Code::WrongType,
                    entry.value.span,
                    format!(
                        "invalid {context}: expected a mapping, found {}",
                        found(&entry.value.value)
                    ),
                    "expected a mapping",
                )
                .help(format!(
                    "write `{}: {{type: {type_name}}}`",
                    field.name.value
                ));
            return None;
        }
        let entries = self.mapping_required(&entry.value, &field.name, &context)?;
        for (key, entry) in self.keyed(entries, &mut field.written) {
            let value = &entry.value;
            match key.value.as_str() {
                "type" => field.field_type = self.string(value, &key),
                "required" => field.required = self.boolean(value, &key),
                "autoAssign" => field.auto_assign = self.boolean(value, &key),
                "defaultValue" => field.default_value = self.scalar(value, &key),
                "maxLength" => field.max_length = self.integer(value, &key),
                "precision" => field.precision = self.integer(value, &key),
                "maxStringLength" => field.max_string_length = self.integer(value, &key),
                "maxMemberCount" => field.max_member_count = self.integer(value, &key),
                "model" => field.model = self.string(value, &key),
                "rustType" => field.rust_type = self.string(value, &key),
                "values" => field.values = self.string_list(value, &key, "a list of strings"),
                "rustName" => field.rust_name = self.string(value, &key),
                "min" => field.min = self.number(value, &key),
                "max" => field.max = self.number(value, &key),
                "pattern" => field.pattern = self.string(value, &key),
                "validate" => field.validate = self.string(value, &key),
                "referentialIntegrity" => {
                    field.referential_integrity = self.boolean(value, &key);
                }
                "onDelete" => field.on_delete = self.string(value, &key),
                "shape" => field.shape = self.string(value, &key),
                "items" => field.items = self.items(entry, &key),
                // Perhaps an option of a declared type, which may be in another file.
                _ => field.extra.push((key, value.clone())),
            }
        }
        Some(field)
    }

    /// `items` of a ListField: a type name, or a field mapping (`{shape: Address}` or
    /// `{type: StringField, values: [..]}`), named `items` and located at the key.
    fn items(&mut self, entry: &Entry, key: &Located<String>) -> Option<Box<FieldDef>> {
        let name = Located::new("items".to_owned(), key.span);
        let items = match &entry.value.value {
            Value::Str(type_name) => {
                let mut items = FieldDef::blank(name, None);
                items.field_type = Some(Located::new(type_name.clone(), entry.value.span));
                items.written.insert("type".to_owned());
                items.shorthand = true;
                items
            }
            _ => {
                let mut items = self.field(name, entry)?;
                items.doc = None;
                items
            }
        };
        Some(Box::new(items))
    }

    fn key_def(&mut self, entries: &[Entry], context: &str) -> KeyDef {
        let mut key_def = KeyDef::default();
        for (key, entry) in self.keyed(entries, &mut key_def.written) {
            match key.value.as_str() {
                "partitionKey" => key_def.partition_key = self.string(&entry.value, &key),
                "sortKey" => key_def.sort_key = self.string(&entry.value, &key),
                _ => self.unknown_key(&key, KEY_KEYS, &format!("in {context}"), "not a key option"),
            }
        }
        key_def
    }

    fn index(&mut self, name: Located<String>, node: &Node) -> Option<IndexDef> {
        let context = format!("index `{}`", name.value);
        let body = match &node.value {
            Value::Str(alias) if alias == "primaryKey" => IndexBody::PrimaryKeyAlias,
            Value::Map(entries) => {
                let mut key = KeyDef::default();
                let mut index_id = None;
                for (option, entry) in self.keyed(entries, &mut key.written) {
                    match option.value.as_str() {
                        "partitionKey" => key.partition_key = self.string(&entry.value, &option),
                        "sortKey" => key.sort_key = self.string(&entry.value, &option),
                        "indexId" => index_id = self.string(&entry.value, &option),
                        _ => self.unknown_key(
                            &option,
                            INDEX_KEYS,
                            &format!("in {context}"),
                            "not an index option",
                        ),
                    }
                }
                IndexBody::Gsi { key, index_id }
            }
            other => {
                self.reporter
                    .error(
                        Code::WrongType,
                        value_or_key(node, name.span),
                        format!(
                            "invalid {context}: expected a mapping or `primaryKey`, found {}",
                            found(other)
                        ),
                        "expected `{partitionKey: .., sortKey: .., indexId: ..}` or `primaryKey`",
                    )
                    .help("write `primaryKey` to name the primary key, or give the GSI's keys and `indexId`");
                return None;
            }
        };
        Some(IndexDef { name, body })
    }

    fn constraint(&mut self, name: Located<String>, node: &Node) -> Option<ConstraintDef> {
        let context = format!("unique constraint `{}`", name.value);
        let entries = self.mapping_required(node, &name, &context)?;
        let mut constraint = ConstraintDef {
            name,
            field: None,
            id: None,
            written: BTreeSet::new(),
        };
        for (key, entry) in self.keyed(entries, &mut constraint.written) {
            match key.value.as_str() {
                "field" => constraint.field = self.string(&entry.value, &key),
                "uniqueConstraintId" => constraint.id = self.string(&entry.value, &key),
                _ => self.unknown_key(
                    &key,
                    CONSTRAINT_KEYS,
                    &format!("in {context}"),
                    "not a constraint option",
                ),
            }
        }
        Some(constraint)
    }

    /// `searchable`, located at its value, or at its key when the value is a mapping.
    fn searchable(&mut self, node: &Node, key: &Located<String>) -> Option<Located<SearchableDef>> {
        let definition = match &node.value {
            Value::Null | Value::Bool(false) => return None,
            Value::Bool(true) => SearchableDef::True,
            Value::Map(entries) => {
                let mut fields = None;
                let mut case_sensitive = None;
                let mut min_term_length = None;
                let mut dedupe = None;
                let mut written = BTreeSet::new();
                for (key, entry) in self.keyed(entries, &mut written) {
                    let value = &entry.value;
                    match key.value.as_str() {
                        "fields" => fields = self.string_list(value, &key, "a list of field names"),
                        "caseSensitive" => case_sensitive = self.boolean(value, &key),
                        "minTermLength" => min_term_length = self.integer(value, &key),
                        "dedupe" => dedupe = self.boolean(value, &key),
                        _ => self.unknown_key(
                            &key,
                            SEARCHABLE_KEYS,
                            "in `searchable`",
                            "not a `searchable` option",
                        ),
                    }
                }
                SearchableDef::Config {
                    fields,
                    case_sensitive,
                    min_term_length,
                    dedupe,
                    written,
                }
            }
            other => {
                self.reporter
                    .error(
                        Code::WrongType,
                        node.span,
                        format!(
                            "invalid type for `searchable`: expected `false` or a mapping, found {}",
                            found(other)
                        ),
                        "expected `false` or `{fields: [..]}`",
                    )
                    .help("write `searchable: {fields: [name]}` to index StringFields for search");
                return None;
            }
        };
        let span = if matches!(node.value, Value::Map(_)) {
            key.span
        } else {
            node.span
        };
        Some(Located::new(definition, span))
    }

    fn string_list(
        &mut self,
        node: &Node,
        key: &Located<String>,
        what: &str,
    ) -> Option<Located<Vec<Located<String>>>> {
        match &node.value {
            Value::Null => None,
            Value::Seq(items) => Some(Located::new(
                items
                    .iter()
                    .filter_map(|item| self.string(item, key))
                    .collect(),
                key.span,
            )),
            other => {
                self.wrong_type(node, key, what, other);
                None
            }
        }
    }

    /// The entries of a mapping with string keys (others are reported); records in `written`
    /// each key whose value is not null.
    fn keyed<'n>(
        &mut self,
        entries: &'n [Entry],
        written: &mut BTreeSet<String>,
    ) -> Vec<(Located<String>, &'n Entry)> {
        entries
            .iter()
            .filter_map(|entry| {
                let key = self.key(entry)?;
                if entry.value.value != Value::Null {
                    written.insert(key.value.clone());
                }
                Some((key, entry))
            })
            .collect()
    }

    /// A mapping key as a string; scalar keys such as `1` keep their source spelling.
    fn key(&mut self, entry: &Entry) -> Option<Located<String>> {
        let key = &entry.key;
        let text = match &key.value {
            Value::Str(text) => text.clone(),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                self.reporter.sources().file(key.span.file).text()[key.span.range()].to_owned()
            }
            other => {
                self.reporter
                    .error(
                        Code::WrongType,
                        key.span,
                        format!("invalid key: expected a string, found {}", found(other)),
                        "expected a name",
                    )
                    .help(
                        "keys in a schema are names; quote the key if it must contain YAML syntax",
                    );
                return None;
            }
        };
        Some(Located::new(text, key.span))
    }

    /// A mapping, or `None` (reported unless `null`).
    fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Entry]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            Value::Null => None,
            other => {
                self.reporter.error(
                    Code::WrongType,
                    node.span,
                    format!(
                        "invalid type for {what}: expected a mapping, found {}",
                        found(other)
                    ),
                    "expected a mapping",
                );
                None
            }
        }
    }

    /// A mapping that must be there; `null` is reported at the key.
    fn mapping_required<'n>(
        &mut self,
        node: &'n Node,
        key: &Located<String>,
        what: &str,
    ) -> Option<&'n [Entry]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            other => {
                self.reporter.error(
                    Code::WrongType,
                    value_or_key(node, key.span),
                    format!("invalid {what}: expected a mapping, found {}", found(other)),
                    "expected a mapping",
                );
                None
            }
        }
    }

    fn string(&mut self, node: &Node, key: &Located<String>) -> Option<Located<String>> {
        match &node.value {
            Value::Str(text) => Some(Located::new(text.clone(), node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "a string", other);
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, key: &Located<String>) -> Option<Located<bool>> {
        match &node.value {
            Value::Bool(value) => Some(Located::new(*value, node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "a boolean", other);
                None
            }
        }
    }

    fn integer(&mut self, node: &Node, key: &Located<String>) -> Option<Located<i128>> {
        match &node.value {
            Value::Int(value) => Some(Located::new(*value, node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "an integer", other);
                None
            }
        }
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "a bound is compared as a JavaScript number"
    )]
    fn number(&mut self, node: &Node, key: &Located<String>) -> Option<Located<f64>> {
        match &node.value {
            Value::Int(value) => Some(Located::new(*value as f64, node.span)),
            Value::Float(value) => Some(Located::new(*value, node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "a number", other);
                None
            }
        }
    }

    fn scalar(&mut self, node: &Node, key: &Located<String>) -> Option<Node> {
        match &node.value {
            Value::Null => None,
            Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => Some(node.clone()),
            other => {
                self.wrong_type(node, key, "a string, number or boolean", other);
                None
            }
        }
    }

    fn wrong_type(&mut self, node: &Node, key: &Located<String>, expected: &str, other: &Value) {
        let help = match other {
            Value::Str(text) if expected == "a boolean" => Some(format!(
                "YAML 1.2 booleans are `true` and `false`; `{text}` is a string"
            )),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) if expected == "a string" => {
                let text = &self.reporter.sources().file(node.span.file).text()[node.span.range()];
                Some(format!("quote the value to make it a string: `\"{text}\"`"))
            }
            _ => None,
        };
        let label = match expected {
            "a boolean" => "expected `true` or `false`".to_owned(),
            _ => format!("expected {expected}"),
        };
        self.reporter
            .error(
                Code::WrongType,
                value_or_key(node, key.span),
                format!(
                    "invalid type for `{}`: expected {expected}, found {}",
                    key.value,
                    found(other)
                ),
                label,
            )
            .help_opt(help);
    }

    fn unknown_key(&mut self, key: &Located<String>, known: &[&str], context: &str, label: &str) {
        unknown_key(self.reporter, key, known, context, label);
    }
}

/// Reports a key that is not one of `known`, with a "did you mean" when one is close.
pub(crate) fn unknown_key(
    reporter: &mut Reporter,
    key: &Located<String>,
    known: &[&str],
    context: &str,
    label: &str,
) {
    let help = diagnostic::suggestion(&key.value, known.iter().copied(), || {
        Some(format!(
            "the keys allowed here are {}",
            diagnostic::list(known.iter().copied())
        ))
    });
    reporter
        .error(
            Code::UnknownKey,
            key.span,
            format!("unknown key `{}` {context}", key.value),
            label,
        )
        .help_opt(help);
}

/// The value's span, or the key's when the value is a block collection (whose span is empty).
fn value_or_key(node: &Node, key: Span) -> Span {
    if node.span.start == node.span.end {
        key
    } else {
        node.span
    }
}

/// What a wrong value is, quoting short strings: "the string `yes`".
fn found(value: &Value) -> String {
    match value {
        Value::Str(text) if text.chars().count() <= 40 && !text.contains(['\n', '`']) => {
            format!("the string `{text}`")
        }
        Value::Int(number) => format!("the integer `{number}`"),
        Value::Bool(value) => format!("`{value}`"),
        other => other.describe().to_owned(),
    }
}
