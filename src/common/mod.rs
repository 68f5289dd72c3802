//! What resources and data sources share, so that neither imports the other nor the provider:
//! the configured client ([`Shared`]), value checks ([`checks`]), the typed-model CRUD skeleton
//! ([`crud`]), turning client errors into diagnostics, and small translations between Marketo's
//! fields and Terraform's values.

pub mod checks;
pub mod conflict;
pub mod crud;
pub mod list;
pub mod plan_checks;
pub mod read_only;
mod shared;

pub use shared::Shared;

use marketo_client::{ErrorKind, RoleWorkspace};
use serde::{Deserialize, Serialize};

use tfplugin6::model::{Attr, Set};
use tfplugin6::{AttributePath, Diagnostic, Diagnostics, Number, Value};

/// Longest role or service description Marketo accepts.
pub const MAX_DESCRIPTION: usize = 255;

/// A diagnostic for a failed Marketo call made while `doing` (e.g. "creating the role \"x\"").
/// What the user can do about it depends on the kind of failure, so the detail says it.
pub fn api_error(doing: &str, err: &marketo_client::Error) -> Diagnostic {
    let hint = match err.kind() {
        ErrorKind::Unauthorized => {
            " Check the provider's client_id and client_secret: Marketo no longer accepts them."
        }
        ErrorKind::AccessDenied => {
            " The provider's API-only user lacks a permission: its role needs the Access API \
             permission \"Access User Management Api\" and the Access Admin permission \
             \"Access Users\" (Marketo's message names the one missing)."
        }
        ErrorKind::RateLimited => {
            " Marketo's shared limits (100 calls per 20 s, 10 at once) stayed exhausted through every \
             retry; other integrations may be using the instance heavily. Try again later, or run \
             Terraform with a lower -parallelism."
        }
        ErrorKind::QuotaExceeded => " Every integration on the instance draws on this quota.",
        ErrorKind::Transient if err.transport() == Some(marketo_client::Transport::Timeout) => {
            " Marketo did not answer in time through every retry: run the same command again \
             later, or raise the provider's request_timeout / max_retries."
        }
        ErrorKind::Transient => {
            " Marketo kept failing through every retry. Nothing was left half-done: run the same \
             command again."
        }
        ErrorKind::Cancelled => " Terraform asked the provider to stop.",
        _ => "",
    };
    let summary = match (err.kind(), err.transport()) {
        (_, Some(marketo_client::Transport::Timeout)) => {
            format!("Marketo did not answer while {doing}")
        }
        (_, Some(_)) => format!("Cannot reach Marketo while {doing}"),
        (ErrorKind::Cancelled, _) => format!("Stopped while {doing}"),
        _ => format!("Marketo refused {doing}"),
    };
    Diagnostic::error(summary, format!("Error while {doing}: {err}.{hint}"))
}

/// An id or name as a message quotes it: a very long one (e.g. a mistaken import id) is cut to
/// its first 80 characters, saying how long it was.
pub fn shown(text: &str) -> String {
    const SHOWN: usize = 80;
    match text.char_indices().nth(SHOWN) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}… ({} characters)", &text[..end], text.chars().count()),
    }
}

/// The same, attached to an attribute.
pub fn api_error_at(doing: &str, err: &marketo_client::Error, path: AttributePath) -> Diagnostic {
    api_error(doing, err).at(path)
}

/// The diagnostic for an instance that does not serve the role or service management endpoints
/// of `docs/guides/admin-endpoints.md`.
pub fn endpoint_missing(what: &str, instead: &str) -> Diagnostic {
    Diagnostic::error(
        format!("This Marketo instance exposes no {what} management over the API"),
        format!(
            "The instance answered 404/610 (no such endpoint) on the {what} endpoints. Marketo's \
             published API has none: this provider calls endpoints it defines itself (see the \
             guide \"Admin endpoints\" in the provider documentation), which marketo-emulator \
             serves but this instance does not. \
             {instead}"
        ),
    )
}

/// The warning for an object deleted outside Terraform: Terraform drops it from the state and
/// plans to create it again.
pub fn gone_warning(what: &str, id: &str) -> Diagnostic {
    Diagnostic::warning(
        format!("{what} no longer exists in Marketo"),
        format!(
            "The {what} {id} was deleted outside Terraform. It has been removed from the state; \
             the next apply creates it again if it is still in the configuration."
        ),
    )
}

/// Marketo's optional texts come back as `""` or null when unset: both map to Terraform's null,
/// so an omitted attribute never shows a difference.
pub fn optional_text(text: Option<&str>) -> Value {
    match text {
        Some(t) if !t.is_empty() => Value::string(t),
        _ => Value::Null,
    }
}

