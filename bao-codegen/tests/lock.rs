//! `bao.lock` against fixture schema changes.
//!
//! Each directory under `tests/fixtures/lock` is one change: `before.yaml` is the schema the
//! lock was written from (or `bao.lock` is given as is), `after.yaml` the changed schema. Its
//! first line announces the diagnostics the change must produce, in order:
//! `# expect: B052 9:7, B053 bao.lock 20:5` (code, the file when it is not the schema, line
//! and column); `# expect:` alone means the change affects no stored item. The rendered
//! diagnostics are compared with insta snapshots.

use std::path::Path;

use bao_codegen::diagnostic::{Diagnostic, Diagnostics};
use bao_codegen::lock::{self, Lock};
use bao_codegen::validate::validate_source;
use bao_codegen::{Builder, Error};

const FIXTURES: &str = "tests/fixtures/lock";

/// `(code, file, line, column)` of each announced diagnostic.
type Expectation = (String, String, usize, usize);

fn expectations(header: &str, case: &str) -> Vec<Expectation> {
    let list = header
        .strip_prefix("# expect:")
        .unwrap_or_else(|| panic!("{case}: the first line must be `# expect: ...`"));
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let words: Vec<&str> = item.split(' ').collect();
            let (code, file, position) = match words[..] {
                [code, position] => (code, "models.yaml", position),
                [code, file, position] => (code, file, position),
                _ => panic!("{case}: cannot parse the expectation `{item}`"),
            };
            let (line, column) = position
                .split_once(':')
                .and_then(|(line, column)| Some((line.parse().ok()?, column.parse().ok()?)))
                .unwrap_or_else(|| panic!("{case}: cannot parse the position `{position}`"));
            (code.to_owned(), file.to_owned(), line, column)
        })
        .collect()
}

fn located(diagnostic: &Diagnostic) -> Expectation {
    let label = diagnostic
        .primary()
        .unwrap_or_else(|| panic!("`{}` has no location", diagnostic.message()));
    (
        diagnostic.code().to_string(),
        label.file().to_owned(),
        label.line(),
        label.column(),
    )
}

/// The lock a case starts from: written from `before.yaml`, or given as `bao.lock`.
fn previous_lock(dir: &Path, case: &str) -> Result<Lock, Diagnostics> {
    let given = dir.join(lock::FILE_NAME);
    if given.exists() {
        let text = std::fs::read_to_string(&given).expect("the given lock");
        return Lock::parse(lock::FILE_NAME, &text);
    }
    let before = std::fs::read_to_string(dir.join("before.yaml")).expect("before.yaml");
    let validated = validate_source("models.yaml", &before)
        .unwrap_or_else(|diagnostics| panic!("{case}: before.yaml is invalid\n{diagnostics}"));
    // Compared as read back from its text, as `bao check` reads it.
    let text = Lock::of(&validated.schema).render();
    Lock::parse(lock::FILE_NAME, &text).map_err(|diagnostics| {
        panic!("{case}: a written lock does not read back: {diagnostics}\n{text}")
    })
}

fn cases() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .expect("the lock fixtures")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    cases.sort();
    cases
}

#[test]
fn each_change_reports_the_announced_diagnostics() {
    let cases = cases();
    assert!(cases.len() >= 12, "only {} lock cases", cases.len());
    for dir in cases {
        let case = dir.file_name().and_then(|n| n.to_str()).unwrap().to_owned();
        let after = std::fs::read_to_string(dir.join("after.yaml")).expect("after.yaml");
        let header = after.lines().next().unwrap_or_default();
        let diagnostics = match previous_lock(&dir, &case) {
            Ok(previous) => {
                let validated = validate_source("models.yaml", &after).unwrap_or_else(|d| {
                    panic!("{case}: after.yaml is invalid\n{d}");
                });
                let refused = lock::compare(&previous, &validated, false);
                // Accepted, the same changes are warnings.
                let accepted = lock::compare(&previous, &validated, true);
                assert_eq!(accepted.len(), refused.len(), "{case}");
                assert!(accepted.iter().all(|d| !d.is_error()), "{case}");
                assert!(refused.iter().all(Diagnostic::is_error), "{case}");
                Diagnostics::new(refused)
            }
            Err(unreadable) => unreadable,
        };
        let rendered = diagnostics.render(false);
        let actual: Vec<Expectation> = diagnostics.iter().map(located).collect();
        assert_eq!(actual, expectations(header, &case), "{case}:\n{rendered}");
        for diagnostic in &diagnostics {
            let help = diagnostic.help().unwrap_or_default();
            assert!(
                diagnostic.code().as_str() == "B055" || help.contains("--accept-breaking"),
                "{case}: the help of `{}` does not say how to accept it",
                diagnostic.message()
            );
        }
        if !diagnostics.is_empty() {
            insta::with_settings!({ description => format!("{FIXTURES}/{case}"), omit_expression => true }, {
                insta::assert_snapshot!(format!("lock_{case}"), rendered);
            });
        }
    }
}

