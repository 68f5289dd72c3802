//! The HTTP core: token cache, politeness, one attempt, and the retry rules.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::Rng;
use reqwest::Method;
use reqwest::header::ACCEPT;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{Mutex, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::config::{ClientConfig, TokenRefresh};
use super::error::{Error, ErrorKind, Missing, Retry, body_errors, classify};
use super::limiter::RateLimiter;
use super::secret::{Secret, redact};
use super::types::TokenInfo;

/// Counters of what a [`Client`] has sent, for tests and diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientMetrics {
    /// Requests to `/identity/oauth/token`.
    pub identity_requests: u64,
    /// Requests to the REST API (every attempt counts).
    pub api_requests: u64,
    /// Retries after a failed attempt (back-offs taken).
    pub retries: u64,
    /// Tokens thrown away because Marketo refused them (601/602).
    pub token_rejections: u64,
    /// Look-ups made to settle an ambiguous create.
    pub lookups: u64,
}

#[derive(Default)]
struct Counters {
    identity_requests: AtomicU64,
    api_requests: AtomicU64,
    retries: AtomicU64,
    token_rejections: AtomicU64,
    lookups: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

struct CachedToken {
    token: Secret,
    fetched: Instant,
    lifetime: Duration,
    generation: u64,
}

impl CachedToken {
    fn fresh(&self, now: Instant, refresh: &TokenRefresh) -> bool {
        let fraction = if refresh.fraction.is_finite() {
            refresh.fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let margin = refresh.min_remaining.min(self.lifetime.mul_f64(fraction));
        now.duration_since(self.fetched) + margin < self.lifetime
    }
}

struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    semaphore: Semaphore,
    limiter: RateLimiter,
    token: Mutex<Option<CachedToken>>,
    generation: AtomicU64,
    counters: Counters,
    reads: ReadCoalescer,
}

/// Joins concurrent identical GETs: a caller waiting for a read of the same URL reuses an answer
/// whose request *started after* the caller asked, so it is never older than a read of its own
/// would have been. Terraform refreshes many resources at once and each role read lists the roles:
/// this turns N list calls into about one per burst, within Marketo's shared call budget.
#[derive(Default)]
struct ReadCoalescer {
    slots: std::sync::Mutex<HashMap<String, Arc<ReadSlot>>>,
}

/// The last answer to one URL and when its request started.
type ReadSlot = Mutex<Option<(Instant, Value)>>;

impl ReadCoalescer {
    /// Entries kept before the map is cleared (it is only an optimisation).
    const MAX_SLOTS: usize = 1024;

    /// The slot key of a GET: its path and query.
    fn key(call: &Call) -> String {
        format!("{:?}{:?}", call.segments, call.query)
    }

    fn slot(&self, key: &str) -> Arc<ReadSlot> {
        let mut slots = match self.slots.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if slots.len() >= Self::MAX_SLOTS && !slots.contains_key(key) {
            slots.clear();
        }
        slots.entry(key.to_owned()).or_default().clone()
    }
}

/// A Marketo Engage REST client. Cheap to clone: clones share the token, the concurrency cap, the
/// rate limiter and the counters.
///
/// * The access token is fetched on first use, shared by every clone and concurrent call (one fetch
///   at a time), renewed before expiry (see [`TokenRefresh`]) and when Marketo answers 601/602 (the
///   call is then resent once), and sent only as `Authorization: Bearer`.
/// * At most `max_concurrency` calls are in flight and at most `rate_limit.calls` start per window.
/// * Reads, updates and deletes are retried on throttling and transient failures with exponential
///   back-off and jitter. Creates are resent only when the failure proves nothing happened (606,
///   615, 429, connection refused); after an ambiguous failure the client first looks the object up.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    cancel: CancellationToken,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.config.endpoint.as_str())
            .field(
                "identity_endpoint",
                &self.inner.config.identity_endpoint.as_str(),
            )
            .field("client_id", &self.inner.config.client_id)
            .field("client_secret", &self.inner.config.client_secret)
            .finish_non_exhaustive()
    }
}

