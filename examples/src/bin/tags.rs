//! A mapping table: tags linked to posts through `TaggedPost`, read from both sides.

use bao_runtime::Model;
use examples::models::{NewPost, NewTag, Post, Tag, TaggedPost, UserId};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-tags").await?;
    let author = UserId::generate(&db);
    // readme:start
    let rust = Tag::create(&db, NewTag::new("rust")).await?;
    let dynamo = Tag::create(&db, NewTag::new("dynamodb")).await?;
    let post = Post::create(&db, NewPost::new(author, "Single-table design", "…")).await?;

    // Link the post to both tags: one mapping item each
    TaggedPost::link(&db, rust.tag_id, post.post_id).await?;
    TaggedPost::link(&db, dynamo.tag_id, post.post_id).await?;

    // From a tag to its posts (the mapping's primary key, aliased as postsForTag)...
    let posts = rust.get_posts(&db).all().await?;
    println!(
        "Posts tagged rust: {:?}",
        posts.iter().map(|p| &p.title).collect::<Vec<_>>()
    );

    // ...and from a post to its tags (the reverse index tagsForPost on gsi1).
    // Each page is one Query of links plus one BatchGetItem of the tags.
    let page = post.get_tags(&db).limit(10).page().await?;
    println!(
        "Tags of the post: {:?}  [{}]",
        page.items.iter().map(|t| &t.name).collect::<Vec<_>>(),
        page.capacity
    );

    TaggedPost::unlink(&db, dynamo.tag_id, post.post_id).await?;
    println!(
        "After unlink: {} tag(s)",
        post.get_tags(&db).all().await?.len()
    );
    // readme:end
    assert_eq!(posts.len(), 1);
    assert_eq!(page.items.len(), 2);
    assert_eq!(post.get_tags(&db).all().await?.len(), 1);
    Ok(())
}
