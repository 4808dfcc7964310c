//! Tenant isolation: data written under tenant B is never returned under tenant A (or without
//! a tenant) by any generated read method, and a cursor from B is refused under A.

use bao_runtime::{Db, Error, Model, RequestScope};
use examples::models::{
    Comment, NewComment, NewPost, NewSetting, NewTag, NewUser, Post, Setting, Tag, TaggedPost, User,
};
use tests::{scan_all, start, text_of};

/// What tenant B wrote.
struct Written {
    user: User,
    post: Post,
    tag: Tag,
}

async fn write_under(db: &Db) -> Written {
    let user = User::create(db, NewUser::new("Bea", "bea@example.com"))
        .await
        .unwrap();
    let post = Post::create(db, NewPost::new(user.user_id, "b's post", "body"))
        .await
        .unwrap();
    Post::create(db, NewPost::new(user.user_id, "b's second post", "body"))
        .await
        .unwrap();
    Comment::create(db, NewComment::new(post.post_id, user.user_id, "hi"))
        .await
        .unwrap();
    let tag = Tag::create(db, NewTag::new("b's tag")).await.unwrap();
    TaggedPost::link(db, tag.tag_id, post.post_id)
        .await
        .unwrap();
    Setting::create(db, NewSetting::new("theme").with_value("dark"))
        .await
        .unwrap();
    Written { user, post, tag }
}

/// Every generated read method, on the data of `written`, through `db`: what each returns.
async fn reads(db: &Db, written: &Written) -> Vec<(&'static str, usize)> {
    let Written { user, post, tag } = written;
    vec![
        (
            "find",
            usize::from(User::find(db, &user.user_id).await.unwrap().is_some()),
        ),
        (
            "find_many",
            Post::find_many(db, &[post.post_id])
                .await
                .unwrap()
                .into_iter()
                .flatten()
                .count(),
        ),
        (
            "find_by_email",
            usize::from(
                User::find_by_email(db, "bea@example.com")
                    .await
                    .unwrap()
                    .is_some(),
            ),
        ),
        (
            "query_posts",
            user.query_posts(db).all().await.unwrap().len(),
        ),
        (
            "query_all_posts",
            Post::query_all_posts(db).all().await.unwrap().len(),
        ),
        (
            "query_all_settings",
            Setting::query_all_settings(db).all().await.unwrap().len(),
        ),
        (
            "query_comments",
            post.query_comments(db).all().await.unwrap().len(),
        ),
        (
            "get_user",
            usize::from(post.get_user(db).await.unwrap().is_some()),
        ),
        (
            "get_user_for_each",
            Post::get_user_for_each(db, std::slice::from_ref(post))
                .await
                .unwrap()
                .into_iter()
                .flatten()
                .count(),
        ),
        (
            "get_posts (mapping)",
            tag.get_posts(db).all().await.unwrap().len(),
        ),
        (
            "get_tags (mapping)",
            post.get_tags(db).all().await.unwrap().len(),
        ),
        (
            "iterate_all",
            User::iterate_all(db).collect().await.unwrap().len(),
        ),
        (
            "iterate_all posts",
            Post::iterate_all(db).collect().await.unwrap().len(),
        ),
    ]
}

#[tokio::test(flavor = "current_thread")]
async fn no_read_method_returns_another_tenants_data() {
    let test = start().await;
    let db = test.db();
    let b = db.with_tenant("tenant-b").unwrap();
    let a = db.with_tenant("tenant-a").unwrap();
    let written = write_under(&b).await;

    let seen_by_b = reads(&b, &written).await;
    assert!(
        seen_by_b.iter().all(|(_, count)| *count > 0),
        "every read finds B's data under B: {seen_by_b:?}"
    );
    for reader in [&a, db] {
        let seen = reads(reader, &written).await;
        let leaks: Vec<_> = seen.iter().filter(|(_, count)| *count > 0).collect();
        assert!(
            leaks.is_empty(),
            "leaked under {:?}: {leaks:?}",
            reader.tenant()
        );
    }
    let in_scope = RequestScope::new().run(reads(&a, &written)).await;
    assert!(
        in_scope.iter().all(|(_, count)| *count == 0),
        "{in_scope:?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn every_stored_key_carries_the_tenant_prefix() {
    let test = start().await;
    let db = test.db();
    let b = db.with_tenant("tenant-b").unwrap();
    write_under(&b).await;
    let items = scan_all(db).await;
    assert!(!items.is_empty());
    for item in &items {
        for attribute in ["_pk", "_gsi1_pk", "_gsi2_pk", "_iter_pk"] {
            if item.contains_key(attribute) {
                let value = text_of(item, attribute);
                assert!(value.starts_with("[tenant-b]#"), "{attribute} = {value}");
            }
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_same_unique_value_is_free_in_each_tenant() {
    let test = start().await;
    let db = test.db();
    for tenant in ["a", "b"] {
        let scoped = db.with_tenant(tenant).unwrap();
        User::create(&scoped, NewUser::new(tenant, "same@example.com"))
            .await
            .expect("each tenant has its own constraint items");
        let owner = User::find_by_email(&scoped, "same@example.com")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(owner.name, tenant);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_cursor_from_another_tenant_is_refused() {
    let test = start().await;
    let db = test.db();
    let a = db.with_tenant("tenant-a").unwrap();
    let b = db.with_tenant("tenant-b").unwrap();
    for scoped in [&a, &b] {
        for i in 0..3 {
            Setting::create(scoped, NewSetting::new(format!("s{i}")))
                .await
                .unwrap();
        }
    }
    let page = Setting::query_all_settings(&b)
        .limit(1)
        .page()
        .await
        .unwrap();
    let cursor = page.cursor.expect("more pages");

    let error = Setting::query_all_settings(&a)
        .limit(1)
        .after(cursor.clone())
        .page()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Validation { field: "cursor", message, .. } if message.contains("another tenant")),
        "{error:?}"
    );
    let untenanted = Setting::query_all_settings(db)
        .after(cursor.clone())
        .page()
        .await;
    assert!(untenanted.unwrap_err().is_validation());
    let own = Setting::query_all_settings(&b)
        .limit(1)
        .after(cursor)
        .page()
        .await;
    assert_eq!(own.unwrap().items.len(), 1, "B's own cursor works");
}

#[tokio::test(flavor = "current_thread")]
async fn a_mapping_cursor_from_another_tenant_is_refused() {
    let test = start().await;
    let db = test.db();
    let b = db.with_tenant("tenant-b").unwrap();
    let a = db.with_tenant("tenant-a").unwrap();
    let tag = Tag::create(&b, NewTag::new("t")).await.unwrap();
    let author = examples::models::UserId::generate(db);
    for _ in 0..2 {
        let post = Post::create(&b, NewPost::new(author, "p", "c"))
            .await
            .unwrap();
        TaggedPost::link(&b, tag.tag_id, post.post_id)
            .await
            .unwrap();
    }
    let page = tag.get_posts(&b).limit(1).page().await.unwrap();
    let error = tag
        .get_posts(&a)
        .after(page.cursor.expect("more pages"))
        .page()
        .await
        .unwrap_err();
    assert!(error.is_validation(), "{error:?}");
}
