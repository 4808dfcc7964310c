//! `bao.toml`: where the schema and the generated code live, and which table to use.
//!
//! Relative paths in the file are relative to the file's directory.

use super::Failure;
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub use bao_runtime::config::{FILE_NAME, TableConfig};

/// DynamoBao's default table name.
pub const DEFAULT_TABLE: &str = "dynamo-bao-dev";

/// The schema path `bao init` writes and a config without `codegen.schema` means.
pub const DEFAULT_SCHEMA: &str = "models.yaml";

/// The output directory `bao init` writes and a config without `codegen.out` means.
pub const DEFAULT_OUT: &str = "src/models";

/// A loaded `bao.toml`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from.
    pub path: PathBuf,
    /// The table section.
    pub table: TableConfig,
    /// The codegen section, with paths resolved against the file's directory.
    pub codegen: CodegenConfig,
}

/// `[codegen]`: the schema and where the generated modules go.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodegenConfig {
    /// `models.yaml`, or a directory of `*.yaml` files.
    #[serde(default = "default_schema")]
    pub schema: PathBuf,
    /// The directory the generated modules are written to.
    #[serde(default = "default_out")]
    pub out: PathBuf,
    /// A directory of templates overriding the built-in ones.
    pub templates: Option<PathBuf>,
}

impl Default for CodegenConfig {
    fn default() -> Self {
        CodegenConfig {
            schema: default_schema(),
            out: default_out(),
            templates: None,
        }
    }
}

fn default_schema() -> PathBuf {
    PathBuf::from(DEFAULT_SCHEMA)
}

fn default_out() -> PathBuf {
    PathBuf::from(DEFAULT_OUT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    table: TableConfig,
    #[serde(default)]
    codegen: CodegenConfig,
    /// Checked for its shape only: an application picks tenancy per `Db` handle.
    #[serde(default, rename = "tenancy")]
    _tenancy: TenancySection,
}

/// `[tenancy]`, as DynamoBao's config has it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TenancySection {
    #[serde(default, rename = "enabled")]
    _enabled: bool,
}

impl Config {
    /// Finds `bao.toml` in `start` or the nearest ancestor and loads it; `None` when there is
    /// none.
    pub fn discover(start: &Path) -> Result<Option<Config>, Failure> {
        match start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|path| path.is_file())
        {
            Some(path) => Config::load(&path).map(Some),
            None => Ok(None),
        }
    }

    /// Loads the config at `path`.
    pub fn load(path: &Path) -> Result<Config, Failure> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::io(format!("cannot read {}", path.display()), e))?;
        Config::parse(path, &text)
    }

    /// Parses `text`, which was read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, Failure> {
        let invalid =
            |message: String| Failure::user(format!("invalid {}: {message}", path.display()));
        let file: ConfigFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        check_table_name(&file.table.name).map_err(|m| invalid(format!("table.name: {m}")))?;
        if let Some(endpoint) = &file.table.endpoint {
            check_endpoint(endpoint).map_err(|m| invalid(format!("table.endpoint: {m}")))?;
        }
        let base = path.parent().unwrap_or(Path::new("."));
        let codegen = CodegenConfig {
            schema: base.join(&file.codegen.schema),
            out: base.join(&file.codegen.out),
            templates: file.codegen.templates.as_ref().map(|dir| base.join(dir)),
        };
        Ok(Config {
            path: path.to_owned(),
            table: file.table,
            codegen,
        })
    }
}

