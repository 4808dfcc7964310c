//! The methods of each generated `<Model>Update`: one setter per field it can change, and
//! `clear_`, `add_`, `add_to_`, `remove_from_`, `append_` and `patch_` where they apply; two fields must not give
//! the same method name.

use super::*;

impl<'d> Checker<'_, 'd> {
    pub(super) fn update_methods(&mut self, resolved: &[Resolved<'d>]) {
        for model in resolved {
            let keys = [
                &model.model.primary_key.partition,
                &model.model.primary_key.sort,
            ];
            let mut seen: BTreeMap<String, (&str, Span)> = BTreeMap::new();
            for (field, span) in model.model.fields.iter().zip(&model.field_spans) {
                let is_key = keys
                    .iter()
                    .any(|part| matches!(part, KeyPart::Field(key) if *key == field.name));
                for method in update_methods_of(field, is_key) {
                    match seen.get(&method) {
                        Some((first, first_span)) => {
                            self.reporter
                                .error(
                                    Code::MethodNameCollision,
                                    *span,
                                    format!(
                                        "fields `{first}` and `{}` of `{}` both give \
                                         `{}Update::{method}`",
                                        field.name, model.model.name, model.model.name
                                    ),
                                    format!("gives `{method}`"),
                                )
                                .secondary(*first_span, format!("also gives `{method}`"))
                                .help("give one of the fields a `rustName`");
                        }
                        None => {
                            seen.insert(method, (field.name.as_str(), *span));
                        }
                    }
                }
            }
        }
    }
}

/// The `<Model>Update` methods a field gives (as the templates name them).
fn update_methods_of(field: &ir::Field, is_key: bool) -> Vec<String> {
    use FieldType as T;
    let automatic = matches!(
        field.field_type,
        T::CreateDateField | T::ModifiedDateField | T::VersionField
    );
    if is_key || automatic || field.rust_name.is_empty() {
        return Vec::new();
    }
    let bare = field.rust_name.trim_start_matches("r#");
    let mut methods = vec![match bare {
        "new" | "only_if" | "skip_reference_checks" => format!("set_{bare}"),
        _ => bare.to_owned(),
    }];
    if !field.always_present() {
        methods.push(format!("clear_{bare}"));
    }
    if field.add_delta_type().is_some() {
        methods.push(format!("add_{bare}"));
    }
    if field.field_type == T::StringSetField {
        methods.push(format!("add_to_{bare}"));
        methods.push(format!("remove_from_{bare}"));
    }
    if field.field_type == T::ListField {
        methods.push(format!("append_{bare}"));
    }
    if field.patchable() {
        methods.push(format!("patch_{bare}"));
    }
    methods
}
