//! DynamoBao, the JavaScript library bao is compatible with, installed from npm for the interop
//! suite and the benchmark.
//!
//! [`DynamoBao::install`] runs `npm ci` on the pinned `tests/interop/package-lock.json` into
//! `${XDG_CACHE_HOME:-$HOME/.cache}/bao-interop/<hash of the lock>` and generates the JS models
//! of the root `models.yaml` there with DynamoBao's own `bao-codegen`. Both land in a staging
//! folder first and are renamed into place, so concurrent installs (parallel tests, the
//! benchmark) never see half a folder; the second rename simply loses the race. Nothing is
//! written inside the repository.
//!
//! [`DynamoBao::command`] builds the `node` command of a script in `tests/interop/`, pointed at
//! a DynamoDB endpoint and table.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// The folder of the DynamoBao scripts and the pinned npm manifest.
pub const SCRIPTS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/interop");

/// The schema DynamoBao generates its models from: the repository's `models.yaml`.
pub const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../models.yaml");

/// The oldest Node.js major version with the global `fetch` DynamoBao's client calls.
const MIN_NODE_MAJOR: u32 = 18;

/// Why DynamoBao could not be installed or run.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// `node` or `npm` is not on `PATH`.
    #[error(
        "`{program}` was not found on PATH: the DynamoBao interop tests need Node.js {MIN_NODE_MAJOR} or newer with npm"
    )]
    Missing {
        /// The program looked for.
        program: &'static str,
    },
    /// Node.js is older than DynamoBao's client needs.
    #[error(
        "Node.js {found} is too old: DynamoBao's client needs the global fetch of Node.js {MIN_NODE_MAJOR} or newer"
    )]
    NodeTooOld {
        /// The version `node --version` printed.
        found: String,
    },
    /// A file or folder operation failed.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A command exited with an error.
    #[error("`{command}` failed ({status}):\n{stderr}")]
    Failed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: ExitStatus,
        /// What it printed on stderr.
        stderr: String,
    },
    /// A script's stdout was not the JSON it should print.
    #[error("`{command}` printed no JSON ({source}); stdout:\n{stdout}\nstderr:\n{stderr}")]
    Output {
        /// The command line.
        command: String,
        /// The parse error.
        source: serde_json::Error,
        /// What it printed on stdout.
        stdout: String,
        /// What it printed on stderr.
        stderr: String,
    },
}

/// An installed DynamoBao with the models generated from `models.yaml`.
#[derive(Debug, Clone)]
pub struct DynamoBao {
    root: PathBuf,
    models: PathBuf,
}

impl DynamoBao {
    /// Installs DynamoBao and generates its models, or reuses a previous install. Once per
    /// process; blocking (it may run `npm ci`).
    pub fn install() -> Result<DynamoBao, NodeError> {
        static INSTALLED: Mutex<Option<DynamoBao>> = Mutex::new(None);
        let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = installed.as_ref() {
            return Ok(found.clone());
        }
        check_node()?;
        let root = install_packages(&cache_dir()?)?;
        let models = generate_models(&root)?;
        let found = DynamoBao { root, models };
        *installed = Some(found.clone());
        Ok(found)
    }

    /// The folder holding `node_modules` (and the generated models).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder of the JS models DynamoBao's codegen generated from `models.yaml`.
    pub fn models(&self) -> &Path {
        &self.models
    }

    /// `node tests/interop/<script>` with the environment the scripts read: the endpoint and
    /// table, the generated models, and the local server's dummy credentials. DynamoBao's own
    /// configuration variables of the caller's environment are removed.
    pub fn command(&self, script: &str, endpoint: &str, table: &str) -> Command {
        let mut command = Command::new("node");
        command
            .arg(Path::new(SCRIPTS_DIR).join(script))
            .current_dir(&self.root)
            .env("BAO_ENDPOINT", endpoint)
            .env("BAO_TABLE", table)
            .env("BAO_INTEROP_MODELS", &self.models)
            .env("AWS_ACCESS_KEY_ID", bao_runtime::local::ACCESS_KEY_ID)
            .env(
                "AWS_SECRET_ACCESS_KEY",
                bao_runtime::local::SECRET_ACCESS_KEY,
            )
            .env("AWS_REGION", "us-east-1")
            .env("DYNAMO_BAO_LOG_LEVEL", "ERROR");
        for variable in [
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "MODELS_DIR",
            "TABLE_NAME",
            "DYNAMO_BAO_CONFIG",
            "DYNAMO_BAO_TENANCY_ENABLED",
            "DYNAMO_BAO_REQUIRE_BATCH_CONTEXT",
        ] {
            command.env_remove(variable);
        }
        command
    }

    /// Runs a script with `input` on stdin and parses the JSON it prints on stdout.
    pub fn run_json(
        &self,
        script: &str,
        endpoint: &str,
        table: &str,
        input: &serde_json::Value,
    ) -> Result<serde_json::Value, NodeError> {
        let mut command = self.command(script, endpoint, table);
        let line = describe(&command);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| spawn_error("node", error))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(input.to_string().as_bytes())
                .map_err(|source| NodeError::Io {
                    what: "cannot write the input of",
                    path: PathBuf::from(script),
                    source,
                })?;
        }
        let output = child.wait_with_output().map_err(|source| NodeError::Io {
            what: "cannot wait for",
            path: PathBuf::from(script),
            source,
        })?;
        let output = succeeded(line.clone(), output)?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        serde_json::from_str(stdout.trim()).map_err(|source| NodeError::Output {
            command: line,
            source,
            stdout: stdout.into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

/// Fails unless `node` of a recent enough version and `npm` are on `PATH`.
fn check_node() -> Result<(), NodeError> {
    let output = run(Command::new("node").arg("--version"), "node")?;
    let found = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let major = found
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse::<u32>().ok());
    if major.is_none_or(|major| major < MIN_NODE_MAJOR) {
        return Err(NodeError::NodeTooOld { found });
    }
    run(Command::new("npm").arg("--version"), "npm")?;
    Ok(())
}

/// `${XDG_CACHE_HOME:-$HOME/.cache}/bao-interop`.
fn cache_dir() -> Result<PathBuf, NodeError> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cache")))
        .ok_or_else(|| NodeError::Io {
            what: "neither XDG_CACHE_HOME nor HOME is set, so there is no cache folder for",
            path: PathBuf::from("bao-interop"),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        })?;
    Ok(base.join("bao-interop"))
}

