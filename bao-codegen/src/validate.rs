//! Stage 2 (validate): the raw schema -> [`ir::Schema`], or every diagnostic at once.
//!
//! Checks run over the whole schema and never stop early: each model is resolved as far as it
//! can be, problems are reported as they are found, and only at the end does any error reject
//! the schema. Names of generated methods are computed for every model (including the
//! instance queries and mapping getters that other models contribute) before collisions are
//! checked.
//!
//! [`load_and_validate`] and [`validate_source`] are the entry points of the front half of the
//! compiler. They are public for the crate's own integration tests and are not a stable API.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{self, Code, Diagnostic, Diagnostics, Reporter};
use crate::ir::{self, FieldType, KeyPart};
use crate::load;
use crate::naming;
use crate::schema::{
    ConstraintDef, FieldDef, IndexBody, IndexDef, KeyDef, ModelDef, SearchableDef,
};
use crate::source::{Located, Span};
use crate::yaml::{Node, Value};

/// A valid schema and what was learned while reading it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The resolved schema.
    pub schema: ir::Schema,
    /// Warnings, sorted by file and position.
    pub warnings: Vec<Diagnostic>,
    /// Every file read (for `cargo:rerun-if-changed` and `bao watch`).
    pub inputs: Vec<PathBuf>,
}

/// Loads a schema file or directory and validates it. On failure, the [`Diagnostics`] hold
/// every error and warning.
pub fn load_and_validate(path: &Path) -> Result<Loaded, Diagnostics> {
    let mut reporter = Reporter::default();
    let loaded = load::load_path(path, &mut reporter);
    finish(loaded, reporter)
}

/// Validates one schema held in memory; `file_name` is used in diagnostics.
pub fn validate_source(file_name: &str, text: &str) -> Result<Loaded, Diagnostics> {
    let mut reporter = Reporter::default();
    let loaded = load::load_texts(vec![(file_name.to_owned(), text.to_owned())], &mut reporter);
    finish(loaded, reporter)
}

fn finish(loaded: load::Loaded, mut reporter: Reporter) -> Result<Loaded, Diagnostics> {
    let schema = validate(&loaded.models, loaded.complete, &mut reporter);
    let diagnostics = Diagnostics::new(reporter.finish());
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(Loaded {
            schema,
            warnings: diagnostics.into_iter().collect(),
            inputs: loaded.inputs,
        })
    }
}

/// Resolves every model. The result is meaningful only when no error was reported.
pub(crate) fn validate(models: &[ModelDef], complete: bool, reporter: &mut Reporter) -> ir::Schema {
    let mut checker = Checker {
        reporter,
        complete,
        model_names: models
            .iter()
            .map(|model| model.name.value.as_str())
            .collect(),
    };
    let mut resolved: Vec<Resolved<'_>> = models.iter().map(|model| checker.model(model)).collect();
    checker.prefixes(&resolved);
    checker.modules(&resolved);
    checker.methods(&mut resolved);
    let mut models: Vec<ir::Model> = resolved.into_iter().map(|r| r.model).collect();
    models.sort_by(|a, b| a.name.cmp(&b.name));
    ir::Schema { models }
}

const FIELD_TYPES: &[(&str, FieldType)] = &[
    ("StringField", FieldType::StringField),
    ("IntegerField", FieldType::IntegerField),
    ("FloatField", FieldType::FloatField),
    ("BooleanField", FieldType::BooleanField),
    ("DateTimeField", FieldType::DateTimeField),
    ("CreateDateField", FieldType::CreateDateField),
    ("ModifiedDateField", FieldType::ModifiedDateField),
    ("UlidField", FieldType::UlidField),
    ("RelatedField", FieldType::RelatedField),
    ("CounterField", FieldType::CounterField),
    ("BinaryField", FieldType::BinaryField),
    ("VersionField", FieldType::VersionField),
    ("TtlField", FieldType::TtlField),
    ("StringSetField", FieldType::StringSetField),
];

/// The YAML spelling of a field type.
fn type_name(field_type: FieldType) -> &'static str {
    FIELD_TYPES
        .iter()
        .find(|(_, candidate)| *candidate == field_type)
        .map_or("?", |(name, _)| name)
}

/// Whether a field option applies to a field type (`required` and `model` are checked
/// apart).
fn option_applies(option: &str, field_type: FieldType) -> bool {
    use FieldType as T;
    match option {
        "autoAssign" => field_type == T::UlidField,
        "defaultValue" => matches!(
            field_type,
            T::StringField | T::IntegerField | T::FloatField | T::BooleanField | T::CounterField
        ),
        "maxLength" => field_type == T::StringField,
        "precision" => field_type == T::FloatField,
        "maxStringLength" | "maxMemberCount" => field_type == T::StringSetField,
        _ => true,
    }
}

/// Characters that DynamoBao uses as separators inside keys.
const PREFIX_FORBIDDEN: &[char] = &['#', '[', ']', ':'];
/// The `_pk` prefix (and `_sk`) of DynamoBao's unique-constraint items.
const UNIQUE_CONSTRAINT_PREFIX: &str = "_raft_uc";

const DEFAULT_ITERATION_BUCKETS: u32 = 10;
const MAX_ITERATION_BUCKETS: i128 = 1000;
const MAX_PRECISION: i128 = 100;

/// A model resolved as far as its definition allows.
struct Resolved<'d> {
    def: &'d ModelDef,
    model: ir::Model,
    /// Every declared field name, including fields that failed to resolve.
    declared: BTreeSet<&'d str>,
    /// The name span of each field of `model.fields`.
    field_spans: Vec<Span>,
    /// The name span of each index of `model.indexes`.
    index_spans: Vec<Span>,
    /// The name span of each constraint of `model.unique_constraints`.
    constraint_spans: Vec<Span>,
}

impl Resolved<'_> {
    fn field(&self, name: &str) -> Option<&ir::Field> {
        self.model.fields.iter().find(|field| field.name == name)
    }

    /// The RelatedField that a key part names, with its target model.
    fn related_key(&self, part: &KeyPart) -> Option<(&str, &str)> {
        let KeyPart::Field(name) = part else {
            return None;
        };
        let field = self.field(name)?;
        Some((field.name.as_str(), field.related_model.as_deref()?))
    }
}

/// A generated method and where it comes from.
struct MethodSite {
    name: String,
    span: Span,
    origin: String,
}

/// How a key part is used, for messages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Partition,
    Sort,
}

impl Role {
    fn describe(self) -> &'static str {
        match self {
            Role::Partition => "partition key",
            Role::Sort => "sort key",
        }
    }
}

struct Checker<'r, 'd> {
    reporter: &'r mut Reporter,
    complete: bool,
    model_names: BTreeSet<&'d str>,
}

