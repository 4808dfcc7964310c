//! Arbitrary bytes through the front half of the schema compiler (load and validate, what
//! `bao check` and `bao codegen` run before generating): no input may panic, a rejected
//! schema carries at least one located error, and every diagnostic renders.

#![no_main]

use bao_codegen::validate::validate_source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A file that is not UTF-8 is refused before parsing (`load::load_path`).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match validate_source("models.yaml", text) {
        Ok(loaded) => assert!(!loaded.schema.models.is_empty()),
        Err(diagnostics) => {
            assert!(diagnostics.has_errors(), "an Err holds an error");
            assert!(
                diagnostics
                    .iter()
                    .any(|d| d.is_error() && d.primary().is_some()),
                "an error has a location:\n{diagnostics}"
            );
            assert!(diagnostics.render(false).contains("error["));
        }
    }
});
