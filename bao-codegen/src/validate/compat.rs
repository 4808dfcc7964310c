//! bao's extensions to DynamoBao's schema, by how a Node DynamoBao service sharing the table
//! treats them (shared/reference/parity-seeds.md, section 2):
//!
//! - class A, invisible to Node: `rustName` (and the `add_<field>` methods, which need no key);
//! - class B, looser on Node: `values`, `min`, `max`, `pattern`, `validate`. DynamoBao's codegen
//!   accepts them and its runtime ignores them, so a Node writer may store what bao refuses.
//! - class C, behaviour Node skips: `referentialIntegrity` (DynamoBao's codegen drops the
//!   RelatedField option, so Node writers store references to items that do not exist) and
//!   `softDelete` (a model key DynamoBao ignores: its reads return soft-deleted items).
//! - class D, new storage types: `ObjectField` and `ListField` (with the top-level `shapes:`).
//!   DynamoBao's codegen loads them only with the pass-through field files that
//!   `bao codegen --dynamo-bao-fields DIR` writes, and Node writers do not check their values.
//!
//! Without a setting, `bao codegen` prints one warning (B058) for the class B extensions in use.
//! `bao: {compatibility: bao}` says that bao is the table's only writer: no warning.
//! `bao: {compatibility: dynamo-bao}` (or `bao check --dynamo-bao`) refuses every extension a
//! Node service could not honour, each a located error (B059).

use super::*;

/// A key of `models.yaml` that DynamoBao does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extension {
    Values,
    RustName,
    Min,
    Max,
    Pattern,
    Validate,
    ObjectField,
    ListField,
    /// `items` written as a mapping.
    ItemsMapping,
    ReferentialIntegrity,
    SoftDelete,
    OnDelete,
}

impl Extension {
    /// The YAML key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Extension::Values => "values",
            Extension::RustName => "rustName",
            Extension::Min => "min",
            Extension::Max => "max",
            Extension::Pattern => "pattern",
            Extension::Validate => "validate",
            Extension::ObjectField => "ObjectField",
            Extension::ListField => "ListField",
            Extension::ItemsMapping => "items",
            Extension::ReferentialIntegrity => "referentialIntegrity",
            Extension::SoftDelete => "softDelete",
            Extension::OnDelete => "onDelete",
        }
    }

    /// What a Node DynamoBao service does with it, for errors.
    fn node_behaviour(self) -> &'static str {
        match self {
            Extension::ObjectField | Extension::ListField => {
                "DynamoBao loads it only with `bao codegen --dynamo-bao-fields`, and does not \
                 check its values"
            }
            Extension::ItemsMapping => {
                "DynamoBao's codegen prints a mapping option as `[object Object]`, a syntax \
                 error in its model; write the elements' type or shape by name \
                 (`items: IntegerField`, `items: Address`)"
            }
            Extension::ReferentialIntegrity => {
                "DynamoBao drops the option: its writes do not check that the item exists"
            }
            Extension::SoftDelete => {
                "DynamoBao ignores the model key: its reads return soft-deleted items"
            }
            Extension::OnDelete => {
                "DynamoBao drops the option: its deletes leave the items that name the deleted one"
            }
            _ => "not honoured by DynamoBao",
        }
    }

    /// Whether a Node service sharing the table ignores what it asks for (class B): it may
    /// store values bao refuses, or cannot read.
    fn node_ignores(self) -> bool {
        self != Extension::RustName
    }

    /// Whether a generated model's doc lists it: not `items` written as a mapping, which is a
    /// spelling, not a key of its own.
    pub(crate) fn is_listed(self) -> bool {
        self != Extension::ItemsMapping
    }

    /// A storage type DynamoBao does not have (class D).
    fn is_storage_type(self) -> bool {
        matches!(
            self,
            Extension::ObjectField | Extension::ListField | Extension::ItemsMapping
        )
    }
}

/// One use of an extension.
#[derive(Debug, Clone)]
pub(crate) struct ExtensionUse {
    pub(crate) extension: Extension,
    pub(crate) model: String,
    pub(crate) field: String,
    /// The extension's key in the field.
    pub(crate) span: Span,
}

/// What a schema says of Node services sharing its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compatibility {
    /// Not said: extensions Node ignores draw one warning.
    Unstated,
    /// `bao`: bao is the only writer.
    Bao,
    /// `dynamo-bao`: Node services write the table too; what they ignore is refused.
    DynamoBao,
}

/// The uses of extensions of one field; `field_type` when its type counts (not for a list's
/// elements).
pub(super) fn uses_of(
    model: &str,
    field: &FieldDef,
    field_type: Option<FieldType>,
) -> Vec<ExtensionUse> {
    let type_span = field.field_type.as_ref().map(|t| t.span);
    let spans = [
        (
            Extension::ObjectField,
            type_span.filter(|_| field_type == Some(FieldType::ObjectField)),
        ),
        (
            Extension::ListField,
            type_span.filter(|_| field_type == Some(FieldType::ListField)),
        ),
        (
            Extension::ItemsMapping,
            field
                .items
                .as_ref()
                .filter(|items| !items.shorthand)
                .map(|items| items.name.span),
        ),
        (Extension::Values, field.values.as_ref().map(|v| v.span)),
        (
            Extension::RustName,
            field.rust_name.as_ref().map(|v| v.span),
        ),
        (Extension::Min, field.min.as_ref().map(|v| v.span)),
        (Extension::Max, field.max.as_ref().map(|v| v.span)),
        (Extension::Pattern, field.pattern.as_ref().map(|v| v.span)),
        (Extension::Validate, field.validate.as_ref().map(|v| v.span)),
        (
            Extension::ReferentialIntegrity,
            field
                .referential_integrity
                .as_ref()
                .filter(|checked| checked.value)
                .map(|v| v.span),
        ),
    ];
    spans
        .into_iter()
        .filter_map(|(extension, span)| {
            let span = span?;
            Some(ExtensionUse {
                extension,
                model: model.to_owned(),
                field: field.name.value.clone(),
                span,
            })
        })
        .collect()
}

