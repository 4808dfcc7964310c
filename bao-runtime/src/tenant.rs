//! Tenant ids, which prefix every key of a tenant-scoped handle.

use crate::error::{Error, Result};
use std::fmt;

/// Longest accepted tenant id, in characters.
pub const MAX_TENANT_ID_LEN: usize = 64;

/// A validated tenant id: 1 to 64 characters of `A-Z a-z 0-9 _ . -`.
///
/// DynamoBao accepts any tenant id and writes it unescaped into keys (`[id]#...`); an id
/// containing `]#` could then read another tenant's items. bao restricts ids to a charset
/// that cannot contain the key delimiters `#`, `:`, `[` and `]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tenant(String);

impl Tenant {
    /// Validates a tenant id.
    ///
    /// # Errors
    /// [`Error::Validation`] (model `tenant`, field `id`) when the id is empty, longer than
    /// 64 characters, or holds a character outside `A-Z a-z 0-9 _ . -`.
    pub fn new(id: impl Into<String>) -> Result<Tenant> {
        let id = id.into();
        let refuse = |message: String| Err(Error::validation("tenant", "id", message));
        if id.is_empty() {
            return refuse("a tenant id cannot be empty".to_owned());
        }
        if id.chars().count() > MAX_TENANT_ID_LEN {
            return refuse(format!(
                "a tenant id has at most {MAX_TENANT_ID_LEN} characters, `{id}` has {}",
                id.chars().count()
            ));
        }
        if let Some(bad) = id
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "_.-".contains(*c)))
        {
            return refuse(format!(
                "`{id}` contains {bad:?}; a tenant id may only contain A-Z, a-z, 0-9, `_`, `.` and `-`"
            ));
        }
        Ok(Tenant(id))
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.0
    }

    /// The prefix of every key this tenant owns: `[id]#`.
    #[must_use]
    pub fn key_prefix(&self) -> String {
        format!("[{}]#", self.0)
    }
}

impl fmt::Display for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Tenant {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_safe_charset() {
        for id in [
            "a",
            "acme",
            "Tenant_01.eu-west",
            "01JFGMRH7XACZ8GKB81DZ5YWNH",
            &"x".repeat(64),
        ] {
            let tenant = Tenant::new(id).expect(id);
            assert_eq!(tenant.id(), id);
            assert_eq!(tenant.key_prefix(), format!("[{id}]#"));
            assert_eq!(tenant.to_string(), id);
        }
    }

    #[test]
    fn refuses_everything_else() {
        for id in [
            "",
            "a#b",
            "a:b",
            "[a]",
            "a]#[b",
            "a b",
            "é",
            "a/b",
            "a\n",
            &"x".repeat(65),
        ] {
            let error = Tenant::new(id).expect_err(id);
            match &error {
                Error::Validation {
                    model,
                    field,
                    message,
                } => {
                    assert_eq!((*model, *field), ("tenant", "id"));
                    assert!(!message.is_empty());
                }
                other => panic!("unexpected {other:?}"),
            }
            assert!(error.is_validation());
        }
        let message = Tenant::new("a#b").unwrap_err().to_string();
        assert!(message.contains("A-Z, a-z, 0-9"), "{message}");
    }
}