/// `npm ci` of the pinned lock file into `<cache>/<hash>`, unless it is there already.
fn install_packages(cache: &Path) -> Result<PathBuf, NodeError> {
    let manifest = read(&Path::new(SCRIPTS_DIR).join("package.json"))?;
    let lock = read(&Path::new(SCRIPTS_DIR).join("package-lock.json"))?;
    let root = cache.join(format!("{:016x}", fnv1a(&[&manifest, &lock])));
    if root.is_dir() {
        return Ok(root);
    }
    let staging = staging_dir(cache, "npm")?;
    write(&staging.join("package.json"), &manifest)?;
    write(&staging.join("package-lock.json"), &lock)?;
    let result = run(
        Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&staging),
        "npm",
    );
    publish(result.map(drop), &staging, &root)?;
    Ok(root)
}

/// DynamoBao's `bao-codegen` of `models.yaml` (ESM), with the custom fields bao writes for its
/// ObjectFields and ListFields (`--dynamo-bao-fields`), into `<root>/models-<hash>/models` and
/// `<root>/models-<hash>/fields`, unless it is there already. Returns the models' folder.
fn generate_models(root: &Path) -> Result<PathBuf, NodeError> {
    let schema = read(Path::new(SCHEMA))?;
    let fields = bao_codegen::dynamo_bao_fields::FILES;
    let mut inputs: Vec<&[u8]> = vec![&schema];
    inputs.extend(fields.iter().map(|(_, contents)| contents.as_bytes()));
    let generated = root.join(format!("models-{:016x}", fnv1a(&inputs)));
    if generated.is_dir() {
        return Ok(generated.join("models"));
    }
    let staging = staging_dir(root, "codegen")?;
    write(
        &staging.join("dynamo-bao.config.cjs"),
        b"module.exports = {\n  codegen: { moduleSystem: \"esm\" },\n  paths: { generatedModelsManifest: \"./manifest.js\", fieldsDir: \"./fields\" },\n};\n",
    )?;
    let fields_dir = staging.join("fields");
    bao_codegen::dynamo_bao_fields::write(&fields_dir).map_err(|source| NodeError::Io {
        what: "cannot write the custom fields into",
        path: fields_dir,
        source,
    })?;
    let result = run(
        Command::new("node")
            .arg(root.join("node_modules/dynamo-bao/bin/codegen.js"))
            .arg(SCHEMA)
            .arg(staging.join("models"))
            .current_dir(&staging)
            .env_remove("DYNAMO_BAO_CONFIG"),
        "node",
    );
    // The models import the fields by a relative path: they move together.
    publish(result.map(drop), &staging, &generated)?;
    Ok(generated.join("models"))
}

/// Moves a finished staging folder into place; when another process got there first, keeps
/// theirs. A failed step removes the staging folder and reports the failure.
fn publish(step: Result<(), NodeError>, staging: &Path, target: &Path) -> Result<(), NodeError> {
    if let Err(error) = step {
        remove(staging);
        return Err(error);
    }
    match std::fs::rename(staging, target) {
        Ok(()) => Ok(()),
        Err(_) if target.is_dir() => {
            remove(staging);
            Ok(())
        }
        Err(source) => {
            remove(staging);
            Err(NodeError::Io {
                what: "cannot move the finished install into",
                path: target.to_owned(),
                source,
            })
        }
    }
}

/// A new, empty folder under `parent` named after this process and the time.
fn staging_dir(parent: &Path, what: &str) -> Result<PathBuf, NodeError> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let dir = parent.join(format!(".{what}-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|source| NodeError::Io {
        what: "cannot create",
        path: dir.clone(),
        source,
    })?;
    Ok(dir)
}

fn remove(dir: &Path) {
    // A leftover staging folder is harmless: it is never read.
    let _ = std::fs::remove_dir_all(dir);
}

fn read(path: &Path) -> Result<Vec<u8>, NodeError> {
    std::fs::read(path).map_err(|source| NodeError::Io {
        what: "cannot read",
        path: path.to_owned(),
        source,
    })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), NodeError> {
    std::fs::write(path, bytes).map_err(|source| NodeError::Io {
        what: "cannot write",
        path: path.to_owned(),
        source,
    })
}

/// Runs a command to completion; an error names the command and carries its stderr.
fn run(command: &mut Command, program: &'static str) -> Result<Output, NodeError> {
    let line = describe(command);
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|error| spawn_error(program, error))?;
    succeeded(line, output)
}

fn succeeded(command: String, output: Output) -> Result<Output, NodeError> {
    if output.status.success() {
        Ok(output)
    } else {
        Err(NodeError::Failed {
            command,
            status: output.status,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

fn spawn_error(program: &'static str, source: std::io::Error) -> NodeError {
    if source.kind() == std::io::ErrorKind::NotFound {
        NodeError::Missing { program }
    } else {
        NodeError::Io {
            what: "cannot start",
            path: PathBuf::from(program),
            source,
        }
    }
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

/// 64-bit FNV-1a over the concatenated parts: a stable name for the cache folders.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .flat_map(|part| part.iter())
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
            (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
        })
}
