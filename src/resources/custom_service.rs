//! `marketo_custom_service`: a LaunchPoint custom service, whose Client ID and Client Secret log
//! in as its API-only user.
//!
//! The secret is kept in the state (marked sensitive) and nowhere else: it never appears in a
//! diagnostic or a log line.

use std::sync::Arc;

use async_trait::async_trait;

use crate::adapters::crud::{CheckAt, CrudResource, Failed, Identity, Plan, Refreshed};
use crate::checks::admin_endpoints;
use crate::checks::in_use;
use crate::checks::instance::{self, UniqueName};
use crate::checks::lockout::{self, Removal};
use crate::checks::values::{check_description, check_name_text};
use crate::common::{
    Shared, api_error, api_error_at, endpoint_missing, gone_warning, numeric_id, of_severity,
    parse_id,
};
use marketo_client::{Client, ErrorKind, NewService, ServiceUpdate};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Context, Diagnostic, Diagnostics, Schema, Severity};

mod adoption;
mod list;
mod model;
mod state;

use model::schema;
pub use model::*;
use state::state_of;

/// Longest display name Marketo accepts.
pub const MAX_DISPLAY_NAME: usize = 50;

const INSTEAD: &str = "Create the custom service in the Admin UI (Admin > Integration > \
                       LaunchPoint > New Service), then pass its Client ID and Secret to \
                       Terraform as sensitive variables.";

/// `marketo_custom_service`.
#[derive(Debug, Clone)]
pub struct CustomService {
    shared: Arc<Shared>,
}

impl CustomService {
    /// The resource, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        CustomService { shared }
    }

    /// Plans the computed attributes: kept on an in-place update, unknown on a replacement (a
    /// new owner, or one not known until apply, which may differ).
    fn plan_computed(&self, plan: &mut Plan<'_, ServiceModel>) {
        let Some(prior) = plan.prior else {
            return;
        };
        // Marketo cannot move a service to another user: a new owner (or one not known until
        // apply, which may differ) means a new service with new credentials.
        let owner = &plan.planned.api_only_user;
        if owner.is_unknown() || *owner != prior.api_only_user {
            plan.requires_replace
                .push(AttributePath::root(attr::API_ONLY_USER));
            plan.planned.computed_from(&ServiceModel {
                id: Attr::Unknown,
                client_id: Attr::Unknown,
                client_secret: Attr::Unknown,
                ..ServiceModel::default()
            });
        } else {
            plan.planned.computed_from(prior);
        }
    }
}

/// Every check of the configuration that needs no API call; unknown values are skipped.
fn check_config(config: &ServiceModel) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_name_text(
        &mut diags,
        &config.display_name,
        AttributePath::root(attr::DISPLAY_NAME),
        "display name",
        MAX_DISPLAY_NAME,
    );
    check_description(
        &mut diags,
        &config.description,
        AttributePath::root(attr::DESCRIPTION),
    );
    if let Some(user) = config.api_only_user.as_str() {
        if user.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    "Invalid API-only user",
                    "`api_only_user` must be the userid of an API-only user, such as \
                     marketo_api_only_user.<name>.userid; it is empty.",
                )
                .at(AttributePath::root(attr::API_ONLY_USER)),
            );
        } else if let Err(e) = crate::checks::values::plain(user) {
            diags.push(
                Diagnostic::error("Invalid API-only user", format!("`api_only_user` {e}."))
                    .at(AttributePath::root(attr::API_ONLY_USER)),
            );
        } else if user.trim() != user {
            diags.push(
                Diagnostic::error(
                    "Invalid API-only user",
                    format!(
                        "\"{user}\" has leading or trailing spaces, which no Marketo userid has."
                    ),
                )
                .at(AttributePath::root(attr::API_ONLY_USER)),
            );
        }
    }
    diags
}

fn label(state: &ServiceModel) -> String {
    match (state.display_name.as_str(), state.id.as_str()) {
        (Some(n), Some(id)) => format!("\"{n}\" (id {id})"),
        (None, Some(id)) => format!("with id {id}"),
        (Some(n), None) => format!("\"{n}\""),
        (None, None) => String::new(),
    }
}

