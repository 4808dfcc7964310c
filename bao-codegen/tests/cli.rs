//! The `bao` binary end to end: help, init, codegen, check, schema, and the table commands
//! against an in-process DynamoDB.

use bao_runtime::local::LocalServer;
use std::path::Path;
use std::process::{Command, Output};

/// `bao` in `dir`, isolated from the host's AWS setup and colours.
fn bao(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_bao"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_DYNAMODB")
        .env("AWS_MAX_ATTEMPTS", "1");
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("bao runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[track_caller]
fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// A project with bao.toml, the starter models.yaml and src/models, no table.
fn project() -> tempfile::TempDir {
    let dir = temp_dir();
    assert_exit(&run(bao(dir.path()).args(["init", "--no-table"])), 0);
    dir
}

#[test]
fn help_works_for_every_command() {
    let dir = temp_dir();
    let commands: [&[&str]; 16] = [
        &[],
        &["init"],
        &["codegen"],
        &["watch"],
        &["check"],
        &["table"],
        &["table", "create"],
        &["table", "update"],
        &["table", "describe"],
        &["table", "export"],
        &["local"],
        &["schema"],
        &["describe"],
        &["reindex"],
        &["backfill-unique"],
        &["rebuild-search-text"],
    ];
    for command in commands {
        let output = run(bao(dir.path()).args(command).arg("--help"));
        assert_exit(&output, 0);
        assert!(
            stdout(&output).contains("Usage: bao"),
            "{command:?}: {}",
            stdout(&output)
        );
    }
    let output = run(bao(dir.path()).arg("--help"));
    assert!(stdout(&output).contains("Exit status:"));
    let output = run(bao(dir.path()).args(["help", "table", "create"]));
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("--table <NAME>"),
        "{}",
        stdout(&output)
    );
    let output = run(bao(dir.path()).arg("--bogus"));
    assert_exit(&output, 2);
}

#[test]
fn describe_prints_one_model_in_the_format_asked_and_refuses_an_unknown_one() {
    let dir = temp_dir();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models.yaml");
    let output = run(bao(dir.path())
        .args(["describe", "Post", "--format", "markdown", "--schema"])
        .arg(&schema));
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(text.starts_with("## Post (prefix `p`"), "{text}");
    assert!(text.contains("| `Post::create`"), "{text}");
    let output = run(bao(dir.path())
        .args(["describe", "--format", "mermaid", "--schema"])
        .arg(&schema));
    assert_exit(&output, 0);
    assert!(stdout(&output).starts_with("erDiagram\n"));
    let output = run(bao(dir.path())
        .args(["describe", "Nobody", "--schema"])
        .arg(&schema));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("no model `Nobody`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn table_export_prints_the_table_of_the_schema_without_a_connection() {
    let dir = temp_dir();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models.yaml");
    let output = run(bao(dir.path())
        .args([
            "table",
            "export",
            "--format",
            "terraform",
            "--table",
            "my-app",
            "--schema",
        ])
        .arg(&schema));
    assert_exit(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("resource \"aws_dynamodb_table\" \"bao\""),
        "{text}"
    );
    assert!(
        text.contains("\"iter_search_index\""),
        "the root schema searches: {text}"
    );
    let output = run(bao(dir.path())
        .args(["table", "export"])
        .env_remove("BAO_TABLE"));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("no table name"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn init_writes_the_project_and_never_overwrites_without_force() {
    let dir = temp_dir();
    let output = run(bao(dir.path()).args(["init", "--no-table", "--table", "my-app"]));
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("Created bao.toml"),
        "{}",
        stderr(&output)
    );
    let config = std::fs::read_to_string(dir.path().join("bao.toml")).expect("bao.toml");
    assert!(config.contains("name = \"my-app\""), "{config}");
    assert!(dir.path().join("models.yaml").is_file());
    assert!(dir.path().join("src/models").is_dir());

    // The starter schema compiles.
    assert_exit(&run(bao(dir.path()).arg("codegen")), 0);
    assert!(dir.path().join("src/models/user.rs").is_file());

    std::fs::write(dir.path().join("models.yaml"), "# mine\nmodels: {}\n").expect("edit");
    let output = run(bao(dir.path()).args(["init", "--no-table", "--table", "other"]));
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(err.contains("Keeping bao.toml"), "{err}");
    assert!(err.contains("Keeping models.yaml"), "{err}");
    assert!(err.contains("--table ignored"), "{err}");
    let models = std::fs::read_to_string(dir.path().join("models.yaml")).expect("models");
    assert_eq!(models, "# mine\nmodels: {}\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bao.toml")).expect("bao.toml"),
        config
    );

    let output = run(bao(dir.path()).args(["init", "--no-table", "--force"]));
    assert_exit(&output, 0);
    let models = std::fs::read_to_string(dir.path().join("models.yaml")).expect("models");
    assert!(models.contains("User:"), "{models}");
}

