//! A set of field changes for one item: what a generated `<Model>Update` builder collects.

use crate::codec::FieldValue;
use crate::schema::FieldSchema;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::BTreeSet;

/// One change to one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// `SET field = value`.
    Set(AttributeValue),
    /// `REMOVE field`.
    Remove,
    /// `ADD field value`: a number added to a counter, or members added to a string set.
    Add(AttributeValue),
    /// `DELETE field value`: members removed from a string set.
    Delete(AttributeValue),
}

/// Changes to the fields of one item, in the order they were made; a later change of a field
/// replaces an earlier one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    entries: Vec<(&'static FieldSchema, Change)>,
}

impl Changes {
    /// No changes.
    pub fn new() -> Changes {
        Changes::default()
    }

    /// Sets a field; a value that stores as nothing (`None`, an empty set) removes it.
    pub fn set<T: FieldValue>(&mut self, field: &'static FieldSchema, value: &T) {
        let change = match value.to_attr(field.kind) {
            Some(attr) => Change::Set(attr),
            None => Change::Remove,
        };
        self.push(field, change);
    }

    /// Removes a field.
    pub fn remove(&mut self, field: &'static FieldSchema) {
        self.push(field, Change::Remove);
    }

    /// Adds `delta` (an `i64` or an `f64`) to a number atomically (DynamoDB `ADD`); an absent
    /// attribute counts as 0.
    pub fn add(&mut self, field: &'static FieldSchema, delta: impl FieldValue) {
        if let Some(attr) = delta.to_attr(field.kind) {
            self.push(field, Change::Add(attr));
        }
    }

    /// Adds members to a string set atomically.
    pub fn add_members<S: Into<String>>(
        &mut self,
        field: &'static FieldSchema,
        members: impl IntoIterator<Item = S>,
    ) {
        let members: BTreeSet<String> = members.into_iter().map(Into::into).collect();
        if !members.is_empty() {
            self.push(field, Change::Add(string_set(members)));
        }
    }

    /// Removes members from a string set atomically.
    pub fn remove_members<S: Into<String>>(
        &mut self,
        field: &'static FieldSchema,
        members: impl IntoIterator<Item = S>,
    ) {
        let members: BTreeSet<String> = members.into_iter().map(Into::into).collect();
        if !members.is_empty() {
            self.push(field, Change::Delete(string_set(members)));
        }
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The changes, one per field.
    pub fn iter(&self) -> impl Iterator<Item = (&'static FieldSchema, &Change)> {
        self.entries.iter().map(|(field, change)| (*field, change))
    }

    /// The change of one field, if any.
    pub fn get(&self, name: &str) -> Option<&Change> {
        self.entries
            .iter()
            .find(|(field, _)| field.name == name)
            .map(|(_, change)| change)
    }

    pub(crate) fn push(&mut self, field: &'static FieldSchema, change: Change) {
        match self.entries.iter_mut().find(|(f, _)| f.name == field.name) {
            Some(entry) => entry.1 = change,
            None => self.entries.push((field, change)),
        }
    }
}

fn string_set(members: BTreeSet<String>) -> AttributeValue {
    AttributeValue::Ss(members.into_iter().collect())
}
