//! `marketo_custom_service`: a LaunchPoint custom service, whose Client ID and Client Secret log
//! in as its API-only user.
//!
//! The secret is kept in the state (marked sensitive) and nowhere else: it never appears in a
//! diagnostic or a log line.

use std::sync::Arc;

use async_trait::async_trait;

use super::api_only_role::{check_description, check_name};
use super::{
    api_error, api_error_at, endpoint_missing, gone_warning, numeric_id, optional_text, parse_id,
    unchanged,
};
use crate::admin_endpoints;
use crate::marketo::{self, ErrorKind, NewService, ServiceDetail, ServiceUpdate};
use crate::plugin::{
    ApplyRequest, ApplyResponse, Attribute, AttributePath, Block, Change, Context, Diagnostic,
    Diagnostics, ImportResponse, ImportedResource, PlanRequest, PlanResponse, ReadRequest,
    ReadResponse, Resource, Schema, Type, Value,
};
use crate::provider::Shared;

/// The resource type name.
pub const TYPE_NAME: &str = "marketo_custom_service";

/// Longest display name Marketo accepts.
pub const MAX_DISPLAY_NAME: usize = 50;

const INSTEAD: &str = "Create the custom service in the Admin UI (Admin > Integration > \
                       LaunchPoint > New Service), then pass its Client ID and Secret to \
                       Terraform as sensitive variables.";

/// Attributes Marketo computes; they stay as they are on an in-place update.
const COMPUTED: [&str; 3] = ["id", "client_id", "client_secret"];

/// `marketo_custom_service`.
#[derive(Debug, Clone)]
pub struct CustomService {
    shared: Arc<Shared>,
}

impl CustomService {
    /// The resource, sharing the provider's client.
    pub fn new(shared: Arc<Shared>) -> Self {
        CustomService { shared }
    }
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "A LaunchPoint **custom service**: the Client ID and Client Secret an integration \
                 uses to obtain access tokens from `/identity/oauth/token`. The tokens act as the \
                 service's API-only user and carry the permissions of that user's roles.\n\n\
                 Refer to the user as `marketo_api_only_user.<name>.userid` rather than a \
                 literal: Terraform then creates the user first and deletes the service before \
                 the user, which Marketo requires (it refuses to delete a user that still owns a \
                 service).\n\nService management is not part of Marketo's published API: the \
                 instance must serve the service endpoints listed in the guide \"Admin endpoints\" \
                 of the provider documentation (the emulator does). Elsewhere, create the service in the Admin UI and pass its \
                 credentials to Terraform as sensitive variables.",
            )
            .attribute(
                Attribute::new("id", Type::String)
                    .computed()
                    .description("The service's numeric Marketo id, as a string."),
            )
            .attribute(
                Attribute::new("display_name", Type::String)
                    .required()
                    .description(
                        "The name shown in Admin > Integration > LaunchPoint, 1 to 50 \
                         characters, unique in the instance (compared without regard to case). \
                         Changing it renames the service in place.",
                    ),
            )
            .attribute(
                Attribute::new("description", Type::String)
                    .optional()
                    .description(
                        "A description of at most 255 characters. Omit it for none (an empty \
                         string is refused).",
                    ),
            )
            .attribute(
                Attribute::new("api_only_user", Type::String)
                    .required()
                    .description(
                        "The `userid` of the active API-only user the service logs in as, \
                         usually `marketo_api_only_user.<name>.userid`. Marketo cannot change a \
                         service's user: changing it replaces the service, which gets a new \
                         Client ID and Secret.",
                    ),
            )
            .attribute(
                Attribute::new("client_id", Type::String)
                    .computed()
                    .description("The Client ID Marketo generated for the service."),
            )
            .attribute(
                Attribute::new("client_secret", Type::String)
                    .computed()
                    .sensitive()
                    .description(
                        "The Client Secret Marketo generated for the service. Sensitive: it is \
                         kept in the state, so protect the state accordingly, and mark outputs \
                         that carry it `sensitive = true`.",
                    ),
            ),
    )
}

/// Every check of the configuration that needs no API call; unknown values are skipped.
fn check_config(config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    check_name(
        &mut diags,
        config.get("display_name"),
        AttributePath::root("display_name"),
        "display name",
        MAX_DISPLAY_NAME,
    );
    check_description(
        &mut diags,
        config.get("description"),
        AttributePath::root("description"),
    );
    if let Some(user) = config.get("api_only_user").as_str() {
        if user.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    "Invalid API-only user",
                    "`api_only_user` must be the userid of an API-only user, such as \
                     marketo_api_only_user.<name>.userid; it is empty.",
                )
                .at(AttributePath::root("api_only_user")),
            );
        } else if user.trim() != user {
            diags.push(
                Diagnostic::error(
                    "Invalid API-only user",
                    format!(
                        "\"{user}\" has leading or trailing spaces, which no Marketo userid has."
                    ),
                )
                .at(AttributePath::root("api_only_user")),
            );
        }
    }
    diags
}

