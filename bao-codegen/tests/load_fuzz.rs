//! No schema text makes the front half of the compiler panic: valid schemas, mutated at random
//! (characters and lines deleted, duplicated, replaced or swapped, values exchanged), either
//! validate or produce at least one located error.

use bao_codegen::validate::validate_source;
use proptest::prelude::*;
use proptest::test_runner::Config;

const SEEDS: &[&str] = &[
    include_str!("fixtures/ok/blog.yaml"),
    include_str!("fixtures/ok/all_field_types.yaml"),
    include_str!("fixtures/ok/key_shapes.yaml"),
    include_str!("fixtures/ok/mapping.yaml"),
];

/// Characters that YAML gives a meaning to, and a few ordinary ones.
const CHARACTERS: &[char] = &[
    ':', '{', '}', '[', ']', ',', '#', '-', '&', '*', '!', '|', '>', '\'', '"', '\n', '\t', ' ',
    '?', '%', '@', '`', 'a', 'Z', '0', '_', 'é', '\u{0}',
];

/// One edit, with positions taken modulo the text's length.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteChar(usize),
    DuplicateChar(usize),
    ReplaceChar(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    SwapValues(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let position = 0..10_000usize;
    prop_oneof![
        position.clone().prop_map(Mutation::DeleteChar),
        position.clone().prop_map(Mutation::DuplicateChar),
        (position.clone(), 0..CHARACTERS.len()).prop_map(|(at, c)| Mutation::ReplaceChar(at, c)),
        position.clone().prop_map(Mutation::DeleteLine),
        position.clone().prop_map(Mutation::DuplicateLine),
        (position.clone(), position.clone()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (position.clone(), position).prop_map(|(a, b)| Mutation::SwapValues(a, b)),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let char_at = |at: usize| at % chars.len().max(1);
    let line_at = |at: usize| at % lines.len().max(1);
    match *mutation {
        Mutation::DeleteChar(at) if !chars.is_empty() => {
            chars.remove(char_at(at));
        }
        Mutation::DuplicateChar(at) if !chars.is_empty() => {
            let at = char_at(at);
            chars.insert(at, chars[at]);
        }
        Mutation::ReplaceChar(at, c) if !chars.is_empty() => {
            let at = char_at(at);
            chars[at] = CHARACTERS[c];
        }
        Mutation::DeleteLine(at) if !lines.is_empty() => {
            lines.remove(line_at(at));
            return lines.join("\n");
        }
        Mutation::DuplicateLine(at) if !lines.is_empty() => {
            let at = line_at(at);
            lines.insert(at, lines[at].clone());
            return lines.join("\n");
        }
        Mutation::SwapLines(a, b) if !lines.is_empty() => {
            let (a, b) = (line_at(a), line_at(b));
            lines.swap(a, b);
            return lines.join("\n");
        }
        Mutation::SwapValues(a, b) => return swap_values(text, a, b),
        _ => {}
    }
    chars.into_iter().collect()
}

/// Exchanges the values of two `key: value` pairs on different lines.
fn swap_values(text: &str, a: usize, b: usize) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let pairs: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.contains(": "))
        .map(|(index, _)| index)
        .collect();
    if pairs.len() < 2 {
        return text.to_owned();
    }
    let (a, b) = (pairs[a % pairs.len()], pairs[b % pairs.len()]);
    let split = |line: &str| {
        let at = line.find(": ").map_or(line.len(), |at| at + 2);
        (line[..at].to_owned(), line[at..].to_owned())
    };
    let (key_a, value_a) = split(&lines[a]);
    let (key_b, value_b) = split(&lines[b]);
    lines[a] = format!("{key_a}{value_b}");
    lines[b] = format!("{key_b}{value_a}");
    lines.join("\n")
}

proptest! {
    #![proptest_config(Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn mutated_schemas_never_panic(
        seed in 0..SEEDS.len(),
        mutations in proptest::collection::vec(mutation(), 1..5),
    ) {
        let text = mutations.iter().fold(SEEDS[seed].to_owned(), |text, m| apply(&text, m));
        match validate_source("models.yaml", &text) {
            Ok(loaded) => prop_assert!(!loaded.schema.models.is_empty()),
            Err(diagnostics) => {
                prop_assert!(diagnostics.has_errors(), "an Err holds an error:\n{diagnostics}");
                let located = diagnostics.iter().any(|d| d.is_error() && d.primary().is_some());
                prop_assert!(located, "an error has a location:\n{diagnostics}");
                let rendered = diagnostics.render(false);
                prop_assert!(rendered.contains("error["));
            }
        }
    }
}

#[test]
fn every_seed_is_valid() {
    for seed in SEEDS {
        if let Err(diagnostics) = validate_source("models.yaml", seed) {
            panic!("{diagnostics}");
        }
    }
}
