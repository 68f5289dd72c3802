//! Issue 12: bounded answers, local errors not retried, expired tokens renewed, the daily quota
//! ending every further call.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use marketo_client::{Client, ErrorKind};
use marketo_emulator::{Config, Limits};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use url::Url;

use crate::*;

/// What the fake server answers: the whole HTTP response, written in pieces.
type Reply = Arc<dyn Fn(usize) -> Vec<Vec<u8>> + Send + Sync>;

/// Counts of the calls a [`fake_marketo`] received.
#[derive(Clone, Default)]
struct Seen {
    logins: Arc<AtomicUsize>,
    api: Arc<AtomicUsize>,
}

impl Seen {
    fn logins(&self) -> usize {
        self.logins.load(Ordering::SeqCst)
    }
    fn api(&self) -> usize {
        self.api.load(Ordering::SeqCst)
    }
}

fn response(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nconnection: close\r\n{headers}content-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn good_login() -> Reply {
    Arc::new(|_| {
        vec![response(
            "200 OK",
            "",
            br#"{"access_token":"tok-1:emu","expires_in":3600}"#,
        )]
    })
}

/// A one-connection-per-call server: `login(n)` answers the n-th (0-based) login, `api(n)` the
/// n-th API call.
async fn fake_marketo(login: Reply, api: Reply) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Seen::default();
    let counts = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let (login, api, counts) = (login.clone(), api.clone(), counts.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = vec![0u8; 8192];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head);
                let pieces = if text.contains("/identity/oauth/token") {
                    login(counts.logins.fetch_add(1, Ordering::SeqCst))
                } else {
                    api(counts.api.fetch_add(1, Ordering::SeqCst))
                };
                for piece in pieces {
                    if s.write_all(&piece).await.is_err() {
                        return;
                    }
                }
                let _ = s.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

/// A client of the fake server, with the usual fast test retries.
async fn fake_client(login: Reply, api: Reply) -> (Client, Seen) {
    let h = start(Config::default().without_limits()).await;
    let (url, seen) = fake_marketo(login, api).await;
    let mut cfg = config_for(&h);
    h.shutdown().await;
    cfg.endpoint = Url::parse(&url).unwrap();
    cfg.identity_endpoint = Url::parse(&format!("{url}/identity")).unwrap();
    cfg.retry.max_attempts = 4;
    (Client::new(cfg).unwrap(), seen)
}

const MB: usize = 1024 * 1024;

#[tokio::test]
async fn an_answer_larger_than_16_mb_is_refused_once_not_retried() {
    // Announced by Content-Length: refused before reading.
    let announced: Reply = Arc::new(|_| {
        let mut body = vec![b' '; 20 * MB];
        body[0] = b'[';
        body[20 * MB - 1] = b']';
        vec![response("200 OK", "", &body)]
    });
    // Sent chunked, with no length: refused once 16 MB have been read.
    let chunked: Reply = Arc::new(|_| {
        let mut pieces = vec![
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ntransfer-encoding: chunked\r\n\r\n"
                .to_vec(),
        ];
        let chunk = vec![b' '; MB];
        for _ in 0..20 {
            let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
            piece.extend_from_slice(&chunk);
            piece.extend_from_slice(b"\r\n");
            pieces.push(piece);
        }
        pieces.push(b"0\r\n\r\n".to_vec());
        pieces
    });
    for api in [announced, chunked] {
        let (c, seen) = fake_client(good_login(), api).await;
        let started = Instant::now();
        let e = c.list_workspaces().await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{e}");
        let text = e.to_string();
        assert!(text.contains("larger than 16 MB"), "{text}");
        assert!(text.contains("GET /userservice/management/v1/users/workspaces.json"));
        assert_eq!(seen.api(), 1, "no retry storm");
        assert_eq!(c.metrics().retries, 0);
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}

#[tokio::test]
async fn a_create_whose_answer_is_too_large_is_looked_up_not_resent() {
    // The create's answer is too large; the look-up (the role list) finds nothing.
    let api: Reply = Arc::new(|n| {
        if n == 0 {
            vec![response("200 OK", "", &vec![b' '; 17 * MB])]
        } else {
            vec![response("200 OK", "", b"[]")]
        }
    });
    let (c, seen) = fake_client(good_login(), api).await;
    let e = c
        .create_role(&marketo_client::NewRole {
            name: "Huge".into(),
            description: None,
            permissions: vec![],
        })
        .await
        .unwrap_err();
    assert!(e.to_string().contains("larger than 16 MB"), "{e}");
    // One create, one look-up: never sent twice.
    assert_eq!(seen.api(), 2);
    assert_eq!(c.metrics().lookups, 1);
}

#[tokio::test]
async fn a_10_mb_access_token_is_refused_not_sent() {
    let login: Reply = Arc::new(|_| {
        let body = format!(
            r#"{{"access_token":"{}","expires_in":3600}}"#,
            "A".repeat(10 * MB)
        );
        vec![response("200 OK", "", body.as_bytes())]
    });
    let (c, seen) = fake_client(login, Arc::new(|_| vec![response("200 OK", "", b"[]")])).await;
    let e = c.list_workspaces().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{e}");
    let text = e.to_string();
    assert!(
        text.contains("access token of 10485760 bytes, more than the 4 KB"),
        "{text}"
    );
    assert!(!text.contains("AAAA") && !format!("{e:?}").contains("AAAA"));
    assert_eq!((seen.logins(), seen.api()), (1, 0), "not retried, not sent");
    let e = c.authenticate().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse);
}

#[tokio::test]
async fn headers_larger_than_the_client_reads_are_refused_once() {
    let api: Reply = Arc::new(|_| {
        let header = format!("x-padding: {}\r\n", "p".repeat(MB));
        vec![response("200 OK", &header, b"[]")]
    });
    let (c, seen) = fake_client(good_login(), api).await;
    let e = c.list_workspaces().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidResponse, "{e}");
    assert!(e.to_string().contains("headers larger than"), "{e}");
    assert_eq!(seen.api(), 1);
}

