//! Stage 3: the resolved schema that templates render.
//!
//! A value of these types is valid by construction: `validate` builds it only from a schema
//! without errors, so emitters never look anything up fallibly. Templates do not see it: they
//! get the typed view that `emit` builds from it.

use serde::Serialize;

/// All models of a schema, sorted by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// Models sorted by `name`.
    pub models: Vec<Model>,
    /// Shapes (`shapes:`) sorted by `name`: the object types of ObjectFields and ListFields.
    pub shapes: Vec<Shape>,
}

/// A shape of `shapes:`: a named object type, stored as a map (`M`) by an ObjectField.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The name in `models.yaml` (`Address`), also its Rust type name.
    pub name: String,
    /// The Rust module name (`address`).
    pub module: String,
    /// Doc text from the YAML comment above the shape, if any.
    pub doc: Option<String>,
    /// Fields in YAML order: the members of its map.
    pub fields: Vec<Field>,
    /// The bao extensions its fields use (besides being a shape), in schema order.
    pub extensions: Vec<ExtensionUse>,
    /// Where the shape is defined.
    pub source: SourceRef,
}

impl Schema {
    /// The model with this name.
    pub fn model(&self, name: &str) -> Option<&Model> {
        // Models are sorted by name: a schema of 1000 models looks its related models up
        // thousands of times.
        self.models
            .binary_search_by(|model| model.name.as_str().cmp(name))
            .ok()
            .map(|index| &self.models[index])
    }

    /// The shape with this name.
    pub fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.iter().find(|shape| shape.name == name)
    }
}

/// Whether a model is an ordinary one or a many-to-many mapping table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableType {
    /// `tableType: standard` (the default).
    Standard,
    /// `tableType: mapping`.
    Mapping,
}

/// One model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The name in `models.yaml` (`User`), as the table stores it (`relatedModel`).
    pub name: String,
    /// The Rust type name: the model's `rustName`, else its name.
    pub rust_name: String,
    /// The Rust module name (`user`, `tagged_post`).
    pub module: String,
    /// `modelPrefix`.
    pub prefix: String,
    /// Doc text from the YAML comment above the model, if any.
    pub doc: Option<String>,
    /// Fields in YAML order.
    pub fields: Vec<Field>,
    /// The primary key.
    pub primary_key: Key,
    /// Named indexes in YAML order, including the `primaryKey` alias.
    pub indexes: Vec<Index>,
    /// Unique constraints in YAML order.
    pub unique_constraints: Vec<UniqueConstraint>,
    /// Iteration buckets, `None` when not iterable. DynamoBao's default when `iterable: true`
    /// and no `iterationBuckets` is given is 10.
    pub iteration_buckets: Option<u32>,
    /// Standard or mapping.
    pub table_type: TableType,
    /// `searchable`, when configured.
    pub searchable: Option<Searchable>,
    /// `softDelete`: the DateTimeField that marks a soft-deleted item.
    pub soft_delete: Option<String>,
    /// The delete rules of other models' RelatedFields that name this model.
    pub children: Vec<ChildRule>,
    /// Methods generated on this model's type, with their Rust names.
    pub methods: Methods,
    /// The bao extensions its fields use, in schema order.
    pub extensions: Vec<ExtensionUse>,
    /// Where the model is defined.
    pub source: SourceRef,
}

/// A location in a schema file, for generated docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// The file name as given (e.g. `models.yaml`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// The DynamoBao field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FieldType {
    /// `StringField`
    StringField,
    /// `IntegerField`
    IntegerField,
    /// `FloatField`
    FloatField,
    /// `BooleanField`
    BooleanField,
    /// `DateTimeField`
    DateTimeField,
    /// `CreateDateField`
    CreateDateField,
    /// `ModifiedDateField`
    ModifiedDateField,
    /// `UlidField`
    UlidField,
    /// `RelatedField`
    RelatedField,
    /// `CounterField`
    CounterField,
    /// `BinaryField`
    BinaryField,
    /// `VersionField`
    VersionField,
    /// `TtlField`
    TtlField,
    /// `StringSetField`
    StringSetField,
    /// `EmailField`: a StringField whose values are checked as email addresses. Built in, so
    /// DynamoBao's README examples (where it is a custom field) work as written.
    EmailField,
    /// `ObjectField`: a value of a shape, stored as a map (`M`). A bao extension.
    ObjectField,
    /// `ListField`: a list of values of one field type or shape (`L`). A bao extension.
    ListField,
}

/// A `defaultValue`, typed by its field.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// For StringField.
    String(String),
    /// For IntegerField and CounterField.
    Integer(i64),
    /// For FloatField.
    Float(f64),
    /// For BooleanField.
    Boolean(bool),
    /// For DateTimeField: epoch milliseconds.
    DateTime(i64),
}

