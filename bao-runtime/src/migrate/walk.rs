//! Visiting every item of a model a page at a time, resumably, within a write budget.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};
use futures::StreamExt;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::call;
use crate::capacity::Capacity;
use crate::codec::Item;
use crate::expr::ExprBuilder;
use crate::fetch;
use crate::iterate::query_keys;
use crate::keys::{self, PK_ATTR};
use crate::schema::{KeyPart, ModelSchema};
use crate::{Db, Error, Result, retry, scope};

/// How a migration finds every item of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Walk {
    /// Page through the model's iteration buckets: reads only the model's items (one Query of
    /// the iteration index and one BatchGetItem per page). Finds only items that have
    /// iteration keys, so not the items stored before the model became iterable.
    Buckets,
    /// A parallel Scan of the whole table in `segments`, keeping the items under the model's
    /// prefix: finds every item, and reads every item of the table.
    Scan {
        /// How many segments DynamoDB splits the table into.
        segments: u32,
    },
}

impl Walk {
    /// The segments of a Scan when none are given.
    pub const DEFAULT_SEGMENTS: u32 = 4;

    /// Buckets for an iterable model, a Scan otherwise.
    pub fn for_model(schema: &ModelSchema) -> Walk {
        match schema.iteration_buckets {
            Some(_) => Walk::Buckets,
            None => Walk::Scan {
                segments: Walk::DEFAULT_SEGMENTS,
            },
        }
    }

    /// How many independent lanes (buckets or segments) the walk has.
    fn lanes(self, schema: &ModelSchema) -> Result<u32> {
        match self {
            Walk::Buckets => schema.iteration_buckets.ok_or_else(|| {
                Error::validation(
                    schema.name,
                    "iterable",
                    "the model is not iterable: walk it with a Scan",
                )
            }),
            Walk::Scan { segments } if (1..=1_000_000).contains(&segments) => Ok(segments),
            Walk::Scan { segments } => Err(Error::validation(
                schema.name,
                "segments",
                format!("a Scan has 1 to 1000000 segments, not {segments}"),
            )),
        }
    }
}

/// How a whole-model migration runs.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrateOptions {
    /// How items are found.
    pub walk: Walk,
    /// Count what would be written, write nothing.
    pub dry_run: bool,
    /// Most write capacity units per second (averaged from the start); unlimited when `None`.
    pub max_wcu: Option<f64>,
    /// How many lanes (buckets or segments) are walked at once.
    pub concurrency: usize,
    /// Items read per request.
    pub page_size: i32,
}

impl MigrateOptions {
    /// The defaults for `walk`: 4 lanes at once, pages of 100, no limit, writing.
    pub fn new(walk: Walk) -> MigrateOptions {
        MigrateOptions {
            walk,
            dry_run: false,
            max_wcu: None,
            concurrency: 4,
            page_size: 100,
        }
    }
}

/// An item a migration could not migrate, and why (it is left as it was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    /// The item's primary id (its `_pk` / `_sk` when it has none).
    pub id: String,
    /// What went wrong.
    pub error: String,
}

/// What a migration has done so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Items read.
    pub scanned: u64,
    /// Items written (in a dry run: that would be written).
    pub changed: u64,
    /// Items that needed nothing.
    pub unchanged: u64,
    /// Items another write changed between the read and the write; that write kept them
    /// right, so they were left alone.
    pub skipped: u64,
    /// Items that could not be migrated (the first [`Progress::FAILED_KEPT`] are listed).
    pub failed: Vec<Failed>,
    /// How many items could not be migrated.
    pub failed_count: u64,
    /// Capacity consumed.
    pub capacity: Capacity,
    /// Lanes (buckets or segments) walked to the end.
    pub lanes_done: u32,
    /// Lanes in all.
    pub lanes: u32,
}

impl Progress {
    /// How many failed items are listed.
    pub const FAILED_KEPT: usize = 100;

    /// The share of lanes walked to the end, 0 to 1.
    pub fn fraction_done(&self) -> f64 {
        match self.lanes {
            0 => 1.0,
            lanes => f64::from(self.lanes_done) / f64::from(lanes),
        }
    }

    fn count(&mut self, outcome: Outcome) {
        self.scanned += 1;
        match outcome {
            Outcome::Changed(capacity) => {
                self.changed += 1;
                self.capacity += capacity;
            }
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::Failed(failed) => {
                self.failed_count += 1;
                if self.failed.len() < Progress::FAILED_KEPT {
                    self.failed.push(failed);
                }
            }
        }
    }
}

/// What visiting one item did.
#[derive(Debug)]
pub(crate) enum Outcome {
    Changed(Capacity),
    Unchanged,
    Skipped,
    Failed(Failed),
}

/// Where a lane is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Lane {
    /// The next page starts after this key (from the start when `None`).
    Next {
        after: Option<BTreeMap<String, String>>,
    },
    /// Walked to the end.
    Done,
}