/// The display name a plan gives the service when it is new (a create, a replacement or a
/// rename) and known, with the id of the service it is not to be compared with: its own on a
/// rename, the replaced one on the create half of a replacement.
fn new_display_name<'a>(plan: &'a Plan<'_, ServiceModel>) -> Option<(&'a str, Option<i64>)> {
    let name = plan.config.display_name.as_str()?;
    match plan.prior {
        // The create half of a replacement keeps the name of the service it replaces.
        None => Some((name, plan.replaces.as_deref().and_then(parse_id))),
        Some(prior) if prior.display_name.as_str() != Some(name) => {
            Some((name, prior.id.as_str().and_then(parse_id)))
        }
        Some(_) => None,
    }
}

/// Maps a failed write onto its diagnostic.
fn write_error(doing: &str, config: &ServiceModel, err: &marketo_client::Error) -> Diagnostic {
    let name = config.display_name.as_str().unwrap_or_default();
    let user = config.api_only_user.as_str().unwrap_or_default();
    match err.kind() {
        ErrorKind::EndpointMissing => endpoint_missing("LaunchPoint service", INSTEAD),
        ErrorKind::AlreadyExists => Diagnostic::error(
            "A custom service with this display name already exists",
            format!(
                "Marketo already has a LaunchPoint service named \"{name}\" (display names are \
                 unique regardless of case). To manage it with Terraform, import it by its id or \
                 Client ID:\n\n  terraform import marketo_custom_service.<name> <id or client \
                 id>\n\nor choose another display name."
            ),
        )
        .at(AttributePath::root(attr::DISPLAY_NAME)),
        ErrorKind::Validation if err.code() == Some(1003) => Diagnostic::error(
            "The service's user cannot own a custom service",
            format!(
                "Marketo refused \"{user}\" as the service's user: it must be an existing, \
                 active API-only user ({err}). Refer to a marketo_api_only_user resource's \
                 userid, or use the marketo_api_only_user data source to find an existing one."
            ),
        )
        .at(AttributePath::root(attr::API_ONLY_USER)),
        _ => api_error(doing, err),
    }
}

/// A service destroyed or replaced: refused when its credentials are the provider's, flagged
/// when its user is in use.
async fn removal(
    shared: &Shared,
    ctx: &Context,
    prior: &ServiceModel,
    how: Removal,
) -> Diagnostics {
    let name = prior.display_name.as_str().unwrap_or_default();
    let client_id = prior.client_id.as_str().unwrap_or_default();
    let mut diags = lockout::service_removed(shared, ctx, client_id, name, how).await;
    if let Some(owner) = prior.api_only_user.as_str() {
        let what = format!(
            "the custom service \"{}\"",
            crate::checks::values::escaped(name)
        );
        diags.extend(in_use::check(shared, ctx, owner, &what, how).await);
    }
    diags
}

