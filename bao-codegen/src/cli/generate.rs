//! `bao codegen` and `bao check`, and the paths every generating command resolves.

use super::Failure;
use super::config::{self, Config};
use super::shell::Shell;
use bao_codegen::{Builder, CheckReport, WriteSummary};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where the schema is and where the generated code goes. Flags win over bao.toml.
#[derive(Debug, Clone, Default, Args)]
pub struct GenerateArgs {
    /// models.yaml, or a directory of *.yaml files [default: bao.toml's codegen.schema].
    #[arg(long, value_name = "PATH")]
    pub schema: Option<PathBuf>,
    /// The directory the modules are generated into [default: bao.toml's codegen.out].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A directory of templates overriding the built-in ones [default: bao.toml's
    /// codegen.templates].
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Run the generated code through prettyplease. The built-in templates print final code;
    /// this is for hand-written templates.
    #[arg(long)]
    pub format: bool,
}

/// `bao codegen`'s arguments.
#[derive(Debug, Clone, Default, Args)]
pub struct CodegenArgs {
    /// Where the schema is and where the modules go.
    #[command(flatten)]
    pub paths: GenerateArgs,
    /// Also print how long loading and validating, emitting and writing took.
    #[arg(long)]
    pub timings: bool,
    /// Record changes that affect stored items (see `bao check`) in bao.lock instead of
    /// refusing them: once they are migrated, or when the table holds no such items.
    #[arg(long)]
    pub accept_breaking: bool,
    /// Also write the custom-field files a Node DynamoBao service needs to load the schema's
    /// ObjectFields and ListFields into DIR (its `paths.fieldsDir`).
    #[arg(long, value_name = "DIR")]
    pub dynamo_bao_fields: Option<PathBuf>,
}

/// `bao check`'s arguments.
#[derive(Debug, Clone, Default, Args)]
pub struct CheckArgs {
    /// Where the schema is and where the modules are.
    #[command(flatten)]
    pub paths: GenerateArgs,
    /// Also refuse every bao extension a Node DynamoBao service writing the table ignores, as
    /// `bao: {compatibility: dynamo-bao}` does.
    #[arg(long)]
    pub dynamo_bao: bool,
}

/// Resolved inputs and output of code generation, all absolute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The schema file or directory.
    pub schema: PathBuf,
    /// The output directory.
    pub out: PathBuf,
    /// The template override directory.
    pub templates: Option<PathBuf>,
    /// The bao.toml in effect.
    pub config: Option<PathBuf>,
    /// The lock file beside the schema.
    pub lock: PathBuf,
    /// Format the output with prettyplease.
    pub format: bool,
}

impl Paths {
    /// Resolves the flags (relative to `cwd`) over `config` (relative to its file).
    pub fn resolve(
        args: &GenerateArgs,
        config: Option<&Config>,
        cwd: &Path,
    ) -> Result<Paths, Failure> {
        let pick = |flag: &Option<PathBuf>, configured: Option<&PathBuf>, what: &str| {
            flag.as_ref()
                .map(|path| cwd.join(path))
                .or_else(|| configured.map(|path| cwd.join(path)))
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "no {what}: pass --{what}, or run where a {} exists (`bao init` writes one)",
                        config::FILE_NAME
                    ))
                })
        };
        let schema = pick(&args.schema, config.map(|c| &c.codegen.schema), "schema")?;
        Ok(Paths {
            lock: bao_codegen::lock::path_for(&schema),
            schema,
            out: pick(&args.out, config.map(|c| &c.codegen.out), "out")?,
            templates: args
                .templates
                .as_ref()
                .map(|dir| cwd.join(dir))
                .or_else(|| {
                    config
                        .and_then(|c| c.codegen.templates.as_ref())
                        .map(|dir| cwd.join(dir))
                }),
            config: config.map(|c| cwd.join(&c.path)),
            format: args.format,
        })
    }

    /// Resolves the paths from the flags and the bao.toml found from the current directory.
    pub fn discover(args: &GenerateArgs) -> Result<Paths, Failure> {
        let cwd = current_dir()?;
        let config = Config::discover(&cwd)?;
        Paths::resolve(args, config.as_ref(), &cwd)
    }

    /// A builder for these paths (relative to the current directory where possible, so
    /// diagnostics show short paths).
    pub fn builder(&self) -> Builder {
        let mut builder = Builder::new(relative(&self.schema));
        builder.out_dir(relative(&self.out));
        if let Some(templates) = &self.templates {
            builder.templates_dir(relative(templates));
        }
        builder.format(self.format);
        builder.lock_file(relative(&self.lock));
        builder
    }
}

