//! Section 7: a workload DynamoBao can run too. Each source is a command that runs the
//! workload against the emulator and prints ONE JSON line:
//! `{"cpu_ms":..,"wall_ms":..,"peak_rss_bytes":..,"requests":{"PutItem":n,...}}`.
//! bao's source is this benchmark re-executed as a child; another source producing the same
//! JSON (for example DynamoBao through Node) is measured by [`measure`] and tabulated beside it
//! by [`WorkloadSection::markdown`].

use crate::emulator::{config, fresh_table};
use crate::error::{BenchError, Result, bao};
use crate::paths::{describe, run};
use crate::stats::{median, mib, ms, peak_rss_bytes, process_cpu};
use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::{Db, RequestScope};
use examples::models::{NewPost, NewUser, Post, User};
use futures::future::join_all;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;
use tests::Requests;

/// Users created.
const USERS: usize = 200;
/// Posts per user.
const POSTS_PER_USER: usize = 5;
/// Runs per source.
const RUNS: usize = 3;
/// The hidden subcommand of bao's source.
pub const SUBCOMMAND: &str = "__workload";

/// What one run of a workload source reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadFigures {
    /// CPU time of the workload (user + system), in ms.
    pub cpu_ms: f64,
    /// Wall time of the workload, in ms.
    pub wall_ms: f64,
    /// Peak resident set size of the process, in bytes.
    pub peak_rss_bytes: u64,
    /// Requests sent, by DynamoDB operation.
    pub requests: BTreeMap<String, u64>,
}

/// A source's figures: the median of its runs.
#[derive(Debug, Clone)]
pub struct SourceFigures {
    /// The source's name (`bao`, `DynamoBao`).
    pub name: String,
    /// The command that ran it.
    pub command: String,
    /// Median CPU, wall and peak RSS; the requests of the median-CPU run.
    pub median: WorkloadFigures,
    /// Every run.
    pub runs: Vec<WorkloadFigures>,
}

/// Section 7's figures, one entry per source.
#[derive(Debug, Clone)]
pub struct WorkloadSection {
    /// The sources measured.
    pub sources: Vec<SourceFigures>,
}

/// bao's source: this benchmark, re-executed with the hidden subcommand.
pub fn bao_source(endpoint: &str) -> Result<Command> {
    let exe = std::env::current_exe().map_err(|error| BenchError::Command {
        command: "bench".into(),
        detail: format!("cannot find this executable: {error}"),
    })?;
    let mut command = Command::new(exe);
    command.args([SUBCOMMAND, endpoint]);
    Ok(command)
}

/// Runs `command` [`RUNS`] times and parses the JSON line each run prints.
pub fn measure(name: &str, mut command: Command) -> Result<SourceFigures> {
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let output = run(&mut command)?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .rev()
            .find(|line| line.trim_start().starts_with('{'));
        let figures: WorkloadFigures = line
            .ok_or_else(|| "no JSON line".to_owned())
            .and_then(|line| serde_json::from_str(line).map_err(|error| error.to_string()))
            .map_err(|detail| BenchError::Parse {
                what: format!("the output of the {name} workload"),
                detail: format!("{detail} in {stdout:?}"),
            })?;
        runs.push(figures);
    }
    let pick =
        |field: fn(&WorkloadFigures) -> f64| median(&runs.iter().map(field).collect::<Vec<_>>());
    let cpu_ms = pick(|run| run.cpu_ms);
    let typical = runs
        .iter()
        .min_by(|a, b| {
            (a.cpu_ms - cpu_ms)
                .abs()
                .total_cmp(&(b.cpu_ms - cpu_ms).abs())
        })
        .map(|run| run.requests.clone())
        .unwrap_or_default();
    let median = WorkloadFigures {
        cpu_ms,
        wall_ms: pick(|run| run.wall_ms),
        peak_rss_bytes: pick(|run| run.peak_rss_bytes as f64) as u64,
        requests: typical,
    };
    println!(
        "  {name}: CPU {:.0} ms, wall {:.0} ms, peak RSS {:.1} MiB, requests {}",
        median.cpu_ms,
        median.wall_ms,
        mib(median.peak_rss_bytes as f64),
        serde_json::to_string(&median.requests).unwrap_or_default()
    );
    Ok(SourceFigures {
        name: name.to_owned(),
        command: describe(&command),
        median,
        runs,
    })
}

