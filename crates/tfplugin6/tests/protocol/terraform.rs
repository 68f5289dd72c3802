//! A real Terraform, when one is on PATH (or named by TERRAFORM), against the test provider.

use std::process::{Command, Stdio};

use tfplugin6::TestServer;

use crate::provider::*;

fn find_terraform() -> Option<String> {
    if let Ok(t) = std::env::var("TERRAFORM")
        && !t.is_empty()
    {
        return Some(t);
    }
    let ok = Command::new("terraform")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| "terraform".to_string())
}

#[test]
fn real_terraform_apply_noop_plan_and_destroy() {
    let Some(terraform) = find_terraform() else {
        eprintln!("skipped: no terraform on PATH and TERRAFORM unset");
        return;
    };
    let server = TestServer::start(TestProvider::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cli.tfrc"), "").unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
terraform {
  required_providers {
    example = { source = "protocol-test/example" }
  }
}
provider "example" {
  token = "ok"
}
resource "example_widget" "w" {
  name   = "first"
  secret = "s3cret"
  role_assignment = [
    { role_id = 1 },
    { role_id = 2, workspace_id = 7 },
  ]
}
resource "example_widget" "dependent" {
  name = "after-${example_widget.w.id}"
}
data "example_sleep" "s" {
  seconds = 0
}
output "id" {
  value = example_widget.w.id
}
output "slept" {
  value = data.example_sleep.s.result
}
"#,
    )
    .unwrap();
    let tf = |args: &[&str]| {
        let out = Command::new(&terraform)
            .args(args)
            .current_dir(dir.path())
            .env("TF_REATTACH_PROVIDERS", server.reattach_providers())
            .env("TF_CLI_CONFIG_FILE", dir.path().join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        let text = format!(
            "terraform {args:?}: {:?}\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    let (code, text) = tf(&["init", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = tf(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = tf(&["output", "-raw", "id"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("w-1") || text.contains("w-2"), "{text}");
    let (code, text) = tf(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "second plan must show no changes: {text}");
    let (code, text) = tf(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "{text}");
}
