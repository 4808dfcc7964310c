//! Checks of a value against its field's limits and DynamoDB's rules before it is sent: the
//! attribute type of the field's kind, lengths, member counts, bounds, patterns, emails and
//! the range of numbers.

use super::{Item, Number, in_member, pattern, unexpected};
use crate::error::{Error, Result};
use crate::schema::{FieldKind, FieldSchema, ShapeSchema, TextFormat};
use aws_sdk_dynamodb::types::AttributeValue;
use ulid::Ulid;

/// Checks a value against its field's limits and DynamoDB's rules before it is sent: the
/// attribute type of the kind, `maxLength` of a string, `maxMemberCount` and
/// `maxStringLength` of a string set (lengths in Unicode characters), a non-empty string set,
/// and numbers within DynamoDB's range (magnitude 1e-130 to below 1e126), integral for
/// Integer and Counter fields.
pub fn validate_field(
    model: &'static str,
    field: &FieldSchema,
    attr: &AttributeValue,
) -> Result<()> {
    check_field(field, attr).map_err(|message| Error::Validation {
        model,
        field: field.name,
        message,
    })
}

/// Checks one change of a patch to a map: `members` leads from the field's map down to the
/// member changed. A value is checked as [`validate_field`] checks one; a required member
/// cannot be removed. The error names the field and the member's path in it.
pub(crate) fn validate_member(
    model: &'static str,
    field: &FieldSchema,
    members: &[&'static FieldSchema],
    change: &crate::changes::Change,
) -> Result<()> {
    use crate::changes::Change;
    let Some(member) = members.last() else {
        return Ok(());
    };
    let result = match change {
        Change::Set(attr) => check_field(member, attr),
        Change::Remove if member.required => Err("is required and cannot be removed".to_owned()),
        _ => Ok(()),
    };
    result.map_err(|message| {
        let path: Vec<&str> = members.iter().map(|member| member.name).collect();
        Error::Validation {
            model,
            field: field.name,
            message: format!("`{}`: {message}", path.join(".")),
        }
    })
}

/// The syntax of an email address as DynamoBao's documented `EmailField` checks it
/// (`/^[^\s@]+@[^\s@]+\.[^\s@]+$/`): one `@` with text before it, and a domain holding a dot
/// with text on both sides; no whitespace anywhere.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let plain =
        |part: &str| !part.is_empty() && !part.contains(|c: char| c.is_whitespace() || c == '@');
    // Some dot of the domain has text on both sides.
    let dotted = domain
        .char_indices()
        .any(|(at, c)| c == '.' && at > 0 && at + 1 < domain.len());
    plain(local) && plain(domain) && dotted
}

fn check_field(field: &FieldSchema, attr: &AttributeValue) -> Result<(), String> {
    use FieldKind as K;
    match (field.kind, attr) {
        (K::String, AttributeValue::S(text)) => {
            check_length(text, field.max_length, "the value")?;
            if field.format == Some(TextFormat::Email) && !is_email(text) {
                return Err(format!("`{text}` is not an email address"));
            }
        }
        (K::Ulid, AttributeValue::S(text)) => {
            if text.len() != 26
                || !text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            {
                return Err(format!(
                    "`{text}` is not a ULID (26 characters of 0-9 and A-Z)"
                ));
            }
            Ulid::from_string(text).map_err(|error| format!("`{text}` is not a ULID: {error}"))?;
        }
        (K::Related | K::Version, AttributeValue::S(_)) => {}
        (K::Integer | K::Counter, AttributeValue::N(text)) => {
            if !matches!(check_number(text)?, Number::Int(_)) {
                return Err(format!("{text} is not an integer"));
            }
        }
        (
            K::Float | K::DateTime | K::CreateDate | K::ModifiedDate | K::Ttl,
            AttributeValue::N(text),
        ) => {
            check_number(text)?;
        }
        (K::Boolean, AttributeValue::Bool(_)) | (K::Binary, AttributeValue::B(_)) => {}
        (K::StringSet, AttributeValue::Ss(members)) => {
            if members.is_empty() {
                return Err(
                    "an empty string set cannot be stored; store no attribute instead".into(),
                );
            }
            if let Some(max) = field.max_member_count
                && members.len() > max
            {
                return Err(format!(
                    "{} members exceed the maximum of {max}",
                    members.len()
                ));
            }
            for member in members {
                check_length(member, field.max_string_length, "a member")?;
            }
        }
        (K::Object, AttributeValue::M(members)) => {
            if let Some(shape) = field.shape {
                check_members(shape, members)?;
            }
        }
        (K::List, AttributeValue::L(elements)) => {
            if elements.is_empty() {
                return Err("an empty list is stored as no attribute".into());
            }
            if let Some(items) = field.items {
                // A `NULL` element stands for an empty inner list or set.
                let stored = elements
                    .iter()
                    .enumerate()
                    .filter(|(_, element)| !matches!(element, AttributeValue::Null(_)));
                for (index, element) in stored {
                    check_field(items, element)
                        .map_err(|message| format!("element {index}: {message}"))?;
                }
            }
        }
        (kind, other) => {
            return Err(unexpected(expected_type(kind), other));
        }
    }
    check_bounds(field, attr)?;
    if let Some(check) = field.custom.and_then(|custom| custom.check) {
        check.run(field, attr)?;
    }
    match field.validator {
        Some(validator) => validator.run(field, attr),
        None => Ok(()),
    }
}

