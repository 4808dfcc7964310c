//! Stage 2 (validate) helpers: Rust names for schema names.
//!
//! Field names become snake_case identifiers that are always legal (`type` -> `r#type`,
//! `self` -> `self_`, `2fa` -> `_2fa`); model names become module names; DynamoBao's rules for
//! generated method names (`bin/generators/model.js`) are turned into snake_case. Generated
//! identifiers are ASCII only, so generated code never trips rustc's confusable-character lints.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Type names of the Rust prelude (and `Self`): a model with one of these names would shadow
/// it inside generated code.
const PRELUDE_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Self",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Strict and reserved keywords of Rust 2024.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["Self", "crate", "self", "super"];

/// "a" or "an" before a type name: "a UlidField", whose U sounds like "you".
pub(crate) fn article(type_name: &str) -> &'static str {
    match type_name.starts_with(['A', 'E', 'I', 'O']) {
        true => "an",
        false => "a",
    }
}

/// snake_case, as heck spells it (`userId` -> `user_id`, `URLPath` -> `url_path`).
pub(crate) fn snake(name: &str) -> String {
    name.to_snake_case()
}

/// PascalCase, as heck spells it (`user_post` -> `UserPost`).
pub(crate) fn pascal(name: &str) -> String {
    name.to_upper_camel_case()
}

/// Whether `word` is a Rust keyword.
pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// The Rust identifier of a field: snake_case and keyword-safe (`type` -> `r#type`,
/// `self` -> `self_`, `2fa` -> `_2fa`). `None` when the name has no ASCII identifier form.
pub(crate) fn field_ident(name: &str) -> Option<String> {
    let snake = snake(name);
    if !is_ascii_word(&snake) {
        return None;
    }
    Some(if NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else if is_keyword(&snake) {
        format!("r#{snake}")
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{snake}")
    } else {
        snake
    })
}

/// The Rust module (and file) name of a model: snake_case, with `_` appended to a keyword
/// because file names cannot be raw identifiers (`Type` -> `type_`). `None` when the name has
/// no ASCII identifier form.
pub(crate) fn module_name(model: &str) -> Option<String> {
    let snake = snake(model);
    if !is_ascii_word(&snake) || snake.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(if is_keyword(&snake) {
        format!("{snake}_")
    } else {
        snake
    })
}

/// Why a model name cannot be a generated type name, if it cannot.
pub(crate) fn model_name_problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_uppercase()) {
        Some("a model name must start with an ASCII capital letter")
    } else if !chars.all(|c| c.is_ascii_alphanumeric()) {
        Some("a model name must contain only ASCII letters and digits")
    } else if PRELUDE_TYPES.contains(&name) {
        Some("a model name must not shadow a type of the Rust prelude")
    } else {
        None
    }
}

/// A PascalCase name to suggest instead of an invalid model name, if there is one.
pub(crate) fn model_name_suggestion(name: &str) -> Option<String> {
    let pascal = pascal(name);
    (pascal != name && model_name_problem(&pascal).is_none()).then_some(pascal)
}

/// `find_by_<constraint without a leading "unique">`: `uniqueEmail` -> `find_by_email`.
pub(crate) fn finder_method(constraint: &str) -> Option<String> {
    let base = constraint
        .strip_prefix("unique")
        .filter(|rest| rest.starts_with(|c: char| !c.is_lowercase()))
        .unwrap_or(constraint);
    prefixed("find_by_", base)
}

/// `query_<index up to "For">`: `postsForUser` -> `query_posts`, `allPosts` ->
/// `query_all_posts`.
pub(crate) fn query_method(index: &str) -> Option<String> {
    prefixed("query_", before_for(index))
}

/// `query_<whole index name>`, the static form of an index on a RelatedField:
/// `postsForUser` -> `query_posts_for_user`.
pub(crate) fn static_query_method(index: &str) -> Option<String> {
    prefixed("query_", index)
}

