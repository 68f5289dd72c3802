//! Roles, permissions and workspaces.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{MAX_DESCRIPTION, MAX_NAME, check_len, next_id, not_blank, present, required};
use crate::api::{self, RoleDetailOut, RoleOut, WorkspaceOut};
use crate::model::{FIRST_CUSTOM_ROLE_ID, RoleRec, State, canonical_permission};
use crate::reply::ApiError;

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
