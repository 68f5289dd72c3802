//! The managed resource RPCs: `ValidateResourceConfig`, `UpgradeResourceState`, `ReadResource`,
//! `PlanResourceChange`, `ApplyResourceChange`, `ImportResourceState`, `MoveResourceState` and
//! `GenerateResourceConfig`, on top of [`Resource`](crate::Resource). The protocol's rules that
//! hold whatever the resource does are applied here: a destroy is planned as null, and a failed
//! delete keeps the prior state ([`after_apply`]). Identities go through `identity.rs`.

use tonic::Status;

use super::answer::or_answer;
use super::convert::{client_caps, decode, encode_into};
use super::identity;
use super::registry::Registry;
use crate::context::Context;
use crate::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::proto::tfplugin6 as pb;
use crate::provider::{ApplyRequest, Change, PlanRequest, PlanResponse, RawState, ReadRequest};
use crate::value::Value;

pub(super) async fn validate_resource_config(
    reg: &Registry,
    req: pb::validate_resource_config::Request,
) -> pb::validate_resource_config::Response {
    let diags = match reg.resource(&req.type_name) {
        Ok(entry) => match decode(req.config.as_ref(), &entry.ty, "resource configuration") {
            Ok(config) => entry.resource.validate(&config).await,
            Err(d) => d.into(),
        },
        Err(d) => d,
    };
    pb::validate_resource_config::Response {
        diagnostics: diags.to_proto(),
    }
}

