//! Handles to nested values: list elements, and the members of shapes.

use super::{Attr, Condition, Path, Size};
use crate::codec::FieldValue;
use crate::schema::FieldSchema;
use std::fmt;
use std::marker::PhantomData;

/// A handle to a value inside an item, made from its path and the field that describes it:
/// what a list's [`at`](ListAttr::at) and a generated shape handle's accessors return.
pub trait AttrAt {
    /// The handle to the value at `path`, described by `field`.
    fn at(path: Path, field: &'static FieldSchema) -> Self;
}

impl<T> AttrAt for Attr<T> {
    fn at(path: Path, field: &'static FieldSchema) -> Self {
        Attr::at(path, field.kind)
    }
}

/// A handle to a list (a ListField, or a list inside a shape) for conditions and filters.
/// `E` is the handle of its elements: `Attr<i64>` for a list of integers, the generated
/// `AddressAttr` for a list of `Address` shapes.
pub struct ListAttr<E> {
    path: Path,
    items: &'static FieldSchema,
    element: PhantomData<fn() -> E>,
}

impl<E> Clone for ListAttr<E> {
    fn clone(&self) -> Self {
        ListAttr {
            path: self.path.clone(),
            items: self.items,
            element: PhantomData,
        }
    }
}

impl<E> fmt::Debug for ListAttr<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListAttr")
            .field("path", &self.path)
            .finish()
    }
}

impl<E> ListAttr<E> {
    /// The handle to the list attribute of `field`.
    ///
    /// # Panics
    /// When `field` does not describe its items (at compile time in a `const`); generated
    /// schemas always do.
    pub const fn of(field: &'static FieldSchema) -> Self {
        ListAttr {
            path: Path::attr(field.name),
            items: items_of(field),
            element: PhantomData,
        }
    }

    /// `attribute_exists(list)`: the list has at least one element (an empty list is stored
    /// as no attribute).
    #[must_use]
    pub fn exists(&self) -> Condition {
        Condition::Exists {
            attr: self.path.clone(),
        }
    }

    /// `attribute_not_exists(list)`: the list is empty.
    #[must_use]
    pub fn not_exists(&self) -> Condition {
        Condition::NotExists {
            attr: self.path.clone(),
        }
    }

    /// `size(list)`: the number of elements.
    #[must_use]
    pub fn size(&self) -> Size {
        Size::of(self.path.clone())
    }
}

impl<E: AttrAt> ListAttr<E> {
    /// The element at `index` (`list[index]`).
    #[must_use]
    pub fn at(&self, index: usize) -> E {
        E::at(self.path.index(index), self.items)
    }
}

impl<T: FieldValue> ListAttr<Attr<T>> {
    /// `contains(list, value)`: some element is `value`.
    #[must_use]
    pub fn contains(&self, value: impl Into<T>) -> Condition {
        match value.into().to_attr(self.items.kind) {
            Some(operand) => Condition::Contains {
                attr: self.path.clone(),
                operand,
            },
            None => Condition::any([]),
        }
    }
}

impl<E> AttrAt for ListAttr<E> {
    fn at(path: Path, field: &'static FieldSchema) -> Self {
        ListAttr {
            path,
            items: items_of(field),
            element: PhantomData,
        }
    }
}

const fn items_of(field: &'static FieldSchema) -> &'static FieldSchema {
    match field.items {
        Some(items) => items,
        None => panic!("a ListField's schema describes its items"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::ExprBuilder;
    use crate::schema::FieldKind;

    const SCORE: FieldSchema = FieldSchema::new("items", FieldKind::Integer, true);
    const SCORES_FIELD: FieldSchema = FieldSchema {
        items: Some(&SCORE),
        ..FieldSchema::new("scores", FieldKind::List, false)
    };
    const MATRIX_FIELD: FieldSchema = FieldSchema {
        items: Some(&SCORES_FIELD),
        ..FieldSchema::new("matrix", FieldKind::List, false)
    };
    const SCORES: ListAttr<Attr<i64>> = ListAttr::of(&SCORES_FIELD);
    const MATRIX: ListAttr<ListAttr<Attr<i64>>> = ListAttr::of(&MATRIX_FIELD);

    fn rendered(condition: &Condition) -> String {
        condition.render(&mut ExprBuilder::new())
    }

    #[test]
    fn elements_contains_and_size() {
        assert_eq!(rendered(&SCORES.at(2).gt(5)), "#n1[2] > :v1");
        assert_eq!(rendered(&SCORES.contains(7)), "contains(#n1, :v1)");
        assert_eq!(rendered(&SCORES.size().gte(3)), "size(#n1) >= :v1");
        assert_eq!(rendered(&MATRIX.at(1).at(0).eq(3)), "#n1[1][0] = :v1");
        assert_eq!(rendered(&SCORES.not_exists()), "attribute_not_exists(#n1)");
    }
}
