//! Client configuration.

use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use super::secret::Secret;

/// How `roles/create.json` and `roles/delete.json` bodies are shaped. The swagger says
/// `{"input": [...]}`; the developer guide shows a bare array. Which the live API accepts is
/// unconfirmed, so it is configurable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoleBodyShape {
    /// `{"input": [{"accessRoleId": 2, "workspaceId": 1008}]}` (the swagger's shape).
    #[default]
    Wrapped,
    /// `[{"accessRoleId": 2, "workspaceId": 1008}]` (the guide's shape).
    BareArray,
}

/// Client-side rate limit: at most `calls` API calls in any sliding window of `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls allowed per window.
    pub calls: u32,
    /// Window length.
    pub per: Duration,
}

impl Default for RateLimit {
    /// 80 calls per 20 s: under Marketo's 100 per 20 s, which every integration on the instance shares.
    fn default() -> Self {
        RateLimit {
            calls: 80,
            per: Duration::from_secs(20),
        }
    }
}

/// Retry policy for transient failures and throttling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, including the first (at least 1).
    pub max_attempts: u32,
    /// First back-off delay; doubled on every retry, with jitter.
    pub base_delay: Duration,
    /// Cap on one back-off delay.
    pub max_delay: Duration,
    /// Give up once this much time has passed since the call started (a retry whose wait would end
    /// past it is not made).
    pub max_total_time: Duration,
    /// How long to wait after a 606 (rate limit): Marketo's window is 20 s.
    pub rate_limit_window: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(10),
            max_total_time: Duration::from_secs(180),
            rate_limit_window: Duration::from_secs(20),
        }
    }
}

/// When a cached token is renewed before Marketo would refuse it.
///
/// The token is renewed when its remaining life drops to `min(min_remaining, fraction × lifetime)`,
/// where lifetime is the `expires_in` Marketo reported when it was fetched. For Marketo's usual
/// 3600 s token that is 60 s before expiry; for a token that had only 120 s left when fetched it is
/// 12 s before. A token refused anyway is renewed and the call resent: once after a 601 (invalid),
/// within the retry policy after a 602 (expired).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TokenRefresh {
    /// Renew at the latest when this much life remains.
    pub min_remaining: Duration,
    /// Renew at the latest when this fraction of the lifetime remains.
    pub fraction: f64,
}

impl Default for TokenRefresh {
    fn default() -> Self {
        TokenRefresh {
            min_remaining: Duration::from_secs(60),
            fraction: 0.1,
        }
    }
}

/// Everything a [`Client`](super::Client) needs.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The REST host, e.g. `https://123-ABC-456.mktorest.com` (a path prefix is kept).
    pub endpoint: Url,
    /// The Identity base, e.g. `https://123-ABC-456.mktorest.com/identity`; tokens come from
    /// `{identity_endpoint}/oauth/token`.
    pub identity_endpoint: Url,
    /// The custom service's Client ID.
    pub client_id: String,
    /// The custom service's Client Secret.
    pub client_secret: Secret,
    /// `User-Agent` header.
    pub user_agent: String,
    /// API calls in flight at once (Adobe advises at most 5; the instance allows 10 in all).
    pub max_concurrency: usize,
    /// Client-side rate limit.
    pub rate_limit: RateLimit,
    /// Retries.
    pub retry: RetryPolicy,
    /// Token renewal.
    pub token_refresh: TokenRefresh,
    /// Body shape of `users/{userid}/roles/{create,delete}.json`.
    pub role_body_shape: RoleBodyShape,
    /// Timeout of one HTTP attempt (Marketo itself gives up after about 30 s with 604).
    pub request_timeout: Duration,
    /// TCP/TLS connect timeout.
    pub connect_timeout: Duration,
    /// Certificates trusted in addition to the built-in roots (a private CA, a TLS-inspecting
    /// proxy's CA): see [`load_pem_file`](crate::load_pem_file).
    pub extra_roots: Vec<crate::TrustRoot>,
    /// Where the call budget shared with other processes on this machine is kept (one small lock
    /// file per instance, whatever the client id, holding the starts of the last `rate_limit.per`), so that
    /// together they stay within `rate_limit`; `None` for the in-process limit alone. Defaults to
    /// the temp directory.
    pub call_budget_dir: Option<std::path::PathBuf>,
}

impl ClientConfig {
    /// A configuration with the defaults: concurrency 5, 80 calls / 20 s, 8 attempts, Wrapped bodies.
    pub fn new(
        endpoint: Url,
        identity_endpoint: Url,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> Self {
        ClientConfig {
            endpoint,
            identity_endpoint,
            client_id: client_id.into(),
            client_secret,
            user_agent: concat!("marketo-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_concurrency: 5,
            rate_limit: RateLimit::default(),
            retry: RetryPolicy::default(),
            token_refresh: TokenRefresh::default(),
            role_body_shape: RoleBodyShape::default(),
            request_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            extra_roots: Vec::new(),
            call_budget_dir: Some(std::env::temp_dir()),
        }
    }
}

/// Whether the URL's host is a loopback address (`localhost`, `127.0.0.0/8`, `::1`), where plain
/// `http` is acceptable. Used by the provider to require `https` everywhere else.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => {
            IpAddr::V6(ip).is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for u in [
            "http://localhost:8080",
            "http://LOCALHOST/",
            "http://127.0.0.1:1",
            "http://127.1.2.3",
            "http://[::1]:9/",
            "http://[::ffff:127.0.0.1]/",
            "http://api.localhost/",
        ] {
            assert!(is_loopback(&Url::parse(u).unwrap()), "{u}");
        }
        for u in [
            "https://123-ABC-456.mktorest.com",
            "http://10.0.0.1",
            "http://[::2]/",
            "http://localhost.example.com",
        ] {
            assert!(!is_loopback(&Url::parse(u).unwrap()), "{u}");
        }
    }

    #[test]
    fn defaults() {
        let c = ClientConfig::new(
            Url::parse("https://x.mktorest.com").unwrap(),
            Url::parse("https://x.mktorest.com/identity").unwrap(),
            "id",
            Secret::new("supersecretvalue"),
        );
        assert_eq!(c.max_concurrency, 5);
        assert_eq!(c.rate_limit.calls, 80);
        assert_eq!(c.rate_limit.per, Duration::from_secs(20));
        assert_eq!(c.role_body_shape, RoleBodyShape::Wrapped);
        assert!(!format!("{c:?}").contains("supersecretvalue"));
    }
}
