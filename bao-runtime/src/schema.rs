//! Static descriptions of models, emitted by the generator as `const` data.
//!
//! Generated code describes each model once, as a [`ModelSchema`]; the runtime derives keys,
//! index attributes, unique-constraint items and update expressions from it.

/// The kind of a field, one per DynamoBao field type. It decides the stored attribute type and
/// the key encoding (DynamoBao's `toGsi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// `StringField`: `S`.
    String,
    /// `IntegerField`: `N`; keys are zero-padded to 20 characters.
    Integer,
    /// `FloatField`: `N`; keys use JavaScript's `toExponential(20)`.
    Float,
    /// `BooleanField`: `BOOL`; keys are `"1"` / `"0"`.
    Boolean,
    /// `DateTimeField`: `N`, epoch milliseconds.
    DateTime,
    /// `CreateDateField`: `N`, epoch milliseconds, set once on create.
    CreateDate,
    /// `ModifiedDateField`: `N`, epoch milliseconds, refreshed by every write.
    ModifiedDate,
    /// `UlidField`: `S`.
    Ulid,
    /// `RelatedField`: `S`, the primary id of the related item.
    Related,
    /// `CounterField`: `N`, changed atomically with `ADD`.
    Counter,
    /// `BinaryField`: `B`; cannot be part of a key.
    Binary,
    /// `VersionField`: `S`, a ULID replaced by every write.
    Version,
    /// `TtlField`: `N`, epoch seconds.
    Ttl,
    /// `StringSetField`: `SS`; an empty set is stored as an absent attribute.
    StringSet,
    /// `ObjectField`: `M`, the members of a shape of the schema's.
    Object,
    /// `ListField`: `L`; an empty list is stored as an absent attribute.
    List,
}

use crate::custom::CustomFieldSchema;
use aws_sdk_dynamodb::types::AttributeValue;

/// One field of a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSchema {
    /// The DynamoDB attribute name (the field name in `models.yaml`).
    pub name: &'static str,
    /// The field type.
    pub kind: FieldKind,
    /// Whether a value must be present on create.
    pub required: bool,
    /// Longest accepted string (`maxLength` of a StringField), in characters.
    pub max_length: Option<usize>,
    /// Most members of a string set (`maxMemberCount`).
    pub max_member_count: Option<usize>,
    /// Longest member of a string set (`maxStringLength`), in characters.
    pub max_string_length: Option<usize>,
    /// A syntax every value of a string field must have (an `EmailField`'s).
    pub format: Option<TextFormat>,
    /// The declared type, options and `rustType` check of a field of a custom type.
    pub custom: Option<&'static CustomFieldSchema>,
    /// The smallest number accepted (`min` of an IntegerField or a FloatField).
    pub min: Option<f64>,
    /// The largest number accepted (`max`).
    pub max: Option<f64>,
    /// A regular expression every value of a string field must match somewhere (`pattern`;
    /// anchor it with `^...$` to match the whole value).
    pub pattern: Option<&'static str>,
    /// A check of the application's (`validate: crate::checks::email`).
    pub validator: Option<Validator>,
    /// The shape of an ObjectField: the members of its map.
    pub shape: Option<&'static ShapeSchema>,
    /// The elements of a ListField, described as a field.
    pub items: Option<&'static FieldSchema>,
    /// The model a RelatedField with `referentialIntegrity` names: writes that set the field
    /// check that the item exists.
    pub references: Option<Reference>,
}

/// The related model of a RelatedField whose writes check that the item it names exists
/// (`referentialIntegrity: true`). A function, so that two models may reference each other
/// without their `const` schemas containing each other.
#[derive(Clone, Copy)]
pub struct Reference(fn() -> &'static ModelSchema);

impl Reference {
    /// The reference to the model whose schema `target` returns (generated code passes
    /// `bao::schema_of::<Model>`).
    pub const fn new(target: fn() -> &'static ModelSchema) -> Self {
        Reference(target)
    }

    /// The related model.
    pub fn target(&self) -> &'static ModelSchema {
        (self.0)()
    }
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reference({})", self.target().name)
    }
}

/// References are equal when they name the same model.
impl PartialEq for Reference {
    fn eq(&self, other: &Self) -> bool {
        self.target().name == other.target().name
    }
}

/// A shape of `models.yaml` (`shapes:`): the members of the map an ObjectField stores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShapeSchema {
    /// The shape's name in `models.yaml` (`Address`).
    pub name: &'static str,
    /// Its fields, in `models.yaml` order: each stored as a member of the map.
    pub fields: &'static [FieldSchema],
}

/// A check of the application's on a field's values (`validate:` in `models.yaml`): generated
/// code wraps the named function, `fn(&T) -> Result<(), String>` with `T` the field's Rust
/// type, in a function of its own that calls [`crate::__codegen::validate_with`].
#[derive(Clone, Copy)]
pub struct Validator(fn(&AttributeValue, &FieldSchema) -> Result<(), String>);

impl Validator {
    /// A validator running `check` on each value written.
    pub const fn new(check: fn(&AttributeValue, &FieldSchema) -> Result<(), String>) -> Self {
        Validator(check)
    }

    /// Runs the check on a value about to be written.
    pub(crate) fn run(&self, field: &FieldSchema, attr: &AttributeValue) -> Result<(), String> {
        (self.0)(attr, field)
    }
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Validator")
    }
}

/// Validators compare equal: a field's validator is the function its schema names.
impl PartialEq for Validator {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

/// A syntax checked on every write of a string field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TextFormat {
    /// An email address: `local@domain.tld`, no spaces, one `@`.
    Email,
}

