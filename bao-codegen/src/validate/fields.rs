//! Fields: names, Rust names, types and enums.

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
}
