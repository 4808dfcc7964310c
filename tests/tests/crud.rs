//! Create, find, save, update and delete of the generated models against DynamoDB: values
//! round-trip, writes touch only what changed, guards and conditions hold, counters and string
//! sets change atomically. What is stored is checked with the plain SDK.

use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::schema::{FieldKind, FieldSchema};
use bao_runtime::{Changes, Error, Item, Model, Timestamp};
use examples::models::{
    Comment, CommentKey, CommentUpdate, Document, NewComment, NewDocument, NewPost, NewSetting,
    NewShowcase, NewUser, Post, PostId, PostUpdate, Setting, SettingId, SettingUpdate, Showcase,
    ShowcaseUpdate, User, UserId, UserUpdate,
};
use tests::{n, raw_item, raw_set, s, set, start, stored, string_set_of, text_of};

fn user_pk(id: &UserId) -> String {
    format!("u#{id}")
}

fn post_pk(id: &PostId) -> String {
    format!("p#{id}")
}

fn showcase_pk(showcase: &Showcase) -> String {
    format!("sc#{}", showcase.showcase_id)
}

// ---------------------------------------------------------------------------------------------
// User, Post: create / find / find_many

#[tokio::test(flavor = "current_thread")]
async fn created_user_is_found_with_defaults_applied() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(user.name, "Ada");
    assert_eq!(user.email, "ada@example.com");
    assert_eq!(
        user.role.as_deref(),
        Some("user"),
        "defaultValue applied on create"
    );
    assert_eq!(user.profile_picture_url, None);
    assert_eq!(user.created_at, user.modified_at);

    let found = User::find(db, &user.user_id)
        .await
        .unwrap()
        .expect("the user exists");
    assert_eq!(found, user);
}

