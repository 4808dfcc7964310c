//! Stage 4: render the typed view of each model with minijinja templates into final Rust code,
//! and head it with the `@generated` marker.
//!
//! The built-in templates print code already laid out as prettyplease lays it out (see
//! [`layout`]), so the default path neither parses nor formats its output: that was nine tenths
//! of codegen's time. Two cases go through `syn` and prettyplease: output of templates given with
//! `--templates` is parsed (a broken override is reported at its item), and formatted when asked
//! ([`Options::format`]); and a module with a name too long for the layout rules is formatted.
//! Users declare the generated module `#[rustfmt::skip]` so `cargo fmt` keeps prettyplease's layout.

mod format;
mod include;
mod layout;
mod view;

use crate::ir::{self, Schema};
use minijinja::{Environment, UndefinedBehavior, value::Serde};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// The default templates, embedded at build time.
const DEFAULT_TEMPLATES: [(&str, &str); 3] = [
    (
        "model.rs.jinja",
        include_str!("../../templates/model.rs.jinja"),
    ),
    (
        "shape.rs.jinja",
        include_str!("../../templates/shape.rs.jinja"),
    ),
    ("mod.rs.jinja", include_str!("../../templates/mod.rs.jinja")),
];

/// A failure to produce valid Rust from the templates.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// A template is missing, unreadable or failed to render.
    #[error("template `{template}`: {message}")]
    Template {
        /// Template name.
        template: String,
        /// What went wrong.
        message: String,
    },
    /// A template rendered something that is not Rust.
    #[error(
        "template `{template}` produced invalid Rust in the item at line {line} of its output (`{item}`): {message}"
    )]
    InvalidRust {
        /// Template name.
        template: String,
        /// Where the failing item starts in the rendered output.
        line: usize,
        /// The first line of that item.
        item: String,
        /// The parser's message.
        message: String,
    },
}

/// The rendered modules of the last generation, by model, for a long-lived generator.
///
/// `bao watch` hands the same cache to every run: a model whose view would be built from the
/// same inputs (its own IR and that of the models its view reads, see `view_inputs`) keeps
/// its module and its `mod.rs` entry, so a save that edits one model builds one view and
/// renders one module. The output is the same bytes either way. Only the built-in templates in
/// the one-file-per-model layout are cached; a run with `--templates` or `--format` renders
/// everything.
#[derive(Debug, Default)]
pub struct RenderCache {
    modules: Mutex<HashMap<String, CachedModule>>,
}

/// A model's file, with its `mod.rs` entry and what its view was built from.
#[derive(Debug)]
struct CachedModule {
    inputs: Vec<ir::Model>,
    entry: view::IndexEntry,
    /// The module under the `@generated` header.
    file: String,
}

impl RenderCache {
    /// How many modules the cache holds.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether the cache holds no module.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedModule>> {
        self.modules.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The file of `model` from last time, taken out of the cache, if its view was built from
    /// the same inputs and it has the same header (the schema file's name is in it).
    fn take(&self, schema: &Schema, model: &ir::Model, header: &str) -> Option<CachedModule> {
        let cached = self.lock().remove(&model.name)?;
        let inputs = view_inputs(schema, model);
        let same = cached.file.starts_with(header)
            && cached.inputs.len() == inputs.len()
            && cached
                .inputs
                .iter()
                .zip(&inputs)
                .all(|(old, new)| old == *new);
        same.then_some(cached)
    }

    /// Keeps the modules of a successful run, and only those. A reused module moves back in;
    /// only a rendered one copies its inputs out of the schema.
    fn replace(&self, schema: &Schema, modules: Vec<ModelModule>) {
        *self.lock() = schema
            .models
            .iter()
            .zip(modules)
            .map(|(model, module)| {
                let inputs = module
                    .inputs
                    .unwrap_or_else(|| view_inputs(schema, model).into_iter().cloned().collect());
                let cached = CachedModule {
                    inputs,
                    entry: module.entry,
                    file: module.file,
                };
                (model.name.clone(), cached)
            })
            .collect();
    }
}

