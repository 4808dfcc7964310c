//! Unit tests of validation.

use super::*;

fn schema(text: &str) -> ir::Schema {
    match validate_source("models.yaml", text) {
        Ok(loaded) => loaded.schema,
        Err(diagnostics) => panic!("{}", diagnostics.render(false)),
    }
}

const BLOG: &str = "
models:
  User:
    modelPrefix: u
    fields:
      userId: {type: UlidField, autoAssign: true}
      email: {type: StringField}
    primaryKey: {partitionKey: userId}
    uniqueConstraints:
      uniqueEmail: {field: email, uniqueConstraintId: uc1}
  Post:
    modelPrefix: p
    fields:
      postId: {type: UlidField, autoAssign: true}
      userId: {type: RelatedField, model: User}
      title: {type: StringField}
    primaryKey: {partitionKey: postId}
    indexes:
      allPosts: {partitionKey: modelPrefix, sortKey: postId, indexId: gsi1}
      postsForUser: {partitionKey: userId, sortKey: postId, indexId: gsi2}
  Tag:
    modelPrefix: t
    fields:
      tagId: {type: UlidField, autoAssign: true}
    primaryKey: {partitionKey: tagId}
  TaggedPost:
    modelPrefix: tp
    tableType: mapping
    fields:
      tagId: {type: RelatedField, model: Tag}
      postId: {type: RelatedField, model: Post}
    primaryKey: {partitionKey: tagId, sortKey: postId}
    indexes:
      postsForTag: primaryKey
      tagsForPost: {partitionKey: postId, sortKey: tagId, indexId: gsi1}
";

fn method_names(model: &ir::Model) -> Vec<&str> {
    let methods = &model.methods;
    methods
        .finders
        .iter()
        .map(|m| m.method.as_str())
        .chain(methods.queries.iter().map(|m| m.method.as_str()))
        .chain(methods.related.iter().map(|m| m.method.as_str()))
        .chain(methods.mappings.iter().map(|m| m.method.as_str()))
        .collect()
}

#[test]
fn methods_follow_dynamo_bao_rules() {
    let schema = schema(BLOG);
    let names: Vec<_> = schema.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["Post", "Tag", "TaggedPost", "User"],
        "sorted by name"
    );
    let model = |name| schema.model(name).expect("the model exists");
    assert_eq!(
        method_names(model("User")),
        ["find_by_email", "query_posts"]
    );
    assert_eq!(
        method_names(model("Post")),
        [
            "query_all_posts",
            "query_posts_for_user",
            "query_tags",
            "get_user",
            "get_tags"
        ]
    );
    assert_eq!(method_names(model("Tag")), ["query_posts", "get_posts"]);
    assert_eq!(
        method_names(model("TaggedPost")),
        [
            "query_posts_for_tag",
            "query_tags_for_post",
            "query_by_primary_key",
            "get_tag",
            "get_post"
        ]
    );

    let user_query = &model("User").methods.queries[0];
    assert_eq!(user_query.receiver, ir::QueryReceiver::Instance);
    assert_eq!(
        (user_query.index_model.as_str(), user_query.index.as_str()),
        ("Post", "postsForUser")
    );
    assert_eq!(
        model("Post").methods.queries[0].receiver,
        ir::QueryReceiver::Static
    );

    let getter = &model("Tag").methods.mappings[0];
    assert_eq!(
        (
            getter.mapping_model.as_str(),
            getter.index.as_str(),
            getter.source_field.as_str(),
            getter.target_field.as_str(),
            getter.target_model.as_str()
        ),
        ("TaggedPost", "postsForTag", "tagId", "postId", "Post")
    );
}

#[test]
fn defaults_and_implied_options() {
    let schema = schema(BLOG);
    let post = schema.model("Post").expect("Post");
    assert_eq!(
        post.primary_key.sort,
        KeyPart::ModelPrefix,
        "sortKey defaults to modelPrefix"
    );
    assert_eq!(post.iteration_buckets, None, "not iterable by default");
    let user_id = &post.fields[1];
    assert!(!user_id.required);
    assert!(
        post.fields[0].required,
        "UlidField and key fields are required"
    );
    let tagged = schema.model("TaggedPost").expect("TaggedPost");
    assert!(
        tagged.fields.iter().all(|field| field.required),
        "key fields are required"
    );
    assert_eq!(tagged.indexes[0].gsi, None);
    assert_eq!(tagged.indexes[0].key, tagged.primary_key);
    assert_eq!(tagged.module, "tagged_post");
}

