//! The schema compiler's front half against fixture schemas.
//!
//! Every bad schema under `tests/fixtures/err` (a `*.yaml` file, or a directory of them) is
//! rendered without colour and compared with its insta snapshot. Its first line announces the
//! diagnostics it must produce, in order: `# expect: B004 12:22, B014 20:5` (code, line and
//! column of each primary label). Every good schema under `tests/fixtures/ok` and
//! `tests/fixtures/ports` must validate without a warning.

use std::path::{Path, PathBuf};

use bao_codegen::diagnostic::{Code, Diagnostics};
use bao_codegen::ir::{FieldType, KeyPart, QueryReceiver};
use bao_codegen::validate::{Validated, load_and_validate, validate_source};

const FIXTURES: &str = "tests/fixtures";

/// The entries of a fixture directory, sorted.
fn entries(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join(dir);
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_dir() || path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    entries.sort();
    entries
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|stem| stem.to_str())
        .expect("a UTF-8 file name")
        .to_owned()
}

/// Validates a fixture file or directory. Diagnostics name files relative to the crate root
/// so that snapshots do not depend on where the repository is checked out.
fn validate(path: &Path) -> (Result<Validated, Diagnostics>, String) {
    let relative = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .expect("fixtures live in the crate");
    if path.is_dir() {
        let first = std::fs::read_dir(path)
            .expect("a fixture directory")
            .map(|entry| entry.expect("a directory entry").path())
            .min()
            .expect("a non-empty fixture directory");
        let header = std::fs::read_to_string(first).expect("a fixture file");
        let previous = std::env::current_dir().expect("a working directory");
        assert_eq!(
            previous,
            Path::new(env!("CARGO_MANIFEST_DIR")),
            "cargo runs tests in the crate root"
        );
        (load_and_validate(relative), header)
    } else {
        let text = std::fs::read_to_string(path).expect("a fixture file");
        let name = relative
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a file name");
        (validate_source(name, &text), text)
    }
}

/// Parses `# expect: B004 12:22, B014 20:5` into `[("B004", 12, 22), ("B014", 20, 5)]`.
fn expectations(text: &str, fixture: &str) -> Vec<(String, usize, usize)> {
    let header = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# expect: "))
        .unwrap_or_else(|| {
            panic!("{fixture}: the first line must be `# expect: CODE LINE:COL, ...`")
        });
    header
        .split(',')
        .map(|item| {
            let parse = || {
                let (code, position) = item.trim().split_once(' ')?;
                let (line, column) = position.split_once(':')?;
                Some((code.to_owned(), line.parse().ok()?, column.parse().ok()?))
            };
            parse().unwrap_or_else(|| panic!("{fixture}: cannot parse the expectation `{item}`"))
        })
        .collect()
}

