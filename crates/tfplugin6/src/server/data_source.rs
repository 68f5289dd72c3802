//! The data source RPCs: `ValidateDataResourceConfig` and `ReadDataSource`, on top of
//! [`DataSource`](crate::DataSource).

use super::answer::or_answer;
use super::convert::{decode, encode_into};
use super::registry::Registry;
use crate::context::Context;
use crate::proto::tfplugin6 as pb;

pub(super) async fn validate_data_resource_config(
    reg: &Registry,
    req: pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    let diags = match reg.data_source(&req.type_name) {
        Ok(entry) => match decode(req.config.as_ref(), &entry.ty, "data source configuration") {
            Ok(config) => entry.data_source.validate(&config).await,
            Err(d) => d.into(),
        },
        Err(d) => d,
    };
    pb::validate_data_resource_config::Response {
        diagnostics: diags.to_proto(),
    }
}

pub(super) async fn read_data_source(
    reg: &Registry,
    ctx: &Context,
    req: pb::read_data_source::Request,
) -> pb::read_data_source::Response {
    let entry = or_answer!(
        reg.data_source(&req.type_name),
        pb::read_data_source::Response
    );
    let config = or_answer!(
        decode(req.config.as_ref(), &entry.ty, "data source configuration"),
        pb::read_data_source::Response
    );
    let resp = entry.data_source.read(ctx, config).await;
    let mut diags = resp.diagnostics;
    let state = encode_into(&resp.state, &entry.ty, "data source state", &mut diags);
    pb::read_data_source::Response {
        state,
        diagnostics: diags.to_proto(),
        deferred: None,
    }
}
