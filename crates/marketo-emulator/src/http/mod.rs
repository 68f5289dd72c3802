//! The router: every request enters at [`dispatch`], which logs it, injects faults, routes it,
//! checks its token and permissions and the limits, counts it for the Usage API and names the
//! handler of its operation, one module per family (`users`, `admin`, `usage`, `identity`,
//! `control`). What the handlers share is in modules of its own, which name no handler: `app`
//! (the instance's shared data, [`App`]) and `request` (reading a request's parts).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State as AxumState};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use crate::faults::Fault;
use crate::log::redact;
use crate::model::{UM_PERMISSION, USERS_PERMISSION};
use crate::reply::{ApiError, DropConnection, MarketoCode};
use crate::tokens::TokenProblem;
use crate::util::lock;
use request::{
    bearer, check_length_header, json_body, query_pairs, segments, unknown_path, wrong_method,
};

pub(crate) use app::App;

const PREFIX: &str = "/userservice/management/v1/";
/// Marketo's REST APIs, of which the emulator serves the Usage API.
const REST_V1: &str = "/rest/v1/";
/// The Usage API's paths (after [`REST_V1`]): every answer on them, errors included, is the REST
/// envelope with HTTP 200. Other paths under `/rest/` are unknown (404/610) like any other.
const USAGE_PATHS: [&str; 4] = [
    "stats/usage.json",
    "stats/usage/last7days.json",
    "stats/errors.json",
    "stats/errors/last7days.json",
];

/// Whether `path` is one of the Usage API's, answered in the REST envelope.
fn is_rest(path: &str) -> bool {
    path.strip_prefix(REST_V1)
        .is_some_and(|rest| USAGE_PATHS.contains(&rest))
}
const TOKEN_PATH: &str = "/identity/oauth/token";

mod admin;
mod app;
mod control;
mod identity;
mod request;
#[cfg(test)]
mod tests;
mod usage;
mod users;

/// Every request enters here.
pub(crate) async fn dispatch(AxumState(app): AxumState<Arc<App>>, req: Request) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let logged_path = redact(req.uri().path(), req.uri().query());
    let resp = handle(&app, req).await;
    if let Some(log) = &app.log {
        let dropped = resp.extensions().get::<DropConnection>().is_some();
        log.record(
            method.as_str(),
            &logged_path,
            if dropped { 0 } else { resp.status().as_u16() },
            resp.extensions().get::<MarketoCode>().map(|c| c.0),
            started.elapsed(),
        );
    }
    resp
}

fn dropped() -> Response {
    let mut resp = Response::new(Body::empty());
    resp.extensions_mut().insert(DropConnection);
    resp
}

fn bad_gateway() -> Response {
    let mut resp = Response::new(Body::from(
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n",
    ));
    *resp.status_mut() = StatusCode::BAD_GATEWAY;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    resp
}

async fn handle(app: &Arc<App>, req: Request) -> Response {
    let path = req.uri().path();
    if path == TOKEN_PATH {
        return identity::identity(app, req).await;
    }
    if path == "/_emulator" || path.starts_with("/_emulator/") {
        return control::control(app, req)
            .await
            .unwrap_or_else(ApiError::into_response);
    }
    let rest = is_rest(path);
    let resp = match api_answer(app, req).await {
        Ok(resp) => resp,
        Err(e) if rest => e.into_rest_response(),
        Err(e) => e.into_response(),
    };
    // Every error answer sent is counted by its code (dropped connections and the injected 502
    // page carry none).
    if let Some(MarketoCode(code)) = resp.extensions().get::<MarketoCode>() {
        app.count_error(*code);
    }
    resp
}

/// An API call's answer, with fault injection.
async fn api_answer(app: &Arc<App>, req: Request) -> Result<Response, ApiError> {
    let fault = lock(&app.faults).next();
    match fault {
        Some(Fault::Drop) => return Ok(dropped()),
        Some(Fault::BadGateway) => return Ok(bad_gateway()),
        Some(Fault::Timeout) => {
            return Err(ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                604,
                "Request timed out",
            ));
        }
        Some(Fault::Unavailable) => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                608,
                "API Temporarily Unavailable",
            ));
        }
        Some(Fault::RateLimited) => {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                606,
                "Max rate limit '100' exceeded with in '20' secs",
            ));
        }
        Some(Fault::Concurrency) => {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                615,
                "Concurrent access limit reached",
            ));
        }
        Some(Fault::ApplyThenDrop) | None => {}
    }
    let resp = api_call(app, req).await;
    if fault == Some(Fault::ApplyThenDrop) {
        return Ok(dropped());
    }
    resp
}

