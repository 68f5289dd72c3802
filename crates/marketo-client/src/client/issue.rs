//! Access tokens handed out, rather than used by the client itself: for the provider's own
//! credentials or for another service's Client ID and Secret (an ephemeral token for an
//! integration, or a check that a service's credentials work).

use super::identity::identity_request;
use super::{Client, bump, cancelled};
use crate::error::Error;
use crate::secret::Secret;
use crate::types::TokenInfo;

impl Client {
    /// A token from the identity endpoint for `credentials` (a Client ID and Secret), or for this
    /// client's own when `None`. Marketo answers the token still valid for those credentials,
    /// if any, with its remaining life. Not cached; ends at once when the client is cancelled.
    pub async fn issue_token(
        &self,
        credentials: Option<(&str, &Secret)>,
    ) -> Result<TokenInfo, Error> {
        let config = &self.inner.config;
        let (client_id, client_secret) =
            credentials.unwrap_or((config.client_id.as_str(), &config.client_secret));
        bump(&self.inner.counters.identity_requests);
        let request = identity_request(
            &self.inner.http,
            config.request_timeout,
            &config.identity_endpoint,
            client_id,
            client_secret,
        );
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(cancelled()),
            result = request => result,
        }
    }
}
