//! The operations, as functions of the state. They validate their input, change the state (callers hand
//! them a copy and keep it only if the operation succeeds and the state was saved) and build the answer.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use marketo_date::MarketoDateTime;
use rand::Rng;
use rand::distr::Alphanumeric;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::api::{
    self, AllUsersOut, ApiError, InvitedUserOut, RoleDetailOut, RoleOut, ServiceOut, UserOut,
    UserRoleWorkspace, WorkspaceOut,
};
use crate::model::{
    ALL_ZONES, FIRST_CUSTOM_ROLE_ID, Pair, RoleRec, ServiceRec, State, UserRec, UserStatus,
    canonical_permission,
};
use crate::util::is_valid_email;

/// Longest role or service name.
const MAX_NAME: usize = 50;
/// Longest role or service description.
const MAX_DESCRIPTION: usize = 255;

/// A page of a list: an item offset and a size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Page {
    pub offset: usize,
    pub size: usize,
}

fn page<T>(items: impl Iterator<Item = T>, p: Page) -> Vec<T> {
    items.skip(p.offset).take(p.size).collect()
}

/// Reads a typed request from a JSON value; a shape that does not fit is 400/1003.
pub(crate) fn from_value<T: DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| ApiError::invalid(format!("Invalid request body: {e}")))
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

fn required(value: Option<String>, field: &str) -> Result<String, ApiError> {
    match value {
        Some(v) if !v.trim().is_empty() => Ok(v),
        _ => Err(ApiError::blank(field)),
    }
}

fn not_blank(value: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    match value {
        Some(v) if v.trim().is_empty() => Err(ApiError::blank(field)),
        other => Ok(other),
    }
}

fn check_email(email: &str) -> Result<(), ApiError> {
    if is_valid_email(email) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "Invalid email address: '{email}'"
        )))
    }
}

/// Reads `expiresAt` in any shape Marketo reads, kept to the millisecond as Marketo keeps it.
fn parse_expiry(raw: &str) -> Result<DateTime<Utc>, ApiError> {
    MarketoDateTime::parse(raw)
        .map(|t| t.truncated_to_millis().to_utc())
        .map_err(|_| {
            ApiError::new(
                axum::http::StatusCode::BAD_REQUEST,
                704,
                format!("Invalid date format for expiresAt: '{raw}'"),
            )
        })
}

fn check_len(value: &str, field: &str, max: usize) -> Result<(), ApiError> {
    if value.chars().count() > max {
        Err(ApiError::invalid(format!(
            "{field} must be at most {max} characters"
        )))
    } else {
        Ok(())
    }
}

fn email_taken(s: &State, email: &str, except: Option<i32>) -> bool {
    s.users
        .values()
        .any(|u| Some(u.id) != except && u.email.eq_ignore_ascii_case(email))
}

fn next_id(counter: &mut i32) -> Result<i32, ApiError> {
    let id = *counter;
    *counter = counter
        .checked_add(1)
        .ok_or_else(|| ApiError::system("Out of ids"))?;
    Ok(id)
}

