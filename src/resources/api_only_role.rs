//! `marketo_api_only_role`: a custom Marketo role holding Access API permissions, for API-only
//! users.
//!
//! Reading uses the published `users/roles.json` first, so that a role renamed or deleted in the
//! Admin UI shows up as drift even on an instance without the role management endpoints; the
//! permissions come from `roles/{id}/role.json` (ours, see docs/guides/admin-endpoints.md).

use std::sync::Arc;

use async_trait::async_trait;

use crate::adapters::crud::{CheckAt, CrudResource, Failed, Identity, Plan, Refreshed};
use crate::checks::admin_endpoints;
use crate::checks::instance::{self, UniqueName};
use crate::checks::lockout::{self, RoleAfter};
use crate::checks::values::{self, check_description, check_name_text};
use crate::common::{
    Shared, api_error, api_error_at, endpoint_missing, gone_warning, numeric_id, parse_id,
};
use marketo_client::{
    self, ByName, Client, ErrorKind, NewRole, Role, RoleDetail, RoleUpdate, find_by_name,
};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Context, Diagnostic, Diagnostics, Schema};

mod adoption;
mod list;
mod model;
mod state;

use model::schema;
pub use model::*;
use state::{permission_names, state_of};

/// Longest role name Marketo accepts.
pub const MAX_NAME: usize = 50;

const INSTEAD: &str = "Create the role in the Admin UI (Admin > Users & Roles > Roles), then refer \
                       to it with the marketo_role data source.";

/// `marketo_api_only_role`.
#[derive(Debug, Clone)]
pub struct ApiOnlyRole {
    shared: Arc<Shared>,
}

impl ApiOnlyRole {
    /// The resource, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        ApiOnlyRole { shared }
    }
}

/// Every check of the configuration that needs no API call. Unknown values are skipped (they are
/// checked again at apply, when they are known).
fn check_config(config: &RoleModel) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_name_text(
        &mut diags,
        &config.name,
        AttributePath::root(attr::NAME),
        "name",
        MAX_NAME,
    );
    check_description(
        &mut diags,
        &config.description,
        AttributePath::root(attr::DESCRIPTION),
    );
    for p in config.permissions.known().into_iter().flatten() {
        let path = AttributePath::root(attr::PERMISSIONS);
        match p {
            Attr::Known(name) => {
                crate::checks::values::check_at(
                    &mut diags,
                    path,
                    "Invalid permission",
                    values::permission(name),
                );
            }
            Attr::Null => diags.push(
                Diagnostic::error(
                    "Invalid permission",
                    "The permission set holds a null element; give permission names only.",
                )
                .at(path),
            ),
            Attr::Unknown => {}
        }
    }
    diags
}

/// The users named by Marketo's 1022 message `Role '<name>' is assigned to users: a, b`.
fn holders_from_message(message: &str) -> Vec<String> {
    let Some((_, list)) = message.split_once("assigned to users:") else {
        return Vec::new();
    };
    list.split(',')
        .map(|u| u.trim().trim_end_matches('.').trim())
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect()
}

