//! The emulator's own test controls under `/_emulator/`.

use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::app::App;
use super::request::{
    check_length_header, parse_json, read_body, segments, unknown_path, wrong_method,
};
use crate::calendar;
use crate::config::{Faults, Limits, RateLimit, validate_faults};
use crate::model::State;
use crate::ops;
use crate::reply::{self, ApiError};
use crate::usage::SeedBody;
use crate::util::lock;

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

pub(super) async fn control(app: &App, req: Request) -> Result<Response, ApiError> {
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
        ["usage.json"] if parts.method == Method::GET => (Method::GET, 5),
        ["usage.json"] => (Method::POST, 6),
        _ => return Err(unknown_path()),
    };
    if parts.method != want {
        return Err(wrong_method(&parts.method));
    }
    match (action, s.as_slice()) {
        (0, _) => Ok(reply::ok(&app.read(State::snapshot))),
        (1, ["users", userid, _]) => {
            let now = marketo_date::now_utc();
            app.write(|st| ops::accept(st, userid, now))?;
            Ok(reply::ok_true())
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
            Ok(reply::ok_true())
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
            Ok(reply::ok_true())
        }
        (4, _) => {
            lock(&app.tokens).expire_all(Instant::now());
            Ok(reply::ok_true())
        }
        (5, _) => {
            let today = calendar::today();
            Ok(reply::ok(&app.read(|s| s.usage.kept(today))))
        }
        (6, _) => {
            let body: SeedBody = match control_body(&parts, body).await? {
                Value::Null => return Err(ApiError::blank("days")),
                v => ops::from_value(v)?,
            };
            let today = calendar::today();
            app.write(|s| s.usage.seed(body, today))?;
            Ok(reply::ok_true())
        }
        _ => Err(unknown_path()),
    }
}
