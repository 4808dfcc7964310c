//! Stage 1 (parse): YAML text -> a tree of located nodes, with the comments of mapping entries.
//!
//! granit-parser turns the text into events, each with its source span and comments as events
//! of their own; [`TreeBuilder`] folds them into [`Node`]s that keep their byte spans and give
//! every mapping entry the comment written directly above its key (or after it on the same
//! line). Plain scalars resolve by the YAML 1.2 core schema, with only `true` and `false` as
//! booleans. The tree is untyped on purpose: `schema` reads it and reports every unknown key
//! and every value of the wrong type at once, where a typed deserializer would stop at the
//! first one.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use granit_parser::{
    Event, Marker, Parser, Placement, ScalarStyle, ScanError, StructureStyle, Tag,
};

use crate::diagnostic::{Code, Reporter};
use crate::source::{FileId, SourceFile, Span};

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `~`, `null` or nothing.
    Null,
    /// `true` / `false` (YAML 1.2 spellings only).
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
    /// A string, quoted or plain.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<Entry>),
}

impl Value {
    /// What the value is, for messages: "a string", "a mapping".
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A value and where it is written. Block mappings start (with an empty span) at their first
/// key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// The value.
    pub(crate) value: Value,
    /// Where it is written.
    pub(crate) span: Span,
}

/// One `key: value` entry of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// The key (a string for every valid schema, but YAML allows any node).
    pub(crate) key: Node,
    /// The value.
    pub(crate) value: Node,
    /// The comment block directly above the key, or after the value on the same line.
    pub(crate) comment: Option<String>,
}

/// Parses one file, or reports why it is not YAML.
pub(crate) fn parse(
    id: FileId,
    file: &SourceFile,
    reporter: &mut Reporter,
) -> Result<Node, YamlError> {
    let mut tree = TreeBuilder::new(id, file);
    for event in Parser::new_from_str(file.text()) {
        let outcome = match event {
            Ok((event, span)) => tree.push(event, span),
            Err(error) => Err(Problem::Syntax {
                open_brace: tree.brace_closing_a_block(),
                error,
            }),
        };
        if let Err(problem) = outcome {
            report(id, file, problem, reporter);
            return Err(YamlError);
        }
    }
    Ok(tree.finish())
}

/// The file is not YAML; a diagnostic was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct YamlError;

/// Why a file is not a schema's YAML.
#[derive(Debug)]
enum Problem {
    /// The text is not YAML. `open_brace` is the offset of an unclosed `{` that ends its line,
    /// the likely cause (see [`TreeBuilder::brace_closing_a_block`]).
    Syntax {
        error: ScanError,
        open_brace: Option<usize>,
    },
    /// A mapping holds a key twice; the span is the second one's.
    DuplicateKey { key: String, at: Span },
    /// A second document starts at this offset.
    SecondDocument(usize),
}

fn report(id: FileId, file: &SourceFile, problem: Problem, reporter: &mut Reporter) {
    match problem {
        Problem::DuplicateKey { key, at } => {
            reporter
                .error(
                    Code::DuplicateKey,
                    at,
                    format!("duplicate key `{key}`"),
                    "this key is already in the mapping",
                )
                .help("remove one of the two entries");
        }
        Problem::SecondDocument(offset) => {
            reporter
                .error(
                    Code::YamlSyntax,
                    point(id, file, offset),
                    "a schema file must hold a single YAML document",
                    "a second document starts here",
                )
                .help("remove the `---` separator, or move each document into its own file");
        }
        Problem::Syntax { error, open_brace } => {
            let offset = byte_offset(file, error.marker());
            let diagnostic = reporter.error(
                Code::YamlSyntax,
                point(id, file, offset),
                tidy_message(&error.info()),
                "invalid YAML",
            );
            if let Some(brace) = open_brace {
                diagnostic
                    .secondary(
                        point(id, file, brace),
                        "this `{` opens a flow mapping, whose entries are separated by commas",
                    )
                    .help(
                        "an indented block cannot sit inside `{ }`: remove this `{` and its \
                         closing `}`, and keep the indented lines as they are",
                    );
            }
        }
    }
}

