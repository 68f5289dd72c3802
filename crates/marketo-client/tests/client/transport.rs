//! Below HTTP: `Retry-After` honoured and capped, and a create cancelled in flight looked up
//! before the cancellation is reported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use marketo_client::{Client, ErrorKind, NewRole};
use marketo_emulator::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::{config_for, start};

/// A server that answers the first call of one kind (the login when `login` is set, else an API
/// call) with 429 and `Retry-After: {retry_after}`, and every other call normally (a token, or
/// `[]`). Returns its URL and when each call of that kind came.
async fn throttling_server(
    retry_after: &'static str,
    login: bool,
) -> (String, Arc<Mutex<Vec<Instant>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::clone(&seen);
    tokio::spawn(async move {
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let calls = Arc::clone(&calls);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                loop {
                    let n = match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let head = String::from_utf8_lossy(&buf[..n]).into_owned();
                    let is_login = head.contains("/identity/oauth/token");
                    let first = is_login == login && {
                        let mut c = calls.lock().unwrap();
                        c.push(Instant::now());
                        c.len() == 1
                    };
                    let (status, extra, body) = if first {
                        (
                            "429 Too Many Requests",
                            format!("retry-after: {retry_after}\r\n"),
                            "",
                        )
                    } else if is_login {
                        (
                            "200 OK",
                            String::new(),
                            r#"{"access_token":"t","expires_in":3600}"#,
                        )
                    } else {
                        ("200 OK", String::new(), "[]")
                    };
                    let reply = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if s.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{addr}"), seen)
}

async fn gap_after_429(retry_after: &'static str, window: Duration, login: bool) -> Duration {
    let h = start(Config::default().without_limits()).await;
    let (url, seen) = throttling_server(retry_after, login).await;
    let mut cfg = config_for(&h);
    cfg.endpoint = Url::parse(&url).unwrap();
    cfg.identity_endpoint = Url::parse(&format!("{url}/identity")).unwrap();
    cfg.retry.rate_limit_window = window;
    let c = Client::new(cfg).unwrap();
    assert!(c.list_workspaces().await.unwrap().is_empty());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    seen[1] - seen[0]
}

#[tokio::test]
async fn retry_after_is_honoured_and_capped_at_the_window() {
    // Without the header the client would retry within milliseconds (base delay 2 ms).
    let gap = gap_after_429("1", Duration::from_secs(20), false).await;
    assert!(gap >= Duration::from_millis(950), "{gap:?}");
    assert!(gap < Duration::from_secs(3), "{gap:?}");
    // An hour is cut to the (test's) rate window.
    let gap = gap_after_429("3600", Duration::from_millis(1500), false).await;
    assert!(gap >= Duration::from_millis(1400), "{gap:?}");
    assert!(gap < Duration::from_secs(4), "{gap:?}");
}

#[tokio::test]
async fn retry_after_on_the_login_is_honoured_too() {
    let gap = gap_after_429("1", Duration::from_secs(20), true).await;
    assert!(gap >= Duration::from_millis(950), "{gap:?}");
    assert!(gap < Duration::from_secs(3), "{gap:?}");
}

/// A relay to `upstream` that holds back each connection's first answer for `delay`.
async fn slow_relay(upstream: std::net::SocketAddr, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (client, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut cr, &mut sw).await;
                });
                let mut buf = vec![0u8; 16384];
                let mut first = true;
                loop {
                    let n = match sr.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    if first {
                        tokio::time::sleep(delay).await;
                        first = false;
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_create_cancelled_in_flight_is_looked_up_before_it_is_reported() {
    let h = start(Config::default().without_limits()).await;
    let relay = slow_relay(h.local_addr(), Duration::from_millis(1500)).await;
    let mut cfg = config_for(&h);
    cfg.endpoint = Url::parse(&relay).unwrap();
    // The token comes straight from the emulator, so only API calls are slow.
    let token = CancellationToken::new();
    let c = Client::new(cfg).unwrap().with_cancellation(token.clone());
    c.authenticate().await.unwrap();
    let canceller = {
        let token = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(500)).await;
            token.cancel();
        })
    };
    let role = NewRole {
        name: "Cancelled Mid-Flight".into(),
        description: None,
        permissions: vec!["Read-Only Lead".into()],
    };
    // The create reached Marketo; its answer was cut off by the cancellation. The look-up
    // finds the role, so the caller gets it rather than an "unknown" that would orphan it.
    let made = c.create_role(&role).await.unwrap();
    canceller.await.unwrap();
    assert_eq!(made.role.name, role.name);
    assert_eq!(c.metrics().lookups, 1);
    assert!(h.snapshot().roles.iter().any(|r| r.name == role.name));
    h.shutdown().await;
}

#[tokio::test]
async fn a_create_cancelled_before_it_left_says_so() {
    let h = start(Config::default().without_limits()).await;
    let mut cfg = config_for(&h);
    cfg.request_timeout = Duration::from_secs(2);
    // Nothing can start: the limiter holds every call back past the cancellation.
    cfg.rate_limit = marketo_client::RateLimit {
        calls: 1,
        per: Duration::from_secs(60),
    };
    let token = CancellationToken::new();
    let c = Client::new(cfg).unwrap().with_cancellation(token.clone());
    c.list_roles().await.unwrap();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        token.cancel();
    });
    let e = c
        .create_role(&NewRole {
            name: "Never Sent".into(),
            description: None,
            permissions: vec![],
        })
        .await
        .unwrap_err();
    canceller.await.unwrap();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    let text = e.to_string();
    assert!(text.contains("outcome"), "{text}");
    assert!(
        text.contains("not created") || text.contains("check Marketo"),
        "{text}"
    );
    assert!(h.snapshot().roles.iter().all(|r| r.name != "Never Sent"));
    h.shutdown().await;
}
