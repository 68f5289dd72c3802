//! The schema of `api_only_role` and its model: the one place its attribute names are written.

use serde::{Deserialize, Serialize};

use tfplugin6::model::{Attr, Set};
use tfplugin6::{Attribute, Block, Schema, Type};

/// The resource type.
pub const TYPE_NAME: &str = "marketo_api_only_role";

/// The attribute names, written here once: the schema below and the resource's diagnostics
/// (their attribute paths) use these.
pub mod attr {
    pub const DESCRIPTION: &str = "description";
    pub const ID: &str = "id";
    pub const NAME: &str = "name";
    pub const PERMISSIONS: &str = "permissions";
    pub const TYPE: &str = "type";
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleModel {
    pub id: Attr<String>,
    pub name: Attr<String>,
    pub description: Attr<String>,
    pub permissions: Attr<Set<Attr<String>>>,
    #[serde(rename = "type")]
    pub role_type: Attr<String>,
}

pub(super) fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "A custom Marketo role for **API-only users**: a name and a set of Access API \
                 permissions. Assign it to a `marketo_api_only_user` through its \
                 `role_assignment`. Marketo applies only permissions of the *Access API* group to \
                 API-only users, so only those are accepted, with `Access Users` of the *Access \
                 Admin* group, which the User Management API needs; the `marketo_permissions` data \
                 source lists them with their group.\n\nRole management is not part of Marketo's published API: the \
                 instance must serve the role endpoints listed in the guide \"Admin endpoints\" of \
                 the provider documentation (the emulator does). Elsewhere, create the role in \
                 the Admin UI and read it with the `marketo_role` data source.",
            )
            .attribute(
                Attribute::new(attr::ID, Type::String)
                    .computed()
                    .description("The role's numeric Marketo id, as a string."),
            )
            .attribute(Attribute::new(attr::NAME, Type::String).required().description(
                "The role's name, 1 to 50 characters, unique in the instance (compared \
                     without regard to case). Changing it renames the role in place.",
            ))
            .attribute(
                Attribute::new(attr::DESCRIPTION, Type::String)
                    .optional()
                    .description(
                        "A description of at most 255 characters. Omit it for none (an empty \
                         string is refused).",
                    ),
            )
            .attribute(
                Attribute::new(attr::PERMISSIONS, Type::set(Type::String))
                    .required()
                    .description(
                        "The Access API permission names the role grants, e.g. \
                         `\"Read-Write Lead\"`. The set is authoritative: the role holds exactly \
                         these. An unknown name is an error that suggests the closest valid one. \
                         Besides the Access API group, `\"Access Users\"` (Access Admin group) is \
                         accepted, because Marketo's User Management API needs it; other admin \
                         permissions such as `\"Access Roles\"` are refused because they grant an \
                         API-only user nothing. May be empty.",
                    ),
            )
            .attribute(
                Attribute::new(attr::TYPE, Type::String)
                    .computed()
                    .description("Marketo's role type: `custom` for roles made here."),
            ),
    )
}
