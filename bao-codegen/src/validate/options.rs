//! Model options: the model prefix, the table type, iteration buckets, `searchable` and
//! the rules of mapping tables.

use super::*;

impl<'d> Checker<'_, 'd> {
    pub(super) fn prefix(&mut self, def: &ModelDef) -> String {
        let Some(prefix) = &def.model_prefix else {
            if def.written.contains("modelPrefix") {
                return String::new();
            }
            self.reporter
                .error(
                    Code::MissingModelPrefix,
                    def.name.span,
                    format!("model `{}` has no `modelPrefix`", def.name.value),
                    "this model needs a `modelPrefix`",
                )
                .help("add a short, unique, never-changing prefix, e.g. `modelPrefix: u`");
            return String::new();
        };
        if prefix.value.is_empty() {
            self.reporter
                .error(
                    Code::InvalidModelPrefix,
                    prefix.span,
                    format!("`modelPrefix` of model `{}` is empty", def.name.value),
                    "empty prefix",
                )
                .help("use a short, unique, never-changing prefix, e.g. `modelPrefix: u`");
        } else if let Some(problem) = prefix_collision(&prefix.value) {
            // Only what could make two logical keys one stored key is refused; DynamoBao
            // accepts any prefix.
            self.reporter
                .error(
                    Code::InvalidModelPrefix,
                    prefix.span,
                    format!(
                        "`modelPrefix` `{}` of model `{}` {problem}",
                        prefix.value, def.name.value
                    ),
                    "its keys could be another item's keys",
                )
                .help("a prefix must not contain `#` or start with `[`");
        } else if prefix.value.starts_with(UNIQUE_CONSTRAINT_PREFIX) {
            self.reporter
                .error(
                    Code::ReservedModelPrefix,
                    prefix.span,
                    format!(
                        "`modelPrefix` `{}` of model `{}` starts with `{UNIQUE_CONSTRAINT_PREFIX}`",
                        prefix.value, def.name.value
                    ),
                    "unique-constraint items use this prefix",
                )
                .help(format!(
                    "an item of this model could take the key of a unique-constraint item \
                     (`{UNIQUE_CONSTRAINT_PREFIX}#_uc1#u#email:...`); choose another prefix"
                ));
        }
        prefix.value.clone()
    }

    pub(super) fn table_type(&mut self, def: &ModelDef) -> ir::TableType {
        let Some(table_type) = &def.table_type else {
            return ir::TableType::Standard;
        };
        match table_type.value.as_str() {
            "standard" => ir::TableType::Standard,
            "mapping" => ir::TableType::Mapping,
            other => {
                let help = diagnostic::suggestion(other, ["standard", "mapping"], || {
                    Some("`tableType` is `standard` (the default) or `mapping`".to_owned())
                });
                self.reporter
                    .error(
                        Code::InvalidTableType,
                        table_type.span,
                        format!("invalid `tableType` `{other}`"),
                        "expected `standard` or `mapping`",
                    )
                    .help_opt(help);
                ir::TableType::Standard
            }
        }
    }

    pub(super) fn iteration(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let iterable = def.iterable.as_ref().is_some_and(|iterable| iterable.value);
        match (&def.iteration_buckets, iterable) {
            (None, true) => resolved.model.iteration_buckets = Some(DEFAULT_ITERATION_BUCKETS),
            (Some(buckets), true) => {
                let in_range = (1..=MAX_ITERATION_BUCKETS).contains(&buckets.value);
                match u32::try_from(buckets.value) {
                    Ok(value) if in_range => resolved.model.iteration_buckets = Some(value),
                    _ => {
                        self.reporter
                            .error(
                                Code::IterationBucketsRange,
                                buckets.span,
                                format!(
                                    "`iterationBuckets` must be between 1 and {MAX_ITERATION_BUCKETS}, found `{}`",
                                    buckets.value
                                ),
                                "out of range",
                            )
                            .help(format!(
                                "use 1 to {MAX_ITERATION_BUCKETS} buckets (the default is {DEFAULT_ITERATION_BUCKETS})"
                            ));
                    }
                }
            }
            (Some(buckets), false) => {
                self.reporter
                    .warning(
                        Code::IterationBucketsIgnored,
                        buckets.span,
                        format!(
                            "`iterationBuckets` of `{}` is ignored: the model is not iterable",
                            def.name.value
                        ),
                        "ignored",
                    )
                    .help("add `iterable: true`, or remove `iterationBuckets`");
            }
            (None, false) => {}
        }
    }

    pub(super) fn searchable(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let Some(searchable) = &def.searchable else {
            return;
        };
        let model = &def.name.value;
        let SearchableDef::Config {
            fields,
            case_sensitive,
            min_term_length,
            dedupe,
            written,
        } = &searchable.value
        else {
            self.reporter
                .error(
                    Code::SearchableTrue,
                    searchable.span,
                    format!("`searchable: true` of `{model}` is not supported"),
                    "expected `false` or a mapping",
                )
                .help("list the StringFields to index: `searchable: {fields: [name]}`");
            return;
        };
        let mut names = Vec::new();
        let entries = fields.as_ref().filter(|fields| !fields.value.is_empty());
        match entries {
            None if fields.is_none() && written.contains("fields") => {}
            None => {
                let span = fields
                    .as_ref()
                    .map_or(searchable.span, |fields| fields.span);
                self.reporter
                    .error(
                        Code::SearchableNoFields,
                        span,
                        format!("`searchable` of `{model}` has no fields"),
                        "expected a non-empty list of field names",
                    )
                    .help("list the StringFields to index: `fields: [name]`");
            }
            Some(entries) => {
                for entry in &entries.value {
                    let field_type = self.field_reference(
                        resolved,
                        entry,
                        &format!("`searchable` of `{model}`"),
                    );
                    match field_type {
                        Some(FieldType::StringField | FieldType::EmailField) => {
                            names.push(entry.value.clone());
                        }
                        Some(other) => {
                            self.reporter
                                .error(
                                    Code::SearchableFieldType,
                                    entry.span,
                                    format!(
                                        "`searchable` field `{}` must be a StringField, found {}",
                                        entry.value,
                                        type_name(other)
                                    ),
                                    "only StringFields can be searched",
                                )
                                .help("remove this field from `searchable.fields`");
                        }
                        None => {}
                    }
                }
            }
        }
        let min_term_length = match min_term_length {
            None => Some(1),
            Some(length) => {
                let value = u32::try_from(length.value).ok().filter(|value| *value >= 1);
                if value.is_none() {
                    self.reporter
                        .error(
                            Code::OptionOutOfRange,
                            length.span,
                            format!(
                                "`minTermLength` must be a positive integer, found `{}`",
                                length.value
                            ),
                            "expected 1 or more",
                        )
                        .help("`minTermLength` is the shortest term indexed; the default is 1");
                }
                value
            }
        };
        if !def.iterable.as_ref().is_some_and(|iterable| iterable.value) {
            self.reporter
                .warning(
                    Code::SearchableNotIterable,
                    searchable.span,
                    format!(
                        "`searchable` is configured on `{model}`, but the model is not iterable"
                    ),
                    "search scans the iteration buckets",
                )
                .help("add `iterable: true` so that search can scan the model");
        }
        resolved.model.searchable = Some(ir::Searchable {
            fields: names,
            case_sensitive: case_sensitive.as_ref().is_some_and(|flag| flag.value),
            min_term_length: min_term_length.unwrap_or(1),
            dedupe: dedupe.as_ref().is_some_and(|flag| flag.value),
        });
    }

    pub(super) fn mapping_table(&mut self, resolved: &Resolved<'d>) {
        if resolved.model.table_type != ir::TableType::Mapping {
            return;
        }
        let related = resolved
            .model
            .fields
            .iter()
            .filter(|field| field.field_type == FieldType::RelatedField)
            .count();
        if related < 2 {
            let span = resolved
                .def
                .table_type
                .as_ref()
                .map_or(resolved.def.name.span, |t| t.span);
            self.reporter
                .error(
                    Code::MappingRelatedFields,
                    span,
                    format!(
                        "mapping table `{}` has {related} RelatedField{}, it needs two",
                        resolved.def.name.value,
                        if related == 1 { "" } else { "s" }
                    ),
                    "a mapping links two models",
                )
                .help("add a RelatedField for each side of the mapping");
        }
    }
}

