//! The one translation between Marketo's user and the resource's model: the state of a user as
//! Marketo has it, the state an unfinished create leaves, and what an invitation or update sends.

use std::collections::BTreeSet;

use super::model::{Assignment, Expiry, UserModel, attr};
use crate::adapters::crud::Failed;
use crate::common::{api_error, assignments_attr};
use marketo_client::{Client, ErrorKind, FoundUser, MarketoDateTime, RoleWorkspace};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics};

/// Every `role_assignment` of a fully known model.
pub(super) fn assignments(m: &UserModel) -> BTreeSet<RoleWorkspace> {
    m.role_assignment
        .known()
        .into_iter()
        .flatten()
        .filter_map(Assignment::ids)
        .collect()
}

/// The state of a user as Marketo has it, keeping from `prior` what Marketo never returns.
pub(super) async fn state_of(
    client: &Client,
    found: &FoundUser,
    prior: &UserModel,
) -> Result<UserModel, marketo_client::Error> {
    let (userid, email, first, last, id, expires, status, api_only, locked, roles) = match found {
        FoundUser::Active(u) => (
            &u.userid,
            &u.email_address,
            &u.first_name,
            &u.last_name,
            u.id,
            u.expires_at.as_ref(),
            "active",
            u.api_only,
            u.is_locked,
            assignments_attr(u.user_role_workspaces.iter().map(|r| r.ids())),
        ),
        FoundUser::Pending(u) => {
            // An invitation carries no roles: ask for them, keeping the prior ones if Marketo
            // will not say for a pending user.
            let roles = match client.get_user_roles(&u.userid).await {
                Ok(list) if !list.is_empty() => assignments_attr(list.iter().map(|r| r.ids())),
                Ok(_) => prior.role_assignment.clone(),
                Err(e) if e.kind() == ErrorKind::NotFound => prior.role_assignment.clone(),
                Err(e) => return Err(e),
            };
            (
                &u.userid,
                &u.email_address,
                &u.first_name,
                &u.last_name,
                u.id,
                u.expires_at.as_ref(),
                "pending",
                true,
                false,
                roles,
            )
        }
    };
    Ok(UserModel {
        id: Attr::Known(userid.clone()),
        userid: Attr::Known(userid.clone()),
        email: Attr::Known(email.clone()),
        first_name: Attr::Known(first.clone()),
        last_name: Attr::Known(last.clone()),
        expires_at: Expiry::for_state(expires, &prior.expires_at),
        reason: prior.reason.clone(),
        marketo_id: Attr::Known(id),
        status: Attr::Known(status.to_string()),
        api_only: Attr::Known(api_only),
        locked: Attr::Known(locked),
        role_assignment: roles,
    })
}

/// A failed create whose invitation Marketo accepted: the user exists, so the state records it
/// (Terraform marks it tainted) under `key`, its userid or the email it is found by, with what the
/// configuration says of it. `marketo_id` stays null until a read finds the user.
pub(super) fn unfinished(
    config: &UserModel,
    key: &str,
    diagnostics: impl Into<Diagnostics>,
) -> Failed<UserModel> {
    let state = UserModel {
        id: Attr::Known(key.to_string()),
        userid: Attr::Known(key.to_string()),
        marketo_id: Attr::Null,
        status: Attr::Null,
        locked: Attr::Null,
        api_only: Attr::Known(true),
        ..config.clone()
    };
    Failed::with_state(diagnostics, state)
}

/// The instant of the configured `expires_at`, for Marketo. [`Expiry::check`] refused a
/// malformed one at validate, plan and again at apply before this write, so the error here only
/// says so should a value reach a write unchecked.
pub(super) fn expiry_instant(config: &UserModel) -> Result<Option<MarketoDateTime>, Diagnostic> {
    config
        .expires_at
        .known()
        .map(|e| e.instant().cloned())
        .transpose()
        .map_err(|e| {
            Diagnostic::error("Invalid expires_at", e).at(AttributePath::root(attr::EXPIRES_AT))
        })
}

/// The state after a create or update: Marketo's view, with `reason` from the configuration.
pub(super) async fn settle(
    client: &Client,
    found: &FoundUser,
    config: &UserModel,
) -> Result<UserModel, Diagnostic> {
    state_of(client, found, config)
        .await
        .map_err(|e| api_error(&format!("reading the user \"{}\"", found.userid()), &e))
}

pub(super) fn text(v: &Attr<String>) -> Option<String> {
    v.known().cloned()
}
