//! Requests per logical operation, counted by an interceptor on the client: every operation
//! makes the fewest DynamoDB calls it can, and a request scope batches, deduplicates and caches
//! finds and sums the capacity of every call made in it.
//!
//! The counts come from [`tests::Requests`] (the `X-Amz-Target` of each request sent);
//! `the_test_call_log_names_each_operation` checks that `TestDb::calls()` agrees.

use bao_runtime::{Capacity, Db, Error, Model, RequestScope};
use examples::models::{
    Document, DocumentUpdate, NewDocument, NewPost, NewTag, NewUser, Post, PostUpdate, Tag, TagId,
    TagUpdate, User, UserId,
};
use futures::StreamExt;
use futures::future::join_all;
use tests::{Requests, dynamo_bao_bucket, start, start_logged};

/// Runs `futures` with at most 32 in flight (seeding only: it keeps the number of open
/// connections low) and returns their outputs in order.
async fn seed<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    futures::stream::iter(futures).buffered(32).collect().await
}

async fn tags(db: &Db, count: usize) -> Vec<Tag> {
    seed((0..count).map(|i| async move {
        Tag::create(db, NewTag::new(format!("tag {i}")))
            .await
            .unwrap()
    }))
    .await
}

async fn users(db: &Db, count: usize) -> Vec<User> {
    seed((0..count).map(|i| async move {
        User::create(
            db,
            NewUser::new(format!("u{i}"), format!("u{i}@example.com")),
        )
        .await
        .unwrap()
    }))
    .await
}

fn operations(requests: &Requests) -> Vec<String> {
    requests.operations()
}

// ---------------------------------------------------------------------------------------------
// writes

#[tokio::test(flavor = "current_thread")]
async fn save_without_changes_is_zero_calls() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    let mut user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    requests.reset();
    post.save(db).await.unwrap();
    user.save(db).await.unwrap();
    assert_eq!(requests.total(), 0, "{:?}", operations(&requests));
}

#[tokio::test(flavor = "current_thread")]
async fn update_is_one_update_item() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    requests.reset();
    Post::update(
        db,
        &post.post_id,
        PostUpdate::new().title("t2").add_views(1),
    )
    .await
    .unwrap();
    assert_eq!(operations(&requests), ["UpdateItem"]);
}

#[tokio::test(flavor = "current_thread")]
async fn save_with_changes_is_one_update_item() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    requests.reset();
    user.name = "Ada Lovelace".into();
    user.save(db).await.unwrap();
    assert_eq!(
        operations(&requests),
        ["UpdateItem"],
        "a save that keeps the email needs no transaction"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn create_without_unique_constraints_is_one_put_item() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    assert_eq!(operations(&requests), ["PutItem"]);
}

#[tokio::test(flavor = "current_thread")]
async fn create_with_a_unique_constraint_is_one_transaction() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(
        operations(&requests),
        ["TransactWriteItems"],
        "no pre-check read, no re-read"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn save_moving_a_unique_value_is_one_transaction() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    requests.reset();
    user.email = "lovelace@example.com".into();
    user.save(db).await.unwrap();
    assert_eq!(operations(&requests), ["TransactWriteItems"]);
}

#[tokio::test(flavor = "current_thread")]
async fn delete_without_unique_constraints_is_one_delete_item() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "t", "c"))
        .await
        .unwrap();
    requests.reset();
    Post::delete(db, &post.post_id).await.unwrap();
    assert_eq!(operations(&requests), ["DeleteItem"]);
}

#[tokio::test(flavor = "current_thread")]
async fn delete_with_a_unique_constraint_is_one_read_and_one_transaction() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    requests.reset();
    User::delete(db, &user.user_id).await.unwrap();
    assert_eq!(operations(&requests), ["GetItem", "TransactWriteItems"]);
}

#[tokio::test(flavor = "current_thread")]
async fn deleting_a_loaded_item_with_a_unique_constraint_is_one_transaction() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let tag = Tag::create(db, NewTag::new("t")).await.unwrap();
    requests.reset();
    let deleted = user.delete_loaded(db).await.unwrap();
    assert_eq!(
        operations(&requests),
        ["TransactWriteItems"],
        "no read first"
    );
    assert_eq!(deleted.email, "ada@example.com");
    assert!(
        tests::unique_items(db).await.is_empty(),
        "the email is released"
    );
    requests.reset();
    tag.delete_loaded(db).await.unwrap();
    assert_eq!(operations(&requests), ["DeleteItem"]);
}

