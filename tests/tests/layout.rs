//! Items written by bao, read back with the plain SDK, match DynamoBao's layout byte for byte
//! (reference §3): key attributes and their encodings, index and iteration keys, attribute
//! types of every field kind, unique-constraint items, and the tenant prefix.

use bao_runtime::aws_sdk_dynamodb::primitives::Blob;
use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::{Db, Model, Timestamp, Ulid};
use examples::models::{
    Comment, NewComment, NewPost, NewSetting, NewShowcase, NewTaggedPost, NewUser, Post, PostId,
    PostUpdate, Setting, SettingId, Showcase, TagId, TaggedPost, User, UserId,
};
use profile::Profile;
use tests::{RawItem, dynamo_bao_bucket, n, raw_item, s, set, start, stored, unique_items};

/// Builds an expected item from `(name, value)` pairs.
fn item<const N: usize>(pairs: [(&str, AttributeValue); N]) -> RawItem {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// The item with its string sets sorted, so two items compare regardless of set order.
fn normalized(mut item: RawItem) -> RawItem {
    for value in item.values_mut() {
        if let AttributeValue::Ss(members) = value {
            members.sort();
        }
    }
    item
}

fn ms(at: Timestamp) -> AttributeValue {
    n(at.as_millisecond())
}

/// DynamoBao's key encoding of a date: epoch milliseconds zero-padded to 20 digits.
fn padded(at: Timestamp) -> String {
    format!("{:020}", at.as_millisecond())
}

fn iter_pk(tenant: &str, prefix: &str, id: &str) -> String {
    format!("{tenant}{prefix}#iter#{:03}", dynamo_bao_bucket(id, 10))
}

#[test]
fn the_bucket_oracle_matches_the_reference_vectors() {
    for (id, ten, hundred) in [
        ("01JFGMRH7XACZ8GKB81DZ5YWNH", 2, 82),
        ("user123", 3, 73),
        ("a", 7, 97),
        ("é😀", 2, 12),
    ] {
        assert_eq!(dynamo_bao_bucket(id, 10), ten, "{id}");
        assert_eq!(dynamo_bao_bucket(id, 100), hundred, "{id}");
    }
}

// ---------------------------------------------------------------------------------------------
// main items

#[tokio::test(flavor = "current_thread")]
async fn user_item_matches_the_reference_layout() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let id = user.user_id.to_string();
    let expected = item([
        ("_pk", s(format!("u#{id}"))),
        ("_sk", s("u")),
        ("userId", s(&id)),
        ("name", s("Ada")),
        ("email", s("ada@example.com")),
        ("role", s("user")),
        ("createdAt", ms(user.created_at)),
        ("modifiedAt", ms(user.modified_at)),
        ("_iter_pk", s(iter_pk("", "u", &id))),
        ("_iter_sk", s(&id)),
    ]);
    assert_eq!(stored(db, &format!("u#{id}"), "u").await, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn iteration_bucket_is_dynamo_bao_java_hash() {
    let test = start().await;
    let db = test.db();
    // The reference's test vector: bucket 2 of 10.
    let id: Ulid = "01JFGMRH7XACZ8GKB81DZ5YWNH".parse().unwrap();
    let new = NewUser::new("Vector", "vector@example.com").with_user_id(id);
    User::create(db, new).await.unwrap();
    let raw = stored(db, "u#01JFGMRH7XACZ8GKB81DZ5YWNH", "u").await;
    assert_eq!(raw["_iter_pk"], s("u#iter#002"));
    assert_eq!(raw["_iter_sk"], s("01JFGMRH7XACZ8GKB81DZ5YWNH"));

    // And for many ids, the bucket is the independently computed one.
    for i in 0..20 {
        let user = User::create(db, NewUser::new("n", format!("{i}@example.com")))
            .await
            .unwrap();
        let id = user.user_id.to_string();
        let raw = stored(db, &format!("u#{id}"), "u").await;
        assert_eq!(raw["_iter_pk"], s(iter_pk("", "u", &id)), "{id}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn post_item_carries_both_index_keys_and_iteration_keys() {
    let test = start().await;
    let db = test.db();
    let user = UserId::generate(db);
    let post = Post::create(db, NewPost::new(user, "Title", "Body"))
        .await
        .unwrap();
    let id = post.post_id.to_string();
    let expected = item([
        ("_pk", s(format!("p#{id}"))),
        ("_sk", s("p")),
        ("postId", s(&id)),
        ("userId", s(user.to_string())),
        ("title", s("Title")),
        ("content", s("Body")),
        ("views", n(0)),
        ("createdAt", ms(post.created_at)),
        ("_gsi2_pk", s(format!("p#gsi2#{user}"))),
        ("_gsi2_sk", s(&id)),
        ("_gsi1_pk", s("p#gsi1#p")),
        ("_gsi1_sk", s(padded(post.created_at))),
        ("_iter_pk", s(iter_pk("", "p", &id))),
        ("_iter_sk", s(&id)),
    ]);
    assert_eq!(stored(db, &format!("p#{id}"), "p").await, expected);
    assert_eq!(padded(post.created_at).len(), 20);
}

#[tokio::test(flavor = "current_thread")]
async fn update_keeps_index_and_iteration_keys_and_rekeys_a_changed_source() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    let pk = format!("p#{}", post.post_id);
    let before = stored(db, &pk, "p").await;
    Post::update(db, &post.post_id, PostUpdate::new().title("t2"))
        .await
        .unwrap();
    let after = stored(db, &pk, "p").await;
    for key in [
        "_gsi1_pk", "_gsi1_sk", "_gsi2_pk", "_gsi2_sk", "_iter_pk", "_iter_sk",
    ] {
        assert_eq!(after.get(key), before.get(key), "{key}");
    }

    let other = UserId::generate(db);
    Post::update(db, &post.post_id, PostUpdate::new().user_id(other))
        .await
        .unwrap();
    let moved = stored(db, &pk, "p").await;
    assert_eq!(moved["_gsi2_pk"], s(format!("p#gsi2#{other}")));
    assert_eq!(moved["_gsi2_sk"], s(post.post_id.to_string()));
    let mine = User::find(db, &other).await.unwrap();
    assert!(
        mine.is_none(),
        "the user does not exist; only the index moved"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn comment_item_has_a_composite_key() {
    let test = start().await;
    let db = test.db();
    let post = PostId::generate(db);
    let author = UserId::generate(db);
    let comment = Comment::create(db, NewComment::new(post, author, "hi"))
        .await
        .unwrap();
    let expected = item([
        ("_pk", s(format!("c#{post}"))),
        ("_sk", s(comment.comment_id.to_string())),
        ("postId", s(post.to_string())),
        ("commentId", s(comment.comment_id.to_string())),
        ("authorId", s(author.to_string())),
        ("text", s("hi")),
        ("createdAt", ms(comment.created_at)),
    ]);
    assert_eq!(
        stored(db, &format!("c#{post}"), &comment.comment_id.to_string()).await,
        expected
    );
}

#[tokio::test(flavor = "current_thread")]
async fn mapping_item_has_a_composite_key_and_a_reverse_index() {
    let test = start().await;
    let db = test.db();
    let tag = TagId::generate(db);
    let post = PostId::generate(db);
    let link = TaggedPost::create(db, NewTaggedPost::new(tag, post))
        .await
        .unwrap();
    let expected = item([
        ("_pk", s(format!("tp#{tag}"))),
        ("_sk", s(post.to_string())),
        ("tagId", s(tag.to_string())),
        ("postId", s(post.to_string())),
        ("createdAt", ms(link.created_at)),
        ("_gsi1_pk", s(format!("tp#gsi1#{post}"))),
        ("_gsi1_sk", s(tag.to_string())),
    ]);
    assert_eq!(
        stored(db, &format!("tp#{tag}"), &post.to_string()).await,
        expected
    );
}

#[tokio::test(flavor = "current_thread")]
async fn setting_item_is_keyed_by_the_model_prefix() {
    let test = start().await;
    let db = test.db();
    Setting::create(db, NewSetting::new("theme").with_value("dark"))
        .await
        .unwrap();
    let expected = item([
        ("_pk", s("set")),
        ("_sk", s("theme")),
        ("name", s("theme")),
        ("value", s("dark")),
    ]);
    assert_eq!(stored(db, "set", "theme").await, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn every_field_kind_is_stored_with_its_dynamodb_type() {
    let test = start().await;
    let db = test.db();
    let owner = UserId::generate(db);
    let new = NewShowcase::new()
        .with_label("types")
        .with_quantity(-42)
        .with_ratio(1.23456)
        .with_active(false)
        .with_happened_at(Timestamp::new(1_700_000_000, 123_999_999).unwrap())
        .with_owner_id(owner)
        .with_hits(7)
        .with_payload(vec![0u8, 255, 10])
        .with_ttl(Timestamp::from_millisecond(1_800_000_000_999).unwrap())
        .with_labels(set(["red", "green"]));
    let showcase = Showcase::create(db, new).await.unwrap();
    let id = showcase.showcase_id.to_string();
    let expected = item([
        ("_pk", s(format!("sc#{id}"))),
        ("_sk", s("sc")),
        ("showcaseId", s(&id)),
        ("label", s("types")),
        ("quantity", n("-42")),
        ("ratio", n("1.23")),
        ("active", AttributeValue::Bool(false)),
        ("happenedAt", n("1700000000123")),
        ("createdAt", ms(showcase.created_at)),
        ("modifiedAt", ms(showcase.modified_at)),
        ("ownerId", s(owner.to_string())),
        ("hits", n("7")),
        ("payload", AttributeValue::B(Blob::new(vec![0u8, 255, 10]))),
        ("version", s(showcase.version.to_string())),
        ("ttl", n("1800000000")),
        (
            "labels",
            AttributeValue::Ss(vec!["green".into(), "red".into()]),
        ),
    ]);
    let raw = stored(db, &format!("sc#{id}"), "sc").await;
    assert_eq!(normalized(raw), expected);
}

#[tokio::test(flavor = "current_thread")]
async fn absent_optionals_and_an_empty_set_store_no_attribute() {
    let test = start().await;
    let db = test.db();
    let showcase = Showcase::create(db, NewShowcase::new()).await.unwrap();
    let id = showcase.showcase_id.to_string();
    let raw = stored(db, &format!("sc#{id}"), "sc").await;
    let mut names: Vec<&str> = raw.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "_pk",
            "_sk",
            "active",
            "createdAt",
            "hits",
            "modifiedAt",
            "quantity",
            "showcaseId",
            "version",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// unique constraints

#[tokio::test(flavor = "current_thread")]
async fn unique_constraint_item_matches_the_reference_layout() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "Ada@Example.com"))
        .await
        .unwrap();
    let key = "_raft_uc#_uc1#u#email:Ada@Example.com";
    let expected = item([
        ("_pk", s(key)),
        ("_sk", s("_raft_uc")),
        ("uniqueValue", s(key)),
        ("relatedId", s(user.user_id.to_string())),
        ("relatedModel", s("User")),
    ]);
    assert_eq!(stored(db, key, "_raft_uc").await, expected);
    assert_eq!(unique_items(db).await.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// tenants

#[tokio::test(flavor = "current_thread")]
async fn tenant_prefixes_every_key_of_a_user() {
    let test = start().await;
    let acme = test.db().with_tenant("acme").unwrap();
    let user = User::create(&acme, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let id = user.user_id.to_string();
    let pk = format!("[acme]#u#{id}");
    let expected = item([
        ("_pk", s(&pk)),
        ("_sk", s("u")),
        ("userId", s(&id)),
        ("name", s("Ada")),
        ("email", s("ada@example.com")),
        ("role", s("user")),
        ("createdAt", ms(user.created_at)),
        ("modifiedAt", ms(user.modified_at)),
        ("_iter_pk", s(iter_pk("[acme]#", "u", &id))),
        ("_iter_sk", s(&id)),
    ]);
    assert_eq!(stored(&acme, &pk, "u").await, expected);
    assert_eq!(raw_item(&acme, &format!("u#{id}"), "u").await, None);

    let key = "[acme]#_raft_uc#_uc1#u#email:ada@example.com";
    let expected = item([
        ("_pk", s(key)),
        ("_sk", s("_raft_uc")),
        ("uniqueValue", s(key)),
        ("relatedId", s(&id)),
        ("relatedModel", s("User")),
        ("_gsi_test_id", s("acme")),
    ]);
    assert_eq!(stored(&acme, key, "_raft_uc").await, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn tenant_prefixes_index_partitions_but_not_sort_keys() {
    let test = start().await;
    let acme = test.db().with_tenant("acme").unwrap();
    let user = UserId::generate(&acme);
    let post = Post::create(&acme, NewPost::new(user, "t", "c"))
        .await
        .unwrap();
    let id = post.post_id.to_string();
    let raw = stored(&acme, &format!("[acme]#p#{id}"), "p").await;
    assert_eq!(raw["_sk"], s("p"));
    assert_eq!(raw["_gsi2_pk"], s(format!("[acme]#p#gsi2#{user}")));
    assert_eq!(raw["_gsi2_sk"], s(&id));
    assert_eq!(raw["_gsi1_pk"], s("[acme]#p#gsi1#p"));
    assert_eq!(raw["_gsi1_sk"], s(padded(post.created_at)));
    assert_eq!(raw["_iter_pk"], s(iter_pk("[acme]#", "p", &id)));
    assert_eq!(raw["_iter_sk"], s(&id));

    let comment = Comment::create(&acme, NewComment::new(post.post_id, user, "x"))
        .await
        .unwrap();
    let raw = stored(
        &acme,
        &format!("[acme]#c#{id}"),
        &comment.comment_id.to_string(),
    )
    .await;
    assert_eq!(raw["text"], s("x"));
}

/// A documented divergence from DynamoBao, which leaves a modelPrefix partition unprefixed.
#[tokio::test(flavor = "current_thread")]
async fn tenant_prefixes_a_model_prefix_partition_too() {
    let test = start().await;
    let db = test.db();
    let acme = db.with_tenant("acme").unwrap();
    let globex = db.with_tenant("globex").unwrap();
    Setting::create(&acme, NewSetting::new("theme").with_value("dark"))
        .await
        .unwrap();
    let raw = stored(db, "[acme]#set", "theme").await;
    assert_eq!(raw["_pk"], s("[acme]#set"));
    assert_eq!(raw["_sk"], s("theme"));
    assert_eq!(raw_item(db, "set", "theme").await, None);

    let theme = SettingId::from("theme");
    assert!(
        Setting::find(&globex, &theme).await.unwrap().is_none(),
        "tenants are isolated"
    );
    assert!(Setting::find(db, &theme).await.unwrap().is_none());
    Setting::create(&globex, NewSetting::new("theme").with_value("light"))
        .await
        .unwrap();
    let acme_theme = Setting::find(&acme, &theme).await.unwrap().unwrap();
    assert_eq!(acme_theme.value.as_deref(), Some("dark"));
}

#[tokio::test(flavor = "current_thread")]
async fn tenant_items_are_invisible_to_other_tenants() {
    let test = start().await;
    let db = test.db();
    let acme = db.with_tenant("acme").unwrap();
    let globex = db.with_tenant("globex").unwrap();
    let user = User::create(&acme, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    assert!(User::find(&globex, &user.user_id).await.unwrap().is_none());
    assert!(User::find(db, &user.user_id).await.unwrap().is_none());
    assert!(
        User::find_by_email(&globex, "ada@example.com")
            .await
            .unwrap()
            .is_none()
    );
    assert!(User::find(&acme, &user.user_id).await.unwrap().is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn tenant_ids_are_refused_only_when_they_could_reach_another_tenant() {
    let test = start().await;
    let long = "x".repeat(257);
    for bad in ["", "a]#b", "a]", long.as_str()] {
        let error = test.db().with_tenant(bad).unwrap_err();
        assert!(error.is_validation(), "{bad}: {error:?}");
    }
    for good in ["acme-1_2.x", "a#b", "a:b", "[a", "a b", "ada@example.com"] {
        assert!(test.db().with_tenant(good).is_ok(), "{good}");
    }
}

// ---------------------------------------------------------------------------------------------
// sparse indexes

#[tokio::test(flavor = "current_thread")]
async fn an_index_whose_source_becomes_none_loses_its_key_attributes() {
    let test = start().await;
    let db = test.db();
    let mut profile = Profile::create(db, Some("ada")).await.unwrap();
    let id = profile.profile_id.0.to_string();
    let pk = format!("pr#{id}");
    let raw = stored(db, &pk, "pr").await;
    assert_eq!(raw["_gsi3_pk"], s("pr#gsi3#ada"));
    assert_eq!(raw["_gsi3_sk"], s(&id));

    profile.handle = None;
    profile.save(db).await.unwrap();
    let raw = stored(db, &pk, "pr").await;
    assert!(!raw.contains_key("handle"));
    assert!(
        !raw.contains_key("_gsi3_pk"),
        "stale index key left behind: {raw:?}"
    );
    assert!(
        !raw.contains_key("_gsi3_sk"),
        "stale index key left behind: {raw:?}"
    );

    profile.handle = Some("lovelace".into());
    profile.save(db).await.unwrap();
    let raw = stored(db, &pk, "pr").await;
    assert_eq!(raw["_gsi3_pk"], s("pr#gsi3#lovelace"));
    assert_eq!(raw["_gsi3_sk"], s(&id));
}

#[tokio::test(flavor = "current_thread")]
async fn an_index_without_its_source_is_not_written_on_create() {
    let test = start().await;
    let db = test.db();
    let profile = Profile::create(db, None).await.unwrap();
    let raw = stored(db, &format!("pr#{}", profile.profile_id.0), "pr").await;
    let mut names: Vec<&str> = raw.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["_pk", "_sk", "profileId"]);
}

/// A model written by hand in the shape bao generates, for the one case `models.yaml` does not
/// cover: an index whose source field is optional.
///
/// ```yaml
/// Profile:
///   modelPrefix: pr
///   fields:
///     profileId: {type: UlidField, autoAssign: true}
///     handle: {type: StringField}
///   primaryKey: {partitionKey: profileId}
///   indexes:
///     byHandle: {partitionKey: handle, sortKey: profileId, indexId: gsi3}
/// ```
mod profile {
    use super::Db;
    use bao_runtime::codec;
    use bao_runtime::schema::{
        FieldKind, FieldSchema, IndexSchema, KeyPart, KeySchema, ModelSchema,
    };
    use bao_runtime::{Item, ItemState, KeyNewtype, Model, Result, Ulid};

    const F_PROFILE_ID: FieldSchema = FieldSchema::new("profileId", FieldKind::Ulid, true);
    const F_HANDLE: FieldSchema = FieldSchema::new("handle", FieldKind::String, false);
    const FIELDS: &[FieldSchema] = &[F_PROFILE_ID, F_HANDLE];

    /// A profile whose optional `handle` feeds the `byHandle` index (gsi3).
    #[derive(Debug, Clone, PartialEq)]
    pub struct Profile {
        pub profile_id: ProfileId,
        pub handle: Option<String>,
        state: ItemState,
    }

    /// The key of a [`Profile`].
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct ProfileId(pub Ulid);

    impl KeyNewtype for ProfileId {
        type Model = Profile;
        type Value = Ulid;
        const FIELD: &'static FieldSchema = &F_PROFILE_ID;

        fn value(&self) -> &Ulid {
            &self.0
        }

        fn from_value(value: Ulid) -> Self {
            ProfileId(value)
        }
    }

    impl Profile {
        pub async fn create(db: &Db, handle: Option<&str>) -> Result<Profile> {
            let mut item = Item::with_capacity(2);
            codec::put(&mut item, &F_PROFILE_ID, &db.new_ulid());
            codec::put(&mut item, &F_HANDLE, &handle.map(str::to_owned));
            bao_runtime::ops::create(db, item).await
        }

        pub async fn save(&mut self, db: &Db) -> Result<()> {
            bao_runtime::ops::save(db, self, Default::default()).await
        }
    }

    impl Model for Profile {
        type Key = ProfileId;
        const SCHEMA: &'static ModelSchema = &ModelSchema {
            name: "Profile",
            prefix: "pr",
            fields: FIELDS,
            primary_key: KeySchema {
                partition: KeyPart::Field("profileId"),
                sort: KeyPart::ModelPrefix,
            },
            indexes: &[IndexSchema {
                name: "byHandle",
                gsi: Some(3),
                key: KeySchema {
                    partition: KeyPart::Field("handle"),
                    sort: KeyPart::Field("profileId"),
                },
            }],
            unique_constraints: &[],
            iteration_buckets: None,
            search: None,
            soft_delete: None,
            children: &[],
        };

        fn key(&self) -> ProfileId {
            self.profile_id
        }

        fn write_fields<S: codec::FieldSink>(&self, sink: &mut S) {
            sink.put(&F_PROFILE_ID, &self.profile_id.0);
            sink.put(&F_HANDLE, &self.handle);
        }

        fn from_fields<S: codec::FieldSource>(fields: &S) -> Result<Self> {
            Ok(Profile {
                profile_id: ProfileId(codec::get(fields, "Profile", &F_PROFILE_ID)?),
                handle: codec::get_opt(fields, "Profile", &F_HANDLE)?,
                state: ItemState::default(),
            })
        }

        fn state(&self) -> &ItemState {
            &self.state
        }

        fn state_mut(&mut self) -> &mut ItemState {
            &mut self.state
        }
    }
}
