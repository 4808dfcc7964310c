//! The access patterns of a model: each generated method (and each operation every model
//! shares), the DynamoDB calls it sends, the index it reads and what it costs in requests.
//!
//! This table is the one source of those figures: `bao describe` prints it, and the end-to-end
//! suite (`tests/tests/describe.rs`) runs each method on the in-process DynamoDB and asserts
//! that the calls it makes are the ones listed here.

use crate::ir::{self, FieldType, QueryReceiver, Schema, TableType};

/// How many requests an access sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requests {
    /// Exactly this many, in the case the description names.
    Exactly(u32),
    /// This many per page of results.
    PerPage(u32),
    /// One per 100 keys asked for (BatchGetItem's limit).
    PerHundredKeys,
    /// One Query per iteration bucket per page, then one BatchGetItem per page.
    PerBucket,
    /// Up to this many rounds of concurrent requests.
    Rounds(u32),
}

impl std::fmt::Display for Requests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Requests::Exactly(count) => write!(f, "{count}"),
            Requests::PerPage(count) => write!(f, "{count} per page"),
            Requests::PerHundredKeys => f.write_str("1 per 100 keys"),
            Requests::PerBucket => f.write_str("1 per bucket per page, +1"),
            Requests::Rounds(count) => write!(f, "≤ {count} rounds"),
        }
    }
}

/// Whether an access reads with strongly consistent reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consistency {
    /// Always.
    Strong,
    /// When asked (`find_with(ReadOptions { consistent: true, .. })`, `load(..).consistent()`).
    OnRequest,
    /// Never: global secondary indexes are eventually consistent.
    Eventual,
    /// A write.
    Write,
}

impl std::fmt::Display for Consistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Consistency::Strong => "strong",
            Consistency::OnRequest => "on request",
            Consistency::Eventual => "eventual",
            Consistency::Write => "write",
        })
    }
}

/// One access pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// How it is called (`User::find`, `post.query_comments`).
    pub call: String,
    /// The method name alone (`find`, `query_comments`).
    pub method: String,
    /// The DynamoDB operations it sends, in order (`GetItem`, `Query + BatchGetItem`).
    pub operations: String,
    /// The index it reads (`postsForUser (gsi2)`, `primary key`), if any.
    pub index: Option<String>,
    /// How many requests.
    pub requests: Requests,
    /// How many items it reads or writes.
    pub items: String,
    /// Its read consistency.
    pub consistency: Consistency,
    /// What the figures assume, when they vary (`without a unique change`).
    pub note: Option<&'static str>,
}

