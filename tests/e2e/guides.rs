//! The recipes of `docs/guides/` through real Terraform: each test runs the guide's own HCL
//! (`support::guide_snippets`), so a guide cannot show a configuration that does not work.

use marketo_client::{ErrorKind, Secret, fetch_token};
use marketo_emulator::EmulatorHandle;

use crate::support::{self, terraform::Terraform};

/// Two instances (two emulators), one aliased provider block each, credentials from a variable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_instances_with_aliases() {
    let sandbox = support::emulator().await;
    let production = support::emulator().await;
    support::client(&production)
        .invite_user(&support::api_user(
            "prod-only@example.com",
            "Prod",
            "Only",
            &[(2, 1)],
        ))
        .await
        .expect("a user in production only");
    let mut tf = Terraform::new(&sandbox);
    for key in [
        "MARKETO_ENDPOINT",
        "MARKETO_CLIENT_ID",
        "MARKETO_CLIENT_SECRET",
    ] {
        tf.unset_env(key);
    }
    let instance = |e: &EmulatorHandle| {
        serde_json::json!({
            "endpoint": e.base_url(),
            "client_id": e.client_id(),
            "client_secret": e.client_secret(),
        })
    };
    let instances =
        serde_json::json!({"sandbox": instance(&sandbox), "production": instance(&production)});
    tf.set_env("TF_VAR_instances", &instances.to_string());
    let snippets = support::guide_snippets("several-instances-and-ci");
    assert_eq!(snippets.len(), 2, "{snippets:?}");
    tf.config(&snippets[0]);
    tf.apply();
    assert_eq!(
        tf.output("user_counts"),
        serde_json::json!({"sandbox": 1, "production": 2})
    );
}

/// The client secret as an ephemeral variable (Terraform 1.10+), the rest from the environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_secret_as_an_ephemeral_variable() {
    if support::terraform::skip_below(1, 10, "ephemeral variables") {
        return;
    }
    let emu = support::emulator().await;
    let mut tf = Terraform::new(&emu);
    tf.unset_env("MARKETO_CLIENT_SECRET");
    tf.set_env("TF_VAR_marketo_client_secret", emu.client_secret());
    tf.config(&support::guide_snippets("several-instances-and-ci")[1]);
    tf.apply();
    let state = std::fs::read_to_string(tf.dir().join("terraform.tfstate")).expect("state");
    assert!(!state.contains(emu.client_secret()), "{state}");
    tf.set_env("TF_VAR_marketo_client_secret", "wrong");
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("Cannot log in to Marketo"), "{text}");
}

/// `marketo_users` -> `import` blocks with `for_each` (Terraform 1.7+): every matching user is
/// adopted in one apply, the others are left alone, and the next plan is empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adopting_existing_users_with_import_for_each() {
    if support::terraform::skip_below(1, 7, "import blocks with for_each") {
        return;
    }
    let emu = support::emulator().await;
    let client = support::client(&emu);
    for (email, pairs) in [
        ("a@partner.example.com", vec![(2, 1)]),
        ("b@partner.example.com", vec![(2, 1), (101, 0)]),
        ("other@example.com", vec![(2, 1)]),
    ] {
        client
            .invite_user(&support::api_user(email, "Made", "ByHand", &pairs))
            .await
            .expect("a user made by hand");
    }
    let before = emu.snapshot();
    let tf = Terraform::new(&emu);
    tf.config(&support::guide_snippets("adopting-existing-users")[1]);
    let plan = tf.assert_changes();
    assert!(
        plan.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply();
    tf.assert_no_changes();
    let state = tf.attrs("marketo_api_only_user.adopted[\"b@partner.example.com\"]");
    assert_eq!(
        state["role_assignment"].as_array().map(Vec::len),
        Some(2),
        "{state}"
    );
    assert!(
        tf.state_of("marketo_api_only_user.adopted[\"other@example.com\"]")
            .is_none()
    );
    let after = emu.snapshot();
    assert_eq!(after.users.len(), before.users.len());
    assert_eq!(after.invites, before.invites);
}

