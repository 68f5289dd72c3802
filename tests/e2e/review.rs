//! `terraform-provider-marketo review` on real plans of the core under test: a role gains a
//! permission (two managed holders and one Terraform does not manage), a third user moves to a
//! role created in the same plan in a named workspace, a service is created and another
//! destroyed. Markdown, JSON, exit codes, secrets, and `--resolve` against the emulator and the
//! published-only stand-in.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use marketo_emulator::EmulatorHandle;
use serde_json::Value;

use crate::support::{self, terraform::Terraform};

const BEFORE: &str = r#"
data "marketo_workspace" "default" {
  name = "Default"
}

resource "marketo_api_only_role" "lead_sync" {
  name        = "Lead Sync"
  permissions = ["Read-Only Lead"]
}

resource "marketo_api_only_role" "reporting" {
  name        = "Reporting"
  permissions = ["Read-Only Activity"]
}

resource "marketo_api_only_user" "alice" {
  email      = "alice@example.com"
  first_name = "Alice"
  last_name  = "Sync"
  role_assignment {
    role_id      = marketo_api_only_role.lead_sync.id
    workspace_id = data.marketo_workspace.default.id
  }
}

resource "marketo_api_only_user" "bob" {
  email      = "bob@example.com"
  first_name = "Bob"
  last_name  = "Sync"
  role_assignment {
    role_id      = marketo_api_only_role.lead_sync.id
    workspace_id = 0
  }
}

resource "marketo_api_only_user" "carol" {
  email      = "carol@example.com"
  first_name = "Carol"
  last_name  = "Reports"
  role_assignment {
    role_id      = marketo_api_only_role.reporting.id
    workspace_id = 0
  }
}

resource "marketo_custom_service" "old" {
  display_name  = "Old Sync"
  api_only_user = marketo_api_only_user.bob.userid
}
"#;

/// The change under review.
fn after() -> String {
    let mut t = BEFORE.replace(
        "permissions = [\"Read-Only Lead\"]",
        "permissions = [\"Read-Only Lead\", \"Read-Write Lead\"]",
    );
    t = t.replace(
        "    role_id      = marketo_api_only_role.reporting.id\n    workspace_id = 0",
        "    role_id      = marketo_api_only_role.campaigns.id\n    workspace_id = data.marketo_workspace.default.id",
    );
    let cut = t
        .find("resource \"marketo_custom_service\" \"old\"")
        .unwrap();
    t.truncate(cut);
    t + r#"resource "marketo_api_only_role" "campaigns" {
  name        = "Campaigns"
  permissions = ["Read-Write Assets"]
}

resource "marketo_custom_service" "new" {
  display_name  = "New Sync"
  api_only_user = marketo_api_only_user.carol.userid
}
"#
}

/// What one run of the review printed.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `terraform-provider-marketo review ARGS` with `env` (and no other `MARKETO_*`).
fn review(args: &[&str], env: &[(&str, String)], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_terraform-provider-marketo"));
    cmd.arg("review").args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("MARKETO_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run the provider binary");
    if let Some(bytes) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn credentials(endpoint: String, emu: &EmulatorHandle, tmp: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("MARKETO_ENDPOINT", endpoint),
        ("MARKETO_CLIENT_ID", emu.client_id().to_string()),
        ("MARKETO_CLIENT_SECRET", emu.client_secret().to_string()),
        ("TMPDIR", tmp.display().to_string()),
    ]
}

