//! `pattern` checks of string fields, each regular expression compiled once per process.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock, PoisonError};

use regex_lite::Regex;

/// Whether `text` matches `pattern` somewhere (a `^...$` pattern: as a whole). The schema
/// compiler checked the pattern; one that does not compile is an error naming it.
pub(crate) fn matches(pattern: &'static str, text: &str) -> Result<bool, String> {
    static COMPILED: OnceLock<Mutex<HashMap<&'static str, Regex>>> = OnceLock::new();
    let mut compiled = COMPILED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let regex = match compiled.get(pattern) {
        Some(regex) => regex,
        None => {
            let regex = Regex::new(pattern)
                .map_err(|error| format!("the pattern `{pattern}` does not compile: {error}"))?;
            compiled.entry(pattern).or_insert(regex)
        }
    };
    Ok(regex.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_anywhere_unless_anchored() {
        assert_eq!(matches("[0-9]+", "abc123"), Ok(true));
        assert_eq!(matches("^[0-9]+$", "abc123"), Ok(false));
        assert_eq!(matches("^[a-z]{2}-[0-9]{3}$", "ab-123"), Ok(true));
        assert!(matches("(", "x").is_err());
    }
}
