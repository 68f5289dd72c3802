//! Helpers shared by the test modules: an in-process emulator and a real Terraform driven
//! against the provider binary Cargo built for this test run.

pub mod net;
pub mod published_only;
pub mod relay;
pub mod terraform;

use marketo_emulator::{Config, Emulator, EmulatorHandle};

/// Starts an in-process emulator with Marketo's limits off (tests that exercise the limits
/// build their own [`Config`]).
pub async fn emulator() -> EmulatorHandle {
    start(Config::default().without_limits()).await
}

/// Starts an in-process emulator from `config`, on a free loopback port.
pub async fn start(config: Config) -> EmulatorHandle {
    match Emulator::start(config).await {
        Ok(handle) => handle,
        Err(e) => panic!("the emulator did not start: {e}"),
    }
}

/// A Marketo client of our own pointed at `emu`, for changing things behind Terraform's back.
pub fn client(emu: &EmulatorHandle) -> marketo_client::Client {
    use marketo_client::{Client, ClientConfig, Secret};
    let base = url::Url::parse(&emu.base_url()).expect("emulator URL");
    let identity = url::Url::parse(&format!("{}/identity", emu.base_url())).expect("identity URL");
    let mut config = ClientConfig::new(
        base,
        identity,
        emu.client_id(),
        Secret::new(emu.client_secret()),
    );
    // The test's own set-up calls keep to the in-process limit: no budget file in /tmp.
    config.call_budget_dir = None;
    Client::new(config).expect("client")
}

/// Marketo's days (`YYYY-MM-DD`, US Central) counted back from today as `emu` counts them: the
/// function gives the day `back` days before today, for seeding its Usage API.
pub async fn usage_days(emu: &EmulatorHandle) -> impl Fn(u64) -> String {
    let today = client(emu).usage_today().await.expect("usage today").date;
    let today = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").expect("a Marketo day");
    move |back| {
        (today - chrono::Days::new(back))
            .format("%Y-%m-%d")
            .to_string()
    }
}

/// An invitation of an API-only user named `first last`, holding each (role id, workspace id) of
/// `pairs`, with no userid, expiry or reason: a user "made by hand" in a test's set-up.
pub fn api_user(
    email: &str,
    first: &str,
    last: &str,
    pairs: &[(i64, i64)],
) -> marketo_client::InviteUser {
    use marketo_client::{InviteUser, RoleWorkspace};
    InviteUser {
        email_address: email.into(),
        first_name: first.into(),
        last_name: last.into(),
        user_role_workspaces: pairs
            .iter()
            .map(|&(access_role_id, workspace_id)| RoleWorkspace {
                access_role_id,
                workspace_id,
            })
            .collect(),
        userid: None,
        api_only: true,
        expires_at: None,
        reason: None,
    }
}

/// The ```` ```terraform ```` blocks of `docs/guides/<name>.md`, in order: the guides' HCL is what
/// the tests run, so a guide cannot show a configuration that does not work.
pub fn guide_snippets(name: &str) -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/guides")
        .join(format!("{name}.md"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut snippets = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line.trim_end() == "```terraform" => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => snippets.extend(current.take()),
            Some(s) => {
                s.push_str(line);
                s.push('\n');
            }
        }
    }
    snippets
}