/// One model's file in the one-file-per-model layout, rendered or taken from the cache.
struct ModelModule {
    entry: view::IndexEntry,
    /// The module under the `@generated` header.
    file: String,
    /// What its view was built from, when it came from the cache.
    inputs: Option<Vec<ir::Model>>,
}

/// The models whose IR a model's view is built from: the model; the models it refers to
/// (related fields, queries, mapping and related getters); and the models those refer to,
/// whose key types appear in sort keys and composite keys. Views read nothing further.
fn view_inputs<'s>(schema: &'s Schema, model: &'s ir::Model) -> Vec<&'s ir::Model> {
    fn refers_to(model: &ir::Model) -> impl Iterator<Item = &str> {
        let methods = &model.methods;
        let fields = model
            .fields
            .iter()
            .filter_map(|f| f.related_model.as_deref());
        let queries = methods.queries.iter().map(|q| q.index_model.as_str());
        let mappings = methods
            .mappings
            .iter()
            .flat_map(|g| [g.mapping_model.as_str(), g.target_model.as_str()]);
        let related = methods.related.iter().map(|r| r.target_model.as_str());
        fields.chain(queries).chain(mappings).chain(related)
    }
    let mut inputs = vec![model];
    let mut frontier = vec![model];
    for _ in 0..2 {
        let mut next = Vec::new();
        for name in frontier.iter().flat_map(|m| refers_to(m)) {
            if let Some(target) = schema.model(name)
                && !inputs.iter().any(|known| std::ptr::eq(*known, target))
            {
                inputs.push(target);
                next.push(target);
            }
        }
        frontier = next;
    }
    inputs
}

/// The names of the templates a templates directory may override.
pub(crate) fn template_names() -> impl Iterator<Item = &'static str> {
    DEFAULT_TEMPLATES.iter().map(|(name, _)| *name)
}

/// How generated modules are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `mod.rs` plus one file per model (the CLI).
    Files,
    /// One file of inline modules, for `include!` from `OUT_DIR` (build.rs).
    Single,
}

/// The file name of the single-file layout.
pub(crate) const SINGLE_FILE: &str = "bao_models.rs";

/// How to emit: where templates come from and whether to format what they print.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options<'a> {
    /// Overrides of the built-in templates.
    pub(crate) templates_dir: Option<&'a Path>,
    /// Run every file through prettyplease (for hand-written templates).
    pub(crate) format: bool,
    /// The modules of earlier runs, reused where a model's view is unchanged.
    pub(crate) cache: Option<&'a RenderCache>,
}

/// Receives each model's file, by name, as soon as it is rendered, on the rendering threads.
pub(crate) type FileSink<'a> = &'a (dyn Fn(&str, &str) + Sync);

