//! Relationships: mapping tables (`link`, `unlink`, `get_<name>` on both sides), the related
//! items of many items at once, and the iteration filter.

use bao_runtime::{Error, Model, RequestScope};
use examples::models::{
    NewPost, NewTag, NewUser, Post, PostId, Tag, TagId, TaggedPost, TaggedPostKey, User, UserId,
};
use std::collections::BTreeSet;
use tests::{start, start_logged, text_of};

async fn post(db: &bao_runtime::Db, author: UserId, title: &str) -> Post {
    Post::create(db, NewPost::new(author, title, "body"))
        .await
        .unwrap()
}

fn titles(posts: &[Post]) -> BTreeSet<String> {
    posts.iter().map(|post| post.title.clone()).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn link_stores_the_mapping_item_as_dynamo_bao_does() {
    let test = start().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("rust")).await.unwrap();
    let first = post(db, UserId::generate(db), "first").await;

    let link = TaggedPost::link(db, tag.tag_id, first.post_id)
        .await
        .unwrap();
    assert_eq!((link.tag_id, link.post_id), (tag.tag_id, first.post_id));

    let pk = format!("tp#{}", tag.tag_id);
    let stored = tests::stored(db, &pk, &first.post_id.to_string()).await;
    assert_eq!(
        text_of(&stored, "_gsi1_pk"),
        format!("tp#gsi1#{}", first.post_id)
    );
    assert_eq!(text_of(&stored, "_gsi1_sk"), tag.tag_id.to_string());
}

#[tokio::test(flavor = "current_thread")]
async fn mapping_getters_work_from_both_sides() {
    let test = start().await;
    let db = test.db();
    let author = UserId::generate(db);
    let rust = Tag::create(db, NewTag::new("rust")).await.unwrap();
    let dynamo = Tag::create(db, NewTag::new("dynamo")).await.unwrap();
    let first = post(db, author, "first").await;
    let second = post(db, author, "second").await;
    let untagged = post(db, author, "untagged").await;
    TaggedPost::link(db, rust.tag_id, first.post_id)
        .await
        .unwrap();
    TaggedPost::link(db, rust.tag_id, second.post_id)
        .await
        .unwrap();
    TaggedPost::link(db, dynamo.tag_id, second.post_id)
        .await
        .unwrap();

    let rust_posts = rust.get_posts(db).all().await.unwrap();
    assert_eq!(
        titles(&rust_posts),
        BTreeSet::from(["first".into(), "second".into()])
    );
    let dynamo_posts = dynamo.get_posts(db).all().await.unwrap();
    assert_eq!(titles(&dynamo_posts), BTreeSet::from(["second".into()]));

    let tags_of_second: BTreeSet<String> = second
        .get_tags(db)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|tag| tag.name)
        .collect();
    assert_eq!(
        tags_of_second,
        BTreeSet::from(["rust".into(), "dynamo".into()])
    );
    assert!(untagged.get_tags(db).all().await.unwrap().is_empty());
}

#[tokio::test(flavor = "current_thread")]
async fn a_mapping_page_is_one_query_and_one_batch_read() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("busy")).await.unwrap();
    let author = UserId::generate(db);
    for i in 0..30 {
        let tagged = post(db, author, &format!("post {i}")).await;
        TaggedPost::link(db, tag.tag_id, tagged.post_id)
            .await
            .unwrap();
    }
    requests.reset();

    let page = tag.get_posts(db).limit(25).page().await.unwrap();
    assert_eq!(page.items.len(), 25);
    assert_eq!(requests.operations(), ["Query", "BatchGetItem"]);
    assert!(page.capacity.read > 0.0, "{:?}", page.capacity);

    let rest = tag
        .get_posts(db)
        .limit(25)
        .after(page.cursor.expect("a second page"))
        .page()
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 5);
    let all: BTreeSet<PostId> = page
        .items
        .iter()
        .chain(&rest.items)
        .map(|post| post.post_id)
        .collect();
    assert_eq!(all.len(), 30, "pages overlap or miss posts");
}

#[tokio::test(flavor = "current_thread")]
async fn mapping_sort_conditions_narrow_the_links() {
    let test = start().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("t")).await.unwrap();
    let author = UserId::generate(db);
    let mut posts = Vec::new();
    for i in 0..4 {
        let tagged = post(db, author, &format!("p{i}")).await;
        TaggedPost::link(db, tag.tag_id, tagged.post_id)
            .await
            .unwrap();
        posts.push(tagged);
    }
    posts.sort_by_key(|post| post.post_id);
    let after_second = tag
        .get_posts(db)
        .sort_gt(posts[1].post_id)
        .all()
        .await
        .unwrap();
    let expected: Vec<PostId> = posts[2..].iter().map(|post| post.post_id).collect();
    let found: Vec<PostId> = after_second.iter().map(|post| post.post_id).collect();
    assert_eq!(found, expected);
    let newest_first = tag
        .get_posts(db)
        .descending()
        .limit(1)
        .page()
        .await
        .unwrap();
    assert_eq!(newest_first.items[0].post_id, posts[3].post_id);
}