#[test]
fn init_without_aws_credentials_sets_up_bao_local_and_says_what_to_do_next() {
    let dir = temp_dir();
    let output = run(bao(dir.path()).args(["init", "app"]));
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(err.contains("no AWS credentials found"), "{err}");
    let config = std::fs::read_to_string(dir.path().join("app/bao.toml")).expect("bao.toml");
    assert!(
        config.contains("\nendpoint = \"http://127.0.0.1:8000\""),
        "{config}"
    );
    let next = err.split("Next steps:").nth(1).expect("next steps");
    for step in [
        "cd app",
        "bao local",
        "bao codegen",
        "cargo add bao-runtime",
        "Db::from_env()",
    ] {
        assert!(next.contains(step), "`{step}` missing from:{next}");
    }
}

#[test]
fn init_never_creates_a_table_in_aws_unless_asked() {
    let dir = temp_dir();
    // Credentials but no endpoint: the table would be in an AWS account. Nothing is sent (no
    // endpoint answers here), and stdin is not a terminal, so nobody is asked.
    let output = run(bao(dir.path())
        .args(["init", "--table", "app-prod"])
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "eu-west-1"));
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(err.contains("Skipped the table"), "{err}");
    assert!(err.contains("bao table create"), "{err}");
    let config = std::fs::read_to_string(dir.path().join("bao.toml")).expect("bao.toml");
    assert!(config.contains("# endpoint = "), "{config}");
    assert!(config.contains("region = \"eu-west-1\""), "{config}");

    let output = run(bao(dir.path()).args(["init", "--no-table", "--create-table"]));
    assert_exit(&output, 2);
}

#[test]
fn init_creates_a_subdirectory_and_refuses_bad_names() {
    let dir = temp_dir();
    let output = run(bao(dir.path()).args(["init", "app", "--no-table"]));
    assert_exit(&output, 0);
    assert!(dir.path().join("app/bao.toml").is_file());
    assert!(dir.path().join("app/src/models").is_dir());

    // A malformed flag value is a usage error, as `--help` lists it.
    let output = run(bao(dir.path()).args(["init", "bad", "--no-table", "--table", "a b"]));
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("--table"), "{}", stderr(&output));
    assert!(!dir.path().join("bad/bao.toml").exists());
}

#[test]
fn a_missing_schema_or_table_is_a_usage_error() {
    let dir = temp_dir();
    let output = run(bao(dir.path()).arg("codegen"));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("pass --schema"),
        "{}",
        stderr(&output)
    );
    let output = run(bao(dir.path()).args(["table", "describe"]));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("pass --table"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_config_names_the_file_and_key() {
    let dir = project();
    std::fs::write(dir.path().join("bao.toml"), "[table]\nnmae = \"x\"\n").expect("write");
    let output = run(bao(dir.path()).arg("codegen"));
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("bao.toml") && err.contains("nmae"), "{err}");
}

#[test]
fn codegen_reports_and_writes_only_changes() {
    let dir = project();
    let output = run(bao(dir.path()).arg("codegen"));
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("Generated 2 models (3 files changed, bao.lock updated) in "),
        "{err}"
    );

    let output = run(bao(dir.path()).arg("codegen"));
    assert!(
        stderr(&output).contains("(0 files changed)"),
        "{}",
        stderr(&output)
    );

    let output = run(bao(dir.path()).args(["--quiet", "codegen"]));
    assert_exit(&output, 0);
    assert_eq!(stderr(&output), "");

    // Flags win over bao.toml.
    let output = run(bao(dir.path()).args(["codegen", "--out", "elsewhere"]));
    assert_exit(&output, 0);
    assert!(dir.path().join("elsewhere/mod.rs").is_file());
}

