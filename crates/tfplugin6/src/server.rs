//! The gRPC services: `tfplugin6.Provider` on top of the [`Provider`] trait,
//! plus go-plugin's `GRPCController` and `GRPCStdio` (`server/go_plugin.rs`);
//! `server/convert.rs` turns `DynamicValue`s into [`Value`]s and back.
//!
//! Every call runs concurrently with the others (Terraform issues many at
//! once); the only shared mutable state is the stop token, held under a lock
//! just long enough to clone or replace it.

mod build;
mod convert;
mod ephemeral;
mod go_plugin;
mod identity;
mod list;

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use tokio_stream::Stream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::diag::{AttributePath, Diagnostic, Diagnostics};
use super::identity::IdentitySchema;
use super::proto::tfplugin6 as pb;
use super::provider::{
    ApplyRequest, Change, ConfigureRequest, Context, DataSource, PlanRequest, PlanResponse,
    Provider, RawState, ReadRequest, Resource,
};
use super::value::{Type, Value};
use convert::{client_caps, decode, encode_into, server_capabilities};
pub(crate) use go_plugin::{ControllerService, StdioService};

struct ResourceEntry {
    resource: Arc<dyn Resource>,
    ty: Type,
    /// The identity schema and its type, for a resource with an identity.
    identity: Option<(IdentitySchema, Type)>,
}

struct DataSourceEntry {
    data_source: Arc<dyn DataSource>,
    ty: Type,
}

struct Inner {
    provider: Arc<dyn Provider>,
    provider_ty: Type,
    resources: HashMap<String, ResourceEntry>,
    data_sources: HashMap<String, DataSourceEntry>,
    ephemeral: HashMap<String, ephemeral::Entry>,
    lists: HashMap<String, list::Entry>,
    schema_response: pb::get_provider_schema::Response,
    stop: Mutex<CancellationToken>,
}

/// The `tfplugin6.Provider` service.
#[derive(Clone)]
pub(crate) struct ProviderService {
    inner: Arc<Inner>,
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type named {name:?}."),
    )
    .into()
}

impl ProviderService {
    fn context(&self) -> Context {
        let token = self
            .inner
            .stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        Context::new(token)
    }

    fn resource(&self, name: &str) -> Result<&ResourceEntry, Diagnostics> {
        self.inner
            .resources
            .get(name)
            .ok_or_else(|| unknown_type("resource", name))
    }

    fn data_source(&self, name: &str) -> Result<&DataSourceEntry, Diagnostics> {
        self.inner
            .data_sources
            .get(name)
            .ok_or_else(|| unknown_type("data source", name))
    }
}

fn prefixed(name: &str, diags: Diagnostics) -> Diagnostics {
    diags
        .into_iter()
        .map(|mut d| {
            d.detail = format!("{name}: {}", d.detail);
            d
        })
        .collect()
}

fn ok<T>(t: T) -> Result<Response<T>, Status> {
    Ok(Response::new(t))
}

/// Unwraps `$result`, or answers the call at once: its diagnostics, the fields given (what
/// Terraform must get back unchanged, such as the prior state), every other field empty.
macro_rules! or_answer {
    ($result:expr, $($response:ident)::+ $(, $field:ident: $value:expr)* $(,)?) => {
        match $result {
            Ok(v) => v,
            Err(d) => {
                return ok($($response)::+ {
                    diagnostics: Diagnostics::from(d).to_proto(),
                    $($field: $value,)*
                    ..Default::default()
                });
            }
        }
    };
}

/// The type names of `entries` in order, each made into `T` by `metadata`.
fn sorted<E, T>(entries: &HashMap<String, E>, metadata: impl Fn(String) -> T) -> Vec<T> {
    let mut names: Vec<&String> = entries.keys().collect();
    names.sort();
    names.into_iter().cloned().map(metadata).collect()
}

