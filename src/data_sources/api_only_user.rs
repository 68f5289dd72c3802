//! `marketo_api_only_user`: one user by `userid` or `email`, active (`user.json`) or pending
//! (`invite.json`).

use std::sync::Arc;

use async_trait::async_trait;

use super::{exactly_one, not_found};
use crate::common::Shared;
use crate::common::assignments_value;
use crate::common::{api_error, checks};
use crate::marketo::{self, FoundUser, UserRoleWorkspace};
use crate::plugin::{
    Attribute, AttributePath, Block, Context, DataSource, DataSourceReadResponse, Diagnostic,
    Diagnostics, NestingMode, Schema, Type, Value,
};

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

fn check(config: &Value) -> Diagnostics {
    let mut diags = exactly_one(config, "userid", "email", "user");
    if let Some(email) = config.get("email").as_str() {
        if let Err(e) = checks::email(email) {
            diags.push(Diagnostic::error("Invalid email", e).at(AttributePath::root("email")));
        }
    }
    if let Some(userid) = config.get("userid").as_str() {
        if userid.trim().is_empty() {
            diags.push(
                Diagnostic::error("Invalid userid", "`userid` must not be empty.")
                    .at(AttributePath::root("userid")),
            );
        }
    }
    diags
}

fn state_of(found: &FoundUser, roles: &[UserRoleWorkspace]) -> Value {
    let (id, first, last, email, status, api_only) = match found {
        FoundUser::Active(u) => (
            u.id,
            &u.first_name,
            &u.last_name,
            &u.email_address,
            "active",
            Value::bool(u.api_only),
        ),
        FoundUser::Pending(u) => (
            u.id,
            &u.first_name,
            &u.last_name,
            &u.email_address,
            "pending",
            Value::Null,
        ),
    };
    Value::object([
        ("id", Value::string(found.userid())),
        ("userid", Value::string(found.userid())),
        ("email", Value::string(email)),
        ("first_name", Value::string(first)),
        ("last_name", Value::string(last)),
        ("status", Value::string(status)),
        ("api_only", api_only),
        ("marketo_id", Value::int(id)),
        (
            "role_assignment",
            assignments_value(roles.iter().map(UserRoleWorkspace::ids)),
        ),
    ])
}

impl ApiOnlyUserDataSource {
    async fn lookup(
        &self,
        client: &marketo::Client,
        config: &Value,
    ) -> Result<FoundUser, Diagnostic> {
        if let Some(userid) = config.get("userid").as_str() {
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
        let email = config.get("email").as_str().unwrap_or_default();
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
impl DataSource for ApiOnlyUserDataSource {
    fn type_name(&self) -> &str {
        "marketo_api_only_user"
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
        let found = match self.lookup(&client, &config).await {
            Ok(f) => f,
            Err(d) => return d.into(),
        };
        let roles = match &found {
            FoundUser::Active(u) => u.user_role_workspaces.clone(),
            FoundUser::Pending(u) => match client.get_user_roles(&u.userid).await {
                Ok(r) => r,
                Err(e) if e.is_not_found() => Vec::new(),
                Err(e) => {
                    return api_error(&format!("reading the roles of \"{}\"", u.userid), &e).into();
                }
            },
        };
        let mut state = state_of(&found, &roles);
        // Keep the lookup key as configured (an email may differ in case).
        if let Some(email) = config.get("email").as_str() {
            state.set_attr("email", Value::string(email));
        }
        DataSourceReadResponse {
            state,
            diagnostics: diags,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid() {
        let s = schema();
        assert!(!s.check().has_errors(), "{}", s.check());
    }

    #[test]
    fn lookups_are_checked() {
        let c = Value::object([("email", Value::string("nope"))]);
        assert!(check(&c).to_string().contains("not a valid email"));
        let c = Value::object([
            ("userid", Value::string("a@x.io")),
            ("email", Value::Unknown),
        ]);
        assert!(check(&c).to_string().contains("Set only one"));
        let c = Value::object([("userid", Value::string("a@x.io"))]);
        assert!(check(&c).is_empty());
    }

    #[test]
    fn state_from_an_active_user() {
        let u: marketo::User = serde_json::from_value(serde_json::json!({
            "userid": "a@x.io", "firstName": "A", "lastName": "B", "emailAddress": "a@x.io",
            "id": 5, "apiOnly": true,
            "userRoleWorkspaces": [{"accessRoleId": 101, "workspaceId": 0}]
        }))
        .unwrap();
        let roles = u.user_role_workspaces.clone();
        let s = state_of(&FoundUser::Active(u), &roles);
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
