//! [`EmptyProvider`]: a complete provider with no resources and no data
//! sources. The crate's `tfplugin6-empty-provider` binary serves it, and the
//! protocol tests use it wherever the provider's content does not matter
//! (handshake, TLS, shutdown).

use std::sync::Arc;

use async_trait::async_trait;

use super::diag::Diagnostics;
use super::provider::{ConfigureRequest, Context, DataSource, Provider, Resource};
use super::schema::{Block, Schema};

/// The registry address the empty provider reports.
pub const EMPTY_PROVIDER_ADDRESS: &str = "registry.terraform.io/example/empty";

/// A provider with an empty configuration block and nothing to manage.
#[derive(Debug, Clone)]
pub struct EmptyProvider {
    registry_address: String,
    type_name: String,
}

impl EmptyProvider {
    /// `registry.terraform.io/example/empty`, type `empty`.
    pub fn new() -> EmptyProvider {
        EmptyProvider::with_address(EMPTY_PROVIDER_ADDRESS, "empty")
    }

    /// An empty provider under another address and type name.
    pub fn with_address(
        registry_address: impl Into<String>,
        type_name: impl Into<String>,
    ) -> EmptyProvider {
        EmptyProvider {
            registry_address: registry_address.into(),
            type_name: type_name.into(),
        }
    }
}

impl Default for EmptyProvider {
    fn default() -> EmptyProvider {
        EmptyProvider::new()
    }
}

#[async_trait]
impl Provider for EmptyProvider {
    fn registry_address(&self) -> &str {
        &self.registry_address
    }

    fn type_name(&self) -> &str {
        &self.type_name
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().description("A provider with nothing to manage."),
        )
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    async fn configure(&self, _ctx: &Context, _req: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
}
