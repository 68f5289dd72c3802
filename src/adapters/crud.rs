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
//!   the plan creates or changes the object, and its counterpart for a planned destroy
//!   ([`CrudResource::check_destroy`]);
//! - which value a create or update writes: the plan (default) or the configuration
//!   ([`CrudResource::WRITES`]);
//! - a failed update keeps the prior state, with its diagnostics (a failed delete is kept by the
//!   protocol server, which owns that rule for every resource); a failed create
//!   records nothing unless the resource says what exists ([`Failed::state`]);
//! - private state passed through from the plan (apply) and the prior state (read, plan);
//! - a read that fails keeps the prior state; an object gone is removed with a warning;
//! - the resource identity (Terraform 1.12+): made from one state attribute
//!   ([`CrudResource::IDENTITY`]), sent with every read, apply and import, kept through plans,
//!   and turned into the import id when an `import` block gives `identity = {...}`.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::common::Shared;
use marketo_client::Client;
use tfplugin6::model::{self, ModelError};
use tfplugin6::{
    ApplyRequest, ApplyResponse, AttributePath, Change, Context, Diagnostic, Diagnostics,
    IdentityAttribute, IdentitySchema, ImportResponse, ImportTarget, ImportedResource, PlanRequest,
    PlanResponse, RawState, ReadRequest, ReadResponse, Resource, Schema, Type, Value,
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
    /// On the create half of a replacement, the state `id` of the object it replaces (see
    /// [`REPLACING`]): a check against the instance must not take that object for a clash.
    pub replaces: Option<String>,
}

/// Terraform plans a replacement (one the provider asks for with `requires_replace`, or
/// `-replace`, or `replace_triggered_by`) twice: first as a change of the prior object, then as
/// a create (no prior state) that receives the first answer's private state. So every plan of an
/// existing object answers this prefix, the object's `id`, a NUL and the private state it was
/// given: the create half learns what it replaces. It never reaches the state: the create half
/// and apply answer the private state inside ([`carried`]).
pub const REPLACING: &[u8] = b"marketo-provider/replacing:";

/// The id a private state from [`REPLACING`] names.
fn replaced_id(private: &[u8]) -> Option<String> {
    let rest = private.strip_prefix(REPLACING)?;
    let end = rest.iter().position(|b| *b == 0).unwrap_or(rest.len());
    String::from_utf8(rest[..end].to_vec()).ok()
}

/// The private state a [`REPLACING`] marker carries; any other as it is.
fn carried(private: Vec<u8>) -> Vec<u8> {
    match private.strip_prefix(REPLACING) {
        Some(rest) => match rest.iter().position(|b| *b == 0) {
            Some(end) => rest[end + 1..].to_vec(),
            None => Vec::new(),
        },
        None => private,
    }
}

/// The private state a plan answers: see [`REPLACING`].
fn planned_private(prior_id: Option<&str>, prior_private: Vec<u8>) -> Vec<u8> {
    let inner = carried(prior_private);
    match prior_id {
        Some(id) => [REPLACING, id.as_bytes(), b"\0", &inner].concat(),
        None => inner,
    }
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

/// A resource's identity: one attribute, the id Marketo knows the object by, taken from an
/// attribute of the state.
#[derive(Debug, Clone, Copy)]
pub struct Identity {
    /// The identity attribute, e.g. `userid`.
    pub name: &'static str,
    /// The state attribute it is taken from (a string), e.g. `id`.
    pub from: &'static str,
    /// A number in the identity (Marketo's numeric ids), else a string.
    pub numeric: bool,
    /// Markdown.
    pub description: &'static str,
}

impl Identity {
    /// The identity schema (version 0).
    pub fn schema(&self) -> IdentitySchema {
        let ty = if self.numeric {
            Type::Number
        } else {
            Type::String
        };
        IdentitySchema::new(
            0,
            vec![IdentityAttribute::required(self.name, ty).description(self.description)],
        )
    }

    /// The identity of an object whose state is `state`: unknown while the id is, null for no
    /// object (or an id that is not a number where one is expected).
    pub fn of(&self, state: &Value) -> Value {
        let id = match state.get(self.from) {
            _ if state.is_null() => return Value::Null,
            Value::Unknown => return Value::Unknown,
            Value::String(s) if self.numeric => match s.trim().parse::<i64>() {
                Ok(n) => Value::int(n),
                Err(_) => return Value::Null,
            },
            Value::String(s) => Value::string(s.clone()),
            _ => return Value::Null,
        };
        Value::object([(self.name, id)])
    }

    /// The identity of the object whose id (the state attribute [`Identity::from`]) is `id`.
    pub fn of_id(&self, id: &str) -> Value {
        self.of(&Value::object([(self.from, Value::string(id))]))
    }

    /// The import id an `import` block's `identity` names.
    pub fn import_id(&self, identity: &Value) -> Result<String, Diagnostic> {
        let v = identity.get(self.name);
        let id = if self.numeric {
            v.as_i64().map(|n| n.to_string())
        } else {
            v.as_str().map(str::to_string)
        };
        id.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            Diagnostic::error(
                "Invalid import identity",
                format!(
                    "The identity must set `{}` to the {} of an existing object.",
                    self.name,
                    if self.numeric {
                        "whole-number id"
                    } else {
                        "id"
                    }
                ),
            )
            .at(AttributePath::root(self.name))
        })
    }
}

