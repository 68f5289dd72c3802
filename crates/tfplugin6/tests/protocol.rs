//! The protocol layer end to end: a small in-memory provider served
//! in-process and driven by a tonic client generated from the same proto;
//! a built binary's handshake (plain and AutoMTLS) and shutdown (the crate's
//! `tfplugin6-empty-provider`, serving `tfplugin6::testing::EmptyProvider`);
//! and, when a `terraform` is on PATH, a real Terraform run against the test
//! provider.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use tfplugin6::proto::plugin as gp;
use tfplugin6::proto::tfplugin6 as pb;
use tfplugin6::{
    ApplyRequest, ApplyResponse, Attribute, AttributePath, Block, Change, ConfigureRequest,
    Context, DataSource, DataSourceReadResponse, Diagnostic, Diagnostics, ImportResponse,
    ImportedResource, NestingMode, PlanRequest, PlanResponse, Provider, ReadRequest, ReadResponse,
    Resource, Schema, TestServer, Type, Value, serve_in_process,
};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

const ADDRESS: &str = "registry.terraform.io/protocol-test/example";
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

// ---------------------------------------------------------------------------
// The test provider: `example_widget` (in memory) and `example_sleep`.
// ---------------------------------------------------------------------------

struct TestProvider {
    widget: Arc<Widget>,
}

impl TestProvider {
    fn new() -> Arc<TestProvider> {
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
struct Widget {
    objects: Mutex<HashMap<String, Value>>,
    next: AtomicU64,
}

fn widget_schema() -> Schema {
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

fn widget_type() -> Type {
    widget_schema().value_type()
}

/// Fills what the "remote system" decides: unknowns become known.
fn resolve(planned: &Value, id: &str) -> Value {
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

    async fn import(&self, _ctx: &Context, id: &str) -> ImportResponse {
        match self.objects.lock().unwrap().get(id) {
            Some(state) => ImportResponse {
                imported: vec![ImportedResource {
                    state: state.clone(),
                    private: Vec::new(),
                }],
                diagnostics: Diagnostics::new(),
            },
            None => Diagnostic::error("Not found", format!("no widget {id}"))
                .into_diagnostics()
                .into(),
        }
    }
}

/// Sleeps `seconds`, unless the provider is stopped first.
struct Sleep;

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

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: v.to_msgpack(ty).unwrap(),
        json: Vec::new(),
    })
}

fn undv(d: &Option<pb::DynamicValue>, ty: &Type) -> Value {
    Value::from_msgpack(&d.as_ref().unwrap().msgpack, ty).unwrap()
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .collect()
}

async fn start() -> (TestServer, pb::provider_client::ProviderClient<Channel>) {
    let server = serve_in_process(TestProvider::new()).await.unwrap();
    let channel = Channel::from_shared(server.endpoint())
        .unwrap()
        .connect()
        .await
        .unwrap();
    (server, pb::provider_client::ProviderClient::new(channel))
}

