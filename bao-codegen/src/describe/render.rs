//! The description as aligned text (for a terminal) and as Markdown.

use super::{Description, IndexRow, ModelDescription, example};
use bao_runtime::{AttributeValue, Item};
use std::fmt::Write;

const BOLD: &str = "\x1b[1m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// The access-pattern table's columns.
const ACCESS_COLUMNS: [&str; 6] = ["call", "sends", "index", "requests", "items", "consistency"];

pub(crate) fn text(description: &Description<'_>, color: bool) -> String {
    let paint = |style: &str, text: &str| match color {
        true => format!("{style}{text}{RESET}"),
        false => text.to_owned(),
    };
    let mut out = String::new();
    for model in &description.models {
        let _ = writeln!(out, "{}", paint(BOLD, &heading(model)));
        let _ = writeln!(out, "  key: {}", model.key.replace('`', ""));
        for (position, item) in model.items.iter().enumerate() {
            let _ = writeln!(out, "  {}:", item_title(model, position));
            let rows: Vec<Vec<String>> = ordered(model, item)
                .into_iter()
                .map(|(name, value)| vec![name.to_owned(), value])
                .collect();
            out.push_str(&aligned(&rows, 4));
        }
        let _ = writeln!(
            out,
            "  under tenant `{}`, every key starts with the tenant: _pk {}",
            example::EXAMPLE_TENANT,
            show(&AttributeValue::S(model.tenant_pk.clone()))
        );
        let _ = writeln!(out, "  access patterns:");
        let mut rows = vec![ACCESS_COLUMNS.map(str::to_owned).to_vec()];
        rows.extend(model.access.iter().map(|access| access_row(access, false)));
        out.push_str(&aligned(&rows, 4));
        for access in model.access.iter().filter(|access| access.note.is_some()) {
            let _ = writeln!(
                out,
                "    {}: {}",
                access.call,
                access.note.unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}", paint(BOLD, "Indexes"));
    out.push_str(&aligned(&usage_rows(&description.usage), 2));
    for note in &description.notes {
        let _ = writeln!(out, "  {note}");
    }
    for warning in &description.warnings {
        let _ = writeln!(out, "{} {warning}", paint(YELLOW, "warning:"));
    }
    out
}

pub(crate) fn markdown(description: &Description<'_>) -> String {
    let mut out = String::new();
    for model in &description.models {
        let _ = writeln!(out, "## {}\n", heading(model));
        let _ = writeln!(out, "Key: {}.\n", model.key);
        for (position, item) in model.items.iter().enumerate() {
            let title = item_title(model, position);
            let _ = writeln!(out, "{}{}:\n", title[..1].to_uppercase(), &title[1..]);
            let mut rows = vec![vec!["attribute".to_owned(), "value".to_owned()]];
            rows.extend(
                ordered(model, item)
                    .into_iter()
                    .map(|(name, value)| vec![format!("`{name}`"), format!("`{value}`")]),
            );
            out.push_str(&table(&rows));
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "Under tenant `{}`, every key starts with the tenant: `_pk` is `{}`.\n",
            example::EXAMPLE_TENANT,
            model.tenant_pk
        );
        let mut rows = vec![ACCESS_COLUMNS.map(str::to_owned).to_vec()];
        rows.extend(model.access.iter().map(|access| access_row(access, true)));
        out.push_str(&table(&rows));
        let notes: Vec<String> = model
            .access
            .iter()
            .filter_map(|access| Some(format!("- `{}`: {}", access.call, access.note?)))
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(out, "\n{}", notes.join("\n"));
        }
        out.push('\n');
    }
    out.push_str("## Indexes\n\n");
    out.push_str(&table(&usage_rows(&description.usage)));
    let findings: Vec<String> = description
        .notes
        .iter()
        .map(|note| format!("- {note}"))
        .chain(
            description
                .warnings
                .iter()
                .map(|warning| format!("- **warning:** {warning}")),
        )
        .collect();
    if !findings.is_empty() {
        let _ = writeln!(out, "\n{}", findings.join("\n"));
    }
    out
}

/// `User (prefix u, models.yaml line 23)`.
fn heading(model: &ModelDescription<'_>) -> String {
    let kind = match model.model.table_type {
        crate::ir::TableType::Mapping => ", a mapping table",
        crate::ir::TableType::Standard => "",
    };
    // The file's name, not its path: the description reads the same on every machine.
    let source = &model.model.source;
    let file = std::path::Path::new(&source.file).file_name().map_or_else(
        || source.file.clone(),
        |name| name.to_string_lossy().into_owned(),
    );
    format!(
        "{} (prefix `{}`{kind}, {file} line {})",
        model.model.name, model.model.prefix, source.line
    )
}

/// `the item an example stores`, or `its unique-constraint item `uniqueEmail``. The example
/// gives every field a value, so the items after the first are the constraints' in order.
fn item_title(model: &ModelDescription<'_>, position: usize) -> String {
    match position.checked_sub(1) {
        None => "the item an example stores".to_owned(),
        Some(index) => match model.model.unique_constraints.get(index) {
            Some(constraint) => format!("its unique-constraint item `{}`", constraint.name),
            None => "its unique-constraint item".to_owned(),
        },
    }
}

/// The attributes of `item` in reading order: `_pk`, `_sk`, the fields in schema order, then
/// the derived attributes by name.
fn ordered<'i>(model: &ModelDescription<'_>, item: &'i Item) -> Vec<(&'i str, String)> {
    let rank = |name: &str| match name {
        "_pk" => (0, 0),
        "_sk" => (0, 1),
        _ => match model
            .model
            .fields
            .iter()
            .position(|field| field.name == name)
        {
            Some(position) if !name.starts_with('_') => (1, position),
            _ => (2, 0),
        },
    };
    let mut attributes: Vec<(&str, &AttributeValue)> = item
        .iter()
        .map(|(name, value)| (name.as_str(), value))
        .collect();
    attributes.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(a.0.cmp(b.0)));
    attributes
        .into_iter()
        .map(|(name, value)| (name, show(value)))
        .collect()
}

