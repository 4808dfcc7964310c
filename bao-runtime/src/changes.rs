//! A set of field changes for one item: what a generated `<Model>Update` builder collects.

use crate::codec::{FieldValue, Item};
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
    /// Members of a map set or removed, without replacing the map (`SET field.member = value`).
    Patch(Patch),
    /// The elements of an `L` appended to a list, which an absent attribute counts as empty.
    Append(AttributeValue),
}

/// Changes to the fields of one item, in the order they were made; a later change of a field
/// replaces an earlier one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Changes {
    entries: Vec<(&'static FieldSchema, Change)>,
    /// Set RelatedFields with `referentialIntegrity` without checking what they name.
    skip_reference_checks: bool,
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

    /// Changes members of a map (an ObjectField) without replacing it. A patch after a
    /// value set by the same changes is applied to that value.
    pub fn patch(&mut self, field: &'static FieldSchema, patch: impl Into<Patch>) {
        let patch = patch.into();
        if patch.is_empty() {
            return;
        }
        let change = match self.get(field.name) {
            Some(Change::Patch(earlier)) => {
                let mut merged = earlier.clone();
                merged.extend(patch);
                Change::Patch(merged)
            }
            Some(Change::Set(AttributeValue::M(members))) => {
                let mut members = members.clone();
                patch.apply(&mut members);
                Change::Set(AttributeValue::M(members))
            }
            _ => Change::Patch(patch),
        };
        self.push(field, change);
    }

    /// Appends `elements` to a list (a ListField) atomically, without reading it.
    pub fn append<T: FieldValue>(
        &mut self,
        field: &'static FieldSchema,
        elements: impl IntoIterator<Item = T>,
    ) {
        let elements: Vec<T> = elements.into_iter().collect();
        let Some(AttributeValue::L(mut added)) = elements.to_attr(field.kind) else {
            return;
        };
        let change = match self.get(field.name) {
            Some(Change::Set(AttributeValue::L(earlier))) => {
                let mut list = earlier.clone();
                list.append(&mut added);
                Change::Set(AttributeValue::L(list))
            }
            Some(Change::Append(AttributeValue::L(earlier))) => {
                let mut list = earlier.clone();
                list.append(&mut added);
                Change::Append(AttributeValue::L(list))
            }
            _ => Change::Append(AttributeValue::L(added)),
        };
        self.push(field, change);
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes RelatedFields with `referentialIntegrity` without checking that the items they
    /// name exist (one UpdateItem instead of a transaction): when the caller knows they do.
    pub fn skip_reference_checks(&mut self) {
        self.skip_reference_checks = true;
    }

    /// Whether a write of these changes checks what its RelatedFields with
    /// `referentialIntegrity` name.
    pub fn checks_references(&self) -> bool {
        !self.skip_reference_checks
    }

    /// The value each field is set to, for the checks of what they name.
    pub(crate) fn set_value(&self, name: &str) -> Option<&AttributeValue> {
        match self.get(name) {
            Some(Change::Set(value)) => Some(value),
            _ => None,
        }
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

/// Changes to the members of one map, at any depth, that leave its other members as they are:
/// what a generated `<Shape>Patch` collects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    /// Each change with the fields from the map's member down to the changed one.
    entries: Vec<(Vec<&'static FieldSchema>, Change)>,
}

impl Patch {
    /// No changes.
    pub fn new() -> Patch {
        Patch::default()
    }

    /// Sets a member; a value that stores as nothing (`None`, an empty list) removes it.
    pub fn set<T: FieldValue>(&mut self, field: &'static FieldSchema, value: &T) {
        let change = match value.to_attr(field.kind) {
            Some(attr) => Change::Set(attr),
            None => Change::Remove,
        };
        self.push(vec![field], change);
    }

    /// Removes a member.
    pub fn remove(&mut self, field: &'static FieldSchema) {
        self.push(vec![field], Change::Remove);
    }

    /// Changes members of the map held by the member `field`.
    pub fn nest(&mut self, field: &'static FieldSchema, patch: impl Into<Patch>) {
        for (path, change) in patch.into().entries {
            let mut nested = Vec::with_capacity(path.len() + 1);
            nested.push(field);
            nested.extend(path);
            self.push(nested, change);
        }
    }

    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Each change, with the fields from the map's member down to the changed one.
    pub fn entries(&self) -> impl Iterator<Item = (&[&'static FieldSchema], &Change)> {
        self.entries
            .iter()
            .map(|(path, change)| (path.as_slice(), change))
    }

    fn extend(&mut self, later: Patch) {
        for (path, change) in later.entries {
            self.push(path, change);
        }
    }

    /// A later change replaces every earlier one at, inside or around its member: DynamoDB
    /// refuses overlapping paths in one update.
    fn push(&mut self, path: Vec<&'static FieldSchema>, change: Change) {
        self.entries.retain(|(existing, _)| {
            let shorter = existing.len().min(path.len());
            !existing[..shorter]
                .iter()
                .zip(&path[..shorter])
                .all(|(a, b)| a.name == b.name)
        });
        self.entries.push((path, change));
    }

    /// Applies the changes to a map's members, as DynamoDB will.
    pub(crate) fn apply(&self, members: &mut Item) {
        for (path, change) in &self.entries {
            let Some((last, parents)) = path.split_last() else {
                continue;
            };
            // A path through a missing map fails in DynamoDB; the change is not applied here.
            let map = parents.iter().try_fold(&mut *members, |map, parent| {
                match map.get_mut(parent.name) {
                    Some(AttributeValue::M(inner)) => Some(inner),
                    _ => None,
                }
            });
            let Some(map) = map else {
                continue;
            };
            match change {
                Change::Set(value) => {
                    map.insert(last.name.to_owned(), value.clone());
                }
                Change::Remove => {
                    map.remove(last.name);
                }
                _ => {}
            }
        }
    }
}

fn string_set(members: BTreeSet<String>) -> AttributeValue {
    AttributeValue::Ss(members.into_iter().collect())
}
