//! The slow path of emission: `syn` and prettyplease, for templates given with `--templates`,
//! for `--format`, and for modules whose names are too long for the built-in layout.

use super::EmitError;

/// Parses rendered code with `syn` and formats it with prettyplease.
pub(crate) fn format_rust(template: &str, code: &str) -> Result<String, EmitError> {
    Ok(prettyplease::unparse(&parse(template, code)?))
}

/// Parses rendered code with `syn`: a template that renders invalid Rust is reported with the
/// item that fails.
pub(crate) fn parse(template: &str, code: &str) -> Result<syn::File, EmitError> {
    syn::parse_file(code).map_err(|error| {
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
    })
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