/// One HTTP request to the REST API. `segments` follow the endpoint's path and are percent-encoded
/// one by one, so a userid can never change the path's shape.
#[derive(Clone, Debug)]
pub(crate) struct Call {
    pub method: Method,
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub missing: Missing,
}

const BASE: [&str; 3] = ["userservice", "management", "v1"];

impl Call {
    fn new(method: Method, tail: &[&str], missing: Missing) -> Self {
        Call {
            method,
            segments: BASE
                .iter()
                .chain(tail.iter())
                .map(|s| (*s).to_owned())
                .collect(),
            query: Vec::new(),
            body: None,
            missing,
        }
    }

    pub(crate) fn get(tail: &[&str], missing: Missing) -> Self {
        Call::new(Method::GET, tail, missing)
    }

    pub(crate) fn post(tail: &[&str], body: Option<Value>, missing: Missing) -> Self {
        let mut call = Call::new(Method::POST, tail, missing);
        call.body = body;
        call
    }

    pub(crate) fn with_query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }
}

/// How an operation may be repeated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// GETs and idempotent updates: resend on any retryable failure.
    Idempotent,
    /// Deletes: resend on any retryable failure; a NotFound after an ambiguous attempt is success.
    Delete,
}

/// What a look-up after an ambiguous create found.
pub(crate) enum Lookup<T> {
    /// The create took effect: here is the object.
    Found(T),
    /// It did not: resend, with a replacement body if given.
    Resend(Option<Value>),
}

struct RetryState {
    started: Instant,
    failures: u32,
    refreshed: bool,
}

impl RetryState {
    fn new() -> Self {
        RetryState {
            started: Instant::now(),
            failures: 0,
            refreshed: false,
        }
    }
}

pub(crate) fn parse<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| {
        Error::new(
            ErrorKind::InvalidResponse,
            format!("unexpected {what} from Marketo: {e}"),
        )
    })
}

fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "the call was cancelled")
}

fn http_client(
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
fn transport_error(e: reqwest::Error, op: &str, secrets: &[&Secret]) -> Error {
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

#[derive(serde::Deserialize)]
struct RawIdentity {
    access_token: Secret,
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default)]
    scope: Option<String>,
}

async fn identity_request(
    http: &reqwest::Client,
    identity_endpoint: &Url,
    client_id: &str,
    client_secret: &Secret,
) -> Result<TokenInfo, Error> {
    let mut url = identity_endpoint.clone();
    url.set_query(None);
    url.set_fragment(None);
    match url.path_segments_mut() {
        Ok(mut segs) => {
            segs.pop_if_empty().push("oauth").push("token");
        }
        Err(()) => {
            return Err(Error::new(
                ErrorKind::Validation,
                "the identity endpoint is not a valid base URL",
            ));
        }
    }
    let path = url.path().to_owned();
    let op = format!("GET {path}");
    url.query_pairs_mut()
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret.expose());
    let secrets = [client_secret];
    let started = Instant::now();
    let result = http
        .get(url)
        .header(ACCEPT, "application/json")
        .send()
        .await;
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            let err = transport_error(e, &op, &secrets);
            tracing::debug!(method = "GET", path = %path, error = %err, "marketo identity call failed");
            return Err(err);
        }
    };
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| transport_error(e, &op, &secrets))?;
    tracing::debug!(
        method = "GET",
        path = %path,
        status,
        latency_ms = started.elapsed().as_millis() as u64,
        "marketo identity call"
    );
    if status == 401 {
        let detail = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| body_errors(&v))
            .map(|b| format!(" ({})", redact(&b.message, &secrets)))
            .unwrap_or_default();
        return Err(Error::new(
            ErrorKind::Unauthorized,
            format!("Marketo rejected the client_id/client_secret{detail}"),
        )
        .with_status(status)
        .with_operation(op));
    }
    let value = interpret(status, &bytes, Missing::Endpoint, &op, &secrets)?;
    let raw: RawIdentity = parse(value, "identity response").map_err(|e| e.with_operation(&op))?;
    let expires_in = match raw.expires_in {
        Some(Value::Number(n)) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .unwrap_or(0);
    Ok(TokenInfo {
        token: raw.access_token,
        expires_in,
        scope: raw.scope.unwrap_or_default(),
    })
}