/// Where a migration is, and what it has done: saved after every page, so a migration that
/// was stopped (Ctrl-C, a crash, an error) resumes after the last page it finished. A page
/// that was under way is read again; its items that were already written need nothing then,
/// so no item is written twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The model.
    pub model: String,
    /// What the migration does (`reindex`, `backfill-unique uniqueEmail`): a checkpoint
    /// resumes only the same task.
    pub task: String,
    /// The tenant whose items are migrated.
    pub tenant: Option<String>,
    /// How items are found.
    pub walk: Walk,
    lanes: Vec<Lane>,
    /// What was done so far.
    pub progress: Progress,
}

impl Checkpoint {
    /// A migration that has not started.
    ///
    /// # Errors
    /// [`Error::Validation`] when `walk` does not fit the model (buckets of a model that is not
    /// iterable, a Scan of no segment).
    pub fn new(db: &Db, schema: &ModelSchema, task: &str, walk: Walk) -> Result<Checkpoint> {
        let lanes = walk.lanes(schema)?;
        Ok(Checkpoint {
            model: schema.name.to_owned(),
            task: task.to_owned(),
            tenant: db.tenant().map(|tenant| tenant.id().to_owned()),
            walk,
            lanes: vec![Lane::Next { after: None }; lanes as usize],
            progress: Progress {
                lanes,
                ..Progress::default()
            },
        })
    }

    /// Whether every lane was walked to the end.
    pub fn is_done(&self) -> bool {
        self.lanes.iter().all(|lane| *lane == Lane::Done)
    }

    /// Whether this checkpoint is of the same migration (model, task, tenant, walk).
    pub fn resumes(&self, other: &Checkpoint) -> bool {
        (&self.model, &self.task, &self.tenant, self.walk)
            == (&other.model, &other.task, &other.tenant, other.walk)
    }
}

/// Spreads writes so that they consume at most a number of write units per second, averaged
/// from the start.
#[derive(Debug)]
pub(crate) struct WriteBudget {
    per_second: Option<f64>,
    started: Instant,
    spent: Mutex<f64>,
}

impl WriteBudget {
    pub(crate) fn new(per_second: Option<f64>) -> WriteBudget {
        WriteBudget {
            per_second: per_second.filter(|rate| *rate > 0.0),
            started: Instant::now(),
            spent: Mutex::new(0.0),
        }
    }

    /// Waits until one more write unit fits the budget, and books it.
    pub(crate) async fn reserve(&self) {
        let Some(rate) = self.per_second else { return };
        let spent = {
            let mut spent = self.spent.lock().unwrap_or_else(|e| e.into_inner());
            let before = *spent;
            *spent += 1.0;
            before
        };
        let due = self.started + Duration::from_secs_f64(spent / rate);
        tokio::time::sleep_until(due.into()).await;
    }

    /// Books what a write consumed beyond the unit reserved for it.
    pub(crate) fn charge(&self, capacity: Capacity) {
        if self.per_second.is_some() && capacity.write > 1.0 {
            *self.spent.lock().unwrap_or_else(|e| e.into_inner()) += capacity.write - 1.0;
        }
    }
}

/// Visits every item of the lanes `checkpoint` has not finished, `concurrency` lanes at once,
/// a page at a time; after each page the checkpoint is updated and passed to `on_page`, which
/// returns `false` to stop (the lanes stop after their current page).
///
/// # Errors
/// The first error of a read, or of `visit` (an error ends the walk; the checkpoint keeps the
/// pages finished before it).
pub(crate) async fn walk<'a>(
    db: &'a Db,
    schema: &'a ModelSchema,
    options: &'a MigrateOptions,
    checkpoint: &'a mut Checkpoint,
    visit: &'a (dyn Fn(Item) -> BoxFuture<'a, Result<Outcome>> + Sync),
    on_page: &'a mut (dyn FnMut(&Checkpoint) -> bool + Send),
) -> Result<()> {
    let pending: Vec<usize> = (0..checkpoint.lanes.len())
        .filter(|lane| checkpoint.lanes[*lane] != Lane::Done)
        .collect();
    let shared = Mutex::new(Shared {
        checkpoint,
        on_page,
        stopped: false,
    });
    let shared = &shared;
    let results: Vec<Result<()>> = futures::stream::iter(pending)
        .map(|lane| walk_lane(db, schema, options, lane, shared, visit))
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    results.into_iter().collect()
}

/// What the lanes of a walk share.
struct Shared<'a> {
    checkpoint: &'a mut Checkpoint,
    on_page: &'a mut (dyn FnMut(&Checkpoint) -> bool + Send),
    stopped: bool,
}

fn lock<'m, 'a>(shared: &'m Mutex<Shared<'a>>) -> std::sync::MutexGuard<'m, Shared<'a>> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