/// Every member of a shape's map: the required ones present, each within its field's limits,
/// no member the shape does not have.
fn check_members(shape: &ShapeSchema, members: &Item) -> Result<(), String> {
    for field in shape.fields {
        match members.get(field.name) {
            Some(attr) => check_field(field, attr).map_err(|message| in_member(field, message))?,
            None if field.required => {
                return Err(format!("`{}` is required", field.name));
            }
            None => {}
        }
    }
    match members
        .keys()
        .find(|name| !shape.fields.iter().any(|field| field.name == name.as_str()))
    {
        Some(unknown) => Err(format!("`{}` has no field `{unknown}`", shape.name)),
        None => Ok(()),
    }
}

/// `min`, `max` and `pattern`.
fn check_bounds(field: &FieldSchema, attr: &AttributeValue) -> Result<(), String> {
    match attr {
        AttributeValue::N(text) if field.min.is_some() || field.max.is_some() => {
            let value = check_number(text)?.as_f64();
            if let Some(min) = field.min.filter(|min| value < *min) {
                return Err(format!("{text} is less than the minimum of {min}"));
            }
            if let Some(max) = field.max.filter(|max| value > *max) {
                return Err(format!("{text} is more than the maximum of {max}"));
            }
        }
        AttributeValue::S(text) => {
            if let Some(pattern) = field.pattern
                && !pattern::matches(pattern, text)?
            {
                return Err(format!("`{text}` does not match the pattern `{pattern}`"));
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_length(text: &str, max: Option<usize>, what: &str) -> Result<(), String> {
    match max {
        Some(max) if text.chars().count() > max => Err(format!(
            "{what} has {} characters, more than the maximum of {max}",
            text.chars().count()
        )),
        _ => Ok(()),
    }
}

fn check_number(text: &str) -> Result<Number, String> {
    let parsed = Number::parse(text)?;
    let magnitude = parsed.as_f64().abs();
    if magnitude != 0.0 && !(1e-130..1e126).contains(&magnitude) {
        return Err(format!(
            "{text} is outside DynamoDB's number range (1e-130 to 1e126)"
        ));
    }
    Ok(parsed)
}

/// The attribute type a field kind is stored as.
fn expected_type(kind: FieldKind) -> &'static str {
    use FieldKind as K;
    match kind {
        K::String | K::Ulid | K::Related | K::Version => "S",
        K::Integer
        | K::Float
        | K::DateTime
        | K::CreateDate
        | K::ModifiedDate
        | K::Counter
        | K::Ttl => "N",
        K::Boolean => "BOOL",
        K::Binary => "B",
        K::StringSet => "SS",
        K::Object => "M",
        K::List => "L",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::FieldValue;
    use crate::codec::tests::{field, n, s};

    #[test]
    fn validate_checks_limits_and_types() {
        let mut name = field("name", FieldKind::String);
        name.max_length = Some(4);
        assert!(validate_field("User", &name, &s("héll")).is_ok());
        assert!(validate_field("User", &name, &s("")).is_ok());
        let error = validate_field("User", &name, &s("héllo")).expect_err("too long");
        assert_eq!(
            error.to_string(),
            "invalid User.name: the value has 5 characters, more than the maximum of 4"
        );

        let mut tags = field("tags", FieldKind::StringSet);
        tags.max_member_count = Some(2);
        tags.max_string_length = Some(3);
        let set = |members: &[&str]| {
            AttributeValue::Ss(members.iter().map(|m| (*m).to_owned()).collect())
        };
        assert!(validate_field("Post", &tags, &set(&["a", "bcd"])).is_ok());
        assert!(validate_field("Post", &tags, &set(&["a", "b", "c"])).is_err());
        assert!(validate_field("Post", &tags, &set(&["abcd"])).is_err());
        assert!(validate_field("Post", &tags, &set(&[])).is_err());

        let age = field("age", FieldKind::Integer);
        let email = FieldSchema {
            format: Some(TextFormat::Email),
            ..FieldSchema::new("email", FieldKind::String, true)
        };
        for valid in ["ada@example.com", "a.b+c@mail.example.org", "x@y.z"] {
            assert!(validate_field("User", &email, &s(valid)).is_ok(), "{valid}");
        }
        for invalid in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@.com",
            "ada@com.",
            "a da@example.com",
            "a@b@example.com",
        ] {
            let error = validate_field("User", &email, &s(invalid)).expect_err(invalid);
            assert!(error.to_string().contains("email"), "{error}");
        }
        assert!(validate_field("User", &age, &n("-5")).is_ok());
        assert!(validate_field("User", &age, &n("1.5")).is_err());
        assert!(validate_field("User", &age, &s("5")).is_err());
        let score = field("score", FieldKind::Float);
        assert!(validate_field("User", &score, &n("1.5")).is_ok());
        assert!(validate_field("User", &score, &n("0")).is_ok());
        for bad in [1e300, 5e-324, f64::NAN, f64::INFINITY] {
            let attr = bad.to_attr(FieldKind::Float).expect("attr");
            let error = validate_field("User", &score, &attr).expect_err("out of range");
            assert!(
                matches!(
                    error,
                    Error::Validation {
                        model: "User",
                        field: "score",
                        ..
                    }
                ),
                "{error}"
            );
        }

        let id = field("userId", FieldKind::Ulid);
        assert!(validate_field("User", &id, &s("01JFGMRH7XACZ8GKB81DZ5YWNH")).is_ok());
        assert!(validate_field("User", &id, &s("01jfgmrh7xacz8gkb81dz5ywnh")).is_err());
        assert!(validate_field("User", &id, &s("user-1")).is_err());
        let flag = field("active", FieldKind::Boolean);
        assert!(validate_field("User", &flag, &AttributeValue::Bool(true)).is_ok());
        assert!(validate_field("User", &flag, &n("1")).is_err());
    }
}
