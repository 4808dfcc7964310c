//! Diagnostics of every stage: the type, the stable codes, and rustc-style rendering.
//!
//! A [`Diagnostic`] has a severity, a stable [`Code`] (`B001`...), a message (lowercase,
//! identifiers in backticks, no trailing period), a primary location with a label, optional
//! secondary labels and an optional `help`. [`Diagnostics`] holds every diagnostic of one run,
//! sorted by file and position. The text renderer imitates rustc (through `annotate-snippets`);
//! library users who prefer miette get a [`miette::Diagnostic`] implementation.
//!
//! Every code is documented in `docs/diagnostics.md`.

mod codes;
mod reporter;

pub use codes::Code;
pub(crate) use reporter::{Reporter, list, suggestion};

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::source::SourceFile;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The schema is rejected; nothing is generated.
    Error,
    /// The schema compiles, but something is probably not what the author meant.
    Warning,
}

/// A labelled span of a source file.
#[derive(Clone)]
pub struct Label {
    file: Arc<SourceFile>,
    /// Load order of the file, for sorting.
    file_order: usize,
    span: Range<usize>,
    message: String,
}

impl Label {
    /// The file's display name (e.g. `models.yaml`).
    pub fn file(&self) -> &str {
        self.file.name()
    }

    /// The 1-based line of the start of the span.
    pub fn line(&self) -> usize {
        self.file.line_col(self.span.start).0
    }

    /// The 1-based column (in characters) of the start of the span.
    pub fn column(&self) -> usize {
        self.file.line_col(self.span.start).1
    }

    /// The byte range in the file.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The length of the span in bytes.
    pub fn len(&self) -> usize {
        self.span.len()
    }

    /// Whether the span is empty (a position rather than a range).
    pub fn is_empty(&self) -> bool {
        self.span.is_empty()
    }

    /// What the label says about the span.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn miette_span(&self, primary: bool) -> miette::LabeledSpan {
        let text = (!self.message.is_empty()).then(|| self.message.clone());
        let span = miette::SourceSpan::new(self.span.start.into(), self.span.len());
        if primary {
            miette::LabeledSpan::new_primary_with_span(text, span)
        } else {
            miette::LabeledSpan::new_with_span(text, span)
        }
    }
}

impl fmt::Debug for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Label")
            .field("file", &self.file())
            .field("span", &self.span)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file(),
            self.line(),
            self.column(),
            self.message
        )
    }
}

impl std::error::Error for Label {}

/// A secondary label in another file than the primary one is reported to miette as a related
/// diagnostic of its own.
impl miette::Diagnostic for Label {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&*self.file)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.miette_span(true))))
    }
}

/// One error or warning.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    severity: Severity,
    code: Code,
    message: String,
    primary: Option<Label>,
    secondary: Vec<Label>,
    help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without a location (e.g. an unreadable directory).
    pub(crate) fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Sets the help text.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Error or warning.
    pub fn severity(&self) -> Severity {
        self.severity
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The message: lowercase, identifiers in backticks, no trailing period.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the problem is, if it has a place in a file.
    pub fn primary(&self) -> Option<&Label> {
        self.primary.as_ref()
    }

    /// Other places that explain the problem ("first defined here").
    pub fn secondary(&self) -> &[Label] {
        &self.secondary
    }

    /// What to do about it.
    pub fn help(&self) -> Option<&str> {
        self.help.as_deref()
    }

    /// Renders this diagnostic like rustc, with ANSI colours when `color` is true.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        self.render_with(&renderer)
    }

    fn render_with(&self, renderer: &Renderer) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let mut group = Group::with_title(
            level
                .primary_title(self.message.as_str())
                .id(self.code.as_str()),
        );
        let labels: Vec<(&Label, bool)> = self
            .primary
            .iter()
            .map(|label| (label, true))
            .chain(self.secondary.iter().map(|label| (label, false)))
            .collect();
        let mut files: Vec<&Arc<SourceFile>> = Vec::new();
        for (label, _) in &labels {
            if !files.iter().any(|file| Arc::ptr_eq(file, &label.file)) {
                files.push(&label.file);
            }
        }
        for file in files {
            let in_file: Vec<&(&Label, bool)> = labels
                .iter()
                .filter(|(label, _)| Arc::ptr_eq(&label.file, file))
                .collect();
            let start = in_file
                .iter()
                .map(|(label, _)| file.line_range(label.span()).start)
                .min()
                .unwrap_or(0);
            let end = in_file
                .iter()
                .map(|(label, _)| file.line_range(label.span()).end)
                .max()
                .unwrap_or(0);
            let mut snippet = Snippet::source(&file.text()[start..end])
                .line_start(file.line_of(start))
                .path(file.name());
            for (label, primary) in in_file {
                let kind = if *primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                let span = label.span.start.clamp(start, end) - start
                    ..label.span.end.clamp(start, end) - start;
                let annotation = kind.span(span);
                snippet = snippet.annotation(if label.message.is_empty() {
                    annotation
                } else {
                    annotation.label(label.message.as_str())
                });
            }
            group = group.element(snippet);
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        renderer.render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.primary
            .as_ref()
            .map(|label| &*label.file as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let primary = self.primary.as_ref()?;
        let same_file = self
            .secondary
            .iter()
            .filter(|label| Arc::ptr_eq(&label.file, &primary.file))
            .map(|label| label.miette_span(false));
        Some(Box::new(
            std::iter::once(primary.miette_span(true)).chain(same_file),
        ))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        let primary = self.primary.as_ref()?;
        let mut other_files = self
            .secondary
            .iter()
            .filter(|label| !Arc::ptr_eq(&label.file, &primary.file))
            .peekable();
        other_files.peek()?;
        Some(Box::new(
            other_files.map(|label| label as &dyn miette::Diagnostic),
        ))
    }
}

