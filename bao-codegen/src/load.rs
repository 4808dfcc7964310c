//! Stage 1 (load): read a schema file, or a directory of `*.yaml` / `*.yml` files in sorted
//! order, parse every file and merge their models.
//!
//! DynamoBao merges a directory with `Object.assign`, so a model defined in two files silently
//! takes the later definition; here it is an error that points at both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::defs::{self, FieldTypeDef, ModelDef, ShapeDef};
use crate::diagnostic::{Code, Diagnostic, Reporter, Severity};
use crate::source::{Located, SourceFile};
use crate::yaml;

/// The models of every file of a schema.
#[derive(Debug, Default)]
pub(crate) struct Sources {
    /// Every model, in load order; a model defined twice keeps its first definition.
    pub(crate) models: Vec<ModelDef>,
    /// The `fieldTypes` entries of every file.
    pub(crate) field_types: Vec<FieldTypeDef>,
    /// The `shapes` of every file; a shape defined twice keeps its first definition.
    pub(crate) shapes: Vec<ShapeDef>,
    /// Every file read.
    pub(crate) inputs: Vec<PathBuf>,
    /// `bao: {compatibility: ...}`, from the first file that sets it.
    pub(crate) compatibility: Option<Located<String>>,
    /// Whether every file was read and parsed. When not, checks that need the whole schema
    /// (references to other models) are skipped, to avoid errors that only echo a broken file.
    pub(crate) complete: bool,
}

/// Reads a schema path (a file or a directory).
pub(crate) fn load_path(path: &Path, reporter: &mut Reporter) -> Sources {
    let files = match schema_files(path) {
        Ok(files) => files,
        Err(message) => {
            reporter.push(io_error(message));
            return Sources::default();
        }
    };
    let mut texts = Vec::new();
    let mut complete = true;
    for file in &files {
        match std::fs::read(file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => texts.push((file.display().to_string(), text)),
                Err(_) => {
                    complete = false;
                    reporter.push(io_error(format!("`{}` is not UTF-8 text", file.display())));
                }
            },
            Err(error) => {
                complete = false;
                reporter.push(io_error(format!(
                    "cannot read `{}`: {error}",
                    file.display()
                )));
            }
        }
    }
    let mut loaded = load_texts(texts, reporter);
    loaded.inputs = files;
    loaded.complete &= complete;
    loaded
}

/// Parses files held in memory, in the given order.
pub(crate) fn load_texts(texts: Vec<(String, String)>, reporter: &mut Reporter) -> Sources {
    let mut documents: Vec<defs::Document> = Vec::new();
    let mut complete = true;
    for (name, text) in texts {
        let id = reporter.sources_mut().add(SourceFile::new(name, text));
        let file = Arc::clone(reporter.sources().file(id));
        let Ok(root) = yaml::parse(id, &file, reporter) else {
            complete = false;
            continue;
        };
        match defs::decode(&root, reporter) {
            Some(document) => documents.push(document),
            None => complete = false,
        }
    }
    if complete
        && let Some(first) = documents.first()
        && documents.iter().all(|document| document.models.is_empty())
    {
        reporter
            .error(
                Code::MissingModels,
                first.models_key,
                "the schema defines no models",
                "no models here",
            )
            .help("add a model under `models:`");
    }
    let field_types = first_of_each(
        documents
            .iter_mut()
            .flat_map(|document| std::mem::take(&mut document.field_types)),
        |declared| &declared.name,
        |again, first| {
            reporter
                .error(
                    Code::InvalidFieldTypeDeclaration,
                    again.span,
                    format!("field type `{}` is declared twice", again.value),
                    "declared again here",
                )
                .secondary(first.span, "first declared here")
                .help("remove one of the declarations");
        },
    );
    let shapes = first_of_each(
        documents
            .iter_mut()
            .flat_map(|document| std::mem::take(&mut document.shapes)),
        |shape| &shape.name,
        |again, first| {
            reporter
                .error(
                    Code::InvalidShape,
                    again.span,
                    format!("shape `{}` is defined twice", again.value),
                    "defined again here",
                )
                .secondary(first.span, "first defined here")
                .help("remove one of the definitions, or rename one of the shapes");
        },
    );
    let mut compatibility: Option<Located<String>> = None;
    for setting in documents
        .iter_mut()
        .filter_map(|document| document.compatibility.take())
    {
        match &compatibility {
            Some(first) => {
                reporter
                    .error(
                        Code::DuplicateKey,
                        setting.span,
                        "`bao.compatibility` is set in two files",
                        "set again here",
                    )
                    .secondary(first.span, "first set here")
                    .help("set it once, in one file of the schema");
            }
            None => compatibility = Some(setting),
        }
    }
    let mut models: Vec<ModelDef> = Vec::new();
    let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
    for model in documents.into_iter().flat_map(|document| document.models) {
        if let Some(&first) = by_name.get(&model.name.value) {
            reporter
                .error(
                    Code::DuplicateModel,
                    model.name.span,
                    format!("model `{}` is defined twice", model.name.value),
                    "defined again here",
                )
                .secondary(models[first].name.span, "first defined here")
                .help("remove one of the definitions, or rename one of the models");
        } else {
            by_name.insert(model.name.value.clone(), models.len());
            models.push(model);
        }
    }
    Sources {
        models,
        field_types,
        shapes,
        compatibility,
        inputs: Vec::new(),
        complete,
    }
}