/// A stored value, compactly: `"text"`, `7`, `true`, `{city: "Paris"}`, `["a"]`, `<<"red">>`.
fn show(value: &AttributeValue) -> String {
    match value {
        AttributeValue::S(text) => format!("{text:?}"),
        AttributeValue::N(number) => number.clone(),
        AttributeValue::Bool(flag) => flag.to_string(),
        AttributeValue::Null(_) => "null".to_owned(),
        AttributeValue::B(bytes) => format!("<{} bytes>", bytes.as_ref().len()),
        AttributeValue::Ss(members) => format!("<<{}>>", quoted(members)),
        AttributeValue::Ns(members) => format!("<<{}>>", members.join(", ")),
        AttributeValue::L(elements) => {
            let shown: Vec<String> = elements.iter().map(show).collect();
            format!("[{}]", shown.join(", "))
        }
        AttributeValue::M(members) => {
            let mut names: Vec<&String> = members.keys().collect();
            names.sort();
            let shown: Vec<String> = names
                .into_iter()
                .map(|name| format!("{name}: {}", show(&members[name])))
                .collect();
            format!("{{{}}}", shown.join(", "))
        }
        _ => "?".to_owned(),
    }
}

fn quoted(members: &[String]) -> String {
    let shown: Vec<String> = members.iter().map(|member| format!("{member:?}")).collect();
    shown.join(", ")
}

fn access_row(access: &super::Access, code: bool) -> Vec<String> {
    let tick = |text: &str| match code {
        true => format!("`{text}`"),
        false => text.to_owned(),
    };
    vec![
        tick(&access.call),
        access.operations.clone(),
        access.index.clone().unwrap_or_else(|| "-".to_owned()),
        access.requests.to_string(),
        access.items.clone(),
        access.consistency.to_string(),
    ]
}

fn usage_rows(usage: &[IndexRow]) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "model",
            "gsi1",
            "gsi2",
            "gsi3",
            "gsi4",
            "gsi5",
            "iteration",
            "search",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for row in usage {
        let mut cells = vec![row.model.clone()];
        cells.extend(
            row.gsis
                .iter()
                .map(|name| name.clone().unwrap_or_else(|| "-".to_owned())),
        );
        cells.push(if row.iteration { "yes" } else { "-" }.to_owned());
        cells.push(if row.search { "yes" } else { "-" }.to_owned());
        rows.push(cells);
    }
    rows
}

/// Rows as columns padded to their widest cell, `indent` spaces in.
fn aligned(rows: &[Vec<String>], indent: usize) -> String {
    let widths = widths(rows);
    let mut out = String::new();
    for row in rows {
        let mut line = " ".repeat(indent);
        for (column, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if column + 1 < row.len() {
                let pad = widths[column] - cell.chars().count() + 2;
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A Markdown table whose first row is the header.
fn table(rows: &[Vec<String>]) -> String {
    let widths = widths(rows);
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let pad = |row: &[String]| {
        row.iter()
            .enumerate()
            .map(|(column, cell)| {
                let fill = widths[column] - cell.chars().count();
                format!("{}{}", cell.replace('|', "\\|"), " ".repeat(fill))
            })
            .collect::<Vec<_>>()
    };
    let mut out = String::new();
    if let Some((header, body)) = rows.split_first() {
        out.push_str(&line(pad(header)));
        out.push_str(&line(
            widths.iter().map(|width| "-".repeat(*width)).collect(),
        ));
        for row in body {
            out.push_str(&line(pad(row)));
        }
    }
    out
}

fn widths(rows: &[Vec<String>]) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or_default();
    (0..columns)
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or_default()
        })
        .collect()
}
