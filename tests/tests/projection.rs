//! Projection: `find_partial` and `Query::select` read the key and the chosen fields only, into
//! a `Partial` that cannot be saved and never passes through a request scope's cache.

use bao_runtime::{Error, Model, RequestScope};
use examples::models::{
    Address, Comment, NewComment, NewOrder, NewPost, NewUser, Order, OrderStatus, Post, User,
};
use tests::start;

async fn post(db: &bao_runtime::Db) -> Post {
    let author = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let post = NewPost::new(author.user_id, "Engines", "a long body".repeat(100));
    Post::create(db, post).await.unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn find_partial_reads_the_key_and_the_chosen_fields() {
    let test = start().await;
    let db = test.db();
    let post = post(db).await;
    test.calls().reset();

    let partial = Post::find_partial(db, &post.post_id, &[Post::TITLE.path()])
        .await
        .unwrap()
        .expect("the post exists");

    assert_eq!(test.calls().operations(), ["GetItem"]);
    assert_eq!(partial.key(), &post.post_id);
    assert_eq!(
        partial.get(&Post::TITLE).unwrap(),
        Some("Engines".to_owned())
    );
    assert_eq!(partial.get(&Post::POST_ID).unwrap(), Some(post.post_id));
    // Only the key and the title came back: no body, no system attributes.
    let mut names: Vec<&str> = partial.item().keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["postId", "title"]);
    let unselected = partial.get(&Post::CONTENT).unwrap_err();
    assert!(
        matches!(
            &unselected,
            Error::Validation {
                field: "content",
                ..
            }
        ),
        "{unselected}"
    );
    assert!(
        unselected.to_string().contains("not selected"),
        "{unselected}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_missing_item_and_a_field_of_another_model() {
    let test = start().await;
    let db = test.db();
    let post = post(db).await;
    let missing = Post::find_partial(db, &examples::models::PostId::generate(db), &[])
        .await
        .unwrap();
    assert!(missing.is_none());

    test.calls().reset();
    let foreign = Post::find_partial(db, &post.post_id, &[Comment::TEXT.path()])
        .await
        .unwrap_err();
    assert!(foreign.is_validation(), "{foreign}");
    assert!(
        foreign
            .to_string()
            .contains("`text` is not a field of Post"),
        "{foreign}"
    );
    assert_eq!(test.calls().total(), 0, "refused before sending");
}

#[tokio::test(flavor = "current_thread")]
async fn a_partial_never_comes_from_or_goes_into_the_scope_cache() {
    let test = start().await;
    let db = test.db();
    let post = post(db).await;
    let id = post.post_id;
    let scope = RequestScope::new();

    let (partial, full) = scope
        .run(async {
            let partial = Post::find_partial(db, &id, &[Post::TITLE.path()]).await;
            let full = Post::find(db, &id).await;
            (partial.unwrap().unwrap(), full.unwrap().unwrap())
        })
        .await;
    assert_eq!(
        full.content, post.content,
        "the full find read the whole item"
    );
    assert_eq!(partial.get(&Post::TITLE).unwrap(), Some(post.title.clone()));

    test.calls().reset();
    scope
        .run(async {
            // The post is cached now; a partial read still goes to the table.
            Post::find(db, &id).await.unwrap().unwrap();
            Post::find_partial(db, &id, &[Post::TITLE.path()])
                .await
                .unwrap();
        })
        .await;
    assert_eq!(test.calls().operations(), ["GetItem"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_query_selects_fields_of_each_item_page_by_page() {
    let test = start().await;
    let db = test.db();
    let post = post(db).await;
    for text in ["one", "two", "three"] {
        let comment = NewComment::new(post.post_id, post.user_id, text);
        Comment::create(db, comment).await.unwrap();
    }
    test.calls().reset();

    let partials = post
        .query_comments(db)
        .limit(2)
        .select(&[Comment::TEXT.path()])
        .all()
        .await
        .unwrap();

    assert_eq!(test.calls().operations(), ["Query", "Query"], "two pages");
    let texts: Vec<String> = partials
        .iter()
        .map(|partial| partial.get(&Comment::TEXT).unwrap().unwrap())
        .collect();
    assert_eq!(texts, ["one", "two", "three"]);
    for partial in &partials {
        assert_eq!(partial.key().post_id, post.post_id);
        assert!(!partial.item().contains_key("authorId"));
    }
    let first = post
        .query_comments(db)
        .limit(1)
        .select(&[Comment::TEXT.path()])
        .page()
        .await
        .unwrap();
    assert_eq!(first.items.len(), 1);
    assert!(first.cursor.is_some());
}

#[tokio::test(flavor = "current_thread")]
async fn a_member_of_a_map_is_selected_alone() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let address = Address {
        street: "1 Main St".into(),
        city: "Springfield".into(),
        country: Some("US".into()),
    };
    let order = NewOrder::new(ada.user_id, OrderStatus::Open, 100).with_ship_to(address);
    let order = Order::create(db, order).await.unwrap();

    let city = Order::SHIP_TO.city();
    let partial = Order::find_partial(db, &order.order_id, &[city.path()])
        .await
        .unwrap()
        .unwrap();

    assert_eq!(partial.get(&city).unwrap(), Some("Springfield".to_owned()));
    assert!(
        partial.get(&Order::SHIP_TO.street()).is_err(),
        "not selected"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_partial_read_sees_only_its_tenant() {
    let test = start().await;
    let a = test.db().with_tenant("tenant-a").unwrap();
    let b = test.db().with_tenant("tenant-b").unwrap();
    let post = post(&b).await;
    let under_a = Post::find_partial(&a, &post.post_id, &[Post::TITLE.path()])
        .await
        .unwrap();
    assert!(under_a.is_none());
    let under_b = Post::find_partial(&b, &post.post_id, &[Post::TITLE.path()])
        .await
        .unwrap();
    assert!(under_b.is_some());
}
