//! `marketo_api_only_user`: an API-only user, created with the published invite endpoint
//! (`apiOnly: true`: no invitation email, active at once) and holding exactly the role and
//! workspace pairs of its `role_assignment` blocks.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{api_error, api_error_at, check_at, checks, gone_warning, string, unchanged};
use crate::marketo::{
    self, Client, ErrorKind, FoundUser, InviteUser, MarketoDateTime, RoleWorkspace, UpdateUser,
};
use crate::plugin::{
    ApplyRequest, ApplyResponse, Attribute, AttributePath, Block, BlockNesting, Change, Context,
    Diagnostic, Diagnostics, ImportResponse, ImportedResource, NestedBlock, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, Type, Value,
};
use crate::provider::Shared;

const TYPE_NAME: &str = "marketo_api_only_user";
/// Longest first or last name accepted (Marketo's user form stops there too).
const MAX_NAME: usize = 255;
/// Longest invitation reason accepted.
const MAX_REASON: usize = 255;

/// The `marketo_api_only_user` resource.
pub struct ApiOnlyUser {
    shared: Arc<Shared>,
}

impl ApiOnlyUser {
    /// The resource, using the provider's shared client.
    pub fn new(shared: Arc<Shared>) -> ApiOnlyUser {
        ApiOnlyUser { shared }
    }
}

fn schema() -> Schema {
    let assignment = Block::new()
        .description("A role the user holds in a workspace.")
        .attribute(
            Attribute::new("role_id", Type::Number)
                .required()
                .description(
                    "Id of the role: `marketo_api_only_role.<name>.id` or \
                     `data.marketo_role.<name>.id`.",
                ),
        )
        .attribute(
            Attribute::new("workspace_id", Type::Number)
                .required()
                .description(
                    "Id of the workspace; `0` is \"AllZones\" (every workspace), which roles such \
                     as Admin require. See the `marketo_workspace` data source.",
                ),
        );
    Schema::new(
        0,
        Block::new()
            .description(
                "An API-only user of Marketo Engage. API-only users log in only through the API, \
                 with the credentials of a LaunchPoint custom service they own \
                 (`marketo_custom_service`); no invitation email is sent and the user is active \
                 at once.\n\nThe user holds exactly the roles of its `role_assignment` blocks: \
                 roles added or removed outside Terraform show up in the next plan.",
            )
            .attribute(
                Attribute::new("id", Type::String)
                    .computed()
                    .description("The user's `userid`."),
            )
            .attribute(
                Attribute::new("userid", Type::String)
                    .optional()
                    .computed()
                    .description(
                        "The login id. Defaults to `email` on Marketo Identity instances; Adobe \
                         Identity instances generate one (`<uuid>@adobe.com`). Changing it \
                         replaces the user.",
                    ),
            )
            .attribute(
                Attribute::new("email", Type::String)
                    .required()
                    .description(
                        "Email address. API-only users receive no email, so it need not be a \
                         real mailbox, but it must be unique in the instance and well-formed.",
                    ),
            )
            .attribute(
                Attribute::new("first_name", Type::String)
                    .required()
                    .description("First name (at most 255 characters)."),
            )
            .attribute(
                Attribute::new("last_name", Type::String)
                    .required()
                    .description("Last name (at most 255 characters)."),
            )
            .attribute(
                Attribute::new("expires_at", Type::String)
                    .optional()
                    .description(
                        "When the user's access ends, as an RFC 3339 timestamp in the future \
                         (e.g. `2027-12-31T23:59:59Z`), to the millisecond at most (Marketo keeps \
                         no finer precision). Omit for access that never expires. \
                         Removing it once set replaces the user: Marketo cannot clear an expiry.",
                    ),
            )
            .attribute(
                Attribute::new("reason", Type::String)
                    .optional()
                    .description(
                        "Why the user exists; sent with the invitation. Marketo never returns it, \
                         so it is not checked for drift, and changing it replaces the user \
                         (setting it on an imported user does not).",
                    ),
            )
            .attribute(
                Attribute::new("marketo_id", Type::Number)
                    .computed()
                    .description("Marketo's numeric id of the user."),
            )
            .attribute(
                Attribute::new("status", Type::String)
                    .computed()
                    .description(
                        "`active`, or `pending` for an invitation not yet accepted (instances \
                         that treat API-only users as invitations).",
                    ),
            )
            .attribute(
                Attribute::new("api_only", Type::Bool)
                    .computed()
                    .description("Always `true` for users this resource creates."),
            )
            .attribute(
                Attribute::new("locked", Type::Bool)
                    .computed()
                    .description("Whether Marketo has locked the user's login."),
            )
            .block(NestedBlock::new("role_assignment", BlockNesting::Set, assignment).items(1, 0)),
    )
}

