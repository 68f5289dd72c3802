//! What a handler reads from a request, and the errors a malformed one gets: the path's segments,
//! the query (`pageOffset`/`pageSize`), the bearer token, a JSON body within Marketo's size limit and
//! content type; unknown paths (610), wrong methods (605), too large (413) and unreadable (609) bodies.

use axum::body::{Body, Bytes};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use crate::ops::Page;
use crate::reply::ApiError;
use crate::util::percent_decode;

/// Largest request body accepted (Marketo's limit).
const MAX_BODY: usize = 1024 * 1024;

pub(super) fn unknown_path() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, 610, "Requested resource not found")
}

pub(super) fn wrong_method(method: &Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        605,
        format!("HTTP Method {method} not supported for this resource"),
    )
}

pub(super) fn segments(rest: &str) -> Result<Vec<String>, ApiError> {
    let segs: Option<Vec<String>> = rest.split('/').map(percent_decode).collect();
    match segs {
        Some(s) if s.iter().all(|x| !x.is_empty()) => Ok(s),
        _ => Err(unknown_path()),
    }
}

pub(super) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

pub(super) fn page(query: Option<&str>) -> Result<Page, ApiError> {
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

pub(super) fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        413,
        "Request Entity Too Large",
    )
}

pub(super) fn check_length_header(headers: &HeaderMap) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > MAX_BODY as u64 => Err(too_large()),
        _ => Ok(()),
    }
}

pub(super) async fn read_body(body: Body) -> Result<Bytes, ApiError> {
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

pub(super) fn media_type(headers: &HeaderMap) -> Option<String> {
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

pub(super) fn parse_json(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, 609, format!("Invalid JSON: {e}")))
}

pub(super) async fn json_body(parts: &Parts, body: Body) -> Result<Value, ApiError> {
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

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}
