//! Diagnostics that several resources and data sources give: a failed Marketo call told with
//! what the user can do about it, an instance without the admin endpoints, an object deleted
//! outside Terraform, and long ids cut for display. Nothing here decides anything: these are the
//! words, not the rules (the rules are in `crate::checks`).

use marketo_client::ErrorKind;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics, Severity};

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

/// The diagnostics of `diags` of one severity. Terraform passes on only the errors of the second
/// plan of a replacement (the create half), so a check there keeps its errors and leaves its
/// warnings to the first half, where the provider can see them (see `adapters::crud::REPLACING`).
pub fn of_severity(diags: Diagnostics, severity: Severity) -> Diagnostics {
    diags
        .into_iter()
        .filter(|d| d.severity == severity)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_are_shown_cut() {
        assert_eq!(shown("jane@example.com"), "jane@example.com");
        let long = "é".repeat(100_000);
        let text = shown(&long);
        assert!(text.ends_with("… (100000 characters)"), "{text}");
        assert_eq!(text.chars().filter(|c| *c == 'é').count(), 80);
        assert_eq!(shown(&"x".repeat(80)), "x".repeat(80));
    }
}
