//! Retries: exponential back-off with jitter bounded by attempts and total time, a refused token
//! renewed once, and the create rule (a write whose outcome is unknown is looked up before it is
//! sent again).

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use super::http::parse;
use super::{Call, Client, bump, cancelled};
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

impl Client {
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