/// The access patterns of `model`, in the order the generated API lists them.
pub fn patterns(schema: &Schema, model: &ir::Model) -> Vec<Access> {
    let name = &model.rust_name;
    let uniques = model.unique_constraints.len();
    let checks = model
        .fields
        .iter()
        .filter(|field| field.referential_integrity)
        .count();
    let mut list = Vec::new();
    let mut push = |call: String,
                    method: &str,
                    operations: &str,
                    index: Option<String>,
                    requests: Requests,
                    items: String,
                    consistency: Consistency,
                    note: Option<&'static str>| {
        list.push(Access {
            call,
            method: method.to_owned(),
            operations: operations.to_owned(),
            index,
            requests,
            items,
            consistency,
            note,
        });
    };
    let transacted = uniques + checks > 0;
    push(
        format!("{name}::create"),
        "create",
        if transacted {
            "TransactWriteItems"
        } else {
            "PutItem"
        },
        None,
        Requests::Exactly(1),
        format!("{}", 1 + uniques + checks),
        Consistency::Write,
        (uniques > 0).then_some("each unique value claimed"),
    );
    push(
        format!("{name}::find"),
        "find",
        "GetItem",
        Some("primary key".to_owned()),
        Requests::Exactly(1),
        "1".to_owned(),
        Consistency::OnRequest,
        Some("inside a request scope: joined into one BatchGetItem, cached"),
    );
    push(
        format!("{name}::find_many"),
        "find_many",
        "BatchGetItem",
        Some("primary key".to_owned()),
        Requests::PerHundredKeys,
        "n".to_owned(),
        Consistency::Eventual,
        None,
    );
    push(
        format!("{name}::find_partial"),
        "find_partial",
        "GetItem",
        Some("primary key".to_owned()),
        Requests::Exactly(1),
        "1".to_owned(),
        Consistency::Eventual,
        None,
    );
    push(
        format!("{name}::update"),
        "update",
        "UpdateItem",
        None,
        Requests::Exactly(1),
        "1".to_owned(),
        Consistency::Write,
        match (uniques > 0, checks > 0) {
            (true, _) => Some("a unique field changed: GetItem + TransactWriteItems"),
            (false, true) => Some("a checked reference set: TransactWriteItems + GetItem"),
            (false, false) => None,
        },
    );
    push(
        format!("{}.save", model.module),
        "save",
        "UpdateItem",
        None,
        Requests::Exactly(1),
        "1".to_owned(),
        Consistency::Write,
        Some("none when nothing changed"),
    );
    let (delete_ops, delete_requests) = match (model.children.is_empty(), uniques > 0) {
        (true, false) => ("DeleteItem", Requests::Exactly(1)),
        (true, true) => ("GetItem + TransactWriteItems", Requests::Exactly(2)),
        (false, _) => (
            "GetItem + Query per rule + TransactWriteItems",
            Requests::Exactly(2 + model.children.len() as u32),
        ),
    };
    push(
        format!("{name}::delete"),
        "delete",
        delete_ops,
        None,
        delete_requests,
        format!("{}", 1 + uniques),
        Consistency::Write,
        (!model.children.is_empty()).then_some("plus the children its rules touch"),
    );
    push(
        format!("{}.delete_loaded", model.module),
        "delete_loaded",
        if uniques > 0 {
            "TransactWriteItems"
        } else {
            "DeleteItem"
        },
        None,
        Requests::Exactly(1),
        format!("{}", 1 + uniques),
        Consistency::Write,
        None,
    );
    for finder in &model.methods.finders {
        push(
            format!("{name}::{}", finder.method),
            &finder.method,
            "GetItem + GetItem",
            Some(format!("unique constraint {}", finder.constraint)),
            Requests::Exactly(2),
            "2".to_owned(),
            Consistency::Eventual,
            None,
        );
    }
    for query in &model.methods.queries {
        let receiver = match query.receiver {
            QueryReceiver::Instance => model.module.clone(),
            QueryReceiver::Static | QueryReceiver::Value(_) => name.clone(),
        };
        let separator = match query.receiver {
            QueryReceiver::Instance => ".",
            _ => "::",
        };
        let index = schema
            .model(&query.index_model)
            .and_then(|owner| owner.indexes.iter().find(|index| index.name == query.index));
        push(
            format!("{receiver}{separator}{}", query.method),
            &query.method,
            "Query",
            index.map(index_label),
            Requests::PerPage(1),
            "a page".to_owned(),
            // bao sends no consistent Query: a GSI cannot serve one.
            Consistency::Eventual,
            None,
        );
    }
    for getter in &model.methods.related {
        push(
            format!("{}.{}", model.module, getter.method),
            &getter.method,
            "GetItem",
            Some("primary key".to_owned()),
            Requests::Exactly(1),
            "1".to_owned(),
            Consistency::Eventual,
            None,
        );
        push(
            format!("{name}::{}", getter.many_method),
            &getter.many_method,
            "BatchGetItem",
            Some("primary key".to_owned()),
            Requests::PerHundredKeys,
            "distinct keys".to_owned(),
            Consistency::Eventual,
            None,
        );
    }
    for getter in &model.methods.mappings {
        let index = schema.model(&getter.mapping_model).and_then(|mapping| {
            mapping
                .indexes
                .iter()
                .find(|index| index.name == getter.index)
        });
        push(
            format!("{}.{}", model.module, getter.method),
            &getter.method,
            "Query + BatchGetItem",
            index.map(index_label),
            Requests::PerPage(2),
            "a page of links and targets".to_owned(),
            Consistency::Eventual,
            None,
        );
    }
    if model.table_type == TableType::Mapping && is_link_pair(model) {
        let checked = checks > 0;
        for method in ["link", "unlink"] {
            let operation = match (method, checked) {
                ("link", true) => "TransactWriteItems",
                ("link", false) => "PutItem",
                _ => "DeleteItem",
            };
            push(
                format!("{name}::{method}"),
                method,
                operation,
                None,
                Requests::Exactly(1),
                "1".to_owned(),
                Consistency::Write,
                None,
            );
        }
    }
    if has_relations(model) {
        push(
            format!("{name}::load"),
            "load",
            "GetItem ∥ Query…, then BatchGetItem",
            Some("primary key and relation indexes".to_owned()),
            Requests::Rounds(2),
            "the item and a page per relation".to_owned(),
            Consistency::OnRequest,
            Some("one round when it includes only queries"),
        );
    }
    if model.iteration_buckets.is_some() {
        push(
            format!("{name}::iterate_all"),
            "iterate_all",
            "Query per bucket + BatchGetItem",
            Some("iteration (iter_index)".to_owned()),
            Requests::PerBucket,
            "a page".to_owned(),
            Consistency::Eventual,
            None,
        );
        if model.searchable.is_some() {
            push(
                format!("{name}::search"),
                "search",
                "Query per bucket + BatchGetItem",
                Some("search (iter_search_index)".to_owned()),
                Requests::PerBucket,
                "a page".to_owned(),
                Consistency::Eventual,
                None,
            );
        }
    }
    if model.soft_delete.is_some() {
        for method in ["soft_delete", "restore"] {
            push(
                format!("{name}::{method}"),
                method,
                "UpdateItem",
                None,
                Requests::Exactly(1),
                "1".to_owned(),
                Consistency::Write,
                None,
            );
        }
    }
    list
}

