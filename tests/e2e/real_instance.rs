//! Issue 10, through real Terraform against an instance that serves only Marketo's published
//! endpoints (`support::published_only`): a plan that would write a role or a service fails at
//! plan, naming the resource, before anything is written; users alone plan and apply; the
//! provider asks the instance at most once per plan, and never without a role or a service.
//! The configurations are those of `docs/guides/real-instances.md`.

use marketo_client::NewRole;
use marketo_emulator::EmulatorHandle;

use crate::support::{self, terraform::Terraform};

/// What Terraform could have written: users, invitations, roles and services.
fn written(emu: &EmulatorHandle) -> (Vec<String>, usize, Vec<String>, Vec<String>) {
    let s = emu.snapshot();
    (
        s.users.iter().map(|u| u.userid.clone()).collect(),
        s.invites.len(),
        s.roles.iter().map(|r| r.name.clone()).collect(),
        s.services.iter().map(|s| s.display_name.clone()).collect(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_with_roles_fail_at_plan_where_the_endpoints_are_missing() {
    let emu = support::emulator().await;
    // The role an admin made in the Admin UI (the guide's bootstrap).
    support::client(&emu)
        .create_role(&NewRole {
            name: "CRM Sync".into(),
            description: None,
            permissions: vec!["Access User Management Api".into(), "Access Users".into()],
        })
        .await
        .expect("role made by hand");
    let proxy = support::published_only::start(emu.base_url()).await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &proxy.base_url());
    let snippets = support::guide_snippets("real-instances");
    assert_eq!(snippets.len(), 2, "{snippets:?}");
    let (users, role) = (&snippets[0], &snippets[1]);

    // Users alone: plan and apply as before, and the instance is never asked.
    tf.config(users);
    assert!(tf.assert_changes().contains("will be created"));
    tf.apply();
    tf.assert_no_changes();
    assert_eq!(
        proxy.refused_calls(),
        0,
        "no probe without roles or services"
    );
    assert!(
        emu.snapshot()
            .users
            .iter()
            .any(|u| u.userid == "crm-sync@example.com")
    );

    // A role: the plan fails on it, with the advice, and nothing is written.
    let before = written(&emu);
    tf.config(&format!("{users}\n{role}"));
    let out = tf.fails(&["plan", "-input=false", "-no-color"]);
    let text = out.flat();
    // The guide quotes this message: it must be what Terraform prints.
    let guide = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/real-instances.md"),
    )
    .expect("guide");
    let quoted = guide
        .split("```text\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the guide quotes the plan's error");
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&flat(quoted)), "{text}\n---\n{quoted}");
    assert!(
        text.contains("This Marketo instance exposes no role management over the API"),
        "{text}"
    );
    assert!(text.contains("marketo_api_only_role.reporting"), "{text}");
    assert!(text.contains("Admin > Users & Roles > Roles"), "{text}");
    assert!(text.contains("marketo_role data source"), "{text}");
    assert_eq!(proxy.refused_calls(), 1, "one probe for the plan");
    let text = tf
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(text.contains("exposes no role management"), "{text}");
    assert!(!text.contains("Creating..."), "{text}");
    assert_eq!(proxy.refused_calls(), 2, "one probe for the apply's plan");
    assert_eq!(written(&emu), before, "nothing written");

    // Back to users alone: no more probes, and destroy works.
    tf.config(users);
    tf.assert_no_changes();
    tf.destroy();
    assert_eq!(proxy.refused_calls(), 2);
}

/// A role and a service in one plan: one probe for both; a 404 page counts as missing too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_probe_per_plan_and_a_404_page_counts_as_missing() {
    let emu = support::emulator().await;
    let proxy = support::published_only::start_html(emu.base_url()).await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &proxy.base_url());
    let before = written(&emu);
    tf.config(
        "resource \"marketo_api_only_role\" \"a\" {\n  name        = \"A\"\n  permissions = []\n}\n\n\
         resource \"marketo_api_only_role\" \"b\" {\n  name        = \"B\"\n  permissions = []\n}\n\n\
         resource \"marketo_custom_service\" \"s\" {\n  display_name  = \"S\"\n  api_only_user = \"emulator-api@emulator.invalid\"\n}\n",
    );
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    for needle in [
        "exposes no role management over the API",
        "exposes no LaunchPoint service management over the API",
        "marketo_api_only_role.a",
        "marketo_api_only_role.b",
        "marketo_custom_service.s",
        "Admin > Integration > LaunchPoint",
    ] {
        assert!(text.contains(needle), "{needle}: {text}");
    }
    assert_eq!(proxy.refused_calls(), 1, "one probe for three resources");
    assert_eq!(written(&emu), before);
}

/// Where the endpoints are served (the emulator), a plan with a role asks once and goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn where_the_endpoints_are_served_roles_plan_as_before() {
    let log = tempfile::NamedTempFile::new().expect("log file");
    let mut config = marketo_emulator::Config::default().without_limits();
    config.log_file = Some(log.path().to_path_buf());
    let emu = support::start(config).await;
    let tf = Terraform::new(&emu);
    tf.config(&support::guide_snippets("real-instances")[1]);
    // The emulator's request log: how many probes it has answered.
    let calls = || {
        std::fs::read_to_string(log.path())
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("/roles/permissions.json"))
            .count()
    };
    assert!(tf.assert_changes().contains("will be created"));
    assert_eq!(calls(), 1);
    tf.apply();
    assert!(emu.snapshot().roles.iter().any(|r| r.name == "Reporting"));
    // `terraform apply` plans in one provider process and applies in another, which plans each
    // change again before applying it: one probe in each process.
    assert_eq!(calls(), 3);
    tf.assert_no_changes();
    tf.destroy();
    assert_eq!(calls(), 3, "no probe without a role or service to write");
}
