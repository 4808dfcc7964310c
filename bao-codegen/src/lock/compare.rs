//! The comparison of `bao.lock` with the schema: every difference that affects stored data,
//! as a located diagnostic naming what it breaks and the command that migrates it.

use std::collections::BTreeMap;

use super::{FieldLock, Lock, ModelLock, ShapeLock, json, storage};
use crate::diagnostic::{Code, Diagnostic, Reporter, Severity};
use crate::source::{FileId, SourceFile, Span};
use crate::validate::{ModelSpans, Validated};

/// Whether values stored as `before` read as `after`: the same storage, or integers read as
/// floats.
fn reads_as(before: &str, after: &str) -> bool {
    storage(before) == storage(after)
        || (storage(before) == storage("IntegerField") && after == "FloatField")
}

/// Whether `after` reads fewer strings than `before` did: `values` added, or some dropped.
fn narrowed(before: &FieldLock, after: &FieldLock) -> bool {
    match (&before.values, &after.values) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(old), Some(new)) => old.iter().any(|value| !new.contains(value)),
    }
}

/// `` `a`, `b` ``.
fn quoted(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("`{value}`")).collect();
    quoted.join(", ")
}

/// The help that ends every breaking diagnostic.
const ACCEPT: &str = "then run `bao codegen --accept-breaking` to record the change in bao.lock";

/// Every change from `lock` to the validated schema that affects stored items. They are errors,
/// or warnings when `accepted` (`bao codegen --accept-breaking`).
pub fn compare(lock: &Lock, validated: &Validated, accepted: bool) -> Vec<Diagnostic> {
    compare_with(lock, &Lock::of(&validated.schema), validated, accepted)
}

/// [`compare`] with the lock of the validated schema, `now`, already made.
pub(crate) fn compare_with(
    lock: &Lock,
    now: &Lock,
    validated: &Validated,
    accepted: bool,
) -> Vec<Diagnostic> {
    let mut checker = Checker {
        reporter: Reporter::with_sources(validated.sources.clone()),
        severity: if accepted {
            Severity::Warning
        } else {
            Severity::Error
        },
        lock_file: None,
    };
    let shapes = (&lock.shapes, &now.shapes);
    for (name, before) in &lock.models {
        match (now.models.get(name), validated.spans.get(name)) {
            (Some(after), Some(spans)) => checker.model(name, before, after, spans, shapes),
            _ => checker.removed_model(lock, name, before),
        }
    }
    for (name, before) in &lock.shapes {
        if let (Some(after), Some(spans)) = (now.shapes.get(name), validated.shape_spans.get(name))
        {
            let span = |field: &str| spans.fields.get(field).copied().unwrap_or(spans.name);
            checker.fields(name, &before.fields, &after.fields, &span, shapes);
        }
    }
    checker.reporter.finish()
}

/// The shapes of the lock and of the schema, by name.
type Shapes<'a> = (
    &'a BTreeMap<String, ShapeLock>,
    &'a BTreeMap<String, ShapeLock>,
);

struct Checker {
    reporter: Reporter,
    severity: Severity,
    /// The lock file, once added to the reporter's sources.
    lock_file: Option<FileId>,
}

impl Checker {
    fn report(&mut self, code: Code, span: Span, message: String, label: &str, help: String) {
        let report = match self.severity {
            Severity::Error => self.reporter.error(code, span, message, label),
            Severity::Warning => self.reporter.warning(code, span, message, label),
        };
        report.help(help);
    }

    /// A model the schema no longer has, reported at its entry in the lock file.
    fn removed_model(&mut self, lock: &Lock, name: &str, before: &ModelLock) {
        let message = format!("model `{name}` of bao.lock is gone from the schema");
        let help = format!(
            "its items stay in the table under `{}#`, read by no model: restore the model, or \
             delete its items; {ACCEPT}",
            before.prefix
        );
        match self.lock_entry(lock, name) {
            Some(span) => self.report(Code::OrphanedItems, span, message, "recorded here", help),
            None => self
                .reporter
                .push(Diagnostic::new(self.severity, Code::OrphanedItems, message).with_help(help)),
        }
    }

