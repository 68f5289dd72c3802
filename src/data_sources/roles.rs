//! `marketo_roles`: every role of the instance, system and custom, from the published
//! `users/roles.json`.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::listed;
use crate::adapters::lookup::ModelDataSource;
use crate::common::{Shared, optional_attr};
use marketo_client::{Client, Role};
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Diagnostics, NestingMode, Schema, Type};

/// One role, as `marketo_roles` lists it and `marketo_role` reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoleObject {
    pub id: Attr<String>,
    pub name: Attr<String>,
    pub description: Attr<String>,
    #[serde(rename = "type")]
    pub role_type: Attr<String>,
    pub hidden: Attr<bool>,
    pub only_all_zones: Attr<bool>,
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RolesModel {
    pub id: Attr<String>,
    pub roles: Attr<Vec<RoleObject>>,
}

/// The attributes of one role, all computed: `(name, type, description)`.
const ROLE_FIELDS: [(&str, Type, &str); 6] = [
    (
        "id",
        Type::String,
        "The role's numeric Marketo id, as a string (it converts to the number a \
         `role_assignment.role_id` expects).",
    ),
    ("name", Type::String, "The role's name."),
    (
        "description",
        Type::String,
        "The role's description; null when it has none.",
    ),
    (
        "type",
        Type::String,
        "`system` for Marketo's built-in roles (Admin, Standard User, ...), `custom` for the \
         others.",
    ),
    (
        "hidden",
        Type::Bool,
        "Whether the role is hidden in the Admin UI.",
    ),
    (
        "only_all_zones",
        Type::Bool,
        "Whether the role can only be assigned in workspace 0 (all workspaces), as Admin.",
    ),
];

/// The attributes of a role, computed, for a nested list or a data source's own block.
pub(crate) fn role_attributes() -> Vec<Attribute> {
    ROLE_FIELDS
        .iter()
        .map(|(name, ty, desc)| {
            Attribute::new(*name, ty.clone())
                .computed()
                .description(*desc)
        })
        .collect()
}

/// One role as a Terraform object.
pub(crate) fn role_object(r: &Role) -> RoleObject {
    RoleObject {
        id: Attr::Known(r.id.to_string()),
        name: Attr::Known(r.name.clone()),
        description: optional_attr(r.description.as_deref()),
        role_type: r.role_type.clone().into(),
        hidden: Attr::Known(r.is_hidden),
        only_all_zones: Attr::Known(r.is_only_all_zones),
    }
}

/// `marketo_roles`.
#[derive(Debug, Clone)]
pub struct RolesDataSource {
    shared: Arc<Shared>,
}

impl RolesDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        RolesDataSource { shared }
    }
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "Every role of the Marketo instance, system and custom, as the published \
                 `users/roles.json` lists them (without permissions).",
            )
            .attribute(
                Attribute::new("id", Type::String)
                    .computed()
                    .description("Always `roles`."),
            )
            .attribute(
                Attribute::nested("roles", NestingMode::List, role_attributes())
                    .computed()
                    .description("The roles, by id."),
            ),
    )
}

#[async_trait]
impl ModelDataSource for RolesDataSource {
    type Model = RolesModel;
    const TYPE_NAME: &'static str = "marketo_roles";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    async fn read(&self, client: &Client, _config: RolesModel) -> Result<RolesModel, Diagnostics> {
        let roles = listed("roles", client.list_roles().await, |a, b| a.id.cmp(&b.id))?;
        Ok(RolesModel {
            id: Attr::Known("roles".to_string()),
            roles: Attr::Known(roles.iter().map(role_object).collect()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid() {
        assert!(!schema().check().has_errors());
        tfplugin6::model::check_model::<RolesModel>(&schema().value_type(), true).unwrap();
    }

    #[test]
    fn role_objects_match_the_schema() {
        let r: Role = serde_json::from_value(serde_json::json!({
            "id": 2, "name": "Standard User", "description": "", "type": "system",
            "hidden": false, "onlyAllZones": true
        }))
        .unwrap();
        let v = tfplugin6::model::to_value(&role_object(&r)).unwrap();
        assert_eq!(v.get("id").as_str(), Some("2"));
        assert!(v.get("description").is_null());
        assert_eq!(v.get("only_all_zones").as_bool(), Some(true));
        let mut names: Vec<String> = role_attributes().into_iter().map(|a| a.name).collect();
        names.sort();
        let keys: Vec<String> = v.as_map().unwrap().keys().cloned().collect();
        assert_eq!(names, keys);
    }
}