/// Renders every file for `schema`: relative path -> contents. With [`Layout::Files`], `sink`
/// (when given) receives each model's file as soon as it is rendered.
pub(crate) fn render(
    schema: &Schema,
    schema_name: &str,
    options: Options<'_>,
    layout: Layout,
    sink: Option<FileSink<'_>>,
) -> Result<BTreeMap<String, String>, EmitError> {
    let env = environment(options.templates_dir)?;
    let finish = Finish {
        check: options.templates_dir.is_some(),
        format: options.format,
    };
    let header = header(schema_name);
    // Shapes are few and small: each is rendered on every run.
    let shapes: Vec<view::ShapeView> = schema
        .shapes
        .iter()
        .map(|shape| view::shape_view(schema, shape))
        .collect();
    let shape_modules = shapes
        .iter()
        .map(|shape| {
            let code = render_template(
                &env,
                "shape.rs.jinja",
                minijinja::context! { shape => Serde(shape) },
            )?;
            Ok((shape.module.clone(), shape.name.clone(), code))
        })
        .collect::<Result<Vec<_>, EmitError>>()?;
    let index = |entries: &[&view::IndexEntry]| {
        let declare = layout == Layout::Files;
        render_template(
            &env,
            "mod.rs.jinja",
            minijinja::context! { models => Serde(entries), shapes => Serde(&shapes), declare },
        )
    };
    let mut rendered = match layout {
        Layout::Files => {
            // Custom templates or formatting change what a view renders to: no reuse then.
            let cache = options
                .cache
                .filter(|_| options.templates_dir.is_none() && !options.format);
            files(&env, finish, schema, cache, &header, index, sink)?
        }
        Layout::Single => {
            // Building a view is a third of emitting a module, so it runs on every core too.
            let models =
                on_every_core(&schema.models, |model| Ok(view::model_view(schema, model)))?;
            let entries: Vec<_> = (models.iter().zip(&schema.models))
                .map(|(view, model)| view.index_entry(model))
                .collect();
            let index = index(&entries.iter().collect::<Vec<_>>())?;
            single_file(&env, finish, &header, &models, &index)?
        }
    };
    add_shapes(&mut rendered, layout, finish, &header, shape_modules)?;
    Ok(rendered)
}

/// Adds each shape's module: a file of its own, or an inline module of the single file.
fn add_shapes(
    rendered: &mut BTreeMap<String, String>,
    layout: Layout,
    finish: Finish,
    header: &str,
    shapes: Vec<(String, String, String)>,
) -> Result<(), EmitError> {
    for (module, name, code) in shapes {
        match layout {
            Layout::Files => {
                let code = finish.apply("shape.rs.jinja", code)?;
                rendered.insert(format!("{module}.rs"), format!("{header}{code}"));
            }
            Layout::Single => {
                if finish.check {
                    format::parse("shape.rs.jinja", &code)?;
                }
                let inline = format!(
                    "/// The `{name}` shape.\n#[allow(dead_code, reason = \"an app uses some generated items\")]\npub mod {module} {{\n{code}}}\n"
                );
                if let Some(file) = rendered.get_mut(SINGLE_FILE) {
                    file.push_str(&inline);
                }
            }
        }
    }
    Ok(())
}

/// What happens to a template's output after rendering.
#[derive(Debug, Clone, Copy)]
struct Finish {
    /// Parse it with `syn`: the templates are not the built-in ones.
    check: bool,
    /// Format it with prettyplease whatever it looks like.
    format: bool,
}

impl Finish {
    /// The final text of a module rendered by `template`.
    fn apply(self, template: &str, code: String) -> Result<String, EmitError> {
        if self.format || !layout::fits(&code) {
            return format::format_rust(template, &code);
        }
        if self.check {
            format::parse(template, &code)?;
        }
        Ok(code)
    }
}

/// `mod.rs` and one module per model under the `@generated` header. A module is taken from
/// the cache when its inputs are unchanged; otherwise its view is built and rendered, each
/// model on its own, on every core.
fn files(
    env: &Environment<'_>,
    finish: Finish,
    schema: &Schema,
    cache: Option<&RenderCache>,
    header: &str,
    index: impl FnOnce(&[&view::IndexEntry]) -> Result<String, EmitError>,
    sink: Option<FileSink<'_>>,
) -> Result<BTreeMap<String, String>, EmitError> {
    let name = |module: &ModelModule| format!("{}.rs", module.entry.module);
    let modules = on_every_core(&schema.models, |model| {
        let module = match cache.and_then(|cache| cache.take(schema, model, header)) {
            Some(cached) => ModelModule {
                entry: cached.entry,
                file: cached.file,
                inputs: Some(cached.inputs),
            },
            None => {
                let view = view::model_view(schema, model);
                let code = finish.apply("model.rs.jinja", render_model(env, &view)?)?;
                ModelModule {
                    entry: view.index_entry(model),
                    // A copy of exactly the file's size: the rendered text grew by doubling,
                    // and keeping it would hold up to twice the text of every module.
                    file: [header, &code].concat(),
                    inputs: None,
                }
            }
        };
        if let Some(sink) = sink {
            sink(&name(&module), &module.file);
        }
        Ok(module)
    })?;
    let entries: Vec<_> = modules.iter().map(|module| &module.entry).collect();
    let index = finish.apply("mod.rs.jinja", index(&entries)?)?;
    let mut files: BTreeMap<String, String> = match cache {
        // The cache keeps the files for the next run: the output gets copies.
        Some(cache) => {
            let files = modules
                .iter()
                .map(|module| (name(module), module.file.clone()))
                .collect();
            cache.replace(schema, modules);
            files
        }
        None => modules
            .into_iter()
            .map(|module| (name(&module), module.file))
            .collect(),
    };
    files.insert("mod.rs".to_owned(), format!("{header}{index}"));
    Ok(files)
}

