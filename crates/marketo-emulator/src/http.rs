//! Request handling: routing, authentication, limits, faults, body parsing and the request log.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxumState};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use chrono::Utc;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Deserialize;
use serde_json::Value;

use crate::api::{self, ApiError, DropConnection, IdentityOut, MarketoCode};
use crate::config::{Faults, Limits, RateLimit, validate_faults};
use crate::faults::{Fault, FaultState};
use crate::limits::Limiter;
use crate::log::{RequestLog, redact};
use crate::model::{State, UM_PERMISSION, USERS_PERMISSION};
use crate::ops::{self, Page};
use crate::persist;
use crate::tokens::{TokenProblem, Tokens};
use crate::util::{constant_time_eq, lock, percent_decode};

/// Largest request body accepted (Marketo's limit).
pub(crate) const MAX_BODY: usize = 1024 * 1024;
const PREFIX: &str = "/userservice/management/v1/";
const TOKEN_PATH: &str = "/identity/oauth/token";

/// One running instance's shared data.
pub(crate) struct App {
    pub state: Mutex<State>,
    pub state_file: Option<PathBuf>,
    pub tokens: Mutex<Tokens>,
    pub limiter: Arc<Limiter>,
    pub faults: Mutex<FaultState>,
    pub ims: bool,
    pub token_ttl: Duration,
    pub log: Option<RequestLog>,
}

impl App {
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&lock(&self.state))
    }

    /// Applies a change to a copy of the state, saves the copy, and only then makes it current, so a
    /// failed operation or a failed save changes nothing.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut current = lock(&self.state);
        let mut next = current.clone();
        let out = f(&mut next)?;
        if let Some(path) = &self.state_file {
            persist::save(path, &next).map_err(|e| {
                ApiError::system(format!("The emulator could not save its state: {e}"))
            })?;
        }
        *current = next;
        Ok(out)
    }
}

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
        return identity(app, req).await;
    }
    if path == "/_emulator" || path.starts_with("/_emulator/") {
        return control(app, req)
            .await
            .unwrap_or_else(ApiError::into_response);
    }
    let fault = lock(&app.faults).next();
    match fault {
        Some(Fault::Drop) => return dropped(),
        Some(Fault::BadGateway) => return bad_gateway(),
        Some(Fault::Timeout) => {
            return ApiError::new(StatusCode::GATEWAY_TIMEOUT, 604, "Request timed out")
                .into_response();
        }
        Some(Fault::Unavailable) => {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                608,
                "API Temporarily Unavailable",
            )
            .into_response();
        }
        Some(Fault::RateLimited) => {
            return ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                606,
                "Max rate limit '100' exceeded with in '20' secs",
            )
            .into_response();
        }
        Some(Fault::Concurrency) => {
            return ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                615,
                "Concurrent access limit reached",
            )
            .into_response();
        }
        Some(Fault::ApplyThenDrop) | None => {}
    }
    let resp = api_call(app, req)
        .await
        .unwrap_or_else(ApiError::into_response);
    if fault == Some(Fault::ApplyThenDrop) {
        return dropped();
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
}

fn unknown_path() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, 610, "Requested resource not found")
}

fn wrong_method(method: &Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        605,
        format!("HTTP Method {method} not supported for this resource"),
    )
}

fn segments(rest: &str) -> Result<Vec<String>, ApiError> {
    let segs: Option<Vec<String>> = rest.split('/').map(percent_decode).collect();
    match segs {
        Some(s) if s.iter().all(|x| !x.is_empty()) => Ok(s),
        _ => Err(unknown_path()),
    }
}

