//! Resource identities between their protocol form and [`Value`]s of the resource's identity
//! schema, and the identity RPCs (`GetResourceIdentitySchemas`, `UpgradeResourceIdentity`). A
//! resource without an identity schema neither receives nor sends one.

use super::convert::{decode as decode_value, encode_into};
use super::registry::{Registry, ResourceEntry};
use crate::diag::{Diagnostic, Diagnostics};
use crate::proto::tfplugin6 as pb;
use crate::provider::ImportTarget;
use crate::value::Value;

/// The identity Terraform sent; null when it sent none or the resource has no identity.
pub(super) fn decode(
    entry: &ResourceEntry,
    data: Option<&pb::ResourceIdentityData>,
) -> Result<Value, Diagnostic> {
    match (&entry.identity, data) {
        (Some((_, ty)), Some(data)) => decode_value(data.identity_data.as_ref(), ty, "identity"),
        _ => Ok(Value::Null),
    }
}

/// The identity to send; nothing for null or for a resource without identity.
pub(super) fn encode(
    entry: &ResourceEntry,
    v: &Value,
    diags: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    let (_, ty) = entry.identity.as_ref()?;
    if v.is_null() {
        return None;
    }
    encode_into(v, ty, "identity", diags).map(|dv| pb::ResourceIdentityData {
        identity_data: Some(dv),
    })
}

/// What an `ImportResourceState` names: the identity when Terraform sent one, else the id.
pub(super) fn import_target(
    entry: &ResourceEntry,
    req: &pb::import_resource_state::Request,
) -> Result<ImportTarget, Diagnostic> {
    match req.identity.as_ref() {
        Some(data) if entry.identity.is_some() && data.identity_data.is_some() => {
            let v = decode(entry, Some(data))?;
            if v.is_null() {
                Ok(ImportTarget::Id(req.id.clone()))
            } else {
                Ok(ImportTarget::Identity(v))
            }
        }
        _ => Ok(ImportTarget::Id(req.id.clone())),
    }
}

/// `GetResourceIdentitySchemas`.
pub(super) fn get_resource_identity_schemas(
    reg: &Registry,
) -> pb::get_resource_identity_schemas::Response {
    pb::get_resource_identity_schemas::Response {
        identity_schemas: reg
            .resources
            .iter()
            .filter_map(|(name, e)| {
                e.identity
                    .as_ref()
                    .map(|(s, _)| (name.clone(), s.to_proto()))
            })
            .collect(),
        diagnostics: Vec::new(),
    }
}

/// `UpgradeResourceIdentity`.
pub(super) async fn upgrade_resource_identity(
    reg: &Registry,
    req: pb::upgrade_resource_identity::Request,
) -> pb::upgrade_resource_identity::Response {
    match reg.resource(&req.type_name) {
        Ok(entry) => upgrade(entry, req).await,
        Err(d) => pb::upgrade_resource_identity::Response {
            upgraded_identity: None,
            diagnostics: d.to_proto(),
        },
    }
}

async fn upgrade(
    entry: &ResourceEntry,
    req: pb::upgrade_resource_identity::Request,
) -> pb::upgrade_resource_identity::Response {
    let json = req.raw_identity.map(|r| r.json).unwrap_or_default();
    let json = if json.is_empty() {
        b"null".to_vec()
    } else {
        json
    };
    let mut diags = Diagnostics::new();
    let upgraded_identity = match entry.resource.upgrade_identity(req.version, &json).await {
        Ok(v) => encode(entry, &v, &mut diags),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    pb::upgrade_resource_identity::Response {
        upgraded_identity,
        diagnostics: diags.to_proto(),
    }
}
