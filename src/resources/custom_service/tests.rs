use super::*;
use crate::adapters::crud::Crud;
use marketo_client::ServiceDetail;
use tfplugin6::model;
use tfplugin6::{Context, PlanRequest, PlanResponse, RawState, Resource, Value};

fn m(v: &Value) -> ServiceModel {
    model::from_value(v).unwrap()
}

fn config(name: &str, description: Option<&str>, user: &str) -> Value {
    Value::object([
        ("id", Value::Null),
        ("display_name", Value::string(name)),
        ("description", Value::opt(description)),
        ("api_only_user", Value::string(user)),
        ("client_id", Value::Null),
        ("client_secret", Value::Null),
        ("store_client_secret", Value::Null),
    ])
}

fn prior() -> Value {
    config("Sync", None, "sync@example.com")
        .with_attr("id", Value::string("7"))
        .with_attr("client_id", Value::string("cid"))
        .with_attr("client_secret", Value::string("s3cr3t-s3cr3t-s3cr3t"))
}

fn plan(prior: Value, proposed: Value) -> PlanResponse {
    let svc = Crud(CustomService::new(Arc::new(Shared::default())));
    let req = PlanRequest::new(prior, proposed.clone(), proposed);
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
    assert!(check_config(&m(&config("Sync", Some("d"), "u@x.io"))).is_empty());
    let d = check_config(&m(&config("", Some(""), " ")));
    let paths: Vec<String> = d
        .iter()
        .filter_map(|d| d.attribute.as_ref().map(ToString::to_string))
        .collect();
    assert_eq!(paths, vec!["display_name", "description", "api_only_user"]);
    let d = check_config(&m(&config(&"n".repeat(51), None, "u")));
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
    // Issue 12: the create half of the replacement learns what it replaces.
    assert_eq!(
        resp.planned_private,
        [crate::adapters::crud::REPLACING, b"7\0"].concat()
    );
}

/// Issue 12: the create half of a replacement does not take the replaced service for a name
/// clash, and its private state does not keep the marker.
#[test]
fn the_create_half_of_a_replacement_knows_what_it_replaces() {
    let proposed = config("Sync", None, "other@example.com");
    let svc = Crud(CustomService::new(Arc::new(Shared::default())));
    let req = PlanRequest {
        prior_private: [crate::adapters::crud::REPLACING, b"7\0"].concat(),
        ..PlanRequest::new(Value::Null, proposed.clone(), proposed.clone())
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let resp = rt.block_on(svc.plan(&Context::default(), req));
    assert!(!resp.diagnostics.has_errors(), "{}", resp.diagnostics);
    assert!(resp.planned_private.is_empty());
    let config = m(&proposed);
    let p = Plan {
        prior: None,
        config: &config,
        planned: config.clone(),
        requires_replace: Vec::new(),
        replaces: Some("7".to_string()),
    };
    assert_eq!(new_display_name(&p), Some(("Sync", Some(7))));
    let p = Plan {
        replaces: None,
        ..p
    };
    assert_eq!(new_display_name(&p), Some(("Sync", None)));
}

#[test]
fn state_carries_the_secret_but_errors_do_not() {
    let detail: ServiceDetail = serde_json::from_value(serde_json::json!({
        "id": 3, "displayName": "S", "description": null, "service": "Custom",
        "apiOnlyUser": "u@x.io", "clientId": "cid", "clientSecret": "ABCDEFGHsecret123456"
    }))
    .unwrap();
    let sm = state_of(&detail, None);
    let s = model::to_value(&sm).unwrap();
    assert_eq!(
        s.get("client_secret").as_str(),
        Some("ABCDEFGHsecret123456")
    );
    assert_eq!(s.get("id").as_str(), Some("3"));
    assert!(s.get("description").is_null());
    let err = marketo_client::Error::new(ErrorKind::Validation, "owner is not API-only");
    let d = write_error("creating", &sm, &err).to_string();
    assert!(!d.contains("ABCDEFGHsecret123456"));
    let err = marketo_client::Error::new(ErrorKind::EndpointMissing, "no");
    assert!(
        write_error("creating", &sm, &err)
            .summary
            .contains("no LaunchPoint service management")
    );
}

/// A state written before `store_client_secret` existed (schema version 0) upgrades to one that
/// keeps the secret, as it did.
#[tokio::test]
async fn a_version_0_state_upgrades_with_the_secret_stored() {
    let r = Crud(CustomService::new(std::sync::Arc::default()));
    let v0 = br#"{"id":"5","display_name":"S","description":null,"api_only_user":"u@x.com","client_id":"cid","client_secret":"sec"}"#;
    let v = r
        .upgrade_state(0, RawState::Json(v0.to_vec()))
        .await
        .unwrap();
    assert_eq!(v.get("store_client_secret"), &Value::Bool(true));
    assert_eq!(v.get("client_secret").as_str(), Some("sec"));
    assert_eq!(v.get("id").as_str(), Some("5"));
    let v1 = br#"{"id":"5","display_name":"S","description":null,"api_only_user":"u@x.com","client_id":"cid","client_secret":null,"store_client_secret":false}"#;
    let v = r
        .upgrade_state(1, RawState::Json(v1.to_vec()))
        .await
        .unwrap();
    assert_eq!(v.get("store_client_secret"), &Value::Bool(false));
    assert!(v.get("client_secret").is_null());
}

/// With `store_client_secret = false` the plan holds no secret, on a create and on an update.
#[tokio::test]
async fn a_service_that_does_not_store_its_secret_plans_none() {
    let r = Crud(CustomService::new(std::sync::Arc::default()));
    let ctx = Context::default();
    let cfg = config("S", None, "u@x.com").with_attr("store_client_secret", Value::Bool(false));
    let plan = r
        .plan(
            &ctx,
            PlanRequest::new(Value::Null, cfg.clone(), cfg.clone()),
        )
        .await;
    assert!(!plan.diagnostics.has_errors(), "{}", plan.diagnostics);
    assert!(plan.planned_state.get("client_secret").is_null());
    assert!(!plan.planned_state.get("client_id").is_known());
    // Turning it back on plans the secret as read at apply.
    let prior = cfg
        .with_attr("id", Value::string("5"))
        .with_attr("client_id", Value::string("cid"));
    let on = config("S", None, "u@x.com");
    let proposed = on
        .clone()
        .with_attr("id", Value::string("5"))
        .with_attr("client_id", Value::string("cid"))
        .with_attr("store_client_secret", Value::Bool(false));
    let plan = r.plan(&ctx, PlanRequest::new(prior, proposed, on)).await;
    assert_eq!(
        plan.planned_state.get("store_client_secret"),
        &Value::Bool(true)
    );
    assert!(!plan.planned_state.get("client_secret").is_known());
}
