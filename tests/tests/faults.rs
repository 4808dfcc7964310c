//! What no emulator does, injected with `bao_runtime::testing::faults`: throttling, internal
//! errors, unprocessed batch keys and transaction conflicts. Batch reads retry until complete and
//! sum the capacity of every call; what outlasts the retries fails with a typed error that names
//! the keys (never "not found"); throttled writes are retried, and when they fail nothing is left
//! half-written; a conflict cancels the transaction naming the part; a server stopped just
//! before a transaction reaches it leaves all of it or none after a restart.

use bao_runtime::local::{LocalOptions, LocalServer};
use bao_runtime::testing::faults::{EVERY_CALL, Faults, Injected, Keys, Throttling};
use bao_runtime::{Capacity, Db, Error, Item, Model, RequestScope};
use examples::models::{
    NewPost, NewTag, NewUser, Post, PostUpdate, Tag, TagId, User, UserId, UserUpdate,
};
use futures::future::join_all;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tests::{
    RawItem, fast_retries, fast_sdk_retries, s, scan_all, start_faulty, stored, text_of,
    unique_items,
};

const ATTEMPTS: u32 = 4;

async fn tags(db: &Db, count: usize) -> Vec<Tag> {
    let mut tags = Vec::new();
    for i in 0..count {
        tags.push(
            Tag::create(db, NewTag::new(format!("tag {i}")))
                .await
                .unwrap(),
        );
    }
    tags
}

fn tag_key(tag: &TagId) -> Item {
    Item::from([
        ("_pk".to_owned(), s(format!("t#{tag}"))),
        ("_sk".to_owned(), s("t")),
    ])
}

fn is_key_of(tag: TagId) -> impl Fn(&Item) -> bool + Send + Sync + 'static {
    move |key| *key == tag_key(&tag)
}

/// The capacity a request scope reports for finding `keys` with no fault.
async fn clean_capacity(db: &Db, keys: &[TagId]) -> Capacity {
    let scope = RequestScope::new();
    scope
        .run(join_all(keys.iter().map(|key| Tag::find(db, key))))
        .await;
    scope.capacity()
}

/// Every item of the table, sorted, to compare states before and after a failed write.
async fn snapshot(db: &Db) -> Vec<Vec<(String, String)>> {
    let mut items: Vec<Vec<(String, String)>> = scan_all(db)
        .await
        .iter()
        .map(|item| {
            let mut attributes: Vec<(String, String)> = item
                .iter()
                .map(|(name, value)| (name.clone(), format!("{value:?}")))
                .collect();
            attributes.sort();
            attributes
        })
        .collect();
    items.sort();
    items
}

// ---------------------------------------------------------------------------------------------
// batch reads: retried until complete

