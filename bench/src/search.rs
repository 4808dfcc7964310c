//! Section 9: search. 10 000 articles of the root schema (`Article`, searchable on title and
//! body, 10 iteration buckets) on the emulator; a three-term AND search read to the end, page
//! by page (DynamoBao's defaults: 100 items a page, 100 rows a query).
//!
//! bao's requests are counted by an interceptor, its wall and client CPU time measured. The npm
//! build of DynamoBao (0.4.2) has no search, so its request count is computed from its
//! documented algorithm (shared reference, search.md section 5) over the same items: the same
//! rounds of one Query per bucket, then one `batchFind` per query page that found items
//! (outside a batch context, as its CLI tools and a plain script run, each is its own
//! BatchGetItem of up to 100 keys), and on a page after an over-full one, a `batchFind` of the
//! items its cursor carries.

use std::time::Instant;

use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::aws_sdk_dynamodb::types::AttributeValue;
use bao_runtime::schema::SearchSchema;
use bao_runtime::search::query::{Operator, SearchPredicate, tokenize};
use bao_runtime::search::search_text;
use bao_runtime::table::{TableFeatures, create_table_for};
use bao_runtime::{Db, Model, keys};
use examples::models::{Article, NewArticle};
use tests::Requests;

use crate::emulator::config;
use crate::error::{BenchError, Result, bao};
use crate::stats::{ms, process_cpu};

/// Articles stored.
pub const ITEMS: usize = 10_000;
/// The query: three terms, all required.
pub const QUERY: &str = "amber basil cedar";
/// Words the articles are made of; each has [`WORDS_PER_ITEM`] of them.
const VOCABULARY: [&str; 20] = [
    "amber", "basil", "cedar", "delta", "ember", "fjord", "grove", "harbor", "indigo", "juniper",
    "kelp", "lagoon", "meadow", "nectar", "orchid", "pebble", "quartz", "river", "saffron",
    "thistle",
];
const WORDS_PER_ITEM: usize = 5;
/// DynamoBao's page and query sizes.
const LIMIT: usize = 100;
const BATCH_SIZE: usize = 100;
const BATCH_GET: usize = 100;

/// Section 9's figures.
#[derive(Debug, Clone)]
pub struct SearchFigures {
    /// Items that matched.
    pub found: usize,
    /// bao's requests: Query, then BatchGetItem.
    pub bao_queries: usize,
    /// bao's BatchGetItem calls.
    pub bao_batch_gets: usize,
    /// DynamoBao's, by its algorithm: Query.
    pub dynamo_bao_queries: usize,
    /// DynamoBao's BatchGetItem calls.
    pub dynamo_bao_batch_gets: usize,
    /// Wall time of bao's search, all pages.
    pub wall_ms: f64,
    /// Client CPU time of bao's search, all pages.
    pub cpu_ms: f64,
}

impl SearchFigures {
    /// bao's requests over DynamoBao's.
    pub fn requests_ratio(&self) -> f64 {
        (self.bao_queries + self.bao_batch_gets) as f64
            / (self.dynamo_bao_queries + self.dynamo_bao_batch_gets) as f64
    }

    /// Client CPU per returned item, in microseconds.
    pub fn cpu_us_per_item(&self) -> f64 {
        self.cpu_ms * 1000.0 / self.found.max(1) as f64
    }

    /// The section of BENCHMARKS.md.
    pub fn markdown(&self) -> String {
        format!(
            "| | Query | BatchGetItem | requests | wall (ms) | client CPU (ms) |\n|---|---:|---:|---:|---:|---:|\n\
             | bao | {} | {} | **{}** | {:.0} | {:.1} |\n\
             | DynamoBao 0.6 (its algorithm) | {} | {} | **{}** | | |\n\n\
             {} matches; requests bao / DynamoBao **{:.3}** (goal <= 1.0); client CPU per \
             returned item {:.1} µs.\n",
            self.bao_queries,
            self.bao_batch_gets,
            self.bao_queries + self.bao_batch_gets,
            self.wall_ms,
            self.cpu_ms,
            self.dynamo_bao_queries,
            self.dynamo_bao_batch_gets,
            self.dynamo_bao_queries + self.dynamo_bao_batch_gets,
            self.found,
            self.requests_ratio(),
            self.cpu_us_per_item(),
        )
    }
}

/// One stored article, as the search sees it.
struct Row {
    id: String,
    matches: bool,
}