/// The guide's `terraform query` path: its list blocks find the partner users, every custom role
/// and every service; the generated configuration is applied as written: imports only, then no
/// changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adopting_with_terraform_query() {
    if support::terraform::skip_below(1, 14, "terraform query") {
        return;
    }
    let emu = support::emulator().await;
    let client = support::client(&emu);
    for email in ["a@partner.example.com", "other@example.com"] {
        client
            .invite_user(&support::api_user(email, "Made", "ByHand", &[(2, 1)]))
            .await
            .expect("a user made by hand");
    }
    let before = emu.snapshot();
    let tf = Terraform::new(&emu);
    tf.config("provider \"marketo\" {}\n");
    tf.write(
        "adopt.tfquery.hcl",
        &support::guide_snippets("adopting-existing-users")[0],
    );
    let listed = tf.ok(&["query", "-no-color"]).stdout;
    assert!(listed.contains("userid=a@partner.example.com"), "{listed}");
    assert!(!listed.contains("other@example.com"), "{listed}");
    tf.ok(&["query", "-no-color", "-generate-config-out=adopted.tf"]);
    std::fs::remove_file(tf.dir().join("adopt.tfquery.hcl")).expect("remove the query");
    let custom_roles = before
        .roles
        .iter()
        .filter(|r| r.role_type == "custom")
        .count();
    let imports = 1 + custom_roles + before.services.len();
    let out = tf.apply();
    assert!(
        out.flat().contains(&format!(
            "{imports} imported, 0 added, 0 changed, 0 destroyed"
        )),
        "{}",
        out.text()
    );
    tf.assert_no_changes();
    let after = emu.snapshot();
    assert_eq!(after.users.len(), before.users.len());
    assert_eq!(after.roles.len(), before.roles.len());
    assert_eq!(after.services.len(), before.services.len());
}

/// Replacing the service, by `-replace` and by its `terraform_data` trigger, gives new credentials
/// and ends the old ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotating_a_service_secret() {
    if support::terraform::skip_below(1, 4, "terraform_data") {
        return;
    }
    let emu = support::emulator().await;
    let mut tf = Terraform::new(&emu);
    tf.config(&support::guide_snippets("rotating-a-service-secret")[0]);
    tf.apply();
    let identity = url::Url::parse(&format!("{}/identity", emu.base_url())).expect("url");
    let creds = |tf: &Terraform| {
        (
            tf.ok(&["output", "-raw", "client_id"]).stdout,
            tf.ok(&["output", "-raw", "client_secret"]).stdout,
        )
    };
    let logs_in = |(id, secret): (String, String)| {
        let identity = identity.clone();
        async move { fetch_token(&identity, &id, &Secret::new(secret)).await }
    };
    let first = creds(&tf);
    logs_in(first.clone())
        .await
        .expect("the first credentials work");

    let out = tf.ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-replace=marketo_custom_service.crm_sync",
    ]);
    assert!(
        out.stdout.contains("1 added, 0 changed, 1 destroyed"),
        "{}",
        out.stdout
    );
    let second = creds(&tf);
    assert_ne!(second.1, first.1, "a new client secret");
    logs_in(second.clone())
        .await
        .expect("the new credentials work");
    let old = logs_in(first)
        .await
        .expect_err("the old credentials are refused");
    assert_eq!(old.kind(), ErrorKind::Unauthorized, "{old}");

    tf.set_env("TF_VAR_secret_generation", "2027-01");
    let out = tf.apply();
    assert!(
        out.stdout
            .contains("marketo_custom_service.crm_sync: Destruction complete"),
        "{}",
        out.stdout
    );
    let third = creds(&tf);
    assert_ne!(third.1, second.1);
    logs_in(third).await.expect("the rotated credentials work");
    let old = logs_in(second)
        .await
        .expect_err("the previous credentials are refused");
    assert_eq!(old.kind(), ErrorKind::Unauthorized, "{old}");
    tf.assert_no_changes();
    tf.destroy();
}
