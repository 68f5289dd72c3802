//! `marketo_users`: every active user of the instance, from the published
//! `users/allusers.json`.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::listed;
use crate::adapters::lookup::ModelDataSource;
use crate::common::Shared;
use marketo_client::{Client, UserSummary};
use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Diagnostics, NestingMode, Schema, Type};

/// One listed user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserObject {
    pub userid: Attr<String>,
    pub email: Attr<String>,
    pub first_name: Attr<String>,
    pub last_name: Attr<String>,
    pub marketo_id: Attr<i64>,
    pub api_only: Attr<bool>,
}

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsersModel {
    pub id: Attr<String>,
    pub users: Attr<Vec<UserObject>>,
}

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

fn user_object(u: &UserSummary) -> UserObject {
    UserObject {
        userid: Attr::Known(u.userid.clone()),
        email: Attr::Known(u.email_address.clone()),
        first_name: Attr::Known(u.first_name.clone()),
        last_name: Attr::Known(u.last_name.clone()),
        marketo_id: Attr::Known(u.id),
        api_only: Attr::Known(u.api_only),
    }
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
impl ModelDataSource for UsersDataSource {
    type Model = UsersModel;
    const TYPE_NAME: &'static str = "marketo_users";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    async fn read(&self, client: &Client, _config: UsersModel) -> Result<UsersModel, Diagnostics> {
        let users = listed("users", client.list_users().await, |a, b| {
            a.id.cmp(&b.id).then_with(|| a.userid.cmp(&b.userid))
        })?;
        Ok(UsersModel {
            id: Attr::Known("users".to_string()),
            users: Attr::Known(users.iter().map(user_object).collect()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_objects_match() {
        assert!(!schema().check().has_errors());
        tfplugin6::model::check_model::<UsersModel>(&schema().value_type(), true).unwrap();
        let u: UserSummary = serde_json::from_value(serde_json::json!({
            "userid": "a@x.io", "firstName": "A", "lastName": "B",
            "emailAddress": "a@x.io", "id": 4, "apiOnly": true
        }))
        .unwrap();
        let v = tfplugin6::model::to_value(&user_object(&u)).unwrap();
        assert_eq!(v.get("marketo_id").as_i64(), Some(4));
        let mut names: Vec<String> = user_attributes().into_iter().map(|a| a.name).collect();
        names.sort();
        let keys: Vec<String> = v.as_map().unwrap().keys().cloned().collect();
        assert_eq!(names, keys);
    }
}
