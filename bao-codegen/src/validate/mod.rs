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

use crate::defs::{ConstraintDef, FieldDef, IndexBody, IndexDef, KeyDef, ModelDef, SearchableDef};
use crate::diagnostic::{self, Code, Diagnostic, Diagnostics, Reporter};
use crate::field_types::{self, FIELD_TYPES};
use crate::ir::{self, FieldType, KeyPart};
use crate::load;
use crate::naming;
use crate::source::{Located, SourceMap, Span};
use crate::yaml::{Node, Value};

mod compat;
mod custom;
mod enums;
mod field_options;
mod fields;
mod keys;
mod methods;
mod options;
mod shapes;
#[cfg(test)]
mod tests;
mod updates;

/// A valid schema and what was learned while reading it.
#[derive(Debug, Clone)]
pub struct Validated {
    /// The resolved schema.
    pub schema: ir::Schema,
    /// Warnings, sorted by file and position.
    pub warnings: Vec<Diagnostic>,
    /// Every file read (for `cargo:rerun-if-changed` and `bao watch`).
    pub inputs: Vec<PathBuf>,
    /// The files, for diagnostics of later checks.
    pub(crate) sources: SourceMap,
    /// Where each model's parts are written, by model name.
    pub(crate) spans: BTreeMap<String, ModelSpans>,
    /// Where each shape and its fields are written, by shape name.
    pub(crate) shape_spans: BTreeMap<String, ShapeSpans>,
    /// Every use of a bao extension.
    pub(crate) extensions: Vec<compat::ExtensionUse>,
}

pub(crate) use compat::{dynamo_bao_errors, dynamo_bao_fields_errors};

/// Where a shape and its fields are written.
#[derive(Debug, Clone)]
pub(crate) struct ShapeSpans {
    pub(crate) name: Span,
    pub(crate) fields: BTreeMap<String, Span>,
}

/// Where the parts of a model that its stored items depend on are written (`bao.lock`'s
/// diagnostics point at them). A part that is not written is located at the model's name.
#[derive(Debug, Clone)]
pub(crate) struct ModelSpans {
    pub(crate) name: Span,
    pub(crate) prefix: Span,
    pub(crate) primary_key: Span,
    pub(crate) iteration: Span,
    pub(crate) searchable: Span,
    pub(crate) fields: BTreeMap<String, Span>,
    pub(crate) indexes: BTreeMap<String, Span>,
    pub(crate) constraints: BTreeMap<String, Span>,
}

impl ModelSpans {
    fn of(resolved: &Resolved<'_>) -> ModelSpans {
        let def = resolved.def;
        let name = def.name.span;
        let names = |spans: &[Span], names: Vec<&String>| -> BTreeMap<String, Span> {
            names
                .into_iter()
                .cloned()
                .zip(spans.iter().copied())
                .collect()
        };
        let model = &resolved.model;
        ModelSpans {
            name,
            prefix: def.model_prefix.as_ref().map_or(name, |prefix| prefix.span),
            primary_key: def.primary_key.as_ref().map_or(name, |key| key.span),
            iteration: def
                .iteration_buckets
                .as_ref()
                .map(|buckets| buckets.span)
                .or(def.iterable.as_ref().map(|iterable| iterable.span))
                .unwrap_or(name),
            searchable: def.searchable.as_ref().map_or(name, |search| search.span),
            fields: names(
                &resolved.field_spans,
                model.fields.iter().map(|field| &field.name).collect(),
            ),
            indexes: names(
                &resolved.index_spans,
                model.indexes.iter().map(|index| &index.name).collect(),
            ),
            constraints: names(
                &resolved.constraint_spans,
                model
                    .unique_constraints
                    .iter()
                    .map(|constraint| &constraint.name)
                    .collect(),
            ),
        }
    }
}

/// Loads a schema file or directory and validates it. On failure, the [`Diagnostics`] hold
/// every error and warning.
pub fn load_and_validate(path: &Path) -> Result<Validated, Diagnostics> {
    let mut reporter = Reporter::default();
    let loaded = load::load_path(path, &mut reporter);
    finish(loaded, reporter)
}

