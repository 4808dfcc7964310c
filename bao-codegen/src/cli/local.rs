//! `bao local`: an in-process DynamoDB for development, served until Ctrl-C.

use super::shell::{Shell, print_stdout};
use super::{Failure, block_on, on_interrupt};
use bao_runtime::local::{ACCESS_KEY_ID, LocalOptions, LocalServer, REGION, SECRET_ACCESS_KEY};
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
pub fn run(shell: &Shell, args: LocalArgs) -> Result<(), Failure> {
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
        print_stdout(&format!(
            "export AWS_ENDPOINT_URL_DYNAMODB={endpoint}\n\
             # any credentials work locally, for example:\n\
             export AWS_ACCESS_KEY_ID={ACCESS_KEY_ID}\n\
             export AWS_SECRET_ACCESS_KEY={SECRET_ACCESS_KEY}\n\
             export AWS_REGION={REGION}\n\
             # then create the table: bao table create\n",
            endpoint = server.endpoint(),
        ))
        .map_err(|e| Failure::io("cannot write to stdout", e))?;
        interrupted.await;
        server.stop().await;
        shell.status("Stopped", "local DynamoDB");
        Ok(())
    })
}
