//! `marketo_api_only_user`: an API-only user, created with the published invite endpoint
//! (`apiOnly: true`: no invitation email, active at once) and holding exactly the role and
//! workspace pairs of its `role_assignment` blocks.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;

use crate::adapters::crud::{CheckAt, CrudResource, Failed, Identity, Plan, Refreshed, Writes};
use crate::checks::lockout::{self, HeldPair, Removal};
use crate::checks::{in_use, instance, values};
use crate::common::{Shared, api_error, api_error_at, gone_warning, of_severity, shown};
use marketo_client::{self, Client, ErrorKind, FoundUser, InviteUser, RoleWorkspace, UpdateUser};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Context, Diagnostic, Diagnostics, Number, Schema, Severity};

mod adoption;
mod expiry;
mod list;
mod model;

use model::schema;
pub use model::*;
mod checks;
mod state;

use checks::{check_config, known_pairs};
use state::{assignments, expiry_instant, settle, state_of, text, unfinished};

/// The `marketo_api_only_user` resource.
pub struct ApiOnlyUser {
    shared: Arc<Shared>,
}

impl ApiOnlyUser {
    /// The resource, using the provider's shared client.
    pub fn new(shared: Arc<Shared>) -> ApiOnlyUser {
        ApiOnlyUser { shared }
    }
}

/// The error of a user Marketo will not delete because it owns a custom service (611). A
/// service cannot move to another user (a new `api_only_user` replaces it), so the way out is to
/// delete the service first, or to keep the user.
fn owns_a_service(userid: &str, held_by: &str, e: &marketo_client::Error) -> Diagnostic {
    Diagnostic::error(
        "The user still owns a custom service",
        format!(
            "Marketo refuses to delete \"{userid}\" because {held_by} belongs to it ({e}). Marketo \
             cannot move a service to another user, so the service has to be deleted first (its \
             Client ID and Secret then stop working), or the user kept:\n\n\
             - a service managed in this configuration is deleted before its user only when its \
             api_only_user refers to this resource (marketo_api_only_user.<name>.userid) instead \
             of repeating the userid as text; otherwise destroy it first: terraform destroy \
             -target=marketo_custom_service.<name>;\n\
             - a service managed in another configuration: destroy it there first;\n\
             - a service made outside Terraform: delete it in Admin > Integration > LaunchPoint, \
             or keep the user and stop managing it here: terraform state rm {TYPE_NAME}.<name>."
        ),
    )
}

/// A user destroyed or replaced: refused when it is the provider's own, flagged when in use.
async fn removal(shared: &Shared, ctx: &Context, userid: &str, how: Removal) -> Diagnostics {
    let mut diags = lockout::user_removed(shared, ctx, userid, how).await;
    let what = format!("the API-only user \"{}\"", values::escaped(userid));
    diags.extend(in_use::check(shared, ctx, userid, &what, how).await);
    diags
}

/// The pairs a configuration gives, each role id `None` while it is unknown.
fn held_pairs(config: &UserModel) -> Vec<HeldPair> {
    match config.role_assignment.known() {
        None if config.role_assignment.is_unknown() => vec![HeldPair { role_id: None }],
        None => Vec::new(),
        Some(set) => set
            .iter()
            .map(|a| HeldPair {
                role_id: a.role_id.known().and_then(Number::as_i64),
            })
            .collect(),
    }
}