impl Checker<'_, '_> {
    /// The schema's `bao.compatibility`; an unknown value is reported.
    pub(super) fn compatibility_setting(
        &mut self,
        setting: Option<&Located<String>>,
    ) -> Compatibility {
        let Some(setting) = setting else {
            return Compatibility::Unstated;
        };
        match setting.value.as_str() {
            "bao" => Compatibility::Bao,
            "dynamo-bao" => Compatibility::DynamoBao,
            other => {
                self.reporter
                    .error(
                        Code::NodeCompatibility,
                        setting.span,
                        format!("unknown `compatibility` `{other}`"),
                        "expected `bao` or `dynamo-bao`",
                    )
                    .help(
                        "`dynamo-bao` when Node DynamoBao services write this table too (bao \
                         then refuses what they would ignore), `bao` when bao is its only writer",
                    );
                Compatibility::Unstated
            }
        }
    }

    /// Warns of, or refuses, the extensions a Node service ignores.
    pub(super) fn node_compatibility(&mut self, uses: &[ExtensionUse], mode: Compatibility) {
        let ignored: Vec<&ExtensionUse> = uses
            .iter()
            .filter(|extension| extension.extension.node_ignores())
            .collect();
        match mode {
            Compatibility::Bao => {}
            Compatibility::DynamoBao => refuse(self.reporter, &ignored),
            Compatibility::Unstated => {
                let Some(first) = ignored.first() else { return };
                let mut keys: Vec<&str> = ignored.iter().map(|u| u.extension.key()).collect();
                keys.sort_unstable();
                keys.dedup();
                let keys: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
                let count = ignored.len();
                self.reporter
                    .warning(
                        Code::NodeIgnoredExtensions,
                        first.span,
                        format!(
                            "{} {} bao {} that a Node DynamoBao service writing this table ignores",
                            keys.join(", "),
                            if keys.len() == 1 { "is a" } else { "are" },
                            if keys.len() == 1 {
                                "extension"
                            } else {
                                "extensions"
                            },
                        ),
                        match count {
                            1 => "used here".to_owned(),
                            _ => format!("the first of {count} uses"),
                        },
                    )
                    .help(format!(
                        "a Node writer may store values that bao refuses to write (or, for \
                         `values`, cannot read){}; write `bao: {{compatibility: bao}}` at the \
                         top of the schema when bao is the table's only writer, or \
                         `compatibility: dynamo-bao` to refuse these extensions",
                        match ignored.iter().any(|used| used.extension.is_storage_type()) {
                            true => {
                                ", and DynamoBao loads ObjectFields and ListFields only with \
                                 the field files of `bao codegen --dynamo-bao-fields DIR`"
                            }
                            false => "",
                        }
                    ));
            }
        }
    }
}

/// An error for each use (`compatibility: dynamo-bao`, or `bao check --dynamo-bao`).
pub(crate) fn refuse(reporter: &mut Reporter, uses: &[&ExtensionUse]) {
    for extension in uses {
        reporter
            .error(
                Code::NodeCompatibility,
                extension.span,
                match extension.extension {
                    Extension::ItemsMapping => format!(
                        "`items` of field `{}` of `{}` is a mapping, which DynamoBao cannot load",
                        extension.field, extension.model
                    ),
                    _ => format!(
                        "`{}` of field `{}` of `{}` is a bao extension a Node DynamoBao service \
                         ignores",
                        extension.extension.key(),
                        extension.field,
                        extension.model
                    ),
                },
                extension.extension.node_behaviour(),
            )
            .help(
                "remove it, or state `bao: {compatibility: bao}` if no Node service writes \
                 this table",
            );
    }
}

/// The errors of `bao check --dynamo-bao`: every extension a Node service ignores.
pub(crate) fn dynamo_bao_errors(validated: &Validated) -> Vec<Diagnostic> {
    refused(validated, Extension::node_ignores)
}

/// The errors of `bao codegen --dynamo-bao-fields`: what DynamoBao's codegen cannot load even
/// with the field files.
pub(crate) fn dynamo_bao_fields_errors(validated: &Validated) -> Vec<Diagnostic> {
    refused(validated, |extension| extension == Extension::ItemsMapping)
}

fn refused(validated: &Validated, refuse_it: impl Fn(Extension) -> bool) -> Vec<Diagnostic> {
    let mut reporter = Reporter::with_sources(validated.sources.clone());
    let uses: Vec<&ExtensionUse> = validated
        .extensions
        .iter()
        .filter(|used| refuse_it(used.extension))
        .collect();
    refuse(&mut reporter, &uses);
    reporter.finish()
}
