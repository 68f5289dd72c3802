//! `marketo_role`: one role, system or custom, by name or id, from the published
//! `users/roles.json` (so it works on every instance, with or without the role management
//! endpoints).

use std::sync::Arc;

use async_trait::async_trait;

use super::roles::{RoleObject, role_attributes, role_object};
use super::{exactly_one, is_set, pick};
use crate::adapters::lookup::ModelDataSource;
use crate::checks::values;
use crate::common::{Shared, api_error, parse_id};
use marketo_client::Client;
use tfplugin6::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Schema};

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

fn check(config: &RoleObject) -> Diagnostics {
    let mut diags = exactly_one(
        ("name", is_set(&config.name)),
        ("id", is_set(&config.id)),
        "role",
    );
    super::check_lookup_name(&mut diags, &config.name, "role");
    if let Some(id) = config.id.as_str()
        && parse_id(id).is_none()
    {
        let id = values::escaped(id);
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
    diags
}

#[async_trait]
impl ModelDataSource for RoleDataSource {
    type Model = RoleObject;
    const TYPE_NAME: &'static str = "marketo_role";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &RoleObject) -> Diagnostics {
        check(config)
    }

    async fn read(&self, client: &Client, config: RoleObject) -> Result<RoleObject, Diagnostics> {
        let mut roles = client
            .list_roles()
            .await
            .map_err(|e| api_error("listing the roles", &e))?;
        roles.sort_by_key(|r| r.id);
        let text = config.id.as_str().unwrap_or_default();
        let role = pick("role", &roles, config.name.as_str(), parse_id(text), text)?;
        // The lookup keys stay as configured (a name may differ in case; an id given as text
        // may be spelled differently).
        let mut state = role_object(role);
        if config.name.is_known() {
            state.name = config.name;
        }
        if config.id.is_known() {
            state.id = config.id;
        }
        Ok(state)
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
        use tfplugin6::Value;
        let c = super::super::config_of(&schema(), vec![("id", Value::string("Admin"))]);
        assert!(check(&c).to_string().contains("not a numeric role id"));
        let c = super::super::config_of(&schema(), vec![("id", Value::string("2"))]);
        assert!(check(&c).is_empty());
        tfplugin6::model::check_model::<RoleObject>(&schema().value_type(), true).unwrap();
    }
}
