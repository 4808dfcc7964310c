//! Field types of the schema's own (`fieldTypes:`) and Rust types of the application's
//! (`rustType`).
//!
//! A declared type is a built-in `base` (which decides storage, keys and queries), optionally
//! a `rustType` that fields of the type hold in Rust, and the names of the `options` its
//! fields may give; the options reach the `rustType`'s `CustomField::validate` on every write.

use super::*;
use crate::defs::FieldTypeDef;

/// A `fieldTypes` entry that resolved.
#[derive(Debug, Clone)]
pub(super) struct DeclaredType {
    /// The built-in type that stores it.
    pub(super) base: FieldType,
    /// The Rust type its fields hold.
    pub(super) rust_type: Option<String>,
    /// The options its fields may give.
    pub(super) options: Vec<String>,
}

/// The built-in type a declared `EmailField` keeps: DynamoBao projects declare it themselves
/// (`base: StringField`), and bao's own is a StringField with the syntax check, which a
/// declaration must not lose.
const EMAIL_FIELD: &str = "EmailField";

impl<'d> Checker<'_, 'd> {
    /// Resolves the `fieldTypes` entries; those with errors are left out (reported).
    pub(super) fn declared_types(
        &mut self,
        defs: &[FieldTypeDef],
    ) -> BTreeMap<String, DeclaredType> {
        let mut declared = BTreeMap::new();
        for def in defs {
            if let Some(resolved) = self.declared_type(def, defs) {
                declared.insert(def.name.value.clone(), resolved);
            }
        }
        declared
    }

    /// Warns of each declared type no field uses: its `rustType` and options reach nothing.
    pub(super) fn unused_types(&mut self, defs: &[FieldTypeDef]) {
        for def in defs {
            let name = &def.name.value;
            if self.declared_types.contains_key(name) && !self.used_types.contains(name) {
                self.reporter
                    .warning(
                        Code::UnusedFieldType,
                        def.name.span,
                        format!("field type `{name}` is declared but no field uses it"),
                        "no field has this `type`",
                    )
                    .help(format!(
                        "give a field `type: {name}`, or remove the declaration"
                    ));
            }
        }
    }

    fn declared_type(&mut self, def: &FieldTypeDef, defs: &[FieldTypeDef]) -> Option<DeclaredType> {
        let name = &def.name;
        if name.value != EMAIL_FIELD && field_types::by_name(&name.value).is_some() {
            self.reporter
                .error(
                    Code::InvalidFieldTypeDeclaration,
                    name.span,
                    format!("field type `{}` is built in", name.value),
                    "a built-in type cannot be declared again",
                )
                .help(format!(
                    "give your type a name of its own, e.g. `My{}`",
                    name.value
                ));
            return None;
        }
        let base = self.declared_base(def, defs)?;
        let base = match (name.value.as_str(), base) {
            (EMAIL_FIELD, FieldType::StringField) => FieldType::EmailField,
            _ => base,
        };
        let rust_type = def
            .rust_type
            .as_ref()
            .and_then(|rust_type| self.rust_type(rust_type, base, &name.value));
        let mut options: Vec<String> = Vec::new();
        for option in &def.options {
            let taken = field_types::COMMON_FIELD_KEYS.contains(&option.value.as_str())
                || option.value == "model"
                || field_types::option_applies(&option.value, base);
            if taken || options.contains(&option.value) {
                let why = match taken {
                    true => format!("already a key of {} fields", type_name(base)),
                    false => "listed twice".to_owned(),
                };
                self.reporter
                    .error(
                        Code::InvalidFieldTypeDeclaration,
                        option.span,
                        format!(
                            "option `{}` of field type `{}` is {why}",
                            option.value, name.value
                        ),
                        why.clone(),
                    )
                    .help("remove it from `options`, or give the option a name of its own");
            } else {
                options.push(option.value.clone());
            }
        }
        if rust_type.is_none()
            && def.rust_type.is_none()
            && let Some(first) = def.options.first()
        {
            self.reporter
                .warning(
                    Code::UncheckedOptions,
                    first.span,
                    format!("the options of field type `{}` reach no check", name.value),
                    "read only by a `rustType`'s `CustomField::validate`",
                )
                .help(
                    "give the type a `rustType` whose `validate` checks them, or remove \
                     `options`",
                );
        }
        Some(DeclaredType {
            base,
            rust_type,
            options,
        })
    }

    fn declared_base(&mut self, def: &FieldTypeDef, defs: &[FieldTypeDef]) -> Option<FieldType> {
        let name = &def.name.value;
        let Some(base) = &def.base else {
            if !def.written.contains("base") {
                self.reporter
                    .error(
                        Code::InvalidFieldTypeDeclaration,
                        def.name.span,
                        format!("field type `{name}` has no `base`"),
                        "which built-in type stores it?",
                    )
                    .help(format!("add a base, e.g. `{name}: {{base: StringField}}`"));
            }
            return None;
        };
        if let Some(spec) = field_types::by_name(&base.value) {
            return Some(spec.field_type);
        }
        let help = match defs.iter().find(|other| other.name.value == base.value) {
            Some(other) => Some(format!(
                "a base is a built-in type; `{}` is declared in this schema: use its base{}",
                other.name.value,
                other
                    .base
                    .as_ref()
                    .map(|base| format!(" (`{}`)", base.value))
                    .unwrap_or_default()
            )),
            None => diagnostic::suggestion(
                &base.value,
                FIELD_TYPES.iter().map(|spec| spec.name),
                || {
                    Some(format!(
                        "the built-in types are {}",
                        diagnostic::list(FIELD_TYPES.iter().map(|spec| spec.name))
                    ))
                },
            ),
        };
        self.reporter
            .error(
                Code::InvalidFieldTypeDeclaration,
                base.span,
                format!("unknown base `{}` of field type `{name}`", base.value),
                "not a built-in field type",
            )
            .help_opt(help);
        None
    }

    /// A `rustType` for a field of type `base`, if it is a usable type path.
    fn rust_type(
        &mut self,
        rust_type: &Located<String>,
        base: FieldType,
        owner: &str,
    ) -> Option<String> {
        if !field_types::takes_rust_type(base) {
            let takers = FIELD_TYPES
                .iter()
                .filter(|spec| field_types::takes_rust_type(spec.field_type))
                .map(|spec| spec.name);
            self.reporter
                .error(
                    Code::InvalidRustType,
                    rust_type.span,
                    format!(
                        "{owner} is a {}, which cannot hold a `rustType`",
                        type_name(base)
                    ),
                    format!("bao makes or types a {}'s value itself", type_name(base)),
                )
                .help(format!(
                    "only these types hold a `rustType`: {}; remove it here",
                    diagnostic::list(takers)
                ));
            return None;
        }
        if let Some(problem) = naming::rust_path_problem(&rust_type.value) {
            self.reporter
                .error(
                    Code::InvalidRustType,
                    rust_type.span,
                    format!(
                        "`rustType` `{}` of {owner} is not a usable type path",
                        rust_type.value
                    ),
                    problem,
                )
                .help(
                    "name the type by its path from the crate root or another crate, e.g. \
                     `crate::money::Cents`",
                );
            return None;
        }
        Some(rust_type.value.clone())
    }

    /// The declared type or `rustType` of a field of type `field_type` (its base), and the
    /// options it gives; reports the field's keys that neither a built-in type nor its
    /// declared type takes.
    pub(super) fn custom_type(
        &mut self,
        model: &str,
        field: &FieldDef,
        field_type: FieldType,
        declared: Option<(&str, &DeclaredType)>,
    ) -> Option<ir::CustomType> {
        let owner = format!("field `{}` of `{model}`", field.name.value);
        let mut options = Vec::new();
        for (key, value) in &field.extra {
            let known = declared.is_some_and(|(_, declared)| declared.options.contains(&key.value));
            if !known {
                let mut keys = field_types::field_keys();
                if let Some((_, declared)) = declared {
                    keys.extend(declared.options.iter().map(String::as_str));
                }
                crate::defs::unknown_key(
                    self.reporter,
                    key,
                    &keys,
                    &format!("in field `{}`", field.name.value),
                    "not a field option",
                );
                continue;
            }
            match option_literal(value) {
                Some(literal) => options.push((key.value.clone(), literal)),
                None => {
                    self.reporter
                        .error(
                            Code::WrongType,
                            value.span,
                            format!(
                                "invalid option `{}` of {owner}: expected a scalar or a list, found {}",
                                key.value,
                                value.value.describe()
                            ),
                            "expected a string, number, boolean or a list of them",
                        )
                        .help("give the option as a scalar or a flow list, e.g. `[a, b]`");
                }
            }
        }
        let rust_type = match &field.rust_type {
            Some(rust_type) => self.rust_type(rust_type, field_type, &owner),
            None => declared.and_then(|(_, declared)| declared.rust_type.clone()),
        };
        let type_name = match declared {
            Some((name, _)) => name.to_owned(),
            None if rust_type.is_some() => type_name(field_type).to_owned(),
            None => return None,
        };
        Some(ir::CustomType {
            type_name,
            rust_type,
            options,
        })
    }

    /// Refuses a `rustType` on a primary-key field: the key already has a generated type of its
    /// own (`OrderId`), which RelatedFields pointing to the model hold too.
    pub(super) fn key_rust_types(&mut self, resolved: &Resolved<'d>) {
        let model = &resolved.model;
        for part in [&model.primary_key.partition, &model.primary_key.sort] {
            let KeyPart::Field(name) = part else { continue };
            let Some(index) = model.fields.iter().position(|field| &field.name == name) else {
                continue;
            };
            let field = &model.fields[index];
            // An enum on a key is reported as such (B056).
            if field.enumeration.is_none()
                && field
                    .custom
                    .as_ref()
                    .is_some_and(|custom| custom.rust_type.is_some())
            {
                self.reporter
                    .error(
                        Code::InvalidRustType,
                        resolved.field_spans[index],
                        format!(
                            "primary-key field `{name}` of `{}` cannot hold a `rustType`",
                            model.name
                        ),
                        "a primary-key field",
                    )
                    .help(
                        "the key already has a generated type of its own, which RelatedFields \
                         hold too: give this field a type without a `rustType`",
                    );
            }
        }
    }
}

/// A scalar, or a list of scalars, as an option value.
fn option_literal(node: &Node) -> Option<ir::OptionLiteral> {
    Some(match &node.value {
        Value::Bool(flag) => ir::OptionLiteral::Bool(*flag),
        Value::Int(number) => ir::OptionLiteral::Integer(i64::try_from(*number).ok()?),
        Value::Float(number) => ir::OptionLiteral::Float(*number),
        Value::Str(text) => ir::OptionLiteral::Str(text.clone()),
        Value::Seq(items) => {
            ir::OptionLiteral::List(items.iter().map(option_literal).collect::<Option<_>>()?)
        }
        _ => return None,
    })
}
