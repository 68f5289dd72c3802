//! Resource identity, list resources and ephemeral resources, through the gRPC service.

use tfplugin6::proto::tfplugin6 as pb;
use tfplugin6::{Type, Value};
use tokio_stream::StreamExt;

use crate::provider::*;

fn identity_type() -> Type {
    widget_identity_schema().value_type()
}

fn identity_dv(id: &str) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData {
        identity_data: dv(
            &Value::object([("id", Value::string(id))]),
            &identity_type(),
        ),
    })
}

fn identity_of_data(d: &Option<pb::ResourceIdentityData>) -> Value {
    undv(&d.as_ref().unwrap().identity_data, &identity_type())
}

async fn create(c: &mut Client, name: &str) -> Value {
    let ty = widget_type();
    let resp = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: dv(&Value::Null, &ty),
            planned_state: dv(
                &widget_schema().mark_computed_nulls_unknown(&widget_config(name)),
                &ty,
            ),
            config: dv(&widget_config(name), &ty),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&resp.diagnostics).is_empty(),
        "{:?}",
        resp.diagnostics
    );
    let identity = identity_of_data(&resp.new_identity);
    let state = undv(&resp.new_state, &ty);
    assert_eq!(identity.get("id"), state.get("id"));
    state
}

type Client = pb::provider_client::ProviderClient<tonic::transport::Channel>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_on_apply_read_and_import_by_identity() {
    let (_server, mut c) = start().await;
    let ty = widget_type();
    let state = create(&mut c, "a").await;
    let id = state.get("id").as_str().unwrap().to_string();

    let read = c
        .read_resource(pb::read_resource::Request {
            type_name: "example_widget".into(),
            current_state: dv(&state, &ty),
            current_identity: identity_dv(&id),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        identity_of_data(&read.new_identity).get("id").as_str(),
        Some(id.as_str())
    );

    let imported = c
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "example_widget".into(),
            id: String::new(),
            client_capabilities: None,
            identity: identity_dv(&id),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&imported.diagnostics).is_empty());
    let r = &imported.imported_resources[0];
    assert_eq!(undv(&r.state, &ty).get("name").as_str(), Some("a"));
    assert_eq!(
        identity_of_data(&r.identity).get("id").as_str(),
        Some(id.as_str())
    );

    // A stored identity of an older version is decoded with the current schema.
    let up = c
        .upgrade_resource_identity(pb::upgrade_resource_identity::Request {
            type_name: "example_widget".into(),
            version: 0,
            raw_identity: Some(pb::RawState {
                json: format!("{{\"id\":\"{id}\"}}").into_bytes(),
                flatmap: Default::default(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&up.diagnostics).is_empty());
    assert_eq!(
        identity_of_data(&up.upgraded_identity).get("id").as_str(),
        Some(id.as_str())
    );

    // A destroy plan keeps the prior identity; a delete sends none.
    let plan = c
        .plan_resource_change(pb::plan_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: dv(&state, &ty),
            proposed_new_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            prior_identity: identity_dv(&id),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        identity_of_data(&plan.planned_identity).get("id").as_str(),
        Some(id.as_str())
    );
    let deleted = c
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "example_widget".into(),
            prior_state: dv(&state, &ty),
            planned_state: dv(&Value::Null, &ty),
            config: dv(&Value::Null, &ty),
            planned_identity: identity_dv(&id),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(deleted.new_identity.is_none());
}

async fn list(
    c: &mut Client,
    prefix: Option<&str>,
    include: bool,
    limit: i64,
) -> Vec<pb::list_resource::Event> {
    let cty = Type::object([("prefix", Type::String)]);
    let config = match prefix {
        Some(p) => dv(&Value::object([("prefix", Value::string(p))]), &cty),
        None => None,
    };
    let mut stream = c
        .list_resource(pb::list_resource::Request {
            type_name: "example_widget".into(),
            config,
            include_resource_object: include,
            limit,
        })
        .await
        .unwrap()
        .into_inner();
    let mut events = Vec::new();
    while let Some(e) = stream.next().await {
        events.push(e.unwrap());
    }
    events
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_streams_identities_objects_and_stops_at_the_limit() {
    let (_server, mut c) = start().await;
    for name in ["alpha", "apple", "beta"] {
        create(&mut c, name).await;
    }
    let all = list(&mut c, None, false, 0).await;
    assert_eq!(all.len(), 3);
    assert!(
        all.iter()
            .all(|e| e.resource_object.is_none() && e.identity.is_some())
    );
    let names: Vec<&str> = all.iter().map(|e| e.display_name.as_str()).collect();
    assert_eq!(names, ["alpha", "apple", "beta"]);

    let a = list(&mut c, Some("a"), true, 0).await;
    assert_eq!(a.len(), 2);
    let object = undv(&a[1].resource_object, &widget_type());
    assert_eq!(object.get("name").as_str(), Some("apple"));
    assert_eq!(
        identity_of_data(&a[1].identity).get("id"),
        object.get("id"),
        "the identity names the object sent with it"
    );

    assert_eq!(list(&mut c, None, false, 2).await.len(), 2);

    // An unknown list type is one event with the error.
    let mut stream = c
        .list_resource(pb::list_resource::Request {
            type_name: "example_nothing".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let only = stream.next().await.unwrap().unwrap();
    assert_eq!(errors(&only.diagnostic).len(), 1);
    assert!(stream.next().await.is_none());

    let v = c
        .validate_list_resource_config(pb::validate_list_resource_config::Request {
            type_name: "example_widget".into(),
            config: None,
            include_resource_object: None,
            limit: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(v.diagnostics.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_open_renew_close() {
    let (_server, mut c) = start().await;
    let ty = Type::object([("name", Type::String), ("value", Type::String)]);
    let config = Value::object([("name", Value::string("ci")), ("value", Value::Null)]);
    let opened = c
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request {
            type_name: "example_token".into(),
            config: dv(&config, &ty),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&opened.diagnostics).is_empty());
    assert_eq!(
        undv(&opened.result, &ty).get("value").as_str(),
        Some("token-for-ci")
    );
    assert_eq!(opened.private.as_deref(), Some(&b"ci"[..]));
    assert!(opened.renew_at.is_none());
    let renewed = c
        .renew_ephemeral_resource(pb::renew_ephemeral_resource::Request {
            type_name: "example_token".into(),
            private: opened.private.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(renewed.diagnostics.is_empty());
    let closed = c
        .close_ephemeral_resource(pb::close_ephemeral_resource::Request {
            type_name: "example_token".into(),
            private: opened.private,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(closed.diagnostics.is_empty());
    let unknown = c
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request {
            type_name: "example_nothing".into(),
            config: None,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(errors(&unknown.diagnostics).len(), 1);
}
