//! `marketo_permissions`: the permission names a `marketo_api_only_role` can grant, with the
//! group of each (Access API, or Access Admin for "Access Users").

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::adapters::lookup::ModelDataSource;
use crate::checks::values;
use crate::common::{Shared, api_error};
use marketo_client::{Client, ErrorKind};
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Diagnostics, Schema, Type};

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionsModel {
    pub id: Attr<String>,
    pub names: Attr<Vec<Attr<String>>>,
    /// The group of each name: `Access API` or `Access Admin`.
    pub groups: Attr<BTreeMap<String, Attr<String>>>,
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
                "The permission names a `marketo_api_only_role` can grant, as the instance lists \
                 them (`roles/permissions.json`), or the provider's own list of the names Marketo \
                 documents when the instance does not serve that endpoint: the Access API group, \
                 and `Access Users` of the Access Admin group, which Marketo's User Management \
                 API needs.",
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
            )
            .attribute(
                Attribute::new("groups", Type::map(Type::String))
                    .computed()
                    .description(
                        "The group of each name in `names`, as Marketo's Admin UI files it: \
                         `Access API`, or `Access Admin` (for `Access Users`). For example \
                         `groups[\"Access Users\"]` is `Access Admin`.",
                    ),
            ),
    )
}

fn state(mut names: Vec<String>) -> PermissionsModel {
    names.sort();
    names.dedup();
    let groups = names
        .iter()
        .map(|n| {
            let group = values::permission_group(n).to_string();
            (n.clone(), Attr::Known(group))
        })
        .collect();
    PermissionsModel {
        id: Attr::Known("permissions".to_string()),
        names: Attr::Known(names.into_iter().map(Attr::Known).collect()),
        groups: Attr::Known(groups),
    }
}

/// The names Marketo documents, both groups.
fn own_list() -> Vec<String> {
    values::grantable_permissions()
        .into_iter()
        .map(str::to_string)
        .collect()
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
            Ok(_) => own_list(),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => own_list(),
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
        tfplugin6::model::check_model::<PermissionsModel>(&schema().value_type(), true).unwrap();
        let s = state(vec!["b".into(), "a".into(), "b".into()]);
        let s = tfplugin6::model::to_value(&s).unwrap();
        assert_eq!(
            s.get("names"),
            &tfplugin6::Value::list([tfplugin6::Value::string("a"), tfplugin6::Value::string("b")])
        );
        let s = state(own_list());
        let groups = s.groups.known().unwrap();
        assert_eq!(
            groups["Access Users"].known().map(String::as_str),
            Some("Access Admin")
        );
        assert_eq!(
            groups["Read-Write Lead"].known().map(String::as_str),
            Some("Access API")
        );
        let v = tfplugin6::model::to_value(&s).unwrap();
        assert_eq!(
            v.get("groups").get("Access Users").as_str(),
            Some("Access Admin")
        );
    }
}
