//! The Marketo client against the in-process emulator.
#![allow(clippy::unwrap_used)]

mod budget;
mod hardening;
mod objects;
mod reliability;
mod transport;
mod usage;

use std::time::Duration;

use marketo_client::{Client, ClientConfig, InviteUser, RoleWorkspace, Secret};
use marketo_emulator::{Config, Emulator, EmulatorHandle};
use url::Url;

pub(crate) const STANDARD_USER: i64 = 2;
pub(crate) const DEFAULT_WS: i64 = 1;

pub(crate) async fn start(config: Config) -> EmulatorHandle {
    Emulator::start(config).await.expect("emulator starts")
}

/// The emulator's request log, in a temp dir that lives as long as this value.
pub(crate) struct RequestLog {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl RequestLog {
    /// Points `config`'s request log at a new file.
    pub(crate) fn on(config: &mut Config) -> RequestLog {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("requests.jsonl");
        config.log_file = Some(path.clone());
        RequestLog { _dir: dir, path }
    }

    /// Everything logged so far, one request a line.
    pub(crate) fn text(&self) -> String {
        std::fs::read_to_string(&self.path).expect("request log")
    }

    /// The logged API calls, without the logins.
    pub(crate) fn api_calls(&self) -> Vec<String> {
        self.text()
            .lines()
            .filter(|l| !l.contains("/identity/"))
            .map(str::to_owned)
            .collect()
    }
}

pub(crate) fn identity_url(h: &EmulatorHandle) -> Url {
    Url::parse(&format!("{}/identity", h.base_url())).expect("identity url")
}

/// A client with fast retries, so fault tests stay quick.
pub(crate) fn config_for(h: &EmulatorHandle) -> ClientConfig {
    let mut c = ClientConfig::new(
        Url::parse(&h.base_url()).expect("base url"),
        identity_url(h),
        h.client_id(),
        Secret::new(h.client_secret()),
    );
    c.retry.max_attempts = 12;
    c.retry.base_delay = Duration::from_millis(2);
    c.retry.max_delay = Duration::from_millis(40);
    c.retry.max_total_time = Duration::from_secs(30);
    c.retry.rate_limit_window = Duration::from_millis(30);
    c.request_timeout = Duration::from_secs(10);
    // Marketo's window is 20 s; tests keep the client-side limiter's proportion on a 1 s window.
    c.rate_limit = marketo_client::RateLimit {
        calls: 80,
        per: Duration::from_secs(1),
    };
    // The shared call budget stays on, as in the provider, but its files (one per emulator port)
    // gather in one folder rather than litter the temp directory.
    let budget = std::env::temp_dir().join("marketo-client-tests");
    if std::fs::create_dir_all(&budget).is_ok() {
        c.call_budget_dir = Some(budget);
    }
    c
}

pub(crate) fn client(h: &EmulatorHandle) -> Client {
    Client::new(config_for(h)).expect("client")
}

pub(crate) fn api_user(email: &str, roles: Vec<RoleWorkspace>) -> InviteUser {
    InviteUser {
        email_address: email.to_owned(),
        first_name: "Api".to_owned(),
        last_name: "User".to_owned(),
        user_role_workspaces: roles,
        userid: None,
        api_only: true,
        expires_at: None,
        reason: Some("integration".to_owned()),
    }
}

pub(crate) fn pair(role: i64, ws: i64) -> RoleWorkspace {
    RoleWorkspace {
        access_role_id: role,
        workspace_id: ws,
    }
}
