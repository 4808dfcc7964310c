//! Enums: a StringField with `values: [draft, published]` holds a generated Rust enum.

use super::*;

/// A variant name no enum may use: `Self` is the enum itself.
const RESERVED_VARIANT: &str = "Self";

impl<'d> Checker<'_, 'd> {
    /// The enum of a field's `values`, when they make one (problems are reported). Its type is
    /// named after the model and the field (`Post` + `status` -> `PostStatus`).
    pub(super) fn enumeration(
        &mut self,
        (model, rust_model): (&str, &str),
        field: &FieldDef,
        values: &Located<Vec<Located<String>>>,
        default: Option<&ir::DefaultValue>,
    ) -> Option<ir::Enumeration> {
        let name = &field.name.value;
        if values.value.is_empty() {
            self.reporter
                .error(
                    Code::InvalidValues,
                    values.span,
                    format!("`values` of field `{name}` of `{model}` is empty"),
                    "an enum needs at least one value",
                )
                .help("list the strings the field takes, e.g. `values: [draft, published]`");
            return None;
        }
        let mut ok = true;
        let mut seen: BTreeMap<&str, &Located<String>> = BTreeMap::new();
        let mut variants: BTreeMap<String, &Located<String>> = BTreeMap::new();
        let mut enumeration = ir::Enumeration {
            type_name: format!("{rust_model}{}", naming::pascal(name)),
            variants: Vec::new(),
        };
        for value in &values.value {
            if let Some(first) = seen.insert(value.value.as_str(), value) {
                self.reporter
                    .error(
                        Code::InvalidValues,
                        value.span,
                        format!("value `{}` of field `{name}` is listed twice", value.value),
                        "listed again here",
                    )
                    .secondary(first.span, "first listed here")
                    .help("remove one of them");
                ok = false;
                continue;
            }
            let variant = naming::pascal(&value.value);
            let valid = variant.starts_with(|c: char| c.is_ascii_alphabetic())
                && variant.chars().all(|c| c.is_ascii_alphanumeric())
                && variant != RESERVED_VARIANT;
            if !valid {
                self.reporter
                    .error(
                        Code::InvalidValues,
                        value.span,
                        format!(
                            "value `{}` of field `{name}` has no Rust variant name",
                            value.value
                        ),
                        format!("PascalCase gives `{variant}`"),
                    )
                    .help(
                        "a value becomes a variant by PascalCase (`in-review` -> `InReview`): \
                         it must start with an ASCII letter and hold letters, digits, `-`, `_` \
                         or spaces, and must not be `self`",
                    );
                ok = false;
                continue;
            }
            if let Some(first) = variants.insert(variant.clone(), value) {
                self.reporter
                    .error(
                        Code::InvalidValues,
                        value.span,
                        format!(
                            "values `{}` and `{}` of field `{name}` are both variant `{variant}`",
                            first.value, value.value
                        ),
                        format!("also `{variant}`"),
                    )
                    .secondary(first.span, format!("`{variant}`"))
                    .help("the values must differ in more than case and punctuation");
                ok = false;
                continue;
            }
            enumeration.variants.push(ir::EnumVariant {
                value: value.value.clone(),
                name: variant,
            });
        }
        if let (Some(ir::DefaultValue::String(default)), Some(node)) =
            (default, &field.default_value)
            && !seen.contains_key(default.as_str())
        {
            self.reporter
                .error(
                    Code::InvalidValues,
                    node.span,
                    format!(
                        "`defaultValue` `{default}` of field `{name}` is not one of its values"
                    ),
                    "not in `values`",
                )
                .help(format!(
                    "use one of {}",
                    diagnostic::list(values.value.iter().map(|value| value.value.as_str()))
                ));
            ok = false;
        }
        ok.then_some(enumeration)
    }

    /// Enums of key fields (a key is a plain value), and enum type names that another
    /// generated type already has.
    pub(super) fn enum_types(&mut self, resolved: &[Resolved<'d>]) {
        let mut taken: BTreeMap<String, String> = BTreeMap::new();
        for model in resolved {
            let name = &model.model.rust_name;
            let key = match key_field_count(&model.model.primary_key) {
                1 => format!("{name}Id"),
                _ => format!("{name}Key"),
            };
            taken.insert(name.clone(), format!("the model `{name}`"));
            for (type_name, what) in [
                (key, "the key type"),
                (format!("New{name}"), "the new-item type"),
                (format!("{name}Update"), "the update type"),
            ] {
                taken.insert(type_name, format!("{what} of `{name}`"));
            }
        }
        for model in resolved {
            let keys = [
                &model.model.primary_key.partition,
                &model.model.primary_key.sort,
            ];
            for field in &model.model.fields {
                let Some(enumeration) = &field.enumeration else {
                    continue;
                };
                let Some(span) = model.def.fields.as_ref().and_then(|fields| {
                    let def = fields
                        .value
                        .iter()
                        .find(|def| def.name.value == field.name)?;
                    Some(def.values.as_ref()?.span)
                }) else {
                    continue;
                };
                let owner = format!("field `{}` of `{}`", field.name, model.model.name);
                if keys
                    .iter()
                    .any(|part| matches!(part, KeyPart::Field(key) if *key == field.name))
                {
                    self.reporter
                        .error(
                            Code::InvalidValues,
                            span,
                            format!("primary-key {owner} cannot have `values`"),
                            "a key field holds a plain value",
                        )
                        .help(
                            "drop `values` from the key field, or key the model on another field \
                             and index this one",
                        );
                    continue;
                }
                let type_name = &enumeration.type_name;
                match taken.get(type_name) {
                    Some(other) => {
                        self.reporter
                            .error(
                                Code::InvalidValues,
                                span,
                                format!(
                                    "the enum of {owner} would be named `{type_name}`, as {other}"
                                ),
                                format!("enum `{type_name}`"),
                            )
                            .help("rename the field, or the model, so that the names differ");
                    }
                    None => {
                        taken.insert(type_name.clone(), format!("the enum of {owner}"));
                    }
                }
            }
        }
    }
}

fn key_field_count(key: &ir::Key) -> usize {
    [&key.partition, &key.sort]
        .iter()
        .filter(|part| matches!(part, KeyPart::Field(_)))
        .count()
}
