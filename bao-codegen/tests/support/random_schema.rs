//! Random valid `models.yaml` schemas, to stress the code generator's output.
//!
//! [`schema`] draws a plan (models, fields with their types and options, key shapes, indexes,
//! unique constraints, comments) and writes it out as YAML. The plan only says what kind of
//! name, field or key to write; the writer turns it into names, and it is the writer that
//! makes the schema valid:
//!
//! - every generated name carries a number taken from one counter per schema, so no two
//!   models, modules, prefixes, fields, indexes or constraints share a name, and neither do the
//!   methods named after them (`find_by_*`, `query_*`, `get_*`): the number is written before
//!   the parts that method names drop (`For<Word>` of an index, `Id` of a field);
//! - Rust keywords are used whole, each at most once per model (field names) or per schema
//!   (model names);
//! - keys, indexes and unique constraints name only fields that can be keys; Binary,
//!   StringSet, Counter, Version and Ttl fields never are;
//! - GSI and unique-constraint slots come from shuffled lists, so none repeats in a model;
//! - a model has at most one TtlField, named `ttl`; RelatedFields point to the schema's
//!   standard models; a mapping table links two of them (or one to itself).

use std::collections::BTreeSet;
use std::fmt::Display;

use proptest::prelude::*;
use proptest::sample::{Index, select};

/// A random valid schema as models.yaml text.
pub fn schema() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(model(), 1..=3),
        prop::option::weighted(0.4, mapping()),
        prop::collection::vec(shape(), 0..=3),
    )
        .prop_map(|(models, mapping, shapes)| {
            Writer::default().schema(&models, mapping.as_ref(), &shapes)
        })
}

/// Words that names are made of. None is `for`, which generated method names cut at.
const WORDS: &str = "\
    account address amount archive author balance billing booking branch budget campaign channel \
    comment company contract customer delivery device document employee event invoice item \
    journal ledger library member message order payment picture player product profile project \
    receipt record region report review schedule session shipment station status supplier ticket \
    tenant vehicle warehouse";

/// Rust keywords that field names may be; `naming::field_ident` escapes or renames them.
const FIELD_KEYWORDS: &str = "\
    type match ref move async await self super crate fn impl struct enum loop yield gen dyn try \
    use mod where abstract become box final macro override priv typeof unsized virtual static \
    const let mut pub return trait unsafe while in as if else for break continue extern do";

/// Keywords in PascalCase, for model names (their modules are `type_`, `match_`, ...). `Self`
/// and `Fn` shadow the prelude and are refused.
const MODEL_KEYWORDS: &str = "\
    Type Match Ref Move Async Await Crate Super Mod Impl Struct Enum Use Where Loop Gen Dyn \
    Trait Static Const";

/// Words of comments, with characters that doc comments and string literals must survive.
const COMMENT_WORDS: &str = "\
    the a of and which is kept per tenant when set value stored in DynamoDB see `code` e.g. \
    {braces} {{twice}} 50% \"quoted\" it's ünïcödé — back\\slash TODO: *stars* a/b #hash";

