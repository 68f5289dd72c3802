//! `marketo_roles`: every role of the instance, system and custom, from the published
//! `users/roles.json`.

use std::sync::Arc;

use async_trait::async_trait;

use super::read_list;
use crate::common::Shared;
use crate::common::optional_text;
use crate::marketo::Role;
use crate::plugin::{
    Attribute, Block, Context, DataSource, DataSourceReadResponse, NestingMode, Schema, Type, Value,
};

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
pub(crate) fn role_object(r: &Role) -> Value {
    Value::object([
        ("id", Value::string(r.id.to_string())),
        ("name", Value::string(&r.name)),
        ("description", optional_text(r.description.as_deref())),
        ("type", Value::opt(r.role_type.clone())),
        ("hidden", Value::bool(r.is_hidden)),
        ("only_all_zones", Value::bool(r.is_only_all_zones)),
    ])
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
impl DataSource for RolesDataSource {
    fn type_name(&self) -> &str {
        "marketo_roles"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context, _config: Value) -> DataSourceReadResponse {
        read_list(
            &self.shared,
            ctx,
            "roles",
            |client| async move { client.list_roles().await },
            |a, b| a.id.cmp(&b.id),
            role_object,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid() {
        assert!(!schema().check().has_errors());
    }

    #[test]
    fn role_objects_match_the_schema() {
        let r: Role = serde_json::from_value(serde_json::json!({
            "id": 2, "name": "Standard User", "description": "", "type": "system",
            "hidden": false, "onlyAllZones": true
        }))
        .unwrap();
        let v = role_object(&r);
        assert_eq!(v.get("id").as_str(), Some("2"));
        assert!(v.get("description").is_null());
        assert_eq!(v.get("only_all_zones").as_bool(), Some(true));
        let mut names: Vec<String> = role_attributes().into_iter().map(|a| a.name).collect();
        names.sort();
        let keys: Vec<String> = v.as_map().unwrap().keys().cloned().collect();
        assert_eq!(names, keys);
    }
}
