//! `ListResource` and `ValidateListResourceConfig` on top of [`ListResource`]: the listing runs
//! in its own task and its results are streamed to Terraform as they come; when Terraform stops
//! reading (or the limit is reached) the listing is told through its [`ListSink`].

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::build::register;
use super::convert::{decode, encode_into};
use super::{ListStream, ResourceEntry, unknown_type};
use crate::context::Context;
use crate::diag::{Diagnostic, Diagnostics};
use crate::list::{ListRequest, ListResource, ListResult, ListSink};
use crate::proto::tfplugin6 as pb;
use crate::value::{Type, Value};

/// Results buffered between the listing and the stream to Terraform.
const BUFFER: usize = 32;

#[derive(Clone)]
pub(super) struct Entry {
    list: Arc<dyn ListResource>,
    /// The `config` block's type.
    ty: Type,
    identity_ty: Type,
    resource_ty: Type,
}

/// The entries by type name, and their schemas for `GetProviderSchema`. A list resource must be
/// named after a managed resource type with an identity; one that is not is left out, with an
/// error diagnostic.
pub(super) fn entries(
    lists: Vec<Arc<dyn ListResource>>,
    resources: &HashMap<String, ResourceEntry>,
    diags: &mut Diagnostics,
) -> (HashMap<String, Entry>, HashMap<String, pb::Schema>) {
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
            Entry {
                ty,
                identity_ty: identity_ty.clone(),
                resource_ty: resource.ty.clone(),
                list,
            },
        );
    }
    (entries, schemas)
}

/// A null `config` (no block written) as an object whose attributes are all null.
fn with_nulls(v: Value, ty: &Type) -> Value {
    match (v, ty) {
        (Value::Null, Type::Object(attrs)) => {
            Value::Object(attrs.keys().map(|k| (k.clone(), Value::Null)).collect())
        }
        (v, _) => v,
    }
}

fn event(r: ListResult, e: &Entry) -> pb::list_resource::Event {
    let mut diags = r.diagnostics;
    let identity = if r.identity.is_null() {
        None
    } else {
        encode_into(&r.identity, &e.identity_ty, "listed identity", &mut diags).map(|dv| {
            pb::ResourceIdentityData {
                identity_data: Some(dv),
            }
        })
    };
    let resource_object = r
        .resource_object
        .and_then(|o| encode_into(&o, &e.resource_ty, "listed object", &mut diags));
    pb::list_resource::Event {
        identity,
        display_name: r.display_name,
        resource_object,
        diagnostic: diags.to_proto(),
    }
}

/// A stream of one event carrying `diags`.
pub(super) fn failed(diags: Diagnostics) -> ListStream {
    let event = pb::list_resource::Event {
        diagnostic: diags.to_proto(),
        ..Default::default()
    };
    Box::pin(tokio_stream::iter([Ok(event)]))
}

/// Starts the listing and answers the stream of its results.
pub(super) fn run(entry: &Entry, ctx: Context, req: pb::list_resource::Request) -> ListStream {
    let config = match decode(req.config.as_ref(), &entry.ty, "list configuration") {
        Ok(v) => with_nulls(v, &entry.ty),
        Err(d) => return failed(d.into()),
    };
    let lreq = ListRequest {
        config,
        include_resource_object: req.include_resource_object,
        limit: req.limit,
    };
    let (sink, mut results) = ListSink::channel(BUFFER);
    let (tx, rx) = mpsc::channel(BUFFER);
    let list = entry.list.clone();
    tokio::spawn(async move { list.list(&ctx, lreq, sink).await });
    let e = entry.clone();
    let limit = req.limit;
    tokio::spawn(async move {
        let mut found = 0i64;
        while let Some(r) = results.recv().await {
            let counts = !r.identity.is_null();
            if tx.send(Ok(event(r, &e))).await.is_err() {
                break;
            }
            if counts {
                found += 1;
                if limit > 0 && found >= limit {
                    break;
                }
            }
        }
        // Dropping `results` here tells the listing to stop.
    });
    Box::pin(ReceiverStream::new(rx))
}

pub(super) async fn validate(
    entries: &HashMap<String, Entry>,
    req: pb::validate_list_resource_config::Request,
) -> pb::validate_list_resource_config::Response {
    let diags = match entries.get(&req.type_name) {
        Some(e) => match decode(req.config.as_ref(), &e.ty, "list configuration") {
            Ok(config) => e.list.validate(&with_nulls(config, &e.ty)).await,
            Err(d) => d.into(),
        },
        None => unknown_type("list resource", &req.type_name),
    };
    pb::validate_list_resource_config::Response {
        diagnostics: diags.to_proto(),
    }
}