/// `--dynamo-bao-fields DIR` writes the custom fields DynamoBao needs for ObjectFields and
/// ListFields; `items` written as a mapping, which DynamoBao's codegen cannot load, is a
/// located error and nothing is written.
#[test]
fn codegen_writes_the_dynamo_bao_fields_and_refuses_what_dynamo_bao_cannot_load() {
    let dir = project();
    let schema = "bao: {compatibility: bao}\nshapes:\n  Address:\n    fields:\n      \
                  city: {type: StringField, required: true}\nmodels:\n  Store:\n    \
                  modelPrefix: st\n    fields:\n      storeId: {type: UlidField}\n      \
                  address: {type: ObjectField, shape: Address}\n      \
                  tags: {type: ListField, items: StringField}\n    \
                  primaryKey: {partitionKey: storeId}\n";
    std::fs::write(dir.path().join("models.yaml"), schema).unwrap();
    let output = run(bao(dir.path()).args(["codegen", "--dynamo-bao-fields", "fields"]));
    assert_exit(&output, 0);
    let fields = dir.path().join("fields");
    let object = std::fs::read_to_string(fields.join("object-field.js")).unwrap();
    assert!(object.contains("exports.ObjectField = "), "{object}");
    let list = std::fs::read_to_string(fields.join("list-field.js")).unwrap();
    assert!(list.contains("exports.ListField = "), "{list}");
    let package = std::fs::read_to_string(fields.join("package.json")).unwrap();
    assert!(package.contains("commonjs"), "{package}");

    let mapping = schema.replace("items: StringField", "items: {type: StringField}");
    std::fs::write(dir.path().join("models.yaml"), mapping).unwrap();
    std::fs::remove_dir_all(&fields).unwrap();
    let output = run(bao(dir.path()).args(["codegen", "--dynamo-bao-fields", "fields"]));
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("error[B059]: `items` of field `tags` of `Store` is a mapping")
            && err.contains("models.yaml:12:"),
        "{err}"
    );
    assert!(!fields.exists(), "nothing is written");
}

#[test]
fn codegen_prints_its_timings_when_asked() {
    let dir = project();
    let output = run(bao(dir.path()).args(["codegen", "--timings"]));
    assert_exit(&output, 0);
    let err = stderr(&output);
    let timings = err
        .lines()
        .find_map(|line| line.trim_start().strip_prefix("Timings "))
        .unwrap_or_else(|| panic!("no timings line in {err}"));
    let stages: Vec<&str> = timings
        .split(", ")
        .filter_map(|stage| stage.split_whitespace().next())
        .collect();
    assert_eq!(stages, ["load+validate", "emit", "write"], "{timings}");
    assert!(timings.ends_with(" ms"), "{timings}");
}

#[test]
fn an_invalid_schema_exits_1_and_writes_nothing() {
    let dir = project();
    std::fs::write(
        dir.path().join("models.yaml"),
        "models:\n  User:\n    modelPrefix: u\n    fields:\n      id: {type: NopeField}\n    primaryKey: {partitionKey: id}\n",
    )
    .expect("write");
    let output = run(bao(dir.path()).arg("codegen"));
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("error[B"), "{err}");
    assert!(err.contains("models.yaml:5:"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    let written = std::fs::read_dir(dir.path().join("src/models"))
        .expect("dir")
        .count();
    assert_eq!(written, 0);
}

#[test]
fn check_passes_when_fresh_and_lists_stale_files() {
    let dir = project();
    let output = run(bao(dir.path()).arg("check"));
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("missing"), "{}", stderr(&output));

    assert_exit(&run(bao(dir.path()).arg("codegen")), 0);
    let output = run(bao(dir.path()).arg("check"));
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("up to date"),
        "{}",
        stderr(&output)
    );

    let user = dir.path().join("src/models/user.rs");
    let mut text = std::fs::read_to_string(&user).expect("user.rs");
    text.push_str("// edited\n");
    std::fs::write(&user, text).expect("edit");
    let output = run(bao(dir.path()).arg("check"));
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("stale    src/models/user.rs"), "{err}");
    assert!(err.contains("bao codegen"), "{err}");
}

#[test]
fn schema_prints_a_json_schema() {
    let dir = temp_dir();
    let output = run(bao(dir.path()).arg("schema"));
    assert_exit(&output, 0);
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert!(schema["$defs"]["model"]["properties"]["uniqueConstraints"].is_object());
    assert_eq!(stderr(&output), "");
}

