//! The schema of `custom_service` and its model: the one place its attribute names are written.

use serde::{Deserialize, Serialize};

use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Schema, Type};

/// The resource type.
pub const TYPE_NAME: &str = "marketo_custom_service";

/// The attribute names, written here once: the schema below and the resource's diagnostics
/// (their attribute paths) use these.
pub mod attr {
    pub const API_ONLY_USER: &str = "api_only_user";
    pub const CLIENT_ID: &str = "client_id";
    pub const CLIENT_SECRET: &str = "client_secret";
    pub const DESCRIPTION: &str = "description";
    pub const DISPLAY_NAME: &str = "display_name";
    pub const ID: &str = "id";
    pub const STORE_CLIENT_SECRET: &str = "store_client_secret";
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceModel {
    pub id: Attr<String>,
    pub display_name: Attr<String>,
    pub description: Attr<String>,
    pub api_only_user: Attr<String>,
    pub client_id: Attr<String>,
    pub client_secret: Attr<String>,
    pub store_client_secret: Attr<bool>,
}

/// The schema version: 1 added `store_client_secret` (a version-0 state had it implicitly true).
pub const SCHEMA_VERSION: i64 = 1;

impl ServiceModel {
    /// Marketo computes these; they stay as they are on an in-place update and become unknown
    /// on a replacement.
    pub(super) fn computed_from(&mut self, other: &ServiceModel) {
        self.id = other.id.clone();
        self.client_id = other.client_id.clone();
        self.client_secret = other.client_secret.clone();
    }

    /// True unless `store_client_secret = false` (null means the default, true).
    pub fn stores_secret(&self) -> bool {
        self.store_client_secret != Attr::Known(false)
    }

    /// The one rule of `store_client_secret`, for plan and state alike: recorded as given, and
    /// `client_secret` is null when the secret is not stored, `secret` when it is.
    pub fn keep_secret(&mut self, stores: bool, secret: Attr<String>) {
        self.store_client_secret = Attr::Known(stores);
        self.client_secret = if stores { secret } else { Attr::Null };
    }
}

pub(super) fn schema() -> Schema {
    Schema::new(
        SCHEMA_VERSION,
        Block::new()
            .description(
                "A LaunchPoint **custom service**: the Client ID and Client Secret an integration \
                 uses to obtain access tokens from `/identity/oauth/token`. The tokens act as the \
                 service's API-only user and carry the permissions of that user's roles.\n\n\
                 Refer to the user as `marketo_api_only_user.<name>.userid` rather than a \
                 literal: Terraform then creates the user first and deletes the service before \
                 the user, which Marketo requires (it refuses to delete a user that still owns a \
                 service).\n\nService management is not part of Marketo's published API: the \
                 instance must serve the service endpoints listed in the guide \"Admin endpoints\" \
                 of the provider documentation (the emulator does). Elsewhere, create the service in the Admin UI and pass its \
                 credentials to Terraform as sensitive variables.",
            )
            .attribute(
                Attribute::new(attr::ID, Type::String)
                    .computed()
                    .description("The service's numeric Marketo id, as a string."),
            )
            .attribute(
                Attribute::new(attr::DISPLAY_NAME, Type::String)
                    .required()
                    .description(
                        "The name shown in Admin > Integration > LaunchPoint, 1 to 50 \
                         characters, unique in the instance (compared without regard to case). \
                         Changing it renames the service in place.",
                    ),
            )
            .attribute(
                Attribute::new(attr::DESCRIPTION, Type::String)
                    .optional()
                    .description(
                        "A description of at most 255 characters. Omit it for none (an empty \
                         string is refused).",
                    ),
            )
            .attribute(
                Attribute::new(attr::API_ONLY_USER, Type::String)
                    .required()
                    .description(
                        "The `userid` of the active API-only user the service logs in as, \
                         usually `marketo_api_only_user.<name>.userid`. Marketo cannot change a \
                         service's user: changing it replaces the service, which gets a new \
                         Client ID and Secret.",
                    ),
            )
            .attribute(
                Attribute::new(attr::CLIENT_ID, Type::String)
                    .computed()
                    .description("The Client ID Marketo generated for the service."),
            )
            .attribute(
                Attribute::new(attr::CLIENT_SECRET, Type::String)
                    .computed()
                    .sensitive()
                    .description(
                        "The Client Secret Marketo generated for the service. Sensitive: it is \
                         kept in the state (unless `store_client_secret = false`), so protect the \
                         state accordingly, and mark outputs that carry it `sensitive = true`.",
                    ),
            )
            .attribute(
                Attribute::new(attr::STORE_CLIENT_SECRET, Type::Bool)
                    .optional()
                    .computed()
                    .description(
                        "Whether `client_secret` is kept in the state (default `true`). With \
                         `false` it is null in state and plan, and the secret is handed on \
                         through the ephemeral `marketo_custom_service_credentials` instead \
                         (Terraform 1.10 and later). Changing it changes nothing in Marketo.",
                    ),
            ),
    )
}
