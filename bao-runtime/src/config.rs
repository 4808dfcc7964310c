//! Where a handle connects: the table, the endpoint and the region, resolved one way for the
//! app ([`Db::from_env`](crate::Db::from_env)) and for the `bao` CLI.
//!
//! Each setting is taken from the first of:
//!
//! 1. an explicit setting (a CLI flag);
//! 2. the environment: `BAO_TABLE`; `AWS_ENDPOINT_URL_DYNAMODB`, then `AWS_ENDPOINT_URL`;
//!    `AWS_REGION`, then `AWS_DEFAULT_REGION`;
//! 3. the `[table]` section of the nearest `bao.toml` (`name`, `endpoint`, `region`), the file
//!    `bao init` writes;
//! 4. for the region only: `us-east-1` when the endpoint is on this machine (`bao local`,
//!    DynamoDB Local), otherwise aws-config's standard chain (the profile).
//!
//! Credentials come from aws-config's standard chain, except that an endpoint on this machine
//! gets fixed dummy credentials unless `AWS_ACCESS_KEY_ID` or `AWS_PROFILE` is set: local servers
//! accept any, and a developer's laptop then needs no AWS account.

use crate::{Error, Result};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::Credentials;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The config file's name.
pub const FILE_NAME: &str = "bao.toml";

/// The environment variable naming the table.
pub const TABLE_ENV: &str = "BAO_TABLE";

/// The access key id used for an endpoint on this machine (any value works locally).
pub const LOCAL_ACCESS_KEY_ID: &str = "fakeMyKeyId";

/// The secret access key used for an endpoint on this machine.
pub const LOCAL_SECRET_ACCESS_KEY: &str = "fakeSecretAccessKey";

/// The region used for an endpoint on this machine when none is set.
pub const LOCAL_REGION: &str = "us-east-1";

const ENDPOINT_ENV: [&str; 2] = ["AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"];
const REGION_ENV: [&str; 2] = ["AWS_REGION", "AWS_DEFAULT_REGION"];
/// Either says AWS credentials are configured, so a local endpoint keeps them.
const CREDENTIALS_ENV: [&str; 2] = ["AWS_ACCESS_KEY_ID", "AWS_PROFILE"];

/// Every environment variable the resolution reads: the table, the endpoint, the region and
/// the ones that say AWS credentials are configured. A test that runs an app configured by
/// `bao.toml` alone removes these.
pub const CONFIGURING_ENV: [&str; 7] = [
    TABLE_ENV,
    ENDPOINT_ENV[0],
    ENDPOINT_ENV[1],
    REGION_ENV[0],
    REGION_ENV[1],
    CREDENTIALS_ENV[0],
    CREDENTIALS_ENV[1],
];

/// `[table]` of `bao.toml`: the DynamoDB table and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableConfig {
    /// Table name.
    pub name: String,
    /// AWS region; the environment or aws-config's chain decides when absent.
    pub region: Option<String>,
    /// Endpoint URL, e.g. `http://127.0.0.1:8000` for a local DynamoDB.
    pub endpoint: Option<String>,
    /// The index iteration reads (DynamoBao's `iterationIndexName`): `iter_index` when absent;
    /// `iter_search_index` serves too, for tables that dropped `iter_index`.
    #[serde(default)]
    pub iteration_index: Option<String>,
}