#[async_trait]
impl CrudResource for ApiOnlyUser {
    type Model = UserModel;
    const TYPE_NAME: &'static str = TYPE_NAME;
    const IDENTITY: Identity = Identity {
        name: "userid",
        from: "id",
        numeric: false,
        description: "The user's `userid` (its login id).",
    };
    // The configuration, as written: the plan adds only what Marketo computes.
    const WRITES: Writes = Writes::Config;

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &UserModel, at: CheckAt<'_, UserModel>) -> Diagnostics {
        // A past expiry is refused only when it is being set: a user whose access ended keeps
        // planning cleanly.
        let check_future = match at {
            CheckAt::Validate => false,
            CheckAt::Plan { prior: None } | CheckAt::Apply { prior: None } => true,
            CheckAt::Plan { prior: Some(prior) } => config.expires_at != prior.expires_at,
            CheckAt::Apply { prior: Some(_) } => false,
        };
        check_config(config, check_future, marketo_client::now_utc())
    }

    /// Issue 12: the roles and workspaces of `role_assignment` exist, and all-zones roles are
    /// assigned in workspace 0 only, checked against the instance's lists.
    /// Issue 17: replacing a user, or changing the pairs of the provider's own user, is
    /// checked against the provider's own access and the user's recent use.
    async fn check_plan(&self, ctx: &Context, plan: &Plan<'_, UserModel>) -> Diagnostics {
        let mut diags =
            instance::check_assignments(&self.shared, ctx, &known_pairs(plan.config)).await;
        match (plan.prior, plan.replaces.as_deref()) {
            // The create half of a replacement (whoever asked for it) names the user it removes;
            // Terraform shows only its errors.
            (None, Some(replaced)) => {
                let found = removal(&self.shared, ctx, replaced, Removal::Replace).await;
                diags.extend(of_severity(found, Severity::Error));
            }
            // A replacement the provider asks for: its warnings, on the first half.
            (Some(prior), _) if !plan.requires_replace.is_empty() => {
                let userid = prior.userid.as_str().unwrap_or_default();
                let found = removal(&self.shared, ctx, userid, Removal::Replace).await;
                diags.extend(of_severity(found, Severity::Warning));
            }
            (Some(prior), _) if plan.config.role_assignment != prior.role_assignment => {
                let userid = prior.userid.as_str().unwrap_or_default();
                let after = held_pairs(plan.config);
                let path = AttributePath::root(attr::ROLE_ASSIGNMENT);
                diags.extend(lockout::pairs_changed(&self.shared, ctx, userid, &after, path).await);
            }
            _ => {}
        }
        diags
    }

    async fn check_destroy(&self, ctx: &Context, prior: &UserModel) -> Diagnostics {
        let userid = prior.userid.as_str().unwrap_or_default();
        removal(&self.shared, ctx, userid, Removal::Destroy).await
    }

    fn modify_plan(&self, plan: &mut Plan<'_, UserModel>) {
        let config = plan.config;
        let planned = &mut plan.planned;
        let Some(prior) = plan.prior else {
            planned.api_only = Attr::Known(true);
            planned.locked = Attr::Known(false);
            if let Some(userid) = config.userid.as_str() {
                planned.id = Attr::Known(userid.to_string());
            }
            return;
        };
        if config.userid.is_known() && config.userid != prior.userid {
            plan.requires_replace
                .push(AttributePath::root(attr::USERID));
            planned.id = Attr::Unknown;
        }
        // Marketo returns no reason: a changed reason needs a new invitation, except when
        // the state never knew it (an imported user).
        if !prior.reason.is_null() && config.reason != prior.reason {
            plan.requires_replace
                .push(AttributePath::root(attr::REASON));
        }
        if config.expires_at.is_null() && !prior.expires_at.is_null() {
            plan.requires_replace
                .push(AttributePath::root(attr::EXPIRES_AT));
        }
    }

    async fn create(
        &self,
        client: &Client,
        desired: &UserModel,
    ) -> Result<UserModel, Failed<UserModel>> {
        let expires_at = match expiry_instant(desired) {
            Ok(v) => v,
            Err(d) => return Err(d.into()),
        };
        let email = text(&desired.email).unwrap_or_default();
        let invite = InviteUser {
            email_address: email.clone(),
            first_name: text(&desired.first_name).unwrap_or_default(),
            last_name: text(&desired.last_name).unwrap_or_default(),
            user_role_workspaces: assignments(desired).into_iter().collect(),
            userid: text(&desired.userid),
            api_only: true,
            expires_at,
            reason: text(&desired.reason),
        };
        if let Err(e) = client.invite_user(&invite).await {
            let diag = match e.kind() {
                ErrorKind::AlreadyExists => {
                    return Err(adoption::on_create_conflict(
                        client,
                        self.shared.adopt_existing(),
                        desired,
                        &invite,
                        &e,
                    )
                    .await);
                }
                ErrorKind::Validation => api_error_at(
                    &format!("inviting the API-only user \"{email}\""),
                    &e,
                    if e.message().to_ascii_lowercase().contains("role")
                        || e.message().to_ascii_lowercase().contains("workspace")
                    {
                        AttributePath::root(attr::ROLE_ASSIGNMENT)
                    } else {
                        AttributePath::root(attr::EMAIL)
                    },
                ),
                _ => api_error(&format!("inviting the API-only user \"{email}\""), &e),
            };
            return Err(diag.into());
        }
        // The invite answers no id: find what it made, by userid when we chose it, else by email
        // (Adobe Identity instances generate the userid). These reads complete the create, so
        // they go ahead of queued calls: the new user is recorded promptly.
        let key = invite.userid.as_deref().unwrap_or(&email);
        let read_back = client.read_back();
        let found = match read_back.find_user(key).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                return Err(Diagnostic::error(
                    "The invited user cannot be found",
                    format!(
                        "Marketo accepted the invitation of \"{email}\" but neither user.json, \
                         invite.json nor the user list shows it. Nothing is recorded in the state; \
                         check the instance's Users & Roles page before applying again."
                    ),
                )
                .into());
            }
            Err(e) => {
                return Err(unfinished(
                    desired,
                    key,
                    api_error(&format!("reading back the new user \"{email}\""), &e),
                ));
            }
        };
        // A service planned again in this process with this owner need not look it up.
        self.shared.lists.note_made_user(found.userid());
        settle(&read_back, &found, desired)
            .await
            .map_err(|d| unfinished(desired, found.userid(), d))
    }

    async fn update(
        &self,
        client: &Client,
        prior: &UserModel,
        desired: &UserModel,
    ) -> Result<UserModel, Failed<UserModel>> {
        let Some(userid) = text(&prior.id) else {
            return Err(Diagnostic::error("Missing id", "The prior state has no id.").into());
        };
        let current = match client.get_user_or_invitation(&userid).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                return Err(Diagnostic::error(
                    "The user no longer exists in Marketo",
                    format!(
                        "The user \"{userid}\" was deleted outside Terraform while this plan was \
                         made. Run terraform apply again to create it."
                    ),
                )
                .into());
            }
            Err(e) => {
                return Err(api_error(&format!("reading the user \"{userid}\""), &e).into());
            }
        };
        let FoundUser::Active(user) = &current else {
            return Err(Diagnostic::error(
                "A pending user cannot be changed",
                format!(
                    "Marketo lists \"{userid}\" as an invitation not yet accepted, and Marketo does \
                     not allow edits to pending users. Change it after the invitation is accepted, \
                     or replace it: terraform apply -replace={TYPE_NAME}.<name>"
                ),
            )
            .into());
        };

        let expires_at = match expiry_instant(desired) {
            Ok(v) => v,
            Err(d) => return Err(d.into()),
        };
        let mut update = UpdateUser::default();
        if desired.email != prior.email {
            update.email_address = text(&desired.email);
        }
        if desired.first_name != prior.first_name {
            update.first_name = text(&desired.first_name);
        }
        if desired.last_name != prior.last_name {
            update.last_name = text(&desired.last_name);
        }
        if desired.expires_at != prior.expires_at {
            update.expires_at = expires_at;
        }
        if update != UpdateUser::default()
            && let Err(e) = client.update_user(&userid, &update).await
        {
            let path = if update.email_address.is_some() && e.kind() != ErrorKind::Transient {
                AttributePath::root(attr::EMAIL)
            } else {
                AttributePath::empty()
            };
            return Err(api_error_at(&format!("updating the user \"{userid}\""), &e, path).into());
        }

        // Roles: add what is missing before removing what is extra, so that the user never holds
        // no role at all (Marketo refuses that).
        let want = assignments(desired);
        let have: BTreeSet<RoleWorkspace> =
            user.user_role_workspaces.iter().map(|r| r.ids()).collect();
        let add: Vec<RoleWorkspace> = want.difference(&have).copied().collect();
        let remove: Vec<RoleWorkspace> = have.difference(&want).copied().collect();
        if !add.is_empty()
            && let Err(e) = client.add_user_roles(&userid, &add).await
        {
            return Err(api_error_at(
                &format!("adding roles to the user \"{userid}\""),
                &e,
                AttributePath::root(attr::ROLE_ASSIGNMENT),
            )
            .into());
        }
        if !remove.is_empty()
            && let Err(e) = client.delete_user_roles(&userid, &remove).await
        {
            return Err(api_error_at(
                &format!("removing roles from the user \"{userid}\""),
                &e,
                AttributePath::root(attr::ROLE_ASSIGNMENT),
            )
            .into());
        }
        match client.get_user_or_invitation(&userid).await {
            Ok(Some(found)) => settle(client, &found, desired).await.map_err(Failed::from),
            Ok(None) => Err(Diagnostic::error(
                "The user vanished during the update",
                format!("\"{userid}\" was deleted in Marketo while Terraform updated it."),
            )
            .into()),
            Err(e) => Err(api_error(&format!("reading the user \"{userid}\""), &e).into()),
        }
    }

    async fn delete(&self, client: &Client, prior: &UserModel) -> Result<(), Diagnostics> {
        let Some(userid) = text(&prior.id) else {
            return Ok(());
        };
        let pending = prior.status.as_str() == Some("pending");
        let result = if pending {
            client.delete_invited_user(&userid).await
        } else {
            client.delete_user(&userid).await
        };
        match result {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) if e.kind() == ErrorKind::InUse => {
                let owners = match client.list_services().await {
                    Ok(list) => list
                        .into_iter()
                        .filter(|s| s.api_only_user.eq_ignore_ascii_case(&userid))
                        .map(|s| format!("\"{}\" (id {})", values::escaped(&s.display_name), s.id))
                        .collect::<Vec<_>>(),
                    Err(_) => Vec::new(),
                };
                let held_by = if owners.is_empty() {
                    "a LaunchPoint custom service".to_string()
                } else {
                    format!("the LaunchPoint custom service {}", owners.join(", "))
                };
                Err(owns_a_service(&userid, &held_by, &e).into())
            }
            Err(e) => Err(api_error(&format!("deleting the user \"{userid}\""), &e).into()),
        }
    }

    async fn read(
        &self,
        client: &Client,
        prior: &UserModel,
    ) -> Result<Refreshed<UserModel>, Diagnostics> {
        let Some(userid) = text(&prior.id) else {
            return Ok(Refreshed::Gone(Diagnostics::new()));
        };
        // A state left by a create whose read-back failed (no marketo_id yet) may hold the email
        // the user is found by rather than its userid (Adobe Identity generates the userid).
        let lookup = if prior.marketo_id.is_null() {
            client.find_user(&userid).await
        } else {
            client.get_user_or_invitation(&userid).await
        };
        match lookup {
            Ok(Some(found)) => match state_of(client, &found, prior).await {
                Ok(state) => Ok(Refreshed::Found(state, Diagnostics::new())),
                Err(e) => Err(api_error(&format!("reading the user \"{userid}\""), &e).into()),
            },
            Ok(None) => Ok(Refreshed::Gone(
                gone_warning("API-only user", &format!("\"{userid}\"")).into_diagnostics(),
            )),
            Err(e) => Err(api_error(&format!("reading the user \"{userid}\""), &e).into()),
        }
    }

    async fn import(&self, client: &Client, id: &str) -> Result<UserModel, Diagnostics> {
        let full = id.trim();
        let id = shown(full);
        match client.find_user(full).await {
            Ok(Some(found)) => state_of(client, &found, &UserModel::default())
                .await
                .map_err(|e| api_error(&format!("reading the user \"{id}\""), &e).into()),
            Ok(None) => Err(Diagnostic::error(
                "Cannot import a user that does not exist",
                format!(
                    "Marketo has no user whose userid or email is \"{id}\". Import by the \
                     userid (on Adobe Identity instances a generated <uuid>@adobe.com value) or \
                     by the email address."
                ),
            )
            .into()),
            Err(e) => Err(api_error(&format!("looking up the user \"{id}\""), &e).into()),
        }
    }
}

#[cfg(test)]
mod tests;