/// The current directory.
pub fn current_dir() -> Result<PathBuf, Failure> {
    std::env::current_dir().map_err(|e| Failure::io("cannot read the current directory", e))
}

/// `path` relative to the current directory when it is inside it.
pub fn relative(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_owned))
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_owned())
}

/// Runs `bao codegen`.
pub fn run_codegen(shell: &Shell, args: &CodegenArgs) -> Result<(), Failure> {
    let paths = Paths::discover(&args.paths)?;
    let mut builder = paths.builder();
    builder.accept_breaking(args.accept_breaking);
    if let Some(dir) = &args.dynamo_bao_fields {
        builder.dynamo_bao_fields(dir);
    }
    let summary = generate(shell, &builder, &paths.out)?;
    if args.timings {
        let ms = |duration: Duration| duration.as_secs_f64() * 1000.0;
        let timings = summary.timings;
        shell.status(
            "Timings",
            format!(
                "load+validate {:.1} ms, emit {:.1} ms, write {:.1} ms",
                ms(timings.load_and_validate),
                ms(timings.emit),
                ms(timings.write)
            ),
        );
    }
    Ok(())
}

/// Generates into `out` once and prints one status line (or the diagnostics); the summary on
/// success.
pub fn generate(shell: &Shell, builder: &Builder, out: &Path) -> Result<WriteSummary, Failure> {
    let started = Instant::now();
    let summary = builder
        .write_to(out)
        .map_err(|error| codegen_failure(shell, error))?;
    if !summary.warnings.is_empty() {
        shell.warnings(&summary.warnings.render(shell.color()));
    }
    let mut changes = vec![format!("{} changed", count(summary.changed, "file"))];
    if summary.removed > 0 {
        changes.push(format!("{} removed", count(summary.removed, "file")));
    }
    if summary.lock_updated {
        changes.push(format!("{} updated", bao_codegen::lock::FILE_NAME));
    }
    shell.status(
        "Generated",
        format!(
            "{} ({}) in {} ms",
            count(summary.models, "model"),
            changes.join(", "),
            started.elapsed().as_millis()
        ),
    );
    Ok(summary)
}

/// Runs `bao check`.
pub fn run_check(shell: &Shell, args: &CheckArgs) -> Result<(), Failure> {
    let paths = Paths::discover(&args.paths)?;
    let mut builder = paths.builder();
    builder.refuse_node_extensions(args.dynamo_bao);
    let report: CheckReport = builder
        .check(&paths.out)
        .map_err(|error| codegen_failure(shell, error))?;
    if report.is_fresh() {
        shell.status(
            "Checked",
            format!(
                "{} is up to date with {}",
                relative(&paths.out).display(),
                relative(&paths.schema).display()
            ),
        );
        return Ok(());
    }
    let listed = [
        ("stale", &report.stale),
        ("missing", &report.missing),
        ("extra", &report.extra),
    ];
    let total: usize = listed.iter().map(|(_, files)| files.len()).sum();
    let mut message = format!(
        "{total} generated {} out of date with {}",
        if total == 1 { "file is" } else { "files are" },
        relative(&paths.schema).display()
    );
    for (kind, files) in listed {
        for file in files.iter() {
            message.push_str(&format!("\n  {kind:<8} {}", relative(file).display()));
        }
    }
    Err(Failure::user(message).with_help("run `bao codegen` to regenerate them"))
}

/// Prints the diagnostics of an invalid schema and turns the error into an exit code.
pub fn codegen_failure(shell: &Shell, error: bao_codegen::Error) -> Failure {
    match error {
        bao_codegen::Error::Invalid(diagnostics) => {
            shell.raw(&diagnostics.render(shell.color()));
            Failure::user(format!(
                "{}; nothing was written",
                bao_codegen::Error::Invalid(diagnostics)
            ))
        }
        other => Failure::internal(super::error_chain(&other)),
    }
}

/// "1 model", "3 models".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