#[test]
fn bad_schemas_report_the_announced_diagnostics() {
    let fixtures = entries("err");
    assert!(fixtures.len() >= 40, "only {} bad fixtures", fixtures.len());
    for path in fixtures {
        let name = stem(&path);
        let (result, text) = validate(&path);
        let warnings_only = name.starts_with("warn_");
        let diagnostics = match result {
            Ok(loaded) => {
                assert!(warnings_only, "{name}: the schema validated but should not");
                Diagnostics::new(loaded.warnings)
            }
            Err(diagnostics) => {
                assert!(
                    !warnings_only,
                    "{name}: expected warnings only\n{diagnostics}"
                );
                diagnostics
            }
        };
        let rendered = diagnostics.render(false);
        let actual: Vec<(String, usize, usize)> = diagnostics
            .iter()
            .map(|diagnostic| {
                let label = diagnostic.primary().unwrap_or_else(|| {
                    panic!("{name}: `{}` has no location", diagnostic.message())
                });
                (diagnostic.code().to_string(), label.line(), label.column())
            })
            .collect();
        assert_eq!(actual, expectations(&text, &name), "{name}:\n{rendered}");
        for diagnostic in &diagnostics {
            let message = diagnostic.message();
            assert!(
                !message.ends_with('.'),
                "{name}: `{message}` ends with a period"
            );
            let first_word = message.split(' ').next().unwrap_or_default();
            assert!(
                !message.starts_with(char::is_uppercase) || first_word.ends_with("Field"),
                "{name}: `{message}` starts with a capital"
            );
        }
        let description = format!(
            "{FIXTURES}/err/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        );
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

#[test]
fn every_code_has_a_bad_fixture() {
    let mut announced = std::collections::BTreeSet::new();
    for path in entries("err") {
        let name = stem(&path);
        let (_, text) = validate(&path);
        announced.extend(
            expectations(&text, &name)
                .into_iter()
                .map(|(code, _, _)| code),
        );
    }
    // The codes of `bao.lock` changes are announced by the lock fixtures (tests/lock.rs).
    let lock_cases = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join("lock");
    for case in std::fs::read_dir(lock_cases).expect("the lock fixtures") {
        let after = case.expect("a lock case").path().join("after.yaml");
        let text = std::fs::read_to_string(after).expect("after.yaml");
        let header = text.lines().next().unwrap_or_default();
        announced.extend(
            header
                .split([' ', ','])
                .filter(|word| word.len() == 4 && word.starts_with('B'))
                .map(str::to_owned),
        );
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|code| code.as_str())
        // Unreadable files have no location; `load`'s unit tests cover them.
        .filter(|code| *code != Code::Io.as_str() && !announced.contains(*code))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a bad fixture: {missing:?}"
    );
}

#[test]
fn every_code_is_documented() {
    let docs_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md");
    let docs = std::fs::read_to_string(&docs_path).expect("docs/diagnostics.md");
    for code in Code::ALL {
        let heading = format!("## {code}: {}\n", code.title());
        assert!(
            docs.contains(&heading),
            "docs/diagnostics.md lacks `{}`",
            heading.trim_end()
        );
    }
    let headings = docs.lines().filter(|line| line.starts_with("## B")).count();
    assert_eq!(
        headings,
        Code::ALL.len(),
        "docs/diagnostics.md documents unknown codes"
    );
}

#[test]
fn good_schemas_validate_without_warnings() {
    let mut types = std::collections::BTreeSet::new();
    let fixtures = entries("ok");
    assert!(fixtures.len() >= 3);
    let ports = entries("ports");
    assert!(
        ports.len() >= 13,
        "only {} DynamoBao-style ports",
        ports.len()
    );
    let port_names: Vec<String> = ports.iter().map(|path| stem(path)).collect();
    for path in fixtures.into_iter().chain(ports) {
        let name = stem(&path);
        let (result, _) = validate(&path);
        let loaded = result.unwrap_or_else(|diagnostics| panic!("{name}:\n{diagnostics}"));
        // A port keeps what its DynamoBao project wrote; the warnings it may get say how two
        // colliding queries were named, and that integer sort keys order negative values
        // wrongly (as they do in DynamoBao).
        let expected = |warning: &bao_codegen::diagnostic::Diagnostic| {
            port_names.contains(&name)
                && matches!(
                    warning.code(),
                    Code::MethodsRenamed | Code::UnsortableSortKey
                )
        };
        assert!(
            loaded.warnings.iter().all(expected),
            "{name}:\n{}",
            Diagnostics::new(loaded.warnings)
        );
        for model in &loaded.schema.models {
            types.extend(
                model
                    .fields
                    .iter()
                    .map(|field| format!("{:?}", field.field_type)),
            );
        }
    }
    assert_eq!(
        types.len(),
        bao_codegen::field_types::FIELD_TYPES.len(),
        "the ok fixtures cover every field type: {types:?}"
    );
}

#[test]
fn the_blog_fixture_resolves_like_dynamo_bao() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join("ok/blog.yaml");
    let (result, _) = validate(&path);
    let schema = result.expect("a valid schema").schema;
    let user = schema.model("User").expect("User");
    assert_eq!(user.doc.as_deref(), Some("A user of the app."));
    assert_eq!(user.fields[0].doc.as_deref(), Some("Assigned on create."));
    assert_eq!(user.fields[3].rust_name, "profile_picture_url");
    assert!(!user.fields[3].required);
    assert_eq!(user.methods.finders[0].method, "find_by_email");
    let queries: Vec<(&str, QueryReceiver)> = user
        .methods
        .queries
        .iter()
        .map(|query| (query.method.as_str(), query.receiver.clone()))
        .collect();
    assert_eq!(
        queries,
        [
            ("query_by_role", QueryReceiver::Value("role".into())),
            ("query_posts", QueryReceiver::Instance)
        ]
    );
    let post = schema.model("Post").expect("Post");
    assert_eq!(post.primary_key.partition, KeyPart::Field("postId".into()));
    assert_eq!(post.primary_key.sort, KeyPart::ModelPrefix);
    assert_eq!(post.indexes[1].gsi, Some(2));
    assert_eq!(post.methods.related[0].method, "get_user");
    assert_eq!(post.fields[5].field_type, FieldType::VersionField);
    assert!(post.fields[5].required, "a VersionField is always required");
}
