//! `bao table create|update|describe`, and the DynamoDB client every table command uses.

use super::config::{self, Config};
use super::shell::{Shell, print_stdout};
use super::{Failure, block_on};
use aws_sdk_dynamodb::Client;
use bao_codegen::infra::{self, InfraFormat};
use bao_runtime::config::{self as runtime_config, Connection, Settings};
use bao_runtime::table::{self as runtime_table, TableFeatures, TableReport, TtlChange};
use clap::{Args, Subcommand};

/// Which table, and how to reach it. Flags win over the environment, which wins over bao.toml.
#[derive(Debug, Clone, Default, Args)]
pub struct TableArgs {
    /// The table name [default: BAO_TABLE, then bao.toml's table.name].
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// The AWS region [default: AWS_REGION, then bao.toml's table.region, then us-east-1 for a
    /// local endpoint or the AWS profile].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// The DynamoDB endpoint, e.g. http://127.0.0.1:8000 [default: AWS_ENDPOINT_URL_DYNAMODB,
    /// then bao.toml's table.endpoint, then AWS].
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
}

/// The table commands.
#[derive(Debug, Subcommand)]
pub enum TableCommand {
    /// Create DynamoBao's table (gsi1..gsi5, iter_index, TTL on `ttl`, and iter_search_index
    /// when bao.toml's schema has a searchable model); an existing table of the same shape is
    /// fine.
    Create(TableArgs),
    /// Add missing indexes (one at a time, waiting for each; iter_search_index when bao.toml's
    /// schema has a searchable model) and enable TTL, as DynamoBao's bao-update-table does.
    Update(TableArgs),
    /// Print the table's key, indexes, billing, TTL and item count, and how it differs from
    /// the table bao needs.
    Describe(TableArgs),
    /// Print the table `bao table create` makes as infrastructure as code (CloudFormation,
    /// Terraform, or CreateTable's JSON input), to deploy it with the rest of a stack.
    Export(ExportArgs),
}

/// `bao table export`'s arguments.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Cloudformation)]
    pub format: ExportFormat,
    /// The table name [default: BAO_TABLE, then bao.toml's table.name].
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// The schema whose searchable models decide the search index [default: bao.toml's
    /// codegen.schema].
    #[arg(long, value_name = "PATH")]
    pub schema: Option<std::path::PathBuf>,
}

/// The formats of `bao table export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// An `AWS::DynamoDB::Table` in a CloudFormation template (YAML).
    Cloudformation,
    /// A Terraform `aws_dynamodb_table` resource.
    Terraform,
    /// CreateTable's and UpdateTimeToLive's inputs, as the AWS CLI takes them.
    Json,
}

/// Where the table is and how to reach it: the flags over the environment over bao.toml, in
/// the order [`bao_runtime::config`] gives (the app's `Db::from_env` resolves it the same way).
pub fn connection(args: &TableArgs, config: Option<&Config>) -> Result<Connection, Failure> {
    if let Some(table) = &args.table {
        config::check_table_name(table).map_err(|m| Failure::usage(format!("--table: {m}")))?;
    }
    if let Some(endpoint) = &args.endpoint {
        config::check_endpoint(endpoint).map_err(|m| Failure::usage(format!("--endpoint: {m}")))?;
    }
    let settings = Settings {
        table: args.table.clone(),
        region: args.region.clone(),
        endpoint: args.endpoint.clone(),
    };
    let connection = Connection::resolve(
        &settings,
        config.map(|config| &config.table),
        runtime_config::env_var,
    )
    .ok_or_else(|| {
        Failure::usage(format!(
            "no table name: pass --table NAME, set {}, or run where a {} exists (`bao init` \
             writes one)",
            runtime_config::TABLE_ENV,
            config::FILE_NAME
        ))
    })?;
    config::check_table_name(&connection.table)
        .map_err(|m| Failure::usage(format!("{}: {m}", runtime_config::TABLE_ENV)))?;
    Ok(connection)
}