/// One file of inline modules, for `include!` from `OUT_DIR`. It is not laid out for reading
/// (the modules are not indented) unless formatting is asked for.
fn single_file(
    env: &Environment<'_>,
    finish: Finish,
    header: &str,
    models: &[view::ModelView],
    index: &str,
) -> Result<BTreeMap<String, String>, EmitError> {
    let modules = on_every_core(models, |model| {
        let code = render_model(env, model)?;
        if finish.check {
            format::parse("model.rs.jinja", &code)?;
        }
        Ok(code)
    })?;
    let mut code: String = models
        .iter()
        .zip(&modules)
        .map(|(model, code)| {
            format!(
                "/// The `{}` model.\n#[allow(dead_code, reason = \"an app uses some generated items\")]\npub mod {} {{\n{code}}}\n",
                model.name, model.module
            )
        })
        .collect();
    code.push_str(index);
    if finish.check {
        format::parse("mod.rs.jinja", index)?;
    }
    if finish.format {
        code = format::format_rust("mod.rs.jinja", &code)?;
    }
    Ok(BTreeMap::from([(
        SINGLE_FILE.to_owned(),
        format!("{header}{code}"),
    )]))
}

/// Renders one model's module.
fn render_model(env: &Environment<'_>, model: &view::ModelView) -> Result<String, EmitError> {
    render_template(
        env,
        "model.rs.jinja",
        minijinja::context! { model => Serde(model) },
    )
}

/// Maps `render` over `models` on every available core. The results come back in model order,
/// so the output does not depend on the number of threads; on failure, the error of the first
/// model that failed is returned.
///
/// Threads take the models a few at a time rather than a fixed share each: models differ in
/// size, and other work (the lock) shares the cores, so fixed shares finish apart.
fn on_every_core<M: Sync, T: Send>(
    models: &[M],
    render: impl Fn(&M) -> Result<T, EmitError> + Sync,
) -> Result<Vec<T>, EmitError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(models.len());
    if threads <= 1 {
        return models.iter().map(render).collect();
    }
    let next = AtomicUsize::new(0);
    let take_turns = || {
        let mut rendered = Vec::new();
        loop {
            let start = next.fetch_add(MODELS_PER_TURN, Ordering::Relaxed);
            let Some(turn) = models.get(start..) else {
                return (rendered, None);
            };
            for (offset, model) in turn.iter().take(MODELS_PER_TURN).enumerate() {
                match render(model) {
                    Ok(result) => rendered.push((start + offset, result)),
                    Err(error) => {
                        // The other threads stop at their next turn.
                        next.store(models.len(), Ordering::Relaxed);
                        return (rendered, Some((start + offset, error)));
                    }
                }
            }
        }
    };
    // The calling thread takes turns too: the memory it freed while loading the schema is
    // reused, where a new thread would take fresh pages from the system.
    let turns = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(take_turns)).collect();
        let mut turns = vec![take_turns()];
        for worker in workers {
            turns.push(worker.join().map_err(|_| EmitError::Template {
                template: "model.rs.jinja".to_owned(),
                message: "a rendering thread panicked".to_owned(),
            })?);
        }
        Ok::<_, EmitError>(turns)
    })?;
    let mut results = Vec::with_capacity(models.len());
    let mut first_error: Option<(usize, EmitError)> = None;
    for (rendered, error) in turns {
        results.extend(rendered);
        if let Some((index, error)) = error
            && first_error.as_ref().is_none_or(|(first, _)| index < *first)
        {
            first_error = Some((index, error));
        }
    }
    if let Some((_, error)) = first_error {
        return Err(error);
    }
    results.sort_unstable_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}

