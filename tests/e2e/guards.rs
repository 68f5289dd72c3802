//! Issue 17, through real Terraform: plans a reviewer can trust.
//!
//! - Self-lockout: an integration bootstrapped as role + API-only user + custom service, then
//!   managed with that service's own credentials. Each change that would remove the provider's
//!   own access is refused at plan with nothing written, and let through by
//!   `allow_self_lockout`.
//! - Live integrations: destroying or replacing a service whose API user made calls in the
//!   last 7 days warns with the count and the day (Marketo's Usage API, seeded in the emulator);
//!   `in_use_check = "error"` blocks, `"off"` is silent.
//! - Names planned twice in one run, and a service owner who is not API-only, refused at plan.
//! - The same on an instance serving only Marketo's published endpoints.

use marketo_client::{InviteUser, NewRole};
use marketo_emulator::EmulatorHandle;
use serde_json::Value;

use crate::support::{self, terraform::Terraform};

const ACCESS: &str = r#"["Access User Management Api", "Access Users", "Read-Only Lead"]"#;

/// The Terraform integration itself, with the role's permissions and the user's role given.
fn integration(permissions: &str, role: &str) -> String {
    format!(
        r#"resource "marketo_api_only_role" "tf" {{
  name        = "Terraform Integration"
  permissions = {permissions}
}}

resource "marketo_api_only_role" "reader" {{
  name        = "Reader"
  permissions = ["Read-Only Lead"]
}}

{}{}"#,
        own_user(&format!("marketo_api_only_role.{role}.id")),
        own_service()
    )
}

/// The provider's own user, `marketo_api_only_user.tf`, holding `role` (an expression) in
/// workspace 0.
fn own_user(role: &str) -> String {
    format!(
        r#"resource "marketo_api_only_user" "tf" {{
  email      = "terraform@example.com"
  first_name = "Terraform"
  last_name  = "Integration"
  role_assignment {{
    role_id      = {role}
    workspace_id = 0
  }}
}}
"#
    )
}

/// The provider's own service, `marketo_custom_service.tf`, owned by `own_user`'s user, with
/// its credentials as outputs.
fn own_service() -> String {
    format!(
        r#"
resource "marketo_custom_service" "tf" {{
  display_name  = "Terraform"
  api_only_user = marketo_api_only_user.tf.userid
}}
{}"#,
        outputs("tf")
    )
}

/// The credentials of `marketo_custom_service.<name>`, as outputs.
fn outputs(name: &str) -> String {
    format!(
        r#"
output "client_id" {{
  value = marketo_custom_service.{name}.client_id
}}

output "client_secret" {{
  value     = marketo_custom_service.{name}.client_secret
  sensitive = true
}}
"#
    )
}

fn text(v: &Value) -> String {
    v.as_str().expect("a string output").to_string()
}

/// Applies the integration with the emulator's admin credentials, then hands the working
/// directory over to the integration's own credentials (the end state of a bootstrap).
fn bootstrapped(emu: &EmulatorHandle) -> Terraform {
    let mut tf = Terraform::new(emu);
    tf.config(&integration(ACCESS, "tf"));
    tf.apply();
    for (key, value) in own_credentials(&tf) {
        tf.set_env(key, &value);
    }
    tf.assert_no_changes();
    tf
}