/// Parses a numeric Marketo id given as a Terraform string (state id or import id).
pub fn parse_id(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// The numeric Marketo id a role or service keeps (as a string) in its state's `id`; `what` names
/// the object in the error ("role", "service").
pub fn numeric_id(id: &Attr<String>, what: &str) -> Result<i64, Diagnostics> {
    let text = id.as_str().unwrap_or_default();
    parse_id(text).ok_or_else(|| {
        Diagnostic::error(
            format!("Invalid {what} id in the state"),
            format!(
                "The state holds \"{text}\" as the {what}'s id, which is not a numeric Marketo id. \
                 Remove the resource from the state (terraform state rm) and import it again."
            ),
        )
        .at(AttributePath::root("id"))
        .into_diagnostics()
    })
}

/// [`optional_text`] for a model: empty text is null.
pub fn optional_attr(text: Option<&str>) -> Attr<String> {
    match text {
        Some(t) if !t.is_empty() => Attr::Known(t.to_string()),
        _ => Attr::Null,
    }
}

/// Checks an optional description: absent, or 1..=255 characters. An empty string is refused so
/// that "no description" has one spelling (Marketo reads back both `""` and null as none).
pub fn check_description(diags: &mut Diagnostics, value: &Attr<String>, path: AttributePath) {
    let Some(text) = value.as_str() else {
        return;
    };
    if text.is_empty() {
        diags.push(
            Diagnostic::error(
                "Empty description",
                "An empty description is the same as none in Marketo, which reads it back as \
                 unset. Omit the `description` attribute (or set it to null) instead of \"\".",
            )
            .at(path),
        );
        return;
    }
    check_at(
        diags,
        path,
        "Invalid description",
        checks::text(text, MAX_DESCRIPTION, false).map_err(|e| format!("The description {e}.")),
    );
}

/// Checks a required name of at most `max` characters, if known.
pub fn check_name(
    diags: &mut Diagnostics,
    value: &Attr<String>,
    path: AttributePath,
    what: &str,
    max: usize,
) {
    if let Some(text) = value.as_str() {
        check_at(
            diags,
            path,
            &format!("Invalid {what}"),
            checks::text(text, max, true).map_err(|e| format!("The {what} {e}.")),
        );
    }
}

/// Adds `diag` at `path` for a failed check, returning whether it passed.
pub fn check_at(
    diags: &mut Diagnostics,
    path: AttributePath,
    summary: &str,
    result: Result<(), String>,
) -> bool {
    match result {
        Ok(()) => true,
        Err(detail) => {
            diags.push(Diagnostic::error(summary, detail).at(path));
            false
        }
    }
}

/// One `role_assignment`: of the `marketo_api_only_user` resource's blocks, and of the data
/// source's nested attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub role_id: Attr<Number>,
    pub workspace_id: Attr<Number>,
}

impl Assignment {
    /// The pair, when both ids are known whole numbers.
    pub fn ids(&self) -> Option<RoleWorkspace> {
        Some(RoleWorkspace {
            access_role_id: self.role_id.known()?.as_i64()?,
            workspace_id: self.workspace_id.known()?.as_i64()?,
        })
    }
}

/// The `role_assignment` set for role/workspace pairs.
pub fn assignments_attr(pairs: impl IntoIterator<Item = RoleWorkspace>) -> Attr<Set<Assignment>> {
    Attr::Known(
        pairs
            .into_iter()
            .map(|p| Assignment {
                role_id: Attr::Known(Number::from_i64(p.access_role_id)),
                workspace_id: Attr::Known(Number::from_i64(p.workspace_id)),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(parse_id("101"), Some(101));
        assert_eq!(parse_id(" 7 "), Some(7));
        assert_eq!(parse_id("Lead Sync"), None);
        assert_eq!(parse_id("-1"), None);
        assert_eq!(parse_id(""), None);
    }

    #[test]
    fn long_ids_are_shown_cut() {
        assert_eq!(shown("jane@example.com"), "jane@example.com");
        let long = "é".repeat(100_000);
        let text = shown(&long);
        assert!(text.ends_with("… (100000 characters)"), "{text}");
        assert_eq!(text.chars().filter(|c| *c == 'é').count(), 80);
        assert_eq!(shown(&"x".repeat(80)), "x".repeat(80));
    }

    #[test]
    fn state_ids() {
        let ok = Attr::Known("101".to_string());
        assert_eq!(numeric_id(&ok, "role").ok(), Some(101));
        let bad = Attr::Known("Lead Sync".to_string());
        let d = numeric_id(&bad, "service").unwrap_err();
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Invalid service id in the state");
        assert!(
            d.detail.contains("\"Lead Sync\" as the service's id"),
            "{}",
            d.detail
        );
        assert_eq!(d.attribute, Some(AttributePath::root("id")));
    }

    #[test]
    fn empty_text_is_null() {
        assert!(optional_text(Some("")).is_null());
        assert!(optional_text(None).is_null());
        assert_eq!(optional_text(Some("x")), Value::string("x"));
    }
}