/// One field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The attribute name, exactly as in YAML (`userId`).
    pub name: String,
    /// The Rust identifier: snake_case, keyword-safe (`user_id`, `r#type`).
    pub rust_name: String,
    /// The field type.
    pub field_type: FieldType,
    /// `required: true`, or implied (key fields, CreateDate, ModifiedDate, Version, Ulid).
    pub required: bool,
    /// `autoAssign: true` (UlidField).
    pub auto_assign: bool,
    /// `defaultValue`.
    pub default: Option<DefaultValue>,
    /// `maxLength` (StringField).
    pub max_length: Option<u64>,
    /// `precision` (FloatField): decimal places kept on write.
    pub precision: Option<u32>,
    /// `maxStringLength` (StringSetField).
    pub max_string_length: Option<u64>,
    /// `maxMemberCount` (StringSetField).
    pub max_member_count: Option<u64>,
    /// The target model of a RelatedField.
    pub related_model: Option<String>,
    /// `referentialIntegrity` (RelatedField): writes check that the item it names exists.
    pub referential_integrity: bool,
    /// `onDelete` (RelatedField): what deleting the named item does to this one.
    pub on_delete: Option<OnDelete>,
    /// The declared type (`fieldTypes`) or `rustType` of the field, if it has one;
    /// `field_type` is then its base, which decides storage, keys and queries.
    pub custom: Option<CustomType>,
    /// The enum of a StringField with `values`; `custom` then names its type.
    pub enumeration: Option<Enumeration>,
    /// `min`: the smallest number accepted.
    pub min: Option<f64>,
    /// `max`: the largest number accepted.
    pub max: Option<f64>,
    /// `pattern`: a regular expression string values must match.
    pub pattern: Option<String>,
    /// `validate`: the path of a check function of the application's.
    pub validate: Option<String>,
    /// The shape an ObjectField holds (its name).
    pub shape: Option<String>,
    /// The elements of a ListField, described as a field.
    pub items: Option<Box<Field>>,
    /// Doc text from the YAML comment above the field, if any.
    pub doc: Option<String>,
}

impl Field {
    /// Whether every stored item reads a value for it (required, or a counter, a string set or
    /// a list, whose absence reads as 0 or empty): its Rust type is not an `Option` and
    /// `<Model>Update` has no `clear_` for it. Key fields hold a value too.
    pub fn always_present(&self) -> bool {
        self.required
            || matches!(
                self.field_type,
                FieldType::CounterField | FieldType::StringSetField | FieldType::ListField
            )
    }

    /// Whether `<Model>Update` can change members of its map without replacing it
    /// (`patch_<field>`): a required ObjectField, since a path into a missing map fails.
    pub fn patchable(&self) -> bool {
        self.field_type == FieldType::ObjectField && self.required
    }

    /// Whether writes run checks of the schema's on its value (`min`, `max`, `validate`).
    pub fn has_checks(&self) -> bool {
        self.min.is_some() || self.max.is_some() || self.validate.is_some()
    }

    /// The delta type of `<Model>Update::add_<field>` (DynamoDB `ADD`), when a non-key field
    /// has one: counters and integers `i64`, floats `f64`. Not for a `rustType`, nor for a
    /// checked number, whose sum is not known before it is written.
    pub fn add_delta_type(&self) -> Option<&'static str> {
        let custom = self.custom.as_ref().is_some_and(|c| c.rust_type.is_some());
        match self.field_type {
            _ if custom || self.has_checks() => None,
            FieldType::CounterField | FieldType::IntegerField => Some("i64"),
            FieldType::FloatField => Some("f64"),
            _ => None,
        }
    }
}

/// What deleting an item does to the items that name it in a RelatedField (`onDelete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum OnDelete {
    /// `restrict`: the delete is refused while such items exist.
    Restrict,
    /// `setNull`: their field is removed.
    SetNull,
    /// `cascade`: they are deleted too.
    Cascade,
}

/// A delete rule seen from the model whose items are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildRule {
    /// The referencing model.
    pub model: String,
    /// Its RelatedField.
    pub field: String,
    /// Its index partitioned on that field.
    pub index: String,
    /// The rule.
    pub rule: OnDelete,
}

/// A use of a bao extension, a key DynamoBao's schema does not have: listed in the header of
/// the model's module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionUse {
    /// The key (`values`).
    pub key: String,
    /// The field that uses it.
    pub field: String,
}

/// The enum a StringField with `values` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enumeration {
    /// The generated type's name (`PostStatus`: the model's name and the field's, PascalCase).
    pub type_name: String,
    /// Each value and its variant name (`in-review` -> `InReview`), in YAML order.
    pub variants: Vec<EnumVariant>,
}

/// One value of an [`Enumeration`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumVariant {
    /// The stored string.
    pub value: String,
    /// The Rust variant name.
    pub name: String,
}

