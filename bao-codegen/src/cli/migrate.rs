//! `bao reindex`, `bao backfill-unique` and `bao rebuild-search-text`: whole-model migrations
//! from models.yaml, resumable, rate-limited, with a dry run (see [`bao_runtime::migrate`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bao_codegen::ir;
use bao_codegen::runtime_schema::model_schema;
use bao_runtime::migrate::{self, Checkpoint, MigrateOptions, Progress, Walk};
use bao_runtime::ops::Derived;
use bao_runtime::schema::ModelSchema;
use clap::Args;

use super::config::Config;
use super::shell::Shell;
use super::table::{self, TableArgs};
use super::{Failure, block_on, on_interrupt};

/// Which items to migrate, how, and where: the flags every migration shares.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// models.yaml, or a directory of *.yaml files [default: bao.toml's codegen.schema].
    #[arg(long, value_name = "PATH")]
    pub schema: Option<PathBuf>,
    /// Migrate the items of this tenant (items of other tenants live in other partitions).
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,
    /// Find the items with a parallel Scan restricted to the model's prefix (reads the whole
    /// table) instead of its iteration buckets: needed for items stored before the model was
    /// iterable, and the only way for a model that is not.
    #[arg(long)]
    pub scan: bool,
    /// Segments of the parallel Scan [default: 4].
    #[arg(long, value_name = "N", requires = "scan")]
    pub segments: Option<u32>,
    /// Count what would be written; write nothing (and keep no checkpoint).
    #[arg(long)]
    pub dry_run: bool,
    /// Most write capacity units per second to consume (averaged), so the application keeps
    /// its share of a provisioned table.
    #[arg(long, value_name = "WCU", conflicts_with = "dry_run")]
    pub max_wcu: Option<f64>,
    /// The checkpoint file a stopped migration resumes from [default:
    /// .bao-COMMAND-MODEL.checkpoint.json in the current directory]; removed on success.
    #[arg(long, value_name = "FILE", conflicts_with = "dry_run")]
    pub checkpoint: Option<PathBuf>,
    /// The table.
    #[command(flatten)]
    pub table: TableArgs,
}

/// `bao reindex`'s arguments.
#[derive(Debug, Args)]
pub struct ReindexArgs {
    /// The model, by its name in models.yaml.
    #[arg(value_name = "MODEL")]
    pub model: String,
    /// Only the keys of this index (by its name in models.yaml).
    #[arg(long, value_name = "NAME")]
    pub index: Option<String>,
    /// How and where.
    #[command(flatten)]
    pub migrate: MigrateArgs,
}

/// `bao backfill-unique`'s arguments.
#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// The model, by its name in models.yaml.
    #[arg(value_name = "MODEL")]
    pub model: String,
    /// The unique constraint, by its name in models.yaml.
    #[arg(value_name = "CONSTRAINT")]
    pub constraint: String,
    /// How and where.
    #[command(flatten)]
    pub migrate: MigrateArgs,
}

/// `bao rebuild-search-text`'s arguments.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// The searchable model, by its name in models.yaml.
    #[arg(value_name = "MODEL")]
    pub model: String,
    /// How and where.
    #[command(flatten)]
    pub migrate: MigrateArgs,
}

/// What a migration does to each item.
enum Task {
    Reindex(Derived),
    Backfill(&'static bao_runtime::schema::UniqueConstraintSchema),
}

impl Task {
    /// What the items it writes are said to be, in a dry run or not.
    fn written(&self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (Task::Reindex(_), false) => "rewritten",
            (Task::Reindex(_), true) => "to rewrite",
            (Task::Backfill(_), false) => "created",
            (Task::Backfill(_), true) => "to create",
        }
    }
}