    /// The span of a model's name in the lock file it was read from.
    fn lock_entry(&mut self, lock: &Lock, name: &str) -> Option<Span> {
        let (file_name, text) = lock.file.as_ref()?;
        let quoted = json(&name);
        let start = text.find(&format!("\n    {quoted}: {{"))? + "\n    ".len();
        let file = *self.lock_file.get_or_insert_with(|| {
            self.reporter
                .sources_mut()
                .add(SourceFile::new(file_name.clone(), text.clone()))
        });
        Some(Span {
            file,
            start,
            end: start + quoted.len(),
        })
    }

    fn model(
        &mut self,
        name: &str,
        before: &ModelLock,
        after: &ModelLock,
        spans: &ModelSpans,
        shapes: Shapes<'_>,
    ) {
        if before.prefix != after.prefix {
            self.report(
                Code::OrphanedItems,
                spans.prefix,
                format!(
                    "`modelPrefix` of `{name}` changed from `{}` to `{}`",
                    before.prefix, after.prefix
                ),
                "stored items are keyed by the old prefix",
                format!(
                    "the items stored as `{}#...` would no longer be found: keep `modelPrefix: \
                     {}`, or copy the items to the new keys first; {ACCEPT}",
                    before.prefix, before.prefix
                ),
            );
        }
        if before.key != after.key {
            self.report(
                Code::OrphanedItems,
                spans.primary_key,
                format!(
                    "the primary key of `{name}` changed from `{}` to `{}`",
                    before.key, after.key
                ),
                "stored items are keyed by the old key",
                format!(
                    "the items stored under the old key would no longer be found by key: keep \
                     `{}`, or copy the items to the new keys first; {ACCEPT}",
                    before.key
                ),
            );
        }
        let span = |field: &str| spans.fields.get(field).copied().unwrap_or(spans.name);
        self.fields(name, &before.fields, &after.fields, &span, shapes);
        for (index, wanted) in &after.indexes {
            let span = spans.indexes.get(index).copied().unwrap_or(spans.name);
            let (message, label) = match before.indexes.get(index) {
                None => (
                    format!("new index `{index}` on `{name}`"),
                    "items stored before it are not in it",
                ),
                Some(old) if old != wanted => (
                    format!("index `{index}` of `{name}` changed from `{old}` to `{wanted}`"),
                    "items stored before the change have the old index keys",
                ),
                Some(_) => continue,
            };
            self.report(
                Code::MigrationNeeded,
                span,
                message,
                label,
                format!(
                    "after deploying, `bao reindex {name} --index {index}` writes its keys on \
                     every stored item; {ACCEPT}"
                ),
            );
        }
        for (constraint, wanted) in &after.unique_constraints {
            let span = spans
                .constraints
                .get(constraint)
                .copied()
                .unwrap_or(spans.name);
            let message = match before.unique_constraints.get(constraint) {
                None => format!("new unique constraint `{constraint}` on `{name}`"),
                Some(old) if old != wanted => format!(
                    "unique constraint `{constraint}` of `{name}` changed from `uc{}` on `{}` \
                     to `uc{}` on `{}`",
                    old.id, old.field, wanted.id, wanted.field
                ),
                Some(_) => continue,
            };
            self.report(
                Code::MigrationNeeded,
                span,
                message,
                "stored items own no constraint item for it",
                format!(
                    "a duplicate of a stored value would go unnoticed, and finding by it misses \
                     stored items: `bao backfill-unique {name} {constraint}` creates the \
                     constraint items and lists the duplicates; {ACCEPT}"
                ),
            );
        }
        if after.iteration_buckets.is_some() && before.iteration_buckets != after.iteration_buckets
        {
            let message = match before.iteration_buckets {
                None => format!("`{name}` became iterable"),
                Some(old) => format!(
                    "`iterationBuckets` of `{name}` changed from {old} to {}",
                    after.iteration_buckets.unwrap_or_default()
                ),
            };
            self.report(
                Code::MigrationNeeded,
                spans.iteration,
                message,
                "stored items are not in these buckets",
                format!(
                    "iteration would miss stored items: after deploying, `bao reindex {name} \
                     --scan` writes their iteration keys (a Scan finds the items the buckets do \
                     not); {ACCEPT}"
                ),
            );
        }
        if after.search.is_some() && before.search != after.search {
            let message = match before.search {
                None => format!("`{name}` became searchable"),
                Some(_) => format!("`searchable` of `{name}` changed"),
            };
            self.report(
                Code::MigrationNeeded,
                spans.searchable,
                message,
                "stored items have no (or other) search text",
                format!(
                    "search would miss stored items: after deploying, `bao rebuild-search-text \
                     {name}` (or `bao reindex {name}`) writes their `_searchText`; {ACCEPT}"
                ),
            );
        }
    }

