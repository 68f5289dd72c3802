//! `marketo_custom_service` through Terraform, in the whole chain role -> API-only user ->
//! service: create, working credentials from `terraform output`, no-op plan, update in place,
//! replacement on a new owner, import (CLI and `import {}` blocks), drift, destroy.

use marketo_client::{ErrorKind, Secret, fetch_token};
use marketo_emulator::SnapshotService;
use marketo_emulator::{ADMIN_ROLE_ID, ADMIN_SERVICE_ID, ADMIN_USER_ID, EmulatorHandle};

use crate::support::{self, terraform::Terraform};

const OWNER_1: &str = "svc-one@example.com";
const OWNER_2: &str = "svc-two@example.com";

/// Role, two API-only users holding it, and a service owned by `owner` ("one" or "two").
fn chain(display_name: &str, description: Option<&str>, owner: &str) -> String {
    let description = description
        .map(|d| format!("  description   = \"{d}\"\n"))
        .unwrap_or_default();
    let user = |name: &str, email: &str| {
        format!(
            "resource \"marketo_api_only_user\" \"{name}\" {{\n  email      = \"{email}\"\n  first_name = \"Service\"\n  last_name  = \"Owner\"\n  role_assignment {{\n    role_id      = marketo_api_only_role.r.id\n    workspace_id = 0\n  }}\n}}\n\n"
        )
    };
    format!(
        "resource \"marketo_api_only_role\" \"r\" {{\n  name        = \"Service Role\"\n  permissions = [\"Read-Only Lead\"]\n}}\n\n{}{}resource \"marketo_custom_service\" \"s\" {{\n  display_name  = \"{display_name}\"\n{description}  api_only_user = marketo_api_only_user.{owner}.userid\n}}\n\noutput \"client_id\" {{\n  value = marketo_custom_service.s.client_id\n}}\n\noutput \"client_secret\" {{\n  value     = marketo_custom_service.s.client_secret\n  sensitive = true\n}}\n",
        user("one", OWNER_1),
        user("two", OWNER_2),
    )
}

fn find(emu: &EmulatorHandle, display_name: &str) -> Option<SnapshotService> {
    emu.snapshot()
        .services
        .into_iter()
        .find(|s| s.display_name == display_name)
}

fn identity(emu: &EmulatorHandle) -> url::Url {
    url::Url::parse(&format!("{}/identity", emu.base_url())).expect("identity URL")
}

/// The credentials Terraform hands on, through `terraform output -raw`.
fn outputs(tf: &Terraform) -> (String, String) {
    let id = tf.ok(&["output", "-raw", "client_id"]).stdout;
    let secret = tf.ok(&["output", "-raw", "client_secret"]).stdout;
    (id.trim().to_string(), secret.trim().to_string())
}

/// Asserts that the credentials obtain a token acting as `owner`.
async fn assert_logs_in(emu: &EmulatorHandle, creds: &(String, String), owner: &str) {
    let token = fetch_token(&identity(emu), &creds.0, &Secret::new(creds.1.clone()))
        .await
        .expect("the service's credentials obtain a token");
    assert_eq!(token.scope, owner);
    assert!(!token.token.is_empty());
}

