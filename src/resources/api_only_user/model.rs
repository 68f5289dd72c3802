//! The schema of `api_only_user` and its model: the one place its attribute names are written.

use serde::{Deserialize, Serialize};

pub use super::expiry::Expiry;
pub use crate::common::Assignment;
use tfplugin6::model::{Attr, Set};
use tfplugin6::{Attribute, Block, BlockNesting, NestedBlock, Schema, Type};

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
            Attribute::new("role_id", Type::Number)
                .required()
                .description(
                    "Id of the role: `marketo_api_only_role.<name>.id` or \
                     `data.marketo_role.<name>.id`.",
                ),
        )
        .attribute(
            Attribute::new("workspace_id", Type::Number)
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
                Attribute::new("id", Type::String)
                    .computed()
                    .description("The user's `userid`."),
            )
            .attribute(
                Attribute::new("userid", Type::String)
                    .optional()
                    .computed()
                    .description(
                        "The login id. Defaults to `email` on Marketo Identity instances; Adobe \
                         Identity instances generate one (`<uuid>@adobe.com`). Changing it \
                         replaces the user.",
                    ),
            )
            .attribute(
                Attribute::new("email", Type::String)
                    .required()
                    .description(
                        "Email address. API-only users receive no email, so it need not be a \
                         real mailbox, but it must be unique in the instance and well-formed.",
                    ),
            )
            .attribute(
                Attribute::new("first_name", Type::String)
                    .required()
                    .description("First name (at most 255 characters)."),
            )
            .attribute(
                Attribute::new("last_name", Type::String)
                    .required()
                    .description("Last name (at most 255 characters)."),
            )
            .attribute(
                Attribute::new("expires_at", Type::String)
                    .optional()
                    .description(
                        "When the user's access ends, as an RFC 3339 timestamp in the future \
                         (e.g. `2027-12-31T23:59:59Z`), to the millisecond at most (Marketo keeps \
                         no finer precision). Omit for access that never expires. \
                         Removing it once set replaces the user: Marketo cannot clear an expiry.",
                    ),
            )
            .attribute(
                Attribute::new("reason", Type::String)
                    .optional()
                    .description(
                        "Why the user exists; sent with the invitation. Marketo never returns it, \
                         so it is not checked for drift, and changing it replaces the user \
                         (setting it on an imported user does not).",
                    ),
            )
            .attribute(
                Attribute::new("marketo_id", Type::Number)
                    .computed()
                    .description("Marketo's numeric id of the user."),
            )
            .attribute(
                Attribute::new("status", Type::String)
                    .computed()
                    .description(
                        "`active`, or `pending` for an invitation not yet accepted (instances \
                         that treat API-only users as invitations).",
                    ),
            )
            .attribute(
                Attribute::new("api_only", Type::Bool)
                    .computed()
                    .description("Always `true` for users this resource creates."),
            )
            .attribute(
                Attribute::new("locked", Type::Bool)
                    .computed()
                    .description("Whether Marketo has locked the user's login."),
            )
            .block(NestedBlock::new("role_assignment", BlockNesting::Set, assignment).items(1, 0)),
    )
}
