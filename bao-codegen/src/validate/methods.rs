//! Names across models: prefixes, modules, and the generated methods of every model, with
//! the methods other models' indexes contribute, checked for collisions.

use super::*;

impl<'d> Checker<'_, 'd> {
    pub(super) fn prefixes(&mut self, resolved: &[Resolved<'d>]) {
        let mut seen: BTreeMap<&str, (&str, Span)> = BTreeMap::new();
        for model in resolved {
            let Some(prefix) = &model.def.model_prefix else {
                continue;
            };
            if prefix.value.is_empty() {
                continue;
            }
            if let Some((first, span)) = seen.get(prefix.value.as_str()) {
                self.reporter
                    .error(
                        Code::DuplicateModelPrefix,
                        prefix.span,
                        format!(
                            "models `{first}` and `{}` have the same `modelPrefix` `{}`",
                            model.def.name.value, prefix.value
                        ),
                        "used again here",
                    )
                    .secondary(*span, format!("used by `{first}`"))
                    .help("every model needs its own prefix: items of both would share keys");
            } else {
                seen.insert(
                    prefix.value.as_str(),
                    (model.def.name.value.as_str(), prefix.span),
                );
            }
        }
    }

    /// Reports models and shapes whose modules would have the same file name.
    pub(super) fn modules(&mut self, resolved: &[Resolved<'d>], shapes: &[crate::defs::ShapeDef]) {
        let models = resolved.iter().map(|model| {
            let name = format!("model `{}`", model.def.name.value);
            (model.model.module.clone(), name, model.def.name.span)
        });
        let shapes = shapes.iter().map(|shape| {
            let module = naming::module_name(&shape.name.value).unwrap_or_default();
            (
                module,
                format!("shape `{}`", shape.name.value),
                shape.name.span,
            )
        });
        let mut seen: BTreeMap<String, (String, Span)> = BTreeMap::new();
        for (module, name, span) in models.chain(shapes) {
            if module.is_empty() {
                continue;
            }
            if let Some((first, first_span)) = seen.get(&module) {
                self.reporter
                    .error(
                        Code::ModuleNameCollision,
                        span,
                        format!("{first} and {name} have the same module name `{module}`"),
                        format!("module `{module}`"),
                    )
                    .secondary(*first_span, format!("also module `{module}`"))
                    .help(
                        "rename one of them (models and shapes each get a module) so that \
                         their snake_case names differ",
                    );
            } else {
                seen.insert(module, (name, span));
            }
        }
    }

    /// Computes every model's methods, then reports collisions.
    pub(super) fn methods(&mut self, resolved: &mut [Resolved<'d>]) {
        let mut order: Vec<usize> = (0..resolved.len()).collect();
        order.sort_by(|&a, &b| resolved[a].model.name.cmp(&resolved[b].model.name));
        let mut incoming: BTreeMap<String, Incoming> = BTreeMap::new();
        for &index in &order {
            contribute(&resolved[index], &mut incoming);
        }
        for target in resolved.iter_mut() {
            let from_others = incoming.remove(&target.model.name).unwrap_or_default();
            let (methods, sites, renamed) = methods_of(target, from_others);
            for renamed in &renamed {
                self.report_renamed(&target.model.name, renamed);
            }
            self.collisions(target, &sites);
            target.model.methods = methods;
        }
    }

    /// Warns that queries which would share a name were given their indexes' whole names.
    fn report_renamed(&mut self, model: &str, renamed: &Renamed) {
        let [first, rest @ ..] = renamed.sites.as_slice() else {
            return;
        };
        let Some(last) = rest.last() else {
            return;
        };
        let names = diagnostic::list(renamed.sites.iter().map(|site| site.name.as_str()));
        let mut warning = self.reporter.warning(
            Code::MethodsRenamed,
            last.span,
            format!(
                "{} indexes would each generate `{model}::{}`; they generate {names}",
                renamed.sites.len(),
                renamed.shared
            ),
            format!("{} generates `{}`", last.origin, last.name),
        );
        for site in std::iter::once(first).chain(&rest[..rest.len() - 1]) {
            warning = warning.secondary(
                site.span,
                format!("{} generates `{}`", site.origin, site.name),
            );
        }
        warning.help(
            "each query is named by its whole index name; rename an index to choose the names",
        );
    }

    pub(super) fn collisions(&mut self, target: &Resolved<'d>, sites: &[MethodSite]) {
        let model = &target.model.name;
        let mut seen: BTreeMap<&str, &MethodSite> = BTreeMap::new();
        for site in sites {
            if let Some(first) = seen.get(site.name.as_str()) {
                // The label goes on whichever comes later in the files.
                let (earlier, later) = if first.span <= site.span {
                    (*first, site)
                } else {
                    (site, *first)
                };
                self.reporter
                    .error(
                        Code::MethodNameCollision,
                        later.span,
                        format!(
                            "two methods named `{}` are generated on `{model}`",
                            site.name
                        ),
                        format!("{} generates `{model}::{}`", later.origin, site.name),
                    )
                    .secondary(earlier.span, format!("{} generates it too", earlier.origin))
                    .help("rename one of them so that their method names differ");
            } else {
                seen.insert(&site.name, site);
            }
        }
    }
}

/// The methods that a model receives from indexes of other models (or of itself) whose
/// partition key is a RelatedField pointing to it.
#[derive(Default)]
struct Incoming {
    queries: Vec<(ir::QueryMethod, MethodSite)>,
    mappings: Vec<(ir::MappingGetter, MethodSite)>,
}

/// Adds the instance queries and mapping getters that the indexes of `source` generate on the
/// models their partition keys point to.
fn contribute(source: &Resolved<'_>, incoming: &mut BTreeMap<String, Incoming>) {
    for (index, span) in source.model.indexes.iter().zip(&source.index_spans) {
        if is_implicit(index) {
            continue;
        }
        let Some((source_field, target)) = source.related_key(&index.key.partition) else {
            continue;
        };
        let receiving = incoming.entry(target.to_owned()).or_default();
        if let Some(method) = naming::query_method(&index.name) {
            let site = MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!("index `{}` of `{}`", index.name, source.model.name),
            };
            let query = ir::QueryMethod {
                method,
                receiver: ir::QueryReceiver::Instance,
                index_model: source.model.name.clone(),
                index: index.name.clone(),
            };
            receiving.queries.push((query, site));
        }
        if source.model.table_type != ir::TableType::Mapping {
            continue;
        }
        // The other side: the first RelatedField to another model, else the other field.
        let related = || {
            source
                .model
                .fields
                .iter()
                .filter_map(|field| Some((field, field.related_model.as_deref()?)))
        };
        let other_side = related()
            .find(|(_, model)| *model != target)
            .or_else(|| related().find(|(field, _)| field.name != source_field));
        if let Some((target_field, target_model)) = other_side
            && let Some(method) = naming::mapping_getter(&index.name)
        {
            let site = MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!(
                    "index `{}` of mapping table `{}`",
                    index.name, source.model.name
                ),
            };
            let getter = ir::MappingGetter {
                method,
                mapping_model: source.model.name.clone(),
                index: index.name.clone(),
                source_field: source_field.to_owned(),
                target_field: target_field.name.clone(),
                target_model: target_model.to_owned(),
            };
            receiving.mappings.push((getter, site));
        }
    }
}