/// Why items under `prefix` could share a stored key with other items, if they could: a `#`
/// splits differently (`a#b` + `x` and `a` + `b#x` are both `a#b#x`), and a leading `[` reads
/// as a tenant's `[id]#` prefix.
fn prefix_collision(prefix: &str) -> Option<&'static str> {
    if prefix.contains('#') {
        Some("contains `#`, the separator of key parts")
    } else if prefix.starts_with('[') {
        Some("starts with `[`, which begins a tenant's key prefix")
    } else {
        None
    }
}

impl Checker<'_, '_> {
    /// `softDelete`: an optional DateTimeField of the model, not part of its primary key.
    pub(super) fn soft_delete(&mut self, resolved: &mut Resolved<'_>) {
        let Some(named) = &resolved.def.soft_delete else {
            return;
        };
        let model = resolved.model.name.clone();
        let problem = match resolved.field(&named.value) {
            None => Some(format!("`{model}` has no field `{}`", named.value)),
            Some(field) if field.field_type != FieldType::DateTimeField => Some(format!(
                "`{}` is {} {}, not a DateTimeField",
                named.value,
                naming::article(type_name(field.field_type)),
                type_name(field.field_type)
            )),
            Some(field) if field.always_present() || field.default.is_some() => Some(format!(
                "`{}` always holds a value, so every item would read as deleted",
                named.value
            )),
            Some(_) => None,
        };
        let keys = [
            &resolved.model.primary_key.partition,
            &resolved.model.primary_key.sort,
        ];
        let problem = problem.or_else(|| {
            keys.iter()
                .any(|part| matches!(part, KeyPart::Field(key) if *key == named.value))
                .then(|| format!("`{}` is part of the primary key", named.value))
        });
        match problem {
            Some(problem) => {
                self.reporter
                    .error(
                        Code::InvalidSoftDelete,
                        named.span,
                        format!("invalid `softDelete` of `{model}`: {problem}"),
                        "not an optional DateTimeField of the model",
                    )
                    .help(
                        "name an optional DateTimeField, e.g. `softDelete: deletedAt` with \
                         `deletedAt: {type: DateTimeField}` under `fields`",
                    );
            }
            None => {
                resolved.model.soft_delete = Some(named.value.clone());
                self.extensions.push(compat::ExtensionUse {
                    extension: compat::Extension::SoftDelete,
                    model,
                    field: named.value.clone(),
                    span: named.span,
                });
            }
        }
    }
}

