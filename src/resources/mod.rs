//! Managed resources. Each file holds one resource: its schema, its checks, its plan, its CRUD
//! and import, and the one translation between Marketo's fields and Terraform's attributes.
//! This module holds what they share: turning client errors into diagnostics and reading
//! attribute values.

pub mod api_only_role;
pub mod api_only_user;
pub mod checks;
pub mod custom_service;

use std::sync::Arc;

use crate::marketo::{self, ErrorKind};
use crate::plugin::{ApplyResponse, AttributePath, Diagnostic, Diagnostics, Resource, Value};
use crate::provider::Shared;

/// Every managed resource type, sharing the provider's client.
pub fn all(shared: &Arc<Shared>) -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(api_only_role::ApiOnlyRole::new(shared.clone())),
        Arc::new(api_only_user::ApiOnlyUser::new(shared.clone())),
        Arc::new(custom_service::CustomService::new(shared.clone())),
    ]
}

/// A diagnostic for a failed Marketo call made while `doing` (e.g. "creating the role \"x\"").
/// What the user can do about it depends on the kind of failure, so the detail says it.
pub fn api_error(doing: &str, err: &marketo::Error) -> Diagnostic {
    let hint = match err.kind() {
        ErrorKind::Unauthorized => {
            " Check the provider's client_id and client_secret: Marketo no longer accepts them."
        }
        ErrorKind::AccessDenied => {
            " The provider's API-only user lacks a permission: its role needs the Access API \
             permission \"Access User Management Api\" (and, on a real instance, Access Users)."
        }
        ErrorKind::RateLimited => {
            " Marketo's shared limits (100 calls per 20 s, 10 at once) stayed exhausted through every \
             retry; other integrations may be using the instance heavily. Try again later, or run \
             Terraform with a lower -parallelism."
        }
        ErrorKind::QuotaExceeded => {
            " The instance's daily API quota is used up; it resets at midnight US Central time."
        }
        ErrorKind::Transient if err.transport() == Some(marketo::Transport::Timeout) => {
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
        (_, Some(marketo::Transport::Timeout)) => format!("Marketo did not answer while {doing}"),
        (_, Some(_)) => format!("Cannot reach Marketo while {doing}"),
        (ErrorKind::Cancelled, _) => format!("Stopped while {doing}"),
        _ => format!("Marketo refused {doing}"),
    };
    Diagnostic::error(summary, format!("Error while {doing}: {err}.{hint}"))
}

/// The same, attached to an attribute.
pub fn api_error_at(doing: &str, err: &marketo::Error, path: AttributePath) -> Diagnostic {
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

/// A failed apply that leaves the object as it was: Terraform keeps `prior` in the state.
pub fn unchanged(prior: &Value, diagnostics: impl Into<Diagnostics>) -> ApplyResponse {
    ApplyResponse {
        new_state: prior.clone(),
        diagnostics: diagnostics.into(),
        ..ApplyResponse::default()
    }
}

/// A known, non-null string attribute.
pub fn string(v: &Value, name: &str) -> Option<String> {
    v.get(name).as_str().map(str::to_string)
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
pub fn numeric_id(state: &Value, what: &str) -> Result<i64, Diagnostics> {
    let text = state.get("id").as_str().unwrap_or_default();
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
    fn a_failed_apply_keeps_the_prior_state() {
        let prior = Value::object([("id", Value::string("7"))]);
        let resp = unchanged(&prior, Diagnostic::error("Nope", "It failed."));
        assert_eq!(resp.new_state, prior);
        assert!(resp.diagnostics.has_errors());
        assert!(resp.private.is_empty());
    }

    #[test]
    fn state_ids() {
        let ok = Value::object([("id", Value::string("101"))]);
        assert_eq!(numeric_id(&ok, "role").ok(), Some(101));
        let bad = Value::object([("id", Value::string("Lead Sync"))]);
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