/// The words of a list written as one string.
fn split(list: &'static str) -> Vec<&'static str> {
    list.split_whitespace().collect()
}

/// `defaultValue`s of StringFields, with characters that string literals must escape.
const STRING_DEFAULTS: &[&str] = &[
    "",
    "unnamed",
    "hello world",
    "123",
    "true",
    "with \"double\" and 'single' quotes",
    "back\\slash, {braces}, #hash",
    "line one\nline two",
    "tab\tseparated",
    "ünïcödé ✓ 日本語",
    "a long default value that goes on and on, well past the width at which rustfmt would \
     like to wrap a line of generated code",
];

/// `defaultValue`s of FloatFields, as written: decimals, whole numbers, an exponent.
const FLOAT_DEFAULTS: &[&str] = &[
    "0.5",
    "-1.25",
    "3.14159",
    "0",
    "-7",
    "1000000.125",
    "0.001",
    "2.5e-3",
];

/// Words of a name are joined up to this length (the first is always kept): eight or more
/// words make 32 to 45 characters, and with the number and a `For<Word>` at most 60.
const MAX_WORDS_LEN: usize = 45;

/// `modelPrefix` as a key part.
const MODEL_PREFIX: &str = "modelPrefix";

/// Words that the writer joins into a name, with a unique number after them.
#[derive(Debug, Clone)]
struct Words {
    words: Vec<&'static str>,
    snake: bool,
}

/// A name: words, or a Rust keyword picked from a list.
#[derive(Debug, Clone)]
enum Name {
    Words(Words),
    Keyword(Index),
}

/// Where a comment is written.
#[derive(Debug, Clone)]
enum Doc {
    None,
    Above(Vec<String>),
    Trailing(String),
}

/// How the `modelPrefix` is spelled.
#[derive(Debug, Clone, Copy)]
enum Prefix {
    Short,
    Lowercase,
    Dotted,
}

/// `iterable` and `iterationBuckets`.
#[derive(Debug, Clone, Copy)]
enum Iteration {
    Unset,
    Off,
    On,
    Buckets(u16),
}

/// A field type with its options.
#[derive(Debug, Clone)]
enum FieldKind {
    String {
        max_length: Option<u16>,
        default: Option<&'static str>,
    },
    Integer {
        default: Option<i64>,
    },
    Float {
        precision: Option<u8>,
        default: Option<&'static str>,
    },
    Boolean {
        default: Option<bool>,
    },
    DateTime,
    CreateDate,
    ModifiedDate,
    Ulid {
        auto_assign: Option<bool>,
    },
    Related {
        target: Index,
        /// `referentialIntegrity: true`.
        checked: bool,
    },
    Counter {
        default: Option<i64>,
    },
    Binary,
    Version,
    StringSet {
        max_string_length: Option<u16>,
        max_member_count: Option<u16>,
    },
    /// A StringField with `values`: an enum (never a key here: key fields cannot have them).
    Enum {
        values: Vec<&'static str>,
        default: Option<prop::sample::Index>,
    },
    /// An ObjectField of a shape (a StringField when the schema has no shape it may hold).
    Object {
        shape: Index,
    },
    /// A ListField of a field type, of a shape (by name), or of a field mapping.
    List {
        items: Items,
    },
}

/// The elements of a ListField.
#[derive(Debug, Clone)]
enum Items {
    /// `items: IntegerField`.
    Named(&'static str),
    /// `items: Address` (an IntegerField when there is no shape it may hold).
    Shape(Index),
    /// `items: {type: StringField, maxLength: 20}`.
    Mapping { max_length: u16 },
}

/// A shape: its fields may hold only shapes listed after it, so there is no cycle.
#[derive(Debug, Clone)]
struct ShapePlan {
    words: Words,
    doc: Vec<String>,
    fields: Vec<FieldPlan>,
}

/// Values of enums: hyphens, spaces, digits and capitals, each with a variant name of its own.
const ENUM_VALUES: &[&str] = &[
    "draft",
    "in-review",
    "on hold",
    "done",
    "v2-ready",
    "NEW",
    "x",
];

/// One field; `id_suffix` ends a worded name in `Id` (or `_id`).
#[derive(Debug, Clone)]
struct FieldPlan {
    name: Name,
    id_suffix: bool,
    kind: FieldKind,
    required: Option<bool>,
    doc: Doc,
}

/// The primary key; fields are picked among those that can be keys.
#[derive(Debug, Clone)]
enum KeyPlan {
    Partition { field: Index, explicit_sort: bool },
    PrefixPartition { sort: Index },
    Composite { partition: Index, sort: Index },
}

/// What an index is partitioned by.
#[derive(Debug, Clone, Copy)]
enum IndexKind {
    /// `name: primaryKey`.
    Alias,
    /// Any field that can be a key.
    Field,
    /// A RelatedField (any field when the model has none).
    Related,
    /// `modelPrefix`.
    Prefix,
}

/// An index name: words, the number, then `For<Word>` sometimes.
#[derive(Debug, Clone)]
struct IndexName {
    words: Words,
    for_word: Option<&'static str>,
}

/// One index; `sort` is `None` for `sortKey: modelPrefix`.
#[derive(Debug, Clone)]
struct IndexPlan {
    name: IndexName,
    kind: IndexKind,
    partition: Index,
    sort: Option<Index>,
}

/// One unique constraint; constraints that pick an already constrained field are left out.
#[derive(Debug, Clone)]
struct ConstraintPlan {
    words: Words,
    unique_prefix: bool,
    field: Index,
}

/// A standard model. Its first field can be a key.
#[derive(Debug, Clone)]
struct ModelPlan {
    name: Name,
    prefix: Prefix,
    doc: Vec<String>,
    iteration: Iteration,
    fields: Vec<FieldPlan>,
    ttl: bool,
    key: KeyPlan,
    indexes: Vec<IndexPlan>,
    constraints: Vec<ConstraintPlan>,
    gsi_slots: Vec<u8>,
    constraint_slots: Vec<u8>,
}

/// A mapping table: its first two fields are RelatedFields, the composite primary key.
#[derive(Debug, Clone)]
struct MappingPlan {
    name: Name,
    prefix: Prefix,
    doc: Vec<String>,
    /// `mapping: true`, and RelatedFields written without `type`.
    untyped: bool,
    fields: Vec<FieldPlan>,
    alias: Option<IndexName>,
    reverse: Option<(IndexName, u8)>,
}

/// `count` words from [`WORDS`].
fn words(count: std::ops::RangeInclusive<usize>, snake: bool) -> impl Strategy<Value = Words> {
    prop::collection::vec(select(split(WORDS)), count).prop_map(move |words| Words { words, snake })
}

/// Short camelCase, long camelCase (30 to 60 characters) or snake_case words.
fn member_words() -> impl Strategy<Value = Words> {
    prop_oneof![
        4 => words(1..=2, false),
        1 => words(8..=10, false),
        1 => words(1..=3, true),
    ]
}

fn model_name() -> impl Strategy<Value = Name> {
    prop_oneof![
        4 => words(1..=2, false).prop_map(Name::Words),
        2 => words(8..=10, false).prop_map(Name::Words),
        1 => any::<Index>().prop_map(Name::Keyword),
    ]
}

fn field_name() -> impl Strategy<Value = Name> {
    prop_oneof![
        4 => member_words().prop_map(Name::Words),
        1 => any::<Index>().prop_map(Name::Keyword),
    ]
}

fn index_name() -> impl Strategy<Value = IndexName> {
    (member_words(), prop::option::of(select(split(WORDS))))
        .prop_map(|(words, for_word)| IndexName { words, for_word })
}

/// One comment line of 2 to 40 words.
fn comment_line() -> impl Strategy<Value = String> {
    prop::collection::vec(select(split(COMMENT_WORDS)), 2..=40).prop_map(|words| words.join(" "))
}

fn comment() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        2 => Just(Vec::new()),
        1 => prop::collection::vec(comment_line(), 1..=3),
    ]
}

