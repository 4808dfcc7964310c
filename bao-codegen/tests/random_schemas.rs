//! Property tests over random valid schemas: the templates' output is final code. Every file
//! bao generates is exactly what prettyplease prints for it (so it parses, and formatting it
//! changes nothing), whatever the names, field types, keys, indexes and relations; and the
//! render cache of `bao watch` never changes what is generated.
//!
//! A failing case is shrunk and printed as the models.yaml that produces it.

use crate::support::random_schema;

use proptest::prelude::*;
use proptest::test_runner::Config;

proptest! {
    #![proptest_config(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn generated_code_is_what_prettyplease_prints(text in random_schema::schema()) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let schema = dir.path().join("models.yaml");
        std::fs::write(&schema, &text).expect("writes the schema");
        let printed = bao_codegen::Builder::new(&schema).generate();
        let printed = printed.map_err(|error| fail(&error, &text))?;
        let formatted = bao_codegen::Builder::new(&schema).format(true).generate();
        let formatted = formatted.map_err(|error| fail(&error, &text))?;
        for (file, code) in printed.files() {
            prop_assert_eq!(
                code,
                &formatted.files()[file],
                "{} differs from prettyplease's layout for this models.yaml:\n{}",
                file,
                text
            );
        }
    }
}

proptest! {
    #![proptest_config(Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    })]

    /// `bao watch` reuses the views and modules of unchanged models: after generating one
    /// random schema, generating another with the same cache (models of the same names, other
    /// contents) gives exactly what a fresh generation gives.
    #[test]
    fn a_reused_render_cache_changes_nothing(
        first in random_schema::schema(),
        second in random_schema::schema(),
    ) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let schema = dir.path().join("models.yaml");
        let cache = std::sync::Arc::new(bao_codegen::RenderCache::default());
        std::fs::write(&schema, &first).expect("writes the schema");
        bao_codegen::Builder::new(&schema)
            .render_cache(cache.clone())
            .generate()
            .map_err(|error| fail(&error, &first))?;
        std::fs::write(&schema, &second).expect("writes the schema");
        let cached = bao_codegen::Builder::new(&schema)
            .render_cache(cache)
            .generate()
            .map_err(|error| fail(&error, &second))?;
        let fresh = bao_codegen::Builder::new(&schema)
            .generate()
            .map_err(|error| fail(&error, &second))?;
        prop_assert_eq!(
            cached.files(),
            fresh.files(),
            "a cache primed by\n{}\nchanged the output of\n{}",
            first,
            second
        );
    }
}

fn fail(error: &bao_codegen::Error, schema: &str) -> TestCaseError {
    let diagnostics = match error {
        bao_codegen::Error::Invalid(diagnostics) => diagnostics.to_string(),
        error => error.to_string(),
    };
    TestCaseError::fail(format!("{diagnostics}\nfor this models.yaml:\n{schema}"))
}

/// How many of 64 random schemas hold `text`.
fn schemas_with(text: &str) -> usize {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = random_schema::schema();
    (0..64)
        .filter(|_| {
            let tree = strategy.new_tree(&mut runner).expect("a schema");
            tree.current().contains(text)
        })
        .count()
}

/// The random schemas reach the newer field types too: enums (`values`), shapes held by
/// ObjectFields, lists of shapes and of field mappings.
#[test]
fn random_schemas_include_enums_shapes_and_lists() {
    for (text, at_least) in [
        ("values: [", 8),
        ("type: ObjectField, shape: ", 8),
        ("type: ListField", 8),
        ("items: {type: StringField", 4),
    ] {
        let count = schemas_with(text);
        assert!(
            count >= at_least,
            "only {count} of 64 schemas hold `{text}`"
        );
    }
}
