//! `bao rebuild-search-text MODEL`: DynamoBao's `bao-rebuild-search-text`, from models.yaml.

use std::path::PathBuf;

use bao_runtime::schema::{KeyPart, KeySchema, ModelSchema, SearchSchema};
use bao_runtime::search::{RebuildProgress, rebuild_search_text};
use clap::Args;

use super::config::Config;
use super::shell::Shell;
use super::table::{self, TableArgs};
use super::{Failure, block_on};
use bao_codegen::ir;

/// What to rebuild, and where.
#[derive(Debug, Args)]
pub struct RebuildArgs {
    /// The searchable model, by its name in models.yaml.
    #[arg(value_name = "MODEL")]
    pub model: String,
    /// models.yaml, or a directory of *.yaml files [default: bao.toml's codegen.schema].
    #[arg(long, value_name = "PATH")]
    pub schema: Option<PathBuf>,
    /// Rebuild the items of this tenant (items of other tenants live in other partitions).
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,
    /// The table.
    #[command(flatten)]
    pub table: TableArgs,
}

/// Runs `bao rebuild-search-text`.
pub fn run(shell: &Shell, args: RebuildArgs) -> Result<(), Failure> {
    let cwd = std::env::current_dir().map_err(|e| Failure::io("cannot read the current dir", e))?;
    let config = Config::discover(&cwd)?;
    let path = match (&args.schema, &config) {
        (Some(path), _) => path.clone(),
        (None, Some(config)) => config.codegen.schema.clone(),
        (None, None) => {
            return Err(Failure::usage(
                "no schema: pass --schema, or run where a bao.toml exists (`bao init` writes one)",
            ));
        }
    };
    let validated = bao_codegen::validate::load_and_validate(&path).map_err(|diagnostics| {
        shell.warnings(&diagnostics.render(shell.color()));
        Failure::user(format!("{} does not validate", path.display()))
    })?;
    let model = validated.schema.model(&args.model).ok_or_else(|| {
        let names: Vec<&str> = validated
            .schema
            .models
            .iter()
            .filter(|model| model.searchable.is_some())
            .map(|model| model.name.as_str())
            .collect();
        Failure::usage(format!(
            "no model `{}` in {}; the searchable models are: {}",
            args.model,
            path.display(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        ))
    })?;
    let schema = runtime_schema(model)?;
    let connection = table::connection(&args.table, config.as_ref())?;
    let done = block_on(async {
        let client = connection.client().await;
        let mut builder = bao_runtime::Db::builder(client, connection.table.clone());
        if let Some(index) = config
            .as_ref()
            .and_then(|c| c.table.iteration_index.clone())
        {
            builder = builder.iteration_index(index);
        }
        let mut db = builder.build();
        if let Some(tenant) = &args.tenant {
            db = db
                .with_tenant(tenant.clone())
                .map_err(|e| Failure::runtime(&e))?;
        }
        rebuild_search_text(&db, schema, |progress: &RebuildProgress| {
            shell.status(
                "Rebuilding",
                format!(
                    "{}: {} items read, {} rewritten",
                    model.name, progress.scanned, progress.changed
                ),
            );
        })
        .await
        .map_err(|e| Failure::runtime(&e))
    })?;
    shell.status(
        "Rebuilt",
        format!(
            "{}: {} items read, {} rewritten, {} changed by another write meanwhile (left as \
             that write stored them)",
            model.name, done.scanned, done.changed, done.skipped
        ),
    );
    Ok(())
}

/// What the rebuild needs of the model, as the runtime describes models: its name, prefix,
/// buckets and search options (it reads keys from the iteration index, not from fields).
fn runtime_schema(model: &ir::Model) -> Result<&'static ModelSchema, Failure> {
    let Some(searchable) = &model.searchable else {
        return Err(Failure::user(format!(
            "model `{}` is not searchable: give it `searchable: {{fields: [...]}}`",
            model.name
        )));
    };
    let leak = |text: &str| -> &'static str { Box::leak(text.to_owned().into_boxed_str()) };
    let fields: Vec<&'static str> = searchable.fields.iter().map(|name| leak(name)).collect();
    let search = Box::leak(Box::new(SearchSchema {
        fields: Box::leak(fields.into_boxed_slice()),
        case_sensitive: searchable.case_sensitive,
        min_term_length: searchable.min_term_length,
        dedupe: searchable.dedupe,
    }));
    Ok(Box::leak(Box::new(ModelSchema {
        name: leak(&model.name),
        prefix: leak(&model.prefix),
        fields: &[],
        primary_key: KeySchema {
            partition: KeyPart::ModelPrefix,
            sort: KeyPart::ModelPrefix,
        },
        indexes: &[],
        unique_constraints: &[],
        iteration_buckets: model.iteration_buckets,
        search: Some(search),
    })))
}
