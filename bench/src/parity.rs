//! Before the CPU comparison: proof that the hand-written side sends exactly the requests bao
//! sends. Both sides run the same operations with the same ids and time on two tables; every
//! request body is captured and compared as JSON (table name and the SDK's random
//! `ClientRequestToken` aside), and both sides must read back the same values.

use crate::emulator::{config, fresh_table};
use crate::error::{BenchError, Result, bao};
use crate::sdk::{PostRow, Store, UserRow, new_ulid};
use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use bao_runtime::aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use bao_runtime::{Clock, Db, Model, Timestamp, Ulid};
use examples::models::{NewPost, NewUser, Post, User, UserId};
use std::sync::{Arc, Mutex, PoisonError};

/// The request bodies a client sent, with their operation names.
#[derive(Debug, Clone, Default)]
struct Bodies {
    sent: Arc<Mutex<Vec<(String, String)>>>,
}

impl Bodies {
    fn take(&self) -> Vec<(String, String)> {
        std::mem::take(&mut *self.sent.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Intercept for Bodies {
    fn name(&self) -> &'static str {
        "bench::Bodies"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let request = context.request();
        let target = request.headers().get("x-amz-target").unwrap_or("unknown");
        let operation = target.rsplit('.').next().unwrap_or(target).to_owned();
        let body = String::from_utf8_lossy(request.body().bytes().unwrap_or_default()).into_owned();
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((operation, body));
        Ok(())
    }
}

/// A clock stopped at one instant.
#[derive(Debug)]
struct Stopped(Timestamp);

impl Clock for Stopped {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// Runs every compared operation on both sides and checks requests and results agree.
/// Returns the operations of the requests compared.
pub async fn check(endpoint: &str) -> Result<Vec<String>> {
    let (bao_bodies, sdk_bodies) = (Bodies::default(), Bodies::default());
    let bao_client = Client::from_conf(config(endpoint).interceptor(bao_bodies.clone()).build());
    let sdk_client = Client::from_conf(config(endpoint).interceptor(sdk_bodies.clone()).build());
    let bao_table = fresh_table(&bao_client, "parity-bao").await?;
    let sdk_table = fresh_table(&sdk_client, "parity-sdk").await?;
    bao_bodies.take();
    sdk_bodies.take();

    let now = Timestamp::now();
    let db = Db::builder(bao_client, &bao_table)
        .clock(Arc::new(Stopped(now)))
        .build();
    let store = Store::new(sdk_client, &sdk_table);
    let author = new_ulid();
    let others: Vec<Ulid> = (0..3).map(|_| new_ulid()).collect();

    let mut users = Vec::new();
    let mut rows = Vec::new();
    for (index, id) in std::iter::once(author)
        .chain(others.iter().copied())
        .enumerate()
    {
        let (name, email) = (format!("user {index}"), format!("user{index}@example.com"));
        let new = NewUser::new(name.clone(), email.clone()).with_user_id(id);
        users.push(User::create(&db, new).await.map_err(bao("User::create"))?);
        rows.push(store.create_user(id, name, email, now).await?);
    }
    agree("created users", &users, &rows, same_user)?;

    for index in 0..3 {
        let (id, title) = (new_ulid(), format!("post {index}"));
        let new = NewPost::new(UserId(author), title.clone(), "content").with_post_id(id);
        let post = Post::create(&db, new).await.map_err(bao("Post::create"))?;
        let row = store
            .create_post(id, author, title, "content".into(), now)
            .await?;
        agree("created posts", &[post], &[row], same_post)?;
    }

    let found = User::find(&db, &UserId(author))
        .await
        .map_err(bao("User::find"))?;
    let row = store.find_user(author).await?;
    let (Some(mut user), Some(mut row)) = (found, row) else {
        return Err(mismatch("found users", "a side did not find the user"));
    };
    agree("found users", &[user.clone()], &[row.clone()], same_user)?;

    user.name = "renamed".into();
    user.save(&db).await.map_err(bao("User::save"))?;
    store
        .save_user_name(&mut row, "renamed".into(), now)
        .await?;
    agree("saved users", &[user.clone()], &[row], same_user)?;

    let page = user
        .query_posts(&db)
        .page()
        .await
        .map_err(bao("query_posts"))?;
    let rows = store.query_posts(author).await?;
    agree("queried posts", &page.items, &rows, same_post)?;

    let ids: Vec<Ulid> = std::iter::once(author).chain(others).collect();
    let keys: Vec<UserId> = ids.iter().copied().map(UserId).collect();
    let many = User::find_many(&db, &keys)
        .await
        .map_err(bao("User::find_many"))?;
    let rows = store.find_users(&ids).await?;
    let many: Vec<User> = many.into_iter().flatten().collect();
    let rows: Vec<UserRow> = rows.into_iter().flatten().collect();
    agree("batch-read users", &many, &rows, same_user)?;

    compare_requests(bao_bodies.take(), &bao_table, sdk_bodies.take(), &sdk_table)
}

/// `4 × TransactWriteItems, 1 × GetItem`: operations with their counts, in order of first use.
pub fn summary(operations: &[String]) -> String {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for operation in operations {
        match counted.iter_mut().find(|(name, _)| name == operation) {
            Some((_, count)) => *count += 1,
            None => counted.push((operation, 1)),
        }
    }
    counted
        .iter()
        .map(|(name, count)| format!("{count} × {name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare_requests(
    bao_sent: Vec<(String, String)>,
    bao_table: &str,
    sdk_sent: Vec<(String, String)>,
    sdk_table: &str,
) -> Result<Vec<String>> {
    let operations = |sent: &[(String, String)]| -> Vec<String> {
        sent.iter()
            .map(|(operation, _)| operation.clone())
            .collect()
    };
    if operations(&bao_sent) != operations(&sdk_sent) {
        return Err(mismatch(
            "request sequences",
            format!(
                "bao {:?}, SDK {:?}",
                operations(&bao_sent),
                operations(&sdk_sent)
            ),
        ));
    }
    for ((operation, bao_body), (_, sdk_body)) in bao_sent.iter().zip(&sdk_sent) {
        let (ours, theirs) = (
            normalized(bao_body, bao_table)?,
            normalized(sdk_body, sdk_table)?,
        );
        if ours != theirs {
            return Err(mismatch(
                &format!("{operation} request bodies"),
                format!("bao {ours}\n  SDK {theirs}"),
            ));
        }
    }
    Ok(operations(&bao_sent))
}

/// A request body as JSON, with the table renamed and the idempotency token removed.
fn normalized(body: &str, table: &str) -> Result<serde_json::Value> {
    let mut json: serde_json::Value =
        serde_json::from_str(&body.replace(table, "TABLE")).map_err(|error| BenchError::Parse {
            what: "a request body".into(),
            detail: error.to_string(),
        })?;
    if let Some(object) = json.as_object_mut() {
        object.remove("ClientRequestToken");
    }
    Ok(json)
}

fn agree<A, B>(what: &str, ours: &[A], theirs: &[B], same: fn(&A, &B) -> bool) -> Result<()>
where
    A: std::fmt::Debug,
    B: std::fmt::Debug,
{
    let equal = ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(a, b)| same(a, b));
    match equal {
        true => Ok(()),
        false => Err(mismatch(what, format!("bao {ours:?}\n  SDK {theirs:?}"))),
    }
}

fn same_user(user: &User, row: &UserRow) -> bool {
    user.user_id.0 == row.user_id
        && user.name == row.name
        && user.email == row.email
        && user.profile_picture_url == row.profile_picture_url
        && user.created_at == row.created_at
        && user.modified_at == row.modified_at
        && user.role == row.role
}

fn same_post(post: &Post, row: &PostRow) -> bool {
    post.post_id.0 == row.post_id
        && post.user_id.0 == row.user_id
        && post.title == row.title
        && post.content == row.content
        && post.views == row.views
        && post.created_at == row.created_at
}

fn mismatch(what: &str, detail: impl Into<String>) -> BenchError {
    BenchError::Mismatch {
        what: what.to_owned(),
        detail: detail.into(),
    }
}
