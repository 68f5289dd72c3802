//! The test provider: `example_widget` (in memory, with an identity and a list resource),
//! `example_sleep` and the ephemeral `example_token`; and helpers to drive it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tfplugin6::proto::tfplugin6 as pb;
use tfplugin6::{
    ApplyRequest, ApplyResponse, Attribute, AttributePath, Block, Change, ConfigureRequest,
    Context, DataSource, DataSourceReadResponse, Diagnostic, Diagnostics, EphemeralResource,
    IdentityAttribute, IdentitySchema, ImportResponse, ImportTarget, ImportedResource, ListRequest,
    ListResource, ListResult, ListSink, NestingMode, OpenRequest, OpenResponse, PlanRequest,
    PlanResponse, Provider, ReadRequest, ReadResponse, Resource, Schema, TestServer, Type, Value,
    serve_in_process,
};
use tonic::transport::Channel;

pub(crate) const ADDRESS: &str = "registry.terraform.io/protocol-test/example";

pub(crate) struct TestProvider {
    widget: Arc<Widget>,
}

impl TestProvider {
    pub(crate) fn new() -> Arc<TestProvider> {
        Arc::new(TestProvider {
            widget: Arc::new(Widget::default()),
        })
    }
}

#[async_trait]
impl Provider for TestProvider {
    fn registry_address(&self) -> &str {
        ADDRESS
    }

    fn type_name(&self) -> &str {
        "example"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute(Attribute::new("token", Type::String).optional().sensitive()),
        )
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![self.widget.clone()]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Sleep)]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(Token)]
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(WidgetList(self.widget.clone()))]
    }

    async fn configure(&self, _ctx: &Context, req: ConfigureRequest) -> Diagnostics {
        let mut d = Diagnostics::new();
        if req.config.get("token").as_str() == Some("bad") {
            d.error_at(
                AttributePath::root("token"),
                "Bad token",
                "The token is refused.",
            );
        }
        d
    }
}

#[derive(Default)]
pub(crate) struct Widget {
    objects: Mutex<HashMap<String, Value>>,
    next: AtomicU64,
}

pub(crate) fn widget_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description("A test widget.")
            .attribute(Attribute::new("id", Type::String).computed())
            .attribute(Attribute::new("name", Type::String).required())
            .attribute(
                Attribute::new("secret", Type::String)
                    .optional()
                    .sensitive(),
            )
            .attribute(Attribute::new("created_at", Type::String).computed())
            .attribute(
                Attribute::nested(
                    "role_assignment",
                    NestingMode::Set,
                    vec![
                        Attribute::new("role_id", Type::Number).required(),
                        Attribute::new("workspace_id", Type::Number)
                            .optional()
                            .computed(),
                    ],
                )
                .optional(),
            ),
    )
}

pub(crate) fn widget_type() -> Type {
    widget_schema().value_type()
}

/// Fills what the "remote system" decides: unknowns become known.
pub(crate) fn resolve(planned: &Value, id: &str) -> Value {
    let mut v = planned.clone();
    if !v.get("id").is_known() {
        v.set_attr("id", Value::string(id));
    }
    if !v.get("created_at").is_known() {
        v.set_attr("created_at", Value::string("2024-01-01T00:00:00Z"));
    }
    let roles: Vec<Value> = v
        .get("role_assignment")
        .elements()
        .map(|r| {
            if r.get("workspace_id").is_known() {
                r.clone()
            } else {
                r.clone().with_attr("workspace_id", Value::int(1))
            }
        })
        .collect();
    if !v.get("role_assignment").is_null() {
        v.set_attr("role_assignment", Value::set_of(roles));
    }
    v
}

#[async_trait]
impl Resource for Widget {
    fn type_name(&self) -> &str {
        "example_widget"
    }

