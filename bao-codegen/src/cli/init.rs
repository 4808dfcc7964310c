//! `bao init`: bao.toml, a starter models.yaml, the output folder, and the table.

use super::config::{self, Config, NewConfig};
use super::shell::Shell;
use super::table::{self, TableArgs};
use super::{Failure, block_on};
use clap::Args;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The commented starter schema: DynamoBao's README User / Post models.
const STARTER_MODELS: &str = include_str!("starter_models.yaml");

/// Arguments of `bao init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory; created if missing.
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// The table name [default: asked on a terminal, else dynamo-bao-dev].
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    /// The AWS region to write to bao.toml [default: AWS_REGION, else left to the AWS chain].
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// A DynamoDB endpoint to write to bao.toml, e.g. http://127.0.0.1:8000 for `bao local`.
    #[arg(long, value_name = "URL")]
    endpoint: Option<String>,
    /// Overwrite bao.toml and models.yaml when they exist.
    #[arg(long)]
    force: bool,
    /// Write the files only; do not create the table.
    #[arg(long)]
    no_table: bool,
}

/// Runs `bao init`.
pub fn run(shell: &Shell, args: InitArgs) -> Result<(), Failure> {
    create_dir(shell, &args.dir)?;
    let config = write_config(shell, &args)?;
    write_starter_models(shell, &config.codegen.schema, args.force)?;
    create_dir(shell, &config.codegen.out)?;
    if args.no_table {
        return Ok(());
    }
    let connection = table::connection(&TableArgs::default(), Some(&config))?;
    block_on(async {
        let client = connection.client().await;
        let report = table::create(&client, &connection.table)
            .await
            .map_err(|failure| {
                failure.with_help(
                    "the files are written; run `bao table create` once DynamoDB is reachable, \
                 or `bao init --no-table` to skip the table",
                )
            })?;
        table::print_report(shell, &report);
        Ok(())
    })
}

/// Writes bao.toml unless it exists (and `--force` is not given); returns the config in effect.
fn write_config(shell: &Shell, args: &InitArgs) -> Result<Config, Failure> {
    let path = args.dir.join(config::FILE_NAME);
    if path.exists() && !args.force {
        let existing = Config::load(&path)?;
        shell.status(
            "Keeping",
            format!("{} (exists; --force overwrites it)", shown(&path).display()),
        );
        let ignored: Vec<&str> = [
            ("--table", args.table.is_some()),
            ("--region", args.region.is_some()),
            ("--endpoint", args.endpoint.is_some()),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect();
        if !ignored.is_empty() {
            shell.warn(format!(
                "{} ignored: {} is kept as it is (--force rewrites it)",
                ignored.join(", "),
                shown(&path).display()
            ));
        }
        return Ok(existing);
    }
    let table = match &args.table {
        Some(table) => table.clone(),
        None => ask("Table name", config::DEFAULT_TABLE)?,
    };
    config::check_table_name(&table).map_err(|m| Failure::usage(format!("--table: {m}")))?;
    if let Some(endpoint) = &args.endpoint {
        config::check_endpoint(endpoint).map_err(|m| Failure::usage(format!("--endpoint: {m}")))?;
    }
    let region = args.region.clone().or_else(|| {
        ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .into_iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    });
    let text = NewConfig {
        table,
        region,
        endpoint: args.endpoint.clone(),
    }
    .render();
    write_file(shell, &path, &text)?;
    Config::parse(&path, &text)
}

fn write_starter_models(shell: &Shell, path: &Path, force: bool) -> Result<(), Failure> {
    if path.exists() && !force {
        shell.status(
            "Keeping",
            format!("{} (exists; --force overwrites it)", shown(path).display()),
        );
        return Ok(());
    }
    if path.is_dir() {
        shell.status(
            "Keeping",
            format!("{} (a schema directory)", shown(path).display()),
        );
        return Ok(());
    }
    write_file(shell, path, STARTER_MODELS)
}

fn write_file(shell: &Shell, path: &Path, text: &str) -> Result<(), Failure> {
    let verb = if path.exists() {
        "Overwrote"
    } else {
        "Created"
    };
    std::fs::write(path, text)
        .map_err(|e| Failure::io(format!("cannot write {}", path.display()), e))?;
    shell.status(verb, shown(path).display());
    Ok(())
}

fn create_dir(shell: &Shell, dir: &Path) -> Result<(), Failure> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::io(format!("cannot create {}", dir.display()), e))?;
    shell.status("Created", format!("{}/", shown(dir).display()));
    Ok(())
}

/// `path` without a leading `./`.
fn shown(path: &Path) -> &Path {
    path.strip_prefix(".").unwrap_or(path)
}

/// Asks on a terminal, with a default; never asks when stdin is not a terminal.
fn ask(question: &str, default: &str) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Ok(default.to_owned());
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{question} [{default}]: ");
    let _ = stderr.flush();
    let mut answer = String::new();
    stdin
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::io("cannot read the answer", e))?;
    let answer = answer.trim();
    Ok(if answer.is_empty() { default } else { answer }.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_models_are_valid() {
        let loaded = bao_codegen::validate::validate_source("models.yaml", STARTER_MODELS)
            .unwrap_or_else(|diagnostics| panic!("{}", diagnostics.render(false)));
        assert!(loaded.warnings.is_empty());
        assert_eq!(loaded.schema.models.len(), 2);
    }
}
