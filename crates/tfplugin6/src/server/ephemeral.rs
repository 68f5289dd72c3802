//! The ephemeral resource RPCs: `ValidateEphemeralResourceConfig`, `OpenEphemeralResource`,
//! `RenewEphemeralResource` and `CloseEphemeralResource`, on top of
//! [`EphemeralResource`](crate::EphemeralResource).

use std::time::SystemTime;

use super::convert::{client_caps, decode, encode_into};
use super::registry::Registry;
use crate::context::Context;
use crate::diag::Diagnostics;
use crate::ephemeral::OpenRequest;
use crate::proto::tfplugin6 as pb;

fn timestamp(t: Option<SystemTime>) -> Option<prost_types::Timestamp> {
    t.map(prost_types::Timestamp::from)
}

pub(super) async fn validate(
    reg: &Registry,
    req: pb::validate_ephemeral_resource_config::Request,
) -> pb::validate_ephemeral_resource_config::Response {
    let diags = match reg.ephemeral(&req.type_name) {
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
    reg: &Registry,
    ctx: &Context,
    req: pb::open_ephemeral_resource::Request,
) -> pb::open_ephemeral_resource::Response {
    let fail = |d: Diagnostics| pb::open_ephemeral_resource::Response {
        diagnostics: d.to_proto(),
        ..Default::default()
    };
    let e = match reg.ephemeral(&req.type_name) {
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
    reg: &Registry,
    ctx: &Context,
    req: pb::renew_ephemeral_resource::Request,
) -> pb::renew_ephemeral_resource::Response {
    match reg.ephemeral(&req.type_name) {
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
    reg: &Registry,
    ctx: &Context,
    req: pb::close_ephemeral_resource::Request,
) -> pb::close_ephemeral_resource::Response {
    let diags = match reg.ephemeral(&req.type_name) {
        Ok(e) => e.resource.close(ctx, req.private).await,
        Err(d) => d,
    };
    pb::close_ephemeral_resource::Response {
        diagnostics: diags.to_proto(),
    }
}
