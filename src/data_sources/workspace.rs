//! `marketo_workspace`: one workspace by name or id, from the published `users/workspaces.json`.

use std::sync::Arc;

use async_trait::async_trait;

use super::workspaces::{workspace_attributes, workspace_object};
use super::{exactly_one, keep_lookup_keys, pick};
use crate::common::Shared;
use crate::common::api_error;
use crate::plugin::{
    Attribute, AttributePath, Block, Context, DataSource, DataSourceReadResponse, Diagnostic,
    Diagnostics, Schema, Value,
};

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

fn check(config: &Value) -> Diagnostics {
    let mut diags = exactly_one(config, "name", "id", "workspace");
    if let Some(n) = config.get("id").as_number() {
        if n.as_i64().is_none_or(|i| i < 0) {
            diags.push(
                Diagnostic::error(
                    "Invalid workspace id",
                    format!("{n} is not a workspace id: ids are whole numbers from 0."),
                )
                .at(AttributePath::root("id")),
            );
        }
    }
    diags
}

#[async_trait]
impl DataSource for WorkspaceDataSource {
    fn type_name(&self) -> &str {
        "marketo_workspace"
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
        let mut list = match client.list_workspaces().await {
            Ok(l) => l,
            Err(e) => {
                return api_error("listing the workspaces", &e).into();
            }
        };
        list.sort_by_key(|w| w.id);
        let id = config.get("id");
        let text = id.as_number().map(ToString::to_string).unwrap_or_default();
        match pick("workspace", &list, &config, id.as_i64(), &text) {
            // The id is a number, so only the name is kept as configured.
            Ok(w) => DataSourceReadResponse {
                state: keep_lookup_keys(workspace_object(w), &config),
                diagnostics: diags,
            },
            Err(d) => d.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::Type;

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
        let c = Value::object([("id", Value::float(1.5))]);
        assert!(check(&c).has_errors());
        let c = Value::object([("id", Value::int(-1))]);
        assert!(check(&c).has_errors());
        let c = Value::object([("id", Value::int(0))]);
        assert!(check(&c).is_empty());
    }
}
