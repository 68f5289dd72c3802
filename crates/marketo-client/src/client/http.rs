//! From HTTP to values and errors: the reqwest client, transport failures, how an answer (Marketo
//! errors in the body, status codes, broken bodies) becomes a value or an [`Error`], with every
//! secret redacted, and the wait its `Retry-After` header asks for.

use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Missing, Retry, Transport, body_errors, classify};
use crate::secret::{Secret, redact};
use crate::trust::TrustRoot;

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
    extra_roots: &[TrustRoot],
) -> Result<reqwest::Client, Error> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .user_agent(user_agent)
        .timeout(request_timeout)
        .connect_timeout(connect_timeout.min(request_timeout))
        .redirect(reqwest::redirect::Policy::none());
    for root in extra_roots {
        let cert = reqwest::Certificate::from_der(root.der()).map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!("a trusted CA certificate is unusable: {}", error_chain(&e)),
            )
        })?;
        builder = builder.add_root_certificate(cert);
    }
    builder.build().map_err(|e| {
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

/// `30 s`, `1.5 s`: a duration as the messages show it.
pub(crate) fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Where a request went, without path or query (the Identity call carries the secret in its
/// query): `https://123-ABC-456.mktorest.com`.
pub(crate) fn target(url: &url::Url) -> String {
    url.origin().ascii_serialization()
}

/// A failure below HTTP, told as what happened: a timeout (ambiguous), a name that does not
/// resolve or a refused connection (nothing was sent), an untrusted certificate (final), or a
/// connection that broke (ambiguous).
pub(super) fn transport_error(
    e: reqwest::Error,
    op: &str,
    target: &str,
    timeout: Duration,
    secrets: &[&Secret],
) -> Error {
    let e = e.without_url();
    let chain = redact(&error_chain(&e), secrets);
    if e.is_builder() {
        // Failed before anything was sent (a URL that is no valid URI, a header that cannot be
        // written): resending would fail the same way.
        return Error::new(
            ErrorKind::Validation,
            format!("the request could not be built, so nothing was sent: {chain}"),
        )
        .with_operation(op)
        .with_source(e);
    }
    if chain.contains("message head is too large") {
        // hyper reads at most about 400 KB of status line and headers.
        return Error::new(
            ErrorKind::InvalidResponse,
            format!(
                "the answer of {target} has headers larger than the 400 KB the client reads, so it \
                 was not read"
            ),
        )
        .with_operation(op)
        .with_transport(Transport::Broken)
        .with_source(e);
    }
    let (transport, retry, message) =
        classify_transport(e.is_timeout(), e.is_connect(), &chain, target, timeout);
    Error::new(ErrorKind::Transient, message)
        .with_operation(op)
        .with_retry(retry)
        .with_transport(transport)
        .with_source(e)
}

/// The classification behind [`transport_error`], apart from reqwest for the tests.
pub(crate) fn classify_transport(
    is_timeout: bool,
    is_connect: bool,
    chain: &str,
    target: &str,
    timeout: Duration,
) -> (Transport, Retry, String) {
    let lower = chain.to_ascii_lowercase();
    if lower.contains("invalid peer certificate") || lower.contains("certificate") && is_connect {
        (
            Transport::UntrustedCertificate,
            Retry::Never,
            format!("the TLS certificate of {target} is not trusted ({chain})"),
        )
    } else if is_timeout && is_connect {
        (
            Transport::Connect,
            Retry::Safe,
            format!("could not connect to {target}: no connection within the connect timeout"),
        )
    } else if is_timeout {
        (
            Transport::Timeout,
            Retry::Ambiguous,
            format!(
                "timed out after {} waiting for {target} to answer",
                seconds(timeout)
            ),
        )
    } else if is_connect && lower.contains("dns error") {
        (
            Transport::Connect,
            Retry::Safe,
            format!("could not resolve the host of {target}: {chain}"),
        )
    } else if is_connect {
        (
            Transport::Connect,
            Retry::Safe,
            format!("could not connect to {target}: {chain}"),
        )
    } else {
        (
            Transport::Broken,
            Retry::Ambiguous,
            format!("the connection to {target} failed: {chain}"),
        )
    }
}

fn snippet(bytes: &[u8], secrets: &[&Secret]) -> String {
    let text = String::from_utf8_lossy(bytes);
    // Redacted before it is cut short: a cut through a secret would leave most of it showing
    // (found by the property tests in `client/fuzz.rs`, issue 12).
    redact(text.trim(), secrets).chars().take(200).collect()
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

/// A `Retry-After` value: whole seconds, or an HTTP date (then the time left until it, zero if it
/// has passed). `None` when it is neither.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(date.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The wait a 429 or 503 asks for in its `Retry-After` header.
pub(super) fn retry_after(status: u16, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    if status != 429 && status != 503 {
        return None;
    }
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}
