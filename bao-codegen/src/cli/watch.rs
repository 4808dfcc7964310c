//! `bao watch`: regenerate whenever the schema, bao.toml or the templates change.
//!
//! It watches the schema's directory (not recursively), bao.toml's directory and the template
//! directory, filters events down to those inputs, and never reacts to the output directory.
//! A broken save prints its diagnostics and leaves the last good output in place. Every cycle
//! shares one [`RenderCache`], so only the modules of changed models are rendered again.

use super::config::Config;
use super::generate::{self, GenerateArgs, Paths, relative};
use super::shell::Shell;
use super::{Failure, on_interrupt};
use bao_codegen::RenderCache;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, DebouncedEvent, new_debouncer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// How long the file system must be quiet before a cycle runs: long enough to see an editor's
/// save (a write, or a temporary file and a rename) as one change, as watchexec's default.
const DEBOUNCE: Duration = Duration::from_millis(50);

enum Message {
    Changed(DebounceEventResult),
    Interrupted,
}

/// Runs `bao watch` until Ctrl-C.
pub fn run(shell: &Shell, args: &GenerateArgs) -> Result<(), Failure> {
    let cwd = generate::current_dir()?;
    let mut paths = Paths::discover(args)?;
    let (sender, messages) = mpsc::channel();
    listen_for_interrupt(sender.clone())?;
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result| {
        let _ = sender.send(Message::Changed(result));
    })
    .map_err(|e| Failure::internal(format!("cannot watch files: {e}")))?;
    let mut roots = BTreeMap::new();
    watch_roots(&mut debouncer, &mut roots, &paths)?;

    let cache = Arc::new(RenderCache::default());
    cycle(shell, &paths, &cache);
    shell.status("Watching", describe(&paths));

    while let Ok(message) = messages.recv() {
        let events = match message {
            Message::Interrupted => break,
            Message::Changed(Err(errors)) => {
                for error in errors {
                    shell.warn(format!("file watching: {error}"));
                }
                continue;
            }
            Message::Changed(Ok(events)) => events,
        };
        let changes = Changes::of(&events, &paths);
        if !changes.any() {
            continue;
        }
        if changes.config {
            match reload(args, &cwd) {
                Ok(reloaded) => {
                    if reloaded != paths {
                        paths = reloaded;
                        watch_roots(&mut debouncer, &mut roots, &paths)?;
                        shell.status("Watching", describe(&paths));
                    }
                }
                Err(failure) => {
                    shell.error(&failure);
                    continue;
                }
            }
        }
        cycle(shell, &paths, &cache);
    }
    shell.status("Stopped", "watching");
    Ok(())
}

/// Generates once; a failure is reported and watching goes on with the last good output.
fn cycle(shell: &Shell, paths: &Paths, cache: &Arc<RenderCache>) {
    let mut builder = paths.builder();
    builder.render_cache(Arc::clone(cache));
    if let Err(failure) = generate::generate(shell, &builder, &paths.out) {
        shell.error(&failure);
    }
}

fn reload(args: &GenerateArgs, cwd: &Path) -> Result<Paths, Failure> {
    let config = Config::discover(cwd)?;
    Paths::resolve(args, config.as_ref(), cwd)
}

/// What a batch of events touched.
struct Changes {
    inputs: bool,
    config: bool,
}

impl Changes {
    fn of(events: &[DebouncedEvent], paths: &Paths) -> Changes {
        let mut changes = Changes {
            inputs: false,
            config: false,
        };
        let touched = events
            .iter()
            .filter(|event| !matches!(event.kind, EventKind::Access(_)))
            .flat_map(|event| event.paths.iter())
            .filter(|path| !path.starts_with(&paths.out));
        for path in touched {
            if paths.config.as_deref() == Some(path.as_path()) {
                changes.config = true;
            } else if is_input(path, paths) {
                changes.inputs = true;
            }
        }
        changes
    }

    fn any(&self) -> bool {
        self.inputs || self.config
    }
}

/// Whether `path` is the schema, a YAML file of the schema directory, or a template.
fn is_input(path: &Path, paths: &Paths) -> bool {
    let schema_file = path == paths.schema;
    let in_schema_dir = paths.schema.is_dir()
        && path.parent() == Some(paths.schema.as_path())
        && path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml");
    let template = paths
        .templates
        .as_deref()
        .is_some_and(|dir| path.starts_with(dir));
    schema_file || in_schema_dir || template
}

/// The directories to watch, and how.
fn roots(paths: &Paths) -> BTreeMap<PathBuf, RecursiveMode> {
    let mut roots = BTreeMap::new();
    let schema_dir = if paths.schema.is_dir() {
        Some(paths.schema.as_path())
    } else {
        paths.schema.parent()
    };
    let config_dir = paths.config.as_deref().and_then(Path::parent);
    for dir in [schema_dir, config_dir].into_iter().flatten() {
        roots.insert(dir.to_owned(), RecursiveMode::NonRecursive);
    }
    if let Some(templates) = &paths.templates {
        roots.insert(templates.clone(), RecursiveMode::Recursive);
    }
    roots
}

/// Brings the watched directories in line with `paths`.
fn watch_roots(
    debouncer: &mut notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    watched: &mut BTreeMap<PathBuf, RecursiveMode>,
    paths: &Paths,
) -> Result<(), Failure> {
    let wanted = roots(paths);
    for (dir, mode) in watched.iter() {
        if wanted.get(dir) != Some(mode) {
            let _ = debouncer.unwatch(dir);
        }
    }
    for (dir, mode) in &wanted {
        if watched.get(dir) != Some(mode) {
            debouncer
                .watch(dir, *mode)
                .map_err(|e| Failure::internal(format!("cannot watch {}: {e}", dir.display())))?;
        }
    }
    *watched = wanted;
    Ok(())
}

fn describe(paths: &Paths) -> String {
    let mut inputs = vec![relative(&paths.schema).display().to_string()];
    inputs.extend(
        paths
            .config
            .iter()
            .map(|path| relative(path).display().to_string()),
    );
    inputs.extend(
        paths
            .templates
            .iter()
            .map(|dir| format!("{}/", relative(dir).display())),
    );
    format!("{} (Ctrl-C stops)", inputs.join(", "))
}

/// Sends [`Message::Interrupted`] on Ctrl-C. The handler is in place when this returns.
fn listen_for_interrupt(sender: mpsc::Sender<Message>) -> Result<(), Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::io("cannot start the signal listener", e))?;
    let interrupted = {
        let _entered = runtime.enter();
        on_interrupt().map_err(|e| Failure::io("cannot listen for Ctrl-C", e))?
    };
    std::thread::spawn(move || {
        runtime.block_on(interrupted);
        let _ = sender.send(Message::Interrupted);
    });
    Ok(())
}
