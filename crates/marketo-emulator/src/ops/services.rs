//! LaunchPoint custom services.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{
    MAX_DESCRIPTION, MAX_NAME, Page, check_len, next_id, not_blank, page, present, required,
};
use crate::api::{self, ServiceOut};
use crate::model::{ServiceRec, State, UserStatus};
use crate::reply::ApiError;
use crate::util::random_secret;

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
