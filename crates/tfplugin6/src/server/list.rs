//! `ListResource` and `ValidateListResourceConfig` on top of [`ListResource`](crate::ListResource): the listing runs
//! in its own task and its results are streamed to Terraform as they come; when Terraform stops
//! reading (or the limit is reached) the listing is told through its [`ListSink`].

use std::pin::Pin;

use tokio::sync::mpsc;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::Status;

use super::convert::{decode, encode_into};
use super::registry::{ListEntry, Registry};
use crate::context::Context;
use crate::diag::Diagnostics;
use crate::list::{ListRequest, ListResult, ListSink};
use crate::proto::tfplugin6 as pb;
use crate::value::{Type, Value};

/// The stream of `ListResource` events.
pub(super) type ListStream =
    Pin<Box<dyn Stream<Item = Result<pb::list_resource::Event, Status>> + Send>>;

/// Results buffered between the listing and the stream to Terraform.
const BUFFER: usize = 32;

/// A null `config` (no block written) as an object whose attributes are all null.
fn with_nulls(v: Value, ty: &Type) -> Value {
    match (v, ty) {
        (Value::Null, Type::Object(attrs)) => {
            Value::Object(attrs.keys().map(|k| (k.clone(), Value::Null)).collect())
        }
        (v, _) => v,
    }
}

fn event(r: ListResult, e: &ListEntry) -> pb::list_resource::Event {
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
fn failed(diags: Diagnostics) -> ListStream {
    let event = pb::list_resource::Event {
        diagnostic: diags.to_proto(),
        ..Default::default()
    };
    Box::pin(tokio_stream::iter([Ok(event)]))
}

/// `ListResource`: the stream of the listing's results, or of one event with the diagnostics
/// when the listing cannot start.
pub(super) fn list_resource(
    reg: &Registry,
    ctx: Context,
    req: pb::list_resource::Request,
) -> ListStream {
    match reg.list(&req.type_name) {
        Ok(entry) => run(entry, ctx, req),
        Err(d) => failed(d),
    }
}

/// Starts the listing and answers the stream of its results.
fn run(entry: &ListEntry, ctx: Context, req: pb::list_resource::Request) -> ListStream {
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
    reg: &Registry,
    req: pb::validate_list_resource_config::Request,
) -> pb::validate_list_resource_config::Response {
    let diags = match reg.list(&req.type_name) {
        Ok(e) => match decode(req.config.as_ref(), &e.ty, "list configuration") {
            Ok(config) => e.list.validate(&with_nulls(config, &e.ty)).await,
            Err(d) => d.into(),
        },
        Err(d) => d,
    };
    pb::validate_list_resource_config::Response {
        diagnostics: diags.to_proto(),
    }
}
