//! The traits a provider implements ([`Provider`], [`Resource`], [`DataSource`]) and the
//! requests and answers of their calls. What every kind of type receives ([`Context`],
//! [`ClientCapabilities`]) lives in [`crate::context`] and is re-exported here; nothing here knows
//! the server or the wire format.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

pub use crate::context::{Cancelled, ClientCapabilities, Context};
use crate::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::ephemeral::EphemeralResource;
use crate::identity::IdentitySchema;
use crate::list::ListResource;
use crate::schema::Schema;
use crate::value::{Type, Value};

/// `ConfigureProvider`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigureRequest {
    /// The provider block, decoded with the provider schema. May hold unknowns.
    pub config: Value,
    /// E.g. "1.14.0".
    pub terraform_version: String,
    pub client_capabilities: ClientCapabilities,
}

/// Stored state handed to [`Resource::upgrade_state`].
#[derive(Debug, Clone, PartialEq)]
pub enum RawState {
    /// JSON as stored by Terraform 0.12 and later.
    Json(Vec<u8>),
    /// The legacy flatmap of Terraform 0.11 and earlier.
    Flatmap(BTreeMap<String, String>),
}

impl RawState {
    /// The stored state decoded with the current schema's type `ty` (attributes the schema no
    /// longer has are dropped); flatmap state is refused. `type_name` names the resource in the
    /// diagnostics.
    pub fn decode(self, type_name: &str, ty: &Type) -> Result<Value, Diagnostics> {
        match self {
            RawState::Json(bytes) => Value::from_json(&bytes, ty).map_err(|e| {
                Diagnostic::error(
                    "Unable to read the stored state",
                    format!("The stored state of {type_name} could not be decoded: {e}"),
                )
                .into()
            }),
            RawState::Flatmap(_) => Err(Diagnostic::error(
                "Unsupported state format",
                format!(
                    "The stored state of {type_name} is in the flatmap format of Terraform 0.11 \
                     and earlier, which this provider does not read."
                ),
            )
            .into()),
        }
    }
}

/// `ReadResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRequest {
    pub current_state: Value,
    pub private: Vec<u8>,
    pub client_capabilities: ClientCapabilities,
    /// The stored identity; null when none is stored (state written before the resource had
    /// one, or by a Terraform older than 1.12).
    pub current_identity: Value,
}

/// Answer to `ReadResource`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReadResponse {
    /// [`Value::Null`] when the remote object is gone.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
    /// The object's identity; null sends none.
    pub new_identity: Value,
}

/// `PlanResourceChange` for a create or update (a destroy never reaches the
/// resource: the server plans it as null by itself).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// Null for a create.
    pub prior_state: Value,
    /// Terraform's proposal: configuration merged with prior state.
    pub proposed_new_state: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
    pub client_capabilities: ClientCapabilities,
    /// Null for a create.
    pub prior_identity: Value,
}

impl PlanRequest {
    /// A request planning `proposed_new_state` from `prior_state` (null for a create) for
    /// `config`, with no private data, no client capabilities and no prior identity: what a test
    /// of a resource's `plan` starts from.
    pub fn new(prior_state: Value, proposed_new_state: Value, config: Value) -> Self {
        PlanRequest {
            prior_state,
            proposed_new_state,
            config,
            prior_private: Vec::new(),
            client_capabilities: ClientCapabilities::default(),
            prior_identity: Value::Null,
        }
    }

    /// True when the resource is being created.
    pub fn is_create(&self) -> bool {
        self.prior_state.is_null()
    }
}

/// Answer to `PlanResourceChange`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanResponse {
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
    pub diagnostics: Diagnostics,
    /// The identity the object will have; null sends none (e.g. a create, where it is not known
    /// yet).
    pub planned_identity: Value,
}

/// What an apply does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Delete,
}

/// `ApplyResourceChange`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyRequest {
    /// Null for a create.
    pub prior_state: Value,
    /// Null for a delete.
    pub planned_state: Value,
    /// Null for a delete.
    pub config: Value,
    pub planned_private: Vec<u8>,
    /// Null for a create.
    pub planned_identity: Value,
}

