//! Concurrent writers against one item: versioned saves never lose an update, stale saves are
//! refused with a version conflict, counter increments are exact, and a unique value goes to
//! exactly one of many racing creates without leaving orphan constraint items.

use bao_runtime::{Db, Model, Result};
use examples::models::{
    Document, DocumentId, NewDocument, NewPost, NewUser, Post, PostUpdate, User, UserId,
};
use futures::future::join_all;
use std::collections::BTreeSet;
use std::sync::Arc;
use tests::{s, scan_all, start, stored, text_of, unique_items};
use tokio::sync::{Barrier, Semaphore};

const WRITERS: usize = 50;

/// Appends `[i]` to the document's body: load, change, save, and on a version conflict load
/// again. Every writer loads once before any writer saves (the barrier), so at least
/// `WRITERS - 1` first attempts conflict. Returns the conflicts this writer met.
async fn append(db: &Db, id: DocumentId, i: usize, barrier: &Barrier) -> Result<usize> {
    let mut conflicts = 0;
    let mut first = true;
    loop {
        let mut doc = Document::find(db, &id).await?.expect("the document exists");
        if first {
            barrier.wait().await;
            first = false;
        }
        let body = doc.body.take().unwrap_or_default();
        doc.body = Some(format!("{body}[{i}]"));
        match doc.save(db).await {
            Ok(()) => return Ok(conflicts),
            Err(error) if error.is_version_conflict() => conflicts += 1,
            Err(error) => return Err(error),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versioned_saves_with_retry_lose_no_update() {
    let test = start().await;
    let db = test.db();
    let doc = Document::create(db, NewDocument::new("shared"))
        .await
        .unwrap();
    let barrier = Barrier::new(WRITERS);
    let conflicts: Vec<usize> =
        join_all((0..WRITERS).map(|i| append(db, doc.document_id, i, &barrier)))
            .await
            .into_iter()
            .collect::<Result<_>>()
            .unwrap();
    assert!(
        conflicts.iter().sum::<usize>() >= WRITERS - 1,
        "the writers did not race: {conflicts:?}"
    );

    let last = Document::find(db, &doc.document_id).await.unwrap().unwrap();
    let body = last.body.unwrap();
    let mut seen: Vec<usize> = body
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split("][")
        .map(|n| n.parse().unwrap())
        .collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        (0..WRITERS).collect::<Vec<_>>(),
        "lost or repeated updates: {body}"
    );
    assert_ne!(last.version, doc.version);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_one_of_many_stale_saves_wins() {
    let test = start().await;
    let db = test.db();
    let doc = Document::create(db, NewDocument::new("shared"))
        .await
        .unwrap();
    let copies = join_all((0..WRITERS).map(|_| Document::find(db, &doc.document_id))).await;
    let saves = copies.into_iter().enumerate().map(|(i, copy)| async move {
        let mut copy = copy.unwrap().unwrap();
        copy.body = Some(format!("writer {i}"));
        copy.save(db).await.map(|()| copy)
    });
    let results = join_all(saves).await;

    let winners: Vec<&Document> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "exactly one stale save wins");
    let conflicts = results
        .iter()
        .filter(|r| r.as_ref().is_err_and(|error| error.is_version_conflict()))
        .count();
    assert_eq!(
        conflicts,
        WRITERS - 1,
        "{:?}",
        results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .collect::<Vec<_>>()
    );

    let winner = winners[0];
    let raw = stored(db, &format!("doc#{}", doc.document_id), "doc").await;
    assert_eq!(
        raw["body"],
        s(winner.body.clone().unwrap()),
        "a loser overwrote the winner"
    );
    assert_eq!(text_of(&raw, "version"), winner.version.to_string());
}

/// 1000 increments race; at most 100 requests are in flight at once, which keeps the number
/// of open connections within common file-descriptor limits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_counter_increments_are_exact() {
    let test = start().await;
    let db = test.db();
    let post = Post::create(db, NewPost::new(UserId::generate(db), "hot", "c"))
        .await
        .unwrap();
    let in_flight = Arc::new(Semaphore::new(100));
    let increments = (0..1000).map(|_| {
        let in_flight = Arc::clone(&in_flight);
        async move {
            let _permit = in_flight.acquire().await.unwrap();
            Post::update(db, &post.post_id, PostUpdate::new().add_views(1)).await
        }
    });
    let results = join_all(increments).await;
    let mut seen: Vec<i64> = results.into_iter().map(|r| r.unwrap().views).collect();
    seen.sort_unstable();
    assert_eq!(
        seen,
        (1..=1000).collect::<Vec<i64>>(),
        "every increment saw its own value"
    );
    let stored = Post::find(db, &post.post_id).await.unwrap().unwrap();
    assert_eq!(stored.views, 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_many_racing_creates_claims_a_unique_email() {
    let test = start().await;
    let db = test.db();
    let creates =
        (0..WRITERS).map(|i| User::create(db, NewUser::new(format!("u{i}"), "same@example.com")));
    let results = join_all(creates).await;

    let winners: Vec<&User> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1);
    let violations = results
        .iter()
        .filter(|r| {
            r.as_ref()
                .is_err_and(bao_runtime::Error::is_unique_violation)
        })
        .count();
    assert_eq!(violations, WRITERS - 1);

    let constraints = unique_items(db).await;
    assert_eq!(
        constraints.len(),
        1,
        "orphan constraint items: {constraints:?}"
    );
    assert_eq!(
        constraints[0]["relatedId"],
        s(winners[0].user_id.to_string())
    );
    let users: BTreeSet<String> = scan_all(db)
        .await
        .iter()
        .filter(|item| item.get("_sk") == Some(&s("u")))
        .map(|item| text_of(item, "userId").to_owned())
        .collect();
    assert_eq!(
        users,
        BTreeSet::from([winners[0].user_id.to_string()]),
        "only the winner is stored"
    );
    let owner = User::find_by_email(db, "same@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&owner, winners[0]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_of_many_racing_moves_claims_a_unique_email() {
    let test = start().await;
    let db = test.db();
    let mut users = Vec::new();
    for i in 0..WRITERS {
        let email = format!("u{i}@example.com");
        users.push(
            User::create(db, NewUser::new(format!("u{i}"), email))
                .await
                .unwrap(),
        );
    }
    let barrier = Barrier::new(WRITERS);
    let moves = users.into_iter().map(|mut user| {
        let barrier = &barrier;
        async move {
            barrier.wait().await;
            user.email = "same@example.com".into();
            user.save(db).await.map(|()| user)
        }
    });
    let results = join_all(moves).await;

    let winners: Vec<&User> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1);
    let violations = results
        .iter()
        .filter(|r| {
            r.as_ref()
                .is_err_and(bao_runtime::Error::is_unique_violation)
        })
        .count();
    assert_eq!(violations, WRITERS - 1);

    let constraints = unique_items(db).await;
    assert_eq!(constraints.len(), WRITERS, "one value per user, no orphans");
    let owners: BTreeSet<(String, String)> = constraints
        .iter()
        .map(|item| {
            (
                text_of(item, "_pk").to_owned(),
                text_of(item, "relatedId").to_owned(),
            )
        })
        .collect();
    let winner = winners[0].user_id.to_string();
    assert!(owners.contains(&("_raft_uc#_uc1#u#email:same@example.com".to_owned(), winner)));
    for item in scan_all(db)
        .await
        .iter()
        .filter(|item| item.get("_sk") == Some(&s("u")))
    {
        let email = text_of(item, "email");
        let key = format!("_raft_uc#_uc1#u#email:{email}");
        let owner = text_of(item, "userId").to_owned();
        assert!(
            owners.contains(&(key, owner)),
            "{email} is stored but not owned"
        );
    }
}
