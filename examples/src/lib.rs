//! Models generated from the root `models.yaml` by `bao codegen`, and the examples that use
//! them (`src/bin/`).

use bao_runtime::local::LocalServer;
use bao_runtime::table::{TableFeatures, create_table_for};
use bao_runtime::{Db, Model};

/// The generated models (laid out as prettyplease lays out code; `rustfmt::skip` keeps
/// `cargo fmt` off them).
///
/// A load's type says what it read: the comments of a post loaded with them are a page,
///
/// ```no_run
/// # async fn demo(db: &bao_runtime::Db, id: examples::models::PostId) -> bao_runtime::Result<()> {
/// let post = examples::models::Post::load(db, &id).comments(|q| q).await?;
/// let comments = post.map(|post| post.comments.items);
/// # Ok(()) }
/// ```
///
/// and code that reads the comments of a post loaded without them does not compile:
///
/// ```compile_fail
/// # async fn demo(db: &bao_runtime::Db, id: examples::models::PostId) -> bao_runtime::Result<()> {
/// let post = examples::models::Post::load(db, &id).user().await?;
/// let comments = post.map(|post| post.comments.items);
/// # Ok(()) }
/// ```
#[rustfmt::skip]
pub mod models;
pub mod stream;
pub mod web;

/// The database the examples run against, and the in-process server behind it when there is
/// one (keep it alive as long as the `Db`).
///
/// By default a table named `table` on a new in-process DynamoDB. With
/// `AWS_ENDPOINT_URL_DYNAMODB` or `BAO_TABLE` set, aws-config's standard chain instead, on the
/// table named by `BAO_TABLE` (default `table`), created if missing. The table has the search
/// index, since `Article` is searchable.
pub async fn connect(table: &str) -> Result<(Db, Option<LocalServer>), bao_runtime::Error> {
    let features = TableFeatures::for_models(&[models::Article::SCHEMA]);
    let external = std::env::var_os("AWS_ENDPOINT_URL_DYNAMODB").is_some()
        || std::env::var_os(bao_runtime::db::TABLE_ENV).is_some();
    if external {
        let table = std::env::var(bao_runtime::db::TABLE_ENV).unwrap_or_else(|_| table.into());
        let client = bao_runtime::db::client_from_env().await;
        create_table_for(&client, &table, features).await?;
        return Ok((Db::new(client, table), None));
    }
    let server = LocalServer::start().await?;
    let client = server.client();
    create_table_for(&client, table, features).await?;
    Ok((Db::new(client, table), Some(server)))
}
