//! Tenant ids, which prefix every key of a tenant-scoped handle.

use crate::error::{Error, Result};
use std::fmt;

/// Longest accepted tenant id, in characters: room for it in DynamoDB's 2048-byte partition
/// keys beside the model prefix and the id.
pub const MAX_TENANT_ID_LEN: usize = 256;

/// A validated tenant id: 1 to 256 characters, none of them `]`.
///
/// Every key of a tenant starts with `[id]#`. An id holding `]` could end that prefix early
/// (`a]#[b` would write under a key that reads as another tenant's), so `]` is the one
/// character refused: without it the first `]` of a key always ends the tenant id, and two
/// tenants can never share a key. Everything else a DynamoBao service uses as a tenant id is
/// accepted: emails, `org:42`, `#`, `[`, spaces, non-ASCII. DynamoBao itself checks nothing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tenant(String);

impl Tenant {
    /// Validates a tenant id.
    ///
    /// # Errors
    /// [`Error::Validation`] (model `tenant`, field `id`) when the id is empty, longer than
    /// 256 characters, or holds `]`.
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
        if id.contains(']') {
            return refuse(format!(
                "`{id}` contains `]`, which would end the tenant's `[id]#` key prefix early and \
                 let it write under another tenant's keys"
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
        ["[", &self.0, "]#"].concat()
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
    fn accepts_the_ids_services_use() {
        for id in [
            "a",
            "acme",
            "Tenant_01.eu-west",
            "01JFGMRH7XACZ8GKB81DZ5YWNH",
            "ada@example.com",
            "org:42",
            "a#b",
            "[a",
            "a b",
            "ünïcödé",
            &"x".repeat(256),
        ] {
            let tenant = Tenant::new(id).expect(id);
            assert_eq!(tenant.id(), id);
            assert_eq!(tenant.key_prefix(), format!("[{id}]#"));
            assert_eq!(tenant.to_string(), id);
        }
    }

    #[test]
    fn refuses_what_could_reach_another_tenant() {
        for id in ["", "a]", "[a]", "a]#[b", &"x".repeat(257)] {
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
        let message = Tenant::new("a]#[b").unwrap_err().to_string();
        assert!(message.contains("another tenant"), "{message}");
    }
}
