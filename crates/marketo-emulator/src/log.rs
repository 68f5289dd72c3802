//! The JSON-lines request log. Bodies are never logged; secret query parameters are redacted.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

use crate::util::lock;

/// Query parameters whose values never reach the log.
fn is_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("secret") || n.contains("token") || n.contains("password")
}

/// The path and query with secret values replaced by `REDACTED`.
pub(crate) fn redact(path: &str, query: Option<&str>) -> String {
    let Some(q) = query else {
        return path.to_string();
    };
    let parts: Vec<String> = q
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret(k) => format!("{k}=REDACTED"),
            _ if is_secret(pair) => "REDACTED".to_string(),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", parts.join("&"))
}

#[derive(Serialize)]
struct Line<'a> {
    ts: String,
    method: &'a str,
    path: &'a str,
    status: u16,
    code: Option<i32>,
    latency_ms: f64,
}

#[derive(Debug)]
pub(crate) struct RequestLog {
    file: Mutex<File>,
}

impl RequestLog {
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(RequestLog {
            file: Mutex::new(file),
        })
    }

    pub fn record(
        &self,
        method: &str,
        path: &str,
        status: u16,
        code: Option<i32>,
        latency: Duration,
    ) {
        let line = Line {
            ts: marketo_date::now_utc().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            method,
            path,
            status,
            code,
            latency_ms: (latency.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        };
        if let Ok(mut bytes) = serde_json::to_vec(&line) {
            bytes.push(b'\n');
            let mut f = lock(&self.file);
            // A failed log write must not fail the call; the log is best effort.
            let _ = f.write_all(&bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact(
                "/identity/oauth/token",
                Some("grant_type=client_credentials&client_id=abc&client_secret=s3cr3t")
            ),
            "/identity/oauth/token?grant_type=client_credentials&client_id=abc&client_secret=REDACTED"
        );
        assert_eq!(
            redact("/x", Some("access_token=t&a=1")),
            "/x?access_token=REDACTED&a=1"
        );
        assert_eq!(redact("/x", None), "/x");
    }
}
