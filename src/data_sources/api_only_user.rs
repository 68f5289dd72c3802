//! `marketo_api_only_user`: one user by `userid` or `email`, active (`user.json`) or pending
//! (`invite.json`).

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{exactly_one, is_set, not_found};
use crate::adapters::lookup::ModelDataSource;
use crate::checks::values;
use crate::common::{Assignment, Shared, api_error, assignments_attr};
use marketo_client::{Client, FoundUser, UserRoleWorkspace};
use tfplugin6::model::{Attr, Set};
use tfplugin6::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, NestingMode, Schema, Type,
};

/// The schema's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserLookup {
    pub id: Attr<String>,
    pub userid: Attr<String>,
    pub email: Attr<String>,
    pub first_name: Attr<String>,
    pub last_name: Attr<String>,
    pub status: Attr<String>,
    pub api_only: Attr<bool>,
    pub marketo_id: Attr<i64>,
    pub role_assignment: Attr<Set<Assignment>>,
}

/// `marketo_api_only_user`.
#[derive(Debug, Clone)]
pub struct ApiOnlyUserDataSource {
    shared: Arc<Shared>,
}

impl ApiOnlyUserDataSource {
    /// The data source, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        ApiOnlyUserDataSource { shared }
    }
}

fn schema() -> Schema {
    let computed =
        |name: &str, ty: Type, desc: &str| Attribute::new(name, ty).computed().description(desc);
    Schema::new(
        0,
        Block::new()
            .description(
                "One user of the Marketo instance, looked up by `userid` or by `email` (exactly \
                 one): for example the owner of a custom service made outside Terraform. Both \
                 active users and pending invitations are found.",
            )
            .attribute(computed("id", Type::String, "The user's `userid`."))
            .attribute(
                Attribute::new("userid", Type::String)
                    .optional()
                    .computed()
                    .description(
                        "The user's login id (an email address, or a generated \
                         `<uuid>@adobe.com` on Adobe Identity instances). Set it to look the \
                         user up by userid (then leave `email` unset); otherwise it is read.",
                    ),
            )
            .attribute(
                Attribute::new("email", Type::String)
                    .optional()
                    .computed()
                    .description(
                        "The user's email address. Set it to look the user up by email \
                         (compared without regard to case; when several users share it, look \
                         up by `userid` instead); otherwise it is read.",
                    ),
            )
            .attribute(computed(
                "first_name",
                Type::String,
                "The user's first name.",
            ))
            .attribute(computed("last_name", Type::String, "The user's last name."))
            .attribute(computed(
                "status",
                Type::String,
                "`active`, or `pending` for an invitation not yet accepted.",
            ))
            .attribute(computed(
                "api_only",
                Type::Bool,
                "Whether the user is an API-only user; null for a pending invitation, for which \
                 Marketo does not say.",
            ))
            .attribute(computed(
                "marketo_id",
                Type::Number,
                "Marketo's numeric id of the user.",
            ))
            .attribute(
                Attribute::nested(
                    "role_assignment",
                    NestingMode::Set,
                    vec![
                        computed(
                            "role_id",
                            Type::Number,
                            "The id of the role held (see the `marketo_role` data source).",
                        ),
                        computed(
                            "workspace_id",
                            Type::Number,
                            "The workspace it is held in; 0 means every workspace.",
                        ),
                    ],
                )
                .computed()
                .description("The role-workspace pairs the user holds."),
            ),
    )
}

fn check(config: &UserLookup) -> Diagnostics {
    let mut diags = exactly_one(
        ("userid", is_set(&config.userid)),
        ("email", is_set(&config.email)),
        "user",
    );
    if let Some(email) = config.email.as_str()
        && let Err(e) = values::email(email)
    {
        diags.push(Diagnostic::error("Invalid email", e).at(AttributePath::root("email")));
    }
    if let Some(userid) = config.userid.as_str() {
        if userid.trim().is_empty() {
            diags.push(
                Diagnostic::error("Invalid userid", "`userid` must not be empty.")
                    .at(AttributePath::root("userid")),
            );
        } else if let Err(e) = values::plain(userid) {
            diags.push(
                Diagnostic::error("Invalid userid", format!("`userid` {e}."))
                    .at(AttributePath::root("userid")),
            );
        }
    }
    diags
}

fn state_of(found: &FoundUser, roles: &[UserRoleWorkspace]) -> UserLookup {
    let (id, first, last, email, status, api_only) = match found {
        FoundUser::Active(u) => (
            u.id,
            &u.first_name,
            &u.last_name,
            &u.email_address,
            "active",
            Attr::Known(u.api_only),
        ),
        FoundUser::Pending(u) => (
            u.id,
            &u.first_name,
            &u.last_name,
            &u.email_address,
            "pending",
            Attr::Null,
        ),
    };
    UserLookup {
        id: Attr::Known(found.userid().to_string()),
        userid: Attr::Known(found.userid().to_string()),
        email: Attr::Known(email.clone()),
        first_name: Attr::Known(first.clone()),
        last_name: Attr::Known(last.clone()),
        status: Attr::Known(status.to_string()),
        api_only,
        marketo_id: Attr::Known(id),
        role_assignment: assignments_attr(roles.iter().map(UserRoleWorkspace::ids)),
    }
}

