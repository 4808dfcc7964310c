//! User transactions: creates, updates, deletes and condition checks across models in one
//! TransactWriteItems, all or nothing.

use bao_runtime::{Error, Model};
use examples::models::{
    NewDocument, NewPost, NewTag, NewUser, Post, PostUpdate, Tag, TagUpdate, User,
};
use tests::{scan_all, start, start_logged, unique_items};

#[tokio::test(flavor = "current_thread")]
async fn creates_across_models_are_one_transaction() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut tx = db.transaction();
    let ada = tx.create(NewUser::new("Ada", "ada@example.com")).unwrap();
    let first = tx.create(NewPost::new(ada, "first", "body")).unwrap();
    let tag = tx.create(NewTag::new("rust")).unwrap();
    assert_eq!(tx.len(), 4, "the email's constraint item counts");
    let capacity = tx.commit().await.unwrap();

    assert_eq!(requests.operations(), ["TransactWriteItems"]);
    assert!(capacity.write > 0.0, "{capacity:?}");
    let post = Post::find(db, &first).await.unwrap().expect("the post");
    assert_eq!(post.user_id, ada);
    assert_eq!(post.get_user(db).await.unwrap().unwrap().name, "Ada");
    assert!(Tag::find(db, &tag).await.unwrap().is_some());
    let owner = User::find_by_email(db, "ada@example.com").await.unwrap();
    assert_eq!(owner.map(|user| user.user_id), Some(ada));
}

#[tokio::test(flavor = "current_thread")]
async fn a_cancelled_transaction_names_the_failed_part_and_writes_nothing() {
    let test = start().await;
    let db = test.db();
    User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let before = scan_all(db).await.len();

    let mut tx = db.transaction();
    let tag = tx.create(NewTag::new("kept?")).unwrap();
    tx.create(NewUser::new("Imposter", "ada@example.com"))
        .unwrap();
    let error = tx.commit().await.unwrap_err();

    let Error::TransactionCancelled { reasons } = &error else {
        panic!("expected a cancelled transaction, got {error:?}");
    };
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].index, 2, "tag, user, then the email claim");
    assert_eq!(reasons[0].code, "ConditionalCheckFailed");
    assert!(
        reasons[0].part.contains("uniqueEmail") && reasons[0].part.contains("ada@example.com"),
        "{}",
        reasons[0].part
    );
    assert!(error.to_string().contains("uniqueEmail"), "{error}");
    assert_eq!(scan_all(db).await.len(), before, "nothing was written");
    assert!(Tag::find(db, &tag).await.unwrap().is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn updates_checks_and_deletes_commit_together() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let post = Post::create(db, NewPost::new(ada.user_id, "draft", "body"))
        .await
        .unwrap();
    let tag = Tag::create(db, NewTag::new("old")).await.unwrap();

    let mut tx = db.transaction();
    tx.check(&ada.user_id, User::NAME.eq("Ada")).unwrap();
    tx.update(
        &post.post_id,
        PostUpdate::new().title("published").add_views(1),
    )
    .unwrap();
    tx.delete(&tag.tag_id).unwrap();
    tx.commit().await.unwrap();

    let post = Post::find(db, &post.post_id).await.unwrap().unwrap();
    assert_eq!((post.title.as_str(), post.views), ("published", 1));
    assert!(Tag::find(db, &tag.tag_id).await.unwrap().is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_check_cancels_the_writes_beside_it() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let post = Post::create(db, NewPost::new(ada.user_id, "draft", "body"))
        .await
        .unwrap();

    let mut tx = db.transaction();
    tx.update(&post.post_id, PostUpdate::new().title("published"))
        .unwrap();
    tx.check(&ada.user_id, User::NAME.eq("Grace")).unwrap();
    let error = tx.commit().await.unwrap_err();

    let Error::TransactionCancelled { reasons } = &error else {
        panic!("expected a cancelled transaction, got {error:?}");
    };
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].index, 1);
    assert!(
        reasons[0].part.starts_with("check User"),
        "{}",
        reasons[0].part
    );
    let post = Post::find(db, &post.post_id).await.unwrap().unwrap();
    assert_eq!(post.title, "draft", "the update was rolled back");
}

