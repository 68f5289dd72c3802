//! The server's registration, in one place: when the server starts, every type the provider
//! declares (resources, data sources, ephemeral and list resources) has its schema checked once,
//! recorded for `GetProviderSchema`, and is kept by name with the type of its values. The RPC
//! families look their types up here; this module calls none of them.

use std::collections::HashMap;
use std::sync::Arc;

use super::convert::server_capabilities;
use crate::diag::{Diagnostic, Diagnostics};
use crate::ephemeral::EphemeralResource;
use crate::identity::IdentitySchema;
use crate::list::ListResource;
use crate::proto::tfplugin6 as pb;
use crate::provider::{DataSource, Provider, Resource};
use crate::schema::Schema;
use crate::value::Type;

/// A managed resource type.
pub(super) struct ResourceEntry {
    pub(super) resource: Arc<dyn Resource>,
    pub(super) ty: Type,
    /// The identity schema and its type, for a resource with an identity.
    pub(super) identity: Option<(IdentitySchema, Type)>,
}

/// A data source.
pub(super) struct DataSourceEntry {
    pub(super) data_source: Arc<dyn DataSource>,
    pub(super) ty: Type,
}

/// An ephemeral resource type.
pub(super) struct EphemeralEntry {
    pub(super) resource: Arc<dyn EphemeralResource>,
    pub(super) ty: Type,
}

/// A list resource type, with the types of what it lists.
#[derive(Clone)]
pub(super) struct ListEntry {
    pub(super) list: Arc<dyn ListResource>,
    /// The `config` block's type.
    pub(super) ty: Type,
    pub(super) identity_ty: Type,
    pub(super) resource_ty: Type,
}

/// Everything the provider declares, by type name, and the `GetProviderSchema` answer.
pub(super) struct Registry {
    pub(super) provider: Arc<dyn Provider>,
    pub(super) provider_ty: Type,
    pub(super) resources: HashMap<String, ResourceEntry>,
    pub(super) data_sources: HashMap<String, DataSourceEntry>,
    pub(super) ephemeral: HashMap<String, EphemeralEntry>,
    pub(super) lists: HashMap<String, ListEntry>,
    pub(super) schema_response: pb::get_provider_schema::Response,
}

/// Schemas by type name, as `GetProviderSchema` sends them.
type Schemas = HashMap<String, pb::Schema>;

/// Checks the schema of the type `name` (its problems prefixed with the name), records it for
/// `GetProviderSchema`, and gives the type of its values.
fn register(name: &str, schema: &Schema, diags: &mut Diagnostics, schemas: &mut Schemas) -> Type {
    diags.extend(prefixed(name, schema.check()));
    schemas.insert(name.to_string(), schema.to_proto());
    schema.value_type()
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

/// The answer to a call naming a type the provider does not have.
pub(super) fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type named {name:?}."),
    )
    .into()
}

impl Registry {
    /// Registers every type of `provider`; schemas are computed once, here.
    pub(super) fn new(provider: Arc<dyn Provider>) -> Registry {
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
        let mut ephemeral = HashMap::new();
        let mut ephemeral_resource_schemas = HashMap::new();
        for r in provider.ephemeral_resources() {
            let name = r.type_name().to_string();
            let ty = register(
                &name,
                &r.schema(),
                &mut diags,
                &mut ephemeral_resource_schemas,
            );
            ephemeral.insert(name, EphemeralEntry { ty, resource: r });
        }
        let (lists, list_resource_schemas) =
            list_entries(provider.list_resources(), &resources, &mut diags);
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
        Registry {
            provider_ty: provider_schema.value_type(),
            provider,
            resources,
            data_sources,
            ephemeral,
            lists,
            schema_response,
        }
    }

    pub(super) fn resource(&self, name: &str) -> Result<&ResourceEntry, Diagnostics> {
        self.resources
            .get(name)
            .ok_or_else(|| unknown_type("resource", name))
    }

    pub(super) fn data_source(&self, name: &str) -> Result<&DataSourceEntry, Diagnostics> {
        self.data_sources
            .get(name)
            .ok_or_else(|| unknown_type("data source", name))
    }

    pub(super) fn ephemeral(&self, name: &str) -> Result<&EphemeralEntry, Diagnostics> {
        self.ephemeral
            .get(name)
            .ok_or_else(|| unknown_type("ephemeral resource", name))
    }

    pub(super) fn list(&self, name: &str) -> Result<&ListEntry, Diagnostics> {
        self.lists
            .get(name)
            .ok_or_else(|| unknown_type("list resource", name))
    }
}

/// The list entries by type name, and their schemas. A list resource must be named after a
/// managed resource type with an identity; one that is not is left out, with an error
/// diagnostic.
fn list_entries(
    lists: Vec<Arc<dyn ListResource>>,
    resources: &HashMap<String, ResourceEntry>,
    diags: &mut Diagnostics,
) -> (HashMap<String, ListEntry>, Schemas) {
    let mut entries = HashMap::new();
    let mut schemas = HashMap::new();
    for list in lists {
        let name = list.type_name().to_string();
        let Some((resource, Some((_, identity_ty)))) =
            resources.get(&name).map(|r| (r, r.identity.as_ref()))
        else {
            diags.push(Diagnostic::error(
                "Invalid list resource",
                format!("{name}: a list resource needs a managed resource type of the same name with an identity schema."),
            ));
            continue;
        };
        let ty = register(&name, &list.schema(), diags, &mut schemas);
        entries.insert(
            name,
            ListEntry {
                ty,
                identity_ty: identity_ty.clone(),
                resource_ty: resource.ty.clone(),
                list,
            },
        );
    }
    (entries, schemas)
}
