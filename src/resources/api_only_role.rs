//! `marketo_api_only_role`: a custom Marketo role holding Access API permissions, for API-only
//! users.
//!
//! Reading uses the published `users/roles.json` first, so that a role renamed or deleted in the
//! Admin UI shows up as drift even on an instance without the role management endpoints; the
//! permissions come from `roles/{id}/role.json` (ours, see docs/guides/admin-endpoints.md).

use std::sync::Arc;

use async_trait::async_trait;

use super::{
    api_error, api_error_at, checks, endpoint_missing, gone_warning, numeric_id, optional_text,
    parse_id, unchanged,
};
use crate::admin_endpoints;
use crate::marketo::{self, ErrorKind, NewRole, Role, RoleDetail, RoleUpdate, find_by_name};
use crate::plugin::{
    ApplyRequest, ApplyResponse, Attribute, AttributePath, Block, Change, Context, Diagnostic,
    Diagnostics, ImportResponse, ImportedResource, PlanRequest, PlanResponse, ReadRequest,
    ReadResponse, Resource, Schema, Type, Value,
};
use crate::provider::Shared;

/// The resource type name.
pub const TYPE_NAME: &str = "marketo_api_only_role";

/// Longest role name Marketo accepts.
pub const MAX_NAME: usize = 50;
/// Longest role or service description Marketo accepts.
pub const MAX_DESCRIPTION: usize = 255;

const INSTEAD: &str = "Create the role in the Admin UI (Admin > Users & Roles > Roles), then refer \
                       to it with the marketo_role data source.";

/// `marketo_api_only_role`.
#[derive(Debug, Clone)]
pub struct ApiOnlyRole {
    shared: Arc<Shared>,
}

impl ApiOnlyRole {
    /// The resource, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        ApiOnlyRole { shared }
    }
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "A custom Marketo role for **API-only users**: a name and a set of Access API \
                 permissions. Assign it to a `marketo_api_only_user` through its \
                 `role_assignment`. Marketo applies only permissions of the *Access API* group to \
                 API-only users, so only those are accepted, with `Access Users` of the *Access \
                 Admin* group, which the User Management API needs; the `marketo_permissions` data \
                 source lists them with their group.\n\nRole management is not part of Marketo's published API: the \
                 instance must serve the role endpoints listed in the guide \"Admin endpoints\" of \
                 the provider documentation (the emulator does). Elsewhere, create the role in \
                 the Admin UI and read it with the `marketo_role` data source.",
            )
            .attribute(
                Attribute::new("id", Type::String)
                    .computed()
                    .description("The role's numeric Marketo id, as a string."),
            )
            .attribute(Attribute::new("name", Type::String).required().description(
                "The role's name, 1 to 50 characters, unique in the instance (compared \
                     without regard to case). Changing it renames the role in place.",
            ))
            .attribute(
                Attribute::new("description", Type::String)
                    .optional()
                    .description(
                        "A description of at most 255 characters. Omit it for none (an empty \
                         string is refused).",
                    ),
            )
            .attribute(
                Attribute::new("permissions", Type::set(Type::String))
                    .required()
                    .description(
                        "The Access API permission names the role grants, e.g. \
                         `\"Read-Write Lead\"`. The set is authoritative: the role holds exactly \
                         these. An unknown name is an error that suggests the closest valid one. \
                         Besides the Access API group, `\"Access Users\"` (Access Admin group) is \
                         accepted, because Marketo's User Management API needs it; other admin \
                         permissions such as `\"Access Roles\"` are refused because they grant an \
                         API-only user nothing. May be empty.",
                    ),
            )
            .attribute(
                Attribute::new("type", Type::String)
                    .computed()
                    .description("Marketo's role type: `custom` for roles made here."),
            ),
    )
}

/// Checks an optional description: absent, or 1..=255 characters. An empty string is refused so
/// that "no description" has one spelling (Marketo reads back both `""` and null as none).
pub(crate) fn check_description(diags: &mut Diagnostics, value: &Value, path: AttributePath) {
    let Some(text) = value.as_str() else {
        return;
    };
    if text.is_empty() {
        diags.push(
            Diagnostic::error(
                "Empty description",
                "An empty description is the same as none in Marketo, which reads it back as \
                 unset. Omit the `description` attribute (or set it to null) instead of \"\".",
            )
            .at(path),
        );
        return;
    }
    super::check_at(
        diags,
        path,
        "Invalid description",
        checks::text(text, MAX_DESCRIPTION, false).map_err(|e| format!("The description {e}.")),
    );
}

