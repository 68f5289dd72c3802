//! The whole admin workflow of `examples/quickstart`: role -> API-only user -> custom service,
//! whose credentials from `terraform output` really log in. Also: every example passes
//! `terraform validate`.

use std::path::Path;

use marketo_client::{Secret, fetch_token};

use crate::support::{self, terraform::Terraform};

/// Copies the `.tf` files of an example but its `import-by-*.tf` examples (each an `import`
/// block for the same resource: one at a time), and its `.tfquery.hcl` files on cores that read
/// them (1.14+).
fn copy_tf_files(from: &Path, to: &Path) {
    let queries = support::terraform::at_least(1, 14);
    for entry in std::fs::read_dir(from).expect("example directory") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let copy = (name.ends_with(".tf") && !name.starts_with("import-by-"))
            || (queries && name.ends_with(".tfquery.hcl"));
        if copy {
            std::fs::copy(&path, to.join(name)).expect("copy");
        }
    }
}

/// The `import-by-*.tf` examples of `dir` that the core under test understands: `import`
/// blocks with `id` from 1.5, with `identity` from 1.12.
fn import_examples(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir(dir)
        .expect("example directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| match p.file_name().and_then(|n| n.to_str()) {
            Some("import-by-identity.tf") => support::terraform::at_least(1, 12),
            Some(n) => n.starts_with("import-by-") && support::terraform::at_least(1, 5),
            None => false,
        })
        .collect();
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quickstart_chain_yields_working_credentials() {
    let emu = support::emulator().await;
    let before = emu.snapshot();
    let mut tf = Terraform::new(&emu);
    copy_tf_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart"),
        tf.dir(),
    );
    tf.set_env("TF_VAR_marketo_endpoint", &emu.base_url());
    tf.set_env("TF_VAR_marketo_client_id", emu.client_id());
    tf.set_env("TF_VAR_marketo_client_secret", emu.client_secret());

    let out = tf.apply();
    assert!(
        out.stdout.contains("client_secret = <sensitive>"),
        "{}",
        out.stdout
    );
    let snap = emu.snapshot();
    let role = snap
        .roles
        .iter()
        .find(|r| r.name == "Quickstart Integration")
        .expect("role");
    assert_eq!(role.role_type, "custom");
    assert!(
        role.permissions
            .contains(&"Access User Management Api".to_string())
    );
    let user = snap
        .users
        .iter()
        .find(|u| u.email_address == "quickstart-integration@example.com")
        .expect("user");
    assert!(user.api_only);
    assert_eq!(user.user_role_workspaces.len(), 1);
    assert_eq!(user.user_role_workspaces[0].access_role_id, role.id);
    let service = snap
        .services
        .iter()
        .find(|s| s.display_name == "Quickstart Integration")
        .expect("service");
    assert_eq!(service.api_only_user, user.userid);

    // The outputs are what an integration would be handed, and they log in as the new user.
    let client_id = tf.ok(&["output", "-raw", "client_id"]).stdout;
    let client_secret = tf.ok(&["output", "-raw", "client_secret"]).stdout;
    assert_eq!(client_id, service.client_id);
    let identity = url::Url::parse(&format!("{}/identity", emu.base_url())).expect("url");
    let token = fetch_token(&identity, &client_id, &Secret::new(client_secret))
        .await
        .expect("the new service's credentials obtain a token");
    assert_eq!(token.scope, user.userid);
    assert!(token.expires_in > 0);
    assert!(
        role.permissions.contains(&"Access Users".to_string()),
        "the quickstart role grants what User Management needs"
    );
    // The new user's role grants User Management: with its own token, the service lists the
    // users and invites one through Marketo's published endpoints.
    let http = reqwest::Client::new();
    let um = format!("{}/userservice/management/v1/users", emu.base_url());
    let listed = http
        .get(format!("{um}/allusers.json?pageSize=200"))
        .bearer_auth(token.token.expose())
        .send()
        .await
        .expect("list users with the new token");
    assert_eq!(listed.status(), 200);
    let listed: serde_json::Value = listed.json().await.expect("allusers is JSON");
    assert!(
        listed
            .as_array()
            .is_some_and(|a| a.iter().any(|u| u["userid"] == user.userid.as_str())),
        "{listed}"
    );
    let invited = http
        .post(format!("{um}/invite.json"))
        .bearer_auth(token.token.expose())
        .json(&serde_json::json!({
            "emailAddress": "invited-by-quickstart@example.com",
            "firstName": "Invited",
            "lastName": "ByService",
            "userRoleWorkspaces": [{"accessRoleId": 2, "workspaceId": 1}]
        }))
        .send()
        .await
        .expect("invite with the new token");
    assert_eq!(invited.status(), 200);
    assert!(
        emu.snapshot()
            .invites
            .iter()
            .any(|i| i.userid == "invited-by-quickstart@example.com")
    );
    let gone = http
        .post(format!(
            "{um}/invited-by-quickstart@example.com/invite/delete.json"
        ))
        .bearer_auth(token.token.expose())
        .send()
        .await
        .expect("delete the invitation with the new token");
    assert_eq!(gone.status(), 200);

    tf.assert_no_changes();
    tf.destroy();
    let after = emu.snapshot();
    let userids = |s: &marketo_emulator::Snapshot| {
        s.users.iter().map(|u| u.userid.clone()).collect::<Vec<_>>()
    };
    assert_eq!(
        userids(&after),
        userids(&before),
        "every user Terraform made is gone"
    );
    assert_eq!(
        after.roles, before.roles,
        "every role Terraform made is gone"
    );
    assert_eq!(
        after.services, before.services,
        "every service Terraform made is gone"
    );
    assert!(after.invites.is_empty());
}

