//! `marketo_permissions`: the permission names a `marketo_api_only_role` can grant, with the
//! group of each (Access API, or Access Admin for "Access Users").

use std::sync::Arc;

use async_trait::async_trait;

use crate::marketo::ErrorKind;
use crate::plugin::{
    Attribute, Block, Context, DataSource, DataSourceReadResponse, Schema, Type, Value,
};
use crate::provider::Shared;
use crate::resources::{api_error, checks};

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

fn state(mut names: Vec<String>) -> Value {
    names.sort();
    names.dedup();
    let groups = Value::map(
        names
            .iter()
            .map(|n| (n.clone(), Value::string(checks::permission_group(n)))),
    );
    Value::object([
        ("id", Value::string("permissions")),
        ("names", Value::list(names.into_iter().map(Value::String))),
        ("groups", groups),
    ])
}

/// The names Marketo documents, both groups.
fn own_list() -> Vec<String> {
    checks::grantable_permissions()
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[async_trait]
impl DataSource for PermissionsDataSource {
    fn type_name(&self) -> &str {
        "marketo_permissions"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context, _config: Value) -> DataSourceReadResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let names = match client.list_permissions().await {
            Ok(names) if !names.is_empty() => names,
            Ok(_) => own_list(),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => own_list(),
            Err(e) => {
                return api_error("listing the permission names", &e).into();
            }
        };
        DataSourceReadResponse {
            state: state(names),
            ..DataSourceReadResponse::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_and_unique() {
        assert!(!schema().check().has_errors());
        let s = state(vec!["b".into(), "a".into(), "b".into()]);
        assert_eq!(
            s.get("names"),
            &Value::list([Value::string("a"), Value::string("b")])
        );
        let s = state(own_list());
        assert_eq!(
            s.get("groups").get("Access Users").as_str(),
            Some("Access Admin")
        );
        assert_eq!(
            s.get("groups").get("Read-Write Lead").as_str(),
            Some("Access API")
        );
    }
}
