//! Marketo's numeric ids as Terraform keeps them: strings in the state and in import ids.

use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics};

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
}
