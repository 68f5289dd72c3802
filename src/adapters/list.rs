//! The list-resource counterpart of [`super::crud`] (Terraform 1.14+, `terraform query`): a
//! managed resource implements [`Listed`], finding the objects an instance holds (ids and
//! display names, after its filters), and [`Listing`] serves it as the protocol's
//! [`ListResource`]. The whole object, when Terraform asks for it (`include_resource = true`), is
//! read by the resource's own [`CrudResource::import`], so what `terraform query` writes out is
//! exactly what an import of that id records, and plans clean.

use async_trait::async_trait;
use serde::de::DeserializeOwned;

use super::crud::CrudResource;
use marketo_client::Client;
use tfplugin6::model;
use tfplugin6::{
    Context, Diagnostics, ListRequest, ListResource, ListResult, ListSink, Schema, Value,
};

/// One object a listing found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// What the resource's import takes, and its identity is made from.
    pub id: String,
    /// Shown by `terraform query`.
    pub display_name: String,
}

/// A managed resource whose objects `terraform query` can list.
#[async_trait]
pub trait Listed: CrudResource {
    /// The `config` block of a `list` block: the filters.
    type Filter: DeserializeOwned + Send + Sync;

    /// The schema of the `config` block.
    fn filter_schema() -> Schema;

    /// Checks the filters (values may be unknown). The default accepts everything.
    fn check_filter(&self, _filter: &Self::Filter) -> Diagnostics {
        Diagnostics::new()
    }

    /// The objects the instance holds that the filters keep, in a stable order.
    async fn find(&self, client: &Client, filter: &Self::Filter)
    -> Result<Vec<Found>, Diagnostics>;
}

/// A [`Listed`] resource served as the protocol's [`ListResource`].
#[derive(Debug, Clone)]
pub struct Listing<R>(pub R);

impl<R: Listed> Listing<R> {
    fn decode(config: &Value) -> Result<R::Filter, Diagnostics> {
        model::from_value(config).map_err(|e| {
            model::unfit(&format!("list configuration of {}", R::TYPE_NAME), &e).into_diagnostics()
        })
    }

    /// The result for `found`: its identity, and the whole object when asked for.
    async fn result(&self, client: &Client, found: Found, include: bool) -> ListResult {
        let identity = R::IDENTITY.of_id(&found.id);
        let mut result = ListResult {
            identity,
            display_name: found.display_name,
            resource_object: None,
            diagnostics: Diagnostics::new(),
        };
        if include {
            match self.0.import(client, &found.id).await {
                Ok(state) => match model::to_value(&state) {
                    Ok(v) => result.resource_object = Some(v),
                    Err(e) => result
                        .diagnostics
                        .push(model::unfit(&format!("state of {}", R::TYPE_NAME), &e)),
                },
                Err(d) => result.diagnostics = d,
            }
        }
        result
    }
}

#[async_trait]
impl<R: Listed> ListResource for Listing<R> {
    fn type_name(&self) -> &str {
        R::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        R::filter_schema()
    }

    async fn validate(&self, config: &Value) -> Diagnostics {
        match Self::decode(config) {
            Ok(filter) => self.0.check_filter(&filter),
            Err(d) => d,
        }
    }

    async fn list(&self, ctx: &Context, req: ListRequest, out: ListSink) {
        let failed = |d: Diagnostics| ListResult {
            diagnostics: d,
            ..ListResult::default()
        };
        let filter = match Self::decode(&req.config) {
            Ok(f) => f,
            Err(d) => {
                out.send(failed(d)).await;
                return;
            }
        };
        let diags = self.0.check_filter(&filter);
        if diags.has_errors() {
            out.send(failed(diags)).await;
            return;
        }
        let client = match self.0.shared().client(ctx) {
            Ok(c) => c,
            Err(d) => {
                out.send(failed(d)).await;
                return;
            }
        };
        let found = match self.0.find(&client, &filter).await {
            Ok(found) => found,
            Err(d) => {
                out.send(failed(d)).await;
                return;
            }
        };
        for f in found {
            let result = self.result(&client, f, req.include_resource_object).await;
            let stop = result.diagnostics.has_errors();
            if !out.send(result).await || stop {
                return;
            }
        }
    }
}
