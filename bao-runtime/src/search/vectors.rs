//! DynamoBao's search vectors (`tests/data/search-vectors.json`), for the runtime's tests and
//! the end-to-end suite's replay of its search traces.

use serde_json::Value;

/// The vectors file, parsed.
///
/// # Panics
/// When the file is missing or not JSON: it is part of the crate's tests.
#[must_use]
pub fn load() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/search-vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("the search vectors");
    serde_json::from_str(&without_lone_surrogates(&text)).expect("JSON")
}

/// The JSON with each lone surrogate escape (`\ud800`) replaced by U+FFFD: a Rust string (and a
/// DynamoDB string, which is UTF-8) cannot hold one. Both are neither letters nor numbers, so
/// the stored text is the same.
fn without_lone_surrogates(json: &str) -> String {
    let unit = |at: usize| {
        json.get(at..at + 6)
            .filter(|escape| escape.starts_with("\\u"))
            .and_then(|escape| u16::from_str_radix(&escape[2..], 16).ok())
    };
    let (high, low) = (0xD800..0xDC00, 0xDC00..0xE000);
    let mut out = String::with_capacity(json.len());
    let mut at = 0;
    while at < json.len() {
        match unit(at) {
            Some(first)
                if high.contains(&first)
                    && unit(at + 6).is_some_and(|next| low.contains(&next)) =>
            {
                out.push_str(&json[at..at + 12]);
                at += 12;
            }
            Some(first) if high.contains(&first) || low.contains(&first) => {
                out.push_str("\\ufffd");
                at += 6;
            }
            _ => {
                let c = json[at..].chars().next().unwrap_or_default();
                out.push(c);
                at += c.len_utf8().max(1);
            }
        }
    }
    out
}