fn route(method: &Method, path: &str) -> Result<Route, ApiError> {
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

// ----- request parts ----------------------------------------------------------------------------------

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn page(query: Option<&str>) -> Result<Page, ApiError> {
    let mut p = Page {
        offset: 0,
        size: 20,
    };
    for (k, v) in query_pairs(query) {
        match k.as_str() {
            "pageOffset" => {
                p.offset = v.trim().parse().map_err(|_| {
                    ApiError::invalid(format!(
                        "Invalid pageOffset '{v}': expected a whole number of at least 0"
                    ))
                })?;
            }
            "pageSize" => {
                p.size = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| (1..=200).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "Invalid pageSize '{v}': expected a whole number from 1 to 200"
                        ))
                    })?;
            }
            _ => {}
        }
    }
    Ok(p)
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        413,
        "Request Entity Too Large",
    )
}

fn check_length_header(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > MAX_BODY as u64 => Err(too_large()),
        _ => Ok(()),
    }
}

async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(_) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            609,
            "The request body could not be read",
        )),
    }
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
}

fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, 609, format!("Invalid JSON: {e}")))
}

async fn json_body(parts: &Parts, body: Body) -> Result<Value, ApiError> {
    if media_type(&parts.headers).as_deref() != Some("application/json") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            612,
            "Invalid Content Type: send application/json",
        ));
    }
    check_length_header(&parts.headers)?;
    let bytes = read_body(body).await?;
    parse_json(&bytes)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, 601, message)
}

fn authorize(app: &App, parts: &Parts) -> Result<(), ApiError> {
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
        // Adobe's swagger-user.json: "Required Permissions: Access User Management Api and
        // Access Users". The first one missing is named.
        let held = s.permissions_of(svc.owner);
        match [UM_PERMISSION, USERS_PERMISSION]
            .into_iter()
            .find(|p| !held.contains(*p))
        {
            None => Ok(()),
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
    authorize(app, &parts)?;
    app.limiter.admit(Instant::now())?;
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
    let now = Utc::now();
    let ims = app.ims;
    Ok(match route {
        Route::AllUsers => {
            let p = page(query)?;
            api::ok(&app.read(|s| ops::all_users(s, p)))
        }
        Route::Invite => {
            let req = ops::from_value(body)?;
            app.write(|s| ops::invite(s, req, ims, now))?;
            api::ok_true()
        }
        Route::Roles => api::ok(&app.read(ops::roles)),
        Route::Workspaces => api::ok(&app.read(ops::workspaces)),
        Route::User(u) => api::ok(&app.read(|s| ops::get_user(s, &u))?),
        Route::InvitedUser(u) => api::ok(&app.read(|s| ops::get_invite(s, &u))?),
        Route::UserRoles(u) => api::ok(&app.read(|s| ops::user_roles(s, &u))?),
        Route::UpdateUser(u) => {
            let req = ops::from_value(body)?;
            api::ok(&app.write(|s| ops::update_user(s, &u, req, ims, now))?)
        }
        Route::DeleteUser(u) => {
            app.write(|s| ops::delete_user(s, &u, ims))?;
            api::ok_true()
        }
        Route::DeleteInvite(u) => {
            app.write(|s| ops::delete_invite(s, &u, ims))?;
            api::ok_true()
        }
        Route::AddUserRoles(u) => {
            let pairs = ops::pair_list(body)?;
            api::ok(&app.write(|s| ops::add_roles(s, &u, pairs, now))?)
        }
        Route::RemoveUserRoles(u) => {
            let pairs = ops::pair_list(body)?;
            api::ok(&app.write(|s| ops::remove_roles(s, &u, pairs, now))?)
        }
        Route::Permissions => api::ok(&crate::model::grantable_permissions()),
        Route::CreateRole => {
            let req = ops::from_value(body)?;
            api::ok(&app.write(|s| ops::create_role(s, req, now))?)
        }
        Route::Role(id) => api::ok(&app.read(|s| ops::get_role(s, &id))?),
        Route::UpdateRole(id) => {
            let req = ops::from_value(body)?;
            api::ok(&app.write(|s| ops::update_role(s, &id, req, now))?)
        }
        Route::DeleteRole(id) => {
            app.write(|s| ops::delete_role(s, &id))?;
            api::ok_true()
        }
        Route::Services => {
            let p = page(query)?;
            api::ok(&app.read(|s| ops::services(s, p)))
        }
        Route::CreateService => {
            let req = ops::from_value(body)?;
            api::ok(&app.write(|s| ops::create_service(s, req, now))?)
        }
        Route::Service(id) => api::ok(&app.read(|s| ops::get_service(s, &id))?),
        Route::UpdateService(id) => {
            let req = ops::from_value(body)?;
            api::ok(&app.write(|s| ops::update_service(s, &id, req, now))?)
        }
        Route::DeleteService(id) => {
            app.write(|s| ops::delete_service(s, &id))?;
            api::ok_true()
        }
    })
}

// ----- identity ---------------------------------------------------------------------------------------------

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    api::json_response(
        status,
        &serde_json::json!({ "error": error, "error_description": description }),
    )
}

