//! The provider block through Terraform: settings from the block or the environment, and
//! plan-time errors naming the attribute and the environment variable.

use crate::support::{self, terraform::Terraform};

const ONE_USER: &str = r#"
resource "marketo_api_only_user" "u" {
  email      = "provider-test@example.com"
  first_name = "Provider"
  last_name  = "Test"
  role_assignment {
    role_id      = 2
    workspace_id = 0
  }
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_come_from_the_block_or_the_environment() {
    let emu = support::emulator().await;
    let mut tf = Terraform::new(&emu);
    for key in [
        "MARKETO_ENDPOINT",
        "MARKETO_CLIENT_ID",
        "MARKETO_CLIENT_SECRET",
    ] {
        tf.unset_env(key);
    }
    tf.set_env("TF_VAR_secret", emu.client_secret());
    tf.config(&format!(
        "variable \"secret\" {{\n  type      = string\n  sensitive = true\n}}\n\nprovider \"marketo\" {{\n  endpoint      = \"{}\"\n  client_id     = \"{}\"\n  client_secret = var.secret\n  max_concurrent_calls = 3\n  max_calls_per_20_seconds = 50\n}}\n{ONE_USER}",
        emu.base_url(),
        emu.client_id()
    ));
    let out = tf.apply();
    assert!(
        !out.text().contains(emu.client_secret()),
        "the secret leaked"
    );
    assert!(
        emu.snapshot()
            .users
            .iter()
            .any(|u| u.email_address == "provider-test@example.com")
    );
    tf.assert_no_changes();
    tf.destroy();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_and_malformed_settings_are_plan_errors() {
    let emu = support::emulator().await;
    let mut tf = Terraform::new(&emu);
    tf.config(ONE_USER);

    tf.unset_env("MARKETO_CLIENT_ID");
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("Missing client ID"), "{text}");
    assert!(text.contains("MARKETO_CLIENT_ID"), "{text}");
    tf.set_env("MARKETO_CLIENT_ID", emu.client_id());

    tf.unset_env("MARKETO_ENDPOINT");
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("Missing Marketo instance"), "{text}");
    assert!(text.contains("MARKETO_MUNCHKIN_ID"), "{text}");

    tf.set_env("MARKETO_ENDPOINT", "http://marketo.example.com");
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("plain HTTP"), "{text}");

    tf.set_env("MARKETO_ENDPOINT", &emu.base_url());
    tf.config(&format!(
        "provider \"marketo\" {{\n  munchkin_id = \"12-ABC-456\"\n}}\n{ONE_USER}"
    ));
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("Invalid Munchkin id"), "{text}");
    assert!(
        text.contains("munchkin_id = \"12-ABC-456\""),
        "points at the attribute: {text}"
    );

    tf.config(&format!(
        "provider \"marketo\" {{\n  max_concurrent_calls = 11\n}}\n{ONE_USER}"
    ));
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(
        text.contains("`max_concurrent_calls` must be a whole number from 1 to 10"),
        "{text}"
    );

    tf.config(ONE_USER);
    tf.set_env("MARKETO_CLIENT_SECRET", "not-the-secret");
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("Cannot log in to Marketo"), "{text}");
    assert!(
        !text.contains("not-the-secret"),
        "the secret leaked: {text}"
    );
    assert!(
        emu.snapshot()
            .users
            .iter()
            .all(|u| u.email_address != "provider-test@example.com")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_shows_the_whole_schema() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config("");
    let out = tf.ok(&["providers", "schema", "-json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("schema JSON");
    let schema = doc
        .pointer("/provider_schemas/registry.terraform.io~1marketo-community~1marketo")
        .expect("our provider's schema");
    for r in [
        "marketo_api_only_role",
        "marketo_api_only_user",
        "marketo_custom_service",
    ] {
        assert!(schema["resource_schemas"].get(r).is_some(), "{r}");
    }
    for d in [
        "marketo_role",
        "marketo_roles",
        "marketo_workspace",
        "marketo_workspaces",
        "marketo_api_only_user",
        "marketo_users",
        "marketo_permissions",
    ] {
        assert!(schema["data_source_schemas"].get(d).is_some(), "{d}");
    }
    let secret = &schema["resource_schemas"]["marketo_custom_service"]["block"]["attributes"]["client_secret"];
    assert_eq!(secret["sensitive"], true);
    assert_eq!(
        schema["provider"]["block"]["attributes"]["client_secret"]["sensitive"],
        true
    );
}
