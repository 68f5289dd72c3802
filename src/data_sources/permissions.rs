//! `marketo_permissions`: the Access API permission names a `marketo_api_only_role` can grant.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::common::read_only::ModelDataSource;
use crate::common::{Shared, api_error, checks};
use crate::marketo::{Client, ErrorKind};
use crate::plugin::model::Attr;
use crate::plugin::{Attribute, Block, Diagnostics, Schema, Type};

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionsModel {
    pub id: Attr<String>,
    pub names: Attr<Vec<Attr<String>>>,
}

/// `marketo_permissions`.
#[derive(Debug, Clone)]
pub struct PermissionsDataSource {
    shared: Arc<Shared>,
}

impl PermissionsDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        PermissionsDataSource { shared }
    }
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "The Access API permission names a `marketo_api_only_role` can grant, as the \
                 instance lists them (`roles/permissions.json`), or the provider's own list of \
                 the names Marketo documents when the instance does not serve that endpoint.",
            )
            .attribute(
                Attribute::new("id", Type::String)
                    .computed()
                    .description("Always `permissions`."),
            )
            .attribute(
                Attribute::new("names", Type::list(Type::String))
                    .computed()
                    .description("The permission names, sorted, e.g. `Read-Write Lead`."),
            ),
    )
}

fn state(mut names: Vec<String>) -> PermissionsModel {
    names.sort();
    names.dedup();
    PermissionsModel {
        id: Attr::Known("permissions".to_string()),
        names: Attr::Known(names.into_iter().map(Attr::Known).collect()),
    }
}

#[async_trait]
impl ModelDataSource for PermissionsDataSource {
    type Model = PermissionsModel;
    const TYPE_NAME: &'static str = "marketo_permissions";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    async fn read(
        &self,
        client: &Client,
        _config: PermissionsModel,
    ) -> Result<PermissionsModel, Diagnostics> {
        let names = match client.list_permissions().await {
            Ok(names) if !names.is_empty() => names,
            Ok(_) => checks::access_api_permissions()
                .map(str::to_string)
                .collect(),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => checks::access_api_permissions()
                .map(str::to_string)
                .collect(),
            Err(e) => {
                return Err(api_error("listing the permission names", &e).into());
            }
        };
        Ok(state(names))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_and_unique() {
        assert!(!schema().check().has_errors());
        crate::plugin::model::check_model::<PermissionsModel>(&schema().value_type(), true)
            .unwrap();
        let s = state(vec!["b".into(), "a".into(), "b".into()]);
        let s = crate::plugin::model::to_value(&s).unwrap();
        assert_eq!(
            s.get("names"),
            &crate::plugin::Value::list([
                crate::plugin::Value::string("a"),
                crate::plugin::Value::string("b")
            ])
        );
    }
}
