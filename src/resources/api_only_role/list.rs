//! `list "marketo_api_only_role"`: the instance's custom roles, from the published `roles.json`,
//! optionally only those whose name starts with `name_prefix`. The whole role (its permissions)
//! comes from the role endpoint, which Marketo does not publish (guide "Admin endpoints").

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::ApiOnlyRole;
use crate::adapters::list::{Found, Listed};
use crate::common::api_error;
use marketo_client::Client;
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Diagnostics, Schema, Type};

/// The `config` block of a `list "marketo_api_only_role"` block.
#[derive(Debug, Serialize, Deserialize)]
pub struct RoleFilter {
    pub name_prefix: Attr<String>,
}

#[async_trait]
impl Listed for ApiOnlyRole {
    type Filter = RoleFilter;

    fn filter_schema() -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Lists the instance's custom roles (system roles such as Admin are never \
                     listed). With `include_resource = true` each role's permissions are read \
                     from the role endpoint of the guide \"Admin endpoints\".",
                )
                .attribute(
                    Attribute::new("name_prefix", Type::String)
                        .optional()
                        .description(
                            "Only roles whose name starts with this text, compared without \
                             regard to case.",
                        ),
                ),
        )
    }

    async fn find(&self, client: &Client, filter: &RoleFilter) -> Result<Vec<Found>, Diagnostics> {
        let prefix = filter.name_prefix.as_str().map(str::to_lowercase);
        let roles = client
            .list_roles()
            .await
            .map_err(|e| Diagnostics::from(api_error("listing the roles", &e)))?;
        let mut found: Vec<(i64, Found)> = roles
            .into_iter()
            .filter(|r| r.role_type.as_deref() != Some("system"))
            .filter(|r| {
                prefix
                    .as_deref()
                    .is_none_or(|p| r.name.to_lowercase().starts_with(p))
            })
            .map(|r| {
                (
                    r.id,
                    Found {
                        id: r.id.to_string(),
                        display_name: r.name,
                    },
                )
            })
            .collect();
        found.sort_by_key(|(id, _)| *id);
        Ok(found.into_iter().map(|(_, f)| f).collect())
    }
}