/// The provider settings that act as the integration `tf` applied: its service's credentials,
/// read from the outputs `outputs` writes.
fn own_credentials(tf: &Terraform) -> [(&'static str, String); 2] {
    [
        ("MARKETO_CLIENT_ID", text(&tf.output("client_id"))),
        ("MARKETO_CLIENT_SECRET", text(&tf.output("client_secret"))),
    ]
}

/// The permissions of the role named `name`, as the emulator holds them.
fn permissions_of(emu: &EmulatorHandle, name: &str) -> Vec<String> {
    let s = emu.snapshot();
    let role = s.roles.iter().find(|r| r.name == name).expect("the role");
    role.permissions.to_vec()
}

fn assert_refused(out: &str, needles: &[&str]) {
    assert!(
        out.contains("locks the Terraform integration out of Marketo"),
        "{out}"
    );
    assert!(out.contains("allow_self_lockout"), "{out}");
    for n in needles {
        assert!(out.contains(n), "{n}: {out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_change_that_removes_the_providers_access_is_refused_at_plan() {
    let emu = support::emulator().await;
    let mut tf = bootstrapped(&emu);
    let before = permissions_of(&emu, "Terraform Integration");
    tf.config(&integration(r#"["Access Users", "Read-Only Lead"]"#, "tf"));
    let out = tf.fails(&["plan", "-no-color"]).flat();
    assert_refused(
        &out,
        &[
            "Changing the permissions of the role \"Terraform Integration\"",
            "\"Access User Management Api\"",
            "provider = marketo.<alias>",
        ],
    );
    assert!(out.contains("with marketo_api_only_role.tf"), "{out}");
    assert_eq!(permissions_of(&emu, "Terraform Integration"), before);

    // A change that keeps both permissions plans as before.
    tf.config(&integration(
        r#"["Access User Management Api", "Access Users", "Read-Only Lead", "Read-Write Lead"]"#,
        "tf",
    ));
    assert!(tf.assert_changes().contains("permissions"));

    // Decommissioning on purpose: the setting lets the plan through, with a warning.
    tf.config(&integration(r#"["Access Users", "Read-Only Lead"]"#, "tf"));
    tf.set_env("MARKETO_ALLOW_SELF_LOCKOUT", "true");
    let out = tf.plan();
    assert_eq!(out.code, 2, "{}", out.text());
    assert!(
        out.flat().contains("`allow_self_lockout` is set"),
        "{}",
        out.text()
    );
    tf.apply();
    assert!(
        !permissions_of(&emu, "Terraform Integration")
            .contains(&"Access User Management Api".to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_the_providers_user_off_its_role_is_refused_at_plan() {
    let emu = support::emulator().await;
    let tf = bootstrapped(&emu);
    tf.config(&integration(ACCESS, "reader"));
    let out = tf.fails(&["plan", "-no-color"]).flat();
    assert_refused(
        &out,
        &[
            "Changing the role_assignment of \"terraform@example.com\"",
            "\"Access User Management Api\" and \"Access Users\"",
        ],
    );
    assert!(out.contains("with marketo_api_only_user.tf"), "{out}");
    let s = emu.snapshot();
    let user = s
        .users
        .iter()
        .find(|u| u.userid == "terraform@example.com")
        .expect("the user");
    assert_eq!(user.user_role_workspaces.len(), 1, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_the_providers_own_user_or_service_is_refused_at_plan() {
    let emu = support::emulator().await;
    let tf = bootstrapped(&emu);
    let out = tf
        .fails(&["plan", "-no-color", "-replace=marketo_custom_service.tf"])
        .flat();
    assert_refused(&out, &["Replacing the custom service \"Terraform\""]);
    let out = tf
        .fails(&["plan", "-no-color", "-replace=marketo_api_only_user.tf"])
        .flat();
    assert_refused(
        &out,
        &["Replacing the API-only user \"terraform@example.com\""],
    );
    assert_eq!(emu.snapshot().services.len(), 2, "nothing written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroying_the_providers_own_objects_is_refused_at_plan() {
    if support::terraform::skip_below(1, 3, "destroy plans reach the provider from 1.3") {
        return;
    }
    let emu = support::emulator().await;
    let tf = bootstrapped(&emu);
    // Terraform stops at the first refusal, the service (it is destroyed before its user, and
    // the user before its role): each is shown once what depends on it is out of the state.
    let out = tf.fails(&["plan", "-destroy", "-no-color"]).flat();
    assert_refused(&out, &["Destroying the custom service \"Terraform\""]);
    tf.ok(&["state", "rm", "marketo_custom_service.tf"]);
    let config = integration(ACCESS, "tf");
    let without = |block: &str| {
        let at = config.find(block).expect("the block");
        config[..at].to_string()
    };
    tf.config(&without("resource \"marketo_custom_service\""));
    let out = tf.fails(&["plan", "-destroy", "-no-color"]).flat();
    assert_refused(
        &out,
        &["Destroying the API-only user \"terraform@example.com\""],
    );
    tf.ok(&["state", "rm", "marketo_api_only_user.tf"]);
    tf.config(&without("resource \"marketo_api_only_user\""));
    let out = tf.fails(&["plan", "-destroy", "-no-color"]).flat();
    assert_refused(
        &out,
        &["Destroying the role \"Terraform Integration\", which the provider's own user holds"],
    );
    // The reader role is nobody's: destroying it alone is fine.
    let out = tf.ok(&[
        "plan",
        "-destroy",
        "-no-color",
        "-target=marketo_api_only_role.reader",
    ]);
    assert!(!out.flat().contains("locks"), "{}", out.text());
    assert_eq!(emu.snapshot().services.len(), 2, "nothing written");
}

/// A second integration, "CRM Sync", made by the admin, whose user made 4,210 calls in the
/// last 7 days (seeded), most recently two days ago.
const CRM: &str = r#"resource "marketo_api_only_role" "crm" {
  name        = "CRM Sync"
  permissions = ["Read-Write Lead"]
}

resource "marketo_api_only_user" "crm" {
  email      = "crm-sync@example.com"
  first_name = "CRM"
  last_name  = "Sync"
  role_assignment {
    role_id      = marketo_api_only_role.crm.id
    workspace_id = 0
  }
}

resource "marketo_custom_service" "crm" {
  display_name  = "CRM Sync"
  api_only_user = marketo_api_only_user.crm.userid
}
"#;

/// A second API-only user, for the service to move to.
const SECOND_USER: &str = r#"
resource "marketo_api_only_user" "crm2" {
  email      = "crm-sync-2@example.com"
  first_name = "CRM"
  last_name  = "Sync Two"
  role_assignment {
    role_id      = marketo_api_only_role.crm.id
    workspace_id = 0
  }
}
"#;

/// Seeds Marketo's usage: `crm-sync@example.com` made 10 calls four days ago and 4,200 two days
/// ago. Answers the most recent day.
async fn seed_usage(emu: &EmulatorHandle) -> String {
    let client = support::client(emu);
    let day = support::usage_days(emu).await;
    let seeded = reqwest::Client::new()
        .post(format!("{}/_emulator/usage.json", emu.base_url()))
        .json(&serde_json::json!({"days": [
            {"date": day(4), "users": [{"userId": "crm-sync@example.com", "count": 10}]},
            {"date": day(2), "users": [{"userId": "CRM-Sync@example.com", "count": 4200}]}
        ]}))
        .send()
        .await
        .expect("seed the usage");
    assert_eq!(seeded.status(), 200);
    let days = client.usage_last_7_days().await.expect("usage");
    let seen: u64 = days
        .iter()
        .flat_map(|d| d.users.iter())
        .filter(|u| u.user_id.eq_ignore_ascii_case("crm-sync@example.com"))
        .map(|u| u.count)
        .sum();
    assert_eq!(seen, 4210, "{days:?}");
    day(2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replacing_an_integration_in_use_warns_with_its_calls() {
    let log = tempfile::NamedTempFile::new().expect("log file");
    let mut config = marketo_emulator::Config::default().without_limits();
    config.log_file = Some(log.path().to_path_buf());
    let emu = support::start(config).await;
    // The emulator's request log: how many times the usage was read.
    let usage_calls = || {
        std::fs::read_to_string(log.path())
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("/stats/usage/last7days.json"))
            .count()
    };
    let mut tf = Terraform::new(&emu);
    tf.config(CRM);
    tf.apply();
    let last = seed_usage(&emu).await;
    let warning = format!(
        "crm-sync@example.com made 4,210 API calls in the last 7 days, most recently on {last}"
    );
    // A new owner replaces the service (the provider asks for it): a warning on the plan.
    let moved = CRM.replace(
        "api_only_user = marketo_api_only_user.crm.userid",
        "api_only_user = marketo_api_only_user.crm2.userid",
    );
    tf.config(&format!("{moved}{SECOND_USER}"));
    let out = tf.plan();
    assert_eq!(out.code, 2, "{}", out.text());
    let flat = out.flat();
    assert!(
        flat.contains("In use: the custom service \"CRM Sync\""),
        "{flat}"
    );
    assert!(flat.contains(&warning), "{flat}");
    assert!(
        flat.contains("replaces the custom service \"CRM Sync\""),
        "{flat}"
    );
    tf.config(CRM);
    // A replacement Terraform decides alone (`-replace`) passes on the provider's errors only,
    // not its warnings: in error mode, the same words stop the plan.
    let replace = ["plan", "-no-color", "-replace=marketo_custom_service.crm"];
    tf.set_env("MARKETO_IN_USE_CHECK", "error");
    let out = tf.fails(&replace).flat();
    assert!(out.contains(&warning) && out.contains("\"error\""), "{out}");
    let out = tf
        .fails(&["plan", "-no-color", "-replace=marketo_api_only_user.crm"])
        .flat();
    assert!(out.contains(&warning), "{out}");

    tf.set_env("MARKETO_IN_USE_CHECK", "off");
    let out = tf.ok(&replace).flat();
    assert!(!out.contains("in use"), "{out}");

    tf.set_env("MARKETO_IN_USE_CHECK", "sometimes");
    let out = tf.fails(&replace).flat();
    assert!(
        out.contains("`in_use_check` must be \"warn\", \"error\" or \"off\""),
        "{out}"
    );
    assert!(out.contains("MARKETO_IN_USE_CHECK"), "{out}");

    // A plan that removes nothing reads no usage.
    tf.unset_env("MARKETO_IN_USE_CHECK");
    let before = usage_calls();
    tf.assert_no_changes();
    assert_eq!(usage_calls(), before);

    if support::terraform::at_least(1, 3) {
        let out = tf.ok(&["plan", "-destroy", "-no-color"]).flat();
        assert!(out.contains(&warning), "{out}");
        assert!(
            out.contains("destroys the custom service \"CRM Sync\""),
            "{out}"
        );
        assert!(
            out.contains("destroys the API-only user \"crm-sync@example.com\""),
            "{out}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_planned_twice_and_an_owner_who_is_not_api_only_are_refused_at_plan() {
    let emu = support::emulator().await;
    let admin = support::client(&emu);
    admin
        .invite_user(&InviteUser {
            api_only: false,
            ..support::api_user("ui-user@example.com", "UI", "User", &[(2, 1)])
        })
        .await
        .expect("a UI user made by hand");
    emu.accept_invite("ui-user@example.com")
        .expect("the UI user accepts the invitation");
    let tf = Terraform::new(&emu);
    let cases = [
        (
            r#"resource "marketo_api_only_role" "a" {
  name        = "Same Name"
  permissions = ["Read-Only Lead"]
}

resource "marketo_api_only_role" "b" {
  name        = "SAME name"
  permissions = ["Read-Only Lead"]
}
"#,
            "Two roles in this plan have the same name",
        ),
        (
            r#"resource "marketo_custom_service" "a" {
  display_name  = "Twice"
  api_only_user = "emulator-api@emulator.invalid"
}

resource "marketo_custom_service" "b" {
  display_name  = "twice"
  api_only_user = "emulator-api@emulator.invalid"
}
"#,
            "Two custom services in this plan have the same name",
        ),
        (
            r#"resource "marketo_custom_service" "ui" {
  display_name  = "UI Owned"
  api_only_user = "ui-user@example.com"
}
"#,
            "The service's owner is not an API-only user",
        ),
    ];
    for (hcl, refusal) in cases {
        tf.config(hcl);
        let out = tf.fails(&["plan", "-no-color"]).flat();
        assert!(out.contains(refusal), "{out}");
        assert!(out.contains("on main.tf line"), "{out}");
    }
    let s = emu.snapshot();
    assert!(
        !s.roles
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case("same name"))
    );
    assert_eq!(s.services.len(), 1, "nothing written");
}

/// On an instance serving only Marketo's published endpoints: the provider's own user and pairs
/// are still checked, and what the instance does not expose (a role's permissions) is a warning;
/// the usage warning works, the Usage API being published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_published_only_instance_users_pairs_and_usage_are_checked() {
    let emu = support::emulator().await;
    let admin = support::client(&emu);
    let made = admin
        .create_role(&NewRole {
            name: "TF Access".into(),
            description: None,
            permissions: vec!["Access User Management Api".into(), "Access Users".into()],
        })
        .await
        .expect("role made in the Admin UI");
    let role = made.role.id;
    // The bootstrap, by hand: the provider's user and its service.
    let boot = Terraform::new(&emu);
    boot.config(&format!("{}{}", own_user(&role.to_string()), own_service()));
    boot.apply();
    let proxy = support::published_only::start(emu.base_url()).await;
    // The user alone, managed through the published API with its own service's credentials.
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &proxy.base_url());
    for (key, value) in own_credentials(&boot) {
        tf.set_env(key, &value);
    }
    let user = |role: i64| own_user(&role.to_string());
    tf.config(&user(role));
    tf.import("marketo_api_only_user.tf", "terraform@example.com");
    tf.assert_no_changes();
    // Moving it to a role whose permissions the instance does not expose: a warning.
    tf.config(&user(2));
    let out = tf.plan();
    assert_eq!(out.code, 2, "{}", out.text());
    let flat = out.flat();
    assert!(
        flat.contains("Could not check that the provider keeps its access"),
        "{flat}"
    );
    assert!(
        flat.contains("does not expose the permissions of role 2"),
        "{flat}"
    );
    // Replacing it: refused, whatever the instance exposes.
    tf.config(&user(role));
    let out = tf
        .fails(&["plan", "-no-color", "-replace=marketo_api_only_user.tf"])
        .flat();
    assert_refused(
        &out,
        &["Replacing the API-only user \"terraform@example.com\""],
    );

    // Another integration's user, in use (the Usage API is published): replacing it is flagged
    // (as an error in error mode: a replacement Terraform decides alone shows no warning).
    admin
        .invite_user(&support::api_user(
            "crm-sync@example.com",
            "CRM",
            "Sync",
            &[(role, 0)],
        ))
        .await
        .expect("another integration's user");
    let last = seed_usage(&emu).await;
    let other = r#"
resource "marketo_api_only_user" "crm" {
  email      = "crm-sync@example.com"
  first_name = "CRM"
  last_name  = "Sync"
  role_assignment {
    role_id      = ROLE
    workspace_id = 0
  }
}
"#
    .replace("ROLE", &role.to_string());
    tf.config(&format!("{}{other}", user(role)));
    tf.import("marketo_api_only_user.crm", "crm-sync@example.com");
    tf.set_env("MARKETO_IN_USE_CHECK", "error");
    let out = tf
        .fails(&["plan", "-no-color", "-replace=marketo_api_only_user.crm"])
        .flat();
    assert!(
        out.contains(&format!(
            "crm-sync@example.com made 4,210 API calls in the last 7 days, most recently on {last}"
        )),
        "{out}"
    );
    // One call to an endpoint this instance lacks: the look at role 2's permissions, which is how
    // the provider learnt that it could not check them (the warning above).
    assert_eq!(proxy.refused_calls(), 1);
}

/// The guide "Reviewing changes": the change refused through the integration's own credentials
/// applies through an admin integration's, with a provider alias, and the next plan is clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_safe_way_applies_through_another_integration() {
    let emu = support::emulator().await;
    let snippets = support::guide_snippets("reviewing-changes");
    assert_eq!(snippets.len(), 1, "{snippets:?}");
    let guide = &snippets[0];
    // The bootstrap, with the admin's credentials: the guide's objects with both permissions.
    let mut tf = Terraform::new(&emu);
    let boot = guide
        .replace(
            r#"permissions = ["Access Users", "Read-Only Lead"]"#,
            r#"permissions = ["Access User Management Api", "Access Users", "Read-Only Lead"]"#,
        )
        .replace("  provider    = marketo.admin\n", "")
        .replace("  provider   = marketo.admin\n", "")
        .replace("  provider      = marketo.admin\n", "");
    let outputs = outputs("terraform");
    tf.set_env("TF_VAR_admin_client_id", emu.client_id());
    tf.set_env("TF_VAR_admin_client_secret", emu.client_secret());
    tf.config(&format!("{boot}{outputs}"));
    tf.apply();
    // Managed with its own credentials, the change is refused...
    for (key, value) in own_credentials(&tf) {
        tf.set_env(key, &value);
    }
    let own = boot.replace(
        r#"permissions = ["Access User Management Api", "Access Users", "Read-Only Lead"]"#,
        r#"permissions = ["Access Users", "Read-Only Lead"]"#,
    );
    tf.config(&format!("{own}{outputs}"));
    let out = tf.fails(&["plan", "-no-color"]).flat();
    assert_refused(&out, &["\"Access User Management Api\""]);
    // ... and applies as the guide shows.
    tf.config(&format!("{guide}{outputs}"));
    tf.apply();
    assert_eq!(
        permissions_of(&emu, "Terraform Integration"),
        vec!["Access Users".to_string(), "Read-Only Lead".to_string()]
    );
    tf.assert_no_changes();
}