fn doc() -> impl Strategy<Value = Doc> {
    prop_oneof![
        3 => Just(Doc::None),
        1 => prop::collection::vec(comment_line(), 1..=3).prop_map(Doc::Above),
        1 => comment_line().prop_map(Doc::Trailing),
    ]
}

fn prefix() -> impl Strategy<Value = Prefix> {
    prop_oneof![
        Just(Prefix::Short),
        Just(Prefix::Lowercase),
        Just(Prefix::Dotted)
    ]
}

fn iteration() -> impl Strategy<Value = Iteration> {
    prop_oneof![
        3 => Just(Iteration::Unset),
        1 => Just(Iteration::Off),
        1 => Just(Iteration::On),
        1 => (1u16..=1000).prop_map(Iteration::Buckets),
    ]
}

/// `Some` about half the time.
fn maybe<S: Strategy>(strategy: S) -> impl Strategy<Value = Option<S::Value>> {
    prop::option::of(strategy)
}

fn small_or_any_integer() -> impl Strategy<Value = i64> {
    prop_oneof![-1000i64..=1000, any::<i64>()]
}

/// The field types that can be keys, with their options.
fn key_kind() -> impl Strategy<Value = FieldKind> {
    prop_oneof![
        3 => (maybe(0u16..=2000), maybe(select(STRING_DEFAULTS)))
            .prop_map(|(max_length, default)| FieldKind::String { max_length, default }),
        1 => maybe(small_or_any_integer()).prop_map(|default| FieldKind::Integer { default }),
        1 => (maybe(0u8..=100), maybe(select(FLOAT_DEFAULTS)))
            .prop_map(|(precision, default)| FieldKind::Float { precision, default }),
        1 => maybe(any::<bool>()).prop_map(|default| FieldKind::Boolean { default }),
        1 => Just(FieldKind::DateTime),
        1 => Just(FieldKind::CreateDate),
        1 => Just(FieldKind::ModifiedDate),
        2 => maybe(any::<bool>()).prop_map(|auto_assign| FieldKind::Ulid { auto_assign }),
        3 => (any::<Index>(), prop::bool::weighted(0.3))
            .prop_map(|(target, checked)| FieldKind::Related { target, checked }),
    ]
}

/// The field types that cannot be keys (TtlField aside), with their options.
fn other_kind() -> impl Strategy<Value = FieldKind> {
    prop_oneof![
        maybe(small_or_any_integer()).prop_map(|default| FieldKind::Counter { default }),
        Just(FieldKind::Binary),
        Just(FieldKind::Version),
        (maybe(0u16..=1000), maybe(0u16..=1000)).prop_map(
            |(max_string_length, max_member_count)| FieldKind::StringSet {
                max_string_length,
                max_member_count,
            }
        ),
        (
            prop::sample::subsequence(ENUM_VALUES, 1..=4),
            maybe(any::<prop::sample::Index>())
        )
            .prop_map(|(values, default)| FieldKind::Enum { values, default }),
    ]
}

/// Maps and lists.
fn nested_kind() -> impl Strategy<Value = FieldKind> {
    prop_oneof![
        any::<Index>().prop_map(|shape| FieldKind::Object { shape }),
        prop_oneof![
            select(vec![
                "IntegerField",
                "StringField",
                "DateTimeField",
                "BooleanField"
            ])
            .prop_map(Items::Named),
            any::<Index>().prop_map(Items::Shape),
            (1u16..=64).prop_map(|max_length| Items::Mapping { max_length }),
        ]
        .prop_map(|items| FieldKind::List { items }),
    ]
}

