//! DynamoDB's limits: an item over 400 KB is refused with a typed error (before sending when
//! bao can tell, else from DynamoDB's refusal) and nothing is written; `find_many` of more than
//! 100 keys is sent in chunks; a batch read whose answer would pass 16 MB comes back partly as
//! unprocessed keys and is completed by the retries.

use bao_runtime::ops::{MAX_BATCH_GET_KEYS, MAX_ITEM_BYTES};
use bao_runtime::testing::TestDb;
use bao_runtime::testing::faults::Faults;
use bao_runtime::{Clock, Db, Error, Model, Timestamp};
use examples::models::{
    NewPost, NewTag, NewUser, Post, PostId, PostUpdate, Tag, TagId, User, UserId, UserUpdate,
};
use futures::StreamExt;
use std::sync::Arc;
use tests::{dynamo_size, fast_retries, raw_item, scan_all, start_faulty, stored, unique_items};

/// A clock stopped at one instant, so that dates (and so item sizes) do not vary.
#[derive(Debug)]
struct Stopped;

impl Clock for Stopped {
    fn now(&self) -> Timestamp {
        Timestamp::from_millisecond(1_716_000_000_123).unwrap()
    }
}

async fn start() -> (TestDb, Db, Faults) {
    let (test, _, faults) = start_faulty().await;
    let db = Db::builder(test.db().client().clone(), test.db().table())
        .retry(fast_retries())
        .clock(Arc::new(Stopped))
        .build();
    (test, db, faults)
}

fn post_pk(id: &PostId) -> String {
    format!("p#{id}")
}

fn too_large(error: &Error) -> (&'static str, Option<usize>) {
    match error {
        Error::ItemTooLarge { model, size, .. } => (*model, *size),
        other => panic!("expected an item-too-large error, got {other:?}"),
    }
}

/// The stored size of a post with no content, measured on a stored one.
async fn post_overhead(db: &Db, author: UserId) -> usize {
    let probe = Post::create(db, NewPost::new(author, "t", ""))
        .await
        .unwrap();
    let size = dynamo_size(&stored(db, &post_pk(&probe.post_id), "p").await);
    Post::delete(db, &probe.post_id).await.unwrap();
    size
}

// ---------------------------------------------------------------------------------------------
// 400 KB

