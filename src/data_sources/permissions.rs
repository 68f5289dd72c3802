//! `marketo_permissions`: the Access API permission names a `marketo_api_only_role` can grant.

use std::sync::Arc;

use async_trait::async_trait;

use crate::common::Shared;
use crate::common::{api_error, checks};
use crate::marketo::ErrorKind;
use crate::plugin::{
    Attribute, Block, Context, DataSource, DataSourceReadResponse, Schema, Type, Value,
};

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

fn state(mut names: Vec<String>) -> Value {
    names.sort();
    names.dedup();
    Value::object([
        ("id", Value::string("permissions")),
        ("names", Value::list(names.into_iter().map(Value::String))),
    ])
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
            Ok(_) => checks::access_api_permissions()
                .map(str::to_string)
                .collect(),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => checks::access_api_permissions()
                .map(str::to_string)
                .collect(),
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
    }
}
