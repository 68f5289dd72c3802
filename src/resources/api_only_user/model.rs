//! The schema of `api_only_user` and its model: the one place its attribute names are written.

use serde::{Deserialize, Serialize};

pub use super::expiry::Expiry;
pub use crate::common::Assignment;
use tfplugin6::model::{Attr, Set};
use tfplugin6::{Attribute, Block, BlockNesting, NestedBlock, Schema, Type};

/// The resource type.
pub const TYPE_NAME: &str = "marketo_api_only_user";

/// The attribute names, written here once: the schema below and the resource's diagnostics
/// (their attribute paths) use these.
pub mod attr {
    pub const API_ONLY: &str = "api_only";
    pub const EMAIL: &str = "email";
    pub const EXPIRES_AT: &str = "expires_at";
    pub const FIRST_NAME: &str = "first_name";
    pub const ID: &str = "id";
    pub const LAST_NAME: &str = "last_name";
    pub const LOCKED: &str = "locked";
    pub const MARKETO_ID: &str = "marketo_id";
    pub const REASON: &str = "reason";
    pub const ROLE_ASSIGNMENT: &str = "role_assignment";
    pub const ROLE_ID: &str = "role_id";
    pub const STATUS: &str = "status";
    pub const USERID: &str = "userid";
    pub const WORKSPACE_ID: &str = "workspace_id";
}

/// The schema's attributes and blocks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserModel {
    pub id: Attr<String>,
    pub userid: Attr<String>,
    pub email: Attr<String>,
    pub first_name: Attr<String>,
    pub last_name: Attr<String>,
    pub expires_at: Attr<Expiry>,
    pub reason: Attr<String>,
    pub marketo_id: Attr<i64>,
    pub status: Attr<String>,
    pub api_only: Attr<bool>,
    pub locked: Attr<bool>,
    pub role_assignment: Attr<Set<Assignment>>,
}

pub(super) fn schema() -> Schema {
    let assignment = Block::new()
        .description("A role the user holds in a workspace.")
        .attribute(
            Attribute::new(attr::ROLE_ID, Type::Number)
                .required()
                .description(
                    "Id of the role: `marketo_api_only_role.<name>.id` or \
                     `data.marketo_role.<name>.id`.",
                ),
        )
        .attribute(
            Attribute::new(attr::WORKSPACE_ID, Type::Number)
                .required()
                .description(
                    "Id of the workspace; `0` is \"AllZones\" (every workspace), which roles such \
                     as Admin require. See the `marketo_workspace` data source.",
                ),
        );
    Schema::new(
        0,
        Block::new()
            .description(
                "An API-only user of Marketo Engage. API-only users log in only through the API, \
                 with the credentials of a LaunchPoint custom service they own \
                 (`marketo_custom_service`); no invitation email is sent and the user is active \
                 at once.\n\nThe user holds exactly the roles of its `role_assignment` blocks: \
                 roles added or removed outside Terraform show up in the next plan.",
            )
            .attribute(
                Attribute::new(attr::ID, Type::String)
                    .computed()
                    .description("The user's `userid`."),
            )
            .attribute(
                Attribute::new(attr::USERID, Type::String)
                    .optional()
                    .computed()
                    .description(
                        "The login id. Defaults to `email` on Marketo Identity instances; Adobe \
                         Identity instances generate one (`<uuid>@adobe.com`). Changing it \
                         replaces the user.",
                    ),
            )
            .attribute(
                Attribute::new(attr::EMAIL, Type::String)
                    .required()
                    .description(
                        "Email address. API-only users receive no email, so it need not be a \
                         real mailbox, but it must be unique in the instance and well-formed.",
                    ),
            )
            .attribute(
                Attribute::new(attr::FIRST_NAME, Type::String)
                    .required()
                    .description("First name (at most 255 characters)."),
            )
            .attribute(
                Attribute::new(attr::LAST_NAME, Type::String)
                    .required()
                    .description("Last name (at most 255 characters)."),
            )
            .attribute(
                Attribute::new(attr::EXPIRES_AT, Type::String)
                    .optional()
                    .description(
                        "When the user's access ends, as an RFC 3339 timestamp in the future \
                         (e.g. `2027-12-31T23:59:59Z`), to the millisecond at most (Marketo keeps \
                         no finer precision). Omit for access that never expires. \
                         Removing it once set replaces the user: Marketo cannot clear an expiry.",
                    ),
            )
            .attribute(
                Attribute::new(attr::REASON, Type::String)
                    .optional()
                    .description(
                        "Why the user exists; sent with the invitation. Marketo never returns it, \
                         so it is not checked for drift, and changing it replaces the user \
                         (setting it on an imported user does not).",
                    ),
            )
            .attribute(
                Attribute::new(attr::MARKETO_ID, Type::Number)
                    .computed()
                    .description("Marketo's numeric id of the user."),
            )
            .attribute(
                Attribute::new(attr::STATUS, Type::String)
                    .computed()
                    .description(
                        "`active`, or `pending` for an invitation not yet accepted (instances \
                         that treat API-only users as invitations).",
                    ),
            )
            .attribute(
                Attribute::new(attr::API_ONLY, Type::Bool)
                    .computed()
                    .description("Always `true` for users this resource creates."),
            )
            .attribute(
                Attribute::new(attr::LOCKED, Type::Bool)
                    .computed()
                    .description("Whether Marketo has locked the user's login."),
            )
            .block(
                NestedBlock::new(attr::ROLE_ASSIGNMENT, BlockNesting::Set, assignment).items(1, 0),
            ),
    )
}
