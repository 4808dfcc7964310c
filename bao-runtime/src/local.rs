//! An in-process DynamoDB for tests and local development.
//!
//! [`LocalServer`] runs [dynoxide](https://crates.io/crates/dynoxide-rs) on `127.0.0.1` inside
//! the current Tokio runtime. Requests still travel the real wire path (aws-sdk-dynamodb, HTTP,
//! the DynamoDB JSON protocol), so what works here works against DynamoDB. The database lives in
//! memory unless [`LocalOptions::db_path`] names a SQLite file.
//!
//! ```no_run
//! # async fn demo() -> bao_runtime::Result<()> {
//! let server = bao_runtime::local::LocalServer::start().await?;
//! let client = server.client();
//! bao_runtime::table::create_table(&client, "app").await?;
//! server.stop().await;
//! # Ok(())
//! # }
//! ```

use crate::{Error, Result};
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The access key id the [`LocalServer::client`] signs with (any value works locally).
pub const ACCESS_KEY_ID: &str = crate::config::LOCAL_ACCESS_KEY_ID;

/// The secret access key the [`LocalServer::client`] signs with.
pub const SECRET_ACCESS_KEY: &str = crate::config::LOCAL_SECRET_ACCESS_KEY;

/// The region the [`LocalServer::client`] uses.
pub const REGION: &str = crate::config::LOCAL_REGION;

/// How long [`LocalServer::stop`] waits for requests in flight before it gives up on them.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// How to start a [`LocalServer`].
#[derive(Debug, Clone, Default)]
pub struct LocalOptions {
    /// The port to listen on; `0` (the default) lets the system pick a free one.
    pub port: u16,
    /// A SQLite file that keeps the data between runs; `None` (the default) keeps it in memory.
    pub db_path: Option<PathBuf>,
}

/// A DynamoDB-compatible server running in this process on `127.0.0.1`.
///
/// Stop it with [`stop`](LocalServer::stop), which waits until it has shut down; dropping it
/// asks it to stop without waiting.
pub struct LocalServer {
    address: SocketAddr,
    endpoint: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for LocalServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalServer")
            .field("endpoint", &self.endpoint)
            .field("running", &self.shutdown.is_some())
            .finish()
    }
}

impl LocalServer {
    /// Starts an in-memory server on a free port of `127.0.0.1`.
    pub async fn start() -> Result<LocalServer> {
        LocalServer::start_with(LocalOptions::default()).await
    }

    /// Starts a server as `options` say.
    pub async fn start_with(options: LocalOptions) -> Result<LocalServer> {
        let database = match &options.db_path {
            None => dynoxide::Database::memory(),
            Some(path) => {
                let path = path.to_str().ok_or_else(|| {
                    local_error(format!("database path {} is not UTF-8", path.display()))
                })?;
                dynoxide::Database::new(path)
            }
        }
        .map_err(|e| local_error(format!("cannot open the database: {e}")))?;

        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| local_error(format!("cannot listen on {address}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| local_error(format!("cannot read the bound address: {e}")))?;

        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let signal = async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            };
            if let Err(e) = dynoxide::server::serve_with_shutdown(listener, database, signal).await
            {
                tracing::error!(error = %e, "local DynamoDB server failed");
            }
        });
        Ok(LocalServer {
            address: bound,
            endpoint: format!("http://{bound}"),
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The URL to send requests to, e.g. `http://127.0.0.1:41234`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// A client for this server: region `us-east-1` and static dummy credentials
    /// ([`ACCESS_KEY_ID`] / [`SECRET_ACCESS_KEY`]), so nothing is read from the environment.
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::from_conf(client_config(&self.endpoint).build())
    }

    /// Stops accepting connections, lets requests in flight finish (for at most a few seconds)
    /// and waits until the server has shut down.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(STOP_TIMEOUT, &mut task).await.is_err()
        {
            task.abort();
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Why the local server could not start.
#[derive(Debug)]
struct LocalError(String);

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LocalError {}

fn local_error(message: String) -> Error {
    Error::sdk("local server start", LocalError(message))
}

/// The client configuration for a local DynamoDB at `endpoint`: its region and static
/// credentials, the SDK's defaults otherwise. Add interceptors or retry settings before
/// `build()`.
pub fn client_config(endpoint: &str) -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            None,
            None,
            "bao-local",
        ))
}