/// A field of a type of the schema's own (`type: MoneyField`, declared under `fieldTypes`),
/// or of a Rust type of the application's (`rustType`).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomType {
    /// The type's name in YAML (`MoneyField`); the base type's name for a field of a built-in
    /// type that only gives a `rustType`.
    pub type_name: String,
    /// The Rust type the field holds (`crate::money::Cents`), if any.
    pub rust_type: Option<String>,
    /// The options of the declared type that the field gives (`currency: EUR`), in YAML
    /// order.
    pub options: Vec<(String, OptionLiteral)>,
}

/// The value of a declared type's option.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionLiteral {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list of values.
    List(Vec<OptionLiteral>),
}

/// One half of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPart {
    /// The literal `modelPrefix`.
    ModelPrefix,
    /// A field, by attribute name.
    Field(String),
}

/// A partition key and a sort key (the sort key defaults to `modelPrefix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// Partition key.
    pub partition: KeyPart,
    /// Sort key.
    pub sort: KeyPart,
}

/// A named index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// The index name in YAML (`postsForUser`).
    pub name: String,
    /// The GSI slot 1..=5, `None` for the `primaryKey` alias.
    pub gsi: Option<u8>,
    /// The index key (for the alias: the primary key).
    pub key: Key,
}

/// A unique constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueConstraint {
    /// The constraint name in YAML (`uniqueEmail`).
    pub name: String,
    /// The slot 1..=3.
    pub id: u8,
    /// The constrained field's attribute name.
    pub field: String,
}

/// `searchable` options, as DynamoBao defines them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Searchable {
    /// Source fields, in order.
    pub fields: Vec<String>,
    /// `caseSensitive` (default false).
    pub case_sensitive: bool,
    /// `minTermLength` (default 1).
    pub min_term_length: u32,
    /// `dedupe` (default false).
    pub dedupe: bool,
}

/// The Rust names of every method generated on one model.
///
/// Names follow DynamoBao's rules in snake_case; `validate` rejects a schema in which two of
/// them, or a method and a field, collide.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Methods {
    /// `find_by_<name>` for each unique constraint (`uniqueEmail` -> `find_by_email`).
    pub finders: Vec<UniqueFinder>,
    /// `query_<name>` methods: static ones for this model's own indexes whose partition key is
    /// the modelPrefix, instance ones for other models' indexes whose partition key is a
    /// RelatedField to this model.
    pub queries: Vec<QueryMethod>,
    /// `get_<related>` for each RelatedField of this model (`userId` -> `get_user`).
    pub related: Vec<RelatedGetter>,
    /// Mapping-table getters (`get_<name>`) on each side of a `tableType: mapping` model.
    pub mappings: Vec<MappingGetter>,
}

/// `find_by_<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueFinder {
    /// Rust method name (`find_by_email`).
    pub method: String,
    /// Constraint name (`uniqueEmail`).
    pub constraint: String,
}

/// Whether a query method is called on the type or on an instance, and what it takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryReceiver {
    /// `Post::query_all_posts(db, ..)`: the index partition key is the modelPrefix.
    Static,
    /// `Order::query_by_status(db, value)`: the index partition key is this plain field of
    /// the model (not a RelatedField).
    Value(String),
    /// `user.query_posts(db, ..)`: the index partition key is a RelatedField of
    /// `index_model` pointing to this model.
    Instance,
}

/// A `query_<name>` method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryMethod {
    /// Rust method name (`query_posts`). DynamoBao's rule: the index name up to `For`, else
    /// the whole index name (`postsForUser` -> `query_posts`, `allPosts` -> `query_all_posts`);
    /// for the `primaryKey` alias on a related model, the alias name.
    pub method: String,
    /// Static or instance.
    pub receiver: QueryReceiver,
    /// The model whose items the query returns.
    pub index_model: String,
    /// The index name on `index_model`.
    pub index: String,
}

/// A `get_<related>` method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelatedGetter {
    /// Rust method name (`get_user`): the field name without a trailing `Id`.
    pub method: String,
    /// The static method that loads the related items of many items at once
    /// (`get_user_for_each`).
    pub many_method: String,
    /// The RelatedField's attribute name.
    pub field: String,
    /// The related model.
    pub target_model: String,
}

/// A mapping-table getter on one side of the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingGetter {
    /// Rust method name: `get_` + the index name up to `For`, snake_case
    /// (`postsForTag` -> `get_posts`).
    pub method: String,
    /// The mapping model.
    pub mapping_model: String,
    /// The mapping model's index (or `primaryKey` alias) whose partition key points here.
    pub index: String,
    /// The mapping field that points to this model (the index partition key).
    pub source_field: String,
    /// The mapping field that points to the other side.
    pub target_field: String,
    /// The model on the other side.
    pub target_model: String,
}
