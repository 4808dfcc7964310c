//! A user transaction: writes across models, all or nothing, in one TransactWriteItems.

use bao_runtime::{Error, Model};
use examples::models::{NewPost, NewUser, Post, PostUpdate, User};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-transaction").await?;
    let welcome = Post::create(
        &db,
        NewPost::new(examples::models::UserId::generate(&db), "Welcome", "…"),
    )
    .await?;
    // readme:start
    let mut tx = db.transaction();
    let grace = tx.create(NewUser::new("Grace", "grace@example.com"))?; // + its email's constraint item
    let first = tx.create(NewPost::new(grace, "Hello", "My first post"))?;
    tx.update(&welcome.post_id, PostUpdate::new().add_views(1))?;
    println!("{} items in the transaction", tx.len()); // 4
    let capacity = tx.commit().await?;
    println!("Committed [{capacity}]");

    // A second user with the same email: the whole transaction is cancelled,
    // and the error says which part failed and why
    let mut tx = db.transaction();
    tx.create(NewPost::new(grace, "Never stored", "…"))?;
    tx.create(NewUser::new("Impostor", "grace@example.com"))?;
    match tx.commit().await {
        Err(Error::TransactionCancelled { reasons }) => {
            for reason in reasons {
                println!(
                    "part {} ({}) failed: {}",
                    reason.index, reason.part, reason.code
                );
            }
        }
        other => println!("unexpected: {other:?}"),
    }
    // readme:end
    assert!(Post::find(&db, &first).await?.is_some());
    assert!(User::find(&db, &grace).await?.is_some());
    Ok(())
}
