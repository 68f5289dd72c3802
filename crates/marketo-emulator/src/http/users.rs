//! Handlers for Marketo's published User Management endpoints.

use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::app::App;
use super::request::page;
use crate::ops;
use crate::reply::{self, ApiError};

pub(super) fn all_users(app: &App, query: Option<&str>) -> Result<Response, ApiError> {
    let p = page(query)?;
    Ok(reply::ok(&app.read(|s| ops::all_users(s, p))))
}

pub(super) fn invite(app: &App, body: Value, now: DateTime<Utc>) -> Result<Response, ApiError> {
    let req = ops::from_value(body)?;
    let ims = app.ims;
    app.write(|s| ops::invite(s, req, ims, now))?;
    Ok(reply::ok_true())
}

pub(super) fn roles(app: &App) -> Result<Response, ApiError> {
    Ok(reply::ok(&app.read(ops::roles)))
}

pub(super) fn workspaces(app: &App) -> Result<Response, ApiError> {
    Ok(reply::ok(&app.read(ops::workspaces)))
}

pub(super) fn get_user(app: &App, userid: &str) -> Result<Response, ApiError> {
    Ok(reply::ok(&app.read(|s| ops::get_user(s, userid))?))
}

pub(super) fn get_invite(app: &App, userid: &str) -> Result<Response, ApiError> {
    Ok(reply::ok(&app.read(|s| ops::get_invite(s, userid))?))
}

pub(super) fn user_roles(app: &App, userid: &str) -> Result<Response, ApiError> {
    Ok(reply::ok(&app.read(|s| ops::user_roles(s, userid))?))
}

pub(super) fn update_user(
    app: &App,
    userid: &str,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let req = ops::from_value(body)?;
    let ims = app.ims;
    Ok(reply::ok(
        &app.write(|s| ops::update_user(s, userid, req, ims, now))?,
    ))
}

pub(super) fn delete_user(app: &App, userid: &str) -> Result<Response, ApiError> {
    let ims = app.ims;
    app.write(|s| ops::delete_user(s, userid, ims))?;
    Ok(reply::ok_true())
}

pub(super) fn delete_invite(app: &App, userid: &str) -> Result<Response, ApiError> {
    let ims = app.ims;
    app.write(|s| ops::delete_invite(s, userid, ims))?;
    Ok(reply::ok_true())
}

pub(super) fn add_roles(
    app: &App,
    userid: &str,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let pairs = ops::pair_list(body)?;
    Ok(reply::ok(
        &app.write(|s| ops::add_roles(s, userid, pairs, now))?,
    ))
}

pub(super) fn remove_roles(
    app: &App,
    userid: &str,
    body: Value,
    now: DateTime<Utc>,
) -> Result<Response, ApiError> {
    let pairs = ops::pair_list(body)?;
    Ok(reply::ok(
        &app.write(|s| ops::remove_roles(s, userid, pairs, now))?,
    ))
}