/// One `role_assignment` element, when both ids are known.
fn assignment_of(v: &Value) -> Option<RoleWorkspace> {
    Some(RoleWorkspace {
        access_role_id: v.get("role_id").as_i64()?,
        workspace_id: v.get("workspace_id").as_i64()?,
    })
}

/// Every `role_assignment` of a fully known value.
fn assignments(v: &Value) -> BTreeSet<RoleWorkspace> {
    v.get("role_assignment")
        .elements()
        .filter_map(assignment_of)
        .collect()
}

/// The `role_assignment` set for role/workspace pairs (the `marketo_api_only_user` data source
/// shows the same shape).
pub(crate) fn assignments_value(pairs: impl IntoIterator<Item = RoleWorkspace>) -> Value {
    Value::set_of(pairs.into_iter().map(|p| {
        Value::object([
            ("role_id", Value::int(p.access_role_id)),
            ("workspace_id", Value::int(p.workspace_id)),
        ])
    }))
}

/// Checks what is known of a configuration; `now` is when the check runs, for `expires_at`
/// (checked only when `check_future`).
fn check_config(config: &Value, check_future: bool, now: DateTime<Utc>) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some(email) = config.get("email").as_str() {
        check_at(
            &mut diags,
            AttributePath::root("email"),
            "Invalid email address",
            checks::email(email),
        );
    }
    for name in ["first_name", "last_name"] {
        if let Some(v) = config.get(name).as_str() {
            check_at(
                &mut diags,
                AttributePath::root(name),
                "Invalid name",
                checks::text(v, MAX_NAME, true),
            );
        }
    }
    if let Some(v) = config.get("reason").as_str() {
        check_at(
            &mut diags,
            AttributePath::root("reason"),
            "Invalid reason",
            checks::text(v, MAX_REASON, false),
        );
    }
    if let Some(userid) = config.get("userid").as_str() {
        let result = if userid.contains('@') {
            checks::email(userid)
        } else if userid.trim().is_empty() || userid.chars().any(char::is_whitespace) {
            Err(format!(
                "\"{userid}\" is not a valid userid: use an email address (Marketo Identity) or the \
                 generated GUID (Adobe Identity)"
            ))
        } else {
            Ok(())
        };
        check_at(
            &mut diags,
            AttributePath::root("userid"),
            "Invalid userid",
            result,
        );
    }
    if let Some(at) = config.get("expires_at").as_str() {
        let result = if check_future {
            checks::future_timestamp("expires_at", at, now).map(|_| ())
        } else {
            checks::timestamp("expires_at", at).map(|_| ())
        };
        check_at(
            &mut diags,
            AttributePath::root("expires_at"),
            "Invalid expires_at",
            result,
        );
    }
    for element in config.get("role_assignment").elements() {
        for attr in ["role_id", "workspace_id"] {
            let v = element.get(attr);
            if !v.is_known() {
                continue;
            }
            let ok = v
                .as_f64()
                .is_some_and(|f| f >= 0.0 && f.fract() == 0.0 && f < 2_147_483_648.0);
            if !ok {
                diags.push(
                    Diagnostic::error(
                        "Invalid role assignment",
                        format!("`{attr}` must be a whole number of zero or more, not {v:?}."),
                    )
                    .at(AttributePath::root("role_assignment")),
                );
            }
        }
    }
    diags
}

/// `expires_at` for the state: the configured text when it names the same millisecond as
/// Marketo's (the precision both keep), else Marketo's value in RFC 3339 (UTC, milliseconds
/// when there are some).
fn expires_value(remote: Option<&MarketoDateTime>, prior: &Value) -> Value {
    let Some(remote) = remote else {
        return Value::Null;
    };
    if let Some(text) = prior.as_str() {
        if let Ok(at) = MarketoDateTime::parse_config(text) {
            if at.same_millisecond(remote) {
                return Value::string(text);
            }
        }
    }
    Value::string(remote.to_rfc3339())
}

