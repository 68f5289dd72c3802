//! The gRPC services: `tfplugin6.Provider` on top of the [`Provider`] trait, plus go-plugin's
//! `GRPCController` and `GRPCStdio` (`server/go_plugin.rs`).
//!
//! This file holds the service and its one `impl` of the generated trait, which only delegates:
//! each RPC lives with its family, as terraform-plugin-framework's fwserver splits them
//! (`provider_rpcs.rs`, `resource.rs`, `data_source.rs`, `identity.rs`, `ephemeral.rs`,
//! `list.rs`); the types they serve are registered once in `registry.rs`; `convert.rs` turns
//! `DynamicValue`s into [`Value`](crate::Value)s and back; `answer.rs` answers a call early. No
//! RPC logic lives here, and no family file imports this one.
//!
//! Every call runs concurrently with the others (Terraform issues many at once); the only shared
//! mutable state is the stop token, held under a lock just long enough to clone or replace it.

mod answer;
mod convert;
mod data_source;
mod ephemeral;
mod go_plugin;
mod identity;
mod list;
mod provider_rpcs;
mod registry;
mod resource;

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::context::Context;
use crate::proto::tfplugin6 as pb;
use crate::provider::Provider;
pub(crate) use go_plugin::{ControllerService, StdioService};
use list::ListStream;
use registry::Registry;

struct Inner {
    registry: Registry,
    stop: Mutex<CancellationToken>,
}

/// The `tfplugin6.Provider` service.
#[derive(Clone)]
pub(crate) struct ProviderService {
    inner: Arc<Inner>,
}

impl ProviderService {
    /// Builds the service; schemas are computed once, here.
    pub(crate) fn new(provider: Arc<dyn Provider>) -> ProviderService {
        ProviderService {
            inner: Arc::new(Inner {
                registry: Registry::new(provider),
                stop: Mutex::new(CancellationToken::new()),
            }),
        }
    }

    fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The context of a call: the current stop token.
    fn context(&self) -> Context {
        let token = self
            .inner
            .stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        Context::new(token)
    }
}

fn ok<T>(t: T) -> Result<Response<T>, Status> {
    Ok(Response::new(t))
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        ok(provider_rpcs::get_metadata(self.registry()))
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        ok(provider_rpcs::get_provider_schema(self.registry()))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        ok(provider_rpcs::validate_provider_config(self.registry(), req.into_inner()).await)
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        ok(resource::validate_resource_config(self.registry(), req.into_inner()).await)
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        ok(data_source::validate_data_resource_config(self.registry(), req.into_inner()).await)
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        ok(resource::upgrade_resource_state(self.registry(), req.into_inner()).await)
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        ok(identity::get_resource_identity_schemas(self.registry()))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        ok(identity::upgrade_resource_identity(self.registry(), req.into_inner()).await)
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        ok(
            provider_rpcs::configure_provider(self.registry(), &self.context(), req.into_inner())
                .await,
        )
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        ok(resource::read_resource(self.registry(), &self.context(), req.into_inner()).await)
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        ok(
            resource::plan_resource_change(self.registry(), &self.context(), req.into_inner())
                .await,
        )
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        ok(
            resource::apply_resource_change(self.registry(), &self.context(), req.into_inner())
                .await,
        )
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        ok(
            resource::import_resource_state(self.registry(), &self.context(), req.into_inner())
                .await,
        )
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        ok(resource::move_resource_state(req.into_inner()))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        ok(data_source::read_data_source(self.registry(), &self.context(), req.into_inner()).await)
    }

    async fn generate_resource_config(
        &self,
        _req: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        Err(resource::generate_resource_config())
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        ok(ephemeral::validate(self.registry(), req.into_inner()).await)
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        ok(ephemeral::open(self.registry(), &self.context(), req.into_inner()).await)
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        ok(ephemeral::renew(self.registry(), &self.context(), req.into_inner()).await)
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        ok(ephemeral::close(self.registry(), &self.context(), req.into_inner()).await)
    }

    type ListResourceStream = ListStream;

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        ok(list::list_resource(
            self.registry(),
            self.context(),
            req.into_inner(),
        ))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        ok(list::validate(self.registry(), req.into_inner()).await)
    }

    async fn get_functions(
        &self,
        _req: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        ok(provider_rpcs::get_functions())
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        ok(provider_rpcs::call_function(req.into_inner()))
    }

    async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        ok(provider_rpcs::stop_provider(&self.inner.stop))
    }
}
