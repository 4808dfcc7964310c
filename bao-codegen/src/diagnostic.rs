//! Diagnostics of every stage: the type, the stable codes, and rustc-style rendering.
//!
//! A [`Diagnostic`] has a severity, a stable [`Code`] (`B001`...), a message (lowercase,
//! identifiers in backticks, no trailing period), a primary location with a label, optional
//! secondary labels and an optional `help`. [`Diagnostics`] holds every diagnostic of one run,
//! sorted by file and position. The text renderer imitates rustc (through `annotate-snippets`);
//! library users who prefer miette get a [`miette::Diagnostic`] implementation.
//!
//! Every code is documented in `docs/diagnostics.md`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::source::{SourceFile, SourceMap, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The schema is rejected; nothing is generated.
    Error,
    /// The schema compiles, but something is probably not what the author meant.
    Warning,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $title:literal;)*) => {
        /// A stable diagnostic code. Codes are never reused; `docs/diagnostics.md` explains
        /// each one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed: `B004`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// A short title, as used in `docs/diagnostics.md`.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$variant => $title,)*
                }
            }
        }
    };
}

codes! {
    /// The file is not valid YAML.
    YamlSyntax = "B001", "invalid YAML";
    /// A schema file or directory cannot be read.
    Io = "B002", "cannot read the schema";
    /// A value has the wrong YAML type (a string where a boolean is expected, ...).
    WrongType = "B003", "value of the wrong type";
    /// A field's `type` is not one of the built-in field types.
    UnknownFieldType = "B004", "unknown field type";
    /// A key that the schema format does not know.
    UnknownKey = "B005", "unknown key";
    /// A file without a `models` mapping, or a schema without any model.
    MissingModels = "B006", "no models";
    /// A model defined twice (across files of a schema directory).
    DuplicateModel = "B007", "model defined twice";
    /// A model name that is not a PascalCase Rust type name.
    InvalidModelName = "B008", "invalid model name";
    /// A model without `modelPrefix`.
    MissingModelPrefix = "B009", "missing `modelPrefix`";
    /// Two models with the same `modelPrefix`.
    DuplicateModelPrefix = "B010", "duplicate `modelPrefix`";
    /// An empty `modelPrefix`, or one containing a key separator.
    InvalidModelPrefix = "B011", "invalid `modelPrefix`";
    /// A model without fields.
    NoFields = "B012", "model without fields";
    /// A model without `primaryKey`.
    MissingPrimaryKey = "B013", "missing `primaryKey`";
    /// A key, index, constraint or `searchable` entry naming a field that does not exist.
    UnknownFieldReference = "B014", "unknown field";
    /// An `indexId` other than `gsi1`..`gsi5`.
    InvalidIndexId = "B015", "invalid `indexId`";
    /// Two indexes of one model on the same GSI.
    DuplicateIndexId = "B016", "duplicate `indexId`";
    /// A `uniqueConstraintId` other than `uc1`..`uc3`.
    InvalidUniqueConstraintId = "B017", "invalid `uniqueConstraintId`";
    /// Two unique constraints of one model with the same id.
    DuplicateUniqueConstraintId = "B018", "duplicate `uniqueConstraintId`";
    /// A RelatedField naming a model that does not exist.
    UnknownRelatedModel = "B019", "unknown related model";
    /// A RelatedField without `model`.
    MissingRelatedModel = "B020", "RelatedField without `model`";
    /// A StringSetField or BinaryField in a key or unique constraint.
    UnindexableField = "B021", "field type cannot be a key";
    /// A TtlField not named `ttl`.
    TtlFieldName = "B022", "TtlField not named `ttl`";
    /// A field or index name starting with `_`.
    LeadingUnderscore = "B023", "name starts with `_`";
    /// Two field names with the same Rust name.
    FieldNameCollision = "B024", "field names collide in Rust";
    /// Two generated methods of one model with the same name.
    MethodNameCollision = "B025", "generated methods collide";
    // B026 (a field named like a method) is retired: fields and methods live in different
    // namespaces in Rust, so DynamoBao's `key`, `find` or `save` fields are accepted.
    /// `iterationBuckets` outside 1..=1000.
    IterationBucketsRange = "B027", "`iterationBuckets` out of range";
    /// `iterationBuckets` on a model that is not iterable (warning).
    IterationBucketsIgnored = "B028", "`iterationBuckets` without `iterable`";
    /// `searchable: true`.
    SearchableTrue = "B029", "`searchable: true` is not supported";
    /// `searchable` without a non-empty `fields` list.
    SearchableNoFields = "B030", "`searchable` without fields";
    /// A `searchable` field that is not a StringField.
    SearchableFieldType = "B031", "`searchable` field is not a StringField";
    /// An option value out of its range (`minTermLength: 0`, `maxLength: -1`, ...).
    OptionOutOfRange = "B032", "option value out of range";
    /// `searchable` on a model that is not iterable (warning).
    SearchableNotIterable = "B033", "`searchable` without `iterable`";
    /// A `tableType: mapping` model without two RelatedFields.
    MappingRelatedFields = "B034", "mapping table needs two RelatedFields";
    /// A field option that does not apply to the field's type.
    OptionNotAllowed = "B035", "option does not apply to this field type";
    /// `model` on a field that is not a RelatedField.
    ModelOnNonRelatedField = "B036", "`model` on a field that is not a RelatedField";
    /// A `defaultValue` whose type does not match the field.
    DefaultValueType = "B037", "`defaultValue` of the wrong type";
    /// An IntegerField or FloatField as a sort key (warning).
    UnsortableSortKey = "B038", "sort key will not sort";
    /// The undocumented `methods` key, which is ignored (warning).
    MethodsIgnored = "B039", "`methods` is ignored";
    /// A `tableType` other than `standard` or `mapping`.
    InvalidTableType = "B040", "invalid `tableType`";
    /// A required key is missing (`type`, `partitionKey`, `sortKey`, `indexId`, ...).
    MissingKey = "B041", "missing key";
    /// A name that has no Rust identifier form.
    InvalidIdentifier = "B042", "name has no Rust identifier form";
    /// Two models with the same Rust module name.
    ModuleNameCollision = "B043", "models collide in Rust";
    /// The same key twice in one YAML mapping.
    DuplicateKey = "B044", "duplicate key";
    /// A `modelPrefix` starting with `_raft_uc`, the prefix of unique-constraint items.
    ReservedModelPrefix = "B045", "reserved `modelPrefix`";
    // B046 (`searchable` has no effect yet) is retired: searchable models keep `_searchText`
    // and get `search` methods.
    /// Instance queries that would share a name, named by their whole index names (warning).
    MethodsRenamed = "B047", "queries named by their whole index names";
    /// A `fieldTypes` entry that cannot be used: no or an unknown `base`, a built-in name,
    /// declared twice, or options that clash with the base's.
    InvalidFieldTypeDeclaration = "B048", "invalid `fieldTypes` entry";
    /// A `rustType` that is not a Rust type path, or on a field that cannot hold one.
    InvalidRustType = "B049", "invalid `rustType`";
    /// A declared type's options that no `rustType` checks (warning).
    UncheckedOptions = "B050", "options that nothing checks";
    /// A `fieldTypes` entry no field uses (warning).
    UnusedFieldType = "B051", "field type that no field uses";
    /// A change from `bao.lock` that stored items need a migration for (a new index, unique
    /// constraint, iteration or search).
    MigrationNeeded = "B052", "stored items need a migration";
    /// A change from `bao.lock` that leaves stored items where no model reads them (a changed
    /// prefix or key, a removed model).
    OrphanedItems = "B053", "stored items would be orphaned";
    /// A change from `bao.lock` that stored items could not be read with (a new required field
    /// without a default, a changed stored type).
    UnreadableItems = "B054", "stored items could not be read";
    /// A `bao.lock` that cannot be read.
    InvalidLock = "B055", "unreadable `bao.lock`";
    /// `values` that make no enum: empty, a value listed twice, a value without a Rust variant
    /// name, a `defaultValue` outside them, on a key field, or an enum name already taken.
    InvalidValues = "B056", "invalid `values`";
    /// A `pattern` that is not a regular expression, a `validate` that is not a function path,
    /// or a `min` above the `max`.
    InvalidCheck = "B057", "invalid field check";
    /// Extensions a Node DynamoBao service writing the table ignores (warning, unless the
    /// schema states its `compatibility`).
    NodeIgnoredExtensions = "B058", "extensions Node ignores";
    /// An extension refused by `compatibility: dynamo-bao` or `bao check --dynamo-bao`, or an
    /// unknown `compatibility`.
    NodeCompatibility = "B059", "not compatible with DynamoBao";
    /// A shape that cannot be used: unknown, defined twice, without fields or with a name that
    /// is not a Rust type's; an ObjectField without a `shape`, a ListField without `items`,
    /// or a field type a shape or a list cannot hold.
    InvalidShape = "B060", "invalid shape";
    /// A shape that holds itself, directly or through other shapes.
    ShapeCycle = "B061", "shape contains itself";
    /// A `softDelete` that does not name an optional DateTimeField of the model.
    InvalidSoftDelete = "B062", "invalid `softDelete`";
    /// An `onDelete` that is not `restrict`, `setNull` or `cascade`, a `setNull` on a required
    /// field, a field no index of its model is partitioned on, or a cascade into a model with
    /// rules of its own.
    InvalidDeleteRule = "B063", "invalid `onDelete`";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
pub(crate) fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
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
    use crate::source::SourceFile;

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

    #[test]
    fn codes_are_unique_and_numbered_in_order() {
        // Retired codes keep their numbers: a code is never reused.
        const RETIRED: [u32; 2] = [26, 46];
        let numbers = (1..).filter(|number| !RETIRED.contains(number));
        for (code, number) in Code::ALL.iter().zip(numbers) {
            assert_eq!(code.as_str(), format!("B{number:03}"));
        }
    }

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