fn widget_config(name: &str) -> Value {
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

// ---------------------------------------------------------------------------
// In-process tests
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_metadata_and_configure() {
    let (_server, mut c) = start().await;
    let s = c
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&s.diagnostics).is_empty());
    let caps = s.server_capabilities.unwrap();
    assert!(caps.get_provider_schema_optional);
    assert!(!caps.plan_destroy);
    let w = s.resource_schemas["example_widget"].block.as_ref().unwrap();
    let ra = w
        .attributes
        .iter()
        .find(|a| a.name == "role_assignment")
        .unwrap();
    assert!(ra.r#type.is_empty(), "nested attribute must not set type");
    let nested = ra.nested_type.as_ref().unwrap();
    assert_eq!(nested.nesting, pb::schema::object::NestingMode::Set as i32);
    assert!(
        nested
            .attributes
            .iter()
            .all(|a| !a.r#type.is_empty() && a.nested_type.is_none())
    );
    let secret = w.attributes.iter().find(|a| a.name == "secret").unwrap();
    assert!(secret.sensitive);
    let id = w.attributes.iter().find(|a| a.name == "id").unwrap();
    assert!(id.computed && !id.optional && !id.required);
    assert!(s.data_source_schemas.contains_key("example_sleep"));
    assert!(s.provider.unwrap().block.unwrap().attributes[0].sensitive);

    let m = c
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(m.resources[0].type_name, "example_widget");
    assert_eq!(m.data_sources[0].type_name, "example_sleep");

    let f = c
        .get_functions(pb::get_functions::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(f.functions.is_empty());
    let ids = c
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(ids.identity_schemas.is_empty());

    let pty = Type::object([("token", Type::String)]);
    let bad = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.14.0".into(),
            config: dv(&Value::object([("token", Value::string("bad"))]), &pty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&bad.diagnostics).len(), 1);
    let good = c
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.14.0".into(),
            config: dv(&Value::object([("token", Value::Unknown)]), &pty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(good.diagnostics.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_reports_attribute_paths_and_bad_input() {
    let (_server, mut c) = start().await;
    let ty = widget_type();
    let mut config = widget_config("");
    config.set_attr(
        "role_assignment",
        Value::set_of([Value::object([
            ("role_id", Value::int(-1)),
            ("workspace_id", Value::Null),
        ])]),
    );
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "example_widget".into(),
            config: dv(&config, &ty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&r.diagnostics).len(), 2);
    let paths: Vec<String> = r
        .diagnostics
        .iter()
        .map(|d| AttributePath::from_proto(d.attribute.as_ref().unwrap()).to_string())
        .collect();
    assert!(paths.contains(&"name".to_string()));
    assert!(paths.contains(&"role_assignment[0].role_id".to_string()));

    // Unknown type names and garbage msgpack give diagnostics, not failures.
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "example_nope".into(),
            config: dv(&Value::Null, &ty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&r.diagnostics)[0]
            .summary
            .contains("Unknown resource type")
    );
    let r = c
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "example_widget".into(),
            config: Some(pb::DynamicValue {
                msgpack: vec![0x85, 0xa1],
                json: Vec::new(),
            }),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&r.diagnostics).len(), 1);
    let r = c
        .read_data_source(pb::read_data_source::Request {
            type_name: "example_nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&r.diagnostics).len(), 1);
    let r = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "example_widget".into(),
            proposed_new_state: Some(pb::DynamicValue {
                msgpack: vec![0xc1],
                json: Vec::new(),
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&r.diagnostics).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifecycle_plan_apply_read_import_destroy() {
    let (_server, mut c) = start().await;
    let ty = widget_type();
    let config = widget_config("one");

    // Plan a create: computed nulls become unknown, at any depth.
    let plan = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: dv(&config, &ty),
            config: dv(&config, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(plan.diagnostics.is_empty());
    let planned = undv(&plan.planned_state, &ty);
    assert_eq!(planned.get("id"), &Value::Unknown);
    assert_eq!(planned.get("created_at"), &Value::Unknown);
    assert_eq!(planned.get("name").as_str(), Some("one"));
    let roles: Vec<&Value> = planned.get("role_assignment").elements().collect();
    assert_eq!(roles.len(), 2);
    assert!(
        roles
            .iter()
            .any(|r| r.get("workspace_id") == &Value::Unknown)
    );
    assert!(
        roles
            .iter()
            .any(|r| r.get("workspace_id").as_i64() == Some(7))
    );
    assert_eq!(plan.planned_private, b"planned");

    // Apply it.
    let applied = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: plan.planned_state.clone(),
            config: dv(&config, &ty),
            planned_private: plan.planned_private.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(applied.diagnostics.is_empty());
    let state = undv(&applied.new_state, &ty);
    assert!(state.is_fully_known());
    let id = state.get("id").as_str().unwrap().to_string();
    assert_eq!(applied.private, b"planned");

    // Read it back.
    let read = c
        .read_resource(pb::read_resource::Request {
            type_name: "example_widget".into(),
            current_state: applied.new_state.clone(),
            private: applied.private.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(undv(&read.new_state, &ty), state);
    assert_eq!(read.private, b"planned");

    // Upgrade stored JSON state (attributes the schema no longer has are dropped).
    let mut json: serde_json::Value = serde_json::from_slice(&state.to_json(&ty).unwrap()).unwrap();
    json["removed_long_ago"] = serde_json::json!("x");
    let up = c
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: "example_widget".into(),
            version: 0,
            raw_state: Some(pb::RawState {
                json: json.to_string().into_bytes(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(up.diagnostics.is_empty());
    assert_eq!(undv(&up.upgraded_state, &ty), state);

    // Import by id.
    let imported = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "example_widget".into(),
            id: id.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(imported.imported_resources.len(), 1);
    assert_eq!(imported.imported_resources[0].type_name, "example_widget");
    assert_eq!(undv(&imported.imported_resources[0].state, &ty), state);
    let missing = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "example_widget".into(),
            id: "w-404".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&missing.diagnostics).len(), 1);

    // A rename forces replacement.
    let renamed = state.clone().with_attr("name", Value::string("two"));
    let plan = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: applied.new_state.clone(),
            proposed_new_state: dv(&renamed, &ty),
            config: dv(&widget_config("two"), &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(plan.requires_replace.len(), 1);
    assert_eq!(
        AttributePath::from_proto(&plan.requires_replace[0]).to_string(),
        "name"
    );

    // Plan a destroy: null, carrying the private data along.
    let plan = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: applied.new_state.clone(),
            proposed_new_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            prior_private: b"keep".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(undv(&plan.planned_state, &ty), Value::Null);
    assert_eq!(plan.planned_private, b"keep");

    // Apply the destroy: null, even though the resource answered otherwise.
    let destroyed = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: applied.new_state.clone(),
            planned_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(undv(&destroyed.new_state, &ty), Value::Null);

    // Gone: read answers null.
    let read = c
        .read_resource(pb::read_resource::Request {
            type_name: "example_widget".into(),
            current_state: applied.new_state.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(undv(&read.new_state, &ty), Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_keeps_set_elements_that_differ_only_in_unknowns() {
    // Two role assignments whose role ids come from resources not created
    // yet: cty holds both elements, and the plan must too, or Terraform
    // refuses it ("count in plan disagrees with count in config").
    let (_server, mut c) = start().await;
    let ty = widget_type();
    let pending = Value::object([("role_id", Value::Unknown), ("workspace_id", Value::int(0))]);
    let config = widget_config("two").with_attr(
        "role_assignment",
        Value::Set(vec![pending.clone(), pending]),
    );
    // Built element by element, as Terraform sends it.
    let Type::Object(mut attrs) = ty.clone() else {
        unreachable!()
    };
    let elem = match attrs.get("role_assignment") {
        Some(Type::Set(e)) => (**e).clone(),
        _ => unreachable!(),
    };
    attrs.insert("role_assignment".into(), Type::list(elem));
    let wire = dv(&config, &Type::Object(attrs));
    let plan = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: dv(&Value::Null, &ty),
            proposed_new_state: wire.clone(),
            config: wire,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    let planned = undv(&plan.planned_state, &ty);
    assert_eq!(planned.get("role_assignment").elements().count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_provider_cancels_work_in_flight_then_new_calls_run() {
    let (_server, c) = start().await;
    let ty = Type::object([("seconds", Type::Number), ("result", Type::String)]);
    let read = |secs: i64, mut c: pb::provider_client::ProviderClient<Channel>| {
        let ty = ty.clone();
        async move {
            c.read_data_source(pb::read_data_source::Request {
                type_name: "example_sleep".into(),
                config: dv(
                    &Value::object([("seconds", Value::int(secs)), ("result", Value::Null)]),
                    &ty,
                ),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
        }
    };
    let started = std::time::Instant::now();
    let slow = tokio::spawn(read(60, c.clone()));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stop = c
        .clone()
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");
    let slow = slow.await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(errors(&slow.diagnostics)[0].summary.contains("cancelled"));

    // A call after the stop gets a fresh token and completes.
    let quick = read(0, c.clone()).await;
    assert!(quick.diagnostics.is_empty());
    assert_eq!(
        undv(&quick.state, &ty).get("result").as_str(),
        Some("slept")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controller_shutdown_stops_the_server() {
    let (server, c) = start().await;
    let mut ctl = gp::grpc_controller_client::GrpcControllerClient::new(
        Channel::from_shared(server.endpoint())
            .unwrap()
            .connect()
            .await
            .unwrap(),
    );
    // An open stdio stream must not hold the shutdown up.
    let mut stdio = gp::grpc_stdio_client::GrpcStdioClient::new(
        Channel::from_shared(server.endpoint())
            .unwrap()
            .connect()
            .await
            .unwrap(),
    );
    let stream = stdio.stream_stdio(()).await.unwrap().into_inner();
    ctl.shutdown(gp::Empty {}).await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), server.stopped())
        .await
        .unwrap();
    assert!(server.is_stopped());
    drop((c, stream));
}

#[test]
fn blocking_test_server_serves_and_reattach_value_points_at_it() {
    let server = TestServer::start(TestProvider::new()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&server.reattach_providers()).unwrap();
    assert_eq!(v[ADDRESS]["Addr"]["String"], server.addr().to_string());
    assert_eq!(v[ADDRESS]["ProtocolVersion"], 6);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut c = pb::provider_client::ProviderClient::new(
            Channel::from_shared(server.endpoint())
                .unwrap()
                .connect()
                .await
                .unwrap(),
        );
        let s = c
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(s.resource_schemas.contains_key("example_widget"));
    });
    server.shutdown();
}

// ---------------------------------------------------------------------------
// The built binary
// ---------------------------------------------------------------------------

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tfplugin6-empty-provider"));
    for var in [
        "TF_PLUGIN_MAGIC_COOKIE",
        "PLUGIN_PROTOCOL_VERSIONS",
        "PLUGIN_MIN_PORT",
        "PLUGIN_MAX_PORT",
        "PLUGIN_CLIENT_CERT",
        "TF_LOG",
        "TF_LOG_PROVIDER",
        "RUST_LOG",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for the child to exit, killing it after `limit`.
fn wait_exit(child: &mut std::process::Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn binary_run_by_hand_prints_the_friendly_message() {
    let out = binary().output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("This binary is a plugin for Terraform"),
        "{err}"
    );
    assert!(err.contains("--debug"), "{err}");
}

#[test]
fn binary_refuses_protocol_versions_it_does_not_speak() {
    let out = binary()
        .env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("speaks only version 6"));
}

struct Handshake {
    child: std::process::Child,
    addr: String,
    cert: String,
}

fn handshake(extra_env: &[(&str, &str)]) -> Handshake {
    let mut cmd = binary();
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "20000")
        .env("PLUGIN_MAX_PORT", "29999");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let fields: Vec<&str> = line.trim_end_matches('\n').split('|').collect();
    assert_eq!(fields.len(), 6, "handshake line {line:?}");
    assert_eq!(fields[0], "1");
    assert_eq!(fields[1], "6");
    assert_eq!(fields[2], "tcp");
    assert_eq!(fields[4], "grpc");
    let port: u16 = fields[3]
        .strip_prefix("127.0.0.1:")
        .unwrap()
        .parse()
        .unwrap();
    assert!((20000..=29999).contains(&port));
    // Nothing else ever appears on stdout.
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stdout.read_to_string(&mut rest);
        assert!(
            rest.is_empty(),
            "unexpected stdout after the handshake: {rest:?}"
        );
    });
    Handshake {
        child,
        addr: fields[3].to_string(),
        cert: fields[5].to_string(),
    }
}

fn der_to_pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(chunk).unwrap());
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    pem
}

/// A client certificate shaped like go-plugin's: self-signed, CA flag set,
/// client and server auth.
fn go_plugin_like_client_cert() -> (String, String) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[test]
fn binary_handshake_plaintext_then_shutdown() {
    let mut h = handshake(&[]);
    assert_eq!(h.cert, "", "no certificate without AutoMTLS");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let channel = Channel::from_shared(format!("http://{}", h.addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut c = pb::provider_client::ProviderClient::new(channel.clone());
        let s = c
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(s.provider.is_some());
        let mut ctl = gp::grpc_controller_client::GrpcControllerClient::new(channel);
        ctl.shutdown(gp::Empty {}).await.unwrap();
    });
    let status = wait_exit(&mut h.child, Duration::from_secs(10)).expect("exits after Shutdown");
    assert!(status.success(), "{status:?}");
}

#[test]
fn binary_handshake_with_auto_mtls() {
    let (client_pem, client_key) = go_plugin_like_client_cert();
    let mut h = handshake(&[("PLUGIN_CLIENT_CERT", &client_pem)]);
    assert!(!h.cert.is_empty());
    assert!(!h.cert.contains('='), "no base64 padding");
    let der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&h.cert)
        .unwrap();
    assert_eq!(der[0], 0x30, "a DER certificate");
    let server_pem = der_to_pem(&der);
    let port = h.addr.rsplit(':').next().unwrap().to_string();

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let tls = ClientTlsConfig::new()
            .domain_name("localhost")
            .ca_certificate(Certificate::from_pem(&server_pem));
        // Without a client certificate the server refuses the connection.
        let refused = async {
            let ch = Channel::from_shared(format!("https://localhost:{port}"))
                .unwrap()
                .tls_config(tls.clone())
                .unwrap()
                .connect()
                .await?;
            pb::provider_client::ProviderClient::new(ch)
                .get_metadata(pb::get_metadata::Request {})
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)?;
            Ok::<(), Box<dyn std::error::Error>>(())
        };
        assert!(
            refused.await.is_err(),
            "a client without the certificate must be refused"
        );
        // A different client certificate is refused too.
        let (other_pem, other_key) = go_plugin_like_client_cert();
        let other = async {
            let ch = Channel::from_shared(format!("https://localhost:{port}"))
                .unwrap()
                .tls_config(
                    tls.clone()
                        .identity(Identity::from_pem(&other_pem, &other_key)),
                )
                .unwrap()
                .connect()
                .await?;
            pb::provider_client::ProviderClient::new(ch)
                .get_metadata(pb::get_metadata::Request {})
                .await
                .map_err(|e| Box::new(e) as Box<dyn std::error::Error>)?;
            Ok::<(), Box<dyn std::error::Error>>(())
        };
        assert!(
            other.await.is_err(),
            "another client certificate must be refused"
        );

        let channel = Channel::from_shared(format!("https://localhost:{port}"))
            .unwrap()
            .tls_config(tls.identity(Identity::from_pem(&client_pem, &client_key)))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut c = pb::provider_client::ProviderClient::new(channel.clone());
        let s = c
            .get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(s.provider.is_some());
        let mut ctl = gp::grpc_controller_client::GrpcControllerClient::new(channel);
        ctl.shutdown(gp::Empty {}).await.unwrap();
    });
    let status = wait_exit(&mut h.child, Duration::from_secs(10)).expect("exits after Shutdown");
    assert!(status.success(), "{status:?}");
}

#[test]
fn binary_debug_mode_prints_reattach_value() {
    let mut child = binary().arg("--debug").spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    let mut reattach = None;
    for _ in 0..40 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_string());
            break;
        }
        text.push_str(&line);
    }
    let reattach = reattach.unwrap_or_else(|| panic!("no TF_REATTACH_PROVIDERS in {text:?}"));
    let v: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    let entry = v.as_object().unwrap().values().next().unwrap();
    assert_eq!(entry["Pid"], child.id());
    let addr = entry["Addr"]["String"].as_str().unwrap().to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let channel = Channel::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut c = pb::provider_client::ProviderClient::new(channel);
        c.get_provider_schema(pb::get_provider_schema::Request {})
            .await
            .unwrap();
    });
    // SIGTERM ends debug mode cleanly.
    let pid = child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let status = wait_exit(&mut child, Duration::from_secs(10)).expect("exits on SIGTERM");
    assert!(status.success(), "{status:?}");
}

// ---------------------------------------------------------------------------
// A real Terraform, when one is on PATH (or named by TERRAFORM)
// ---------------------------------------------------------------------------

fn find_terraform() -> Option<String> {
    if let Ok(t) = std::env::var("TERRAFORM") {
        if !t.is_empty() {
            return Some(t);
        }
    }
    let ok = Command::new("terraform")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(|| "terraform".to_string())
}

#[test]
fn real_terraform_apply_noop_plan_and_destroy() {
    let Some(terraform) = find_terraform() else {
        eprintln!("skipped: no terraform on PATH and TERRAFORM unset");
        return;
    };
    let server = TestServer::start(TestProvider::new()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cli.tfrc"), "").unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
terraform {
  required_providers {
    example = { source = "protocol-test/example" }
  }
}
provider "example" {
  token = "ok"
}
resource "example_widget" "w" {
  name   = "first"
  secret = "s3cret"
  role_assignment = [
    { role_id = 1 },
    { role_id = 2, workspace_id = 7 },
  ]
}
resource "example_widget" "dependent" {
  name = "after-${example_widget.w.id}"
}
data "example_sleep" "s" {
  seconds = 0
}
output "id" {
  value = example_widget.w.id
}
output "slept" {
  value = data.example_sleep.s.result
}
"#,
    )
    .unwrap();
    let tf = |args: &[&str]| {
        let out = Command::new(&terraform)
            .args(args)
            .current_dir(dir.path())
            .env("TF_REATTACH_PROVIDERS", server.reattach_providers())
            .env("TF_CLI_CONFIG_FILE", dir.path().join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        let text = format!(
            "terraform {args:?}: {:?}\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    let (code, text) = tf(&["init", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = tf(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "{text}");
    let (code, text) = tf(&["output", "-raw", "id"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("w-1") || text.contains("w-2"), "{text}");
    let (code, text) = tf(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "second plan must show no changes: {text}");
    let (code, text) = tf(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert_eq!(code, Some(0), "{text}");
}
