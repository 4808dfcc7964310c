//! Fields: names, types, options, related models and default values.

use super::*;

impl<'d> Checker<'_, 'd> {
    pub(super) fn fields(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let model = &def.name.value;
        let fields = def
            .fields
            .as_ref()
            .filter(|fields| !fields.value.is_empty());
        let Some(fields) = fields else {
            if def.fields.is_none() && def.written.contains("fields") {
                return;
            }
            let span = def
                .fields
                .as_ref()
                .map_or(def.name.span, |fields| fields.span);
            self.reporter
                .error(
                    Code::NoFields,
                    span,
                    format!("model `{model}` has no fields"),
                    "expected at least one field",
                )
                .help("add fields under `fields:`, e.g. `name: {type: StringField}`");
            return;
        };
        let mapping_defaults = def.mapping.as_ref().is_some_and(|mapping| mapping.value);
        let owner = (model.as_str(), resolved.model.rust_name.clone());
        let mut rust_names: BTreeMap<String, Span> = BTreeMap::new();
        for field in &fields.value {
            resolved.declared.insert(field.name.value.as_str());
            let rust_name = self.field_name(model, field, &mut rust_names);
            let Some(resolved_field) = self.resolve_field(
                (owner.0, &owner.1),
                field,
                rust_name,
                mapping_defaults,
                None,
            ) else {
                continue;
            };
            resolved.model.fields.push(resolved_field);
            resolved.field_spans.push(field.name.span);
        }
    }

    /// A field of a model or a shape (`owner`: its YAML and Rust names), with its type,
    /// options, declared type, enum, shape and items; `None` when its type is missing or
    /// unknown (reported). `container` is where a nested field sits (`"shape"`, `"list"`):
    /// there, types bao stamps on the item are refused.
    pub(super) fn resolve_field(
        &mut self,
        owner: (&str, &str),
        field: &FieldDef,
        rust_name: String,
        mapping_defaults: bool,
        container: Option<&str>,
    ) -> Option<ir::Field> {
        let model = owner.0;
        let (field_type, declared) = self.field_type(model, field, mapping_defaults)?;
        if let Some(container) = container {
            self.nested_field(model, field, field_type, container);
        }
        let declared = declared.and_then(|name| {
            let resolved = self.declared_types.get(&name)?.clone();
            Some((name, resolved))
        });
        let declared = declared
            .as_ref()
            .map(|(name, resolved)| (name.as_str(), resolved));
        let mut resolved_field = self.field_options(model, field, field_type, rust_name);
        resolved_field.custom = self.custom_type(model, field, field_type, declared);
        if let Some(values) = field
            .values
            .as_ref()
            .filter(|_| field_types::option_applies("values", field_type))
        {
            self.enum_field(owner, field, values, &mut resolved_field);
        }
        match field_type {
            FieldType::ObjectField => {
                let element = container == Some("list");
                resolved_field.shape = self.shape_reference(model, field, element);
            }
            FieldType::ListField => resolved_field.items = self.list_items(owner, field),
            _ => {}
        }
        // A list's elements are an extension of the list's already.
        let element_type = match container {
            Some("list") => None,
            _ => Some(field_type),
        };
        self.extensions
            .extend(compat::uses_of(model, field, element_type));
        Some(resolved_field)
    }

    /// Makes `resolved` hold the enum of its `values`: its Rust type is the enum's.
    fn enum_field(
        &mut self,
        (model, rust_model): (&str, &str),
        field: &FieldDef,
        values: &Located<Vec<Located<String>>>,
        resolved: &mut ir::Field,
    ) {
        if let Some(rust_type) = resolved.custom.as_ref().and_then(|c| c.rust_type.as_ref()) {
            let report = self.reporter.error(
                Code::InvalidValues,
                values.span,
                format!(
                    "field `{}` of `{model}` has both `values` and the `rustType` `{rust_type}`",
                    field.name.value
                ),
                "`values` generates the field's Rust type",
            );
            match &field.rust_type {
                Some(own) => report.secondary(own.span, "and `rustType` names one"),
                None => report,
            }
            .help("keep one of them");
            return;
        }
        let names = (model, rust_model);
        let Some(enumeration) = self.enumeration(names, field, values, resolved.default.as_ref())
        else {
            return;
        };
        let custom = resolved.custom.get_or_insert_with(|| ir::CustomType {
            type_name: type_name(resolved.field_type).to_owned(),
            rust_type: None,
            options: Vec::new(),
        });
        custom.rust_type = Some(enumeration.type_name.clone());
        resolved.enumeration = Some(enumeration);
    }

    pub(super) fn field_name(
        &mut self,
        model: &str,
        field: &FieldDef,
        rust_names: &mut BTreeMap<String, Span>,
    ) -> String {
        let name = &field.name;
        if name.value.starts_with('_') {
            self.reporter
                .error(
                    Code::LeadingUnderscore,
                    name.span,
                    format!("field name `{}` of `{model}` starts with `_`", name.value),
                    "names starting with `_` are reserved for DynamoBao's attributes",
                )
                .help(format!(
                    "rename the field, e.g. `{}`",
                    name.value.trim_start_matches('_')
                ));
        }
        let rust_name = match &field.rust_name {
            Some(given) => self.given_rust_name(model, field, given),
            None => naming::field_ident(&name.value),
        };
        let Some(rust_name) = rust_name else {
            if field.rust_name.is_some() {
                return String::new();
            }
            self.reporter
                .error(
                    Code::InvalidIdentifier,
                    name.span,
                    format!(
                        "field name `{}` of `{model}` has no Rust identifier form",
                        name.value
                    ),
                    "expected ASCII letters, digits and `_`",
                )
                .help("rename the field; Rust names are the snake_case of the field name");
            return String::new();
        };
        if let Some(&first) = rust_names.get(&rust_name) {
            self.reporter
                .error(
                    Code::FieldNameCollision,
                    name.span,
                    format!(
                        "field `{}` of `{model}` has the same Rust name `{rust_name}` as another field",
                        name.value
                    ),
                    format!("also `{rust_name}` in Rust"),
                )
                .secondary(first, format!("`{rust_name}` in Rust"))
                .help(
                    "rename one of the fields so that their snake_case names differ, or give \
                     one a `rustName`",
                );
        } else {
            rust_names.insert(rust_name.clone(), name.span);
        }
        rust_name
    }

    /// A `pattern` that compiles.
    fn pattern(&mut self, model: &str, field: &str, pattern: &Located<String>) -> Option<String> {
        match regex_lite::Regex::new(&pattern.value) {
            Ok(_) => Some(pattern.value.clone()),
            Err(error) => {
                let message = error.to_string();
                let reason = message.lines().last().unwrap_or_default().trim().to_owned();
                self.reporter
                    .error(
                        Code::InvalidCheck,
                        pattern.span,
                        format!(
                            "`pattern` of field `{field}` of `{model}` is not a regular expression"
                        ),
                        reason,
                    )
                    .help(
                        "write a regular expression of the Rust `regex` syntax, e.g. \
                         `^[a-z0-9-]+$`; quote it in YAML when it holds `:` or `#`",
                    );
                None
            }
        }
    }

    /// A `validate` function path.
    fn validate_path(
        &mut self,
        model: &str,
        field: &str,
        path: &Located<String>,
    ) -> Option<String> {
        match naming::rust_path_problem(&path.value) {
            None => Some(path.value.clone()),
            Some(problem) => {
                self.reporter
                    .error(
                        Code::InvalidCheck,
                        path.span,
                        format!(
                            "`validate` of field `{field}` of `{model}` is not a function path"
                        ),
                        problem,
                    )
                    .help(
                        "name a function `fn(&T) -> Result<(), String>` by its path, e.g. \
                         `crate::checks::slug`, with `T` the field's Rust type",
                    );
                None
            }
        }
    }

    /// A field's `rustName` (its name in Rust; storage keeps the YAML name), when it is a
    /// snake_case Rust identifier (a keyword becomes a raw identifier).
    fn given_rust_name(
        &mut self,
        model: &str,
        field: &FieldDef,
        given: &Located<String>,
    ) -> Option<String> {
        let ident = naming::field_ident(&given.value);
        match ident {
            Some(ident) if naming::snake(&given.value) == given.value => Some(ident),
            _ => {
                self.reporter
                    .error(
                        Code::InvalidIdentifier,
                        given.span,
                        format!(
                            "`rustName` `{}` of field `{}` of `{model}` is not a snake_case Rust \
                             name",
                            given.value, field.name.value
                        ),
                        "expected lowercase ASCII letters, digits and `_`",
                    )
                    .help(match naming::field_ident(&given.value) {
                        Some(snake) => {
                            format!("write `rustName: {}`", snake.trim_start_matches("r#"))
                        }
                        None => "give a name of ASCII letters, digits and `_`".to_owned(),
                    });
                None
            }
        }
    }

    /// The field's type (for a declared type, its base) and the name of its declared type.
    /// `None` when the type is missing or unknown (reported).
    pub(super) fn field_type(
        &mut self,
        model: &str,
        field: &FieldDef,
        mapping_defaults: bool,
    ) -> Option<(FieldType, Option<String>)> {
        let Some(type_name) = &field.field_type else {
            if field.written.contains("type") {
                return None;
            }
            if mapping_defaults {
                return Some((FieldType::RelatedField, None));
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    field.name.span,
                    format!("field `{}` of `{model}` has no `type`", field.name.value),
                    "expected `type: ...`",
                )
                .help("give the field a type, e.g. `{type: StringField}`");
            return None;
        };
        if let Some(declared) = self.declared_types.get(&type_name.value) {
            self.used_types.insert(type_name.value.clone());
            return Some((declared.base, Some(type_name.value.clone())));
        }
        if let Some(spec) = field_types::by_name(&type_name.value) {
            return Some((spec.field_type, None));
        }
        // A type declared with an error, or in a file that did not parse, was reported there.
        if !self.complete || self.declared_type_names.contains(&type_name.value) {
            return None;
        }
        // A shape is not a field type: an ObjectField holds it.
        if self.shape_names.contains(&type_name.value) {
            self.reporter
                .error(
                    Code::UnknownFieldType,
                    type_name.span,
                    format!(
                        "`{}` is a shape, not a field type (field `{}` of `{model}`)",
                        type_name.value, field.name.value
                    ),
                    "a shape is held by an ObjectField",
                )
                .help(format!(
                    "write `{{type: ObjectField, shape: {0}}}`, or `{{type: ListField, items: \
                     {0}}}` for a list of them",
                    type_name.value
                ));
            return None;
        }
        let names: Vec<&str> = FIELD_TYPES
            .iter()
            .map(|spec| spec.name)
            .chain(self.declared_types.keys().map(String::as_str))
            .collect();
        // A misspelt shape in `items: Adress` is suggested too.
        let candidates = names
            .iter()
            .copied()
            .chain(self.shape_names.iter().map(String::as_str));
        let help = diagnostic::suggestion(&type_name.value, candidates, || {
            Some(format!(
                "the field types are {}; to use a type of your own, declare it at the top \
                 level:\nfieldTypes:\n  {}: {{base: StringField}}",
                diagnostic::list(names.iter().copied()),
                type_name.value
            ))
        });
        self.reporter
            .error(
                Code::UnknownFieldType,
                type_name.span,
                format!("unknown field type `{}`", type_name.value),
                "neither built in nor declared under `fieldTypes`",
            )
            .help_opt(help);
        None
    }

    pub(super) fn field_options(
        &mut self,
        model: &str,
        field: &FieldDef,
        field_type: FieldType,
        rust_name: String,
    ) -> ir::Field {
        use FieldType as T;
        let name = &field.name.value;
        if field_type == T::TtlField && name != "ttl" {
            self.reporter
                .error(
                    Code::TtlFieldName,
                    field.name.span,
                    format!("TtlField `{name}` of `{model}` must be named `ttl`"),
                    "the table's time-to-live attribute is `ttl`",
                )
                .help("rename the field to `ttl`");
        }
        let allowed = |option: &str| field_types::option_applies(option, field_type);
        let options: [(&str, Option<Span>); 14] = [
            ("onDelete", field.on_delete.as_ref().map(|o| o.span)),
            (
                "referentialIntegrity",
                field.referential_integrity.as_ref().map(|o| o.span),
            ),
            ("shape", field.shape.as_ref().map(|o| o.span)),
            ("items", field.items.as_ref().map(|o| o.name.span)),
            ("autoAssign", field.auto_assign.as_ref().map(|o| o.span)),
            ("defaultValue", field.default_value.as_ref().map(|o| o.span)),
            ("maxLength", field.max_length.as_ref().map(|o| o.span)),
            ("precision", field.precision.as_ref().map(|o| o.span)),
            (
                "maxStringLength",
                field.max_string_length.as_ref().map(|o| o.span),
            ),
            (
                "maxMemberCount",
                field.max_member_count.as_ref().map(|o| o.span),
            ),
            ("values", field.values.as_ref().map(|o| o.span)),
            ("min", field.min.as_ref().map(|o| o.span)),
            ("max", field.max.as_ref().map(|o| o.span)),
            ("pattern", field.pattern.as_ref().map(|o| o.span)),
        ];
        for (option, span) in options {
            if let Some(span) = span
                && !allowed(option)
            {
                let owners = FIELD_TYPES
                    .iter()
                    .filter(|owner| field_types::option_applies(option, owner.field_type))
                    .map(|owner| owner.name);
                self.reporter
                    .error(
                        Code::OptionNotAllowed,
                        span,
                        format!(
                            "`{option}` does not apply to {} `{name}`",
                            type_name(field_type)
                        ),
                        format!("not an option of {}", type_name(field_type)),
                    )
                    .help(format!(
                        "`{option}` applies to {}; remove it here",
                        diagnostic::list(owners)
                    ));
            }
        }
        if let Some(model_option) = &field.model
            && field_type != T::RelatedField
        {
            self.reporter
                .error(
                    Code::ModelOnNonRelatedField,
                    model_option.span,
                    format!(
                        "`model` does not apply to {} `{name}`",
                        type_name(field_type)
                    ),
                    "only a RelatedField names a model",
                )
                .help("remove `model`, or make the field `type: RelatedField`");
        }
        let related_model = if field_type == T::RelatedField {
            self.related_model(model, field)
        } else {
            None
        };
        if let (Some(min), Some(max)) = (&field.min, &field.max)
            && allowed("min")
            && min.value > max.value
        {
            self.reporter
                .error(
                    Code::InvalidCheck,
                    max.span,
                    format!("`max` of field `{name}` of `{model}` is below its `min`"),
                    format!("below the `min` of {}", min.value),
                )
                .secondary(min.span, "the `min`")
                .help("swap them, or widen the range");
        }
        // bao (and DynamoBao) fill these on every create, so their values are always there,
        // unless `required: false` says items stored before the field existed lack it.
        let implied_required = matches!(
            field_type,
            T::CreateDateField | T::ModifiedDateField | T::VersionField | T::UlidField
        );
        ir::Field {
            name: name.clone(),
            rust_name,
            field_type,
            required: field
                .required
                .as_ref()
                .map_or(implied_required, |required| required.value),
            auto_assign: allowed("autoAssign")
                && field.auto_assign.as_ref().is_some_and(|a| a.value),
            default: field
                .default_value
                .as_ref()
                .filter(|_| allowed("defaultValue"))
                .and_then(|value| self.default_value(name, field_type, value)),
            max_length: self.non_negative(
                field.max_length.as_ref().filter(|_| allowed("maxLength")),
                "maxLength",
            ),
            precision: self.precision(field.precision.as_ref().filter(|_| allowed("precision"))),
            max_string_length: self.non_negative(
                field
                    .max_string_length
                    .as_ref()
                    .filter(|_| allowed("maxStringLength")),
                "maxStringLength",
            ),
            max_member_count: self.non_negative(
                field
                    .max_member_count
                    .as_ref()
                    .filter(|_| allowed("maxMemberCount")),
                "maxMemberCount",
            ),
            related_model,
            referential_integrity: allowed("referentialIntegrity")
                && field
                    .referential_integrity
                    .as_ref()
                    .is_some_and(|r| r.value),
            on_delete: field
                .on_delete
                .as_ref()
                .filter(|_| allowed("onDelete"))
                .and_then(|rule| self.on_delete(model, field, rule)),
            shape: None,
            items: None,
            custom: None,
            enumeration: None,
            min: field
                .min
                .as_ref()
                .filter(|_| allowed("min"))
                .map(|min| min.value),
            max: field
                .max
                .as_ref()
                .filter(|_| allowed("max"))
                .map(|max| max.value),
            pattern: field
                .pattern
                .as_ref()
                .filter(|_| allowed("pattern"))
                .and_then(|pattern| self.pattern(model, name, pattern)),
            validate: field
                .validate
                .as_ref()
                .and_then(|path| self.validate_path(model, name, path)),
            doc: field.doc.clone(),
        }
    }

    /// The rule of an `onDelete`; `none` is DynamoBao's behaviour and no rule. `setNull` needs
    /// an optional field.
    fn on_delete(
        &mut self,
        model: &str,
        field: &FieldDef,
        rule: &Located<String>,
    ) -> Option<ir::OnDelete> {
        let name = &field.name.value;
        let parsed = match rule.value.as_str() {
            "none" => return None,
            "restrict" => ir::OnDelete::Restrict,
            "setNull" => ir::OnDelete::SetNull,
            "cascade" => ir::OnDelete::Cascade,
            other => {
                self.reporter
                    .error(
                        Code::InvalidDeleteRule,
                        rule.span,
                        format!("unknown `onDelete` `{other}` of field `{name}` of `{model}`"),
                        "expected `restrict`, `setNull`, `cascade` or `none`",
                    )
                    .help(
                        "`restrict` refuses the delete while items name it, `setNull` removes \
                         this field from them, `cascade` deletes them too",
                    );
                return None;
            }
        };
        let required = field.required.as_ref().is_some_and(|r| r.value);
        if parsed == ir::OnDelete::SetNull && required {
            self.reporter
                .error(
                    Code::InvalidDeleteRule,
                    rule.span,
                    format!("`onDelete: setNull` of required field `{name}` of `{model}`"),
                    "a required field cannot be removed",
                )
                .help(
                    "make the field optional (`required: false`), or use `cascade` or `restrict`",
                );
            return None;
        }
        Some(parsed)
    }

    pub(super) fn related_model(&mut self, model: &str, field: &FieldDef) -> Option<String> {
        let Some(target) = &field.model else {
            self.reporter
                .error(
                    Code::MissingRelatedModel,
                    field.name.span,
                    format!(
                        "RelatedField `{}` of `{model}` has no `model`",
                        field.name.value
                    ),
                    "which model does this field point to?",
                )
                .help("name the related model, e.g. `{type: RelatedField, model: User}`");
            return None;
        };
        if self.complete && !self.model_names.contains(target.value.as_str()) {
            let names = self.model_names.clone();
            let help = diagnostic::suggestion(&target.value, names.iter().copied(), || {
                Some(format!(
                    "the models are {}",
                    diagnostic::list(names.iter().copied())
                ))
            });
            self.reporter
                .error(
                    Code::UnknownRelatedModel,
                    target.span,
                    format!(
                        "RelatedField `{}` of `{model}` points to unknown model `{}`",
                        field.name.value, target.value
                    ),
                    format!("no model named `{}`", target.value),
                )
                .help_opt(help);
        }
        Some(target.value.clone())
    }

    pub(super) fn default_value(
        &mut self,
        field: &str,
        field_type: FieldType,
        node: &Node,
    ) -> Option<ir::DefaultValue> {
        use FieldType as T;
        let value = match (field_type, &node.value) {
            (T::StringField | T::EmailField, Value::Str(text)) => {
                Some(ir::DefaultValue::String(text.clone()))
            }
            (T::IntegerField | T::CounterField, Value::Int(number)) => {
                i64::try_from(*number).ok().map(ir::DefaultValue::Integer)
            }
            #[allow(clippy::cast_precision_loss)]
            (T::FloatField, Value::Int(number)) => Some(ir::DefaultValue::Float(*number as f64)),
            (T::FloatField, Value::Float(number)) => Some(ir::DefaultValue::Float(*number)),
            (T::BooleanField, Value::Bool(flag)) => Some(ir::DefaultValue::Boolean(*flag)),
            (T::DateTimeField, Value::Int(millis)) => i64::try_from(*millis)
                .ok()
                .filter(|millis| jiff::Timestamp::from_millisecond(*millis).is_ok())
                .map(ir::DefaultValue::DateTime),
            (T::DateTimeField, Value::Str(text)) => {
                datetime_millis(text).map(ir::DefaultValue::DateTime)
            }
            _ => None,
        };
        if value.is_none() {
            let expected = match field_type {
                T::StringField | T::EmailField => "a string",
                T::IntegerField | T::CounterField => "an integer that fits in 64 bits",
                T::FloatField => "a number",
                T::DateTimeField => {
                    "an RFC 3339 time (`2024-01-01T00:00:00Z`), a date (`2024-01-01`) or epoch \
                     milliseconds"
                }
                _ => "`true` or `false`",
            };
            self.reporter
                .error(
                    Code::DefaultValueType,
                    node.span,
                    format!(
                        "`defaultValue` of {} `{field}` must be {expected}, found {}",
                        type_name(field_type),
                        node.value.describe()
                    ),
                    format!("expected {expected}"),
                )
                .help(match node.value {
                    Value::Str(_) => "write the value without quotes".to_owned(),
                    _ if matches!(field_type, T::StringField | T::EmailField) => {
                        "quote the value to make it a string".to_owned()
                    }
                    _ => format!(
                        "give a default of the field's type ({})",
                        type_name(field_type)
                    ),
                });
        }
        value
    }

    pub(super) fn non_negative(
        &mut self,
        option: Option<&Located<i128>>,
        name: &str,
    ) -> Option<u64> {
        let option = option?;
        let value = u64::try_from(option.value).ok();
        if value.is_none() {
            self.reporter
                .error(
                    Code::OptionOutOfRange,
                    option.span,
                    format!("`{name}` must not be negative, found `{}`", option.value),
                    "expected 0 or more",
                )
                .help(format!("give `{name}` as a count of characters or items"));
        }
        value
    }

    pub(super) fn precision(&mut self, option: Option<&Located<i128>>) -> Option<u32> {
        let option = option?;
        let value = u32::try_from(option.value)
            .ok()
            .filter(|value| i128::from(*value) <= MAX_PRECISION);
        if value.is_none() {
            self.reporter
                .error(
                    Code::OptionOutOfRange,
                    option.span,
                    format!(
                        "`precision` must be between 0 and {MAX_PRECISION}, found `{}`",
                        option.value
                    ),
                    "the number of decimal places kept on write",
                )
                .help(format!("use a `precision` between 0 and {MAX_PRECISION}"));
        }
        value
    }
}

/// Epoch milliseconds of an RFC 3339 time, or of midnight UTC on a date, as DynamoBao's
/// DateTimeField reads a string.
fn datetime_millis(text: &str) -> Option<i64> {
    if let Ok(time) = text.parse::<jiff::Timestamp>() {
        return Some(time.as_millisecond());
    }
    let date = text.parse::<jiff::civil::Date>().ok()?;
    let midnight = date.to_zoned(jiff::tz::TimeZone::UTC).ok()?;
    Some(midnight.timestamp().as_millisecond())
}