/// Runs `test` with an in-process DynamoDB serving while `bao` runs in blocking child
/// processes.
fn with_local_dynamodb(test: impl FnOnce(&LocalServer)) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(LocalServer::start()).expect("server");
    test(&server);
    runtime.block_on(server.stop());
}

fn against(command: &mut Command, server: &LocalServer) -> Output {
    run(command.env("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint()))
}

#[test]
fn init_creates_the_table_and_is_idempotent() {
    with_local_dynamodb(|server| {
        let dir = temp_dir();
        let output = against(bao(dir.path()).args(["init", "--table", "app-dev"]), server);
        assert_exit(&output, 0);
        assert!(
            stderr(&output).contains("table `app-dev`: created; TTL enabled on `ttl`"),
            "{}",
            stderr(&output)
        );

        let output = against(bao(dir.path()).args(["table", "describe"]), server);
        assert_exit(&output, 0);
        let described = stdout(&output);
        assert!(described.contains("indexes:  6"), "{described}");
        for index in ["gsi1", "gsi2", "gsi3", "gsi4", "gsi5"] {
            assert!(described.contains(&format!("  {index} ")), "{described}");
        }
        assert!(
            described.contains("iter_index  _iter_pk / _iter_sk  KEYS_ONLY"),
            "{described}"
        );
        assert!(
            described.contains("ttl:      ENABLED on `ttl`"),
            "{described}"
        );
        assert!(
            described.contains("shape:    matches bao's table"),
            "{described}"
        );

        let output = against(
            bao(dir.path()).args(["init", "--force", "--table", "app-dev"]),
            server,
        );
        assert_exit(&output, 0);
        assert!(
            stderr(&output).contains("already up to date"),
            "{}",
            stderr(&output)
        );

        let output = against(bao(dir.path()).args(["table", "create"]), server);
        assert_exit(&output, 0);
        let output = against(bao(dir.path()).args(["table", "update"]), server);
        assert_exit(&output, 0);
        assert!(
            stderr(&output).contains("already up to date"),
            "{}",
            stderr(&output)
        );
    });
}

/// A schema with a searchable model needs `iter_search_index`: `bao table describe` names it
/// as missing from a table made before, and `bao table update` adds it (INCLUDE `_searchText`).
#[test]
fn a_searchable_schema_adds_the_search_index() {
    with_local_dynamodb(|server| {
        let dir = temp_dir();
        let output = against(bao(dir.path()).args(["init", "--table", "app-dev"]), server);
        assert_exit(&output, 0);
        std::fs::write(
            dir.path().join("models.yaml"),
            "models:\n  Note:\n    modelPrefix: n\n    iterable: true\n    fields:\n      \
             noteId: {type: UlidField}\n      text: {type: StringField}\n    primaryKey: \
             {partitionKey: noteId}\n    searchable: {fields: [text]}\n",
        )
        .expect("writes the schema");
        let output = against(bao(dir.path()).args(["table", "describe"]), server);
        assert!(
            stdout(&output).contains("index iter_search_index is missing"),
            "{}",
            stdout(&output)
        );
        let output = against(bao(dir.path()).args(["table", "update"]), server);
        assert_exit(&output, 0);
        let output = against(bao(dir.path()).args(["table", "describe"]), server);
        let described = stdout(&output);
        assert!(
            described.contains("iter_search_index  _iter_pk / _iter_sk  INCLUDE(_searchText)"),
            "{described}"
        );
        assert!(
            described.contains("shape:    matches bao's table"),
            "{described}"
        );
    });
}

/// `bao rebuild-search-text MODEL` repairs the text of items stored without it (as by a writer
/// that predates `searchable`) and says how many; a model that is not searchable is a usage
/// error naming the searchable ones.
#[test]
fn rebuild_search_text_repairs_items_and_reports_them() {
    with_local_dynamodb(|server| {
        use aws_sdk_dynamodb::types::AttributeValue;
        let dir = temp_dir();
        std::fs::write(
            dir.path().join("models.yaml"),
            "models:\n  Note:\n    modelPrefix: n\n    iterable: true\n    iterationBuckets: 1\n    \
             fields:\n      noteId: {type: StringField}\n      text: {type: StringField}\n    \
             primaryKey: {partitionKey: noteId}\n    searchable: {fields: [text]}\n  Plain:\n    \
             modelPrefix: p\n    fields:\n      id: {type: StringField}\n    primaryKey: \
             {partitionKey: id}\n",
        )
        .expect("writes the schema");
        let output = against(bao(dir.path()).args(["init", "--table", "notes"]), server);
        assert_exit(&output, 0);
        let client = server.client();
        let s = |text: &str| AttributeValue::S(text.to_owned());
        let put = client
            .put_item()
            .table_name("notes")
            .item("_pk", s("n#1"))
            .item("_sk", s("n"))
            .item("_iter_pk", s("n#iter"))
            .item("_iter_sk", s("1"))
            .item("noteId", s("1"))
            .item("text", s("Hello, Search!"))
            .send();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(put)
            .expect("puts an item without search text");

        let output = against(
            bao(dir.path()).args(["rebuild-search-text", "Note"]),
            server,
        );
        assert_exit(&output, 0);
        assert!(
            stderr(&output).contains("Note: 1 items read, 1 rewritten"),
            "{}",
            stderr(&output)
        );
        let output = against(
            bao(dir.path()).args(["rebuild-search-text", "Note"]),
            server,
        );
        assert!(
            stderr(&output).contains("1 items read, 0 rewritten"),
            "{}",
            stderr(&output)
        );

        let output = against(
            bao(dir.path()).args(["rebuild-search-text", "Plain"]),
            server,
        );
        assert_exit(&output, 1);
        assert!(
            stderr(&output).contains("is not searchable"),
            "{}",
            stderr(&output)
        );
    });
}

#[test]
fn a_table_of_the_wrong_shape_exits_1() {
    with_local_dynamodb(|server| {
        use aws_sdk_dynamodb::types::{
            AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
        };
        let client = server.client();
        let create = client
            .create_table()
            .table_name("wrong")
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("id")
                    .key_type(KeyType::Hash)
                    .build()
                    .expect("key"),
            )
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .expect("attribute"),
            )
            .send();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(create)
            .expect("create by hand");

        let dir = temp_dir();
        for args in [
            &["init", "--table", "wrong"][..],
            &["table", "create", "--table", "wrong"],
            &["table", "update", "--table", "wrong"],
        ] {
            let output = against(bao(dir.path()).args(args), server);
            assert_exit(&output, 1);
            let err = stderr(&output);
            assert!(
                err.contains("table `wrong`: exists with a different shape from bao's: key is id"),
                "{args:?}: {err}"
            );
        }
        let output = against(
            bao(dir.path()).args(["table", "describe", "--table", "wrong"]),
            server,
        );
        assert_exit(&output, 0);
        assert!(
            stdout(&output).contains("differs from bao's table"),
            "{}",
            stdout(&output)
        );
    });
}

