//! One CRUD skeleton for every managed resource.
//!
//! A resource implements [`CrudResource`] in terms of its typed model and the Marketo client:
//! checks, a plan hook, create / read / update / delete and import. [`Crud`] turns it into the
//! protocol's [`Resource`], and owns, once for all resources:
//!
//! - the client prologue (an unconfigured provider is one diagnostic);
//! - reading the request's values into the model, and writing the model back;
//! - the checks at validate, at plan (errors stop the plan) and again at apply, on the values
//!   that are known by then, before anything is written;
//! - the plan-time check that may call the API ([`CrudResource::check_plan`]), made only when
//!   the plan creates or changes the object;
//! - which value a create or update writes: the plan (default) or the configuration
//!   ([`CrudResource::WRITES`]);
//! - a failed update or delete keeps the prior state, with its diagnostics; a failed create
//!   records nothing unless the resource says what exists ([`Failed::state`]);
//! - private state passed through from the plan (apply) and the prior state (read, plan);
//! - a read that fails keeps the prior state; an object gone is removed with a warning.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Shared;
use crate::marketo::Client;
use crate::plugin::model::{self, ModelError};
use crate::plugin::{
    ApplyRequest, ApplyResponse, AttributePath, Change, Context, Diagnostic, Diagnostics,
    ImportResponse, ImportedResource, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    Resource, Schema, Value,
};

/// When a check runs.
#[derive(Debug, Clone, Copy)]
pub enum CheckAt<'a, M> {
    /// `ValidateResourceConfig`: values may be unknown; there is no prior state.
    Validate,
    /// `PlanResourceChange`; `prior` is `None` for a create.
    Plan { prior: Option<&'a M> },
    /// `ApplyResourceChange` of a create or update, before anything is written; `prior` is
    /// `None` for a create.
    Apply { prior: Option<&'a M> },
}

/// Which value a create or update writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// The planned state (configuration plus what the plan computed).
    Planned,
    /// The configuration as written.
    Config,
}

/// A create or update being planned, for [`CrudResource::modify_plan`].
#[derive(Debug)]
pub struct Plan<'a, M> {
    /// `None` for a create.
    pub prior: Option<&'a M>,
    pub config: &'a M,
    /// Terraform's proposal; on a create, computed attributes left null are already unknown.
    pub planned: M,
    /// Attributes whose change replaces the object.
    pub requires_replace: Vec<AttributePath>,
}

/// A failed create or update.
#[derive(Debug)]
pub struct Failed<M> {
    pub diagnostics: Diagnostics,
    /// What exists after all. `None`: on a create, nothing was created; on an update, the object
    /// is as it was (the prior state is kept).
    pub state: Option<M>,
}

impl<M> Failed<M> {
    /// A failure that leaves `state` behind.
    pub fn with_state(diagnostics: impl Into<Diagnostics>, state: M) -> Failed<M> {
        Failed {
            diagnostics: diagnostics.into(),
            state: Some(state),
        }
    }

    /// A create that did not make the object but found it, identical, and recorded it (an object
    /// adopted under the provider's `adopt_existing`, issue 12): `state` is recorded and the
    /// apply succeeds, showing `warnings` (which must hold no error).
    pub fn adopted(state: M, warnings: Diagnostics) -> Failed<M> {
        Failed::with_state(warnings, state)
    }
}

impl<M> From<Diagnostic> for Failed<M> {
    fn from(d: Diagnostic) -> Failed<M> {
        Failed {
            diagnostics: d.into_diagnostics(),
            state: None,
        }
    }
}

impl<M> From<Diagnostics> for Failed<M> {
    fn from(diagnostics: Diagnostics) -> Failed<M> {
        Failed {
            diagnostics,
            state: None,
        }
    }
}

/// What a read found.
#[derive(Debug)]
pub enum Refreshed<M> {
    /// The object, with warnings if any.
    Found(M, Diagnostics),
    /// The object is gone (Terraform plans to create it again), with the warning that says so.
    Gone(Diagnostics),
}

