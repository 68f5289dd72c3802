//! User Management: invitations, users and their role-workspace pairs.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::{
    Page, check_email, email_taken, from_value, next_id, not_blank, page, parse_expiry, present,
    required,
};
use crate::api::{self, AllUsersOut, InvitedUserOut, UserOut, UserRoleWorkspace};
use crate::model::{ALL_ZONES, Pair, State, UserRec, UserStatus};
use crate::reply::ApiError;
use crate::util::is_valid_email;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PairReq {
    pub(super) access_role_id: Option<i32>,
    pub(super) workspace_id: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InviteReq {
    pub(super) email_address: Option<String>,
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    #[serde(alias = "userId")]
    pub(super) userid: Option<String>,
    pub(super) api_only: Option<bool>,
    pub(super) expires_at: Option<String>,
    pub(super) reason: Option<String>,
    pub(super) user_role_workspaces: Option<Vec<PairReq>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateUserReq {
    email_address: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    expires_at: Option<Option<String>>,
    api_only: Option<bool>,
}

/// Checks role-workspace pairs against the roles and workspaces that exist and the all-zones rule.
fn check_pairs(s: &State, reqs: Vec<PairReq>) -> Result<Vec<Pair>, ApiError> {
    let mut out = Vec::with_capacity(reqs.len());
    for r in reqs {
        let role = r
            .access_role_id
            .ok_or_else(|| ApiError::blank("accessRoleId"))?;
        let workspace = r
            .workspace_id
            .ok_or_else(|| ApiError::blank("workspaceId"))?;
        let Some(role_rec) = s.roles.get(&role) else {
            return Err(ApiError::invalid(format!("Role id {role} does not exist")));
        };
        if !s.workspaces.contains_key(&workspace) {
            return Err(ApiError::invalid(format!(
                "Workspace id {workspace} does not exist"
            )));
        }
        if role_rec.only_all_zones && workspace != ALL_ZONES {
            return Err(ApiError::rule(format!(
                "Role '{}' can only be assigned in workspace {ALL_ZONES} (AllZones), not {workspace}",
                role_rec.name
            )));
        }
        let pair = Pair { role, workspace };
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
    Ok(out)
}

/// Reads the body of `roles/create.json` or `roles/delete.json`: a bare array (the guide) or
/// `{"input": [...]}` (the Swagger).
pub(crate) fn pair_list(body: Value) -> Result<Vec<PairReq>, ApiError> {
    let list = match body {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("input") {
            Some(Value::Array(items)) => items,
            None | Some(Value::Null) => return Err(ApiError::blank("input")),
            Some(_) => {
                return Err(ApiError::invalid(
                    "input must be an array of {accessRoleId, workspaceId}",
                ));
            }
        },
        _ => {
            return Err(ApiError::invalid(
                "Expected an array of {accessRoleId, workspaceId} or {\"input\": [...]}",
            ));
        }
    };
    if list.is_empty() {
        return Err(ApiError::blank("input"));
    }
    from_value(Value::Array(list))
}

fn active<'a>(s: &'a State, userid: &str) -> Result<&'a UserRec, ApiError> {
    match s.user_by_userid(userid) {
        Some(u) if u.status == UserStatus::Active => Ok(u),
        _ => Err(ApiError::not_found(format!("User '{userid}' not found"))),
    }
}

/// The active user a write applies to; a pending invitation cannot be edited.
fn editable(s: &State, userid: &str) -> Result<i32, ApiError> {
    match s.user_by_userid(userid) {
        Some(u) if u.status == UserStatus::Active => Ok(u.id),
        Some(u) => Err(ApiError::rule(format!(
            "User '{}' has not accepted the invitation yet; a pending invitation cannot be edited",
            u.userid
        ))),
        None => Err(ApiError::not_found(format!("User '{userid}' not found"))),
    }
}

fn ims_refuses(ims: bool, api_only: bool) -> Result<(), ApiError> {
    if ims && !api_only {
        Err(ApiError::rule(
            "On an Adobe Identity subscription only API-only users can be invited, updated or deleted here; manage other users in the Adobe Admin Console",
        ))
    } else {
        Ok(())
    }
}

pub(crate) fn all_users(s: &State, p: Page) -> Vec<AllUsersOut> {
    page(
        s.users
            .values()
            .filter(|u| u.status == UserStatus::Active)
            .map(api::all_users_out),
        p,
    )
}

pub(crate) fn invite(
    s: &mut State,
    req: InviteReq,
    ims: bool,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let email = required(req.email_address, "emailAddress")?;
    let first_name = required(req.first_name, "firstName")?;
    let last_name = required(req.last_name, "lastName")?;
    let pairs = match req.user_role_workspaces {
        Some(p) if !p.is_empty() => p,
        _ => return Err(ApiError::blank("userRoleWorkspaces")),
    };
    check_email(&email)?;
    let expires_at = req.expires_at.as_deref().map(parse_expiry).transpose()?;
    let api_only = req.api_only.unwrap_or(false);
    ims_refuses(ims, api_only)?;
    let userid = if ims {
        format!("{}@adobe.com", uuid::Uuid::new_v4())
    } else {
        match not_blank(req.userid, "userid")? {
            Some(u) => {
                if !is_valid_email(&u) {
                    return Err(ApiError::invalid(format!(
                        "Invalid userid: '{u}' (a Marketo Identity userid is an email address)"
                    )));
                }
                u
            }
            None => email.clone(),
        }
    };
    let pairs = check_pairs(s, pairs)?;
    if email_taken(s, &email, None) {
        return Err(ApiError::exists(format!(
            "A user with email address '{email}' already exists"
        )));
    }
    if s.user_by_userid(&userid).is_some() {
        return Err(ApiError::exists(format!("User '{userid}' already exists")));
    }
    let id = next_id(&mut s.next_user_id)?;
    s.users.insert(
        id,
        UserRec {
            id,
            userid,
            email,
            first_name,
            last_name,
            api_only,
            status: if api_only {
                UserStatus::Active
            } else {
                UserStatus::Pending
            },
            expires_at,
            last_login_at: None,
            reason: req.reason,
            created_at: now,
            updated_at: now,
            pairs,
        },
    );
    Ok(())
}

pub(crate) fn get_user(s: &State, userid: &str) -> Result<UserOut, ApiError> {
    active(s, userid).map(|u| api::user_out(s, u))
}

pub(crate) fn get_invite(s: &State, userid: &str) -> Result<InvitedUserOut, ApiError> {
    match s.user_by_userid(userid) {
        Some(u) if u.status == UserStatus::Pending => Ok(api::invited_out(u)),
        _ => Err(ApiError::not_found(format!(
            "No pending invitation for user '{userid}'"
        ))),
    }
}

pub(crate) fn user_roles(s: &State, userid: &str) -> Result<Vec<UserRoleWorkspace>, ApiError> {
    s.user_by_userid(userid)
        .map(|u| api::pairs_out(s, &u.pairs))
        .ok_or_else(|| ApiError::not_found(format!("User '{userid}' not found")))
}

pub(crate) fn update_user(
    s: &mut State,
    userid: &str,
    req: UpdateUserReq,
    ims: bool,
    now: DateTime<Utc>,
) -> Result<UserOut, ApiError> {
    let id = editable(s, userid)?;
    let email = not_blank(req.email_address, "emailAddress")?;
    let first_name = not_blank(req.first_name, "firstName")?;
    let last_name = not_blank(req.last_name, "lastName")?;
    if let Some(e) = &email {
        check_email(e)?;
        if email_taken(s, e, Some(id)) {
            return Err(ApiError::exists(format!(
                "A user with email address '{e}' already exists"
            )));
        }
    }
    let expires_at = match req.expires_at {
        None => None,
        Some(None) => Some(None),
        Some(Some(raw)) => Some(Some(parse_expiry(&raw)?)),
    };
    let user = s
        .users
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("User '{userid}' not found")))?;
    ims_refuses(ims, user.api_only)?;
    if let Some(flag) = req.api_only
        && flag != user.api_only
    {
        return Err(ApiError::invalid(
            "apiOnly cannot be changed after the user is created",
        ));
    }
    if let Some(e) = email {
        user.email = e;
    }
    if let Some(f) = first_name {
        user.first_name = f;
    }
    if let Some(l) = last_name {
        user.last_name = l;
    }
    if let Some(x) = expires_at {
        user.expires_at = x;
    }
    user.updated_at = now;
    let user = user.clone();
    Ok(api::user_out(s, &user))
}

