//! Shapes (`shapes:`): named object types held by ObjectFields and ListFields, their fields,
//! and the rules for fields nested in them or in lists.

use super::*;
use crate::defs::ShapeDef;

/// Keys a list's `items` cannot have, with where each is written and why: an element is
/// always present, has no name of its own in Rust, and is read with the list's type.
fn refused_item_keys(items: &FieldDef) -> [(&'static str, Option<Span>, &'static str); 5] {
    [
        (
            "required",
            items.required.as_ref().map(|v| v.span),
            "a list's elements are always present",
        ),
        (
            "defaultValue",
            items.default_value.as_ref().map(|v| v.span),
            "a list's elements have no default",
        ),
        (
            "rustName",
            items.rust_name.as_ref().map(|v| v.span),
            "a list's elements have no name in Rust",
        ),
        (
            "rustType",
            items.rust_type.as_ref().map(|v| v.span),
            "a list of a Rust type of the application's is not supported; hold it in a shape",
        ),
        (
            "autoAssign",
            items.auto_assign.as_ref().map(|v| v.span),
            "nothing assigns a list's elements",
        ),
    ]
}

impl Checker<'_, '_> {
    /// Resolves every shape, and says where each is written; the result is meaningful only
    /// when no error was reported.
    pub(super) fn shapes(
        &mut self,
        defs: &[ShapeDef],
    ) -> (Vec<ir::Shape>, BTreeMap<String, ShapeSpans>) {
        let mut spans = BTreeMap::new();
        let mut shapes: Vec<ir::Shape> = defs
            .iter()
            .filter_map(|def| {
                let (shape, fields) = self.shape(def)?;
                let name = def.name.span;
                spans.insert(shape.name.clone(), ShapeSpans { name, fields });
                Some(shape)
            })
            .collect();
        self.shape_cycles(defs, &shapes);
        shapes.sort_by(|a, b| a.name.cmp(&b.name));
        (shapes, spans)
    }

    /// A shape, and where each of its fields is written.
    fn shape(&mut self, def: &ShapeDef) -> Option<(ir::Shape, BTreeMap<String, Span>)> {
        let name = &def.name;
        if let Some(problem) = naming::model_name_problem(&name.value) {
            let problem = problem.replace("a model name", "a shape name");
            let help = match naming::model_name_suggestion(&name.value) {
                Some(suggestion) => format!("{problem}, e.g. `{suggestion}`"),
                None => problem,
            };
            self.reporter
                .error(
                    Code::InvalidShape,
                    name.span,
                    format!("invalid shape name `{}`", name.value),
                    "not a PascalCase Rust type name",
                )
                .help(help);
        }
        let fields = def
            .fields
            .as_ref()
            .filter(|fields| !fields.value.is_empty());
        let Some(fields) = fields else {
            if def.fields.is_none() && def.written.contains("fields") {
                return None;
            }
            let span = def.fields.as_ref().map_or(name.span, |fields| fields.span);
            self.reporter
                .error(
                    Code::InvalidShape,
                    span,
                    format!("shape `{}` has no fields", name.value),
                    "expected at least one field",
                )
                .help("add fields under `fields:`, e.g. `city: {type: StringField}`");
            return None;
        };
        let (file, line) = self.reporter.sources().line_of(name.span);
        let mut shape = ir::Shape {
            name: name.value.clone(),
            module: naming::module_name(&name.value).unwrap_or_default(),
            doc: def.doc.clone(),
            fields: Vec::new(),
            extensions: Vec::new(),
            source: ir::SourceRef {
                file: file.to_owned(),
                line,
            },
        };
        let mut rust_names: BTreeMap<String, Span> = BTreeMap::new();
        let mut spans = BTreeMap::new();
        let mut methods: BTreeMap<String, (String, Span)> = BTreeMap::new();
        for field in &fields.value {
            let rust_name = self.field_name(&name.value, field, &mut rust_names);
            let owner = (name.value.as_str(), name.value.as_str());
            if let Some(resolved) =
                self.resolve_field(owner, field, rust_name, false, Some("shape"))
            {
                self.shape_methods(&name.value, &resolved, field.name.span, &mut methods);
                spans.insert(resolved.name.clone(), field.name.span);
                shape.fields.push(resolved);
            }
        }
        Some((shape, spans))
    }

