//! How the parse stage reads single values: scalars of each type, mappings and string lists,
//! each reported with its location and the type it should have been, and unknown keys.

use std::collections::BTreeSet;

use super::Decoder;
use crate::diagnostic::{self, Code, Reporter};
use crate::source::{Located, Span};
use crate::yaml::{Entry, Node, Value};

impl Decoder<'_> {
    pub(super) fn string_list(
        &mut self,
        node: &Node,
        key: &Located<String>,
        what: &str,
    ) -> Option<Located<Vec<Located<String>>>> {
        match &node.value {
            Value::Null => None,
            Value::Seq(items) => Some(Located::new(
                items
                    .iter()
                    .filter_map(|item| self.string(item, key))
                    .collect(),
                key.span,
            )),
            other => {
                self.wrong_type(node, key, what, other);
                None
            }
        }
    }

    /// The entries of a mapping with string keys (others are reported); records in `written`
    /// each key whose value is not null.
    pub(super) fn keyed<'n>(
        &mut self,
        entries: &'n [Entry],
        written: &mut BTreeSet<String>,
    ) -> Vec<(Located<String>, &'n Entry)> {
        entries
            .iter()
            .filter_map(|entry| {
                let key = self.key(entry)?;
                if entry.value.value != Value::Null {
                    written.insert(key.value.clone());
                }
                Some((key, entry))
            })
            .collect()
    }

    /// A mapping key as a string; scalar keys such as `1` keep their source spelling.
    pub(super) fn key(&mut self, entry: &Entry) -> Option<Located<String>> {
        let key = &entry.key;
        let text = match &key.value {
            Value::Str(text) => text.clone(),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
                self.reporter.sources().file(key.span.file).text()[key.span.range()].to_owned()
            }
            other => {
                self.reporter
                    .error(
                        Code::WrongType,
                        key.span,
                        format!("invalid key: expected a string, found {}", found(other)),
                        "expected a name",
                    )
                    .help(
                        "keys in a schema are names; quote the key if it must contain YAML syntax",
                    );
                return None;
            }
        };
        Some(Located::new(text, key.span))
    }

    /// A mapping, or `None` (reported unless `null`).
    pub(super) fn mapping<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Entry]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            Value::Null => None,
            other => {
                self.reporter.error(
                    Code::WrongType,
                    node.span,
                    format!(
                        "invalid type for {what}: expected a mapping, found {}",
                        found(other)
                    ),
                    "expected a mapping",
                );
                None
            }
        }
    }

    /// A mapping that must be there; `null` is reported at the key.
    pub(super) fn mapping_required<'n>(
        &mut self,
        node: &'n Node,
        key: &Located<String>,
        what: &str,
    ) -> Option<&'n [Entry]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            other => {
                self.reporter.error(
                    Code::WrongType,
                    value_or_key(node, key.span),
                    format!("invalid {what}: expected a mapping, found {}", found(other)),
                    "expected a mapping",
                );
                None
            }
        }
    }

    pub(super) fn string(&mut self, node: &Node, key: &Located<String>) -> Option<Located<String>> {
        match &node.value {
            Value::Str(text) => Some(Located::new(text.clone(), node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "a string", other);
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, node: &Node, key: &Located<String>) -> Option<Located<bool>> {
        match &node.value {
            Value::Bool(value) => Some(Located::new(*value, node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "a boolean", other);
                None
            }
        }
    }

    pub(super) fn integer(&mut self, node: &Node, key: &Located<String>) -> Option<Located<i128>> {
        match &node.value {
            Value::Int(value) => Some(Located::new(*value, node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "an integer", other);
                None
            }
        }
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "a bound is compared as a JavaScript number"
    )]
    pub(super) fn number(&mut self, node: &Node, key: &Located<String>) -> Option<Located<f64>> {
        match &node.value {
            Value::Int(value) => Some(Located::new(*value as f64, node.span)),
            Value::Float(value) => Some(Located::new(*value, node.span)),
            Value::Null => None,
            other => {
                self.wrong_type(node, key, "a number", other);
                None
            }
        }
    }

    pub(super) fn scalar(&mut self, node: &Node, key: &Located<String>) -> Option<Node> {
        match &node.value {
            Value::Null => None,
            Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => Some(node.clone()),
            other => {
                self.wrong_type(node, key, "a string, number or boolean", other);
                None
            }
        }
    }

    fn wrong_type(&mut self, node: &Node, key: &Located<String>, expected: &str, other: &Value) {
        let help = match other {
            Value::Str(text) if expected == "a boolean" => Some(format!(
                "YAML 1.2 booleans are `true` and `false`; `{text}` is a string"
            )),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) if expected == "a string" => {
                let text = &self.reporter.sources().file(node.span.file).text()[node.span.range()];
                Some(format!("quote the value to make it a string: `\"{text}\"`"))
            }
            _ => None,
        };
        let label = match expected {
            "a boolean" => "expected `true` or `false`".to_owned(),
            _ => format!("expected {expected}"),
        };
        self.reporter
            .error(
                Code::WrongType,
                value_or_key(node, key.span),
                format!(
                    "invalid type for `{}`: expected {expected}, found {}",
                    key.value,
                    found(other)
                ),
                label,
            )
            .help_opt(help);
    }

    pub(super) fn unknown_key(
        &mut self,
        key: &Located<String>,
        known: &[&str],
        context: &str,
        label: &str,
    ) {
        unknown_key(self.reporter, key, known, context, label);
    }
}

/// Reports a key that is not one of `known`, with a "did you mean" when one is close.
pub(crate) fn unknown_key(
    reporter: &mut Reporter,
    key: &Located<String>,
    known: &[&str],
    context: &str,
    label: &str,
) {
    let help = diagnostic::suggestion(&key.value, known.iter().copied(), || {
        Some(format!(
            "the keys allowed here are {}",
            diagnostic::list(known.iter().copied())
        ))
    });
    reporter
        .error(
            Code::UnknownKey,
            key.span,
            format!("unknown key `{}` {context}", key.value),
            label,
        )
        .help_opt(help);
}

/// The value's span, or the key's when the value is a block collection (whose span is empty).
pub(super) fn value_or_key(node: &Node, key: Span) -> Span {
    if node.span.start == node.span.end {
        key
    } else {
        node.span
    }
}

/// What a wrong value is, quoting short strings: "the string `yes`".
pub(super) fn found(value: &Value) -> String {
    match value {
        Value::Str(text) if text.chars().count() <= 40 && !text.contains(['\n', '`']) => {
            format!("the string `{text}`")
        }
        Value::Int(number) => format!("the integer `{number}`"),
        Value::Bool(value) => format!("`{value}`"),
        other => other.describe().to_owned(),
    }
}
