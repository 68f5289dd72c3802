//! The HTTP core: the shared [`Client`] and one attempt (token, politeness, request, response).
//! The rest of the machinery has a module each: `call` (the request sent), `token` (the cached
//! access token), `identity` (the Identity call and the token it gives), `retry` (back-off, which
//! failures may be resent, the create-lookup rule), `coalesce` (joining identical GETs, whose
//! answers `reads` keeps) and `http` (how an answer becomes a value or an [`Error`]). What this
//! file holds is named by its children, never the other way round: it imports only `call`, `body`,
//! `http`, `identity`, `quota` and `reads`, none of which implements anything on [`Client`].

mod body;
mod call;
mod coalesce;
#[cfg(test)]
mod fuzz;
mod http;
mod identity;
mod issue;
mod quota;
mod reads;
mod retry;
#[cfg(test)]
mod tests;
mod token;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::header::ACCEPT;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::budget::SharedBudget;
use super::config::ClientConfig;
use super::error::{Error, ErrorKind, Missing};
use super::limiter::{Gate, Lane};
use body::{check_url_length, operation, read_answer};
use http::{http_client, interpret, retry_after, transport_error};
use identity::CachedToken;
use quota::QuotaStop;
use reads::ReadCoalescer;

pub(crate) use call::Call;
pub(crate) use http::parse;
pub use http::parse_retry_after;
pub use identity::fetch_token;
pub(crate) use retry::{Lookup, Mode};

/// Counters of what a [`Client`] has sent, for tests and diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientMetrics {
    /// Requests to `/identity/oauth/token`.
    pub identity_requests: u64,
    /// Requests to the REST API (every attempt counts).
    pub api_requests: u64,
    /// Retries after a failed attempt (back-offs taken).
    pub retries: u64,
    /// Tokens thrown away because Marketo refused them (601) or said they expired (602).
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

struct Inner {
    http: reqwest::Client,
    config: ClientConfig,
    gate: Gate,
    budget: SharedBudget,
    token: Mutex<Option<CachedToken>>,
    /// The `scope` of the last token fetched: the API-only user the client logs in as.
    identity: std::sync::Mutex<Option<String>>,
    quota: std::sync::Mutex<Option<QuotaStop>>,
    generation: AtomicU64,
    counters: Counters,
    reads: ReadCoalescer,
}

/// A Marketo Engage REST client. Cheap to clone: clones share the token, the concurrency cap, the
/// rate limiter and the counters.
///
/// * The access token is fetched on first use, shared by every clone and concurrent call (one fetch
///   at a time), renewed before expiry (see [`TokenRefresh`](crate::TokenRefresh)), taken only once
///   the call's turn has come (so it cannot expire while the call waits), renewed when Marketo
///   answers 601 (the call is then resent once) or 602 (resent, within the retry policy), and sent
///   only as `Authorization: Bearer`.
/// * At most `max_concurrency` calls are in flight and at most `rate_limit.calls` start per window;
///   a [`Client::read_back`] handle's calls go ahead of the queue.
/// * After the first 607 (daily quota used up) no further call is sent until the quota resets.
/// * Answers are read up to 16 MB, tokens used up to 4 KB, URLs sent up to 8 KB.
/// * Reads, updates and deletes are retried on throttling and transient failures with exponential
///   back-off and jitter. Creates are resent only when the failure proves nothing happened (606,
///   615, 429, connection refused); after an ambiguous failure the client first looks the object up.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    cancel: CancellationToken,
    lane: Lane,
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

fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "the call was cancelled")
}

