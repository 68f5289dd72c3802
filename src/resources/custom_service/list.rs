//! `list "marketo_custom_service"`: the instance's LaunchPoint custom services, from the service
//! endpoint Marketo does not publish (guide "Admin endpoints"), optionally only those owned by
//! `api_only_user`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{CustomService, INSTEAD};
use crate::adapters::list::{Found, Listed};
use crate::common::{api_error, endpoint_missing};
use marketo_client::{Client, ErrorKind};
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Diagnostics, Schema, Type};

/// The `config` block of a `list "marketo_custom_service"` block.
#[derive(Debug, Serialize, Deserialize)]
pub struct ServiceFilter {
    pub api_only_user: Attr<String>,
}

#[async_trait]
impl Listed for CustomService {
    type Filter = ServiceFilter;

    fn filter_schema() -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Lists the instance's LaunchPoint custom services, through the service \
                     endpoints of the guide \"Admin endpoints\".",
                )
                .attribute(
                    Attribute::new("api_only_user", Type::String)
                        .optional()
                        .description(
                            "Only services owned by this API-only user (its userid), compared \
                             without regard to case.",
                        ),
                ),
        )
    }

    async fn find(
        &self,
        client: &Client,
        filter: &ServiceFilter,
    ) -> Result<Vec<Found>, Diagnostics> {
        let owner = filter.api_only_user.as_str().map(str::to_lowercase);
        let services = client.list_services().await.map_err(|e| {
            Diagnostics::from(if e.kind() == ErrorKind::EndpointMissing {
                endpoint_missing("LaunchPoint service", INSTEAD)
            } else {
                api_error("listing the custom services", &e)
            })
        })?;
        let mut found: Vec<(i64, Found)> = services
            .into_iter()
            .filter(|s| {
                owner
                    .as_deref()
                    .is_none_or(|o| s.api_only_user.to_lowercase() == o)
            })
            .map(|s| {
                (
                    s.id,
                    Found {
                        id: s.id.to_string(),
                        display_name: s.display_name,
                    },
                )
            })
            .collect();
        found.sort_by_key(|(id, _)| *id);
        Ok(found.into_iter().map(|(_, f)| f).collect())
    }
}
