//! `marketo-emulator`: a stateful stand-in for a Marketo Engage instance's admin surface.
//!
//! It serves Marketo's published Identity endpoint, the twelve User Management operations and the four
//! Usage API operations (`/rest/v1/stats/...`, counting every API call per day and API user), plus the
//! role and LaunchPoint custom-service endpoints this project defines (see
//! `docs/guides/admin-endpoints.md`), with Marketo's limits, seeded fault injection and optional
//! durable state, and fixtures ([`Fixture`]) that seed an instance with named workspaces, roles, users
//! and services. The provider's tests start it
//! in-process with [`Emulator::start`]; the `marketo-emulator` binary wraps the same library.
//!
//! ```no_run
//! # async fn demo() -> Result<(), marketo_emulator::Error> {
//! use marketo_emulator::{Config, Emulator};
//! let handle = Emulator::start(Config::default().without_limits()).await?;
//! let token_url = format!(
//!     "{}/identity/oauth/token?grant_type=client_credentials&client_id={}&client_secret={}",
//!     handle.base_url(),
//!     handle.client_id(),
//!     handle.client_secret()
//! );
//! # let _ = token_url;
//! handle.shutdown().await;
//! # Ok(())
//! # }
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod api;
mod calendar;
mod config;
mod error;
mod faults;
mod fixture;
mod http;
mod limits;
mod log;
mod model;
mod ops;
mod persist;
mod reply;
mod server;
mod tls;
mod tokens;
mod usage;
mod util;

pub use config::{
    Config, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Faults, Limits, RateLimit,
    RateLimitParseError, TlsFiles,
};
pub use error::Error;
pub use fixture::{FIXTURE_FORMAT_VERSION, Fixture, FixtureError};
pub use model::{
    ADMIN_ROLE_ID, ADMIN_SERVICE_ID, ADMIN_USER_ID, ADMIN_USERID, RoleAssignment, Snapshot,
    SnapshotInvite, SnapshotRole, SnapshotService, SnapshotUser, SnapshotWorkspace,
    access_admin_permissions, access_api_permissions, grantable_permissions,
};
pub use server::{Emulator, EmulatorHandle};
