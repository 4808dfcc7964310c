//! Typed eager include: `Post::load(db, &id).user().comments(..).tags(..)` reads an item with
//! its relations in at most two rounds of requests, each relation typed by whether it was asked
//! for.

use bao_runtime::{Capacity, Db, Model, NotLoaded, RequestScope};
use examples::models::{
    Comment, CommentKey, NewComment, NewPost, NewTag, NewUser, Post, PostId, Tag, TaggedPost, User,
};
use tests::start;

/// A user, a post of theirs with two comments (one by another user) and two tags.
struct Blog {
    author: User,
    reader: User,
    post: Post,
    comments: Vec<Comment>,
    tags: Vec<Tag>,
}

async fn blog(db: &Db) -> Blog {
    let author = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let reader = User::create(db, NewUser::new("Grace", "grace@example.com"))
        .await
        .unwrap();
    let post = Post::create(db, NewPost::new(author.user_id, "Engines", "body"))
        .await
        .unwrap();
    let mut comments = Vec::new();
    for (by, text) in [(&author, "first"), (&reader, "second")] {
        let comment = NewComment::new(post.post_id, by.user_id, text);
        comments.push(Comment::create(db, comment).await.unwrap());
    }
    let mut tags = Vec::new();
    for name in ["rust", "dynamodb"] {
        let tag = Tag::create(db, NewTag::new(name)).await.unwrap();
        TaggedPost::link(db, tag.tag_id, post.post_id)
            .await
            .unwrap();
        tags.push(tag);
    }
    Blog {
        author,
        reader,
        post,
        comments,
        tags,
    }
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

#[tokio::test(flavor = "current_thread")]
async fn a_post_with_its_author_comments_and_tags_takes_two_rounds() {
    let test = start().await;
    let db = test.db();
    let blog = blog(db).await;
    test.calls().reset();

    let loaded = Post::load(db, &blog.post.post_id)
        .user()
        .comments(|q| q)
        .tags(|q| q)
        .await
        .unwrap()
        .expect("the post exists");

    assert_eq!(loaded.post.title, "Engines");
    assert_eq!(
        loaded.user.as_ref().map(|u| u.user_id),
        Some(blog.author.user_id)
    );
    let texts: Vec<&str> = loaded
        .comments
        .items
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(texts, ["first", "second"]);
    assert_eq!(
        sorted(loaded.tags.items.iter().map(|t| t.tag_id).collect()),
        sorted(blog.tags.iter().map(|t| t.tag_id).collect()),
    );
    // Round 1: the post, its comments and its links, concurrently. Round 2: the author and the
    // tags, in one BatchGetItem.
    let calls = test.calls();
    assert_eq!(calls.count("GetItem"), 1, "{:?}", calls.operations());
    assert_eq!(calls.count("Query"), 2, "{:?}", calls.operations());
    assert_eq!(calls.count("BatchGetItem"), 1, "{:?}", calls.operations());
    assert_eq!(calls.total(), 4);
    assert_eq!(calls.rounds(), 2);
    let parts = loaded.post.state().capacity()
        + loaded
            .user
            .as_ref()
            .map_or(Capacity::ZERO, |u| u.state().capacity())
        + loaded.comments.capacity
        + loaded.tags.capacity;
    assert_eq!(loaded.capacity, parts);
    assert!(loaded.capacity.read > 0.0, "{}", loaded.capacity);
}

#[tokio::test(flavor = "current_thread")]
async fn the_same_reads_one_by_one_take_five_rounds() {
    let test = start().await;
    let db = test.db();
    let blog = blog(db).await;
    test.calls().reset();

    let post = Post::find(db, &blog.post.post_id).await.unwrap().unwrap();
    post.get_user(db).await.unwrap();
    post.query_comments(db).page().await.unwrap();
    post.get_tags(db).page().await.unwrap();

    assert_eq!(test.calls().rounds(), 5, "{:?}", test.calls().operations());
}

#[tokio::test(flavor = "current_thread")]
async fn includes_that_need_only_the_key_take_one_round() {
    let test = start().await;
    let db = test.db();
    let blog = blog(db).await;
    test.calls().reset();

    let loaded = Post::load(db, &blog.post.post_id)
        .comments(|q| q.descending().limit(1))
        .await
        .unwrap()
        .unwrap();

    assert_eq!(loaded.comments.items.len(), 1);
    assert_eq!(loaded.comments.items[0].text, "second");
    assert!(loaded.comments.cursor.is_some(), "a limited page has more");
    assert_eq!(loaded.user, NotLoaded);
    assert_eq!(loaded.tags, NotLoaded);
    assert_eq!(test.calls().operations(), ["GetItem", "Query"]);
    assert_eq!(test.calls().rounds(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn two_items_a_comment_points_to_share_one_batch() {
    let test = start().await;
    let db = test.db();
    let blog = blog(db).await;
    let comment = &blog.comments[1];
    let key = CommentKey {
        post_id: comment.post_id,
        comment_id: comment.comment_id,
    };
    test.calls().reset();

    let loaded = Comment::load(db, &key)
        .post()
        .author()
        .await
        .unwrap()
        .unwrap();

    assert_eq!(loaded.comment.text, "second");
    assert_eq!(loaded.post.map(|p| p.post_id), Some(blog.post.post_id));
    assert_eq!(loaded.author.map(|u| u.user_id), Some(blog.reader.user_id));
    assert_eq!(test.calls().operations(), ["GetItem", "BatchGetItem"]);
    assert_eq!(test.calls().rounds(), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_missing_item_loads_as_none_and_a_missing_target_as_none() {
    let test = start().await;
    let db = test.db();
    let missing = Post::load(db, &PostId::generate(db))
        .user()
        .comments(|q| q)
        .await
        .unwrap();
    assert!(missing.is_none());

    // A post whose author was never created.
    let orphan = NewPost::new(examples::models::UserId::generate(db), "orphan", "body");
    let orphan = Post::create(db, orphan).await.unwrap();
    let loaded = Post::load(db, &orphan.post_id)
        .user()
        .await
        .unwrap()
        .unwrap();
    assert!(loaded.user.is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn inside_a_request_scope_a_load_uses_its_cache() {
    let test = start().await;
    let db = test.db();
    let blog = blog(db).await;
    let scope = RequestScope::new();
    let post_id = blog.post.post_id;

    let (first, second) = scope
        .run(async {
            let first = Post::load(db, &post_id).user().await.unwrap().unwrap();
            test.calls().reset();
            let second = Post::load(db, &post_id).user().await.unwrap().unwrap();
            (first, second)
        })
        .await;

    assert_eq!(first.user, second.user);
    assert_eq!(test.calls().total(), 0, "{:?}", test.calls().operations());
    assert_eq!(second.capacity, Capacity::ZERO);
}

#[tokio::test(flavor = "current_thread")]
async fn a_load_sees_only_its_tenants_items() {
    let test = start().await;
    let a = test.db().with_tenant("tenant-a").unwrap();
    let b = test.db().with_tenant("tenant-b").unwrap();
    let blog = blog(&a).await;
    // Tenant B has a comment on a post with the same id, which A must not see.
    let post = NewPost::new(blog.author.user_id, "B's", "body").with_post_id(blog.post.post_id);
    Post::create(&b, post).await.unwrap();
    let intruder = NewComment::new(blog.post.post_id, blog.reader.user_id, "from B");
    Comment::create(&b, intruder).await.unwrap();

    let loaded = Post::load(&a, &blog.post.post_id)
        .user()
        .comments(|q| q)
        .await
        .unwrap()
        .unwrap();

    assert_eq!(loaded.post.title, "Engines");
    assert_eq!(loaded.comments.items.len(), 2);
    assert!(loaded.comments.items.iter().all(|c| c.text != "from B"));
    assert_eq!(loaded.user.map(|u| u.name), Some("Ada".to_owned()));
    let under_b = Post::load(&b, &blog.post.post_id)
        .user()
        .await
        .unwrap()
        .unwrap();
    assert!(under_b.user.is_none(), "the author lives in tenant A");
}

#[tokio::test(flavor = "current_thread")]
async fn a_consistent_load_reads_the_item_and_its_targets_strongly() {
    let test = start().await;
    let db = test.db();
    let blog = blog(db).await;
    test.calls().reset();

    let loaded = Post::load(db, &blog.post.post_id)
        .consistent()
        .user()
        .await
        .unwrap()
        .unwrap();

    assert!(loaded.user.is_some());
    // Strongly consistent reads are GetItems: a request scope's batches are not.
    assert_eq!(test.calls().operations(), ["GetItem", "GetItem"]);
    assert_eq!(loaded.capacity.read, 2.0);
}
