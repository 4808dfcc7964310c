//! The one front door: the CLI, `build.rs` and tests all configure a [`Builder`].

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::emit::{self, EmitError, Layout, RenderCache};
use crate::lock::{self, Lock};
use crate::output::{self, CheckReport, GeneratedFiles, LockFile, Staging, Timings, WriteSummary};
use crate::{dynamo_bao_fields, validate};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Why code could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The schema has errors; every one is in the diagnostics. Nothing was written.
    #[error("{} in the schema", plural(.0.error_count(), "error"))]
    Invalid(Diagnostics),
    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A template failed or produced invalid Rust.
    #[error(transparent)]
    Emit(#[from] EmitError),
    /// The environment is unusable (e.g. no `OUT_DIR` for [`Builder::compile`]).
    #[error("{0}")]
    Internal(String),
}

fn plural(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        _ => format!("{count} {noun}s"),
    }
}

/// Configures and runs code generation, in the style of `prost-build`.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     bao_codegen::Builder::new("models.yaml").compile()?;
///     Ok(())
/// }
/// // src/lib.rs: pub mod models { include!(concat!(env!("OUT_DIR"), "/bao_models.rs")); }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    schema: PathBuf,
    out_dir: Option<PathBuf>,
    templates_dir: Option<PathBuf>,
    emit_rerun_if_changed: bool,
    format: bool,
    render_cache: Option<Arc<RenderCache>>,
    lock_file: Option<PathBuf>,
    accept_breaking: bool,
    refuse_node_extensions: bool,
    dynamo_bao_fields: Option<PathBuf>,
}

impl Builder {
    /// A builder for the schema at `schema`: a `models.yaml` file or a directory of YAML files.
    pub fn new(schema: impl Into<PathBuf>) -> Builder {
        Builder {
            schema: schema.into(),
            out_dir: None,
            templates_dir: None,
            emit_rerun_if_changed: std::env::var_os("CARGO").is_some(),
            format: false,
            render_cache: None,
            lock_file: None,
            accept_breaking: false,
            refuse_node_extensions: false,
            dynamo_bao_fields: None,
        }
    }