/// The state of a user as Marketo has it, keeping from `prior` what Marketo never returns.
async fn state_of(
    client: &Client,
    found: &FoundUser,
    prior: &Value,
) -> Result<Value, marketo::Error> {
    let (userid, email, first, last, id, expires, status, api_only, locked, roles) = match found {
        FoundUser::Active(u) => (
            &u.userid,
            &u.email_address,
            &u.first_name,
            &u.last_name,
            u.id,
            u.expires_at.as_ref(),
            "active",
            Value::bool(u.api_only),
            Value::bool(u.is_locked),
            assignments_value(u.user_role_workspaces.iter().map(|r| r.ids())),
        ),
        FoundUser::Pending(u) => {
            // An invitation carries no roles: ask for them, keeping the prior ones if Marketo
            // will not say for a pending user.
            let roles = match client.get_user_roles(&u.userid).await {
                Ok(list) if !list.is_empty() => assignments_value(list.iter().map(|r| r.ids())),
                Ok(_) => prior.get("role_assignment").clone(),
                Err(e) if e.kind() == ErrorKind::NotFound => prior.get("role_assignment").clone(),
                Err(e) => return Err(e),
            };
            (
                &u.userid,
                &u.email_address,
                &u.first_name,
                &u.last_name,
                u.id,
                u.expires_at.as_ref(),
                "pending",
                Value::bool(true),
                Value::bool(false),
                roles,
            )
        }
    };
    Ok(Value::object([
        ("id", Value::string(userid)),
        ("userid", Value::string(userid)),
        ("email", Value::string(email)),
        ("first_name", Value::string(first)),
        ("last_name", Value::string(last)),
        (
            "expires_at",
            expires_value(expires, prior.get("expires_at")),
        ),
        ("reason", prior.get("reason").clone()),
        ("marketo_id", Value::int(id)),
        ("status", Value::string(status)),
        ("api_only", api_only),
        ("locked", locked),
        ("role_assignment", roles),
    ]))
}

/// A failed create whose invitation Marketo accepted: the user exists, so the state records it
/// (Terraform marks it tainted) under `key`, its userid or the email it is found by, with what the
/// configuration says of it. `marketo_id` stays null until a read finds the user.
fn unfinished(config: &Value, key: &str, diagnostics: impl Into<Diagnostics>) -> ApplyResponse {
    let mut state = config.clone();
    for attr in ["id", "userid"] {
        state.set_attr(attr, Value::string(key));
    }
    for attr in ["marketo_id", "status", "locked"] {
        state.set_attr(attr, Value::Null);
    }
    state.set_attr("api_only", Value::bool(true));
    ApplyResponse {
        new_state: state,
        diagnostics: diagnostics.into(),
        ..ApplyResponse::default()
    }
}

fn parse_expiry(config: &Value) -> Result<Option<MarketoDateTime>, Diagnostic> {
    match config.get("expires_at").as_str() {
        None => Ok(None),
        Some(text) => checks::timestamp("expires_at", text)
            .map(Some)
            .map_err(|e| {
                Diagnostic::error("Invalid expires_at", e).at(AttributePath::root("expires_at"))
            }),
    }
}