#[tokio::test(flavor = "current_thread")]
async fn find_many_retries_unprocessed_keys_and_sums_every_call() {
    let (_test, db, faults) = start_faulty().await;
    let tags = tags(&db, 10).await;
    let keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    let all = clean_capacity(&db, &keys).await;
    let first_three = clean_capacity(&db, &keys[..3]).await;
    faults.clear();

    faults.unprocessed_keys(2, Keys::first(3));
    let found = Tag::find_many(&db, &keys).await.unwrap();

    let found: Vec<Tag> = found.into_iter().map(Option::unwrap).collect();
    assert_eq!(found, tags);
    assert_eq!(faults.count("BatchGetItem"), 3, "{:?}", faults.records());
    let moved: Vec<usize> = faults
        .records()
        .iter()
        .map(|record| match &record.injected {
            Some(Injected::UnprocessedKeys(keys)) => keys.len(),
            _ => 0,
        })
        .collect();
    assert_eq!(moved, [3, 3, 0]);
    let summed: f64 = found.iter().map(|tag| tag.consumed_capacity().read).sum();
    let expected = all.read + 2.0 * first_three.read;
    assert!(
        (summed - expected).abs() < 1e-9,
        "items carry {summed} RCU, the three calls consumed {expected}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn finds_in_a_scope_retry_an_unprocessed_key_and_the_ledger_counts_each_call() {
    let (_test, db, faults) = start_faulty().await;
    let tags = tags(&db, 5).await;
    let keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    let all = clean_capacity(&db, &keys).await;
    let one = clean_capacity(&db, &keys[2..3]).await;
    faults.clear();

    faults.unprocessed_keys(2, Keys::matching(is_key_of(keys[2])));
    let scope = RequestScope::new();
    let found = scope
        .run(join_all(keys.iter().map(|key| Tag::find(&db, key))))
        .await;

    for (tag, found) in tags.iter().zip(found) {
        assert_eq!(found.unwrap().as_ref(), Some(tag));
    }
    assert_eq!(faults.count("BatchGetItem"), 3);
    assert_eq!(faults.count("GetItem"), 0);
    let ledger = scope.capacity();
    assert!(
        (ledger.read - (all.read + 2.0 * one.read)).abs() < 1e-9,
        "ledger {ledger}, calls {all} + 2 x {one}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn get_user_in_a_scope_is_retried_until_found() {
    let (_test, db, faults) = start_faulty().await;
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let posts = [
        Post::create(&db, NewPost::new(ada.user_id, "one", "c"))
            .await
            .unwrap(),
        Post::create(&db, NewPost::new(ada.user_id, "two", "c"))
            .await
            .unwrap(),
    ];
    faults.clear();
    faults.unprocessed_keys(1, Keys::all());
    faults.throttle("BatchGetItem", 1, Throttling::ProvisionedThroughputExceeded);

    let authors = RequestScope::new()
        .run(join_all(posts.iter().map(|post| post.get_user(&db))))
        .await;

    for author in authors {
        assert_eq!(author.unwrap().as_ref(), Some(&ada));
    }
    assert_eq!(faults.count("BatchGetItem"), 3, "{:?}", faults.records());
    assert_eq!(faults.pending(), 0);
}

#[tokio::test(flavor = "current_thread")]
async fn iteration_retries_the_batches_that_load_its_pages() {
    let (_test, db, faults) = start_faulty().await;
    let mut users = Vec::new();
    for i in 0..12 {
        let new = NewUser::new(format!("u{i}"), format!("u{i}@example.com"));
        users.push(User::create(&db, new).await.unwrap());
    }
    faults.clear();
    faults.unprocessed_keys(2, Keys::first(2));
    faults.throttle("BatchGetItem", 1, Throttling::Throttling);

    let mut all = User::iterate_all(&db).collect().await.unwrap();

    all.sort_by_key(|user| user.user_id);
    users.sort_by_key(|user| user.user_id);
    assert_eq!(all, users);
    assert_eq!(faults.pending(), 0);
    assert_eq!(faults.injected("BatchGetItem"), 3);
}

#[tokio::test(flavor = "current_thread")]
async fn every_kind_of_throttling_on_a_batch_read_is_retried() {
    let (_test, db, faults) = start_faulty().await;
    let tags = tags(&db, 3).await;
    let keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    for kind in Throttling::ALL {
        faults.clear();
        faults.throttle("BatchGetItem", 2, kind);
        let found = Tag::find_many(&db, &keys).await.unwrap();
        assert_eq!(found, tags.iter().cloned().map(Some).collect::<Vec<_>>());
        assert_eq!(faults.count("BatchGetItem"), 3, "{kind:?}");
        assert!(faults.records()[..2].iter().all(|record| {
            record.injected
                == Some(Injected::Error {
                    status: 400,
                    code: kind.code().to_owned(),
                })
        }));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn unprocessed_keys_then_throttled_are_sent_again_as_they_were() {
    let (_test, db, faults) = start_faulty().await;
    let tags = tags(&db, 5).await;
    let keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    faults.clear();
    faults.unprocessed_keys(1, Keys::first(2));
    faults.throttle("BatchGetItem", 1, Throttling::Throttling);

    let found = Tag::find_many(&db, &keys).await.unwrap();
    assert_eq!(found, tags.iter().cloned().map(Some).collect::<Vec<_>>());
    let sent: Vec<usize> = faults.records().iter().map(|record| record.items).collect();
    assert_eq!(
        sent,
        [5, 2, 2],
        "the unprocessed keys, then the same keys again"
    );
}

// ---------------------------------------------------------------------------------------------
// batch reads: retries run out

#[tokio::test(flavor = "current_thread")]
async fn a_key_unprocessed_past_the_retries_fails_alone_and_is_named() {
    let (_test, db, faults) = start_faulty().await;
    let tags = tags(&db, 5).await;
    let keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    let bad = keys[3];
    faults.unprocessed_keys(EVERY_CALL, Keys::matching(is_key_of(bad)));

    let found = RequestScope::new()
        .run(join_all(keys.iter().map(|key| Tag::find(&db, key))))
        .await;
    for (tag, found) in tags.iter().zip(found) {
        if tag.tag_id == bad {
            match found {
                Err(Error::UnprocessedKeys { keys, attempts }) => {
                    assert_eq!(keys, [tag_key(&bad)]);
                    assert_eq!(attempts, ATTEMPTS);
                }
                other => panic!("expected unprocessed keys for the bad key, got {other:?}"),
            }
        } else {
            assert_eq!(
                found.unwrap().as_ref(),
                Some(tag),
                "one bad key fails no other"
            );
        }
    }
    assert_eq!(faults.count("BatchGetItem"), ATTEMPTS as usize);

    let error = Tag::find_many(&db, &keys).await.unwrap_err();
    assert!(error.is_unprocessed_keys(), "{error:?}");
    assert!(
        error.to_string().contains(&format!("t#{bad}")),
        "the message names the key: {error}"
    );
    let Error::UnprocessedKeys { keys, .. } = error else {
        unreachable!()
    };
    assert_eq!(keys, [tag_key(&bad)]);
}

#[tokio::test(flavor = "current_thread")]
async fn batch_reads_throttled_past_the_retries_fail_naming_every_key() {
    let (_test, db, faults) = start_faulty().await;
    let tags = tags(&db, 3).await;
    let keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    faults.throttle("BatchGetItem", EVERY_CALL, Throttling::RequestLimitExceeded);

    let error = Tag::find_many(&db, &keys).await.unwrap_err();
    assert!(error.is_throttled(), "{error:?}");
    let Error::Throttled {
        operation,
        attempts,
        keys: unread,
    } = &error
    else {
        unreachable!()
    };
    assert_eq!((*operation, *attempts), ("BatchGetItem", ATTEMPTS));
    let mut expected: Vec<Item> = keys.iter().map(tag_key).collect();
    let mut unread = unread.clone();
    let order = |key: &Item| text_of(key, "_pk").to_owned();
    expected.sort_by_key(order);
    unread.sort_by_key(order);
    assert_eq!(unread, expected);
    assert_eq!(
        faults.count("BatchGetItem"),
        ATTEMPTS as usize,
        "the SDK must not retry throttling on top of the policy"
    );

    faults.clear();
    faults.unprocessed_keys(1, Keys::first(2));
    faults.throttle("BatchGetItem", EVERY_CALL, Throttling::RequestLimitExceeded);
    let error = Tag::find_many(&db, &keys).await.unwrap_err();
    let Some(Injected::UnprocessedKeys(unprocessed)) = faults.records()[0].injected.clone() else {
        panic!(
            "the first call reports unprocessed keys: {:?}",
            faults.records()
        )
    };
    match error {
        Error::Throttled {
            keys: mut unread, ..
        } => {
            let mut unprocessed = unprocessed;
            let order = |key: &Item| text_of(key, "_pk").to_owned();
            unread.sort_by_key(order);
            unprocessed.sort_by_key(order);
            assert_eq!(unread, unprocessed, "only the keys still unread are named");
        }
        other => panic!("expected a throttled read, got {other:?}"),
    }

    faults.clear();
    faults.throttle("BatchGetItem", EVERY_CALL, Throttling::RequestLimitExceeded);
    let found = RequestScope::new().run(Tag::find(&db, &keys[0])).await;
    match found {
        Err(Error::Throttled { keys: unread, .. }) => assert_eq!(unread, [tag_key(&keys[0])]),
        other => panic!("expected a throttled find, got {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_find_outside_a_scope_throttled_past_the_retries_names_its_key() {
    let (_test, db, faults) = start_faulty().await;
    let tag = Tag::create(&db, NewTag::new("rust")).await.unwrap();
    faults.throttle("GetItem", 2, Throttling::ProvisionedThroughputExceeded);
    assert_eq!(
        Tag::find(&db, &tag.tag_id).await.unwrap(),
        Some(tag.clone())
    );
    assert_eq!(faults.count("GetItem"), 3);

    faults.throttle(
        "GetItem",
        EVERY_CALL,
        Throttling::ProvisionedThroughputExceeded,
    );
    match Tag::find(&db, &tag.tag_id).await {
        Err(Error::Throttled {
            operation: "GetItem",
            attempts: ATTEMPTS,
            keys,
        }) => assert_eq!(keys, [tag_key(&tag.tag_id)]),
        other => panic!("expected a throttled GetItem, got {other:?}"),
    }
}

#[tokio::test(flavor = "current_thread")]
async fn internal_errors_are_retried_by_the_sdk_and_then_reported() {
    let (_test, db, faults) = start_faulty().await;
    let tags = tags(&db, 2).await;
    let keys: Vec<TagId> = tags.iter().map(|tag| tag.tag_id).collect();
    faults.internal_error("BatchGetItem", 1);
    assert_eq!(Tag::find_many(&db, &keys).await.unwrap().len(), 2);
    assert_eq!(faults.count("BatchGetItem"), 2);

    faults.clear();
    faults.internal_error("BatchGetItem", EVERY_CALL);
    let error = Tag::find_many(&db, &keys).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Sdk {
                operation: "BatchGetItem",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_throttled() && !error.is_not_found());
    assert_eq!(faults.count("BatchGetItem"), 3, "the SDK's three attempts");
}

// ---------------------------------------------------------------------------------------------
// writes and queries under throttling

#[tokio::test(flavor = "current_thread")]
async fn throttled_writes_are_retried_and_applied_once() {
    let (_test, db, faults) = start_faulty().await;
    let kinds = Throttling::ALL.iter().cycle();
    let mut kinds = kinds.copied();
    let mut throttle = |operation: &str| {
        faults.clear();
        faults.throttle(operation, 2, kinds.next().unwrap());
    };

    throttle("PutItem");
    let post = Post::create(&db, NewPost::new(UserId::generate(&db), "t", "c"))
        .await
        .unwrap();
    assert_eq!(faults.count("PutItem"), 3);

    throttle("UpdateItem");
    let post = Post::update(&db, &post.post_id, PostUpdate::new().add_views(1))
        .await
        .unwrap();
    assert_eq!((post.views, faults.count("UpdateItem")), (1, 3));

    throttle("UpdateItem");
    let mut post = post;
    post.title = "saved".into();
    post.save(&db).await.unwrap();
    assert_eq!(faults.count("UpdateItem"), 3);

    throttle("TransactWriteItems");
    let mut ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    assert_eq!(faults.count("TransactWriteItems"), 3);

    throttle("TransactWriteItems");
    ada.email = "lovelace@example.com".into();
    ada.save(&db).await.unwrap();
    assert_eq!(faults.count("TransactWriteItems"), 3);

    throttle("DeleteItem");
    Post::delete(&db, &post.post_id).await.unwrap();
    assert_eq!(faults.count("DeleteItem"), 3);

    throttle("TransactWriteItems");
    User::delete(&db, &ada.user_id).await.unwrap();
    assert_eq!(faults.count("TransactWriteItems"), 3);

    faults.clear();
    assert!(scan_all(&db).await.is_empty(), "every write landed once");
}

#[tokio::test(flavor = "current_thread")]
async fn a_throttled_create_is_sent_again_exactly_as_it_was() {
    // A create moves its item into the first attempt and builds it anew for each retry: every
    // attempt must carry the same request.
    let (_test, db, faults) = start_faulty().await;
    faults.clear();
    faults.throttle("PutItem", 2, Throttling::Throttling);
    Post::create(&db, NewPost::new(UserId::generate(&db), "t", "c"))
        .await
        .unwrap();
    faults.throttle(
        "TransactWriteItems",
        2,
        Throttling::ProvisionedThroughputExceeded,
    );
    User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();

    for operation in ["PutItem", "TransactWriteItems"] {
        let bodies: Vec<_> = faults
            .records()
            .into_iter()
            .filter(|record| record.operation == operation)
            .map(|mut record| {
                // The SDK gives every TransactWriteItems request its own idempotency token.
                if let Some(body) = record.body.as_object_mut() {
                    body.remove("ClientRequestToken");
                }
                record.body
            })
            .collect();
        assert_eq!(
            bodies.len(),
            3,
            "{operation}: two throttled attempts, then one that landed"
        );
        assert!(bodies[0].is_object(), "{operation}: {:?}", bodies[0]);
        assert!(
            bodies.iter().all(|body| *body == bodies[0]),
            "{operation}: every attempt sends the first one's request: {bodies:#?}"
        );
    }
}

/// Throttles `operation` on every call, runs `write`, and checks that it failed as throttled
/// after the policy's attempts and that the table is as it was.
async fn fails_whole<T: std::fmt::Debug>(
    db: &Db,
    faults: &Faults,
    operation: &'static str,
    write: impl std::future::Future<Output = bao_runtime::Result<T>>,
) {
    let before = snapshot(db).await;
    faults.clear();
    faults.throttle(
        operation,
        EVERY_CALL,
        Throttling::ProvisionedThroughputExceeded,
    );
    let error = write.await.unwrap_err();
    match &error {
        Error::Throttled {
            operation: failed,
            attempts,
            ..
        } => assert_eq!((*failed, *attempts), (operation, ATTEMPTS)),
        other => panic!("{operation}: expected throttled, got {other:?}"),
    }
    assert_eq!(faults.count(operation), ATTEMPTS as usize);
    faults.clear();
    assert_eq!(snapshot(db).await, before, "{operation} left partial state");
}

#[tokio::test(flavor = "current_thread")]
async fn writes_throttled_past_the_retries_fail_typed_and_change_nothing() {
    let (_test, db, faults) = start_faulty().await;
    let mut ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut post = Post::create(&db, NewPost::new(ada.user_id, "t", "c"))
        .await
        .unwrap();

    let new_post = NewPost::new(ada.user_id, "other", "c");
    fails_whole(&db, &faults, "PutItem", Post::create(&db, new_post)).await;
    let new_user = NewUser::new("Bob", "bob@example.com");
    fails_whole(
        &db,
        &faults,
        "TransactWriteItems",
        User::create(&db, new_user),
    )
    .await;
    post.title = "changed".into();
    fails_whole(&db, &faults, "UpdateItem", post.save(&db)).await;
    let update = PostUpdate::new().add_views(5);
    fails_whole(
        &db,
        &faults,
        "UpdateItem",
        Post::update(&db, &post.post_id, update),
    )
    .await;
    let moved = UserUpdate::new().email("moved@example.com");
    fails_whole(
        &db,
        &faults,
        "TransactWriteItems",
        User::update(&db, &ada.user_id, moved),
    )
    .await;
    ada.email = "saved@example.com".into();
    fails_whole(&db, &faults, "TransactWriteItems", ada.save(&db)).await;
    fails_whole(&db, &faults, "DeleteItem", Post::delete(&db, &post.post_id)).await;
    fails_whole(
        &db,
        &faults,
        "TransactWriteItems",
        User::delete(&db, &ada.user_id),
    )
    .await;

    let owners: Vec<String> = unique_items(&db)
        .await
        .iter()
        .map(|item| text_of(item, "_pk").to_owned())
        .collect();
    assert_eq!(owners, ["_raft_uc#_uc1#u#email:ada@example.com"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_throttled_query_is_retried_then_reported() {
    let (_test, db, faults) = start_faulty().await;
    let ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    Post::create(&db, NewPost::new(ada.user_id, "t", "c"))
        .await
        .unwrap();
    faults.clear();
    faults.throttle("Query", 3, Throttling::Throttling);
    assert_eq!(ada.query_posts(&db).page().await.unwrap().items.len(), 1);
    assert_eq!(faults.count("Query"), 4);

    faults.clear();
    faults.throttle("Query", EVERY_CALL, Throttling::Throttling);
    let error = ada.query_posts(&db).page().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Throttled {
                operation: "Query",
                attempts: ATTEMPTS,
                ..
            }
        ),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// transaction conflicts

#[tokio::test(flavor = "current_thread")]
async fn a_transaction_conflict_cancels_naming_the_part_and_writes_nothing() {
    let (_test, db, faults) = start_faulty().await;
    faults.transaction_conflict(1, &[1]);
    let error = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap_err();
    assert!(error.is_transaction_cancelled(), "{error:?}");
    let Error::TransactionCancelled { reasons } = &error else {
        unreachable!()
    };
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].index, 1);
    assert_eq!(
        reasons[0].part,
        "User unique constraint `uniqueEmail` claiming `ada@example.com`"
    );
    assert_eq!(reasons[0].code, "TransactionConflict");
    assert!(reasons[0].message.is_some());
    assert_eq!(
        faults.count("TransactWriteItems"),
        1,
        "a conflict is not retried"
    );
    faults.clear();
    assert!(scan_all(&db).await.is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn a_conflict_on_a_unique_move_keeps_the_old_value() {
    let (_test, db, faults) = start_faulty().await;
    let mut ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let before = snapshot(&db).await;
    faults.clear();
    faults.transaction_conflict(1, &[0, 2]);
    ada.email = "lovelace@example.com".into();
    let error = ada.save(&db).await.unwrap_err();
    let Error::TransactionCancelled { reasons } = &error else {
        panic!("expected a cancellation, got {error:?}")
    };
    let parts: Vec<(usize, &str)> = reasons
        .iter()
        .map(|reason| (reason.index, reason.part.as_str()))
        .collect();
    assert_eq!(
        parts,
        [
            (0, format!("update User `{}`", ada.user_id).as_str()),
            (
                2,
                "User unique constraint `uniqueEmail` claiming `lovelace@example.com`"
            ),
        ]
    );
    assert!(error.to_string().contains("TransactionConflict"), "{error}");
    faults.clear();
    assert_eq!(snapshot(&db).await, before);
}

// ---------------------------------------------------------------------------------------------
// a server stopped while a transaction is on its way

/// A file-backed server on its own thread and runtime. [`Server::kill`] drops that runtime:
/// every connection is cut at once, nothing is drained.
struct Server {
    endpoint: String,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Server {
    fn start(path: &Path) -> Server {
        let options = LocalOptions {
            port: 0,
            db_path: Some(path.to_owned()),
        };
        let (ready, endpoint) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the server");
            runtime.block_on(async move {
                let server = LocalServer::start_with(options)
                    .await
                    .expect("the server starts");
                ready.send(server.endpoint().to_owned()).unwrap();
                let _ = stopped.await;
                drop(server);
            });
        });
        Server {
            endpoint: endpoint.recv().expect("the server reports its endpoint"),
            stop,
            thread,
        }
    }

    fn kill(self) {
        let _ = self.stop.send(());
        self.thread.join().expect("the server thread ends");
    }
}

fn db_on(endpoint: &str, faults: Option<&Faults>) -> Db {
    let mut config = bao_runtime::local::client_config(endpoint).retry_config(fast_sdk_retries());
    if let Some(faults) = faults {
        config = config.interceptor(faults.clone());
    }
    let client = bao_runtime::aws_sdk_dynamodb::Client::from_conf(config.build());
    Db::builder(client, "app").retry(fast_retries()).build()
}

#[tokio::test(flavor = "current_thread")]
async fn a_server_killed_before_a_transaction_reaches_it_keeps_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.sqlite");
    let server = Server::start(&path);
    let faults = Faults::new();
    let db = db_on(&server.endpoint, Some(&faults));
    bao_runtime::table::create_table(db.client(), "app")
        .await
        .unwrap();
    let mut ada = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();

    let running = Arc::new(Mutex::new(Some(server)));
    let to_kill = Arc::clone(&running);
    faults.before_transmit("TransactWriteItems", 1, move || {
        if let Some(server) = to_kill.lock().unwrap().take() {
            server.kill();
        }
    });
    ada.email = "lovelace@example.com".into();
    let error = ada.save(&db).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Sdk {
                operation: "TransactWriteItems",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        running.lock().unwrap().is_none(),
        "the hook stopped the server"
    );
    let hooks = faults
        .records()
        .into_iter()
        .filter(|record| record.injected == Some(Injected::Hook));
    assert_eq!(hooks.count(), 1);

    let restarted = Server::start(&path);
    let db = db_on(&restarted.endpoint, None);
    let items = scan_all(&db).await;
    let user = stored(&db, &format!("u#{}", ada.user_id), "u").await;
    let claims: Vec<&str> = items
        .iter()
        .filter(|item| item.get("_sk") == Some(&s("_raft_uc")))
        .map(|item: &RawItem| text_of(item, "_pk"))
        .collect();
    let none = text_of(&user, "email") == "ada@example.com"
        && claims == ["_raft_uc#_uc1#u#email:ada@example.com"];
    let all = text_of(&user, "email") == "lovelace@example.com"
        && claims == ["_raft_uc#_uc1#u#email:lovelace@example.com"];
    assert!(
        none || all,
        "half a transaction survived: {} with claims {claims:?}",
        text_of(&user, "email")
    );
    assert_eq!(items.len(), 2, "{items:?}");
    restarted.kill();
}