/// The field types a shape's fields may have (not those bao stamps on the item).
fn shape_kind() -> impl Strategy<Value = FieldKind> {
    prop_oneof![
        maybe(0u16..=500).prop_map(|max_length| FieldKind::String {
            max_length,
            default: None,
        }),
        maybe(small_or_any_integer()).prop_map(|default| FieldKind::Integer { default }),
        Just(FieldKind::DateTime),
        Just(FieldKind::Binary),
        (
            prop::sample::subsequence(ENUM_VALUES, 1..=3),
            maybe(any::<prop::sample::Index>())
        )
            .prop_map(|(values, default)| FieldKind::Enum { values, default }),
        nested_kind(),
    ]
}

prop_compose! {
    /// A shape with one to four fields.
    fn shape()(
        words in words(1..=2, false),
        doc in comment(),
        fields in prop::collection::vec(field(shape_kind()), 1..=4),
    ) -> ShapePlan {
        ShapePlan { words, doc, fields }
    }
}

fn field(kind: impl Strategy<Value = FieldKind>) -> impl Strategy<Value = FieldPlan> {
    (
        field_name(),
        any::<bool>(),
        kind,
        prop::option::weighted(0.4, any::<bool>()),
        doc(),
    )
        .prop_map(|(name, id_suffix, kind, required, doc)| FieldPlan {
            name,
            id_suffix,
            kind,
            required,
            doc,
        })
}

fn any_kind() -> impl Strategy<Value = FieldKind> {
    prop_oneof![6 => key_kind(), 2 => other_kind(), 1 => nested_kind()]
}

fn related_field() -> impl Strategy<Value = FieldPlan> {
    field(
        (any::<Index>(), prop::bool::weighted(0.3))
            .prop_map(|(target, checked)| FieldKind::Related { target, checked }),
    )
}

/// One to seven fields, the first of which can be a key.
fn fields() -> impl Strategy<Value = Vec<FieldPlan>> {
    (
        field(key_kind()),
        prop::collection::vec(field(any_kind()), 0..=6),
    )
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect())
}

fn key() -> impl Strategy<Value = KeyPlan> {
    prop_oneof![
        (any::<Index>(), any::<bool>()).prop_map(|(field, explicit_sort)| KeyPlan::Partition {
            field,
            explicit_sort
        }),
        any::<Index>().prop_map(|sort| KeyPlan::PrefixPartition { sort }),
        (any::<Index>(), any::<Index>())
            .prop_map(|(partition, sort)| KeyPlan::Composite { partition, sort }),
    ]
}

fn index() -> impl Strategy<Value = IndexPlan> {
    let kind = prop_oneof![
        Just(IndexKind::Alias),
        Just(IndexKind::Field),
        Just(IndexKind::Related),
        Just(IndexKind::Prefix),
    ];
    (index_name(), kind, any::<Index>(), maybe(any::<Index>())).prop_map(
        |(name, kind, partition, sort)| IndexPlan {
            name,
            kind,
            partition,
            sort,
        },
    )
}

fn constraint() -> impl Strategy<Value = ConstraintPlan> {
    (member_words(), any::<bool>(), any::<Index>()).prop_map(|(words, unique_prefix, field)| {
        ConstraintPlan {
            words,
            unique_prefix,
            field,
        }
    })
}

/// The numbers 1 to `count` in random order.
fn slots(count: u8) -> impl Strategy<Value = Vec<u8>> {
    Just((1..=count).collect::<Vec<u8>>()).prop_shuffle()
}

prop_compose! {
    /// A standard model with one to eight fields.
    fn model()(
        name in model_name(),
        prefix in prefix(),
        doc in comment(),
        iteration in iteration(),
        fields in fields(),
        ttl in prop::bool::weighted(0.2),
        key in key(),
        indexes in prop::collection::vec(index(), 0..=4),
        constraints in prop::collection::vec(constraint(), 0..=3),
        gsi_slots in slots(5),
        constraint_slots in slots(3),
    ) -> ModelPlan {
        ModelPlan {
            name,
            prefix,
            doc,
            iteration,
            fields,
            ttl,
            key,
            indexes,
            constraints,
            gsi_slots,
            constraint_slots,
        }
    }
}

prop_compose! {
    /// A mapping table with two RelatedFields and up to two other fields.
    fn mapping()(
        name in model_name(),
        prefix in prefix(),
        doc in comment(),
        untyped in any::<bool>(),
        sides in prop::array::uniform2(related_field()),
        extra in prop::collection::vec(field(any_kind()), 0..=2),
        alias in maybe(index_name()),
        reverse in maybe((index_name(), 1u8..=5)),
    ) -> MappingPlan {
        let fields = sides.into_iter().chain(extra).collect();
        MappingPlan { name, prefix, doc, untyped, fields, alias, reverse }
    }
}

/// How the pieces of a name are joined.
#[derive(Debug, Clone, Copy)]
enum Case {
    Pascal,
    Camel,
    Snake,
}

