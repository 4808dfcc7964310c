//! Section 5: peak client memory. Each side runs the same workload (200 users with 5 posts
//! each: all created, loaded, queried and updated) in a child process of its own, which
//! reports its peak resident set size (`VmHWM`).

use crate::emulator::{client, fresh_table};
use crate::error::{BenchError, Result, bao};
use crate::paths::run;
use crate::sdk::{Store, new_ulid};
use crate::stats::{median, mib, peak_rss_bytes};
use bao_runtime::{Db, Model, Timestamp};
use examples::models::{NewPost, NewUser, Post, User};
use std::process::Command;

/// Users of the workload.
const USERS: usize = 200;
/// Posts per user.
const POSTS_PER_USER: usize = 5;
/// Child processes per side.
const RUNS: usize = 3;
/// The hidden subcommand a child runs.
pub const SUBCOMMAND: &str = "__rss";
/// What a child prints before its peak RSS.
const PREFIX: &str = "peak_rss_bytes=";

/// Section 5's figures.
#[derive(Debug, Clone)]
pub struct MemoryFigures {
    /// Median peak RSS of the bao child, in bytes.
    pub bao_bytes: f64,
    /// Median peak RSS of the hand-written SDK child, in bytes.
    pub sdk_bytes: f64,
}

/// Runs [`RUNS`] children per side, alternating.
pub fn run_all(endpoint: &str) -> Result<MemoryFigures> {
    let (mut bao, mut sdk) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        bao.push(child("bao", endpoint)?);
        sdk.push(child("sdk", endpoint)?);
    }
    let figures = MemoryFigures {
        bao_bytes: median(&bao),
        sdk_bytes: median(&sdk),
    };
    println!(
        "  peak RSS: bao {:.1} MiB, SDK {:.1} MiB (target bao < 64 MiB)",
        mib(figures.bao_bytes),
        mib(figures.sdk_bytes)
    );
    Ok(figures)
}

fn child(side: &str, endpoint: &str) -> Result<f64> {
    let exe = std::env::current_exe().map_err(|error| BenchError::Command {
        command: "bench".into(),
        detail: format!("cannot find this executable: {error}"),
    })?;
    let output = run(Command::new(exe).args([SUBCOMMAND, side, endpoint]))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(PREFIX))
        .and_then(|bytes| bytes.trim().parse::<f64>().ok())
        .ok_or_else(|| BenchError::Parse {
            what: format!("the {side} memory child's output"),
            detail: format!("no `{PREFIX}` line in {stdout:?}"),
        })
}

/// In the child: runs the workload through `side` and prints the peak RSS.
pub async fn child_main(side: &str, endpoint: &str) -> Result<()> {
    let client = client(endpoint);
    let table = fresh_table(&client, "rss").await?;
    match side {
        "bao" => bao_workload(&Db::new(client, table)).await?,
        "sdk" => sdk_workload(&Store::new(client, table)).await?,
        other => return Err(BenchError::Usage(format!("unknown side `{other}`"))),
    }
    let bytes = peak_rss_bytes().ok_or_else(|| BenchError::Parse {
        what: "/proc/self/status".into(),
        detail: "no VmHWM line".into(),
    })?;
    println!("{PREFIX}{bytes}");
    Ok(())
}

async fn bao_workload(db: &Db) -> Result<()> {
    let mut users = Vec::with_capacity(USERS);
    let mut posts = Vec::with_capacity(USERS * POSTS_PER_USER);
    for index in 0..USERS {
        let new = NewUser::new(format!("user {index}"), format!("user{index}@example.com"));
        let user = User::create(db, new).await.map_err(bao("User::create"))?;
        for post in 0..POSTS_PER_USER {
            let new = NewPost::new(user.user_id, format!("post {post}"), "content of the post");
            posts.push(Post::create(db, new).await.map_err(bao("Post::create"))?);
        }
        users.push(user);
    }
    let mut loaded = Vec::with_capacity(USERS);
    for user in &users {
        let found = User::find(db, &user.user_id)
            .await
            .map_err(bao("User::find"))?;
        loaded.extend(found);
    }
    let mut queried = Vec::with_capacity(USERS * POSTS_PER_USER);
    for user in &loaded {
        let page = user
            .query_posts(db)
            .page()
            .await
            .map_err(bao("query_posts"))?;
        queried.extend(page.items);
    }
    for user in &mut loaded {
        user.name.push_str(" (updated)");
        user.save(db).await.map_err(bao("User::save"))?;
    }
    check(
        loaded.len() == USERS && queried.len() == posts.len(),
        "bao memory workload",
    )
}

async fn sdk_workload(store: &Store) -> Result<()> {
    let mut users = Vec::with_capacity(USERS);
    let mut posts = Vec::with_capacity(USERS * POSTS_PER_USER);
    for index in 0..USERS {
        let user = store
            .create_user(
                new_ulid(),
                format!("user {index}"),
                format!("user{index}@example.com"),
                Timestamp::now(),
            )
            .await?;
        for post in 0..POSTS_PER_USER {
            let created = store
                .create_post(
                    new_ulid(),
                    user.user_id,
                    format!("post {post}"),
                    "content of the post".into(),
                    Timestamp::now(),
                )
                .await?;
            posts.push(created);
        }
        users.push(user);
    }
    let mut loaded = Vec::with_capacity(USERS);
    for user in &users {
        loaded.extend(store.find_user(user.user_id).await?);
    }
    let mut queried = Vec::with_capacity(USERS * POSTS_PER_USER);
    for user in &loaded {
        queried.extend(store.query_posts(user.user_id).await?);
    }
    for user in &mut loaded {
        let name = format!("{} (updated)", user.name);
        store.save_user_name(user, name, Timestamp::now()).await?;
    }
    check(
        loaded.len() == USERS && queried.len() == posts.len(),
        "SDK memory workload",
    )
}

fn check(holds: bool, what: &str) -> Result<()> {
    match holds {
        true => Ok(()),
        false => Err(BenchError::Mismatch {
            what: what.to_owned(),
            detail: "items read back do not match items written".into(),
        }),
    }
}

impl MemoryFigures {
    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        format!(
            "| side | peak RSS (MiB) | target |\n|---|---:|---|\n\
             | bao | **{:.1}** | < 64 MiB {} |\n| hand-written SDK | {:.1} | |\n",
            mib(self.bao_bytes),
            crate::codegen::verdict(mib(self.bao_bytes) < 64.0),
            mib(self.sdk_bytes),
        )
    }
}