/// Fetches a token once from `{identity_endpoint}/oauth/token` (no retries). Used to prove that a
/// custom service's credentials log in; the [`Client`] manages its own token.
pub async fn fetch_token(
    identity_endpoint: &Url,
    client_id: &str,
    client_secret: &Secret,
) -> Result<TokenInfo, Error> {
    let http = http_client(
        concat!("marketo-client/", env!("CARGO_PKG_VERSION")),
        Duration::from_secs(60),
        Duration::from_secs(10),
    )?;
    identity_request(&http, identity_endpoint, client_id, client_secret).await
}

impl Client {
    /// Builds a client. Nothing is sent until the first call.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let http = http_client(
            &config.user_agent,
            config.request_timeout,
            config.connect_timeout,
        )?;
        let permits = config.max_concurrency.clamp(1, Semaphore::MAX_PERMITS);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                semaphore: Semaphore::new(permits),
                limiter: RateLimiter::new(config.rate_limit),
                token: Mutex::new(None),
                generation: AtomicU64::new(0),
                counters: Counters::default(),
                reads: ReadCoalescer::default(),
                config,
            }),
            cancel: CancellationToken::new(),
        })
    }

    /// A handle on the same client whose calls stop (with [`ErrorKind::Cancelled`]) once `token`
    /// is cancelled: in-flight requests are dropped and back-off sleeps end.
    pub fn with_cancellation(&self, token: CancellationToken) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            cancel: token,
        }
    }

    /// The cancellation token this handle honours.
    pub fn cancellation_token(&self) -> &CancellationToken {
        &self.cancel
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// What has been sent so far (shared by all clones).
    pub fn metrics(&self) -> ClientMetrics {
        let c = &self.inner.counters;
        ClientMetrics {
            identity_requests: c.identity_requests.load(Ordering::Relaxed),
            api_requests: c.api_requests.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            token_rejections: c.token_rejections.load(Ordering::Relaxed),
            lookups: c.lookups.load(Ordering::Relaxed),
        }
    }

    /// Makes sure a valid token is cached (fetching one if needed): checks the credentials, e.g.
    /// when the provider is configured. A wrong client id/secret gives [`ErrorKind::Unauthorized`].
    pub async fn authenticate(&self) -> Result<(), Error> {
        self.cancellable(self.token()).await.map(|_| ())
    }

    async fn cancellable<T>(
        &self,
        fut: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(cancelled()),
            r = fut => r,
        }
    }

    /// The shared token, fetched if needed. The lock is held during the fetch: one fetch at a time.
    async fn token(&self) -> Result<(Secret, u64), Error> {
        let mut guard = self.inner.token.lock().await;
        let refresh = &self.inner.config.token_refresh;
        if let Some(cached) = guard.as_ref().filter(|t| t.fresh(Instant::now(), refresh)) {
            return Ok((cached.token.clone(), cached.generation));
        }
        bump(&self.inner.counters.identity_requests);
        let info = identity_request(
            &self.inner.http,
            &self.inner.config.identity_endpoint,
            &self.inner.config.client_id,
            &self.inner.config.client_secret,
        )
        .await
        .map_err(|e| {
            // The API call itself was not sent: a failed token fetch is always safe to repeat,
            // except when the credentials are wrong.
            if e.retry() == Retry::Ambiguous {
                e.with_retry(Retry::Safe)
            } else if e.kind() == ErrorKind::Unauthorized {
                e.with_retry(Retry::Never)
            } else {
                e
            }
        })?;
        let generation = self.inner.generation.fetch_add(1, Ordering::Relaxed) + 1;
        *guard = Some(CachedToken {
            token: info.token.clone(),
            fetched: Instant::now(),
            lifetime: Duration::from_secs(info.expires_in),
            generation,
        });
        Ok((info.token, generation))
    }

    /// Forgets the token of `generation` (if it is still the cached one) after Marketo refused it.
    async fn reject_token(&self, generation: Option<u64>) {
        bump(&self.inner.counters.token_rejections);
        let mut guard = self.inner.token.lock().await;
        if guard.as_ref().map(|t| t.generation) == generation {
            *guard = None;
        }
    }

    fn url(&self, call: &Call) -> Result<Url, Error> {
        let mut url = self.inner.config.endpoint.clone();
        url.set_query(None);
        url.set_fragment(None);
        match url.path_segments_mut() {
            Ok(mut segs) => {
                segs.pop_if_empty();
                for s in &call.segments {
                    segs.push(s);
                }
            }
            Err(()) => {
                return Err(Error::new(
                    ErrorKind::Validation,
                    "the Marketo endpoint is not a valid base URL",
                ));
            }
        }
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query.iter());
        }
        Ok(url)
    }

    /// One attempt: token, politeness, request, response. Returns the token generation used so a
    /// 601/602 can discard exactly that token.
    async fn attempt(&self, call: &Call) -> Result<Value, (Error, Option<u64>)> {
        let (token, generation) = self.token().await.map_err(|e| (e, None))?;
        let url = self.url(call).map_err(|e| (e, None))?;
        let path = url.path().to_owned();
        let op = format!("{} {}", call.method, path);
        let secrets = [&self.inner.config.client_secret, &token];
        let _permit = self.inner.semaphore.acquire().await.map_err(|_| {
            (
                Error::new(ErrorKind::Other, "the client is shut down"),
                None,
            )
        })?;
        self.inner.limiter.acquire().await;
        bump(&self.inner.counters.api_requests);
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url)
            .bearer_auth(token.expose())
            .header(ACCEPT, "application/json");
        if let Some(body) = &call.body {
            request = request.json(body);
        }
        let result = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                match response.bytes().await {
                    Ok(bytes) => interpret(status, &bytes, call.missing, &op, &secrets),
                    Err(e) => Err(transport_error(e, &op, &secrets).with_status(status)),
                }
            }
            Err(e) => Err(transport_error(e, &op, &secrets)),
        };
        let latency_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(_) => tracing::debug!(
                method = %call.method, path = %path, status = 200u16, latency_ms, "marketo call"
            ),
            Err(e) => tracing::debug!(
                method = %call.method,
                path = %path,
                status = ?e.status(),
                code = ?e.code(),
                kind = %e.kind(),
                latency_ms,
                "marketo call failed"
            ),
        }
        result.map_err(|e| (e, Some(generation)))
    }

    async fn attempt_cancellable(&self, call: &Call) -> Result<Value, (Error, Option<u64>)> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err((cancelled(), None)),
            r = self.attempt(call) => r,
        }
    }

    /// Waits before the next attempt, or gives `error` back when the policy is spent.
    async fn back_off(&self, state: &mut RetryState, error: Error) -> Result<(), Error> {
        let policy = &self.inner.config.retry;
        state.failures += 1;
        if state.failures >= policy.max_attempts.max(1) {
            return Err(error);
        }
        let exponent = state.failures.saturating_sub(1).min(20);
        let full = policy
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(policy.max_delay);
        let delay = {
            let mut rng = rand::rng();
            let half = full / 2;
            let jitter_ms = rng.random_range(0..=half.as_millis().min(u128::from(u32::MAX)) as u64);
            let mut delay = half + Duration::from_millis(jitter_ms);
            if error.retry() == Retry::SafeAfterWindow {
                let extra = rng.random_range(
                    0..=policy.base_delay.as_millis().min(u128::from(u32::MAX)) as u64,
                );
                delay = delay.max(policy.rate_limit_window) + Duration::from_millis(extra);
            }
            delay
        };
        if state.started.elapsed() + delay > policy.max_total_time {
            return Err(error);
        }
        bump(&self.inner.counters.retries);
        tracing::debug!(
            operation = error.operation().unwrap_or(""),
            kind = %error.kind(),
            code = ?error.code(),
            attempt = state.failures,
            delay_ms = delay.as_millis() as u64,
            "marketo call will be retried"
        );
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(cancelled()),
            _ = tokio::time::sleep(delay) => Ok(()),
        }
    }

    /// Sends a read, an idempotent update or a delete, retrying what may be retried.
    pub(crate) async fn execute(&self, call: &Call, mode: Mode) -> Result<Value, Error> {
        let mut state = RetryState::new();
        let mut ambiguous = false;
        loop {
            let (error, generation) = match self.attempt_cancellable(call).await {
                Ok(value) => return Ok(value),
                Err(failure) => failure,
            };
            if mode == Mode::Delete && ambiguous && error.kind() == ErrorKind::NotFound {
                // An earlier attempt that we did not hear back from did the delete.
                return Ok(Value::Null);
            }
            match error.retry() {
                Retry::Auth if !state.refreshed => {
                    state.refreshed = true;
                    self.reject_token(generation).await;
                }
                Retry::Auth | Retry::Never => return Err(error),
                Retry::Ambiguous => {
                    ambiguous = true;
                    self.back_off(&mut state, error).await?;
                }
                Retry::Safe | Retry::SafeAfterWindow => self.back_off(&mut state, error).await?,
            }
        }
    }

    /// Sends a non-idempotent write. It is resent blindly only after a failure that proves nothing
    /// happened; after an ambiguous one, `lookup` decides whether it took effect (then its result is
    /// returned) or must be resent (optionally with a new body). A final refusal that follows an
    /// ambiguous attempt (e.g. "already exists") is also checked with `lookup`.
    pub(crate) async fn create<T, F, Fut>(
        &self,
        mut call: Call,
        what: &str,
        mut lookup: F,
    ) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Lookup<T>, Error>>,
    {
        let mut state = RetryState::new();
        let mut ambiguous = false;
        loop {
            let (error, generation) = match self.attempt_cancellable(&call).await {
                Ok(value) => match parse::<T>(value, what) {
                    Ok(parsed) => return Ok(parsed),
                    // It was applied but the answer is unreadable: find the object instead.
                    Err(e) => (e.with_retry(Retry::Never), None),
                },
                Err(failure) => failure,
            };
            let wait = match error.retry() {
                Retry::Auth if !state.refreshed => {
                    state.refreshed = true;
                    self.reject_token(generation).await;
                    continue;
                }
                Retry::Safe | Retry::SafeAfterWindow => self.back_off(&mut state, error).await,
                Retry::Ambiguous => {
                    ambiguous = true;
                    // Wait first: the server may still be applying the request.
                    match self.back_off(&mut state, error).await {
                        Ok(()) => {
                            bump(&self.inner.counters.lookups);
                            match lookup().await? {
                                Lookup::Found(found) => return Ok(found),
                                Lookup::Resend(Some(body)) => call.body = Some(body),
                                Lookup::Resend(None) => {}
                            }
                            continue;
                        }
                        Err(e) => Err(e),
                    }
                }
                Retry::Auth | Retry::Never => {
                    if error.kind() == ErrorKind::InvalidResponse {
                        ambiguous = true;
                    }
                    Err(error)
                }
            };
            match wait {
                Ok(()) => {}
                // Giving up (refused, or out of attempts or time): if an earlier attempt may have
                // taken effect, it decides. A cancelled call returns at once.
                Err(error) => {
                    if ambiguous && error.kind() != ErrorKind::Cancelled {
                        bump(&self.inner.counters.lookups);
                        if let Lookup::Found(found) = lookup().await? {
                            return Ok(found);
                        }
                    }
                    return Err(error);
                }
            }
        }
    }
}