/// How many models a rendering thread takes at a time.
const MODELS_PER_TURN: usize = 8;

/// The first line of every generated file. It names the minor version only, so a patch release
/// does not churn every file.
fn header(schema_name: &str) -> String {
    let version = env!("CARGO_PKG_VERSION");
    let minor = version.rsplit_once('.').map_or(version, |(minor, _)| minor);
    format!("// @generated by bao {minor} from {schema_name}. Do not edit.\n\n")
}

fn environment(templates_dir: Option<&Path>) -> Result<Environment<'static>, EmitError> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
        .map_err(|error| template_error("model.rs.jinja", &error))?;
    env.set_syntax(syntax);
    env.add_function("sig", layout::signature);
    env.add_function("call", layout::call);
    env.add_function("attr", layout::attribute);
    env.add_function("mac", layout::macro_call);
    for (name, source) in DEFAULT_TEMPLATES {
        let source = match templates_dir.map(|dir| dir.join(name)) {
            Some(path) if path.exists() => {
                std::fs::read_to_string(&path).map_err(|error| EmitError::Template {
                    template: path.display().to_string(),
                    message: error.to_string(),
                })?
            }
            _ => source.to_owned(),
        };
        env.add_template_owned(name, source)
            .map_err(|error| template_error(name, &error))?;
    }
    Ok(env)
}

fn render_template(
    env: &Environment<'_>,
    name: &str,
    context: minijinja::Value,
) -> Result<String, EmitError> {
    env.get_template(name)
        .and_then(|template| template.render(context))
        .map_err(|error| template_error(name, &error))
}

