//! `marketo_users`: every active user of the instance, from the published
//! `users/allusers.json`.

use std::sync::Arc;

use async_trait::async_trait;

use super::read_list;
use crate::common::Shared;
use crate::marketo::UserSummary;
use crate::plugin::{
    Attribute, Block, Context, DataSource, DataSourceReadResponse, NestingMode, Schema, Type, Value,
};

fn user_attributes() -> Vec<Attribute> {
    vec![
        Attribute::new("userid", Type::String)
            .computed()
            .description(
                "The user's login id: an email address, or a generated `<uuid>@adobe.com` on Adobe \
             Identity instances.",
            ),
        Attribute::new("email", Type::String)
            .computed()
            .description("The user's email address."),
        Attribute::new("first_name", Type::String)
            .computed()
            .description("The user's first name."),
        Attribute::new("last_name", Type::String)
            .computed()
            .description("The user's last name."),
        Attribute::new("marketo_id", Type::Number)
            .computed()
            .description("Marketo's numeric id of the user."),
        Attribute::new("api_only", Type::Bool)
            .computed()
            .description("Whether the user is an API-only user."),
    ]
}

fn user_object(u: &UserSummary) -> Value {
    Value::object([
        ("userid", Value::string(&u.userid)),
        ("email", Value::string(&u.email_address)),
        ("first_name", Value::string(&u.first_name)),
        ("last_name", Value::string(&u.last_name)),
        ("marketo_id", Value::int(u.id)),
        ("api_only", Value::bool(u.api_only)),
    ])
}

/// `marketo_users`.
#[derive(Debug, Clone)]
pub struct UsersDataSource {
    shared: Arc<Shared>,
}

impl UsersDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        UsersDataSource { shared }
    }
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "Every active user of the Marketo instance (API-only and others), as the \
                 published `users/allusers.json` lists them. Pending invitations are not listed.",
            )
            .attribute(
                Attribute::new("id", Type::String)
                    .computed()
                    .description("Always `users`."),
            )
            .attribute(
                Attribute::nested("users", NestingMode::List, user_attributes())
                    .computed()
                    .description("The users, by Marketo id."),
            ),
    )
}

#[async_trait]
impl DataSource for UsersDataSource {
    fn type_name(&self) -> &str {
        "marketo_users"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &Context, _config: Value) -> DataSourceReadResponse {
        read_list(
            &self.shared,
            ctx,
            "users",
            |client| async move { client.list_users().await },
            |a, b| a.id.cmp(&b.id).then_with(|| a.userid.cmp(&b.userid)),
            user_object,
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
        let u: UserSummary = serde_json::from_value(serde_json::json!({
            "userid": "a@x.io", "firstName": "A", "lastName": "B",
            "emailAddress": "a@x.io", "id": 4, "apiOnly": true
        }))
        .unwrap();
        let v = user_object(&u);
        assert_eq!(v.get("marketo_id").as_i64(), Some(4));
        let mut names: Vec<String> = user_attributes().into_iter().map(|a| a.name).collect();
        names.sort();
        let keys: Vec<String> = v.as_map().unwrap().keys().cloned().collect();
        assert_eq!(names, keys);
    }
}