pub(crate) fn delete_user(s: &mut State, userid: &str, ims: bool) -> Result<(), ApiError> {
    let id = editable(s, userid)?;
    if let Some(u) = s.users.get(&id) {
        ims_refuses(ims, u.api_only)?;
    }
    if s.services.values().any(|svc| svc.owner == id) {
        return Err(ApiError::new(
            axum::http::StatusCode::BAD_REQUEST,
            611,
            "You cannot delete an API user that is being used in API service",
        ));
    }
    s.users.remove(&id);
    Ok(())
}

pub(crate) fn delete_invite(s: &mut State, userid: &str, ims: bool) -> Result<(), ApiError> {
    match s.user_by_userid(userid) {
        Some(u) if u.status == UserStatus::Pending => {
            ims_refuses(ims, u.api_only)?;
            let id = u.id;
            s.users.remove(&id);
            Ok(())
        }
        _ => Err(ApiError::not_found(format!(
            "No pending invitation for user '{userid}'"
        ))),
    }
}

pub(crate) fn add_roles(
    s: &mut State,
    userid: &str,
    reqs: Vec<PairReq>,
    now: DateTime<Utc>,
) -> Result<Vec<UserRoleWorkspace>, ApiError> {
    let id = editable(s, userid)?;
    let pairs = check_pairs(s, reqs)?;
    let user = s
        .users
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("User '{userid}' not found")))?;
    let mut changed = false;
    for p in pairs {
        if !user.pairs.contains(&p) {
            user.pairs.push(p);
            changed = true;
        }
    }
    if changed {
        user.updated_at = now;
    }
    let held = user.pairs.clone();
    Ok(api::pairs_out(s, &held))
}

