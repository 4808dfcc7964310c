//! Section 6: DynamoDB requests per logical operation, counted by an interceptor on the
//! client, against the physical minimum for DynamoBao's storage layout.

use crate::emulator::{config, fresh_table};
use crate::error::{BenchError, Result, bao};
use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::{Db, Model, RequestScope};
use examples::models::{NewPost, NewUser, Post, PostUpdate, User};
use futures::future::join_all;
use std::collections::BTreeMap;
use tests::Requests;

/// Users seeded (the scope reads and the iteration cover them all).
const USERS: usize = 250;
/// Posts whose authors are loaded in one scope.
const AUTHORS: usize = 150;
/// Iteration buckets of User.
const BUCKETS: usize = 10;
/// BatchGetItem's limit on keys per call.
const BATCH: usize = 100;

/// One logical operation and what it sent.
#[derive(Debug, Clone)]
pub struct Row {
    /// The operation.
    pub operation: String,
    /// Requests sent, by DynamoDB operation.
    pub sent: BTreeMap<String, usize>,
    /// The fewest requests the operation can take.
    pub minimum: usize,
    /// Why the minimum is what it is, when it is not obvious.
    pub note: &'static str,
}

impl Row {
    /// Requests sent in all.
    pub fn total(&self) -> usize {
        self.sent.values().sum()
    }
}

/// Section 6's figures.
#[derive(Debug, Clone)]
pub struct RequestFigures {
    /// One row per logical operation.
    pub rows: Vec<Row>,
}

/// Seeds a table and counts the requests of each logical operation.
pub async fn run_all(endpoint: &str) -> Result<RequestFigures> {
    let requests = Requests::default();
    let client = Client::from_conf(config(endpoint).interceptor(requests.clone()).build());
    let table = fresh_table(&client, "requests").await?;
    let db = Db::new(client, table);
    let mut users = Vec::with_capacity(USERS);
    for index in 0..USERS {
        let new = NewUser::new(format!("user {index}"), format!("user{index}@example.com"));
        users.push(User::create(&db, new).await.map_err(bao("User::create"))?);
    }
    let mut posts = Vec::with_capacity(AUTHORS);
    for user in &users[..AUTHORS] {
        let new = NewPost::new(user.user_id, "title", "content");
        posts.push(Post::create(&db, new).await.map_err(bao("Post::create"))?);
    }
    let mut rows = Vec::new();
    let mut count = |operation: String, minimum: usize, note: &'static str| {
        let mut sent = BTreeMap::new();
        for name in requests.operations() {
            *sent.entry(name).or_insert(0) += 1;
        }
        requests.reset();
        rows.push(Row {
            operation,
            sent,
            minimum,
            note,
        });
    };

    requests.reset();
    let iterated = User::iterate_all(&db)
        .collect()
        .await
        .map_err(bao("User::iterate_all"))?;
    expect(iterated.len() == USERS, "iterate_all")?;
    count(
        format!("`User::iterate_all` over {USERS} users"),
        BUCKETS + USERS.div_ceil(BATCH),
        "bao: a Query and a BatchGetItem per bucket page (below); minimum: a Query per bucket, then full batches of 100 keys",
    );

    let mut post = Post::create(&db, NewPost::new(users[0].user_id, "t", "c"))
        .await
        .map_err(bao("Post::create"))?;
    count("`Post::create` (no unique constraint)".into(), 1, "");

    let user = User::create(&db, NewUser::new("Ada", "ada@example.com"))
        .await
        .map_err(bao("User::create"))?;
    count(
        "`User::create` (unique email)".into(),
        1,
        "the item and its constraint item in one transaction",
    );

    let found = User::find(&db, &user.user_id)
        .await
        .map_err(bao("User::find"))?;
    expect(found.is_some(), "find")?;
    count("`User::find`".into(), 1, "");

    let scope = RequestScope::new();
    let found = scope
        .run(join_all(
            users.iter().map(|user| User::find(&db, &user.user_id)),
        ))
        .await;
    expect(
        found.iter().all(|user| matches!(user, Ok(Some(_)))),
        "scoped finds",
    )?;
    count(
        format!("{USERS} `User::find` in one `RequestScope`"),
        USERS.div_ceil(BATCH),
        "",
    );

    post.save(&db).await.map_err(bao("Post::save"))?;
    count("`save` with nothing changed".into(), 0, "");

    post.title = "changed".into();
    post.save(&db).await.map_err(bao("Post::save"))?;
    count("`save` of one changed field".into(), 1, "");

    Post::update(&db, &post.post_id, PostUpdate::new().add_views(1))
        .await
        .map_err(bao("Post::update"))?;
    count("`Post::update` (counter increment, no read)".into(), 1, "");

    Post::delete(&db, &post.post_id)
        .await
        .map_err(bao("Post::delete"))?;
    count("`Post::delete`".into(), 1, "");

    User::delete(&db, &user.user_id)
        .await
        .map_err(bao("User::delete"))?;
    count(
        "`User::delete` (releases its unique email)".into(),
        2,
        "the email to release lives on the item: one read, one transaction",
    );

    let page = users[0]
        .query_posts(&db)
        .page()
        .await
        .map_err(bao("query_posts"))?;
    expect(!page.items.is_empty(), "query page")?;
    count("`user.query_posts(db).page()`".into(), 1, "");

    let scope = RequestScope::new();
    let authors = scope
        .run(join_all(posts.iter().map(|post| post.get_user(&db))))
        .await;
    expect(
        authors.iter().all(|user| matches!(user, Ok(Some(_)))),
        "get_user",
    )?;
    count(
        format!("{AUTHORS} `post.get_user()` in one `RequestScope`"),
        AUTHORS.div_ceil(BATCH),
        "",
    );

    // The iteration ran first, on the seeded users only; it is listed last.
    rows.rotate_left(1);
    for row in &rows {
        println!(
            "  {:<55} {:>3} requests (minimum {:>2}) {}",
            row.operation.replace('`', ""),
            row.total(),
            row.minimum,
            breakdown(&row.sent)
        );
    }
    Ok(RequestFigures { rows })
}

/// `2 × BatchGetItem, 10 × Query`.
fn breakdown(sent: &BTreeMap<String, usize>) -> String {
    sent.iter()
        .map(|(operation, count)| format!("{count} × {operation}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn expect(holds: bool, what: &str) -> Result<()> {
    match holds {
        true => Ok(()),
        false => Err(BenchError::Mismatch {
            what: format!("{what} results"),
            detail: "the items read back are not the items stored".into(),
        }),
    }
}

impl RequestFigures {
    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        let mut text = String::from(
            "| logical operation | requests | minimum | sent | note |\n|---|---:|---:|---|---|\n",
        );
        for row in &self.rows {
            let total = row.total();
            let mark = if total == row.minimum { "" } else { " ⚠" };
            text.push_str(&format!(
                "| {} | **{total}**{mark} | {} | {} | {} |\n",
                row.operation,
                row.minimum,
                match breakdown(&row.sent) {
                    none if none.is_empty() => "–".to_owned(),
                    some => some,
                },
                row.note
            ));
        }
        text
    }
}
