//! The operations, as functions of the state. They validate their input, change the state (callers hand
//! them a copy and keep it only if the operation succeeds and the state was saved) and build the answer.

use chrono::{DateTime, Utc};
use marketo_date::MarketoDateTime;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::model::State;
use crate::reply::ApiError;
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

mod roles;
mod services;
#[cfg(test)]
mod tests;
mod users;

pub(crate) use roles::{create_role, delete_role, get_role, roles, update_role, workspaces};
pub(crate) use services::{create_service, delete_service, get_service, services, update_service};
pub(crate) use users::{
    accept, add_roles, all_users, delete_invite, delete_user, get_invite, get_user, invite,
    pair_list, remove_roles, update_user, user_roles,
};