/// Lowercases the first letter and drops a trailing period.
fn tidy_message(message: &str) -> String {
    let message = message.trim().trim_end_matches('.');
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => "invalid YAML".to_owned(),
    }
}

/// A one-character span at `offset` (empty at a line break or the end of the file).
fn point(id: FileId, file: &SourceFile, offset: usize) -> Span {
    let text = file.text();
    let mut start = offset.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let width = text[start..]
        .chars()
        .next()
        .filter(|c| *c != '\n' && *c != '\r')
        .map_or(0, char::len_utf8);
    Span {
        file: id,
        start,
        end: start + width,
    }
}

/// The byte offset of a parser position in `file`.
fn byte_offset(file: &SourceFile, marker: &Marker) -> usize {
    marker
        .byte_offset()
        .unwrap_or_else(|| file.offset(marker.line(), marker.col() + 1))
        .min(file.text().len())
}

/// A collection being built, innermost last on the builder's stack.
#[derive(Debug)]
enum Open {
    Seq {
        items: Vec<Node>,
        span: Span,
        flow: bool,
        anchor: usize,
    },
    Map {
        entries: Vec<Entry>,
        /// The key read, waiting for its value, and its comment.
        key: Option<(Node, Option<String>)>,
        span: Span,
        flow: bool,
        anchor: usize,
    },
}

/// Folds parser events into the tree.
struct TreeBuilder<'a> {
    id: FileId,
    file: &'a SourceFile,
    stack: Vec<Open>,
    root: Option<Node>,
    /// Anchored nodes by the parser's anchor id, for aliases.
    anchors: HashMap<usize, Node>,
    /// Own-line comments directly above the next token.
    above: Vec<String>,
    documents: usize,
}

impl<'a> TreeBuilder<'a> {
    fn new(id: FileId, file: &'a SourceFile) -> Self {
        Self {
            id,
            file,
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            above: Vec::new(),
            documents: 0,
        }
    }

