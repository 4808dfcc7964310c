//! A field's options: its checks, references and delete rules, related model, default
//! value and precision.

use super::*;

impl<'d> Checker<'_, 'd> {
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
