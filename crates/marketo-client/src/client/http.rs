//! From HTTP to values and errors: the reqwest client, transport failures, and how an answer
//! (Marketo errors in the body, status codes, broken bodies) becomes a value or an [`Error`], with
//! every secret redacted.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Missing, Retry, body_errors, classify};
use crate::secret::{Secret, redact};

pub(crate) fn parse<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("unexpected {what} from Marketo: {e}"),
        )
    })
}

pub(super) fn http_client(
    user_agent: &str,
    request_timeout: Duration,
    connect_timeout: Duration,
) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .user_agent(user_agent)
        .timeout(request_timeout)
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!(
                    "could not build the HTTP client: {}",
                    error_chain(&e.without_url())
                ),
            )
        })
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// A failure below HTTP. Connect errors prove nothing was sent; anything else is ambiguous.
pub(super) fn transport_error(e: reqwest::Error, op: &str, secrets: &[&Secret]) -> Error {
    let e = e.without_url();
    let (retry, what) = if e.is_connect() {
        (Retry::Safe, "could not connect")
    } else if e.is_timeout() {
        (Retry::Ambiguous, "timed out")
    } else {
        (Retry::Ambiguous, "connection failed")
    };
    let detail = redact(&error_chain(&e), secrets);
    Error::new(ErrorKind::Transient, format!("{what}: {detail}"))
        .with_operation(op)
        .with_retry(retry)
        .with_source(e)
}

fn snippet(bytes: &[u8], secrets: &[&Secret]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text: String = text.trim().chars().take(200).collect();
    redact(&text, secrets)
}

/// Reads a response: Marketo errors in the body win whatever the status; otherwise a 2xx is the
/// value and anything else is an error by status.
pub(crate) fn interpret(
    status: u16,
    bytes: &[u8],
    missing: Missing,
    op: &str,
    secrets: &[&Secret],
) -> Result<Value, Error> {
    let ok = (200..300).contains(&status);
    let parsed = if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(Value::Null)
    } else {
        serde_json::from_slice::<Value>(bytes)
    };
    match parsed {
        Ok(value) => {
            if let Some(found) = body_errors(&value) {
                let (kind, retry) = classify(status, found.code, missing);
                return Err(Error::new(kind, redact(&found.message, secrets))
                    .with_status(status)
                    .with_code(found.code)
                    .with_operation(op)
                    .with_retry(retry));
            }
            if ok {
                return Ok(value);
            }
            let (kind, retry) = classify(status, None, missing);
            Err(
                Error::new(kind, format!("HTTP {status} without an error code"))
                    .with_status(status)
                    .with_operation(op)
                    .with_retry(retry),
            )
        }
        Err(e) if ok => Err(Error::new(
            ErrorKind::InvalidResponse,
            // A broken JSON success body may carry secrets we cannot name yet (a new access
            // token, a new service's client secret): only its size and where it broke are shown.
            if bytes.trim_ascii_start().starts_with(b"{")
                || bytes.trim_ascii_start().starts_with(b"[")
            {
                format!(
                    "the response is not valid JSON ({} bytes: {e})",
                    bytes.len()
                )
            } else {
                format!("the response is not JSON: {:?}", snippet(bytes, secrets))
            },
        )
        .with_status(status)
        .with_operation(op)
        // A garbled success body is a transport accident: safe to re-read, and a create must look.
        .with_retry(Retry::Ambiguous)),
        Err(_) => {
            let (kind, retry) = classify(status, None, missing);
            let text = snippet(bytes, secrets);
            let message = if text.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {text}")
            };
            Err(Error::new(kind, message)
                .with_status(status)
                .with_operation(op)
                .with_retry(retry))
        }
    }
}
