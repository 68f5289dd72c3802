//! Unit tests of the review on small hand-written plans: permissions through changed roles and
//! roles referred to by reference, data-source names, unknown permissions, expiry, services and
//! their secrets, the policy, the arguments, and that no sensitive value is ever printed.

use serde_json::{Value, json};

use super::model::{Action, Resolved, Shown};
use super::policy::Condition;
use super::*;

const P: &str = "registry.terraform.io/marketo-community/marketo";

fn change(address: &str, ty: &str, actions: &[&str], before: Value, after: Value) -> Value {
    json!({
        "address": address, "mode": "managed", "type": ty,
        "name": address.rsplit('.').next(), "provider_name": P,
        "change": {"actions": actions, "before": before, "after": after,
                   "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}
    })
}

fn user(email: &str, pairs: &[(i64, i64)]) -> Value {
    json!({
        "email": email, "userid": email, "first_name": "F", "last_name": "L",
        "expires_at": null,
        "role_assignment": pairs.iter().map(|(r, w)| json!({"role_id": r, "workspace_id": w})).collect::<Vec<_>>()
    })
}

fn role(id: Option<&str>, name: &str, perms: &[&str]) -> Value {
    json!({"id": id, "name": name, "permissions": perms, "type": "custom", "description": null})
}

fn plan(changes: Vec<Value>, data: Vec<Value>, config: Vec<Value>) -> Vec<u8> {
    json!({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": []}},
        "resource_changes": changes,
        "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": data}}},
        "configuration": {"root_module": {"resources": config}}
    })
    .to_string()
    .into_bytes()
}

fn review(bytes: &[u8], fail_on: &[Condition], identity: Option<&str>) -> Review {
    let p = plan::parse(bytes).unwrap();
    review_of(&p, &Resolved::default(), fail_on, identity, None)
}

fn user_named<'a>(r: &'a Review, email: &str) -> &'a model::UserReview {
    r.users
        .iter()
        .find(|u| u.email.known() == Some(email))
        .unwrap_or_else(|| panic!("{email} not in {:?}", r.users))
}

/// The "Done when" scenario, by hand: a role gains a permission (two holders), a third user
/// moves to a role created in the same plan (by reference) in a named workspace.
fn scenario() -> Vec<u8> {
    let mut carol = change(
        "marketo_api_only_user.carol",
        "marketo_api_only_user",
        &["update"],
        user("carol@example.com", &[(104, 0)]),
        json!({"email": "carol@example.com", "userid": "carol@example.com", "expires_at": "2027-01-01T00:00:00Z",
               "role_assignment": [{"workspace_id": 1}]}),
    );
    carol["change"]["after_unknown"] = json!({"role_assignment": [{"role_id": true}]});
    let mut campaigns = change(
        "marketo_api_only_role.campaigns",
        "marketo_api_only_role",
        &["create"],
        Value::Null,
        role(None, "Campaigns", &["Read-Write Assets"]),
    );
    campaigns["change"]["after_unknown"] = json!({"id": true, "type": true});
    plan(
        vec![
            change(
                "marketo_api_only_role.lead_sync",
                "marketo_api_only_role",
                &["update"],
                role(Some("103"), "Lead Sync", &["Read-Only Lead"]),
                role(
                    Some("103"),
                    "Lead Sync",
                    &["Read-Only Lead", "Read-Write Lead"],
                ),
            ),
            change(
                "marketo_api_only_role.reporting",
                "marketo_api_only_role",
                &["no-op"],
                role(Some("104"), "Reporting", &["Read-Only Activity"]),
                role(Some("104"), "Reporting", &["Read-Only Activity"]),
            ),
            campaigns,
            change(
                "marketo_api_only_user.alice",
                "marketo_api_only_user",
                &["no-op"],
                user("alice@example.com", &[(103, 1)]),
                user("alice@example.com", &[(103, 1)]),
            ),
            change(
                "marketo_api_only_user.bob",
                "marketo_api_only_user",
                &["no-op"],
                user("bob@example.com", &[(103, 0), (2, 1)]),
                user("bob@example.com", &[(103, 0), (2, 1)]),
            ),
            carol,
            change(
                "marketo_custom_service.old",
                "marketo_custom_service",
                &["delete"],
                json!({"display_name": "Old Sync", "api_only_user": "bob@example.com", "store_client_secret": true, "client_secret": "x"}),
                Value::Null,
            ),
        ],
        vec![
            json!({"address": "data.marketo_workspace.default", "mode": "data", "type": "marketo_workspace",
                   "values": {"id": 1, "name": "Default"}, "sensitive_values": {}}),
            json!({"address": "data.marketo_role.standard", "mode": "data", "type": "marketo_role",
                   "values": {"id": "2", "name": "Standard User"}, "sensitive_values": {}}),
        ],
        vec![json!({
            "address": "marketo_api_only_user.carol", "mode": "managed", "type": "marketo_api_only_user",
            "expressions": {"role_assignment": [{
                "role_id": {"references": ["marketo_api_only_role.campaigns.id", "marketo_api_only_role.campaigns"]},
                "workspace_id": {"references": ["data.marketo_workspace.default.id"]}}]}
        })],
    )
}

