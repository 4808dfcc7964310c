//! How the parse stage reads the schema's structures from the YAML tree: the document, its
//! shapes, field types and models, each model's fields, keys, indexes, constraints and
//! `searchable`.

use std::collections::BTreeSet;

use super::values::{found, value_or_key};
use super::{
    CONSTRAINT_KEYS, ConstraintDef, Decoder, Document, FIELD_TYPE_KEYS, FieldDef, FieldTypeDef,
    INDEX_KEYS, IndexBody, IndexDef, KEY_KEYS, KeyDef, MODEL_KEYS, ModelDef, SEARCHABLE_KEYS,
    SETTINGS_KEYS, SHAPE_KEYS, SearchableDef, ShapeDef, TOP_LEVEL_KEYS,
};
use crate::diagnostic::Code;
use crate::source::{Located, Span};
use crate::yaml::{Entry, Node, Value};

impl Decoder<'_> {
    pub(super) fn document(&mut self, root: &Node) -> Option<Document> {
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
}
