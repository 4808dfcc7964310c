//! Projection: reading some fields of items (DynamoDB's ProjectionExpression).
//!
//! `Post::find_partial(db, &id, &[Post::TITLE.path()])` and
//! `post.query_comments(db).select(&[Comment::TEXT.path()])` read the key and the chosen fields
//! (members of maps too, `Order::SHIP_TO.city().path()`) into a [`Partial`], whose fields are
//! read with the same typed handles. A partial is not a model: it cannot be saved, and it never
//! comes from or goes into a request scope's cache, so it cannot stand in for a whole item.
//!
//! DynamoDB charges a read by the whole item's size, so a projection saves transfer and decoding,
//! not capacity.

use crate::capacity::Capacity;
use crate::codec::{FieldValue, Item};
use crate::expr::{Attr, ExprBuilder, Path, Step};
use crate::fetch::{self, Projection};
use crate::model::{Model, ModelKey, primary_id_of};
use crate::query::{Cursor, Page, Query};
use crate::schema::{FieldKind, KeyPart, ModelSchema};
use crate::{Db, Error, Result, scope};
use aws_sdk_dynamodb::types::AttributeValue;
use std::marker::PhantomData;

/// Some fields of an item of `M`: its key, and the fields a projection chose.
#[derive(Debug, Clone)]
pub struct Partial<M: Model> {
    key: M::Key,
    item: Item,
    selected: Vec<Path>,
    capacity: Capacity,
    model: PhantomData<fn() -> M>,
}

impl<M: Model> Partial<M> {
    /// Reads the key of `item`, which holds the key fields and the `selected` paths.
    pub(crate) fn new(item: Item, selected: &[Path], capacity: Capacity) -> Result<Self> {
        let id = AttributeValue::S(primary_id_of(M::SCHEMA, &item));
        let key = M::Key::from_attr(&id, FieldKind::Related).map_err(|message| Error::Decode {
            model: M::SCHEMA.name,
            id: primary_id_of(M::SCHEMA, &item),
            field: "primary key".to_owned(),
            message,
        })?;
        Ok(Partial {
            key,
            item,
            selected: selected.to_vec(),
            capacity,
            model: PhantomData,
        })
    }

    /// The item's key.
    pub fn key(&self) -> &M::Key {
        &self.key
    }

    /// The value at `attr`: `None` when the item has none there.
    ///
    /// # Errors
    /// [`Error::Validation`] when the projection did not select `attr` (nor a map that holds
    /// it), so that a field left out is not mistaken for an empty one; [`Error::Decode`] when
    /// the stored value is not a `T`.
    pub fn get<T: FieldValue>(&self, attr: &Attr<T>) -> Result<Option<T>> {
        let path = attr.path();
        let is_key = path.steps().is_empty() && is_key_field(M::SCHEMA, path.attribute());
        if !is_key && !self.selected.iter().any(|selected| covers(selected, path)) {
            return Err(Error::Validation {
                model: M::SCHEMA.name,
                field: field_name(M::SCHEMA, path),
                message: format!("`{path}` was not selected by the projection"),
            });
        }
        value_at(&self.item, path)
            .filter(|value| !matches!(value, AttributeValue::Null(true)))
            .map(|value| {
                T::from_attr(value, attr.kind()).map_err(|message| Error::Decode {
                    model: M::SCHEMA.name,
                    id: primary_id_of(M::SCHEMA, &self.item),
                    field: path.to_string(),
                    message,
                })
            })
            .transpose()
    }

    /// The attributes read, as stored.
    pub fn item(&self) -> &Item {
        &self.item
    }

    /// The capacity consumed to read this item (a page's capacity is on the page).
    pub fn capacity(&self) -> Capacity {
        self.capacity
    }
}

/// Whether `selected` reads `path`: the same path, or a map or list that holds it.
fn covers(selected: &Path, path: &Path) -> bool {
    selected.attribute() == path.attribute() && path.steps().starts_with(selected.steps())
}

fn is_key_field(schema: &ModelSchema, name: &str) -> bool {
    [schema.primary_key.partition, schema.primary_key.sort]
        .into_iter()
        .any(|part| matches!(part, KeyPart::Field(key) if key == name))
}

/// The schema's name of the field `path` starts at, for errors.
fn field_name(schema: &ModelSchema, path: &Path) -> &'static str {
    schema
        .field(path.attribute())
        .map_or("projection", |field| field.name)
}