#[tokio::test(flavor = "current_thread")]
async fn unlink_removes_the_link_and_a_missing_target_is_skipped() {
    let test = start().await;
    let db = test.db();
    let tag = Tag::create(db, NewTag::new("t")).await.unwrap();
    let author = UserId::generate(db);
    let kept = post(db, author, "kept").await;
    let unlinked = post(db, author, "unlinked").await;
    let deleted = post(db, author, "deleted").await;
    for post in [&kept, &unlinked, &deleted] {
        TaggedPost::link(db, tag.tag_id, post.post_id)
            .await
            .unwrap();
    }

    let removed = TaggedPost::unlink(db, tag.tag_id, unlinked.post_id)
        .await
        .unwrap();
    assert_eq!(removed.post_id, unlinked.post_id);
    let again = TaggedPost::unlink(db, tag.tag_id, unlinked.post_id)
        .await
        .unwrap_err();
    assert!(again.is_not_found(), "{again:?}");
    Post::delete(db, &deleted.post_id).await.unwrap();

    let titles = titles(&tag.get_posts(db).all().await.unwrap());
    assert_eq!(titles, BTreeSet::from(["kept".into()]));
    let dangling = TaggedPost::find(
        db,
        &TaggedPostKey {
            tag_id: tag.tag_id,
            post_id: deleted.post_id,
        },
    )
    .await
    .unwrap();
    assert!(dangling.is_some(), "the dangling link itself is kept");
}

#[tokio::test(flavor = "current_thread")]
async fn linking_a_linked_pair_again_is_already_exists() {
    let test = start().await;
    let db = test.db();
    let tag = TagId::generate(db);
    let post = PostId::generate(db);
    TaggedPost::link(db, tag, post).await.unwrap();
    let error = TaggedPost::link(db, tag, post).await.unwrap_err();
    assert!(matches!(error, Error::AlreadyExists { .. }), "{error:?}");
}

#[tokio::test(flavor = "current_thread")]
async fn related_items_of_many_items_are_read_once_per_distinct_key() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let mut authors = Vec::new();
    for i in 0..10 {
        let user = User::create(
            db,
            NewUser::new(format!("u{i}"), format!("u{i}@example.com")),
        )
        .await
        .unwrap();
        authors.push(user);
    }
    let mut posts = Vec::new();
    for i in 0..150 {
        posts.push(post(db, authors[i % 10].user_id, &format!("p{i}")).await);
    }
    posts.push(post(db, UserId::generate(db), "orphan").await);
    requests.reset();

    let loaded = Post::get_user_for_each(db, &posts).await.unwrap();
    assert_eq!(requests.operations(), ["BatchGetItem"]);
    assert_eq!(loaded.len(), posts.len());
    for (post, author) in posts.iter().zip(&loaded).take(150) {
        assert_eq!(author.as_ref().map(|user| user.user_id), Some(post.user_id));
    }
    assert!(loaded[150].is_none(), "a missing author is None");
}

#[tokio::test(flavor = "current_thread")]
async fn related_items_in_a_scope_join_its_batches_and_cache() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let posts = vec![
        post(db, ada.user_id, "a").await,
        post(db, ada.user_id, "b").await,
    ];
    requests.reset();
    RequestScope::new()
        .run(async {
            let authors = Post::get_user_for_each(db, &posts).await.unwrap();
            assert!(authors.iter().all(|author| author.as_ref() == Some(&ada)));
            assert_eq!(posts[0].get_user(db).await.unwrap().as_ref(), Some(&ada));
        })
        .await;
    assert_eq!(
        requests.operations(),
        ["BatchGetItem"],
        "the second read is cached"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn iteration_filter_keeps_matching_items_only() {
    let test = start().await;
    let db = test.db();
    for i in 0..12 {
        let role = if i % 3 == 0 { "admin" } else { "user" };
        User::create(
            db,
            NewUser::new(format!("u{i}"), format!("u{i}@example.com")).with_role(role),
        )
        .await
        .unwrap();
    }
    let admins = User::iterate_all(db)
        .filter(|user| user.role.as_deref() == Some("admin"))
        .collect()
        .await
        .unwrap();
    assert_eq!(admins.len(), 4);
    assert!(
        admins
            .iter()
            .all(|user| user.role.as_deref() == Some("admin"))
    );
    assert_eq!(User::iterate_all(db).collect().await.unwrap().len(), 12);
}

/// An index on a RelatedField is queried from the related item or, with only its id, from the
/// indexed model: both read the same items in one request each.
#[tokio::test(flavor = "current_thread")]
async fn a_related_index_is_queried_by_the_owner_or_by_its_id() {
    let (test, requests) = start_logged().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let bob = User::create(db, NewUser::new("Bob", "bob@example.com"))
        .await
        .unwrap();
    post(db, ada.user_id, "one").await;
    post(db, ada.user_id, "two").await;
    post(db, bob.user_id, "other").await;
    requests.reset();
    let by_id = Post::query_posts_for_user(db, ada.user_id)
        .all()
        .await
        .unwrap();
    let by_owner = ada.query_posts(db).all().await.unwrap();
    assert_eq!(titles(&by_id), BTreeSet::from(["one".into(), "two".into()]));
    assert_eq!(titles(&by_id), titles(&by_owner));
    assert_eq!(requests.count("Query"), 2);
}
