//! Handlers for the role and LaunchPoint service endpoints this project defines (see
//! `docs/guides/admin-endpoints.md`).

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::app::App;
use super::request::page;
use crate::ops;
use crate::reply::{self, ApiError};

// ----- roles -------------------------------------------------------------------------------------------

pub(super) fn permissions() -> Response {
    reply::ok(&crate::model::grantable_permissions())
}

pub(super) fn create_role(
    app: &App,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let req = ops::from_value(body)?;
    Ok(reply::ok(&app.write(|s| ops::create_role(s, req, now))?))
}

pub(super) fn get_role(app: &App, id: &str) -> Result<Response, ApiError> {
    Ok(reply::ok(&app.read(|s| ops::get_role(s, id))?))
}

pub(super) fn update_role(
    app: &App,
    id: &str,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let req = ops::from_value(body)?;
    Ok(reply::ok(
        &app.write(|s| ops::update_role(s, id, req, now))?,
    ))
}

pub(super) fn delete_role(app: &App, id: &str) -> Result<Response, ApiError> {
    app.write(|s| ops::delete_role(s, id))?;
    Ok(reply::ok_true())
}

// ----- services ----------------------------------------------------------------------------------------

pub(super) fn services(app: &App, query: Option<&str>) -> Result<Response, ApiError> {
    let p = page(query)?;
    Ok(reply::ok(&app.read(|s| ops::services(s, p))))
}

pub(super) fn create_service(
    app: &App,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let req = ops::from_value(body)?;
    Ok(reply::ok(&app.write(|s| ops::create_service(s, req, now))?))
}

pub(super) fn get_service(app: &App, id: &str) -> Result<Response, ApiError> {
    Ok(reply::ok(&app.read(|s| ops::get_service(s, id))?))
}

pub(super) fn update_service(
    app: &App,
    id: &str,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let req = ops::from_value(body)?;
    Ok(reply::ok(
        &app.write(|s| ops::update_service(s, id, req, now))?,
    ))
}

pub(super) fn delete_service(app: &App, id: &str) -> Result<Response, ApiError> {
    app.write(|s| ops::delete_service(s, id))?;
    Ok(reply::ok_true())
}