// ----- users -----------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PairReq {
    access_role_id: Option<i32>,
    workspace_id: Option<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InviteReq {
    email_address: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(alias = "userId")]
    userid: Option<String>,
    api_only: Option<bool>,
    expires_at: Option<String>,
    reason: Option<String>,
    user_role_workspaces: Option<Vec<PairReq>>,
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
    if let Some(flag) = req.api_only {
        if flag != user.api_only {
            return Err(ApiError::invalid(
                "apiOnly cannot be changed after the user is created",
            ));
        }
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

// ----- roles and workspaces ----------------------------------------------------------------------------

pub(crate) fn roles(s: &State) -> Vec<RoleOut> {
    s.roles.values().map(api::role_out).collect()
}

pub(crate) fn workspaces(s: &State) -> Vec<WorkspaceOut> {
    s.workspaces.values().map(api::workspace_out).collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateRoleReq {
    name: Option<String>,
    description: Option<String>,
    permissions: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateRoleReq {
    name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    permissions: Option<Vec<String>>,
}

fn permission_set(names: Vec<String>) -> Result<BTreeSet<String>, ApiError> {
    names
        .into_iter()
        .map(|n| {
            canonical_permission(&n)
                .map(str::to_string)
                .ok_or_else(|| ApiError::invalid(format!("Unknown permission: '{n}'")))
        })
        .collect()
}

fn check_role_name(s: &State, name: &str, except: Option<i32>) -> Result<(), ApiError> {
    check_len(name, "name", MAX_NAME)?;
    if s.roles
        .values()
        .any(|r| Some(r.id) != except && r.name.eq_ignore_ascii_case(name))
    {
        return Err(ApiError::exists(format!(
            "A role named '{name}' already exists"
        )));
    }
    Ok(())
}

fn role_id(raw: &str) -> Result<i32, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::not_found(format!("Role '{raw}' not found")))
}

pub(crate) fn create_role(
    s: &mut State,
    req: CreateRoleReq,
    now: DateTime<Utc>,
) -> Result<RoleDetailOut, ApiError> {
    let name = required(req.name, "name")?;
    let permissions = req
        .permissions
        .ok_or_else(|| ApiError::blank("permissions"))?;
    if let Some(d) = &req.description {
        check_len(d, "description", MAX_DESCRIPTION)?;
    }
    check_role_name(s, &name, None)?;
    let permissions = permission_set(permissions)?;
    if s.next_role_id < FIRST_CUSTOM_ROLE_ID {
        s.next_role_id = FIRST_CUSTOM_ROLE_ID;
    }
    let id = next_id(&mut s.next_role_id)?;
    let role = RoleRec {
        id,
        name,
        description: req.description,
        system: false,
        hidden: false,
        only_all_zones: false,
        permissions,
        created_at: now,
        updated_at: now,
    };
    let out = api::role_detail_out(&role);
    s.roles.insert(id, role);
    Ok(out)
}

pub(crate) fn get_role(s: &State, raw_id: &str) -> Result<RoleDetailOut, ApiError> {
    let id = role_id(raw_id)?;
    s.roles
        .get(&id)
        .map(api::role_detail_out)
        .ok_or_else(|| ApiError::not_found(format!("Role '{raw_id}' not found")))
}

fn custom_role(s: &State, raw_id: &str) -> Result<i32, ApiError> {
    let id = role_id(raw_id)?;
    match s.roles.get(&id) {
        None => Err(ApiError::not_found(format!("Role '{raw_id}' not found"))),
        Some(r) if r.system => Err(ApiError::rule(format!(
            "Role '{}' is a system role and cannot be changed or deleted",
            r.name
        ))),
        Some(_) => Ok(id),
    }
}

pub(crate) fn update_role(
    s: &mut State,
    raw_id: &str,
    req: UpdateRoleReq,
    now: DateTime<Utc>,
) -> Result<RoleDetailOut, ApiError> {
    let id = custom_role(s, raw_id)?;
    let name = not_blank(req.name, "name")?;
    if let Some(n) = &name {
        check_role_name(s, n, Some(id))?;
    }
    if let Some(Some(d)) = &req.description {
        check_len(d, "description", MAX_DESCRIPTION)?;
    }
    let permissions = req.permissions.map(permission_set).transpose()?;
    let role = s
        .roles
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("Role '{raw_id}' not found")))?;
    if let Some(n) = name {
        role.name = n;
    }
    if let Some(d) = req.description {
        role.description = d;
    }
    if let Some(p) = permissions {
        role.permissions = p;
    }
    role.updated_at = now;
    Ok(api::role_detail_out(role))
}

pub(crate) fn delete_role(s: &mut State, raw_id: &str) -> Result<(), ApiError> {
    let id = custom_role(s, raw_id)?;
    let holders: Vec<&str> = s
        .users
        .values()
        .filter(|u| u.pairs.iter().any(|p| p.role == id))
        .map(|u| u.userid.as_str())
        .collect();
    if !holders.is_empty() {
        let name = s
            .roles
            .get(&id)
            .map(|r| r.name.as_str())
            .unwrap_or_default();
        return Err(ApiError::in_use(format!(
            "Role '{name}' is assigned to users: {}",
            holders.join(", ")
        )));
    }
    s.roles.remove(&id);
    Ok(())
}

// ----- services -----------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CreateServiceReq {
    display_name: Option<String>,
    description: Option<String>,
    api_only_user: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateServiceReq {
    display_name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    description: Option<Option<String>>,
    api_only_user: Option<String>,
}

fn check_service_name(s: &State, name: &str, except: Option<i32>) -> Result<(), ApiError> {
    check_len(name, "displayName", MAX_NAME)?;
    if s.services
        .values()
        .any(|x| Some(x.id) != except && x.display_name.eq_ignore_ascii_case(name))
    {
        return Err(ApiError::exists(format!(
            "A service named '{name}' already exists"
        )));
    }
    Ok(())
}

fn service_id(s: &State, raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>()
        .ok()
        .filter(|id| s.services.contains_key(id))
        .ok_or_else(|| ApiError::not_found(format!("Service '{raw}' not found")))
}

fn random_secret() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

pub(crate) fn services(s: &State, p: Page) -> Vec<ServiceOut> {
    page(
        s.services.values().map(|x| api::service_out(s, x, false)),
        p,
    )
}