#[test]
fn a_self_mapping_targets_the_other_field() {
    let schema = schema(
        "
models:
  User:
    modelPrefix: u
    fields: {userId: {type: UlidField}}
    primaryKey: {partitionKey: userId}
    iterable: true
  Friendship:
    modelPrefix: f
    tableType: mapping
    mapping: true
    fields:
      userId: {model: User}
      friendId: {model: User}
    primaryKey: {partitionKey: userId, sortKey: friendId}
    indexes:
      friendsForUser: primaryKey
",
    );
    let user = schema.model("User").expect("User");
    assert_eq!(user.iteration_buckets, Some(10));
    let getter = &user.methods.mappings[0];
    assert_eq!(getter.method, "get_friends");
    assert_eq!(
        (getter.source_field.as_str(), getter.target_field.as_str()),
        ("userId", "friendId")
    );
    assert_eq!(user.methods.queries[0].method, "query_friends");
}

#[test]
fn comments_become_docs() {
    let schema = schema(
        "
models:
  # A user of the app.
  # Second line.
  User:
    modelPrefix: u
    fields:
      # The id.
      userId: {type: UlidField}
      name: {type: StringField}  # Display name.
    primaryKey: {partitionKey: userId}
",
    );
    let user = schema.model("User").expect("User");
    assert_eq!(
        user.doc.as_deref(),
        Some("A user of the app.\nSecond line.")
    );
    assert_eq!(user.fields[0].doc.as_deref(), Some("The id."));
    assert_eq!(user.fields[1].doc.as_deref(), Some("Display name."));
    assert_eq!(user.source.line, 5);
}

/// The generated files of `text`, and how many warnings it draws.
fn generate(text: &str) -> (std::collections::BTreeMap<String, String>, usize) {
    let loaded = match validate_source("models.yaml", text) {
        Ok(loaded) => loaded,
        Err(diagnostics) => panic!("{}\n{text}", diagnostics.render(false)),
    };
    let options = crate::emit::Options {
        templates_dir: None,
        format: false,
        cache: None,
    };
    let files = crate::emit::render(
        &loaded.schema,
        "models.yaml",
        options,
        crate::emit::Layout::Files,
        None,
    )
    .expect("renders");
    (files, loaded.warnings.len())
}

/// A schema of a model `Note` (key `noteId`, plus `fields`) with the model keys `keys`, and a
/// model `Other` for relations.
fn note_schema(keys: &str, fields: &str) -> String {
    format!(
        "models:\n  Other:\n    modelPrefix: o\n    fields:\n      otherId: {{type: UlidField}}\n    \
         primaryKey: {{partitionKey: otherId}}\n  Note:\n    modelPrefix: n\n{keys}    fields:\n      \
         noteId: {{type: UlidField}}\n{fields}    primaryKey: {{partitionKey: noteId}}\n"
    )
}

/// Asserts that `with` generates other code than `without`, or draws more warnings.
fn assert_has_effect(what: &str, without: &str, with: &str) {
    let (plain, plain_warnings) = generate(without);
    let (changed, warnings) = generate(with);
    assert!(
        plain != changed || warnings > plain_warnings,
        "{what} is accepted but changes nothing and draws no warning:\n{with}"
    );
}

/// Fields of a model with a field that can mark it soft-deleted.
const SOFT_DELETABLE: &str =
    "      ref: {type: RelatedField, model: Other}\n      gone: {type: DateTimeField}\n";

/// Fields of a model that links two others.
const TWO_RELATIONS: &str = "      ref: {type: RelatedField, model: Other}\n      back: {type: RelatedField, model: Other}\n";