// ----- routing -------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    AllUsers,
    Invite,
    Roles,
    Workspaces,
    User(String),
    InvitedUser(String),
    UserRoles(String),
    UpdateUser(String),
    DeleteUser(String),
    DeleteInvite(String),
    AddUserRoles(String),
    RemoveUserRoles(String),
    Permissions,
    CreateRole,
    Role(String),
    UpdateRole(String),
    DeleteRole(String),
    Services,
    CreateService,
    Service(String),
    UpdateService(String),
    DeleteService(String),
    DailyUsage,
    WeeklyUsage,
    DailyErrors,
    WeeklyErrors,
}

impl Route {
    fn takes_body(&self) -> bool {
        matches!(
            self,
            Route::Invite
                | Route::UpdateUser(_)
                | Route::AddUserRoles(_)
                | Route::RemoveUserRoles(_)
                | Route::CreateRole
                | Route::UpdateRole(_)
                | Route::CreateService
                | Route::UpdateService(_)
        )
    }

    /// The Usage API's operations need a valid token but no permission ("Required Permissions:
    /// None"); every User Management call needs both of its permissions.
    fn needs_user_management(&self) -> bool {
        !matches!(
            self,
            Route::DailyUsage | Route::WeeklyUsage | Route::DailyErrors | Route::WeeklyErrors
        )
    }
}

fn route(method: &Method, path: &str) -> Result<Route, ApiError> {
    if let Some(rest) = path.strip_prefix(REST_V1) {
        return rest_route(method, rest);
    }
    let rest = path.strip_prefix(PREFIX).ok_or_else(unknown_path)?;
    let segs = segments(rest)?;
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let get = Method::GET;
    let post = Method::POST;
    let (want, r) = match s.as_slice() {
        ["users", "allusers.json"] => (get, Route::AllUsers),
        ["users", "invite.json"] => (post, Route::Invite),
        ["users", "roles.json"] => (get, Route::Roles),
        ["users", "workspaces.json"] => (get, Route::Workspaces),
        ["users", u, "user.json"] => (get, Route::User(u.to_string())),
        ["users", u, "invite.json"] => (get, Route::InvitedUser(u.to_string())),
        ["users", u, "roles.json"] => (get, Route::UserRoles(u.to_string())),
        ["users", u, "update.json"] => (post, Route::UpdateUser(u.to_string())),
        ["users", u, "delete.json"] => (post, Route::DeleteUser(u.to_string())),
        ["users", u, "invite", "delete.json"] => (post, Route::DeleteInvite(u.to_string())),
        ["users", u, "roles", "create.json"] => (post, Route::AddUserRoles(u.to_string())),
        ["users", u, "roles", "delete.json"] => (post, Route::RemoveUserRoles(u.to_string())),
        ["roles", "permissions.json"] => (get, Route::Permissions),
        ["roles", "create.json"] => (post, Route::CreateRole),
        ["roles", id, "role.json"] => (get, Route::Role(id.to_string())),
        ["roles", id, "update.json"] => (post, Route::UpdateRole(id.to_string())),
        ["roles", id, "delete.json"] => (post, Route::DeleteRole(id.to_string())),
        ["services", "allservices.json"] => (get, Route::Services),
        ["services", "create.json"] => (post, Route::CreateService),
        ["services", id, "service.json"] => (get, Route::Service(id.to_string())),
        ["services", id, "update.json"] => (post, Route::UpdateService(id.to_string())),
        ["services", id, "delete.json"] => (post, Route::DeleteService(id.to_string())),
        _ => return Err(unknown_path()),
    };
    if *method != want {
        return Err(wrong_method(method));
    }
    Ok(r)
}

/// The Usage API, the one REST API the emulator serves (its paths as written: see [`USAGE_PATHS`]).
fn rest_route(method: &Method, rest: &str) -> Result<Route, ApiError> {
    let r = match rest {
        "stats/usage.json" => Route::DailyUsage,
        "stats/usage/last7days.json" => Route::WeeklyUsage,
        "stats/errors.json" => Route::DailyErrors,
        "stats/errors/last7days.json" => Route::WeeklyErrors,
        _ => return Err(unknown_path()),
    };
    if *method != Method::GET {
        return Err(wrong_method(method));
    }
    Ok(r)
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, 601, message)
}

