//! `AnyModel`: the generated enum over every model of the schema reads any stored item, as a
//! DynamoDB stream record or a Scan hands it over, unique-constraint items included.

use bao_runtime::{AttributeValue, Model};
use examples::models::{
    AnyModel, NewComment, NewPost, NewTag, NewUser, Post, Tag, TaggedPost, User,
};
use tests::{scan_all, start};

#[tokio::test(flavor = "current_thread")]
async fn every_item_of_the_table_reads_as_its_model_or_its_claim() {
    let test = start().await;
    let plain = test.db();
    let tenant = plain.with_tenant("acme").unwrap();
    for db in [plain, &tenant] {
        let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
            .await
            .unwrap();
        let post = Post::create(db, NewPost::new(ada.user_id, "Engines", "body"))
            .await
            .unwrap();
        let tag = Tag::create(db, NewTag::new("rust")).await.unwrap();
        TaggedPost::link(db, tag.tag_id, post.post_id)
            .await
            .unwrap();
        let comment = NewComment::new(post.post_id, ada.user_id, "first");
        examples::models::Comment::create(db, comment)
            .await
            .unwrap();
    }
    // An item of no model of this schema.
    plain
        .client()
        .put_item()
        .table_name(plain.table())
        .item("_pk", AttributeValue::S("zz#1".into()))
        .item("_sk", AttributeValue::S("zz".into()))
        .send()
        .await
        .unwrap();

    let mut seen: Vec<String> = Vec::new();
    let mut unknown = 0;
    for item in scan_all(plain).await {
        match AnyModel::from_item(&item).unwrap() {
            Some(AnyModel::User(user)) => {
                assert_eq!(user.name, "Ada");
                // The same user as the tenant's (or no tenant's) find returns.
                let under_tenant = item["_pk"].as_s().unwrap().starts_with("[acme]#");
                let db = if under_tenant { &tenant } else { plain };
                let found = User::find(db, &user.user_id).await.unwrap();
                assert_eq!(found, Some(user.clone()));
                seen.push("User".into());
            }
            Some(AnyModel::Post(post)) => {
                assert_eq!(post.title, "Engines");
                seen.push("Post".into());
            }
            Some(AnyModel::Tag(_)) => seen.push("Tag".into()),
            Some(AnyModel::TaggedPost(_)) => seen.push("TaggedPost".into()),
            Some(AnyModel::Comment(comment)) => {
                assert_eq!(comment.text, "first");
                seen.push("Comment".into());
            }
            Some(AnyModel::UniqueClaim(claim)) => {
                assert_eq!(claim.model, "User");
                assert!(claim.value.contains("ada@example.com"), "{claim:?}");
                assert!(!claim.related_id.is_empty());
                seen.push("claim".into());
            }
            Some(other) => panic!("nothing else was written: {other:?}"),
            None => unknown += 1,
        }
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "Comment",
            "Comment",
            "Post",
            "Post",
            "Tag",
            "Tag",
            "TaggedPost",
            "TaggedPost",
            "User",
            "User",
            "claim",
            "claim"
        ]
    );
    assert_eq!(unknown, 1, "the item of no model");
}

#[tokio::test(flavor = "current_thread")]
async fn an_item_that_is_not_its_model_is_a_decode_error() {
    let test = start().await;
    let db = test.db();
    let ada = User::create(db, NewUser::new("Ada", "ada@example.com"))
        .await
        .unwrap();
    let mut item = tests::stored(db, &format!("u#{}", ada.user_id), "u").await;
    item.insert("name".into(), AttributeValue::N("7".into()));
    let error = AnyModel::from_item(&item).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("cannot decode User"), "{message}");
    assert!(message.contains(".name: expected S"), "{message}");
}