/// Settings given explicitly (the CLI's flags); each wins over the environment and the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `--table`.
    pub table: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--endpoint`.
    pub endpoint: Option<String>,
}

/// Where a handle connects, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The table.
    pub table: String,
    /// The region, when one was set (aws-config's chain decides otherwise).
    pub region: Option<String>,
    /// The endpoint, when one was set (the AWS endpoint otherwise).
    pub endpoint: Option<String>,
}

impl Connection {
    /// Resolves `explicit` over the environment (read through `env`) over `file`, in the order
    /// the [module docs](self) give. `None` when no table is named anywhere.
    pub fn resolve(
        explicit: &Settings,
        file: Option<&TableConfig>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Option<Connection> {
        let first_env = |names: &[&str]| names.iter().find_map(|name| env(name));
        let table = explicit
            .table
            .clone()
            .or_else(|| env(TABLE_ENV))
            .or_else(|| file.map(|file| file.name.clone()))?;
        let endpoint = explicit
            .endpoint
            .clone()
            .or_else(|| first_env(&ENDPOINT_ENV))
            .or_else(|| file.and_then(|file| file.endpoint.clone()));
        let local = endpoint.as_deref().is_some_and(is_loopback);
        let region = explicit
            .region
            .clone()
            .or_else(|| first_env(&REGION_ENV))
            .or_else(|| file.and_then(|file| file.region.clone()))
            .or_else(|| local.then(|| LOCAL_REGION.to_owned()));
        Some(Connection {
            table,
            region,
            endpoint,
        })
    }

    /// Whether the endpoint is on this machine.
    pub fn is_local(&self) -> bool {
        self.endpoint.as_deref().is_some_and(is_loopback)
    }

    /// A client from aws-config's standard chain with this connection's endpoint and region,
    /// and dummy credentials for an endpoint on this machine (see the [module docs](self)).
    pub async fn client(&self) -> Client {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(endpoint) = &self.endpoint {
            loader = loader.endpoint_url(endpoint);
        }
        if let Some(region) = &self.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        if self.is_local() && CREDENTIALS_ENV.iter().all(|name| env_var(name).is_none()) {
            loader = loader.credentials_provider(Credentials::new(
                LOCAL_ACCESS_KEY_ID,
                LOCAL_SECRET_ACCESS_KEY,
                None,
                None,
                "bao-local",
            ));
        }
        Client::new(&loader.load().await)
    }
}

/// A variable of the process environment; unset and empty are the same.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The nearest `bao.toml` at `start` or above it, and its `[table]` section; `None` when there
/// is no such file. The file's other sections (the CLI's) are not read here.
pub fn find_table_config(start: &Path) -> Result<Option<(PathBuf, TableConfig)>> {
    let Some(path) = start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|path| path.is_file())
    else {
        return Ok(None);
    };
    let invalid = |message: String| Error::Config {
        path: path.clone(),
        message,
    };
    let text = std::fs::read_to_string(&path).map_err(|error| invalid(error.to_string()))?;
    /// The file with only its `[table]` section read.
    #[derive(Deserialize)]
    struct File {
        table: TableConfig,
    }
    let file: File = toml::from_str(&text).map_err(|error| invalid(error.to_string()))?;
    Ok(Some((path, file.table)))
}

/// Whether `endpoint` names this machine (`localhost`, `127.0.0.1`, `[::1]`).
pub fn is_loopback(endpoint: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    fn file() -> TableConfig {
        TableConfig {
            name: "from-file".to_owned(),
            region: Some("eu-west-1".to_owned()),
            endpoint: Some("http://127.0.0.1:8000".to_owned()),
            iteration_index: None,
        }
    }

    #[test]
    fn the_file_is_used_when_nothing_else_is_set() {
        let connection = Connection::resolve(&Settings::default(), Some(&file()), env(&[]));
        assert_eq!(
            connection,
            Some(Connection {
                table: "from-file".to_owned(),
                region: Some("eu-west-1".to_owned()),
                endpoint: Some("http://127.0.0.1:8000".to_owned()),
            })
        );
    }

    #[test]
    fn the_environment_overrides_the_file_and_flags_override_both() {
        let vars = env(&[
            ("BAO_TABLE", "from-env"),
            ("AWS_ENDPOINT_URL", "http://localhost:9000"),
            ("AWS_DEFAULT_REGION", "us-west-2"),
        ]);
        let connection =
            Connection::resolve(&Settings::default(), Some(&file()), &vars).expect("a table");
        assert_eq!(connection.table, "from-env");
        assert_eq!(
            connection.endpoint.as_deref(),
            Some("http://localhost:9000")
        );
        assert_eq!(connection.region.as_deref(), Some("us-west-2"));
        let flags = Settings {
            table: Some("from-flag".to_owned()),
            region: Some("ap-south-1".to_owned()),
            endpoint: Some("https://dynamodb.ap-south-1.amazonaws.com".to_owned()),
        };
        let connection = Connection::resolve(&flags, Some(&file()), &vars).expect("a table");
        assert_eq!(
            (connection.table.as_str(), connection.region.as_deref()),
            ("from-flag", Some("ap-south-1"))
        );
        assert!(!connection.is_local());
    }

    #[test]
    fn a_local_endpoint_defaults_its_region_and_no_table_is_none() {
        let local = TableConfig {
            region: None,
            ..file()
        };
        let connection =
            Connection::resolve(&Settings::default(), Some(&local), env(&[])).expect("a table");
        assert_eq!(connection.region.as_deref(), Some(LOCAL_REGION));
        assert!(connection.is_local());
        assert_eq!(
            Connection::resolve(&Settings::default(), None, env(&[])),
            None
        );
    }

    #[test]
    fn only_the_table_section_is_read_from_the_nearest_file() {
        let dir = std::env::temp_dir().join(format!("bao-config-{}", std::process::id()));
        let nested = dir.join("src").join("bin");
        std::fs::create_dir_all(&nested).expect("creates the folders");
        std::fs::write(
            dir.join(FILE_NAME),
            "[table]\nname = \"app\"\nendpoint = \"http://127.0.0.1:8000\"\n\n[codegen]\nschema = \"models.yaml\"\n",
        )
        .expect("writes bao.toml");
        let found = find_table_config(&nested).expect("reads bao.toml");
        std::fs::remove_dir_all(&dir).expect("removes the folders");
        let (path, table) = found.expect("finds bao.toml");
        assert_eq!(path, dir.join(FILE_NAME));
        assert_eq!(table.name, "app");
        assert_eq!(table.region, None);
    }

    #[test]
    fn loopback_endpoints_are_recognised() {
        assert!(is_loopback("http://localhost:8000"));
        assert!(is_loopback("http://127.0.0.1:8000/"));
        assert!(is_loopback("http://[::1]:8000"));
        assert!(!is_loopback("https://dynamodb.us-east-1.amazonaws.com"));
    }
}