#[tokio::test(flavor = "current_thread")]
async fn find_of_a_missing_key_is_none() {
    let test = start().await;
    let db = test.db();
    assert!(
        User::find(db, &UserId::generate(db))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        Post::find(db, &PostId::generate(db))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn find_many_keeps_the_order_and_gives_none_for_missing_keys() {
    let test = start().await;
    let db = test.db();
    let mut ids = Vec::new();
    for name in ["a", "b", "c"] {
        let user = User::create(db, NewUser::new(name, format!("{name}@example.com")))
            .await
            .unwrap();
        ids.push(user.user_id);
    }
    let missing = UserId::generate(db);
    let keys = [ids[2], missing, ids[0], ids[1], ids[2]];
    let found = User::find_many(db, &keys).await.unwrap();
    let names: Vec<Option<&str>> = found
        .iter()
        .map(|u| u.as_ref().map(|u| u.name.as_str()))
        .collect();
    assert_eq!(names, [Some("c"), None, Some("a"), Some("b"), Some("c")]);
}

#[tokio::test(flavor = "current_thread")]
async fn create_of_an_existing_key_is_already_exists_and_changes_nothing() {
    let test = start().await;
    let db = test.db();
    let user = UserId::generate(db);
    let post = Post::create(db, NewPost::new(user, "first", "body"))
        .await
        .unwrap();
    let again = NewPost::new(user, "second", "other").with_post_id(post.post_id);
    let error = Post::create(db, again).await.unwrap_err();
    assert!(error.is_already_exists(), "{error:?}");
    let raw = stored(db, &post_pk(&post.post_id), "p").await;
    assert_eq!(text_of(&raw, "title"), "first");
}

// ---------------------------------------------------------------------------------------------
// save

#[tokio::test(flavor = "current_thread")]
async fn save_stores_the_change_and_refreshes_modified_date() {
    let test = start().await;
    let db = test.db();
    let created = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut user = User::find(db, &created.user_id).await.unwrap().unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    user.name = "Ada Lovelace".into();
    user.save(db).await.unwrap();
    assert_eq!(user.name, "Ada Lovelace");
    assert!(
        user.modified_at > created.modified_at,
        "ModifiedDate refreshed"
    );
    assert_eq!(user.created_at, created.created_at, "CreateDate untouched");

    let raw = stored(db, &user_pk(&user.user_id), "u").await;
    assert_eq!(text_of(&raw, "name"), "Ada Lovelace");
    assert_eq!(raw["modifiedAt"], n(user.modified_at.as_millisecond()));
    let found = User::find(db, &user.user_id).await.unwrap().unwrap();
    assert_eq!(found, user);
}

#[tokio::test(flavor = "current_thread")]
async fn save_writes_only_the_changed_fields() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut loaded = User::find(db, &user.user_id).await.unwrap().unwrap();
    // Another writer changes `role` after we loaded the item.
    raw_set(db, &user_pk(&user.user_id), "u", "role", s("admin")).await;

    loaded.name = "Ada Lovelace".into();
    loaded.save(db).await.unwrap();

    let raw = stored(db, &user_pk(&user.user_id), "u").await;
    assert_eq!(text_of(&raw, "name"), "Ada Lovelace");
    assert_eq!(
        text_of(&raw, "role"),
        "admin",
        "an unchanged field was overwritten"
    );
    assert_eq!(text_of(&raw, "email"), "ada@example.com");
    assert_eq!(
        loaded.role.as_deref(),
        Some("admin"),
        "save returns the stored item"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn save_removes_a_field_set_to_none() {
    let test = start().await;
    let db = test.db();
    let new = NewUser::new("Ada", "ada@example.com").with_profile_picture_url("https://p/1.png");
    let mut user = User::create(db, new).await.unwrap();
    assert!(
        stored(db, &user_pk(&user.user_id), "u")
            .await
            .contains_key("profilePictureUrl")
    );
    user.profile_picture_url = None;
    user.save(db).await.unwrap();
    let raw = stored(db, &user_pk(&user.user_id), "u").await;
    assert!(!raw.contains_key("profilePictureUrl"), "{raw:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn save_without_changes_sends_nothing() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut loaded = User::find(db, &user.user_id).await.unwrap().unwrap();
    let before = stored(db, &user_pk(&user.user_id), "u").await;
    test.calls().reset();
    loaded.save(db).await.unwrap();
    assert_eq!(test.calls().total(), 0, "{:?}", test.calls().operations());
    assert_eq!(stored(db, &user_pk(&user.user_id), "u").await, before);
}

#[tokio::test(flavor = "current_thread")]
async fn save_of_a_deleted_item_is_not_found_and_does_not_recreate_it() {
    let test = start().await;
    let db = test.db();
    let mut post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    Post::delete(db, &post.post_id).await.unwrap();
    post.title = "resurrected".into();
    let error = post.save(db).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(raw_item(db, &post_pk(&post.post_id), "p").await, None);
}

#[tokio::test(flavor = "current_thread")]
async fn save_of_a_deleted_versioned_item_is_not_found() {
    let test = start().await;
    let db = test.db();
    let mut doc = Document::create(db, NewDocument::new("plan"))
        .await
        .unwrap();
    Document::delete(db, &doc.document_id).await.unwrap();
    doc.body = Some("draft".into());
    let error = doc.save(db).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(
        raw_item(db, &format!("doc#{}", doc.document_id), "doc").await,
        None
    );
}

// ---------------------------------------------------------------------------------------------
// update / delete

#[tokio::test(flavor = "current_thread")]
async fn update_returns_the_new_item() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "old", "content"))
        .await
        .unwrap();
    let updated = Post::update(db, &post.post_id, PostUpdate::new().title("new"))
        .await
        .unwrap();
    assert_eq!(updated.title, "new");
    assert_eq!(
        updated.content, "content",
        "untouched fields come back from the table"
    );
    assert_eq!(updated.user_id, post.user_id);
    assert_eq!(updated.created_at, post.created_at);
    let raw = stored(db, &post_pk(&post.post_id), "p").await;
    assert_eq!(text_of(&raw, "title"), "new");
}

#[tokio::test(flavor = "current_thread")]
async fn update_of_a_missing_item_is_not_found_and_creates_nothing() {
    let test = start().await;
    let db = test.db();
    let id = PostId::generate(db);
    let error = Post::update(db, &id, PostUpdate::new().title("x"))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(raw_item(db, &post_pk(&id), "p").await, None);
}

#[tokio::test(flavor = "current_thread")]
async fn delete_returns_the_old_item_and_a_second_delete_is_not_found() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    let deleted = Post::delete(db, &post.post_id).await.unwrap();
    assert_eq!(deleted, post);
    assert_eq!(raw_item(db, &post_pk(&post.post_id), "p").await, None);
    let error = Post::delete(db, &post.post_id).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn delete_of_a_user_with_a_unique_email_returns_it_and_a_second_is_not_found() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let deleted = User::delete(db, &user.user_id).await.unwrap();
    assert_eq!(deleted, user);
    assert!(User::find(db, &user.user_id).await.unwrap().is_none());
    let error = User::delete(db, &user.user_id).await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

// ---------------------------------------------------------------------------------------------
// conditions

#[tokio::test(flavor = "current_thread")]
async fn save_if_with_a_false_condition_fails_and_leaves_the_item_unchanged() {
    let test = start().await;
    let db = test.db();
    let mut user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let before = stored(db, &user_pk(&user.user_id), "u").await;
    user.name = "Mallory".into();
    let error = user.save_if(db, User::ROLE.eq("admin")).await.unwrap_err();
    assert!(error.is_condition_failed(), "{error:?}");
    assert_eq!(stored(db, &user_pk(&user.user_id), "u").await, before);

    user.save_if(db, User::ROLE.eq("user")).await.unwrap();
    let raw = stored(db, &user_pk(&user.user_id), "u").await;
    assert_eq!(
        text_of(&raw, "name"),
        "Mallory",
        "a true condition lets the save through"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn delete_if_with_a_false_condition_fails_and_keeps_the_item() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let before = stored(db, &user_pk(&user.user_id), "u").await;
    let error = User::delete_if(db, &user.user_id, User::ROLE.eq("admin"))
        .await
        .unwrap_err();
    assert!(error.is_condition_failed(), "{error:?}");
    assert_eq!(stored(db, &user_pk(&user.user_id), "u").await, before);
    assert!(
        User::find_by_email(db, "ada@example.com")
            .await
            .unwrap()
            .is_some()
    );

    let deleted = User::delete_if(db, &user.user_id, User::ROLE.eq("user"))
        .await
        .unwrap();
    assert_eq!(deleted.user_id, user.user_id);
    assert_eq!(raw_item(db, &user_pk(&user.user_id), "u").await, None);
}

#[tokio::test(flavor = "current_thread")]
async fn delete_if_without_unique_constraints_checks_the_condition() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "keep", "c"))
        .await
        .unwrap();
    let error = Post::delete_if(db, &post.post_id, Post::TITLE.eq("other"))
        .await
        .unwrap_err();
    assert!(error.is_condition_failed(), "{error:?}");
    assert!(raw_item(db, &post_pk(&post.post_id), "p").await.is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn update_only_if_with_a_false_condition_fails_and_leaves_the_item_unchanged() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "title", "c"))
        .await
        .unwrap();
    let before = stored(db, &post_pk(&post.post_id), "p").await;
    let update = PostUpdate::new()
        .title("changed")
        .add_views(1)
        .only_if(Post::TITLE.eq("other"));
    let error = Post::update(db, &post.post_id, update).await.unwrap_err();
    assert!(error.is_condition_failed(), "{error:?}");
    assert_eq!(stored(db, &post_pk(&post.post_id), "p").await, before);

    let update = PostUpdate::new()
        .title("changed")
        .only_if(Post::TITLE.eq("title"));
    let updated = Post::update(db, &post.post_id, update).await.unwrap();
    assert_eq!(updated.title, "changed");
}

