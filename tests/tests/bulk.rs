//! Writes to every item a query matches (`update_each`, `delete_each`): each write is
//! conditioned on the item still matching, items that no longer do are counted as skipped, and
//! `atomically()` writes them all in one transaction or none.

use bao_runtime::{Bulk, Error, Model};
use examples::models::{NewPost, NewUser, Post, PostUpdate, User, UserId};

async fn posts(db: &bao_runtime::Db, user: UserId, titles: &[&str]) {
    for title in titles {
        Post::create(db, NewPost::new(user, *title, "text"))
            .await
            .unwrap();
    }
}

async fn titles(db: &bao_runtime::Db, user: &User) -> Vec<String> {
    let mut titles: Vec<String> = user
        .query_posts(db)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|post| post.title)
        .collect();
    titles.sort();
    titles
}

/// Every matching post is written, one UpdateItem each after the query; the others are not.
#[tokio::test(flavor = "current_thread")]
async fn update_each_writes_every_matching_item() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    posts(db, ada.user_id, &["Draft a", "Draft b", "Draft c", "Final"]).await;
    requests.reset();
    let bulk = ada
        .query_posts(db)
        .filter(Post::TITLE.begins_with("Draft"))
        .concurrency(2)
        .update_each(PostUpdate::new().title("Published").add_views(1))
        .await
        .unwrap();
    assert_eq!((bulk.matched, bulk.changed, bulk.skipped), (3, 3, 0));
    assert!(
        bulk.capacity.write > 0.0 && bulk.capacity.read > 0.0,
        "{bulk:?}"
    );
    assert_eq!(requests.count("Query"), 1);
    assert_eq!(requests.count("UpdateItem"), 3);
    assert_eq!(
        titles(db, &ada).await,
        ["Final", "Published", "Published", "Published"]
    );
}

/// An item whose write condition no longer holds is skipped, not overwritten: here the
/// update's own condition, which each write checks with the query's.
#[tokio::test(flavor = "current_thread")]
async fn an_item_that_no_longer_matches_is_skipped() {
    let test = tests::start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    posts(db, ada.user_id, &["a", "b", "c"]).await;
    let all = ada.query_posts(db).all().await.unwrap();
    Post::update(db, &all[1].post_id, PostUpdate::new().add_views(5))
        .await
        .unwrap();
    let bulk = ada
        .query_posts(db)
        .update_each(PostUpdate::new().title("Quiet").only_if(Post::VIEWS.lt(5)))
        .await
        .unwrap();
    assert_eq!((bulk.matched, bulk.changed, bulk.skipped), (3, 2, 1));
    let busy = Post::find(db, &all[1].post_id).await.unwrap().unwrap();
    assert_eq!(busy.title, "b", "the skipped post kept its title");
}

/// `delete_each` deletes the matching items and releases their unique values without reading
/// them again.
#[tokio::test(flavor = "current_thread")]
async fn delete_each_releases_unique_values() {
    use crate::references::schema::{Author, Book, NewAuthor, NewBook};
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let ada = Author::create(db, NewAuthor::new("Ada")).await.unwrap();
    for (title, isbn) in [("A1", "isbn-1"), ("A2", "isbn-2"), ("B", "isbn-3")] {
        let new = NewBook::new(ada.author_id, title).with_isbn(isbn);
        Book::create(db, new).await.unwrap();
    }
    requests.reset();
    let bulk: Bulk = ada
        .query_books(db)
        .filter(Book::TITLE.begins_with("A"))
        .delete_each()
        .await
        .unwrap();
    assert_eq!((bulk.matched, bulk.changed, bulk.skipped), (2, 2, 0));
    assert_eq!(
        requests.count("TransactWriteItems"),
        2,
        "a delete and a release per book"
    );
    assert_eq!(requests.count("GetItem"), 0);
    // The ISBNs are free again; the third book is still there.
    let new = NewBook::new(ada.author_id, "A1 again").with_isbn("isbn-1");
    Book::create(db, new).await.unwrap();
    assert_eq!(ada.query_books(db).all().await.unwrap().len(), 2);
}