impl ApiOnlyUser {
    async fn create(&self, client: &Client, config: &Value) -> ApplyResponse {
        let expires_at = match parse_expiry(config) {
            Ok(v) => v,
            Err(d) => return d.into(),
        };
        let email = string(config, "email").unwrap_or_default();
        let invite = InviteUser {
            email_address: email.clone(),
            first_name: string(config, "first_name").unwrap_or_default(),
            last_name: string(config, "last_name").unwrap_or_default(),
            user_role_workspaces: assignments(config).into_iter().collect(),
            userid: string(config, "userid"),
            api_only: true,
            expires_at,
            reason: string(config, "reason"),
        };
        if let Err(e) = client.invite_user(&invite).await {
            let diag = match e.kind() {
                ErrorKind::AlreadyExists => Diagnostic::error(
                    "The user already exists in Marketo",
                    format!(
                        "Marketo already has a user with the email or userid \"{}\" ({e}). To \
                         manage it with Terraform, import it: terraform import {TYPE_NAME}.<name> {}",
                        invite.userid.as_deref().unwrap_or(&email),
                        invite.userid.as_deref().unwrap_or(&email),
                    ),
                )
                .at(AttributePath::root("email")),
                ErrorKind::Validation => api_error_at(
                    &format!("inviting the API-only user \"{email}\""),
                    &e,
                    if e.message().to_ascii_lowercase().contains("role")
                        || e.message().to_ascii_lowercase().contains("workspace")
                    {
                        AttributePath::root("role_assignment")
                    } else {
                        AttributePath::root("email")
                    },
                ),
                _ => api_error(&format!("inviting the API-only user \"{email}\""), &e),
            };
            return diag.into();
        }
        // The invite answers no id: find what it made, by userid when we chose it, else by email
        // (Adobe Identity instances generate the userid).
        let key = invite.userid.as_deref().unwrap_or(&email);
        let found = match client.find_user(key).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                return Diagnostic::error(
                    "The invited user cannot be found",
                    format!(
                        "Marketo accepted the invitation of \"{email}\" but neither user.json, \
                         invite.json nor the user list shows it. Nothing is recorded in the state; \
                         check the instance's Users & Roles page before applying again."
                    ),
                )
                .into();
            }
            Err(e) => {
                return unfinished(
                    config,
                    key,
                    api_error(&format!("reading back the new user \"{email}\""), &e),
                );
            }
        };
        let resp = self.settle(client, &found, config).await;
        if resp.new_state.is_null() {
            return unfinished(config, found.userid(), resp.diagnostics);
        }
        resp
    }

    /// The state after a create or update: Marketo's view, with `reason` from the configuration.
    async fn settle(&self, client: &Client, found: &FoundUser, config: &Value) -> ApplyResponse {
        match state_of(client, found, config).await {
            Ok(state) => ApplyResponse {
                new_state: state,
                ..ApplyResponse::default()
            },
            Err(e) => api_error(&format!("reading the user \"{}\"", found.userid()), &e).into(),
        }
    }

    async fn update(&self, client: &Client, prior: &Value, config: &Value) -> ApplyResponse {
        let Some(userid) = string(prior, "id") else {
            return Diagnostic::error("Missing id", "The prior state has no id.").into();
        };
        let current = match client.get_user_or_invitation(&userid).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                return Diagnostic::error(
                    "The user no longer exists in Marketo",
                    format!(
                        "The user \"{userid}\" was deleted outside Terraform while this plan was \
                         made. Run terraform apply again to create it."
                    ),
                )
                .into();
            }
            Err(e) => {
                return api_error(&format!("reading the user \"{userid}\""), &e).into();
            }
        };
        let FoundUser::Active(user) = &current else {
            return Diagnostic::error(
                "A pending user cannot be changed",
                format!(
                    "Marketo lists \"{userid}\" as an invitation not yet accepted, and Marketo does \
                     not allow edits to pending users. Change it after the invitation is accepted, \
                     or replace it: terraform apply -replace={TYPE_NAME}.<name>"
                ),
            )
            .into();
        };

        let expires_at = match parse_expiry(config) {
            Ok(v) => v,
            Err(d) => return d.into(),
        };
        let mut update = UpdateUser::default();
        let changed = |attr: &str| config.get(attr) != prior.get(attr);
        if changed("email") {
            update.email_address = string(config, "email");
        }
        if changed("first_name") {
            update.first_name = string(config, "first_name");
        }
        if changed("last_name") {
            update.last_name = string(config, "last_name");
        }
        if changed("expires_at") {
            update.expires_at = expires_at;
        }
        if update != UpdateUser::default() {
            if let Err(e) = client.update_user(&userid, &update).await {
                let path = if update.email_address.is_some() && e.kind() != ErrorKind::Transient {
                    AttributePath::root("email")
                } else {
                    AttributePath::empty()
                };
                return api_error_at(&format!("updating the user \"{userid}\""), &e, path).into();
            }
        }

        // Roles: add what is missing before removing what is extra, so that the user never holds
        // no role at all (Marketo refuses that).
        let want = assignments(config);
        let have: BTreeSet<RoleWorkspace> =
            user.user_role_workspaces.iter().map(|r| r.ids()).collect();
        let add: Vec<RoleWorkspace> = want.difference(&have).copied().collect();
        let remove: Vec<RoleWorkspace> = have.difference(&want).copied().collect();
        if !add.is_empty() {
            if let Err(e) = client.add_user_roles(&userid, &add).await {
                return api_error_at(
                    &format!("adding roles to the user \"{userid}\""),
                    &e,
                    AttributePath::root("role_assignment"),
                )
                .into();
            }
        }
        if !remove.is_empty() {
            if let Err(e) = client.delete_user_roles(&userid, &remove).await {
                return api_error_at(
                    &format!("removing roles from the user \"{userid}\""),
                    &e,
                    AttributePath::root("role_assignment"),
                )
                .into();
            }
        }
        match client.get_user_or_invitation(&userid).await {
            Ok(Some(found)) => self.settle(client, &found, config).await,
            Ok(None) => Diagnostic::error(
                "The user vanished during the update",
                format!("\"{userid}\" was deleted in Marketo while Terraform updated it."),
            )
            .into(),
            Err(e) => api_error(&format!("reading the user \"{userid}\""), &e).into(),
        }
    }

    async fn delete(&self, client: &Client, prior: &Value) -> ApplyResponse {
        let Some(userid) = string(prior, "id") else {
            return ApplyResponse::default();
        };
        let pending = prior.get("status").as_str() == Some("pending");
        let result = if pending {
            client.delete_invited_user(&userid).await
        } else {
            client.delete_user(&userid).await
        };
        match result {
            Ok(()) => ApplyResponse::default(),
            Err(e) if e.kind() == ErrorKind::NotFound => ApplyResponse::default(),
            Err(e) if e.kind() == ErrorKind::InUse => {
                let owners = match client.list_services().await {
                    Ok(list) => list
                        .into_iter()
                        .filter(|s| s.api_only_user.eq_ignore_ascii_case(&userid))
                        .map(|s| format!("\"{}\" (id {})", s.display_name, s.id))
                        .collect::<Vec<_>>(),
                    Err(_) => Vec::new(),
                };
                let held_by = if owners.is_empty() {
                    "a LaunchPoint custom service".to_string()
                } else {
                    format!("the LaunchPoint custom service {}", owners.join(", "))
                };
                unchanged(
                    prior,
                    Diagnostic::error(
                        "The user still owns a custom service",
                        format!(
                            "Marketo refuses to delete \"{userid}\" because {held_by} belongs to \
                             it ({e}). Delete the service first. When the service is managed by \
                             Terraform, set its api_only_user to {TYPE_NAME}.<name>.userid (a \
                             reference, not a literal string): Terraform then deletes the service \
                             before the user."
                        ),
                    ),
                )
            }
            Err(e) => unchanged(
                prior,
                api_error(&format!("deleting the user \"{userid}\""), &e),
            ),
        }
    }
}