    fn schema(&self) -> Schema {
        widget_schema()
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(widget_identity_schema())
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        if config.get("name").as_str() == Some("") {
            d.error_at(
                AttributePath::root("name"),
                "Empty name",
                "name must not be empty",
            );
        }
        for (i, r) in config.get("role_assignment").elements().enumerate() {
            if r.get("role_id").as_i64().is_some_and(|id| id < 0) {
                d.error_at(
                    AttributePath::root("role_assignment")
                        .index_int(i as i64)
                        .attr("role_id"),
                    "Negative role",
                    "",
                );
            }
        }
        d
    }

    async fn read(&self, _ctx: &Context, req: ReadRequest) -> ReadResponse {
        let id = req
            .current_state
            .get("id")
            .as_str()
            .unwrap_or_default()
            .to_string();
        let state = self
            .objects
            .lock()
            .unwrap()
            .get(&id)
            .cloned()
            .unwrap_or(Value::Null);
        ReadResponse {
            new_identity: identity_of(&state),
            new_state: state,
            private: req.private,
            diagnostics: Diagnostics::new(),
        }
    }

    async fn plan(&self, _ctx: &Context, req: PlanRequest) -> PlanResponse {
        let mut resp = PlanResponse {
            planned_state: if req.is_create() {
                widget_schema().mark_computed_nulls_unknown(&req.proposed_new_state)
            } else {
                req.proposed_new_state.clone()
            },
            planned_private: b"planned".to_vec(),
            ..PlanResponse::default()
        };
        if !req.is_create() && req.prior_state.get("name") != req.proposed_new_state.get("name") {
            resp.requires_replace.push(AttributePath::root("name"));
        }
        resp
    }

    async fn apply(&self, _ctx: &Context, req: ApplyRequest) -> ApplyResponse {
        let mut objects = self.objects.lock().unwrap();
        match req.change() {
            Change::Create => {
                let id = format!("w-{}", self.next.fetch_add(1, Ordering::SeqCst) + 1);
                let state = resolve(&req.planned_state, &id);
                objects.insert(id, state.clone());
                ApplyResponse {
                    new_identity: identity_of(&state),
                    new_state: state,
                    private: req.planned_private,
                    diagnostics: Diagnostics::new(),
                }
            }
            Change::Update => {
                let id = req
                    .prior_state
                    .get("id")
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let state = resolve(&req.planned_state, &id);
                objects.insert(id, state.clone());
                ApplyResponse {
                    new_identity: identity_of(&state),
                    new_state: state,
                    private: req.planned_private,
                    diagnostics: Diagnostics::new(),
                }
            }
            Change::Delete => {
                let id = req.prior_state.get("id").as_str().unwrap_or_default();
                objects.remove(id);
                // Deliberately sloppy: the server must still answer null.
                ApplyResponse {
                    new_state: req.prior_state.clone(),
                    ..ApplyResponse::default()
                }
            }
        }
    }

    async fn import(&self, _ctx: &Context, target: ImportTarget) -> ImportResponse {
        let id = match target {
            ImportTarget::Id(id) => id,
            ImportTarget::Identity(v) => v.get("id").as_str().unwrap_or_default().to_string(),
        };
        match self.objects.lock().unwrap().get(&id) {
            Some(state) => ImportResponse {
                imported: vec![ImportedResource {
                    state: state.clone(),
                    private: Vec::new(),
                    identity: identity_of(state),
                }],
                diagnostics: Diagnostics::new(),
            },
            None => Diagnostic::error("Not found", format!("no widget {id}"))
                .into_diagnostics()
                .into(),
        }
    }
}

pub(crate) fn widget_identity_schema() -> IdentitySchema {
    IdentitySchema::new(0, vec![IdentityAttribute::required("id", Type::String)])
}

/// A widget's identity: `{id}`; null for no widget.
pub(crate) fn identity_of(state: &Value) -> Value {
    if state.is_null() {
        Value::Null
    } else {
        Value::object([("id", state.get("id").clone())])
    }
}

