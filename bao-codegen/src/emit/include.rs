//! The view of `<Model>::load`: the typed builder of an eager load and the struct it yields.
//!
//! Its relations are the ones the model's getters already serve, so no YAML names them: each
//! `get_<x>` of a RelatedField (belongs-to), each `get_<x>` of a mapping table (many-to-many)
//! and each instance `query_<x>` (has-many) is an include named `<x>`. The builder's type has
//! one parameter per include, `NotLoaded` until its method is called.

use super::layout::{self, Expr, WIDTH};
use super::view::{MappingView, QueryView, RelatedView};
use crate::naming;
use serde::Serialize;
use std::collections::BTreeSet;

/// `<Model>::load`, `<Model>Load` and `<Model>With`; absent for a model with no relations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct LoadView {
    /// The field of `<Model>With` that holds the root item: the model's module name (`post`).
    pub(crate) root: String,
    /// The doc lines of `<Model>With`, each with its leading space.
    pub(crate) with_doc: Vec<String>,
    /// The doc lines of `<Model>Load`, each with its leading space.
    pub(crate) load_doc: Vec<String>,
    /// `pub struct <Model>With<U = bao::NotLoaded, ..> {`, laid out.
    pub(crate) with_header: String,
    /// `pub struct <Model>Load<'a, U = bao::NotLoaded, ..> {`, laid out.
    pub(crate) load_header: String,
    /// The builder's parameters, for its impl blocks: `'a, U, C, T`.
    pub(crate) params: String,
    /// `<Model>With`'s parameters: `U, C, T`.
    pub(crate) with_params: String,
    /// `type Output = ..;` of its `IntoFuture` impl, laid out.
    pub(crate) output_item: String,
    /// The body of `<Model>::load`: the builder with nothing included, laid out.
    pub(crate) new_literal: String,
    /// `let include = ..;`: the includes as one value for `Load::run`, laid out.
    pub(crate) include_let: String,
    /// The parameters of `<Model>With::new`: the root, the includes' outputs, the capacity.
    pub(crate) new_params: Vec<String>,
    /// `let (user, ..) = parts;`, laid out; `None` for a single include, bound as `parts`.
    pub(crate) parts_let: Option<String>,
    /// The `Self { .. }` that ends `<Model>With::new`, laid out.
    pub(crate) with_literal: String,
    pub(crate) includes: Vec<IncludeView>,
}

/// One relation a load can include.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct IncludeView {
    /// The builder method and the field of `<Model>With` (`user`).
    pub(crate) name: String,
    /// Its type parameter (`U`).
    pub(crate) param: String,
    /// The doc lines of its field of `<Model>With`, each with its leading space.
    pub(crate) field_doc: Vec<String>,
    /// The doc lines of its builder method, each with its leading space.
    pub(crate) method_doc: Vec<String>,
    /// The builder method's signature, through its opening brace, laid out.
    pub(crate) signature: String,
    /// The statements that build the include, ending in `let <name> = ..;`, laid out.
    pub(crate) build: Vec<String>,
    /// The builder with this include set: the method's last expression, laid out.
    pub(crate) rebuild: String,
}