/// The state of a service as Marketo describes it, secret included. Marketo matches userids
/// regardless of case and answers the user's own spelling: the owner keeps the spelling of
/// `known` (the plan or the prior state) when it names the same user, so that an apply matches
/// its plan and a refresh plans no replacement.
fn state_of(detail: &ServiceDetail, known: Option<&Value>) -> Value {
    let s = &detail.service;
    let owner = match known.and_then(|k| k.get("api_only_user").as_str()) {
        Some(mine) if mine.eq_ignore_ascii_case(&s.api_only_user) => mine,
        _ => s.api_only_user.as_str(),
    };
    Value::object([
        ("id", Value::string(s.id.to_string())),
        ("display_name", Value::string(&s.display_name)),
        ("description", optional_text(s.description.as_deref())),
        ("api_only_user", Value::string(owner)),
        ("client_id", Value::string(&s.client_id)),
        (
            "client_secret",
            Value::string(detail.client_secret.expose()),
        ),
    ])
}

fn label(state: &Value) -> String {
    match (state.get("display_name").as_str(), state.get("id").as_str()) {
        (Some(n), Some(id)) => format!("\"{n}\" (id {id})"),
        (None, Some(id)) => format!("with id {id}"),
        (Some(n), None) => format!("\"{n}\""),
        (None, None) => String::new(),
    }
}

/// Maps a failed write onto its diagnostic.
fn write_error(doing: &str, config: &Value, err: &marketo::Error) -> Diagnostic {
    let name = config.get("display_name").as_str().unwrap_or_default();
    let user = config.get("api_only_user").as_str().unwrap_or_default();
    match err.kind() {
        ErrorKind::EndpointMissing => endpoint_missing("LaunchPoint service", INSTEAD),
        ErrorKind::AlreadyExists => Diagnostic::error(
            "A custom service with this display name already exists",
            format!(
                "Marketo already has a LaunchPoint service named \"{name}\" (display names are \
                 unique regardless of case). To manage it with Terraform, import it by its id or \
                 Client ID:\n\n  terraform import marketo_custom_service.<name> <id or client \
                 id>\n\nor choose another display name."
            ),
        )
        .at(AttributePath::root("display_name")),
        ErrorKind::Validation if err.code() == Some(1003) => Diagnostic::error(
            "The service's user cannot own a custom service",
            format!(
                "Marketo refused \"{user}\" as the service's user: it must be an existing, \
                 active API-only user ({err}). Refer to a marketo_api_only_user resource's \
                 userid, or use the marketo_api_only_user data source to find an existing one."
            ),
        )
        .at(AttributePath::root("api_only_user")),
        _ => api_error(doing, err),
    }
}

impl CustomService {
    async fn create(&self, ctx: &Context, config: &Value) -> ApplyResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let new = NewService {
            display_name: config
                .get("display_name")
                .as_str()
                .unwrap_or_default()
                .to_string(),
            description: config.get("description").as_str().map(str::to_string),
            api_only_user: config
                .get("api_only_user")
                .as_str()
                .unwrap_or_default()
                .to_string(),
        };
        match client.create_service(&new).await {
            Ok(detail) => ApplyResponse {
                new_state: state_of(&detail, Some(config)),
                ..ApplyResponse::default()
            },
            Err(e) => write_error(
                &format!("creating the custom service \"{}\"", new.display_name),
                config,
                &e,
            )
            .into(),
        }
    }

    async fn update(&self, ctx: &Context, prior: &Value, config: &Value) -> ApplyResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return unchanged(prior, d),
        };
        let id = match numeric_id(prior, "service") {
            Ok(id) => id,
            Err(d) => return unchanged(prior, d),
        };
        let mut update = ServiceUpdate::default();
        if prior.get("display_name") != config.get("display_name") {
            update.display_name = config.get("display_name").as_str().map(str::to_string);
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
        let doing = format!("updating the custom service {}", label(prior));
        let result = if update == ServiceUpdate::default() {
            client.get_service(id).await.and_then(|found| {
                found.ok_or_else(|| {
                    marketo::Error::new(ErrorKind::NotFound, "the service no longer exists")
                })
            })
        } else {
            client.update_service(id, &update).await
        };
        match result {
            Ok(detail) => ApplyResponse {
                new_state: state_of(&detail, Some(config)),
                ..ApplyResponse::default()
            },
            Err(e) if e.kind() == ErrorKind::NotFound => unchanged(
                prior,
                Diagnostic::error(
                    "The custom service no longer exists",
                    format!(
                        "While {doing}: the service was deleted outside Terraform. Run terraform \
                         apply again: the refresh drops it from the state and plans to create it."
                    ),
                ),
            ),
            Err(e) => unchanged(prior, write_error(&doing, config, &e)),
        }
    }

    async fn delete(&self, ctx: &Context, prior: &Value) -> ApplyResponse {
        let client = match self.shared.client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = match numeric_id(prior, "service") {
            Ok(id) => id,
            Err(d) => return d.into(),
        };
        match client.delete_service(id).await {
            Ok(()) => ApplyResponse::default(),
            Err(e) if e.kind() == ErrorKind::NotFound => ApplyResponse::default(),
            Err(e) => write_error(
                &format!("deleting the custom service {}", label(prior)),
                prior,
                &e,
            )
            .into(),
        }
    }
}