#[tokio::test(flavor = "current_thread")]
async fn a_create_surely_over_400_kb_is_refused_before_sending() {
    let (_test, db, faults) = start().await;
    let content = "x".repeat(MAX_ITEM_BYTES + 1);
    let error = Post::create(&db, NewPost::new(UserId::generate(&db), "t", content))
        .await
        .unwrap_err();
    let (model, size) = too_large(&error);
    assert_eq!(model, "Post");
    assert!(size.is_some_and(|size| size > MAX_ITEM_BYTES), "{error}");
    assert!(error.is_item_too_large());
    assert_eq!(faults.count("PutItem"), 0);

    let error = User::create(
        &db,
        NewUser::new("x".repeat(MAX_ITEM_BYTES), "a@example.com"),
    )
    .await
    .unwrap_err();
    assert_eq!(too_large(&error).0, "User");
    assert_eq!(faults.count("TransactWriteItems"), 0);
    assert!(scan_all(&db).await.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn a_create_over_the_limit_only_with_its_keys_is_refused_by_dynamodb() {
    let (_test, db, faults) = start().await;
    let author = UserId::generate(&db);
    let overhead = post_overhead(&db, author).await;

    let exact = "x".repeat(MAX_ITEM_BYTES - overhead);
    let fits = Post::create(&db, NewPost::new(author, "t", exact))
        .await
        .expect("an item of exactly 400 KB is accepted");
    let raw = stored(&db, &post_pk(&fits.post_id), "p").await;
    assert_eq!(dynamo_size(&raw), MAX_ITEM_BYTES);

    faults.clear();
    let over = "x".repeat(MAX_ITEM_BYTES - overhead + 1);
    let error = Post::create(&db, NewPost::new(author, "t", over))
        .await
        .unwrap_err();
    assert_eq!(
        too_large(&error),
        ("Post", None),
        "the fields fit, so DynamoDB judged"
    );
    assert_eq!(faults.count("PutItem"), 1);
    assert_eq!(scan_all(&db).await.len(), 1, "only the item that fits");
}

#[tokio::test(flavor = "current_thread")]
async fn a_save_over_400_kb_is_refused_before_sending_and_the_item_kept() {
    let (_test, db, faults) = start().await;
    let mut post = Post::create(&db, NewPost::new(UserId::generate(&db), "t", "small"))
        .await
        .unwrap();
    let before = stored(&db, &post_pk(&post.post_id), "p").await;
    faults.clear();

    post.content = "x".repeat(MAX_ITEM_BYTES + 1);
    let error = post.save(&db).await.unwrap_err();
    assert!(too_large(&error).1.is_some(), "{error}");
    assert_eq!(faults.count("UpdateItem"), 0);
    assert_eq!(stored(&db, &post_pk(&post.post_id), "p").await, before);
}

#[tokio::test(flavor = "current_thread")]
async fn an_update_that_outgrows_400_kb_is_refused_by_dynamodb_and_the_item_kept() {
    let (_test, db, faults) = start().await;
    let author = UserId::generate(&db);
    let overhead = post_overhead(&db, author).await;
    let post = Post::create(&db, NewPost::new(author, "t", "small"))
        .await
        .unwrap();
    let before = stored(&db, &post_pk(&post.post_id), "p").await;
    faults.clear();

    // Each half fits; together they do not. Only DynamoDB knows the stored item.
    let half = "x".repeat((MAX_ITEM_BYTES - overhead) / 2 + 1);
    let update = PostUpdate::new().title(half.clone()).content(half);
    let error = Post::update(&db, &post.post_id, update).await.unwrap_err();
    assert_eq!(too_large(&error), ("Post", None));
    assert_eq!(faults.count("UpdateItem"), 1);
    assert_eq!(stored(&db, &post_pk(&post.post_id), "p").await, before);
}

#[tokio::test(flavor = "current_thread")]
async fn a_unique_move_that_outgrows_400_kb_cancels_the_transaction_and_keeps_everything() {
    let (_test, db, faults) = start().await;
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let pk = format!("u#{}", ada.user_id);
    let before = stored(&db, &pk, "u").await;
    faults.clear();

    let update = UserUpdate::new()
        .email("lovelace@example.com")
        .name("x".repeat(MAX_ITEM_BYTES));
    let error = User::update(&db, &ada.user_id, update).await.unwrap_err();
    assert_eq!(too_large(&error), ("User", None));
    assert_eq!(faults.count("TransactWriteItems"), 1);
    assert_eq!(stored(&db, &pk, "u").await, before);
    let claims = unique_items(&db).await;
    assert_eq!(claims.len(), 1);
    assert!(
        raw_item(
            &db,
            "_raft_uc#_uc1#u#email:lovelace@example.com",
            "_raft_uc"
        )
        .await
        .is_none()
    );
}

// ---------------------------------------------------------------------------------------------
// 100 keys and 16 MB per BatchGetItem

#[tokio::test(flavor = "current_thread")]
async fn find_many_of_more_than_100_keys_is_sent_in_chunks() {
    let (_test, db, faults) = start().await;
    let tags: Vec<Tag> = futures::stream::iter(0..230)
        .map(|i| {
            let db = &db;
            async move {
                Tag::create(db, NewTag::new(format!("tag {i}")))
                    .await
                    .unwrap()
            }
        })
        .buffered(16)
        .collect()
        .await;
    let mut keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    let missing: Vec<TagId> = (0..20).map(|_| TagId::generate(&db)).collect();
    keys.extend(&missing);
    keys.extend(tags.iter().take(10).map(|tag| tag.tag_id));
    faults.clear();

    let found = Tag::find_many(&db, &keys).await.unwrap();

    assert_eq!(found.len(), keys.len());
    for (key, found) in keys.iter().zip(&found) {
        match found {
            Some(tag) => assert_eq!(tag.tag_id, *key),
            None => assert!(missing.contains(key), "{key} was stored"),
        }
    }
    assert_eq!(found.iter().flatten().count(), 240);
    let sizes: Vec<usize> = faults
        .records()
        .iter()
        .filter(|record| record.operation == "BatchGetItem")
        .map(|record| record.items)
        .collect();
    assert_eq!(sizes.len(), 3, "{sizes:?}");
    assert!(sizes.iter().all(|size| *size <= MAX_BATCH_GET_KEYS));
    assert_eq!(sizes.iter().sum::<usize>(), 250, "each distinct key once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_read_past_16_mb_is_completed_from_unprocessed_keys() {
    const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
    // The fewest items of the largest size whose answer passes 16 MB.
    const POSTS: usize = MAX_RESPONSE_BYTES / MAX_ITEM_BYTES + 1;
    let (_test, db, faults) = start().await;
    let author = UserId::generate(&db);
    let content = "x".repeat(MAX_ITEM_BYTES - post_overhead(&db, author).await);
    let ids: Vec<PostId> = futures::stream::iter(0..POSTS)
        .map(|_| {
            let new = NewPost::new(author, "t", content.clone());
            let db = &db;
            async move { Post::create(db, new).await.unwrap().post_id }
        })
        .buffered(2)
        .collect()
        .await;
    faults.clear();

    let found = Post::find_many(&db, &ids).await.unwrap();

    assert!(found.iter().zip(&ids).all(|(post, id)| {
        post.as_ref()
            .is_some_and(|post| post.post_id == *id && post.content == content)
    }));
    assert_eq!(
        faults.count("BatchGetItem"),
        2,
        "{POSTS} items of 400 KB do not fit one 16 MB answer"
    );
    assert_eq!(faults.injected("BatchGetItem"), 0, "the server split it");
}
