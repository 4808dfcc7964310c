//! Iterating over every user through the iteration buckets, without a Scan.

use bao_runtime::Model;
use examples::models::{NewUser, User};
use futures::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (db, _server) = examples::connect("bao-iteration").await?;
    for i in 0..25 {
        let user = NewUser::new(format!("User {i}"), format!("user{i}@example.com"));
        let user = if i % 5 == 0 {
            user.with_role("admin")
        } else {
            user
        };
        User::create(&db, user).await?;
    }
    // readme:start
    // Every user, 100 at a time, walking 4 of the 10 buckets at once
    let mut pages = std::pin::pin!(User::iterate_all(&db).page_size(100).concurrency(4).pages());
    let mut total = 0;
    while let Some(page) = pages.try_next().await? {
        total += page.into_items()?.len();
    }
    println!("Iterated over {total} users");

    // Only some of them (the test runs on each loaded item)
    let admins = User::iterate_all(&db)
        .filter(|user| user.role.as_deref() == Some("admin"))
        .collect()
        .await?;
    println!("Admins: {}", admins.len());

    // One bucket, e.g. to spread a backfill over workers
    let bucket = User::iterate_bucket(&db, 3).collect().await?;
    println!("Bucket 3 holds {} users", bucket.len());
    // readme:end
    assert_eq!(total, 25);
    assert_eq!(admins.len(), 5);
    Ok(())
}