async fn walk_lane<'a>(
    db: &'a Db,
    schema: &'a ModelSchema,
    options: &'a MigrateOptions,
    lane: usize,
    shared: &Mutex<Shared<'a>>,
    visit: &'a (dyn Fn(Item) -> BoxFuture<'a, Result<Outcome>> + Sync),
) -> Result<()> {
    loop {
        let after = {
            let shared = lock(shared);
            if shared.stopped {
                return Ok(());
            }
            match &shared.checkpoint.lanes[lane] {
                Lane::Next { after } => after.clone(),
                Lane::Done => return Ok(()),
            }
        };
        let start = after.map(from_strings);
        let (items, next, read) = read_page(db, schema, options, lane, start).await?;
        let mut outcomes = Vec::with_capacity(items.len());
        for item in items {
            outcomes.push(visit(item).await?);
        }
        let next = next.map(|key| to_strings(schema, key)).transpose()?;
        let mut shared = lock(shared);
        let progress = &mut shared.checkpoint.progress;
        progress.capacity += read;
        for outcome in outcomes {
            progress.count(outcome);
        }
        shared.checkpoint.lanes[lane] = match next {
            Some(after) => Lane::Next { after: Some(after) },
            None => {
                shared.checkpoint.progress.lanes_done += 1;
                Lane::Done
            }
        };
        let Shared {
            checkpoint,
            on_page,
            stopped,
        } = &mut *shared;
        if !on_page(checkpoint) {
            *stopped = true;
        }
    }
}

/// One page of a lane: its items, where the next page starts, and the read capacity.
async fn read_page(
    db: &Db,
    schema: &ModelSchema,
    options: &MigrateOptions,
    lane: usize,
    start: Option<Item>,
) -> Result<(Vec<Item>, Option<Item>, Capacity)> {
    match options.walk {
        Walk::Buckets => {
            let partition = keys::iteration_partition(schema, db.tenant(), lane as u32);
            let (keys, next) = query_keys(db, &partition, start, options.page_size).await?;
            if keys.is_empty() {
                return Ok((Vec::new(), next, Capacity::ZERO));
            }
            let found = fetch::batch_get(db, keys).await?;
            if let Some(error) = found.failure() {
                return Err(error);
            }
            let capacity = found.capacity;
            let items = found.into_found().collect();
            Ok((items, next, capacity))
        }
        Walk::Scan { segments } => {
            scan_page(
                db,
                schema,
                lane as i32,
                segments as i32,
                start,
                options.page_size,
            )
            .await
        }
    }
}

/// One page of one segment of a Scan, keeping the items under the model's prefix (and the
/// handle's tenant).
async fn scan_page(
    db: &Db,
    schema: &ModelSchema,
    segment: i32,
    segments: i32,
    start: Option<Item>,
    page_size: i32,
) -> Result<(Vec<Item>, Option<Item>, Capacity)> {
    let tenant = db
        .tenant()
        .map(|tenant| tenant.key_prefix())
        .unwrap_or_default();
    let mut expr = ExprBuilder::new();
    let pk = expr.name(PK_ATTR);
    // A model keyed by its prefix alone has `_pk` = the prefix; the others `prefix#value`.
    // Prefixes hold no `#`, so `u#` never matches the items of a model prefixed `us`.
    let filter = match schema.primary_key.partition {
        KeyPart::ModelPrefix => {
            let value = expr.value(AttributeValue::S(format!("{tenant}{}", schema.prefix)));
            format!("{pk} = {value}")
        }
        KeyPart::Field(_) => {
            let value = expr.value(AttributeValue::S(format!("{tenant}{}#", schema.prefix)));
            format!("begins_with({pk}, {value})")
        }
    };
    let (names, values) = expr.into_parts();
    let span = call::span("Scan", db.table(), None, None);
    let request = db
        .calls()
        .scan()
        .table_name(db.table())
        .segment(segment)
        .total_segments(segments)
        .filter_expression(filter)
        .set_expression_attribute_names(names)
        .set_expression_attribute_values(values)
        .limit(page_size)
        .consistent_read(true)
        .set_exclusive_start_key(start)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    let (result, attempts) = retry::send_request!(db, span, request);
    let output = result
        .map_err(|error| call::classify("Scan", attempts, error, |_| None).into_error("Scan"))?;
    let capacity = Capacity::read_from(output.consumed_capacity());
    call::record(&span, output.count() as usize, capacity);
    scope::record_read(capacity);
    Ok((
        output.items.unwrap_or_default(),
        output.last_evaluated_key,
        capacity,
    ))
}

/// A page's start key as stored in a checkpoint: bao's keys are strings.
fn to_strings(schema: &ModelSchema, key: Item) -> Result<BTreeMap<String, String>> {
    key.into_iter()
        .map(|(name, value)| match value {
            AttributeValue::S(text) => Ok((name, text)),
            other => Err(Error::validation(
                schema.name,
                "checkpoint",
                format!("page key attribute `{name}` is not a string: {other:?}"),
            )),
        })
        .collect()
}

fn from_strings(key: BTreeMap<String, String>) -> Item {
    key.into_iter()
        .map(|(name, text)| (name, AttributeValue::S(text)))
        .collect()
}

/// The primary id of a stored item, for reports; its raw key when the id cannot be made.
pub(crate) fn id_of(schema: &ModelSchema, item: &Item) -> String {
    keys::primary_id(schema, item).unwrap_or_else(|_| {
        let part = |name| match item.get(name) {
            Some(AttributeValue::S(text)) => text.as_str(),
            _ => "",
        };
        format!("{} / {}", part(PK_ATTR), part(keys::SK_ATTR))
    })
}
