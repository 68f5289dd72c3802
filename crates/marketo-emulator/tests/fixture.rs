//! Fixtures (`--fixture FILE`, `Config::fixture`): an instance that starts holding named workspaces,
//! roles, users and services; a bad fixture refused whole, naming its entry; the command line's
//! `--check`, `--version` and `--help` (every flag of the README's table, and no other).

use std::path::{Path, PathBuf};
use std::process::Command;

use marketo_emulator::{Config, Emulator, Error, Fixture};
use serde_json::Value;

use crate::common::{UM, start};

const BIN: &str = env!("CARGO_BIN_EXE_marketo-emulator");

/// The example module's fixture: workspaces EMEA and NA, roles Marketing Ops and Module Tests, a
/// UI user and an API-only one, and a service with the fixed credentials module-tests /
/// module-tests-secret.
fn module_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/modules/integration/tests/fixture.json")
}

fn fixture(text: &str) -> Fixture {
    Fixture::from_json("test.json", text).unwrap_or_else(|e| panic!("{e}"))
}

const BAD: &str = r#"{"format_version": 1,
  "workspaces": [{"name": "EMEA"}],
  "roles": [{"name": "Ops", "permissions": ["Read-Write Lead"]},
            {"name": "Marketing Ops", "permissions": ["Read-Write Leads"]}]}"#;

#[tokio::test]
async fn a_fixture_seeds_the_instance_by_name() {
    let config = Config {
        fixture: Some(Fixture::from_file(&module_fixture()).unwrap()),
        ..Config::default().without_limits()
    };
    let mut e = start(config).await;
    // The fixture's service logs in with its fixed credentials and may manage users.
    e.token = e.token_for("module-tests", "module-tests-secret").await;
    let roles = e.get(&format!("{UM}/users/roles.json")).await;
    let ops = roles
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Marketing Ops")
        .cloned()
        .unwrap_or_else(|| panic!("no Marketing Ops in {}", roles.text));
    assert_eq!(ops["type"], "custom");
    let workspaces = e.get(&format!("{UM}/users/workspaces.json")).await;
    let names: Vec<&str> = workspaces
        .ok()
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["name"].as_str())
        .collect();
    assert_eq!(names, ["AllZones", "Default", "EMEA", "NA"]);
    let jane = e
        .get(&format!("{UM}/users/jane.doe@example.com/user.json"))
        .await;
    assert_eq!(jane.ok()["apiOnly"], Value::Bool(false));
    let snap = e.handle.snapshot();
    let svc = snap
        .services
        .iter()
        .find(|s| s.display_name == "Module tests")
        .unwrap();
    assert_eq!(
        (svc.client_id.as_str(), svc.api_only_user.as_str()),
        ("module-tests", "module-tests@example.com")
    );
}

#[tokio::test]
async fn a_refused_fixture_starts_nothing_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let started = Emulator::start(Config {
        state_file: Some(state.clone()),
        fixture: Some(fixture(BAD)),
        ..Config::default()
    })
    .await;
    let Err(Error::Fixture(e)) = started else {
        panic!("a bad fixture started an instance");
    };
    assert_eq!(
        e.to_string(),
        "fixture test.json: roles[1] (\"Marketing Ops\"): permissions[0] \"Read-Write Leads\" is not a \
         permission Marketo grants; GET /userservice/management/v1/roles/permissions.json lists them"
    );
    assert!(!state.exists(), "a refused fixture wrote a state file");
}

/// With `--state`, the fixture seeds a new file only; an existing file is loaded as it is, and the
/// fixture is still checked.
#[tokio::test]
async fn a_state_file_is_seeded_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let with = |text: &str| Config {
        state_file: Some(state.clone()),
        fixture: Some(fixture(text)),
        ..Config::default().without_limits()
    };
    let e = start(with(
        r#"{"format_version": 1, "workspaces": [{"name": "EMEA"}]}"#,
    ))
    .await;
    e.handle.shutdown().await;
    let e = start(with(
        r#"{"format_version": 1, "workspaces": [{"name": "APAC"}]}"#,
    ))
    .await;
    let names: Vec<String> = e
        .handle
        .snapshot()
        .workspaces
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["AllZones", "Default", "EMEA"]);
    e.handle.shutdown().await;
    assert!(matches!(
        Emulator::start(with(BAD)).await,
        Err(Error::Fixture(_))
    ));
}

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("MARKETO_EMULATOR_CLIENT_SECRET")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_binary_refuses_a_bad_fixture_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, BAD).unwrap();
    let state = dir.path().join("state.json");
    let bad = bad.display().to_string();
    let (code, stdout, stderr) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--fixture",
        &bad,
        "--state",
        &state.display().to_string(),
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "fixture {bad}: roles[1] (\"Marketing Ops\"): permissions[0]"
        )),
        "{stderr}"
    );
    assert!(!state.exists());
    let (code, _, stderr) = run(&["--check", "--fixture", &bad]);
    assert_eq!(code, Some(1), "{stderr}");
    let (code, stdout, stderr) = run(&[
        "--check",
        "--fixture",
        &module_fixture().display().to_string(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("is good"), "{stdout}");
    let (code, _, stderr) = run(&["--listen", "127.0.0.1:0", "--fixture", "/nonexistent.json"]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("cannot read fixture /nonexistent.json"),
        "{stderr}"
    );
    // --check needs a fixture; without --check, --listen is required.
    assert_eq!(run(&["--check"]).0, Some(2));
    assert_eq!(run(&["--fixture", &bad]).0, Some(2));
}

#[test]
fn version_and_help_list_every_flag_of_the_readme() {
    let (code, stdout, _) = run(&["--version"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout.trim(),
        format!("marketo-emulator {}", env!("CARGO_PKG_VERSION"))
    );
    let (code, help, _) = run(&["--help"]);
    assert_eq!(code, Some(0));
    let flags = |text: &str, cell: &dyn Fn(&str) -> Option<String>| {
        let mut found: Vec<String> = text
            .lines()
            .filter_map(cell)
            .flat_map(|l| {
                l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                    .filter(|w| w.starts_with("--") && w.len() > 2)
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        found.sort();
        found.dedup();
        found
    };
    let in_help = flags(&help, &|l: &str| {
        l.trim_start().starts_with('-').then(|| l.to_string())
    });
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    // The flag table's first column: rows that start with a flag.
    let in_readme = flags(&readme, &|l: &str| {
        l.starts_with("| `-")
            .then(|| l.split('|').nth(1).unwrap_or("").to_string())
    });
    assert_eq!(
        in_help, in_readme,
        "--help and the README's flag table differ"
    );
    assert!(in_help.contains(&"--fixture".to_string()), "{in_help:?}");
}