fn bad_credentials() -> Response {
    oauth_error(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Bad client credentials",
    )
}

async fn identity(app: &App, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::POST {
        return wrong_method(req.method()).into_response();
    }
    let (parts, body) = req.into_parts();
    let mut params: HashMap<String, String> = HashMap::new();
    for (k, v) in query_pairs(parts.uri.query()) {
        params.entry(k).or_insert(v);
    }
    if parts.method == Method::POST {
        if let Err(e) = check_length_header(&parts.headers) {
            return e.into_response();
        }
        let bytes = match read_body(body).await {
            Ok(b) => b,
            Err(e) => return e.into_response(),
        };
        match media_type(&parts.headers).as_deref() {
            Some("application/x-www-form-urlencoded") => {
                for (k, v) in form_urlencoded::parse(&bytes) {
                    params.entry(k.into_owned()).or_insert(v.into_owned());
                }
            }
            Some("application/json") if !bytes.is_empty() => match parse_json(&bytes) {
                Ok(Value::Object(map)) => {
                    for (k, v) in map {
                        if let Value::String(v) = v {
                            params.entry(k).or_insert(v);
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => return e.into_response(),
            },
            _ => {}
        }
    }
    match params.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        None | Some("") => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing grant type",
            );
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Unsupported grant type",
            );
        }
    }
    let (Some(client_id), Some(secret)) = (params.get("client_id"), params.get("client_secret"))
    else {
        return bad_credentials();
    };
    let found = app.read(|s| {
        s.services
            .values()
            .find(|svc| svc.client_id == *client_id)
            .filter(|svc| constant_time_eq(&svc.client_secret, secret))
            .and_then(|svc| {
                s.users
                    .get(&svc.owner)
                    .map(|u| (svc.id, u.id, u.userid.clone()))
            })
    });
    let Some((service_id, owner, scope)) = found else {
        return bad_credentials();
    };
    let issued = lock(&app.tokens).issue(service_id, client_id, app.token_ttl, Instant::now());
    if issued.fresh {
        let now = Utc::now();
        let saved = app.write(|s| {
            if let Some(u) = s.users.get_mut(&owner) {
                u.last_login_at = Some(now);
            }
            Ok(())
        });
        if let Err(e) = saved {
            return e.into_response();
        }
    }
    api::ok(&IdentityOut {
        access_token: issued.token,
        token_type: "bearer",
        expires_in: issued.expires_in,
        scope,
    })
}

// ----- test controls ------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FaultsBody {
    rate: f64,
    seed: u64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LimitsBody {
    rate_limit: Option<String>,
    concurrency: Option<u32>,
    daily_quota: Option<u64>,
}

