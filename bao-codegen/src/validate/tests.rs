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
