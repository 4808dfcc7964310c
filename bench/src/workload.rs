//! Section 7: the same workload through bao and through DynamoBao. Each source is a command
//! that runs the workload against the emulator and prints ONE JSON line:
//! `{"cpu_ms":..,"wall_ms":..,"peak_rss_bytes":..,"requests":{"PutItem":n,...},"steps":{..}}`.
//! bao's source is this benchmark re-executed as a child; DynamoBao's is
//! `tests/interop/workload.mjs` under Node (see [`crate::dynamo_bao`]). [`measure`] runs a
//! source several times and [`WorkloadSection::markdown`] tabulates the sources side by side.

use crate::emulator::{config, fresh_table};
use crate::error::{BenchError, Result, bao};
use crate::paths::{describe, run};
use crate::stats::{median, mib, ms, peak_rss_bytes, process_cpu};
use ::tests::Requests;
use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::{Db, Model, RequestScope};
use examples::models::{NewPost, NewUser, Post, User};
use futures::future::join_all;
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

/// Users created.
pub const USERS: usize = 200;
/// Posts per user.
pub const POSTS_PER_USER: usize = 5;
/// Writes in flight at once (DynamoBao's script runs its creates 32 at a time too).
const CONCURRENCY: usize = 32;
/// Runs per source.
const RUNS: usize = 3;
/// The hidden subcommand of bao's source.
pub const SUBCOMMAND: &str = "__workload";
/// The name of bao's source.
pub const BAO: &str = "bao";

/// Requests sent, by DynamoDB operation.
pub type Counts = BTreeMap<String, u64>;

/// The workload's steps, as both sources name them in `steps`, with what one logical operation
/// of the step is and how many of them the step runs.
pub const STEPS: [Step; 5] = [
    Step {
        name: "create_users",
        operation: "create a user (unique email)",
        times: USERS,
        minimum: 1,
    },
    Step {
        name: "create_posts",
        operation: "create a post",
        times: USERS * POSTS_PER_USER,
        minimum: 1,
    },
    Step {
        name: "query_posts",
        operation: "query one user's posts (5, one page)",
        times: USERS,
        minimum: 1,
    },
    Step {
        name: "load_authors",
        operation: "load the authors of 1000 posts (200 users) in one scope",
        times: 1,
        minimum: USERS.div_ceil(100),
    },
    Step {
        name: "iterate_users",
        operation: "iterate over 200 users (10 buckets)",
        times: 1,
        minimum: 10 + USERS.div_ceil(100),
    },
];

/// One step of the workload.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// Its key in `steps`.
    pub name: &'static str,
    /// One logical operation of the step, for the report.
    pub operation: &'static str,
    /// Logical operations the step runs.
    pub times: usize,
    /// The fewest requests one logical operation can take on DynamoBao's storage layout.
    pub minimum: usize,
}

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
    pub requests: Counts,
    /// Requests sent by each step (see [`STEPS`]).
    pub steps: BTreeMap<String, Counts>,
}

impl WorkloadFigures {
    /// Requests of every operation.
    pub fn total_requests(&self) -> u64 {
        self.requests.values().sum()
    }

