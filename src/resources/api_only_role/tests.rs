use super::*;
use crate::adapters::crud::Crud;
use tfplugin6::model;
use tfplugin6::{ApplyRequest, Context, PlanRequest, Resource, Value};

fn m(v: &Value) -> RoleModel {
    model::from_value(v).unwrap()
}

fn check_value(v: &Value) -> Diagnostics {
    check_config(&m(v))
}

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
    let d = check_value(&config("Sync", Some("x"), &["Read-Write Lead"]));
    assert!(d.is_empty(), "{d}");
    assert!(check_value(&config("Sync", None, &[])).is_empty());
}

#[test]
fn unknown_permission_points_at_permissions_with_a_suggestion() {
    let d = check_value(&config("Sync", None, &["Read-Write Leads"]));
    assert!(d.has_errors());
    assert_eq!(paths(&d), vec!["permissions"]);
    assert!(
        d.to_string().contains("Did you mean \"Read-Write Lead\""),
        "{d}"
    );
    let d = check_value(&config("Sync", None, &["Access Roles"]));
    assert!(d.to_string().contains("grant them nothing"), "{d}");
    assert!(check_value(&config("Sync", None, &["Access Users"])).is_empty());
}

#[test]
fn empty_description_is_refused_with_the_hint() {
    let d = check_value(&config("Sync", Some(""), &[]));
    assert_eq!(paths(&d), vec!["description"]);
    assert!(d.to_string().contains("Omit the `description`"), "{d}");
    let long = "x".repeat(256);
    let d = check_value(&config("Sync", Some(&long), &[]));
    assert!(d.to_string().contains("at most 255"), "{d}");
}

#[test]
fn names_are_checked() {
    let d = check_value(&config(" ", None, &[]));
    assert_eq!(paths(&d), vec!["name"]);
    let d = check_value(&config(&"n".repeat(51), None, &[]));
    assert!(d.to_string().contains("at most 50"), "{d}");
    assert!(check_value(&config(&"n".repeat(50), None, &[])).is_empty());
}

#[test]
fn unknown_values_are_not_checked() {
    let c = Value::object([
        ("id", Value::Null),
        ("name", Value::Unknown),
        ("description", Value::Unknown),
        ("permissions", Value::Unknown),
        ("type", Value::Null),
    ]);
    assert!(check_value(&c).is_empty());
    let c = config("Sync", None, &[]).with_attr(
        "permissions",
        Value::set_of([Value::Unknown, Value::string("Nope Nope")]),
    );
    assert_eq!(check_value(&c).len(), 1);
}

#[test]
fn state_from_marketo() {
    let detail: RoleDetail = serde_json::from_value(serde_json::json!({
        "id": 102, "name": "Sync", "description": "", "type": "custom",
        "isHidden": false, "isOnlyAllZones": false,
        "permissions": ["Read-Only Lead", "Read-Write Lead"]
    }))
    .unwrap();
    let s = model::to_value(&state_of(&detail, None)).unwrap();
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
    let s = model::to_value(&state_of(&detail, Some(&m(&planned)))).unwrap();
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
    let err =
        marketo_client::Error::new(ErrorKind::InUse, "Role 'Sync' is assigned to users: a@x.io");
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
    let req = PlanRequest::new(prior, proposed.clone(), proposed);
    let role = Crud(ApiOnlyRole::new(Arc::new(Shared::default())));
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

fn apply(req: ApplyRequest) -> tfplugin6::ApplyResponse {
    let role = Crud(ApiOnlyRole::new(Arc::new(Shared::default())));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(role.apply(&Context::default(), req))
}

#[test]
fn apply_checks_again_and_a_failed_update_keeps_the_prior_state() {
    let prior = config("Sync", None, &["Read-Write Lead"]).with_attr("id", Value::string("101"));
    // A value unknown at plan time turns out invalid: nothing is written, the state stays.
    let bad = config("Sync", None, &["Read-Write Leads"]).with_attr("id", Value::string("101"));
    let resp = apply(ApplyRequest {
        prior_state: prior.clone(),
        planned_state: bad.clone(),
        config: bad,
        planned_private: b"p".to_vec(),
        planned_identity: Value::Null,
    });
    assert_eq!(resp.new_state, prior);
    assert!(
        resp.diagnostics.to_string().contains("Invalid permission"),
        "{}",
        resp.diagnostics
    );
    assert_eq!(resp.private, b"p".to_vec());
    // A failed update (here: no client) keeps the prior state too.
    let good = config("Sync 2", None, &["Read-Write Lead"]).with_attr("id", Value::string("101"));
    let resp = apply(ApplyRequest {
        prior_state: prior.clone(),
        planned_state: good.clone(),
        config: good.clone(),
        planned_private: Vec::new(),
        planned_identity: Value::Null,
    });
    assert_eq!(resp.new_state, prior);
    assert!(resp.diagnostics.has_errors());
    // A failed create records nothing.
    let resp = apply(ApplyRequest {
        prior_state: Value::Null,
        planned_state: good.clone(),
        config: good,
        planned_private: Vec::new(),
        planned_identity: Value::Null,
    });
    assert!(resp.new_state.is_null());
    assert!(resp.diagnostics.has_errors());
}