/// Seeds the articles, runs bao's search and computes DynamoBao's requests.
pub async fn run_all(endpoint: &str) -> Result<SearchFigures> {
    let requests = Requests::default();
    let client = Client::from_conf(config(endpoint).interceptor(requests.clone()).build());
    let table = format!("bench-search-{}", std::process::id());
    create_table_for(&client, &table, TableFeatures { search: true })
        .await
        .map_err(bao("create_table"))?;
    let db = Db::new(client, table);

    let schema = Article::SCHEMA
        .search
        .ok_or_else(|| mismatch("Article", "it is not searchable".into()))?;
    let predicate = SearchPredicate::new(&tokenize(QUERY), Operator::All, schema)
        .map_err(|_| mismatch("the query", "it has no terms".into()))?;
    let buckets = Article::SCHEMA.iteration_buckets.unwrap_or(1);
    let mut rows: Vec<Vec<Row>> = (0..buckets).map(|_| Vec::new()).collect();
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for index in 0..ITEMS {
        let words = pick_words(&mut state);
        let article = Article::create(
            &db,
            NewArticle::new(format!("Article {index}")).with_body(words.join(" ")),
        )
        .await
        .map_err(bao("Article::create"))?;
        let id = article.article_id.to_string();
        let text = stored_text(schema, &article);
        rows[keys::iteration_bucket(&id, buckets) as usize].push(Row {
            id,
            matches: predicate.matches(Some(&text)),
        });
    }
    for bucket in &mut rows {
        bucket.sort_by(|a, b| a.id.cmp(&b.id));
    }

    requests.reset();
    let cpu = process_cpu();
    let started = Instant::now();
    let found = Article::search(&db, QUERY)
        .all()
        .await
        .map_err(bao("Article::search"))?;
    let wall_ms = ms(started.elapsed());
    let cpu_ms = ms(process_cpu().saturating_sub(cpu));
    let expected: usize = rows.iter().flatten().filter(|row| row.matches).count();
    if found.len() != expected {
        return Err(mismatch(
            "search results and stored articles",
            format!(
                "the search found {} of {expected} matching articles",
                found.len()
            ),
        ));
    }
    let (dynamo_bao_queries, dynamo_bao_batch_gets) = dynamo_bao_requests(&rows);
    let figures = SearchFigures {
        found: found.len(),
        bao_queries: requests.count("Query"),
        bao_batch_gets: requests.count("BatchGetItem"),
        dynamo_bao_queries,
        dynamo_bao_batch_gets,
        wall_ms,
        cpu_ms,
    };
    println!(
        "  {} of {ITEMS} articles match `{QUERY}`: bao {} requests, DynamoBao {} ({:.3}); {:.0} ms, {:.1} µs CPU per item",
        figures.found,
        figures.bao_queries + figures.bao_batch_gets,
        figures.dynamo_bao_queries + figures.dynamo_bao_batch_gets,
        figures.requests_ratio(),
        figures.wall_ms,
        figures.cpu_us_per_item()
    );
    Ok(figures)
}

fn mismatch(what: &str, detail: String) -> BenchError {
    BenchError::Mismatch {
        what: what.to_owned(),
        detail,
    }
}

/// Five distinct words of the vocabulary, from a xorshift generator (the same on every run).
fn pick_words(state: &mut u64) -> Vec<&'static str> {
    let mut words = Vec::with_capacity(WORDS_PER_ITEM);
    while words.len() < WORDS_PER_ITEM {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let word = VOCABULARY[(*state % VOCABULARY.len() as u64) as usize];
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// The `_searchText` bao stored for the article (the vectors prove it is DynamoBao's).
fn stored_text(schema: &SearchSchema, article: &Article) -> String {
    let title = AttributeValue::S(article.title.clone());
    let body = article.body.clone().map(AttributeValue::S);
    search_text(schema, &[Some(&title), body.as_ref()])
}

/// DynamoBao's requests for the whole search, page by page, by its documented algorithm:
/// (Query, BatchGetItem).
fn dynamo_bao_requests(buckets: &[Vec<Row>]) -> (usize, usize) {
    let mut position: Vec<Option<usize>> = vec![Some(0); buckets.len()];
    let mut pending: usize = 0;
    let (mut queries, mut batch_gets) = (0, 0);
    loop {
        // A page: first the items the last cursor carried.
        let mut items = pending;
        if pending > 0 {
            batch_gets += pending.div_ceil(BATCH_GET);
        }
        let mut per_page_queries = vec![0; buckets.len()];
        while items < LIMIT {
            let eligible: Vec<usize> = (0..buckets.len())
                .filter(|&b| position[b].is_some() && per_page_queries[b] < 50)
                .collect();
            if eligible.is_empty() {
                break;
            }
            for bucket in eligible {
                let start = position[bucket].unwrap_or(0);
                let rows = &buckets[bucket];
                let end = (start + BATCH_SIZE).min(rows.len());
                let matched = rows[start..end].iter().filter(|row| row.matches).count();
                queries += 1;
                per_page_queries[bucket] += 1;
                if matched > 0 {
                    batch_gets += matched.div_ceil(BATCH_GET);
                }
                items += matched;
                // A LastEvaluatedKey comes back whenever a full Limit of rows was evaluated.
                position[bucket] = (end - start == BATCH_SIZE).then_some(end);
            }
        }
        pending = items.saturating_sub(LIMIT);
        if position.iter().all(Option::is_none) && pending == 0 {
            return (queries, batch_gets);
        }
    }
}
