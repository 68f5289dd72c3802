//! `marketo_workspace`: one workspace by name or id, from the published `users/workspaces.json`.

use std::sync::Arc;

use async_trait::async_trait;

use super::workspaces::{WorkspaceObject, workspace_attributes, workspace_object};
use super::{exactly_one, is_set, pick};
use crate::adapters::lookup::ModelDataSource;
use crate::common::{Shared, api_error};
use marketo_client::Client;
use tfplugin6::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Schema};

/// `marketo_workspace`.
#[derive(Debug, Clone)]
pub struct WorkspaceDataSource {
    shared: Arc<Shared>,
}

impl WorkspaceDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        WorkspaceDataSource { shared }
    }
}

fn schema() -> Schema {
    let mut block = Block::new().description(
        "One workspace of the Marketo instance, looked up by `name` or by `id` (exactly one), \
         for a `role_assignment.workspace_id`.",
    );
    for a in workspace_attributes() {
        let a = match a.name.as_str() {
            "id" => Attribute {
                optional: true,
                ..a
            }
            .description(
                "The workspace's numeric id (0 is `AllZones`, every workspace). Set it to look \
                 the workspace up by id (then leave `name` unset); otherwise it is read.",
            ),
            "name" => Attribute {
                optional: true,
                ..a
            }
            .description(
                "The workspace's name. Set it to look the workspace up by name (an exact match, \
                 else the one that matches regardless of case); otherwise it is read.",
            ),
            _ => a,
        };
        block = block.attribute(a);
    }
    Schema::new(0, block)
}

fn check(config: &WorkspaceObject) -> Diagnostics {
    let mut diags = exactly_one(
        ("name", is_set(&config.name)),
        ("id", is_set(&config.id)),
        "workspace",
    );
    super::check_lookup_name(&mut diags, &config.name, "workspace");
    if let Some(n) = config.id.known()
        && n.as_i64().is_none_or(|i| i < 0)
    {
        diags.push(
            Diagnostic::error(
                "Invalid workspace id",
                format!("{n} is not a workspace id: ids are whole numbers from 0."),
            )
            .at(AttributePath::root("id")),
        );
    }
    diags
}

#[async_trait]
impl ModelDataSource for WorkspaceDataSource {
    type Model = WorkspaceObject;
    const TYPE_NAME: &'static str = "marketo_workspace";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &WorkspaceObject) -> Diagnostics {
        check(config)
    }

    async fn read(
        &self,
        client: &Client,
        config: WorkspaceObject,
    ) -> Result<WorkspaceObject, Diagnostics> {
        let mut list = client
            .list_workspaces()
            .await
            .map_err(|e| api_error("listing the workspaces", &e))?;
        list.sort_by_key(|w| w.id);
        let id = config.id.known();
        let text = id.map(ToString::to_string).unwrap_or_default();
        let found = pick(
            "workspace",
            &list,
            config.name.as_str(),
            id.and_then(|n| n.as_i64()),
            &text,
        )?;
        // The id is a number, so only the name is kept as configured.
        let mut state = workspace_object(found);
        if config.name.is_known() {
            state.name = config.name;
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin6::Type;

    #[test]
    fn schema_is_valid_and_id_is_a_number() {
        let s = schema();
        assert!(!s.check().has_errors(), "{}", s.check());
        let id = s.block.attributes.iter().find(|a| a.name == "id").unwrap();
        assert_eq!(id.value_type(), Type::Number);
        assert!(id.optional && id.computed);
    }

    #[test]
    fn ids_are_whole_numbers() {
        use tfplugin6::Value;
        let c = |v| super::super::config_of::<WorkspaceObject>(&schema(), vec![("id", v)]);
        assert!(check(&c(Value::float(1.5))).has_errors());
        assert!(check(&c(Value::int(-1))).has_errors());
        assert!(check(&c(Value::int(0))).is_empty());
        tfplugin6::model::check_model::<WorkspaceObject>(&schema().value_type(), true).unwrap();
    }
}
