//! Secrets out of state: a service made with `store_client_secret = false`, its credentials
//! opened ephemerally (Terraform 1.10+), a second aliased provider configured with them, a data
//! source read through that alias, and the secret found in no state file, saved plan or output.
//! Also: a state written by the release before `store_client_secret` (schema version 0) upgrades
//! in place, on every core.

use crate::support::{self, terraform::Terraform};

const CHAIN: &str = r#"resource "marketo_api_only_role" "r" {
  name        = "Secret Path Role"
  permissions = ["Read-Only Lead", "Access User Management Api", "Access Users"]
}

resource "marketo_api_only_user" "u" {
  email      = "secret-path@example.com"
  first_name = "Secret"
  last_name  = "Path"
  role_assignment {
    role_id      = marketo_api_only_role.r.id
    workspace_id = 0
  }
}

resource "marketo_custom_service" "s" {
  display_name        = "Secret Path Service"
  api_only_user       = marketo_api_only_user.u.userid
  store_client_secret = false
}

output "service_id" {
  value = marketo_custom_service.s.id
}
"#;

/// What the second run adds: the credentials, opened ephemerally, configure a second provider
/// that acts as the service's user; a data source reads through it; a token for the same
/// credentials is checked to act as that user.
const HAND_ON: &str = r#"
ephemeral "marketo_custom_service_credentials" "s" {
  service_id = marketo_custom_service.s.id
}

ephemeral "marketo_access_token" "s" {
  client_id     = ephemeral.marketo_custom_service_credentials.s.client_id
  client_secret = ephemeral.marketo_custom_service_credentials.s.client_secret
}

provider "marketo" {
  alias         = "integration"
  client_id     = ephemeral.marketo_custom_service_credentials.s.client_id
  client_secret = ephemeral.marketo_custom_service_credentials.s.client_secret
}

data "marketo_role" "seen_by_the_integration" {
  provider = marketo.integration
  name     = "Secret Path Role"

  lifecycle {
    postcondition {
      condition     = ephemeral.marketo_access_token.s.scope == "secret-path@example.com"
      error_message = "The token does not act as the service's user."
    }
  }
}

output "role_seen_by_the_integration" {
  value = data.marketo_role.seen_by_the_integration.id
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_credentials_configure_a_provider_and_the_secret_is_stored_nowhere() {
    if support::terraform::skip_below(1, 10, "ephemeral resources") {
        return;
    }
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config(CHAIN);
    tf.apply();
    let service = emu
        .snapshot()
        .services
        .into_iter()
        .find(|s| s.display_name == "Secret Path Service")
        .expect("service made");
    let secret = support::client(&emu)
        .get_service(service.id.into())
        .await
        .expect("read")
        .expect("service")
        .client_secret
        .expose()
        .to_string();
    assert!(secret.len() >= 16, "a real secret: {secret:?}");
    let state = tf.attrs("marketo_custom_service.s");
    assert_eq!(state["client_secret"], serde_json::Value::Null);
    assert_eq!(state["store_client_secret"], false);
    assert!(!state["client_id"].as_str().unwrap_or("").is_empty());

    // The second run hands the credentials on; a saved plan, then its apply.
    tf.config(&format!("{CHAIN}{HAND_ON}"));
    let out = tf.ok(&["plan", "-input=false", "-no-color", "-out=hand-on.tfplan"]);
    assert!(
        !out.text().contains(&secret),
        "the secret is in the plan output"
    );
    let out = tf.ok(&["apply", "-input=false", "-no-color", "hand-on.tfplan"]);
    assert!(
        !out.text().contains(&secret),
        "the secret is in the apply output"
    );
    let role = emu
        .snapshot()
        .roles
        .into_iter()
        .find(|r| r.name == "Secret Path Role")
        .expect("role");
    assert_eq!(
        tf.output("role_seen_by_the_integration"),
        serde_json::Value::String(role.id.to_string()),
        "the data source was read through the provider configured with the credentials"
    );
    let shown = tf.ok(&["show", "-json", "hand-on.tfplan"]).stdout;
    assert!(!shown.contains(&secret), "the secret is in the saved plan");
    let outputs = tf.ok(&["output", "-json"]).stdout;
    assert!(!outputs.contains(&secret), "the secret is in an output");
    tf.assert_no_changes();
    // Every file Terraform wrote: states, backups, the saved plan (a zip, searched as bytes).
    for entry in walk(tf.dir()) {
        let bytes = std::fs::read(&entry).expect("read");
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the secret is in {}",
            entry.display()
        );
    }
    let state = std::fs::read_to_string(tf.dir().join("terraform.tfstate")).expect("state");
    assert!(state.contains("\"store_client_secret\": false"), "{state}");
}

/// Every file under `dir` but the provider binaries Terraform may have linked.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.to_string_lossy().contains("terraform-provider-") {
                files.push(path);
            }
        }
    }
    files
}

/// A state of schema version 0 (written by the release before `store_client_secret`) upgrades:
/// the secret stays stored, and the plan shows no change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_state_of_schema_version_0_upgrades_in_place() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    let chain = CHAIN.replace("  store_client_secret = false\n", "");
    tf.config(&chain);
    tf.apply();
    // Make the state what the previous release wrote: version 0, no `store_client_secret`.
    let path = tf.dir().join("terraform.tfstate");
    let mut state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("state")).expect("json");
    let mut found = false;
    for r in state["resources"].as_array_mut().expect("resources") {
        if r["type"] == "marketo_custom_service" {
            let instance = &mut r["instances"][0];
            instance["schema_version"] = 0.into();
            let attrs = instance["attributes"].as_object_mut().expect("attributes");
            assert_eq!(attrs.remove("store_client_secret"), Some(true.into()));
            found = true;
        }
    }
    assert!(found);
    state["serial"] = (state["serial"].as_i64().unwrap_or(1) + 1).into();
    std::fs::write(&path, serde_json::to_string_pretty(&state).expect("json")).expect("write");

    tf.assert_no_changes();
    tf.apply();
    let after: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("state")).expect("json");
    let service = after["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["type"] == "marketo_custom_service")
        .expect("service")
        .clone();
    assert_eq!(service["instances"][0]["schema_version"], 1);
    assert_eq!(
        service["instances"][0]["attributes"]["store_client_secret"],
        true
    );
    assert!(
        service["instances"][0]["attributes"]["client_secret"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
}