    /// The changes of the fields of a model or a shape (`name`) that stored items could not be
    /// read with; `span` locates a field in the schema.
    fn fields(
        &mut self,
        name: &str,
        before: &BTreeMap<String, FieldLock>,
        after: &BTreeMap<String, FieldLock>,
        span: &dyn Fn(&str) -> Span,
        shapes: Shapes<'_>,
    ) {
        for (field, wanted) in after {
            let at = span(field);
            match before.get(field) {
                Some(old) => self.field(name, &format!("field `{field}`"), old, wanted, at, shapes),
                None if wanted.required => self.report(
                    Code::UnreadableItems,
                    at,
                    format!("new field `{field}` of `{name}` is required and has no default"),
                    "items stored before it lack it and could not be read",
                    format!(
                        "give it a `defaultValue`, or `required: false` (then it is an `Option` \
                         and stored items read as `None`); {ACCEPT}"
                    ),
                ),
                None => {}
            }
        }
    }

    /// One field (`what`: "field `x`", or "the elements of field `x`") stored as `old` and now
    /// read as `wanted`.
    fn field(
        &mut self,
        name: &str,
        what: &str,
        old: &FieldLock,
        wanted: &FieldLock,
        span: Span,
        shapes: Shapes<'_>,
    ) {
        if !reads_as(&old.field_type, &wanted.field_type) {
            return self.report(
                Code::UnreadableItems,
                span,
                format!(
                    "{what} of `{name}` changed from {} to {}",
                    old.field_type, wanted.field_type
                ),
                "stored values have the old type",
                format!(
                    "stored values are {}, which do not read as {}: keep the type, or add a \
                     field under a new name and copy the values; {ACCEPT}",
                    storage(&old.field_type),
                    storage(&wanted.field_type)
                ),
            );
        }
        if wanted.required && !old.required {
            return self.report(
                Code::UnreadableItems,
                span,
                format!("{what} of `{name}` became required without a default"),
                "stored items without it could not be read",
                format!(
                    "give it a `defaultValue`, or write it into every stored item first; {ACCEPT}"
                ),
            );
        }
        if narrowed(old, wanted) {
            return self.report(
                Code::UnreadableItems,
                span,
                format!(
                    "{what} of `{name}` may now hold only {}",
                    quoted(wanted.values.as_deref().unwrap_or_default())
                ),
                "stored strings outside these could not be read",
                format!(
                    "list every value stored items hold, or rewrite the others first; {ACCEPT}"
                ),
            );
        }
        if let (Some(old_items), Some(items)) = (&old.items, &wanted.items) {
            let elements = format!("the elements of {what}");
            self.field(name, &elements, old_items, items, span, shapes);
        }
        // A shape of another name now reads the maps: its members against the old shape's.
        if let (Some(old_shape), Some(shape)) = (&old.shape, &wanted.shape)
            && old_shape != shape
            && let (Some(before), Some(after)) = (shapes.0.get(old_shape), shapes.1.get(shape))
        {
            self.fields(shape, &before.fields, &after.fields, &|_| span, shapes);
        }
    }
}