/// Every diagnostic of one run (errors and warnings), sorted by file and position.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Sorts diagnostics by file (in load order), position, severity and code; those
    /// without a location come first.
    pub fn new(mut items: Vec<Diagnostic>) -> Self {
        items.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                d.primary
                    .as_ref()
                    .map(|label| (label.file_order, label.span.start, label.span.end))
            };
            key(a)
                .cmp(&key(b))
                .then(a.severity.cmp(&b.severity))
                .then(a.code.cmp(&b.code))
                .then_with(|| a.message.cmp(&b.message))
        });
        Self { items }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// The number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// The diagnostics in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Renders every diagnostic like rustc, separated by blank lines, with ANSI colours when
    /// `color` is true.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for diagnostic in &self.items {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&diagnostic.render_with(&renderer));
            out.push('\n');
        }
        out
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

/// miette sees the collection as one report whose related diagnostics are the items.
impl miette::Diagnostic for Diagnostics {
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        Some(Box::new(
            self.items.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    #[test]
    fn renders_like_rustc() {
        let text = "models:\n  User:\n    fields:\n      name: {type: StrinField}\n";
        let mut reporter = Reporter::default();
        let file = reporter
            .sources_mut()
            .add(SourceFile::new("models.yaml", text));
        let span = |needle: &str| {
            let start = text.find(needle).expect("in the text");
            Span {
                file,
                start,
                end: start + needle.len(),
            }
        };
        reporter
            .error(
                Code::UnknownFieldType,
                span("StrinField"),
                "unknown field type `StrinField`",
                "not a bao field type",
            )
            .secondary(span("User"), "in this model")
            .help("did you mean `StringField`?");
        let diagnostics = Diagnostics::new(reporter.finish());
        assert_eq!(
            diagnostics.render(false),
            "\
error[B004]: unknown field type `StrinField`
 --> models.yaml:4:20
  |
2 |   User:
  |   ---- in this model
3 |     fields:
4 |       name: {type: StrinField}
  |                    ^^^^^^^^^^ not a bao field type
  |
  = help: did you mean `StringField`?
"
        );
        let label = diagnostics.iter().next().and_then(Diagnostic::primary);
        assert_eq!(
            label.map(|l| (l.line(), l.column(), l.len())),
            Some((4, 20, 10))
        );
        assert!(!diagnostics.render(false).contains('\u{1b}'));
        assert!(
            diagnostics.render(true).contains("\u{1b}["),
            "colour when asked"
        );
    }

    #[test]
    fn plugs_into_miette() {
        let mut reporter = Reporter::default();
        let first = reporter
            .sources_mut()
            .add(SourceFile::new("a.yaml", "models:\n  User: {}\n"));
        let second = reporter
            .sources_mut()
            .add(SourceFile::new("b.yaml", "models:\n  User: {}\n"));
        let user = |file| Span {
            file,
            start: 10,
            end: 14,
        };
        reporter
            .error(
                Code::DuplicateModel,
                user(second),
                "model `User` is defined twice",
                "again",
            )
            .secondary(user(second), "same file")
            .secondary(user(first), "first defined here")
            .help("remove one");
        let diagnostics = Diagnostics::new(reporter.finish());
        let diagnostic: &dyn miette::Diagnostic = diagnostics.iter().next().expect("a diagnostic");
        assert_eq!(
            diagnostic.code().map(|c| c.to_string()).as_deref(),
            Some("B007")
        );
        assert_eq!(diagnostic.severity(), Some(miette::Severity::Error));
        assert_eq!(
            diagnostic.help().map(|h| h.to_string()).as_deref(),
            Some("remove one")
        );
        let labels: Vec<_> = diagnostic.labels().expect("labels").collect();
        assert_eq!(labels.len(), 2, "the primary and the same-file label");
        assert!(labels[0].primary());
        assert_eq!((labels[0].offset(), labels[0].len()), (10, 4));
        let related: Vec<_> = diagnostic.related().expect("a related note").collect();
        assert_eq!(related.len(), 1, "the label in the other file");
        assert_eq!(related[0].to_string(), "a.yaml:2:3: first defined here");
        let contents = diagnostic
            .source_code()
            .expect("source")
            .read_span(&(10, 4).into(), 0, 0)
            .expect("a span");
        assert_eq!(contents.name(), Some("b.yaml"));
        let all: &dyn miette::Diagnostic = &diagnostics;
        assert_eq!(all.related().map(Iterator::count), Some(1));
    }
}
