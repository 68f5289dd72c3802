//! `ephemeral "marketo_access_token"`: an access token from Marketo's identity endpoint, for the
//! provider's own credentials or for the `client_id` / `client_secret` given, with its expiry.
//! For a step that calls Marketo's REST API itself (a script, an HTTP provider) without the
//! token ever reaching the state.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::adapters::lookup::ModelDataSource;
use crate::common::{Shared, api_error};
use marketo_client::{Client, Secret};
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Number, Schema, Type};

/// `marketo_access_token`.
#[derive(Debug, Clone)]
pub struct AccessToken {
    shared: Arc<Shared>,
}

impl AccessToken {
    /// The ephemeral resource, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        AccessToken { shared }
    }
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TokenModel {
    pub client_id: Attr<String>,
    pub client_secret: Attr<String>,
    pub access_token: Attr<String>,
    pub expires_in: Attr<Number>,
    pub expires_at: Attr<String>,
    pub scope: Attr<String>,
}

#[async_trait]
impl ModelDataSource for AccessToken {
    type Model = TokenModel;
    const TYPE_NAME: &'static str = "marketo_access_token";

    fn schema() -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "An access token from Marketo's identity endpoint (`/identity/oauth/token`), \
                     opened afresh in every Terraform run and never stored in state or plan. \
                     Without `client_id` and `client_secret` it is a token for the provider's own \
                     credentials; with them, a token for that LaunchPoint service (e.g. the \
                     credentials of `ephemeral.marketo_custom_service_credentials`). Marketo \
                     answers the token still valid for those credentials, if any, so \
                     `expires_in` may be less than the full hour.",
                )
                .attribute(
                    Attribute::new("client_id", Type::String)
                        .optional()
                        .description(
                            "The Client ID of the service to obtain a token for; set it with \
                             `client_secret`, or neither for the provider's own credentials.",
                        ),
                )
                .attribute(
                    Attribute::new("client_secret", Type::String)
                        .optional()
                        .sensitive()
                        .description("The Client Secret that goes with `client_id`."),
                )
                .attribute(
                    Attribute::new("access_token", Type::String)
                        .computed()
                        .sensitive()
                        .description(
                            "The token, for an `Authorization: Bearer` header on REST API \
                             calls.",
                        ),
                )
                .attribute(
                    Attribute::new("expires_in", Type::Number)
                        .computed()
                        .description("Seconds of life the token had when Marketo answered."),
                )
                .attribute(
                    Attribute::new("expires_at", Type::String)
                        .computed()
                        .description(
                            "When the token expires, RFC 3339 in UTC (from `expires_in`).",
                        ),
                )
                .attribute(
                    Attribute::new("scope", Type::String)
                        .computed()
                        .description("The API-only user the token acts as (the service's owner)."),
                ),
        )
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &TokenModel) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let (id, secret) = (!config.client_id.is_null(), !config.client_secret.is_null());
        if id != secret {
            let (missing, given) = if id {
                ("client_secret", "client_id")
            } else {
                ("client_id", "client_secret")
            };
            diags.push(
                Diagnostic::error(
                    format!("Missing {missing}"),
                    format!(
                        "`{given}` is set without `{missing}`: set both to obtain a token for \
                         that service, or neither for the provider's own credentials."
                    ),
                )
                .at(AttributePath::root(missing)),
            );
        }
        if config
            .client_id
            .as_str()
            .is_some_and(|s| s.trim().is_empty())
        {
            diags.push(
                Diagnostic::error("Empty client_id", "`client_id` must not be empty.")
                    .at(AttributePath::root("client_id")),
            );
        }
        diags
    }

    async fn read(&self, client: &Client, config: TokenModel) -> Result<TokenModel, Diagnostics> {
        let secret = config
            .client_secret
            .as_str()
            .map(|s| Secret::new(s.to_string()));
        let credentials = match (config.client_id.as_str(), secret.as_ref()) {
            (Some(id), Some(secret)) => Some((id.trim(), secret)),
            _ => None,
        };
        let info = client
            .issue_token(credentials)
            .await
            .map_err(|e| Diagnostics::from(api_error("obtaining an access token", &e)))?;
        let expires_in = i64::try_from(info.expires_in).unwrap_or(i64::MAX);
        let expires_at =
            marketo_client::now_utc() + chrono::Duration::seconds(expires_in.min(1 << 31));
        Ok(TokenModel {
            access_token: Attr::Known(info.token.expose().to_string()),
            expires_in: Attr::Known(Number::from_i64(expires_in)),
            expires_at: Attr::Known(expires_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
            scope: Attr::Known(info.scope),
            ..config
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_credentials_or_neither() {
        let t = AccessToken::new(Arc::default());
        let ok = TokenModel::default();
        assert!(t.check(&ok).is_empty());
        let only_id = TokenModel {
            client_id: Attr::Known("abc".into()),
            client_secret: Attr::Null,
            ..TokenModel::default()
        };
        let d = t.check(&only_id);
        assert!(d.to_string().contains("Missing client_secret"), "{d}");
        let both = TokenModel {
            client_id: Attr::Known("abc".into()),
            client_secret: Attr::Unknown,
            ..TokenModel::default()
        };
        assert!(t.check(&both).is_empty());
    }
}