#[tokio::test]
async fn a_100000_character_id_fails_at_once_without_a_request() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    c.authenticate().await.unwrap();
    let id = "x".repeat(100_000);
    let started = Instant::now();
    let e = c.get_user(&id).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    let text = e.to_string();
    assert!(text.contains("nothing was sent"), "{text}");
    assert!(text.contains("far too long"), "{text}");
    assert!(text.len() < 600, "the message stays readable: {text}");
    let m = c.metrics();
    assert_eq!((m.api_requests, m.retries), (0, 0), "{m:?}");
    // A delete of it (retried on ambiguous failures) is refused at once too.
    let e = c.delete_user(&id).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    let m = c.metrics();
    assert_eq!((m.api_requests, m.retries), (0, 0), "{m:?}");
    h.shutdown().await;
}

fn expired() -> Vec<Vec<u8>> {
    vec![response(
        "200 OK",
        "",
        br#"{"requestId":"1","success":false,"errors":[{"code":"602","message":"Access token expired"}]}"#,
    )]
}

#[tokio::test]
async fn a_602_renews_the_token_each_time_and_is_never_blamed_on_the_credentials() {
    // Two 602s in a row, then an answer: the call succeeds (one renewal used to be all).
    let api: Reply = Arc::new(|n| {
        if n < 2 {
            expired()
        } else {
            vec![response("200 OK", "", b"[]")]
        }
    });
    let (c, seen) = fake_client(good_login(), api).await;
    assert!(c.list_workspaces().await.unwrap().is_empty());
    assert_eq!((seen.logins(), seen.api()), (3, 3));
    assert_eq!(c.metrics().token_rejections, 2);

    // 602 forever: bounded by the retry policy, and told as a transient failure.
    let (c, seen) = fake_client(good_login(), Arc::new(|_| expired())).await;
    let e = c.list_workspaces().await.unwrap_err();
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::Transient, Some(602)),
        "{e}"
    );
    assert_ne!(e.kind(), ErrorKind::Unauthorized);
    assert!(!e.to_string().contains("client_secret"), "{e}");
    assert_eq!(seen.api(), 4, "max_attempts bounds it");
    assert_eq!(seen.logins(), 4, "a new token for every attempt");
}

#[tokio::test]
async fn a_token_that_expires_while_calls_wait_for_their_turn_is_renewed() {
    let mut config = Config::default().without_limits();
    config.token_ttl = Duration::from_secs(1);
    let h = start(config).await;
    let mut cfg = config_for(&h);
    // A tight limiter: the last of these calls waits about 3 s, three token lifetimes.
    cfg.rate_limit = marketo_client::RateLimit {
        calls: 1,
        per: Duration::from_millis(600),
    };
    let c = Client::new(cfg).unwrap();
    c.authenticate().await.unwrap();
    let mut set = JoinSet::new();
    for i in 0..6 {
        let c = c.clone();
        set.spawn(async move { c.get_user(&format!("nobody-{i}@example.com")).await });
    }
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        assert!(r.is_ok(), "{}", r.unwrap_err());
    }
    assert!(c.metrics().identity_requests >= 3, "{:?}", c.metrics());
    // The emulator's tokens still expire between calls; each 602 renews, and a call that is
    // refused one goes through on its next turn.
    h.expire_tokens();
    c.list_roles().await.unwrap();
    h.shutdown().await;
}