/// The lock of every good fixture reads back as itself, and its text is stable.
#[test]
fn a_written_lock_reads_back_unchanged() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = std::fs::read_to_string(root.join("../models.yaml")).expect("models.yaml");
    let validated = validate_source("models.yaml", &schema).expect("the root schema is valid");
    let lock = Lock::of(&validated.schema);
    let text = lock.render();
    let read = Lock::parse("bao.lock", &text).expect("reads back");
    assert_eq!(read.render(), text);
    assert!(lock::compare(&read, &validated, false).is_empty());
    // The committed lock of the root schema is what codegen writes for it.
    let committed = std::fs::read_to_string(root.join("../bao.lock")).expect("the root bao.lock");
    assert_eq!(committed, text, "run `bao codegen` to refresh bao.lock");
}

/// Through the builder: a breaking change writes nothing (neither code nor lock), is
/// accepted on request, and `check` reports a lock that is missing or stale.
#[test]
fn the_builder_refuses_breaking_changes_until_accepted() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    let schema = dir.path().join("models.yaml");
    let out = dir.path().join("models");
    let lock_path = dir.path().join(lock::FILE_NAME);
    let builder = |accept: bool| {
        let mut builder = Builder::new(&schema);
        builder
            .out_dir(&out)
            .lock_file(&lock_path)
            .accept_breaking(accept);
        builder
    };
    let copy = |name: &str| {
        let text = std::fs::read_to_string(cases.join("index_added").join(name)).unwrap();
        std::fs::write(&schema, text).unwrap();
    };

    copy("before.yaml");
    let report = builder(false).check(&out).unwrap();
    assert!(report.missing.contains(&lock_path), "{report:?}");
    builder(false).write_to(&out).unwrap();
    let first = std::fs::read_to_string(&lock_path).expect("codegen writes the lock");
    assert!(builder(false).check(&out).unwrap().is_fresh());

    copy("after.yaml");
    let note = std::fs::read_to_string(out.join("note.rs")).unwrap();
    for refused in [
        builder(false).write_to(&out).err(),
        builder(false).check(&out).err(),
    ] {
        match refused {
            Some(Error::Invalid(diagnostics)) => {
                assert_eq!(diagnostics.iter().next().unwrap().code().as_str(), "B052");
            }
            other => panic!("not refused: {other:?}"),
        }
    }
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), first);
    assert_eq!(std::fs::read_to_string(out.join("note.rs")).unwrap(), note);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|name| name.ends_with(".rs")),
        "no temporary is left: {names:?}"
    );

    let summary = builder(true).write_to(&out).unwrap();
    let accepted: Vec<&str> = summary.warnings.iter().map(|d| d.code().as_str()).collect();
    assert_eq!(accepted, ["B052"]);
    assert_ne!(std::fs::read_to_string(&lock_path).unwrap(), first);
    assert_ne!(std::fs::read_to_string(out.join("note.rs")).unwrap(), note);
    assert!(builder(false).check(&out).unwrap().is_fresh());

    // A harmless change only makes the lock stale.
    let harmless = std::fs::read_to_string(&schema).unwrap().replace(
        "      views: {type: IntegerField}\n",
        "      views: {type: IntegerField}\n      summary: {type: StringField}\n",
    );
    std::fs::write(&schema, harmless).unwrap();
    let report = builder(false).check(&out).unwrap();
    assert!(report.stale.contains(&lock_path), "{report:?}");
    builder(false).write_to(&out).unwrap();
    assert!(builder(false).check(&out).unwrap().is_fresh());
}

/// `compile()` (build.rs) keeps the lock as `write_to` does: written, and refusing a breaking
/// change.
#[test]
fn compile_keeps_the_lock_too() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    let schema = dir.path().join("models.yaml");
    let lock_path = dir.path().join(lock::FILE_NAME);
    let compile = || {
        let mut builder = Builder::new(&schema);
        builder
            .out_dir(dir.path())
            .lock_file(&lock_path)
            .emit_rerun_if_changed(false);
        builder.compile()
    };
    let copy = |name: &str| {
        let text = std::fs::read_to_string(cases.join("index_added").join(name)).unwrap();
        std::fs::write(&schema, text).unwrap();
    };
    copy("before.yaml");
    compile().unwrap();
    let first = std::fs::read_to_string(&lock_path).expect("compile writes the lock");
    copy("after.yaml");
    assert!(matches!(compile(), Err(Error::Invalid(_))));
    assert_eq!(std::fs::read_to_string(&lock_path).unwrap(), first);
}
