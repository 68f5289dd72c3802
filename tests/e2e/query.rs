//! `terraform query` (Terraform 1.14+): objects made outside Terraform are listed by the three
//! list resources, written out by `-generate-config-out`, imported by one apply, and plan clean.
//! (The service list is not filtered, so it also finds the service the emulator seeds for its
//! admin credentials.)

use marketo_client::{NewRole, NewService};

use crate::support::{self, terraform::Terraform};

const QUERY: &str = r#"list "marketo_api_only_role" "roles" {
  provider         = marketo
  include_resource = true
  config {
    name_prefix = "Made"
  }
}

list "marketo_api_only_user" "users" {
  provider         = marketo
  include_resource = true
  config {
    email_suffix = "@hand.example.com"
  }
}

list "marketo_custom_service" "services" {
  provider         = marketo
  include_resource = true
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_lists_generates_imports_and_plans_clean() {
    if support::terraform::skip_below(1, 14, "terraform query") {
        return;
    }
    let emu = support::emulator().await;
    let client = support::client(&emu);
    let role = client
        .create_role(&NewRole {
            name: "Made by hand".into(),
            description: Some("Created in the Admin UI".into()),
            permissions: vec!["Read-Only Lead".into()],
        })
        .await
        .expect("role");
    for (i, email) in ["ann@hand.example.com", "bob@hand.example.com"]
        .into_iter()
        .enumerate()
    {
        client
            .invite_user(&support::api_user(
                email,
                &format!("Hand{i}"),
                "Made",
                &[(role.role.id, 0)],
            ))
            .await
            .expect("user");
        client
            .create_service(&NewService {
                display_name: format!("Hand Service {i}"),
                description: None,
                api_only_user: email.into(),
            })
            .await
            .expect("service");
    }

    let tf = Terraform::new(&emu);
    tf.config("provider \"marketo\" {}\n");
    tf.write("adopt.tfquery.hcl", QUERY);
    let out = tf.ok(&["query", "-no-color"]);
    println!("terraform query:\n{}", out.stdout);
    for want in [
        "list.marketo_api_only_role.roles",
        "Made by hand",
        "ann@hand.example.com",
        "bob@hand.example.com",
        "Hand Service 0",
        "Hand Service 1",
    ] {
        assert!(
            out.stdout.contains(want),
            "{want:?} not in:\n{}",
            out.stdout
        );
    }
    let out = tf.ok(&["query", "-no-color", "-generate-config-out=generated.tf"]);
    let generated =
        std::fs::read_to_string(tf.dir().join("generated.tf")).expect("generated.tf written");
    println!("generated.tf:\n{generated}");
    assert!(
        !generated
            .lines()
            .any(|l| l.trim_start().starts_with("client_secret")),
        "{generated}"
    );
    // One role, two users, and three services: the two made here and the emulator's own.
    assert_eq!(
        generated.matches("import {").count(),
        6,
        "{}\n{generated}",
        out.text()
    );

    // The generated file is applied as written: one apply imports all six, then nothing.
    std::fs::remove_file(tf.dir().join("adopt.tfquery.hcl")).expect("remove query");
    let before = emu.snapshot();
    let out = tf.apply();
    assert!(
        out.flat()
            .contains("6 imported, 0 added, 0 changed, 0 destroyed"),
        "{}",
        out.text()
    );
    tf.assert_no_changes();
    let after = emu.snapshot();
    assert_eq!(before.roles.len(), after.roles.len());
    assert_eq!(before.users.len(), after.users.len());
    assert_eq!(before.services.len(), after.services.len());
}

/// On an instance without the admin endpoints, users and roles still list; services and whole
/// roles cannot, and say why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_on_an_instance_without_admin_endpoints_says_so() {
    if support::terraform::skip_below(1, 14, "terraform query") {
        return;
    }
    let emu = support::emulator().await;
    let proxy = support::published_only::start(emu.base_url()).await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &proxy.base_url());
    tf.config("provider \"marketo\" {}\n");
    tf.write(
        "users.tfquery.hcl",
        "list \"marketo_api_only_user\" \"users\" {\n  provider = marketo\n}\n",
    );
    let out = tf.ok(&["query", "-no-color"]);
    assert!(
        out.stdout.contains("list.marketo_api_only_user.users"),
        "{}",
        out.text()
    );
    assert_eq!(proxy.refused_calls(), 0);

    tf.write(
        "users.tfquery.hcl",
        "list \"marketo_custom_service\" \"services\" {\n  provider = marketo\n}\n",
    );
    let out = tf.fails(&["query", "-no-color"]);
    let text = out.flat();
    assert!(
        text.contains("This Marketo instance exposes no LaunchPoint service management"),
        "{text}"
    );
    assert!(text.contains("Admin endpoints"), "{text}");
    assert!(proxy.refused_calls() >= 1);

    // Roles list from the published roles.json; their permissions need the role endpoint.
    support::client(&emu)
        .create_role(&NewRole {
            name: "Made by hand".into(),
            description: None,
            permissions: vec!["Read-Only Lead".into()],
        })
        .await
        .expect("role");
    tf.write(
        "users.tfquery.hcl",
        "list \"marketo_api_only_role\" \"roles\" {\n  provider = marketo\n}\n",
    );
    let out = tf.ok(&["query", "-no-color"]);
    assert!(out.stdout.contains("Made by hand"), "{}", out.text());
    tf.write(
        "users.tfquery.hcl",
        "list \"marketo_api_only_role\" \"roles\" {\n  provider         = marketo\n  include_resource = true\n}\n",
    );
    let text = tf.fails(&["query", "-no-color"]).flat();
    assert!(
        text.contains("This Marketo instance exposes no role management"),
        "{text}"
    );
}
