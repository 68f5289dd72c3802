//! The one error type of the Marketo client.

use std::error::Error as StdError;
use std::fmt;

use serde::Deserialize;
use serde_json::Value;

/// What went wrong, coarsely. Match on this; read [`Error::code`] for Marketo's exact code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The object does not exist (HTTP 404, code 1013; 610 on a published per-user path).
    NotFound,
    /// An object with that name already exists (HTTP 409, code 1017).
    AlreadyExists,
    /// The object is still referenced (code 611: an API-only user owns a service; 1022: a role is held).
    InUse,
    /// The instance has no such endpoint (404/610 on a path that is not a published per-object path):
    /// typically the role or service management endpoints on a real instance.
    EndpointMissing,
    /// The credentials lack a permission, or the IP is not allowed (code 603, HTTP 403).
    AccessDenied,
    /// The client id/secret were rejected (Identity 401), or a token was refused as invalid again
    /// after a refresh (601). An expired token (602) is never this: it is renewed and the call resent.
    Unauthorized,
    /// Rate or concurrency limit (606, 615, HTTP 429) still hit after every retry.
    RateLimited,
    /// The daily API quota is exhausted (607). After the first, every later call of the client
    /// fails with it at once, without being sent, until the quota resets (12:00 AM US Central).
    QuotaExceeded,
    /// The request was refused as invalid (HTTP 400; codes 609, 612, 701, 704, 709, 1001–1003 ...).
    Validation,
    /// A transient failure persisted through every retry (502, 604, 608, 614, 713, 5xx, connection;
    /// 602 when even renewed tokens kept being answered "expired").
    Transient,
    /// The server answered something that is not the documented JSON.
    InvalidResponse,
    /// The call was cancelled through its `CancellationToken`.
    Cancelled,
    /// Anything else.
    Other,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            ErrorKind::NotFound => "not found",
            ErrorKind::AlreadyExists => "already exists",
            ErrorKind::InUse => "in use",
            ErrorKind::EndpointMissing => "endpoint missing",
            ErrorKind::AccessDenied => "access denied",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::QuotaExceeded => "quota exceeded",
            ErrorKind::Validation => "invalid request",
            ErrorKind::Transient => "transient failure",
            ErrorKind::InvalidResponse => "invalid response",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Other => "error",
        };
        f.write_str(s)
    }
}

/// How an attempt's failure may be retried. Internal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Nothing happened on the server (606, 615, 429, connection refused, token fetch failed):
    /// resending is always safe.
    Safe,
    /// Like `Safe`, but the server asked us to wait for its rate window (606).
    SafeAfterWindow,
    /// The token was refused as invalid (601): refresh it, then resend once.
    Auth,
    /// The token expired (602): renew it and resend (again after back-off if it recurs).
    Expired,
    /// The server may or may not have acted (dropped connection after sending, timeout, 502, 5xx,
    /// 604, 608, 614, 713, a garbled 2xx body): reads and idempotent writes may resend; creates
    /// must look first.
    Ambiguous,
    /// Final.
    Never,
}

/// What failed below HTTP, for errors where no answer came back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// No answer within the request timeout.
    Timeout,
    /// The host name did not resolve, or the connection could not be made: nothing was sent.
    Connect,
    /// The TLS handshake failed because the server's certificate is not trusted.
    UntrustedCertificate,
    /// The connection broke after the request may have been sent.
    Broken,
}

