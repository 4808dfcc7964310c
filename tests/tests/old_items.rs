//! Items stored before a field existed (by an older schema, or by another service) stay
//! readable: a missing attribute of a field with a `defaultValue` reads as the default, as
//! DynamoBao's `fromDy` does, and a value that cannot be read names the item.

use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::{Error, Model};
use examples::models::{Showcase, ShowcaseId, User, UserId};

fn s(text: &str) -> AttributeValue {
    AttributeValue::S(text.to_owned())
}

fn n(number: &str) -> AttributeValue {
    AttributeValue::N(number.to_owned())
}

/// Stores a User as a writer that knows neither `role` nor `profilePictureUrl` would, with
/// `name` when given.
async fn put_old_user(db: &bao_runtime::Db, user: UserId, name: Option<&str>) {
    let mut item = std::collections::HashMap::from([
        ("_pk".to_owned(), s(&format!("u#{user}"))),
        ("_sk".to_owned(), s("u")),
        ("userId".to_owned(), s(&user.to_string())),
        ("email".to_owned(), s(&format!("{user}@example.com"))),
        ("createdAt".to_owned(), n("1600000000000")),
        ("modifiedAt".to_owned(), n("1600000000000")),
    ]);
    if let Some(name) = name {
        item.insert("name".to_owned(), s(name));
    }
    db.client()
        .put_item()
        .table_name(db.table())
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
}

/// A User stored before `role` (default `user`) was added, and a Showcase stored before
/// `quantity` (default 0) and `active` (default true): each reads with the defaults.
#[tokio::test(flavor = "current_thread")]
async fn missing_attributes_read_as_their_defaults() {
    let test = tests::start().await;
    let db = test.db();
    let user = UserId::generate(db);
    put_old_user(db, user, Some("Old Ada")).await;
    let found = User::find(db, &user).await.unwrap().expect("stored");
    assert_eq!(found.role.as_deref(), Some("user"), "the default of `role`");
    assert_eq!(found.profile_picture_url, None, "no default: absent");

    let showcase = ShowcaseId::generate(db);
    let version = db.new_ulid().to_string();
    db.client()
        .put_item()
        .table_name(db.table())
        .item("_pk", s(&format!("sc#{showcase}")))
        .item("_sk", s("sc"))
        .item("showcaseId", s(&showcase.to_string()))
        .item("createdAt", n("1600000000000"))
        .item("modifiedAt", n("1600000000000"))
        .item("version", s(&version))
        .send()
        .await
        .unwrap();
    let found = Showcase::find(db, &showcase)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!((found.quantity, found.active), (Some(0), Some(true)));
    assert_eq!(found.hits, 0, "a counter never written is 0");
}

/// An attribute no field of the schema names (a field since removed, or another writer's)
/// does not stop the read, and the model remembers only its fields: bao's own attributes and
/// the unknown one are not part of what a save compares or a hook sees.
#[tokio::test(flavor = "current_thread")]
async fn attributes_the_schema_does_not_know_are_left_out_of_the_model() {
    let test = tests::start().await;
    let db = test.db();
    let stored_names = |user: &User| {
        let mut names: Vec<String> = user
            .state()
            .stored_item()
            .expect("read")
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    };
    let user = UserId::generate(db);
    put_old_user(db, user, Some("Old Ada")).await;
    let known = User::find(db, &user).await.unwrap().expect("stored");
    assert_eq!(
        stored_names(&known),
        ["createdAt", "email", "modifiedAt", "name", "userId"],
        "bao's `_pk` and `_sk` are not fields"
    );

    db.client()
        .update_item()
        .table_name(db.table())
        .key("_pk", s(&format!("u#{user}")))
        .key("_sk", s("u"))
        .update_expression("SET nickname = :nickname, legacyScore = :score")
        .expression_attribute_values(":nickname", s("ada"))
        .expression_attribute_values(":score", n("7"))
        .send()
        .await
        .unwrap();
    let mut found = User::find(db, &user).await.unwrap().expect("stored");
    assert_eq!(found.name, "Old Ada");
    assert_eq!(
        stored_names(&found),
        stored_names(&known),
        "no unknown attribute kept"
    );
    let many = User::find_many(db, &[user]).await.unwrap();
    assert_eq!(
        stored_names(many[0].as_ref().expect("found")),
        stored_names(&known)
    );

    // A save writes the changed field only, leaving the unknown attributes as they were.
    found.name = "Ada".to_owned();
    found.save(db).await.unwrap();
    let item = db
        .client()
        .get_item()
        .table_name(db.table())
        .key("_pk", s(&format!("u#{user}")))
        .key("_sk", s("u"))
        .send()
        .await
        .unwrap()
        .item
        .expect("stored");
    assert_eq!(item.get("name"), Some(&s("Ada")));
    assert_eq!(item.get("nickname"), Some(&s("ada")));
    assert_eq!(item.get("legacyScore"), Some(&n("7")));
}

/// A required field that is missing cannot be made up: the error names the item and the field.
#[tokio::test(flavor = "current_thread")]
async fn a_missing_required_field_names_the_item() {
    let test = tests::start().await;
    let db = test.db();
    let user = UserId::generate(db);
    put_old_user(db, user, None).await;
    let error = User::find(db, &user).await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { model: "User", id, field, .. }
            if *id == user.to_string() && field == "name"),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        format!("cannot decode User `{user}`.name: the attribute is missing")
    );
}

