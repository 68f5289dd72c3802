//! Data sources: read-only lookups of what a Marketo instance holds. Each file holds one data
//! source; this module holds what they share (the "exactly one of" rule and the "not found,
//! here is what exists" diagnostic).

pub mod api_only_user;
pub mod permissions;
pub mod role;
pub mod roles;
pub mod users;
pub mod workspace;
pub mod workspaces;

use std::sync::Arc;

use crate::plugin::{AttributePath, DataSource, Diagnostic, Diagnostics, Value};
use crate::provider::Shared;
use crate::resources::checks;

/// Every data source, sharing the provider's client.
pub fn all(shared: &Arc<Shared>) -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(role::RoleDataSource::new(shared.clone())),
        Arc::new(roles::RolesDataSource::new(shared.clone())),
        Arc::new(workspace::WorkspaceDataSource::new(shared.clone())),
        Arc::new(workspaces::WorkspacesDataSource::new(shared.clone())),
        Arc::new(api_only_user::ApiOnlyUserDataSource::new(shared.clone())),
        Arc::new(users::UsersDataSource::new(shared.clone())),
        Arc::new(permissions::PermissionsDataSource::new(shared.clone())),
    ]
}

/// Checks that exactly one of two lookup attributes is set. Unknown counts as set (it will be
/// known when the data source is read).
pub(crate) fn exactly_one(config: &Value, a: &str, b: &str, what: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let (has_a, has_b) = (!config.get(a).is_null(), !config.get(b).is_null());
    if !has_a && !has_b {
        diags.push(
            Diagnostic::error(
                format!("Missing {what} lookup"),
                format!("Set exactly one of `{a}` and `{b}` to say which {what} to read."),
            )
            .at(AttributePath::root(a)),
        );
    } else if has_a && has_b {
        diags.push(
            Diagnostic::error(
                format!("Conflicting {what} lookup"),
                format!("Set only one of `{a}` and `{b}`: the {what} is looked up by one of them."),
            )
            .at(AttributePath::root(b)),
        );
    }
    diags
}

/// At most this many existing names are listed in a "not found" error.
const LISTED: usize = 30;

/// The error for a lookup that found nothing: it lists what exists and suggests the closest.
pub(crate) fn not_found(
    what: &str,
    by: &str,
    given: &str,
    existing: &[String],
    path: AttributePath,
) -> Diagnostic {
    let hint = match checks::closest(given, existing.iter().map(String::as_str)) {
        Some(best) => format!(" Did you mean \"{best}\"?"),
        None => String::new(),
    };
    let listing = if existing.is_empty() {
        format!(" The instance has no {what}s.")
    } else {
        let shown: Vec<String> = existing
            .iter()
            .take(LISTED)
            .map(|n| format!("\"{n}\""))
            .collect();
        let more = if existing.len() > LISTED {
            format!(" and {} more", existing.len() - LISTED)
        } else {
            String::new()
        };
        format!(" Existing: {}{more}.", shown.join(", "))
    };
    Diagnostic::error(
        format!("No such {what}"),
        format!("Marketo has no {what} with {by} \"{given}\".{hint}{listing}"),
    )
    .at(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_rule() {
        let both = Value::object([("name", Value::string("a")), ("id", Value::Unknown)]);
        assert_eq!(exactly_one(&both, "name", "id", "role").len(), 1);
        let none = Value::object([("name", Value::Null)]);
        let d = exactly_one(&none, "name", "id", "role");
        assert!(
            d.to_string().contains("exactly one of `name` and `id`"),
            "{d}"
        );
        let one = Value::object([("name", Value::Unknown)]);
        assert!(exactly_one(&one, "name", "id", "role").is_empty());
    }

    #[test]
    fn not_found_lists_and_suggests() {
        let names = vec!["Admin".to_string(), "Standard User".to_string()];
        let d = not_found(
            "role",
            "name",
            "Standard Usr",
            &names,
            AttributePath::root("name"),
        );
        assert!(d.detail.contains("Did you mean \"Standard User\"?"), "{d}");
        assert!(
            d.detail.contains("Existing: \"Admin\", \"Standard User\"."),
            "{d}"
        );
        let many: Vec<String> = (0..40).map(|i| format!("r{i}")).collect();
        let d = not_found("role", "name", "zzz", &many, AttributePath::root("name"));
        assert!(d.detail.contains("and 10 more"), "{d}");
    }
}