/// How an include reads, and what it yields.
enum Kind<'v> {
    BelongsTo(&'v RelatedView),
    ManyToMany(&'v MappingView),
    HasMany(&'v QueryView),
}

/// Includes per tuple in the runtime; a load of more nests tuples.
const MAX_TUPLE: usize = 8;

const IMPL_INDENT: usize = 4;
const BODY_INDENT: usize = 8;

/// The load of `model_name`, from the views of its getters.
pub(crate) fn load_view(
    model_name: &str,
    module: &str,
    related: &[RelatedView],
    mappings: &[MappingView],
    queries: &[QueryView],
) -> Option<LoadView> {
    let kinds = related
        .iter()
        .map(|getter| (getter.method.strip_prefix("get_"), Kind::BelongsTo(getter)))
        .chain(
            mappings
                .iter()
                .map(|getter| (getter.method.strip_prefix("get_"), Kind::ManyToMany(getter))),
        )
        .chain(
            queries
                .iter()
                .filter(|query| query.instance)
                .map(|query| (query.method.strip_prefix("query_"), Kind::HasMany(query))),
        );
    // The first relation of a name wins: the links a mapping getter reads are also an instance
    // query of the same name (`get_tags` and `query_tags`), and the targets are what a load
    // wants. The others name what the builder and `<Model>With` hold besides includes.
    let mut taken: BTreeSet<String> = [module, "capacity", "consistent", "root"]
        .map(str::to_owned)
        .into();
    let mut letters: BTreeSet<String> = BTreeSet::new();
    let mut chosen = Vec::new();
    for (name, kind) in kinds {
        let ident = name.and_then(naming::field_ident);
        let Some(name) = ident.filter(|name| taken.insert(name.clone())) else {
            continue;
        };
        let param = type_param(&name, &mut letters);
        chosen.push((name, param, kind));
    }
    if chosen.is_empty() {
        return None;
    }
    let params: Vec<&str> = chosen.iter().map(|(_, param, _)| param.as_str()).collect();
    let names: Vec<&str> = chosen.iter().map(|(name, _, _)| name.as_str()).collect();
    let defaults: Vec<String> = params
        .iter()
        .map(|param| format!("{param} = bao::NotLoaded"))
        .collect();
    let builder = format!("{model_name}Load");
    let includes = chosen
        .iter()
        .enumerate()
        .map(|(index, (name, param, kind))| {
            include_view(
                model_name, &builder, &names, &params, index, name, param, kind,
            )
        })
        .collect();
    let outputs: Vec<String> = params
        .iter()
        .map(|param| format!("{param}::Output"))
        .collect();
    let article = naming::article(model_name);
    let with_doc = format!(
        "{}{} [`{model_name}`] read by [`{model_name}::load`], with the relations it was asked \
         to include; the others are [`NotLoaded`](::bao_runtime::NotLoaded).",
        article[..1].to_uppercase(),
        &article[1..],
    );
    Some(LoadView {
        root: module.to_owned(),
        with_doc: layout::filled_doc_lines(&with_doc, 0),
        load_doc: layout::filled_doc_lines(
            &format!(
                "Reads {article} [`{model_name}`] and the relations its methods include: see \
                 [`{model_name}::load`]."
            ),
            0,
        ),
        with_header: layout::generic_type(
            0,
            "pub struct ",
            &format!("{model_name}With<{}>", defaults.join(", ")),
            " {",
        ),
        load_header: layout::generic_type(
            0,
            "pub struct ",
            &format!("{builder}<'a, {}>", defaults.join(", ")),
            " {",
        ),
        params: format!("'a, {}", params.join(", ")),
        with_params: params.join(", "),
        output_item: layout::generic_type(
            IMPL_INDENT,
            "type Output = ",
            &format!(
                "bao::Result<Option<{model_name}With<{}>>>",
                outputs.join(", ")
            ),
            ";",
        ),
        new_literal: Expr::structure(
            builder.as_str(),
            std::iter::once(("root".to_owned(), Expr::atom("bao::Load::new(db, key)")))
                .chain(
                    names
                        .iter()
                        .map(|name| ((*name).to_owned(), Expr::atom("bao::NotLoaded"))),
                )
                .collect(),
        )
        .layout(BODY_INDENT, BODY_INDENT, ""),
        include_let: format!(
            "let include = {}",
            tuple(names.iter().map(|name| format!("self.{name}"))).layout(
                BODY_INDENT,
                BODY_INDENT + "let include = ".len(),
                ";"
            )
        ),
        new_params: vec![
            format!("root: {model_name}"),
            format!(
                "parts: {}",
                tuple(params.iter().map(|param| (*param).to_owned())).flat()
            ),
            "capacity: bao::Capacity".to_owned(),
        ],
        parts_let: (names.len() > 1).then(|| {
            let pattern = tuple(names.iter().map(|name| (*name).to_owned()));
            // prettyplease breaks a pattern that does not fit up to its `=`.
            let laid_out = pattern.layout(BODY_INDENT, BODY_INDENT + "let ".len(), " =");
            format!("let {laid_out} parts;")
        }),
        with_literal: with_literal(module, &names),
        includes,
    })
}

/// `Self { <root>: root, <includes>, capacity }`, laid out.
fn with_literal(module: &str, names: &[&str]) -> String {
    let fields = std::iter::once((module.to_owned(), Expr::atom("root")))
        .chain(names.iter().map(|name| {
            let value = match names.len() {
                1 => "parts",
                _ => name,
            };
            ((*name).to_owned(), Expr::atom(value))
        }))
        .chain(std::iter::once((
            "capacity".to_owned(),
            Expr::atom("capacity"),
        )))
        .collect();
    Expr::structure("Self", fields).layout(BODY_INDENT, BODY_INDENT, "")
}

/// The includes as one value: itself alone, a tuple of up to [`MAX_TUPLE`], or tuples of
/// tuples.
fn tuple(items: impl Iterator<Item = String>) -> Expr {
    let mut items: Vec<Expr> = items.map(Expr::atom).collect();
    while items.len() > MAX_TUPLE {
        items = items
            .chunks(MAX_TUPLE)
            .map(|chunk| match chunk {
                [one] => one.clone(),
                many => Expr::call("", many.to_vec()),
            })
            .collect();
    }
    match items.len() {
        1 => items.remove(0),
        _ => Expr::call("", items),
    }
}

/// The type parameter of an include: its initial, numbered when another include has it.
fn type_param(name: &str, letters: &mut BTreeSet<String>) -> String {
    let bare = name.trim_start_matches("r#").trim_start_matches('_');
    let initial = bare.chars().next().unwrap_or('R').to_ascii_uppercase();
    let mut param = initial.to_string();
    let mut number = 2;
    while !letters.insert(param.clone()) {
        param = format!("{initial}{number}");
        number += 1;
    }
    param
}

#[allow(
    clippy::too_many_arguments,
    reason = "one include of a list, with the list"
)]
fn include_view(
    model_name: &str,
    builder: &str,
    names: &[&str],
    params: &[&str],
    index: usize,
    name: &str,
    param: &str,
    kind: &Kind<'_>,
) -> IncludeView {
    let (include_type, query_type, field_doc, method_doc, build) = match kind {
        Kind::BelongsTo(getter) => (
            format!("bao::BelongsTo<{model_name}, {}>", getter.target_type),
            None,
            format!(
                "The [`{}`] its `{}` points to, with [`{builder}::{name}`].",
                getter.target_type, getter.field
            ),
            format!(
                "Includes the [`{}`] its `{}` points to, read after the item (with the other \
                 items it points to, in one BatchGetItem).",
                getter.target_type, getter.field
            ),
            // A closure alone in a call is laid out apart from other arguments: bound first, it
            // is an ordinary statement.
            vec![
                Expr::atom(format!(
                    "let key_of = |item: &{model_name}| {}",
                    getter.key_of_item
                )),
                Expr::atom(format!("let {name} = bao::BelongsTo::new(key_of)")),
            ],
        ),
        Kind::ManyToMany(getter) => (
            format!("bao::ManyToMany<'a, {}>", getter.target_type),
            Some(format!(
                "bao::Query<'a, {}, {}>",
                getter.mapping_type, getter.sort_type
            )),
            format!(
                "A page of the [`{}`] items linked to it, with [`{builder}::{name}`].",
                getter.target_type
            ),
            format!(
                "Includes a page of the [`{}`] items linked to it through [`{}`] (index `{}`): \
                 the links are queried alongside the item, their targets read after it; `refine` \
                 shapes the query of links (`|q| q.limit(20)`).",
                getter.target_type, getter.mapping_type, getter.index
            ),
            vec![
                Expr::call(
                    "let links = self.root.related",
                    [Expr::atom(getter.index_literal.clone())],
                ),
                Expr::call(
                    format!("let {name} = bao::ManyToMany::new"),
                    [
                        Expr::atom("refine(links)"),
                        Expr::atom(format!("|link| {}", getter.target_of_link)),
                    ],
                ),
            ],
        ),
        Kind::HasMany(query) => (
            format!("bao::HasMany<'a, {}>", query.model_type),
            Some(format!(
                "bao::Query<'a, {}, {}>",
                query.model_type, query.sort_type
            )),
            format!(
                "A page of its [`{}`] items, with [`{builder}::{name}`].",
                query.model_type
            ),
            format!(
                "Includes a page of its [`{}`] items (index `{}`), queried alongside the item; \
                 `refine` shapes the page (`|q| q.descending().limit(20)`).",
                query.model_type, query.index
            ),
            vec![
                Expr::call(
                    "let page = self.root.related",
                    [Expr::atom(query.index_literal.clone())],
                ),
                Expr::atom(format!("let {name} = bao::HasMany::new(refine(page))")),
            ],
        ),
    };
    let mut output_params: Vec<String> = vec!["'a".to_owned()];
    output_params.extend(params.iter().enumerate().map(|(other, other_param)| {
        match other == index {
            true => include_type.clone(),
            false => (*other_param).to_owned(),
        }
    }));
    let output = format!("{builder}<{}>", output_params.join(", "));
    let rebuild = Expr::structure(
        builder,
        std::iter::once(("root".to_owned(), Expr::atom("self.root")))
            .chain(names.iter().map(|other| {
                let value = match *other == name {
                    true => name.to_owned(),
                    false => format!("self.{other}"),
                };
                ((*other).to_owned(), Expr::atom(value))
            }))
            .collect(),
    )
    .layout(BODY_INDENT, BODY_INDENT, "");
    IncludeView {
        name: name.to_owned(),
        param: param.to_owned(),
        field_doc: layout::filled_doc_lines(&field_doc, IMPL_INDENT),
        method_doc: layout::filled_doc_lines(&method_doc, IMPL_INDENT),
        signature: method_signature(name, query_type.as_deref(), &output),
        build: build
            .iter()
            .map(|statement| statement.layout(BODY_INDENT, BODY_INDENT, ";"))
            .collect(),
        rebuild,
    }
}

/// `pub fn <name>(self[, refine: impl bao::Refine<Q>]) -> <output> {`, laid out as prettyplease
/// lays out a signature: on one line when it fits; otherwise one parameter a line, then the
/// return type's generic arguments one a line if it still does not fit.
fn method_signature(name: &str, query_type: Option<&str>, output: &str) -> String {
    let query = query_type.map(|ty| format!("impl bao::Refine<{ty}>"));
    let params = match &query {
        Some(query) => format!("self, refine: {query}"),
        None => "self".to_owned(),
    };
    let flat = format!("pub fn {name}({params}) -> {output} {{");
    if IMPL_INDENT + flat.len() <= WIDTH {
        return flat;
    }
    let pad = " ".repeat(BODY_INDENT);
    let mut text = format!("pub fn {name}(\n{pad}self,\n");
    if let Some(query) = &query {
        // The comma of the last parameter does not count toward its width. (A line of 90
        // columns with it sends the module to the slow path, which lays it out the same.)
        let param = layout::generic_type(BODY_INDENT, "refine: ", query, "");
        text.push_str(&format!("{pad}{param},\n"));
    }
    let close = layout::generic_type(IMPL_INDENT, ") -> ", output, " {");
    text.push_str(&format!("    {close}"));
    text
}
