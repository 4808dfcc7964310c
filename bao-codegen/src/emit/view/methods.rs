//! The generated methods beyond CRUD: `find_by_*` finders, getters of related items, index
//! queries, mapping-table getters and `link` / `unlink`.

use super::BODY_INDENT;
use super::fields::{FieldView, NewSlot, is_copy, natural_type};
use super::keys::{key_field_names, key_path, key_type_name, model_path};
use crate::emit::layout::Expr;
use crate::ir::{self, FieldType, KeyPart, QueryReceiver, Schema, TableType};
use serde::Serialize;

/// A `find_by_<constraint>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FinderView {
    pub(crate) method: String,
    pub(crate) constraint: String,
    pub(crate) constraint_literal: String,
    /// The constrained field's attribute name.
    pub(crate) field: String,
    /// The type the finder takes.
    pub(crate) value_type: String,
}

/// A `get_<related>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct RelatedView {
    pub(crate) method: String,
    pub(crate) many_method: String,
    /// The RelatedField's attribute name.
    pub(crate) field: String,
    pub(crate) target_type: String,
    /// The read of the related item, without `.await`.
    pub(crate) find_call: String,
    /// The related key of `item`, as an `Option`.
    pub(crate) key_of_item: String,
}

/// A mapping-table `get_<name>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct MappingView {
    pub(crate) method: String,
    pub(crate) mapping_type: String,
    pub(crate) target_type: String,
    pub(crate) index: String,
    pub(crate) index_literal: String,
    pub(crate) sort_type: String,
    /// The target key of `link`, as an `Option`.
    pub(crate) target_of_link: String,
}

/// `link` / `unlink` on a mapping model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct LinkView {
    /// The two sides for docs: "`tagId` and `postId`".
    pub(crate) sides_doc: String,
    /// The parameters: the handle and the two sides.
    pub(crate) params: Vec<String>,
    /// The new link item (`NewTaggedPost::new(tag_id, post_id)`).
    pub(crate) new_item: String,
    /// The link's key and the end of its `let` statement (`TaggedPostKey { tag_id, post_id };`),
    /// laid out.
    pub(crate) key: String,
}

/// A `query_<name>` method.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct QueryView {
    pub(crate) method: String,
    /// Called on an item (the index partitions on a RelatedField to this model).
    pub(crate) instance: bool,
    /// The field the index partitions on and the type of the value the method takes, when it
    /// is a plain field of the model.
    pub(crate) by_value: Option<(String, String)>,
    /// The first line of its doc comment.
    pub(crate) summary: String,
    pub(crate) model_type: String,
    pub(crate) index: String,
    pub(crate) index_literal: String,
    pub(crate) sort_type: String,
}

/// The type that sort-key conditions of `index` on `index_model` take.
fn sort_type(schema: &Schema, index_model: &ir::Model, index: &ir::Index) -> Option<String> {
    Some(match &index.key.sort {
        KeyPart::ModelPrefix => "String".to_owned(),
        KeyPart::Field(name) => {
            let field = index_model.fields.iter().find(|f| f.name == *name)?;
            let keys = key_field_names(&index_model.primary_key);
            // Seen from the module of the model whose instance queries, perhaps another.
            match (keys.len() == 1 && keys[0] == name, &field.enumeration) {
                (true, _) => key_path(index_model),
                (false, Some(enumeration)) => {
                    format!("super::{}::{}", index_model.module, enumeration.type_name)
                }
                (false, None) => natural_type(schema, field),
            }
        }
    })
}

/// `receiver.field` as an `Option` of its value, cloned unless it is `Copy`.
fn optional_value(schema: &Schema, model: &ir::Model, receiver: &str, field: &str) -> String {
    let Some(field) = model.fields.iter().find(|f| f.name == field) else {
        return "None".to_owned();
    };
    let value = match is_copy(schema, field) {
        true => format!("{receiver}.{}", field.rust_name),
        false => format!("{receiver}.{}.clone()", field.rust_name),
    };
    let key_names = key_field_names(&model.primary_key);
    let optional = !field.required && !key_names.contains(&field.name.as_str());
    match optional {
        true => value,
        false => format!("Some({value})"),
    }
}

pub(super) fn finder_view(
    model: &ir::Model,
    fields: &[FieldView],
    finder: &ir::UniqueFinder,
) -> Option<FinderView> {
    let constraint = model
        .unique_constraints
        .iter()
        .find(|c| c.name == finder.constraint)?;
    let field = fields.iter().find(|f| f.name == constraint.field)?;
    Some(FinderView {
        method: finder.method.clone(),
        constraint: finder.constraint.clone(),
        constraint_literal: format!("{:?}", finder.constraint),
        field: field.name.clone(),
        value_type: field.value_type.clone(),
    })
}