#[async_trait]
impl CrudResource for CustomService {
    type Model = ServiceModel;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const IDENTITY: Identity = Identity {
        name: "id",
        from: "id",
        numeric: true,
        description: "The service's numeric Marketo id.",
    };

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &ServiceModel, _at: CheckAt<'_, ServiceModel>) -> Diagnostics {
        check_config(config)
    }

    fn modify_plan(&self, plan: &mut Plan<'_, ServiceModel>) {
        self.plan_computed(plan);
        // A secret stored again after `false` (null in the prior state) is read at apply.
        let secret = match &plan.planned.client_secret {
            Attr::Null => Attr::Unknown,
            kept => kept.clone(),
        };
        plan.planned
            .keep_secret(plan.config.stores_secret(), secret);
    }

    /// A version-0 state kept the secret: it had `store_client_secret = true` implicitly.
    fn upgrade(&self, version: i64, mut state: ServiceModel) -> Result<ServiceModel, Diagnostics> {
        if version < 1 && state.store_client_secret.is_null() {
            state.store_client_secret = Attr::Known(true);
        }
        Ok(state)
    }

    /// Issue 10: refused here, before anything is written, where the endpoints are missing.
    /// Issue 12: a new display name that an existing service has (regardless of case) is
    /// refused too.
    async fn check_plan(&self, ctx: &Context, plan: &Plan<'_, ServiceModel>) -> Diagnostics {
        if let Some(refused) =
            admin_endpoints::refuse_at_plan(&self.shared, ctx, "LaunchPoint service", INSTEAD).await
        {
            return refused;
        }
        let mut diags = match new_display_name(plan) {
            Some((name, own_id)) => {
                let twice = instance::check_planned_once(
                    &self.shared,
                    UniqueName::Service,
                    name,
                    own_id,
                    tfplugin6::model::to_value(plan.config).unwrap_or_default(),
                );
                if twice.has_errors() {
                    return twice;
                }
                instance::check_unique_name(&self.shared, ctx, UniqueName::Service, name, own_id)
                    .await
            }
            None => Diagnostics::new(),
        };
        // Issue 17: a new owner known now must be an API-only user.
        let new_owner = plan
            .prior
            .is_none_or(|p| p.api_only_user != plan.config.api_only_user);
        if new_owner && let Some(owner) = plan.config.api_only_user.as_str() {
            let owner_check =
                instance::check_service_owner(&self.shared, ctx, owner, attr::API_ONLY_USER).await;
            if owner_check.has_errors() {
                return owner_check;
            }
        }
        // Issue 17: the create half of a replacement (whoever asked for it) removes the service
        // it replaces, and its credentials; Terraform shows only its errors. The warnings of a
        // replacement the provider asks for are given on the first half.
        if let Some(prior) = plan.prior
            && !plan.requires_replace.is_empty()
        {
            let found = removal(&self.shared, ctx, prior, Removal::Replace).await;
            diags.extend(of_severity(found, Severity::Warning));
        } else if plan.prior.is_none()
            && let Some(replaced) = plan.replaces.as_deref().and_then(parse_id)
            && let Some(old) = instance::service_by_id(&self.shared, ctx, replaced).await
        {
            let prior = ServiceModel {
                display_name: Attr::Known(old.display_name),
                client_id: Attr::Known(old.client_id),
                api_only_user: Attr::Known(old.api_only_user),
                ..ServiceModel::default()
            };
            let found = removal(&self.shared, ctx, &prior, Removal::Replace).await;
            diags.extend(of_severity(found, Severity::Error));
        }
        diags
    }

    async fn check_destroy(&self, ctx: &Context, prior: &ServiceModel) -> Diagnostics {
        removal(&self.shared, ctx, prior, Removal::Destroy).await
    }

    async fn create(
        &self,
        client: &Client,
        desired: &ServiceModel,
    ) -> Result<ServiceModel, Failed<ServiceModel>> {
        let new = NewService {
            display_name: desired
                .display_name
                .as_str()
                .unwrap_or_default()
                .to_string(),
            description: desired.description.known().cloned(),
            api_only_user: desired
                .api_only_user
                .as_str()
                .unwrap_or_default()
                .to_string(),
        };
        match client.create_service(&new).await {
            Ok(detail) => Ok(state_of(&detail, Some(desired))),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                Err(
                    adoption::on_create_conflict(client, self.shared.adopt_existing(), desired)
                        .await,
                )
            }
            Err(e) => Err(write_error(
                &format!("creating the custom service \"{}\"", new.display_name),
                desired,
                &e,
            )
            .into()),
        }
    }

    async fn update(
        &self,
        client: &Client,
        prior: &ServiceModel,
        desired: &ServiceModel,
    ) -> Result<ServiceModel, Failed<ServiceModel>> {
        if desired.api_only_user != prior.api_only_user {
            // The plan asked for a replacement; an update cannot change the owner.
            return Err(Diagnostic::error(
                "The service's user cannot change in place",
                "Marketo cannot move a custom service to another user; Terraform \
                 should have planned a replacement. Please report this as a bug.",
            )
            .at(AttributePath::root(attr::API_ONLY_USER))
            .into());
        }
        let id = numeric_id(&prior.id, "service")?;
        let mut update = ServiceUpdate::default();
        if prior.display_name != desired.display_name {
            update.display_name = desired.display_name.known().cloned();
        }
        if prior.description != desired.description {
            // Sending "" clears it: Marketo reads an empty description back as none.
            update.description = Some(desired.description.as_str().unwrap_or_default().to_string());
        }
        let doing = format!("updating the custom service {}", label(prior));
        let result = if update == ServiceUpdate::default() {
            client.get_service(id).await.and_then(|found| {
                found.ok_or_else(|| {
                    marketo_client::Error::new(ErrorKind::NotFound, "the service no longer exists")
                })
            })
        } else {
            client.update_service(id, &update).await
        };
        match result {
            Ok(detail) => Ok(state_of(&detail, Some(desired))),
            Err(e) if e.kind() == ErrorKind::NotFound => Err(Diagnostic::error(
                "The custom service no longer exists",
                format!(
                    "While {doing}: the service was deleted outside Terraform. Run terraform \
                     apply again: the refresh drops it from the state and plans to create it."
                ),
            )
            .into()),
            Err(e) => Err(write_error(&doing, desired, &e).into()),
        }
    }

    async fn delete(&self, client: &Client, prior: &ServiceModel) -> Result<(), Diagnostics> {
        let id = numeric_id(&prior.id, "service")?;
        match client.delete_service(id).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(write_error(
                &format!("deleting the custom service {}", label(prior)),
                prior,
                &e,
            )
            .into()),
        }
    }

    async fn read(
        &self,
        client: &Client,
        prior: &ServiceModel,
    ) -> Result<Refreshed<ServiceModel>, Diagnostics> {
        let id = numeric_id(&prior.id, "service")?;
        match client.get_service(id).await {
            Ok(Some(detail)) => Ok(Refreshed::Found(
                state_of(&detail, Some(prior)),
                Diagnostics::new(),
            )),
            Ok(None) => Ok(Refreshed::Gone(
                gone_warning("custom service", &label(prior)).into_diagnostics(),
            )),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                Err(endpoint_missing("LaunchPoint service", INSTEAD).into())
            }
            Err(e) => {
                Err(api_error(&format!("reading the custom service {}", label(prior)), &e).into())
            }
        }
    }

    async fn import(&self, client: &Client, id: &str) -> Result<ServiceModel, Diagnostics> {
        let key = id.trim();
        let service_id = match parse_id(key) {
            Some(n) => n,
            None => match client.find_service_by_client_id(key).await {
                Ok(Some(s)) => s.id,
                Ok(None) => {
                    return Err(Diagnostic::error(
                        "Cannot import the custom service: not found",
                        format!(
                            "Marketo has no LaunchPoint custom service whose Client ID is \
                             \"{key}\". Import by the numeric id or by the Client ID \
                             (Admin > Integration > LaunchPoint > View Details)."
                        ),
                    )
                    .into());
                }
                Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                    return Err(endpoint_missing("LaunchPoint service", INSTEAD).into());
                }
                Err(e) => {
                    return Err(api_error("listing the custom services", &e).into());
                }
            },
        };
        match client.get_service(service_id).await {
            Ok(Some(detail)) => Ok(state_of(&detail, None)),
            Ok(None) => Err(Diagnostic::error(
                "Cannot import the custom service: not found",
                format!("Marketo has no LaunchPoint custom service with id {service_id}."),
            )
            .into()),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                Err(endpoint_missing("LaunchPoint service", INSTEAD).into())
            }
            Err(e) => Err(api_error_at(
                &format!("reading the custom service {service_id}"),
                &e,
                AttributePath::root(attr::ID),
            )
            .into()),
        }
    }
}

#[cfg(test)]
mod tests;