impl ApplyRequest {
    /// Create, update or delete.
    pub fn change(&self) -> Change {
        if self.planned_state.is_null() {
            Change::Delete
        } else if self.prior_state.is_null() {
            Change::Create
        } else {
            Change::Update
        }
    }
}

/// Answer to `ApplyResourceChange`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApplyResponse {
    /// The object as it now is; ignored (null is sent) for a successful
    /// delete. On a failed create, null means nothing was created.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
    /// The object's identity; null sends none.
    pub new_identity: Value,
}

/// One object found by an import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedResource {
    pub state: Value,
    pub private: Vec<u8>,
    /// The object's identity; null sends none.
    pub identity: Value,
}

/// What `ImportResourceState` names: the string of `terraform import` or an `import` block's
/// `id`, or (Terraform 1.12+) an `import` block's `identity`.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportTarget {
    Id(String),
    /// Decoded with the resource's identity schema.
    Identity(Value),
}

/// Answer to `ImportResourceState`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportResponse {
    pub imported: Vec<ImportedResource>,
    pub diagnostics: Diagnostics,
}

/// Answer to `ReadDataSource`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DataSourceReadResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}

impl From<Diagnostics> for ReadResponse {
    fn from(diagnostics: Diagnostics) -> ReadResponse {
        ReadResponse {
            diagnostics,
            ..ReadResponse::default()
        }
    }
}

impl From<Diagnostics> for PlanResponse {
    fn from(diagnostics: Diagnostics) -> PlanResponse {
        PlanResponse {
            diagnostics,
            ..PlanResponse::default()
        }
    }
}

impl From<Diagnostics> for ApplyResponse {
    fn from(diagnostics: Diagnostics) -> ApplyResponse {
        ApplyResponse {
            diagnostics,
            ..ApplyResponse::default()
        }
    }
}

impl From<Diagnostics> for ImportResponse {
    fn from(diagnostics: Diagnostics) -> ImportResponse {
        ImportResponse {
            diagnostics,
            ..ImportResponse::default()
        }
    }
}

impl From<Diagnostics> for DataSourceReadResponse {
    fn from(diagnostics: Diagnostics) -> DataSourceReadResponse {
        DataSourceReadResponse {
            diagnostics,
            ..DataSourceReadResponse::default()
        }
    }
}

impl From<Diagnostic> for ReadResponse {
    fn from(diagnostic: Diagnostic) -> ReadResponse {
        diagnostic.into_diagnostics().into()
    }
}

impl From<Diagnostic> for PlanResponse {
    fn from(diagnostic: Diagnostic) -> PlanResponse {
        diagnostic.into_diagnostics().into()
    }
}

impl From<Diagnostic> for ApplyResponse {
    fn from(diagnostic: Diagnostic) -> ApplyResponse {
        diagnostic.into_diagnostics().into()
    }
}

impl From<Diagnostic> for ImportResponse {
    fn from(diagnostic: Diagnostic) -> ImportResponse {
        diagnostic.into_diagnostics().into()
    }
}

impl From<Diagnostic> for DataSourceReadResponse {
    fn from(diagnostic: Diagnostic) -> DataSourceReadResponse {
        diagnostic.into_diagnostics().into()
    }
}

/// A Terraform provider.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// Its source address, e.g. `registry.terraform.io/<namespace>/<type>`.
    fn registry_address(&self) -> &str;

    /// The provider's type name (the prefix of its resource names).
    fn type_name(&self) -> &str;

    /// Schema of the provider block.
    fn schema(&self) -> Schema;

    /// Managed resource types. Called once, when the server starts.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// Data sources. Called once, when the server starts.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>>;

    /// Ephemeral resource types. Called once, when the server starts. None by default.
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        Vec::new()
    }

    /// List resource types, each named after a managed resource type with an identity. Called
    /// once, when the server starts. None by default.
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        Vec::new()
    }

    /// `tracing` targets (crate names, e.g. `my_provider`) whose events
    /// [`run_main`](crate::run_main) logs at the level Terraform asks for
    /// (`TF_LOG_PROVIDER` / `TF_LOG`), like this crate's own; everything else
    /// logs warnings only. None by default.
    fn log_targets(&self) -> &[&str] {
        &[]
    }

    /// Checks the provider block (values may be unknown).
    async fn validate_config(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Configures the provider before any resource call.
    async fn configure(&self, ctx: &Context, req: ConfigureRequest) -> Diagnostics;
}

