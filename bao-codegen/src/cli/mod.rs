//! The `bao` command line: argument parsing, exit codes, and one module per command.

mod config;
mod describe;
mod generate;
mod init;
mod json_schema;
mod local;
mod migrate;
mod shell;
mod table;
mod watch;

use clap::{Parser, Subcommand};
use shell::{ColorChoice, Shell};
use std::fmt;
use std::process::ExitCode;

const EXIT_STATUS: &str = "\
Exit status:
  0  success
  1  invalid models, stale generated files, a table of the wrong shape, or items a
     migration could not migrate
  2  usage, I/O, network or internal error
  130  a migration stopped by Ctrl-C (run it again to resume)";

/// Typed Rust models for DynamoDB, generated from a DynamoBao models.yaml.
#[derive(Debug, Parser)]
#[command(name = "bao", version, after_help = EXIT_STATUS)]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,

    /// When to colour the output (`auto` honours NO_COLOR).
    #[arg(long, value_name = "WHEN", value_enum, global = true, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create bao.toml, a starter models.yaml, the output folder and the DynamoDB table.
    #[command(after_help = EXIT_STATUS)]
    Init(init::InitArgs),
    /// Generate the model modules from the schema (only changed files are written).
    #[command(after_help = EXIT_STATUS)]
    Codegen(generate::CodegenArgs),
    /// Regenerate whenever the schema, bao.toml or the templates change, until Ctrl-C.
    Watch(generate::GenerateArgs),
    /// Check that the generated modules match the schema; exit 1 listing the stale files.
    #[command(after_help = EXIT_STATUS)]
    Check(generate::CheckArgs),
    /// Create, update or describe the DynamoDB table.
    #[command(subcommand)]
    Table(table::TableCommand),
    /// Serve an in-process DynamoDB on 127.0.0.1 for development, until Ctrl-C.
    Local(local::LocalArgs),
    /// Describe the single-table design: each model's stored items and access patterns, the
    /// indexes, and a diagram of the relations.
    Describe(describe::DescribeArgs),
    /// Print a JSON Schema of models.yaml on stdout, for editor completion and checks.
    Schema,
    /// Rewrite the index, iteration and search attributes of every item of a model from its
    /// fields (after an index, `iterable` or `searchable` was added or changed); resumable.
    Reindex(migrate::ReindexArgs),
    /// Create the unique-constraint items of a constraint added to a model with data, listing
    /// the values several items share; resumable.
    BackfillUnique(migrate::BackfillArgs),
    /// Rewrite `_searchText` wherever it is not what a searchable model's fields give (after
    /// adding `searchable`, changing its options, or a stale writer); resumable.
    RebuildSearchText(migrate::RebuildArgs),
}

/// Parses the arguments, runs the command and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let shell = Shell::new(cli.quiet, cli.color);
    let outcome = match cli.command {
        Command::Init(args) => init::run(&shell, args),
        Command::Codegen(args) => generate::run_codegen(&shell, &args),
        Command::Watch(args) => watch::run(&shell, &args),
        Command::Check(args) => generate::run_check(&shell, &args),
        Command::Table(command) => table::run(&shell, command),
        Command::Describe(args) => describe::run(&shell, args),
        Command::Local(args) => local::run(&shell, args),
        Command::Schema => json_schema::run(),
        Command::Reindex(args) => migrate::run_reindex(&shell, args),
        Command::BackfillUnique(args) => migrate::run_backfill(&shell, args),
        Command::RebuildSearchText(args) => migrate::run_rebuild(&shell, args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            shell.error(&failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Why a command failed: a message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// The user's input is wrong (exit 1).
    pub fn user(message: impl Into<String>) -> Self {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    /// The command line is incomplete or a flag's value is malformed (exit 2, as clap's own
    /// usage errors).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// Stopped by Ctrl-C (exit 130, as a shell reports SIGINT).
    pub fn interrupted(message: impl Into<String>) -> Self {
        Failure {
            code: 130,
            message: message.into(),
        }
    }

    /// Something outside the user's input failed (exit 2).
    pub fn internal(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }

    /// An I/O error with what was being done (exit 2).
    pub fn io(context: impl fmt::Display, error: std::io::Error) -> Self {
        Failure::internal(format!("{context}: {error}"))
    }

    /// A runtime error: a table of the wrong shape is the user's to fix (exit 1), anything
    /// else (network, credentials, DynamoDB) exits 2.
    pub fn runtime(error: &bao_runtime::Error) -> Self {
        let message = error_chain(error);
        match error {
            bao_runtime::Error::Table { .. } => Failure::user(message),
            _ => Failure::internal(message),
        }
    }

    /// Whether the user's input is wrong (exit 1), not the network or the machine.
    pub fn is_user_error(&self) -> bool {
        self.code == 1
    }

    /// Adds a hint on the next line.
    pub fn with_help(mut self, help: impl fmt::Display) -> Self {
        self.message = format!("{}\n  help: {help}", self.message);
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An error and its sources, joined by `: ` (each source once).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        source = cause.source();
    }
    message
}

/// Registers for Ctrl-C now, so an early one is not lost, and returns a future that completes
/// on it. Must be called inside a Tokio runtime.
fn on_interrupt() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        Ok(async move {
            signal.recv().await;
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// Runs `future` to completion on a fresh Tokio runtime.
fn block_on<T>(future: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::io("cannot start the async runtime", e))?
        .block_on(future)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
