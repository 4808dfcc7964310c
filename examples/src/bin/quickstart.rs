//! The quickstart: a user with a unique email, posts listed through an index, an atomic
//! counter and a versioned document, printing what each step cost.
//!
//! Runs against an in-process DynamoDB by default; see [`examples::connect`] for pointing it
//! elsewhere.

use bao_runtime::{Capacity, Model, RequestScope};
use examples::models::{Document, NewDocument, NewPost, NewUser, Post, PostUpdate, User};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-quickstart").await?;
    println!("Using table `{}`.\n", db.table());

    let email = format!(
        "ada-{}@example.com",
        db.new_ulid().to_string().to_lowercase()
    );
    let ada = User::create(&db, NewUser::new("Ada Lovelace", email.clone())).await?;
    step("Created user", &ada.user_id, ada.consumed_capacity());

    let found = User::find_by_email(&db, email.clone())
        .await?
        .ok_or("no user by that email")?;
    step(
        "Found user by email",
        &found.name,
        found.consumed_capacity(),
    );

    let taken = User::create(&db, NewUser::new("Impostor", email)).await;
    match taken {
        Err(error) if error.is_unique_violation() => println!("Refused a second user: {error}"),
        other => return Err(format!("expected a unique violation, got {other:?}").into()),
    }

    for title in ["Notes on the Analytical Engine", "On Bernoulli numbers"] {
        let post = Post::create(&db, NewPost::new(ada.user_id, title, "…")).await?;
        step("Created post", &post.title, post.consumed_capacity());
    }
    let page = ada.query_posts(&db).page().await?;
    step(
        &format!("Queried {} posts of the user", page.items.len()),
        &"postsForUser",
        page.capacity,
    );

    let first = &page.items[0];
    let counted = Post::update(&db, &first.post_id, PostUpdate::new().add_views(1)).await?;
    step(
        "Counted a view",
        &counted.views,
        counted.consumed_capacity(),
    );

    let scope = RequestScope::new();
    let authors = scope
        .run(futures::future::try_join_all(
            page.items.iter().map(|post| post.get_user(&db)),
        ))
        .await?;
    step(
        &format!("Loaded {} authors in one request scope", authors.len()),
        &"BatchGetItem",
        scope.capacity(),
    );

    let mut mine = Document::create(&db, NewDocument::new("Plan")).await?;
    let mut theirs = Document::find(&db, &mine.document_id)
        .await?
        .ok_or("document vanished")?;
    mine.body = Some("first draft".into());
    mine.save(&db).await?;
    step("Saved a document", &mine.version, mine.consumed_capacity());
    theirs.body = Some("a conflicting draft".into());
    match theirs.save(&db).await {
        Err(error) if error.is_version_conflict() => println!("Refused a stale save: {error}"),
        other => return Err(format!("expected a version conflict, got {other:?}").into()),
    }
    Ok(())
}

fn step(what: &str, detail: &dyn std::fmt::Display, capacity: Capacity) {
    println!("{what}: {detail}  [{capacity}]");
}
