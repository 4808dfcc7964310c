//! `bao describe`: every format of the root models.yaml and of every valid fixture, as
//! snapshots; and the command itself.

use bao_codegen::describe::{Format, describe};
use std::path::{Path, PathBuf};

fn schemas() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/ok"))
        .expect("the fixtures")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    fixtures.sort();
    std::iter::once(root.join("../models.yaml"))
        .chain(fixtures)
        .collect()
}

/// Text, Markdown and Mermaid, one after the other.
fn every_format(schema: &Path) -> String {
    let validated = bao_codegen::validate::load_and_validate(schema).expect("the schema validates");
    let formats = [
        ("text", Format::Text { color: false }),
        ("markdown", Format::Markdown),
        ("mermaid", Format::Mermaid),
    ];
    formats
        .into_iter()
        .map(|(name, format)| {
            let text = describe(&validated.schema, None, format).expect("describes");
            format!("===== {name}\n{text}")
        })
        .collect()
}

#[test]
fn every_format_of_every_schema_matches_its_snapshot() {
    for schema in schemas() {
        let name = schema
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("a file name")
            .to_owned();
        let name = if name == "models" {
            "root".to_owned()
        } else {
            name
        };
        insta::assert_snapshot!(format!("describe_{name}"), every_format(&schema));
    }
}

#[test]
fn one_model_is_described_alone_and_an_unknown_one_is_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models.yaml");
    let validated = bao_codegen::validate::load_and_validate(&root).expect("validates");
    let user = describe(&validated.schema, Some("User"), Format::Markdown).expect("describes");
    assert!(user.starts_with("## User (prefix `u`"), "{user}");
    assert!(!user.contains("## Post"), "{user}");
    let unknown = describe(&validated.schema, Some("Usr"), Format::Markdown).unwrap_err();
    assert!(unknown.to_string().contains("no model `Usr`"), "{unknown}");
    assert!(unknown.to_string().contains("User"), "{unknown}");
}

#[test]
fn colour_marks_headings_and_warnings_only_when_asked() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models.yaml");
    let validated = bao_codegen::validate::load_and_validate(&root).expect("validates");
    let plain = describe(&validated.schema, None, Format::Text { color: false }).unwrap();
    let coloured = describe(&validated.schema, None, Format::Text { color: true }).unwrap();
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b[1mIndexes\x1b[0m"));
    assert!(coloured.contains("\x1b[33mwarning:\x1b[0m"));
}

#[test]
fn the_readme_shows_the_diagram_of_its_own_models_yaml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the README");
    let start = readme
        .find("```mermaid\n")
        .expect("the README has a diagram")
        + 11;
    let end = readme[start..].find("```").expect("the diagram ends") + start;
    let validated =
        bao_codegen::validate::load_and_validate(&root.join("models.yaml")).expect("validates");
    let diagram = describe(&validated.schema, None, Format::Mermaid).expect("describes");
    assert_eq!(
        &readme[start..end],
        diagram,
        "update the README's diagram with `bao describe --schema models.yaml --format mermaid`"
    );
}