/// The `primaryKey` alias that a composite key brings without a declaration: it gives only
/// `query_by_primary_key`.
fn is_implicit(index: &ir::Index) -> bool {
    index.gsi.is_none() && index.name == super::keys::PRIMARY_KEY_INDEX
}

/// Queries that would have shared a name, each renamed to its index's whole name.
struct Renamed {
    /// The name they would have shared (`query_orgs`).
    shared: String,
    /// Each, renamed (`query_orgs_for_owner`, `query_orgs_for_account`).
    sites: Vec<MethodSite>,
}

/// Gives the instance queries that another model's indexes bring under one name their
/// indexes' whole names (`orgsForOwner`, `orgsForAccount`: `query_orgs_for_owner`,
/// `query_orgs_for_account`) instead of refusing the schema.
fn disambiguate(queries: &mut [(ir::QueryMethod, MethodSite)]) -> Vec<Renamed> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (at, (query, _)) in queries.iter().enumerate() {
        groups.entry(query.method.clone()).or_default().push(at);
    }
    let mut renamed = Vec::new();
    for (shared, members) in groups.into_iter().filter(|(_, members)| members.len() > 1) {
        let wholes: Vec<String> = members
            .iter()
            .filter_map(|&at| naming::static_query_method(&queries[at].0.index))
            .collect();
        let distinct: std::collections::BTreeSet<&String> = wholes.iter().collect();
        // Whole names that clash too help nobody: the clash is reported as it is (B025).
        if wholes.len() != members.len() || distinct.len() != members.len() {
            continue;
        }
        let mut sites = Vec::new();
        for (&at, whole) in members.iter().zip(wholes) {
            let (query, site) = &mut queries[at];
            query.method.clone_from(&whole);
            site.name = whole;
            sites.push(site.clone());
        }
        // In source order: the warning's label goes on the last.
        sites.sort_by_key(|site| site.span);
        renamed.push(Renamed { shared, sites });
    }
    renamed
}

