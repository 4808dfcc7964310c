//! A stored item's attributes placed by their field's position in the schema.

use super::{FieldSource, FieldValue, Item, unless_null};
use crate::schema::FieldSchema;
use aws_sdk_dynamodb::types::AttributeValue;
use std::cell::Cell;

/// Fields placed by position; those after them are looked up in the item by name. Models rarely
/// have more, and a fixed array costs no allocation.
const PLACED: usize = 32;

/// An item's fields in schema order, found in one pass over the item. Decoding or validating
/// an item visits every field; looking each up by name would hash every name once more (the
/// SDK's item maps hash with SipHash), where here it is an index. Generated `from_fields` reads
/// the fields in schema order, so each read finds its field at the position after the last.
pub(crate) struct PlacedFields<'a> {
    fields: &'static [FieldSchema],
    values: [Option<&'a AttributeValue>; PLACED],
    item: &'a Item,
    /// Attributes that are neither bao's own nor a placed field.
    unknown: usize,
    /// Where the next read is expected.
    next: Cell<usize>,
}

impl<'a> PlacedFields<'a> {
    /// Places the attributes of `item` that are fields in `fields`.
    pub(crate) fn new(fields: &'static [FieldSchema], item: &'a Item) -> Self {
        let placed = &fields[..fields.len().min(PLACED)];
        let mut values = [None; PLACED];
        let mut unknown = 0;
        for (name, attr) in item {
            // bao's own attributes start with `_`, which no field name may.
            if name.starts_with('_') {
                continue;
            }
            match placed.iter().position(|field| field.name == name) {
                Some(at) => values[at] = Some(attr),
                None => unknown += 1,
            }
        }
        PlacedFields {
            fields,
            values,
            item,
            unknown,
            next: Cell::new(0),
        }
    }

    /// How many attributes of the item are neither bao's own (named with a leading `_`) nor
    /// placed fields: attributes of fields the schema no longer has, fields past the placed
    /// ones, or another writer's.
    pub(crate) fn unknown(&self) -> usize {
        self.unknown
    }

    /// The attribute of the field at position `at` of the schema, `NULL` included.
    #[inline]
    pub(crate) fn attribute(&self, at: usize) -> Option<&'a AttributeValue> {
        match at < PLACED {
            true => self.values[at],
            false => self.item.get(self.fields[at].name),
        }
    }

    /// The position of `field`: the expected one when it is there, else found by name.
    #[inline]
    fn position(&self, field: &FieldSchema) -> Option<usize> {
        let expected = self.next.get();
        let at = match self.fields.get(expected) {
            // Generated code passes the schema's own entries, so the address usually decides.
            Some(candidate) if std::ptr::eq(candidate, field) || candidate.name == field.name => {
                expected
            }
            _ => self
                .fields
                .iter()
                .position(|candidate| candidate.name == field.name)?,
        };
        self.next.set(at + 1);
        Some(at)
    }

    /// The attribute of `field`, `NULL` included; a field of no schema here is looked up in
    /// the item by name.
    #[inline]
    pub(crate) fn get(&self, field: &FieldSchema) -> Option<&'a AttributeValue> {
        match self.position(field) {
            Some(at) => self.attribute(at),
            None => self.item.get(field.name),
        }
    }
}

impl FieldSource for PlacedFields<'_> {
    /// As [`Item`] reads: a `NULL` is absent.
    #[inline]
    fn read<T: FieldValue>(&self, field: &FieldSchema) -> Option<Result<T, String>> {
        unless_null(self.get(field)).map(|attr| T::from_attr(attr, field.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::tests::{field, n, s};
    use crate::schema::FieldKind;

    fn schema_of(fields: Vec<FieldSchema>) -> &'static [FieldSchema] {
        Box::leak(fields.into_boxed_slice())
    }

    #[test]
    fn fields_read_in_any_order_and_null_reads_as_absent() {
        let fields = schema_of(vec![
            field("name", FieldKind::String),
            field("views", FieldKind::Integer),
            field("title", FieldKind::String),
        ]);
        let item = Item::from([
            ("_pk".to_owned(), s("p#1")),
            ("views".to_owned(), n("3")),
            ("name".to_owned(), s("ada")),
            ("title".to_owned(), AttributeValue::Null(true)),
            ("legacy".to_owned(), s("kept by another writer")),
        ]);
        let placed = PlacedFields::new(fields, &item);
        assert_eq!(placed.unknown(), 1, "`legacy`; `_pk` is bao's own");
        // Out of schema order, then in it again.
        assert_eq!(placed.read::<i64>(&fields[1]), Some(Ok(3)));
        assert_eq!(
            placed.read::<String>(&fields[0]),
            Some(Ok("ada".to_owned()))
        );
        assert_eq!(placed.read::<i64>(&fields[1]), Some(Ok(3)));
        assert_eq!(placed.read::<String>(&fields[2]), None, "NULL is absent");
        assert_eq!(placed.attribute(2), Some(&AttributeValue::Null(true)));
        // A field of no schema here is read from the item by name.
        let legacy = field("legacy", FieldKind::String);
        let read = placed.read::<String>(&legacy);
        assert_eq!(read, Some(Ok("kept by another writer".to_owned())));
    }

    #[test]
    fn fields_past_the_placed_ones_are_read_by_name() {
        let fields = schema_of(
            (0..PLACED + 8)
                .map(|at| {
                    field(
                        Box::leak(format!("f{at}").into_boxed_str()),
                        FieldKind::String,
                    )
                })
                .collect(),
        );
        let item = Item::from([
            ("f0".to_owned(), s("first")),
            (format!("f{PLACED}"), s("past")),
        ]);
        let placed = PlacedFields::new(fields, &item);
        assert_eq!(
            placed.unknown(),
            1,
            "not placed, so not known to be a field"
        );
        assert_eq!(
            placed.read::<String>(&fields[0]),
            Some(Ok("first".to_owned()))
        );
        let past = &fields[PLACED];
        assert_eq!(placed.read::<String>(past), Some(Ok("past".to_owned())));
        assert_eq!(placed.attribute(PLACED), Some(&s("past")));
        assert_eq!(placed.read::<String>(&fields[PLACED + 1]), None);
    }
}