async fn control_body(parts: &Parts, body: Body) -> Result<Value, ApiError> {
    check_length_header(&parts.headers)?;
    let bytes = read_body(body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    parse_json(&bytes)
}

async fn control(app: &App, req: Request) -> Result<Response, ApiError> {
    let (parts, body) = req.into_parts();
    let rest = parts
        .uri
        .path()
        .strip_prefix("/_emulator/")
        .ok_or_else(unknown_path)?;
    let segs = segments(rest)?;
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    let (want, action) = match s.as_slice() {
        ["state.json"] => (Method::GET, 0),
        ["users", _, "accept.json"] => (Method::POST, 1),
        ["faults.json"] => (Method::POST, 2),
        ["limits.json"] => (Method::POST, 3),
        ["tokens", "expire.json"] => (Method::POST, 4),
        _ => return Err(unknown_path()),
    };
    if parts.method != want {
        return Err(wrong_method(&parts.method));
    }
    match (action, s.as_slice()) {
        (0, _) => Ok(api::ok(&app.read(State::snapshot))),
        (1, ["users", userid, _]) => {
            let now = Utc::now();
            app.write(|st| ops::accept(st, userid, now))?;
            Ok(api::ok_true())
        }
        (2, _) => {
            let faults = match control_body(&parts, body).await? {
                Value::Null => None,
                v => {
                    let f: FaultsBody = ops::from_value(v)?;
                    let f = Faults {
                        rate: f.rate,
                        seed: f.seed,
                    };
                    validate_faults(&f).map_err(ApiError::invalid)?;
                    Some(f)
                }
            };
            lock(&app.faults).set(faults);
            Ok(api::ok_true())
        }
        (3, _) => {
            let b: LimitsBody = match control_body(&parts, body).await? {
                Value::Null => LimitsBody::default(),
                v => ops::from_value(v)?,
            };
            let rate_limit = b
                .rate_limit
                .map(|r| r.parse::<RateLimit>())
                .transpose()
                .map_err(|e| ApiError::invalid(e.to_string()))?;
            if b.concurrency == Some(0) {
                return Err(ApiError::invalid("concurrency must be at least 1"));
            }
            app.limiter.set(Limits {
                rate_limit,
                concurrency: b.concurrency,
                daily_quota: b.daily_quota,
            });
            Ok(api::ok_true())
        }
        (4, _) => {
            lock(&app.tokens).expire_all(Instant::now());
            Ok(api::ok_true())
        }
        _ => Err(unknown_path()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let p = |s: &str| format!("{PREFIX}{s}");
        assert_eq!(
            route(&Method::GET, &p("users/allusers.json")),
            Ok(Route::AllUsers)
        );
        assert_eq!(
            route(&Method::GET, &p("users/a%40b.com/user.json")),
            Ok(Route::User("a@b.com".into()))
        );
        assert_eq!(
            route(&Method::POST, &p("users/x/invite/delete.json")),
            Ok(Route::DeleteInvite("x".into()))
        );
        assert_eq!(
            route(&Method::POST, &p("users/allusers.json"))
                .err()
                .map(|e| e.code),
            Some(605)
        );
        assert_eq!(
            route(&Method::GET, &p("users//user.json"))
                .err()
                .map(|e| e.code),
            Some(610)
        );
        assert_eq!(
            route(&Method::GET, "/rest/v1/leads.json")
                .err()
                .map(|e| e.code),
            Some(610)
        );
        assert_eq!(
            route(&Method::GET, &p("users/%zz/user.json"))
                .err()
                .map(|e| e.code),
            Some(610)
        );
    }

    #[test]
    fn paging() {
        assert!(matches!(
            page(None),
            Ok(Page {
                offset: 0,
                size: 20
            })
        ));
        assert!(matches!(
            page(Some("pageOffset=5&pageSize=200")),
            Ok(Page {
                offset: 5,
                size: 200
            })
        ));
        for bad in ["pageSize=0", "pageSize=201", "pageOffset=-1", "pageSize=x"] {
            assert_eq!(page(Some(bad)).err().map(|e| e.code), Some(1003), "{bad}");
        }
    }
}