#[test]
fn a_role_change_reaches_its_holders_and_a_reference_names_the_new_role() {
    let r = review(&scenario(), &[], None);
    assert_eq!(
        user_named(&r, "alice@example.com").permissions.gained,
        ["Read-Write Lead"]
    );
    // Bob also holds Standard User, whose permissions the plan does not carry: possible only.
    let bob = user_named(&r, "bob@example.com");
    assert_eq!(bob.permissions.possibly_gained, ["Read-Write Lead"]);
    assert!(
        bob.permissions.unknown[0].contains("\"Standard User\" (2)"),
        "{bob:?}"
    );
    let carol = user_named(&r, "carol@example.com");
    assert_eq!(carol.permissions.gained, ["Read-Write Assets"]);
    assert_eq!(carol.permissions.lost, ["Read-Only Activity"]);
    let gained = &carol.pairs.gained[0];
    assert_eq!(gained.role.name, Shown::Known("Campaigns".into()));
    assert_eq!(gained.role.id, None);
    assert_eq!(gained.workspace.name, Shown::Known("Default".into()));
    assert_eq!(
        carol.pairs.lost[0].role.name,
        Shown::Known("Reporting".into())
    );
    assert_eq!(
        carol.pairs.lost[0].workspace.name,
        Shown::Known("AllZones".into())
    );
    assert_eq!(carol.expiry.as_ref().unwrap().change, "set");
    let lead = r.roles.iter().find(|x| x.id == Some(103)).unwrap();
    assert_eq!(lead.permissions.added, ["Read-Write Lead"]);
    assert_eq!(lead.holders.before.len(), 2);
    let created = r
        .roles
        .iter()
        .find(|x| x.name == Shown::Known("Campaigns".into()))
        .unwrap();
    assert_eq!(
        created.holders.after,
        [Shown::Known("carol@example.com".into())]
    );
    assert_eq!(r.services[0].action, Action::Delete);
    assert_eq!(r.policy.met, ["grant", "revoke"]);
    let md = render::markdown(&r);
    assert!(
        md.contains("➕ **granted** | **Campaigns** (new: id known after apply) | **Default** (1)"),
        "{md}"
    );
    assert!(
        md.contains("➖ **revoked** | **Reporting** (104) | **AllZones** (0)"),
        "{md}"
    );
}

#[test]
fn policy_exit_and_lockout_by_the_shared_rule() {
    let r = review(&scenario(), &[Condition::Grant], None);
    assert_eq!(r.policy.failed, ["grant"]);
    let r = review(
        &scenario(),
        &[Condition::Lockout],
        Some("CAROL@example.com"),
    );
    let l = r.policy.lockout.as_ref().unwrap();
    assert_eq!(l.verdict, "loses");
    assert_eq!(l.missing.len(), 2);
    assert_eq!(r.policy.failed, ["lockout"]);
    // Someone the plan does not manage: not known without --resolve.
    let r = review(
        &scenario(),
        &[Condition::Lockout],
        Some("admin@example.com"),
    );
    assert_eq!(r.policy.lockout.as_ref().unwrap().verdict, "unknown");
    assert!(r.policy.failed.is_empty());
}

#[test]
fn sensitive_values_never_reach_either_format() {
    let secrets = [
        "S3CRET-client-7781",
        "S3CRET-widget-4410",
        "s3cret-mail@example.com",
        "S3CRET-role-name",
        "S3CRET-var",
    ];
    let mut svc = change(
        "marketo_custom_service.s",
        "marketo_custom_service",
        &["delete", "create"],
        json!({"display_name": "Svc", "api_only_user": "u@example.com", "client_secret": secrets[0], "store_client_secret": true}),
        json!({"display_name": "Svc", "api_only_user": "u@example.com", "client_secret": secrets[0], "store_client_secret": true}),
    );
    // No markers at all for client_secret: it is stripped anyway.
    svc["change"]["after_sensitive"] = json!({});
    let mut widget = change(
        "marketo_widget.w",
        "marketo_widget",
        &["create"],
        Value::Null,
        json!({"token": secrets[1], "name": secrets[1], "email": secrets[1]}),
    );
    widget["change"]["after_sensitive"] = json!({"token": true, "name": true, "email": true});
    let mut u = change(
        "marketo_api_only_user.u",
        "marketo_api_only_user",
        &["create"],
        Value::Null,
        user(secrets[2], &[(103, 0)]),
    );
    u["change"]["after_sensitive"] = json!({"email": true, "userid": true});
    let mut r = change(
        "marketo_api_only_role.r",
        "marketo_api_only_role",
        &["update"],
        role(Some("103"), secrets[3], &["Read-Only Lead"]),
        role(Some("103"), secrets[3], &["Read-Only Lead", secrets[3]]),
    );
    r["change"]["before_sensitive"] = json!({"name": true});
    r["change"]["after_sensitive"] = json!({"name": true, "permissions": [false, true]});
    let mut bytes: Value =
        serde_json::from_slice(&plan(vec![svc, widget, u, r], vec![], vec![])).unwrap();
    bytes["variables"] = json!({"secret": {"value": secrets[4]}});
    let bytes = bytes.to_string().into_bytes();
    for fail_on in [vec![], vec![Condition::Grant]] {
        let review = review(&bytes, &fail_on, Some("ops@example.com"));
        for text in [render::markdown(&review), render::json(&review)] {
            for s in secrets {
                assert!(
                    !text.to_lowercase().contains(&s.to_lowercase()),
                    "{s} in:\n{text}"
                );
            }
            assert!(text.contains("sensitive"), "{text}");
        }
    }
}

