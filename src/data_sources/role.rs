//! `marketo_role`: one role, system or custom, by name or id, from the published
//! `users/roles.json` (so it works on every instance, with or without the role management
//! endpoints).

use std::sync::Arc;

use async_trait::async_trait;

use super::roles::{role_attributes, role_object};
use super::{exactly_one, keep_lookup_keys, pick};
use crate::common::Shared;
use crate::common::{api_error, parse_id};
use crate::plugin::{
    Attribute, AttributePath, Block, Context, DataSource, DataSourceReadResponse, Diagnostic,
    Diagnostics, Schema, Value,
};

/// `marketo_role`.
#[derive(Debug, Clone)]
pub struct RoleDataSource {
    shared: Arc<Shared>,
}

impl RoleDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        RoleDataSource { shared }
    }
}

fn schema() -> Schema {
    let mut block = Block::new().description(
        "One role of the Marketo instance, system or custom, looked up by `name` or by `id` \
         (exactly one). Use it to assign roles made in the Admin UI, or system roles, to a \
         `marketo_api_only_user`.",
    );
    for a in role_attributes() {
        let a = match a.name.as_str() {
            "id" => Attribute {
                optional: true,
                ..a
            }
            .description(
                "The role's numeric Marketo id, as a string. Set it to look the role up by id \
                 (then leave `name` unset); otherwise it is read.",
            ),
            "name" => Attribute {
                optional: true,
                ..a
            }
            .description(
                "The role's name. Set it to look the role up by name (an exact match, else the \
                 one that matches regardless of case); otherwise it is read.",
            ),
            _ => a,
        };
        block = block.attribute(a);
    }
    Schema::new(0, block)
}

fn check(config: &Value) -> Diagnostics {
    let mut diags = exactly_one(config, "name", "id", "role");
    if let Some(id) = config.get("id").as_str() {
        if parse_id(id).is_none() {
            diags.push(
                Diagnostic::error(
                    "Invalid role id",
                    format!(
                        "\"{id}\" is not a numeric role id; to look a role up by name, set `name`."
                    ),
                )
                .at(AttributePath::root("id")),
            );
        }
    }
    diags
}

#[async_trait]
impl DataSource for RoleDataSource {
    fn type_name(&self) -> &str {
        "marketo_role"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        check(config)
    }

    async fn read(&self, ctx: &Context, config: Value) -> DataSourceReadResponse {
        let diags = check(&config);
        if diags.has_errors() {
            return diags.into();
        }
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let mut roles = match client.list_roles().await {
            Ok(r) => r,
            Err(e) => return api_error("listing the roles", &e).into(),
        };
        roles.sort_by_key(|r| r.id);
        let text = config.get("id").as_str().unwrap_or_default();
        match pick("role", &roles, &config, parse_id(text), text) {
            Ok(role) => DataSourceReadResponse {
                state: keep_lookup_keys(role_object(role), &config),
                diagnostics: diags,
            },
            Err(d) => d.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_with_optional_lookup_keys() {
        let s = schema();
        assert!(!s.check().has_errors(), "{}", s.check());
        let optional: Vec<&str> = s
            .block
            .attributes
            .iter()
            .filter(|a| a.optional)
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(optional, vec!["id", "name"]);
    }

    #[test]
    fn id_must_be_numeric() {
        let c = Value::object([("id", Value::string("Admin"))]);
        assert!(check(&c).to_string().contains("not a numeric role id"));
        let c = Value::object([("id", Value::string("2"))]);
        assert!(check(&c).is_empty());
    }
}