/// `get_<field without a trailing "Id">`: `userId` -> `get_user`.
pub(crate) fn related_getter(field: &str) -> Option<String> {
    let base = ["Id", "ID", "_id"]
        .iter()
        .find_map(|suffix| field.strip_suffix(suffix))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(field);
    prefixed("get_", base)
}

/// `get_<mapping index up to "For">`: `postsForTag` -> `get_posts`.
pub(crate) fn mapping_getter(index: &str) -> Option<String> {
    prefixed("get_", before_for(index))
}

/// The name up to the camel-case word `For` (`postsForUser` -> `posts`); the whole name when
/// there is no such word or nothing precedes it. `allForms` keeps its `For`, unlike in
/// DynamoBao, which cuts at any `For`.
fn before_for(name: &str) -> &str {
    let bytes = name.as_bytes();
    name.match_indices("For")
        .map(|(at, _)| at)
        .find(|&at| {
            at > 0
                && bytes
                    .get(at + 3)
                    .is_none_or(|next| !next.is_ascii_lowercase())
        })
        .map_or(name, |at| &name[..at])
}

/// Why `path` cannot be the `rustType` of a field, if it cannot. Generated modules name it
/// as written, from inside themselves, so it must be a path from the crate root (`crate::`)
/// or from a crate (`other_crate::Type`, `::other_crate::Type`) with at least two segments,
/// each an identifier; a single name or a `self::`/`super::` path would resolve inside the
/// generated module.
pub(crate) fn rust_path_problem(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path
        .strip_prefix("::")
        .unwrap_or(path)
        .split("::")
        .collect();
    let identifier = |segment: &str| {
        is_ascii_word(segment)
            && !segment.starts_with(|c: char| c.is_ascii_digit())
            && (!is_keyword(segment) || segment == "crate")
    };
    if segments.len() < 2 {
        Some("a single name would resolve inside the generated module")
    } else if matches!(segments[0], "self" | "super") {
        Some("a relative path would resolve inside the generated module")
    } else if !segments.iter().all(|segment| identifier(segment)) {
        Some("expected identifiers separated by `::`")
    } else if segments[1..].contains(&"crate") {
        Some("`crate` may only start a path")
    } else {
        None
    }
}

fn prefixed(prefix: &str, base: &str) -> Option<String> {
    let snake = snake(base);
    is_ascii_word(&snake).then(|| format!("{prefix}{snake}"))
}

