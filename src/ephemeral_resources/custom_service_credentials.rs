//! `ephemeral "marketo_custom_service_credentials"`: the Client ID and Client Secret of a
//! LaunchPoint custom service, read afresh in every run and never stored. With
//! `store_client_secret = false` on the `marketo_custom_service`, this is how its secret reaches
//! the integration (a secrets manager's write-only attribute, another provider block).

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::adapters::lookup::ModelDataSource;
use crate::common::{Shared, api_error, endpoint_missing, parse_id};
use marketo_client::{Client, ErrorKind};
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Schema, Type};

/// `marketo_custom_service_credentials`.
#[derive(Debug, Clone)]
pub struct ServiceCredentials {
    shared: Arc<Shared>,
}

impl ServiceCredentials {
    /// The ephemeral resource, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        ServiceCredentials { shared }
    }
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CredentialsModel {
    pub service_id: Attr<String>,
    pub display_name: Attr<String>,
    pub api_only_user: Attr<String>,
    pub client_id: Attr<String>,
    pub client_secret: Attr<String>,
}

const INSTEAD: &str = "Copy the Client ID and Secret from the Admin UI (Admin > Integration > \
                       LaunchPoint > View Details) into sensitive variables instead.";

#[async_trait]
impl ModelDataSource for ServiceCredentials {
    type Model = CredentialsModel;
    const TYPE_NAME: &'static str = "marketo_custom_service_credentials";

    fn schema() -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "The Client ID and Client Secret of a LaunchPoint custom service, read afresh \
                     in every Terraform run and never stored in state or plan. Pair it with \
                     `store_client_secret = false` on the `marketo_custom_service` to keep the \
                     secret out of the state altogether. Reads the service endpoint of the guide \
                     \"Admin endpoints\".",
                )
                .attribute(
                    Attribute::new("service_id", Type::String)
                        .required()
                        .description("The service's id: `marketo_custom_service.<name>.id`."),
                )
                .attribute(
                    Attribute::new("display_name", Type::String)
                        .computed()
                        .description("The service's display name."),
                )
                .attribute(
                    Attribute::new("api_only_user", Type::String)
                        .computed()
                        .description("The userid of the API-only user the service acts as."),
                )
                .attribute(
                    Attribute::new("client_id", Type::String)
                        .computed()
                        .description("The service's Client ID."),
                )
                .attribute(
                    Attribute::new("client_secret", Type::String)
                        .computed()
                        .sensitive()
                        .description("The service's Client Secret."),
                ),
        )
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &CredentialsModel) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if let Some(id) = config.service_id.as_str()
            && parse_id(id).is_none()
        {
            diags.push(
                Diagnostic::error(
                    "Invalid service id",
                    format!(
                        "\"{}\" is not a service id: ids are whole numbers, such as \
                             marketo_custom_service.<name>.id.",
                        id.escape_debug()
                    ),
                )
                .at(AttributePath::root("service_id")),
            );
        }
        diags
    }

    async fn read(
        &self,
        client: &Client,
        config: CredentialsModel,
    ) -> Result<CredentialsModel, Diagnostics> {
        let text = config.service_id.as_str().unwrap_or_default();
        let Some(id) = parse_id(text) else {
            return Err(self.check(&config));
        };
        match client.get_service(id).await {
            Ok(Some(detail)) => Ok(CredentialsModel {
                display_name: Attr::Known(detail.service.display_name.clone()),
                api_only_user: Attr::Known(detail.service.api_only_user.clone()),
                client_id: Attr::Known(detail.service.client_id.clone()),
                client_secret: Attr::Known(detail.client_secret.expose().to_string()),
                ..config
            }),
            Ok(None) => Err(Diagnostic::error(
                "No such custom service",
                format!("Marketo has no LaunchPoint custom service with id {id}."),
            )
            .at(AttributePath::root("service_id"))
            .into()),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                Err(endpoint_missing("LaunchPoint service", INSTEAD).into())
            }
            Err(e) => Err(api_error(&format!("reading the custom service {id}"), &e).into()),
        }
    }
}
