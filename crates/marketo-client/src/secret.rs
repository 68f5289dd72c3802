//! A string that must never be printed: client secrets and access tokens.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A secret string (a client secret or an access token).
///
/// `Debug` prints `[redacted]`; there is deliberately no `Display` and no `Serialize`.
/// Read the value with [`Secret::expose`] only where it must leave the process (an HTTP header,
/// the identity query string, Terraform state marked sensitive).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value. Never log or format it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Replaces every occurrence of each secret in `text` with `[redacted]`.
pub(crate) fn redact(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        // Very short values would redact ordinary words; real secrets and tokens are long.
        if secret.0.len() >= 6 && out.contains(secret.0.as_str()) {
            out = out.replace(secret.0.as_str(), "[redacted]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s:#?}"), "[redacted]");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            secret: Secret,
        }
        let h = Holder { secret: s.clone() };
        assert!(!format!("{h:?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn deserializes_from_string() {
        let s: Secret = serde_json::from_str("\"abcdef123\"").unwrap();
        assert_eq!(s.expose(), "abcdef123");
    }

    #[test]
    fn redact_replaces_all_occurrences() {
        let s = Secret::new("topsecret99");
        let t = Secret::new("tok-123456");
        let out = redact("a topsecret99 b tok-123456 c topsecret99", &[&s, &t]);
        assert_eq!(out, "a [redacted] b [redacted] c [redacted]");
    }
}