/// Runs `bao reindex`.
pub fn run_reindex(shell: &Shell, args: ReindexArgs) -> Result<(), Failure> {
    let setup = Setup::load(&args.migrate, &args.model, |_| true, "models")?;
    let (derived, name) = match &args.index {
        None => (Derived::All, "reindex".to_owned()),
        Some(index) => {
            let found = setup
                .schema
                .index(index)
                .filter(|index| index.gsi.is_some());
            let found = found.ok_or_else(|| {
                let names: Vec<&str> = setup
                    .schema
                    .indexes
                    .iter()
                    .filter(|index| index.gsi.is_some())
                    .map(|index| index.name)
                    .collect();
                Failure::usage(format!(
                    "model `{}` has no index `{index}`; its indexes are: {}",
                    args.model,
                    list(&names)
                ))
            })?;
            (Derived::Index(found), format!("reindex --index {index}"))
        }
    };
    setup.run(shell, &args.migrate, &name, Task::Reindex(derived))
}

/// Runs `bao backfill-unique`.
pub fn run_backfill(shell: &Shell, args: BackfillArgs) -> Result<(), Failure> {
    let setup = Setup::load(
        &args.migrate,
        &args.model,
        |model| !model.unique_constraints.is_empty(),
        "models with unique constraints",
    )?;
    let schema = setup.schema;
    let constraint = schema
        .unique_constraints
        .iter()
        .find(|constraint| constraint.name == args.constraint)
        .ok_or_else(|| {
            let names: Vec<&str> = schema.unique_constraints.iter().map(|c| c.name).collect();
            Failure::usage(format!(
                "model `{}` has no unique constraint `{}`; its constraints are: {}",
                args.model,
                args.constraint,
                list(&names)
            ))
        })?;
    let name = format!("backfill-unique {}", constraint.name);
    setup.run(shell, &args.migrate, &name, Task::Backfill(constraint))
}

/// Runs `bao rebuild-search-text`.
pub fn run_rebuild(shell: &Shell, args: RebuildArgs) -> Result<(), Failure> {
    let setup = Setup::load(
        &args.migrate,
        &args.model,
        |model| model.searchable.is_some(),
        "searchable models",
    )?;
    if setup.schema.search.is_none() {
        return Err(Failure::user(format!(
            "model `{}` is not searchable: give it `searchable: {{fields: [...]}}`",
            args.model
        )));
    }
    let task = Task::Reindex(Derived::SearchText);
    setup.run(shell, &args.migrate, "rebuild-search-text", task)
}

/// The model and the configuration a migration runs with.
struct Setup {
    schema: &'static ModelSchema,
    config: Option<Config>,
}

impl Setup {
    /// Reads the schema and finds the model; an unknown model lists the `kind` of models that
    /// `fits`.
    fn load(
        args: &MigrateArgs,
        model: &str,
        fits: impl Fn(&ir::Model) -> bool,
        kind: &str,
    ) -> Result<Setup, Failure> {
        let cwd =
            std::env::current_dir().map_err(|e| Failure::io("cannot read the current dir", e))?;
        let config = Config::discover(&cwd)?;
        let path = super::config::schema_path(args.schema.as_deref(), config.as_ref())?;
        let validated = bao_codegen::validate::load_and_validate(&path).map_err(|diagnostics| {
            Failure::user(format!(
                "{} does not validate:\n{}",
                path.display(),
                diagnostics.render(false)
            ))
        })?;
        let found = validated.schema.model(model).ok_or_else(|| {
            let names: Vec<&str> = validated
                .schema
                .models
                .iter()
                .filter(|model| fits(model))
                .map(|model| model.name.as_str())
                .collect();
            Failure::usage(format!(
                "no model `{model}` in {}; the {kind} are: {}",
                path.display(),
                list(&names)
            ))
        })?;
        Ok(Setup {
            schema: model_schema(&validated.schema, found),
            config,
        })
    }