impl ApiOnlyUserDataSource {
    async fn lookup(
        &self,
        client: &marketo_client::Client,
        config: &UserLookup,
    ) -> Result<FoundUser, Diagnostic> {
        if let Some(userid) = config.userid.as_str() {
            if let Some(found) = client
                .get_user_or_invitation(userid)
                .await
                .map_err(|e| api_error(&format!("reading the user \"{userid}\""), &e))?
            {
                return Ok(found);
            }
            let users = client
                .list_users()
                .await
                .map_err(|e| api_error("listing the users", &e))?;
            let ids: Vec<String> = users.into_iter().map(|u| u.userid).collect();
            return Err(not_found(
                "user",
                "the userid",
                userid,
                &ids,
                AttributePath::root("userid"),
            ));
        }
        let email = config.email.as_str().unwrap_or_default();
        let users = client
            .list_users()
            .await
            .map_err(|e| api_error("listing the users", &e))?;
        let matching: Vec<&str> = users
            .iter()
            .filter(|u| u.email_address.eq_ignore_ascii_case(email))
            .map(|u| u.userid.as_str())
            .collect();
        match matching.as_slice() {
            [one] => client
                .get_user_or_invitation(one)
                .await
                .map_err(|e| api_error(&format!("reading the user \"{one}\""), &e))?
                .ok_or_else(|| {
                    Diagnostic::error(
                        "The user disappeared",
                        format!("The user \"{one}\" was deleted while it was being read."),
                    )
                }),
            [] => {
                // A pending invitation is not listed; its userid defaults to the email.
                if let Some(found) = client
                    .get_user_or_invitation(email)
                    .await
                    .map_err(|e| api_error(&format!("reading the user \"{email}\""), &e))?
                {
                    return Ok(found);
                }
                let emails: Vec<String> = users.into_iter().map(|u| u.email_address).collect();
                Err(not_found(
                    "user",
                    "the email",
                    email,
                    &emails,
                    AttributePath::root("email"),
                ))
            }
            several => Err(Diagnostic::error(
                "Several users have this email",
                format!(
                    "The users {} all have the email \"{email}\". Look the user up by `userid` \
                     instead.",
                    several
                        .iter()
                        .map(|u| format!("\"{u}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(AttributePath::root("email"))),
        }
    }
}

#[async_trait]
impl ModelDataSource for ApiOnlyUserDataSource {
    type Model = UserLookup;
    const TYPE_NAME: &'static str = "marketo_api_only_user";

    fn schema() -> Schema {
        schema()
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, config: &UserLookup) -> Diagnostics {
        check(config)
    }

    async fn read(&self, client: &Client, config: UserLookup) -> Result<UserLookup, Diagnostics> {
        let found = self.lookup(client, &config).await?;
        let roles = match &found {
            FoundUser::Active(u) => u.user_role_workspaces.clone(),
            FoundUser::Pending(u) => match client.get_user_roles(&u.userid).await {
                Ok(r) => r,
                Err(e) if e.is_not_found() => Vec::new(),
                Err(e) => {
                    return Err(
                        api_error(&format!("reading the roles of \"{}\"", u.userid), &e).into(),
                    );
                }
            },
        };
        let mut state = state_of(&found, &roles);
        // Keep the lookup key as configured (an email may differ in case).
        if config.email.is_known() {
            state.email = config.email;
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin6::Value;

    #[test]
    fn schema_is_valid() {
        let s = schema();
        assert!(!s.check().has_errors(), "{}", s.check());
    }

    #[test]
    fn lookups_are_checked() {
        let c = |pairs| super::super::config_of::<UserLookup>(&schema(), pairs);
        let d = check(&c(vec![("email", Value::string("nope"))]));
        assert!(d.to_string().contains("not a valid email"));
        let d = check(&c(vec![
            ("userid", Value::string("a@x.io")),
            ("email", Value::Unknown),
        ]));
        assert!(d.to_string().contains("Set only one"));
        assert!(check(&c(vec![("userid", Value::string("a@x.io"))])).is_empty());
        tfplugin6::model::check_model::<UserLookup>(&schema().value_type(), true).unwrap();
    }

    #[test]
    fn state_from_an_active_user() {
        let u: marketo_client::User = serde_json::from_value(serde_json::json!({
            "userid": "a@x.io", "firstName": "A", "lastName": "B", "emailAddress": "a@x.io",
            "id": 5, "apiOnly": true,
            "userRoleWorkspaces": [{"accessRoleId": 101, "workspaceId": 0}]
        }))
        .unwrap();
        let roles = u.user_role_workspaces.clone();
        let s = tfplugin6::model::to_value(&state_of(&FoundUser::Active(u), &roles)).unwrap();
        assert_eq!(s.get("id").as_str(), Some("a@x.io"));
        assert_eq!(s.get("status").as_str(), Some("active"));
        assert_eq!(
            s.get("role_assignment"),
            &Value::set_of([Value::object([
                ("role_id", Value::int(101)),
                ("workspace_id", Value::int(0)),
            ])])
        );
        let Type::Object(attrs) = schema().value_type() else {
            panic!("not an object type")
        };
        let keys: Vec<&String> = s.as_map().unwrap().keys().collect();
        assert_eq!(attrs.keys().collect::<Vec<_>>(), keys);
    }
}