/// Checks a required name of at most `max` characters, if known.
pub(crate) fn check_name(
    diags: &mut Diagnostics,
    value: &Value,
    path: AttributePath,
    what: &str,
    max: usize,
) {
    if let Some(text) = value.as_str() {
        super::check_at(
            diags,
            path,
            &format!("Invalid {what}"),
            checks::text(text, max, true).map_err(|e| format!("The {what} {e}.")),
        );
    }
}

/// Every check of the configuration that needs no API call. Unknown values are skipped (they are
/// checked again at apply, when they are known).
fn check_config(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_name(
        &mut diags,
        config.get("name"),
        AttributePath::root("name"),
        "name",
        MAX_NAME,
    );
    check_description(
        &mut diags,
        config.get("description"),
        AttributePath::root("description"),
    );
    for p in config.get("permissions").elements() {
        let path = AttributePath::root("permissions");
        match p {
            Value::String(name) => {
                super::check_at(
                    &mut diags,
                    path,
                    "Invalid permission",
                    checks::permission(name),
                );
            }
            Value::Null => diags.push(
                Diagnostic::error(
                    "Invalid permission",
                    "The permission set holds a null element; give permission names only.",
                )
                .at(path),
            ),
            _ => {}
        }
    }
    diags
}

/// The permission names of a known set, sorted.
fn permission_names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = v
        .elements()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The permissions to record: Marketo's, but in the configuration's spelling when they are the
/// same names apart from case (so that an apply never reports an inconsistent result).
fn permissions_value(from_marketo: &[String], planned: Option<&Value>) -> Value {
    if let Some(planned) = planned {
        let mine = permission_names(planned);
        let mut theirs: Vec<String> = from_marketo.iter().map(|p| p.to_lowercase()).collect();
        theirs.sort();
        theirs.dedup();
        let mut lower: Vec<String> = mine.iter().map(|p| p.to_lowercase()).collect();
        lower.sort();
        if planned.is_fully_known() && lower == theirs {
            return Value::set_of(mine.into_iter().map(Value::String));
        }
    }
    Value::set_of(from_marketo.iter().map(Value::string))
}

/// The state of a role as Marketo describes it.
fn state_of(detail: &RoleDetail, planned: Option<&Value>) -> Value {
    let role = &detail.role;
    Value::object([
        ("id", Value::string(role.id.to_string())),
        ("name", Value::string(&role.name)),
        ("description", optional_text(role.description.as_deref())),
        (
            "permissions",
            permissions_value(&detail.permissions, planned.map(|p| p.get("permissions"))),
        ),
        ("type", Value::opt(role.role_type.clone())),
    ])
}

/// The users named by Marketo's 1022 message `Role '<name>' is assigned to users: a, b`.
fn holders_from_message(message: &str) -> Vec<String> {
    let Some((_, list)) = message.split_once("assigned to users:") else {
        return Vec::new();
    };
    list.split(',')
        .map(|u| u.trim().trim_end_matches('.').trim())
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect()
}