#[tokio::test]
async fn the_first_607_ends_every_further_call_at_once() {
    let mut config = Config::default();
    let log = RequestLog::on(&mut config);
    config.set_limits(Limits {
        rate_limit: None,
        concurrency: None,
        daily_quota: Some(3),
    });
    let h = start(config).await;
    let c = client(&h);
    for i in 0..3 {
        c.get_user(&format!("nobody-{i}@example.com"))
            .await
            .unwrap();
    }
    let e = c.list_roles().await.unwrap_err();
    assert_eq!((e.kind(), e.code()), (ErrorKind::QuotaExceeded, Some(607)));
    let text = e.to_string();
    assert!(text.contains("12:00 AM US Central time"), "{text}");
    assert!(text.contains("no further calls"), "{text}");
    let started = Instant::now();
    let mut set = JoinSet::new();
    for i in 0..10 {
        let c = c.clone();
        set.spawn(async move { c.get_user(&format!("later-{i}@example.com")).await });
    }
    while let Some(r) = set.join_next().await {
        let e = r.unwrap().unwrap_err();
        assert_eq!((e.kind(), e.code()), (ErrorKind::QuotaExceeded, Some(607)));
        assert!(e.to_string().contains("US Central time"), "{e}");
    }
    let e = c
        .create_role(&marketo_client::NewRole {
            name: "After The Quota".into(),
            description: None,
            permissions: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::QuotaExceeded);
    assert!(started.elapsed() < Duration::from_secs(1));
    let api = log.api_calls();
    assert_eq!(
        api.len(),
        4,
        "3 answered, one 607, then nothing: {}",
        log.text()
    );
    assert!(api[3].contains("\"code\":607"), "{}", api[3]);
    let m = c.metrics();
    assert_eq!((m.api_requests, m.retries, m.lookups), (4, 0, 0), "{m:?}");
    h.shutdown().await;
}

/// Issue 12, item 5: the read that completes a create overtakes calls queued in the limiter.
#[tokio::test]
async fn a_read_back_overtakes_calls_queued_in_the_limiter() {
    let h = start(Config::default().without_limits()).await;
    let mut cfg = config_for(&h);
    cfg.rate_limit = marketo_client::RateLimit {
        calls: 1,
        per: Duration::from_millis(300),
    };
    let c = Client::new(cfg).unwrap();
    c.authenticate().await.unwrap();
    c.list_roles().await.unwrap();
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut set = JoinSet::new();
    for name in ["normal-1", "normal-2", "normal-3", "read-back"] {
        let handle = if name == "read-back" {
            c.read_back()
        } else {
            c.clone()
        };
        let order = Arc::clone(&order);
        set.spawn(async move {
            handle
                .get_user(&format!("{name}@example.com"))
                .await
                .unwrap();
            order.lock().unwrap().push(name);
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    assert_eq!(
        *order.lock().unwrap(),
        ["read-back", "normal-1", "normal-2", "normal-3"]
    );
    h.shutdown().await;
}

/// Calls that were already waiting for their turn when the 607 came are not sent either.
#[tokio::test]
async fn calls_queued_when_the_607_comes_are_not_sent() {
    let mut config = Config::default();
    let log = RequestLog::on(&mut config);
    config.set_limits(Limits {
        rate_limit: None,
        concurrency: None,
        daily_quota: Some(1),
    });
    let h = start(config).await;
    let mut cfg = config_for(&h);
    cfg.rate_limit = marketo_client::RateLimit {
        calls: 1,
        per: Duration::from_millis(300),
    };
    let c = Client::new(cfg).unwrap();
    c.get_user("first@example.com").await.unwrap();
    let mut set = JoinSet::new();
    for i in 0..4 {
        let c = c.clone();
        set.spawn(async move { c.get_user(&format!("queued-{i}@example.com")).await });
    }
    while let Some(r) = set.join_next().await {
        let e = r.unwrap().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::QuotaExceeded, "{e}");
    }
    let api = log.api_calls();
    assert_eq!(
        api.len(),
        2,
        "one answered, one 607, none of the queued: {}",
        log.text()
    );
    h.shutdown().await;
}