    fn push(&mut self, event: Event<'_>, span: granit_parser::Span) -> Result<(), Problem> {
        let span = self.span(span);
        match event {
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(Problem::SecondDocument(span.start));
                }
            }
            Event::Comment(text, placement) => self.comment(&text, placement),
            Event::Scalar(text, style, anchor, tag) => {
                self.drop_comments_unless_at_key();
                let value = resolve(text, style, tag.as_deref());
                self.add(Node { value, span }, anchor);
            }
            Event::Alias(anchor) => {
                self.drop_comments_unless_at_key();
                // The parser refuses an alias without its anchor, so the lookup succeeds.
                let value = self
                    .anchors
                    .get(&anchor)
                    .map_or(Value::Null, |node| node.value.clone());
                self.add(Node { value, span }, 0);
            }
            Event::SequenceStart(style, anchor, _) => {
                self.stack.push(Open::Seq {
                    items: Vec::new(),
                    span: Span {
                        end: span.start,
                        ..span
                    },
                    flow: style == StructureStyle::Flow,
                    anchor,
                });
            }
            Event::MappingStart(style, anchor, _) => {
                self.stack.push(Open::Map {
                    entries: Vec::new(),
                    key: None,
                    span: Span {
                        end: span.start,
                        ..span
                    },
                    flow: style == StructureStyle::Flow,
                    anchor,
                });
            }
            Event::SequenceEnd => {
                if let Some(Open::Seq {
                    items,
                    span: start,
                    flow,
                    anchor,
                }) = self.stack.pop()
                {
                    // A flow list is located by its brackets, a block list (like a block
                    // mapping) by where it starts.
                    let span = match flow {
                        true => Span {
                            end: span.end.max(start.start),
                            ..start
                        },
                        false => start,
                    };
                    self.add(
                        Node {
                            value: Value::Seq(items),
                            span,
                        },
                        anchor,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Open::Map {
                    entries,
                    span,
                    anchor,
                    ..
                }) = self.stack.pop()
                {
                    let entries = merge_keys(entries);
                    check_duplicates(&entries)?;
                    self.add(
                        Node {
                            value: Value::Map(entries),
                            span,
                        },
                        anchor,
                    );
                }
            }
            // Stream and document ends, and anchor names (aliases refer to anchors by id).
            _ => {}
        }
        Ok(())
    }

    /// The offset of the innermost open flow mapping's `{` when nothing but a comment follows
    /// it on its line: a block of indented lines wrapped in braces, as DynamoBao's README
    /// writes `User: {` in its first example, which is not YAML.
    fn brace_closing_a_block(&self) -> Option<usize> {
        let Some(Open::Map {
            span, flow: true, ..
        }) = self.stack.last()
        else {
            return None;
        };
        let text = self.file.text();
        let rest = text.get(span.start + 1..)?;
        let rest_of_line = rest.split(['\n', '\r']).next().unwrap_or("");
        let rest_of_line = rest_of_line.split(" #").next().unwrap_or("").trim();
        (text[span.start..].starts_with('{') && rest_of_line.is_empty()).then_some(span.start)
    }

    /// Places a complete node: as the root, a list item, a mapping key or a mapping value.
    fn add(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, key, .. }) => match key.take() {
                None => {
                    let comment = joined(&mut self.above);
                    *key = Some((node, comment));
                }
                Some((key, comment)) => {
                    entries.push(Entry {
                        key,
                        value: node,
                        comment,
                    });
                }
            },
        }
    }

    /// Keeps a comment for the entry it belongs to: above a key, or after a key or value on
    /// its line.
    fn comment(&mut self, text: &str, placement: Placement) {
        let text = text.trim();
        match placement {
            Placement::Above => self.above.push(text.to_owned()),
            Placement::Right => {
                if text.is_empty() {
                    return;
                }
                let target = match self.stack.last_mut() {
                    Some(Open::Map {
                        key: Some((_, comment)),
                        ..
                    }) => Some(comment),
                    Some(Open::Map { entries, .. }) => entries.last_mut().map(|e| &mut e.comment),
                    _ => None,
                };
                if let Some(comment) = target {
                    match comment {
                        Some(existing) => {
                            existing.push('\n');
                            existing.push_str(text);
                        }
                        None => *comment = Some(text.to_owned()),
                    }
                }
            }
            _ => self.above.clear(),
        }
    }

    /// Comments above a scalar that is not a mapping key belong to nothing. (Collections
    /// starting or ending leave them alone: a comment above the first key of a block mapping
    /// comes before the mapping's start, one above the key after a nested mapping before its
    /// end.)
    fn drop_comments_unless_at_key(&mut self) {
        if !matches!(self.stack.last(), Some(Open::Map { key: None, .. })) {
            self.above.clear();
        }
    }

    fn finish(self) -> Node {
        self.root.unwrap_or(Node {
            value: Value::Null,
            span: Span {
                file: self.id,
                start: 0,
                end: 0,
            },
        })
    }

    fn span(&self, span: granit_parser::Span) -> Span {
        let start = byte_offset(self.file, &span.start);
        let end = byte_offset(self.file, &span.end).max(start);
        Span {
            file: self.id,
            start,
            end,
        }
    }
}

/// The comment lines gathered, as one comment (or none).
fn joined(lines: &mut Vec<String>) -> Option<String> {
    let comment = lines.join("\n");
    lines.clear();
    let comment = comment.trim();
    (!comment.is_empty()).then(|| comment.to_owned())
}

