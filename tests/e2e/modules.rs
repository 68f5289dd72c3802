//! `examples/modules/integration` through `terraform test` (Terraform 1.7+: `mock_provider`), against an emulator
//! started with the module's fixture, as `docs/guides/testing-modules-offline.md` tells module
//! authors to: the plan-only, apply, refused-input and mocked test files must all pass; and the
//! guide's HCL is the module's own.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use marketo_emulator::{Config, Fixture};

use crate::support::{self, terraform::Terraform};

fn module() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/modules/integration")
}

/// A working directory holding a copy of the module: its `.tf` files and `tests/`.
fn copy_module(tf: &Terraform) {
    let tests = tf.dir().join("tests");
    std::fs::create_dir_all(&tests).expect("tests dir");
    for (from, to) in [
        (module(), tf.dir().to_path_buf()),
        (module().join("tests"), tests),
    ] {
        for entry in std::fs::read_dir(&from).expect("module dir") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
            }
        }
    }
}

/// `terraform test` in `tf`'s directory, which must pass every run of every file.
fn terraform_test_passes(tf: &Terraform) {
    let out = tf.run(&["test", "-no-color"]);
    let text = out.text();
    assert_eq!(out.code, 0, "terraform test failed:\n{text}");
    for file in ["apply", "plan", "failing_inputs", "mocked"] {
        assert!(
            text.contains(&format!("tests/{file}.tftest.hcl... pass")),
            "{text}"
        );
    }
    assert!(text.contains("Success! 6 passed, 0 failed."), "{text}");
}

/// The in-process emulator with the fixture loaded through the library.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_module_tests_pass() {
    if support::terraform::skip_below(1, 7, "terraform test with mock_provider") {
        return;
    }
    let fixture = Fixture::from_file(&module().join("tests/fixture.json")).expect("fixture");
    let emu = support::start(Config {
        fixture: Some(fixture),
        ..Config::default().without_limits()
    })
    .await;
    let tf = Terraform::new(&emu);
    copy_module(&tf);
    terraform_test_passes(&tf);
    // terraform test destroyed what it made: only the fixture and the seed are left.
    let snap = emu.snapshot();
    assert!(snap.roles.iter().all(|r| r.name != "CRM Sync"), "{snap:?}");
    assert_eq!(snap.services.len(), 2, "{snap:?}");
}

/// The `marketo-emulator` binary Cargo built next to the provider, when there is one (`cargo
/// test --workspace`, as `make test` runs, builds it).
fn emulator_binary() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_BIN_EXE_terraform-provider-marketo")).parent()?;
    let bin = dir.join("marketo-emulator");
    bin.is_file().then_some(bin)
}

/// Kills the child when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The guide's commands: the binary with `--fixture tests/fixture.json`, `MARKETO_ENDPOINT`, then
/// `terraform test`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guide_s_commands_pass_with_the_binary() {
    if support::terraform::skip_below(1, 7, "terraform test with mock_provider") {
        return;
    }
    let Some(bin) = emulator_binary() else {
        eprintln!(
            "skipped: no marketo-emulator binary next to the provider (cargo build -p marketo-emulator)"
        );
        return;
    };
    // The harness wants an emulator for its environment; the binary's endpoint replaces it.
    let unused = support::emulator().await;
    let mut tf = Terraform::new(&unused);
    copy_module(&tf);
    let mut child = Command::new(&bin)
        .args([
            "--listen",
            "127.0.0.1:0",
            "--no-limits",
            "--fixture",
            "tests/fixture.json",
        ])
        .current_dir(tf.dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start marketo-emulator");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
    let url = line
        .trim()
        .strip_prefix("marketo-emulator listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    tf.set_env("MARKETO_ENDPOINT", &url);
    for key in ["MARKETO_CLIENT_ID", "MARKETO_CLIENT_SECRET"] {
        tf.unset_env(key);
    }
    terraform_test_passes(&tf);
    drop(running);
}

/// Every ```` ```terraform ```` block of the guide is part of the module's files.
#[test]
fn the_guide_shows_the_module_s_own_hcl() {
    let mut files = String::new();
    for dir in [module(), module().join("tests")] {
        for entry in std::fs::read_dir(&dir).expect("module dir") {
            let path = entry.expect("entry").path();
            if path.is_file() && !path.to_string_lossy().ends_with(".json") {
                files.push_str(&std::fs::read_to_string(&path).expect("read"));
            }
        }
    }
    let snippets = support::guide_snippets("testing-modules-offline");
    assert_eq!(snippets.len(), 3, "{snippets:?}");
    for snippet in snippets {
        assert!(
            files.contains(&snippet),
            "not in the module's files:\n{snippet}"
        );
    }
    let fixture = std::fs::read_to_string(module().join("tests/fixture.json")).expect("fixture");
    let guide = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/guides/testing-modules-offline.md"),
    )
    .expect("guide");
    for command in [
        "--listen 127.0.0.1:18443 --no-limits --fixture tests/fixture.json",
        "terraform test",
    ] {
        assert!(guide.contains(command), "{command}");
    }
    assert!(fixture.contains("\"client_id\": \"module-tests\""));
}

/// The module itself needs Terraform 1.0 only: it validates on every core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_module_validates() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    copy_module(&tf);
    let out = tf.run(&["validate", "-no-color"]);
    assert_eq!(out.code, 0, "{}", out.text());
}
