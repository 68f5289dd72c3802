//! The provider-level RPCs: `GetMetadata`, `GetProviderSchema`, `ValidateProviderConfig`,
//! `ConfigureProvider`, `StopProvider`, and the functions (`GetFunctions`, `CallFunction`: this
//! crate serves none). Calls about one resource, data source, ephemeral or list resource type
//! live in their own family files.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

use super::convert::{client_caps, decode, server_capabilities};
use super::registry::Registry;
use crate::context::Context;
use crate::proto::tfplugin6 as pb;
use crate::provider::ConfigureRequest;

/// The type names of `entries` in order, each made into `T` by `metadata`.
fn sorted<E, T>(entries: &HashMap<String, E>, metadata: impl Fn(String) -> T) -> Vec<T> {
    let mut names: Vec<&String> = entries.keys().collect();
    names.sort();
    names.into_iter().cloned().map(metadata).collect()
}

pub(super) fn get_metadata(reg: &Registry) -> pb::get_metadata::Response {
    pb::get_metadata::Response {
        server_capabilities: Some(server_capabilities()),
        diagnostics: Vec::new(),
        resources: sorted(&reg.resources, |type_name| {
            pb::get_metadata::ResourceMetadata { type_name }
        }),
        data_sources: sorted(&reg.data_sources, |type_name| {
            pb::get_metadata::DataSourceMetadata { type_name }
        }),
        ephemeral_resources: sorted(&reg.ephemeral, |type_name| {
            pb::get_metadata::EphemeralMetadata { type_name }
        }),
        list_resources: sorted(&reg.lists, |type_name| {
            pb::get_metadata::ListResourceMetadata { type_name }
        }),
        ..Default::default()
    }
}

pub(super) fn get_provider_schema(reg: &Registry) -> pb::get_provider_schema::Response {
    reg.schema_response.clone()
}

pub(super) async fn validate_provider_config(
    reg: &Registry,
    req: pb::validate_provider_config::Request,
) -> pb::validate_provider_config::Response {
    let diags = match decode(
        req.config.as_ref(),
        &reg.provider_ty,
        "provider configuration",
    ) {
        Ok(config) => reg.provider.validate_config(&config).await,
        Err(d) => d.into(),
    };
    pb::validate_provider_config::Response {
        diagnostics: diags.to_proto(),
    }
}

pub(super) async fn configure_provider(
    reg: &Registry,
    ctx: &Context,
    req: pb::configure_provider::Request,
) -> pb::configure_provider::Response {
    let diags = match decode(
        req.config.as_ref(),
        &reg.provider_ty,
        "provider configuration",
    ) {
        Ok(config) => {
            let creq = ConfigureRequest {
                config,
                terraform_version: req.terraform_version,
                client_capabilities: client_caps(req.client_capabilities.as_ref()),
            };
            reg.provider.configure(ctx, creq).await
        }
        Err(d) => d.into(),
    };
    pb::configure_provider::Response {
        diagnostics: diags.to_proto(),
    }
}

/// `StopProvider`: cancels the token every call in flight holds; later calls get a fresh one.
pub(super) fn stop_provider(stop: &Mutex<CancellationToken>) -> pb::stop_provider::Response {
    let old = {
        let mut guard = stop.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut *guard)
    };
    old.cancel();
    tracing::info!("StopProvider: in-flight work cancelled");
    pb::stop_provider::Response {
        error: String::new(),
    }
}

pub(super) fn get_functions() -> pb::get_functions::Response {
    pb::get_functions::Response::default()
}

pub(super) fn call_function(req: pb::call_function::Request) -> pb::call_function::Response {
    pb::call_function::Response {
        result: None,
        error: Some(pb::FunctionError {
            text: format!("This provider has no function named {:?}.", req.name),
            function_argument: None,
        }),
    }
}