type ListStream = Pin<Box<dyn Stream<Item = Result<pb::list_resource::Event, Status>> + Send>>;

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        ok(pb::get_metadata::Response {
            server_capabilities: Some(server_capabilities()),
            diagnostics: Vec::new(),
            resources: sorted(&self.inner.resources, |type_name| {
                pb::get_metadata::ResourceMetadata { type_name }
            }),
            data_sources: sorted(&self.inner.data_sources, |type_name| {
                pb::get_metadata::DataSourceMetadata { type_name }
            }),
            ephemeral_resources: sorted(&self.inner.ephemeral, |type_name| {
                pb::get_metadata::EphemeralMetadata { type_name }
            }),
            list_resources: sorted(&self.inner.lists, |type_name| {
                pb::get_metadata::ListResourceMetadata { type_name }
            }),
            ..Default::default()
        })
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        ok(self.inner.schema_response.clone())
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let diags = match decode(
            req.config.as_ref(),
            &self.inner.provider_ty,
            "provider configuration",
        ) {
            Ok(config) => self.inner.provider.validate_config(&config).await,
            Err(d) => d.into(),
        };
        ok(pb::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        })
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let diags = match self.resource(&req.type_name) {
            Ok(entry) => match decode(req.config.as_ref(), &entry.ty, "resource configuration") {
                Ok(config) => entry.resource.validate(&config).await,
                Err(d) => d.into(),
            },
            Err(d) => d,
        };
        ok(pb::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        })
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let diags = match self.data_source(&req.type_name) {
            Ok(entry) => {
                match decode(req.config.as_ref(), &entry.ty, "data source configuration") {
                    Ok(config) => entry.data_source.validate(&config).await,
                    Err(d) => d.into(),
                }
            }
            Err(d) => d,
        };
        ok(pb::validate_data_resource_config::Response {
            diagnostics: diags.to_proto(),
        })
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let entry = or_answer!(
            self.resource(&req.type_name),
            pb::upgrade_resource_state::Response
        );
        let raw = req.raw_state.unwrap_or_default();
        let raw = if !raw.json.is_empty() {
            RawState::Json(raw.json)
        } else if !raw.flatmap.is_empty() {
            RawState::Flatmap(raw.flatmap.into_iter().collect())
        } else {
            RawState::Json(b"null".to_vec())
        };
        let mut diags = Diagnostics::new();
        let upgraded_state = match entry.resource.upgrade_state(req.version, raw).await {
            Ok(v) => encode_into(&v, &entry.ty, "upgraded state", &mut diags),
            Err(d) => {
                diags.extend(d);
                None
            }
        };
        ok(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diags.to_proto(),
        })
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        ok(pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .inner
                .resources
                .iter()
                .filter_map(|(name, e)| {
                    e.identity
                        .as_ref()
                        .map(|(s, _)| (name.clone(), s.to_proto()))
                })
                .collect(),
            diagnostics: Vec::new(),
        })
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        ok(match self.resource(&req.type_name) {
            Ok(entry) => identity::upgrade(entry, req).await,
            Err(d) => pb::upgrade_resource_identity::Response {
                upgraded_identity: None,
                diagnostics: d.to_proto(),
            },
        })
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let diags = match decode(
            req.config.as_ref(),
            &self.inner.provider_ty,
            "provider configuration",
        ) {
            Ok(config) => {
                let ctx = self.context();
                let creq = ConfigureRequest {
                    config,
                    terraform_version: req.terraform_version,
                    client_capabilities: client_caps(req.client_capabilities.as_ref()),
                };
                self.inner.provider.configure(&ctx, creq).await
            }
            Err(d) => d.into(),
        };
        ok(pb::configure_provider::Response {
            diagnostics: diags.to_proto(),
        })
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let entry = or_answer!(self.resource(&req.type_name), pb::read_resource::Response);
        let current_state = or_answer!(
            decode(req.current_state.as_ref(), &entry.ty, "current state"),
            pb::read_resource::Response,
            new_state: req.current_state,
            private: req.private,
        );
        let current_identity = or_answer!(
            identity::decode(entry, req.current_identity.as_ref()),
            pb::read_resource::Response,
            new_state: req.current_state,
            private: req.private,
            new_identity: req.current_identity,
        );
        let ctx = self.context();
        let resp = entry
            .resource
            .read(
                &ctx,
                ReadRequest {
                    current_state,
                    private: req.private,
                    client_capabilities: client_caps(req.client_capabilities.as_ref()),
                    current_identity,
                },
            )
            .await;
        let mut diags = resp.diagnostics;
        let new_state = encode_into(&resp.new_state, &entry.ty, "refreshed state", &mut diags);
        let new_identity = identity::encode(entry, &resp.new_identity, &mut diags);
        ok(pb::read_resource::Response {
            new_state,
            diagnostics: diags.to_proto(),
            private: resp.private,
            new_identity,
            ..Default::default()
        })
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let entry = or_answer!(
            self.resource(&req.type_name),
            pb::plan_resource_change::Response
        );
        let decoded =
            decode(req.prior_state.as_ref(), &entry.ty, "prior state").and_then(|prior| {
                let proposed = decode(
                    req.proposed_new_state.as_ref(),
                    &entry.ty,
                    "proposed new state",
                )?;
                let config = decode(req.config.as_ref(), &entry.ty, "configuration")?;
                Ok((prior, proposed, config))
            });
        let (prior_state, proposed_new_state, config) =
            or_answer!(decoded, pb::plan_resource_change::Response);
        let prior_identity = or_answer!(
            identity::decode(entry, req.prior_identity.as_ref()),
            pb::plan_resource_change::Response
        );
        let resp = if proposed_new_state.is_null() {
            // Destroy: the plan is null, whatever the resource would say.
            PlanResponse {
                planned_state: Value::Null,
                planned_private: req.prior_private,
                planned_identity: prior_identity,
                ..PlanResponse::default()
            }
        } else {
            let ctx = self.context();
            entry
                .resource
                .plan(
                    &ctx,
                    PlanRequest {
                        prior_state,
                        proposed_new_state,
                        config,
                        prior_private: req.prior_private,
                        client_capabilities: client_caps(req.client_capabilities.as_ref()),
                        prior_identity,
                    },
                )
                .await
        };
        let mut diags = resp.diagnostics;
        let planned_state =
            encode_into(&resp.planned_state, &entry.ty, "planned state", &mut diags);
        let planned_identity = identity::encode(entry, &resp.planned_identity, &mut diags);
        ok(pb::plan_resource_change::Response {
            planned_state,
            requires_replace: resp
                .requires_replace
                .iter()
                .map(AttributePath::to_proto)
                .collect(),
            planned_private: resp.planned_private,
            diagnostics: diags.to_proto(),
            planned_identity,
            ..Default::default()
        })
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let entry = or_answer!(
            self.resource(&req.type_name),
            pb::apply_resource_change::Response,
            new_state: req.prior_state,
        );
        let decoded =
            decode(req.prior_state.as_ref(), &entry.ty, "prior state").and_then(|prior| {
                let planned = decode(req.planned_state.as_ref(), &entry.ty, "planned state")?;
                let config = decode(req.config.as_ref(), &entry.ty, "configuration")?;
                Ok((prior, planned, config))
            });
        let decoded = decoded.and_then(|(prior, planned, config)| {
            let planned_identity = identity::decode(entry, req.planned_identity.as_ref())?;
            Ok((prior, planned, config, planned_identity))
        });
        let (prior_state, planned_state, config, planned_identity) = or_answer!(
            decoded,
            pb::apply_resource_change::Response,
            new_state: req.prior_state,
            new_identity: req.planned_identity,
        );
        let areq = ApplyRequest {
            prior_state,
            planned_state,
            config,
            planned_private: req.planned_private,
            planned_identity,
        };
        let change = areq.change();
        let prior = areq.prior_state.clone();
        let ctx = self.context();
        let resp = entry.resource.apply(&ctx, areq).await;
        let mut diags = resp.diagnostics;
        let new_state = match change {
            // A delete that worked leaves nothing; one that failed leaves the
            // object as it was, unless the resource says otherwise.
            Change::Delete if !diags.has_errors() => Value::Null,
            Change::Delete if resp.new_state.is_null() => prior,
            _ => resp.new_state,
        };
        let new_state_dv = encode_into(&new_state, &entry.ty, "new state", &mut diags);
        // An object that is gone has no identity.
        let new_identity = if new_state.is_null() {
            None
        } else {
            identity::encode(entry, &resp.new_identity, &mut diags)
        };
        ok(pb::apply_resource_change::Response {
            new_state: new_state_dv,
            private: resp.private,
            diagnostics: diags.to_proto(),
            new_identity,
            ..Default::default()
        })
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let entry = or_answer!(
            self.resource(&req.type_name),
            pb::import_resource_state::Response
        );
        let target = or_answer!(
            identity::import_target(entry, &req),
            pb::import_resource_state::Response
        );
        let ctx = self.context();
        let resp = entry.resource.import(&ctx, target).await;
        let mut diags = resp.diagnostics;
        let mut imported_resources = Vec::with_capacity(resp.imported.len());
        for r in resp.imported {
            if let Some(state) = encode_into(&r.state, &entry.ty, "imported state", &mut diags) {
                let identity = identity::encode(entry, &r.identity, &mut diags);
                imported_resources.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(state),
                    private: r.private,
                    identity,
                });
            }
        }
        ok(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diags.to_proto(),
            deferred: None,
        })
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = req.into_inner();
        let d = Diagnostic::error(
            "Move not supported",
            format!(
                "This provider cannot move state from {} ({}) to {}.",
                req.source_type_name, req.source_provider_address, req.target_type_name
            ),
        );
        ok(pb::move_resource_state::Response {
            diagnostics: vec![d.to_proto()],
            ..Default::default()
        })
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let entry = or_answer!(
            self.data_source(&req.type_name),
            pb::read_data_source::Response
        );
        let config = or_answer!(
            decode(req.config.as_ref(), &entry.ty, "data source configuration"),
            pb::read_data_source::Response
        );
        let ctx = self.context();
        let resp = entry.data_source.read(&ctx, config).await;
        let mut diags = resp.diagnostics;
        let state = encode_into(&resp.state, &entry.ty, "data source state", &mut diags);
        ok(pb::read_data_source::Response {
            state,
            diagnostics: diags.to_proto(),
            deferred: None,
        })
    }

    async fn generate_resource_config(
        &self,
        _req: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        Err(Status::unimplemented(
            "GenerateResourceConfig is not supported by this provider",
        ))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        ok(ephemeral::validate(&self.inner.ephemeral, req.into_inner()).await)
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        let ctx = self.context();
        ok(ephemeral::open(&self.inner.ephemeral, &ctx, req.into_inner()).await)
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        let ctx = self.context();
        ok(ephemeral::renew(&self.inner.ephemeral, &ctx, req.into_inner()).await)
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        let ctx = self.context();
        ok(ephemeral::close(&self.inner.ephemeral, &ctx, req.into_inner()).await)
    }

    type ListResourceStream = ListStream;

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        let req = req.into_inner();
        let stream = match self.inner.lists.get(&req.type_name) {
            Some(entry) => list::run(entry, self.context(), req),
            None => list::failed(unknown_type("list resource", &req.type_name)),
        };
        ok(stream)
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        ok(list::validate(&self.inner.lists, req.into_inner()).await)
    }

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        ok(pb::get_functions::Response::default())
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        ok(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!(
                    "This provider has no function named {:?}.",
                    req.into_inner().name
                ),
                function_argument: None,
            }),
        })
    }

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        let old = {
            let mut guard = self.inner.stop.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::take(&mut *guard)
        };
        old.cancel();
        tracing::info!("StopProvider: in-flight work cancelled");
        ok(pb::stop_provider::Response {
            error: String::new(),
        })
    }
}