/// `postsForUser (gsi2)`, or `primary key` for the primaryKey alias.
pub(crate) fn index_label(index: &ir::Index) -> String {
    match index.gsi {
        Some(gsi) => format!("{} (gsi{gsi})", index.name),
        None => format!("{} (primary key)", index.name),
    }
}

/// Whether `load` is generated: the model has a relation to include.
fn has_relations(model: &ir::Model) -> bool {
    !model.methods.related.is_empty()
        || !model.methods.mappings.is_empty()
        || model
            .methods
            .queries
            .iter()
            .any(|query| query.receiver == QueryReceiver::Instance)
}

/// A mapping model keyed by its two RelatedFields whose new items need nothing else: it has
/// `link` and `unlink` (the generator's rule).
fn is_link_pair(model: &ir::Model) -> bool {
    let related: Vec<&str> = model
        .fields
        .iter()
        .filter(|field| field.field_type == FieldType::RelatedField)
        .map(|field| field.name.as_str())
        .collect();
    let key = [&model.primary_key.partition, &model.primary_key.sort];
    let keyed_by_both = related.len() == 2
        && key.iter().all(
            |part| matches!(part, ir::KeyPart::Field(name) if related.contains(&name.as_str())),
        );
    // A required field that `New<Model>::new` would take besides the two sides.
    let needs_more = model.fields.iter().any(|field| {
        let filled = field.auto_assign
            || field.default.is_some()
            || matches!(
                field.field_type,
                FieldType::CreateDateField
                    | FieldType::ModifiedDateField
                    | FieldType::VersionField
                    | FieldType::StringSetField
                    | FieldType::ListField
                    | FieldType::CounterField
            );
        field.required && !filled && !related.contains(&field.name.as_str())
    });
    keyed_by_both && !needs_more
}