/// The commented `bao.toml` text `bao init` writes for `table`, with the default `[codegen]`.
pub fn render_new(table: &TableConfig) -> String {
    let mut text = String::from(
        "# bao configuration, read by the `bao` CLI and by the app's `Db::from_env()`.\n\
         # Relative paths are relative to this file. The environment (BAO_TABLE,\n\
         # AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION) wins over [table]; command-line flags\n\
         # (--table, --endpoint, --region, --schema, --out) win over both.\n\n\
         [table]\n\
         # The DynamoDB table every model lives in (DynamoBao's single-table layout).\n",
    );
    let _ = writeln!(text, "name = {}", quote(&table.name));
    text.push_str(
        "# AWS region; without it AWS_REGION or the AWS profile decides (us-east-1 locally).\n",
    );
    match &table.region {
        Some(region) => {
            let _ = writeln!(text, "region = {}", quote(region));
        }
        None => text.push_str("# region = \"us-east-1\"\n"),
    }
    text.push_str(
        "# Endpoint of a local DynamoDB (`bao local`); without it, DynamoDB in your AWS account.\n",
    );
    match &table.endpoint {
        Some(endpoint) => {
            let _ = writeln!(text, "endpoint = {}", quote(endpoint));
        }
        None => text.push_str("# endpoint = \"http://127.0.0.1:8000\"\n"),
    }
    text.push_str(
        "# The index iteration reads (DynamoBao's iterationIndexName); iter_search_index\n\
         # serves too, for tables that dropped iter_index.\n",
    );
    match &table.iteration_index {
        Some(index) => {
            let _ = writeln!(text, "iteration_index = {}", quote(index));
        }
        None => text.push_str("# iteration_index = \"iter_index\"\n"),
    }
    let _ = write!(
        text,
        "\n[codegen]\n\
         # models.yaml, or a directory of *.yaml files.\n\
         schema = {}\n\
         # Where the generated modules go; add `mod models;` next to it.\n\
         out = {}\n\
         # A directory of templates overriding the built-in ones.\n\
         # templates = \"templates\"\n\n\
         [tenancy]\n\
         # DynamoBao's flag; in Rust, tenancy is chosen per handle with `Db::with_tenant`.\n\
         enabled = false\n",
        quote(DEFAULT_SCHEMA),
        quote(DEFAULT_OUT),
    );
    text
}

fn quote(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

/// Checks DynamoDB's table-name rules: 3 to 255 of `a-z A-Z 0-9 _ - .`.
pub fn check_table_name(name: &str) -> Result<(), String> {
    if !(3..=255).contains(&name.len()) {
        return Err(format!(
            "`{name}` must be 3 to 255 characters long (DynamoDB's rule)"
        ));
    }
    match name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    {
        Some(c) => Err(format!(
            "`{name}` contains `{c}`; DynamoDB allows only a-z, A-Z, 0-9, `_`, `-` and `.`"
        )),
        None => Ok(()),
    }
}

/// Checks that an endpoint is an http(s) URL.
pub fn check_endpoint(endpoint: &str) -> Result<(), String> {
    if endpoint.starts_with("http://") || endpoint.starts_with("https://") {
        Ok(())
    } else {
        Err(format!(
            "`{endpoint}` is not a URL; write it like http://127.0.0.1:8000"
        ))
    }
}

/// The schema a command reads: `--schema` when given, else bao.toml's `codegen.schema`.
///
/// # Errors
/// A usage error when there is neither.
pub fn schema_path(explicit: Option<&Path>, config: Option<&Config>) -> Result<PathBuf, Failure> {
    match (explicit, config) {
        (Some(path), _) => Ok(path.to_owned()),
        (None, Some(config)) => Ok(config.codegen.schema.clone()),
        (None, None) => Err(Failure::usage(
            "no schema: pass --schema, or run where a bao.toml exists (`bao init` writes one)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_config_parses_back() {
        let new = TableConfig {
            name: "app-dev".to_owned(),
            region: Some("eu-west-2".to_owned()),
            endpoint: None,
            iteration_index: None,
        };
        let config = Config::parse(Path::new("/p/bao.toml"), &render_new(&new)).expect("parses");
        assert_eq!(config.table.name, "app-dev");
        assert_eq!(config.table.region.as_deref(), Some("eu-west-2"));
        assert_eq!(config.table.endpoint, None);
        assert_eq!(config.codegen.schema, Path::new("/p/models.yaml"));
        assert_eq!(config.codegen.out, Path::new("/p/src/models"));
    }

    #[test]
    fn errors_name_the_file_and_key() {
        let error = Config::parse(Path::new("bao.toml"), "[table]\nnmae = \"x\"\n")
            .expect_err("unknown key");
        let message = error.to_string();
        assert!(message.starts_with("invalid bao.toml:"), "{message}");
        assert!(message.contains("nmae"), "{message}");

        let error = Config::parse(Path::new("bao.toml"), "[table]\nname = \"a b\"\n")
            .expect_err("bad name");
        assert!(error.to_string().contains("table.name"), "{error}");
    }
}
