//! Stage 4: render the IR with minijinja templates, check the result parses as Rust, format it
//! with prettyplease and head it with the `@generated` marker.
//!
//! Users declare the generated module `#[rustfmt::skip]` so `cargo fmt` keeps prettyplease's layout.

mod view;

use crate::ir::Schema;
use minijinja::{Environment, UndefinedBehavior, value::Serde};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// The default templates, embedded at build time.
const DEFAULT_TEMPLATES: [(&str, &str); 2] = [
    (
        "model.rs.jinja",
        include_str!("../../../templates/model.rs.jinja"),
    ),
    (
        "mod.rs.jinja",
        include_str!("../../../templates/mod.rs.jinja"),
    ),
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

/// The formatted files of the last generation, by the templates' output.
///
/// A long-lived generator (`bao watch`) hands the same cache to every run, so a file whose
/// rendered text did not change is not parsed and formatted again: after an edit to one
/// model, only that model's module is. The output is the same bytes either way. The cache
/// holds the files of the last successful run only (`mod.rs` and the model modules; the
/// single-file layout of `build.rs` is not cached).
#[derive(Debug, Default)]
pub struct FormatCache {
    modules: Mutex<HashMap<String, String>>,
}

impl FormatCache {
    /// How many files the cache holds.
    pub fn len(&self) -> usize {
        self.modules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether the cache holds no file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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

/// Renders every file for `schema`: relative path -> contents.
pub(crate) fn render(
    schema: &Schema,
    schema_name: &str,
    templates_dir: Option<&Path>,
    layout: Layout,
    cache: Option<&FormatCache>,
) -> Result<BTreeMap<String, String>, EmitError> {
    let env = environment(templates_dir)?;
    let header = header(schema_name);
    let models = view::models(schema);
    let declare = layout == Layout::Files;
    let index = render_template(
        &env,
        "mod.rs.jinja",
        minijinja::context! { models => Serde(&models), declare },
    )?;
    match layout {
        Layout::Files => files(&env, &header, &models, index, cache),
        Layout::Single => single_file(&env, &header, &models, &index),
    }
}

/// `mod.rs` and one module per model, each formatted on its own (on every core), reusing
/// what `cache` holds.
fn files(
    env: &Environment<'_>,
    header: &str,
    models: &[view::ModelView],
    index: String,
    cache: Option<&FormatCache>,
) -> Result<BTreeMap<String, String>, EmitError> {
    let mut cached =
        cache.map(|cache| cache.modules.lock().unwrap_or_else(PoisonError::into_inner));
    let previous = cached.as_deref();
    let modules = on_every_core(models, |model| {
        let code = Formatted::new("model.rs.jinja", render_model(env, model)?, previous)?;
        Ok((model.module.clone(), code))
    })?;
    let index = Formatted::new("mod.rs.jinja", index, previous)?;
    let mut files = BTreeMap::new();
    files.insert("mod.rs".to_owned(), format!("{header}{}", index.formatted));
    for (module, code) in &modules {
        files.insert(
            format!("{module}.rs"),
            format!("{header}{}", code.formatted),
        );
    }
    if let Some(cached) = cached.as_deref_mut() {
        *cached = modules
            .into_iter()
            .map(|(_, code)| code)
            .chain([index])
            .map(|code| (code.rendered, code.formatted))
            .collect();
    }
    Ok(files)
}

/// One file of inline modules, formatted once as a whole.
fn single_file(
    env: &Environment<'_>,
    header: &str,
    models: &[view::ModelView],
    index: &str,
) -> Result<BTreeMap<String, String>, EmitError> {
    let modules = on_every_core(models, |model| render_model(env, model))?;
    let inline: String = models
        .iter()
        .zip(&modules)
        .map(|(model, code)| {
            format!(
                "/// The `{}` model.\npub mod {} {{\n{code}}}\n",
                model.name, model.module
            )
        })
        .collect();
    let code = format_rust("mod.rs.jinja", &format!("{inline}\n{index}")).map_err(|error| {
        // Blame the model template when one of its modules fails on its own.
        modules
            .iter()
            .find_map(|code| format_rust("model.rs.jinja", code).err())
            .unwrap_or(error)
    })?;
    Ok(BTreeMap::from([(
        SINGLE_FILE.to_owned(),
        format!("{header}{code}"),
    )]))
}

/// A template's output and that output formatted.
struct Formatted {
    rendered: String,
    formatted: String,
}

impl Formatted {
    /// Formats `rendered`, or takes its formatting from `previous` when it holds it.
    fn new(
        template: &str,
        rendered: String,
        previous: Option<&HashMap<String, String>>,
    ) -> Result<Formatted, EmitError> {
        let formatted = match previous.and_then(|modules| modules.get(&rendered)) {
            Some(formatted) => formatted.clone(),
            None => format_rust(template, &rendered)?,
        };
        Ok(Formatted {
            rendered,
            formatted,
        })
    }
}

/// Renders one model's module (unformatted).
fn render_model(env: &Environment<'_>, model: &view::ModelView) -> Result<String, EmitError> {
    render_template(
        env,
        "model.rs.jinja",
        minijinja::context! { model => Serde(model) },
    )
}

/// Maps `render` over `models` on every available core. The results come back in model order,
/// so the output does not depend on the number of threads.
fn on_every_core<T: Send>(
    models: &[view::ModelView],
    render: impl Fn(&view::ModelView) -> Result<T, EmitError> + Sync,
) -> Result<Vec<T>, EmitError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(models.len());
    if threads <= 1 {
        return models.iter().map(render).collect();
    }
    let render = &render;
    std::thread::scope(|scope| {
        let workers: Vec<_> = models
            .chunks(models.len().div_ceil(threads))
            .map(|chunk| {
                scope.spawn(move || chunk.iter().map(render).collect::<Result<Vec<_>, _>>())
            })
            .collect();
        let mut results = Vec::with_capacity(models.len());
        for worker in workers {
            let rendered = worker.join().map_err(|_| EmitError::Template {
                template: "model.rs.jinja".to_owned(),
                message: "a rendering thread panicked".to_owned(),
            })?;
            results.extend(rendered?);
        }
        Ok(results)
    })
}

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

/// Parses rendered code with `syn` (catching template bugs) and formats it with prettyplease.
fn format_rust(template: &str, code: &str) -> Result<String, EmitError> {
    let file = syn::parse_file(code).map_err(|error| {
        let line = failing_item_line(code);
        EmitError::InvalidRust {
            template: template.to_owned(),
            line,
            item: code
                .lines()
                .nth(line - 1)
                .unwrap_or_default()
                .trim()
                .to_owned(),
            message: error.to_string(),
        }
    })?;
    Ok(prettyplease::unparse(&file))
}

/// The line (1-based) where the top-level item holding a syntax error in `code` starts.
///
/// `proc-macro2` is built without span locations, which would cost a tenth of the emit time
/// on every module, so syn's error carries no position. This slow path runs only when a
/// template renders invalid Rust: items start at column 0, and the failing one starts at the
/// last such line before which everything parses.
fn failing_item_line(code: &str) -> usize {
    let lines: Vec<&str> = code.lines().collect();
    let starts_item =
        |line: &str| line.starts_with(|first: char| !first.is_whitespace() && first != '}');
    let parses = |end: usize| syn::parse_file(&lines[..end].join("\n")).is_ok();
    let start = (0..lines.len())
        .rev()
        .filter(|&index| starts_item(lines[index]))
        .find(|&index| parses(index))
        .unwrap_or(0);
    let first_code_line = (start..lines.len())
        .find(|&index| !lines[index].trim_start().starts_with("//"))
        .unwrap_or(start);
    first_code_line + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "models:\n  Note:\n    modelPrefix: n\n    fields:\n      noteId: {type: UlidField, autoAssign: true}\n    primaryKey: {partitionKey: noteId}\n";

    #[test]
    fn a_cached_file_is_not_formatted_again() {
        let schema = crate::validate::validate_source("models.yaml", SCHEMA)
            .expect("the schema is valid")
            .schema;
        let cache = FormatCache::default();
        let render = || render(&schema, "models.yaml", None, Layout::Files, Some(&cache));
        let first = render().expect("renders");
        // Only a cache hit can put this marker in the output.
        for formatted in cache.modules.lock().expect("unpoisoned").values_mut() {
            formatted.push_str("// from the cache\n");
        }
        let second = render().expect("renders");
        for (name, code) in &second {
            assert_eq!(
                code,
                &format!("{}// from the cache\n", first[name]),
                "{name}"
            );
        }
    }
}
