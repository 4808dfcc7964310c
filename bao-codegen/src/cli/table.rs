//! `bao table create|update|describe`, and the DynamoDB client every table command uses.

use super::config::{self, Config};
use super::shell::{Shell, print_stdout};
use super::{Failure, block_on};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::Credentials;
use bao_runtime::table::{self as runtime_table, TableReport, TtlChange};
use clap::{Args, Subcommand};

/// Which table, and how to reach it. Flags win over bao.toml.
#[derive(Debug, Clone, Default, Args)]
pub struct TableArgs {
    /// The table name [default: bao.toml's table.name].
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,
    /// The AWS region [default: bao.toml's table.region, then the AWS chain: AWS_REGION,
    /// profile].
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
    /// Create DynamoBao's table (gsi1..gsi5, iter_index, TTL on `ttl`); an existing table of
    /// the same shape is fine.
    Create(TableArgs),
    /// Add missing indexes (one at a time, waiting for each) and enable TTL, as DynamoBao's
    /// bao-update-table does.
    Update(TableArgs),
    /// Print the table's key, indexes, billing, TTL and item count, and how it differs from
    /// the table bao needs.
    Describe(TableArgs),
}

/// Where the table is and how to reach it, resolved from flags, environment and bao.toml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Table name.
    pub table: String,
    /// Region to set explicitly.
    pub region: Option<String>,
    /// Endpoint to set explicitly (`None`: the AWS chain decides).
    pub endpoint: Option<String>,
}

impl Connection {
    /// Resolves flags over bao.toml; the environment's endpoint wins over bao.toml's.
    pub fn resolve(args: &TableArgs, config: Option<&Config>) -> Result<Connection, Failure> {
        let table = args
            .table
            .clone()
            .or_else(|| config.map(|c| c.table.name.clone()))
            .ok_or_else(|| {
                Failure::usage(format!(
                    "no table name: pass --table NAME, or run where a {} exists (`bao init` \
                     writes one)",
                    config::FILE_NAME
                ))
            })?;
        config::check_table_name(&table).map_err(|m| Failure::usage(format!("--table: {m}")))?;
        if let Some(endpoint) = &args.endpoint {
            config::check_endpoint(endpoint)
                .map_err(|m| Failure::usage(format!("--endpoint: {m}")))?;
        }
        let endpoint = args.endpoint.clone().or_else(|| {
            if env_endpoint().is_some() {
                None
            } else {
                config.and_then(|c| c.table.endpoint.clone())
            }
        });
        let region = args
            .region
            .clone()
            .or_else(|| config.and_then(|c| c.table.region.clone()));
        Ok(Connection {
            table,
            region,
            endpoint,
        })
    }

    /// A client from aws-config's standard chain with this connection's region and endpoint.
    ///
    /// For an endpoint on this machine (`bao local`, DynamoDB Local), the region defaults to
    /// `us-east-1` and, unless `AWS_ACCESS_KEY_ID` or `AWS_PROFILE` is set, dummy credentials
    /// are used: local servers accept any.
    pub async fn client(&self) -> Client {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        let effective_endpoint = self.endpoint.clone().or_else(env_endpoint);
        let local = effective_endpoint.as_deref().is_some_and(is_loopback);
        if let Some(endpoint) = &self.endpoint {
            loader = loader.endpoint_url(endpoint);
        }
        match &self.region {
            Some(region) => loader = loader.region(aws_config::Region::new(region.clone())),
            None if local && !env_set("AWS_REGION") && !env_set("AWS_DEFAULT_REGION") => {
                loader = loader.region(aws_config::Region::from_static(bao_runtime::local::REGION));
            }
            None => {}
        }
        if local && !env_set("AWS_ACCESS_KEY_ID") && !env_set("AWS_PROFILE") {
            loader = loader.credentials_provider(Credentials::new(
                bao_runtime::local::ACCESS_KEY_ID,
                bao_runtime::local::SECRET_ACCESS_KEY,
                None,
                None,
                "bao-local",
            ));
        }
        Client::new(&loader.load().await)
    }
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|value| !value.is_empty())
}

fn env_endpoint() -> Option<String> {
    ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
}

/// Whether `endpoint` names this machine.
fn is_loopback(endpoint: &str) -> bool {
    let rest = endpoint
        .split_once("://")
        .map_or(endpoint, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(bracketed),
        None => authority.split(':').next().unwrap_or(authority),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Runs a table command.
pub fn run(shell: &Shell, command: TableCommand) -> Result<(), Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::io("cannot read the current dir", e))?;
    let config = Config::discover(&cwd)?;
    let (TableCommand::Create(args) | TableCommand::Update(args) | TableCommand::Describe(args)) =
        &command;
    let connection = Connection::resolve(args, config.as_ref())?;
    block_on(async {
        let client = connection.client().await;
        match command {
            TableCommand::Create(_) => {
                let report = create(&client, &connection.table).await?;
                print_report(shell, &report);
            }
            TableCommand::Update(_) => {
                let report = runtime_table::update_table(&client, &connection.table)
                    .await
                    .map_err(|e| Failure::runtime(&e))?;
                print_report(shell, &report);
            }
            TableCommand::Describe(_) => {
                let shape = runtime_table::describe_table(&client, &connection.table)
                    .await
                    .map_err(|e| Failure::runtime(&e))?;
                let mut text = format!("{shape}\n");
                let differences = shape.differences();
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
        }
        Ok(())
    })
}

/// Creates the table (see [`runtime_table::create_table`]).
pub async fn create(client: &Client, table: &str) -> Result<TableReport, Failure> {
    runtime_table::create_table(client, table)
        .await
        .map_err(|e| Failure::runtime(&e))
}

/// Prints what a create or update did as a status line.
pub fn print_report(shell: &Shell, report: &TableReport) {
    if report.ttl == TtlChange::Disabling {
        shell.warn(report);
    } else {
        shell.status("Ready", report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_endpoints() {
        assert!(is_loopback("http://127.0.0.1:8000"));
        assert!(is_loopback("http://localhost:8000/"));
        assert!(is_loopback("http://[::1]:8000"));
        assert!(!is_loopback("https://dynamodb.us-east-1.amazonaws.com"));
    }
}
