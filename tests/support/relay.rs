//! The pieces every test relay in front of an emulator shares: read one HTTP/1.1 request from a
//! socket, forward it upstream, write an answer back (one request per connection; answers say
//! `Connection: close`). The relays themselves (`published_only`, `net`) only decide what to do
//! with each request.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One request as read off the socket; only the headers a Marketo call needs are kept.
pub struct Request {
    pub method: String,
    pub target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// One answer to write back.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    /// Extra header lines, each ending in `\r\n`.
    pub extra_headers: String,
    pub payload: Vec<u8>,
}

impl Answer {
    pub fn new(status: u16, content_type: &str, payload: &[u8]) -> Self {
        Answer {
            status,
            content_type: content_type.to_string(),
            extra_headers: String::new(),
            payload: payload.to_vec(),
        }
    }
}

/// Reads one request (head and body); `None` when the client closed before sending one.
pub async fn read_request(socket: &mut TcpStream) -> std::io::Result<Option<Request>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
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
    Ok(Some(Request {
        method,
        target,
        headers,
        body,
    }))
}

/// Sends `req` to `upstream` and gives back its answer (502 when it cannot be reached).
pub async fn forward(http: &reqwest::Client, upstream: &str, req: Request) -> Answer {
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut out = http
        .request(method, format!("{upstream}{}", req.target))
        .body(req.body);
    for (k, v) in &req.headers {
        out = out.header(k.as_str(), v.as_str());
    }
    match out.send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let content_type = resp
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_string();
            let payload = resp.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            Answer {
                status,
                content_type,
                extra_headers: String::new(),
                payload,
            }
        }
        Err(_) => Answer::new(502, "text/plain", b"bad gateway"),
    }
}

/// Writes `answer` and closes the connection.
pub async fn write_answer(socket: &mut TcpStream, answer: &Answer) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {} X\r\nContent-Type: {}\r\n{}Content-Length: {}\r\nConnection: close\r\n\r\n",
        answer.status,
        answer.content_type,
        answer.extra_headers,
        answer.payload.len()
    );
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(&answer.payload).await?;
    socket.shutdown().await
}

/// A client for forwarding that never follows redirects (the answer goes back as it came).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("relay client")
}