#[tokio::test(flavor = "current_thread")]
async fn an_update_of_a_missing_item_cancels_the_transaction() {
    let test = start().await;
    let db = test.db();
    let mut tx = db.transaction();
    tx.create(NewTag::new("new")).unwrap();
    tx.update(
        &examples::models::TagId::generate(db),
        TagUpdate::new().name("ghost"),
    )
    .unwrap();
    let error = tx.commit().await.unwrap_err();
    assert!(error.is_transaction_cancelled(), "{error:?}");
    assert!(
        scan_all(db).await.is_empty(),
        "no upsert, no partial create"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn delete_loaded_releases_unique_values_in_the_same_transaction() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let tag = Tag::create(db, NewTag::new("t")).await.unwrap();

    let refused = db.transaction().delete(&ada.user_id).unwrap_err();
    assert!(refused.is_validation(), "{refused:?}");
    assert!(refused.to_string().contains("delete_loaded"), "{refused}");

    let mut tx = db.transaction();
    tx.delete_loaded(&ada).unwrap();
    tx.delete(&tag.tag_id).unwrap();
    assert_eq!(tx.len(), 3);
    tx.commit().await.unwrap();
    assert!(
        scan_all(db).await.is_empty(),
        "user, constraint item and tag are gone"
    );
    User::create(db, NewUser::new("Ada again", "ada@example.com"))
        .await
        .expect("the email is free again");
}

#[tokio::test(flavor = "current_thread")]
async fn delete_loaded_of_a_changed_email_is_cancelled() {
    let test = start().await;
    let db = test.db();
    let stale = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut fresh = stale.clone();
    fresh.email = "lovelace@example.com".into();
    fresh.save(db).await.unwrap();

    let mut tx = db.transaction();
    tx.delete_loaded(&stale).unwrap();
    let error = tx.commit().await.unwrap_err();
    assert!(error.is_transaction_cancelled(), "{error:?}");
    assert_eq!(
        unique_items(db).await.len(),
        1,
        "the new email stays claimed"
    );
    assert!(User::find(db, &stale.user_id).await.unwrap().is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn a_unique_field_change_is_refused_inside_a_transaction() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut tx = db.transaction();
    let error = tx
        .update(
            &ada.user_id,
            examples::models::UserUpdate::new().email("new@example.com"),
        )
        .unwrap_err();
    assert!(error.is_validation(), "{error:?}");
    assert!(error.to_string().contains("email"), "{error}");
    assert!(tx.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn over_one_hundred_items_is_refused_before_sending() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut tx = db.transaction();
    for i in 0..50 {
        tx.create(NewUser::new(format!("u{i}"), format!("u{i}@example.com")))
            .unwrap();
    }
    assert_eq!(tx.len(), 100);
    tx.create(NewDocument::new("one too many")).unwrap();
    let error = tx.commit().await.unwrap_err();
    assert!(error.is_validation(), "{error:?}");
    assert!(
        error.to_string().ends_with(
            "101 items, DynamoDB allows at most 100: 50 × create User, 50 × claim of User \
             unique constraint uniqueEmail, 1 × create Document"
        ),
        "what filled it is named: {error}"
    );
    assert_eq!(requests.total(), 0, "nothing was sent");
    assert!(scan_all(db).await.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn an_empty_transaction_sends_nothing() {
    let (test, requests) = start_logged().await;
    let capacity = test.db().transaction().commit().await.unwrap();
    assert_eq!(capacity.total(), 0.0);
    assert_eq!(requests.total(), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn bad_input_is_refused_when_the_part_is_added() {
    let test = start().await;
    let db = test.db();
    let mut tx = db.transaction();
    tx.create(NewUser::new("", "x@example.com"))
        .expect("empty strings are allowed outside keys");
    let too_long = "x".repeat(2001);
    let refused = tx
        .create(examples::models::NewComment::new(
            examples::models::PostId::generate(db),
            examples::models::UserId::generate(db),
            too_long,
        ))
        .unwrap_err();
    assert!(refused.is_validation(), "{refused:?}");
    assert!(refused.to_string().contains("text"), "{refused}");
    assert_eq!(tx.len(), 2, "the refused create added nothing");
}