pub(super) fn related_view(
    schema: &Schema,
    model: &ir::Model,
    fields: &[FieldView],
    getter: &ir::RelatedGetter,
) -> Option<RelatedView> {
    let field = fields.iter().find(|f| f.name == getter.field)?;
    let target = schema.model(&getter.target_model)?;
    let find_call = match field.optional {
        true => format!("bao::find_optional(db, self.{}.as_ref())", field.rust_name),
        false => format!("bao::find(db, &self.{})", field.rust_name),
    };
    Some(RelatedView {
        method: getter.method.clone(),
        many_method: getter.many_method.clone(),
        field: field.name.clone(),
        target_type: model_path(target),
        find_call,
        key_of_item: optional_value(schema, model, "item", &field.name),
    })
}

pub(super) fn mapping_view(schema: &Schema, getter: &ir::MappingGetter) -> Option<MappingView> {
    let mapping = schema.model(&getter.mapping_model)?;
    let index = mapping.indexes.iter().find(|i| i.name == getter.index)?;
    let target = schema.model(&getter.target_model)?;
    Some(MappingView {
        method: getter.method.clone(),
        mapping_type: model_path(mapping),
        target_type: model_path(target),
        index: index.name.clone(),
        index_literal: format!("{:?}", index.name),
        sort_type: sort_type(schema, mapping, index)?,
        target_of_link: optional_value(schema, mapping, "link", &getter.target_field),
    })
}

/// `link` / `unlink` for a mapping table whose primary key is exactly its two RelatedFields
/// and whose new items need nothing else.
pub(super) fn link_view(
    model: &ir::Model,
    fields: &[FieldView],
    new_fields: &[FieldView],
) -> Option<LinkView> {
    if model.table_type != TableType::Mapping {
        return None;
    }
    let keys = key_field_names(&model.primary_key);
    let sides: Vec<&FieldView> = fields
        .iter()
        .filter(|field| field.field_type == FieldType::RelatedField)
        .collect();
    let is_key_pair = sides.len() == 2
        && keys.len() == 2
        && sides.iter().all(|side| keys.contains(&side.name.as_str()));
    let only_sides_required = new_fields
        .iter()
        .filter(|field| field.new_slot == NewSlot::Required)
        .all(|field| sides.iter().any(|side| side.name == field.name));
    if !(is_key_pair && only_sides_required) {
        return None;
    }
    let names: Vec<&str> = sides.iter().map(|side| side.rust_name.as_str()).collect();
    let mut params = vec!["db: &bao::Db".to_owned()];
    params.extend(
        sides
            .iter()
            .map(|side| format!("{}: {}", side.rust_name, side.value_type)),
    );
    Some(LinkView {
        sides_doc: format!("`{}` and `{}`", sides[0].name, sides[1].name),
        params,
        new_item: format!("New{}::new({})", model.rust_name, names.join(", ")),
        key: Expr::structure(
            key_type_name(model),
            names
                .iter()
                .map(|name| (name.to_string(), Expr::atom(*name)))
                .collect(),
        )
        .layout(BODY_INDENT, BODY_INDENT + "let key = ".len(), ";"),
    })
}

pub(super) fn query_view(schema: &Schema, query: &ir::QueryMethod) -> Option<QueryView> {
    let index_model = schema.model(&query.index_model)?;
    let index = index_model.indexes.iter().find(|i| i.name == query.index)?;
    let by_value = match &query.receiver {
        QueryReceiver::Value(field) => {
            let field = index_model.fields.iter().find(|f| &f.name == field)?;
            // As the model's fields hold it: the key type for a single-field key.
            let value_type = match key_field_names(&index_model.primary_key)[..] == [&field.name] {
                true => key_type_name(index_model),
                false => natural_type(schema, field),
            };
            Some((field.name.clone(), value_type))
        }
        QueryReceiver::Static | QueryReceiver::Instance => None,
    };
    let model_type = model_path(index_model);
    // `query_by_primary_key` reads through the primaryKey alias, declared or implicit.
    let summary = match index.gsi {
        None if query.method == "query_by_primary_key" => {
            "Queries one partition of the primary key, in sort-key order.".to_owned()
        }
        _ => format!(
            "Queries [`{model_type}`] items through the index `{}`.",
            index.name
        ),
    };
    Some(QueryView {
        method: query.method.clone(),
        instance: query.receiver == QueryReceiver::Instance,
        by_value,
        summary,
        model_type,
        index: index.name.clone(),
        index_literal: format!("{:?}", index.name),
        sort_type: sort_type(schema, index_model, index)?,
    })
}
