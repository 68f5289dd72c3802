//! `marketo_api_only_role` through Terraform: create, no-op plan, update in place, import (CLI,
//! `import {}` blocks and generated configuration), drift in existence and name, destroy,
//! plan-time and apply-time validation, and the refusal to delete a role users still hold.

use marketo_client::{RoleUpdate, RoleWorkspace};
use marketo_emulator::{ADMIN_ROLE_ID, ADMIN_USERID, EmulatorHandle, SnapshotRole};

use crate::support::{self, terraform::Terraform};

fn role_config(name: &str, description: Option<&str>, permissions: &[&str]) -> String {
    let description = description
        .map(|d| format!("  description = \"{d}\"\n"))
        .unwrap_or_default();
    let permissions = permissions
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "resource \"marketo_api_only_role\" \"r\" {{\n  name        = \"{name}\"\n{description}  permissions = [{permissions}]\n}}\n"
    )
}

fn find(emu: &EmulatorHandle, name: &str) -> Option<SnapshotRole> {
    emu.snapshot().roles.into_iter().find(|r| r.name == name)
}

/// Roles beyond the seeded ones: what Terraform created and did not destroy.
fn created_roles(emu: &EmulatorHandle) -> Vec<String> {
    emu.snapshot()
        .roles
        .into_iter()
        .filter(|r| r.id > ADMIN_ROLE_ID)
        .map(|r| r.name)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_create_update_import_drift_destroy() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    let client = support::client(&emu);

    // Create.
    tf.config(&role_config(
        "Lead Sync",
        Some("Reads and writes leads"),
        &["Read-Write Lead", "Read-Only Activity"],
    ));
    tf.apply();
    let role = find(&emu, "Lead Sync").expect("role created in Marketo");
    assert_eq!(role.role_type, "custom");
    assert_eq!(role.description.as_deref(), Some("Reads and writes leads"));
    assert_eq!(
        role.permissions,
        vec!["Read-Only Activity", "Read-Write Lead"]
    );
    let state = tf.attrs("marketo_api_only_role.r");
    assert_eq!(state["id"], role.id.to_string());
    assert_eq!(state["type"], "custom");
    tf.assert_no_changes();

    // Update in place: name, description removed, permissions replaced; the id stays.
    tf.config(&role_config(
        "Lead Sync (API)",
        None,
        &["Read-Only Lead", "Read-Only Activity"],
    ));
    let plan = tf.assert_changes();
    assert!(plan.contains("updated in-place"), "{plan}");
    tf.apply();
    let updated = find(&emu, "Lead Sync (API)").expect("renamed role");
    assert_eq!(updated.id, role.id, "updated in place, not replaced");
    assert!(updated.description.as_deref().unwrap_or("").is_empty());
    assert_eq!(
        updated.permissions,
        vec!["Read-Only Activity", "Read-Only Lead"]
    );
    assert!(find(&emu, "Lead Sync").is_none());
    tf.assert_no_changes();

    // Import with the CLI, by id and by name.
    tf.ok(&["state", "rm", "marketo_api_only_role.r"]);
    tf.import("marketo_api_only_role.r", &role.id.to_string());
    tf.assert_no_changes();
    tf.ok(&["state", "rm", "marketo_api_only_role.r"]);
    tf.import("marketo_api_only_role.r", "Lead Sync (API)");
    tf.assert_no_changes();

    // A system role cannot be imported.
    tf.ok(&["state", "rm", "marketo_api_only_role.r"]);
    let out = tf.fails(&[
        "import",
        "-input=false",
        "-no-color",
        "marketo_api_only_role.r",
        "Standard User",
    ]);
    assert!(
        out.flat()
            .contains("system role, use the marketo_role data source"),
        "{}",
        out.text()
    );
    tf.import("marketo_api_only_role.r", &role.id.to_string());

    if support::terraform::at_least(1, 5) {
        // An `import {}` block, by name.
        tf.ok(&["state", "rm", "marketo_api_only_role.r"]);
        tf.write(
            "import.tf",
            "import {\n  to = marketo_api_only_role.r\n  id = \"Lead Sync (API)\"\n}\n",
        );
        let out = tf.apply();
        assert!(out.stdout.contains("1 imported"), "{}", out.stdout);
        tf.assert_no_changes();

        // Generated configuration applies with no changes.
        tf.ok(&["state", "rm", "marketo_api_only_role.r"]);
        tf.config("");
        tf.ok(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ]);
        let generated =
            std::fs::read_to_string(tf.dir().join("generated.tf")).expect("generated.tf");
        assert!(generated.contains("Read-Only Lead"), "{generated}");
        let out = tf.apply();
        assert!(
            out.stdout
                .contains("1 imported, 0 added, 0 changed, 0 destroyed"),
            "{}",
            out.stdout
        );
        std::fs::remove_file(tf.dir().join("import.tf")).expect("remove import.tf");
        tf.assert_no_changes();
        std::fs::remove_file(tf.dir().join("generated.tf")).expect("remove generated.tf");
        tf.config(&role_config(
            "Lead Sync (API)",
            None,
            &["Read-Only Lead", "Read-Only Activity"],
        ));
        tf.assert_no_changes();
    }

    // Drift in name: renamed in the Admin UI, renamed back by the next apply.
    client
        .update_role(
            i64::from(role.id),
            &RoleUpdate {
                name: Some("Renamed in the UI".into()),
                ..RoleUpdate::default()
            },
        )
        .await
        .expect("rename behind Terraform's back");
    let plan = tf.assert_changes();
    assert!(plan.contains("updated in-place"), "{plan}");
    tf.apply();
    assert!(find(&emu, "Lead Sync (API)").is_some());

    // Drift in existence: deleted behind Terraform's back, recreated by the next apply.
    client
        .delete_role(i64::from(role.id))
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
    let recreated = find(&emu, "Lead Sync (API)").expect("recreated");
    assert_ne!(recreated.id, role.id);
    tf.assert_no_changes();

    // Destroy.
    tf.destroy();
    assert!(created_roles(&emu).is_empty(), "{:?}", created_roles(&emu));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_and_refusals() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    let client = support::client(&emu);
    let plan = ["plan", "-input=false", "-no-color"];

    // An unknown permission: a plan error at the attribute, with the closest valid name.
    tf.config(&role_config("Typo", None, &["Read-Write Leads"]));
    let out = tf.fails(&plan);
    let text = out.flat();
    assert!(text.contains("Did you mean \"Read-Write Lead\""), "{text}");
    assert!(text.contains("permissions"), "{text}");
    // An admin permission that no API operation needs grants an API-only user nothing.
    tf.config(&role_config("Admin-ish", None, &["Access Roles"]));
    let text = tf.fails(&plan).flat();
    assert!(text.contains("grant them nothing"), "{text}");
    // An empty description: omit it instead.
    tf.config(&role_config("Empty", Some(""), &[]));
    let text = tf.fails(&plan).flat();
    assert!(text.contains("Omit the `description`"), "{text}");
    // A name too long.
    tf.config(&role_config(&"n".repeat(51), None, &[]));
    let text = tf.fails(&plan).flat();
    assert!(text.contains("at most 50 characters"), "{text}");
    assert!(created_roles(&emu).is_empty());

    // A value known only at apply is checked at apply, before anything is written.
    tf.config(&format!(
        "{}\nresource \"marketo_api_only_role\" \"late\" {{\n  name        = \"${{marketo_api_only_role.r.type}}-{}\"\n  permissions = []\n}}\n",
        role_config("Held", None, &["Read-Only Lead"]),
        "x".repeat(50)
    ));
    let text = tf
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(text.contains("at most 50 characters"), "{text}");
    assert_eq!(created_roles(&emu), vec!["Held".to_string()]);

    // A role still held by a user: the refusal names the user and says what to do.
    tf.config(&role_config("Held", None, &["Read-Only Lead"]));
    tf.apply();
    let held = find(&emu, "Held").expect("role");
    let pair = RoleWorkspace {
        access_role_id: i64::from(held.id),
        workspace_id: 0,
    };
    client
        .add_user_roles(ADMIN_USERID, &[pair])
        .await
        .expect("assign the role behind Terraform's back");
    let text = tf
        .fails(&["destroy", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(text.contains("is still assigned to users"), "{text}");
    assert!(text.contains(ADMIN_USERID), "{text}");
    assert!(
        text.contains("Remove those role assignments first"),
        "{text}"
    );
    assert!(find(&emu, "Held").is_some());
    client
        .delete_user_roles(ADMIN_USERID, &[pair])
        .await
        .expect("unassign");
    tf.destroy();

    // A name taken outside Terraform: the error says how to import it.
    tf.config(&role_config("Emulator API Admin", None, &[]));
    let text = tf
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    // Issue 12: a ready-to-paste `import` block naming the existing role's id.
    assert!(
        text.contains("import { to = marketo_api_only_role.<name> id = \"101\" }"),
        "{text}"
    );
    assert!(
        text.contains("terraform import marketo_api_only_role.<name> 101"),
        "{text}"
    );
    assert!(created_roles(&emu).is_empty(), "{:?}", created_roles(&emu));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_without_the_admin_endpoints() {
    let emu = support::emulator().await;
    let proxy = support::published_only::start(emu.base_url()).await;
    let mut tf = Terraform::new(&emu);
    let kept = role_config("Kept", None, &["Read-Only Lead"]);
    let extra = "resource \"marketo_api_only_role\" \"new\" {\n  name        = \"New\"\n  permissions = []\n}\n\nresource \"marketo_custom_service\" \"s\" {\n  display_name  = \"New Service\"\n  api_only_user = \"emulator-api@emulator.invalid\"\n}\n";
    let permissions = "data \"marketo_permissions\" \"all\" {}\n\noutput \"permission_count\" {\n  value = length(data.marketo_permissions.all.names)\n}\n";

    // A role made while the endpoints were there.
    tf.config(&kept);
    tf.apply();

    // Without the role detail endpoint, the permissions Terraform recorded are kept, with a
    // warning, and the plan is empty.
    tf.set_env("MARKETO_ENDPOINT", &proxy.base_url());
    let out = tf.plan();
    assert_eq!(out.code, 0, "{}", out.text());
    assert!(
        out.flat()
            .contains("The role's permissions cannot be read from this instance"),
        "{}",
        out.text()
    );

    // Creating a role or a service says the instance has no such API, and what to do instead.
    tf.config(&format!("{kept}\n{extra}\n{permissions}"));
    let text = tf
        .fails(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .flat();
    assert!(
        text.contains("This Marketo instance exposes no role management over the API"),
        "{text}"
    );
    assert!(text.contains("Admin > Users & Roles > Roles"), "{text}");
    assert!(
        text.contains("see the guide \"Admin endpoints\" in the provider documentation"),
        "{text}"
    );
    assert!(
        text.contains(
            "This Marketo instance exposes no LaunchPoint service management over the API"
        ),
        "{text}"
    );
    assert!(text.contains("Admin > Integration > LaunchPoint"), "{text}");
    assert_eq!(created_roles(&emu), vec!["Kept".to_string()]);
    assert_eq!(emu.snapshot().services.len(), 1);

    // A role deleted in the Admin UI is still seen through the published role list; creating it
    // again is refused at plan, since this instance cannot (issue 10).
    let id = find(&emu, "Kept").expect("role").id;
    support::client(&emu)
        .delete_role(i64::from(id))
        .await
        .expect("delete behind Terraform's back");
    tf.config(&kept);
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(text.contains("no longer exists in Marketo"), "{text}");
    assert!(
        text.contains("This Marketo instance exposes no role management over the API"),
        "{text}"
    );

    // The permission names come from the provider's own list.
    tf.ok(&["state", "rm", "marketo_api_only_role.r"]);
    tf.config(permissions);
    tf.apply();
    assert_eq!(
        tf.output("permission_count"),
        serde_json::json!(marketo_emulator::grantable_permissions().len())
    );
    assert!(created_roles(&emu).is_empty());
}

/// A resource block renamed without a `moved` block would destroy the role and create it again
/// under the same name: the plan refuses it, at `name`, and says to write `moved`; with it the
/// role keeps its id and the plan is clean.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_resource_block_is_told_to_use_moved() {
    if support::terraform::skip_below(1, 1, "a moved block") {
        return;
    }
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config(&role_config("Renamed Block", None, &["Read-Only Lead"]));
    tf.apply();
    let id = find(&emu, "Renamed Block").expect("created").id;
    let renamed =
        role_config("Renamed Block", None, &["Read-Only Lead"]).replace("\"r\"", "\"reader\"");
    tf.config(&renamed);
    let text = tf.fails(&["plan", "-input=false", "-no-color"]).flat();
    assert!(
        text.contains("A role with this name already exists"),
        "{text}"
    );
    assert!(text.contains("do not import it a second time"), "{text}");
    assert!(text.contains("moved {"), "{text}");
    tf.config(&format!(
        "{renamed}\nmoved {{\n  from = marketo_api_only_role.r\n  to   = marketo_api_only_role.reader\n}}\n"
    ));
    let out = tf.apply();
    assert!(
        out.stdout.contains("0 added, 0 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    tf.assert_no_changes();
    assert_eq!(find(&emu, "Renamed Block").expect("kept").id, id);
    tf.destroy();
    assert!(created_roles(&emu).is_empty());
}