impl Checker<'_, '_> {
    /// Gives each model the `onDelete` rules of the RelatedFields that name it. A rule needs an
    /// index of its model partitioned on the field (to find the items), and a cascade does not
    /// chain: it cannot delete items of a model that has rules of its own.
    pub(super) fn delete_rules(&mut self, resolved: &mut [Resolved<'_>]) {
        let mut rules: Vec<(String, ir::ChildRule)> = Vec::new();
        for model in resolved.iter() {
            for (field, span) in model.model.fields.iter().zip(&model.field_spans) {
                let (Some(rule), Some(target)) = (field.on_delete, &field.related_model) else {
                    continue;
                };
                let index = model.model.indexes.iter().find(|index| {
                    matches!(&index.key.partition, KeyPart::Field(name) if *name == field.name)
                });
                let Some(index) = index else {
                    self.reporter
                        .error(
                            Code::InvalidDeleteRule,
                            *span,
                            format!(
                                "`onDelete` of `{}` of `{}` needs an index partitioned on it",
                                field.name, model.model.name
                            ),
                            "no index of the model finds its items by this field",
                        )
                        .help(format!(
                            "add one, e.g. `by{}: {{partitionKey: {}, sortKey: modelPrefix, \
                             indexId: gsi1}}` under `indexes` (with a free `indexId`)",
                            naming::pascal(&field.name),
                            field.name
                        ));
                    continue;
                };
                self.extensions.push(compat::ExtensionUse {
                    extension: compat::Extension::OnDelete,
                    model: model.model.name.clone(),
                    field: field.name.clone(),
                    span: *span,
                });
                let child = ir::ChildRule {
                    model: model.model.name.clone(),
                    field: field.name.clone(),
                    index: index.name.clone(),
                    rule,
                };
                rules.push((target.clone(), child));
            }
        }
        for (target, rule) in &rules {
            let chains = rule.rule == ir::OnDelete::Cascade
                && rules.iter().any(|(parent, _)| *parent == rule.model);
            if chains {
                let span = resolved
                    .iter()
                    .find(|model| model.model.name == rule.model)
                    .and_then(|model| {
                        model
                            .model
                            .fields
                            .iter()
                            .zip(&model.field_spans)
                            .find(|(field, _)| field.name == rule.field)
                            .map(|(_, span)| *span)
                    });
                if let Some(span) = span {
                    self.reporter
                        .error(
                            Code::InvalidDeleteRule,
                            span,
                            format!(
                                "`onDelete: cascade` of `{}` of `{}` would delete `{}` items, \
                                 which have delete rules of their own",
                                rule.field, rule.model, rule.model
                            ),
                            "cascades do not chain",
                        )
                        .help(format!(
                            "use `restrict` or `setNull` here, or drop the rules that name `{}`",
                            rule.model
                        ));
                }
            }
            if let Some(parent) = resolved.iter_mut().find(|m| m.model.name == *target) {
                parent.model.children.push(rule.clone());
            }
        }
    }
}