/// A managed resource in terms of its model. See the module documentation for what [`Crud`]
/// does around these hooks.
#[async_trait]
pub trait CrudResource: Send + Sync + 'static {
    /// One struct with the schema's attributes and blocks.
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// Full type name, e.g. `marketo_api_only_user`.
    const TYPE_NAME: &'static str;

    /// Which value [`CrudResource::create`] and [`CrudResource::update`] receive as `desired`:
    /// the planned state (configuration plus what the plan computed; the default), or the
    /// configuration as written (the user resource: its plan adds only what Marketo computes).
    const WRITES: Writes = Writes::Planned;

    /// The resource's identity.
    const IDENTITY: Identity;

    /// The resource's schema.
    fn schema() -> Schema;

    /// The provider's client handle.
    fn shared(&self) -> &Shared;

    /// Checks a configuration; unknown values are skipped (they are checked again at apply).
    fn check(&self, config: &Self::Model, at: CheckAt<'_, Self::Model>) -> Diagnostics;

    /// Brings a stored state of schema `version` (decoded with the current schema: attributes it
    /// lacked are null) to the current version. The default keeps it as it is.
    fn upgrade(&self, _version: i64, state: Self::Model) -> Result<Self::Model, Diagnostics> {
        Ok(state)
    }

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

    /// Checks a plan that destroys the object whose state is `prior`, before anything is written
    /// (Terraform 1.3+ asks; older cores plan destroys without the provider). Errors stop the
    /// plan. The default finds nothing.
    async fn check_destroy(&self, _ctx: &Context, _prior: &Self::Model) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the object described by `desired`: the planned state, or the configuration as
    /// written when [`CrudResource::WRITES`] is [`Writes::Config`].
    async fn create(
        &self,
        client: &Client,
        desired: &Self::Model,
    ) -> Result<Self::Model, Failed<Self::Model>>;

    /// Reads the object the state records.
    async fn read(
        &self,
        client: &Client,
        prior: &Self::Model,
    ) -> Result<Refreshed<Self::Model>, Diagnostics>;

    /// Brings the object from `prior` to `desired` (the planned state, or the configuration as
    /// written: see [`CrudResource::WRITES`]).
    async fn update(
        &self,
        client: &Client,
        prior: &Self::Model,
        desired: &Self::Model,
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
    model::unfit(&format!("{what} of {type_name}"), e).into_diagnostics()
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
        let desired = match R::WRITES {
            Writes::Config => config,
            Writes::Planned => match Self::decode("planned state", &req.planned_state) {
                Ok(p) => p,
                Err(d) => return d.into(),
            },
        };
        let result = match &prior {
            None => r.create(&client, &desired).await,
            Some(prior) => r.update(&client, prior, &desired).await,
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
            new_identity: R::IDENTITY.of(&new_state),
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
        let replaces = if prior.is_none() {
            replaced_id(&req.prior_private)
        } else {
            None
        };
        let mut plan = Plan {
            prior: prior.as_ref(),
            config: &config,
            planned,
            requires_replace: Vec::new(),
            replaces,
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
        // An update keeps the identity; a create has none until it is applied.
        let planned_identity = if req.prior_state.is_null() {
            Value::Null
        } else {
            match R::IDENTITY.of(&planned_state) {
                id if id.is_fully_known() => id,
                _ => req.prior_identity,
            }
        };
        let prior_id = plan.prior.and(req.prior_state.get("id").as_str());
        let planned_private = planned_private(prior_id, req.prior_private);
        PlanResponse {
            planned_state,
            requires_replace: plan.requires_replace,
            planned_private,
            diagnostics,
            planned_identity,
        }
    }

    async fn plan_destroy(&self, ctx: &Context, prior_state: &Value) -> Diagnostics {
        match Self::decode("prior state", prior_state) {
            Ok(prior) => self.0.check_destroy(ctx, &prior).await,
            Err(d) => d,
        }
    }

    async fn apply(&self, ctx: &Context, req: ApplyRequest) -> ApplyResponse {
        let change = req.change();
        let mut resp = self.change(ctx, &req, change).await;
        // A failed update that made nothing leaves the object as it was ([`Failed::state`]). A
        // failed delete is the protocol server's rule (`tfplugin6`: it answers the prior state).
        if change == Change::Update && resp.diagnostics.has_errors() && resp.new_state.is_null() {
            resp.new_state = req.prior_state;
        }
        resp.private = carried(req.planned_private);
        resp.new_identity = R::IDENTITY.of(&resp.new_state);
        resp
    }

    async fn upgrade_state(&self, version: i64, raw: RawState) -> Result<Value, Diagnostics> {
        let value = raw.decode(R::TYPE_NAME, &R::schema().value_type())?;
        if value.is_null() {
            return Ok(value);
        }
        let state = Self::decode("stored state", &value)?;
        Self::encode(&self.0.upgrade(version, state)?)
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(R::IDENTITY.schema())
    }

    async fn import(&self, ctx: &Context, target: ImportTarget) -> ImportResponse {
        let id = match target {
            ImportTarget::Id(id) => id,
            ImportTarget::Identity(identity) => match R::IDENTITY.import_id(&identity) {
                Ok(id) => id,
                Err(d) => return d.into(),
            },
        };
        let client = match self.0.shared().client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        match self.0.import(&client, &id).await {
            Ok(state) => match Self::encode(&state) {
                Ok(state) => ImportResponse {
                    imported: vec![ImportedResource {
                        identity: R::IDENTITY.of(&state),
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
mod tests;