// ---------------------------------------------------------------------------------------------
// counters

#[tokio::test(flavor = "current_thread")]
async fn add_views_changes_the_counter_atomically() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    assert_eq!(post.views, 0, "a counter starts at 0");
    // A stale copy must not matter: ADD is applied to the stored value.
    raw_set(db, &post_pk(&post.post_id), "p", "views", n(10)).await;
    let updated = Post::update(db, &post.post_id, PostUpdate::new().add_views(5))
        .await
        .unwrap();
    assert_eq!(updated.views, 15);
    let updated = Post::update(db, &post.post_id, PostUpdate::new().add_views(-3))
        .await
        .unwrap();
    assert_eq!(updated.views, 12);
    assert_eq!(
        stored(db, &post_pk(&post.post_id), "p").await["views"],
        n(12)
    );
}

// ---------------------------------------------------------------------------------------------
// Comment: a composite primary key

#[tokio::test(flavor = "current_thread")]
async fn comment_crud_by_composite_key() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    let author = UserId::generate(db);
    let first = Comment::create(db, NewComment::new(post.post_id, author, "first"))
        .await
        .unwrap();
    let second = Comment::create(db, NewComment::new(post.post_id, author, "second"))
        .await
        .unwrap();
    let key = |comment: &Comment| CommentKey {
        post_id: comment.post_id,
        comment_id: comment.comment_id,
    };

    assert_eq!(
        Comment::find(db, &key(&first)).await.unwrap().as_ref(),
        Some(&first)
    );
    assert_eq!(
        Comment::find(db, &key(&second)).await.unwrap().as_ref(),
        Some(&second)
    );
    let elsewhere = CommentKey {
        post_id: PostId::generate(db),
        comment_id: first.comment_id,
    };
    assert!(
        Comment::find(db, &elsewhere).await.unwrap().is_none(),
        "the partition is part of the key"
    );
    assert_eq!(
        first.primary_id(),
        format!("{}##__SK__##{}", post.post_id, first.comment_id)
    );

    let listed = post.query_comments(db).all().await.unwrap();
    assert_eq!(listed, vec![first.clone(), second.clone()]);

    let updated = Comment::update(db, &key(&first), CommentUpdate::new().text("edited"))
        .await
        .unwrap();
    assert_eq!(updated.text, "edited");
    assert_eq!(updated.comment_id, first.comment_id);

    let deleted = Comment::delete(db, &key(&first)).await.unwrap();
    assert_eq!(deleted.text, "edited");
    assert!(
        Comment::delete(db, &key(&first))
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        Comment::find(db, &key(&second)).await.unwrap().is_some(),
        "the sibling survives"
    );
}