#[tokio::test(flavor = "current_thread")]
async fn deleting_a_stale_loaded_item_fails_and_releases_nothing() {
    let test = start().await;
    let db = test.db();
    let stale = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut fresh = stale.clone();
    fresh.email = "lovelace@example.com".into();
    fresh.save(db).await.unwrap();
    let error = stale.clone().delete_loaded(db).await.unwrap_err();
    assert!(error.is_condition_failed(), "{error:?}");
    assert_eq!(tests::unique_items(db).await.len(), 1);
    assert!(User::find(db, &stale.user_id).await.unwrap().is_some());
    User::delete(db, &stale.user_id).await.unwrap();
    let gone = stale.delete_loaded(db).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
}

// ---------------------------------------------------------------------------------------------
// reads outside a scope

#[tokio::test(flavor = "current_thread")]
async fn find_outside_a_scope_is_one_get_item() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("rust")).await.unwrap();
    requests.reset();
    assert!(Tag::find(db, &tag.tag_id).await.unwrap().is_some());
    assert_eq!(operations(&requests), ["GetItem"]);
    // Outside a scope nothing is cached.
    assert!(Tag::find(db, &tag.tag_id).await.unwrap().is_some());
    assert_eq!(operations(&requests), ["GetItem", "GetItem"]);
}

#[tokio::test(flavor = "current_thread")]
async fn find_many_outside_a_scope_is_one_batch_per_hundred_keys() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tags = tags(db, 250).await;
    let mut keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    keys.push(keys[0]);
    requests.reset();
    let found = Tag::find_many(db, &keys).await.unwrap();
    assert_eq!(
        requests.count("BatchGetItem"),
        3,
        "{:?}",
        operations(&requests)
    );
    assert_eq!(requests.total(), 3);
    assert!(
        found
            .iter()
            .zip(&keys)
            .all(|(tag, key)| tag.as_ref().map(|t| t.tag_id) == Some(*key))
    );
}

#[tokio::test(flavor = "current_thread")]
async fn query_page_is_one_query() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    for title in ["one", "two", "three"] {
        Post::create(db, NewPost::new(user.user_id, title, "c"))
            .await
            .unwrap();
    }
    requests.reset();
    let page = user.query_posts(db).page().await.unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(operations(&requests), ["Query"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_page_without_a_limit_holds_dynamo_bao_s_default_of_100() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    seed((0..101).map(|i| async move {
        Post::create(db, NewPost::new(user.user_id, format!("post {i}"), "c"))
            .await
            .unwrap()
    }))
    .await;
    requests.reset();
    let page = user.query_posts(db).page().await.unwrap();
    assert_eq!(page.items.len(), 100);
    assert!(page.cursor.is_some());
    assert_eq!(user.query_posts(db).all().await.unwrap().len(), 101);
    // A count pages by DynamoDB's 1 MB, not by the default page size.
    assert_eq!(user.query_posts(db).count().await.unwrap(), 101);
    assert_eq!(operations(&requests), ["Query"; 4]);
}

#[tokio::test(flavor = "current_thread")]
async fn take_and_first_page_past_pages_a_filter_empties() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    for title in ["a", "b", "c", "d", "match"] {
        Post::create(db, NewPost::new(user.user_id, title, "c"))
            .await
            .unwrap();
    }
    let matching = || {
        user.query_posts(db)
            .limit(1)
            .filter(Post::TITLE.eq("match"))
    };
    requests.reset();
    let first = matching()
        .first()
        .await
        .unwrap()
        .expect("found on the last page");
    assert_eq!(first.title, "match");
    assert_eq!(requests.count("Query"), 5, "one page per post");
    requests.reset();
    assert!(matching().max_requests(2).take(1).await.unwrap().is_empty());
    assert_eq!(requests.count("Query"), 2, "the bound holds");
    // Counting applies the filter on every page and sums.
    assert_eq!(matching().count().await.unwrap(), 1);
    let all_titles = user.query_posts(db).take(3).await.unwrap();
    assert_eq!(all_titles.len(), 3);
}

#[tokio::test(flavor = "current_thread")]
async fn iteration_is_one_query_per_bucket_and_one_batch_per_filled_bucket() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let users = users(db, 25).await;
    let filled: std::collections::BTreeSet<u32> = users
        .iter()
        .map(|user| dynamo_bao_bucket(&user.user_id.to_string(), 10))
        .collect();
    requests.reset();
    let mut all = User::iterate_all(db).collect().await.unwrap();
    assert_eq!(requests.count("Query"), 10, "{:?}", operations(&requests));
    assert_eq!(requests.count("BatchGetItem"), filled.len());
    assert_eq!(requests.total(), 10 + filled.len());
    all.sort_by_key(|user| user.user_id);
    let mut expected = users.clone();
    expected.sort_by_key(|user| user.user_id);
    assert_eq!(all, expected);
}

