//! Keys: the primary key, indexes (GSI slots) and unique constraints (their slots and
//! fields).

use super::*;

/// The name of the implicit `primaryKey` alias of a model with a composite key.
pub(crate) const PRIMARY_KEY_INDEX: &str = "primaryKey";

impl<'d> Checker<'_, 'd> {
    pub(super) fn primary_key(&mut self, resolved: &mut Resolved<'d>) {
        let def = resolved.def;
        let Some(primary_key) = &def.primary_key else {
            if def.written.contains("primaryKey") {
                return;
            }
            self.reporter
                .error(
                    Code::MissingPrimaryKey,
                    def.name.span,
                    format!("model `{}` has no `primaryKey`", def.name.value),
                    "this model needs a `primaryKey`",
                )
                .help("add e.g. `primaryKey: {partitionKey: userId}` (the sort key defaults to `modelPrefix`)");
            return;
        };
        let context = format!("the primary key of `{}`", def.name.value);
        if let Some(key) = self.key(
            resolved,
            &primary_key.value,
            primary_key.span,
            &context,
            false,
        ) {
            for part in [&key.partition, &key.sort] {
                if let KeyPart::Field(name) = part
                    && let Some(field) = resolved.model.fields.iter_mut().find(|f| f.name == *name)
                {
                    field.required = true;
                }
            }
            resolved.model.primary_key = key;
        }
    }

    /// Resolves a key. `at` is where a missing `partitionKey` or `sortKey` is reported.
    pub(super) fn key(
        &mut self,
        resolved: &Resolved<'d>,
        key: &KeyDef,
        at: Span,
        context: &str,
        sort_required: bool,
    ) -> Option<ir::Key> {
        let partition = match &key.partition_key {
            Some(part) => self.key_part(resolved, part, Role::Partition, context),
            None if key.written.contains("partitionKey") => None,
            None => {
                self.reporter
                    .error(
                        Code::MissingKey,
                        at,
                        format!("{context} has no `partitionKey`"),
                        "expected `partitionKey: ...`",
                    )
                    .help("name a field, or `modelPrefix`, as the partition key");
                None
            }
        };
        let sort = match &key.sort_key {
            Some(part) => self.key_part(resolved, part, Role::Sort, context),
            None if key.written.contains("sortKey") => None,
            None if sort_required => {
                self.reporter
                    .error(
                        Code::MissingKey,
                        at,
                        format!("{context} has no `sortKey`"),
                        "expected `sortKey: ...`",
                    )
                    .help("name a field as the sort key, or write `sortKey: modelPrefix`");
                None
            }
            None => Some(KeyPart::ModelPrefix),
        };
        Some(ir::Key {
            partition: partition?,
            sort: sort?,
        })
    }

    pub(super) fn key_part(
        &mut self,
        resolved: &Resolved<'d>,
        part: &Located<String>,
        role: Role,
        context: &str,
    ) -> Option<KeyPart> {
        use FieldType as T;
        if part.value == "modelPrefix" {
            return Some(KeyPart::ModelPrefix);
        }
        let field_type = self.field_reference(
            resolved,
            part,
            &format!("the {} of {context}", role.describe()),
        )?;
        match field_type {
            T::StringSetField | T::BinaryField | T::ObjectField | T::ListField => {
                self.unindexable(
                    part,
                    field_type,
                    &format!("the {} of {context}", role.describe()),
                );
            }
            T::IntegerField | T::FloatField if role == Role::Sort => {
                let (label, help) = if field_type == T::IntegerField {
                    (
                        "negative values sort out of order",
                        "DynamoBao zero-pads integers in keys, which orders only non-negative values correctly; keep the values non-negative",
                    )
                } else {
                    (
                        "floats sort as text in exponent notation",
                        "DynamoBao writes floats in keys in exponent notation, which does not sort numerically; sort by an IntegerField of scaled non-negative values, or by a DateTimeField",
                    )
                };
                self.reporter
                    .warning(
                        Code::UnsortableSortKey,
                        part.span,
                        format!(
                            "{} `{}` does not sort correctly as the sort key of {context}",
                            type_name(field_type),
                            part.value
                        ),
                        label,
                    )
                    .help(help);
            }
            _ => {}
        }
        Some(KeyPart::Field(part.value.clone()))
    }

    /// The type of the field a key, constraint or `searchable` entry names; reports an
    /// undeclared field. `None` also when the field is declared but did not resolve.
    pub(super) fn field_reference(
        &mut self,
        resolved: &Resolved<'d>,
        part: &Located<String>,
        role: &str,
    ) -> Option<FieldType> {
        if let Some(field) = resolved.field(&part.value) {
            return Some(field.field_type);
        }
        if !resolved.declared.contains(part.value.as_str()) {
            let model = &resolved.def.name.value;
            let declared = &resolved.declared;
            let help = diagnostic::suggestion(&part.value, declared.iter().copied(), || {
                (!declared.is_empty()).then(|| {
                    format!(
                        "the fields of `{model}` are {}",
                        diagnostic::list(declared.iter().copied())
                    )
                })
            });
            self.reporter
                .error(
                    Code::UnknownFieldReference,
                    part.span,
                    format!("unknown field `{}` in {role}", part.value),
                    format!("`{model}` has no field `{}`", part.value),
                )
                .help_opt(help);
        }
        None
    }

    pub(super) fn unindexable(
        &mut self,
        part: &Located<String>,
        field_type: FieldType,
        role: &str,
    ) {
        self.reporter
            .error(
                Code::UnindexableField,
                part.span,
                format!(
                    "{} `{}` cannot be {role}",
                    type_name(field_type),
                    part.value
                ),
                format!(
                    "{} values cannot be encoded into a key",
                    type_name(field_type)
                ),
            )
            .help(match field_type {
                FieldType::ObjectField | FieldType::ListField => {
                    "DynamoDB indexes neither a map or list nor a member of one; key the index on \
                     a top-level field and filter on the member (`Model::FIELD.member().eq(..)`)"
                }
                _ => {
                    "keys and unique constraints need a string, number, date, boolean, ULID or \
                     related field"
                }
            });
    }

    pub(super) fn indexes(&mut self, resolved: &mut Resolved<'d>) {
        let model = resolved.def.name.value.clone();
        let mut slots: BTreeMap<u8, Span> = BTreeMap::new();
        for index in &resolved.def.indexes {
            self.index_name(&model, index);
            let context = format!("index `{}` of `{model}`", index.name.value);
            let (key, gsi) = match &index.body {
                IndexBody::PrimaryKeyAlias => {
                    if resolved.def.primary_key.is_none() {
                        continue;
                    }
                    (Some(resolved.model.primary_key.clone()), None)
                }
                IndexBody::Gsi {
                    key: key_def,
                    index_id,
                } => {
                    let key = self.key(resolved, key_def, index.name.span, &context, true);
                    let gsi = self.index_id(
                        &context,
                        key_def,
                        index_id.as_ref(),
                        index.name.span,
                        &mut slots,
                    );
                    (key, gsi)
                }
            };
            if let Some(key) = key {
                resolved.model.indexes.push(ir::Index {
                    name: index.name.value.clone(),
                    gsi,
                    key,
                });
                resolved.index_spans.push(index.name.span);
            }
        }
        // DynamoBao's queryByPrimaryKey reads one partition of a composite key through the
        // table itself: without an alias in the schema, the model gets one under that name.
        let composite = matches!(resolved.model.primary_key.sort, ir::KeyPart::Field(_));
        let aliased = resolved
            .model
            .indexes
            .iter()
            .any(|index| index.gsi.is_none());
        let named = |name: &str| {
            resolved
                .model
                .indexes
                .iter()
                .any(|index| index.name == name)
        };
        if composite
            && !aliased
            && !named(PRIMARY_KEY_INDEX)
            && let Some(primary_key) = &resolved.def.primary_key
        {
            resolved.model.indexes.push(ir::Index {
                name: PRIMARY_KEY_INDEX.to_owned(),
                gsi: None,
                key: resolved.model.primary_key.clone(),
            });
            resolved.index_spans.push(primary_key.span);
        }
    }

    pub(super) fn index_name(&mut self, model: &str, index: &IndexDef) {
        let name = &index.name;
        if name.value.starts_with('_') {
            self.reporter
                .error(
                    Code::LeadingUnderscore,
                    name.span,
                    format!("index name `{}` of `{model}` starts with `_`", name.value),
                    "names starting with `_` are reserved for DynamoBao's attributes",
                )
                .help(format!(
                    "rename the index, e.g. `{}`",
                    name.value.trim_start_matches('_')
                ));
        } else {
            self.identifier_form(name, &format!("index name `{}` of `{model}`", name.value));
        }
    }

    /// Index and constraint names become method and type names.
    pub(super) fn identifier_form(&mut self, name: &Located<String>, what: &str) {
        if naming::field_ident(&name.value).is_none() {
            self.reporter
                .error(
                    Code::InvalidIdentifier,
                    name.span,
                    format!("{what} has no Rust identifier form"),
                    "expected ASCII letters, digits and `_`",
                )
                .help("rename it; generated method names are built from it");
        }
    }

    pub(super) fn index_id(
        &mut self,
        context: &str,
        key: &KeyDef,
        index_id: Option<&Located<String>>,
        at: Span,
        slots: &mut BTreeMap<u8, Span>,
    ) -> Option<u8> {
        let Some(index_id) = index_id else {
            if key.written.contains("indexId") {
                return None;
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    at,
                    format!("{context} has no `indexId`"),
                    "expected `indexId: gsi1` .. `gsi5`",
                )
                .help("pick a free GSI slot: `indexId: gsi1` to `indexId: gsi5`");
            return None;
        };
        // DynamoBao reads the number the id ends with (`/(\d+)$/`): `gsi2`, `index2`, `2`.
        let digits = index_id.value.len()
            - index_id
                .value
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .len();
        let slot = index_id.value[index_id.value.len() - digits..]
            .parse::<u8>()
            .ok()
            .filter(|slot| (1..=5).contains(slot));
        let Some(slot) = slot else {
            self.reporter
                .error(
                    Code::InvalidIndexId,
                    index_id.span,
                    format!("invalid `indexId` `{}`", index_id.value),
                    "expected an id ending in 1 .. 5, such as `gsi1` .. `gsi5`",
                )
                .help("the table has five GSIs: `gsi1`, `gsi2`, `gsi3`, `gsi4`, `gsi5`");
            return None;
        };
        if let Some(&first) = slots.get(&slot) {
            let free: Vec<String> = (1..=5u8)
                .filter(|candidate| !slots.contains_key(candidate))
                .map(|candidate| format!("gsi{candidate}"))
                .collect();
            let help = if free.is_empty() {
                "every GSI of this model is taken; a model can have at most five indexes".to_owned()
            } else {
                format!(
                    "each index of a model needs its own GSI; free: {}",
                    diagnostic::list(free.iter().map(String::as_str))
                )
            };
            self.reporter
                .error(
                    Code::DuplicateIndexId,
                    index_id.span,
                    format!("`indexId` `{}` is used twice", index_id.value),
                    "used again here",
                )
                .secondary(first, "first used here")
                .help(help);
            return None;
        }
        slots.insert(slot, index_id.span);
        Some(slot)
    }

    pub(super) fn constraints(&mut self, resolved: &mut Resolved<'d>) {
        let model = resolved.def.name.value.clone();
        let mut slots: BTreeMap<u8, Span> = BTreeMap::new();
        for constraint in &resolved.def.unique_constraints {
            let context = format!("unique constraint `{}` of `{model}`", constraint.name.value);
            self.identifier_form(
                &constraint.name,
                &format!("constraint name `{}` of `{model}`", constraint.name.value),
            );
            let field = self.constraint_field(resolved, constraint, &context);
            let id = self.constraint_id(constraint, &context, &mut slots);
            if let (Some(field), Some(id)) = (field, id) {
                resolved
                    .model
                    .unique_constraints
                    .push(ir::UniqueConstraint {
                        name: constraint.name.value.clone(),
                        id,
                        field,
                    });
                resolved.constraint_spans.push(constraint.name.span);
            }
        }
    }

    pub(super) fn constraint_field(
        &mut self,
        resolved: &Resolved<'d>,
        constraint: &ConstraintDef,
        context: &str,
    ) -> Option<String> {
        let Some(field) = &constraint.field else {
            if constraint.written.contains("field") {
                return None;
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    constraint.name.span,
                    format!("{context} has no `field`"),
                    "expected `field: ...`",
                )
                .help("name the field whose values must be unique");
            return None;
        };
        let field_type = self.field_reference(resolved, field, context)?;
        if matches!(
            field_type,
            FieldType::StringSetField
                | FieldType::BinaryField
                | FieldType::ObjectField
                | FieldType::ListField
        ) {
            self.unindexable(field, field_type, &format!("the field of {context}"));
            return None;
        }
        Some(field.value.clone())
    }

    pub(super) fn constraint_id(
        &mut self,
        constraint: &ConstraintDef,
        context: &str,
        slots: &mut BTreeMap<u8, Span>,
    ) -> Option<u8> {
        let Some(id) = &constraint.id else {
            if constraint.written.contains("uniqueConstraintId") {
                return None;
            }
            self.reporter
                .error(
                    Code::MissingKey,
                    constraint.name.span,
                    format!("{context} has no `uniqueConstraintId`"),
                    "expected `uniqueConstraintId: uc1` .. `uc3`",
                )
                .help("pick a free slot: `uniqueConstraintId: uc1` to `uc3`");
            return None;
        };
        // DynamoBao reads only the last character: `uc1`, `UC1`, `unique1`.
        let slot = id
            .value
            .chars()
            .last()
            .and_then(|last| last.to_digit(10))
            .and_then(|digit| u8::try_from(digit).ok())
            .filter(|slot| (1..=3).contains(slot));
        let Some(slot) = slot else {
            self.reporter
                .error(
                    Code::InvalidUniqueConstraintId,
                    id.span,
                    format!("invalid `uniqueConstraintId` `{}`", id.value),
                    "expected an id ending in 1, 2 or 3, such as `uc1`",
                )
                .help("a model can have three unique constraints: `uc1`, `uc2`, `uc3`");
            return None;
        };
        if let Some(&first) = slots.get(&slot) {
            self.reporter
                .error(
                    Code::DuplicateUniqueConstraintId,
                    id.span,
                    format!("`uniqueConstraintId` `{}` is used twice", id.value),
                    "used again here",
                )
                .secondary(first, "first used here")
                .help("each unique constraint of a model needs its own id: `uc1`, `uc2`, `uc3`");
            return None;
        }
        slots.insert(slot, id.span);
        Some(slot)
    }
}
