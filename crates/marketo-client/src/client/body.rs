//! Bounded answers: a response body is read chunk by chunk and abandoned once it passes
//! [`MAX_BODY_BYTES`], so a broken or hostile server cannot make the provider buffer gigabytes.

use crate::error::{Error, ErrorKind, Retry};

/// The largest answer read: Marketo's biggest answers (a 200-user page, a role list) are a few
/// hundred kilobytes.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The largest access token sent: Marketo's are about 40 characters.
pub(crate) const MAX_TOKEN_BYTES: usize = 4 * 1024;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub(super) enum BodyError {
    /// More than [`MAX_BODY_BYTES`] (announced by `Content-Length`, or counted while reading).
    #[error("Marketo's answer is larger than 16 MB, so the client stopped reading it")]
    TooLarge,
    /// The connection failed while the body was read.
    #[error("reading the answer failed")]
    Transport(#[source] reqwest::Error),
}

impl BodyError {
    /// The error of an oversized answer: final, never resent blindly (a create whose answer was
    /// too large is looked up, as after any unreadable success).
    pub(super) fn too_large(op: &str, status: u16) -> Error {
        Error::new(ErrorKind::InvalidResponse, BodyError::TooLarge.to_string())
            .with_status(status)
            .with_operation(op)
            .with_retry(Retry::Never)
    }
}

/// Reads `response`'s body, at most `limit` bytes.
pub(super) async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let too_large = || BodyError::TooLarge;
    let announced = response.content_length();
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    // Never more capacity than the cap, whatever the announced length.
    let initial = announced.map_or(8 * 1024, |n| n as usize).min(limit);
    let mut body = Vec::with_capacity(initial);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        let needed = body.len() + chunk.len();
        if needed > limit {
            return Err(too_large());
        }
        if needed > body.capacity() {
            let target = needed.max(body.capacity().saturating_mul(2)).min(limit);
            body.reserve_exact(target - body.len());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The body of `response` as bytes, or the error: too large (final), or a transport failure.
pub(super) async fn read_answer(
    response: reqwest::Response,
    op: &str,
    target: &str,
    timeout: std::time::Duration,
    secrets: &[&crate::secret::Secret],
) -> Result<Vec<u8>, Error> {
    let status = response.status().as_u16();
    match read_capped(response, MAX_BODY_BYTES).await {
        Ok(bytes) => Ok(bytes),
        Err(BodyError::TooLarge) => Err(BodyError::too_large(op, status)),
        Err(BodyError::Transport(e)) => {
            Err(super::http::transport_error(e, op, target, timeout, secrets).with_status(status))
        }
    }
}

/// The longest request URL sent: the usual limit of web servers (Marketo's answer 414 above it).
pub(crate) const MAX_URL_BYTES: usize = 8 * 1024;

/// A request URL longer than [`MAX_URL_BYTES`] is refused before anything is sent.
pub(super) fn check_url_length(url: &url::Url, op: &str) -> Result<(), Error> {
    let n = url.as_str().len();
    if n <= MAX_URL_BYTES {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Validation,
        format!(
            "the request's URL would be {n} bytes long, more than the {} KB web servers accept \
             (an id or name in it is far too long), so nothing was sent",
            MAX_URL_BYTES / 1024
        ),
    )
    .with_operation(op))
}

/// What a call is called in errors and logs: its method and path, a very long path shortened.
pub(crate) fn operation(method: &reqwest::Method, path: &str) -> String {
    const SHOWN: usize = 160;
    if path.len() <= SHOWN {
        return format!("{method} {path}");
    }
    let mut end = SHOWN;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{method} {}… ({} characters in all)",
        &path[..end],
        path.chars().count()
    )
}

/// An access token is sent as a header: one that is far too long, empty, or holds characters a
/// header cannot carry is refused when it arrives (without showing it), not sent.
pub(super) fn check_token(token: &crate::secret::Secret, op: &str) -> Result<(), Error> {
    let t = token.expose();
    let problem = if t.len() > MAX_TOKEN_BYTES {
        format!(
            "an access token of {} bytes, more than the {} KB a token may have",
            t.len(),
            MAX_TOKEN_BYTES / 1024
        )
    } else if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
        "an access token that is empty or holds characters an HTTP header cannot carry".to_owned()
    } else {
        return Ok(());
    };
    Err(Error::new(
        ErrorKind::InvalidResponse,
        format!("Marketo's identity endpoint answered {problem}; it was not used"),
    )
    .with_operation(op)
    .with_retry(Retry::Never))
}