/// Runs a table command.
pub fn run(shell: &Shell, command: TableCommand) -> Result<(), Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::io("cannot read the current dir", e))?;
    let config = Config::discover(&cwd)?;
    let args = match &command {
        TableCommand::Create(args) | TableCommand::Update(args) | TableCommand::Describe(args) => {
            args
        }
        TableCommand::Export(args) => return export(shell, args, config.as_ref()),
    };
    let connection = connection(args, config.as_ref())?;
    let features = features(shell, config.as_ref());
    block_on(async {
        let client = connection.client().await;
        match command {
            TableCommand::Create(_) => {
                let report = create(&client, &connection.table, features).await?;
                print_report(shell, &report);
            }
            TableCommand::Update(_) => {
                let report = runtime_table::update_table_for(&client, &connection.table, features)
                    .await
                    .map_err(|e| Failure::runtime(&e))?;
                print_report(shell, &report);
            }
            TableCommand::Describe(_) => {
                let shape = runtime_table::describe_table(&client, &connection.table)
                    .await
                    .map_err(|e| Failure::runtime(&e))?;
                let mut text = format!("{shape}\n");
                let differences = shape.differences_for(features);
                if differences.is_empty() {
                    text.push_str("shape:    matches bao's table\n");
                } else {
                    text.push_str("shape:    differs from bao's table\n");
                    for difference in differences {
                        let fix = if difference.is_fixable() {
                            " (`bao table update` fixes this)"
                        } else {
                            ""
                        };
                        text.push_str(&format!("  - {difference}{fix}\n"));
                    }
                }
                print_stdout(&text).map_err(|e| Failure::io("cannot write to stdout", e))?;
            }
            TableCommand::Export(_) => unreachable!("exported above, without a connection"),
        }
        Ok(())
    })
}

/// Prints the table `bao table create` would make, in the format asked; it needs no connection.
fn export(shell: &Shell, args: &ExportArgs, config: Option<&Config>) -> Result<(), Failure> {
    let table = args
        .table
        .clone()
        .or_else(|| runtime_config::env_var(runtime_config::TABLE_ENV))
        .or_else(|| config.map(|config| config.table.name.clone()))
        .ok_or_else(|| {
            Failure::usage("no table name: pass --table, set BAO_TABLE, or write a bao.toml")
        })?;
    config::check_table_name(&table).map_err(|m| Failure::usage(format!("--table: {m}")))?;
    let features = match &args.schema {
        Some(schema) => schema_features(schema)?,
        None => features(shell, config),
    };
    let format = match args.format {
        ExportFormat::Cloudformation => InfraFormat::CloudFormation,
        ExportFormat::Terraform => InfraFormat::Terraform,
        ExportFormat::Json => InfraFormat::Json,
    };
    let shape = runtime_table::created_shape(&table, features);
    print_stdout(&infra::export(&shape, format))
        .map_err(|e| Failure::io("cannot write to stdout", e))
}

/// The features `schema` needs; an invalid schema is an error here, where it was asked for.
fn schema_features(schema: &std::path::Path) -> Result<TableFeatures, Failure> {
    let validated = bao_codegen::validate::load_and_validate(schema).map_err(|diagnostics| {
        Failure::user(format!(
            "{} does not validate:\n{}",
            schema.display(),
            diagnostics.render(false)
        ))
    })?;
    Ok(needs(&validated.schema))
}

/// The features a schema's models need: the search index when one is searchable.
fn needs(schema: &bao_codegen::ir::Schema) -> TableFeatures {
    TableFeatures {
        search: schema.models.iter().any(|model| model.searchable.is_some()),
    }
}

/// Creates the table (see [`runtime_table::create_table_for`]).
pub async fn create(
    client: &Client,
    table: &str,
    features: TableFeatures,
) -> Result<TableReport, Failure> {
    runtime_table::create_table_for(client, table, features)
        .await
        .map_err(|e| Failure::runtime(&e))
}

/// What the table must serve for the schema bao.toml names: the search index when a model is
/// searchable. Without a bao.toml, or with a schema that does not validate (said in a warning),
/// the base table.
pub fn features(shell: &Shell, config: Option<&Config>) -> TableFeatures {
    let Some(config) = config else {
        return TableFeatures::default();
    };
    match bao_codegen::validate::load_and_validate(&config.codegen.schema) {
        Ok(validated) => needs(&validated.schema),
        Err(diagnostics) => {
            shell.warn(format!(
                "{} does not validate ({} errors), so the table gets no search index; `bao \
                 check` shows why, and `bao table update` adds the index later",
                config.codegen.schema.display(),
                diagnostics.error_count()
            ));
            TableFeatures::default()
        }
    }
}

/// Prints what a create or update did as a status line.
pub fn print_report(shell: &Shell, report: &TableReport) {
    if report.ttl == TtlChange::Disabling {
        shell.warn(report);
    } else {
        shell.status("Ready", report);
    }
}
