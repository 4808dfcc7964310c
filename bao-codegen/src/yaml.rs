//! Stage 1 (parse): YAML text -> a tree of located nodes, with the comments of mapping entries.
//!
//! serde-saphyr parses the text; every node keeps its [`Span`] through
//! [`serde_saphyr::Spanned`], and every mapping value keeps the comment written directly above
//! its key (or after it on the same line) through [`serde_saphyr::Commented`]. The tree is
//! untyped on purpose: `schema` reads it and reports every unknown key and every value of the
//! wrong type at once, where a typed deserializer would stop at the first one.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Commented, Spanned};

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
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(file.text(), options) {
        Ok(raw) => Ok(Converter { id, file }.node(raw)),
        Err(error) => {
            report_error(id, file, &error, reporter);
            Err(YamlError)
        }
    }
}

/// The file is not YAML; a diagnostic was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct YamlError;

fn report_error(
    id: FileId,
    file: &SourceFile,
    error: &serde_saphyr::Error,
    reporter: &mut Reporter,
) {
    let error = error.without_snippet();
    let offset = error.location().map_or(0, |location| {
        location.span().byte_offset().map_or_else(
            || file.offset(to_usize(location.line()), to_usize(location.column())),
            to_usize,
        )
    });
    let span = point(id, file, offset);
    match error {
        serde_saphyr::Error::DuplicateMappingKey { key, .. } => {
            let key = key.as_deref().unwrap_or("?");
            let span = key_span(span, file, key);
            reporter
                .error(
                    Code::DuplicateKey,
                    span,
                    format!("duplicate key `{key}`"),
                    "this key is already in the mapping",
                )
                .help("remove one of the two entries");
        }
        serde_saphyr::Error::MultipleDocuments { .. } => {
            reporter
                .error(
                    Code::YamlSyntax,
                    span,
                    "a schema file must hold a single YAML document",
                    "a second document starts here",
                )
                .help("remove the `---` separator, or move each document into its own file");
        }
        other => {
            use serde_saphyr::MessageFormatter;
            let message = serde_saphyr::UserMessageFormatter.format_message(other);
            reporter.error(
                Code::YamlSyntax,
                span,
                tidy_message(&message),
                "invalid YAML",
            );
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

/// The whole key at `at`, when the source spells it plainly there.
fn key_span(at: Span, file: &SourceFile, key: &str) -> Span {
    if file.text()[at.start..].starts_with(key) {
        Span {
            end: at.start + key.len(),
            ..at
        }
    } else {
        at
    }
}

fn to_usize(value: u64) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

/// Converts serde-saphyr locations (characters, 1-based) into byte spans of one file.
struct Converter<'a> {
    id: FileId,
    file: &'a SourceFile,
}

impl Converter<'_> {
    fn node(&self, raw: Spanned<RawNode>) -> Node {
        let span = self.span(&raw.referenced);
        let value = match raw.value {
            RawNode::Null => Value::Null,
            RawNode::Bool(value) => Value::Bool(value),
            RawNode::Int(value) => Value::Int(value),
            RawNode::Float(value) => Value::Float(value),
            RawNode::Str(value) => Value::Str(value),
            RawNode::Seq(items) => {
                Value::Seq(items.into_iter().map(|item| self.node(item)).collect())
            }
            RawNode::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|entry| Entry {
                        key: self.node(entry.key),
                        value: self.node(entry.value),
                        comment: entry.comment,
                    })
                    .collect(),
            ),
        };
        Node { value, span }
    }

    fn span(&self, location: &serde_saphyr::Location) -> Span {
        let span = location.span();
        match (span.byte_offset(), span.byte_len()) {
            (Some(start), Some(len)) => {
                let start = to_usize(start).min(self.file.text().len());
                let end = start
                    .saturating_add(to_usize(len))
                    .min(self.file.text().len());
                Span {
                    file: self.id,
                    start,
                    end,
                }
            }
            _ => {
                let start = self
                    .file
                    .offset(to_usize(location.line()), to_usize(location.column()));
                Span {
                    file: self.id,
                    start,
                    end: start,
                }
            }
        }
    }
}

/// The tree as serde-saphyr delivers it.
enum RawNode {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<RawEntry>),
}

struct RawEntry {
    key: Spanned<RawNode>,
    value: Spanned<RawNode>,
    comment: Option<String>,
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawNodeVisitor)
    }
}

struct RawNodeVisitor;

impl<'de> Visitor<'de> for RawNodeVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(value.into()))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<RawNode, E> {
        Ok(RawNode::Int(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<RawNode, E> {
        Ok(RawNode::Int(value.into()))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<RawNode, E> {
        i128::try_from(value)
            .map(RawNode::Int)
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<RawNode, E> {
        Ok(RawNode::Str(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<RawNode, E> {
        Ok(RawNode::Str(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<RawNode>>()? {
            let value: Spanned<Commented<RawNode>> = map.next_value()?;
            let Commented(inner, comment) = value.value;
            entries.push(RawEntry {
                key,
                value: Spanned::new(inner, value.referenced, value.defined),
                comment: (!comment.trim().is_empty()).then(|| comment.trim().to_owned()),
            });
        }
        Ok(RawNode::Map(entries))
    }
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
    }
}
