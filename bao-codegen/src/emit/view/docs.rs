//! The doc comments of generated items: from the YAML comments, and what the schema says of
//! each model and field.

use super::ITEM_INDENT;
use crate::emit::layout;
use crate::ir::{self, TableType};
use crate::naming;

/// Doc comment lines as printed after `///`: with their leading space, none on a blank line.
pub(super) fn doc_lines(text: Option<&str>) -> Vec<String> {
    text.map(|text| text.lines().map(doc_line).collect())
        .unwrap_or_default()
}

pub(super) fn doc_line(line: &str) -> String {
    match line.is_empty() {
        true => String::new(),
        false => format!(" {line}"),
    }
}

pub(super) fn model_doc(model: &ir::Model) -> Vec<String> {
    let mut lines = doc_lines(model.doc.as_deref());
    if lines.is_empty() {
        lines.push(doc_line(&format!("A `{}` item.", model.name)));
    }
    lines.push(String::new());
    let kind = match model.table_type {
        TableType::Standard => "Stored",
        TableType::Mapping => "A mapping table, stored",
    };
    // A model whose `rustName` differs is named by its schema name too.
    let schema_name = match model.rust_name == model.name {
        true => String::new(),
        false => format!(" as model `{}`", model.name),
    };
    // One paragraph with the storage it closes: a module stays short.
    let stored = format!(
        "{kind}{schema_name} with model prefix `{}`; generated from `{}` line {}. {}",
        model.prefix,
        file_name(&model.source.file),
        model.source.line,
        transaction_cost(model)
    );
    lines.extend(layout::filled_doc_lines(&stored, ITEM_INDENT));
    lines.extend(extensions_doc(&model.extensions));
    lines
}

/// What one write of the model takes of a transaction's 100 parts: the item, a claim per unique
/// value, a check per RelatedField with `referentialIntegrity`.
fn transaction_cost(model: &ir::Model) -> String {
    let unique = model.unique_constraints.len();
    let checked = model
        .fields
        .iter()
        .filter(|field| field.referential_integrity)
        .count();
    let mut parts = vec!["the item".to_owned()];
    let counted = |count: usize, one: &str, many: &str| match count {
        1 => format!("1 {one}"),
        _ => format!("{count} {many}"),
    };
    if unique > 0 {
        parts.push(counted(unique, "unique value", "unique values"));
    }
    if checked > 0 {
        parts.push(counted(checked, "reference check", "reference checks"));
    }
    let listed = match parts.as_slice() {
        [only] => only.clone(),
        [first @ .., last] => format!("{} and {last}", first.join(", ")),
        [] => String::new(),
    };
    let create = 1 + unique + checked;
    let delete = 1 + unique;
    let upto = if create > 1 { "up to " } else { "" };
    format!(
        "In a transaction, a create takes {upto}{create} of DynamoDB's 100 parts ({listed}); a \
         `delete_loaded` {delete}."
    )
}

/// Which keys a Node DynamoBao service sharing the table does not know, by key: one sentence,
/// when there are any.
pub(super) fn extensions_doc(extensions: &[ir::ExtensionUse]) -> Vec<String> {
    let mut uses: Vec<(&str, Vec<&str>)> = Vec::new();
    for used in extensions {
        match uses.iter_mut().find(|(key, _)| *key == used.key) {
            Some((_, fields)) => fields.push(&used.field),
            None => uses.push((&used.key, vec![&used.field])),
        }
    }
    if uses.is_empty() {
        return Vec::new();
    }
    let listed: Vec<String> = uses
        .iter()
        .map(|(key, fields)| format!("`{key}` ({})", fields.join(", ")))
        .collect();
    let sentence = format!(
        "Uses bao extensions that DynamoBao's schema does not have: {}.",
        listed.join(", ")
    );
    layout::filled_doc_lines(&sentence, ITEM_INDENT)
}

pub(super) fn field_doc(field: &ir::Field) -> Vec<String> {
    let lines = doc_lines(field.doc.as_deref());
    if !lines.is_empty() {
        return lines;
    }
    let base = format!("{:?}", field.field_type);
    let described = match &field.custom {
        Some(custom) if custom.type_name != base => {
            format!(
                "{} {}, stored as {} {base}",
                naming::article(&custom.type_name),
                custom.type_name,
                naming::article(&base)
            )
        }
        _ => format!("{} {base}", naming::article(&base)),
    };
    let checked = match field.referential_integrity {
        true => "; every write that sets it checks that the item exists",
        false => "",
    };
    let held = match (&field.shape, &field.items) {
        (Some(shape), _) => format!(" holding a `{shape}`"),
        (None, Some(items)) => match &items.shape {
            Some(shape) => format!(" of `{shape}` values"),
            None => format!(" of {:?} values", items.field_type),
        },
        (None, None) => String::new(),
    };
    vec![doc_line(&format!(
        "`{}`: {described}{held}{checked}.",
        field.name
    ))]
}

/// The file name of a schema path: generated code must not depend on where it was generated.
pub(super) fn file_name(path: &str) -> &str {
    std::path::Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path)
}