/// The value at `path` in `item`.
fn value_at<'i>(item: &'i Item, path: &Path) -> Option<&'i AttributeValue> {
    let mut value = item.get(path.attribute())?;
    for step in path.steps() {
        value = match (step, value) {
            (Step::Member(name), AttributeValue::M(members)) => members.get(*name)?,
            (Step::Index(index), AttributeValue::L(elements)) => elements.get(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Refuses a projection of a path that is not a field of the model.
///
/// # Errors
/// [`Error::Validation`] naming the path.
pub(crate) fn check(schema: &ModelSchema, selected: &[Path]) -> Result<()> {
    match selected
        .iter()
        .find(|path| schema.field(path.attribute()).is_none())
    {
        Some(unknown) => Err(Error::Validation {
            model: schema.name,
            field: "projection",
            message: format!("`{unknown}` is not a field of {}", schema.name),
        }),
        None => Ok(()),
    }
}

/// The ProjectionExpression of `selected` for `schema`: the paths, the key fields (to rebuild
/// the key) and the soft-delete field (to skip deleted items).
pub(crate) fn expression(
    schema: &ModelSchema,
    selected: &[Path],
    expr: &mut ExprBuilder,
) -> String {
    let keys = [schema.primary_key.partition, schema.primary_key.sort]
        .into_iter()
        .filter_map(|part| match part {
            KeyPart::Field(name) => Some(name),
            KeyPart::ModelPrefix => None,
        });
    let always = keys.chain(schema.soft_delete).map(Path::attr);
    let paths: Vec<String> = always
        .chain(selected.iter().cloned())
        .map(|path| expr.path(&path))
        .collect();
    paths.join(", ")
}

/// Reads the chosen fields of the item with this key: one GetItem, never through a request
/// scope's cache.
pub async fn find_partial<M: Model>(
    db: &Db,
    key: &M::Key,
    fields: &[&Path],
) -> Result<Option<Partial<M>>> {
    let selected: Vec<Path> = fields.iter().map(|path| (*path).clone()).collect();
    check(M::SCHEMA, &selected)?;
    let mut expr = ExprBuilder::new();
    let projection = expression(M::SCHEMA, &selected, &mut expr);
    let (names, _) = expr.into_parts();
    let key = key.primary_key(db.tenant())?.into_item();
    let projection = Projection {
        model: M::SCHEMA.name,
        expression: projection,
        names,
    };
    let (item, capacity) = fetch::get_item_of(db, key, false, Some(projection)).await?;
    scope::record_read(capacity);
    item.filter(|item| !M::SCHEMA.is_soft_deleted(item))
        .map(|item| Partial::new(item, &selected, capacity))
        .transpose()
}

/// A query that reads the chosen fields of each item: [`Query::select`].
#[derive(Debug)]
#[must_use = "a query does nothing until `page` or `all` is awaited"]
pub struct Projected<'a, M, S> {
    query: Query<'a, M, S>,
    selected: Vec<Path>,
}

impl<'a, M: Model, S: crate::keys::KeyValue> Projected<'a, M, S> {
    pub(crate) fn new(query: Query<'a, M, S>, fields: &[&Path]) -> Self {
        Projected {
            query,
            selected: fields.iter().map(|path| (*path).clone()).collect(),
        }
    }

    /// The first page (or the page after the query's cursor).
    pub async fn page(self) -> Result<Page<Partial<M>>> {
        let (items, cursor, capacity) = self.query.page_of(Some(&self.selected)).await?;
        let mut partials = Vec::with_capacity(items.len());
        let mut undecodable = Vec::new();
        for item in items {
            match Partial::new(item, &self.selected, Capacity::ZERO) {
                Ok(partial) => partials.push(partial),
                Err(error) => undecodable.push(error),
            }
        }
        Ok(Page {
            items: partials,
            cursor,
            capacity,
            undecodable,
        })
    }

    /// Every item of every page.
    pub async fn all(self) -> Result<Vec<Partial<M>>> {
        let Projected { query, selected } = self;
        let mut items = Vec::new();
        let mut next = Some(query);
        while let Some(query) = next.take() {
            let following = query.clone_query();
            let page = Projected {
                query,
                selected: selected.clone(),
            }
            .page()
            .await?;
            let cursor: Option<Cursor> = page.cursor.clone();
            items.extend(page.into_items()?);
            next = cursor.map(|cursor| following.after(cursor));
        }
        Ok(items)
    }
}
