//! `bao init`: bao.toml, a starter models.yaml, the output folder, and the table.
//!
//! It never creates anything in an AWS account unless asked: with no endpoint and no AWS
//! credentials the project is set up for `bao local`; a table in AWS is created only with
//! `--create-table` or a yes on a terminal. It always ends with the next steps.

use super::config::{self, Config, TableConfig};
use super::shell::Shell;
use super::table::{self, TableArgs};
use super::{Failure, block_on};
use bao_runtime::config::{self as runtime_config, Connection};
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
    #[arg(long, conflicts_with = "create_table")]
    no_table: bool,
    /// Create the table even in an AWS account (without it, `bao init` asks on a terminal and
    /// otherwise creates tables only on a local endpoint).
    #[arg(long)]
    create_table: bool,
}

/// The endpoint `bao local` serves by default.
const LOCAL_ENDPOINT: &str = "http://127.0.0.1:8000";

/// Runs `bao init`.
pub fn run(shell: &Shell, args: InitArgs) -> Result<(), Failure> {
    create_dir(shell, &args.dir)?;
    let config = write_config(shell, &args)?;
    write_starter_models(shell, &config.codegen.schema, args.force)?;
    create_dir(shell, &config.codegen.out)?;
    let connection = table::connection(&TableArgs::default(), Some(&config))?;
    let table_ready = match args.no_table {
        true => false,
        false => create_table(shell, &args, &config, &connection)?,
    };
    print_next_steps(shell, &args.dir, &connection, table_ready);
    Ok(())
}

/// Creates the table where that cannot surprise: on a local endpoint, or in AWS when asked.
/// Returns whether the table is ready.
fn create_table(
    shell: &Shell,
    args: &InitArgs,
    config: &Config,
    connection: &Connection,
) -> Result<bool, Failure> {
    let asked = args.create_table
        || (!connection.is_local()
            && confirm(&format!(
                "Create table `{}` in your AWS account{}?",
                connection.table,
                connection
                    .region
                    .as_deref()
                    .map(|region| format!(" ({region})"))
                    .unwrap_or_default()
            ))?);
    if !connection.is_local() && !asked {
        shell.status(
            "Skipped",
            format!(
                "the table: `{}` would be created in your AWS account (`bao table create` \
                 creates it)",
                connection.table
            ),
        );
        return Ok(false);
    }
    let created = block_on(async {
        let client = connection.client().await;
        table::create(
            &client,
            &connection.table,
            table::features(shell, Some(config)),
        )
        .await
    });
    match created {
        Ok(report) => {
            table::print_report(shell, &report);
            Ok(true)
        }
        // A local server that is not running yet is the usual first step, not an error; a
        // table of the wrong shape is.
        Err(failure) if !args.create_table && !failure.is_user_error() => {
            shell.warn(format!(
                "the table is not created yet at {}: {failure}",
                connection.endpoint.as_deref().unwrap_or("the endpoint")
            ));
            Ok(false)
        }
        Err(failure) => Err(failure.with_help(
            "the files are written; run `bao table create` once DynamoDB is reachable, or \
             `bao init --no-table` to skip the table",
        )),
    }
}

/// What to run next, in order, for the project in `dir`.
fn print_next_steps(shell: &Shell, dir: &Path, connection: &Connection, table_ready: bool) {
    let mut steps = Vec::new();
    if dir != Path::new(".") {
        steps.push(format!("cd {}", dir.display()));
    }
    if connection.is_local() {
        steps.push(
            "bao local                  # in another terminal: DynamoDB on this machine".to_owned(),
        );
    }
    if !table_ready {
        steps.push("bao table create           # the table, in DynamoBao's layout".to_owned());
    }
    steps
        .push("bao codegen                # models.yaml -> src/models (or `bao watch`)".to_owned());
    let cargo_toml = dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&cargo_toml).unwrap_or_default();
    if !cargo_toml.is_file() {
        steps.push("cargo init                 # a Rust project around it".to_owned());
    }
    if !manifest.contains("bao-runtime") {
        steps.push(add_runtime());
    }
    if !manifest.contains("tokio") {
        steps.push("cargo add tokio --features macros,rt-multi-thread".to_owned());
    }
    let mut text = String::from("\nNext steps:\n");
    for step in steps {
        text.push_str(&format!("  {step}\n"));
    }
    text.push_str(
        "\nThen declare the models in src/main.rs and connect as bao.toml says:\n\n  \
         #[rustfmt::skip]\n  mod models;\n\n  \
         use bao_runtime::{Db, Model};\n  \
         let db = Db::from_env().await?;\n",
    );
    shell.note(&text);
}

/// The `cargo add` line for the runtime: from the clone this `bao` was installed from, when it
/// was (`cargo install --path`), else from the registry.
fn add_runtime() -> String {
    let clone_runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../bao-runtime");
    match std::fs::canonicalize(&clone_runtime) {
        Ok(path) if path.join("Cargo.toml").is_file() => {
            format!("cargo add bao-runtime --path {}", path.display())
        }
        _ => "cargo add bao-runtime".to_owned(),
    }
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
    let endpoint = args.endpoint.clone().or_else(|| {
        let local = runtime_config::env_var("AWS_ENDPOINT_URL_DYNAMODB").is_none()
            && runtime_config::env_var("AWS_ENDPOINT_URL").is_none()
            && !has_aws_credentials();
        local.then(|| {
            shell.status(
                "Local",
                format!(
                    "no AWS credentials found: bao.toml points at `bao local` ({LOCAL_ENDPOINT})"
                ),
            );
            LOCAL_ENDPOINT.to_owned()
        })
    });
    let text = config::render_new(&TableConfig {
        name: table,
        region,
        endpoint,
        iteration_index: None,
    });
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

/// Whether aws-config could find credentials: in the environment, or in a shared config or
/// credentials file (a profile, SSO). Without any, a new project is set up for `bao local`.
fn has_aws_credentials() -> bool {
    if [
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ]
    .into_iter()
    .any(|name| runtime_config::env_var(name).is_some())
    {
        return true;
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let file = |env: &str, default: &str| {
        runtime_config::env_var(env)
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|home| home.join(".aws").join(default)))
    };
    [
        file("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        file("AWS_CONFIG_FILE", "config"),
    ]
    .into_iter()
    .flatten()
    .any(|path| path.is_file())
}

/// `path` without a leading `./`.
fn shown(path: &Path) -> &Path {
    path.strip_prefix(".").unwrap_or(path)
}

/// Asks a yes/no question on a terminal, no by default; never asks (no) when stdin is not a
/// terminal.
fn confirm(question: &str) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    let answer = ask(&format!("{question} (y/N)"), "n")?;
    Ok(matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes"))
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
