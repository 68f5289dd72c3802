//! The Identity call (`GET {identity_endpoint}/oauth/token` with client credentials) and the token
//! it gives: [`fetch_token`] once, `identity_request` for the client's own token (`token.rs`) and
//! for tokens handed out (`issue.rs`), and [`CachedToken`], a token with when it was fetched and
//! whether it is still fresh ([`TokenRefresh`]).

use std::time::Duration;

use reqwest::header::ACCEPT;
use serde_json::Value;
use tokio::time::Instant;
use url::Url;

use super::body::{check_token, read_answer};
use super::http::{http_client, interpret, parse, retry_after, target, transport_error};
use crate::config::TokenRefresh;
use crate::error::{Error, ErrorKind, Missing, body_errors};
use crate::secret::{Secret, redact};
use crate::types::TokenInfo;

/// A token of the client's own, as cached: renewed when [`CachedToken::fresh`] says so.
pub(super) struct CachedToken {
    pub(super) token: Secret,
    pub(super) fetched: Instant,
    pub(super) lifetime: Duration,
    pub(super) generation: u64,
}

impl CachedToken {
    pub(super) fn fresh(&self, now: Instant, refresh: &TokenRefresh) -> bool {
        let fraction = if refresh.fraction.is_finite() {
            refresh.fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let margin = refresh.min_remaining.min(self.lifetime.mul_f64(fraction));
        now.duration_since(self.fetched) + margin < self.lifetime
    }
}

#[derive(serde::Deserialize)]
struct RawIdentity {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default)]
    scope: Option<String>,
}

pub(super) async fn identity_request(
    http: &reqwest::Client,
    timeout: Duration,
    identity_endpoint: &Url,
    client_id: &str,
    client_secret: &Secret,
) -> Result<TokenInfo, Error> {
    let mut url = identity_endpoint.clone();
    url.set_query(None);
    url.set_fragment(None);
    match url.path_segments_mut() {
        Ok(mut segs) => {
            segs.pop_if_empty().push("oauth").push("token");
        }
        Err(()) => {
            return Err(Error::new(
                ErrorKind::Validation,
                "the identity endpoint is not a valid base URL",
            ));
        }
    }
    let path = url.path().to_owned();
    let op = format!("GET {path}");
    let target = target(&url);
    url.query_pairs_mut()
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret.expose());
    let secrets = [client_secret];
    let started = Instant::now();
    let result = http
        .get(url)
        .header(ACCEPT, "application/json")
        .send()
        .await;
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            let err = transport_error(e, &op, &target, timeout, &secrets);
            tracing::debug!(method = "GET", path = %path, error = %err, "marketo identity call failed");
            return Err(err);
        }
    };
    let status = response.status().as_u16();
    // A 429 or 503 on the login may say when to come back, as on any other call.
    let wait = retry_after(status, response.headers());
    let bytes = read_answer(response, &op, &target, timeout, &secrets).await?;
    tracing::debug!(
        method = "GET",
        path = %path,
        status,
        latency_ms = started.elapsed().as_millis() as u64,
        "marketo identity call"
    );
    if status == 401 {
        let detail = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| body_errors(&v))
            .map(|b| format!(" ({})", redact(&b.message, &secrets)))
            .unwrap_or_default();
        return Err(Error::new(
            ErrorKind::Unauthorized,
            format!("Marketo rejected the client_id/client_secret{detail}"),
        )
        .with_status(status)
        .with_operation(op));
    }
    let value = interpret(status, &bytes, Missing::Endpoint, &op, &secrets)
        .map_err(|e| e.with_retry_after(wait))?;
    let raw: RawIdentity = parse(value, "identity response").map_err(|e| e.with_operation(&op))?;
    check_token(&raw.access_token, &op)?;
    let expires_in = match raw.expires_in {
        Some(Value::Number(n)) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .unwrap_or(0);
    Ok(TokenInfo {
        token: raw.access_token,
        expires_in,
        scope: raw.scope.unwrap_or_default(),
    })
}

/// Fetches a token once from `{identity_endpoint}/oauth/token` (no retries). Used to prove that a
/// custom service's credentials log in; the [`Client`](crate::Client) manages its own token.
pub async fn fetch_token(
    identity_endpoint: &Url,
    client_id: &str,
    client_secret: &Secret,
) -> Result<TokenInfo, Error> {
    let timeout = Duration::from_secs(60);
    let http = http_client(
        concat!("marketo-client/", env!("CARGO_PKG_VERSION")),
        timeout,
        Duration::from_secs(10),
        &[],
    )?;
    identity_request(&http, timeout, identity_endpoint, client_id, client_secret).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_freshness_rule() {
        let now = Instant::now();
        let refresh = TokenRefresh::default();
        let t = CachedToken {
            token: s(),
            fetched: now,
            lifetime: Duration::from_secs(3600),
            generation: 1,
        };
        assert!(t.fresh(now + Duration::from_secs(3539), &refresh));
        assert!(!t.fresh(now + Duration::from_secs(3540), &refresh));
        let short = CachedToken {
            lifetime: Duration::from_secs(100),
            ..t
        };
        assert!(short.fresh(now + Duration::from_secs(89), &refresh));
        assert!(!short.fresh(now + Duration::from_secs(90), &refresh));
        let zero = CachedToken {
            lifetime: Duration::ZERO,
            ..short
        };
        assert!(!zero.fresh(now, &refresh));
    }

    fn s() -> Secret {
        Secret::new("super-secret-value")
    }
}