/// Nothing a schema may hold is accepted and silently ignored: every field option of every
/// field type and every model key changes the generated code or draws a warning.
#[test]
fn every_accepted_key_and_option_has_an_effect_or_warns() {
    use crate::field_types::{FIELD_TYPES, OptionValue};
    for spec in FIELD_TYPES {
        let base = match spec.field_type {
            FieldType::RelatedField => format!("type: {}, model: Other", spec.name),
            _ => format!("type: {}", spec.name),
        };
        for option in spec.options {
            let value = match (option.name, option.value) {
                // The related model is required: changing it must show.
                ("model", _) => "Note".to_owned(),
                ("shape", _) => "Geo".to_owned(),
                ("onDelete", _) => "restrict".to_owned(),
                (_, OptionValue::Boolean) => "true".to_owned(),
                (_, OptionValue::String) => "sample".to_owned(),
                (_, OptionValue::Number) => "2.5".to_owned(),
                (_, OptionValue::Integer { .. }) => "3".to_owned(),
                (_, OptionValue::DateTime) => "2024-01-01".to_owned(),
                (_, OptionValue::StringList) => "[one, two]".to_owned(),
                // The items are required: changing them must show.
                (_, OptionValue::Field) => "IntegerField".to_owned(),
            };
            let shapes = "shapes:\n  Geo:\n    fields:\n      lat: {type: FloatField}\n  \
                          Pin:\n    fields:\n      label: {type: StringField}\n";
            let field = |extra: &str| {
                let body = match option.name {
                    "model" => format!("type: {}, model: {value}", spec.name),
                    _ => format!("{base}{extra}"),
                };
                // A delete rule finds its items through an index on the field.
                let keys = match option.name {
                    "onDelete" => {
                        "    indexes:\n      byOther: {partitionKey: other, sortKey: noteId, \
                         indexId: gsi1}\n"
                    }
                    _ => "",
                };
                let schema = note_schema(keys, &format!("      other: {{{body}}}\n"));
                match option.name {
                    "shape" | "items" => format!("{shapes}{schema}"),
                    _ => schema,
                }
            };
            let with = field(&format!(", {}: {value}", option.name));
            let without = match option.name {
                "model" => note_schema("", &format!("      other: {{{base}}}\n")),
                "shape" => field(", shape: Pin"),
                "items" => field(", items: StringField"),
                _ => field(""),
            };
            assert_has_effect(
                &format!("`{}` of {}", option.name, spec.name),
                &without,
                &with,
            );
        }
    }
    let without = note_schema("", "      ref: {type: RelatedField, model: Other}\n");
    let samples: &[(&str, &str)] = &[
        ("fields", ""),
        (
            "indexes",
            "    indexes:\n      allNotes: {partitionKey: modelPrefix, sortKey: noteId, indexId: gsi1}\n",
        ),
        ("iterable", "    iterable: true\n"),
        (
            "iterationBuckets",
            "    iterable: true\n    iterationBuckets: 7\n",
        ),
        ("mapping", "    mapping: true\n"),
        ("methods", "    methods: {}\n"),
        ("modelPrefix", ""),
        ("primaryKey", ""),
        ("rustName", "    rustName: Memo\n"),
        (
            "searchable",
            "    iterable: true\n    searchable: {fields: [title]}\n",
        ),
        ("softDelete", "    softDelete: gone\n"),
        ("tableType", "    tableType: mapping\n"),
        (
            "uniqueConstraints",
            "    uniqueConstraints:\n      uniqueRef: {field: ref, uniqueConstraintId: uc1}\n",
        ),
    ];
    let listed: Vec<&str> = samples.iter().map(|(key, _)| *key).collect();
    assert_eq!(
        listed,
        crate::defs::MODEL_KEYS,
        "a sample for every model key"
    );
    for (key, keys) in samples {
        if *key == "mapping" {
            // `mapping: true` lets a field omit `type: RelatedField`: the shorthand is refused
            // without it.
            let shorthand = |keys: &str| note_schema(keys, "      ref: {model: Other}\n");
            assert!(validate_source("models.yaml", &shorthand("")).is_err());
            assert!(validate_source("models.yaml", &shorthand(keys)).is_ok());
            continue;
        }
        let with = match *key {
            // The model itself: a field, its prefix, its key.
            "fields" => note_schema(
                "",
                "      ref: {type: RelatedField, model: Other}\n      extra: {type: StringField}\n",
            ),
            "modelPrefix" => without.replace("modelPrefix: n", "modelPrefix: m"),
            "primaryKey" => without.replace(
                "primaryKey: {partitionKey: noteId}",
                "primaryKey: {partitionKey: noteId, sortKey: ref}",
            ),
            "searchable" => note_schema(
                keys,
                "      ref: {type: RelatedField, model: Other}\n      title: {type: StringField}\n",
            ),
            "iterationBuckets" => {
                note_schema(keys, "      ref: {type: RelatedField, model: Other}\n")
            }
            "softDelete" => note_schema(keys, SOFT_DELETABLE),
            "tableType" => note_schema(keys, TWO_RELATIONS),
            _ => note_schema(keys, "      ref: {type: RelatedField, model: Other}\n"),
        };
        let base = match *key {
            "searchable" => note_schema(
                "    iterable: true\n",
                "      ref: {type: RelatedField, model: Other}\n      title: {type: StringField}\n",
            ),
            "iterationBuckets" => note_schema(
                "    iterable: true\n",
                "      ref: {type: RelatedField, model: Other}\n",
            ),
            "tableType" => note_schema("", TWO_RELATIONS),
            "softDelete" => note_schema("", SOFT_DELETABLE),
            _ => without.clone(),
        };
        assert_has_effect(&format!("model key `{key}`"), &base, &with);
    }
    // The keys of a `fieldTypes` entry, a field's `rustType`, and a declared type's option.
    let declared = |entry: &str, field: &str| {
        format!(
            "fieldTypes:\n  PhoneField: {{{entry}}}\n{}",
            note_schema("", field)
        )
    };
    let phone = "      phone: {type: PhoneField}\n";
    let samples: &[(&str, String, String)] = &[
        (
            "base",
            declared("base: StringField", phone),
            declared("base: BinaryField", phone),
        ),
        (
            "rustType",
            declared("base: StringField", phone),
            declared("base: StringField, rustType: crate::Phone", phone),
        ),
        (
            "options",
            declared("base: StringField", phone),
            declared("base: StringField, options: [region]", phone),
        ),
        (
            "a declared option",
            declared(
                "base: StringField, rustType: crate::Phone, options: [region]",
                phone,
            ),
            declared(
                "base: StringField, rustType: crate::Phone, options: [region]",
                "      phone: {type: PhoneField, region: GB}\n",
            ),
        ),
        (
            "a field's rustType",
            note_schema("", "      phone: {type: StringField}\n"),
            note_schema(
                "",
                "      phone: {type: StringField, rustType: crate::Phone}\n",
            ),
        ),
    ];
    for (what, without, with) in samples {
        assert_has_effect(&format!("`fieldTypes`: {what}"), without, with);
    }
}