/// Lists the widgets whose name starts with `config.prefix`.
pub(crate) struct WidgetList(Arc<Widget>);

#[async_trait]
impl ListResource for WidgetList {
    fn type_name(&self) -> &str {
        "example_widget"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute(Attribute::new("prefix", Type::String).optional()),
        )
    }

    async fn list(&self, _ctx: &Context, req: ListRequest, out: ListSink) {
        let prefix = req.config.get("prefix").as_str().unwrap_or("").to_string();
        let mut found: Vec<Value> = self.0.objects.lock().unwrap().values().cloned().collect();
        found.sort_by_key(|v| v.get("id").as_str().unwrap_or_default().to_string());
        for state in found {
            let name = state.get("name").as_str().unwrap_or_default().to_string();
            if !name.starts_with(&prefix) {
                continue;
            }
            let result = ListResult {
                identity: identity_of(&state),
                display_name: name,
                resource_object: req.include_resource_object.then(|| state.clone()),
                diagnostics: Diagnostics::new(),
            };
            if !out.send(result).await {
                return;
            }
        }
    }
}

/// An ephemeral token: `value` is "token-for-<name>".
pub(crate) struct Token;

#[async_trait]
impl EphemeralResource for Token {
    fn type_name(&self) -> &str {
        "example_token"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("name", Type::String).required())
                .attribute(Attribute::new("value", Type::String).computed().sensitive()),
        )
    }

    async fn open(&self, _ctx: &Context, req: OpenRequest) -> OpenResponse {
        let name = req
            .config
            .get("name")
            .as_str()
            .unwrap_or_default()
            .to_string();
        OpenResponse {
            result: req
                .config
                .with_attr("value", Value::string(format!("token-for-{name}"))),
            private: Some(name.into_bytes()),
            renew_at: None,
            diagnostics: Diagnostics::new(),
        }
    }
}

/// Sleeps `seconds`, unless the provider is stopped first.
pub(crate) struct Sleep;

#[async_trait]
impl DataSource for Sleep {
    fn type_name(&self) -> &str {
        "example_sleep"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute(Attribute::new("seconds", Type::Number).required())
                .attribute(Attribute::new("result", Type::String).computed()),
        )
    }

    async fn read(&self, ctx: &Context, config: Value) -> DataSourceReadResponse {
        let secs = config.get("seconds").as_f64().unwrap_or(0.0);
        match ctx
            .run(tokio::time::sleep(Duration::from_secs_f64(secs)))
            .await
        {
            Ok(()) => DataSourceReadResponse {
                state: config.with_attr("result", Value::string("slept")),
                diagnostics: Diagnostics::new(),
            },
            Err(_) => Context::cancelled_diagnostic().into_diagnostics().into(),
        }
    }
}

pub(crate) fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: v.to_msgpack(ty).unwrap(),
        json: Vec::new(),
    })
}

pub(crate) fn undv(d: &Option<pb::DynamicValue>, ty: &Type) -> Value {
    Value::from_msgpack(&d.as_ref().unwrap().msgpack, ty).unwrap()
}

pub(crate) fn errors(diags: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .collect()
}

pub(crate) async fn start() -> (TestServer, pb::provider_client::ProviderClient<Channel>) {
    let server = serve_in_process(TestProvider::new()).await.unwrap();
    let channel = Channel::from_shared(server.endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    (server, pb::provider_client::ProviderClient::new(channel))
}

pub(crate) fn widget_config(name: &str) -> Value {
    Value::object([
        ("id", Value::Null),
        ("name", Value::string(name)),
        ("secret", Value::string("s3cret")),
        ("created_at", Value::Null),
        (
            "role_assignment",
            Value::set_of([
                Value::object([("role_id", Value::int(1)), ("workspace_id", Value::Null)]),
                Value::object([("role_id", Value::int(2)), ("workspace_id", Value::int(7))]),
            ]),
        ),
    ])
}
