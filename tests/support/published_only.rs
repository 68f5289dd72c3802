//! A stand-in for a real Marketo instance: a small HTTP proxy in front of an emulator that serves
//! only Marketo's published endpoints. The role and service endpoints this project defines
//! (`docs/guides/admin-endpoints.md`) answer 404 with code 610, as an instance without them does,
//! or, with [`start_html`], a 404 HTML page as some gateways do. It counts the calls it refused.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::{TcpListener, TcpStream};

use super::relay::{self, Answer};

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
    let http = relay::client();
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

/// Refuses our endpoints as an instance without them does; forwards everything else.
async fn serve(
    mut socket: TcpStream,
    http: &reqwest::Client,
    upstream: &str,
    html: bool,
    refused: &AtomicUsize,
) -> std::io::Result<()> {
    let Some(req) = relay::read_request(&mut socket).await? else {
        return Ok(());
    };
    let answer = if OURS.iter().any(|p| req.target.starts_with(p)) {
        refused.fetch_add(1, Ordering::SeqCst);
        if html {
            Answer::new(
                404,
                "text/html",
                b"<html><body><h1>404 Not Found</h1></body></html>",
            )
        } else {
            Answer::new(
                404,
                "application/json",
                br#"{"errors":[{"code":610,"message":"Requested resource not found"}]}"#,
            )
        }
    } else {
        relay::forward(http, upstream, req).await
    };
    relay::write_answer(&mut socket, &answer).await
}