impl<'d> Checker<'_, 'd> {
    fn model(&mut self, def: &'d ModelDef) -> Resolved<'d> {
        let name = &def.name;
        self.model_name(name);
        let (file, line) = self.reporter.sources().line_of(name.span);
        let source = ir::SourceRef {
            file: file.to_owned(),
            line,
        };
        let mut resolved = Resolved {
            def,
            model: ir::Model {
                name: name.value.clone(),
                module: naming::module_name(&name.value).unwrap_or_default(),
                prefix: self.prefix(def),
                doc: def.doc.clone(),
                fields: Vec::new(),
                primary_key: ir::Key {
                    partition: KeyPart::ModelPrefix,
                    sort: KeyPart::ModelPrefix,
                },
                indexes: Vec::new(),
                unique_constraints: Vec::new(),
                iteration_buckets: None,
                table_type: self.table_type(def),
                searchable: None,
                methods: ir::Methods::default(),
                source,
            },
            declared: BTreeSet::new(),
            field_spans: Vec::new(),
            index_spans: Vec::new(),
            constraint_spans: Vec::new(),
        };
        if let Some(methods) = def.methods {
            self.reporter
                .warning(
                    Code::MethodsIgnored,
                    methods,
                    format!("`methods` of model `{}` is ignored", name.value),
                    "DynamoBao does not use this key either",
                )
                .help("remove the `methods` key");
        }
        self.fields(&mut resolved);
        self.primary_key(&mut resolved);
        self.indexes(&mut resolved);
        self.constraints(&mut resolved);
        self.iteration(&mut resolved);
        self.searchable(&mut resolved);
        self.mapping_table(&resolved);
        resolved
    }

    fn model_name(&mut self, name: &Located<String>) {
        if let Some(problem) = naming::model_name_problem(&name.value) {
            let help = naming::model_name_suggestion(&name.value)
                .map(|suggestion| format!("{problem}, e.g. `{suggestion}`"))
                .unwrap_or_else(|| problem.to_owned());
            self.reporter
                .error(
                    Code::InvalidModelName,
                    name.span,
                    format!("invalid model name `{}`", name.value),
                    "not a PascalCase Rust type name",
                )
                .help(help);
        }
    }

    fn prefix(&mut self, def: &ModelDef) -> String {
        let Some(prefix) = &def.model_prefix else {
            if def.written.contains("modelPrefix") {
                return String::new();
            }
            self.reporter
                .error(
                    Code::MissingModelPrefix,
                    def.name.span,
                    format!("model `{}` has no `modelPrefix`", def.name.value),
                    "this model needs a `modelPrefix`",
                )
                .help("add a short, unique, never-changing prefix, e.g. `modelPrefix: u`");
            return String::new();
        };
        if prefix.value.is_empty() {
            self.reporter
                .error(
                    Code::InvalidModelPrefix,
                    prefix.span,
                    format!("`modelPrefix` of model `{}` is empty", def.name.value),
                    "empty prefix",
                )
                .help("use a short, unique, never-changing prefix, e.g. `modelPrefix: u`");
        } else if let Some(bad) = prefix.value.chars().find(|c| PREFIX_FORBIDDEN.contains(c)) {
            self.reporter
                .error(
                    Code::InvalidModelPrefix,
                    prefix.span,
                    format!(
                        "`modelPrefix` `{}` of model `{}` contains `{bad}`",
                        prefix.value, def.name.value
                    ),
                    "keys use this character as a separator",
                )
                .help("a prefix must not contain `#`, `[`, `]` or `:`");
        } else if prefix.value.starts_with(UNIQUE_CONSTRAINT_PREFIX) {
            self.reporter
                .error(
                    Code::ReservedModelPrefix,
                    prefix.span,
                    format!(
                        "`modelPrefix` `{}` of model `{}` starts with `{UNIQUE_CONSTRAINT_PREFIX}`",
                        prefix.value, def.name.value
                    ),
                    "unique-constraint items use this prefix",
                )
                .help(format!(
                    "an item of this model could take the key of a unique-constraint item \
                     (`{UNIQUE_CONSTRAINT_PREFIX}#_uc1#u#email:...`); choose another prefix"
                ));
        }
        prefix.value.clone()
    }

    fn table_type(&mut self, def: &ModelDef) -> ir::TableType {
        let Some(table_type) = &def.table_type else {
            return ir::TableType::Standard;
        };
        match table_type.value.as_str() {
            "standard" => ir::TableType::Standard,
            "mapping" => ir::TableType::Mapping,
            other => {
                let help = diagnostic::suggestion(other, ["standard", "mapping"], || {
                    Some("`tableType` is `standard` (the default) or `mapping`".to_owned())
                });
                self.reporter
                    .error(
                        Code::InvalidTableType,
                        table_type.span,
                        format!("invalid `tableType` `{other}`"),
                        "expected `standard` or `mapping`",
                    )
                    .help_opt(help);
                ir::TableType::Standard
            }
        }
    }

    fn fields(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let model = &def.name.value;
        let fields = def
            .fields
            .as_ref()
            .filter(|fields| !fields.value.is_empty());
        let Some(fields) = fields else {
            if def.fields.is_none() && def.written.contains("fields") {
                return;
            }
            let span = def
                .fields
                .as_ref()
                .map_or(def.name.span, |fields| fields.span);
            self.reporter
                .error(
                    Code::NoFields,
                    span,
                    format!("model `{model}` has no fields"),
                    "expected at least one field",
                )
                .help("add fields under `fields:`, e.g. `name: {type: StringField}`");
            return;
        };
        let mapping_defaults = def.mapping.as_ref().is_some_and(|mapping| mapping.value);
        let mut rust_names: BTreeMap<String, Span> = BTreeMap::new();
        for field in &fields.value {
            resolved.declared.insert(field.name.value.as_str());
            let rust_name = self.field_name(model, field, &mut rust_names);
            let Some(field_type) = self.field_type(model, field, mapping_defaults) else {
                continue;
            };
            let resolved_field = self.field_options(model, field, field_type, rust_name);
            resolved.model.fields.push(resolved_field);
            resolved.field_spans.push(field.name.span);
        }
    }

    fn field_name(
        &mut self,
        model: &str,
        field: &FieldDef,
        rust_names: &mut BTreeMap<String, Span>,
    ) -> String {
        let name = &field.name;
        if name.value.starts_with('_') {
            self.reporter
                .error(
                    Code::LeadingUnderscore,
                    name.span,
                    format!("field name `{}` of `{model}` starts with `_`", name.value),
                    "names starting with `_` are reserved for DynamoBao's attributes",
                )
                .help(format!(
                    "rename the field, e.g. `{}`",
                    name.value.trim_start_matches('_')
                ));
        }
        let Some(rust_name) = naming::field_ident(&name.value) else {
            self.reporter
                .error(
                    Code::InvalidIdentifier,
                    name.span,
                    format!(
                        "field name `{}` of `{model}` has no Rust identifier form",
                        name.value
                    ),
                    "expected ASCII letters, digits and `_`",
                )
                .help("rename the field; Rust names are the snake_case of the field name");
            return String::new();
        };
        if let Some(&first) = rust_names.get(&rust_name) {
            self.reporter
                .error(
                    Code::FieldNameCollision,
                    name.span,
                    format!(
                        "field `{}` of `{model}` has the same Rust name `{rust_name}` as another field",
                        name.value
                    ),
                    format!("also `{rust_name}` in Rust"),
                )
                .secondary(first, format!("`{rust_name}` in Rust"))
                .help("rename one of the fields so that their snake_case names differ");
        } else {
            rust_names.insert(rust_name.clone(), name.span);
        }
        rust_name
    }

    fn field_type(
        &mut self,
        model: &str,
        field: &FieldDef,
        mapping_defaults: bool,
    ) -> Option<FieldType> {
        let Some(type_name) = &field.field_type else {
            if field.written.contains("type") {
                return None;
            }
            if mapping_defaults {
                return Some(FieldType::RelatedField);
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    field.name.span,
                    format!("field `{}` of `{model}` has no `type`", field.name.value),
                    "expected `type: ...`",
                )
                .help("give the field a type, e.g. `{type: StringField}`");
            return None;
        };
        let found = FIELD_TYPES
            .iter()
            .find(|(name, _)| *name == type_name.value)
            .map(|(_, field_type)| *field_type);
        if found.is_none() {
            let help = diagnostic::suggestion(
                &type_name.value,
                FIELD_TYPES.iter().map(|(name, _)| *name),
                || {
                    Some(format!(
                        "the field types are {}",
                        diagnostic::list(FIELD_TYPES.iter().map(|(name, _)| *name))
                    ))
                },
            );
            self.reporter
                .error(
                    Code::UnknownFieldType,
                    type_name.span,
                    format!("unknown field type `{}`", type_name.value),
                    "not a bao field type",
                )
                .help_opt(help);
        }
        found
    }

    fn field_options(
        &mut self,
        model: &str,
        field: &FieldDef,
        field_type: FieldType,
        rust_name: String,
    ) -> ir::Field {
        use FieldType as T;
        let name = &field.name.value;
        if field_type == T::TtlField && name != "ttl" {
            self.reporter
                .error(
                    Code::TtlFieldName,
                    field.name.span,
                    format!("TtlField `{name}` of `{model}` must be named `ttl`"),
                    "the table's time-to-live attribute is `ttl`",
                )
                .help("rename the field to `ttl`");
        }
        let allowed = |option: &str| option_applies(option, field_type);
        let options: [(&str, Option<Span>); 6] = [
            ("autoAssign", field.auto_assign.as_ref().map(|o| o.span)),
            ("defaultValue", field.default_value.as_ref().map(|o| o.span)),
            ("maxLength", field.max_length.as_ref().map(|o| o.span)),
            ("precision", field.precision.as_ref().map(|o| o.span)),
            (
                "maxStringLength",
                field.max_string_length.as_ref().map(|o| o.span),
            ),
            (
                "maxMemberCount",
                field.max_member_count.as_ref().map(|o| o.span),
            ),
        ];
        for (option, span) in options {
            if let Some(span) = span
                && !allowed(option)
            {
                let owners = FIELD_TYPES
                    .iter()
                    .filter(|(_, owner)| option_applies(option, *owner))
                    .map(|(name, _)| *name);
                self.reporter
                    .error(
                        Code::OptionNotAllowed,
                        span,
                        format!(
                            "`{option}` does not apply to {} `{name}`",
                            type_name(field_type)
                        ),
                        format!("not an option of {}", type_name(field_type)),
                    )
                    .help(format!(
                        "`{option}` applies to {}; remove it here",
                        diagnostic::list(owners)
                    ));
            }
        }
        if let Some(model_option) = &field.model
            && field_type != T::RelatedField
        {
            self.reporter
                .error(
                    Code::ModelOnNonRelatedField,
                    model_option.span,
                    format!(
                        "`model` does not apply to {} `{name}`",
                        type_name(field_type)
                    ),
                    "only a RelatedField names a model",
                )
                .help("remove `model`, or make the field `type: RelatedField`");
        }
        let related_model = if field_type == T::RelatedField {
            self.related_model(model, field)
        } else {
            None
        };
        let implied_required = matches!(
            field_type,
            T::CreateDateField | T::ModifiedDateField | T::VersionField | T::UlidField
        );
        ir::Field {
            name: name.clone(),
            rust_name,
            field_type,
            required: implied_required || field.required.as_ref().is_some_and(|r| r.value),
            auto_assign: allowed("autoAssign")
                && field.auto_assign.as_ref().is_some_and(|a| a.value),
            default: field
                .default_value
                .as_ref()
                .filter(|_| allowed("defaultValue"))
                .and_then(|value| self.default_value(name, field_type, value)),
            max_length: self.non_negative(
                field.max_length.as_ref().filter(|_| allowed("maxLength")),
                "maxLength",
            ),
            precision: self.precision(field.precision.as_ref().filter(|_| allowed("precision"))),
            max_string_length: self.non_negative(
                field
                    .max_string_length
                    .as_ref()
                    .filter(|_| allowed("maxStringLength")),
                "maxStringLength",
            ),
            max_member_count: self.non_negative(
                field
                    .max_member_count
                    .as_ref()
                    .filter(|_| allowed("maxMemberCount")),
                "maxMemberCount",
            ),
            related_model,
            doc: field.doc.clone(),
        }
    }

    fn related_model(&mut self, model: &str, field: &FieldDef) -> Option<String> {
        let Some(target) = &field.model else {
            self.reporter
                .error(
                    Code::MissingRelatedModel,
                    field.name.span,
                    format!(
                        "RelatedField `{}` of `{model}` has no `model`",
                        field.name.value
                    ),
                    "which model does this field point to?",
                )
                .help("name the related model, e.g. `{type: RelatedField, model: User}`");
            return None;
        };
        if self.complete && !self.model_names.contains(target.value.as_str()) {
            let names = self.model_names.clone();
            let help = diagnostic::suggestion(&target.value, names.iter().copied(), || {
                Some(format!(
                    "the models are {}",
                    diagnostic::list(names.iter().copied())
                ))
            });
            self.reporter
                .error(
                    Code::UnknownRelatedModel,
                    target.span,
                    format!(
                        "RelatedField `{}` of `{model}` points to unknown model `{}`",
                        field.name.value, target.value
                    ),
                    format!("no model named `{}`", target.value),
                )
                .help_opt(help);
        }
        Some(target.value.clone())
    }

    fn default_value(
        &mut self,
        field: &str,
        field_type: FieldType,
        node: &Node,
    ) -> Option<ir::DefaultValue> {
        use FieldType as T;
        let value = match (field_type, &node.value) {
            (T::StringField, Value::Str(text)) => Some(ir::DefaultValue::String(text.clone())),
            (T::IntegerField | T::CounterField, Value::Int(number)) => {
                i64::try_from(*number).ok().map(ir::DefaultValue::Integer)
            }
            #[allow(clippy::cast_precision_loss)]
            (T::FloatField, Value::Int(number)) => Some(ir::DefaultValue::Float(*number as f64)),
            (T::FloatField, Value::Float(number)) => Some(ir::DefaultValue::Float(*number)),
            (T::BooleanField, Value::Bool(flag)) => Some(ir::DefaultValue::Boolean(*flag)),
            _ => None,
        };
        if value.is_none() {
            let expected = match field_type {
                T::StringField => "a string",
                T::IntegerField | T::CounterField => "an integer that fits in 64 bits",
                T::FloatField => "a number",
                _ => "`true` or `false`",
            };
            self.reporter
                .error(
                    Code::DefaultValueType,
                    node.span,
                    format!(
                        "`defaultValue` of {} `{field}` must be {expected}, found {}",
                        type_name(field_type),
                        node.value.describe()
                    ),
                    format!("expected {expected}"),
                )
                .help(match node.value {
                    Value::Str(_) => "write the value without quotes".to_owned(),
                    _ if field_type == T::StringField => {
                        "quote the value to make it a string".to_owned()
                    }
                    _ => format!(
                        "give a default of the field's type ({})",
                        type_name(field_type)
                    ),
                });
        }
        value
    }

    fn non_negative(&mut self, option: Option<&Located<i128>>, name: &str) -> Option<u64> {
        let option = option?;
        let value = u64::try_from(option.value).ok();
        if value.is_none() {
            self.reporter
                .error(
                    Code::OptionOutOfRange,
                    option.span,
                    format!("`{name}` must not be negative, found `{}`", option.value),
                    "expected 0 or more",
                )
                .help(format!("give `{name}` as a count of characters or items"));
        }
        value
    }

    fn precision(&mut self, option: Option<&Located<i128>>) -> Option<u32> {
        let option = option?;
        let value = u32::try_from(option.value)
            .ok()
            .filter(|value| i128::from(*value) <= MAX_PRECISION);
        if value.is_none() {
            self.reporter
                .error(
                    Code::OptionOutOfRange,
                    option.span,
                    format!(
                        "`precision` must be between 0 and {MAX_PRECISION}, found `{}`",
                        option.value
                    ),
                    "the number of decimal places kept on write",
                )
                .help(format!("use a `precision` between 0 and {MAX_PRECISION}"));
        }
        value
    }

    fn primary_key(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let Some(primary_key) = &def.primary_key else {
            if def.written.contains("primaryKey") {
                return;
            }
            self.reporter
                .error(
                    Code::MissingPrimaryKey,
                    def.name.span,
                    format!("model `{}` has no `primaryKey`", def.name.value),
                    "this model needs a `primaryKey`",
                )
                .help("add e.g. `primaryKey: {partitionKey: userId}` (the sort key defaults to `modelPrefix`)");
            return;
        };
        let context = format!("the primary key of `{}`", def.name.value);
        if let Some(key) = self.key(
            resolved,
            &primary_key.value,
            primary_key.span,
            &context,
            false,
        ) {
            for part in [&key.partition, &key.sort] {
                if let KeyPart::Field(name) = part
                    && let Some(field) = resolved.model.fields.iter_mut().find(|f| f.name == *name)
                {
                    field.required = true;
                }
            }
            resolved.model.primary_key = key;
        }
    }

    /// Resolves a key. `at` is where a missing `partitionKey` or `sortKey` is reported.
    fn key(
        &mut self,
        resolved: &Resolved<'d>,
        key: &KeyDef,
        at: Span,
        context: &str,
        sort_required: bool,
    ) -> Option<ir::Key> {
        let partition = match &key.partition_key {
            Some(part) => self.key_part(resolved, part, Role::Partition, context),
            None if key.written.contains("partitionKey") => None,
            None => {
                self.reporter
                    .error(
                        Code::MissingKey,
                        at,
                        format!("{context} has no `partitionKey`"),
                        "expected `partitionKey: ...`",
                    )
                    .help("name a field, or `modelPrefix`, as the partition key");
                None
            }
        };
        let sort = match &key.sort_key {
            Some(part) => self.key_part(resolved, part, Role::Sort, context),
            None if key.written.contains("sortKey") => None,
            None if sort_required => {
                self.reporter
                    .error(
                        Code::MissingKey,
                        at,
                        format!("{context} has no `sortKey`"),
                        "expected `sortKey: ...`",
                    )
                    .help("name a field as the sort key, or write `sortKey: modelPrefix`");
                None
            }
            None => Some(KeyPart::ModelPrefix),
        };
        Some(ir::Key {
            partition: partition?,
            sort: sort?,
        })
    }

    fn key_part(
        &mut self,
        resolved: &Resolved<'d>,
        part: &Located<String>,
        role: Role,
        context: &str,
    ) -> Option<KeyPart> {
        use FieldType as T;
        if part.value == "modelPrefix" {
            return Some(KeyPart::ModelPrefix);
        }
        let field_type = self.field_reference(
            resolved,
            part,
            &format!("the {} of {context}", role.describe()),
        )?;
        match field_type {
            T::StringSetField | T::BinaryField => {
                self.unindexable(
                    part,
                    field_type,
                    &format!("the {} of {context}", role.describe()),
                );
            }
            T::IntegerField | T::FloatField if role == Role::Sort => {
                let (label, help) = if field_type == T::IntegerField {
                    (
                        "negative values sort out of order",
                        "DynamoBao zero-pads integers in keys, which orders only non-negative values correctly; keep the values non-negative",
                    )
                } else {
                    (
                        "floats sort as text in exponent notation",
                        "DynamoBao writes floats in keys in exponent notation, which does not sort numerically; sort by an IntegerField of scaled non-negative values, or by a DateTimeField",
                    )
                };
                self.reporter
                    .warning(
                        Code::UnsortableSortKey,
                        part.span,
                        format!(
                            "{} `{}` does not sort correctly as the sort key of {context}",
                            type_name(field_type),
                            part.value
                        ),
                        label,
                    )
                    .help(help);
            }
            _ => {}
        }
        Some(KeyPart::Field(part.value.clone()))
    }

    /// The type of the field a key, constraint or `searchable` entry names; reports an
    /// undeclared field. `None` also when the field is declared but did not resolve.
    fn field_reference(
        &mut self,
        resolved: &Resolved<'d>,
        part: &Located<String>,
        role: &str,
    ) -> Option<FieldType> {
        if let Some(field) = resolved.field(&part.value) {
            return Some(field.field_type);
        }
        if !resolved.declared.contains(part.value.as_str()) {
            let model = &resolved.def.name.value;
            let declared = &resolved.declared;
            let help = diagnostic::suggestion(&part.value, declared.iter().copied(), || {
                (!declared.is_empty()).then(|| {
                    format!(
                        "the fields of `{model}` are {}",
                        diagnostic::list(declared.iter().copied())
                    )
                })
            });
            self.reporter
                .error(
                    Code::UnknownFieldReference,
                    part.span,
                    format!("unknown field `{}` in {role}", part.value),
                    format!("`{model}` has no field `{}`", part.value),
                )
                .help_opt(help);
        }
        None
    }

    fn unindexable(&mut self, part: &Located<String>, field_type: FieldType, role: &str) {
        self.reporter
            .error(
                Code::UnindexableField,
                part.span,
                format!("{} `{}` cannot be {role}", type_name(field_type), part.value),
                format!("{} values cannot be encoded into a key", type_name(field_type)),
            )
            .help("keys and unique constraints need a string, number, date, boolean, ULID or related field");
    }

    fn indexes(&mut self, resolved: &mut Resolved<'d>) {
        let model = resolved.def.name.value.clone();
        let mut slots: BTreeMap<u8, Span> = BTreeMap::new();
        for index in &resolved.def.indexes {
            self.index_name(&model, index);
            let context = format!("index `{}` of `{model}`", index.name.value);
            let (key, gsi) = match &index.body {
                IndexBody::PrimaryKeyAlias => {
                    if resolved.def.primary_key.is_none() {
                        continue;
                    }
                    (Some(resolved.model.primary_key.clone()), None)
                }
                IndexBody::Gsi {
                    key: key_def,
                    index_id,
                } => {
                    let key = self.key(resolved, key_def, index.name.span, &context, true);
                    let gsi = self.index_id(
                        &context,
                        key_def,
                        index_id.as_ref(),
                        index.name.span,
                        &mut slots,
                    );
                    (key, gsi)
                }
            };
            if let Some(key) = key {
                resolved.model.indexes.push(ir::Index {
                    name: index.name.value.clone(),
                    gsi,
                    key,
                });
                resolved.index_spans.push(index.name.span);
            }
        }
    }

    fn index_name(&mut self, model: &str, index: &IndexDef) {
        let name = &index.name;
        if name.value.starts_with('_') {
            self.reporter
                .error(
                    Code::LeadingUnderscore,
                    name.span,
                    format!("index name `{}` of `{model}` starts with `_`", name.value),
                    "names starting with `_` are reserved for DynamoBao's attributes",
                )
                .help(format!(
                    "rename the index, e.g. `{}`",
                    name.value.trim_start_matches('_')
                ));
        } else {
            self.identifier_form(name, &format!("index name `{}` of `{model}`", name.value));
        }
    }

    /// Index and constraint names become method and type names.
    fn identifier_form(&mut self, name: &Located<String>, what: &str) {
        if naming::field_ident(&name.value).is_none() {
            self.reporter
                .error(
                    Code::InvalidIdentifier,
                    name.span,
                    format!("{what} has no Rust identifier form"),
                    "expected ASCII letters, digits and `_`",
                )
                .help("rename it; generated method names are built from it");
        }
    }

    fn index_id(
        &mut self,
        context: &str,
        key: &KeyDef,
        index_id: Option<&Located<String>>,
        at: Span,
        slots: &mut BTreeMap<u8, Span>,
    ) -> Option<u8> {
        let Some(index_id) = index_id else {
            if key.written.contains("indexId") {
                return None;
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    at,
                    format!("{context} has no `indexId`"),
                    "expected `indexId: gsi1` .. `gsi5`",
                )
                .help("pick a free GSI slot: `indexId: gsi1` to `indexId: gsi5`");
            return None;
        };
        let slot = index_id
            .value
            .strip_prefix("gsi")
            .and_then(|digit| digit.parse::<u8>().ok())
            .filter(|slot| (1..=5).contains(slot) && index_id.value.len() == 4);
        let Some(slot) = slot else {
            self.reporter
                .error(
                    Code::InvalidIndexId,
                    index_id.span,
                    format!("invalid `indexId` `{}`", index_id.value),
                    "expected `gsi1` .. `gsi5`",
                )
                .help("the table has five GSIs: `gsi1`, `gsi2`, `gsi3`, `gsi4`, `gsi5`");
            return None;
        };
        if let Some(&first) = slots.get(&slot) {
            let free: Vec<String> = (1..=5u8)
                .filter(|candidate| !slots.contains_key(candidate))
                .map(|candidate| format!("gsi{candidate}"))
                .collect();
            let help = if free.is_empty() {
                "every GSI of this model is taken; a model can have at most five indexes".to_owned()
            } else {
                format!(
                    "each index of a model needs its own GSI; free: {}",
                    diagnostic::list(free.iter().map(String::as_str))
                )
            };
            self.reporter
                .error(
                    Code::DuplicateIndexId,
                    index_id.span,
                    format!("`indexId` `{}` is used twice", index_id.value),
                    "used again here",
                )
                .secondary(first, "first used here")
                .help(help);
            return None;
        }
        slots.insert(slot, index_id.span);
        Some(slot)
    }

    fn constraints(&mut self, resolved: &mut Resolved<'d>) {
        let model = resolved.def.name.value.clone();
        let mut slots: BTreeMap<u8, Span> = BTreeMap::new();
        for constraint in &resolved.def.unique_constraints {
            let context = format!("unique constraint `{}` of `{model}`", constraint.name.value);
            self.identifier_form(
                &constraint.name,
                &format!("constraint name `{}` of `{model}`", constraint.name.value),
            );
            let field = self.constraint_field(resolved, constraint, &context);
            let id = self.constraint_id(constraint, &context, &mut slots);
            if let (Some(field), Some(id)) = (field, id) {
                resolved
                    .model
                    .unique_constraints
                    .push(ir::UniqueConstraint {
                        name: constraint.name.value.clone(),
                        id,
                        field,
                    });
                resolved.constraint_spans.push(constraint.name.span);
            }
        }
    }

    fn constraint_field(
        &mut self,
        resolved: &Resolved<'d>,
        constraint: &ConstraintDef,
        context: &str,
    ) -> Option<String> {
        let Some(field) = &constraint.field else {
            if constraint.written.contains("field") {
                return None;
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    constraint.name.span,
                    format!("{context} has no `field`"),
                    "expected `field: ...`",
                )
                .help("name the field whose values must be unique");
            return None;
        };
        let field_type = self.field_reference(resolved, field, context)?;
        if matches!(
            field_type,
            FieldType::StringSetField | FieldType::BinaryField
        ) {
            self.unindexable(field, field_type, &format!("the field of {context}"));
            return None;
        }
        Some(field.value.clone())
    }

    fn constraint_id(
        &mut self,
        constraint: &ConstraintDef,
        context: &str,
        slots: &mut BTreeMap<u8, Span>,
    ) -> Option<u8> {
        let Some(id) = &constraint.id else {
            if constraint.written.contains("uniqueConstraintId") {
                return None;
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    constraint.name.span,
                    format!("{context} has no `uniqueConstraintId`"),
                    "expected `uniqueConstraintId: uc1` .. `uc3`",
                )
                .help("pick a free slot: `uniqueConstraintId: uc1` to `uc3`");
            return None;
        };
        let slot = id
            .value
            .strip_prefix("uc")
            .and_then(|digit| digit.parse::<u8>().ok())
            .filter(|slot| (1..=3).contains(slot) && id.value.len() == 3);
        let Some(slot) = slot else {
            self.reporter
                .error(
                    Code::InvalidUniqueConstraintId,
                    id.span,
                    format!("invalid `uniqueConstraintId` `{}`", id.value),
                    "expected `uc1`, `uc2` or `uc3`",
                )
                .help("a model can have three unique constraints: `uc1`, `uc2`, `uc3`");
            return None;
        };
        if let Some(&first) = slots.get(&slot) {
            self.reporter
                .error(
                    Code::DuplicateUniqueConstraintId,
                    id.span,
                    format!("`uniqueConstraintId` `{}` is used twice", id.value),
                    "used again here",
                )
                .secondary(first, "first used here")
                .help("each unique constraint of a model needs its own id: `uc1`, `uc2`, `uc3`");
            return None;
        }
        slots.insert(slot, id.span);
        Some(slot)
    }

    fn iteration(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let iterable = def.iterable.as_ref().is_some_and(|iterable| iterable.value);
        match (&def.iteration_buckets, iterable) {
            (None, true) => resolved.model.iteration_buckets = Some(DEFAULT_ITERATION_BUCKETS),
            (Some(buckets), true) => {
                let in_range = (1..=MAX_ITERATION_BUCKETS).contains(&buckets.value);
                match u32::try_from(buckets.value) {
                    Ok(value) if in_range => resolved.model.iteration_buckets = Some(value),
                    _ => {
                        self.reporter
                            .error(
                                Code::IterationBucketsRange,
                                buckets.span,
                                format!(
                                    "`iterationBuckets` must be between 1 and {MAX_ITERATION_BUCKETS}, found `{}`",
                                    buckets.value
                                ),
                                "out of range",
                            )
                            .help(format!(
                                "use 1 to {MAX_ITERATION_BUCKETS} buckets (the default is {DEFAULT_ITERATION_BUCKETS})"
                            ));
                    }
                }
            }
            (Some(buckets), false) => {
                self.reporter
                    .warning(
                        Code::IterationBucketsIgnored,
                        buckets.span,
                        format!(
                            "`iterationBuckets` of `{}` is ignored: the model is not iterable",
                            def.name.value
                        ),
                        "ignored",
                    )
                    .help("add `iterable: true`, or remove `iterationBuckets`");
            }
            (None, false) => {}
        }
    }

    fn searchable(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let Some(searchable) = &def.searchable else {
            return;
        };
        let model = &def.name.value;
        let SearchableDef::Config {
            fields,
            case_sensitive,
            min_term_length,
            dedupe,
            written,
        } = &searchable.value
        else {
            self.reporter
                .error(
                    Code::SearchableTrue,
                    searchable.span,
                    format!("`searchable: true` of `{model}` is not supported"),
                    "expected `false` or a mapping",
                )
                .help("list the StringFields to index: `searchable: {fields: [name]}`");
            return;
        };
        let mut names = Vec::new();
        let entries = fields.as_ref().filter(|fields| !fields.value.is_empty());
        match entries {
            None if fields.is_none() && written.contains("fields") => {}
            None => {
                let span = fields
                    .as_ref()
                    .map_or(searchable.span, |fields| fields.span);
                self.reporter
                    .error(
                        Code::SearchableNoFields,
                        span,
                        format!("`searchable` of `{model}` has no fields"),
                        "expected a non-empty list of field names",
                    )
                    .help("list the StringFields to index: `fields: [name]`");
            }
            Some(entries) => {
                for entry in &entries.value {
                    let field_type = self.field_reference(
                        resolved,
                        entry,
                        &format!("`searchable` of `{model}`"),
                    );
                    match field_type {
                        Some(FieldType::StringField) => names.push(entry.value.clone()),
                        Some(other) => {
                            self.reporter
                                .error(
                                    Code::SearchableFieldType,
                                    entry.span,
                                    format!(
                                        "`searchable` field `{}` must be a StringField, found {}",
                                        entry.value,
                                        type_name(other)
                                    ),
                                    "only StringFields can be searched",
                                )
                                .help("remove this field from `searchable.fields`");
                        }
                        None => {}
                    }
                }
            }
        }
        let min_term_length = match min_term_length {
            None => Some(1),
            Some(length) => {
                let value = u32::try_from(length.value).ok().filter(|value| *value >= 1);
                if value.is_none() {
                    self.reporter
                        .error(
                            Code::OptionOutOfRange,
                            length.span,
                            format!(
                                "`minTermLength` must be a positive integer, found `{}`",
                                length.value
                            ),
                            "expected 1 or more",
                        )
                        .help("`minTermLength` is the shortest term indexed; the default is 1");
                }
                value
            }
        };
        if !def.iterable.as_ref().is_some_and(|iterable| iterable.value) {
            self.reporter
                .warning(
                    Code::SearchableNotIterable,
                    searchable.span,
                    format!(
                        "`searchable` is configured on `{model}`, but the model is not iterable"
                    ),
                    "search scans the iteration buckets",
                )
                .help("add `iterable: true` so that search can scan the model");
        }
        resolved.model.searchable = Some(ir::Searchable {
            fields: names,
            case_sensitive: case_sensitive.as_ref().is_some_and(|flag| flag.value),
            min_term_length: min_term_length.unwrap_or(1),
            dedupe: dedupe.as_ref().is_some_and(|flag| flag.value),
        });
    }

    fn mapping_table(&mut self, resolved: &Resolved<'d>) {
        if resolved.model.table_type != ir::TableType::Mapping {
            return;
        }
        let related = resolved
            .model
            .fields
            .iter()
            .filter(|field| field.field_type == FieldType::RelatedField)
            .count();
        if related < 2 {
            let span = resolved
                .def
                .table_type
                .as_ref()
                .map_or(resolved.def.name.span, |t| t.span);
            self.reporter
                .error(
                    Code::MappingRelatedFields,
                    span,
                    format!(
                        "mapping table `{}` has {related} RelatedField{}, it needs two",
                        resolved.def.name.value,
                        if related == 1 { "" } else { "s" }
                    ),
                    "a mapping links two models",
                )
                .help("add a RelatedField for each side of the mapping");
        }
    }

    fn prefixes(&mut self, resolved: &[Resolved<'d>]) {
        let mut seen: BTreeMap<&str, (&str, Span)> = BTreeMap::new();
        for model in resolved {
            let Some(prefix) = &model.def.model_prefix else {
                continue;
            };
            if prefix.value.is_empty() {
                continue;
            }
            if let Some((first, span)) = seen.get(prefix.value.as_str()) {
                self.reporter
                    .error(
                        Code::DuplicateModelPrefix,
                        prefix.span,
                        format!(
                            "models `{first}` and `{}` have the same `modelPrefix` `{}`",
                            model.def.name.value, prefix.value
                        ),
                        "used again here",
                    )
                    .secondary(*span, format!("used by `{first}`"))
                    .help("every model needs its own prefix: items of both would share keys");
            } else {
                seen.insert(
                    prefix.value.as_str(),
                    (model.def.name.value.as_str(), prefix.span),
                );
            }
        }
    }

    fn modules(&mut self, resolved: &[Resolved<'d>]) {
        let mut seen: BTreeMap<&str, (&str, Span)> = BTreeMap::new();
        for model in resolved {
            let module = model.model.module.as_str();
            if module.is_empty() {
                continue;
            }
            if let Some((first, span)) = seen.get(module) {
                self.reporter
                    .error(
                        Code::ModuleNameCollision,
                        model.def.name.span,
                        format!(
                            "models `{first}` and `{}` have the same module name `{module}`",
                            model.def.name.value
                        ),
                        format!("module `{module}`"),
                    )
                    .secondary(*span, format!("also module `{module}`"))
                    .help("rename one of the models so that their snake_case names differ");
            } else {
                seen.insert(module, (model.def.name.value.as_str(), model.def.name.span));
            }
        }
    }

    /// Computes every model's methods, then reports collisions.
    fn methods(&mut self, resolved: &mut [Resolved<'d>]) {
        let mut order: Vec<usize> = (0..resolved.len()).collect();
        order.sort_by(|&a, &b| resolved[a].model.name.cmp(&resolved[b].model.name));
        let mut incoming: BTreeMap<String, Incoming> = BTreeMap::new();
        for &index in &order {
            contribute(&resolved[index], &mut incoming);
        }
        for target in resolved.iter_mut() {
            let from_others = incoming.remove(&target.model.name).unwrap_or_default();
            let (methods, sites) = methods_of(target, from_others);
            self.collisions(target, &sites);
            target.model.methods = methods;
        }
    }

    fn collisions(&mut self, target: &Resolved<'d>, sites: &[MethodSite]) {
        let model = &target.model.name;
        let mut seen: BTreeMap<&str, &MethodSite> = BTreeMap::new();
        for site in sites {
            if let Some(first) = seen.get(site.name.as_str()) {
                // The label goes on whichever comes later in the files.
                let (earlier, later) = if first.span <= site.span {
                    (*first, site)
                } else {
                    (site, *first)
                };
                self.reporter
                    .error(
                        Code::MethodNameCollision,
                        later.span,
                        format!(
                            "two methods named `{}` are generated on `{model}`",
                            site.name
                        ),
                        format!("{} generates `{model}::{}`", later.origin, site.name),
                    )
                    .secondary(earlier.span, format!("{} generates it too", earlier.origin))
                    .help("rename one of them so that their method names differ");
            } else {
                seen.insert(&site.name, site);
            }
        }
        for (field, span) in target.model.fields.iter().zip(&target.field_spans) {
            let rust_name = field.rust_name.trim_start_matches("r#");
            if naming::RESERVED_METHODS.contains(&rust_name) {
                self.reporter
                    .error(
                        Code::FieldMethodCollision,
                        *span,
                        format!(
                            "field `{}` of `{model}` has the same name as the method `{rust_name}`",
                            field.name
                        ),
                        format!("`{model}::{rust_name}` is a method of every model"),
                    )
                    .help(format!(
                        "rename the field; these names are taken by every model: {}",
                        diagnostic::list(naming::RESERVED_METHODS.iter().copied())
                    ));
            } else if let Some(site) = seen.get(rust_name) {
                self.reporter
                    .error(
                        Code::FieldMethodCollision,
                        *span,
                        format!(
                            "field `{}` of `{model}` has the same name as the method `{rust_name}`",
                            field.name
                        ),
                        format!("`{model}::{rust_name}` is also a method"),
                    )
                    .secondary(
                        site.span,
                        format!("{} generates `{rust_name}`", site.origin),
                    )
                    .help(format!("rename the field, or the {}", site.origin));
            }
        }
    }
}

/// The methods that a model receives from indexes of other models (or of itself) whose
/// partition key is a RelatedField pointing to it.
#[derive(Default)]
struct Incoming {
    queries: Vec<(ir::QueryMethod, MethodSite)>,
    mappings: Vec<(ir::MappingGetter, MethodSite)>,
}

/// Adds the instance queries and mapping getters that the indexes of `source` generate on the
/// models their partition keys point to.
fn contribute(source: &Resolved<'_>, incoming: &mut BTreeMap<String, Incoming>) {
    for (index, span) in source.model.indexes.iter().zip(&source.index_spans) {
        let Some((source_field, target)) = source.related_key(&index.key.partition) else {
            continue;
        };
        let receiving = incoming.entry(target.to_owned()).or_default();
        if let Some(method) = naming::query_method(&index.name) {
            let site = MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!("index `{}` of `{}`", index.name, source.model.name),
            };
            let query = ir::QueryMethod {
                method,
                receiver: ir::QueryReceiver::Instance,
                index_model: source.model.name.clone(),
                index: index.name.clone(),
            };
            receiving.queries.push((query, site));
        }
        if source.model.table_type != ir::TableType::Mapping {
            continue;
        }
        // The other side: the first RelatedField to another model, else the other field.
        let related = || {
            source
                .model
                .fields
                .iter()
                .filter_map(|field| Some((field, field.related_model.as_deref()?)))
        };
        let other_side = related()
            .find(|(_, model)| *model != target)
            .or_else(|| related().find(|(field, _)| field.name != source_field));
        if let Some((target_field, target_model)) = other_side
            && let Some(method) = naming::mapping_getter(&index.name)
        {
            let site = MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!(
                    "index `{}` of mapping table `{}`",
                    index.name, source.model.name
                ),
            };
            let getter = ir::MappingGetter {
                method,
                mapping_model: source.model.name.clone(),
                index: index.name.clone(),
                source_field: source_field.to_owned(),
                target_field: target_field.name.clone(),
                target_model: target_model.to_owned(),
            };
            receiving.mappings.push((getter, site));
        }
    }
}

/// The methods generated on `target`, and where each comes from.
fn methods_of(target: &Resolved<'_>, incoming: Incoming) -> (ir::Methods, Vec<MethodSite>) {
    let name = target.model.name.as_str();
    let mut methods = ir::Methods::default();
    let mut sites = Vec::new();
    for (constraint, span) in target
        .model
        .unique_constraints
        .iter()
        .zip(&target.constraint_spans)
    {
        if let Some(method) = naming::finder_method(&constraint.name) {
            sites.push(MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!("unique constraint `{}`", constraint.name),
            });
            methods.finders.push(ir::UniqueFinder {
                method,
                constraint: constraint.name.clone(),
            });
        }
    }
    for (index, span) in target.model.indexes.iter().zip(&target.index_spans) {
        if index.key.partition == KeyPart::ModelPrefix
            && let Some(method) = naming::query_method(&index.name)
        {
            sites.push(MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!("index `{}`", index.name),
            });
            methods.queries.push(ir::QueryMethod {
                method,
                receiver: ir::QueryReceiver::Static,
                index_model: name.to_owned(),
                index: index.name.clone(),
            });
        }
    }
    for (query, site) in incoming.queries {
        methods.queries.push(query);
        sites.push(site);
    }
    for (field, span) in target.model.fields.iter().zip(&target.field_spans) {
        if let Some(related) = &field.related_model
            && let Some(method) = naming::related_getter(&field.name)
        {
            let many_method = format!("{method}_for_each");
            for name in [&method, &many_method] {
                sites.push(MethodSite {
                    name: name.clone(),
                    span: *span,
                    origin: format!("RelatedField `{}`", field.name),
                });
            }
            methods.related.push(ir::RelatedGetter {
                method,
                many_method,
                field: field.name.clone(),
                target_model: related.clone(),
            });
        }
    }
    for (getter, site) in incoming.mappings {
        methods.mappings.push(getter);
        sites.push(site);
    }
    (methods, sites)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(text: &str) -> ir::Schema {
        match validate_source("models.yaml", text) {
            Ok(loaded) => loaded.schema,
            Err(diagnostics) => panic!("{}", diagnostics.render(false)),
        }
    }

    const BLOG: &str = "
