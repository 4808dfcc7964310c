//! DynamoBao's side of section 7: `tests/interop/workload.mjs` under Node.js, on the JS models
//! DynamoBao generates from the same `models.yaml`, each run on a fresh table of the emulator.

use crate::emulator::{client, fresh_table};
use crate::error::{BenchError, Result, io};
use crate::paths::run;
use std::path::Path;
use std::process::Command;
use tests::node::DynamoBao;

/// The source's name in the report.
pub const NAME: &str = "DynamoBao";

/// The script that runs the workload.
const SCRIPT: &str = "workload.mjs";

/// DynamoBao's codegen, inside its installed package.
const CODEGEN_SCRIPT: &str = "node_modules/dynamo-bao/bin/codegen.js";

/// The configuration DynamoBao's codegen reads from its working directory: ES modules, as the
/// interop suite generates them.
const CODEGEN_CONFIG: &str = "module.exports = {\n  codegen: { moduleSystem: \"esm\" },\n  \
                              paths: { generatedModelsManifest: \"./manifest.js\" },\n};\n";

/// An installed DynamoBao and the versions it runs on.
#[derive(Debug)]
pub struct Installed {
    dynamo_bao: DynamoBao,
    versions: String,
}

impl Installed {
    /// Installs DynamoBao (`npm ci` of the pinned lock file, once per cache) and generates its
    /// models. Fails, naming what is missing, without Node.js or npm.
    pub fn install() -> Result<Installed> {
        let dynamo_bao = DynamoBao::install().map_err(|source| BenchError::DynamoBao { source })?;
        let node = run(Command::new("node").arg("--version"))?;
        let manifest = dynamo_bao
            .root()
            .join("node_modules/dynamo-bao/package.json");
        let text = std::fs::read_to_string(&manifest)
            .map_err(io("cannot read DynamoBao's package.json", &manifest))?;
        let version = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|json| json["version"].as_str().map(str::to_owned))
            .ok_or_else(|| BenchError::Parse {
                what: manifest.display().to_string(),
                detail: "no `version`".into(),
            })?;
        let versions = format!(
            "Node.js {}, dynamo-bao {version}",
            String::from_utf8_lossy(&node.stdout).trim()
        );
        Ok(Installed {
            dynamo_bao,
            versions,
        })
    }

    /// `Node.js v20.1.0, dynamo-bao 0.4.2`.
    pub fn versions(&self) -> &str {
        &self.versions
    }

    /// DynamoBao's own codegen (`bin/codegen.js`, ES modules) of `schema` into `out`, run from
    /// `dir`, where its configuration file is written.
    pub fn codegen_command(&self, dir: &Path, schema: &Path, out: &Path) -> Result<Command> {
        let config = dir.join("dynamo-bao.config.cjs");
        std::fs::write(&config, CODEGEN_CONFIG)
            .map_err(io("cannot write DynamoBao's configuration", &config))?;
        let mut command = Command::new("node");
        command
            .arg(self.dynamo_bao.root().join(CODEGEN_SCRIPT))
            .arg(schema)
            .arg(out)
            .current_dir(dir)
            .env_remove("DYNAMO_BAO_CONFIG");
        Ok(command)
    }

    /// The workload's command against a fresh table of `endpoint`.
    pub fn command(&self, endpoint: &str) -> Result<Command> {
        let table = crate::block_on(async { fresh_table(&client(endpoint), "dynamo-bao").await })?;
        Ok(self.dynamo_bao.command(SCRIPT, endpoint, &table))
    }
}