/// Validates one schema held in memory; `file_name` is used in diagnostics.
pub fn validate_source(file_name: &str, text: &str) -> Result<Validated, Diagnostics> {
    let mut reporter = Reporter::default();
    let loaded = load::load_texts(vec![(file_name.to_owned(), text.to_owned())], &mut reporter);
    finish(loaded, reporter)
}

fn finish(loaded: load::Sources, mut reporter: Reporter) -> Result<Validated, Diagnostics> {
    let Resolution {
        schema,
        spans,
        shape_spans,
        extensions,
    } = validate(&loaded, &mut reporter);
    let sources = reporter.sources().clone();
    let diagnostics = Diagnostics::new(reporter.finish());
    if diagnostics.has_errors() {
        Err(diagnostics)
    } else {
        Ok(Validated {
            schema,
            warnings: diagnostics.into_iter().collect(),
            inputs: loaded.inputs,
            sources,
            spans,
            shape_spans,
            extensions,
        })
    }
}

/// The resolved schema and where each part is written.
pub(crate) struct Resolution {
    pub(crate) schema: ir::Schema,
    pub(crate) spans: BTreeMap<String, ModelSpans>,
    pub(crate) shape_spans: BTreeMap<String, ShapeSpans>,
    pub(crate) extensions: Vec<compat::ExtensionUse>,
}

/// Resolves every model and shape, and says where each is written. The result is meaningful
/// only when no error was reported.
pub(crate) fn validate(loaded: &load::Sources, reporter: &mut Reporter) -> Resolution {
    let (models, field_types, complete) = (&loaded.models, &loaded.field_types, loaded.complete);
    let mut checker = Checker {
        reporter,
        complete,
        model_names: models
            .iter()
            .map(|model| model.name.value.as_str())
            .collect(),
        declared_types: BTreeMap::new(),
        declared_type_names: field_types
            .iter()
            .map(|declared| declared.name.value.clone())
            .collect(),
        used_types: BTreeSet::new(),
        extensions: Vec::new(),
        shape_names: loaded
            .shapes
            .iter()
            .map(|shape| shape.name.value.clone())
            .collect(),
    };
    checker.declared_types = checker.declared_types(field_types);
    let (shapes, shape_spans) = checker.shapes(&loaded.shapes);
    let mut resolved = checker.models(models);
    checker.prefixes(&resolved);
    checker.modules(&resolved, &loaded.shapes);
    checker.enum_types(&resolved);
    checker.update_methods(&resolved);
    checker.methods(&mut resolved);
    checker.delete_rules(&mut resolved);
    checker.unused_types(field_types);
    let mode = checker.compatibility_setting(loaded.compatibility.as_ref());
    let extensions = std::mem::take(&mut checker.extensions);
    checker.node_compatibility(&extensions, mode);
    // Shapes and models have distinct names (their modules would collide otherwise).
    let uses_of = |owner: &str| -> Vec<ir::ExtensionUse> {
        extensions
            .iter()
            .filter(|used| used.model == owner && used.extension.is_listed())
            .map(|used| ir::ExtensionUse {
                key: used.extension.key().to_owned(),
                field: used.field.clone(),
            })
            .collect()
    };
    for model in &mut resolved {
        model.model.extensions = uses_of(&model.model.name);
    }
    let mut shapes = shapes;
    for shape in &mut shapes {
        shape.extensions = uses_of(&shape.name);
    }
    let spans = resolved
        .iter()
        .map(|r| (r.model.name.clone(), ModelSpans::of(r)))
        .collect();
    let mut models: Vec<ir::Model> = resolved.into_iter().map(|r| r.model).collect();
    models.sort_by(|a, b| a.name.cmp(&b.name));
    Resolution {
        schema: ir::Schema { models, shapes },
        spans,
        shape_spans,
        extensions,
    }
}

/// The YAML spelling of a field type.
fn type_name(field_type: FieldType) -> &'static str {
    field_types::spec(field_type).name
}

/// The `_pk` prefix (and `_sk`) of DynamoBao's unique-constraint items.
const UNIQUE_CONSTRAINT_PREFIX: &str = "_raft_uc";

/// The number of models from which resolving them on two threads pays for the thread.
const PARALLEL_MODELS: usize = 64;

