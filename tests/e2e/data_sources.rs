//! Every data source through Terraform: each reads what the emulator holds, a role made by
//! Terraform is found by the id Terraform knows, and unknown names list what exists.

use marketo_emulator::{ADMIN_USERID, EmulatorHandle};
use serde_json::Value;

use crate::support::{self, terraform::Terraform};

const CONFIG: &str = r#"
resource "marketo_api_only_role" "r" {
  name        = "Data Role"
  description = "Found by the data sources"
  permissions = ["Read-Only Lead"]
}

data "marketo_role" "standard" {
  name = "standard user"
}

data "marketo_role" "made" {
  id = marketo_api_only_role.r.id
}

data "marketo_roles" "all" {
  depends_on = [marketo_api_only_role.r]
}

data "marketo_workspace" "default" {
  name = "Default"
}

data "marketo_workspace" "all_zones" {
  id = 0
}

data "marketo_workspaces" "all" {}

data "marketo_api_only_user" "by_email" {
  email = "EMULATOR-API@emulator.invalid"
}

data "marketo_api_only_user" "by_userid" {
  userid = "emulator-api@emulator.invalid"
}

data "marketo_users" "all" {}

data "marketo_permissions" "all" {}

output "custom_role_names" {
  value = [for r in data.marketo_roles.all.roles : r.name if r.type == "custom"]
}
"#;

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o[key].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn created_roles(emu: &EmulatorHandle) -> usize {
    emu.snapshot()
        .roles
        .iter()
        .filter(|r| r.id > marketo_emulator::ADMIN_ROLE_ID)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_data_source_reads_and_unknown_names_list_what_exists() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config(CONFIG);
    tf.apply();
    let made = emu
        .snapshot()
        .roles
        .into_iter()
        .find(|r| r.name == "Data Role")
        .expect("role created");

    let role = tf.attrs("data.marketo_role.standard");
    assert_eq!(role["id"], "2");
    assert_eq!(
        role["name"], "standard user",
        "the lookup key stays as given"
    );
    assert_eq!(role["type"], "system");
    assert_eq!(role["hidden"], false);
    assert_eq!(role["only_all_zones"], false);
    let role = tf.attrs("data.marketo_role.made");
    assert_eq!(role["id"], made.id.to_string());
    assert_eq!(role["name"], "Data Role");
    assert_eq!(role["description"], "Found by the data sources");
    assert_eq!(role["type"], "custom");

    let roles = tf.attrs("data.marketo_roles.all");
    assert_eq!(roles["id"], "roles");
    let listed = names(&roles["roles"], "name");
    assert_eq!(listed.len(), emu.snapshot().roles.len());
    assert!(listed.contains(&"Admin".to_string()));
    assert!(listed.contains(&"Data Role".to_string()));
    let admin = &roles["roles"][0];
    assert_eq!(admin["id"], "1");
    assert_eq!(admin["only_all_zones"], true);
    let custom = tf.output("custom_role_names");
    assert!(
        custom
            .as_array()
            .is_some_and(|a| a.iter().any(|n| n == "Data Role"))
    );

    let ws = tf.attrs("data.marketo_workspace.default");
    assert_eq!(ws["id"], 1);
    assert_eq!(ws["status"], "active");
    let ws = tf.attrs("data.marketo_workspace.all_zones");
    assert_eq!(ws["name"], "AllZones");
    let all = tf.attrs("data.marketo_workspaces.all");
    assert_eq!(all["id"], "workspaces");
    assert_eq!(
        names(&all["workspaces"], "name"),
        vec!["AllZones", "Default"]
    );

    for addr in [
        "data.marketo_api_only_user.by_email",
        "data.marketo_api_only_user.by_userid",
    ] {
        let u = tf.attrs(addr);
        assert_eq!(u["id"], ADMIN_USERID);
        assert_eq!(u["userid"], ADMIN_USERID);
        assert_eq!(u["api_only"], true);
        assert_eq!(u["status"], "active");
        assert_eq!(u["marketo_id"], 1);
        assert_eq!(
            u["role_assignment"],
            serde_json::json!([{"role_id": 101, "workspace_id": 0}])
        );
    }
    let users = tf.attrs("data.marketo_users.all");
    assert_eq!(names(&users["users"], "userid"), vec![ADMIN_USERID]);
    assert_eq!(users["users"][0]["api_only"], true);

    let perms = tf.attrs("data.marketo_permissions.all");
    let perm_names: Vec<String> = perms["names"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let expected: Vec<String> = marketo_emulator::grantable_permissions()
        .iter()
        .map(|p| (*p).to_string())
        .collect();
    assert_eq!(perm_names, expected);
    // Each name's group: "Access Users" is the one Access Admin permission a role may grant.
    assert_eq!(perms["groups"]["Access Users"], "Access Admin");
    assert_eq!(perms["groups"]["Read-Write Lead"], "Access API");
    assert_eq!(
        perms["groups"].as_object().map(|m| m.len()),
        Some(expected.len())
    );

    tf.assert_no_changes();

    // Unknown names: an error at the attribute that lists what exists and suggests the closest.
    let plan = ["plan", "-input=false", "-no-color"];
    tf.config("data \"marketo_role\" \"x\" {\n  name = \"Standard Usr\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("No such role"), "{text}");
    assert!(text.contains("Did you mean \"Standard User\"?"), "{text}");
    assert!(text.contains("\"Admin\""), "{text}");
    tf.config("data \"marketo_role\" \"x\" {\n  id = \"999\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("1 (Admin)"), "{text}");
    tf.config("data \"marketo_workspace\" \"x\" {\n  name = \"Defualt\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("Did you mean \"Default\"?"), "{text}");
    assert!(text.contains("\"AllZones\""), "{text}");
    tf.config("data \"marketo_api_only_user\" \"x\" {\n  email = \"nobody@example.com\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("No such user"), "{text}");
    assert!(text.contains(ADMIN_USERID), "{text}");
    tf.config("data \"marketo_role\" \"x\" {\n  name = \"Admin\"\n  id   = \"1\"\n}\n");
    let text = tf.fails(&plan).flat();
    assert!(text.contains("Set only one of `name` and `id`"), "{text}");

    // The role made for the lookups goes with the destroy.
    tf.config(CONFIG);
    tf.destroy();
    assert_eq!(created_roles(&emu), 0);
}