    /// Reports a field whose methods on `<Shape>Patch` or `<Shape>Attr` another field's
    /// methods, or those types' own (`of`, `exists`, `not_exists`), already have.
    fn shape_methods(
        &mut self,
        shape: &str,
        field: &ir::Field,
        span: Span,
        seen: &mut BTreeMap<String, (String, Span)>,
    ) {
        let bare = field.rust_name.trim_start_matches("r#");
        if bare.is_empty() {
            return;
        }
        let setter = match bare {
            "new" => format!("{shape}Patch::set_new"),
            _ => format!("{shape}Patch::{bare}"),
        };
        let mut methods = vec![setter, format!("{shape}Attr::{bare}")];
        if !field.always_present() {
            methods.push(format!("{shape}Patch::clear_{bare}"));
        }
        if field.patchable() {
            methods.push(format!("{shape}Patch::patch_{bare}"));
        }
        for method in methods {
            let own = ["of", "exists", "not_exists"]
                .iter()
                .any(|own| method == format!("{shape}Attr::{own}"));
            let first = seen.get(&method).cloned();
            if !own && first.is_none() {
                seen.insert(method, (field.name.clone(), span));
                continue;
            }
            let message = format!(
                "field `{}` of shape `{shape}` gives `{method}`, which {}",
                field.name,
                match &first {
                    Some((other, _)) => format!("field `{other}` gives too"),
                    None => "the generated type has already".to_owned(),
                }
            );
            let report = self.reporter.error(
                Code::MethodNameCollision,
                span,
                message,
                format!("gives `{method}`"),
            );
            match first {
                Some((_, first_span)) => {
                    report.secondary(first_span, format!("also gives `{method}`"))
                }
                None => report,
            }
            .help("give the field a `rustName`");
        }
    }

    /// Refuses, inside a shape or a list, the field types bao stamps or changes in place on
    /// the item, and `autoAssign`.
    pub(super) fn nested_field(
        &mut self,
        owner: &str,
        field: &FieldDef,
        field_type: FieldType,
        container: &str,
    ) {
        let name = &field.name.value;
        let type_span = field
            .field_type
            .as_ref()
            .map_or(field.name.span, |t| t.span);
        if !field_types::nestable(field_type) {
            self.reporter
                .error(
                    Code::InvalidShape,
                    type_span,
                    format!(
                        "{} `{name}` of `{owner}` cannot be inside a {container}",
                        type_name(field_type)
                    ),
                    "bao sets it on the whole item",
                )
                .help(format!(
                    "move it to the model, or make it {} in the {container}",
                    match field_type {
                        FieldType::CounterField => "an IntegerField",
                        _ => "a DateTimeField",
                    }
                ));
        }
        if let Some(checked) = field
            .referential_integrity
            .as_ref()
            .filter(|r| r.value && field_type == FieldType::RelatedField)
        {
            self.reporter
                .error(
                    Code::InvalidShape,
                    checked.span,
                    format!("`referentialIntegrity` of `{name}` of `{owner}` inside a {container}"),
                    "only a model's own RelatedFields are checked",
                )
                .help("remove it, or hold the reference in a RelatedField of the model");
        }
        if let Some(auto_assign) = field.auto_assign.as_ref().filter(|a| a.value) {
            self.reporter
                .error(
                    Code::InvalidShape,
                    auto_assign.span,
                    format!("`autoAssign` of `{name}` of `{owner}` inside a {container}"),
                    "only a model's own UlidField is assigned on create",
                )
                .help(format!(
                    "remove `autoAssign`; set the value when building the {container}'s value"
                ));
        }
    }

    /// The shape an ObjectField (or a list's `items`, when `element`) names.
    pub(super) fn shape_reference(
        &mut self,
        owner: &str,
        field: &FieldDef,
        element: bool,
    ) -> Option<String> {
        let name = &field.name.value;
        let described = match element {
            true => format!("`items` of ListField `{name}`"),
            false => format!("ObjectField `{name}`"),
        };
        let Some(shape) = &field.shape else {
            if !field.written.contains("shape") {
                self.reporter
                    .error(
                        Code::InvalidShape,
                        field.name.span,
                        format!("{described} of `{owner}` has no `shape`"),
                        "which shape does this field hold?",
                    )
                    .help(
                        "name a shape of the top-level `shapes:`, e.g. \
                         `{type: ObjectField, shape: Address}`",
                    );
            }
            return None;
        };
        if self.complete && !self.shape_names.contains(&shape.value) {
            let names = self.shape_names.clone();
            let help =
                diagnostic::suggestion(&shape.value, names.iter().map(String::as_str), || {
                    Some(match names.is_empty() {
                        true => format!(
                            "define it at the top level:\nshapes:\n  {}:\n    fields:\n      \
                         name: {{type: StringField}}",
                            shape.value
                        ),
                        false => format!(
                            "the shapes are {}",
                            diagnostic::list(names.iter().map(String::as_str))
                        ),
                    })
                });
            self.reporter
                .error(
                    Code::InvalidShape,
                    shape.span,
                    format!(
                        "{described} of `{owner}` names unknown shape `{}`",
                        shape.value
                    ),
                    format!("no shape named `{}`", shape.value),
                )
                .help_opt(help);
            return None;
        }
        Some(shape.value.clone())
    }