impl Case {
    fn of(words: &Words) -> Self {
        if words.snake {
            Case::Snake
        } else {
            Case::Camel
        }
    }

    fn join<'a>(self, pieces: impl Iterator<Item = &'a str>) -> String {
        let mut name = String::new();
        for (position, piece) in pieces.enumerate() {
            match self {
                Case::Snake if position > 0 => {
                    name.push('_');
                    name.push_str(piece);
                }
                Case::Snake | Case::Camel if position == 0 => name.push_str(piece),
                _ => {
                    let mut chars = piece.chars();
                    name.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                    name.extend(chars);
                }
            }
        }
        name
    }
}

/// The leading words whose joined length stays within [`MAX_WORDS_LEN`] (at least one).
fn limited<'a>(words: &'a [&'a str]) -> impl Iterator<Item = &'a str> {
    let mut length = 0;
    words.iter().enumerate().map_while(move |(position, word)| {
        length += word.len();
        (position == 0 || length <= MAX_WORDS_LEN).then_some(*word)
    })
}

/// The first keyword of `list` from `pick` on (cyclically) that is not in `used`; marks it used.
fn keyword(list: &[&'static str], pick: Index, used: &mut BTreeSet<&'static str>) -> &'static str {
    let start = pick.index(list.len());
    let word = (0..list.len())
        .map(|offset| list[(start + offset) % list.len()])
        .find(|word| !used.contains(word))
        .expect("more keywords than names that need one");
    used.insert(word);
    word
}

/// `{key: value, ...}`.
fn flow<K: Display, V: Display>(entries: &[(K, V)]) -> String {
    let entries: Vec<String> = entries
        .iter()
        .map(|(key, value)| format!("{key}: {value}"))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// A GSI definition.
fn gsi(partition: &str, sort: &str, slot: u8) -> String {
    let slot = format!("gsi{slot}");
    flow(&[
        ("partitionKey", partition),
        ("sortKey", sort),
        ("indexId", slot.as_str()),
    ])
}

/// A YAML double-quoted string.
fn quoted(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
        .replace('\t', "\\t");
    format!("\"{escaped}\"")
}

/// A field other than `taken` among `fields`, if there is one.
fn other<'a>(fields: &'a [String], taken: &str, pick: Index) -> Option<&'a str> {
    let rest: Vec<&'a String> = fields.iter().filter(|field| *field != taken).collect();
    (!rest.is_empty()).then(|| pick.get(&rest).as_str())
}

/// Adds `key: value` when there is a value.
fn push_option(
    entries: &mut Vec<(&'static str, String)>,
    key: &'static str,
    value: Option<impl Display>,
) {
    if let Some(value) = value {
        entries.push((key, value.to_string()));
    }
}

impl FieldKind {
    fn type_name(&self) -> &'static str {
        match self {
            FieldKind::String { .. } => "StringField",
            FieldKind::Integer { .. } => "IntegerField",
            FieldKind::Float { .. } => "FloatField",
            FieldKind::Boolean { .. } => "BooleanField",
            FieldKind::DateTime => "DateTimeField",
            FieldKind::CreateDate => "CreateDateField",
            FieldKind::ModifiedDate => "ModifiedDateField",
            FieldKind::Ulid { .. } => "UlidField",
            FieldKind::Related { .. } => "RelatedField",
            FieldKind::Counter { .. } => "CounterField",
            FieldKind::Binary => "BinaryField",
            FieldKind::Version => "VersionField",
            FieldKind::StringSet { .. } => "StringSetField",
            FieldKind::Enum { .. } => "StringField",
            FieldKind::Object { .. } => "ObjectField",
            FieldKind::List { .. } => "ListField",
        }
    }

    /// Whether keys, indexes and constraints may name a field of this type.
    fn keyable(&self) -> bool {
        !matches!(
            self,
            FieldKind::Counter { .. }
                | FieldKind::Binary
                | FieldKind::Version
                | FieldKind::StringSet { .. }
                | FieldKind::Enum { .. }
                | FieldKind::Object { .. }
                | FieldKind::List { .. }
        )
    }

    fn options(&self, names: &Names<'_>, entries: &mut Vec<(&'static str, String)>) {
        let targets = names.models;
        match self {
            FieldKind::Object { shape } => entries.push(("shape", shape.get(names.shapes).clone())),
            FieldKind::List { items } => entries.push((
                "items",
                match items {
                    Items::Named(type_name) => (*type_name).to_owned(),
                    Items::Shape(shape) => shape.get(names.shapes).clone(),
                    Items::Mapping { max_length } => {
                        format!("{{type: StringField, maxLength: {max_length}}}")
                    }
                },
            )),
            FieldKind::String {
                max_length,
                default,
            } => {
                push_option(entries, "maxLength", *max_length);
                push_option(entries, "defaultValue", default.map(quoted));
            }
            FieldKind::Integer { default } | FieldKind::Counter { default } => {
                push_option(entries, "defaultValue", *default);
            }
            FieldKind::Float { precision, default } => {
                push_option(entries, "precision", *precision);
                push_option(entries, "defaultValue", *default);
            }
            FieldKind::Boolean { default } => push_option(entries, "defaultValue", *default),
            FieldKind::Ulid { auto_assign } => push_option(entries, "autoAssign", *auto_assign),
            FieldKind::Related { target, checked } => {
                entries.push(("model", target.get(targets).clone()));
                if *checked {
                    entries.push(("referentialIntegrity", "true".to_owned()));
                }
            }
            FieldKind::StringSet {
                max_string_length,
                max_member_count,
            } => {
                push_option(entries, "maxStringLength", *max_string_length);
                push_option(entries, "maxMemberCount", *max_member_count);
            }
            FieldKind::Enum { values, default } => {
                let listed: Vec<String> = values.iter().map(|value| quoted(value)).collect();
                entries.push(("values", format!("[{}]", listed.join(", "))));
                push_option(
                    entries,
                    "defaultValue",
                    default.map(|at| quoted(values[at.index(values.len())])),
                );
            }
            FieldKind::DateTime
            | FieldKind::CreateDate
            | FieldKind::ModifiedDate
            | FieldKind::Binary
            | FieldKind::Version => {}
        }
    }
}

