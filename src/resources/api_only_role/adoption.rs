//! A role create refused because the name is taken (409 / 1017, issue 12): the error names the
//! existing role's id in a ready-to-paste `import` block, and with `adopt_existing` a role that
//! matches the configuration is adopted.

use super::model::{RoleModel, TYPE_NAME, attr};
use super::state::{permission_names, state_of};
use crate::adapters::crud::Failed;
use crate::checks::adoption::{self, Differences, Existing};
use marketo_client::{Client, RoleDetail};
use tfplugin6::{AttributePath, Diagnostic};

/// What a create of `config` whose name Marketo says is taken turns into.
pub(super) async fn on_create_conflict(
    client: &Client,
    adopt: bool,
    config: &RoleModel,
    name: &str,
) -> Failed<RoleModel> {
    let detail = match client.find_role_by_name(name).await {
        Ok(Some(role)) => client.get_role(role.id).await.ok().flatten(),
        _ => None,
    };
    let Some(detail) = detail else {
        return refused(name, None).into();
    };
    if detail.role.role_type.as_deref() == Some("system") {
        return system_role(&detail).into();
    }
    let state = state_of(&detail, Some(config));
    let existing = Existing {
        type_name: TYPE_NAME,
        what: "role",
        label: format!("\"{}\" (id {})", detail.role.name, detail.role.id),
        id: detail.role.id.to_string(),
    };
    let differences = differences(config, &state);
    match adoption::decide(adopt, &existing, &differences, state, || {
        refused(name, Some(&detail))
    }) {
        Ok((state, warnings)) => Failed::adopted(state, warnings),
        Err(d) => d.at(AttributePath::root(attr::NAME)).into(),
    }
}

/// The attributes in which `found` (the existing role, as its state would record it) differs
/// from `config`.
fn differences(config: &RoleModel, found: &RoleModel) -> Differences {
    let mut d = Differences::new();
    if config.name != found.name {
        d.text("name", config.name.as_str(), found.name.as_str());
    }
    d.text(
        "description",
        config.description.as_str(),
        found.description.as_str(),
    );
    let (want, have) = (
        permission_names(&config.permissions),
        permission_names(&found.permissions),
    );
    if want != have {
        d.push("permissions", &format!("{want:?}"), &format!("{have:?}"));
    }
    d
}

/// The error without adoption: the existing role's id in an `import` block when it was found.
fn refused(name: &str, found: Option<&RoleDetail>) -> Diagnostic {
    let detail = match found {
        Some(found) => format!(
            "Marketo already has a role named \"{}\" (id {}; names are unique regardless of \
             case). {}\n\nOr choose another name.",
            found.role.name,
            found.role.id,
            adoption::import_hint(TYPE_NAME, &found.role.id.to_string()),
        ),
        None => format!(
            "Marketo already has a role named \"{name}\" (names are unique regardless of case). \
             {}\n\nOr choose another name.",
            adoption::import_hint(TYPE_NAME, name),
        ),
    };
    Diagnostic::error("A role with this name already exists", detail)
        .at(AttributePath::root(attr::NAME))
}

/// A system role has the name: it can be neither imported nor adopted.
fn system_role(found: &RoleDetail) -> Diagnostic {
    Diagnostic::error(
        "A role with this name already exists",
        format!(
            "\"{}\" (id {}) is one of Marketo's system roles, which Terraform cannot manage as a \
             resource. Choose another name, or read it with the marketo_role data source:\n\n  \
             data \"marketo_role\" \"x\" {{\n    name = {}\n  }}",
            found.role.name,
            found.role.id,
            adoption::hcl_string(&found.role.name),
        ),
    )
    .at(AttributePath::root(attr::NAME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin6::model::{Attr, Set};

    fn role(name: &str, description: Option<&str>, permissions: &[&str]) -> RoleModel {
        RoleModel {
            id: Attr::Unknown,
            name: Attr::Known(name.to_string()),
            description: description.map(str::to_string).into(),
            permissions: Attr::Known(
                permissions
                    .iter()
                    .map(|p| Attr::Known(p.to_string()))
                    .collect::<Set<_>>(),
            ),
            role_type: Attr::Unknown,
        }
    }

    #[test]
    fn a_role_matches_apart_from_permission_order() {
        let config = role("Sync", Some("d"), &["Read-Only Lead", "Read-Write Lead"]);
        let found = role("Sync", Some("d"), &["Read-Write Lead", "Read-Only Lead"]);
        assert!(differences(&config, &found).is_empty());
    }

    #[test]
    fn every_differing_attribute_is_named() {
        let config = role("Sync", Some("d"), &["Read-Only Lead"]);
        let found = role("sync", None, &["Read-Write Lead"]);
        let lines = differences(&config, &found).lines();
        for attr in ["`name`", "`description`", "`permissions`"] {
            assert!(lines.contains(attr), "{attr}: {lines}");
        }
    }

    #[test]
    fn the_refusal_names_the_role_id() {
        let found = RoleDetail {
            role: marketo_client::Role {
                id: 101,
                name: "Sync".to_string(),
                ..serde_json::from_value(serde_json::json!({"id": 101})).unwrap()
            },
            permissions: Vec::new(),
        };
        let d = refused("Sync", Some(&found));
        assert!(
            d.detail
                .contains("import {\n    to = marketo_api_only_role.<name>\n    id = \"101\""),
            "{}",
            d.detail
        );
        assert_eq!(d.attribute, Some(AttributePath::root(attr::NAME)));
    }
}
