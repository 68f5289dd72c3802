//! Malformed requests get Marketo-style errors; the request log.

use std::time::Duration;

use marketo_emulator::Config;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{UM, emu, start};

/// Sends raw bytes and reads the answer until the server closes or goes quiet.
pub async fn raw(addr: std::net::SocketAddr, request: Vec<u8>) -> String {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return String::new();
    };
    let (mut rd, mut wr) = s.split();
    let write = async {
        let _ = wr.write_all(&request).await;
    };
    let read = async {
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), rd.read_to_end(&mut buf)).await;
        buf
    };
    let ((), buf) = tokio::join!(write, read);
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test]
async fn bad_bodies() {
    let e = emu().await;
    let invite = format!("{UM}/users/invite.json");
    let send = |ct: Option<&'static str>, body: &'static [u8]| {
        let invite = invite.clone();
        let e = &e;
        async move {
            e.send("POST", &invite, Some(&e.token), ct, Some(body.to_vec()))
                .await
        }
    };
    send(Some("application/json"), b"{\"emailAddress\": ")
        .await
        .err(400, 609);
    send(Some("application/json"), b"").await.err(400, 609);
    send(Some("application/json"), b"\xff\xfe")
        .await
        .err(400, 609);
    send(Some("application/json; charset=utf-8"), b"[1,2]")
        .await
        .err(400, 1003);
    send(Some("application/json"), b"\"text\"")
        .await
        .err(400, 1003);
    send(Some("application/json"), b"{\"firstName\": [1]}")
        .await
        .err(400, 1003);
    send(Some("text/plain"), b"{}").await.err(400, 612);
    send(None, b"{}").await.err(400, 612);
    send(Some("application/x-www-form-urlencoded"), b"a=b")
        .await
        .err(400, 612);
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let r = e
        .send(
            "POST",
            &invite,
            Some(&e.token),
            Some("application/json"),
            Some(deep.into_bytes()),
        )
        .await;
    r.err(400, 609);
    let big = format!("{{\"firstName\": \"{}\"}}", "x".repeat(1024 * 1024 + 1));
    let r = e
        .send(
            "POST",
            &invite,
            Some(&e.token),
            Some("application/json"),
            Some(big.into_bytes()),
        )
        .await;
    r.err(413, 413);
    // The same without a Content-Length: chunked.
    let head = format!(
        "POST {invite} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        e.token
    );
    let mut req = head.into_bytes();
    let chunk = vec![b' '; 1024 * 1024 + 10];
    req.extend(format!("{:x}\r\n", chunk.len()).into_bytes());
    req.extend(chunk);
    req.extend(b"\r\n0\r\n\r\n");
    let answer = raw(e.handle.local_addr(), req).await;
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        answer.lines().next().unwrap_or("")
    );
    assert!(answer.contains("\"code\":413"));
    e.handle.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let e = emu().await;
    for p in [
        "/".to_string(),
        "/rest/v1/leads.json".to_string(),
        format!("{UM}/users/allusers"),
        format!("{UM}/users/allusers.json/"),
        format!("{UM}//users/allusers.json"),
        format!("{UM}/users/a/b/c/d/e.json"),
        format!("{UM}/users/%zz/user.json"),
        "/_emulator/nothing.json".to_string(),
    ] {
        e.get(&p).await.err(404, 610);
    }
    e.get(&format!("{UM}/users/invite.json"))
        .await
        .err(405, 605);
    e.post(&format!("{UM}/users/roles.json"), json!({}))
        .await
        .err(405, 605);
    e.send(
        "DELETE",
        &format!("{UM}/users/a@b.com/user.json"),
        Some(&e.token),
        None,
        None,
    )
    .await
    .err(405, 605);
    e.send(
        "PUT",
        &format!("{UM}/roles/create.json"),
        Some(&e.token),
        None,
        None,
    )
    .await
    .err(405, 605);
    e.send("GET", "/_emulator/faults.json", None, None, None)
        .await
        .err(405, 605);
    // A bad control body.
    e.send(
        "POST",
        "/_emulator/faults.json",
        None,
        None,
        Some(b"{\"rate\": 7, \"seed\": 1}".to_vec()),
    )
    .await
    .err(400, 1003);
    e.send(
        "POST",
        "/_emulator/limits.json",
        None,
        None,
        Some(b"{\"rateLimit\": \"0/0\"}".to_vec()),
    )
    .await
    .err(400, 1003);
    e.send(
        "POST",
        "/_emulator/limits.json",
        None,
        None,
        Some(b"{oops".to_vec()),
    )
    .await
    .err(400, 609);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn the_request_log_redacts_secrets() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let log = dir.path().join("requests.jsonl");
    let e = start(Config {
        log_file: Some(log.clone()),
        client_secret: "very-secret-value".to_string(),
        ..Config::default().without_limits()
    })
    .await;
    e.get(&format!("{UM}/users/roles.json")).await.ok();
    e.get(&format!("{UM}/users/nobody@example.com/user.json"))
        .await
        .err(404, 1013);
    e.send(
        "GET",
        &format!("{UM}/users/roles.json?access_token={}", e.token),
        None,
        None,
        None,
    )
    .await
    .err(401, 601);
    e.post(
        &format!("{UM}/roles/create.json"),
        json!({"name": "Logged", "permissions": []}),
    )
    .await
    .ok();
    let svc = e.get(&format!("{UM}/services/1/service.json")).await;
    assert_eq!(svc.ok()["clientSecret"], "very-secret-value");
    let token = e.token.clone();
    e.handle.shutdown().await;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !text.contains("very-secret-value"),
        "the secret reached the log"
    );
    assert!(!text.contains(&token), "a token reached the log");
    let lines: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), text.lines().count(), "every line is JSON");
    assert_eq!(lines.len(), 6);
    for l in &lines {
        let keys: Vec<&String> = l
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            ["code", "latency_ms", "method", "path", "status", "ts"]
        );
        assert!(l["latency_ms"].is_number());
    }
    assert!(
        lines[0]["path"]
            .as_str()
            .is_some_and(|p| p.contains("client_secret=REDACTED"))
    );
    assert_eq!(
        (lines[2]["status"].as_u64(), lines[2]["code"].as_i64()),
        (Some(404), Some(1013))
    );
    assert!(
        lines[3]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("access_token=REDACTED"))
    );
    assert_eq!(lines[1]["code"], Value::Null);
}