impl FieldPlan {
    /// The field's flow mapping entries; `untyped_related` leaves `type` out of RelatedFields.
    fn entries(&self, names: &Names<'_>, untyped_related: bool) -> Vec<(&'static str, String)> {
        let mut entries = Vec::new();
        if !(untyped_related && matches!(self.kind, FieldKind::Related { .. })) {
            entries.push(("type", self.kind.type_name().to_owned()));
        }
        push_option(&mut entries, "required", self.required);
        self.kind.options(names, &mut entries);
        entries
    }
}

impl KeyPlan {
    fn entries(&self, keyable: &[String]) -> Vec<(&'static str, String)> {
        let (partition, sort) = match *self {
            KeyPlan::Partition {
                field,
                explicit_sort,
            } => (
                field.get(keyable).as_str(),
                explicit_sort.then_some(MODEL_PREFIX),
            ),
            KeyPlan::PrefixPartition { sort } => (MODEL_PREFIX, Some(sort.get(keyable).as_str())),
            KeyPlan::Composite { partition, sort } => {
                let partition = partition.get(keyable);
                let sort = other(keyable, partition, sort).unwrap_or(MODEL_PREFIX);
                (partition.as_str(), Some(sort))
            }
        };
        let mut entries = vec![("partitionKey", partition.to_owned())];
        push_option(&mut entries, "sortKey", sort);
        entries
    }
}

/// The written fields that keys may name.
#[derive(Debug, Default)]
struct KeyFields {
    /// Fields that can be keys, in order.
    keyable: Vec<String>,
    /// The RelatedFields among them.
    related: Vec<String>,
}

impl IndexPlan {
    /// The GSI's partition and sort keys; `None` for a primary key alias.
    fn keys(&self, fields: &KeyFields) -> Option<(String, String)> {
        let keyable = &fields.keyable;
        let partition = match self.kind {
            IndexKind::Alias => return None,
            IndexKind::Prefix => {
                return Some((MODEL_PREFIX.to_owned(), self.partition.get(keyable).clone()));
            }
            IndexKind::Related if !fields.related.is_empty() => self.partition.get(&fields.related),
            IndexKind::Related | IndexKind::Field => self.partition.get(keyable),
        };
        let sort = self.sort.and_then(|sort| other(keyable, partition, sort));
        Some((partition.clone(), sort.unwrap_or(MODEL_PREFIX).to_owned()))
    }
}

/// Writes plans as YAML, numbering names from one counter.
#[derive(Debug, Default)]
struct Writer {
    out: String,
    last_number: usize,
    /// The Rust type names generated so far, which an enum's name must not repeat.
    type_names: BTreeSet<String>,
}

/// The names a field may refer to: models (RelatedField) and shapes (ObjectField, ListField).
#[derive(Debug, Clone, Copy)]
struct Names<'a> {
    models: &'a [String],
    shapes: &'a [String],
}

