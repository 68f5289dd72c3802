//! Marketo's Identity endpoint: client credentials in, a bearer token out.

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::app::App;
use super::request::{
    check_length_header, media_type, parse_json, query_pairs, read_body, wrong_method,
};
use crate::api::IdentityOut;
use crate::reply;
use crate::util::{constant_time_eq, lock};

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    reply::json_response(
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

pub(super) async fn identity(app: &App, req: Request) -> Response {
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
        let now = marketo_date::now_utc();
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
    reply::ok(&IdentityOut {
        access_token: issued.token,
        token_type: "bearer",
        expires_in: issued.expires_in,
        scope,
    })
}