/// A managed resource type.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// Full type name, e.g. `example_widget`.
    fn type_name(&self) -> &str;

    /// The resource's schema.
    fn schema(&self) -> Schema;

    /// The resource's identity schema; `None` (the default) for a resource without identity.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }

    /// Turns a stored identity of schema `version` (JSON) into a value of the current identity
    /// schema. The default decodes the JSON with the current identity type.
    async fn upgrade_identity(&self, _version: i64, json: &[u8]) -> Result<Value, Diagnostics> {
        let Some(schema) = self.identity_schema() else {
            return Err(Diagnostic::error(
                "Resource identity not supported",
                format!("The resource type {} has no identity.", self.type_name()),
            )
            .into());
        };
        Value::from_json(json, &schema.value_type()).map_err(|e| {
            Diagnostic::error(
                "Unable to read the stored identity",
                format!(
                    "The stored identity of {} could not be decoded: {e}",
                    self.type_name()
                ),
            )
            .into()
        })
    }

    /// Checks configuration (values may be unknown).
    async fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Turns stored state of schema `version` into a value of the current
    /// schema. The default handles state already at the current version's
    /// shape: it decodes the JSON with the current schema type (dropping
    /// attributes the schema no longer has); flatmap state is refused.
    async fn upgrade_state(&self, _version: i64, raw: RawState) -> Result<Value, Diagnostics> {
        raw.decode(self.type_name(), &self.schema().value_type())
    }

    /// Refreshes the state from the remote object.
    async fn read(&self, ctx: &Context, req: ReadRequest) -> ReadResponse;

    /// Plans a create or update. The default plans a create by making null
    /// computed attributes unknown, and an update as Terraform proposed it.
    async fn plan(&self, _ctx: &Context, req: PlanRequest) -> PlanResponse {
        let planned_state = if req.is_create() {
            self.schema()
                .mark_computed_nulls_unknown(&req.proposed_new_state)
        } else {
            req.proposed_new_state
        };
        PlanResponse {
            planned_state,
            planned_private: req.prior_private,
            ..PlanResponse::default()
        }
    }

    /// Checks a planned destroy of the object whose state is `prior_state`, before anything is
    /// written: errors stop the plan, warnings are shown with it. The planned state of a destroy
    /// is null whatever this answers. Terraform 1.3+ asks (the server announces the `plan_destroy`
    /// capability); older cores plan destroys without the provider. The default finds nothing.
    async fn plan_destroy(&self, _ctx: &Context, _prior_state: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates, updates or deletes (see [`ApplyRequest::change`]).
    ///
    /// The server keeps the prior state when a delete fails; implementations need not: a delete
    /// answered with error diagnostics and a null `new_state` sends Terraform the prior state
    /// (and the prior identity, unless `new_identity` is set), so the object stays in the state.
    /// A non-null `new_state` from a failed delete is sent as it is. A successful delete always
    /// sends null, whatever `new_state` says. Creates and updates send `new_state` as answered.
    async fn apply(&self, ctx: &Context, req: ApplyRequest) -> ApplyResponse;

    /// Imports existing objects by ID or identity. The default refuses.
    async fn import(&self, _ctx: &Context, _target: ImportTarget) -> ImportResponse {
        Diagnostic::error(
            "Import not supported",
            format!("The resource type {} cannot be imported.", self.type_name()),
        )
        .into_diagnostics()
        .into()
    }
}

/// A data source.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// Full type name.
    fn type_name(&self) -> &str;

    /// The data source's schema.
    fn schema(&self) -> Schema;

    /// Checks configuration (values may be unknown).
    async fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data.
    async fn read(&self, ctx: &Context, config: Value) -> DataSourceReadResponse;
}

impl Diagnostic {
    /// This diagnostic alone in a [`Diagnostics`].
    pub fn into_diagnostics(self) -> Diagnostics {
        Diagnostics::from(self)
    }
}
