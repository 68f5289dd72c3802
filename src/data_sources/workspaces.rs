//! `marketo_workspaces`: every workspace of the instance, from the published
//! `users/workspaces.json`.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::listed;
use crate::adapters::lookup::ModelDataSource;
use crate::common::{Shared, optional_attr};
use marketo_client::{Client, Workspace};
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Diagnostics, NestingMode, Number, Schema, Type};

/// One workspace, as `marketo_workspaces` lists it and `marketo_workspace` reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceObject {
    pub id: Attr<Number>,
    pub name: Attr<String>,
    pub description: Attr<String>,
    pub status: Attr<String>,
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkspacesModel {
    pub id: Attr<String>,
    pub workspaces: Attr<Vec<WorkspaceObject>>,
}

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
pub(crate) fn workspace_object(w: &Workspace) -> WorkspaceObject {
    WorkspaceObject {
        id: Attr::Known(Number::from_i64(w.id)),
        name: Attr::Known(w.name.clone()),
        description: optional_attr(w.description.as_deref()),
        status: w.status.clone().into(),
    }
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
impl ModelDataSource for WorkspacesDataSource {
    type Model = WorkspacesModel;
    const TYPE_NAME: &'static str = "marketo_workspaces";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    async fn read(
        &self,
        client: &Client,
        _config: WorkspacesModel,
    ) -> Result<WorkspacesModel, Diagnostics> {
        let list = listed("workspaces", client.list_workspaces().await, |a, b| {
            a.id.cmp(&b.id)
        })?;
        Ok(WorkspacesModel {
            id: Attr::Known("workspaces".to_string()),
            workspaces: Attr::Known(list.iter().map(workspace_object).collect()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_objects_match() {
        assert!(!schema().check().has_errors());
        tfplugin6::model::check_model::<WorkspacesModel>(&schema().value_type(), true).unwrap();
        let w: Workspace = serde_json::from_value(serde_json::json!({
            "id": 0, "name": "AllZones", "description": null, "status": "active"
        }))
        .unwrap();
        let v = tfplugin6::model::to_value(&workspace_object(&w)).unwrap();
        assert_eq!(v.get("id").as_i64(), Some(0));
        assert!(v.get("description").is_null());
        let mut names: Vec<String> = workspace_attributes().into_iter().map(|a| a.name).collect();
        names.sort();
        let keys: Vec<String> = v.as_map().unwrap().keys().cloned().collect();
        assert_eq!(names, keys);
    }
}
