//! DynamoBao's README example 2 in Rust: a unique email, posts related to their user, the
//! `postsForUser` index, and a filtered query.

use bao_runtime::{Model, RequestScope};
use examples::models::{NewPost, NewUser, Post, User};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-relationships").await?;
    // readme:start
    // Create a new user (one TransactWriteItems: the user and its email's constraint item)
    let user = User::create(&db, NewUser::new("Test User", "test@example.com")).await?;
    println!("Created user: {}", user.user_id);

    // Find user by unique constraint
    let found = User::find_by_email(&db, "test@example.com").await?;
    println!("Found user by email: {:?}", found.map(|user| user.name));

    // Create some test posts for the user, concurrently
    let (post1, post2) = futures::try_join!(
        Post::create(
            &db,
            NewPost::new(user.user_id, "Test Post 1", "This is a test post")
        ),
        Post::create(
            &db,
            NewPost::new(user.user_id, "Test Post 2", "This is another test post")
        ),
    )?;

    // The user has a query_posts method (via the postsForUser index)
    let user_posts = user.query_posts(&db).page().await?;
    println!("User posts: {}", user_posts.items.len());

    // Or add a filter condition to the query
    let filtered = user
        .query_posts(&db)
        .filter(Post::CONTENT.contains("another"))
        .page()
        .await?;
    println!("User posts matching filter: {}", filtered.items.len());

    // Each post can load its user; in a request scope the loads share one BatchGetItem
    let authors = RequestScope::new()
        .run(async { futures::try_join!(post1.get_user(&db), post2.get_user(&db)) })
        .await?;
    println!(
        "Authors: {:?}",
        [authors.0.map(|u| u.name), authors.1.map(|u| u.name)]
    );
    // readme:end
    assert_eq!(user_posts.items.len(), 2);
    assert_eq!(filtered.items.len(), 1);
    Ok(())
}
