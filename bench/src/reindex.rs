//! Section 10: `bao reindex` of 50 000 items. Posts of the root schema are stored the way a
//! writer that predates their indexes and iteration would (fields and keys only), then
//! `bao_runtime::migrate::reindex` (what `bao reindex Post --scan` runs) writes their index and
//! iteration attributes, walking a 4-segment parallel Scan. Requests are counted by an
//! interceptor; every item must come out rewritten once.

use std::time::Instant;

use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use bao_runtime::migrate::{self, Checkpoint, MigrateOptions, Walk};
use bao_runtime::ops::Derived;
use bao_runtime::{Db, Model};
use examples::models::Post;
use tests::Requests;

use crate::emulator::{config, fresh_table};
use crate::error::{BenchError, Result, bao, sdk};

/// Posts stored.
pub const ITEMS: usize = 50_000;
/// Segments of the Scan.
const SEGMENTS: u32 = 4;

/// Section 10's figures.
#[derive(Debug, Clone)]
pub struct ReindexFigures {
    /// Wall time of the reindex.
    pub seconds: f64,
    /// Scan requests.
    pub scans: usize,
    /// UpdateItem requests.
    pub updates: usize,
}

impl ReindexFigures {
    /// Requests per item.
    pub fn requests_per_item(&self) -> f64 {
        (self.scans + self.updates) as f64 / ITEMS as f64
    }

    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        format!(
            "| items | Scan | UpdateItem | requests per item | wall (s) | items/s |\n\
             |---:|---:|---:|---:|---:|---:|\n\
             | {ITEMS} | {} | {} | **{:.3}** (goal <= 2) | **{:.1}** | {:.0} |\n",
            self.scans,
            self.updates,
            self.requests_per_item(),
            self.seconds,
            ITEMS as f64 / self.seconds
        )
    }
}

/// Stores the posts, reindexes them, and checks that every one was rewritten once.
pub async fn run_all(endpoint: &str) -> Result<ReindexFigures> {
    let requests = Requests::default();
    let client = Client::from_conf(config(endpoint).interceptor(requests.clone()).build());
    let table = fresh_table(&client, "reindex").await?;
    store_unindexed_posts(&client, &table).await?;
    let db = Db::new(client, table);

    let walk = Walk::Scan { segments: SEGMENTS };
    let options = MigrateOptions::new(walk);
    let mut checkpoint =
        Checkpoint::new(&db, Post::SCHEMA, "reindex", walk).map_err(bao("Checkpoint::new"))?;
    let mut on_page = |_: &Checkpoint| true;
    requests.reset();
    let started = Instant::now();
    migrate::reindex(
        &db,
        Post::SCHEMA,
        Derived::All,
        &options,
        &mut checkpoint,
        &mut on_page,
    )
    .await
    .map_err(bao("migrate::reindex"))?;
    let seconds = started.elapsed().as_secs_f64();
    let progress = &checkpoint.progress;
    if (progress.scanned, progress.changed) != (ITEMS as u64, ITEMS as u64) {
        return Err(BenchError::Mismatch {
            what: "reindexed and stored posts".into(),
            detail: format!(
                "{} items read and {} rewritten, not {ITEMS} each",
                progress.scanned, progress.changed
            ),
        });
    }
    let figures = ReindexFigures {
        seconds,
        scans: requests.count("Scan"),
        updates: requests.count("UpdateItem"),
    };
    println!(
        "  {ITEMS} posts: {:.1} s, {} Scan + {} UpdateItem = {:.3} requests per item",
        figures.seconds,
        figures.scans,
        figures.updates,
        figures.requests_per_item()
    );
    Ok(figures)
}

/// Posts with their fields and primary keys, but none of the attributes bao derives.
async fn store_unindexed_posts(client: &Client, table: &str) -> Result<()> {
    let s = |text: String| AttributeValue::S(text);
    let started_ms: u64 = 1_700_000_000_000;
    for chunk in (0..ITEMS).collect::<Vec<_>>().chunks(25) {
        let writes: Vec<WriteRequest> = chunk
            .iter()
            .map(|n| {
                let post_id = bao_runtime::Ulid::from_parts(started_ms + *n as u64, *n as u128);
                let put = PutRequest::builder()
                    .item("_pk", s(format!("p#{post_id}")))
                    .item("_sk", s("p".to_owned()))
                    .item("postId", s(post_id.to_string()))
                    .item("userId", s(format!("user{:03}", n % 500)))
                    .item("title", s(format!("post {n}")))
                    .item("content", s("text".to_owned()))
                    .item(
                        "createdAt",
                        AttributeValue::N((started_ms + *n as u64).to_string()),
                    )
                    .build()
                    .map_err(sdk("PutRequest"))?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<_>>()?;
        client
            .batch_write_item()
            .request_items(table, writes)
            .send()
            .await
            .map_err(sdk("BatchWriteItem"))?;
    }
    Ok(())
}
