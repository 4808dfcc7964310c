//! What can stop a benchmark run, naming what failed.

use std::path::PathBuf;

/// A benchmark that could not run to the end.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A file or directory could not be read or written.
    #[error("{what} ({}): {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A command could not be started, or exited with a failure.
    #[error("`{command}` failed: {detail}")]
    Command {
        /// The command line.
        command: String,
        /// Its exit status and stderr, or why it could not start.
        detail: String,
    },
    /// A bao operation failed.
    #[error("bao {operation}: {source}")]
    Bao {
        /// The operation.
        operation: &'static str,
        /// The runtime's error.
        #[source]
        source: bao_runtime::Error,
    },
    /// A request through the plain SDK failed.
    #[error("SDK {operation}: {message}")]
    Sdk {
        /// The DynamoDB operation.
        operation: &'static str,
        /// The SDK's error, with its causes.
        message: String,
    },
    /// Output of a command or a stored item could not be understood.
    #[error("cannot read {what}: {detail}")]
    Parse {
        /// What was being read.
        what: String,
        /// Why it did not parse.
        detail: String,
    },
    /// Two things that must agree did not.
    #[error("{what} differ: {detail}")]
    Mismatch {
        /// What was compared.
        what: String,
        /// The difference.
        detail: String,
    },
    /// DynamoBao could not be installed or run through Node.js.
    #[error("DynamoBao side of the workload: {source}")]
    DynamoBao {
        /// Why.
        #[source]
        source: tests::node::NodeError,
    },
    /// Something did not happen in time.
    #[error("timed out waiting for {0}")]
    Timeout(String),
    /// The command line was not understood.
    #[error("{0}\n\nusage: bench [--only SECTION,...]   sections: {sections}\n       bench --repeat OP bao|sdk COUNT   operations: create, create-unique, find, save, query-page, find-many", sections = crate::Section::NAMES.join(", "))]
    Usage(String),
}

/// The result of a benchmark step.
pub type Result<T, E = BenchError> = std::result::Result<T, E>;

/// Turns an I/O error into a [`BenchError::Io`] about `path`.
pub fn io(
    what: &'static str,
    path: impl Into<PathBuf>,
) -> impl FnOnce(std::io::Error) -> BenchError {
    let path = path.into();
    move |source| BenchError::Io { what, path, source }
}

/// Turns a bao error into a [`BenchError::Bao`] about `operation`.
pub fn bao(operation: &'static str) -> impl FnOnce(bao_runtime::Error) -> BenchError {
    move |source| BenchError::Bao { operation, source }
}

/// Turns an SDK error into a [`BenchError::Sdk`] about `operation`, keeping its causes.
pub fn sdk<E: std::error::Error>(operation: &'static str) -> impl FnOnce(E) -> BenchError {
    move |error| {
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message = format!("{message}: {cause}");
            source = cause.source();
        }
        BenchError::Sdk { operation, message }
    }
}