/// The file itself, or the `*.yaml` / `*.yml` files of a directory sorted by name; the error
/// says why they cannot be listed.
fn schema_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let unreadable =
        |error: std::io::Error| format!("cannot read directory `{}`: {error}", path.display());
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).map_err(unreadable)? {
        let file = entry.map_err(unreadable)?.path();
        let is_yaml = file
            .extension()
            .is_some_and(|extension| extension == "yaml" || extension == "yml");
        if is_yaml && file.is_file() {
            files.push(file);
        }
    }
    if files.is_empty() {
        return Err(format!(
            "directory `{}` has no `*.yaml` or `*.yml` files",
            path.display()
        ));
    }
    files.sort();
    Ok(files)
}

fn io_error(message: String) -> Diagnostic {
    Diagnostic::new(Severity::Error, Code::Io, message)
}

/// The first definition of each name, in order; `twice(again, first)` reports each later one.
fn first_of_each<T>(
    definitions: impl Iterator<Item = T>,
    name: impl Fn(&T) -> &Located<String>,
    mut twice: impl FnMut(&Located<String>, &Located<String>),
) -> Vec<T> {
    let mut kept: Vec<T> = Vec::new();
    for definition in definitions {
        match kept
            .iter()
            .find(|first| name(first).value == name(&definition).value)
        {
            Some(first) => twice(name(&definition), name(first)),
            None => kept.push(definition),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostics;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).expect("write a fixture");
    }

    #[test]
    fn a_directory_is_read_in_sorted_order() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        write(dir.path(), "b.yml", "models:\n  B:\n    modelPrefix: b\n");
        write(dir.path(), "a.yaml", "models:\n  A:\n    modelPrefix: a\n");
        write(dir.path(), "notes.txt", "not a schema");
        let mut reporter = Reporter::default();
        let loaded = load_path(dir.path(), &mut reporter);
        let names: Vec<_> = loaded
            .models
            .iter()
            .map(|m| m.name.value.as_str())
            .collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(loaded.inputs.len(), 2);
        assert!(loaded.inputs[0].ends_with("a.yaml"));
        assert!(loaded.complete);
        assert!(reporter.finish().is_empty());
    }

    #[test]
    fn a_model_defined_in_two_files_points_at_both() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        write(
            dir.path(),
            "a.yaml",
            "models:\n  User:\n    modelPrefix: u\n",
        );
        write(
            dir.path(),
            "b.yaml",
            "# more\nmodels:\n  Post: {modelPrefix: p}\n  User:\n    modelPrefix: u2\n",
        );
        let mut reporter = Reporter::default();
        let loaded = load_path(dir.path(), &mut reporter);
        assert_eq!(loaded.models.len(), 2);
        let diagnostics = Diagnostics::new(reporter.finish());
        let duplicate = diagnostics.iter().next().expect("a diagnostic");
        assert_eq!(duplicate.code(), Code::DuplicateModel);
        let primary = duplicate.primary().expect("a location");
        assert!(primary.file().ends_with("b.yaml"));
        assert_eq!((primary.line(), primary.column()), (4, 3));
        let first = &duplicate.secondary()[0];
        assert!(first.file().ends_with("a.yaml"));
        assert_eq!((first.line(), first.column()), (2, 3));
        let rendered = diagnostics.render(false);
        assert!(rendered.contains("first defined here"), "{rendered}");
    }

    #[test]
    fn unreadable_paths_are_reported_without_a_location() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut reporter = Reporter::default();
        load_path(&dir.path().join("missing.yaml"), &mut reporter);
        load_path(dir.path(), &mut reporter);
        let diagnostics = reporter.finish();
        assert_eq!(diagnostics.len(), 2);
        assert!(
            diagnostics
                .iter()
                .all(|d| d.code() == Code::Io && d.primary().is_none())
        );
        assert!(
            diagnostics[1]
                .message()
                .contains("has no `*.yaml` or `*.yml` files")
        );
    }
}