/// A managed resource in terms of its model. See the module documentation for what [`Crud`]
/// does around these hooks.
#[async_trait]
pub trait CrudResource: Send + Sync + 'static {
    /// One struct with the schema's attributes and blocks.
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// Full type name, e.g. `marketo_api_only_user`.
    const TYPE_NAME: &'static str;

    /// Which value a create or update writes.
    const WRITES: Writes = Writes::Planned;

    /// The resource's schema.
    fn schema() -> Schema;

    /// The provider's client handle.
    fn shared(&self) -> &Shared;

    /// Checks a configuration; unknown values are skipped (they are checked again at apply).
    fn check(&self, config: &Self::Model, at: CheckAt<'_, Self::Model>) -> Diagnostics;

    /// Adjusts the plan of a create or update once the checks passed. The default keeps
    /// Terraform's proposal.
    fn modify_plan(&self, _plan: &mut Plan<'_, Self::Model>) {}

    /// Checks a plan that would create or change the object (after [`CrudResource::modify_plan`])
    /// against the instance, before anything is written; errors stop the plan. Not called for a
    /// plan that leaves the object as it is. `ctx` gives the client
    /// (`self.shared().client(ctx)`), which may be unconfigured at plan. The default finds
    /// nothing.
    async fn check_plan(&self, _ctx: &Context, _plan: &Plan<'_, Self::Model>) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the object described by `planned` (or the configuration, see
    /// [`CrudResource::WRITES`]).
    async fn create(
        &self,
        client: &Client,
        planned: &Self::Model,
    ) -> Result<Self::Model, Failed<Self::Model>>;

    /// Reads the object the state records.
    async fn read(
        &self,
        client: &Client,
        prior: &Self::Model,
    ) -> Result<Refreshed<Self::Model>, Diagnostics>;

    /// Brings the object from `prior` to `planned`.
    async fn update(
        &self,
        client: &Client,
        prior: &Self::Model,
        planned: &Self::Model,
    ) -> Result<Self::Model, Failed<Self::Model>>;

    /// Deletes the object; one already gone is not an error.
    async fn delete(&self, client: &Client, prior: &Self::Model) -> Result<(), Diagnostics>;

    /// Finds an existing object by the id given to `terraform import`.
    async fn import(&self, client: &Client, id: &str) -> Result<Self::Model, Diagnostics>;
}

/// True when a plan from `prior` (`None`: a create) to `planned`, both as the model writes them,
/// would write the object: a create, or a change. A plan with nothing to do writes nothing.
pub fn plan_writes(prior: Option<&Value>, planned: &Value) -> bool {
    prior.is_none_or(|prior| prior != planned)
}

/// A [`CrudResource`] served as the protocol's [`Resource`].
#[derive(Debug, Clone)]
pub struct Crud<R>(pub R);

fn model_error(type_name: &str, what: &str, e: &ModelError) -> Diagnostics {
    Diagnostic::error(
        "Internal error: the model does not fit the schema",
        format!(
            "The {what} of {type_name} could not be converted ({e}). This is a bug in the \
             provider; please report it."
        ),
    )
    .into_diagnostics()
}

impl<R: CrudResource> Crud<R> {
    fn decode(what: &str, v: &Value) -> Result<R::Model, Diagnostics> {
        model::from_value(v).map_err(|e| model_error(R::TYPE_NAME, what, &e))
    }

    /// `None` for a null value (no prior state).
    fn decode_opt(what: &str, v: &Value) -> Result<Option<R::Model>, Diagnostics> {
        if v.is_null() {
            Ok(None)
        } else {
            Self::decode(what, v).map(Some)
        }
    }

    fn encode(m: &R::Model) -> Result<Value, Diagnostics> {
        model::to_value(m).map_err(|e| model_error(R::TYPE_NAME, "new state", &e))
    }

    /// Create, update or delete; the response's state is the one to record.
    async fn change(&self, ctx: &Context, req: &ApplyRequest, change: Change) -> ApplyResponse {
        let r = &self.0;
        let prior = match Self::decode_opt("prior state", &req.prior_state) {
            Ok(p) => p,
            Err(d) => return d.into(),
        };
        // Before anything is written, the configuration (known by now) is checked again.
        let config = if change == Change::Delete {
            None
        } else {
            let value = if req.config.is_null() {
                &req.planned_state
            } else {
                &req.config
            };
            let config = match Self::decode("configuration", value) {
                Ok(c) => c,
                Err(d) => return d.into(),
            };
            let diags = r.check(
                &config,
                CheckAt::Apply {
                    prior: prior.as_ref(),
                },
            );
            if diags.has_errors() {
                return diags.into();
            }
            Some(config)
        };
        let client = match r.shared().client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let Some(config) = config else {
            return match &prior {
                Some(prior) => match r.delete(&client, prior).await {
                    Ok(()) => ApplyResponse::default(),
                    Err(d) => d.into(),
                },
                None => ApplyResponse::default(),
            };
        };
        let written = match R::WRITES {
            Writes::Config => config,
            Writes::Planned => match Self::decode("planned state", &req.planned_state) {
                Ok(p) => p,
                Err(d) => return d.into(),
            },
        };
        let result = match &prior {
            None => r.create(&client, &written).await,
            Some(prior) => r.update(&client, prior, &written).await,
        };
        match result {
            Ok(state) => match Self::encode(&state) {
                Ok(new_state) => ApplyResponse {
                    new_state,
                    ..ApplyResponse::default()
                },
                Err(d) => d.into(),
            },
            Err(Failed {
                mut diagnostics,
                state,
            }) => {
                let new_state = match state.map(|s| Self::encode(&s)) {
                    Some(Ok(v)) => v,
                    Some(Err(d)) => {
                        diagnostics.extend(d);
                        Value::Null
                    }
                    None => Value::Null,
                };
                ApplyResponse {
                    new_state,
                    diagnostics,
                    ..ApplyResponse::default()
                }
            }
        }
    }
}

#[async_trait]
impl<R: CrudResource> Resource for Crud<R> {
    fn type_name(&self) -> &str {
        R::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        R::schema()
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        match Self::decode("configuration", config) {
            Ok(config) => self.0.check(&config, CheckAt::Validate),
            Err(d) => d,
        }
    }

    async fn read(&self, ctx: &Context, req: ReadRequest) -> ReadResponse {
        let client = match self.0.shared().client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let prior = match Self::decode("prior state", &req.current_state) {
            Ok(p) => p,
            Err(d) => return d.into(),
        };
        let (new_state, diagnostics) = match self.0.read(&client, &prior).await {
            Ok(Refreshed::Found(state, diags)) => match Self::encode(&state) {
                Ok(v) => (v, diags),
                Err(d) => (req.current_state, d),
            },
            Ok(Refreshed::Gone(diags)) => (Value::Null, diags),
            // Terraform keeps the prior state when a read fails.
            Err(diags) => (req.current_state, diags),
        };
        ReadResponse {
            new_state,
            private: req.private,
            diagnostics,
        }
    }

    async fn plan(&self, ctx: &Context, req: PlanRequest) -> PlanResponse {
        let decoded = Self::decode("configuration", &req.config).and_then(|config| {
            let prior = Self::decode_opt("prior state", &req.prior_state)?;
            Ok((config, prior))
        });
        let (config, prior) = match decoded {
            Ok(v) => v,
            Err(d) => return d.into(),
        };
        let mut diagnostics = self.0.check(
            &config,
            CheckAt::Plan {
                prior: prior.as_ref(),
            },
        );
        if diagnostics.has_errors() {
            return diagnostics.into();
        }
        let proposed = if prior.is_none() {
            R::schema().mark_computed_nulls_unknown(&req.proposed_new_state)
        } else {
            req.proposed_new_state
        };
        let planned = match Self::decode("proposed new state", &proposed) {
            Ok(p) => p,
            Err(d) => return d.into(),
        };
        let mut plan = Plan {
            prior: prior.as_ref(),
            config: &config,
            planned,
            requires_replace: Vec::new(),
        };
        self.0.modify_plan(&mut plan);
        let planned_state = match Self::encode(&plan.planned) {
            Ok(v) => v,
            Err(d) => return d.into(),
        };
        // The prior state as the model writes it, so that a plan with nothing to do compares
        // equal whatever Terraform's encoding of it.
        let prior_state = match plan.prior.map(Self::encode).transpose() {
            Ok(v) => v,
            Err(d) => return d.into(),
        };
        if plan_writes(prior_state.as_ref(), &planned_state) {
            diagnostics.extend(self.0.check_plan(ctx, &plan).await);
            if diagnostics.has_errors() {
                return diagnostics.into();
            }
        }
        PlanResponse {
            planned_state,
            requires_replace: plan.requires_replace,
            planned_private: req.prior_private,
            diagnostics,
        }
    }

    async fn apply(&self, ctx: &Context, req: ApplyRequest) -> ApplyResponse {
        let change = req.change();
        let mut resp = self.change(ctx, &req, change).await;
        // A failed update or delete leaves the object as it was.
        if change != Change::Create && resp.diagnostics.has_errors() && resp.new_state.is_null() {
            resp.new_state = req.prior_state;
        }
        resp.private = req.planned_private;
        resp
    }

    async fn import(&self, ctx: &Context, id: &str) -> ImportResponse {
        let client = match self.0.shared().client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        match self.0.import(&client, id).await {
            Ok(state) => match Self::encode(&state) {
                Ok(state) => ImportResponse {
                    imported: vec![ImportedResource {
                        state,
                        private: Vec::new(),
                    }],
                    diagnostics: Diagnostics::new(),
                },
                Err(d) => d.into(),
            },
            Err(d) => d.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    use crate::plugin::model::Attr;
    use crate::plugin::{Attribute, Block, Type};

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
        PlanRequest {
            prior_state: prior,
            proposed_new_state: proposed.clone(),
            config: proposed,
            prior_private: Vec::new(),
            client_capabilities: Default::default(),
        }
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
}