impl Writer {
    fn schema(
        mut self,
        models: &[ModelPlan],
        mapping: Option<&MappingPlan>,
        shapes: &[ShapePlan],
    ) -> String {
        let mut keywords = BTreeSet::new();
        let names: Vec<String> = models
            .iter()
            .map(|model| self.model_name(&model.name, &mut keywords))
            .collect();
        let mapping = mapping.map(|plan| (plan, self.model_name(&plan.name, &mut keywords)));
        for name in names.iter().chain(mapping.iter().map(|(_, name)| name)) {
            let generated = [
                name.clone(),
                format!("{name}Id"),
                format!("{name}Key"),
                format!("New{name}"),
                format!("{name}Update"),
            ];
            self.type_names.extend(generated);
        }
        let shape_names: Vec<String> = shapes
            .iter()
            .map(|shape| self.spell(&shape.words.words, &[], Case::Pascal))
            .collect();
        for name in &shape_names {
            let generated = [name.clone(), format!("{name}Attr"), format!("{name}Patch")];
            self.type_names.extend(generated);
        }
        if !shapes.is_empty() {
            self.line(0, "shapes:");
        }
        for (at, (plan, name)) in shapes.iter().zip(&shape_names).enumerate() {
            // A shape holds only the shapes after it: no cycle.
            let held = Names {
                models: &names,
                shapes: &shape_names[at + 1..],
            };
            self.line(0, "");
            self.comment(2, &plan.doc);
            self.line(2, &format!("{name}:"));
            self.fields(name, &plan.fields, held, false);
        }
        let all = Names {
            models: &names,
            shapes: &shape_names,
        };
        self.line(0, "models:");
        for (plan, name) in models.iter().zip(&names) {
            self.model(plan, name, all);
        }
        if let Some((plan, name)) = mapping {
            self.mapping(plan, &name, all);
        }
        self.out
    }

    fn model(&mut self, plan: &ModelPlan, name: &str, targets: Names<'_>) {
        self.header(name, &plan.doc, plan.prefix);
        self.iteration(plan.iteration);
        let fields = self.fields(name, &plan.fields, targets, false);
        if plan.ttl {
            self.line(6, "ttl: {type: TtlField}");
        }
        let key = flow(&plan.key.entries(&fields.keyable));
        self.line(4, &format!("primaryKey: {key}"));
        self.indexes(&plan.indexes, &fields, &plan.gsi_slots);
        self.constraints(&plan.constraints, &fields.keyable, &plan.constraint_slots);
    }

    fn mapping(&mut self, plan: &MappingPlan, name: &str, targets: Names<'_>) {
        self.header(name, &plan.doc, plan.prefix);
        self.line(4, "tableType: mapping");
        if plan.untyped {
            self.line(4, "mapping: true");
        }
        let fields = self.fields(name, &plan.fields, targets, plan.untyped);
        let (left, right) = (&fields.related[0], &fields.related[1]);
        let key = flow(&[("partitionKey", left), ("sortKey", right)]);
        self.line(4, &format!("primaryKey: {key}"));
        self.mapping_indexes(plan, left, right);
    }

    /// The primary key alias, partitioned by `left`, and the GSI partitioned by `right`.
    fn mapping_indexes(&mut self, plan: &MappingPlan, left: &str, right: &str) {
        if plan.alias.is_none() && plan.reverse.is_none() {
            return;
        }
        self.line(4, "indexes:");
        if let Some(alias) = &plan.alias {
            let alias = self.index_name(alias);
            self.line(6, &format!("{alias}: primaryKey"));
        }
        if let Some((reverse, slot)) = &plan.reverse {
            let reverse = self.index_name(reverse);
            self.line(6, &format!("{reverse}: {}", gsi(right, left, *slot)));
        }
    }

    /// The model's comment, name and `modelPrefix`.
    fn header(&mut self, name: &str, doc: &[String], prefix: Prefix) {
        self.line(0, "");
        self.comment(2, doc);
        self.line(2, &format!("{name}:"));
        let prefix = match prefix {
            Prefix::Short => format!("p{}", self.number()),
            Prefix::Lowercase => name.to_lowercase(),
            Prefix::Dotted => format!("app.{}-v{}", name.to_lowercase(), self.number()),
        };
        self.line(4, &format!("modelPrefix: {prefix}"));
    }

    fn iteration(&mut self, iteration: Iteration) {
        match iteration {
            Iteration::Unset => {}
            Iteration::Off => self.line(4, "iterable: false"),
            Iteration::On => self.line(4, "iterable: true"),
            Iteration::Buckets(buckets) => {
                self.line(4, "iterable: true");
                self.line(4, &format!("iterationBuckets: {buckets}"));
            }
        }
    }