fn in_use_diagnostic(name: &str, err: &marketo::Error) -> Diagnostic {
    let holders = holders_from_message(err.message());
    let who = if holders.is_empty() {
        format!("Marketo says: {}", err.message())
    } else {
        format!(
            "It is still assigned to: {}.",
            holders
                .iter()
                .map(|h| format!("\"{h}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Diagnostic::error(
        format!("The role \"{name}\" is still assigned to users"),
        format!(
            "Marketo refuses to delete a role that users hold. {who} Remove those role \
             assignments first: take the role out of each user's `role_assignment` (or destroy \
             the users) and apply, then delete the role. When the users are managed in the same \
             configuration, refer to the role as `marketo_api_only_role.<name>.id` so that \
             Terraform orders the changes itself."
        ),
    )
}

fn already_exists(name: &str) -> Diagnostic {
    Diagnostic::error(
        "A role with this name already exists",
        format!(
            "Marketo already has a role named \"{name}\" (names are unique regardless of case). \
             To manage that role with Terraform, import it:\n\n  terraform import \
             marketo_api_only_role.<name> \"{name}\"\n\nor choose another name."
        ),
    )
    .at(AttributePath::root("name"))
}

/// Maps a failed write onto its diagnostic.
fn write_error(doing: &str, name: &str, err: &marketo::Error) -> Diagnostic {
    match err.kind() {
        ErrorKind::EndpointMissing => endpoint_missing("role", INSTEAD),
        ErrorKind::AlreadyExists => already_exists(name),
        ErrorKind::Validation if err.code() == Some(1003) => {
            api_error_at(doing, err, AttributePath::root("permissions"))
        }
        ErrorKind::Validation if err.code() == Some(709) => Diagnostic::error(
            format!("\"{name}\" is a system role"),
            format!(
                "Marketo's system roles cannot be changed or deleted ({err}). Refer to it with \
                 the marketo_role data source instead of managing it."
            ),
        ),
        _ => api_error(doing, err),
    }
}

fn role_label(state: &Value) -> String {
    match (state.get("name").as_str(), state.get("id").as_str()) {
        (Some(n), Some(id)) => format!("\"{n}\" (id {id})"),
        (None, Some(id)) => format!("with id {id}"),
        (Some(n), None) => format!("\"{n}\""),
        (None, None) => String::new(),
    }
}

impl ApiOnlyRole {
    async fn create(&self, ctx: &Context, config: &Value) -> ApplyResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let name = config.get("name").as_str().unwrap_or_default().to_string();
        let role = NewRole {
            name: name.clone(),
            description: config.get("description").as_str().map(str::to_string),
            permissions: permission_names(config.get("permissions")),
        };
        match client.create_role(&role).await {
            Ok(detail) => ApplyResponse {
                new_state: state_of(&detail, Some(config)),
                ..ApplyResponse::default()
            },
            Err(e) => write_error(&format!("creating the role \"{name}\""), &name, &e).into(),
        }
    }

    async fn update(&self, ctx: &Context, prior: &Value, config: &Value) -> ApplyResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = match numeric_id(prior, "role") {
            Ok(id) => id,
            Err(d) => return d.into(),
        };
        let name = config.get("name").as_str().unwrap_or_default().to_string();
        let mut update = RoleUpdate::default();
        if prior.get("name") != config.get("name") {
            update.name = Some(name.clone());
        }
        if prior.get("description") != config.get("description") {
            // Sending "" clears it: Marketo reads an empty description back as none.
            update.description = Some(
                config
                    .get("description")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
        }
        let wanted = permission_names(config.get("permissions"));
        if permission_names(prior.get("permissions")) != wanted {
            update.permissions = Some(wanted);
        }
        let doing = format!("updating the role \"{name}\" (id {id})");
        let result = if update == RoleUpdate::default() {
            match client.get_role(id).await {
                Ok(Some(d)) => Ok(d),
                Ok(None) => Err(None),
                Err(e) => Err(Some(e)),
            }
        } else {
            client.update_role(id, &update).await.map_err(Some)
        };
        match result {
            Ok(detail) => ApplyResponse {
                new_state: state_of(&detail, Some(config)),
                ..ApplyResponse::default()
            },
            Err(Some(e)) if e.kind() == ErrorKind::NotFound => unchanged(
                prior,
                Diagnostic::error(
                    "The role no longer exists",
                    format!(
                        "While {doing}: the role was deleted outside Terraform. Run terraform \
                         apply again: the refresh drops it from the state and plans to create it."
                    ),
                ),
            ),
            Err(Some(e)) => unchanged(prior, write_error(&doing, &name, &e)),
            Err(None) => unchanged(
                prior,
                Diagnostic::error(
                    "The role no longer exists",
                    format!("While {doing}: the role was deleted outside Terraform."),
                ),
            ),
        }
    }

    async fn delete(&self, ctx: &Context, prior: &Value) -> ApplyResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = match numeric_id(prior, "role") {
            Ok(id) => id,
            Err(d) => return d.into(),
        };
        let name = prior.get("name").as_str().unwrap_or_default().to_string();
        match client.delete_role(id).await {
            Ok(()) => ApplyResponse::default(),
            Err(e) if e.kind() == ErrorKind::NotFound => ApplyResponse::default(),
            Err(e) if e.kind() == ErrorKind::InUse => in_use_diagnostic(&name, &e).into(),
            Err(e) => write_error(
                &format!("deleting the role \"{name}\" (id {id})"),
                &name,
                &e,
            )
            .into(),
        }
    }

    /// Finds a role by numeric id or by name in the published list.
    async fn find(&self, client: &marketo::Client, key: &str) -> Result<Role, Diagnostics> {
        let roles = client
            .list_roles()
            .await
            .map_err(|e| api_error("listing the roles", &e).into_diagnostics())?;
        let found = match parse_id(key) {
            Some(id) => roles.iter().find(|r| r.id == id),
            None => find_by_name(&roles, key, |r| &r.name),
        };
        match found {
            Some(r) => Ok(r.clone()),
            None => {
                let custom: Vec<&Role> = roles
                    .iter()
                    .filter(|r| r.role_type.as_deref() != Some("system"))
                    .collect();
                let hint = match checks::closest(key, custom.iter().map(|r| r.name.as_str())) {
                    Some(best) => format!(" Did you mean \"{best}\"?"),
                    None => String::new(),
                };
                let listing = if custom.is_empty() {
                    "The instance has no custom roles.".to_string()
                } else {
                    format!(
                        "Custom roles: {}.",
                        custom
                            .iter()
                            .map(|r| format!("\"{}\" (id {})", r.name, r.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                Err(Diagnostic::error(
                    "Cannot import the role: not found",
                    format!(
                        "Marketo has no role with the id or name \"{key}\".{hint} {listing} \
                         Import by the numeric id or by the exact name."
                    ),
                )
                .into_diagnostics())
            }
        }
    }
}

#[async_trait]
impl Resource for ApiOnlyRole {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        check_config(config)
    }

    async fn read(&self, ctx: &Context, req: ReadRequest) -> ReadResponse {
        let prior = req.current_state;
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = match numeric_id(&prior, "role") {
            Ok(id) => id,
            Err(d) => return d.into(),
        };
        let gone = |private| ReadResponse {
            new_state: Value::Null,
            private,
            diagnostics: gone_warning("API-only role", &role_label(&prior)).into_diagnostics(),
        };
        // The role detail endpoint answers everything in one call. Where an instance lacks it,
        // the published role list still shows renames and deletions.
        match client.get_role(id).await {
            Ok(Some(detail)) => ReadResponse {
                new_state: state_of(&detail, Some(&prior)),
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => gone(req.private),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                let listed = match client.list_roles().await {
                    Ok(roles) => roles.into_iter().find(|r| r.id == id),
                    Err(e) => return api_error("reading the role list", &e).into(),
                };
                let Some(listed) = listed else {
                    return gone(req.private);
                };
                let detail = RoleDetail {
                    role: listed,
                    permissions: permission_names(prior.get("permissions")),
                };
                let mut state = state_of(&detail, Some(&prior));
                // Whatever Terraform last recorded, unchanged (null stays null).
                state.set_attr("permissions", prior.get("permissions").clone());
                ReadResponse {
                    new_state: state,
                    private: req.private,
                    diagnostics: Diagnostic::warning(
                        "The role's permissions cannot be read from this instance",
                        format!(
                            "This Marketo instance does not serve the role detail endpoint \
                             (404/610), so the permissions of the role {} are those Terraform \
                             last recorded: changes made in the Admin UI cannot be detected. Its \
                             name and existence are still checked through the published role \
                             list.",
                            role_label(&prior)
                        ),
                    )
                    .into_diagnostics(),
                }
            }
            Err(e) => api_error(&format!("reading the role {}", role_label(&prior)), &e).into(),
        }
    }

    async fn plan(&self, ctx: &Context, req: PlanRequest) -> PlanResponse {
        let diagnostics = check_config(&req.config);
        if diagnostics.has_errors() {
            return diagnostics.into();
        }
        // Issue 10: refused here, before anything is written, where the endpoints are missing.
        let refusal = admin_endpoints::refuse_at_plan(&self.shared, ctx, &req, "role", INSTEAD);
        if let Some(d) = refusal.await {
            return d.into();
        }
        let planned_state = if req.is_create() {
            schema().mark_computed_nulls_unknown(&req.proposed_new_state)
        } else {
            let mut planned = req.proposed_new_state.clone();
            for attr in ["id", "type"] {
                planned.set_attr(attr, req.prior_state.get(attr).clone());
            }
            planned
        };
        PlanResponse {
            planned_state,
            requires_replace: Vec::new(),
            planned_private: req.prior_private,
            diagnostics,
        }
    }

    async fn apply(&self, ctx: &Context, req: ApplyRequest) -> ApplyResponse {
        let change = req.change();
        if change != Change::Delete {
            // The configuration is fully known now: check it again before writing anything.
            let config = if req.config.is_null() {
                &req.planned_state
            } else {
                &req.config
            };
            let diags = check_config(config);
            if diags.has_errors() {
                return unchanged(&req.prior_state, diags);
            }
        }
        let mut resp = match change {
            Change::Create => self.create(ctx, &req.planned_state).await,
            Change::Update => self.update(ctx, &req.prior_state, &req.planned_state).await,
            Change::Delete => self.delete(ctx, &req.prior_state).await,
        };
        resp.private = req.planned_private;
        resp
    }

    async fn import(&self, ctx: &Context, id: &str) -> ImportResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let key = id.trim();
        let role = match self.find(&client, key).await {
            Ok(r) => r,
            Err(d) => return d.into(),
        };
        if role.role_type.as_deref() == Some("system") {
            return Diagnostic::error(
                format!(
                    "\"{}\" is a system role, use the marketo_role data source",
                    role.name
                ),
                format!(
                    "The role \"{}\" (id {}) is one of Marketo's system roles, which cannot be \
                     changed or deleted, so Terraform cannot manage it as a resource. Read it \
                     with the marketo_role data source instead:\n\n  data \"marketo_role\" \"x\" \
                     {{\n    name = \"{}\"\n  }}",
                    role.name, role.id, role.name
                ),
            )
            .into();
        }
        match client.get_role(role.id).await {
            Ok(Some(detail)) => ImportResponse {
                imported: vec![ImportedResource {
                    state: state_of(&detail, None),
                    private: Vec::new(),
                }],
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => Diagnostic::error(
                "Cannot import the role: not found",
                format!(
                    "The role \"{}\" (id {}) was deleted while it was being imported.",
                    role.name, role.id
                ),
            )
            .into(),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                endpoint_missing("role", INSTEAD).into()
            }
            Err(e) => api_error(&format!("reading the role \"{}\"", role.name), &e).into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, description: Option<&str>, permissions: &[&str]) -> Value {
        Value::object([
            ("id", Value::Null),
            ("name", Value::string(name)),
            ("description", Value::opt(description)),
            (
                "permissions",
                Value::set_of(permissions.iter().map(|p| Value::string(*p))),
            ),
            ("type", Value::Null),
        ])
    }

    fn paths(d: &Diagnostics) -> Vec<String> {
        d.iter()
            .filter_map(|d| d.attribute.as_ref().map(ToString::to_string))
            .collect()
    }

    #[test]
    fn schema_is_valid() {
        assert!(!schema().check().has_errors(), "{}", schema().check());
    }

    #[test]
    fn good_config_passes() {
        let d = check_config(&config("Sync", Some("x"), &["Read-Write Lead"]));
        assert!(d.is_empty(), "{d}");
        assert!(check_config(&config("Sync", None, &[])).is_empty());
    }

    #[test]
    fn unknown_permission_points_at_permissions_with_a_suggestion() {
        let d = check_config(&config("Sync", None, &["Read-Write Leads"]));
        assert!(d.has_errors());
        assert_eq!(paths(&d), vec!["permissions"]);
        assert!(
            d.to_string().contains("Did you mean \"Read-Write Lead\""),
            "{d}"
        );
        let d = check_config(&config("Sync", None, &["Access Roles"]));
        assert!(d.to_string().contains("grant them nothing"), "{d}");
        assert!(check_config(&config("Sync", None, &["Access Users"])).is_empty());
    }

    #[test]
    fn empty_description_is_refused_with_the_hint() {
        let d = check_config(&config("Sync", Some(""), &[]));
        assert_eq!(paths(&d), vec!["description"]);
        assert!(d.to_string().contains("Omit the `description`"), "{d}");
        let long = "x".repeat(256);
        let d = check_config(&config("Sync", Some(&long), &[]));
        assert!(d.to_string().contains("at most 255"), "{d}");
    }

    #[test]
    fn names_are_checked() {
        let d = check_config(&config(" ", None, &[]));
        assert_eq!(paths(&d), vec!["name"]);
        let d = check_config(&config(&"n".repeat(51), None, &[]));
        assert!(d.to_string().contains("at most 50"), "{d}");
        assert!(check_config(&config(&"n".repeat(50), None, &[])).is_empty());
    }

    #[test]
    fn unknown_values_are_not_checked() {
        let c = Value::object([
            ("name", Value::Unknown),
            ("description", Value::Unknown),
            ("permissions", Value::Unknown),
        ]);
        assert!(check_config(&c).is_empty());
        let c = config("Sync", None, &[]).with_attr(
            "permissions",
            Value::set_of([Value::Unknown, Value::string("Nope Nope")]),
        );
        assert_eq!(check_config(&c).len(), 1);
    }

    #[test]
    fn state_from_marketo() {
        let detail: RoleDetail = serde_json::from_value(serde_json::json!({
            "id": 102, "name": "Sync", "description": "", "type": "custom",
            "isHidden": false, "isOnlyAllZones": false,
            "permissions": ["Read-Only Lead", "Read-Write Lead"]
        }))
        .unwrap();
        let s = state_of(&detail, None);
        assert_eq!(s.get("id").as_str(), Some("102"));
        assert!(s.get("description").is_null());
        assert_eq!(s.get("type").as_str(), Some("custom"));
        assert_eq!(
            s.get("permissions"),
            &Value::set_of([
                Value::string("Read-Write Lead"),
                Value::string("Read-Only Lead")
            ])
        );
        // Same names apart from case: the configuration's spelling is kept.
        let planned = config("Sync", None, &["read-only lead", "Read-Write Lead"]);
        let s = state_of(&detail, Some(&planned));
        assert!(
            s.get("permissions")
                .elements()
                .any(|p| p.as_str() == Some("read-only lead"))
        );
    }

    #[test]
    fn holders_are_taken_from_the_message() {
        assert_eq!(
            holders_from_message("Role 'Sync' is assigned to users: a@x.io, b@x.io"),
            vec!["a@x.io", "b@x.io"]
        );
        assert!(holders_from_message("something else").is_empty());
        let err = marketo::Error::new(ErrorKind::InUse, "Role 'Sync' is assigned to users: a@x.io");
        let d = in_use_diagnostic("Sync", &err);
        assert!(d.detail.contains("\"a@x.io\""), "{d}");
        assert!(
            d.detail.contains("Remove those role assignments first"),
            "{d}"
        );
    }

    #[test]
    fn plan_keeps_computed_values_on_update() {
        let prior = config("Sync", None, &["Read-Write Lead"])
            .with_attr("id", Value::string("101"))
            .with_attr("type", Value::string("custom"));
        let proposed = config("Sync 2", None, &["Read-Write Lead"]);
        let req = PlanRequest {
            prior_state: prior,
            proposed_new_state: proposed.clone(),
            config: proposed,
            prior_private: Vec::new(),
            client_capabilities: Default::default(),
        };
        let role = ApiOnlyRole::new(Arc::new(Shared::default()));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let resp = rt.block_on(role.plan(&Context::default(), req));
        assert!(resp.diagnostics.is_empty());
        assert_eq!(resp.planned_state.get("id").as_str(), Some("101"));
        assert_eq!(resp.planned_state.get("type").as_str(), Some("custom"));
        assert_eq!(resp.planned_state.get("name").as_str(), Some("Sync 2"));
        assert!(resp.requires_replace.is_empty());
    }
}
