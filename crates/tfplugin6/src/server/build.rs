//! Building the service: every schema is computed and checked once, when the server starts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use super::convert::server_capabilities;
use super::{DataSourceEntry, Inner, ProviderService, ResourceEntry, ephemeral, list, prefixed};
use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::provider::Provider;
use crate::schema::Schema;
use crate::value::Type;

/// Checks the schema of the type `name` (its problems prefixed with the name), records it for
/// `GetProviderSchema`, and gives the type of its values.
pub(super) fn register(
    name: &str,
    schema: &Schema,
    diags: &mut Diagnostics,
    schemas: &mut HashMap<String, pb::Schema>,
) -> Type {
    diags.extend(prefixed(name, schema.check()));
    schemas.insert(name.to_string(), schema.to_proto());
    schema.value_type()
}

impl ProviderService {
    /// Builds the service; schemas are computed once, here.
    pub(crate) fn new(provider: Arc<dyn Provider>) -> ProviderService {
        let provider_schema = provider.schema();
        let mut diags = provider_schema.check();
        let mut resources = HashMap::new();
        let mut resource_schemas = HashMap::new();
        for r in provider.resources() {
            let name = r.type_name().to_string();
            let ty = register(&name, &r.schema(), &mut diags, &mut resource_schemas);
            let identity = r.identity_schema().map(|i| {
                let ty = i.value_type();
                (i, ty)
            });
            resources.insert(
                name,
                ResourceEntry {
                    ty,
                    identity,
                    resource: r,
                },
            );
        }
        let mut data_sources = HashMap::new();
        let mut data_source_schemas = HashMap::new();
        for d in provider.data_sources() {
            let name = d.type_name().to_string();
            let ty = register(&name, &d.schema(), &mut diags, &mut data_source_schemas);
            data_sources.insert(name, DataSourceEntry { ty, data_source: d });
        }
        let (ephemeral, ephemeral_resource_schemas) =
            ephemeral::entries(provider.ephemeral_resources(), &mut diags);
        let (lists, list_resource_schemas) =
            list::entries(provider.list_resources(), &resources, &mut diags);
        for d in &diags {
            tracing::error!("{d}");
        }
        let schema_response = pb::get_provider_schema::Response {
            provider: Some(provider_schema.to_proto()),
            resource_schemas,
            data_source_schemas,
            diagnostics: diags.to_proto(),
            provider_meta: Some(Schema::default().to_proto()),
            server_capabilities: Some(server_capabilities()),
            ephemeral_resource_schemas,
            list_resource_schemas,
            ..Default::default()
        };
        ProviderService {
            inner: Arc::new(Inner {
                provider_ty: provider_schema.value_type(),
                provider,
                resources,
                data_sources,
                ephemeral,
                lists,
                schema_response,
                stop: Mutex::new(CancellationToken::new()),
            }),
        }
    }
}
