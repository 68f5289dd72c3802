//! Resource identity (Terraform 1.12+): every resource records its identity in the state, and
//! `import` blocks that give `identity = {...}` instead of `id` adopt existing objects.

use serde_json::Value;

use crate::support::{self, terraform::Terraform};

const CHAIN: &str = r#"resource "marketo_api_only_role" "r" {
  name        = "Identity Role"
  permissions = ["Read-Only Lead"]
}

resource "marketo_api_only_user" "u" {
  email      = "identity@example.com"
  first_name = "Identity"
  last_name  = "User"
  role_assignment {
    role_id      = marketo_api_only_role.r.id
    workspace_id = 0
  }
}

resource "marketo_custom_service" "s" {
  display_name  = "Identity Service"
  api_only_user = marketo_api_only_user.u.userid
}
"#;

/// The identity `terraform show -json` records for `address`.
fn identity_of(tf: &Terraform, address: &str) -> Value {
    let show: Value = serde_json::from_str(&tf.ok(&["show", "-json"]).stdout).expect("show -json");
    let resources = show["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    resources
        .into_iter()
        .find(|r| r["address"] == address)
        .map(|r| r["identity"].clone())
        .unwrap_or_else(|| panic!("{address} is not in the state: {show}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_recorded_and_import_blocks_by_identity() {
    if support::terraform::skip_below(1, 12, "resource identity") {
        return;
    }
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config(CHAIN);
    tf.apply();
    let snapshot = emu.snapshot();
    let role = snapshot
        .roles
        .iter()
        .find(|r| r.name == "Identity Role")
        .expect("role made");
    let service = snapshot
        .services
        .iter()
        .find(|s| s.display_name == "Identity Service")
        .expect("service made");
    let user = tf.attrs("marketo_api_only_user.u");
    assert_eq!(
        identity_of(&tf, "marketo_api_only_role.r"),
        serde_json::json!({"id": role.id})
    );
    assert_eq!(
        identity_of(&tf, "marketo_custom_service.s"),
        serde_json::json!({"id": service.id})
    );
    assert_eq!(
        identity_of(&tf, "marketo_api_only_user.u"),
        serde_json::json!({"userid": user["userid"]})
    );
    tf.assert_no_changes();

    // Forget the three, then adopt them again by identity alone.
    for address in [
        "marketo_custom_service.s",
        "marketo_api_only_user.u",
        "marketo_api_only_role.r",
    ] {
        tf.ok(&["state", "rm", address]);
    }
    tf.config(&format!(
        "{CHAIN}\nimport {{\n  to       = marketo_api_only_role.r\n  identity = {{ id = {} }}\n}}\n\nimport {{\n  to       = marketo_api_only_user.u\n  identity = {{ userid = {} }}\n}}\n\nimport {{\n  to       = marketo_custom_service.s\n  identity = {{ id = {} }}\n}}\n",
        role.id, user["userid"], service.id
    ));
    let out = tf.apply();
    assert!(
        out.flat()
            .contains("3 imported, 0 added, 0 changed, 0 destroyed"),
        "{}",
        out.text()
    );
    tf.assert_no_changes();
    assert_eq!(
        identity_of(&tf, "marketo_custom_service.s"),
        serde_json::json!({"id": service.id})
    );

    // An identity naming nothing is refused with the attribute.
    tf.ok(&["state", "rm", "marketo_api_only_role.r"]);
    tf.config(&format!(
        "{CHAIN}\nimport {{\n  to       = marketo_api_only_role.r\n  identity = {{ id = 999999 }}\n}}\n"
    ));
    let out = tf.fails(&["plan", "-input=false"]);
    assert!(out.flat().contains("999999"), "{}", out.text());
    assert_eq!(
        emu.snapshot().roles.len(),
        snapshot.roles.len(),
        "nothing written"
    );
}