/// Checks the token (and, for User Management, the permissions of its service's owner); answers the
/// owner's userid, under which the call is counted (the token answer's `scope`).
fn authorize(app: &App, parts: &Parts, route: &Route) -> Result<String, ApiError> {
    if query_pairs(parts.uri.query())
        .iter()
        .any(|(k, _)| k == "access_token")
    {
        return Err(unauthorized(
            "Access token invalid: send it in the Authorization header, not the query string",
        ));
    }
    let token = bearer(&parts.headers).ok_or_else(|| unauthorized("Access token not specified"))?;
    let (service_id, client_id) = {
        let tokens = lock(&app.tokens);
        match tokens.check(token, Instant::now()) {
            Ok((id, client)) => (id, client.to_string()),
            Err(TokenProblem::Invalid) => return Err(unauthorized("Access token invalid")),
            Err(TokenProblem::Expired) => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    602,
                    "Access token expired",
                ));
            }
        }
    };
    app.read(|s| {
        let svc = s
            .services
            .get(&service_id)
            .filter(|svc| svc.client_id == client_id)
            .ok_or_else(|| unauthorized("Access token invalid"))?;
        let userid = s
            .users
            .get(&svc.owner)
            .map(|u| u.userid.clone())
            .ok_or_else(|| unauthorized("Access token invalid"))?;
        if !route.needs_user_management() {
            return Ok(userid);
        }
        // Adobe's swagger-user.json: "Required Permissions: Access User Management Api and
        // Access Users". The first one missing is named.
        let held = s.permissions_of(svc.owner);
        match [UM_PERMISSION, USERS_PERMISSION]
            .into_iter()
            .find(|p| !held.contains(*p))
        {
            None => Ok(userid),
            Some(missing) => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                603,
                format!("Access denied: the API user lacks the '{missing}' permission"),
            )),
        }
    })
}

// ----- API calls ------------------------------------------------------------------------------------------

async fn api_call(app: &Arc<App>, req: Request) -> Result<Response, ApiError> {
    let _slot = app.limiter.enter()?;
    let (parts, body) = req.into_parts();
    let route = route(&parts.method, parts.uri.path())?;
    let userid = authorize(app, &parts, &route)?;
    app.limiter.admit(Instant::now())?;
    // Counted as the rate limit and the quota count it: once admitted, whatever the answer.
    app.count_call(&userid);
    let body = if route.takes_body() {
        Some(json_body(&parts, body).await?)
    } else {
        check_length_header(&parts.headers)?;
        None
    };
    execute(app, route, parts.uri.query(), body.unwrap_or(Value::Null))
}

fn execute(
    app: &App,
    route: Route,
    query: Option<&str>,
    body: Value,
) -> Result<Response, ApiError> {
    let now = marketo_date::now_utc();
    match route {
        Route::AllUsers => users::all_users(app, query),
        Route::Invite => users::invite(app, body, now),
        Route::Roles => users::roles(app),
        Route::Workspaces => users::workspaces(app),
        Route::User(u) => users::get_user(app, &u),
        Route::InvitedUser(u) => users::get_invite(app, &u),
        Route::UserRoles(u) => users::user_roles(app, &u),
        Route::UpdateUser(u) => users::update_user(app, &u, body, now),
        Route::DeleteUser(u) => users::delete_user(app, &u),
        Route::DeleteInvite(u) => users::delete_invite(app, &u),
        Route::AddUserRoles(u) => users::add_roles(app, &u, body, now),
        Route::RemoveUserRoles(u) => users::remove_roles(app, &u, body, now),
        Route::Permissions => Ok(admin::permissions()),
        Route::CreateRole => admin::create_role(app, body, now),
        Route::Role(id) => admin::get_role(app, &id),
        Route::UpdateRole(id) => admin::update_role(app, &id, body, now),
        Route::DeleteRole(id) => admin::delete_role(app, &id),
        Route::Services => admin::services(app, query),
        Route::CreateService => admin::create_service(app, body, now),
        Route::Service(id) => admin::get_service(app, &id),
        Route::UpdateService(id) => admin::update_service(app, &id, body, now),
        Route::DeleteService(id) => admin::delete_service(app, &id),
        Route::DailyUsage => Ok(usage::usage(app, 1)),
        Route::WeeklyUsage => Ok(usage::usage(app, crate::usage::WEEK)),
        Route::DailyErrors => Ok(usage::errors(app, 1)),
        Route::WeeklyErrors => Ok(usage::errors(app, crate::usage::WEEK)),
    }
}