/// A schema large enough to be resolved on two threads reads as it would on one: the errors
/// of both halves are reported, a declared type that only the second half uses is used, and
/// each half's extension uses are kept.
#[test]
fn a_large_schema_resolves_in_halves_as_in_order() {
    use std::fmt::Write as _;
    let count = PARALLEL_MODELS * 2;
    let (first_error, second_error, second_use) = (3, count - 10, count - 1);
    let mut text = String::from("fieldTypes:\n  PhoneField: {base: StringField}\nmodels:\n");
    for i in 0..count {
        let extra = match i {
            _ if i == first_error || i == second_error => "      bad: {type: Strng}\n",
            _ if i == second_use => "      phone: {type: PhoneField}\n",
            _ => "",
        };
        let bounded = match i % 2 {
            0 => "      score: {type: IntegerField, min: 0}\n",
            _ => "",
        };
        write!(
            text,
            "  Model{i}:\n    modelPrefix: m{i}\n    fields:\n      \
             itemId: {{type: UlidField, autoAssign: true}}\n{extra}{bounded}    \
             primaryKey: {{partitionKey: itemId}}\n"
        )
        .unwrap();
    }
    let diagnostics = validate_source("models.yaml", &text).expect_err("two unknown types");
    let errors: Vec<usize> = (diagnostics.iter())
        .filter(|d| d.is_error())
        .map(|d| d.primary().expect("located").line())
        .collect();
    let line_of = |model: usize| {
        let at = text.find(&format!("  Model{model}:\n")).unwrap();
        text[..at].lines().count() + 5
    };
    assert_eq!(errors, [line_of(first_error), line_of(second_error)]);
    // One warning for the extension counts the uses of both halves; none for `PhoneField`.
    let warnings: Vec<&str> = (diagnostics.iter())
        .filter(|d| !d.is_error())
        .map(|d| d.primary().expect("located").message())
        .collect();
    assert_eq!(warnings, [format!("the first of {} uses", count / 2)]);

    let fixed = text.replace("{type: Strng}", "{type: StringField}");
    let schema = schema(&fixed);
    assert_eq!(schema.models.len(), count);
    for model in &schema.models {
        let index: usize = model.name["Model".len()..].parse().unwrap();
        let keys: Vec<&str> = model.extensions.iter().map(|e| e.key.as_str()).collect();
        let expected: &[&str] = if index.is_multiple_of(2) {
            &["min"]
        } else {
            &[]
        };
        assert_eq!(keys, expected, "{}", model.name);
    }
}
