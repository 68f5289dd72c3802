//! Ephemeral resources (protocol 6.7, Terraform 1.10+): values opened afresh in every Terraform
//! run, handed to other blocks (a provider's configuration, a write-only attribute, another
//! ephemeral resource) and never written to state or plan.

use std::time::SystemTime;

use async_trait::async_trait;

use super::diag::Diagnostics;
use super::schema::Schema;
use super::value::Value;
use crate::context::{ClientCapabilities, Context};

/// `OpenEphemeralResource`. Terraform opens an ephemeral resource only once its configuration is
/// wholly known.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenRequest {
    pub config: Value,
    pub client_capabilities: ClientCapabilities,
}

/// Answer to `OpenEphemeralResource`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpenResponse {
    /// The configuration with every computed attribute set.
    pub result: Value,
    /// Handed back to [`EphemeralResource::renew`] and [`EphemeralResource::close`]; it never
    /// leaves the Terraform process that opened the resource.
    pub private: Option<Vec<u8>>,
    /// When Terraform should call [`EphemeralResource::renew`], if the value is still in use.
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

/// Answer to `RenewEphemeralResource`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenewResponse {
    pub private: Option<Vec<u8>>,
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

impl From<Diagnostics> for OpenResponse {
    fn from(diagnostics: Diagnostics) -> OpenResponse {
        OpenResponse {
            diagnostics,
            ..OpenResponse::default()
        }
    }
}

/// An ephemeral resource type.
#[async_trait]
pub trait EphemeralResource: Send + Sync + 'static {
    /// Full type name, e.g. `example_token`.
    fn type_name(&self) -> &str;

    /// The ephemeral resource's schema.
    fn schema(&self) -> Schema;

    /// Checks configuration (values may be unknown).
    async fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Opens the resource: computes its result.
    async fn open(&self, ctx: &Context, req: OpenRequest) -> OpenResponse;

    /// Renews what [`EphemeralResource::open`] returned with a `renew_at`. The default does
    /// nothing and asks for no further renewal.
    async fn renew(&self, _ctx: &Context, _private: Option<Vec<u8>>) -> RenewResponse {
        RenewResponse::default()
    }

    /// Releases what the resource holds once Terraform no longer needs it. The default has
    /// nothing to release.
    async fn close(&self, _ctx: &Context, _private: Option<Vec<u8>>) -> Diagnostics {
        Diagnostics::new()
    }
}