fn in_use_diagnostic(name: &str, err: &marketo_client::Error) -> Diagnostic {
    let holders = holders_from_message(err.message());
    let who = if holders.is_empty() {
        format!("Marketo says: {}", values::escaped(err.message()))
    } else {
        format!(
            "It is still assigned to: {}.",
            holders
                .iter()
                .map(|h| format!("\"{}\"", values::escaped(h)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Diagnostic::error(
        format!("The role \"{name}\" is still assigned to users"),
        format!(
            "Marketo refuses to delete a role that users hold. {who} Remove those role \
             assignments first: take the role out of each user's `role_assignment` (or destroy \
             the users) and apply, then delete the role. When the users are managed in the same \
             configuration, refer to the role as `marketo_api_only_role.<name>.id` so that \
             Terraform orders the changes itself."
        ),
    )
}

fn already_exists(name: &str) -> Diagnostic {
    Diagnostic::error(
        "A role with this name already exists",
        format!(
            "Marketo already has a role named \"{name}\" (names are unique regardless of case). \
             To manage that role with Terraform, import it:\n\n  terraform import \
             marketo_api_only_role.<name> \"{name}\"\n\nor choose another name."
        ),
    )
    .at(AttributePath::root(attr::NAME))
}

/// Maps a failed write onto its diagnostic.
fn write_error(doing: &str, name: &str, err: &marketo_client::Error) -> Diagnostic {
    match err.kind() {
        ErrorKind::EndpointMissing => endpoint_missing("role", INSTEAD),
        ErrorKind::AlreadyExists => already_exists(name),
        ErrorKind::Validation if err.code() == Some(1003) => {
            api_error_at(doing, err, AttributePath::root(attr::PERMISSIONS))
        }
        ErrorKind::Validation if err.code() == Some(709) => Diagnostic::error(
            format!("\"{name}\" is a system role"),
            format!(
                "Marketo's system roles cannot be changed or deleted ({err}). Refer to it with \
                 the marketo_role data source instead of managing it."
            ),
        ),
        _ => api_error(doing, err),
    }
}

fn role_label(state: &RoleModel) -> String {
    match (state.name.as_str(), state.id.as_str()) {
        (Some(n), Some(id)) => format!("\"{n}\" (id {id})"),
        (None, Some(id)) => format!("with id {id}"),
        (Some(n), None) => format!("\"{n}\""),
        (None, None) => String::new(),
    }
}

/// The name a plan gives the role when it is new (a create or a rename) and known, with the
/// role's own id on an update.
fn new_name<'a>(plan: &'a Plan<'_, RoleModel>) -> Option<(&'a str, Option<i64>)> {
    let name = plan.config.name.as_str()?;
    match plan.prior {
        None => Some((name, None)),
        Some(prior) if prior.name.as_str() != Some(name) => {
            Some((name, prior.id.as_str().and_then(parse_id)))
        }
        Some(_) => None,
    }
}

/// Finds a role by numeric id or by name in the published list.
async fn find(client: &Client, key: &str) -> Result<Role, Diagnostics> {
    let roles = client
        .list_roles()
        .await
        .map_err(|e| api_error("listing the roles", &e).into_diagnostics())?;
    let found = match parse_id(key) {
        Some(id) => roles.iter().find(|r| r.id == id),
        None => match find_by_name(&roles, key, |r| &r.name) {
            ByName::One(role) => Some(role),
            ByName::Missing => None,
            ByName::Several(several) => {
                let listed: Vec<String> = several
                    .iter()
                    .map(|r| format!("\"{}\" (id {})", values::escaped(&r.name), r.id))
                    .collect();
                return Err(Diagnostic::error(
                    "Cannot import the role: ambiguous name",
                    format!(
                        "\"{}\" matches {} roles regardless of case, and none exactly: {}. \
                         Import by the numeric id, or by the name exactly as Marketo spells it.",
                        values::escaped(key),
                        several.len(),
                        listed.join(", ")
                    ),
                )
                .into_diagnostics());
            }
        },
    };
    match found {
        Some(r) => Ok(r.clone()),
        None => {
            let custom: Vec<&Role> = roles
                .iter()
                .filter(|r| r.role_type.as_deref() != Some("system"))
                .collect();
            let hint = match values::closest(key, custom.iter().map(|r| r.name.as_str())) {
                Some(best) => format!(" Did you mean \"{}\"?", values::escaped(best)),
                None => String::new(),
            };
            let listing = if custom.is_empty() {
                "The instance has no custom roles.".to_string()
            } else {
                format!(
                    "Custom roles: {}.",
                    custom
                        .iter()
                        .map(|r| format!("\"{}\" (id {})", values::escaped(&r.name), r.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            Err(Diagnostic::error(
                "Cannot import the role: not found",
                format!(
                    "Marketo has no role with the id or name \"{key}\".{hint} {listing} \
                     Import by the numeric id or by the exact name."
                ),
            )
            .into_diagnostics())
        }
    }
}

#[async_trait]
impl CrudResource for ApiOnlyRole {
    type Model = RoleModel;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const IDENTITY: Identity = Identity {
        name: "id",
        from: "id",
        numeric: true,
        description: "The role's numeric Marketo id.",
    };

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &RoleModel, _at: CheckAt<'_, RoleModel>) -> Diagnostics {
        check_config(config)
    }

    fn modify_plan(&self, plan: &mut Plan<'_, RoleModel>) {
        if let Some(prior) = plan.prior {
            plan.planned.id = prior.id.clone();
            plan.planned.role_type = prior.role_type.clone();
        }
    }

    /// Issue 10: refused here, before anything is written, where the endpoints are missing.
    /// Issue 12: a new name that an existing role has (regardless of case) is refused too.
    async fn check_plan(&self, ctx: &Context, plan: &Plan<'_, RoleModel>) -> Diagnostics {
        if let Some(refused) =
            admin_endpoints::refuse_at_plan(&self.shared, ctx, "role", INSTEAD).await
        {
            return refused;
        }
        let mut diags = match new_name(plan) {
            Some((name, own_id)) => {
                let twice = instance::check_planned_once(
                    &self.shared,
                    UniqueName::Role,
                    name,
                    own_id,
                    tfplugin6::model::to_value(plan.config).unwrap_or_default(),
                );
                if twice.has_errors() {
                    return twice;
                }
                instance::check_unique_name(&self.shared, ctx, UniqueName::Role, name, own_id).await
            }
            None => Diagnostics::new(),
        };
        // Issue 17: new permissions for a role the provider's own user holds.
        if let Some(prior) = plan.prior
            && plan.planned.permissions != prior.permissions
            && let Some(id) = prior.id.as_str().and_then(parse_id)
        {
            let fully_known = plan
                .planned
                .permissions
                .known()
                .is_some_and(|set| set.iter().all(Attr::is_known));
            let names = permission_names(&plan.planned.permissions);
            let after = if fully_known {
                RoleAfter::Grants(&names)
            } else {
                RoleAfter::Unknown
            };
            let name = plan.planned.name.as_str().unwrap_or_default();
            let path = AttributePath::root(attr::PERMISSIONS);
            diags.extend(
                lockout::role_changed(&self.shared, ctx, id, name, after, Some(path)).await,
            );
        }
        diags
    }

    /// Issue 17: destroying a role the provider's own user holds takes its access with it.
    async fn check_destroy(&self, ctx: &Context, prior: &RoleModel) -> Diagnostics {
        let Some(id) = prior.id.as_str().and_then(parse_id) else {
            return Diagnostics::new();
        };
        let name = prior.name.as_str().unwrap_or_default();
        lockout::role_changed(&self.shared, ctx, id, name, RoleAfter::Deleted, None).await
    }

    async fn create(
        &self,
        client: &Client,
        desired: &RoleModel,
    ) -> Result<RoleModel, Failed<RoleModel>> {
        let name = desired.name.as_str().unwrap_or_default().to_string();
        let role = NewRole {
            name: name.clone(),
            description: desired.description.known().cloned(),
            permissions: permission_names(&desired.permissions),
        };
        match client.create_role(&role).await {
            Ok(detail) => {
                self.shared.lists.note_made_role(detail.role.id);
                Ok(state_of(&detail, Some(desired)))
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(adoption::on_create_conflict(
                client,
                self.shared.adopt_existing(),
                desired,
                &name,
            )
            .await),
            Err(e) => Err(write_error(&format!("creating the role \"{name}\""), &name, &e).into()),
        }
    }

    async fn update(
        &self,
        client: &Client,
        prior: &RoleModel,
        desired: &RoleModel,
    ) -> Result<RoleModel, Failed<RoleModel>> {
        let id = numeric_id(&prior.id, "role")?;
        let name = desired.name.as_str().unwrap_or_default().to_string();
        let mut update = RoleUpdate::default();
        if prior.name != desired.name {
            update.name = Some(name.clone());
        }
        if prior.description != desired.description {
            // Sending "" clears it: Marketo reads an empty description back as none.
            update.description = Some(desired.description.as_str().unwrap_or_default().to_string());
        }
        let wanted = permission_names(&desired.permissions);
        if permission_names(&prior.permissions) != wanted {
            update.permissions = Some(wanted);
        }
        let doing = format!("updating the role \"{name}\" (id {id})");
        let result = if update == RoleUpdate::default() {
            match client.get_role(id).await {
                Ok(Some(d)) => Ok(d),
                Ok(None) => Err(None),
                Err(e) => Err(Some(e)),
            }
        } else {
            client.update_role(id, &update).await.map_err(Some)
        };
        match result {
            Ok(detail) => Ok(state_of(&detail, Some(desired))),
            Err(Some(e)) if e.kind() == ErrorKind::NotFound => Err(Diagnostic::error(
                "The role no longer exists",
                format!(
                    "While {doing}: the role was deleted outside Terraform. Run terraform \
                     apply again: the refresh drops it from the state and plans to create it."
                ),
            )
            .into()),
            Err(Some(e)) => Err(write_error(&doing, &name, &e).into()),
            Err(None) => Err(Diagnostic::error(
                "The role no longer exists",
                format!("While {doing}: the role was deleted outside Terraform."),
            )
            .into()),
        }
    }

    async fn delete(&self, client: &Client, prior: &RoleModel) -> Result<(), Diagnostics> {
        let id = numeric_id(&prior.id, "role")?;
        let name = prior.name.as_str().unwrap_or_default().to_string();
        match client.delete_role(id).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) if e.kind() == ErrorKind::InUse => Err(in_use_diagnostic(&name, &e).into()),
            Err(e) => Err(write_error(
                &format!("deleting the role \"{name}\" (id {id})"),
                &name,
                &e,
            )
            .into()),
        }
    }

    async fn read(
        &self,
        client: &Client,
        prior: &RoleModel,
    ) -> Result<Refreshed<RoleModel>, Diagnostics> {
        let id = numeric_id(&prior.id, "role")?;
        let gone = || {
            Refreshed::Gone(gone_warning("API-only role", &role_label(prior)).into_diagnostics())
        };
        // The role detail endpoint answers everything in one call. Where an instance lacks it,
        // the published role list still shows renames and deletions.
        match client.get_role(id).await {
            Ok(Some(detail)) => Ok(Refreshed::Found(
                state_of(&detail, Some(prior)),
                Diagnostics::new(),
            )),
            Ok(None) => Ok(gone()),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                let listed = match client.list_roles().await {
                    Ok(roles) => roles.into_iter().find(|r| r.id == id),
                    Err(e) => return Err(api_error("reading the role list", &e).into()),
                };
                let Some(listed) = listed else {
                    return Ok(gone());
                };
                let detail = RoleDetail {
                    role: listed,
                    permissions: permission_names(&prior.permissions),
                };
                let mut state = state_of(&detail, Some(prior));
                // Whatever Terraform last recorded, unchanged (null stays null).
                state.permissions = prior.permissions.clone();
                Ok(Refreshed::Found(
                    state,
                    Diagnostic::warning(
                        "The role's permissions cannot be read from this instance",
                        format!(
                            "This Marketo instance does not serve the role detail endpoint \
                             (404/610), so the permissions of the role {} are those Terraform \
                             last recorded: changes made in the Admin UI cannot be detected. Its \
                             name and existence are still checked through the published role \
                             list.",
                            role_label(prior)
                        ),
                    )
                    .into_diagnostics(),
                ))
            }
            Err(e) => Err(api_error(&format!("reading the role {}", role_label(prior)), &e).into()),
        }
    }

    async fn import(&self, client: &Client, id: &str) -> Result<RoleModel, Diagnostics> {
        let key = id.trim();
        let role = find(client, key).await?;
        if role.role_type.as_deref() == Some("system") {
            return Err(Diagnostic::error(
                format!(
                    "\"{}\" is a system role, use the marketo_role data source",
                    role.name
                ),
                format!(
                    "The role \"{}\" (id {}) is one of Marketo's system roles, which cannot be \
                     changed or deleted, so Terraform cannot manage it as a resource. Read it \
                     with the marketo_role data source instead:\n\n  data \"marketo_role\" \"x\" \
                     {{\n    name = \"{}\"\n  }}",
                    role.name, role.id, role.name
                ),
            )
            .into());
        }
        match client.get_role(role.id).await {
            Ok(Some(detail)) => Ok(state_of(&detail, None)),
            Ok(None) => Err(Diagnostic::error(
                "Cannot import the role: not found",
                format!(
                    "The role \"{}\" (id {}) was deleted while it was being imported.",
                    role.name, role.id
                ),
            )
            .into()),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                Err(endpoint_missing("role", INSTEAD).into())
            }
            Err(e) => Err(api_error(&format!("reading the role \"{}\"", role.name), &e).into()),
        }
    }
}

#[cfg(test)]
mod tests;
