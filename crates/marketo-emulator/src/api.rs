//! The wire shapes: the response bodies, with the Swagger's field names, made from the state's
//! records. The envelopes around them (errors, REST) are `reply.rs`'s.

use serde::Serialize;

use crate::model::{Pair, RoleRec, ServiceRec, State, UserRec, WorkspaceRec};
use marketo_date::format_answer;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserRoleWorkspace {
    pub access_role_id: i32,
    pub access_role_name: String,
    pub workspace_id: i32,
    pub workspace_name: String,
}

pub(crate) fn pairs_out(state: &State, pairs: &[Pair]) -> Vec<UserRoleWorkspace> {
    pairs
        .iter()
        .map(|p| {
            let a = state.assignment(p);
            UserRoleWorkspace {
                access_role_id: a.access_role_id,
                access_role_name: a.access_role_name,
                workspace_id: a.workspace_id,
                workspace_name: a.workspace_name,
            }
        })
        .collect()
}

/// `ResponseOfUser`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UserOut {
    pub userid: String,
    pub first_name: String,
    pub last_name: String,
    pub email_address: String,
    pub opted_in: bool,
    pub failed_logins: i32,
    pub failed_device_code: i32,
    pub is_locked: bool,
    pub locked_reason: Option<String>,
    pub id: i32,
    pub api_only: bool,
    pub user_role_workspaces: Vec<UserRoleWorkspace>,
    pub expires_at: Option<String>,
    pub last_login_at: Option<String>,
}

pub(crate) fn user_out(state: &State, u: &UserRec) -> UserOut {
    UserOut {
        userid: u.userid.clone(),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        email_address: u.email.clone(),
        opted_in: false,
        failed_logins: 0,
        failed_device_code: 0,
        is_locked: false,
        locked_reason: None,
        id: u.id,
        api_only: u.api_only,
        user_role_workspaces: pairs_out(state, &u.pairs),
        expires_at: u.expires_at.as_ref().map(format_answer),
        last_login_at: u.last_login_at.as_ref().map(format_answer),
    }
}

/// `ResponseOfInvitedUser`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InvitedUserOut {
    pub id: i32,
    pub first_name: String,
    pub last_name: String,
    pub email_address: String,
    pub userid: String,
    pub subscription_id: String,
    pub status: &'static str,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
}

/// The emulated subscription's id, as `ResponseOfInvitedUser.subscriptionId` (a string in the Swagger).
pub(crate) const SUBSCRIPTION_ID: &str = "1001";

pub(crate) fn invited_out(u: &UserRec) -> InvitedUserOut {
    InvitedUserOut {
        id: u.id,
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        email_address: u.email.clone(),
        userid: u.userid.clone(),
        subscription_id: SUBSCRIPTION_ID.to_string(),
        status: "pending",
        expires_at: format_answer(&u.invitation_expires_at()),
        created_at: format_answer(&u.created_at),
        updated_at: format_answer(&u.updated_at),
    }
}

/// `ResponseOfAllUsers`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AllUsersOut {
    pub userid: String,
    pub first_name: String,
    pub last_name: String,
    pub email_address: String,
    pub id: i32,
    pub api_only: bool,
}

pub(crate) fn all_users_out(u: &UserRec) -> AllUsersOut {
    AllUsersOut {
        userid: u.userid.clone(),
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        email_address: u.email.clone(),
        id: u.id,
        api_only: u.api_only,
    }
}

/// `ResponseOfRole`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleOut {
    pub id: i32,
    pub name: String,
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub is_hidden: bool,
    pub is_only_all_zones: bool,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) fn role_out(r: &RoleRec) -> RoleOut {
    RoleOut {
        id: r.id,
        name: r.name.clone(),
        description: r.description.clone(),
        kind: if r.system { "system" } else { "custom" },
        is_hidden: r.hidden,
        is_only_all_zones: r.only_all_zones,
        created_at: format_answer(&r.created_at),
        updated_at: format_answer(&r.updated_at),
    }
}

/// `ResponseOfRoleDetail` (ours): `ResponseOfRole` plus the permissions.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RoleDetailOut {
    #[serde(flatten)]
    pub role: RoleOut,
    pub permissions: Vec<String>,
}

pub(crate) fn role_detail_out(r: &RoleRec) -> RoleDetailOut {
    RoleDetailOut {
        role: role_out(r),
        permissions: r.permissions.iter().cloned().collect(),
    }
}

/// `ResponseOfWorkspace`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkspaceOut {
    pub id: i32,
    pub name: String,
    pub description: String,
    pub global_viz: i32,
    pub status: String,
    pub currency_info: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) fn workspace_out(w: &WorkspaceRec) -> WorkspaceOut {
    WorkspaceOut {
        id: w.id,
        name: w.name.clone(),
        description: w.description.clone(),
        global_viz: w.global_viz,
        status: w.status.clone(),
        currency_info: w.currency_info.clone(),
        created_at: format_answer(&w.created_at),
        updated_at: format_answer(&w.updated_at),
    }
}

/// `ResponseOfService` (ours); `client_secret` is only set for `ResponseOfServiceDetail`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ServiceOut {
    pub id: i32,
    pub display_name: String,
    pub description: Option<String>,
    pub service: &'static str,
    pub api_only_user: String,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) fn service_out(state: &State, s: &ServiceRec, with_secret: bool) -> ServiceOut {
    ServiceOut {
        id: s.id,
        display_name: s.display_name.clone(),
        description: s.description.clone(),
        service: "Custom",
        api_only_user: state
            .users
            .get(&s.owner)
            .map(|u| u.userid.clone())
            .unwrap_or_default(),
        client_id: s.client_id.clone(),
        client_secret: with_secret.then(|| s.client_secret.clone()),
        created_at: format_answer(&s.created_at),
        updated_at: format_answer(&s.updated_at),
    }
}

/// `ResponseOfIdentity`.
#[derive(Debug, Serialize)]
pub(crate) struct IdentityOut {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub scope: String,
}