#[async_trait]
impl Resource for CustomService {
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
        let id = match numeric_id(&prior, "service") {
            Ok(id) => id,
            Err(d) => return d.into(),
        };
        match client.get_service(id).await {
            Ok(Some(detail)) => ReadResponse {
                new_state: state_of(&detail, Some(&prior)),
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => ReadResponse {
                new_state: Value::Null,
                private: req.private,
                diagnostics: gone_warning("custom service", &label(&prior)).into_diagnostics(),
            },
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                endpoint_missing("LaunchPoint service", INSTEAD).into()
            }
            Err(e) => {
                api_error(&format!("reading the custom service {}", label(&prior)), &e).into()
            }
        }
    }

    async fn plan(&self, ctx: &Context, req: PlanRequest) -> PlanResponse {
        let diagnostics = check_config(&req.config);
        if diagnostics.has_errors() {
            return diagnostics.into();
        }
        // Issue 10: refused here, before anything is written, where the endpoints are missing.
        let refusal = admin_endpoints::refuse_at_plan(
            &self.shared,
            ctx,
            &req,
            "LaunchPoint service",
            INSTEAD,
        );
        if let Some(d) = refusal.await {
            return d.into();
        }
        if req.is_create() {
            return PlanResponse {
                planned_state: schema().mark_computed_nulls_unknown(&req.proposed_new_state),
                planned_private: req.prior_private,
                diagnostics,
                ..PlanResponse::default()
            };
        }
        let mut planned = req.proposed_new_state.clone();
        let mut requires_replace = Vec::new();
        // Marketo cannot move a service to another user: a new owner (or one not known until
        // apply, which may differ) means a new service with new credentials.
        let owner = planned.get("api_only_user");
        if !owner.is_known() || owner != req.prior_state.get("api_only_user") {
            requires_replace.push(AttributePath::root("api_only_user"));
            for attr in COMPUTED {
                planned.set_attr(attr, Value::Unknown);
            }
        } else {
            for attr in COMPUTED {
                planned.set_attr(attr, req.prior_state.get(attr).clone());
            }
        }
        PlanResponse {
            planned_state: planned,
            requires_replace,
            planned_private: req.prior_private,
            diagnostics,
        }
    }

    async fn apply(&self, ctx: &Context, req: ApplyRequest) -> ApplyResponse {
        let change = req.change();
        if change != Change::Delete {
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
            Change::Update => {
                if req.planned_state.get("api_only_user") != req.prior_state.get("api_only_user") {
                    // The plan asked for a replacement; an update cannot change the owner.
                    unchanged(
                        &req.prior_state,
                        Diagnostic::error(
                            "The service's user cannot change in place",
                            "Marketo cannot move a custom service to another user; Terraform \
                             should have planned a replacement. Please report this as a bug.",
                        )
                        .at(AttributePath::root("api_only_user")),
                    )
                } else {
                    self.update(ctx, &req.prior_state, &req.planned_state).await
                }
            }
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
        let service_id = match parse_id(key) {
            Some(n) => n,
            None => match client.find_service_by_client_id(key).await {
                Ok(Some(s)) => s.id,
                Ok(None) => {
                    return Diagnostic::error(
                        "Cannot import the custom service: not found",
                        format!(
                            "Marketo has no LaunchPoint custom service whose Client ID is \
                             \"{key}\". Import by the numeric id or by the Client ID \
                             (Admin > Integration > LaunchPoint > View Details)."
                        ),
                    )
                    .into();
                }
                Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                    return endpoint_missing("LaunchPoint service", INSTEAD).into();
                }
                Err(e) => {
                    return api_error("listing the custom services", &e).into();
                }
            },
        };
        match client.get_service(service_id).await {
            Ok(Some(detail)) => ImportResponse {
                imported: vec![ImportedResource {
                    state: state_of(&detail, None),
                    private: Vec::new(),
                }],
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => Diagnostic::error(
                "Cannot import the custom service: not found",
                format!("Marketo has no LaunchPoint custom service with id {service_id}."),
            )
            .into(),
            Err(e) if e.kind() == ErrorKind::EndpointMissing => {
                endpoint_missing("LaunchPoint service", INSTEAD).into()
            }
            Err(e) => api_error_at(
                &format!("reading the custom service {service_id}"),
                &e,
                AttributePath::root("id"),
            )
            .into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, description: Option<&str>, user: &str) -> Value {
        Value::object([
            ("id", Value::Null),
            ("display_name", Value::string(name)),
            ("description", Value::opt(description)),
            ("api_only_user", Value::string(user)),
            ("client_id", Value::Null),
            ("client_secret", Value::Null),
        ])
    }

    fn prior() -> Value {
        config("Sync", None, "sync@example.com")
            .with_attr("id", Value::string("7"))
            .with_attr("client_id", Value::string("cid"))
            .with_attr("client_secret", Value::string("s3cr3t-s3cr3t-s3cr3t"))
    }

    fn plan(prior: Value, proposed: Value) -> PlanResponse {
        let svc = CustomService::new(Arc::new(Shared::default()));
        let req = PlanRequest {
            prior_state: prior,
            proposed_new_state: proposed.clone(),
            config: proposed,
            prior_private: Vec::new(),
            client_capabilities: Default::default(),
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(svc.plan(&Context::default(), req))
    }

    #[test]
    fn schema_is_valid_and_secret_is_sensitive() {
        let s = schema();
        assert!(!s.check().has_errors(), "{}", s.check());
        let secret = s
            .block
            .attributes
            .iter()
            .find(|a| a.name == "client_secret")
            .unwrap();
        assert!(secret.sensitive && secret.computed);
    }

    #[test]
    fn checks() {
        assert!(check_config(&config("Sync", Some("d"), "u@x.io")).is_empty());
        let d = check_config(&config("", Some(""), " "));
        let paths: Vec<String> = d
            .iter()
            .filter_map(|d| d.attribute.as_ref().map(ToString::to_string))
            .collect();
        assert_eq!(paths, vec!["display_name", "description", "api_only_user"]);
        let d = check_config(&config(&"n".repeat(51), None, "u"));
        assert!(d.to_string().contains("at most 50"), "{d}");
    }

    #[test]
    fn plan_in_place_keeps_credentials() {
        let proposed = prior()
            .with_attr("display_name", Value::string("Sync 2"))
            .with_attr("description", Value::string("new"));
        let resp = plan(prior(), proposed);
        assert!(resp.requires_replace.is_empty());
        assert_eq!(resp.planned_state.get("client_id").as_str(), Some("cid"));
        assert_eq!(resp.planned_state.get("id").as_str(), Some("7"));
    }

    #[test]
    fn plan_new_owner_replaces() {
        let proposed = prior().with_attr("api_only_user", Value::string("other@example.com"));
        let resp = plan(prior(), proposed);
        assert_eq!(
            resp.requires_replace,
            vec![AttributePath::root("api_only_user")]
        );
        assert_eq!(resp.planned_state.get("client_secret"), &Value::Unknown);
        let proposed = prior().with_attr("api_only_user", Value::Unknown);
        assert_eq!(plan(prior(), proposed).requires_replace.len(), 1);
    }

    #[test]
    fn state_carries_the_secret_but_errors_do_not() {
        let detail: ServiceDetail = serde_json::from_value(serde_json::json!({
            "id": 3, "displayName": "S", "description": null, "service": "Custom",
            "apiOnlyUser": "u@x.io", "clientId": "cid", "clientSecret": "ABCDEFGHsecret123456"
        }))
        .unwrap();
        let s = state_of(&detail, None);
        assert_eq!(
            s.get("client_secret").as_str(),
            Some("ABCDEFGHsecret123456")
        );
        assert_eq!(s.get("id").as_str(), Some("3"));
        assert!(s.get("description").is_null());
        let err = marketo::Error::new(ErrorKind::Validation, "owner is not API-only");
        let d = write_error("creating", &s, &err).to_string();
        assert!(!d.contains("ABCDEFGHsecret123456"));
        let err = marketo::Error::new(ErrorKind::EndpointMissing, "no");
        assert!(
            write_error("creating", &s, &err)
                .summary
                .contains("no LaunchPoint service management")
        );
    }
}