fn template_error(name: &str, error: &minijinja::Error) -> EmitError {
    EmitError::Template {
        template: name.to_owned(),
        message: format!("{error:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Threads take models in turns, yet the results come back in model order, and a failure
    /// is the first failing model's whatever thread met it first.
    #[test]
    fn every_core_keeps_model_order_and_reports_the_first_failure() {
        // Each model takes a while, so that the threads' turns interleave.
        let slowly = |model: usize| {
            std::thread::sleep(std::time::Duration::from_micros(200));
            model
        };
        let models: Vec<usize> = (0..100).collect();
        let doubled = on_every_core(&models, |&model| Ok(slowly(model) * 2)).expect("renders");
        assert_eq!(doubled, (0..100).map(|model| model * 2).collect::<Vec<_>>());
        for _ in 0..5 {
            let failed = on_every_core(&models, |&model| match slowly(model) {
                37 | 41 | 90 => Err(EmitError::Template {
                    template: model.to_string(),
                    message: "fails".to_owned(),
                }),
                _ => Ok(model),
            });
            match failed {
                Err(EmitError::Template { template, .. }) => assert_eq!(template, "37"),
                other => panic!("not the first failure: {other:?}"),
            }
        }
    }

    const SCHEMA: &str = "models:\n  Note:\n    modelPrefix: n\n    fields:\n      noteId: {type: UlidField, autoAssign: true}\n    primaryKey: {partitionKey: noteId}\n";

    fn render_with(schema: &Schema, cache: &RenderCache) -> BTreeMap<String, String> {
        let options = Options {
            cache: Some(cache),
            ..Options::default()
        };
        render(schema, "models.yaml", options, Layout::Files, None).expect("renders")
    }

    fn parse(text: &str) -> Schema {
        crate::validate::validate_source("models.yaml", text)
            .expect("the schema is valid")
            .schema
    }

    /// What a run without a cache renders.
    fn fresh(schema: &Schema) -> BTreeMap<String, String> {
        fresh_named(schema, "models.yaml")
    }

    /// What a run without a cache renders for a schema file named `schema_name`.
    fn fresh_named(schema: &Schema, schema_name: &str) -> BTreeMap<String, String> {
        render(schema, schema_name, Options::default(), Layout::Files, None).expect("renders")
    }

    #[test]
    fn an_unchanged_model_is_taken_from_the_cache() {
        let schema = parse(SCHEMA);
        let cache = RenderCache::default();
        let first = render_with(&schema, &cache);
        assert_eq!(cache.len(), 1);
        // Only a cache hit can put this marker in the output.
        for cached in cache.lock().values_mut() {
            cached.file.push_str("// from the cache\n");
        }
        let second = render_with(&schema, &cache);
        assert_eq!(
            second["note.rs"],
            format!("{}// from the cache\n", first["note.rs"])
        );
        assert_eq!(second["mod.rs"], first["mod.rs"]);
    }

    /// The header names the schema file, which can change between two runs of `bao watch`
    /// (bao.toml points elsewhere): a cached file under the old header is not reused.
    #[test]
    fn a_cached_module_is_rendered_again_under_a_new_header() {
        let schema = parse(SCHEMA);
        let cache = RenderCache::default();
        render_with(&schema, &cache);
        let options = Options {
            cache: Some(&cache),
            ..Options::default()
        };
        let renamed =
            render(&schema, "schema.yaml", options, Layout::Files, None).expect("renders");
        assert!(renamed["note.rs"].starts_with(&header("schema.yaml")));
        assert_eq!(
            renamed["note.rs"],
            fresh_named(&schema, "schema.yaml")["note.rs"]
        );
    }

    /// Module paths as long as a 1000-model schema has (`super::model0998::Model0998`): a line
    /// the layout rules cannot break sends every module of such a schema to prettyplease, nine
    /// tenths of codegen's time, and still prints correct code, so only this test notices.
    #[test]
    fn the_templates_lay_out_the_benchmark_schema_themselves() {
        let schema = parse(include_str!(
            "../../tests/fixtures/layout/benchmark_shape.yaml"
        ));
        let env = environment(None).expect("the built-in templates load");
        for model in &schema.models {
            let view = view::model_view(&schema, model);
            let code = render_model(&env, &view).expect("renders");
            let wide = layout::first_wide_line(&code);
            assert_eq!(wide, None, "{}", model.name);
        }
    }

    #[test]
    fn a_changed_model_is_rendered_again() {
        let cache = RenderCache::default();
        render_with(&parse(SCHEMA), &cache);
        let edited = SCHEMA.replace("  Note:", "  # A note.\n  Note:");
        let rendered = render_with(&parse(&edited), &cache);
        assert_eq!(rendered, fresh(&parse(&edited)));
        assert!(rendered["note.rs"].contains("/// A note."));
    }

    #[test]
    fn a_model_is_rendered_again_when_a_model_it_reads_changes() {
        let two = format!(
            "{SCHEMA}  Pin:\n    modelPrefix: pn\n    fields:\n      pinId: {{type: UlidField}}\n      \
             noteId: {{type: RelatedField, model: Note}}\n    primaryKey: {{partitionKey: pinId}}\n"
        );
        let cache = RenderCache::default();
        render_with(&parse(&two), &cache);
        // Pin's own IR is unchanged, but Note's key stops being `Copy` (a ULID becomes a
        // string): Pin's code for its related key changes with it.
        let edited = two.replace(
            "noteId: {type: UlidField, autoAssign: true}",
            "noteId: {type: StringField}",
        );
        assert_ne!(edited, two);
        let rendered = render_with(&parse(&edited), &cache);
        assert_eq!(rendered, fresh(&parse(&edited)));
    }
}