/// The methods generated on `target`, where each comes from, and the queries renamed to
/// avoid a clash.
fn methods_of(
    target: &Resolved<'_>,
    mut incoming: Incoming,
) -> (ir::Methods, Vec<MethodSite>, Vec<Renamed>) {
    let renamed = disambiguate(&mut incoming.queries);
    let name = target.model.name.as_str();
    let mut methods = ir::Methods::default();
    let mut sites = Vec::new();
    for (constraint, span) in target
        .model
        .unique_constraints
        .iter()
        .zip(&target.constraint_spans)
    {
        if let Some(method) = naming::finder_method(&constraint.name) {
            sites.push(MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!("unique constraint `{}`", constraint.name),
            });
            methods.finders.push(ir::UniqueFinder {
                method,
                constraint: constraint.name.clone(),
            });
        }
    }
    for (index, span) in target.model.indexes.iter().zip(&target.index_spans) {
        if is_implicit(index) {
            continue;
        }
        // An index on a RelatedField gives the related model an instance method
        // (`user.query_posts(db)`) and this model a static one taking the related id, named by
        // the whole index name (`Post::query_posts_for_user(db, user_id)`).
        let (receiver, method) = match &index.key.partition {
            KeyPart::ModelPrefix => (ir::QueryReceiver::Static, naming::query_method(&index.name)),
            KeyPart::Field(field) if target.related_key(&index.key.partition).is_none() => (
                ir::QueryReceiver::Value(field.clone()),
                naming::query_method(&index.name),
            ),
            // On a RelatedField to the model itself the instance method is on this type too,
            // and may have the same name: it is the only form then.
            KeyPart::Field(_)
                if target
                    .related_key(&index.key.partition)
                    .is_some_and(|(_, related)| related == name) =>
            {
                continue;
            }
            KeyPart::Field(field) => (
                ir::QueryReceiver::Value(field.clone()),
                naming::static_query_method(&index.name),
            ),
        };
        if let Some(method) = method {
            sites.push(MethodSite {
                name: method.clone(),
                span: *span,
                origin: format!("index `{}`", index.name),
            });
            methods.queries.push(ir::QueryMethod {
                method,
                receiver,
                index_model: name.to_owned(),
                index: index.name.clone(),
            });
        }
    }
    // DynamoBao's queryByPrimaryKey: every item of one partition of a composite key, through
    // the primaryKey alias (declared, or implicit).
    if matches!(target.model.primary_key.sort, KeyPart::Field(_))
        && let Some((index, span)) = target
            .model
            .indexes
            .iter()
            .zip(&target.index_spans)
            .find(|(index, _)| index.gsi.is_none())
    {
        let receiver = match &index.key.partition {
            KeyPart::ModelPrefix => ir::QueryReceiver::Static,
            KeyPart::Field(field) => ir::QueryReceiver::Value(field.clone()),
        };
        let method = "query_by_primary_key".to_owned();
        sites.push(MethodSite {
            name: method.clone(),
            span: *span,
            origin: "the composite primary key".to_owned(),
        });
        methods.queries.push(ir::QueryMethod {
            method,
            receiver,
            index_model: name.to_owned(),
            index: index.name.clone(),
        });
    }
    for (query, site) in incoming.queries {
        methods.queries.push(query);
        sites.push(site);
    }
    for (field, span) in target.model.fields.iter().zip(&target.field_spans) {
        if let Some(related) = &field.related_model
            && let Some(method) = naming::related_getter(&field.name)
        {
            let many_method = format!("{method}_for_each");
            for name in [&method, &many_method] {
                sites.push(MethodSite {
                    name: name.clone(),
                    span: *span,
                    origin: format!("RelatedField `{}`", field.name),
                });
            }
            methods.related.push(ir::RelatedGetter {
                method,
                many_method,
                field: field.name.clone(),
                target_model: related.clone(),
            });
        }
    }
    for (getter, site) in incoming.mappings {
        methods.mappings.push(getter);
        sites.push(site);
    }
    (methods, sites, renamed)
}
