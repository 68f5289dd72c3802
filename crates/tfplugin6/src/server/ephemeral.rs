//! The ephemeral resource calls: validate, open, renew and close, on top of
//! [`EphemeralResource`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use super::build::register;
use super::convert::{client_caps, decode, encode_into};
use super::unknown_type;
use crate::context::Context;
use crate::diag::Diagnostics;
use crate::ephemeral::{EphemeralResource, OpenRequest};
use crate::proto::tfplugin6 as pb;
use crate::value::Type;

pub(super) struct Entry {
    resource: Arc<dyn EphemeralResource>,
    ty: Type,
}

/// The entries by type name, and their schemas for `GetProviderSchema`.
pub(super) fn entries(
    list: Vec<Arc<dyn EphemeralResource>>,
    diags: &mut Diagnostics,
) -> (HashMap<String, Entry>, HashMap<String, pb::Schema>) {
    let mut entries = HashMap::new();
    let mut schemas = HashMap::new();
    for r in list {
        let name = r.type_name().to_string();
        let ty = register(&name, &r.schema(), diags, &mut schemas);
        entries.insert(name, Entry { ty, resource: r });
    }
    (entries, schemas)
}

fn find<'a>(entries: &'a HashMap<String, Entry>, name: &str) -> Result<&'a Entry, Diagnostics> {
    entries
        .get(name)
        .ok_or_else(|| unknown_type("ephemeral resource", name))
}

fn timestamp(t: Option<SystemTime>) -> Option<prost_types::Timestamp> {
    t.map(prost_types::Timestamp::from)
}

pub(super) async fn validate(
    entries: &HashMap<String, Entry>,
    req: pb::validate_ephemeral_resource_config::Request,
) -> pb::validate_ephemeral_resource_config::Response {
    let diags = match find(entries, &req.type_name) {
        Ok(e) => match decode(
            req.config.as_ref(),
            &e.ty,
            "ephemeral resource configuration",
        ) {
            Ok(config) => e.resource.validate(&config).await,
            Err(d) => d.into(),
        },
        Err(d) => d,
    };
    pb::validate_ephemeral_resource_config::Response {
        diagnostics: diags.to_proto(),
    }
}

pub(super) async fn open(
    entries: &HashMap<String, Entry>,
    ctx: &Context,
    req: pb::open_ephemeral_resource::Request,
) -> pb::open_ephemeral_resource::Response {
    let fail = |d: Diagnostics| pb::open_ephemeral_resource::Response {
        diagnostics: d.to_proto(),
        ..Default::default()
    };
    let e = match find(entries, &req.type_name) {
        Ok(e) => e,
        Err(d) => return fail(d),
    };
    let config = match decode(
        req.config.as_ref(),
        &e.ty,
        "ephemeral resource configuration",
    ) {
        Ok(v) => v,
        Err(d) => return fail(d.into()),
    };
    let resp = e
        .resource
        .open(
            ctx,
            OpenRequest {
                config,
                client_capabilities: client_caps(req.client_capabilities.as_ref()),
            },
        )
        .await;
    let mut diags = resp.diagnostics;
    if diags.has_errors() {
        return fail(diags);
    }
    let result = encode_into(&resp.result, &e.ty, "ephemeral result", &mut diags);
    pb::open_ephemeral_resource::Response {
        diagnostics: diags.to_proto(),
        renew_at: timestamp(resp.renew_at),
        result,
        private: resp.private,
        deferred: None,
    }
}

pub(super) async fn renew(
    entries: &HashMap<String, Entry>,
    ctx: &Context,
    req: pb::renew_ephemeral_resource::Request,
) -> pb::renew_ephemeral_resource::Response {
    match find(entries, &req.type_name) {
        Ok(e) => {
            let resp = e.resource.renew(ctx, req.private).await;
            pb::renew_ephemeral_resource::Response {
                diagnostics: resp.diagnostics.to_proto(),
                renew_at: timestamp(resp.renew_at),
                private: resp.private,
            }
        }
        Err(d) => pb::renew_ephemeral_resource::Response {
            diagnostics: d.to_proto(),
            ..Default::default()
        },
    }
}

pub(super) async fn close(
    entries: &HashMap<String, Entry>,
    ctx: &Context,
    req: pb::close_ephemeral_resource::Request,
) -> pb::close_ephemeral_resource::Response {
    let diags = match find(entries, &req.type_name) {
        Ok(e) => e.resource.close(ctx, req.private).await,
        Err(d) => d,
    };
    pb::close_ephemeral_resource::Response {
        diagnostics: diags.to_proto(),
    }
}