#[tokio::test(flavor = "current_thread")]
async fn items_loaded_by_a_query_or_an_iteration_save_nothing_when_unchanged() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    Post::create(db, NewPost::new(user.user_id, "t", "c"))
        .await
        .unwrap();
    let mut queried = user.query_posts(db).page().await.unwrap().items;
    let mut iterated = Post::iterate_all(db).collect().await.unwrap();
    requests.reset();
    queried[0].save(db).await.unwrap();
    iterated[0].save(db).await.unwrap();
    assert_eq!(requests.total(), 0, "{:?}", operations(&requests));
    queried[0].title = "changed".into();
    queried[0].save(db).await.unwrap();
    assert_eq!(operations(&requests), ["UpdateItem"]);
}

// ---------------------------------------------------------------------------------------------
// reads inside a scope

#[tokio::test(flavor = "current_thread")]
async fn distinct_finds_in_a_scope_are_one_batch_per_hundred_keys() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tags = tags(db, 250).await;
    requests.reset();
    let scope = RequestScope::new();
    let found = scope
        .run(join_all(tags.iter().map(|tag| Tag::find(db, &tag.tag_id))))
        .await;
    assert_eq!(
        requests.count("BatchGetItem"),
        3,
        "{:?}",
        operations(&requests)
    );
    assert_eq!(requests.count("GetItem"), 0);
    assert_eq!(requests.total(), 3);
    for (tag, found) in tags.iter().zip(found) {
        assert_eq!(found.unwrap().as_ref(), Some(tag));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn duplicate_finds_in_a_scope_share_one_key() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tags = tags(db, 10).await;
    requests.reset();
    let scope = RequestScope::new();
    let wanted: Vec<&Tag> = (0..250).map(|i| &tags[i % 10]).collect();
    let found = scope
        .run(join_all(
            wanted.iter().map(|tag| Tag::find(db, &tag.tag_id)),
        ))
        .await;
    assert_eq!(operations(&requests), ["BatchGetItem"]);
    for (tag, found) in wanted.iter().zip(found) {
        assert_eq!(found.unwrap().as_ref(), Some(*tag));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn finds_of_different_models_in_one_round_share_one_batch() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let post = Post::create(db, NewPost::new(user.user_id, "t", "c"))
        .await
        .unwrap();
    let tag = Tag::create(db, NewTag::new("rust")).await.unwrap();
    requests.reset();
    let (u, p, t) = RequestScope::new()
        .run(async {
            futures::join!(
                User::find(db, &user.user_id),
                Post::find(db, &post.post_id),
                Tag::find(db, &tag.tag_id)
            )
        })
        .await;
    assert_eq!(operations(&requests), ["BatchGetItem"]);
    assert_eq!(u.unwrap(), Some(user));
    assert_eq!(p.unwrap(), Some(post));
    assert_eq!(t.unwrap(), Some(tag));
}

#[tokio::test(flavor = "current_thread")]
async fn finds_of_cached_keys_make_no_calls() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tags = tags(db, 20).await;
    let missing = TagId::generate(db);
    let scope = RequestScope::new();
    requests.reset();
    scope
        .run(async {
            let first = join_all(tags.iter().map(|tag| Tag::find(db, &tag.tag_id))).await;
            assert!(first.iter().all(|found| found.as_ref().unwrap().is_some()));
            assert!(Tag::find(db, &missing).await.unwrap().is_none());
            let calls = requests.total();
            assert_eq!(calls, 2);

            let second = join_all(tags.iter().map(|tag| Tag::find(db, &tag.tag_id))).await;
            for (tag, found) in tags.iter().zip(second) {
                assert_eq!(found.unwrap().as_ref(), Some(tag));
            }
            assert!(
                Tag::find(db, &missing).await.unwrap().is_none(),
                "absence is cached too"
            );
            assert_eq!(requests.total(), calls, "{:?}", operations(&requests));
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_save_in_the_scope_updates_the_cached_entry() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("old")).await.unwrap();
    requests.reset();
    RequestScope::new()
        .run(async {
            let mut loaded = Tag::find(db, &tag.tag_id).await.unwrap().unwrap();
            loaded.name = "new".into();
            loaded.save(db).await.unwrap();
            assert_eq!(operations(&requests), ["BatchGetItem", "UpdateItem"]);
            let again = Tag::find(db, &tag.tag_id).await.unwrap().unwrap();
            assert_eq!(again.name, "new", "the cache must not serve the old value");
            assert_eq!(requests.total(), 2, "{:?}", operations(&requests));
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn update_create_and_delete_in_the_scope_update_the_cache() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("old")).await.unwrap();
    requests.reset();
    RequestScope::new()
        .run(async {
            assert_eq!(
                Tag::find(db, &tag.tag_id).await.unwrap().unwrap().name,
                "old"
            );
            Tag::update(db, &tag.tag_id, TagUpdate::new().name("updated"))
                .await
                .unwrap();
            assert_eq!(
                Tag::find(db, &tag.tag_id).await.unwrap().unwrap().name,
                "updated"
            );

            let created = Tag::create(db, NewTag::new("fresh")).await.unwrap();
            assert_eq!(
                Tag::find(db, &created.tag_id).await.unwrap(),
                Some(created.clone())
            );

            Tag::delete(db, &tag.tag_id).await.unwrap();
            assert!(Tag::find(db, &tag.tag_id).await.unwrap().is_none());
            assert_eq!(
                operations(&requests),
                ["BatchGetItem", "UpdateItem", "PutItem", "DeleteItem"],
                "finds after writes are served from the scope"
            );
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn related_loads_in_a_scope_are_batched() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let users = users(db, 150).await;
    let posts = seed(users.iter().map(|user| async move {
        Post::create(db, NewPost::new(user.user_id, "t", "c"))
            .await
            .unwrap()
    }))
    .await;
    requests.reset();
    let authors = RequestScope::new()
        .run(join_all(posts.iter().map(|post| post.get_user(db))))
        .await;
    assert_eq!(operations(&requests), ["BatchGetItem", "BatchGetItem"]);
    for (user, author) in users.iter().zip(authors) {
        assert_eq!(author.unwrap().as_ref(), Some(user));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn scopes_do_not_share_their_cache() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("t")).await.unwrap();
    requests.reset();
    for _ in 0..2 {
        RequestScope::new()
            .run(Tag::find(db, &tag.tag_id))
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(operations(&requests), ["BatchGetItem", "BatchGetItem"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_failed_save_in_the_scope_evicts_the_cached_entry() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let doc = Document::create(db, NewDocument::new("plan"))
        .await
        .unwrap();
    RequestScope::new()
        .run(async {
            let mut mine = Document::find(db, &doc.document_id).await.unwrap().unwrap();
            // Another writer, outside the scope (a spawned task does not inherit it), replaces
            // the version.
            let (other, id) = (db.clone(), doc.document_id);
            tokio::spawn(async move {
                Document::update(&other, &id, DocumentUpdate::new().body("theirs")).await
            })
            .await
            .unwrap()
            .unwrap();
            mine.body = Some("mine".into());
            assert!(mine.save(db).await.unwrap_err().is_version_conflict());
            requests.reset();

            // Retrying inside the scope must see the other writer's version, not the cache's.
            let mut fresh = Document::find(db, &doc.document_id).await.unwrap().unwrap();
            assert_eq!(fresh.body.as_deref(), Some("theirs"));
            assert_eq!(operations(&requests), ["BatchGetItem"]);
            fresh.body = Some("mine".into());
            fresh.save(db).await.unwrap();
        })
        .await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_scope_cache_is_keyed_by_tenant() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let acme = db.with_tenant("acme").unwrap();
    let tag = Tag::create(&acme, NewTag::new("acme's")).await.unwrap();
    requests.reset();
    RequestScope::new()
        .run(async {
            assert!(Tag::find(&acme, &tag.tag_id).await.unwrap().is_some());
            assert!(
                Tag::find(db, &tag.tag_id).await.unwrap().is_none(),
                "served another tenant's item"
            );
            let globex = db.with_tenant("globex").unwrap();
            assert!(Tag::find(&globex, &tag.tag_id).await.unwrap().is_none());
            assert!(Tag::find(&acme, &tag.tag_id).await.unwrap().is_some());
        })
        .await;
    assert_eq!(requests.count("BatchGetItem"), 3);
}

// ---------------------------------------------------------------------------------------------
// strict mode

#[tokio::test(flavor = "current_thread")]
async fn strict_mode_refuses_find_outside_a_scope() {
    let (test, requests) = start_logged().await;
    let strict = Db::builder(test.db().client().clone(), test.db().table())
        .require_scope(true)
        .build();
    let tag = Tag::create(&strict, NewTag::new("t"))
        .await
        .expect("writes need no scope");
    requests.reset();

    let error = Tag::find(&strict, &tag.tag_id).await.unwrap_err();
    assert!(matches!(error, Error::ScopeRequired { .. }), "{error:?}");
    let error = Tag::find_many(&strict, &[tag.tag_id]).await.unwrap_err();
    assert!(matches!(error, Error::ScopeRequired { .. }), "{error:?}");
    assert_eq!(requests.total(), 0);

    let found = RequestScope::new()
        .run(Tag::find(&strict, &tag.tag_id))
        .await
        .unwrap();
    assert_eq!(found, Some(tag));
}

#[tokio::test(flavor = "current_thread")]
async fn strict_mode_refuses_find_by_unique_outside_a_scope() {
    let (test, requests) = start_logged().await;
    let strict = Db::builder(test.db().client().clone(), test.db().table())
        .require_scope(true)
        .build();
    User::create(&strict, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    requests.reset();
    let error = User::find_by_email(&strict, "ada@example.com")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ScopeRequired { .. }), "{error:?}");
    assert_eq!(requests.total(), 0);
    let found = RequestScope::new()
        .run(User::find_by_email(&strict, "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(found.map(|user| user.name), Some("Ada".to_owned()));
}

// ---------------------------------------------------------------------------------------------
// capacity

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test(flavor = "current_thread")]
async fn scope_capacity_sums_every_call() {
    let test = start().await;
    let db = test.db();
    let tags = tags(db, 250).await;
    let scope = RequestScope::new();
    let (writes, reads) = scope
        .run(async {
            let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
                .await
                .unwrap();
            let post = Post::create(db, NewPost::new(user.user_id, "t", "c"))
                .await
                .unwrap();
            let counted = Post::update(db, &post.post_id, PostUpdate::new().add_views(1))
                .await
                .unwrap();
            let page = user.query_posts(db).page().await.unwrap();
            let found = join_all(tags.iter().map(|tag| Tag::find(db, &tag.tag_id))).await;
            let writes = [
                user.consumed_capacity(),
                post.consumed_capacity(),
                counted.consumed_capacity(),
            ];
            let mut reads: Vec<Capacity> = found
                .into_iter()
                .map(|tag| tag.unwrap().unwrap().consumed_capacity())
                .collect();
            reads.push(page.capacity);
            (writes, reads)
        })
        .await;
    let total = scope.capacity();
    for capacity in writes.iter().chain(&reads) {
        assert!(
            capacity.total() > 0.0,
            "every call reports its capacity: {capacity:?}"
        );
    }
    let written: f64 = writes.iter().map(|c| c.write).sum();
    let read: f64 = reads.iter().map(|c| c.read).sum();
    assert!(close(total.write, written), "{total:?} vs {written}");
    assert!(
        close(total.read, read),
        "three batch chunks and a query summed: {total:?} vs {read}"
    );
}

// ---------------------------------------------------------------------------------------------
// the runtime's own call log

#[tokio::test(flavor = "current_thread")]
async fn the_test_call_log_names_each_operation() {
    let test = start().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("t")).await.unwrap();
    Tag::find(db, &tag.tag_id).await.unwrap();
    RequestScope::new()
        .run(Tag::find(db, &tag.tag_id))
        .await
        .unwrap();
    Tag::update(db, &tag.tag_id, TagUpdate::new().name("u"))
        .await
        .unwrap();
    Tag::delete(db, &tag.tag_id).await.unwrap();
    assert_eq!(test.calls().total(), 5);
    assert_eq!(
        test.calls().operations(),
        [
            "PutItem",
            "GetItem",
            "BatchGetItem",
            "UpdateItem",
            "DeleteItem"
        ]
    );
    assert_eq!(test.calls().count("GetItem"), 1);
}

/// The assertions users' own tests get from `CallLog`.
#[tokio::test(flavor = "current_thread")]
async fn the_call_log_asserts_calls_writes_and_rounds() {
    let test = start().await;
    let db = test.db();
    let user = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let calls = test.calls();
    calls.reset();
    User::find(db, &user.user_id).await.unwrap();
    calls.assert_exactly(&["GetItem"]);
    calls.assert_no_writes();
    calls.assert_rounds_at_most(1);
    assert_eq!(calls.writes(), 0);

    User::update(
        db,
        &user.user_id,
        examples::models::UserUpdate::new().name("A"),
    )
    .await
    .unwrap();
    assert_eq!(calls.writes(), 1);
    let wrong = std::panic::catch_unwind(|| calls.assert_exactly(&["GetItem"]));
    let message = *wrong.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.contains(r#"["GetItem", "UpdateItem"] were made"#),
        "{message}"
    );
    let wrote = std::panic::catch_unwind(|| calls.assert_no_writes());
    assert!(wrote.is_err());
    let rounds = std::panic::catch_unwind(|| calls.assert_rounds_at_most(1));
    assert!(rounds.is_err(), "two calls in sequence are two rounds");
}
