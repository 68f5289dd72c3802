//! Retries: exponential back-off with jitter bounded by attempts and total time, an invalid token
//! renewed once and an expired one whenever it expires, and the create rule (a write whose
//! outcome is unknown is looked up before it is sent again).

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::call::Call;
use super::http::parse;
use super::{Client, bump, cancelled};
use crate::error::{Error, ErrorKind, Retry};

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

/// The wait before a retry the server asked for with `Retry-After`: never longer than Marketo's
/// rate window, whatever it said.
pub(crate) fn server_wait(asked: Duration, window: Duration) -> Duration {
    asked.min(window)
}

struct RetryState {
    started: Instant,
    failures: u32,
    refreshed: bool,
    renewed: bool,
}

impl RetryState {
    fn new() -> Self {
        RetryState {
            started: Instant::now(),
            failures: 0,
            refreshed: false,
            renewed: false,
        }
    }
}

impl Client {
    /// After a 602 (the token expired, e.g. while the call waited for its turn): the token is
    /// renewed and the call resent, at once the first time, after back-off if it recurs (so the
    /// retry policy bounds it). Nothing was done with an expired token, so a create may be resent.
    async fn renew_expired(
        &self,
        state: &mut RetryState,
        generation: Option<u64>,
        error: Error,
    ) -> Result<(), Error> {
        self.reject_token(generation).await;
        if state.renewed {
            self.back_off(state, error).await
        } else {
            // The immediate resend still counts as an attempt.
            state.renewed = true;
            state.failures += 1;
            if state.failures >= self.inner.config.retry.max_attempts.max(1) {
                return Err(error);
            }
            Ok(())
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
            match error.retry_after() {
                Some(asked) => server_wait(asked, policy.rate_limit_window),
                None => delay,
            }
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
                Retry::Expired => self.renew_expired(&mut state, generation, error).await?,
                Retry::Ambiguous => {
                    ambiguous = true;
                    self.back_off(&mut state, error).await?;
                }
                Retry::Safe | Retry::SafeAfterWindow => self.back_off(&mut state, error).await?,
            }
        }
    }

    /// Sends a write that must not be repeated blindly: a create (an invite, a role, a service) or
    /// a change to a set that another writer may change too (a user's role pairs). It is resent
    /// blindly only after a failure that proves nothing happened; after an ambiguous one, `lookup` decides whether it took effect (then its result is
    /// returned) or must be resent (optionally with a new body). A final refusal that follows an
    /// ambiguous attempt (e.g. "already exists") is also checked with `lookup`.
    pub(crate) async fn guarded_write<T, F, Fut>(
        &self,
        mut call: Call,
        what: &str,
        mut lookup: F,
    ) -> Result<T, Error>
    where
        T: DeserializeOwned,
        F: FnMut(Client) -> Fut,
        Fut: Future<Output = Result<Lookup<T>, Error>>,
    {
        let mut state = RetryState::new();
        let mut ambiguous = false;
        loop {
            let (error, generation) = match self.attempt_cancellable(&call).await {
                Err((error, _)) if error.kind() == ErrorKind::Cancelled => {
                    // Stopped while the create may have been on its way: find out before saying.
                    return self.settle_cancelled(error, what, &mut lookup).await;
                }
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
                Retry::Expired => self.renew_expired(&mut state, generation, error).await,
                Retry::Safe | Retry::SafeAfterWindow => self.back_off(&mut state, error).await,
                Retry::Ambiguous => {
                    ambiguous = true;
                    // Wait first: the server may still be applying the request.
                    match self.back_off(&mut state, error).await {
                        Ok(()) => {
                            bump(&self.inner.counters.lookups);
                            match lookup(self.read_back()).await? {
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
                    if ambiguous && error.kind() == ErrorKind::Cancelled {
                        return self.settle_cancelled(error, what, &mut lookup).await;
                    }
                    if ambiguous {
                        bump(&self.inner.counters.lookups);
                        if let Lookup::Found(found) = lookup(self.read_back()).await? {
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
    /// A create was cancelled (Ctrl-C, `StopProvider`) while it may have been sent: its outcome
    /// is unknown, so the object is looked up (on a handle that is not cancelled, within one
    /// request timeout) before the cancellation is reported. Found: it was created, and is
    /// returned. Not found, or the look-up failed: the error says so.
    async fn settle_cancelled<T, F, Fut>(
        &self,
        error: Error,
        what: &str,
        lookup: &mut F,
    ) -> Result<T, Error>
    where
        F: FnMut(Client) -> Fut,
        Fut: Future<Output = Result<Lookup<T>, Error>>,
    {
        bump(&self.inner.counters.lookups);
        let detached = self.read_back().with_cancellation(CancellationToken::new());
        let limit = self
            .inner
            .config
            .request_timeout
            .max(Duration::from_secs(1));
        let outcome = tokio::time::timeout(limit, lookup(detached)).await;
        let message = match outcome {
            Ok(Ok(Lookup::Found(found))) => return Ok(found),
            Ok(Ok(Lookup::Resend(_))) => format!(
                "the call was cancelled while the {what} create may have been on its way, so its \
                 outcome was unknown; looking it up afterwards did not find it: it was not created"
            ),
            Ok(Err(e)) => format!(
                "the call was cancelled while the {what} create may have been on its way: its \
                 outcome is unknown, and looking it up failed ({e}); check Marketo before \
                 applying again"
            ),
            Err(_) => format!(
                "the call was cancelled while the {what} create may have been on its way: its \
                 outcome is unknown, and looking it up took longer than {}; check Marketo before \
                 applying again",
                super::http::seconds(limit)
            ),
        };
        Err(error.with_message(message))
    }

    /// [`Client::guarded_write`] for an object with a unique name: after an ambiguous failure, `find`
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
        let name = name.to_owned();
        self.guarded_write(call, what, move |client| {
            let found = find(client, name.clone());
            async move { Ok(found.await?.map_or(Lookup::Resend(None), Lookup::Found)) }
        })
        .await
    }
}
