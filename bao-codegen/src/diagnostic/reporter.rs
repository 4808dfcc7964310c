//! How the stages report: a [`Reporter`] collects the diagnostics of one run, a [`Report`]
//! builds one, and the helpers word the suggestions of help lines.

use super::{Code, Diagnostic, Label, Severity};
use crate::source::{SourceMap, Span};
use std::sync::Arc;

/// Collects diagnostics while a stage runs; files are looked up in its [`SourceMap`].
#[derive(Debug, Default)]
pub(crate) struct Reporter {
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
}

impl Reporter {
    /// A reporter over files already read (a validated schema's).
    pub(crate) fn with_sources(sources: SourceMap) -> Reporter {
        Reporter {
            sources,
            diagnostics: Vec::new(),
        }
    }

    /// The files.
    pub(crate) fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// The files, to add one.
    pub(crate) fn sources_mut(&mut self) -> &mut SourceMap {
        &mut self.sources
    }

    /// Starts an error at `span`; it is recorded when the returned [`Report`] is dropped.
    pub(crate) fn error(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Report<'_> {
        self.report(Severity::Error, code, span, message.into(), label.into())
    }

    /// Starts a warning at `span`; it is recorded when the returned [`Report`] is dropped.
    pub(crate) fn warning(
        &mut self,
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Report<'_> {
        self.report(Severity::Warning, code, span, message.into(), label.into())
    }

    /// Records a diagnostic built elsewhere.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Everything recorded.
    pub(crate) fn finish(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    fn label(&self, span: Span, message: String) -> Label {
        Label {
            file: Arc::clone(self.sources.file(span.file)),
            file_order: span.file.index(),
            span: span.range(),
            message,
        }
    }

    fn report(
        &mut self,
        severity: Severity,
        code: Code,
        span: Span,
        message: String,
        label: String,
    ) -> Report<'_> {
        let mut diagnostic = Diagnostic::new(severity, code, message);
        diagnostic.primary = Some(self.label(span, label));
        Report {
            reporter: self,
            diagnostic: Some(diagnostic),
        }
    }
}

/// A diagnostic being built; it is recorded in its [`Reporter`] when dropped.
#[derive(Debug)]
pub(crate) struct Report<'r> {
    reporter: &'r mut Reporter,
    diagnostic: Option<Diagnostic>,
}

impl Report<'_> {
    /// Adds a secondary label ("first defined here").
    pub(crate) fn secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        let label = self.reporter.label(span, message.into());
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.secondary.push(label);
        }
        self
    }

    /// Sets the help text.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        if let Some(diagnostic) = &mut self.diagnostic {
            diagnostic.help = Some(help.into());
        }
        self
    }

    /// Sets the help text when there is one.
    pub(crate) fn help_opt(self, help: Option<String>) -> Self {
        match help {
            Some(help) => self.help(help),
            None => self,
        }
    }
}

impl Drop for Report<'_> {
    fn drop(&mut self) {
        if let Some(diagnostic) = self.diagnostic.take() {
            self.reporter.diagnostics.push(diagnostic);
        }
    }
}

/// The candidate closest to `input`, if one is close enough to be a likely typo.
fn did_you_mean<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input_lower = input.to_lowercase();
    let limit = (input.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|candidate| *candidate != input)
        .map(|candidate| {
            let candidate_lower = candidate.to_lowercase();
            // A prefix of a longer name (`sort` for `sortKey`) counts as close.
            let distance = if input.len() >= 3 && candidate_lower.starts_with(&input_lower) {
                1
            } else {
                strsim::damerau_levenshtein(&input_lower, &candidate_lower)
            };
            (distance, candidate)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `help: did you mean `x`?` when a candidate is close, else `fallback`.
pub(crate) fn suggestion<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: impl FnOnce() -> Option<String>,
) -> Option<String> {
    match did_you_mean(input, candidates) {
        Some(candidate) => Some(format!("did you mean `{candidate}`?")),
        None => fallback(),
    }
}

/// `a`, `b` and `c` as "`a`, `b`, `c`".
pub(crate) fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    items
        .into_iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_typos_only() {
        let types = ["StringField", "IntegerField", "UlidField"];
        assert_eq!(did_you_mean("StrinField", types), Some("StringField"));
        assert_eq!(did_you_mean("stringfield", types), Some("StringField"));
        assert_eq!(did_you_mean("Usr", ["User", "Post"]), Some("User"));
        assert_eq!(did_you_mean("Banana", types), None);
        assert_eq!(
            did_you_mean("sort", ["partitionKey", "sortKey"]),
            Some("sortKey")
        );
        assert_eq!(
            did_you_mean("x", ["y", "xy"]),
            Some("y"),
            "the first closest wins"
        );
    }
}