pub(crate) fn create_service(
    s: &mut State,
    req: CreateServiceReq,
    now: DateTime<Utc>,
) -> Result<ServiceOut, ApiError> {
    let name = required(req.display_name, "displayName")?;
    let owner = required(req.api_only_user, "apiOnlyUser")?;
    if let Some(d) = &req.description {
        check_len(d, "description", MAX_DESCRIPTION)?;
    }
    check_service_name(s, &name, None)?;
    let owner_id = match s.user_by_userid(&owner) {
        Some(u) if u.status == UserStatus::Active && u.api_only => u.id,
        Some(u) if u.status == UserStatus::Pending => {
            return Err(ApiError::invalid(format!(
                "User '{owner}' has a pending invitation; a service needs an active API-only user"
            )));
        }
        Some(_) => {
            return Err(ApiError::invalid(format!(
                "User '{owner}' is not an API-only user"
            )));
        }
        None => {
            return Err(ApiError::invalid(format!("User '{owner}' does not exist")));
        }
    };
    let id = next_id(&mut s.next_service_id)?;
    let rec = ServiceRec {
        id,
        display_name: name,
        description: req.description,
        owner: owner_id,
        client_id: uuid::Uuid::new_v4().to_string(),
        client_secret: random_secret(),
        created_at: now,
        updated_at: now,
    };
    let out = api::service_out(s, &rec, true);
    s.services.insert(id, rec);
    Ok(out)
}

pub(crate) fn get_service(s: &State, raw_id: &str) -> Result<ServiceOut, ApiError> {
    let id = service_id(s, raw_id)?;
    s.services
        .get(&id)
        .map(|x| api::service_out(s, x, true))
        .ok_or_else(|| ApiError::not_found(format!("Service '{raw_id}' not found")))
}

pub(crate) fn update_service(
    s: &mut State,
    raw_id: &str,
    req: UpdateServiceReq,
    now: DateTime<Utc>,
) -> Result<ServiceOut, ApiError> {
    let id = service_id(s, raw_id)?;
    let name = not_blank(req.display_name, "displayName")?;
    if let Some(n) = &name {
        check_service_name(s, n, Some(id))?;
    }
    if let Some(Some(d)) = &req.description {
        check_len(d, "description", MAX_DESCRIPTION)?;
    }
    if let Some(owner) = &req.api_only_user {
        let current = s
            .services
            .get(&id)
            .and_then(|x| s.users.get(&x.owner))
            .map(|u| u.userid.as_str());
        if !current.is_some_and(|c| c.eq_ignore_ascii_case(owner)) {
            return Err(ApiError::invalid(
                "apiOnlyUser cannot be changed; create a new service for another user",
            ));
        }
    }
    let rec = s
        .services
        .get_mut(&id)
        .ok_or_else(|| ApiError::not_found(format!("Service '{raw_id}' not found")))?;
    if let Some(n) = name {
        rec.display_name = n;
    }
    if let Some(d) = req.description {
        rec.description = d;
    }
    rec.updated_at = now;
    let rec = rec.clone();
    Ok(api::service_out(s, &rec, true))
}

pub(crate) fn delete_service(s: &mut State, raw_id: &str) -> Result<(), ApiError> {
    let id = service_id(s, raw_id)?;
    s.services.remove(&id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State::seed("id", "secret", Utc::now())
    }

    fn invite_req(email: &str, api_only: bool) -> InviteReq {
        InviteReq {
            email_address: Some(email.to_string()),
            first_name: Some("A".into()),
            last_name: Some("B".into()),
            userid: None,
            api_only: Some(api_only),
            expires_at: None,
            reason: None,
            user_role_workspaces: Some(vec![PairReq {
                access_role_id: Some(2),
                workspace_id: Some(1),
            }]),
        }
    }

    #[test]
    fn invite_then_conflict() {
        let mut s = state();
        let now = Utc::now();
        assert!(invite(&mut s, invite_req("a@b.com", true), false, now).is_ok());
        let err = invite(&mut s, invite_req("A@B.com", true), false, now).err();
        assert_eq!(err.map(|e| e.code), Some(1017));
        assert!(get_user(&s, "a@b.com").is_ok());
        assert!(invite(&mut s, invite_req("p@b.com", false), false, now).is_ok());
        assert!(get_user(&s, "p@b.com").is_err());
        assert!(get_invite(&s, "p@b.com").is_ok());
    }

    #[test]
    fn ims_generates_userids() {
        let mut s = state();
        assert!(invite(&mut s, invite_req("a@b.com", true), true, Utc::now()).is_ok());
        let u = s
            .users
            .values()
            .find(|u| u.email == "a@b.com")
            .map(|u| u.userid.clone());
        assert!(u.is_some_and(|u| u.ends_with("@adobe.com") && u.len() == 36 + 10));
        let err = invite(&mut s, invite_req("c@b.com", false), true, Utc::now()).err();
        assert_eq!(err.map(|e| e.code), Some(709));
    }

    #[test]
    fn pair_bodies_in_both_shapes() {
        let bare = serde_json::json!([{"accessRoleId": 1, "workspaceId": 0}]);
        let wrapped = serde_json::json!({"input": [{"accessRoleId": 1, "workspaceId": 0}]});
        assert_eq!(pair_list(bare).map(|v| v.len()).ok(), Some(1));
        assert_eq!(pair_list(wrapped).map(|v| v.len()).ok(), Some(1));
        assert_eq!(
            pair_list(serde_json::json!({})).err().map(|e| e.code),
            Some(701)
        );
        assert_eq!(
            pair_list(serde_json::json!("x")).err().map(|e| e.code),
            Some(1003)
        );
    }
}