/// Applies BEFORE, adds a holder of "Lead Sync" by hand, makes calls as bob (the owner of the
/// service about to be destroyed), and saves the plan of the change as JSON.
async fn planned(emu: &EmulatorHandle) -> (Terraform, PathBuf, String) {
    let tf = Terraform::new(emu);
    tf.config(BEFORE);
    tf.apply();
    let lead_sync: i64 = tf.attrs("marketo_api_only_role.lead_sync")["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let client = support::client(emu);
    client
        .invite_user(&support::api_user(
            "dave@example.com",
            "Dave",
            "Hand",
            &[(lead_sync, 1), (2, 1)],
        ))
        .await
        .expect("a holder Terraform does not manage");
    // bob's integration is in use: one call with the service's own credentials.
    let old = tf.attrs("marketo_custom_service.old");
    let mut config = client.config().clone();
    config.client_id = old["client_id"].as_str().unwrap().to_string();
    config.client_secret = marketo_client::Secret::new(old["client_secret"].as_str().unwrap());
    let as_bob = marketo_client::Client::new(config).unwrap();
    as_bob.usage_today().await.expect("a call as bob");
    let secret = old["client_secret"].as_str().unwrap().to_string();

    tf.config(&after());
    tf.ok(&["plan", "-input=false", "-no-color", "-out", "tfplan"]);
    let json = tf.ok(&["show", "-json", "tfplan"]).stdout;
    assert!(
        json.contains(&secret),
        "the plan holds the secret in clear text"
    );
    let path = tf.dir().join("plan.json");
    std::fs::write(&path, &json).unwrap();
    (tf, path, secret)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_plan_reviewed_by_name_with_exit_codes_and_resolve() {
    let emu = support::emulator().await;
    let (tf, plan, secret) = planned(&emu).await;
    let plan_arg = plan.to_str().unwrap();
    let tmp = tf.dir().join("tmp");

    // Markdown from the plan alone: every user, role, workspace and permission, by name.
    let md = review(&[plan_arg], &[], None);
    assert_eq!(md.code, 0, "{}", md.stderr);
    let text = md.stdout;
    assert!(text.starts_with("## Marketo access review\n\n**3 API-only users affected: 3 permissions granted, 1 revoked; 2 roles and 2 custom services change.**"), "{text}");
    for want in [
        "### 👤 alice@example.com",
        "### 👤 bob@example.com",
        "### 👤 carol@example.com (updated in place)",
        "| ➕ **granted** | **Campaigns** (new: id known after apply) | **Default** (1) |",
        "| ➖ **revoked** | **Reporting** (",
        ") | **AllZones** (0) |",
        "- ➕ **Permissions granted:** Read-Write Assets",
        "- ➖ **Permissions revoked:** Read-Only Activity",
        "- ➕ **Permissions granted:** Read-Write Lead",
        "#### Lead Sync (",
        "- ➕ **Permissions added:** Read-Write Lead",
        "- Held before by: alice@example.com, bob@example.com",
        "#### New Sync: created",
        "- owner: carol@example.com",
        "#### Old Sync: destroyed",
        "- owner: bob@example.com",
        "From the plan alone (no call to Marketo)",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    assert!(!text.contains(&secret) && !text.contains("dave@"), "{text}");

    // JSON: the documented schema, from standard input.
    let bytes = std::fs::read(&plan).unwrap();
    let js = review(&["--format", "json", "-"], &[], Some(&bytes));
    assert_eq!(js.code, 0, "{}", js.stderr);
    assert!(!js.stdout.contains(&secret));
    let v: Value = serde_json::from_str(&js.stdout).unwrap();
    assert_eq!(v["format_version"], "1");
    assert!(v["plan"]["format_version"].is_string());
    for key in ["users", "roles", "services", "permissions_granted", "text"] {
        assert!(!v["summary"][key].is_null(), "summary.{key}");
    }
    let carol = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "carol@example.com")
        .unwrap();
    assert_eq!(carol["address"], "marketo_api_only_user.carol");
    assert_eq!(carol["action"], "update");
    assert_eq!(
        carol["permissions"]["gained"],
        serde_json::json!(["Read-Write Assets"])
    );
    assert_eq!(
        carol["permissions"]["lost"],
        serde_json::json!(["Read-Only Activity"])
    );
    assert_eq!(carol["pairs"]["gained"][0]["role"]["id"], Value::Null);
    assert_eq!(carol["pairs"]["gained"][0]["role"]["name"], "Campaigns");
    assert_eq!(
        carol["pairs"]["gained"][0]["workspace"],
        serde_json::json!({"id": 1, "name": "Default"})
    );
    let services: Vec<(&str, &str)> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["display_name"].as_str().unwrap(),
                s["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(services, [("New Sync", "create"), ("Old Sync", "delete")]);
    assert_eq!(v["policy"]["met"], serde_json::json!(["grant", "revoke"]));
    assert_eq!(v["resolve"], Value::Null);

    // Exit codes.
    assert_eq!(review(&["--fail-on", "grant", plan_arg], &[], None).code, 3);
    assert_eq!(
        review(&["--fail-on", "revoke", plan_arg], &[], None).code,
        3
    );
    let lock = review(
        &[
            "--fail-on",
            "lockout",
            "--as",
            "ALICE@example.com",
            plan_arg,
        ],
        &[],
        None,
    );
    assert_eq!(lock.code, 3, "{}", lock.stdout);
    assert!(lock.stdout.contains("**Lockout:**"), "{}", lock.stdout);
    for (args, needle) in [
        (
            vec!["--fail-on", "lockout", plan_arg],
            "needs --resolve or --as",
        ),
        (vec!["--fail-on", "in-use", plan_arg], "needs --resolve"),
        (vec!["--format", "xml", plan_arg], "unknown format"),
    ] {
        let r = review(&args, &[], None);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(
            r.stderr.contains(needle) && r.stderr.lines().count() == 1,
            "{}",
            r.stderr
        );
    }
    let state = tf.dir().join("terraform.tfstate");
    let notplan = review(&[state.to_str().unwrap()], &[], None);
    assert_eq!(notplan.code, 2);
    assert!(notplan.stderr.contains("not a Terraform plan") && !notplan.stderr.contains(&secret));
    let mut other: Value = serde_json::from_slice(&bytes).unwrap();
    other["format_version"] = "2.0".into();
    let r = review(&["-"], &[], Some(other.to_string().as_bytes()));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("format_version \"2.0\""), "{}", r.stderr);

    // --resolve against the emulator: the holder Terraform does not manage, names of literal
    // ids, usage, the provider's own user; in-use met by bob's calls.
    let env = credentials(emu.base_url(), &emu, &tmp);
    let r = review(
        &["--resolve", "--fail-on", "in-use,lockout", plan_arg],
        &env,
        None,
    );
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let text = r.stdout;
    for want in [
        "### 👤 dave@example.com (not managed by Terraform)",
        "- Held before by: alice@example.com, bob@example.com, dave@example.com",
        "#### Old Sync: destroyed",
        "- 📈 owner: 1 API calls in the last 7 days",
        "✅ The provider's user emulator-api@emulator.invalid keeps its access.",
        "this plan meets `in-use`",
        "read-only calls to Marketo as emulator-api@emulator.invalid",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    let dave = text.split("### 👤 dave@example.com").nth(1).unwrap();
    let dave = dave.split("###").next().unwrap();
    assert!(
        dave.contains("- ➕ **Permissions granted:** Read-Write Lead"),
        "{dave}"
    );

    // --resolve on an instance with only the published endpoints: names and holders, but the
    // permissions of roles Terraform does not manage stay unknown ("possibly").
    let proxy = support::published_only::start(emu.base_url()).await;
    let env = credentials(proxy.base_url(), &emu, &tmp);
    let r = review(&["--resolve", "--format", "json", plan_arg], &env, None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["resolve"]["calls"].as_u64().unwrap() > 0);
    let dave = v["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "dave@example.com")
        .expect("dave listed");
    assert_eq!(dave["action"], "unmanaged");
    assert_eq!(
        dave["permissions"]["possibly_gained"],
        serde_json::json!(["Read-Write Lead"])
    );
    assert!(
        dave["permissions"]["unknown"][0]
            .as_str()
            .unwrap()
            .contains("\"Standard User\" (2)"),
        "{dave}"
    );
    assert!(proxy.refused_calls() > 0);
    assert_eq!(v["policy"]["lockout"]["verdict"], "unknown");
}

/// The blocks of a kind (```` ```shell ````, ```` ```markdown ````) of the guide.
fn guide_blocks(kind: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/access-review-in-ci.md");
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line.trim_end() == format!("```{kind}") => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_end() == "```" => out.extend(current.take()),
            Some(s) => {
                s.push_str(line);
                s.push('\n');
            }
        }
    }
    out
}

/// The guide's commands (GitHub Actions and Atlantis) on its example change, through a shell,
/// produce the Markdown the guide shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guide_commands_produce_the_guide_markdown() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    let hcl = support::guide_snippets("access-review-in-ci");
    assert_eq!(hcl.len(), 2);
    tf.config(&hcl[0]);
    tf.apply();
    tf.config(&hcl[1]);
    let shown = guide_blocks("markdown");
    assert_eq!(shown.len(), 1);
    // A PATH with `terraform` (the core under test) and `terraform-provider-marketo`.
    let bin = tf.dir().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::os::unix::fs::symlink(support::terraform::binary(), bin.join("terraform")).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_terraform-provider-marketo"),
        bin.join("terraform-provider-marketo"),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let summary = tf.dir().join("summary.md");
    let scripts = guide_blocks("shell");
    assert_eq!(scripts.len(), 2);
    for (i, script) in scripts.iter().enumerate() {
        std::fs::write(&summary, "").unwrap();
        let out = Command::new("sh")
            .args(["-e", "-c", script])
            .current_dir(tf.dir())
            .env("PATH", &path)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("TF_CLI_CONFIG_FILE", tf.dir().join("terraformrc"))
            .env("TMPDIR", tf.dir().join("tmp"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("MARKETO_ENDPOINT", emu.base_url())
            .env("MARKETO_CLIENT_ID", emu.client_id())
            .env("MARKETO_CLIENT_SECRET", emu.client_secret())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "guide script {i} failed:\n{script}\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let produced = if i == 0 {
            std::fs::read_to_string(&summary).unwrap()
        } else {
            stdout.into_owned()
        };
        // The job summary holds the review alone; the Atlantis comment follows the plan's output.
        assert!(
            produced.starts_with(&shown[0]) || (i == 1 && produced.contains(&shown[0])),
            "the guide's Markdown:\n{}\nwhat the commands print:\n{produced}",
            shown[0]
        );
    }
}
