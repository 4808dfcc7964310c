//! `bao local`: an in-process DynamoDB for development, served until Ctrl-C. Built with the
//! `local` feature (a default one); without it the command explains how to get it.

use super::Failure;
use super::shell::Shell;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `bao local`.
#[derive(Debug, Args)]
pub struct LocalArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// A SQLite file that keeps the data between runs [default: in memory].
    #[arg(long, value_name = "FILE")]
    db_path: Option<PathBuf>,
}

/// Runs `bao local`.
#[cfg(feature = "local")]
pub fn run(shell: &Shell, args: LocalArgs) -> Result<(), Failure> {
    use super::shell::print_stdout;
    use super::{block_on, on_interrupt};
    use bao_runtime::config::find_table_config;
    use bao_runtime::local::{ACCESS_KEY_ID, LocalOptions, LocalServer, REGION, SECRET_ACCESS_KEY};

    block_on(async {
        let interrupted = on_interrupt().map_err(|e| Failure::io("cannot listen for Ctrl-C", e))?;
        let options = LocalOptions {
            port: args.port,
            db_path: args.db_path.clone(),
        };
        let server = LocalServer::start_with(options)
            .await
            .map_err(|e| Failure::runtime(&e))?;
        let storage = match &args.db_path {
            Some(path) => format!("data in {}", path.display()),
            None => "data in memory".to_owned(),
        };
        shell.status(
            "Listening",
            format!("on {} ({storage}; Ctrl-C stops)", server.endpoint()),
        );
        let endpoint = server.endpoint();
        let configured = std::env::current_dir()
            .ok()
            .and_then(|dir| find_table_config(&dir).ok().flatten())
            .filter(|(_, table)| table.endpoint.as_deref() == Some(endpoint));
        let next = match configured {
            // The project already points here: nothing to export.
            Some((path, table)) => format!(
                "# {} points here; create its table `{}` with: bao table create\n",
                path.display(),
                table.name
            ),
            None => format!(
                "export AWS_ENDPOINT_URL_DYNAMODB={endpoint}\n\
                 # any credentials work locally, for example:\n\
                 export AWS_ACCESS_KEY_ID={ACCESS_KEY_ID}\n\
                 export AWS_SECRET_ACCESS_KEY={SECRET_ACCESS_KEY}\n\
                 export AWS_REGION={REGION}\n\
                 # then create the table: bao table create\n"
            ),
        };
        print_stdout(&next).map_err(|e| Failure::io("cannot write to stdout", e))?;
        interrupted.await;
        server.stop().await;
        shell.status("Stopped", "local DynamoDB");
        Ok(())
    })
}

/// `bao local` in a CLI built without the `local` feature.
#[cfg(not(feature = "local"))]
pub fn run(_shell: &Shell, _args: LocalArgs) -> Result<(), Failure> {
    Err(Failure::usage(
        "this `bao` was built without its local DynamoDB: install it with the default \
         features (`cargo install --locked bao-codegen`), or run DynamoDB Local and point \
         bao.toml's `endpoint` at it",
    ))
}