#[test]
fn an_unreachable_dynamodb_exits_2() {
    let dir = temp_dir();
    let output = run(bao(dir.path()).args([
        "table",
        "describe",
        "--table",
        "app",
        "--endpoint",
        "http://127.0.0.1:9",
    ]));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("DescribeTable"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn codegen_keeps_bao_lock_and_refuses_breaking_changes_until_accepted() {
    let dir = project();
    assert_exit(&run(bao(dir.path()).arg("codegen")), 0);
    let lock = dir.path().join("bao.lock");
    let recorded = std::fs::read_to_string(&lock).expect("codegen writes bao.lock");
    let schema = dir.path().join("models.yaml");
    let text = std::fs::read_to_string(&schema).expect("models.yaml");
    let (head, tail) = text.split_once("modelPrefix: ").expect("a modelPrefix");
    let (prefix, rest) = tail.split_once('\n').expect("a line");
    std::fs::write(&schema, format!("{head}modelPrefix: {prefix}x\n{rest}")).expect("write");

    for command in ["codegen", "check"] {
        let output = run(bao(dir.path()).arg(command));
        assert_exit(&output, 1);
        let err = stderr(&output);
        assert!(
            err.contains("error[B053]") && err.contains("--accept-breaking"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_to_string(&lock).unwrap(), recorded);

    let output = run(bao(dir.path()).args(["codegen", "--accept-breaking"]));
    assert_exit(&output, 0);
    let err = stderr(&output);
    assert!(
        err.contains("warning[B053]") && err.contains("bao.lock updated"),
        "{err}"
    );
    assert_exit(&run(bao(dir.path()).arg("check")), 0);
}

/// Notes stored before `iterable` and the `byTopic` index were added: no derived attributes.
const NOTES: &str = "models:\n  Note:\n    modelPrefix: n\n    iterable: true\n    fields:\n      \
                     noteId: {type: StringField}\n      topic: {type: StringField}\n    \
                     primaryKey: {partitionKey: noteId}\n    indexes:\n      byTopic: \
                     {partitionKey: topic, sortKey: noteId, indexId: gsi1}\n";

/// Stores `count` notes the way a writer that predates the index would, in batches of 25.
fn put_old_notes(server: &LocalServer, table: &str, count: usize) {
    use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
    let client = server.client();
    let s = |text: String| AttributeValue::S(text);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ids: Vec<usize> = (0..count).collect();
    for chunk in ids.chunks(25) {
        let writes = chunk
            .iter()
            .map(|n| {
                let put = PutRequest::builder()
                    .item("_pk", s(format!("n#{n:04}")))
                    .item("_sk", s("n".to_owned()))
                    .item("noteId", s(format!("{n:04}")))
                    .item("topic", s(format!("t{}", n % 4)))
                    .build()
                    .expect("put");
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        let batch = client
            .batch_write_item()
            .request_items(table, writes)
            .send();
        runtime.block_on(batch).expect("stores the notes");
    }
}

/// How many notes carry the `byTopic` keys.
fn indexed_notes(server: &LocalServer, table: &str) -> usize {
    let client = server.client();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut count = 0;
    let mut start = None;
    loop {
        let scan = client
            .scan()
            .table_name(table)
            .filter_expression("attribute_exists(#k)")
            .expression_attribute_names("#k", "_gsi1_pk")
            .set_exclusive_start_key(start)
            .send();
        let page = runtime.block_on(scan).expect("scans");
        count += page.count() as usize;
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => return count,
        }
    }
}

/// `bao reindex`: a dry run counts and writes nothing; Ctrl-C stops a run after the page under
/// way (exit 130, checkpoint kept); the same command resumes from the checkpoint and ends with
/// every item written exactly once (the counts of both runs add up to the items); the
/// checkpoint is removed.
#[cfg(unix)]
#[test]
fn reindex_counts_stops_on_ctrl_c_and_resumes() {
    with_local_dynamodb(|server| {
        const ITEMS: usize = 600;
        let dir = temp_dir();
        std::fs::write(dir.path().join("models.yaml"), NOTES).expect("writes the schema");
        assert_exit(
            &against(bao(dir.path()).args(["init", "--table", "notes"]), server),
            0,
        );
        put_old_notes(server, "notes", ITEMS);
        let reindex = ["reindex", "Note", "--scan", "--segments", "1"];

        let output = against(bao(dir.path()).args(reindex).arg("--dry-run"), server);
        assert_exit(&output, 0);
        let err = stderr(&output);
        assert!(
            err.contains("Note: 600 items read, 600 to rewrite, 0 unchanged"),
            "{err}"
        );
        assert_eq!(
            indexed_notes(server, "notes"),
            0,
            "a dry run writes nothing"
        );

        let checkpoint = dir.path().join(".bao-reindex-Note.checkpoint.json");
        assert!(!checkpoint.exists(), "a dry run keeps no checkpoint");
        // 300 writes a second: two pages of 100 a second, so Ctrl-C lands half way.
        let child = bao(dir.path())
            .args(reindex)
            .args(["--max-wcu", "300"])
            .env("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("bao starts");
        let waited = std::time::Instant::now();
        while !checkpoint.exists() {
            assert!(waited.elapsed().as_secs() < 30, "no checkpoint after 30 s");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("SIGINT is sent");
        let output = child.wait_with_output().expect("bao stops");
        assert_exit(&output, 130);
        let err = stderr(&output);
        assert!(err.contains("resume from"), "{err}");
        assert!(checkpoint.exists(), "the checkpoint is kept");
        let first = indexed_notes(server, "notes");
        assert!(
            first > 0 && first < ITEMS,
            "{first} of {ITEMS} written before the stop"
        );

        let output = against(bao(dir.path()).args(reindex), server);
        assert_exit(&output, 0);
        let err = stderr(&output);
        assert!(err.contains("Resuming"), "{err}");
        assert!(
            err.contains("Note: 600 items read, 600 rewritten, 0 unchanged"),
            "each item written once across both runs: {err}"
        );
        assert_eq!(indexed_notes(server, "notes"), ITEMS);
        assert!(!checkpoint.exists(), "removed once done");

        // Without --scan, a walk of the buckets: every item has iteration keys now.
        let output = against(bao(dir.path()).args(["reindex", "Note"]), server);
        assert_exit(&output, 0);
        let err = stderr(&output);
        assert!(
            err.contains("Note: 600 items read, 0 rewritten, 600 unchanged"),
            "{err}"
        );

        let output = against(
            bao(dir.path()).args(["reindex", "Note", "--index", "byNope"]),
            server,
        );
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("its indexes are: byTopic"),
            "{}",
            stderr(&output)
        );
    });
}

/// `bao backfill-unique`: the constraint items of stored values, and the duplicates listed
/// with the item that owns the value (exit 1), nothing overwritten.
#[test]
fn backfill_unique_lists_duplicates() {
    with_local_dynamodb(|server| {
        let dir = temp_dir();
        let schema = format!(
            "{NOTES}    uniqueConstraints:\n      uniqueTopic: {{field: topic, uniqueConstraintId: uc1}}\n"
        );
        std::fs::write(dir.path().join("models.yaml"), schema).expect("writes the schema");
        assert_exit(
            &against(bao(dir.path()).args(["init", "--table", "notes"]), server),
            0,
        );
        put_old_notes(server, "notes", 6);

        let output = against(
            bao(dir.path()).args(["backfill-unique", "Note", "uniqueTopic", "--scan"]),
            server,
        );
        assert_exit(&output, 1);
        let err = stderr(&output);
        assert!(err.contains("Note: 6 items read, 4 created"), "{err}");
        assert!(err.contains("2 of Note could not be migrated"), "{err}");
        // Scan order decides which of two notes of a topic owns it; the other is listed.
        for (topic, notes) in [("t0", ["0000", "0004"]), ("t1", ["0001", "0005"])] {
            let listed = notes.iter().any(|loser| {
                let owner = notes.iter().find(|note| *note != loser).unwrap();
                err.contains(&format!(
                    "  {loser}: duplicate: uniqueTopic `{topic}` of `topic` is owned by Note \
                     `{owner}`"
                ))
            });
            assert!(listed, "{err}");
        }

        let output = against(
            bao(dir.path()).args(["backfill-unique", "Note", "uniqueNope"]),
            server,
        );
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains("its constraints are: uniqueTopic"),
            "{}",
            stderr(&output)
        );
    });
}

/// `bao check --dynamo-bao` refuses the extensions a Node service writing the table ignores;
/// plain `bao check` accepts them (codegen warned of them once).
#[test]
fn check_dynamo_bao_refuses_extensions_node_ignores() {
    let dir = project();
    let schema = dir.path().join("models.yaml");
    let text = std::fs::read_to_string(&schema).expect("models.yaml");
    let (head, tail) = text.split_once("modelPrefix: ").expect("a modelPrefix");
    let (prefix, rest) = tail.split_once('\n').expect("a line");
    let extended = format!(
        "{head}modelPrefix: {prefix}\n    fields:\n      mood: {{type: StringField, values: [calm, busy]}}\n{}",
        rest.split_once("fields:\n").expect("fields").1
    );
    std::fs::write(&schema, extended).expect("write");
    let output = run(bao(dir.path()).arg("codegen"));
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("warning[B058]"),
        "{}",
        stderr(&output)
    );
    assert_exit(&run(bao(dir.path()).arg("check")), 0);
    let output = run(bao(dir.path()).args(["check", "--dynamo-bao"]));
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(
        err.contains("error[B059]") && err.contains("`values` of field `mood`"),
        "{err}"
    );
}

/// A migration flag that would have no effect is refused, not ignored: `--segments` without
/// `--scan`, and a write budget or a checkpoint for a dry run, which writes nothing.
#[test]
fn migration_flags_without_effect_are_refused() {
    let dir = temp_dir();
    for args in [
        &["reindex", "Note", "--segments", "8"][..],
        &["reindex", "Note", "--dry-run", "--max-wcu", "10"],
        &[
            "backfill-unique",
            "Note",
            "uniqueX",
            "--dry-run",
            "--checkpoint",
            "c.json",
        ],
    ] {
        let output = run(bao(dir.path()).args(args));
        assert_exit(&output, 2);
        let err = stderr(&output);
        assert!(
            err.contains("--scan") || err.contains("cannot be used with"),
            "{args:?}: {err}"
        );
    }
}