/// An error from the Marketo client.
///
/// Opaque: read it through [`Error::kind`], [`Error::code`], [`Error::status`] and [`Error::message`].
/// Its `Display` and `Debug` never contain a client secret or an access token.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    status: Option<u16>,
    code: Option<i32>,
    message: String,
    operation: Option<String>,
    retry: Retry,
    retry_after: Option<std::time::Duration>,
    transport: Option<Transport>,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    /// An error of `kind` with `message` (which must hold no secret).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                status: None,
                code: None,
                message: message.into(),
                operation: None,
                retry: Retry::Never,
                retry_after: None,
                transport: None,
                source: None,
            }),
        }
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_code(mut self, code: Option<i32>) -> Self {
        self.inner.code = code;
        self
    }

    pub(crate) fn with_operation(mut self, operation: impl Into<String>) -> Self {
        self.inner.operation = Some(operation.into());
        self
    }

    pub(crate) fn with_retry(mut self, retry: Retry) -> Self {
        self.inner.retry = retry;
        self
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn retry(&self) -> Retry {
        self.inner.retry
    }

    pub(crate) fn with_retry_after(mut self, wait: Option<std::time::Duration>) -> Self {
        self.inner.retry_after = wait;
        self
    }

    pub(crate) fn with_transport(mut self, transport: Transport) -> Self {
        self.inner.transport = Some(transport);
        self
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = message.into();
        self
    }

    /// How long the server asked us to wait (`Retry-After` on a 429 or 503), if it did.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.inner.retry_after
    }

    /// What failed below HTTP, when no answer came back.
    pub fn transport(&self) -> Option<Transport> {
        self.inner.transport
    }

    /// The coarse kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Marketo's error code (`errors[0].code`), if the server sent one.
    pub fn code(&self) -> Option<i32> {
        self.inner.code
    }

    /// The HTTP status, if a response was received.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// Marketo's message (all `errors[].message` joined with `; `), or a description of the failure.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The operation, e.g. `POST /userservice/management/v1/roles/create.json` (no query string).
    pub fn operation(&self) -> Option<&str> {
        self.inner.operation.as_deref()
    }

    /// Shorthand for `kind() == ErrorKind::NotFound`.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }
}

/// `text` with every control character (C0, DEL, C1) and Unicode bidirectional override or
/// isolate (U+202A-U+202E, U+2066-U+2069) written as its escape, `\u{1b}`: what a server sends is
/// shown as it is, never acted on by the terminal that shows it.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let bad =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Error {
    /// The server's message with its control characters escaped ([`escape_controls`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = escape_controls(&self.inner.message);
        match &self.inner.operation {
            Some(op) => write!(f, "{}: {message}", escape_controls(op))?,
            None => write!(f, "Marketo: {message} ({})", self.inner.kind)?,
        }
        match (self.inner.status, self.inner.code) {
            (Some(s), Some(c)) => write!(f, " (HTTP {s}, code {c})"),
            (Some(s), None) => write!(f, " (HTTP {s})"),
            (None, Some(c)) => write!(f, " (code {c})"),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("marketo::Error");
        d.field("kind", &self.inner.kind)
            .field("status", &self.inner.status)
            .field("code", &self.inner.code)
            .field("message", &self.inner.message);
        if let Some(op) = &self.inner.operation {
            d.field("operation", op);
        }
        if let Some(src) = &self.inner.source {
            d.field("source", &src.to_string());
        }
        d.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e.as_ref() as &(dyn StdError + 'static))
    }
}

/// A `code` that arrives as a number or a quoted number.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawCode {
    Int(i64),
    Str(String),
    Float(f64),
}

impl RawCode {
    fn to_i32(&self) -> Option<i32> {
        match self {
            RawCode::Int(i) => i32::try_from(*i).ok(),
            RawCode::Str(s) => s.trim().parse().ok(),
            RawCode::Float(f) if f.fract() == 0.0 && f.abs() < 1e9 => Some(*f as i32),
            RawCode::Float(_) => None,
        }
    }
}

#[derive(Deserialize)]
struct RawError {
    #[serde(default)]
    code: Option<RawCode>,
    #[serde(default)]
    message: Option<String>,
}

/// The `errors` (or Identity's `error`/`error_description`) found in a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodyErrors {
    pub code: Option<i32>,
    pub message: String,
}

