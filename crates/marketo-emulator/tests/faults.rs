//! Seeded fault injection: the same seed gives the same faults, and every kind of fault occurs.

use marketo_emulator::{Config, Faults};
use serde_json::json;

use crate::common::{Emu, UM, emu, start};

/// What a call came back as: the HTTP status and Marketo code, `"html"` for a gateway page, or
/// `"dropped"` when the connection closed without an answer.
async fn outcome(
    e: &Emu,
    http: &reqwest::Client,
    method: &str,
    path: &str,
    body: Option<serde_json::Value>,
) -> String {
    let mut req = http
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
            e.url(path),
        )
        .header("Authorization", format!("Bearer {}", e.token));
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    match req.send().await {
        Err(_) => "dropped".to_string(),
        Ok(resp) => {
            let status = resp.status().as_u16();
            let html = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/html"));
            let text = resp.text().await.unwrap_or_default();
            if html {
                assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
                return format!("{status} html");
            }
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            format!("{status} {}", v["errors"][0]["code"])
        }
    }
}

/// A client that opens a new connection for every call, so no call is ever retried on another one.
fn fresh_connections() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn sequence(seed: u64) -> Vec<String> {
    let e = start(Config {
        faults: Some(Faults { rate: 0.5, seed }),
        ..Config::default().without_limits()
    })
    .await;
    let http = fresh_connections();
    let mut out = Vec::new();
    for i in 0..40 {
        let o = if i % 2 == 0 {
            outcome(&e, &http, "GET", &format!("{UM}/users/roles.json"), None).await
        } else {
            let body = json!({"name": format!("R{i}"), "permissions": []});
            outcome(
                &e,
                &http,
                "POST",
                &format!("{UM}/roles/create.json"),
                Some(body),
            )
            .await
        };
        out.push(o);
    }
    e.handle.shutdown().await;
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let a = sequence(7).await;
    let b = sequence(7).await;
    let c = sequence(8).await;
    assert_eq!(a, b);
    assert_ne!(a, c);
    let faults = a.iter().filter(|o| !o.starts_with("200")).count();
    assert!((8..=32).contains(&faults), "{faults} faults in {a:?}");
}

#[tokio::test]
async fn every_kind_of_fault_occurs() {
    let e = emu().await;
    let http = fresh_connections();
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..200u64 {
        e.handle.set_faults(Some(Faults { rate: 1.0, seed }));
        let email = format!("f{seed}@example.com");
        let body = json!({"emailAddress": email, "firstName": "F", "lastName": "L", "apiOnly": true,
            "userRoleWorkspaces": [{"accessRoleId": 2, "workspaceId": 1}]});
        let o = outcome(
            &e,
            &http,
            "POST",
            &format!("{UM}/users/invite.json"),
            Some(body),
        )
        .await;
        e.handle.set_faults(None);
        let applied = e
            .handle
            .snapshot()
            .users
            .iter()
            .any(|u| u.email_address == email);
        let kind = match o.as_str() {
            "dropped" if applied => "write applied, reply dropped".to_string(),
            "dropped" => "dropped".to_string(),
            other => {
                assert!(!applied, "{other} but the write was applied");
                other.to_string()
            }
        };
        seen.insert(kind);
        if seen.len() == 7 {
            break;
        }
    }
    let want: std::collections::BTreeSet<String> = [
        "504 604",
        "503 608",
        "429 606",
        "429 615",
        "502 html",
        "dropped",
        "write applied, reply dropped",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(seen, want);
    // Identity and the test controls are never faulted.
    e.handle.set_faults(Some(Faults { rate: 1.0, seed: 1 }));
    e.token_for(e.handle.client_id(), e.handle.client_secret())
        .await;
    e.send("GET", "/_emulator/state.json", None, None, None)
        .await
        .ok();
    // Faults can be switched off over HTTP.
    e.send("POST", "/_emulator/faults.json", None, None, None)
        .await
        .ok();
    e.get(&format!("{UM}/users/roles.json")).await.ok();
    e.send(
        "POST",
        "/_emulator/faults.json",
        None,
        None,
        Some(br#"{"rate": 1.0, "seed": 1}"#.to_vec()),
    )
    .await
    .ok();
    let faulted = outcome(&e, &http, "GET", &format!("{UM}/users/roles.json"), None).await;
    assert!(!faulted.starts_with("200 "), "{faulted}");
    e.handle.shutdown().await;
}