impl FieldSchema {
    /// A field with no limits.
    pub const fn new(name: &'static str, kind: FieldKind, required: bool) -> Self {
        FieldSchema {
            name,
            kind,
            required,
            max_length: None,
            max_member_count: None,
            max_string_length: None,
            format: None,
            custom: None,
            min: None,
            max: None,
            pattern: None,
            validator: None,
            shape: None,
            items: None,
            references: None,
        }
    }
}

/// One half of a key: a field, or the model prefix itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPart {
    /// The literal `modelPrefix`.
    ModelPrefix,
    /// The attribute name of a field.
    Field(&'static str),
}

/// A partition key and a sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySchema {
    /// The partition key.
    pub partition: KeyPart,
    /// The sort key.
    pub sort: KeyPart,
}

impl KeySchema {
    /// The key of these two parts.
    pub const fn new(partition: KeyPart, sort: KeyPart) -> Self {
        Self { partition, sort }
    }
}

/// A named index of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSchema {
    /// The index name in `models.yaml` (`postsForUser`).
    pub name: &'static str,
    /// The GSI slot 1..=5 (`gsi2` is 2), or `None` for the `primaryKey` alias.
    pub gsi: Option<u8>,
    /// The key of the index.
    pub key: KeySchema,
}

/// A unique constraint of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniqueConstraintSchema {
    /// The constraint name in `models.yaml` (`uniqueEmail`).
    pub name: &'static str,
    /// The constraint slot 1..=3 (`uc1` is 1).
    pub id: u8,
    /// The attribute name of the constrained field.
    pub field: &'static str,
}

impl UniqueConstraintSchema {
    /// The constraint `name` in slot `id` on the attribute `field`.
    pub const fn new(name: &'static str, id: u8, field: &'static str) -> Self {
        Self { name, id, field }
    }
}

/// Everything the runtime needs to know about a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelSchema {
    /// The model name (`User`); stored as `relatedModel` on unique-constraint items.
    pub name: &'static str,
    /// The model prefix (`u`).
    pub prefix: &'static str,
    /// All fields, in `models.yaml` order.
    pub fields: &'static [FieldSchema],
    /// The primary key.
    pub primary_key: KeySchema,
    /// Named indexes, including the `primaryKey` alias.
    pub indexes: &'static [IndexSchema],
    /// Unique constraints.
    pub unique_constraints: &'static [UniqueConstraintSchema],
    /// Number of iteration buckets, or `None` when the model is not iterable.
    pub iteration_buckets: Option<u32>,
    /// How its `_searchText` is made, when the model is `searchable`.
    pub search: Option<&'static SearchSchema>,
    /// The DateTimeField that marks a soft-deleted item (`softDelete`): reads skip an item
    /// that holds a value in it unless asked not to.
    pub soft_delete: Option<&'static str>,
    /// What deleting an item does to the items of other models that name it in a RelatedField
    /// with `onDelete`.
    pub children: &'static [ChildRule],
}

/// What deleting an item does to the items whose RelatedField names it (`onDelete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDelete {
    /// The delete is refused while such items exist ([`Error::Restricted`](crate::Error)).
    Restrict,
    /// Their field is removed (an optional field).
    SetNull,
    /// They are deleted too.
    Cascade,
}

/// One `onDelete` rule, seen from the model whose items are named: the referencing model, its
/// RelatedField, the index that finds its items by that field, and the rule.
#[derive(Clone, Copy)]
pub struct ChildRule {
    /// The referencing model (a function: models may reference each other).
    pub model: fn() -> &'static ModelSchema,
    /// Its RelatedField.
    pub field: &'static str,
    /// Its index partitioned on that field.
    pub index: &'static str,
    /// What a delete does to its items.
    pub rule: OnDelete,
}

impl std::fmt::Debug for ChildRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChildRule")
            .field("model", &(self.model)().name)
            .field("field", &self.field)
            .field("index", &self.index)
            .field("rule", &self.rule)
            .finish()
    }
}

/// Rules are equal when they name the same model, field, index and rule.
impl PartialEq for ChildRule {
    fn eq(&self, other: &Self) -> bool {
        (self.model)().name == (other.model)().name
            && (self.field, self.index, self.rule) == (other.field, other.index, other.rule)
    }
}

/// How a searchable model's `_searchText` is made: `searchable` in `models.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchSchema {
    /// The source fields, in order (a name may appear twice).
    pub fields: &'static [&'static str],
    /// Keep case (`caseSensitive`); otherwise the text is lowercased.
    pub case_sensitive: bool,
    /// Drop stored words shorter than this, in code points (`minTermLength`, at least 1).
    pub min_term_length: u32,
    /// Keep only the first of repeated words (`dedupe`).
    pub dedupe: bool,
}

impl ModelSchema {
    /// The field with this attribute name.
    pub fn field(&self, name: &str) -> Option<&'static FieldSchema> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// The index with this name.
    pub fn index(&self, name: &str) -> Option<&'static IndexSchema> {
        self.indexes.iter().find(|index| index.name == name)
    }

    /// Whether `item` (stored attributes, or fields) is soft-deleted.
    pub fn is_soft_deleted(&self, item: &crate::codec::Item) -> bool {
        self.soft_delete.is_some_and(|field| {
            item.get(field)
                .is_some_and(|value| !matches!(value, AttributeValue::Null(_)))
        })
    }

    /// The field of the given kind, if the model has one (e.g. its VersionField).
    pub fn field_of_kind(&self, kind: FieldKind) -> Option<&'static FieldSchema> {
        self.fields.iter().find(|field| field.kind == kind)
    }
}