/// Extracts Marketo errors from a parsed body, whatever the HTTP status:
/// a non-empty `errors` array (codes as numbers or strings), `success: false`, or Identity's
/// `{"error": ..., "error_description": ...}`.
pub(crate) fn body_errors(body: &Value) -> Option<BodyErrors> {
    let obj = body.as_object()?;
    let items = match obj.get("errors") {
        Some(Value::Array(items)) => items.as_slice(),
        _ => &[],
    };
    if !items.is_empty() {
        let mut code = None;
        let mut messages = Vec::new();
        for item in items {
            match RawError::deserialize(item) {
                Ok(raw) => {
                    let c = raw.code.as_ref().and_then(RawCode::to_i32);
                    if code.is_none() {
                        code = c;
                    }
                    if let Some(m) = raw.message.filter(|m| !m.is_empty()) {
                        messages.push(m);
                    }
                }
                Err(_) => {
                    if let Some(s) = item.as_str() {
                        messages.push(s.to_owned());
                    }
                }
            }
        }
        let message = if messages.is_empty() {
            "Marketo reported an error without a message".to_owned()
        } else {
            messages.join("; ")
        };
        return Some(BodyErrors { code, message });
    }
    if obj.get("success") == Some(&Value::Bool(false)) {
        return Some(BodyErrors {
            code: None,
            message: "Marketo reported success=false".to_owned(),
        });
    }
    if let Some(Value::String(e)) = obj.get("error") {
        let message = match obj.get("error_description") {
            Some(Value::String(d)) if !d.is_empty() => format!("{e}: {d}"),
            _ => e.clone(),
        };
        return Some(BodyErrors {
            code: None,
            message,
        });
    }
    None
}

/// How a 404 or a 610 on this path is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Missing {
    /// The path names one published object (e.g. `users/{userid}/user.json`): the object is gone.
    Object,
    /// One of our admin paths: 404 with 610 means the instance lacks the endpoint, anything
    /// else on 404 (1013) means the object is gone.
    AdminObject,
    /// A collection path: 404 means the endpoint is missing.
    Endpoint,
}