// ---------------------------------------------------------------------------------------------
// Setting: the partition key is the model prefix

#[tokio::test(flavor = "current_thread")]
async fn setting_crud_in_the_model_prefix_partition() {
    let test = start().await;
    let db = test.db();
    let theme = Setting::create(db, NewSetting::new("theme").with_value("dark"))
        .await
        .unwrap();
    let locale = Setting::create(db, NewSetting::new("locale").with_value("fr"))
        .await
        .unwrap();
    assert_eq!(
        Setting::find(db, &SettingId::from("theme"))
            .await
            .unwrap()
            .as_ref(),
        Some(&theme)
    );
    assert!(
        Setting::find(db, &SettingId::from("missing"))
            .await
            .unwrap()
            .is_none()
    );

    let again = Setting::create(db, NewSetting::new("theme"))
        .await
        .unwrap_err();
    assert!(again.is_already_exists(), "{again:?}");

    let all = Setting::query_all_settings(db).all().await.unwrap();
    assert_eq!(all, vec![locale.clone(), theme.clone()], "sorted by name");

    let updated = Setting::update(
        db,
        &SettingId::from("theme"),
        SettingUpdate::new().value("light"),
    )
    .await
    .unwrap();
    assert_eq!(updated.value.as_deref(), Some("light"));
    let deleted = Setting::delete(db, &SettingId::from("theme"))
        .await
        .unwrap();
    assert_eq!(deleted.value.as_deref(), Some("light"));
    assert!(
        Setting::find(db, &SettingId::from("theme"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        Setting::find(db, &SettingId::from("locale")).await.unwrap(),
        Some(locale)
    );
}

// ---------------------------------------------------------------------------------------------
// Showcase: every field type

fn full_showcase(owner: UserId) -> NewShowcase {
    NewShowcase::new()
        .with_label("all the types")
        .with_quantity(-42)
        .with_ratio(1.23456)
        .with_active(false)
        .with_happened_at(Timestamp::new(1_700_000_000, 123_456_789).unwrap())
        .with_owner_id(owner)
        .with_hits(7)
        .with_payload(vec![0u8, 1, 2, 127, 128, 255])
        .with_ttl(Timestamp::from_millisecond(1_800_000_000_999).unwrap())
        .with_labels(set(["red", "green", "blue"]))
}

#[tokio::test(flavor = "current_thread")]
async fn every_field_type_round_trips() {
    let test = start().await;
    let db = test.db();
    let owner = UserId::generate(db);
    let created = Showcase::create(db, full_showcase(owner)).await.unwrap();
    let found = Showcase::find(db, &created.showcase_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, created);

    assert_eq!(found.label.as_deref(), Some("all the types"));
    assert_eq!(found.quantity, Some(-42));
    assert_eq!(found.ratio, Some(1.23), "precision: 2 rounds on write");
    assert_eq!(found.active, Some(false));
    assert_eq!(
        found.happened_at,
        Some(Timestamp::from_millisecond(1_700_000_000_123).unwrap()),
        "dates keep millisecond precision"
    );
    assert_eq!(found.owner_id, Some(owner));
    assert_eq!(found.hits, 7);
    assert_eq!(
        found.payload.as_deref(),
        Some(&[0u8, 1, 2, 127, 128, 255][..])
    );
    assert_eq!(
        found.ttl,
        Some(Timestamp::from_second(1_800_000_000).unwrap()),
        "ttl keeps seconds"
    );
    assert_eq!(found.labels, set(["blue", "green", "red"]));
    assert_eq!(
        found.created_at.subsec_nanosecond() % 1_000_000,
        0,
        "dates are stored in ms"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn showcase_defaults_are_applied_on_create() {
    let test = start().await;
    let db = test.db();
    let created = Showcase::create(db, NewShowcase::new()).await.unwrap();
    assert_eq!(created.quantity, Some(0));
    assert_eq!(created.active, Some(true));
    assert_eq!(created.hits, 0);
    assert!(created.labels.is_empty());
    assert_eq!(created.label, None);
    assert_eq!(created.ratio, None);
    assert_eq!(created.payload, None);
    assert_eq!(created.ttl, None);
    let raw = stored(db, &showcase_pk(&created), "sc").await;
    assert_eq!(raw["quantity"], n(0));
    assert_eq!(raw["active"], AttributeValue::Bool(true));
    assert_eq!(raw["hits"], n(0));
    assert_eq!(
        text_of(&raw, "version").len(),
        26,
        "a VersionField starts with a ULID"
    );
    assert_eq!(
        Showcase::find(db, &created.showcase_id).await.unwrap(),
        Some(created)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn float_precision_rounds_on_save_and_update() {
    let test = start().await;
    let db = test.db();
    let mut showcase = Showcase::create(db, NewShowcase::new().with_ratio(0.125))
        .await
        .unwrap();
    assert_eq!(
        showcase.ratio,
        Some(0.13),
        "half away from zero, as toFixed"
    );
    showcase.ratio = Some(5.6789);
    showcase.save(db).await.unwrap();
    assert_eq!(
        stored(db, &showcase_pk(&showcase), "sc").await["ratio"],
        n("5.68")
    );
    assert_eq!(showcase.ratio, Some(5.68));
    // The update builder takes the value as given.
    let updated = Showcase::update(db, &showcase.showcase_id, ShowcaseUpdate::new().ratio(1.5))
        .await
        .unwrap();
    assert_eq!(updated.ratio, Some(1.5));
}

#[tokio::test(flavor = "current_thread")]
async fn every_field_type_survives_save_and_clear() {
    let test = start().await;
    let db = test.db();
    let mut showcase = Showcase::create(db, full_showcase(UserId::generate(db)))
        .await
        .unwrap();
    showcase.label = None;
    showcase.quantity = None;
    showcase.ratio = None;
    showcase.active = Some(true);
    showcase.happened_at = None;
    showcase.owner_id = None;
    showcase.payload = Some(vec![9; 3]);
    showcase.ttl = None;
    showcase.labels.clear();
    showcase.save(db).await.unwrap();
    let raw = stored(db, &showcase_pk(&showcase), "sc").await;
    for gone in [
        "label",
        "quantity",
        "ratio",
        "happenedAt",
        "ownerId",
        "ttl",
        "labels",
    ] {
        assert!(
            !raw.contains_key(gone),
            "`{gone}` should be removed: {raw:?}"
        );
    }
    assert_eq!(raw["active"], AttributeValue::Bool(true));
    assert_eq!(
        raw["payload"],
        AttributeValue::B(bao_runtime::aws_sdk_dynamodb::primitives::Blob::new(vec![
            9;
            3
        ]))
    );
    assert_eq!(
        Showcase::find(db, &showcase.showcase_id).await.unwrap(),
        Some(showcase)
    );
}

// ---------------------------------------------------------------------------------------------
// validation

#[tokio::test(flavor = "current_thread")]
async fn max_length_is_enforced_before_sending() {
    let test = start().await;
    let db = test.db();
    test.calls().reset();
    let error = Showcase::create(db, NewShowcase::new().with_label("x".repeat(65)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Validation {
                model: "Showcase",
                field: "label",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(test.calls().total(), 0, "nothing was sent");
    let ok = Showcase::create(db, NewShowcase::new().with_label("é".repeat(64)))
        .await
        .unwrap();

    let error = Showcase::update(
        db,
        &ok.showcase_id,
        ShowcaseUpdate::new().label("y".repeat(65)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::Validation { field: "label", .. }),
        "{error:?}"
    );

    let post = PostId::generate(db);
    let error = Comment::create(
        db,
        NewComment::new(post, UserId::generate(db), "z".repeat(2001)),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Validation {
                model: "Comment",
                field: "text",
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn string_set_limits_are_enforced() {
    let test = start().await;
    let db = test.db();
    let many: std::collections::BTreeSet<String> = (0..11).map(|i| format!("l{i}")).collect();
    let long = set(["a"])
        .into_iter()
        .chain(["m".repeat(33)])
        .collect::<std::collections::BTreeSet<_>>();
    for labels in [many, long] {
        let error = Showcase::create(db, NewShowcase::new().with_labels(labels))
            .await
            .unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Validation {
                    field: "labels",
                    ..
                }
            ),
            "{error:?}"
        );
    }
}

static USER_NAME: FieldSchema = FieldSchema::new("name", FieldKind::String, true);

#[tokio::test(flavor = "current_thread")]
async fn a_missing_required_field_is_a_validation_error_naming_it() {
    let test = start().await;
    let db = test.db();
    let now = db.now();
    let mut item = Item::new();
    item.insert("userId".into(), s(db.new_ulid().to_string()));
    item.insert("name".into(), s("Ada"));
    item.insert("createdAt".into(), n(now.as_millisecond()));
    item.insert("modifiedAt".into(), n(now.as_millisecond()));
    test.calls().reset();
    let error = bao_runtime::ops::create::<User>(db, item)
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Validation {
                model: "User",
                field: "email",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(test.calls().total(), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn removing_a_required_field_is_a_validation_error_naming_it() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut changes = Changes::new();
    changes.remove(&USER_NAME);
    let error = bao_runtime::ops::update::<User>(db, &user.user_id, changes, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Validation { field: "name", .. }),
        "{error:?}"
    );
    assert_eq!(
        text_of(&stored(db, &user_pk(&user.user_id), "u").await, "name"),
        "Ada"
    );
}

// ---------------------------------------------------------------------------------------------
// string sets

#[tokio::test(flavor = "current_thread")]
async fn string_set_members_are_added_and_removed_by_the_update_builder() {
    let test = start().await;
    let db = test.db();
    let showcase = Showcase::create(db, NewShowcase::new().with_labels(set(["a"])))
        .await
        .unwrap();
    let id = showcase.showcase_id;
    let pk = showcase_pk(&showcase);
    // Another writer adds `x`: ADD and DELETE must keep it.
    raw_set(
        db,
        &pk,
        "sc",
        "labels",
        AttributeValue::Ss(vec!["a".into(), "x".into()]),
    )
    .await;

    let added = Showcase::update(db, &id, ShowcaseUpdate::new().add_to_labels(["b", "c"]))
        .await
        .unwrap();
    assert_eq!(added.labels, set(["a", "b", "c", "x"]));
    let removed = Showcase::update(
        db,
        &id,
        ShowcaseUpdate::new().remove_from_labels(["a", "nope"]),
    )
    .await
    .unwrap();
    assert_eq!(removed.labels, set(["b", "c", "x"]));
    assert_eq!(
        string_set_of(&stored(db, &pk, "sc").await, "labels"),
        set(["b", "c", "x"])
    );

    let emptied = Showcase::update(
        db,
        &id,
        ShowcaseUpdate::new().remove_from_labels(["b", "c", "x"]),
    )
    .await
    .unwrap();
    assert!(emptied.labels.is_empty());
    assert!(
        !stored(db, &pk, "sc").await.contains_key("labels"),
        "an empty set is no attribute"
    );

    let replaced = Showcase::update(db, &id, ShowcaseUpdate::new().labels(set(["z"])))
        .await
        .unwrap();
    assert_eq!(replaced.labels, set(["z"]));
}

#[tokio::test(flavor = "current_thread")]
async fn save_diffs_string_sets_into_add_delete_or_set() {
    let test = start().await;
    let db = test.db();
    let mut mine = Showcase::create(db, NewShowcase::new().with_labels(set(["a", "b"])))
        .await
        .unwrap();
    let pk = showcase_pk(&mine);
    let other_writer =
        |members: &[&str]| AttributeValue::Ss(members.iter().map(|m| (*m).to_owned()).collect());

    // Only additions: ADD, so a member another writer added survives.
    raw_set(db, &pk, "sc", "labels", other_writer(&["a", "b", "x"])).await;
    mine.labels.insert("c".into());
    mine.save(db).await.unwrap();
    assert_eq!(
        string_set_of(&stored(db, &pk, "sc").await, "labels"),
        set(["a", "b", "c", "x"])
    );
    assert_eq!(mine.labels, set(["a", "b", "c", "x"]));

    // Only removals: DELETE, so again the other writer's member survives.
    raw_set(
        db,
        &pk,
        "sc",
        "labels",
        other_writer(&["a", "b", "c", "x", "y"]),
    )
    .await;
    mine.labels.remove("a");
    mine.save(db).await.unwrap();
    assert_eq!(
        string_set_of(&stored(db, &pk, "sc").await, "labels"),
        set(["b", "c", "x", "y"])
    );

    // Both: SET, the whole set as this copy has it.
    raw_set(
        db,
        &pk,
        "sc",
        "labels",
        other_writer(&["b", "c", "x", "y", "z"]),
    )
    .await;
    mine.labels.remove("b");
    mine.labels.insert("d".into());
    mine.save(db).await.unwrap();
    assert_eq!(
        string_set_of(&stored(db, &pk, "sc").await, "labels"),
        set(["c", "d", "x", "y"])
    );

    // Emptied: the attribute is removed.
    mine.labels.clear();
    mine.save(db).await.unwrap();
    assert!(!stored(db, &pk, "sc").await.contains_key("labels"));
    assert!(
        Showcase::find(db, &mine.showcase_id)
            .await
            .unwrap()
            .unwrap()
            .labels
            .is_empty()
    );

    // From no set at all: SET.
    mine.labels.insert("first".into());
    mine.save(db).await.unwrap();
    assert_eq!(
        string_set_of(&stored(db, &pk, "sc").await, "labels"),
        set(["first"])
    );
}

#[tokio::test(flavor = "current_thread")]
async fn user_update_builder_clears_optional_fields() {
    let test = start().await;
    let db = test.db();
    let user = User::create(
        db,
        NewUser::new("Ada", "ada@example.com").with_role("admin"),
    )
    .await
    .unwrap();
    let updated = User::update(
        db,
        &user.user_id,
        UserUpdate::new().clear_role().clear_profile_picture_url(),
    )
    .await
    .unwrap();
    let stored = stored(db, &user_pk(&user.user_id), "u").await;
    assert!(!stored.contains_key("role") && !stored.contains_key("profilePictureUrl"));
    // A missing attribute reads as the field's default, as in DynamoBao.
    assert_eq!(updated.role.as_deref(), Some("user"));
    assert_eq!(updated.profile_picture_url, None);
}

// ---------------------------------------------------------------------------------------------
// more guards

#[tokio::test(flavor = "current_thread")]
async fn delete_if_of_a_missing_item_is_not_found() {
    let test = start().await;
    let db = test.db();
    let error = Post::delete_if(db, &PostId::generate(db), Post::TITLE.eq("x"))
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_false_condition_on_a_versioned_item_is_not_a_version_conflict() {
    let test = start().await;
    let db = test.db();
    let mut doc = Document::create(db, NewDocument::new("plan"))
        .await
        .unwrap();
    doc.body = Some("draft".into());
    let error = doc
        .save_if(db, Document::TITLE.eq("other"))
        .await
        .unwrap_err();
    assert!(error.is_condition_failed(), "{error:?}");
    assert!(!error.is_version_conflict());
}

#[tokio::test(flavor = "current_thread")]
async fn an_update_replaces_the_version_so_a_stale_save_conflicts() {
    let test = start().await;
    let db = test.db();
    let doc = Document::create(db, NewDocument::new("plan"))
        .await
        .unwrap();
    let mut stale = Document::find(db, &doc.document_id).await.unwrap().unwrap();
    let updated = Document::update(
        db,
        &doc.document_id,
        examples::models::DocumentUpdate::new().body("theirs"),
    )
    .await
    .unwrap();
    assert_ne!(
        updated.version, doc.version,
        "every write replaces the version"
    );
    stale.body = Some("mine".into());
    let error = stale.save(db).await.unwrap_err();
    assert!(error.is_version_conflict(), "{error:?}");
    let raw = stored(db, &format!("doc#{}", doc.document_id), "doc").await;
    assert_eq!(raw["body"], s("theirs"));
    assert_eq!(raw["version"], s(updated.version.to_string()));
}

#[tokio::test(flavor = "current_thread")]
async fn update_refreshes_the_modified_date() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    let updated = User::update(db, &user.user_id, UserUpdate::new().name("Ada L"))
        .await
        .unwrap();
    assert!(updated.modified_at > user.modified_at);
    assert_eq!(updated.created_at, user.created_at);
}

#[tokio::test(flavor = "current_thread")]
async fn empty_strings_are_allowed_outside_keys() {
    let test = start().await;
    let db = test.db();
    let new = NewUser::new("", "empty@example.com").with_profile_picture_url("");
    let user = User::create(db, new).await.unwrap();
    let raw = stored(db, &user_pk(&user.user_id), "u").await;
    assert_eq!(raw["name"], s(""));
    assert_eq!(raw["profilePictureUrl"], s(""));
    let found = User::find(db, &user.user_id).await.unwrap().unwrap();
    assert_eq!(found.profile_picture_url.as_deref(), Some(""));
}

#[tokio::test(flavor = "current_thread")]
async fn an_empty_key_is_a_validation_error() {
    let test = start().await;
    let db = test.db();
    let error = Setting::create(db, NewSetting::new("")).await.unwrap_err();
    assert!(error.is_validation(), "{error:?}");
}
