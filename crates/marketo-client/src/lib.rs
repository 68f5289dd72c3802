//! A client for Marketo Engage's User Management API, the Identity endpoint, the Usage API
//! (`/rest/v1/stats/...`), and the role and LaunchPoint service endpoints of
//! `docs/guides/admin-endpoints.md`. It knows nothing of Terraform.
//!
//! # Reliability rules
//!
//! * **Token:** fetched once per [`Client`] (shared by its clones), one fetch at a time, taken
//!   only when the call's turn in the limiter has come, renewed when `min(60 s, 10 % of its
//!   lifetime)` remains ([`TokenRefresh`]), when Marketo answers 601 (then the call is resent once;
//!   a second refusal is [`ErrorKind::Unauthorized`]) and whenever it answers 602 "expired" (the
//!   call is resent within the retry policy; never blamed on the credentials). Sent only as
//!   `Authorization: Bearer`; a token over 4 KB, or one a header cannot carry, is refused.
//! * **Politeness:** at most `max_concurrency` (5) calls in flight, at most 80 started per 20 s,
//!   first come first served, except that a [`Client::read_back`] handle's calls (the read that
//!   completes a create) go first. The rate limit is shared with every other process on the
//!   machine that uses the same instance and client id, through a lock file in the temp directory
//!   ([`ClientConfig::call_budget_dir`]); a file that cannot be used never fails a call.
//! * **Daily quota:** after the first 607 no further call is sent: each fails at once with
//!   [`ErrorKind::QuotaExceeded`], saying when Marketo resets the quota (12:00 AM US Central time).
//! * **Bounds:** answers are read incrementally up to 16 MB, response heads up to hyper's ~400 KB,
//!   URLs sent up to 8 KB; past a bound the call fails at once and is not resent. A request that
//!   cannot be built fails at once too: nothing was sent.
//! * **Retries:** 606/615/429 and connection-refused prove nothing happened and are always resent
//!   (606 after waiting Marketo's 20 s window). 502, 5xx, 604, 608, 614, 713, timeouts, dropped
//!   connections and garbled 2xx bodies are *ambiguous*: reads, updates and deletes are resent
//!   (a delete answered 404 after an ambiguous attempt has succeeded); creates (invite, role,
//!   service, role assignment add/remove) first look the object up and are resent only if it is
//!   not there. Exponential back-off with jitter, bounded by attempts and total time, cut short by
//!   the handle's [`CancellationToken`](tokio_util::sync::CancellationToken).
//! * **Secrets** are [`Secret`]s: never in `Debug`, `Display`, error messages or logs; identity
//!   calls are logged without their query string.
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod budget;
mod client;
mod config;
mod date;
mod error;
mod limiter;
mod roles;
mod secret;
mod services;
mod trust;
mod types;
mod usage;
mod users;

pub use client::{Client, ClientMetrics, fetch_token, parse_retry_after};
pub use config::{ClientConfig, RateLimit, RetryPolicy, RoleBodyShape, TokenRefresh, is_loopback};
pub use date::{DateError, DateParseError, MarketoDateTime, now_utc};
pub use error::{Error, ErrorKind, Transport, escape_controls};
pub use secret::Secret;
pub use trust::{TrustError, TrustRoot, load_pem_dir, load_pem_file};
pub use types::{
    ErrorCount, ErrorDay, FoundUser, InviteUser, InvitedUser, NewRole, NewService, Role,
    RoleDetail, RoleUpdate, RoleWorkspace, Service, ServiceDetail, ServiceUpdate, TokenInfo,
    UpdateUser, UsageDay, User, UserCount, UserRoleWorkspace, UserSummary, Workspace,
};

/// What a name designates among some items, by [`find_by_name`].
#[derive(Debug, PartialEq, Eq)]
pub enum ByName<'a, T> {
    /// The item spelt exactly so, or else the only one spelt so regardless of case.
    One(&'a T),
    /// No item, in any case.
    Missing,
    /// Several items regardless of case and none exactly: which one is meant cannot be guessed.
    Several(Vec<&'a T>),
}

impl<'a, T> ByName<'a, T> {
    /// The item, when the name designates exactly one.
    pub fn one(self) -> Option<&'a T> {
        match self {
            ByName::One(item) => Some(item),
            ByName::Missing | ByName::Several(_) => None,
        }
    }
}

/// The item named `name`: an exact match, else the one that matches regardless of case (Marketo
/// keeps role, workspace and service names unique regardless of case, but an instance that
/// does not is told apart, not guessed at).
pub fn find_by_name<'a, T>(
    items: &'a [T],
    name: &str,
    name_of: impl Fn(&T) -> &str,
) -> ByName<'a, T> {
    if let Some(exact) = items.iter().find(|i| name_of(i) == name) {
        return ByName::One(exact);
    }
    let mut matching: Vec<&T> = items
        .iter()
        .filter(|i| name_of(i).eq_ignore_ascii_case(name))
        .collect();
    match matching.len() {
        0 => ByName::Missing,
        1 => ByName::One(matching.remove(0)),
        _ => ByName::Several(matching),
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::{ByName, find_by_name};

    #[test]
    fn names_match_exactly_first_then_regardless_of_case() {
        let names = ["Sync", "sync", "Other"];
        assert_eq!(find_by_name(&names, "sync", |n| n), ByName::One(&"sync"));
        assert_eq!(find_by_name(&names, "other", |n| n), ByName::One(&"Other"));
        assert_eq!(find_by_name(&names, "none", |n| n), ByName::Missing);
        assert_eq!(
            find_by_name(&names, "SYNC", |n| n),
            ByName::Several(vec![&"Sync", &"sync"])
        );
    }
}