impl Client {
    /// [`Client::create`] for an object with a unique name: after an ambiguous failure, `find`
    /// looks the object up by `name`, and the call is resent only if that finds nothing.
    pub(crate) async fn create_named<T, F, Fut>(
        &self,
        call: Call,
        what: &str,
        name: &str,
        find: F,
    ) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: Fn(Client, String) -> Fut,
        Fut: Future<Output = Result<Option<T>, Error>>,
    {
        let this = self.clone();
        let name = name.to_owned();
        self.create(call, what, move || {
            let found = find(this.clone(), name.clone());
            async move { Ok(found.await?.map_or(Lookup::Resend(None), Lookup::Found)) }
        })
        .await
    }
}

/// A request body as JSON; a body that cannot be encoded is a validation error naming `what`.
pub(crate) fn encode<T: Serialize>(body: &T, what: &str) -> Result<Value, Error> {
    serde_json::to_value(body).map_err(|e| {
        Error::new(
            ErrorKind::Validation,
            format!("cannot encode the {what}: {e}"),
        )
    })
}

/// Maps NotFound onto `None`.
pub(crate) fn optional<T>(result: Result<T, Error>) -> Result<Option<T>, Error> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Page size for `pageOffset`/`pageSize` lists (Marketo's maximum).
pub(crate) const PAGE_SIZE: usize = 200;

impl Client {
    /// GET (idempotent) and parse.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        call: Call,
        what: &str,
    ) -> Result<T, Error> {
        let value = if call.method == Method::GET && call.body.is_none() {
            let asked = Instant::now();
            let slot = self.inner.reads.slot(&ReadCoalescer::key(&call));
            // Waiting behind another caller's read (which may be retrying for minutes under its
            // own cancellation token) must end when this caller is cancelled.
            let mut last = self.cancellable(async { Ok(slot.lock().await) }).await?;
            match &*last {
                Some((started, value)) if *started >= asked => value.clone(),
                _ => {
                    let started = Instant::now();
                    let value = self.execute(&call, Mode::Idempotent).await?;
                    *last = Some((started, value.clone()));
                    value
                }
            }
        } else {
            self.execute(&call, Mode::Idempotent).await?
        };
        parse(value, what)
    }

    /// Pages a list with `pageOffset` (an item offset) and `pageSize` until a short page.
    pub(crate) async fn list_paged<T: DeserializeOwned>(
        &self,
        tail: &[&str],
        what: &str,
    ) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        let mut offset = 0usize;
        // Bounded, in case a server ignores pageOffset and repeats its first page forever.
        for _ in 0..50_000 {
            let call = Call::get(tail, Missing::Endpoint)
                .with_query("pageOffset", offset)
                .with_query("pageSize", PAGE_SIZE);
            let page: Option<Vec<T>> = self.get_json(call, what).await?;
            let page = page.unwrap_or_default();
            let n = page.len();
            out.extend(page);
            if n < PAGE_SIZE {
                return Ok(out);
            }
            offset += n;
        }
        Err(Error::new(
            ErrorKind::InvalidResponse,
            format!("the {what} did not end after 50000 pages"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s() -> Secret {
        Secret::new("super-secret-value")
    }

    #[test]
    fn ok_json_passes() {
        let v = interpret(200, br#"[{"id":1}]"#, Missing::Endpoint, "GET /x", &[]).unwrap();
        assert_eq!(v[0]["id"], 1);
        assert_eq!(
            interpret(200, b"true", Missing::Endpoint, "POST /x", &[]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            interpret(200, b"", Missing::Endpoint, "POST /x", &[]).unwrap(),
            Value::Null
        );
    }

    #[test]
    fn ok_status_with_errors_is_an_error() {
        let e = interpret(
            200,
            br#"{"requestId":"1","success":false,"errors":[{"code":"606","message":"Max rate limit '100' exceeded"}]}"#,
            Missing::Endpoint,
            "GET /x",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RateLimited);
        assert_eq!(e.code(), Some(606));
        assert_eq!(e.status(), Some(200));
        assert_eq!(e.retry(), Retry::SafeAfterWindow);
    }

    #[test]
    fn non_json_502_is_transient_and_ambiguous() {
        let e = interpret(
            502,
            b"<html><body>502 Bad Gateway</body></html>",
            Missing::Endpoint,
            "POST /x",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Transient);
        assert_eq!(e.status(), Some(502));
        assert_eq!(e.code(), None);
        assert_eq!(e.retry(), Retry::Ambiguous);
        assert!(e.message().contains("502 Bad Gateway"));
    }

    #[test]
    fn garbled_success_is_invalid_response_and_ambiguous() {
        let e = interpret(200, br#"{"id": 1, "na"#, Missing::Endpoint, "GET /x", &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidResponse);
        assert_eq!(e.retry(), Retry::Ambiguous);
    }

    #[test]
    fn a_broken_json_success_body_shows_none_of_its_content() {
        // A token or a new service's secret cannot be redacted before it is known.
        for body in [
            &br#"{"access_token":"tok-1234567890abcdef","expires_in":3"#[..],
            br#"  {"id":3,"clientId":"cid","clientSecret":"ABCDEFGHsecret123456""#,
        ] {
            let e = interpret(200, body, Missing::Endpoint, "GET /x", &[]).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidResponse);
            for leaked in ["tok-1234567890abcdef", "ABCDEFGHsecret123456"] {
                assert!(!e.to_string().contains(leaked), "{e}");
                assert!(!format!("{e:?}").contains(leaked), "{e:?}");
            }
        }
        let e = interpret(200, b"<html>oops</html>", Missing::Endpoint, "GET /x", &[]).unwrap_err();
        assert!(e.message().contains("<html>oops</html>"), "{e}");
    }

    #[test]
    fn status_errors_with_string_codes() {
        let e = interpret(
            400,
            br#"{"errors":[{"code":"611","message":"You cannot delete an API user that is being used in API service"}]}"#,
            Missing::Object,
            "POST /u/delete.json",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InUse);
        assert_eq!(e.code(), Some(611));
        let e = interpret(
            404,
            br#"{"errors":[{"code":610,"message":"Requested resource not found"}]}"#,
            Missing::AdminObject,
            "GET /r",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::EndpointMissing);
        let e = interpret(404, b"", Missing::Object, "GET /u", &[]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn server_text_is_redacted() {
        let secret = s();
        let e = interpret(
            500,
            b"oops super-secret-value leaked",
            Missing::Endpoint,
            "GET /x",
            &[&secret],
        )
        .unwrap_err();
        assert!(!e.to_string().contains("super-secret-value"));
        assert!(!format!("{e:?}").contains("super-secret-value"));
        let e = interpret(
            400,
            br#"{"errors":[{"code":1003,"message":"bad super-secret-value"}]}"#,
            Missing::Endpoint,
            "GET /x",
            &[&secret],
        )
        .unwrap_err();
        assert_eq!(e.message(), "bad [redacted]");
    }

    #[test]
    fn token_freshness_rule() {
        let now = Instant::now();
        let refresh = TokenRefresh::default();
        let t = CachedToken {
            token: s(),
            fetched: now,
            lifetime: Duration::from_secs(3600),
            generation: 1,
        };
        assert!(t.fresh(now + Duration::from_secs(3539), &refresh));
        assert!(!t.fresh(now + Duration::from_secs(3540), &refresh));
        let short = CachedToken {
            lifetime: Duration::from_secs(100),
            ..t
        };
        assert!(short.fresh(now + Duration::from_secs(89), &refresh));
        assert!(!short.fresh(now + Duration::from_secs(90), &refresh));
        let zero = CachedToken {
            lifetime: Duration::ZERO,
            ..short
        };
        assert!(!zero.fresh(now, &refresh));
    }

    #[tokio::test]
    async fn client_debug_has_no_secret() {
        let config = ClientConfig::new(
            Url::parse("http://127.0.0.1:9").unwrap(),
            Url::parse("http://127.0.0.1:9/identity").unwrap(),
            "cid",
            s(),
        );
        let client = Client::new(config).unwrap();
        let text = format!("{client:?}");
        assert!(text.contains("cid"));
        assert!(!text.contains("super-secret-value"));
    }

    #[tokio::test]
    async fn url_segments_are_encoded_and_joined_without_double_slash() {
        let config = ClientConfig::new(
            Url::parse("http://127.0.0.1:9/prefix/").unwrap(),
            Url::parse("http://127.0.0.1:9/identity").unwrap(),
            "cid",
            s(),
        );
        let client = Client::new(config).unwrap();
        let call = Call::get(&["users", "a/b?c#d@x.io", "user.json"], Missing::Object)
            .with_query("pageSize", 200);
        let url = client.url(&call).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/prefix/userservice/management/v1/users/a%2Fb%3Fc%23d@x.io/user.json?pageSize=200"
        );
    }

    /// A caller whose read waits behind another caller's identical read, still in flight, gives
    /// up as soon as its own cancellation token fires.
    #[tokio::test]
    async fn a_read_waiting_to_join_another_honours_its_cancellation() {
        let config = ClientConfig::new(
            Url::parse("http://127.0.0.1:9").unwrap(),
            Url::parse("http://127.0.0.1:9/identity").unwrap(),
            "cid",
            s(),
        );
        let client = Client::new(config).unwrap();
        let call = Call::get(&["users", "roles.json"], Missing::Endpoint);
        let slot = client.inner.reads.slot(&ReadCoalescer::key(&call));
        // Another caller's read of the same URL is in flight.
        let _in_flight = slot.lock().await;
        let token = CancellationToken::new();
        token.cancel();
        let mine = client.with_cancellation(token);
        let result =
            tokio::time::timeout(Duration::from_secs(5), mine.get_json::<Value>(call, "x")).await;
        let err = result
            .expect("a cancelled caller does not wait for the other read")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cancelled);
    }

    fn assert_send<T: Send>(_: &T) {}

    /// The provider runs calls inside tonic handlers and spawned tasks: every future must be Send.
    #[tokio::test]
    async fn every_operation_future_is_send() {
        use crate::types::*;
        let config = ClientConfig::new(
            Url::parse("http://127.0.0.1:9").unwrap(),
            Url::parse("http://127.0.0.1:9/identity").unwrap(),
            "cid",
            s(),
        );
        let c = Client::new(config).unwrap();
        let invite = InviteUser {
            email_address: "a@b.co".into(),
            first_name: "a".into(),
            last_name: "b".into(),
            user_role_workspaces: vec![],
            userid: None,
            api_only: true,
            expires_at: None,
            reason: None,
        };
        let role = NewRole {
            name: "r".into(),
            description: None,
            permissions: vec![],
        };
        let service = NewService {
            display_name: "s".into(),
            description: None,
            api_only_user: "u".into(),
        };
        let pairs = [RoleWorkspace {
            access_role_id: 1,
            workspace_id: 0,
        }];
        assert_send(&c.authenticate());
        assert_send(&c.list_users());
        assert_send(&c.get_user("u"));
        assert_send(&c.get_invited_user("u"));
        assert_send(&c.get_user_or_invitation("u"));
        assert_send(&c.invite_user(&invite));
        assert_send(&c.update_user("u", &UpdateUser::default()));
        assert_send(&c.delete_user("u"));
        assert_send(&c.delete_invited_user("u"));
        assert_send(&c.get_user_roles("u"));
        assert_send(&c.add_user_roles("u", &pairs));
        assert_send(&c.delete_user_roles("u", &pairs));
        assert_send(&c.list_roles());
        assert_send(&c.list_workspaces());
        assert_send(&c.find_user("u"));
        assert_send(&c.list_permissions());
        assert_send(&c.create_role(&role));
        assert_send(&c.get_role(1));
        assert_send(&c.update_role(1, &RoleUpdate::default()));
        assert_send(&c.delete_role(1));
        assert_send(&c.find_role_by_name("r"));
        assert_send(&c.list_services());
        assert_send(&c.create_service(&service));
        assert_send(&c.get_service(1));
        assert_send(&c.update_service(1, &ServiceUpdate::default()));
        assert_send(&c.delete_service(1));
        assert_send(&c.find_service_by_client_id("c"));
        assert_send(&c.find_service_by_name("s"));
        assert_send(&fetch_token(&c.config().identity_endpoint, "c", &s()));
        fn assert_sync_clone<T: Send + Sync + Clone + 'static>(_: &T) {}
        assert_sync_clone(&c);
    }
}