pub(crate) fn remove_roles(
    s: &mut State,
    userid: &str,
    reqs: Vec<PairReq>,
    now: DateTime<Utc>,
) -> Result<Vec<UserRoleWorkspace>, ApiError> {
    let id = editable(s, userid)?;
    let mut drop = BTreeSet::new();
    for r in reqs {
        let role = r
            .access_role_id
            .ok_or_else(|| ApiError::blank("accessRoleId"))?;
        let workspace = r
            .workspace_id
            .ok_or_else(|| ApiError::blank("workspaceId"))?;
        drop.insert(Pair { role, workspace });
    }
    let user = s
        .users
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("User '{userid}' not found")))?;
    let remaining: Vec<Pair> = user
        .pairs
        .iter()
        .copied()
        .filter(|p| !drop.contains(p))
        .collect();
    if remaining.is_empty() {
        return Err(ApiError::rule(format!(
            "User '{}' must keep at least one role; add another role before removing the last one",
            user.userid
        )));
    }
    if remaining.len() != user.pairs.len() {
        user.pairs = remaining;
        user.updated_at = now;
    }
    let held = user.pairs.clone();
    Ok(api::pairs_out(s, &held))
}

/// Accepts a pending invitation (test control).
pub(crate) fn accept(s: &mut State, userid: &str, now: DateTime<Utc>) -> Result<(), ApiError> {
    let id = match s.user_by_userid(userid) {
        Some(u) if u.status == UserStatus::Pending => u.id,
        _ => {
            return Err(ApiError::not_found(format!(
                "No pending invitation for user '{userid}'"
            )));
        }
    };
    if let Some(u) = s.users.get_mut(&id) {
        u.status = UserStatus::Active;
        u.updated_at = now;
    }
    Ok(())
}
