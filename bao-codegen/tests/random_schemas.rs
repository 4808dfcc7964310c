//! Property test over random valid schemas: the templates' output is final code. Every file
//! bao generates is exactly what prettyplease prints for it (so it parses, and formatting it
//! changes nothing), whatever the names, field types, keys, indexes and relations.
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

fn fail(error: &bao_codegen::Error, schema: &str) -> TestCaseError {
    let diagnostics = match error {
        bao_codegen::Error::Invalid(diagnostics) => diagnostics.to_string(),
        error => error.to_string(),
    };
    TestCaseError::fail(format!("{diagnostics}\nfor this models.yaml:\n{schema}"))
}