#[async_trait]
impl Resource for ApiOnlyUser {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        check_config(config, false, crate::marketo::now_utc())
    }

    async fn plan(&self, _ctx: &Context, req: PlanRequest) -> PlanResponse {
        let prior = &req.prior_state;
        let config = &req.config;
        let expiry_changed = req.is_create() || config.get("expires_at") != prior.get("expires_at");
        let diagnostics = check_config(config, expiry_changed, crate::marketo::now_utc());
        if diagnostics.has_errors() {
            return diagnostics.into();
        }
        let mut planned = req.proposed_new_state.clone();
        let mut requires_replace = Vec::new();
        if req.is_create() {
            planned = schema().mark_computed_nulls_unknown(&planned);
            planned.set_attr("api_only", Value::bool(true));
            planned.set_attr("locked", Value::bool(false));
            if let Some(userid) = config.get("userid").as_str() {
                planned.set_attr("id", Value::string(userid));
            }
        } else {
            let userid_cfg = config.get("userid");
            if userid_cfg.is_known() && !userid_cfg.is_null() && userid_cfg != prior.get("userid") {
                requires_replace.push(AttributePath::root("userid"));
                planned.set_attr("id", Value::Unknown);
            }
            // Marketo returns no reason: a changed reason needs a new invitation, except when
            // the state never knew it (an imported user).
            if !prior.get("reason").is_null() && config.get("reason") != prior.get("reason") {
                requires_replace.push(AttributePath::root("reason"));
            }
            if config.get("expires_at").is_null() && !prior.get("expires_at").is_null() {
                requires_replace.push(AttributePath::root("expires_at"));
            }
        }
        PlanResponse {
            planned_state: planned,
            requires_replace,
            planned_private: req.prior_private,
            diagnostics,
        }
    }

    async fn read(&self, ctx: &Context, req: ReadRequest) -> ReadResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let Some(userid) = string(&req.current_state, "id") else {
            return ReadResponse::default();
        };
        // A state left by a create whose read-back failed (no marketo_id yet) may hold the email
        // the user is found by rather than its userid (Adobe Identity generates the userid).
        let lookup = if req.current_state.get("marketo_id").is_null() {
            client.find_user(&userid).await
        } else {
            client.get_user_or_invitation(&userid).await
        };
        match lookup {
            Ok(Some(found)) => match state_of(&client, &found, &req.current_state).await {
                Ok(state) => ReadResponse {
                    new_state: state,
                    private: req.private,
                    ..ReadResponse::default()
                },
                Err(e) => api_error(&format!("reading the user \"{userid}\""), &e).into(),
            },
            Ok(None) => ReadResponse {
                new_state: Value::Null,
                diagnostics: gone_warning("API-only user", &format!("\"{userid}\""))
                    .into_diagnostics(),
                ..ReadResponse::default()
            },
            Err(e) => ReadResponse {
                new_state: req.current_state.clone(),
                private: req.private,
                diagnostics: api_error(&format!("reading the user \"{userid}\""), &e)
                    .into_diagnostics(),
            },
        }
    }

    async fn apply(&self, ctx: &Context, req: ApplyRequest) -> ApplyResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let change = req.change();
        if change != Change::Delete {
            // Values unknown at plan time are known now: check them before writing anything.
            let diags = check_config(
                &req.config,
                change == Change::Create,
                crate::marketo::now_utc(),
            );
            if diags.has_errors() {
                return unchanged(&req.prior_state, diags);
            }
        }
        let mut resp = match change {
            Change::Create => self.create(&client, &req.config).await,
            Change::Update => self.update(&client, &req.prior_state, &req.config).await,
            Change::Delete => self.delete(&client, &req.prior_state).await,
        };
        if change == Change::Update && resp.diagnostics.has_errors() && resp.new_state.is_null() {
            resp.new_state = req.prior_state.clone();
        }
        resp
    }

    async fn import(&self, ctx: &Context, id: &str) -> ImportResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = id.trim();
        match client.find_user(id).await {
            Ok(Some(found)) => match state_of(&client, &found, &Value::Null).await {
                Ok(state) => ImportResponse {
                    imported: vec![ImportedResource {
                        state,
                        private: Vec::new(),
                    }],
                    ..ImportResponse::default()
                },
                Err(e) => api_error(&format!("reading the user \"{id}\""), &e).into(),
            },
            Ok(None) => Diagnostic::error(
                "Cannot import a user that does not exist",
                format!(
                    "Marketo has no user whose userid or email is \"{id}\". Import by the \
                     userid (on Adobe Identity instances a generated <uuid>@adobe.com value) or \
                     by the email address."
                ),
            )
            .into(),
            Err(e) => api_error(&format!("looking up the user \"{id}\""), &e).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 0, 0, 0).unwrap()
    }

    fn config(pairs: Vec<(&str, Value)>) -> Value {
        let mut v = Value::object([
            ("email", Value::string("a@example.com")),
            ("first_name", Value::string("A")),
            ("last_name", Value::string("B")),
            (
                "role_assignment",
                assignments_value([RoleWorkspace {
                    access_role_id: 101,
                    workspace_id: 0,
                }]),
            ),
        ]);
        for (k, val) in pairs {
            v.set_attr(k, val);
        }
        v
    }

    fn paths(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .map(|d| {
                d.attribute
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            })
            .collect()
    }

    #[test]
    fn schema_is_accepted() {
        assert!(!schema().check().has_errors());
    }

    #[test]
    fn good_config_passes() {
        assert!(check_config(&config(vec![]), true, now()).is_empty());
    }

    #[test]
    fn bad_values_are_reported_at_their_attribute() {
        let d = check_config(
            &config(vec![
                ("email", Value::string("not-an-email")),
                ("first_name", Value::string(" ")),
                ("last_name", Value::string("x".repeat(256))),
                ("expires_at", Value::string("2020-01-01T00:00:00Z")),
                ("userid", Value::string("has space")),
            ]),
            true,
            now(),
        );
        let p = paths(&d);
        for want in ["email", "first_name", "last_name", "expires_at", "userid"] {
            assert!(p.iter().any(|x| x.contains(want)), "{want} not in {p:?}");
        }
    }

    #[test]
    fn past_expiry_only_matters_when_it_changes() {
        let c = config(vec![("expires_at", Value::string("2020-01-01T00:00:00Z"))]);
        assert!(check_config(&c, false, now()).is_empty());
        assert!(check_config(&c, true, now()).has_errors());
    }

    #[test]
    fn unknown_values_are_not_judged() {
        let c = config(vec![
            ("email", Value::Unknown),
            ("expires_at", Value::Unknown),
            (
                "role_assignment",
                Value::set_of([Value::object([
                    ("role_id", Value::Unknown),
                    ("workspace_id", Value::int(0)),
                ])]),
            ),
        ]);
        assert!(check_config(&c, true, now()).is_empty());
    }

    #[test]
    fn negative_role_ids_are_refused() {
        let c = config(vec![(
            "role_assignment",
            Value::set_of([Value::object([
                ("role_id", Value::int(-1)),
                ("workspace_id", Value::int(0)),
            ])]),
        )]);
        assert!(
            paths(&check_config(&c, true, now()))
                .iter()
                .any(|p| p.contains("role_assignment"))
        );
    }

    #[test]
    fn expiry_keeps_the_configured_spelling_of_the_same_instant() {
        let remote = MarketoDateTime::parse("2027-01-01T05:00:00.000t+0000").unwrap();
        let prior = Value::string("2027-01-01T00:00:00-05:00");
        assert_eq!(expires_value(Some(&remote), &prior), prior);
        let other = Value::string("2027-06-01T00:00:00Z");
        assert_eq!(
            expires_value(Some(&remote), &other),
            Value::string("2027-01-01T05:00:00Z")
        );
        assert!(expires_value(None, &prior).is_null());
        // Issue 9: milliseconds count, both ways.
        let remote = MarketoDateTime::parse("2031-03-04T05:06:07.250t+0000").unwrap();
        let configured = Value::string("2031-03-04T05:06:07.25Z");
        assert_eq!(expires_value(Some(&remote), &configured), configured);
        let whole = Value::string("2031-03-04T05:06:07Z");
        assert_eq!(
            expires_value(Some(&remote), &whole),
            Value::string("2031-03-04T05:06:07.250Z")
        );
    }

    #[test]
    fn expiry_finer_than_marketo_keeps_is_refused_at_validate() {
        for (text, says) in [
            ("2031-03-04T05:06:07.2501Z", "Marketo keeps milliseconds"),
            (
                "2031-12-31T23:59:60Z",
                "leap second (:60), which Marketo does not accept",
            ),
        ] {
            let c = config(vec![("expires_at", Value::string(text))]);
            for check_future in [false, true] {
                let d = check_config(&c, check_future, now());
                assert_eq!(paths(&d), vec!["expires_at".to_string()], "{text}");
                let diag = d.iter().next().expect("one diagnostic");
                assert_eq!(diag.summary, "Invalid expires_at");
                let detail = &diag.detail;
                assert!(
                    detail.starts_with(&format!("expires_at \"{text}\"")),
                    "{detail}"
                );
                assert!(detail.contains(says), "{detail}");
            }
        }
    }

    #[test]
    fn assignment_sets_round_trip() {
        let pairs = [
            RoleWorkspace {
                access_role_id: 2,
                workspace_id: 1,
            },
            RoleWorkspace {
                access_role_id: 101,
                workspace_id: 0,
            },
        ];
        let v = Value::object([("role_assignment", assignments_value(pairs))]);
        assert_eq!(assignments(&v), pairs.into_iter().collect());
    }
}