    /// Runs `task` over every item of the model, from the checkpoint when there is one.
    fn run(self, shell: &Shell, args: &MigrateArgs, name: &str, task: Task) -> Result<(), Failure> {
        let schema = self.schema;
        let walk = match args.scan {
            true => Walk::Scan {
                segments: args.segments.unwrap_or(Walk::DEFAULT_SEGMENTS),
            },
            false => Walk::for_model(schema),
        };
        let options = MigrateOptions {
            dry_run: args.dry_run,
            max_wcu: args.max_wcu,
            ..MigrateOptions::new(walk)
        };
        if let Some(rate) = args.max_wcu
            && !(rate > 0.0 && rate.is_finite())
        {
            return Err(Failure::usage(format!(
                "--max-wcu: {rate} is not a positive number"
            )));
        }
        let checkpoint_path = args.checkpoint.clone().unwrap_or_else(|| {
            let command = name.split(' ').next().unwrap_or(name);
            PathBuf::from(format!(".bao-{command}-{}.checkpoint.json", schema.name))
        });
        let written = task.written(args.dry_run);
        let connection = table::connection(&args.table, self.config.as_ref())?;
        let started = Instant::now();
        let stopped = AtomicBool::new(false);
        let (checkpoint, outcome) = block_on(async {
            let client = connection.client().await;
            let mut builder = bao_runtime::Db::builder(client, connection.table.clone());
            if let Some(index) = self
                .config
                .as_ref()
                .and_then(|config| config.table.iteration_index.clone())
            {
                builder = builder.iteration_index(index);
            }
            let mut db = builder.build();
            if let Some(tenant) = &args.tenant {
                db = db
                    .with_tenant(tenant.clone())
                    .map_err(|e| Failure::runtime(&e))?;
            }
            let fresh = Checkpoint::new(&db, schema, name, walk).map_err(|e| {
                Failure::user(e.to_string())
                    .with_help("pass --scan to find the items with a Scan of the table instead")
            })?;
            let mut checkpoint = match args.dry_run {
                true => fresh,
                false => resume(shell, &checkpoint_path, fresh)?,
            };
            let interrupt =
                on_interrupt().map_err(|e| Failure::io("cannot watch for Ctrl-C", e))?;
            let mut save_error = None;
            let outcome = {
                let mut reporter = Reporter::new(shell, schema.name, written);
                let mut on_page = |checkpoint: &Checkpoint| {
                    if !args.dry_run
                        && let Err(error) = save(&checkpoint_path, checkpoint)
                    {
                        save_error = Some(error);
                        return false;
                    }
                    reporter.page(&checkpoint.progress, started);
                    !stopped.load(Ordering::Relaxed)
                };
                let run = async {
                    match task {
                        Task::Reindex(derived) => {
                            migrate::reindex(
                                &db,
                                schema,
                                derived,
                                &options,
                                &mut checkpoint,
                                &mut on_page,
                            )
                            .await
                        }
                        Task::Backfill(constraint) => {
                            migrate::backfill_unique(
                                &db,
                                schema,
                                constraint,
                                &options,
                                &mut checkpoint,
                                &mut on_page,
                            )
                            .await
                        }
                    }
                };
                let mut run = std::pin::pin!(run);
                tokio::select! {
                    outcome = &mut run => outcome,
                    () = interrupt => {
                        stopped.store(true, Ordering::Relaxed);
                        shell.status("Stopping", "after the pages under way");
                        run.await
                    }
                }
            };
            if let Some(error) = save_error {
                return Err(error);
            }
            Ok((checkpoint, outcome))
        })?;
        let progress = &checkpoint.progress;
        let summary = summary(schema.name, progress, written, started.elapsed());
        if let Err(error) = outcome {
            shell.status("Stopped", &summary);
            return Err(Failure::runtime(&error).with_help(format!(
                "run the same command again to resume from {}",
                checkpoint_path.display()
            )));
        }
        if !checkpoint.is_done() {
            shell.status("Stopped", &summary);
            return Err(Failure::interrupted(format!(
                "stopped; run the same command again to resume from {}",
                checkpoint_path.display()
            )));
        }
        if !args.dry_run {
            remove(&checkpoint_path)?;
        }
        let verb = if args.dry_run { "Counted" } else { "Migrated" };
        shell.status(verb, &summary);
        if progress.failed_count > 0 {
            let mut message = format!(
                "{} of {} could not be migrated and were left as they were:",
                progress.failed_count, schema.name
            );
            for failed in &progress.failed {
                message.push_str(&format!("\n  {}: {}", failed.id, failed.error));
            }
            let unlisted = progress.failed_count - progress.failed.len() as u64;
            if unlisted > 0 {
                message.push_str(&format!("\n  ... and {unlisted} more"));
            }
            return Err(
                Failure::user(message).with_help("fix these items, then run the command again")
            );
        }
        Ok(())
    }
}