const DEFAULT_ITERATION_BUCKETS: u32 = 10;
const MAX_ITERATION_BUCKETS: i128 = 1000;
const MAX_PRECISION: i128 = field_types::MAX_PRECISION as i128;

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
#[derive(Clone)]
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
    /// The schema's `fieldTypes` that resolved, by name.
    declared_types: BTreeMap<String, custom::DeclaredType>,
    /// The name of every `fieldTypes` entry, including those with errors.
    declared_type_names: BTreeSet<String>,
    /// The declared types some field uses.
    used_types: BTreeSet<String>,
    /// Every use of a bao extension, in schema order.
    extensions: Vec<compat::ExtensionUse>,
    /// The name of every shape, including those with errors.
    shape_names: BTreeSet<String>,
}

impl<'d> Checker<'_, 'd> {
    /// Resolves every model, in schema order. A model's resolution reads no other model's, so
    /// a large schema's second half is resolved on another thread by a checker of its own;
    /// its diagnostics, extension uses and used types follow the first half's, as they would
    /// one after the other.
    fn models(&mut self, models: &'d [ModelDef]) -> Vec<Resolved<'d>> {
        let parallel = std::thread::available_parallelism().is_ok_and(|cores| cores.get() > 1);
        if !parallel || models.len() < PARALLEL_MODELS {
            return models.iter().map(|model| self.model(model)).collect();
        }
        let (first, second) = models.split_at(models.len() / 2);
        let mut reporter = Reporter::with_sources(self.reporter.sources().clone());
        let mut helper = Checker {
            reporter: &mut reporter,
            complete: self.complete,
            model_names: self.model_names.clone(),
            declared_types: self.declared_types.clone(),
            declared_type_names: self.declared_type_names.clone(),
            used_types: BTreeSet::new(),
            extensions: Vec::new(),
            shape_names: self.shape_names.clone(),
        };
        let (mut resolved, (rest, used_types, extensions)) = std::thread::scope(|scope| {
            let second_half = scope.spawn(move || {
                let rest: Vec<_> = second.iter().map(|model| helper.model(model)).collect();
                (rest, helper.used_types, helper.extensions)
            });
            let resolved: Vec<_> = first.iter().map(|model| self.model(model)).collect();
            let rest = second_half
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (resolved, rest)
        });
        resolved.extend(rest);
        self.used_types.extend(used_types);
        self.extensions.extend(extensions);
        for diagnostic in reporter.finish() {
            self.reporter.push(diagnostic);
        }
        resolved
    }

    fn model(&mut self, def: &'d ModelDef) -> Resolved<'d> {
        let name = &def.name;
        // The Rust type's name: a `rustName` frees the YAML name (DynamoBao's) of Rust's rules.
        let rust_name = def.rust_name.as_ref().unwrap_or(name);
        self.model_name(rust_name, def.rust_name.is_none());
        let (file, line) = self.reporter.sources().line_of(name.span);
        let source = ir::SourceRef {
            file: file.to_owned(),
            line,
        };
        let mut resolved = Resolved {
            def,
            model: ir::Model {
                rust_name: rust_name.value.clone(),
                name: name.value.clone(),
                module: naming::module_name(&rust_name.value).unwrap_or_default(),
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
                soft_delete: None,
                children: Vec::new(),
                methods: ir::Methods::default(),
                extensions: Vec::new(),
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
        self.key_rust_types(&resolved);
        self.indexes(&mut resolved);
        self.constraints(&mut resolved);
        self.iteration(&mut resolved);
        self.searchable(&mut resolved);
        self.soft_delete(&mut resolved);
        self.mapping_table(&resolved);
        resolved
    }

    /// Checks a model's Rust type name: its name in YAML, or its `rustName` (`is_yaml_name`
    /// false).
    fn model_name(&mut self, name: &Located<String>, is_yaml_name: bool) {
        if let Some(problem) = naming::model_name_problem(&name.value) {
            let suggestion = naming::model_name_suggestion(&name.value);
            let help = match (&suggestion, is_yaml_name) {
                (Some(suggestion), true) => format!(
                    "{problem}, e.g. `{suggestion}`; or keep the name (the table stores it) \
                     and give the model `rustName: {suggestion}`"
                ),
                (Some(suggestion), false) => format!("{problem}, e.g. `{suggestion}`"),
                (None, _) => problem.to_owned(),
            };
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
}