/// Whether an example directory's `.tf` files hold a `check` block (Terraform 1.5+).
fn holds_check_block(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .expect("example dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "tf"))
        .any(|e| {
            std::fs::read_to_string(e.path())
                .is_ok_and(|t| t.lines().any(|l| l.starts_with("check \"")))
        })
}

/// Every example directory, with a provider requirement added where the example leaves it out
/// (registry examples show only the resource), passes `terraform validate`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_validates() {
    let emu = support::emulator().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs = vec![root.join("quickstart"), root.join("provider")];
    let mut kinds = vec!["resources", "data-sources"];
    if support::terraform::at_least(1, 10) {
        kinds.push("ephemeral-resources");
    }
    if support::terraform::at_least(1, 14) {
        kinds.push("list-resources");
    }
    for kind in kinds {
        for entry in std::fs::read_dir(root.join(kind)).expect("examples") {
            dirs.push(entry.expect("entry").path());
        }
    }
    // A `check` block (marketo_api_usage's example) needs Terraform 1.5.
    if !support::terraform::at_least(1, 5) {
        dirs.retain(|dir| !holds_check_block(dir));
    }
    assert!(dirs.len() >= 12, "{dirs:?}");
    // Each directory once as it is, and once more with each of its import examples.
    let mut runs: Vec<(std::path::PathBuf, Option<std::path::PathBuf>)> = Vec::new();
    for dir in dirs {
        runs.push((dir.clone(), None));
        for import in import_examples(&dir) {
            runs.push((dir.clone(), Some(import)));
        }
    }
    for (dir, import) in runs {
        let tf = Terraform::new(&emu);
        copy_tf_files(&dir, tf.dir());
        if let Some(import) = &import {
            std::fs::copy(import, tf.dir().join("import.tf")).expect("copy import example");
        }
        let declares = std::fs::read_dir(tf.dir())
            .expect("dir")
            .filter_map(Result::ok)
            .any(|e| {
                std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("required_providers"))
            });
        if !declares {
            tf.config("");
        }
        let mut args = vec!["validate", "-no-color"];
        if support::terraform::at_least(1, 14) {
            args.push("-query");
        }
        let out = tf.run(&args);
        assert_eq!(out.code, 0, "{} {import:?}: {}", dir.display(), out.text());
    }
}
