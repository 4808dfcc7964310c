//! The table of diagnostic codes: each code's variant, its number (`B004`) and its title.
//! `docs/diagnostics.md` has a section per code under that title (a test holds them to it).

use std::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $title:literal;)*) => {
        /// A stable diagnostic code. Codes are never reused; `docs/diagnostics.md` explains
        /// each one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed: `B004`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// A short title, as used in `docs/diagnostics.md`.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$variant => $title,)*
                }
            }
        }
    };
}

codes! {
    /// The file is not valid YAML.
    YamlSyntax = "B001", "invalid YAML";
    /// A schema file or directory cannot be read.
    Io = "B002", "cannot read the schema";
    /// A value has the wrong YAML type (a string where a boolean is expected, ...).
    WrongType = "B003", "value of the wrong type";
    /// A field's `type` is not one of the built-in field types.
    UnknownFieldType = "B004", "unknown field type";
    /// A key that the schema format does not know.
    UnknownKey = "B005", "unknown key";
    /// A file without a `models` mapping, or a schema without any model.
    MissingModels = "B006", "no models";
    /// A model defined twice (across files of a schema directory).
    DuplicateModel = "B007", "model defined twice";
    /// A model name that is not a PascalCase Rust type name.
    InvalidModelName = "B008", "invalid model name";
    /// A model without `modelPrefix`.
    MissingModelPrefix = "B009", "missing `modelPrefix`";
    /// Two models with the same `modelPrefix`.
    DuplicateModelPrefix = "B010", "duplicate `modelPrefix`";
    /// An empty `modelPrefix`, or one containing a key separator.
    InvalidModelPrefix = "B011", "invalid `modelPrefix`";
    /// A model without fields.
    NoFields = "B012", "model without fields";
    /// A model without `primaryKey`.
    MissingPrimaryKey = "B013", "missing `primaryKey`";
    /// A key, index, constraint or `searchable` entry naming a field that does not exist.
    UnknownFieldReference = "B014", "unknown field";
    /// An `indexId` other than `gsi1`..`gsi5`.
    InvalidIndexId = "B015", "invalid `indexId`";
    /// Two indexes of one model on the same GSI.
    DuplicateIndexId = "B016", "duplicate `indexId`";
    /// A `uniqueConstraintId` other than `uc1`..`uc3`.
    InvalidUniqueConstraintId = "B017", "invalid `uniqueConstraintId`";
    /// Two unique constraints of one model with the same id.
    DuplicateUniqueConstraintId = "B018", "duplicate `uniqueConstraintId`";
    /// A RelatedField naming a model that does not exist.
    UnknownRelatedModel = "B019", "unknown related model";
    /// A RelatedField without `model`.
    MissingRelatedModel = "B020", "RelatedField without `model`";
    /// A StringSetField or BinaryField in a key or unique constraint.
    UnindexableField = "B021", "field type cannot be a key";
    /// A TtlField not named `ttl`.
    TtlFieldName = "B022", "TtlField not named `ttl`";
    /// A field or index name starting with `_`.
    LeadingUnderscore = "B023", "name starts with `_`";
    /// Two field names with the same Rust name.
    FieldNameCollision = "B024", "field names collide in Rust";
    /// Two generated methods of one model with the same name.
    MethodNameCollision = "B025", "generated methods collide";
    // B026 (a field named like a method) is retired: fields and methods live in different
    // namespaces in Rust, so DynamoBao's `key`, `find` or `save` fields are accepted.
    /// `iterationBuckets` outside 1..=1000.
    IterationBucketsRange = "B027", "`iterationBuckets` out of range";
    /// `iterationBuckets` on a model that is not iterable (warning).
    IterationBucketsIgnored = "B028", "`iterationBuckets` without `iterable`";
    /// `searchable: true`.
    SearchableTrue = "B029", "`searchable: true` is not supported";
    /// `searchable` without a non-empty `fields` list.
    SearchableNoFields = "B030", "`searchable` without fields";
    /// A `searchable` field that is not a StringField.
    SearchableFieldType = "B031", "`searchable` field is not a StringField";
    /// An option value out of its range (`minTermLength: 0`, `maxLength: -1`, ...).
    OptionOutOfRange = "B032", "option value out of range";
    /// `searchable` on a model that is not iterable (warning).
    SearchableNotIterable = "B033", "`searchable` without `iterable`";
    /// A `tableType: mapping` model without two RelatedFields.
    MappingRelatedFields = "B034", "mapping table needs two RelatedFields";
    /// A field option that does not apply to the field's type.
    OptionNotAllowed = "B035", "option does not apply to this field type";
    /// `model` on a field that is not a RelatedField.
    ModelOnNonRelatedField = "B036", "`model` on a field that is not a RelatedField";
    /// A `defaultValue` whose type does not match the field.
    DefaultValueType = "B037", "`defaultValue` of the wrong type";
    /// An IntegerField or FloatField as a sort key (warning).
    UnsortableSortKey = "B038", "sort key will not sort";
    /// The undocumented `methods` key, which is ignored (warning).
    MethodsIgnored = "B039", "`methods` is ignored";
    /// A `tableType` other than `standard` or `mapping`.
    InvalidTableType = "B040", "invalid `tableType`";
    /// A required key is missing (`type`, `partitionKey`, `sortKey`, `indexId`, ...).
    MissingKey = "B041", "missing key";
    /// A name that has no Rust identifier form.
    InvalidIdentifier = "B042", "name has no Rust identifier form";
    /// Two models with the same Rust module name.
    ModuleNameCollision = "B043", "models collide in Rust";
    /// The same key twice in one YAML mapping.
    DuplicateKey = "B044", "duplicate key";
    /// A `modelPrefix` starting with `_raft_uc`, the prefix of unique-constraint items.
    ReservedModelPrefix = "B045", "reserved `modelPrefix`";
    // B046 (`searchable` has no effect yet) is retired: searchable models keep `_searchText`
    // and get `search` methods.
    /// Instance queries that would share a name, named by their whole index names (warning).
    MethodsRenamed = "B047", "queries named by their whole index names";
    /// A `fieldTypes` entry that cannot be used: no or an unknown `base`, a built-in name,
    /// declared twice, or options that clash with the base's.
    InvalidFieldTypeDeclaration = "B048", "invalid `fieldTypes` entry";
    /// A `rustType` that is not a Rust type path, or on a field that cannot hold one.
    InvalidRustType = "B049", "invalid `rustType`";
    /// A declared type's options that no `rustType` checks (warning).
    UncheckedOptions = "B050", "options that nothing checks";
    /// A `fieldTypes` entry no field uses (warning).
    UnusedFieldType = "B051", "field type that no field uses";
    /// A change from `bao.lock` that stored items need a migration for (a new index, unique
    /// constraint, iteration or search).
    MigrationNeeded = "B052", "stored items need a migration";
    /// A change from `bao.lock` that leaves stored items where no model reads them (a changed
    /// prefix or key, a removed model).
    OrphanedItems = "B053", "stored items would be orphaned";
    /// A change from `bao.lock` that stored items could not be read with (a new required field
    /// without a default, a changed stored type).
    UnreadableItems = "B054", "stored items could not be read";
    /// A `bao.lock` that cannot be read.
    InvalidLock = "B055", "unreadable `bao.lock`";
    /// `values` that make no enum: empty, a value listed twice, a value without a Rust variant
    /// name, a `defaultValue` outside them, on a key field, or an enum name already taken.
    InvalidValues = "B056", "invalid `values`";
    /// A `pattern` that is not a regular expression, a `validate` that is not a function path,
    /// or a `min` above the `max`.
    InvalidCheck = "B057", "invalid field check";
    /// Extensions a Node DynamoBao service writing the table ignores (warning, unless the
    /// schema states its `compatibility`).
    NodeIgnoredExtensions = "B058", "extensions Node ignores";
    /// An extension refused by `compatibility: dynamo-bao` or `bao check --dynamo-bao`, or an
    /// unknown `compatibility`.
    NodeCompatibility = "B059", "not compatible with DynamoBao";
    /// A shape that cannot be used: unknown, defined twice, without fields or with a name that
    /// is not a Rust type's; an ObjectField without a `shape`, a ListField without `items`,
    /// or a field type a shape or a list cannot hold.
    InvalidShape = "B060", "invalid shape";
    /// A shape that holds itself, directly or through other shapes.
    ShapeCycle = "B061", "shape contains itself";
    /// A `softDelete` that does not name an optional DateTimeField of the model.
    InvalidSoftDelete = "B062", "invalid `softDelete`";
    /// An `onDelete` that is not `restrict`, `setNull` or `cascade`, a `setNull` on a required
    /// field, a field no index of its model is partitioned on, or a cascade into a model with
    /// rules of its own.
    InvalidDeleteRule = "B063", "invalid `onDelete`";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_numbered_in_order() {
        // Retired codes keep their numbers: a code is never reused.
        const RETIRED: [u32; 2] = [26, 46];
        let numbers = (1..).filter(|number| !RETIRED.contains(number));
        for (code, number) in Code::ALL.iter().zip(numbers) {
            assert_eq!(code.as_str(), format!("B{number:03}"));
        }
    }
}
