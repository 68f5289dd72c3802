//! A service create refused because the display name is taken (409 / 1017, issue 12): the error
//! names the existing service's id in a ready-to-paste `import` block, and with `adopt_existing`
//! a service that matches the configuration is adopted (its Client ID and Secret included).

use super::model::{ServiceModel, TYPE_NAME, attr};
use super::state::state_of;
use crate::adapters::crud::Failed;
use crate::checks::adoption::{self, Differences, Existing};
use marketo_client::{Client, ServiceDetail};
use tfplugin6::{AttributePath, Diagnostic};

/// What a create of `config` whose display name Marketo says is taken turns into.
pub(super) async fn on_create_conflict(
    client: &Client,
    adopt: bool,
    config: &ServiceModel,
) -> Failed<ServiceModel> {
    let name = config.display_name.as_str().unwrap_or_default();
    let detail = match client.find_service_by_name(name).await {
        Ok(Some(service)) => client.get_service(service.id).await.ok().flatten(),
        _ => None,
    };
    let Some(detail) = detail else {
        return refused(name, None).into();
    };
    let state = state_of(&detail, Some(config));
    let existing = Existing {
        type_name: TYPE_NAME,
        what: "custom service",
        label: format!(
            "\"{}\" (id {})",
            detail.service.display_name, detail.service.id
        ),
        id: detail.service.id.to_string(),
    };
    let differences = differences(config, &state);
    match adoption::decide(adopt, &existing, &differences, state, || {
        refused(name, Some(&detail))
    }) {
        Ok((state, warnings)) => Failed::adopted(state, warnings),
        Err(d) => d.at(AttributePath::root(attr::DISPLAY_NAME)).into(),
    }
}

/// The attributes in which `found` (the existing service, as its state would record it: the
/// owner keeps the configured spelling when it names the same user) differs from `config`.
/// Never the secret: it is not configured, and never shown.
fn differences(config: &ServiceModel, found: &ServiceModel) -> Differences {
    let mut d = Differences::new();
    if config.display_name != found.display_name {
        d.text(
            "display_name",
            config.display_name.as_str(),
            found.display_name.as_str(),
        );
    }
    d.text(
        "description",
        config.description.as_str(),
        found.description.as_str(),
    );
    if config.api_only_user != found.api_only_user {
        d.text(
            "api_only_user",
            config.api_only_user.as_str(),
            found.api_only_user.as_str(),
        );
    }
    d
}

/// The error without adoption: the existing service's id in an `import` block when it was found.
fn refused(name: &str, found: Option<&ServiceDetail>) -> Diagnostic {
    let (which, id) = match found {
        Some(found) => (
            format!(
                "a LaunchPoint service named \"{}\" (id {}, owned by \"{}\")",
                found.service.display_name, found.service.id, found.service.api_only_user
            ),
            found.service.id.to_string(),
        ),
        None => (
            format!("a LaunchPoint service named \"{name}\""),
            "<id or client id>".to_string(),
        ),
    };
    Diagnostic::error(
        "A custom service with this display name already exists",
        format!(
            "Marketo already has {which} (display names are unique regardless of case). {}\n\nOr \
             choose another display name.",
            adoption::import_hint(TYPE_NAME, &id),
        ),
    )
    .at(AttributePath::root(attr::DISPLAY_NAME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin6::model::Attr;

    fn service(name: &str, description: Option<&str>, owner: &str) -> ServiceModel {
        ServiceModel {
            display_name: Attr::Known(name.to_string()),
            description: description.map(str::to_string).into(),
            api_only_user: Attr::Known(owner.to_string()),
            client_id: Attr::Known("cid".to_string()),
            client_secret: Attr::Known("top-secret".to_string()),
            ..ServiceModel::default()
        }
    }

    #[test]
    fn a_service_matches_on_name_description_and_owner() {
        let config = service("Sync", Some("d"), "a@example.com");
        assert!(differences(&config, &config.clone()).is_empty());
        let found = service("Sync!", None, "b@example.com");
        let lines = differences(&config, &found).lines();
        for attr in ["`display_name`", "`description`", "`api_only_user`"] {
            assert!(lines.contains(attr), "{attr}: {lines}");
        }
        assert!(!lines.contains("top-secret"), "{lines}");
    }

    #[test]
    fn the_refusal_names_the_service_id() {
        let d = refused("Sync", None);
        assert!(
            d.detail.contains("id = \"<id or client id>\""),
            "{}",
            d.detail
        );
        let found: ServiceDetail = serde_json::from_value(serde_json::json!({
            "id": 3, "displayName": "Sync", "apiOnlyUser": "a@example.com",
            "clientId": "cid", "clientSecret": "top-secret"
        }))
        .unwrap();
        let d = refused("Sync", Some(&found));
        assert!(d.detail.contains("id = \"3\""), "{}", d.detail);
        assert!(!d.detail.contains("top-secret"), "{}", d.detail);
    }
}
