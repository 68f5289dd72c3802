use super::*;

/// Issue 12: the create half of a replacement learns the replaced id; the private state
/// inside the marker is kept.
#[test]
fn plans_of_existing_objects_mark_the_private_state() {
    let marked = planned_private(Some("7"), b"inner".to_vec());
    assert_eq!(replaced_id(&marked).as_deref(), Some("7"));
    assert_eq!(carried(marked.clone()), b"inner".to_vec());
    // Planned again (the create half): no prior, the inner private state.
    assert_eq!(planned_private(None, marked.clone()), b"inner".to_vec());
    // Planned again with a prior: one marker, not two.
    let again = planned_private(Some("7"), marked);
    assert_eq!(carried(again), b"inner".to_vec());
    assert_eq!(carried(b"plain".to_vec()), b"plain".to_vec());
    assert_eq!(replaced_id(b"plain"), None);
    assert_eq!(planned_private(None, Vec::new()), Vec::<u8>::new());
}

#[test]
fn only_creates_and_changes_write() {
    let a = Value::object([("name", Value::string("a"))]);
    let b = Value::object([("name", Value::string("b"))]);
    assert!(plan_writes(None, &a));
    assert!(plan_writes(Some(&a), &b));
    assert!(!plan_writes(Some(&a), &a));
}

use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;

use tfplugin6::model::Attr;
use tfplugin6::{Attribute, Block, Type};

#[derive(Debug, Serialize, Deserialize)]
struct Named {
    name: Attr<String>,
}

/// Counts its `check_plan` calls, and refuses the name "refused".
#[derive(Debug, Default)]
struct Probed {
    shared: Shared,
    checked: AtomicUsize,
}

fn nothing<T>() -> Result<T, Diagnostics> {
    Err(Diagnostic::error("not in this test", "").into_diagnostics())
}

#[async_trait]
impl CrudResource for Probed {
    type Model = Named;
    const TYPE_NAME: &'static str = "test_probed";
    const IDENTITY: Identity = Identity {
        name: "name",
        from: "name",
        numeric: false,
        description: "",
    };

    fn schema() -> Schema {
        Schema::new(
            0,
            Block::new().attribute(Attribute::new("name", Type::String).required()),
        )
    }

    fn shared(&self) -> &Shared {
        &self.shared
    }

    fn check(&self, _config: &Named, _at: CheckAt<'_, Named>) -> Diagnostics {
        Diagnostics::new()
    }

    async fn check_plan(&self, _ctx: &Context, plan: &Plan<'_, Named>) -> Diagnostics {
        self.checked.fetch_add(1, Ordering::SeqCst);
        if plan.planned.name.as_str() == Some("refused") {
            Diagnostic::error("Refused at plan", "").into_diagnostics()
        } else {
            Diagnostics::new()
        }
    }

    async fn create(&self, _: &Client, _: &Named) -> Result<Named, Failed<Named>> {
        nothing().map_err(Failed::from)
    }

    async fn read(&self, _: &Client, _: &Named) -> Result<Refreshed<Named>, Diagnostics> {
        nothing()
    }

    async fn update(&self, _: &Client, _: &Named, _: &Named) -> Result<Named, Failed<Named>> {
        nothing().map_err(Failed::from)
    }

    async fn delete(&self, _: &Client, _: &Named) -> Result<(), Diagnostics> {
        nothing()
    }

    async fn import(&self, _: &Client, _: &str) -> Result<Named, Diagnostics> {
        nothing()
    }
}

fn plan_req(prior: Value, proposed: Value) -> PlanRequest {
    PlanRequest::new(prior, proposed.clone(), proposed)
}

/// The async plan hook runs for creates and changes only, and its errors stop the plan.
#[tokio::test]
async fn check_plan_runs_only_when_the_plan_writes() {
    let r = Crud(Probed::default());
    let ctx = Context::default();
    let named = |n: &str| Value::object([("name", Value::string(n))]);
    let checked = |r: &Crud<Probed>| r.0.checked.load(Ordering::SeqCst);

    let resp = r.plan(&ctx, plan_req(Value::Null, named("a"))).await;
    assert!(!resp.diagnostics.has_errors(), "{}", resp.diagnostics);
    assert_eq!(checked(&r), 1, "create");

    let resp = r.plan(&ctx, plan_req(named("a"), named("b"))).await;
    assert!(!resp.diagnostics.has_errors(), "{}", resp.diagnostics);
    assert_eq!(checked(&r), 2, "change");

    let resp = r.plan(&ctx, plan_req(named("a"), named("a"))).await;
    assert!(resp.diagnostics.is_empty(), "{}", resp.diagnostics);
    assert_eq!(resp.planned_state, named("a"));
    assert_eq!(checked(&r), 2, "no change: not asked");

    let resp = r.plan(&ctx, plan_req(named("a"), named("refused"))).await;
    assert!(resp.diagnostics.to_string().contains("Refused at plan"));
    assert!(resp.planned_state.is_null());
    assert_eq!(checked(&r), 3);
}

/// An identity is made from one state attribute, and turned back into the import id.
#[test]
fn identities_from_state_and_back() {
    let numeric = Identity {
        name: "id",
        from: "id",
        numeric: true,
        description: "",
    };
    let state = Value::object([("id", Value::string("102")), ("name", Value::string("r"))]);
    assert_eq!(numeric.of(&state), Value::object([("id", Value::int(102))]));
    assert_eq!(numeric.of_id("7"), Value::object([("id", Value::int(7))]));
    assert!(numeric.of(&Value::Null).is_null());
    assert!(
        !numeric
            .of(&Value::object([("id", Value::Unknown)]))
            .is_known()
    );
    assert_eq!(numeric.import_id(&numeric.of(&state)).unwrap(), "102");
    let d = numeric
        .import_id(&Value::object([("id", Value::Null)]))
        .unwrap_err();
    assert_eq!(d.attribute, Some(AttributePath::root("id")));

    let text = Identity {
        name: "userid",
        from: "id",
        numeric: false,
        description: "",
    };
    let user = Value::object([("id", Value::string("a@b.com"))]);
    assert_eq!(
        text.of(&user),
        Value::object([("userid", Value::string("a@b.com"))])
    );
    assert_eq!(text.import_id(&text.of(&user)).unwrap(), "a@b.com");
    let schema = text.schema();
    assert!(schema.attributes[0].required_for_import);
}
