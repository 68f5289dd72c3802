//! `terraform plan -generate-config-out` with `import {}` blocks (Terraform 1.5 and later):
//! the configuration Terraform writes from our schemas and imported state applies with no
//! changes, for every resource type.

use marketo_client::{InviteUser, NewRole, NewService};

use crate::support::{self, terraform::Terraform};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_configuration_applies_with_no_changes() {
    if support::terraform::skip_below(1, 5, "import blocks") {
        return;
    }
    let emu = support::emulator().await;
    let client = support::client(&emu);
    let role = client
        .create_role(&NewRole {
            name: "Made by hand".into(),
            description: Some("Created in the Admin UI".into()),
            permissions: vec!["Read-Only Lead".into(), "Read-Write Company".into()],
        })
        .await
        .expect("role");
    client
        .invite_user(&InviteUser {
            reason: Some("made by hand".into()),
            ..support::api_user("hand@example.com", "Hand", "Made", &[(role.role.id, 0)])
        })
        .await
        .expect("user");
    let service = client
        .create_service(&NewService {
            display_name: "Hand Service".into(),
            description: None,
            api_only_user: "hand@example.com".into(),
        })
        .await
        .expect("service");

    let tf = Terraform::new(&emu);
    tf.config(&format!(
        "import {{\n  to = marketo_api_only_role.r\n  id = \"{}\"\n}}\n\nimport {{\n  to = marketo_api_only_user.u\n  id = \"hand@example.com\"\n}}\n\nimport {{\n  to = marketo_custom_service.s\n  id = \"{}\"\n}}\n",
        role.role.id, service.service.client_id
    ));
    let out = tf.run(&[
        "plan",
        "-input=false",
        "-no-color",
        "-generate-config-out=generated.tf",
    ]);
    assert_eq!(out.code, 0, "{}", out.text());
    let generated =
        std::fs::read_to_string(tf.dir().join("generated.tf")).expect("generated.tf written");
    // Compared with runs of spaces made one: `terraform fmt` aligns the `=` of a block.
    let flat = generated
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    for want in [
        "resource \"marketo_api_only_role\" \"r\"",
        "name = \"Made by hand\"",
        "resource \"marketo_api_only_user\" \"u\"",
        "email = \"hand@example.com\"",
        "role_assignment {",
        "resource \"marketo_custom_service\" \"s\"",
        "api_only_user = \"hand@example.com\"",
        "store_client_secret = true",
    ] {
        assert!(flat.contains(want), "{want:?} not in:\n{generated}");
    }
    assert!(
        !generated
            .lines()
            .any(|l| l.trim_start().starts_with("client_secret")),
        "{generated}"
    );
    let out = tf.apply();
    assert!(out.stdout.contains("3 imported"), "{}", out.stdout);
    tf.assert_no_changes();
    let snap = emu.snapshot();
    assert_eq!(
        snap.services
            .iter()
            .filter(|s| s.display_name == "Hand Service")
            .count(),
        1,
        "imported, not duplicated"
    );
    // Generated configuration holds literals, so Terraform cannot order the deletes (Marketo
    // refuses to delete a user owning a service, or a role a user holds). Turning the literals
    // into references, as the docs advise, changes nothing in the plan and orders the destroy.
    let generated = std::fs::read_to_string(tf.dir().join("generated.tf")).expect("read");
    let referenced = set_attribute(
        &generated,
        "api_only_user",
        "\"hand@example.com\"",
        "marketo_api_only_user.u.userid",
    );
    let referenced = set_attribute(
        &referenced,
        "role_id",
        &role.role.id.to_string(),
        "marketo_api_only_role.r.id",
    );
    tf.write("generated.tf", &referenced);
    tf.assert_no_changes();
    tf.destroy();
    let snap = emu.snapshot();
    assert!(
        snap.services
            .iter()
            .all(|s| s.display_name != "Hand Service")
    );
    assert!(
        snap.users
            .iter()
            .all(|u| u.email_address != "hand@example.com")
    );
    assert!(snap.roles.iter().all(|r| r.name != "Made by hand"));
}

/// Replaces the value of every `key = was` line (however `terraform fmt` aligned its `=`)
/// with `now`, and fails the test unless exactly one line was replaced: a replacement that
/// silently matches nothing would leave the destroy unordered.
fn set_attribute(hcl: &str, key: &str, was: &str, now: &str) -> String {
    let mut replaced = 0;
    let lines: Vec<String> = hcl
        .lines()
        .map(|line| {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            match body.strip_prefix(key).and_then(|rest| {
                let rest = rest.trim_start();
                rest.strip_prefix('=').map(str::trim)
            }) {
                Some(value) if value == was => {
                    replaced += 1;
                    format!("{indent}{key} = {now}")
                }
                _ => line.to_owned(),
            }
        })
        .collect();
    assert_eq!(replaced, 1, "`{key} = {was}` once in:\n{hcl}");
    lines.join("\n") + "\n"
}