/// `atomically()` writes every matched item in one transaction; one that no longer matches
/// cancels it all, and over DynamoDB's 100 parts it is refused before sending.
#[tokio::test(flavor = "current_thread")]
async fn atomically_writes_all_or_nothing() {
    let (test, requests) = tests::start_logged().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    posts(db, ada.user_id, &["a", "b"]).await;
    requests.reset();
    let bulk = ada
        .query_posts(db)
        .atomically()
        .update_each(PostUpdate::new().add_views(1))
        .await
        .unwrap();
    assert_eq!((bulk.matched, bulk.changed), (2, 2));
    assert_eq!(requests.operations(), ["Query", "TransactWriteItems"]);

    let error = ada
        .query_posts(db)
        .atomically()
        .update_each(PostUpdate::new().title("x").only_if(Post::VIEWS.gt(1)))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::TransactionCancelled { .. }),
        "{error:?}"
    );
    assert_eq!(titles(db, &ada).await, ["a", "b"], "nothing was written");

    let many: Vec<String> = (0..101).map(|i| format!("p{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    posts(db, ada.user_id, &many).await;
    requests.reset();
    let error = ada
        .query_posts(db)
        .atomically()
        .delete_each()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("103 matched items"), "{error}");
    assert!(
        !requests
            .operations()
            .contains(&"TransactWriteItems".to_owned())
    );
}

/// Under a tenant, the query and the writes stay in the tenant.
#[tokio::test(flavor = "current_thread")]
async fn bulk_writes_stay_in_the_tenant() {
    let test = tests::start().await;
    let a = test.db().with_tenant("tenant-a").unwrap();
    let b = test.db().with_tenant("tenant-b").unwrap();
    for db in [&a, &b] {
        let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
            .await
            .unwrap();
        posts(db, ada.user_id, &["x"]).await;
    }
    let bulk = Post::query_all_posts(&a)
        .update_each(PostUpdate::new().title("A's"))
        .await
        .unwrap();
    assert_eq!(bulk.changed, 1);
    let others = Post::query_all_posts(&b).all().await.unwrap();
    assert_eq!(others[0].title, "x");
}

/// An iteration's `update_each` backfills a whole model through the iteration buckets; its
/// closure filter picks the items on the client.
#[tokio::test(flavor = "current_thread")]
async fn an_iteration_updates_each_item_it_yields() {
    use examples::models::UserUpdate;
    let test = tests::start().await;
    let db = test.db();
    for i in 0..6 {
        let new = NewUser::new(format!("User {i}"), format!("u{i}@example.com"));
        let new = match i % 2 {
            0 => new.with_role("admin"),
            _ => new,
        };
        User::create(db, new).await.unwrap();
    }
    let bulk = User::iterate_all(db)
        .filter(|user| user.role.as_deref() == Some("admin"))
        .update_each(UserUpdate::new().role("staff"))
        .await
        .unwrap();
    assert_eq!((bulk.matched, bulk.changed, bulk.skipped), (3, 3, 0));
    let staff = User::iterate_all(db)
        .filter(|user| user.role.as_deref() == Some("staff"))
        .collect()
        .await
        .unwrap();
    assert_eq!(staff.len(), 3);
}

/// An item another writer changes between the query and its write, so that it no longer
/// matches the query's filter, is skipped: the filter is checked again by DynamoDB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_changed_after_the_query_is_skipped() {
    use bao_runtime::testing::faults::Injected;
    let (test, db, faults) = tests::start_faulty().await;
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    posts(&db, ada.user_id, &["Draft a", "Draft b"]).await;
    let last = ada.query_posts(&db).all().await.unwrap().pop().unwrap();
    let (endpoint, table) = (test.endpoint().to_owned(), db.table().to_owned());
    faults.before_transmit("UpdateItem", 1, move || {
        let (endpoint, table) = (endpoint.clone(), table.clone());
        // Another writer, on a thread and client of its own, renames the last draft.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let config = bao_runtime::local::client_config(&endpoint).build();
                let client = bao_runtime::aws_sdk_dynamodb::Client::from_conf(config);
                let other = bao_runtime::Db::new(client, table);
                let rename = PostUpdate::new().title("Final");
                Post::update(&other, &last.post_id, rename).await.unwrap();
            });
        })
        .join()
        .unwrap();
    });
    let bulk = ada
        .query_posts(&db)
        .filter(Post::TITLE.begins_with("Draft"))
        .concurrency(1)
        .update_each(PostUpdate::new().title("Published"))
        .await
        .unwrap();
    let hooked = faults
        .records()
        .into_iter()
        .filter(|record| record.injected == Some(Injected::Hook))
        .count();
    assert_eq!(
        hooked, 1,
        "the other writer ran between the query and the writes"
    );
    assert_eq!((bulk.matched, bulk.changed, bulk.skipped), (2, 1, 1));
    assert_eq!(titles(&db, &ada).await, ["Final", "Published"]);
}