impl Client {
    /// Builds a client. Nothing is sent until the first call.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let http = http_client(
            &config.user_agent,
            config.request_timeout,
            config.connect_timeout,
            &config.extra_roots,
        )?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                gate: Gate::new(config.rate_limit, config.max_concurrency),
                budget: SharedBudget::new(
                    config.call_budget_dir.as_deref(),
                    &config.endpoint,
                    config.rate_limit,
                ),
                token: Mutex::new(None),
                identity: std::sync::Mutex::new(None),
                quota: std::sync::Mutex::new(None),
                generation: AtomicU64::new(0),
                counters: Counters::default(),
                reads: ReadCoalescer::default(),
                config,
            }),
            cancel: CancellationToken::new(),
            lane: Lane::Normal,
        })
    }

    /// A handle on the same client whose calls stop (with [`ErrorKind::Cancelled`]) once `token`
    /// is cancelled: in-flight requests are dropped and back-off sleeps end.
    pub fn with_cancellation(&self, token: CancellationToken) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            cancel: token,
            lane: self.lane,
        }
    }

    /// A handle on the same client whose calls go ahead of every queued call in the client's
    /// limiter (they still count against the limits): for the read that completes a create, so
    /// that an object Marketo made is recorded promptly. The look-ups of an ambiguous create use
    /// it too.
    pub fn read_back(&self) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            cancel: self.cancel.clone(),
            lane: Lane::Priority,
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

    /// The daily quota's stop, while it holds.
    fn quota_stop(&self) -> Option<QuotaStop> {
        let mut guard = match self.inner.quota.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard
            .as_ref()
            .is_some_and(|s| s.expired(crate::date::now_utc()))
        {
            *guard = None;
        }
        guard.clone()
    }

    /// Remembers Marketo's first 607: every later call fails at once with the same error.
    fn stop_for_quota(&self, error: &Error, op: &str) -> Error {
        let now = crate::date::now_utc();
        let stop = QuotaStop::new(error.message(), now);
        let out = stop.error(op, now);
        let mut guard = match self.inner.quota.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.is_none() {
            tracing::warn!(
                operation = op,
                "Marketo's daily API quota is used up: no further calls are sent"
            );
            *guard = Some(stop);
        }
        out
    }

    /// One attempt: checks made before anything is sent (the daily quota, the URL), the call's
    /// turn, the token, the request and the response. Returns the token generation used so a
    /// 601/602 can discard exactly that token.
    async fn attempt(&self, call: &Call) -> Result<Value, (Error, Option<u64>)> {
        let url = self.url(call).map_err(|e| (e, None))?;
        let path = url.path().to_owned();
        let op = operation(&call.method, &path);
        if let Some(stop) = self.quota_stop() {
            return Err((stop.error(&op, crate::date::now_utc()), None));
        }
        check_url_length(&url, &op).map_err(|e| (e, None))?;
        let target = http::target(&url);
        let timeout = self.inner.config.request_timeout;
        let _permit = self.inner.gate.acquire(self.lane).await;
        // Then the machine-wide budget shared with other processes using this instance.
        self.inner.budget.reserve().await;
        // A call that waited its turn while another met the daily quota is not sent either.
        if let Some(stop) = self.quota_stop() {
            return Err((stop.error(&op, crate::date::now_utc()), None));
        }
        // The token is taken once the call's turn has come: a wait in the limiter cannot make it
        // expire on the way.
        let (token, generation) = self.token().await.map_err(|e| (e, None))?;
        let secrets = [&self.inner.config.client_secret, &token];
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
        let mut result = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = retry_after(status, response.headers());
                match read_answer(response, &op, &target, timeout, &secrets).await {
                    Ok(bytes) => interpret(status, &bytes, call.missing, &op, &secrets)
                        .map_err(|e| e.with_retry_after(retry_after)),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(transport_error(e, &op, &target, timeout, &secrets)),
        };
        if let Err(e) = &result
            && e.code() == Some(607)
        {
            result = Err(self.stop_for_quota(e, &op));
        }
        let latency_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(_) => tracing::debug!(
                method = %call.method, operation = %op, status = 200u16, latency_ms, "marketo call"
            ),
            Err(e) => tracing::debug!(
                method = %call.method,
                operation = %op,
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