/// The checkpoint to start from: the saved one when it is of this migration.
fn resume(shell: &Shell, path: &Path, fresh: Checkpoint) -> Result<Checkpoint, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(fresh),
        Err(error) => {
            return Err(Failure::io(
                format!("cannot read {}", path.display()),
                error,
            ));
        }
    };
    let saved: Checkpoint = serde_json::from_str(&text).map_err(|error| {
        Failure::user(format!("{} is not a checkpoint: {error}", path.display()))
            .with_help("delete it to start from the beginning")
    })?;
    if !saved.resumes(&fresh) {
        return Err(Failure::user(format!(
            "{} is the checkpoint of `{}` on {} (tenant {}, {:?}), not of this migration",
            path.display(),
            saved.task,
            saved.model,
            saved.tenant.as_deref().unwrap_or("none"),
            saved.walk
        ))
        .with_help("finish that migration, or pass another --checkpoint, or delete the file"));
    }
    shell.status(
        "Resuming",
        format!(
            "from {}: {} items read so far",
            path.display(),
            saved.progress.scanned
        ),
    );
    Ok(saved)
}

/// Writes the checkpoint through a temporary file, so a crash never leaves half of one.
fn save(path: &Path, checkpoint: &Checkpoint) -> Result<(), Failure> {
    let text = serde_json::to_string(checkpoint)
        .map_err(|e| Failure::internal(format!("cannot serialise the checkpoint: {e}")))?;
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| Failure::io(format!("cannot write {}", path.display()), e))
}

fn remove(path: &Path) -> Result<(), Failure> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(Failure::io(
            format!("cannot remove {}", path.display()),
            error,
        )),
        _ => Ok(()),
    }
}

/// Prints progress at most once a second: items, rate, lanes done and the time left.
struct Reporter<'s> {
    shell: &'s Shell,
    model: &'static str,
    written: &'static str,
    last: Option<Instant>,
    interval: Duration,
}

impl<'s> Reporter<'s> {
    fn new(shell: &'s Shell, model: &'static str, written: &'static str) -> Reporter<'s> {
        // A terminal gets a livelier display than a CI log.
        let interval = match std::io::stderr().is_terminal() {
            true => Duration::from_millis(250),
            false => Duration::from_secs(2),
        };
        Reporter {
            shell,
            model,
            written,
            last: None,
            interval,
        }
    }

    fn page(&mut self, progress: &Progress, started: Instant) {
        if self.last.is_some_and(|last| last.elapsed() < self.interval) {
            return;
        }
        self.last = Some(Instant::now());
        let elapsed = started.elapsed().as_secs_f64().max(1e-3);
        let rate = progress.scanned as f64 / elapsed;
        let fraction = progress.fraction_done();
        let filled = (fraction * 20.0).round() as usize;
        let eta = match fraction {
            f if f > 0.0 && f < 1.0 => format!(", about {:.0} s left", elapsed * (1.0 - f) / f),
            _ => String::new(),
        };
        self.shell.status(
            "Migrating",
            format!(
                "{} [{}{}] {}/{} lanes: {} items read, {} {}, {:.0} items/s{eta}",
                self.model,
                "#".repeat(filled),
                ".".repeat(20 - filled.min(20)),
                progress.lanes_done,
                progress.lanes,
                progress.scanned,
                progress.changed,
                self.written,
                rate
            ),
        );
    }
}

/// The final line: every count, the capacity and the time.
fn summary(model: &str, progress: &Progress, written: &str, took: Duration) -> String {
    format!(
        "{model}: {} items read, {} {}, {} unchanged, {} changed meanwhile (left to that \
         write), {} failed; {:.1} RCU, {:.1} WCU in {:.1} s",
        progress.scanned,
        progress.changed,
        written,
        progress.unchanged,
        progress.skipped,
        progress.failed_count,
        progress.capacity.read,
        progress.capacity.write,
        took.as_secs_f64()
    )
}

/// `a, b, c`, or `none`.
fn list(names: &[&str]) -> String {
    match names.is_empty() {
        true => "none".to_owned(),
        false => names.join(", "),
    }
}
