//! `list "marketo_api_only_user"`: the instance's API-only users, from the published
//! `users/allusers.json` (paged), optionally only those whose email ends with `email_suffix`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::ApiOnlyUser;
use crate::adapters::list::{Found, Listed};
use crate::common::api_error;
use marketo_client::Client;
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Diagnostics, Schema, Type};

/// The `config` block of a `list "marketo_api_only_user"` block.
#[derive(Debug, Serialize, Deserialize)]
pub struct UserFilter {
    pub email_suffix: Attr<String>,
}

#[async_trait]
impl Listed for ApiOnlyUser {
    type Filter = UserFilter;

    fn filter_schema() -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Lists the instance's API-only users (users who are not API-only are never \
                     listed: this resource does not manage them).",
                )
                .attribute(
                    Attribute::new("email_suffix", Type::String)
                        .optional()
                        .description(
                            "Only users whose email address ends with this text, compared \
                             without regard to case (e.g. `@integrations.example.com`).",
                        ),
                ),
        )
    }

    async fn find(&self, client: &Client, filter: &UserFilter) -> Result<Vec<Found>, Diagnostics> {
        let suffix = filter.email_suffix.as_str().map(str::to_lowercase);
        let users = client
            .list_users()
            .await
            .map_err(|e| Diagnostics::from(api_error("listing the users", &e)))?;
        let mut found: Vec<Found> = users
            .into_iter()
            .filter(|u| u.api_only)
            .filter(|u| {
                suffix
                    .as_deref()
                    .is_none_or(|s| u.email_address.to_lowercase().ends_with(s))
            })
            .map(|u| Found {
                display_name: if u.email_address.is_empty() {
                    u.userid.clone()
                } else {
                    u.email_address.clone()
                },
                id: u.userid,
            })
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(found)
    }
}
