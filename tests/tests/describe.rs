//! `bao describe` cannot drift from what bao does: the items it shows are the items a create
//! of the same fields stores, and its access-pattern table's request counts are the calls the
//! generated methods make, checked here method by method against the in-process DynamoDB.

use bao_codegen::describe::access::{self, Requests};
use bao_codegen::describe::example;
use bao_codegen::ir::Schema;
use bao_runtime::testing::TestDb;
use bao_runtime::{Db, Item, Model, RequestScope};
use examples::models::{
    Article, Comment, CommentKey, Document, NewComment, NewPost, NewTag, NewUser, Order, Post,
    PostUpdate, Setting, Showcase, Tag, TaggedPost, User, UserUpdate,
};
use std::collections::BTreeSet;
use tests::{stored, unique_items};

fn root() -> Schema {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models.yaml");
    bao_codegen::validate::load_and_validate(&path)
        .expect("the root schema validates")
        .schema
}

/// Creates `M` from the example fields and checks the table holds exactly the described items.
async fn stores_what_it_describes<M: Model>(db: &Db, schema: &Schema) {
    let model = schema.model(M::SCHEMA.name).expect("a model of the schema");
    let described = example::stored(schema, model, db.tenant().map(|tenant| tenant.id()));
    bao_runtime::ops::create::<M>(db, example::fields(schema, model))
        .await
        .unwrap_or_else(|error| panic!("{} example creates: {error}", model.name));
    for item in &described {
        let text = |name: &str| match item.get(name) {
            Some(bao_runtime::AttributeValue::S(text)) => text.clone(),
            _ => panic!("{}: a described item has `{name}`", model.name),
        };
        let found: Item = stored(db, &text("_pk"), &text("_sk")).await;
        assert_eq!(
            sets_sorted(found),
            sets_sorted(item.clone()),
            "{}: stored and described differ",
            model.name
        );
    }
    let uniques = unique_items(db).await.len();
    assert!(uniques >= described.len() - 1, "{}", model.name);
}

/// The item with its string sets sorted: a set has no order.
fn sets_sorted(mut item: Item) -> Item {
    for value in item.values_mut() {
        if let bao_runtime::AttributeValue::Ss(members) = value {
            members.sort();
        }
    }
    item
}

#[tokio::test(flavor = "current_thread")]
async fn every_described_item_is_what_a_create_stores() {
    let schema = root();
    for tenant in [None, Some(example::EXAMPLE_TENANT)] {
        let test = TestDb::start().await.unwrap();
        let db = match tenant {
            Some(id) => test.db().with_tenant(id).unwrap(),
            None => test.db().clone(),
        };
        stores_what_it_describes::<User>(&db, &schema).await;
        stores_what_it_describes::<Post>(&db, &schema).await;
        stores_what_it_describes::<Tag>(&db, &schema).await;
        stores_what_it_describes::<TaggedPost>(&db, &schema).await;
        stores_what_it_describes::<Comment>(&db, &schema).await;
        stores_what_it_describes::<Document>(&db, &schema).await;
        stores_what_it_describes::<Showcase>(&db, &schema).await;
        stores_what_it_describes::<Order>(&db, &schema).await;
        stores_what_it_describes::<Article>(&db, &schema).await;
        stores_what_it_describes::<Setting>(&db, &schema).await;
    }
}

/// The calls `run` makes, by operation name, in order.
async fn calls_of<F: std::future::Future<Output = ()>>(test: &TestDb, run: F) -> Vec<String> {
    test.calls().reset();
    Box::pin(run).await;
    test.calls().operations()
}

/// The operations an access's `operations` column names, in order (`Query + BatchGetItem`).
fn listed(access: &access::Access) -> Vec<String> {
    access.operations.split(" + ").map(str::to_owned).collect()
}

/// Asserts that `calls` is what the table lists for `method` of `model`: the operations in
/// order, and as many requests.
fn check(
    schema: &Schema,
    model: &str,
    method: &str,
    calls: &[String],
    seen: &mut BTreeSet<String>,
) {
    let model_ir = schema.model(model).expect("a model");
    let patterns = access::patterns(schema, model_ir);
    let access = patterns
        .iter()
        .find(|access| access.method == method)
        .unwrap_or_else(|| panic!("{model} lists no `{method}`"));
    let expected = match access.requests {
        Requests::Exactly(count) | Requests::PerPage(count) => count as usize,
        Requests::PerHundredKeys => 1,
        other => panic!("{model}::{method}: {other} is not counted here"),
    };
    assert_eq!(calls.len(), expected, "{model}::{method}: {calls:?}");
    if !access.operations.contains("per rule") {
        assert_eq!(calls, listed(access), "{model}::{method}");
    }
    seen.insert(format!("{model}::{method}"));
}

#[tokio::test(flavor = "current_thread")]
async fn the_access_patterns_of_users_and_posts_are_the_calls_made() {
    // On the heap: the futures of every generated method, in one body, outgrow a test
    // thread's stack in a debug build.
    Box::pin(every_counted_access()).await;
}

