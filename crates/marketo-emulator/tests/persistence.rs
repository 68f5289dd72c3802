//! The state file, restarts, kill -9, and the binary's command line.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use marketo_emulator::{Config, Emulator, Error};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::common::{UM, new_http, start};

const BIN: &str = env!("CARGO_BIN_EXE_marketo-emulator");

fn with_state(path: &Path) -> Config {
    Config {
        state_file: Some(path.to_path_buf()),
        ..Config::default().without_limits()
    }
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("state.json");
    let e = start(with_state(&path)).await;
    let (userid, role_id, id, secret) = e
        .api_user_with("kept", &["Access User Management Api", "Access Users"])
        .await;
    e.invite(
        "pending@example.com",
        false,
        json!([{"accessRoleId": 2, "workspaceId": 1}]),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/{userid}/update.json"),
        json!({"expiresAt": "2031-01-01T00:00:00Z"}),
    )
    .await
    .ok();
    let before = e.handle.snapshot();
    e.handle.shutdown().await;

    let e = start(with_state(&path)).await;
    let mut after = e.handle.snapshot();
    // Starting the harness logs the admin service in again, which moves its owner's lastLoginAt.
    assert!(after.users[0].last_login_at >= before.users[0].last_login_at);
    after.users[0].last_login_at = before.users[0].last_login_at.clone();
    assert_eq!(after, before);
    // The service's credentials still work; ids continue.
    let tok = e.token_for(&id, &secret).await;
    e.get_as(&tok, &format!("{UM}/users/{userid}/user.json"))
        .await
        .ok();
    let r = e
        .post(
            &format!("{UM}/roles/create.json"),
            json!({"name": "Next", "permissions": []}),
        )
        .await;
    assert_eq!(r.ok()["id"].as_i64(), Some(role_id + 1));
    e.handle.shutdown().await;

    // New admin credentials replace the seeded service's.
    let e = start(Config {
        client_id: "other-id".into(),
        client_secret: "other-secret".into(),
        ..with_state(&path)
    })
    .await;
    let old = e
        .identity("grant_type=client_credentials&client_id=emulator-admin-client&client_secret=emulator-admin-secret")
        .await;
    assert_eq!(old.status, 401);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("state.json");
    for garbage in [
        &b"{\"version\": 1, \"users\": "[..],
        b"",
        b"[]",
        b"{\"version\": 99}",
    ] {
        std::fs::write(&path, garbage).unwrap_or_else(|e| panic!("{e}"));
        let r = Emulator::start(with_state(&path)).await;
        assert!(matches!(r, Err(Error::CorruptState { .. })), "{garbage:?}");
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(garbage));
    }
    let out = std::process::Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("corrupt") && err.contains("state.json"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&path).ok().as_deref(),
        Some(&b"{\"version\": 99}"[..])
    );
}

/// Starts the binary; answers the child and its base URL from the one line it prints.
async fn spawn(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut line = String::new();
    let mut reader = BufReader::new(stdout);
    let read = reader.read_line(&mut line);
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("no listening line"))
        .unwrap_or_else(|e| panic!("{e}"));
    let url = line
        .strip_prefix("marketo-emulator listening on ")
        .and_then(|l| l.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    let port = url
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse::<u16>().ok());
    assert!(port.is_some_and(|p| p > 0), "{url}");
    (child, url)
}

async fn token(http: &reqwest::Client, url: &str) -> String {
    let r: Value = http
        .get(format!(
            "{url}/identity/oauth/token?grant_type=client_credentials&client_id=emulator-admin-client&client_secret=emulator-admin-secret"
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    r["access_token"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("state.json");
    let state = path.to_string_lossy().into_owned();
    let (mut child, url) =
        spawn(&["--listen", "127.0.0.1:0", "--state", &state, "--no-limits"]).await;
    let http = new_http();
    let tok = token(&http, &url).await;
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut writers = Vec::new();
    for w in 0..4 {
        let (http, url, tok, acked) = (http.clone(), url.clone(), tok.clone(), Arc::clone(&acked));
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let name = format!("W{w}-{i}");
                let r = http
                    .post(format!("{url}{UM}/roles/create.json"))
                    .bearer_auth(&tok)
                    .json(&json!({"name": name, "permissions": ["Read-Only Lead"]}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == 200 => {
                        if let Ok(mut a) = acked.lock() {
                            a.push(name);
                        }
                    }
                    Ok(r) => panic!("unexpected status {}", r.status()),
                    Err(_) => break,
                }
            }
        }));
    }
    let started = Instant::now();
    while acked.lock().map(|a| a.len()).unwrap_or(0) < 40
        && started.elapsed() < Duration::from_secs(10)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait().await;
    for w in writers {
        let _ = w.await;
    }
    let acked = acked.lock().map(|a| a.clone()).unwrap_or_default();
    assert!(
        acked.len() >= 40,
        "only {} writes acknowledged",
        acked.len()
    );

    let (mut child, url) =
        spawn(&["--listen", "127.0.0.1:0", "--state", &state, "--no-limits"]).await;
    let snap: Value = http
        .get(format!("{url}/_emulator/state.json"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = snap["roles"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str())
        .collect();
    let lost: Vec<&String> = acked
        .iter()
        .filter(|n| !names.contains(&n.as_str()))
        .collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    child.start_kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = child.wait().await;
}

#[tokio::test]
async fn sigterm_stops_the_binary_cleanly() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let log = dir.path().join("log.jsonl");
    let log_arg = log.to_string_lossy().into_owned();
    let (mut child, url) = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--client-id",
        "cli-id",
        "--client-secret",
        "cli-secret",
        "--rate-limit",
        "50/10",
        "--concurrency",
        "3",
        "--daily-quota",
        "1000",
        "--token-ttl",
        "60",
        "--fault-rate",
        "0",
        "--fault-seed",
        "9",
        "--ims",
        "--log",
        &log_arg,
    ])
    .await;
    let http = new_http();
    let r: Value = http
        .get(format!("{url}/identity/oauth/token?grant_type=client_credentials&client_id=cli-id&client_secret=cli-secret"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r["expires_in"], 60);
    let pid = child.id().unwrap_or_default().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    assert!(killed.is_ok_and(|s| s.success()));
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap_or_else(|_| panic!("did not stop on SIGTERM"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success(), "{status}");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(text.contains("client_secret=REDACTED") && !text.contains("cli-secret"));
}

#[test]
fn bad_command_lines_are_refused() {
    for args in [
        vec!["--listen", "127.0.0.1:0", "--fault-rate", "0.5"],
        vec!["--listen", "127.0.0.1:0", "--rate-limit", "0/20"],
        vec![
            "--listen",
            "127.0.0.1:0",
            "--no-limits",
            "--concurrency",
            "3",
        ],
        vec![
            "--listen",
            "127.0.0.1:0",
            "--fault-rate",
            "2",
            "--fault-seed",
            "1",
        ],
        vec!["--listen", "127.0.0.1:0", "--token-ttl", "0"],
        vec!["--listen", "nowhere"],
        vec![],
    ] {
        let out = std::process::Command::new(BIN)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(out.stdout.is_empty(), "{args:?} printed to stdout");
    }
}