pub(super) async fn upgrade_resource_state(
    reg: &Registry,
    req: pb::upgrade_resource_state::Request,
) -> pb::upgrade_resource_state::Response {
    let entry = or_answer!(
        reg.resource(&req.type_name),
        pb::upgrade_resource_state::Response
    );
    let raw = req.raw_state.unwrap_or_default();
    let raw = if !raw.json.is_empty() {
        RawState::Json(raw.json)
    } else if !raw.flatmap.is_empty() {
        RawState::Flatmap(raw.flatmap.into_iter().collect())
    } else {
        RawState::Json(b"null".to_vec())
    };
    let mut diags = Diagnostics::new();
    let upgraded_state = match entry.resource.upgrade_state(req.version, raw).await {
        Ok(v) => encode_into(&v, &entry.ty, "upgraded state", &mut diags),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    pb::upgrade_resource_state::Response {
        upgraded_state,
        diagnostics: diags.to_proto(),
    }
}

pub(super) async fn read_resource(
    reg: &Registry,
    ctx: &Context,
    req: pb::read_resource::Request,
) -> pb::read_resource::Response {
    let entry = or_answer!(reg.resource(&req.type_name), pb::read_resource::Response);
    let current_state = or_answer!(
        decode(req.current_state.as_ref(), &entry.ty, "current state"),
        pb::read_resource::Response,
        new_state: req.current_state,
        private: req.private,
    );
    let current_identity = or_answer!(
        identity::decode(entry, req.current_identity.as_ref()),
        pb::read_resource::Response,
        new_state: req.current_state,
        private: req.private,
        new_identity: req.current_identity,
    );
    let resp = entry
        .resource
        .read(
            ctx,
            ReadRequest {
                current_state,
                private: req.private,
                client_capabilities: client_caps(req.client_capabilities.as_ref()),
                current_identity,
            },
        )
        .await;
    let mut diags = resp.diagnostics;
    let new_state = encode_into(&resp.new_state, &entry.ty, "refreshed state", &mut diags);
    let new_identity = identity::encode(entry, &resp.new_identity, &mut diags);
    pb::read_resource::Response {
        new_state,
        diagnostics: diags.to_proto(),
        private: resp.private,
        new_identity,
        ..Default::default()
    }
}

pub(super) async fn plan_resource_change(
    reg: &Registry,
    ctx: &Context,
    req: pb::plan_resource_change::Request,
) -> pb::plan_resource_change::Response {
    let entry = or_answer!(
        reg.resource(&req.type_name),
        pb::plan_resource_change::Response
    );
    let decoded = decode(req.prior_state.as_ref(), &entry.ty, "prior state").and_then(|prior| {
        let proposed = decode(
            req.proposed_new_state.as_ref(),
            &entry.ty,
            "proposed new state",
        )?;
        let config = decode(req.config.as_ref(), &entry.ty, "configuration")?;
        Ok((prior, proposed, config))
    });
    let (prior_state, proposed_new_state, config) =
        or_answer!(decoded, pb::plan_resource_change::Response);
    let prior_identity = or_answer!(
        identity::decode(entry, req.prior_identity.as_ref()),
        pb::plan_resource_change::Response
    );
    let resp = if proposed_new_state.is_null() {
        // Destroy: the plan is null, whatever the resource would say; it may only object.
        let diagnostics = if prior_state.is_null() {
            Diagnostics::new()
        } else {
            entry.resource.plan_destroy(ctx, &prior_state).await
        };
        PlanResponse {
            planned_state: Value::Null,
            planned_private: req.prior_private,
            planned_identity: prior_identity,
            diagnostics,
            ..PlanResponse::default()
        }
    } else {
        entry
            .resource
            .plan(
                ctx,
                PlanRequest {
                    prior_state,
                    proposed_new_state,
                    config,
                    prior_private: req.prior_private,
                    client_capabilities: client_caps(req.client_capabilities.as_ref()),
                    prior_identity,
                },
            )
            .await
    };
    let mut diags = resp.diagnostics;
    let planned_state = encode_into(&resp.planned_state, &entry.ty, "planned state", &mut diags);
    let planned_identity = identity::encode(entry, &resp.planned_identity, &mut diags);
    pb::plan_resource_change::Response {
        planned_state,
        requires_replace: resp
            .requires_replace
            .iter()
            .map(AttributePath::to_proto)
            .collect(),
        planned_private: resp.planned_private,
        diagnostics: diags.to_proto(),
        planned_identity,
        ..Default::default()
    }
}

/// The state and identity Terraform gets back from an apply, whatever the resource answered:
///
/// - a delete without error diagnostics leaves nothing (null state, no identity);
/// - a delete with error diagnostics whose answer's state is null keeps the prior state, and the
///   prior identity (the delete's planned identity) unless the answer gives one: Terraform must
///   keep an object whose destroy failed. A non-null state in that answer is sent as it is;
/// - a create or update sends the answer's state and identity as they are (a failed create with a
///   null state records nothing);
/// - an object that is gone (null state) has no identity.
fn after_apply(
    change: Change,
    has_errors: bool,
    prior: (Value, Value),
    answer: (Value, Value),
) -> (Value, Value) {
    let (prior_state, prior_identity) = prior;
    let (state, identity) = match change {
        Change::Delete if !has_errors => (Value::Null, Value::Null),
        Change::Delete if answer.0.is_null() => {
            let identity = if answer.1.is_null() {
                prior_identity
            } else {
                answer.1
            };
            (prior_state, identity)
        }
        _ => answer,
    };
    if state.is_null() {
        (Value::Null, Value::Null)
    } else {
        (state, identity)
    }
}

pub(super) async fn apply_resource_change(
    reg: &Registry,
    ctx: &Context,
    req: pb::apply_resource_change::Request,
) -> pb::apply_resource_change::Response {
    let entry = or_answer!(
        reg.resource(&req.type_name),
        pb::apply_resource_change::Response,
        new_state: req.prior_state,
    );
    let decoded = decode(req.prior_state.as_ref(), &entry.ty, "prior state").and_then(|prior| {
        let planned = decode(req.planned_state.as_ref(), &entry.ty, "planned state")?;
        let config = decode(req.config.as_ref(), &entry.ty, "configuration")?;
        Ok((prior, planned, config))
    });
    let decoded = decoded.and_then(|(prior, planned, config)| {
        let planned_identity = identity::decode(entry, req.planned_identity.as_ref())?;
        Ok((prior, planned, config, planned_identity))
    });
    let (prior_state, planned_state, config, planned_identity) = or_answer!(
        decoded,
        pb::apply_resource_change::Response,
        new_state: req.prior_state,
        new_identity: req.planned_identity,
    );
    let areq = ApplyRequest {
        prior_state,
        planned_state,
        config,
        planned_private: req.planned_private,
        planned_identity,
    };
    let change = areq.change();
    let prior = (areq.prior_state.clone(), areq.planned_identity.clone());
    let resp = entry.resource.apply(ctx, areq).await;
    let mut diags = resp.diagnostics;
    let (new_state, new_identity) = after_apply(
        change,
        diags.has_errors(),
        prior,
        (resp.new_state, resp.new_identity),
    );
    let new_state_dv = encode_into(&new_state, &entry.ty, "new state", &mut diags);
    let new_identity = identity::encode(entry, &new_identity, &mut diags);
    pb::apply_resource_change::Response {
        new_state: new_state_dv,
        private: resp.private,
        diagnostics: diags.to_proto(),
        new_identity,
        ..Default::default()
    }
}

pub(super) async fn import_resource_state(
    reg: &Registry,
    ctx: &Context,
    req: pb::import_resource_state::Request,
) -> pb::import_resource_state::Response {
    let entry = or_answer!(
        reg.resource(&req.type_name),
        pb::import_resource_state::Response
    );
    let target = or_answer!(
        identity::import_target(entry, &req),
        pb::import_resource_state::Response
    );
    let resp = entry.resource.import(ctx, target).await;
    let mut diags = resp.diagnostics;
    let mut imported_resources = Vec::with_capacity(resp.imported.len());
    for r in resp.imported {
        if let Some(state) = encode_into(&r.state, &entry.ty, "imported state", &mut diags) {
            let identity = identity::encode(entry, &r.identity, &mut diags);
            imported_resources.push(pb::import_resource_state::ImportedResource {
                type_name: req.type_name.clone(),
                state: Some(state),
                private: r.private,
                identity,
            });
        }
    }
    pb::import_resource_state::Response {
        imported_resources,
        diagnostics: diags.to_proto(),
        deferred: None,
    }
}

pub(super) fn move_resource_state(
    req: pb::move_resource_state::Request,
) -> pb::move_resource_state::Response {
    let d = Diagnostic::error(
        "Move not supported",
        format!(
            "This provider cannot move state from {} ({}) to {}.",
            req.source_type_name, req.source_provider_address, req.target_type_name
        ),
    );
    pb::move_resource_state::Response {
        diagnostics: vec![d.to_proto()],
        ..Default::default()
    }
}

/// `GenerateResourceConfig` is not offered (the server capabilities say so).
pub(super) fn generate_resource_config() -> Status {
    Status::unimplemented("GenerateResourceConfig is not supported by this provider")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use async_trait::async_trait;

    use super::*;
    use crate::diag::Diagnostics;
    use crate::identity::{IdentityAttribute, IdentitySchema};
    use crate::provider::{ApplyResponse, ConfigureRequest, DataSource, Provider, ReadResponse};
    use crate::provider::{ReadRequest as Read, Resource};
    use crate::schema::{Attribute, Block, Schema};
    use crate::value::Type;

    /// A resource whose delete always fails, answering a null state and no identity, and whose
    /// destroy plan warns.
    struct Undeletable;

    #[async_trait]
    impl Resource for Undeletable {
        fn type_name(&self) -> &str {
            "test_undeletable"
        }

        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new().attribute(Attribute::new("id", Type::String).required()),
            )
        }

        fn identity_schema(&self) -> Option<IdentitySchema> {
            Some(IdentitySchema::new(
                0,
                vec![IdentityAttribute::required("id", Type::String)],
            ))
        }

        async fn read(&self, _ctx: &Context, req: Read) -> ReadResponse {
            ReadResponse {
                new_state: req.current_state,
                ..ReadResponse::default()
            }
        }

        async fn plan_destroy(&self, _ctx: &Context, prior: &Value) -> Diagnostics {
            let id = prior.get("id").as_str().unwrap_or_default().to_string();
            Diagnostic::warning("Destroying", format!("{id} is in use")).into_diagnostics()
        }

        async fn apply(&self, _ctx: &Context, req: ApplyRequest) -> ApplyResponse {
            match req.change() {
                Change::Delete => {
                    Diagnostic::error("Delete failed", "The object is locked.").into()
                }
                _ => ApplyResponse {
                    new_state: req.planned_state,
                    ..ApplyResponse::default()
                },
            }
        }
    }

    struct OneResource;

    #[async_trait]
    impl Provider for OneResource {
        fn registry_address(&self) -> &str {
            "registry.terraform.io/example/test"
        }

        fn type_name(&self) -> &str {
            "test"
        }

        fn schema(&self) -> Schema {
            Schema::new(0, Block::new())
        }

        fn resources(&self) -> Vec<Arc<dyn Resource>> {
            vec![Arc::new(Undeletable)]
        }

        fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
            Vec::new()
        }

        async fn configure(&self, _ctx: &Context, _req: ConfigureRequest) -> Diagnostics {
            Diagnostics::new()
        }
    }

    fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
        Some(pb::DynamicValue {
            msgpack: v.to_msgpack(ty).unwrap(),
            json: Vec::new(),
        })
    }

    #[tokio::test]
    async fn a_failed_delete_answers_the_prior_state_and_identity() {
        let reg = Registry::new(Arc::new(OneResource));
        let entry = reg.resource("test_undeletable").unwrap();
        let (_, identity_ty) = entry.identity.clone().unwrap();
        let prior = Value::object([("id", Value::string("x1"))]);
        let resp = apply_resource_change(
            &reg,
            &Context::default(),
            pb::apply_resource_change::Request {
                type_name: "test_undeletable".into(),
                prior_state: dv(&prior, &entry.ty),
                planned_state: dv(&Value::Null, &entry.ty),
                config: dv(&Value::Null, &entry.ty),
                planned_identity: Some(pb::ResourceIdentityData {
                    identity_data: dv(&prior, &identity_ty),
                }),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(resp.diagnostics.len(), 1);
        assert_eq!(resp.diagnostics[0].summary, "Delete failed");
        let state = resp.new_state.unwrap();
        assert_eq!(
            Value::from_msgpack(&state.msgpack, &entry.ty).unwrap(),
            prior
        );
        let identity = resp.new_identity.unwrap().identity_data.unwrap();
        assert_eq!(
            Value::from_msgpack(&identity.msgpack, &identity_ty).unwrap(),
            prior
        );
    }

    #[tokio::test]
    async fn a_destroy_plan_is_null_and_carries_what_the_resource_says() {
        let reg = Registry::new(Arc::new(OneResource));
        let entry = reg.resource("test_undeletable").unwrap();
        let prior = Value::object([("id", Value::string("x1"))]);
        let resp = plan_resource_change(
            &reg,
            &Context::default(),
            pb::plan_resource_change::Request {
                type_name: "test_undeletable".into(),
                prior_state: dv(&prior, &entry.ty),
                proposed_new_state: dv(&Value::Null, &entry.ty),
                config: dv(&Value::Null, &entry.ty),
                ..Default::default()
            },
        )
        .await;
        let planned = resp.planned_state.unwrap();
        assert_eq!(
            Value::from_msgpack(&planned.msgpack, &entry.ty).unwrap(),
            Value::Null
        );
        assert_eq!(resp.diagnostics.len(), 1);
        assert_eq!(resp.diagnostics[0].detail, "x1 is in use");
        // Nothing to destroy (a create planned away): the resource is not asked.
        let resp = plan_resource_change(
            &reg,
            &Context::default(),
            pb::plan_resource_change::Request {
                type_name: "test_undeletable".into(),
                prior_state: dv(&Value::Null, &entry.ty),
                proposed_new_state: dv(&Value::Null, &entry.ty),
                config: dv(&Value::Null, &entry.ty),
                ..Default::default()
            },
        )
        .await;
        assert!(resp.diagnostics.is_empty());
    }

    #[test]
    fn the_apply_rule_for_each_change() {
        let prior = || (Value::string("prior"), Value::string("prior id"));
        let failed = || (Value::Null, Value::Null);
        // A delete that worked leaves nothing, whatever the answer says.
        let answer = (Value::string("s"), Value::string("i"));
        assert_eq!(
            after_apply(Change::Delete, false, prior(), answer),
            (Value::Null, Value::Null)
        );
        // A failed delete answering null keeps the prior state and identity...
        assert_eq!(
            after_apply(Change::Delete, true, prior(), failed()),
            prior()
        );
        // ...or the identity the answer gives; a state the answer gives is sent as it is.
        assert_eq!(
            after_apply(Change::Delete, true, prior(), (Value::Null, "i".into())),
            (Value::string("prior"), Value::string("i"))
        );
        let answer = (Value::string("s"), Value::string("i"));
        assert_eq!(
            after_apply(Change::Delete, true, prior(), answer.clone()),
            answer
        );
        // A create or an update sends the answer; null state means no identity.
        for change in [Change::Create, Change::Update] {
            assert_eq!(after_apply(change, true, prior(), failed()), failed());
            assert_eq!(
                after_apply(change, true, prior(), (Value::Null, "i".into())),
                failed()
            );
            assert_eq!(after_apply(change, false, prior(), answer.clone()), answer);
        }
    }
}