    /// The elements of a ListField, resolved as a field named after the list.
    pub(super) fn list_items(
        &mut self,
        (owner, rust_owner): (&str, &str),
        field: &FieldDef,
    ) -> Option<Box<ir::Field>> {
        let name = &field.name.value;
        let Some(items) = &field.items else {
            if !field.written.contains("items") {
                self.reporter
                    .error(
                        Code::InvalidShape,
                        field.name.span,
                        format!("ListField `{name}` of `{owner}` has no `items`"),
                        "what does the list hold?",
                    )
                    .help(
                        "describe the elements, e.g. `items: IntegerField`, `items: Address` (a \
                         shape) or `items: {type: StringField, maxLength: 20}`",
                    );
            }
            return None;
        };
        for (key, span, reason) in refused_item_keys(items) {
            if let Some(span) = span {
                self.reporter
                    .error(
                        Code::InvalidShape,
                        span,
                        format!("`items` of ListField `{name}` of `{owner}` has `{key}`"),
                        reason,
                    )
                    .help(format!("remove `{key}` from `items`"));
            }
        }
        // `items: Address` and `{shape: Address}` are ObjectFields; the elements' enum is
        // named after the list.
        let mut element = (**items).clone();
        element.name = Located::new(name.clone(), items.name.span);
        match (&element.field_type, &element.shape) {
            (Some(named), None) if self.shape_names.contains(&named.value) => {
                element.shape = Some(named.clone());
                element.field_type = Some(Located::new("ObjectField".to_owned(), named.span));
            }
            (None, Some(shape)) => {
                element.field_type = Some(Located::new("ObjectField".to_owned(), shape.span));
            }
            _ => {}
        }
        let bare = naming::field_ident(name).unwrap_or_default();
        let rust_name = format!("{}_items", bare.trim_start_matches("r#"));
        let mut resolved = self.resolve_field(
            (owner, rust_owner),
            &element,
            rust_name,
            false,
            Some("list"),
        )?;
        resolved.required = true;
        Some(Box::new(resolved))
    }

    /// Reports each shape that holds itself, through ObjectFields and ListFields, at the field
    /// that closes the cycle.
    fn shape_cycles(&mut self, defs: &[ShapeDef], shapes: &[ir::Shape]) {
        let holds = |shape: &ir::Shape| -> Vec<(String, String)> {
            shape
                .fields
                .iter()
                .filter_map(|field| Some((field.name.clone(), held_shape(field)?.to_owned())))
                .collect()
        };
        let graph: BTreeMap<&str, Vec<(String, String)>> = shapes
            .iter()
            .map(|shape| (shape.name.as_str(), holds(shape)))
            .collect();
        let mut reported: BTreeSet<String> = BTreeSet::new();
        for start in graph.keys() {
            // Depth-first from `start`, looking for a path back to it.
            let mut stack: Vec<(&str, Vec<String>)> = vec![(start, Vec::new())];
            let mut visited = BTreeSet::new();
            while let Some((shape, path)) = stack.pop() {
                for (field, target) in graph.get(shape).into_iter().flatten() {
                    let mut path = path.clone();
                    path.push(format!("{shape}.{field}"));
                    if target == start {
                        // One report per cycle, at the first of its shapes.
                        if !reported.contains(*start) {
                            reported.extend(
                                path.iter()
                                    .filter_map(|step| Some(step.split_once('.')?.0.to_owned())),
                            );
                            self.report_cycle(defs, start, &path);
                        }
                    } else if visited.insert(target.as_str()) {
                        stack.push((target.as_str(), path));
                    }
                }
            }
        }
    }

    fn report_cycle(&mut self, defs: &[ShapeDef], shape: &str, path: &[String]) {
        let Some(def) = defs.iter().find(|def| def.name.value == shape) else {
            return;
        };
        let first_field = path
            .first()
            .and_then(|step| step.split_once('.'))
            .map(|(_, field)| field);
        let span = def
            .fields
            .as_ref()
            .and_then(|fields| {
                fields
                    .value
                    .iter()
                    .find(|f| Some(f.name.value.as_str()) == first_field)
            })
            .map_or(def.name.span, |field| field.name.span);
        self.reporter
            .error(
                Code::ShapeCycle,
                span,
                format!("shape `{shape}` contains itself"),
                format!("{} -> {shape}", path.join(" -> ")),
            )
            .help(
                "a stored value cannot hold itself; break the cycle, e.g. by holding the \
                 inner value's id in a field",
            );
    }
}

/// The shape a field holds: an ObjectField's, or its list elements', at any depth.
pub(crate) fn held_shape(field: &ir::Field) -> Option<&str> {
    match (&field.shape, &field.items) {
        (Some(shape), _) => Some(shape),
        (None, Some(items)) => held_shape(items),
        (None, None) => None,
    }
}
