//! The client's own access token: cached per [`Client`] (shared by its clones), fetched one at a
//! time, renewed before it expires ([`TokenRefresh`](crate::TokenRefresh)) and after Marketo refuses
//! it; and the identity it names. The Identity call itself is `identity.rs`'s.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::time::Instant;

use super::identity::{CachedToken, identity_request};
use super::{Client, bump};
use crate::error::{Error, ErrorKind, Retry};
use crate::secret::Secret;

impl Client {
    /// The shared token, fetched if needed. The lock is held during the fetch: one fetch at a time.
    pub(super) async fn token(&self) -> Result<(Secret, u64), Error> {
        let mut guard = self.inner.token.lock().await;
        let refresh = &self.inner.config.token_refresh;
        if let Some(cached) = guard.as_ref().filter(|t| t.fresh(Instant::now(), refresh)) {
            return Ok((cached.token.clone(), cached.generation));
        }
        bump(&self.inner.counters.identity_requests);
        let info = identity_request(
            &self.inner.http,
            self.inner.config.request_timeout,
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
        *self.identity_slot() = Some(info.scope.clone());
        *guard = Some(CachedToken {
            token: info.token.clone(),
            fetched: Instant::now(),
            lifetime: Duration::from_secs(info.expires_in),
            generation,
        });
        Ok((info.token, generation))
    }

    fn identity_slot(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        match self.inner.identity.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The email (userid) of the API-only user this client logs in as: the `scope` of its own
    /// token, under which the Usage API counts its calls. Taken from the token held, or the last
    /// one fetched (a service's owner cannot change), without a call; otherwise a token is fetched
    /// first, as [`Client::authenticate`] does. An identity answer without a `scope` gives
    /// [`ErrorKind::InvalidResponse`].
    pub async fn identity_email(&self) -> Result<String, Error> {
        let known = self.identity_slot().clone();
        let scope = match known {
            Some(scope) => scope,
            None => {
                self.authenticate().await?;
                self.identity_slot().clone().unwrap_or_default()
            }
        };
        if scope.trim().is_empty() {
            return Err(Error::new(
                ErrorKind::InvalidResponse,
                "the identity endpoint's token answer named no user (no scope)",
            ));
        }
        Ok(scope)
    }

    /// Forgets the token of `generation` (if it is still the cached one) after Marketo refused it.
    pub(super) async fn reject_token(&self, generation: Option<u64>) {
        bump(&self.inner.counters.token_rejections);
        let mut guard = self.inner.token.lock().await;
        if guard.as_ref().map(|t| t.generation) == generation {
            *guard = None;
        }
    }
}
