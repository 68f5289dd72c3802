//! Tiny network stand-ins for the connection tests: a server that logs in and then never
//! answers, a CONNECT proxy that records where it tunnelled, and a CA of the test's own with an
//! HTTPS emulator behind it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use marketo_emulator::{Config, EmulatorHandle, TlsFiles};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::relay;

/// Reads one HTTP request head (up to the blank line).
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&head).into_owned())
}

/// A plain-HTTP server on loopback that answers the Identity call with a token and then holds
/// every other request open without a word (for at most a minute). Returns its base URL.
pub async fn hanging_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                while let Some(head) = read_head(&mut stream).await {
                    if head.contains("/identity/oauth/token") {
                        let body = r#"{"access_token":"hang-token","token_type":"bearer","expires_in":3600,"scope":"x"}"#;
                        let reply = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    } else {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// A CONNECT proxy on loopback; `targets` lists every `host:port` it was asked to tunnel to.
pub struct Proxy {
    pub url: String,
    pub targets: Arc<Mutex<Vec<String>>>,
}

pub async fn connect_proxy() -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let targets = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&targets);
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else {
                return;
            };
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let Some(head) = read_head(&mut client).await else {
                    return;
                };
                let mut words = head.split_whitespace();
                let (Some("CONNECT"), Some(target)) = (words.next(), words.next()) else {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
                        .await;
                    return;
                };
                seen.lock().expect("lock").push(target.to_string());
                let Ok(mut upstream) = TcpStream::connect(target).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                if client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .is_ok()
                {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
            });
        }
    });
    Proxy {
        url: format!("http://{addr}"),
        targets,
    }
}

/// A CA made for the test, and an emulator serving HTTPS on 127.0.0.1 with a certificate it
/// signed. `ca_pem` is the CA's certificate file.
pub struct PrivateCa {
    pub emu: EmulatorHandle,
    pub ca_pem: PathBuf,
    _dir: tempfile::TempDir,
}

pub async fn https_emulator() -> PrivateCa {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let dir = tempfile::tempdir().expect("temp dir");
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Test Corporate Proxy CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
            .expect("leaf params");
    let leaf = leaf_params
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("ca.pem"), ca_cert.pem()).expect("write CA");
    std::fs::write(path("leaf.pem"), leaf.pem()).expect("write leaf");
    std::fs::write(path("leaf.key"), leaf_key.serialize_pem()).expect("write key");
    let mut config = Config::default().without_limits();
    config.tls = Some(TlsFiles {
        cert: path("leaf.pem"),
        key: path("leaf.key"),
    });
    let emu = super::start(config).await;
    PrivateCa {
        emu,
        ca_pem: path("ca.pem"),
        _dir: dir,
    }
}

/// A relay on loopback in front of an emulator that forwards every request at once, but holds
/// back the answer to each `POST` whose path starts with `slow_path` for `delay` after the
/// emulator has answered it (so the call has taken effect while the client still waits).
/// `applied` turns true once such a request has reached the emulator; `abandoned` counts the
/// held answers whose client hung up before the delay was over.
pub struct SlowCreates {
    pub url: String,
    pub applied: Arc<std::sync::atomic::AtomicBool>,
    pub abandoned: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SlowCreates {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn slow_creates(
    upstream: String,
    slow_path: &'static str,
    delay: Duration,
) -> SlowCreates {
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
    let addr = listener.local_addr().expect("relay address");
    let applied = Arc::new(AtomicBool::new(false));
    let abandoned = Arc::new(AtomicUsize::new(0));
    let http = relay::client();
    let (flag, count) = (Arc::clone(&applied), Arc::clone(&abandoned));
    let task = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let http = http.clone();
            let upstream = upstream.clone();
            let (flag, count) = (Arc::clone(&flag), Arc::clone(&count));
            tokio::spawn(async move {
                let _ = relay_one(socket, &http, &upstream, slow_path, delay, &flag, &count).await;
            });
        }
    });
    SlowCreates {
        url: format!("http://{addr}"),
        applied,
        abandoned,
        task,
    }
}

/// Forwards one request; holds back the answer to a slow create (see [`SlowCreates`]).
async fn relay_one(
    mut socket: TcpStream,
    http: &reqwest::Client,
    upstream: &str,
    slow_path: &str,
    delay: Duration,
    applied: &std::sync::atomic::AtomicBool,
    abandoned: &std::sync::atomic::AtomicUsize,
) -> std::io::Result<()> {
    use std::sync::atomic::Ordering;
    let Some(req) = relay::read_request(&mut socket).await? else {
        return Ok(());
    };
    let slow = req.method == "POST" && req.target.starts_with(slow_path);
    let answer = relay::forward(http, upstream, req).await;
    if slow {
        applied.store(true, Ordering::SeqCst);
        // Hold the answer back; a client that hangs up meanwhile never gets it.
        let mut probe = [0u8; 1];
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = socket.read(&mut probe) => {
                abandoned.fetch_add(1, Ordering::SeqCst);
                return Ok(());
            }
        }
    }
    relay::write_answer(&mut socket, &answer).await
}

/// A relay on loopback in front of an emulator: the first
/// API call (not a login) is answered `429` with `Retry-After: {retry_after}` instead of being
/// forwarded; every other request is forwarded. `api_calls` records when each API call came.
pub struct Throttle {
    pub url: String,
    pub api_calls: Arc<Mutex<Vec<std::time::Instant>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Throttle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn throttle_first_read(upstream: String, retry_after: &'static str) -> Throttle {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind relay");
    let addr = listener.local_addr().expect("relay address");
    let api_calls = Arc::new(Mutex::new(Vec::new()));
    let http = relay::client();
    let calls = Arc::clone(&api_calls);
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (http, upstream, calls) = (http.clone(), upstream.clone(), Arc::clone(&calls));
            tokio::spawn(async move {
                let Ok(Some(req)) = relay::read_request(&mut socket).await else {
                    return;
                };
                let first = !req.target.starts_with("/identity/") && {
                    let mut c = calls.lock().expect("calls");
                    c.push(std::time::Instant::now());
                    c.len() == 1
                };
                let answer = if first {
                    let mut a = relay::Answer::new(429, "application/json", b"");
                    a.extra_headers = format!("Retry-After: {retry_after}\r\n");
                    a
                } else {
                    relay::forward(&http, &upstream, req).await
                };
                let _ = relay::write_answer(&mut socket, &answer).await;
            });
        }
    });
    Throttle {
        url: format!("http://{addr}"),
        api_calls,
        task,
    }
}