#[test]
fn unknown_role_permissions_make_changes_possible_not_certain() {
    // A user moves from a data-source role to another: the plan knows neither's permissions.
    let bytes = plan(
        vec![change(
            "marketo_api_only_user.d",
            "marketo_api_only_user",
            &["update"],
            user("d@example.com", &[(2, 1)]),
            user("d@example.com", &[(5, 1)]),
        )],
        vec![],
        vec![],
    );
    let r = review(&bytes, &[], None);
    let d = user_named(&r, "d@example.com");
    assert!(d.permissions.is_empty());
    assert_eq!(d.permissions.unknown.len(), 2);
    assert_eq!(d.pairs.gained[0].role.name, Shown::Absent);
    assert!(render::markdown(&r).contains("role (name not in the plan) (5)"));
    // With --resolve's answers, they are known.
    let mut resolved = Resolved::default();
    resolved
        .role_permissions
        .insert(2, vec!["Read-Only Lead".into()]);
    resolved
        .role_permissions
        .insert(5, vec!["Read-Only Lead".into(), "Approve Assets".into()]);
    resolved.role_names.insert(5, "Approvers".into());
    let r = review_of(&plan::parse(&bytes).unwrap(), &resolved, &[], None, None);
    let d = user_named(&r, "d@example.com");
    assert_eq!(d.permissions.gained, ["Approve Assets"]);
    assert!(d.permissions.unknown.is_empty());
    assert_eq!(
        d.pairs.gained[0].role.name,
        Shown::Known("Approvers".into())
    );
}

#[test]
fn store_client_secret_changes_are_told() {
    let bytes = plan(
        vec![
            change(
                "marketo_custom_service.a",
                "marketo_custom_service",
                &["update"],
                json!({"display_name": "A", "api_only_user": "u", "store_client_secret": true}),
                json!({"display_name": "A", "api_only_user": "u", "store_client_secret": false}),
            ),
            change(
                "marketo_custom_service.b",
                "marketo_custom_service",
                &["update"],
                json!({"display_name": "B", "api_only_user": "u", "store_client_secret": false}),
                json!({"display_name": "B", "api_only_user": "u", "store_client_secret": true}),
            ),
        ],
        vec![],
        vec![],
    );
    let r = review(&bytes, &[], None);
    assert_eq!(
        r.services[0].secret.as_ref().unwrap().change,
        "taken-out-of-state"
    );
    assert_eq!(
        r.services[1].secret.as_ref().unwrap().change,
        "kept-in-state"
    );
}

#[test]
fn arguments() {
    let a = |s: &[&str]| parse_args(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
    let o = a(&["--format=json", "--fail-on", "grant,revoke", "-"]).unwrap();
    assert_eq!(o.format, Format::Json);
    assert_eq!(o.fail_on, [Condition::Grant, Condition::Revoke]);
    assert_eq!(o.input, "-");
    assert!(a(&["--fail-on", "lockout", "p.json"]).is_err());
    assert!(a(&["--fail-on", "lockout", "--as", "x@y.z", "p.json"]).is_ok());
    assert!(a(&["--fail-on", "in-use", "p.json"]).is_err());
    assert!(a(&["--fail-on", "nope", "p.json"]).is_err());
    assert!(a(&["--format", "xml", "p.json"]).is_err());
    assert!(a(&[]).is_err());
    assert!(a(&["--help"]).unwrap().help);
}

#[test]
fn another_providers_plan_is_refused() {
    let bytes = json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "null_resource.x", "mode": "managed", "type": "null_resource", "values": {}}]}},
        "resource_changes": []})
    .to_string();
    assert_eq!(
        plan::parse(bytes.as_bytes()).unwrap_err(),
        plan::PlanError::NoMarketo
    );
}
