//! An ephemeral resource is a data source whose result Terraform never stores: [`Ephemeral`]
//! serves a [`ModelDataSource`] as the protocol's [`EphemeralResource`], opened afresh in every
//! run, with the same checks and conversions as [`Lookup`].

use async_trait::async_trait;

use super::lookup::{Lookup, ModelDataSource};
use tfplugin6::Context;
use tfplugin6::{Diagnostics, EphemeralResource, OpenRequest, OpenResponse, Schema, Value};

/// A [`ModelDataSource`] served as the protocol's [`EphemeralResource`]: opened like a data source
/// is read, its result never stored.
#[derive(Debug, Clone)]
pub struct Ephemeral<D>(pub D);

#[async_trait]
impl<D: ModelDataSource> EphemeralResource for Ephemeral<D> {
    fn type_name(&self) -> &str {
        D::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        D::schema()
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        match Lookup::<D>::decode(config) {
            Ok(config) => self.0.check(&config),
            Err(d) => d,
        }
    }

    async fn open(&self, ctx: &Context, req: OpenRequest) -> OpenResponse {
        let read = Lookup(&self.0).read_with(ctx, req.config).await;
        OpenResponse {
            result: read.state,
            diagnostics: read.diagnostics,
            ..OpenResponse::default()
        }
    }
}
