//! A stand-in for a real Marketo instance: a small HTTP proxy in front of an emulator that serves
//! only Marketo's published endpoints. The role and service endpoints this project defines
//! (`docs/guides/admin-endpoints.md`) answer 404 with code 610, as an instance without them does,
//! or, with [`start_html`], a 404 HTML page as some gateways do. It counts the calls it refused.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Path prefixes of the endpoints a real instance lacks.
const OURS: [&str; 2] = [
    "/userservice/management/v1/roles/",
    "/userservice/management/v1/services/",
];

/// The proxy; it stops when dropped.
pub struct PublishedOnly {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    refused: Arc<AtomicUsize>,
}

impl PublishedOnly {
    /// `http://HOST:PORT` of the proxy.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many calls to our endpoints it has refused so far.
    pub fn refused_calls(&self) -> usize {
        self.refused.load(Ordering::SeqCst)
    }
}

impl Drop for PublishedOnly {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a proxy forwarding the published endpoints to `upstream` (an emulator's base URL).
pub async fn start(upstream: String) -> PublishedOnly {
    start_with(upstream, false).await
}

/// Like [`start`], but our endpoints answer a 404 HTML page with no Marketo error code.
pub async fn start_html(upstream: String) -> PublishedOnly {
    start_with(upstream, true).await
}

async fn start_with(upstream: String, html: bool) -> PublishedOnly {
    let refused = Arc::new(AtomicUsize::new(0));
    let counter = refused.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let addr = listener.local_addr().expect("proxy address");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("proxy client");
    let task = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let http = http.clone();
            let upstream = upstream.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                let _ = serve(socket, &http, &upstream, html, &counter).await;
            });
        }
    });
    PublishedOnly {
        addr,
        task,
        refused,
    }
}

/// One request per connection (answers say `Connection: close`).
async fn serve(
    mut socket: TcpStream,
    http: &reqwest::Client,
    upstream: &str,
    html: bool,
    refused: &AtomicUsize,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or("GET").to_string();
    let target = request_line.next().unwrap_or("/").to_string();
    let mut headers = Vec::new();
    let mut length = 0usize;
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            if k.eq_ignore_ascii_case("content-length") {
                length = v.parse().unwrap_or(0);
            }
            if k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("content-type") {
                headers.push((k, v));
            }
        }
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }

    let (status, content_type, payload) = if OURS.iter().any(|p| target.starts_with(p)) {
        refused.fetch_add(1, Ordering::SeqCst);
        if html {
            (
                404,
                "text/html".to_string(),
                b"<html><body><h1>404 Not Found</h1></body></html>".to_vec(),
            )
        } else {
            (
                404,
                "application/json".to_string(),
                br#"{"errors":[{"code":610,"message":"Requested resource not found"}]}"#.to_vec(),
            )
        }
    } else {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut req = http
            .request(method, format!("{upstream}{target}"))
            .body(body);
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let ct = resp
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("application/json")
                    .to_string();
                let bytes = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                (status, ct, bytes)
            }
            Err(_) => (502, "text/plain".to_string(), b"bad gateway".to_vec()),
        }
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        payload.len()
    );
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(&payload).await?;
    socket.shutdown().await
}