/// In the child: runs the workload through bao and prints its figures as one JSON line.
pub async fn child_main(endpoint: &str) -> Result<()> {
    let requests = Requests::default();
    let client = Client::from_conf(config(endpoint).interceptor(requests.clone()).build());
    let table = fresh_table(&client, "workload").await?;
    let db = Db::new(client, table);
    requests.reset();
    let (cpu, wall) = (process_cpu(), Instant::now());
    workload(&db).await?;
    let tenths = |value: f64| (value * 10.0).round() / 10.0;
    let figures = WorkloadFigures {
        cpu_ms: tenths(ms(process_cpu() - cpu)),
        wall_ms: tenths(ms(wall.elapsed())),
        peak_rss_bytes: peak_rss_bytes().unwrap_or(0),
        requests: requests
            .operations()
            .into_iter()
            .fold(BTreeMap::new(), |mut counts, name| {
                *counts.entry(name).or_insert(0) += 1;
                counts
            }),
    };
    let line = serde_json::to_string(&figures).map_err(|error| BenchError::Parse {
        what: "the workload figures".into(),
        detail: error.to_string(),
    })?;
    println!("{line}");
    Ok(())
}

/// Creates 200 users with a unique email and 5 posts each, queries each user's posts, loads
/// the authors of all 1000 posts in one request scope, and iterates over every user.
async fn workload(db: &Db) -> Result<()> {
    let mut users = Vec::with_capacity(USERS);
    for index in 0..USERS {
        let new = NewUser::new(format!("user {index}"), format!("user{index}@example.com"));
        users.push(User::create(db, new).await.map_err(bao("User::create"))?);
    }
    for user in &users {
        for post in 0..POSTS_PER_USER {
            let new = NewPost::new(user.user_id, format!("post {post}"), "content of the post");
            Post::create(db, new).await.map_err(bao("Post::create"))?;
        }
    }
    let mut posts = Vec::with_capacity(USERS * POSTS_PER_USER);
    for user in &users {
        posts.extend(
            user.query_posts(db)
                .page()
                .await
                .map_err(bao("query_posts"))?
                .items,
        );
    }
    let scope = RequestScope::new();
    let authors = scope
        .run(join_all(posts.iter().map(|post| post.get_user(db))))
        .await;
    let loaded = authors
        .into_iter()
        .filter(|author| matches!(author, Ok(Some(_))))
        .count();
    let iterated = User::iterate_all(db)
        .collect()
        .await
        .map_err(bao("User::iterate_all"))?;
    let complete =
        posts.len() == USERS * POSTS_PER_USER && loaded == posts.len() && iterated.len() == USERS;
    match complete {
        true => Ok(()),
        false => Err(BenchError::Mismatch {
            what: "workload results".into(),
            detail: format!(
                "{} posts queried, {loaded} authors loaded, {} users iterated",
                posts.len(),
                iterated.len()
            ),
        }),
    }
}

impl WorkloadSection {
    /// The section of BENCHMARKS.md: one column per source.
    pub fn markdown(&self) -> String {
        let names: Vec<&str> = self
            .sources
            .iter()
            .map(|source| source.name.as_str())
            .collect();
        let mut text = format!(
            "| figure | {} |\n|---|{}\n",
            names.join(" | "),
            "---:|".repeat(names.len())
        );
        let row = |label: &str, value: &dyn Fn(&WorkloadFigures) -> String| {
            let cells: Vec<String> = self
                .sources
                .iter()
                .map(|source| value(&source.median))
                .collect();
            format!("| {label} | {} |\n", cells.join(" | "))
        };
        text.push_str(&row("CPU (ms)", &|f: &WorkloadFigures| {
            format!("{:.0}", f.cpu_ms)
        }));
        text.push_str(&row("wall (ms)", &|f: &WorkloadFigures| {
            format!("{:.0}", f.wall_ms)
        }));
        text.push_str(&row("peak RSS (MiB)", &|f: &WorkloadFigures| {
            format!("{:.1}", mib(f.peak_rss_bytes as f64))
        }));
        let mut operations: Vec<&String> = self
            .sources
            .iter()
            .flat_map(|source| source.median.requests.keys())
            .collect();
        operations.sort();
        operations.dedup();
        for operation in operations {
            text.push_str(&row(
                &format!("{operation} requests"),
                &|f: &WorkloadFigures| f.requests.get(operation).copied().unwrap_or(0).to_string(),
            ));
        }
        text.push_str(&row("requests in all", &|f: &WorkloadFigures| {
            f.requests.values().sum::<u64>().to_string()
        }));
        for source in &self.sources {
            let json = serde_json::to_string(&source.median).unwrap_or_default();
            text.push_str(&format!(
                "\n{} (`{}`), median of {} runs: `{json}`\n",
                source.name,
                source.command,
                source.runs.len()
            ));
        }
        text
    }
}