    /// Where [`compile`](Self::compile) writes (default: `OUT_DIR`).
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Overrides the embedded templates with the files of the same name in `dir`.
    pub fn templates_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.templates_dir = Some(dir.into());
        self
    }

    /// Whether [`compile`](Self::compile) prints `cargo:rerun-if-changed` lines (default: when
    /// run by Cargo).
    pub fn emit_rerun_if_changed(&mut self, emit: bool) -> &mut Self {
        self.emit_rerun_if_changed = emit;
        self
    }

    /// Whether to run the output through prettyplease (default: no). The built-in templates
    /// print final code; this is for hand-written ones given with
    /// [`templates_dir`](Self::templates_dir).
    pub fn format(&mut self, format: bool) -> &mut Self {
        self.format = format;
        self
    }

    /// Reuses the modules of earlier runs that share `cache` where a model is unchanged (see
    /// [`RenderCache`]).
    pub fn render_cache(&mut self, cache: Arc<RenderCache>) -> &mut Self {
        self.render_cache = Some(cache);
        self
    }

    /// Keeps the stored layout of every model in `path` (`bao.lock`, see [`crate::lock`]): a
    /// schema that changes it in a way that affects stored items is refused with a diagnostic
    /// per change (unless [`accept_breaking`](Self::accept_breaking)); writing (`write_to` and
    /// `compile`) updates the file and [`check`](Self::check) reports it stale. Default: no lock.
    pub fn lock_file(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.lock_file = Some(path.into());
        self
    }

    /// Records changes that affect stored items in the lock instead of refusing them; they
    /// are reported as warnings (default: no).
    pub fn accept_breaking(&mut self, accept: bool) -> &mut Self {
        self.accept_breaking = accept;
        self
    }

    /// Refuses, as `bao: {compatibility: dynamo-bao}` does, every extension a Node DynamoBao
    /// service writing the table ignores (`bao check --dynamo-bao`; default: no).
    pub fn refuse_node_extensions(&mut self, refuse: bool) -> &mut Self {
        self.refuse_node_extensions = refuse;
        self
    }

    /// Also writes into `dir` the custom-field files a Node DynamoBao service needs to load
    /// the schema's ObjectFields and ListFields (its `paths.fieldsDir`), and refuses what
    /// DynamoBao's codegen cannot load even with them (`items` written as a mapping).
    pub fn dynamo_bao_fields(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.dynamo_bao_fields = Some(dir.into());
        self
    }

    /// Generates `mod.rs` plus one module per model, in memory.
    pub fn generate(&self) -> Result<GeneratedFiles, Error> {
        self.generate_as(Layout::Files, None)
    }

    /// Writes the generated modules into `dir`: only changed files; stale bao files are removed.
    /// Nothing is written when the schema has errors.
    pub fn write_to(&self, dir: &Path) -> Result<WriteSummary, Error> {
        // Each module is written as soon as it renders, beside the others still rendering;
        // a failure on the way removes what was written.
        let staging = Staging::new(dir);
        let summary = self
            .generate_as(Layout::Files, Some(&staging))
            .and_then(|generated| {
                staging.commit(&generated).map_err(|source| Error::Io {
                    path: dir.to_owned(),
                    source,
                })
            })
            .inspect_err(|_| staging.abandon())?;
        self.write_dynamo_bao_fields()?;
        Ok(summary)
    }

    fn write_dynamo_bao_fields(&self) -> Result<(), Error> {
        match &self.dynamo_bao_fields {
            Some(dir) => dynamo_bao_fields::write(dir).map_err(|source| Error::Io {
                path: dir.clone(),
                source,
            }),
            None => Ok(()),
        }
    }

    /// Compares `dir` with what the schema generates, writing nothing.
    pub fn check(&self, dir: &Path) -> Result<CheckReport, Error> {
        let generated = self.generate()?;
        output::check(&generated, dir).map_err(|source| Error::Io {
            path: dir.to_owned(),
            source,
        })
    }

    /// For `build.rs`: writes `bao_models.rs` (inline modules, for `include!`) into the output
    /// directory when its bytes change, and tells Cargo to rerun when any input changes.
    pub fn compile(&self) -> Result<(), Error> {
        let dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Internal(
                        "OUT_DIR is not set: call compile() from build.rs or set out_dir".into(),
                    )
                })?,
        };
        let generated = self.generate_as(Layout::Single, None);
        if self.emit_rerun_if_changed {
            self.print_rerun_lines(generated.as_ref().ok());
        }
        let generated = generated?;
        let path = dir.join(emit::SINGLE_FILE);
        let contents = &generated.files[emit::SINGLE_FILE];
        output::write_if_changed(&path, contents).map_err(|source| Error::Io { path, source })?;
        if let Some(lock) = &generated.lock {
            output::write_if_changed(&lock.path, &lock.text).map_err(|source| Error::Io {
                path: lock.path.clone(),
                source,
            })?;
        }
        self.write_dynamo_bao_fields()
    }

    fn print_rerun_lines(&self, generated: Option<&GeneratedFiles>) {
        let mut inputs = vec![self.schema.clone()];
        if let Some(generated) = generated {
            inputs.extend(generated.inputs.iter().cloned());
        }
        if let Some(dir) = &self.templates_dir {
            inputs.extend(emit::template_names().map(|name| dir.join(name)));
        }
        inputs.sort();
        inputs.dedup();
        for input in inputs {
            #[allow(clippy::print_stdout, reason = "build scripts talk to Cargo on stdout")]
            {
                println!("cargo:rerun-if-changed={}", input.display());
            }
        }
    }

    /// Generates the files; `staging`, when given, receives each model's file as soon as it
    /// is rendered.
    fn generate_as(
        &self,
        layout: Layout,
        staging: Option<&Staging>,
    ) -> Result<GeneratedFiles, Error> {
        let started = Instant::now();
        // The previous lock is read and parsed on another thread: the YAML parse that starts
        // validation is serial and leaves a core idle.
        let (loaded, previous_lock) = std::thread::scope(|scope| {
            let previous =
                (self.lock_file.as_deref()).map(|path| scope.spawn(move || read_lock(path)));
            let loaded = validate::load_and_validate(&self.schema);
            (loaded, previous.map(join))
        });
        let loaded = loaded.map_err(Error::Invalid)?;
        let mut refused = Vec::new();
        if self.refuse_node_extensions {
            refused.extend(validate::dynamo_bao_errors(&loaded));
        } else if self.dynamo_bao_fields.is_some() {
            refused.extend(validate::dynamo_bao_fields_errors(&loaded));
        }
        if !refused.is_empty() {
            return Err(Error::Invalid(Diagnostics::new(refused)));
        }
        let validated = Instant::now();
        let schema_name = self.schema.file_name().map_or_else(
            || self.schema.display().to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
        let options = emit::Options {
            templates_dir: self.templates_dir.as_deref(),
            format: self.format,
            cache: self.render_cache.as_deref(),
        };
        let previous_lock = previous_lock.transpose()?.flatten();
        // The lock is compared and rendered beside the modules rather than before them. A
        // breaking change is reported once they are rendered; `write_to` then removes what it
        // wrote of them.
        let (files, lock) = std::thread::scope(|scope| {
            let lock = (self.lock_file.as_ref())
                .map(|path| scope.spawn(|| self.lock(path, previous_lock.as_ref(), &loaded)));
            let stage = staging
                .map(|staging| move |name: &str, contents: &str| staging.stage(name, contents));
            let sink = stage.as_ref().map(|stage| stage as emit::FileSink<'_>);
            let files = emit::render(&loaded.schema, &schema_name, options, layout, sink);
            (files, lock.map(join))
        });
        let mut warnings = loaded.warnings.clone();
        let lock = match lock.transpose() {
            Ok(lock) => lock.map(|(file, changes)| {
                warnings.extend(changes);
                file
            }),
            Err(LockRefused(changes)) => {
                let mut all = changes;
                all.extend(warnings);
                return Err(Error::Invalid(Diagnostics::new(all)));
            }
        };
        let timings = Timings {
            load_and_validate: validated - started,
            emit: validated.elapsed(),
            write: Duration::ZERO,
        };
        Ok(GeneratedFiles {
            files: files?,
            models: loaded.schema.models.len(),
            inputs: loaded.inputs,
            warnings: Diagnostics::new(warnings),
            lock,
            timings,
        })
    }

    /// The lock of the validated schema for `path`, and the changes from the `previous` lock:
    /// changes that affect stored items are errors (warnings when accepted).
    fn lock(
        &self,
        path: &Path,
        previous: Option<&Lock>,
        validated: &validate::Validated,
    ) -> Result<(LockFile, Vec<Diagnostic>), LockRefused> {
        let now = Lock::of(&validated.schema);
        let changes = previous.map_or_else(Vec::new, |previous| {
            lock::compare_with(previous, &now, validated, self.accept_breaking)
        });
        if changes.iter().any(Diagnostic::is_error) {
            return Err(LockRefused(changes));
        }
        let file = LockFile {
            path: path.to_owned(),
            text: now.render(),
        };
        Ok((file, changes))
    }
}

/// Changes from the lock that affect stored items and were not accepted.
struct LockRefused(Vec<Diagnostic>);

/// The lock at `path`, or `None` when there is none yet.
fn read_lock(path: &Path) -> Result<Option<Lock>, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let name = path.display().to_string();
            Lock::parse(&name, &text).map(Some).map_err(Error::Invalid)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The result of a helper thread; a panic in it continues in the caller.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Generates `bao_models.rs` into `OUT_DIR` from `schema`: the build.rs shortcut.
pub fn compile(schema: impl Into<PathBuf>) -> Result<(), Error> {
    Builder::new(schema).compile()
}
