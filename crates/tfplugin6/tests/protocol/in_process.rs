//! The test provider served in-process, driven by a tonic client.

use std::time::Duration;

use tfplugin6::proto::plugin as gp;
use tfplugin6::proto::tfplugin6 as pb;
use tfplugin6::{AttributePath, TestServer, Type, Value};
use tonic::transport::Channel;

use crate::provider::*;

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
    // Destroys are planned by the provider too (issue 17: a resource may object before anything
    // is written).
    assert!(caps.plan_destroy);
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
    let widget_identity = &ids.identity_schemas["example_widget"];
    assert_eq!(widget_identity.identity_attributes[0].name, "id");
    assert!(widget_identity.identity_attributes[0].required_for_import);
    assert!(s.ephemeral_resource_schemas.contains_key("example_token"));
    assert!(s.list_resource_schemas.contains_key("example_widget"));
    assert_eq!(m.ephemeral_resources[0].type_name, "example_token");
    assert_eq!(m.list_resources[0].type_name, "example_widget");

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