/// A plan that changes no resource (Terraform 1.0 may still show outputs to record again).
fn assert_no_resource_changes(tf: &Terraform) {
    let out = tf.plan();
    if out.code == 2 {
        assert!(
            out.stdout.contains("Changes to Outputs")
                && !out.stdout.contains("will perform the following actions"),
            "expected no resource changes, got:\n{}",
            out.text()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_credentials_update_replace_import_drift_destroy() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);

    // Create the chain; the service's credentials work.
    tf.config(&chain("CRM Sync", Some("For the CRM"), "one"));
    let out = tf.apply();
    let svc = find(&emu, "CRM Sync").expect("service created in Marketo");
    assert_eq!(svc.api_only_user, OWNER_1);
    assert_eq!(svc.description.as_deref(), Some("For the CRM"));
    let state = tf.attrs("marketo_custom_service.s");
    assert_eq!(state["id"], svc.id.to_string());
    assert_eq!(state["client_id"], svc.client_id.as_str());
    let creds = outputs(&tf);
    assert_eq!(creds.0, svc.client_id);
    assert_eq!(state["client_secret"], creds.1.as_str());
    assert!(creds.1.len() >= 16);
    assert!(!out.text().contains(&creds.1), "the secret was printed");
    assert_logs_in(&emu, &creds, OWNER_1).await;
    tf.assert_no_changes();

    // Update in place: new name, no description; same id and credentials.
    tf.config(&chain("CRM Sync (prod)", None, "one"));
    let plan = tf.assert_changes();
    assert!(plan.contains("updated in-place"), "{plan}");
    assert!(!plan.contains(&creds.1));
    tf.apply();
    let renamed = find(&emu, "CRM Sync (prod)").expect("renamed");
    assert_eq!(renamed.id, svc.id);
    assert_eq!(renamed.client_id, svc.client_id);
    assert!(renamed.description.as_deref().unwrap_or("").is_empty());
    assert_eq!(outputs(&tf), creds);
    tf.assert_no_changes();

    // A new owner replaces the service: new credentials, the old ones stop working.
    tf.config(&chain("CRM Sync (prod)", None, "two"));
    let plan = tf.assert_changes();
    assert!(plan.contains("must be replaced"), "{plan}");
    assert!(plan.contains("forces replacement"), "{plan}");
    tf.apply();
    let replaced = find(&emu, "CRM Sync (prod)").expect("replacement");
    assert_ne!(replaced.id, svc.id);
    assert_eq!(replaced.api_only_user, OWNER_2);
    let new_creds = outputs(&tf);
    assert_ne!(new_creds, creds);
    assert_logs_in(&emu, &new_creds, OWNER_2).await;
    let old = fetch_token(&identity(&emu), &creds.0, &Secret::new(creds.1.clone())).await;
    assert_eq!(
        old.expect_err("old credentials refused").kind(),
        ErrorKind::Unauthorized
    );
    tf.assert_no_changes();

    // Import with the CLI, by id and by client_id; the secret comes back too.
    tf.ok(&["state", "rm", "marketo_custom_service.s"]);
    tf.import("marketo_custom_service.s", &replaced.id.to_string());
    assert_no_resource_changes(&tf);
    tf.ok(&["state", "rm", "marketo_custom_service.s"]);
    tf.import("marketo_custom_service.s", &replaced.client_id);
    assert_no_resource_changes(&tf);
    // Terraform 1.0 drops the outputs of a resource taken out of the state; an apply (with
    // nothing to do to the service) records them again.
    tf.apply();
    tf.assert_no_changes();
    assert_eq!(outputs(&tf), new_creds);

    // An `import {}` block (Terraform 1.5 and later).
    if support::terraform::at_least(1, 5) {
        tf.ok(&["state", "rm", "marketo_custom_service.s"]);
        tf.write(
            "import.tf",
            &format!(
                "import {{\n  to = marketo_custom_service.s\n  id = \"{}\"\n}}\n",
                replaced.client_id
            ),
        );
        let out = tf.apply();
        assert!(out.stdout.contains("1 imported"), "{}", out.stdout);
        std::fs::remove_file(tf.dir().join("import.tf")).expect("remove import.tf");
        tf.assert_no_changes();
    }

    // Drift: deleted behind Terraform's back, recreated by the next apply.
    support::client(&emu)
        .delete_service(i64::from(replaced.id))
        .await
        .expect("delete behind Terraform's back");
    let plan = tf.plan();
    assert_eq!(plan.code, 2, "{}", plan.text());
    assert!(
        plan.flat().contains("no longer exists in Marketo"),
        "{}",
        plan.text()
    );
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);
    tf.apply();
    let recreated = find(&emu, "CRM Sync (prod)").expect("recreated");
    assert_ne!(recreated.id, replaced.id);
    assert_logs_in(&emu, &outputs(&tf), OWNER_2).await;
    tf.assert_no_changes();

    // Destroy: the emulator holds only what it was seeded with.
    tf.destroy();
    let snap = emu.snapshot();
    assert_eq!(
        snap.services.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![ADMIN_SERVICE_ID]
    );
    assert_eq!(
        snap.users.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![ADMIN_USER_ID]
    );
    assert!(snap.invites.is_empty());
    assert!(snap.roles.iter().all(|r| r.id <= ADMIN_ROLE_ID));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_point_at_the_attribute() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    let plan = ["plan", "-input=false", "-no-color"];
    let service = |body: &str| format!("resource \"marketo_custom_service\" \"s\" {{\n{body}}}\n");

    // Plan-time checks.
    tf.config(&service(
        "  display_name  = \"\"\n  description   = \"\"\n  api_only_user = \"nobody@example.com\"\n",
    ));
    let text = tf.fails(&plan).flat();
    assert!(text.contains("display name must not be empty"), "{text}");
    assert!(text.contains("Omit the `description`"), "{text}");

    // An owner that is not an API-only user: refused by Marketo, shown at api_only_user.
    tf.config(&service(
        "  display_name  = \"Orphan\"\n  api_only_user = \"nobody@example.com\"\n",
    ));
    let text = tf
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(text.contains("cannot own a custom service"), "{text}");
    // The diagnostic points at the attribute: Terraform quotes its line.
    assert!(
        text.contains("api_only_user = \"nobody@example.com\""),
        "{text}"
    );

    // A display name taken outside Terraform.
    tf.config(&service(
        "  display_name  = \"Emulator Admin Service\"\n  api_only_user = \"emulator-api@emulator.invalid\"\n",
    ));
    let text = tf
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(
        text.contains("to = marketo_custom_service.<name> id = \"1\""),
        "{text}"
    );
    assert!(!text.contains(emu.client_secret()), "{text}");
    assert_eq!(emu.snapshot().services.len(), 1);
}

/// `api_only_user` written in another case than the user's userid: Marketo matches userids
/// regardless of case and answers its own spelling. The configured spelling is kept, so the apply
/// is consistent with its plan and the next plan neither changes nor replaces anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_spelled_in_another_case_applies_and_stays_put() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config(
        "resource \"marketo_api_only_role\" \"r\" {\n  name        = \"Case Role\"\n  permissions = [\"Read-Only Lead\"]\n}\n\nresource \"marketo_api_only_user\" \"u\" {\n  email      = \"case-owner@example.com\"\n  first_name = \"Case\"\n  last_name  = \"Owner\"\n  role_assignment {\n    role_id      = marketo_api_only_role.r.id\n    workspace_id = 0\n  }\n}\n\nresource \"marketo_custom_service\" \"s\" {\n  display_name  = \"Case Service\"\n  api_only_user = \"Case-Owner@Example.com\"\n  depends_on    = [marketo_api_only_user.u]\n}\n",
    );
    tf.apply();
    let svc = find(&emu, "Case Service").expect("service created in Marketo");
    assert_eq!(svc.api_only_user, "case-owner@example.com");
    assert_eq!(
        tf.attrs("marketo_custom_service.s")["api_only_user"],
        "Case-Owner@Example.com"
    );
    tf.assert_no_changes();
    // A refresh keeps the configured spelling too.
    tf.ok(&["apply", "-refresh-only", "-auto-approve"]);
    tf.assert_no_changes();
    tf.destroy();
}
