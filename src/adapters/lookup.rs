//! The data-source counterpart of [`super::crud`]: a data source implements [`ModelDataSource`]
//! in terms of its typed model, and [`Lookup`] serves it as the protocol's [`DataSource`],
//! owning the client prologue, the model conversions, and the checks at validate and again at
//! read (when the values are known), whose warnings are kept.

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::common::Shared;
use marketo_client::Client;
use tfplugin6::model;
use tfplugin6::{Context, DataSource, DataSourceReadResponse, Diagnostics, Schema, Value};

/// A data source in terms of its model.
#[async_trait]
pub trait ModelDataSource: Send + Sync + 'static {
    /// One struct with the schema's attributes.
    type Model: Serialize + DeserializeOwned + Send + Sync;

    /// Full type name, e.g. `marketo_role`.
    const TYPE_NAME: &'static str;

    /// The data source's schema.
    fn schema() -> Schema;

    /// The provider's client handle.
    fn shared(&self) -> &Shared;

    /// Checks a configuration; unknown values are skipped. The default accepts everything.
    fn check(&self, _config: &Self::Model) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data the configuration asks for.
    async fn read(&self, client: &Client, config: Self::Model) -> Result<Self::Model, Diagnostics>;
}

/// A [`ModelDataSource`] served as the protocol's [`DataSource`].
#[derive(Debug, Clone)]
pub struct Lookup<D>(pub D);

impl<D: ModelDataSource> Lookup<D> {
    fn model_error(what: &str, e: &model::ModelError) -> Diagnostics {
        model::unfit(&format!("{what} of {}", D::TYPE_NAME), e).into_diagnostics()
    }

    pub(super) fn decode(config: &Value) -> Result<D::Model, Diagnostics> {
        model::from_value(config).map_err(|e| Self::model_error("configuration", &e))
    }
}

#[async_trait]
impl<D: ModelDataSource> DataSource for Lookup<D> {
    fn type_name(&self) -> &str {
        D::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        D::schema()
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        match Self::decode(config) {
            Ok(config) => self.0.check(&config),
            Err(d) => d,
        }
    }

    async fn read(&self, ctx: &Context, config: Value) -> DataSourceReadResponse {
        Lookup(&self.0).read_with(ctx, config).await
    }
}

impl<D: ModelDataSource> Lookup<&D> {
    /// Checks, reads and converts: the one read of a data source and of an ephemeral resource.
    pub(super) async fn read_with(&self, ctx: &Context, config: Value) -> DataSourceReadResponse {
        let config = match Lookup::<D>::decode(&config) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let diagnostics = self.0.check(&config);
        if diagnostics.has_errors() {
            return diagnostics.into();
        }
        let client = match self.0.shared().client(ctx) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        match self.0.read(&client, config).await {
            Ok(state) => match model::to_value(&state) {
                Ok(state) => DataSourceReadResponse { state, diagnostics },
                Err(e) => Lookup::<D>::model_error("state", &e).into(),
            },
            Err(d) => d.into(),
        }
    }
}