models:
  User:
    modelPrefix: u
    fields:
      userId: {type: UlidField, autoAssign: true}
      email: {type: StringField}
    primaryKey: {partitionKey: userId}
    uniqueConstraints:
      uniqueEmail: {field: email, uniqueConstraintId: uc1}
  Post:
    modelPrefix: p
    fields:
      postId: {type: UlidField, autoAssign: true}
      userId: {type: RelatedField, model: User}
      title: {type: StringField}
    primaryKey: {partitionKey: postId}
    indexes:
      allPosts: {partitionKey: modelPrefix, sortKey: postId, indexId: gsi1}
      postsForUser: {partitionKey: userId, sortKey: postId, indexId: gsi2}
  Tag:
    modelPrefix: t
    fields:
      tagId: {type: UlidField, autoAssign: true}
    primaryKey: {partitionKey: tagId}
  TaggedPost:
    modelPrefix: tp
    tableType: mapping
    fields:
      tagId: {type: RelatedField, model: Tag}
      postId: {type: RelatedField, model: Post}
    primaryKey: {partitionKey: tagId, sortKey: postId}
    indexes:
      postsForTag: primaryKey
      tagsForPost: {partitionKey: postId, sortKey: tagId, indexId: gsi1}
";

    fn method_names(model: &ir::Model) -> Vec<&str> {
        let methods = &model.methods;
        methods
            .finders
            .iter()
            .map(|m| m.method.as_str())
            .chain(methods.queries.iter().map(|m| m.method.as_str()))
            .chain(methods.related.iter().map(|m| m.method.as_str()))
            .chain(methods.mappings.iter().map(|m| m.method.as_str()))
            .collect()
    }

    #[test]
    fn methods_follow_dynamo_bao_rules() {
        let schema = schema(BLOG);
        let names: Vec<_> = schema.models.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            ["Post", "Tag", "TaggedPost", "User"],
            "sorted by name"
        );
        let model = |name| schema.model(name).expect("the model exists");
        assert_eq!(
            method_names(model("User")),
            ["find_by_email", "query_posts"]
        );
        assert_eq!(
            method_names(model("Post")),
            ["query_all_posts", "query_tags", "get_user", "get_tags"]
        );
        assert_eq!(method_names(model("Tag")), ["query_posts", "get_posts"]);
        assert_eq!(method_names(model("TaggedPost")), ["get_tag", "get_post"]);

        let user_query = &model("User").methods.queries[0];
        assert_eq!(user_query.receiver, ir::QueryReceiver::Instance);
        assert_eq!(
            (user_query.index_model.as_str(), user_query.index.as_str()),
            ("Post", "postsForUser")
        );
        assert_eq!(
            model("Post").methods.queries[0].receiver,
            ir::QueryReceiver::Static
        );

        let getter = &model("Tag").methods.mappings[0];
        assert_eq!(
            (
                getter.mapping_model.as_str(),
                getter.index.as_str(),
                getter.source_field.as_str(),
                getter.target_field.as_str(),
                getter.target_model.as_str()
            ),
            ("TaggedPost", "postsForTag", "tagId", "postId", "Post")
        );
    }

    #[test]
    fn defaults_and_implied_options() {
        let schema = schema(BLOG);
        let post = schema.model("Post").expect("Post");
        assert_eq!(
            post.primary_key.sort,
            KeyPart::ModelPrefix,
            "sortKey defaults to modelPrefix"
        );
        assert_eq!(post.iteration_buckets, None, "not iterable by default");
        let user_id = &post.fields[1];
        assert!(!user_id.required);
        assert!(
            post.fields[0].required,
            "UlidField and key fields are required"
        );
        let tagged = schema.model("TaggedPost").expect("TaggedPost");
        assert!(
            tagged.fields.iter().all(|field| field.required),
            "key fields are required"
        );
        assert_eq!(tagged.indexes[0].gsi, None);
        assert_eq!(tagged.indexes[0].key, tagged.primary_key);
        assert_eq!(tagged.module, "tagged_post");
    }

    #[test]
    fn a_self_mapping_targets_the_other_field() {
        let schema = schema(
            "
models:
  User:
    modelPrefix: u
    fields: {userId: {type: UlidField}}
    primaryKey: {partitionKey: userId}
    iterable: true
  Friendship:
    modelPrefix: f
    tableType: mapping
    mapping: true
    fields:
      userId: {model: User}
      friendId: {model: User}
    primaryKey: {partitionKey: userId, sortKey: friendId}
    indexes:
      friendsForUser: primaryKey
",
        );
        let user = schema.model("User").expect("User");
        assert_eq!(user.iteration_buckets, Some(10));
        let getter = &user.methods.mappings[0];
        assert_eq!(getter.method, "get_friends");
        assert_eq!(
            (getter.source_field.as_str(), getter.target_field.as_str()),
            ("userId", "friendId")
        );
        assert_eq!(user.methods.queries[0].method, "query_friends");
    }

    #[test]
    fn comments_become_docs() {
        let schema = schema(
            "
models:
  # A user of the app.
  # Second line.
  User:
    modelPrefix: u
    fields:
      # The id.
      userId: {type: UlidField}
      name: {type: StringField}  # Display name.
    primaryKey: {partitionKey: userId}
",
        );
        let user = schema.model("User").expect("User");
        assert_eq!(
            user.doc.as_deref(),
            Some("A user of the app.\nSecond line.")
        );
        assert_eq!(user.fields[0].doc.as_deref(), Some("The id."));
        assert_eq!(user.fields[1].doc.as_deref(), Some("Display name."));
        assert_eq!(user.source.line, 5);
    }
}