fn is_ascii_word(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_are_paths_from_a_crate() {
        for good in ["crate::money::Cents", "::shared::Email", "shared::Email"] {
            assert_eq!(rust_path_problem(good), None, "{good}");
        }
        for bad in [
            "Cents",
            "self::Cents",
            "super::Cents",
            "crate::money::Cents<i64>",
            "crate::fn::Cents",
            "crate::",
            "a::crate::B",
            "crate money",
        ] {
            assert!(rust_path_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn field_idents_are_snake_case() {
        assert_eq!(field_ident("userId").as_deref(), Some("user_id"));
        assert_eq!(
            field_ident("profilePictureUrl").as_deref(),
            Some("profile_picture_url")
        );
        assert_eq!(field_ident("URLPath").as_deref(), Some("url_path"));
        assert_eq!(field_ident("created_at").as_deref(), Some("created_at"));
        assert_eq!(field_ident("kebab-case").as_deref(), Some("kebab_case"));
        assert_eq!(field_ident("ttl").as_deref(), Some("ttl"));
    }

    #[test]
    fn field_idents_are_keyword_safe() {
        assert_eq!(field_ident("type").as_deref(), Some("r#type"));
        assert_eq!(field_ident("Type").as_deref(), Some("r#type"));
        assert_eq!(field_ident("match").as_deref(), Some("r#match"));
        assert_eq!(field_ident("gen").as_deref(), Some("r#gen"));
        assert_eq!(field_ident("self").as_deref(), Some("self_"));
        assert_eq!(field_ident("Self").as_deref(), Some("self_"));
        assert_eq!(field_ident("super").as_deref(), Some("super_"));
        assert_eq!(field_ident("crate").as_deref(), Some("crate_"));
        assert_eq!(
            field_ident("union").as_deref(),
            Some("union"),
            "a weak keyword"
        );
    }

    #[test]
    fn field_idents_handle_digits_and_symbols() {
        assert_eq!(field_ident("2fa").as_deref(), Some("_2fa"));
        assert_eq!(field_ident("line2Text").as_deref(), Some("line2_text"));
        assert_eq!(field_ident("address2").as_deref(), Some("address2"));
        assert_eq!(field_ident("$"), None);
        assert_eq!(field_ident(""), None);
        assert_eq!(field_ident("naïve"), None, "not ASCII");
    }

    #[test]
    fn module_names() {
        assert_eq!(module_name("User").as_deref(), Some("user"));
        assert_eq!(module_name("TaggedPost").as_deref(), Some("tagged_post"));
        assert_eq!(module_name("HTTPRequest").as_deref(), Some("http_request"));
        assert_eq!(module_name("Type").as_deref(), Some("type_"));
        assert_eq!(module_name("Crate").as_deref(), Some("crate_"));
    }

    #[test]
    fn model_names_must_be_pascal_case() {
        assert_eq!(model_name_problem("User"), None);
        assert_eq!(model_name_problem("User2"), None);
        assert!(model_name_problem("user").is_some());
        assert!(model_name_problem("User_Post").is_some());
        assert!(model_name_problem("Option").is_some());
        assert!(model_name_problem("Self").is_some());
        assert!(model_name_problem("").is_some());
        assert_eq!(
            model_name_suggestion("user_post").as_deref(),
            Some("UserPost")
        );
        assert_eq!(model_name_suggestion("User"), None);
    }

    #[test]
    fn finder_names() {
        assert_eq!(
            finder_method("uniqueEmail").as_deref(),
            Some("find_by_email")
        );
        assert_eq!(
            finder_method("unique_email").as_deref(),
            Some("find_by_email")
        );
        assert_eq!(
            finder_method("emailAddress").as_deref(),
            Some("find_by_email_address")
        );
        assert_eq!(finder_method("unique").as_deref(), Some("find_by_unique"));
        assert_eq!(
            finder_method("uniquely").as_deref(),
            Some("find_by_uniquely")
        );
        assert_eq!(finder_method("unique2fa").as_deref(), Some("find_by_2fa"));
    }

    #[test]
    fn query_names() {
        assert_eq!(query_method("postsForUser").as_deref(), Some("query_posts"));
        assert_eq!(query_method("allPosts").as_deref(), Some("query_all_posts"));
        assert_eq!(query_method("allForms").as_deref(), Some("query_all_forms"));
        assert_eq!(query_method("postsFor").as_deref(), Some("query_posts"));
        assert_eq!(query_method("ForUser").as_deref(), Some("query_for_user"));
        assert_eq!(
            query_method("commentsFor2024").as_deref(),
            Some("query_comments")
        );
        assert_eq!(query_method("Î"), None);
    }

    #[test]
    fn getter_names() {
        assert_eq!(related_getter("userId").as_deref(), Some("get_user"));
        assert_eq!(related_getter("authorID").as_deref(), Some("get_author"));
        assert_eq!(related_getter("owner_id").as_deref(), Some("get_owner"));
        assert_eq!(related_getter("parent").as_deref(), Some("get_parent"));
        assert_eq!(related_getter("Id").as_deref(), Some("get_id"));
        assert_eq!(mapping_getter("postsForTag").as_deref(), Some("get_posts"));
        assert_eq!(mapping_getter("tagsForPost").as_deref(), Some("get_tags"));
    }
}