/// Maps an HTTP status and a Marketo code onto a kind and a retry class.
pub(crate) fn classify(status: u16, code: Option<i32>, missing: Missing) -> (ErrorKind, Retry) {
    if let Some(code) = code {
        let by_code = match code {
            601 => Some((ErrorKind::Unauthorized, Retry::Auth)),
            602 => Some((ErrorKind::Transient, Retry::Expired)),
            603 => Some((ErrorKind::AccessDenied, Retry::Never)),
            606 => Some((ErrorKind::RateLimited, Retry::SafeAfterWindow)),
            615 => Some((ErrorKind::RateLimited, Retry::Safe)),
            607 => Some((ErrorKind::QuotaExceeded, Retry::Never)),
            502 | 604 | 608 | 614 | 713 | 719 => Some((ErrorKind::Transient, Retry::Ambiguous)),
            605 | 609 | 612 | 613 | 616 | 701 | 703 | 704 | 709 | 710 | 711 => {
                Some((ErrorKind::Validation, Retry::Never))
            }
            1001 | 1002 | 1003 | 1006 | 1011 | 1036 => Some((ErrorKind::Validation, Retry::Never)),
            610 => Some(match missing {
                Missing::Object => (ErrorKind::NotFound, Retry::Never),
                Missing::AdminObject | Missing::Endpoint => {
                    (ErrorKind::EndpointMissing, Retry::Never)
                }
            }),
            // 611 is Marketo's catch-all "system error"; on /userservice with a 4xx it is the
            // delete-in-use refusal, with a 5xx it is a server failure.
            611 if status >= 500 => Some((ErrorKind::Transient, Retry::Ambiguous)),
            611 | 1022 => Some((ErrorKind::InUse, Retry::Never)),
            1004 | 1013 => Some((ErrorKind::NotFound, Retry::Never)),
            1005 | 1017 => Some((ErrorKind::AlreadyExists, Retry::Never)),
            _ => None,
        };
        if let Some(found) = by_code {
            return found;
        }
    }
    match status {
        400 | 413 | 414 | 415 | 422 => (ErrorKind::Validation, Retry::Never),
        401 => (ErrorKind::Unauthorized, Retry::Never),
        403 => (ErrorKind::AccessDenied, Retry::Never),
        404 => match missing {
            Missing::Object | Missing::AdminObject => (ErrorKind::NotFound, Retry::Never),
            Missing::Endpoint => (ErrorKind::EndpointMissing, Retry::Never),
        },
        409 => (ErrorKind::AlreadyExists, Retry::Never),
        429 => (ErrorKind::RateLimited, Retry::Safe),
        408 | 500..=599 => (ErrorKind::Transient, Retry::Ambiguous),
        _ => (ErrorKind::Other, Retry::Never),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Issue 12: a server's message reaches a terminal with its control characters escaped.
    #[test]
    fn control_characters_in_messages_are_escaped() {
        let e = Error::new(
            ErrorKind::Validation,
            "bad\u{1b}[31mred\nline\u{7}\u{202e}txt",
        )
        .with_code(Some(1003))
        .with_operation("POST /x\r");
        let shown = e.to_string();
        assert_eq!(
            shown,
            "POST /x\\u{d}: bad\\u{1b}[31mred\\u{a}line\\u{7}\\u{202e}txt (code 1003)"
        );
        assert!(!shown.chars().any(char::is_control), "{shown}");
        assert_eq!(escape_controls("plain é"), "plain é");
        assert_eq!(
            escape_controls("a\u{0}\u{7f}\u{85}\u{2069}b"),
            "a\\u{0}\\u{7f}\\u{85}\\u{2069}b"
        );
        assert_eq!(e.message(), "bad\u{1b}[31mred\nline\u{7}\u{202e}txt");
    }

    #[test]
    fn errors_with_numeric_code() {
        let e = body_errors(&json!({"errors":[{"code":611,"message":"in use"}]})).unwrap();
        assert_eq!(e.code, Some(611));
        assert_eq!(e.message, "in use");
    }

    #[test]
    fn errors_with_string_code_and_several_messages() {
        let body = json!({"requestId":"x","success":false,"errors":[
            {"code":"601","message":"Unauthorized"},{"code":"602","message":"again"}]});
        let e = body_errors(&body).unwrap();
        assert_eq!(e.code, Some(601));
        assert_eq!(e.message, "Unauthorized; again");
    }

    #[test]
    fn empty_errors_is_not_an_error() {
        assert!(body_errors(&json!({"userid":"a","errors":[]})).is_none());
        assert!(body_errors(&json!([{"errors":[{"code":1}]}])).is_none());
        assert!(body_errors(&json!(true)).is_none());
    }

    #[test]
    fn success_false_and_identity_shape() {
        assert!(body_errors(&json!({"success":false})).is_some());
        let e = body_errors(
            &json!({"error":"invalid_client","error_description":"Bad client credentials"}),
        )
        .unwrap();
        assert_eq!(e.code, None);
        assert_eq!(e.message, "invalid_client: Bad client credentials");
    }

    #[test]
    fn odd_codes_are_tolerated() {
        let e = body_errors(&json!({"errors":[{"code":" 606 ","message":"m"}]})).unwrap();
        assert_eq!(e.code, Some(606));
        let e = body_errors(&json!({"errors":[{"code":"abc","message":"m"}]})).unwrap();
        assert_eq!(e.code, None);
        let e = body_errors(&json!({"errors":[{"message":"m"}]})).unwrap();
        assert_eq!(e.code, None);
        let e = body_errors(&json!({"errors":["plain"]})).unwrap();
        assert_eq!(e.message, "plain");
    }

    #[test]
    fn classification_by_code() {
        use ErrorKind::*;
        let c = |s, code| classify(s, Some(code), Missing::Endpoint);
        assert_eq!(c(401, 601), (Unauthorized, Retry::Auth));
        assert_eq!(c(200, 602), (Transient, Retry::Expired));
        assert_eq!(c(401, 602), (Transient, Retry::Expired));
        assert_eq!(c(403, 603), (AccessDenied, Retry::Never));
        assert_eq!(c(200, 606), (RateLimited, Retry::SafeAfterWindow));
        assert_eq!(c(429, 615), (RateLimited, Retry::Safe));
        assert_eq!(c(200, 607), (QuotaExceeded, Retry::Never));
        assert_eq!(c(502, 502), (Transient, Retry::Ambiguous));
        assert_eq!(c(500, 604), (Transient, Retry::Ambiguous));
        assert_eq!(c(503, 608), (Transient, Retry::Ambiguous));
        assert_eq!(c(500, 614), (Transient, Retry::Ambiguous));
        assert_eq!(c(500, 713), (Transient, Retry::Ambiguous));
        assert_eq!(c(400, 611), (InUse, Retry::Never));
        assert_eq!(c(200, 611), (InUse, Retry::Never));
        assert_eq!(c(500, 611), (Transient, Retry::Ambiguous));
        assert_eq!(c(409, 1022), (InUse, Retry::Never));
        assert_eq!(c(409, 1017), (AlreadyExists, Retry::Never));
        assert_eq!(c(404, 1013), (NotFound, Retry::Never));
        for code in [701, 1003, 709, 609, 612] {
            assert_eq!(c(400, code), (Validation, Retry::Never), "{code}");
        }
    }

    #[test]
    fn classification_of_610_depends_on_path() {
        assert_eq!(
            classify(404, Some(610), Missing::Endpoint).0,
            ErrorKind::EndpointMissing
        );
        assert_eq!(
            classify(404, Some(610), Missing::AdminObject).0,
            ErrorKind::EndpointMissing
        );
        assert_eq!(
            classify(404, Some(610), Missing::Object).0,
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(404, Some(1013), Missing::AdminObject).0,
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(404, None, Missing::AdminObject).0,
            ErrorKind::NotFound
        );
        assert_eq!(
            classify(404, None, Missing::Endpoint).0,
            ErrorKind::EndpointMissing
        );
    }

    #[test]
    fn classification_by_status_alone() {
        use ErrorKind::*;
        let c = |s| classify(s, None, Missing::Object);
        assert_eq!(c(502), (Transient, Retry::Ambiguous));
        assert_eq!(c(503), (Transient, Retry::Ambiguous));
        assert_eq!(c(429), (RateLimited, Retry::Safe));
        assert_eq!(c(400), (Validation, Retry::Never));
        assert_eq!(c(401), (Unauthorized, Retry::Never));
        assert_eq!(c(403), (AccessDenied, Retry::Never));
        assert_eq!(c(409), (AlreadyExists, Retry::Never));
        assert_eq!(c(418), (Other, Retry::Never));
        // An unknown code falls back to the status.
        assert_eq!(classify(500, Some(9999), Missing::Object).0, Transient);
    }

    #[test]
    fn display_and_accessors() {
        let e = Error::new(ErrorKind::InUse, "You cannot delete an API user")
            .with_status(400)
            .with_code(Some(611))
            .with_operation("POST /x/delete.json");
        assert_eq!(e.kind(), ErrorKind::InUse);
        assert_eq!(e.code(), Some(611));
        assert_eq!(e.status(), Some(400));
        assert_eq!(e.message(), "You cannot delete an API user");
        assert_eq!(
            e.to_string(),
            "POST /x/delete.json: You cannot delete an API user (HTTP 400, code 611)"
        );
        assert!(format!("{e:?}").contains("InUse"));
    }
}
