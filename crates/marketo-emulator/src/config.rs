//! Configuration of one emulator instance.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::fixture::Fixture;

/// Client ID of the seeded admin service when none is configured.
pub const DEFAULT_CLIENT_ID: &str = "emulator-admin-client";
/// Client secret of the seeded admin service when none is configured.
pub const DEFAULT_CLIENT_SECRET: &str = "emulator-admin-secret";

/// A rate limit: at most `calls` calls in any window of length `per` (a sliding window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Calls allowed per window.
    pub calls: u32,
    /// Length of the window.
    pub per: Duration,
}

impl RateLimit {
    /// Marketo's documented limit: 100 calls per 20 seconds per instance.
    pub const MARKETO: RateLimit = RateLimit {
        calls: 100,
        per: Duration::from_secs(20),
    };
}

/// Why a `CALLS/SECONDS` rate limit did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid rate limit '{0}': expected CALLS/SECONDS with both numbers at least 1, e.g. 100/20"
)]
pub struct RateLimitParseError(pub String);

impl FromStr for RateLimit {
    type Err = RateLimitParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || RateLimitParseError(s.to_string());
        let (calls, secs) = s.split_once('/').ok_or_else(err)?;
        let calls: u32 = calls.trim().parse().map_err(|_| err())?;
        let secs: u64 = secs.trim().parse().map_err(|_| err())?;
        if calls == 0 || secs == 0 {
            return Err(err());
        }
        Ok(RateLimit {
            calls,
            per: Duration::from_secs(secs),
        })
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.calls, self.per.as_secs())
    }
}

/// Seeded fault injection: about `rate` (0.0 to 1.0) of the counted calls fail. The same seed and the same
/// sequence of calls give the same faults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Faults {
    /// Fraction of calls that fail, from 0.0 (none) to 1.0 (all).
    pub rate: f64,
    /// Seed of the fault sequence.
    pub seed: u64,
}

/// The three call limits together; `None` switches one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Calls per window (606 beyond it).
    pub rate_limit: Option<RateLimit>,
    /// Calls in flight at once (615 beyond it).
    pub concurrency: Option<u32>,
    /// Calls per day, reset at midnight US Central time, daylight time included (607 beyond it).
    pub daily_quota: Option<u64>,
}

impl Limits {
    /// Marketo's documented limits: 100 calls / 20 s, 10 concurrent calls, 50,000 calls a day.
    pub const MARKETO: Limits = Limits {
        rate_limit: Some(RateLimit::MARKETO),
        concurrency: Some(10),
        daily_quota: Some(50_000),
    };
    /// No limits at all.
    pub const NONE: Limits = Limits {
        rate_limit: None,
        concurrency: None,
        daily_quota: None,
    };
}

/// Everything an emulator instance needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// File holding the state across restarts; `None` keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// Client ID of the seeded admin service.
    pub client_id: String,
    /// Client secret of the seeded admin service.
    pub client_secret: String,
    /// Rate limit (606); `None` for none.
    pub rate_limit: Option<RateLimit>,
    /// Concurrent calls allowed (615); `None` for no limit.
    pub concurrency: Option<u32>,
    /// Daily call quota (607); `None` for no quota.
    pub daily_quota: Option<u64>,
    /// Lifetime of a new access token.
    pub token_ttl: Duration,
    /// Seeded fault injection; `None` for none.
    pub faults: Option<Faults>,
    /// Adobe Identity (IMS) mode: invited users get generated `<uuid>@adobe.com` user ids.
    pub ims: bool,
    /// JSON-lines request log.
    pub log_file: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain and key (PEM files) instead of plain HTTP.
    pub tls: Option<TlsFiles>,
    /// Workspaces, roles, users and services a new instance starts with (with a state file: only
    /// when the file does not exist yet; it is checked either way). See the README's "Fixtures".
    pub fixture: Option<Fixture>,
}

/// The PEM files of an HTTPS emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The leaf's private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            state_file: None,
            client_id: DEFAULT_CLIENT_ID.to_string(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            rate_limit: Limits::MARKETO.rate_limit,
            concurrency: Limits::MARKETO.concurrency,
            daily_quota: Limits::MARKETO.daily_quota,
            token_ttl: Duration::from_secs(3600),
            faults: None,
            ims: false,
            log_file: None,
            tls: None,
            fixture: None,
        }
    }
}

impl Config {
    /// The same configuration with every call limit switched off.
    pub fn without_limits(mut self) -> Self {
        self.set_limits(Limits::NONE);
        self
    }

    /// The limits this configuration asks for.
    pub fn limits(&self) -> Limits {
        Limits {
            rate_limit: self.rate_limit,
            concurrency: self.concurrency,
            daily_quota: self.daily_quota,
        }
    }

    /// Replaces all three limits.
    pub fn set_limits(&mut self, limits: Limits) {
        self.rate_limit = limits.rate_limit;
        self.concurrency = limits.concurrency;
        self.daily_quota = limits.daily_quota;
    }

    /// Checks the values that the types alone do not restrict.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.client_id.trim().is_empty() || self.client_secret.is_empty() {
            return Err("the client id and client secret must not be empty".into());
        }
        if self.token_ttl.is_zero() {
            return Err("the token lifetime must be longer than zero".into());
        }
        if let Some(rate) = self.rate_limit
            && (rate.calls == 0 || rate.per.is_zero())
        {
            return Err("a rate limit needs at least one call per non-empty window".into());
        }
        if self.concurrency == Some(0) {
            return Err("the concurrency limit must be at least 1".into());
        }
        if let Some(f) = self.faults {
            validate_faults(&f)?;
        }
        Ok(())
    }
}

pub(crate) fn validate_faults(f: &Faults) -> Result<(), String> {
    if !(0.0..=1.0).contains(&f.rate) {
        return Err(format!(
            "the fault rate must be between 0 and 1, not {}",
            f.rate
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_parse() {
        assert_eq!(
            "100/20".parse::<RateLimit>(),
            Ok(RateLimit {
                calls: 100,
                per: Duration::from_secs(20)
            })
        );
        for bad in ["", "100", "0/20", "5/0", "a/b", "-1/20", "1/2/3"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_are_marketos() {
        let c = Config::default();
        assert_eq!(c.limits(), Limits::MARKETO);
        assert_eq!(c.token_ttl, Duration::from_secs(3600));
        assert_eq!(c.clone().without_limits().limits(), Limits::NONE);
        assert!(c.validate().is_ok());
        let bad = Config {
            faults: Some(Faults { rate: 1.5, seed: 1 }),
            ..Config::default()
        };
        assert!(bad.validate().is_err());
    }
}