fixture!(evolution_v1);
fixture!(evolution_v2);

/// Notes written under schema v1 (no index, not iterable, not searchable) are read under v2
/// with the new field's default; v2's index, iteration and search find them only once
/// `reindex` has written their derived attributes, which a second `reindex` leaves alone.
#[tokio::test(flavor = "current_thread")]
async fn reindex_brings_old_items_into_new_indexes() {
    use evolution_v2::{Note, NoteId};

    let test = tests::start().await;
    let db = test.db();
    let mut ids = Vec::new();
    for title in ["Reindex me", "Reindex me too", "Other"] {
        let new = evolution_v1::NewNote::new(title).with_topic("ops");
        let note = evolution_v1::Note::create(db, new).await.unwrap();
        ids.push(NoteId::from(note.note_id.0));
    }

    let first = Note::find(db, &ids[0])
        .await
        .unwrap()
        .expect("stored by v1");
    assert_eq!(first.pinned, Some(false), "the new field's default");
    assert!(
        Note::query_by_topic(db, "ops")
            .all()
            .await
            .unwrap()
            .is_empty()
    );
    assert!(Note::iterate_all(db).collect().await.unwrap().is_empty());
    assert!(Note::search(db, "reindex").all().await.unwrap().is_empty());

    for id in &ids {
        assert!(
            Note::reindex(db, id).await.unwrap(),
            "derived attributes written"
        );
        assert!(
            !Note::reindex(db, id).await.unwrap(),
            "nothing left to write"
        );
    }
    assert_eq!(
        Note::query_by_topic(db, "ops").all().await.unwrap().len(),
        3
    );
    assert_eq!(Note::iterate_all(db).collect().await.unwrap().len(), 3);
    assert_eq!(Note::search(db, "reindex").all().await.unwrap().len(), 2);
    let unchanged = Note::find(db, &ids[0]).await.unwrap().expect("still there");
    assert_eq!(unchanged.title, first.title, "no field changes");

    let missing = NoteId::generate(db);
    let error = Note::reindex(db, &missing).await.unwrap_err();
    assert!(
        matches!(error, Error::NotFound { model: "Note", .. }),
        "{error}"
    );
}

/// A v1 note has no version, creation date or counter: it reads as never versioned, with no
/// creation date and no views, and the first save of it conditions on the version being still
/// absent, so two writers that loaded it before either saved cannot both win.
#[tokio::test(flavor = "current_thread")]
async fn automatic_fields_stored_before_they_existed() {
    use evolution_v2::{Note, NoteId};

    let test = tests::start().await;
    let db = test.db();
    let old = evolution_v1::Note::create(db, evolution_v1::NewNote::new("old"))
        .await
        .unwrap();
    let id = NoteId::from(old.note_id.0);
    let mut first = Note::find(db, &id).await.unwrap().expect("stored by v1");
    assert_eq!(
        (&first.version, first.created_at, first.views),
        (&None, None, 0),
        "absent: no version, no creation date, a counter of 0"
    );
    let mut second = first.clone();

    first.title = "first".to_owned();
    first.save(db).await.unwrap();
    let saved = Note::find(db, &id).await.unwrap().expect("still there");
    assert!(saved.version.is_some(), "the first save versions it");

    second.title = "second".to_owned();
    let error = second.save(db).await.unwrap_err();
    assert!(
        matches!(&error, Error::VersionConflict { model: "Note", expected, .. } if expected.is_empty()),
        "{error}"
    );
    let kept = Note::find(db, &id).await.unwrap().expect("still there");
    assert_eq!(kept.title, "first", "the losing write changed nothing");
}

/// A page keeps the items it can read and names the ones it cannot (another writer stored a
/// number where the schema has a string): one bad item does not hide the good ones, and `all()`
/// reports it instead of leaving it out.
#[tokio::test(flavor = "current_thread")]
async fn a_bad_item_does_not_hide_the_good_ones() {
    use examples::models::{NewPost, NewUser, Post};

    let test = tests::start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut posts = Vec::new();
    for title in ["one", "two", "three"] {
        let post = Post::create(db, NewPost::new(ada.user_id, title, "text"))
            .await
            .unwrap();
        posts.push(post);
    }
    let bad = &posts[1];
    tests::raw_set(db, &format!("p#{}", bad.post_id), "p", "title", n("42")).await;

    let page = ada.query_posts(db).page().await.unwrap();
    let titles: Vec<&str> = page.items.iter().map(|post| post.title.as_str()).collect();
    assert_eq!(titles, ["one", "three"]);
    assert_eq!(page.undecodable.len(), 1);
    assert!(
        matches!(&page.undecodable[0], Error::Decode { model: "Post", id, field, .. }
            if *id == bad.post_id.to_string() && field == "title"),
        "{:?}",
        page.undecodable
    );
    let error = ada.query_posts(db).all().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error}");

    // Iteration pages keep the good items and list the bad one too.
    use futures::TryStreamExt;
    let pages: Vec<_> = Post::iterate_all(db).pages().try_collect().await.unwrap();
    let read: usize = pages.iter().map(|page| page.items.len()).sum();
    let unread: Vec<_> = pages.iter().flat_map(|page| &page.undecodable).collect();
    assert_eq!((read, unread.len()), (2, 1));
    assert!(
        matches!(unread[0], Error::Decode { id, .. } if *id == bad.post_id.to_string()),
        "{unread:?}"
    );
    let error = Post::iterate_all(db).collect().await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error}");
}