/// Expands YAML merge keys (`<<: *base`, `<<: [*a, *b]`) in place: the merged entries whose
/// keys the mapping does not set itself, the first merged mapping winning.
fn merge_keys(entries: Vec<Entry>) -> Vec<Entry> {
    if !entries.iter().any(is_merge) {
        return entries;
    }
    let own: Vec<String> = entries
        .iter()
        .filter(|entry| !is_merge(entry))
        .filter_map(|entry| key_text(&entry.key))
        .collect();
    let mut merged_keys: Vec<String> = Vec::new();
    let mut result = Vec::with_capacity(entries.len());
    for entry in entries {
        if !is_merge(&entry) {
            result.push(entry);
            continue;
        }
        let sources = match entry.value.value {
            Value::Map(entries) => vec![entries],
            Value::Seq(items) => items
                .into_iter()
                .filter_map(|item| match item.value {
                    Value::Map(entries) => Some(entries),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for source in sources {
            for merged in source {
                let Some(key) = key_text(&merged.key) else {
                    continue;
                };
                if !own.contains(&key) && !merged_keys.contains(&key) {
                    merged_keys.push(key);
                    result.push(merged);
                }
            }
        }
    }
    result
}

fn is_merge(entry: &Entry) -> bool {
    matches!(&entry.key.value, Value::Str(key) if key == "<<")
}

/// A key as text, for comparing keys.
fn key_text(key: &Node) -> Option<String> {
    match &key.value {
        Value::Str(text) => Some(text.clone()),
        Value::Int(value) => Some(value.to_string()),
        Value::Bool(value) => Some(value.to_string()),
        Value::Null => Some("null".to_owned()),
        _ => None,
    }
}

/// The first key, in source order, that repeats an earlier key of the mapping.
fn check_duplicates(entries: &[Entry]) -> Result<(), Problem> {
    let mut seen: HashSet<&str> = HashSet::with_capacity(entries.len());
    let mut duplicate: Option<&Entry> = None;
    for entry in entries {
        let Value::Str(key) = &entry.key.value else {
            continue;
        };
        if !seen.insert(key)
            && duplicate.is_none_or(|first| entry.key.span.start < first.key.span.start)
        {
            duplicate = Some(entry);
        }
    }
    match duplicate {
        Some(entry) => Err(Problem::DuplicateKey {
            key: key_text(&entry.key).unwrap_or_default(),
            at: entry.key.span,
        }),
        None => Ok(()),
    }
}

/// The value of a scalar: a quoted, block or `!!str` scalar is a string; a plain one resolves
/// by the YAML 1.2 core schema (null, `true`/`false`, integers, floats, else a string).
fn resolve(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    let is_str_tag = tag.is_some_and(|tag| tag.is_yaml_core_schema_tag("str"));
    if style != ScalarStyle::Plain || is_str_tag {
        return Value::Str(text.into_owned());
    }
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(value) = core_int(&text) {
        return Value::Int(value);
    }
    if let Some(value) = core_float(&text) {
        return Value::Float(value);
    }
    Value::Str(text.into_owned())
}

/// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
fn core_int(text: &str) -> Option<i128> {
    if let Some(octal) = text.strip_prefix("0o") {
        return i128::from_str_radix(octal, 8)
            .ok()
            .filter(|_| !octal.is_empty());
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return i128::from_str_radix(hex, 16)
            .ok()
            .filter(|_| !hex.is_empty());
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf` or `\.nan` (in the three
/// spellings of each).
fn core_float(text: &str) -> Option<f64> {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let sign = if text.starts_with('-') { -1.0 } else { 1.0 };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(sign * f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" if unsigned.len() == text.len() => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok =
        digits(whole) && digits(fraction) && (!whole.is_empty() || !fraction.is_empty());
    let exponent_ok = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    (mantissa_ok && exponent_ok)
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> (Result<Node, YamlError>, Vec<crate::diagnostic::Diagnostic>) {
        let mut reporter = Reporter::default();
        let id = reporter.sources_mut().add(SourceFile::new("t.yaml", text));
        let file = std::sync::Arc::clone(reporter.sources().file(id));
        let node = parse(id, &file, &mut reporter);
        (node, reporter.finish())
    }

    fn map(node: &Node) -> &[Entry] {
        match &node.value {
            Value::Map(entries) => entries,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    #[test]
    fn keeps_byte_spans_and_comments() {
        let text = "# doc for a\na: 'é' # trailing\nb:\n  # doc for c\n  c: [1, 2.5, true, ~]\n";
        let (node, diagnostics) = parse_text(text);
        assert!(diagnostics.is_empty());
        let node = node.expect("valid YAML");
        let entries = map(&node);
        assert_eq!(entries[0].comment.as_deref(), Some("doc for a\ntrailing"));
        assert_eq!(&text[entries[0].key.span.range()], "a");
        assert_eq!(&text[entries[0].value.span.range()], "'é'");
        assert_eq!(entries[0].value.value, Value::Str("é".into()));
        assert_eq!(entries[1].comment, None);
        let inner = map(&entries[1].value);
        assert_eq!(inner[0].comment.as_deref(), Some("doc for c"));
        let Value::Seq(items) = &inner[0].value.value else {
            panic!("not a list")
        };
        let values: Vec<_> = items.iter().map(|item| item.value.clone()).collect();
        assert_eq!(
            values,
            [
                Value::Int(1),
                Value::Float(2.5),
                Value::Bool(true),
                Value::Null
            ]
        );
        assert_eq!(&text[items[1].span.range()], "2.5");
    }

    #[test]
    fn yaml_1_1_booleans_are_strings() {
        let (node, _) = parse_text("a: yes\n");
        let node = node.expect("valid YAML");
        assert_eq!(map(&node)[0].value.value, Value::Str("yes".into()));
    }

    #[test]
    fn syntax_errors_are_located() {
        let (node, diagnostics) = parse_text("a: [1, 2\nb: 3\n");
        assert_eq!(node, Err(YamlError));
        let label = diagnostics[0].primary().expect("a location");
        assert_eq!(diagnostics[0].code(), Code::YamlSyntax);
        assert_eq!((label.line(), label.column()), (2, 2));
    }

    #[test]
    fn duplicate_keys_have_their_own_code() {
        let (_, diagnostics) = parse_text("a: 1\na: 2\n");
        assert_eq!(diagnostics[0].code(), Code::DuplicateKey);
        assert_eq!(diagnostics[0].message(), "duplicate key `a`");
        let (_, diagnostics) = parse_text("a: 1\nb: 2\nc: 3\nb: 4\na: 5\n");
        let label = diagnostics[0].primary().expect("a location");
        assert_eq!(diagnostics[0].message(), "duplicate key `b`");
        assert_eq!((label.line(), label.column()), (4, 1));
    }

    #[test]
    fn plain_scalars_resolve_by_the_core_schema() {
        let (node, _) = parse_text(
            "[~, null, '', true, False, 12, -7, 0x1F, 0o17, 1.5, -.5, 1e3, .inf, \
             'true', \"12\", 1_000, 0b11, 12abc, .nan]\n",
        );
        let Value::Seq(items) = node.expect("valid YAML").value else {
            panic!("not a list")
        };
        let values: Vec<Value> = items.into_iter().map(|item| item.value).collect();
        let text = |s: &str| Value::Str(s.to_owned());
        assert_eq!(
            values[..18],
            [
                Value::Null,
                Value::Null,
                text(""),
                Value::Bool(true),
                Value::Bool(false),
                Value::Int(12),
                Value::Int(-7),
                Value::Int(31),
                Value::Int(15),
                Value::Float(1.5),
                Value::Float(-0.5),
                Value::Float(1000.0),
                Value::Float(f64::INFINITY),
                text("true"),
                text("12"),
                text("1_000"),
                text("0b11"),
                text("12abc"),
            ]
        );
        assert!(matches!(values[18], Value::Float(value) if value.is_nan()));
    }

    #[test]
    fn aliases_and_merge_keys_expand() {
        let text = "base: &base {type: StringField, required: true}\n\
                    copy: *base\n\
                    merged:\n  <<: *base\n  required: false\n";
        let (node, diagnostics) = parse_text(text);
        assert!(diagnostics.is_empty());
        let node = node.expect("valid YAML");
        let entries = map(&node);
        assert_eq!(map(&entries[1].value), map(&entries[0].value));
        assert_eq!(&text[entries[1].value.span.range()], "*base");
        let merged: Vec<(String, Value)> = map(&entries[2].value)
            .iter()
            .map(|entry| {
                (
                    key_text(&entry.key).unwrap_or_default(),
                    entry.value.value.clone(),
                )
            })
            .collect();
        assert_eq!(
            merged,
            [
                ("type".to_owned(), Value::Str("StringField".into())),
                ("required".to_owned(), Value::Bool(false)),
            ]
        );
    }

    #[test]
    fn comments_above_a_key_after_a_nested_mapping_stay_with_it() {
        let text = "models:\n  A:\n    x: 1\n  # about B\n  B: {}\n";
        let (node, _) = parse_text(text);
        let node = node.expect("valid YAML");
        let models = map(&map(&node)[0].value);
        assert_eq!(models[0].comment, None);
        assert_eq!(models[1].comment.as_deref(), Some("about B"));
    }
}
