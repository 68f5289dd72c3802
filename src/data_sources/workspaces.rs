//! `marketo_workspaces`: every workspace of the instance, from the published
//! `users/workspaces.json`.

use std::sync::Arc;

use async_trait::async_trait;

use super::read_list;
use crate::common::Shared;
use crate::common::optional_text;
use crate::marketo::Workspace;
use crate::plugin::{
    Attribute, Block, Context, DataSource, DataSourceReadResponse, NestingMode, Schema, Type, Value,
};

/// The attributes of one workspace, computed.
pub(crate) fn workspace_attributes() -> Vec<Attribute> {
    vec![
        Attribute::new("id", Type::Number).computed().description(
            "The workspace's numeric id, as a `role_assignment.workspace_id` expects it. \
             Workspace 0 (`AllZones`) stands for every workspace.",
        ),
        Attribute::new("name", Type::String)
            .computed()
            .description("The workspace's name."),
        Attribute::new("description", Type::String)
            .computed()
            .description("The workspace's description; null when it has none."),
        Attribute::new("status", Type::String)
            .computed()
            .description("The workspace's status, e.g. `active`."),
    ]
}

/// One workspace as a Terraform object.
pub(crate) fn workspace_object(w: &Workspace) -> Value {
    Value::object([
        ("id", Value::int(w.id)),
        ("name", Value::string(&w.name)),
        ("description", optional_text(w.description.as_deref())),
        ("status", Value::opt(w.status.clone())),
    ])
}

/// `marketo_workspaces`.
#[derive(Debug, Clone)]
pub struct WorkspacesDataSource {
    shared: Arc<Shared>,
}

impl WorkspacesDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        WorkspacesDataSource { shared }
    }
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "Every workspace of the Marketo instance, as the published \
                 `users/workspaces.json` lists them, including workspace 0 (`AllZones`).",
            )
            .attribute(
                Attribute::new("id", Type::String)
                    .computed()
                    .description("Always `workspaces`."),
            )
            .attribute(
                Attribute::nested("workspaces", NestingMode::List, workspace_attributes())
                    .computed()
                    .description("The workspaces, by id."),
            ),
    )
}

#[async_trait]
impl DataSource for WorkspacesDataSource {
    fn type_name(&self) -> &str {
        "marketo_workspaces"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context, _config: Value) -> DataSourceReadResponse {
        read_list(
            &self.shared,
            ctx,
            "workspaces",
            |client| async move { client.list_workspaces().await },
            |a, b| a.id.cmp(&b.id),
            workspace_object,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_objects_match() {
        assert!(!schema().check().has_errors());
        let w: Workspace = serde_json::from_value(serde_json::json!({
            "id": 0, "name": "AllZones", "description": null, "status": "active"
        }))
        .unwrap();
        let v = workspace_object(&w);
        assert_eq!(v.get("id").as_i64(), Some(0));
        assert!(v.get("description").is_null());
        let mut names: Vec<String> = workspace_attributes().into_iter().map(|a| a.name).collect();
        names.sort();
        let keys: Vec<String> = v.as_map().unwrap().keys().cloned().collect();
        assert_eq!(names, keys);
    }
}