    /// Requests of one step, of every operation.
    pub fn step_requests(&self, step: &str) -> u64 {
        self.steps.get(step).map_or(0, |sent| sent.values().sum())
    }
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

/// Section 7's figures, one entry per source; bao's comes first.
#[derive(Debug, Clone)]
pub struct WorkloadSection {
    /// The sources measured.
    pub sources: Vec<SourceFigures>,
    /// The Node.js and DynamoBao versions DynamoBao's source ran on.
    pub dynamo_bao_versions: String,
}

/// bao's source: this benchmark, re-executed with the hidden subcommand (the child makes its
/// own fresh table).
pub fn bao_source(endpoint: &str) -> Result<Command> {
    let exe = std::env::current_exe().map_err(|error| BenchError::Command {
        command: "bench".into(),
        detail: format!("cannot find this executable: {error}"),
    })?;
    let mut command = Command::new(exe);
    command.args([SUBCOMMAND, endpoint]);
    Ok(command)
}

/// Runs the command `source` makes, once per run and [`RUNS`] times, and parses the JSON line
/// each run prints. The report shows the command with `endpoint` as `<endpoint>`.
pub fn measure(
    name: &str,
    endpoint: &str,
    mut source: impl FnMut() -> Result<Command>,
) -> Result<SourceFigures> {
    let mut runs = Vec::with_capacity(RUNS);
    let mut command_line = String::new();
    for _ in 0..RUNS {
        let mut command = source()?;
        command_line = describe(&command).replace(endpoint, "<endpoint>");
        let output = run(&mut command)?;
        runs.push(parse(name, &String::from_utf8_lossy(&output.stdout))?);
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
        .cloned()
        .ok_or_else(|| BenchError::Parse {
            what: format!("the runs of the {name} workload"),
            detail: "none ran".into(),
        })?;
    let median = WorkloadFigures {
        cpu_ms,
        wall_ms: pick(|run| run.wall_ms),
        peak_rss_bytes: pick(|run| run.peak_rss_bytes as f64) as u64,
        ..typical
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
        command: command_line,
        median,
        runs,
    })
}

/// The last JSON line of a run's stdout, which must count the requests of every step.
fn parse(name: &str, stdout: &str) -> Result<WorkloadFigures> {
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
    match STEPS
        .iter()
        .find(|step| !figures.steps.contains_key(step.name))
    {
        Some(step) => Err(BenchError::Parse {
            what: format!("the output of the {name} workload"),
            detail: format!("no requests of step `{}` in {stdout:?}", step.name),
        }),
        None => Ok(figures),
    }
}

/// In the child: runs the workload through bao and prints its figures as one JSON line.
pub async fn child_main(endpoint: &str) -> Result<()> {
    let requests = Requests::default();
    let client = Client::from_conf(config(endpoint).interceptor(requests.clone()).build());
    let table = fresh_table(&client, "workload").await?;
    let db = Db::new(client, table);
    requests.reset();
    let (cpu, wall) = (process_cpu(), Instant::now());
    let steps = workload(&db, &requests).await?;
    let tenths = |value: f64| (value * 10.0).round() / 10.0;
    let mut total = Counts::new();
    for (operation, count) in steps.values().flatten() {
        *total.entry(operation.clone()).or_insert(0) += count;
    }
    let figures = WorkloadFigures {
        cpu_ms: tenths(ms(process_cpu() - cpu)),
        wall_ms: tenths(ms(wall.elapsed())),
        peak_rss_bytes: peak_rss_bytes().unwrap_or(0),
        requests: total,
        steps,
    };
    let line = serde_json::to_string(&figures).map_err(|error| BenchError::Parse {
        what: "the workload figures".into(),
        detail: error.to_string(),
    })?;
    println!("{line}");
    Ok(())
}

/// The requests sent since the last call, by operation; forgets them.
fn take(requests: &Requests) -> Counts {
    let counts = requests
        .operations()
        .into_iter()
        .fold(Counts::new(), |mut counts, name| {
            *counts.entry(name).or_insert(0) += 1;
            counts
        });
    requests.reset();
    counts
}

/// Creates 200 users with a unique email and 5 posts each (32 writes at a time), queries each
/// user's posts, loads the authors of all 1000 posts in one request scope, and iterates over
/// every user. Returns the requests of each step.
async fn workload(db: &Db, requests: &Requests) -> Result<BTreeMap<String, Counts>> {
    let mut steps = BTreeMap::new();
    let users: Vec<User> = futures::stream::iter(0..USERS)
        .map(|index| {
            let new = NewUser::new(format!("user {index}"), format!("user{index}@example.com"));
            User::create(db, new)
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await
        .map_err(bao("User::create"))?;
    steps.insert(STEPS[0].name.to_owned(), take(requests));
    let posts: Vec<Post> = futures::stream::iter(0..USERS * POSTS_PER_USER)
        .map(|index| {
            let author = users[index / POSTS_PER_USER].user_id;
            Post::create(db, NewPost::new(author, format!("post {index}"), "content"))
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await
        .map_err(bao("Post::create"))?;
    steps.insert(STEPS[1].name.to_owned(), take(requests));
    let mut queried = Vec::with_capacity(posts.len());
    for user in &users {
        queried.extend(
            user.query_posts(db)
                .all()
                .await
                .map_err(bao("query_posts"))?,
        );
    }
    steps.insert(STEPS[2].name.to_owned(), take(requests));
    let scope = RequestScope::new();
    let authors = scope
        .run(join_all(queried.iter().map(|post| post.get_user(db))))
        .await;
    let loaded = authors
        .into_iter()
        .filter(|author| matches!(author, Ok(Some(_))))
        .count();
    steps.insert(STEPS[3].name.to_owned(), take(requests));
    let iterated = User::iterate_all(db)
        .collect()
        .await
        .map_err(bao("User::iterate_all"))?;
    steps.insert(STEPS[4].name.to_owned(), take(requests));
    let complete = queried.len() == posts.len() && loaded == posts.len() && iterated.len() == USERS;
    match complete {
        true => Ok(steps),
        false => Err(BenchError::Mismatch {
            what: "workload results".into(),
            detail: format!(
                "{} posts created, {} queried, {loaded} authors loaded, {} users iterated",
                posts.len(),
                queried.len(),
                iterated.len()
            ),
        }),
    }
}

/// `value` with at most two decimals, trailing zeros dropped: `3`, `1.5`, `0.02`.
fn short(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A step's requests per logical operation: `3 (2 × GetItem, 1 × TransactWriteItems)`.
fn per_operation(figures: &WorkloadFigures, step: &Step) -> String {
    let times = step.times.max(1) as f64;
    let total = figures.step_requests(step.name) as f64 / times;
    let sent = figures.steps.get(step.name).cloned().unwrap_or_default();
    let parts: Vec<String> = sent
        .iter()
        .map(|(operation, count)| format!("{} × {operation}", short(*count as f64 / times)))
        .collect();
    format!("**{}** ({})", short(total), parts.join(", "))
}

impl WorkloadSection {
    /// The source named `name`.
    pub fn source(&self, name: &str) -> Option<&SourceFigures> {
        self.sources.iter().find(|source| source.name == name)
    }

    /// bao's `figure` over `other`'s (medians); `None` without both sources.
    pub fn ratio(&self, other: &str, figure: fn(&WorkloadFigures) -> f64) -> Option<f64> {
        let bao = self.source(BAO)?;
        let other = self.source(other)?;
        Some(figure(&bao.median) / figure(&other.median))
    }

    /// The section of BENCHMARKS.md: one column per source, then bao's ratio to each other
    /// source; then the requests per logical operation of each source.
    pub fn markdown(&self) -> String {
        let others: Vec<&str> = self
            .sources
            .iter()
            .map(|source| source.name.as_str())
            .filter(|name| *name != BAO)
            .collect();
        let names: Vec<&str> = self
            .sources
            .iter()
            .map(|source| source.name.as_str())
            .collect();
        let ratio_heads: String = others
            .iter()
            .map(|other| format!(" {BAO} / {other} |"))
            .collect();
        let mut text = format!(
            "| figure | {} |{ratio_heads}\n|---|{}\n",
            names.join(" | "),
            "---:|".repeat(names.len() + others.len())
        );
        let row = |label: &str, value: &dyn Fn(&WorkloadFigures) -> f64, digits: usize| {
            let cells: Vec<String> = self
                .sources
                .iter()
                .map(|source| format!("{:.digits$}", value(&source.median)))
                .collect();
            let ratios: String = others
                .iter()
                .map(|other| {
                    let values = self
                        .source(BAO)
                        .zip(self.source(other))
                        .map(|(bao, other)| (value(&bao.median), value(&other.median)));
                    match values {
                        Some((bao, other)) if bao > 0.0 && other > 0.0 => {
                            format!(" **{:.2}** |", bao / other)
                        }
                        _ => " – |".to_owned(),
                    }
                })
                .collect();
            format!("| {label} | {} |{ratios}\n", cells.join(" | "))
        };
        text.push_str(&row("client CPU (ms)", &|f| f.cpu_ms, 0));
        text.push_str(&row("wall (ms)", &|f| f.wall_ms, 0));
        text.push_str(&row("peak RSS (MiB)", &|f| mib(f.peak_rss_bytes as f64), 1));
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
                &|f| f.requests.get(operation).copied().unwrap_or(0) as f64,
                0,
            ));
        }
        text.push_str(&row("requests in all", &|f| f.total_requests() as f64, 0));

        text.push_str(&format!(
            "\nRequests per logical operation (a step's requests divided by the operations it \
             ran), against the fewest the operation can take on DynamoBao's storage layout:\n\n\
             | logical operation | {} | minimum |\n|---|{}---:|\n",
            names.join(" | "),
            "---|".repeat(names.len())
        ));
        for step in &STEPS {
            let cells: Vec<String> = self
                .sources
                .iter()
                .map(|source| per_operation(&source.median, step))
                .collect();
            text.push_str(&format!(
                "| {} | {} | {} |\n",
                step.operation,
                cells.join(" | "),
                step.minimum
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, u64)]) -> Counts {
        pairs
            .iter()
            .map(|(operation, count)| ((*operation).to_owned(), *count))
            .collect()
    }

    fn source(name: &str, cpu_ms: f64, steps: [Counts; 5]) -> SourceFigures {
        let mut requests = Counts::new();
        for (operation, count) in steps.iter().flatten() {
            *requests.entry(operation.clone()).or_insert(0) += count;
        }
        let median = WorkloadFigures {
            cpu_ms,
            wall_ms: 2.0 * cpu_ms,
            peak_rss_bytes: 1 << 20,
            requests,
            steps: STEPS
                .iter()
                .map(|step| step.name.to_owned())
                .zip(steps)
                .collect(),
        };
        SourceFigures {
            name: name.to_owned(),
            command: name.to_lowercase(),
            runs: vec![median.clone()],
            median,
        }
    }

    fn section() -> WorkloadSection {
        let bao = source(
            BAO,
            100.0,
            [
                counts(&[("TransactWriteItems", 200)]),
                counts(&[("PutItem", 1000)]),
                counts(&[("Query", 200)]),
                counts(&[("BatchGetItem", 2)]),
                counts(&[("BatchGetItem", 10), ("Query", 10)]),
            ],
        );
        let other = source(
            "DynamoBao",
            400.0,
            [
                counts(&[("GetItem", 400), ("TransactWriteItems", 200)]),
                counts(&[("UpdateItem", 1000)]),
                counts(&[("Query", 200)]),
                counts(&[("BatchGetItem", 2)]),
                counts(&[("BatchGetItem", 10), ("Query", 10)]),
            ],
        );
        WorkloadSection {
            sources: vec![bao, other],
            dynamo_bao_versions: String::new(),
        }
    }

    #[test]
    fn ratios_are_bao_over_the_other_source() {
        let section = section();
        assert_eq!(section.ratio("DynamoBao", |f| f.cpu_ms), Some(0.25));
        assert_eq!(
            section.ratio("DynamoBao", |f| f.total_requests() as f64),
            Some(1422.0 / 1822.0)
        );
        assert_eq!(section.ratio("absent", |f| f.cpu_ms), None);
    }

    #[test]
    fn the_table_has_a_ratio_column_and_requests_per_operation() {
        let text = section().markdown();
        assert!(
            text.contains("| figure | bao | DynamoBao | bao / DynamoBao |"),
            "{text}"
        );
        assert!(
            text.contains("| client CPU (ms) | 100 | 400 | **0.25** |"),
            "{text}"
        );
        assert!(
            text.contains("| GetItem requests | 0 | 400 | – |"),
            "{text}"
        );
        assert!(
            text.contains("| requests in all | 1422 | 1822 | **0.78** |"),
            "{text}"
        );
        assert!(
            text.contains(
                "| create a user (unique email) | **1** (1 × TransactWriteItems) \
                 | **3** (2 × GetItem, 1 × TransactWriteItems) | 1 |"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "| iterate over 200 users (10 buckets) | **20** (10 × BatchGetItem, 10 × Query) \
                 | **20** (10 × BatchGetItem, 10 × Query) | 12 |"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_run_without_every_step_is_refused() {
        let mut figures = section().sources[0].median.clone();
        figures.steps.remove("load_authors");
        let line = serde_json::to_string(&figures).unwrap();
        let error = parse("bao", &line).unwrap_err().to_string();
        assert!(error.contains("`load_authors`"), "{error}");
        figures.steps.insert("load_authors".into(), Counts::new());
        let line = serde_json::to_string(&figures).unwrap();
        assert_eq!(parse("bao", &format!("noise\n{line}\n")).unwrap(), figures);
    }

    #[test]
    fn fractions_are_short() {
        assert_eq!(short(3.0), "3");
        assert_eq!(short(1.5), "1.5");
        assert_eq!(short(0.02), "0.02");
        assert_eq!(short(2.0 / 3.0), "0.67");
    }
}