async fn every_counted_access() {
    let schema = root();
    let test = TestDb::start().await.unwrap();
    let db = test.db();
    let mut seen = BTreeSet::new();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let post = Post::create(db, NewPost::new(ada.user_id, "t", "c"))
        .await
        .unwrap();

    let calls = calls_of(&test, async {
        User::create(db, NewUser::new("Bob", "bob@example.com"))
            .await
            .unwrap();
    });
    check(&schema, "User", "create", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        Post::create(db, NewPost::new(ada.user_id, "t2", "c"))
            .await
            .unwrap();
    });
    check(&schema, "Post", "create", &calls.await, &mut seen);
    for (model, method) in [("User", "find"), ("Post", "find")] {
        let calls = calls_of(&test, async {
            match model {
                "User" => drop(User::find(db, &ada.user_id).await.unwrap()),
                _ => drop(Post::find(db, &post.post_id).await.unwrap()),
            }
        });
        check(&schema, model, method, &calls.await, &mut seen);
    }
    let calls = calls_of(&test, async {
        User::find_many(db, &[ada.user_id]).await.unwrap();
    });
    check(&schema, "User", "find_many", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        Post::find_partial(db, &post.post_id, &[Post::TITLE.path()])
            .await
            .unwrap();
    });
    check(&schema, "Post", "find_partial", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        User::find_partial(db, &ada.user_id, &[User::NAME.path()])
            .await
            .unwrap();
    });
    check(&schema, "User", "find_partial", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        User::update(db, &ada.user_id, UserUpdate::new().name("Ada L."))
            .await
            .unwrap();
    });
    check(&schema, "User", "update", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        Post::update(db, &post.post_id, PostUpdate::new().title("t3"))
            .await
            .unwrap();
    });
    check(&schema, "Post", "update", &calls.await, &mut seen);
    let mut loaded = Post::find(db, &post.post_id).await.unwrap().unwrap();
    loaded.title = "t4".into();
    let calls = calls_of(&test, async {
        loaded.save(db).await.unwrap();
    });
    check(&schema, "Post", "save", &calls.await, &mut seen);
    let mut user = User::find(db, &ada.user_id).await.unwrap().unwrap();
    user.role = Some("admin".into());
    let calls = calls_of(&test, async {
        user.save(db).await.unwrap();
    });
    check(&schema, "User", "save", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        User::find_by_email(db, "ada@example.com").await.unwrap();
    });
    check(&schema, "User", "find_by_email", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        ada.query_posts(db).page().await.unwrap();
    });
    check(&schema, "User", "query_posts", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        Post::query_all_posts(db).page().await.unwrap();
    });
    check(&schema, "Post", "query_all_posts", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        Post::query_posts_for_user(db, ada.user_id)
            .page()
            .await
            .unwrap();
    });
    check(
        &schema,
        "Post",
        "query_posts_for_user",
        &calls.await,
        &mut seen,
    );
    let calls = calls_of(&test, async {
        post.get_user(db).await.unwrap();
    });
    check(&schema, "Post", "get_user", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        Post::get_user_for_each(db, std::slice::from_ref(&post))
            .await
            .unwrap();
    });
    check(
        &schema,
        "Post",
        "get_user_for_each",
        &calls.await,
        &mut seen,
    );
    let calls = calls_of(&test, async {
        post.query_comments(db).page().await.unwrap();
    });
    check(&schema, "Post", "query_comments", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        post.query_tags(db).page().await.unwrap();
    });
    check(&schema, "Post", "query_tags", &calls.await, &mut seen);

    // A mapping table: link, the getters on both sides, unlink.
    let tag = Tag::create(db, NewTag::new("rust")).await.unwrap();
    let calls = calls_of(&test, async {
        TaggedPost::link(db, tag.tag_id, post.post_id)
            .await
            .unwrap();
    });
    check(&schema, "TaggedPost", "link", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        post.get_tags(db).page().await.unwrap();
    });
    check(&schema, "Post", "get_tags", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        tag.get_posts(db).page().await.unwrap();
    });
    check(&schema, "Tag", "get_posts", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        TaggedPost::unlink(db, tag.tag_id, post.post_id)
            .await
            .unwrap();
    });
    check(&schema, "TaggedPost", "unlink", &calls.await, &mut seen);

    // A composite key, then deletes.
    let comment = Comment::create(db, NewComment::new(post.post_id, ada.user_id, "hi"))
        .await
        .unwrap();
    let calls = calls_of(&test, async {
        let key = CommentKey {
            post_id: comment.post_id,
            comment_id: comment.comment_id,
        };
        Comment::delete(db, &key).await.unwrap();
    });
    check(&schema, "Comment", "delete", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        Post::delete(db, &post.post_id).await.unwrap();
    });
    check(&schema, "Post", "delete", &calls.await, &mut seen);
    let other = Post::create(db, NewPost::new(ada.user_id, "t5", "c"))
        .await
        .unwrap();
    let calls = calls_of(&test, async {
        other.delete_loaded(db).await.unwrap();
    });
    check(&schema, "Post", "delete_loaded", &calls.await, &mut seen);
    let bob = User::find_by_email(db, "bob@example.com")
        .await
        .unwrap()
        .unwrap();
    let calls = calls_of(&test, async {
        User::delete(db, &bob.user_id).await.unwrap();
    });
    check(&schema, "User", "delete", &calls.await, &mut seen);
    let calls = calls_of(&test, async {
        ada.delete_loaded(db).await.unwrap();
    });
    check(&schema, "User", "delete_loaded", &calls.await, &mut seen);

    // Inside a request scope, a find joins a batch: the note the table gives.
    let calls = calls_of(&test, async {
        RequestScope::new()
            .run(async { Tag::find(db, &tag.tag_id).await.unwrap() })
            .await;
    });
    assert_eq!(calls.await, ["BatchGetItem"]);

    // Every counted access of these models was run.
    let counted = |model: &str| -> Vec<String> {
        let model_ir = schema.model(model).unwrap();
        access::patterns(&schema, model_ir)
            .into_iter()
            .filter(|access| matches!(access.requests, Requests::Exactly(_) | Requests::PerPage(_)))
            .map(|access| format!("{model}::{}", access.method))
            .collect()
    };
    let unchecked: Vec<String> = ["User", "Post"]
        .into_iter()
        .flat_map(counted)
        .filter(|name| !seen.contains(name))
        .collect();
    assert!(
        unchecked.is_empty(),
        "listed but not checked: {unchecked:?}"
    );
}
