//! The DynamoDB emulator in a separate process (`bao local --port 0`), so only the client's
//! work is measured in this one, and the clients that talk to it.

use crate::error::{BenchError, Result, bao};
use bao_runtime::aws_sdk_dynamodb::Client;
use bao_runtime::aws_sdk_dynamodb::config::Builder;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// What `bao local` prints before the endpoint.
const ENDPOINT_LINE: &str = "export AWS_ENDPOINT_URL_DYNAMODB=";

/// A running `bao local`; stopped when dropped.
#[derive(Debug)]
pub struct Emulator {
    child: Child,
    endpoint: String,
}

impl Emulator {
    /// Starts `bao local --port 0` and waits for its endpoint.
    pub fn start(bao: &Path) -> Result<Emulator> {
        let mut child = Command::new(bao)
            .args(["--quiet", "local", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| BenchError::Command {
                command: "bao local --port 0".into(),
                detail: format!("cannot start: {error}"),
            })?;
        let stdout = child.stdout.take();
        let endpoint = stdout.and_then(|stdout| {
            BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
                .find_map(|line| line.strip_prefix(ENDPOINT_LINE).map(str::to_owned))
        });
        let mut emulator = Emulator {
            child,
            endpoint: String::new(),
        };
        match endpoint {
            Some(endpoint) => {
                emulator.endpoint = endpoint;
                Ok(emulator)
            }
            None => Err(BenchError::Parse {
                what: "the output of `bao local`".into(),
                detail: format!("no line starting with `{ENDPOINT_LINE}`"),
            }),
        }
    }

    /// The process id of `bao local`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The client configuration both sides share: the emulator's endpoint, static credentials and
/// the SDK's defaults otherwise.
pub fn config(endpoint: &str) -> Builder {
    bao_runtime::local::client_config(endpoint)
}

/// A client of the emulator.
pub fn client(endpoint: &str) -> Client {
    Client::from_conf(config(endpoint).build())
}

/// Creates a fresh table of DynamoBao's shape and returns its name.
pub async fn fresh_table(client: &Client, purpose: &str) -> Result<String> {
    let table = format!("bench-{purpose}-{:08x}", rand_suffix());
    bao_runtime::table::create_table(client, &table)
        .await
        .map_err(bao("create_table"))?;
    Ok(table)
}

/// A suffix that keeps table names apart between runs and processes.
fn rand_suffix() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    nanos ^ std::process::id().rotate_left(16)
}