    fn fields(
        &mut self,
        model: &str,
        plans: &[FieldPlan],
        targets: Names<'_>,
        untyped: bool,
    ) -> KeyFields {
        self.line(4, "fields:");
        let mut keywords = BTreeSet::new();
        let mut fields = KeyFields::default();
        for plan in plans {
            let name = self.field_name(plan, &mut keywords);
            // An enum whose type name another generated type has is refused (B056): such a
            // field stays a plain StringField here.
            let mut plan = plan.clone();
            if matches!(plan.kind, FieldKind::Enum { .. }) {
                let enum_name = format!(
                    "{model}{}",
                    heck::ToUpperCamelCase::to_upper_camel_case(name.as_str())
                );
                if !self.type_names.insert(enum_name) {
                    plan.kind = FieldKind::String {
                        max_length: None,
                        default: None,
                    };
                }
            }
            // Without a shape to hold, a map is a string and a list holds integers.
            if targets.shapes.is_empty() {
                match plan.kind {
                    FieldKind::Object { .. } => {
                        plan.kind = FieldKind::String {
                            max_length: None,
                            default: None,
                        };
                    }
                    FieldKind::List {
                        items: Items::Shape(_),
                    } => {
                        plan.kind = FieldKind::List {
                            items: Items::Named("IntegerField"),
                        };
                    }
                    _ => {}
                }
            }
            let plan = &plan;
            let body = flow(&plan.entries(&targets, untyped));
            self.documented(6, &plan.doc, &format!("{name}: {body}"));
            if matches!(plan.kind, FieldKind::Related { .. }) {
                fields.related.push(name.clone());
            }
            if plan.kind.keyable() {
                fields.keyable.push(name);
            }
        }
        fields
    }

    fn indexes(&mut self, plans: &[IndexPlan], fields: &KeyFields, slots: &[u8]) {
        if plans.is_empty() {
            return;
        }
        self.line(4, "indexes:");
        let mut slots = slots.iter();
        for plan in plans {
            let name = self.index_name(&plan.name);
            let definition = match plan.keys(fields) {
                None => "primaryKey".to_owned(),
                Some((partition, sort)) => {
                    let slot = slots.next().expect("a slot for each of at most five GSIs");
                    gsi(&partition, &sort, *slot)
                }
            };
            self.line(6, &format!("{name}: {definition}"));
        }
    }

    fn constraints(&mut self, plans: &[ConstraintPlan], keyable: &[String], slots: &[u8]) {
        let mut constrained = BTreeSet::new();
        let chosen: Vec<(&ConstraintPlan, &String)> = plans
            .iter()
            .map(|plan| (plan, plan.field.get(keyable)))
            .filter(|(_, field)| constrained.insert(*field))
            .collect();
        if chosen.is_empty() {
            return;
        }
        self.line(4, "uniqueConstraints:");
        for ((plan, field), slot) in chosen.into_iter().zip(slots) {
            let name = self.constraint_name(plan);
            let definition = flow(&[
                ("field", field.clone()),
                ("uniqueConstraintId", format!("uc{slot}")),
            ]);
            self.line(6, &format!("{name}: {definition}"));
        }
    }

    fn model_name(&mut self, name: &Name, keywords: &mut BTreeSet<&'static str>) -> String {
        match name {
            Name::Keyword(pick) => keyword(&split(MODEL_KEYWORDS), *pick, keywords).to_owned(),
            Name::Words(words) => self.spell(&words.words, &[], Case::Pascal),
        }
    }

    fn field_name(&mut self, plan: &FieldPlan, keywords: &mut BTreeSet<&'static str>) -> String {
        match &plan.name {
            Name::Keyword(pick) => keyword(&split(FIELD_KEYWORDS), *pick, keywords).to_owned(),
            Name::Words(words) => {
                let suffix: &[&str] = if plan.id_suffix { &["id"] } else { &[] };
                self.spell(&words.words, suffix, Case::of(words))
            }
        }
    }

    fn index_name(&mut self, name: &IndexName) -> String {
        let suffix = name
            .for_word
            .map_or_else(Vec::new, |word| vec!["for", word]);
        self.spell(&name.words.words, &suffix, Case::of(&name.words))
    }

    fn constraint_name(&mut self, plan: &ConstraintPlan) -> String {
        let prefix: &[&str] = if plan.unique_prefix { &["unique"] } else { &[] };
        let words: Vec<&str> = prefix.iter().chain(&plan.words.words).copied().collect();
        self.spell(&words, &[], Case::of(&plan.words))
    }

    /// The words, a fresh number, then the suffix, joined in `case`.
    fn spell(&mut self, words: &[&str], suffix: &[&str], case: Case) -> String {
        let number = self.number().to_string();
        let pieces = limited(words)
            .chain([number.as_str()])
            .chain(suffix.iter().copied());
        case.join(pieces)
    }

    fn number(&mut self) -> usize {
        self.last_number += 1;
        self.last_number
    }

    fn documented(&mut self, indent: usize, doc: &Doc, text: &str) {
        match doc {
            Doc::None => self.line(indent, text),
            Doc::Above(lines) => {
                self.comment(indent, lines);
                self.line(indent, text);
            }
            Doc::Trailing(comment) => self.line(indent, &format!("{text}  # {comment}")),
        }
    }

    fn comment(&mut self, indent: usize, lines: &[String]) {
        for line in lines {
            self.line(indent, &format!("# {line}"));
        }
    }

    /// Writes `text` indented, or an empty line.
    fn line(&mut self, indent: usize, text: &str) {
        if !text.is_empty() {
            self.out.extend(std::iter::repeat_n(' ', indent));
            self.out.push_str(text);
        }
        self.out.push('\n');
    }
}
