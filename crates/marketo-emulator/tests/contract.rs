//! The contract: every answer of a published operation is checked against `contract/marketo-api.contract`,
//! the facts of Adobe's Swagger files for Marketo's User Management, Identity and Usage APIs, kept in this
//! repository (its header describes the format; `contract/spec.rs` parses it). A small validator (types,
//! `required`, `enum`, type references, int32 ranges, and no undeclared properties) does the checking: it
//! lives in `contract/verdict.rs`; this file holds the tests of the parser, of the validator, and the one
//! that drives every published operation.

mod spec;
mod verdict;

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::common::{UM, emu};
use spec::{Answer, Ty};
pub use verdict::check;
use verdict::{
    SEEN, contract, is_rest, is_rest_failure, operation, published_prefixes, validate, verdict,
};

#[test]
fn the_contract_loads_and_carries_every_published_operation() {
    let c = contract();
    let per_api = |api: &str| c.ops.iter().filter(|o| o.api == api).count();
    assert_eq!(
        per_api("user-management"),
        12,
        "12 User Management operations"
    );
    assert_eq!(per_api("identity"), 2, "2 Identity operations");
    assert_eq!(per_api("usage"), 4, "4 Usage operations");
    assert_eq!(c.ops.len(), 18);
    assert_eq!(
        c.types.len(),
        22,
        "12 User Management types, 2 Identity ones and 8 Usage ones"
    );
    let prefixes: Vec<String> = published_prefixes(c).into_iter().collect();
    assert_eq!(
        prefixes,
        [
            "/identity/oauth/",
            "/rest/v1/stats/",
            "/userservice/management/v1/users/"
        ]
    );
    let usage = c.ops.iter().find(|o| o.id == "getLast7DaysUsageUsingGET");
    assert_eq!(
        usage.map(|o| &o.answer),
        Some(&Answer::Json(Ty::Object("ResponseOfUsageData".into())))
    );
    assert!(usage.is_some_and(|o| is_rest(c, o)), "a REST envelope");
    let user = c.ops.iter().find(|o| o.id == "getUserUsingGET");
    assert!(user.is_some_and(|o| !is_rest(c, o)), "not a REST envelope");
    let user = c
        .ops
        .iter()
        .find(|o| o.id == "getUserUsingGET")
        .map(|o| &o.answer);
    assert_eq!(
        user,
        Some(&Answer::Json(Ty::Object("ResponseOfUser".into())))
    );
    let roles = c
        .ops
        .iter()
        .find(|o| o.id == "getRolesUsingGET")
        .map(|o| &o.answer);
    assert_eq!(
        roles,
        Some(&Answer::Json(Ty::Array(Box::new(Ty::Object(
            "ResponseOfRole".into()
        )))))
    );
    let invited = &c.types["ResponseOfInvitedUser"];
    let status = invited
        .prop("status")
        .map(|p| (p.required, p.allowed.clone()));
    assert_eq!(status, Some((true, Some(vec!["pending".to_string()]))));
    assert!(operation("GET", "/userservice/management/v1/users/a@b.com/user.json").is_some());
    assert!(operation("POST", "/userservice/management/v1/users/a@b.com/user.json").is_none());
    assert!(operation("GET", "/identity/oauth/token?x=1").is_some());
}

#[test]
fn the_contract_parser_refuses_malformed_lines() {
    let good = "api a\nop x GET /p -> T\n  param q query int32 optional\ntype T\n  prop id int32 required\ntype Error\n";
    assert!(spec::parse(good).is_ok(), "{:?}", spec::parse(good));
    let bad = [
        ("op x GET /p -> T\n", 1, "before any api line"),
        ("api a\nop x FETCH /p -> T\n", 2, "unknown HTTP method"),
        ("api a\nop x GET /p T\n", 2, "not a valid op line"),
        (
            "api a\ntype T\n  prop id int33 required\n",
            3,
            "neither a primitive",
        ),
        (
            "api a\ntype T\n  prop id int32 mandatory\n",
            3,
            "required or optional",
        ),
        (
            "api a\ntype T\n  prop id int32 required enum a|b\n",
            3,
            "only for string",
        ),
        (
            "api a\ntype T\n  prop s string required enum a||b\n",
            3,
            "empty enum value",
        ),
        (
            "api a\ntype T\n  prop id int32 required\n  prop id int32 required\n",
            4,
            "twice",
        ),
        ("api a\nop x GET /p -> [T\n", 2, "unclosed array"),
        (
            "api a\nop x GET /p -> none\n\n# c\n  param q cookie string required\n",
            5,
            "location",
        ),
        ("api a\n  prop id int32 required\n", 2, "outside a type"),
        (
            "api a\ntype Error\nop x GET /p -> [Missing]\n",
            3,
            "Missing is not defined",
        ),
        (
            "api a\nfield id int32 required\n",
            2,
            "not a valid field line",
        ),
        ("api a\nop x GET /p -> none\n", 0, "no type Error"),
    ];
    for (text, line, why) in bad {
        let err = spec::parse(text)
            .err()
            .unwrap_or_else(|| panic!("accepted {text:?}"));
        assert!(err.contains(why), "{text:?}: {err}");
        if line > 0 {
            assert!(
                err.starts_with(&format!("line {line}: ")),
                "{text:?}: {err}"
            );
        }
    }
}

#[test]
fn the_validator_can_fail() {
    let c = contract();
    let role = Ty::Object("ResponseOfRole".into());
    let good = json!({"id": 1, "name": "Admin", "description": null, "type": "system",
        "isHidden": false, "isOnlyAllZones": true, "createdAt": "x", "updatedAt": "x"});
    assert_eq!(validate(c, &role, &good, "$"), Ok(()));
    let mut renamed = good.clone();
    renamed["hidden"] = json!(false);
    assert!(
        validate(c, &role, &renamed, "$").is_err(),
        "guide names must be refused"
    );
    let mut missing = good.clone();
    missing.as_object_mut().map(|o| o.remove("isHidden"));
    assert!(validate(c, &role, &missing, "$").is_err());
    let mut wrong = good.clone();
    wrong["id"] = json!("1");
    assert!(validate(c, &role, &wrong, "$").is_err());
    wrong["id"] = json!(1i64 << 40);
    assert!(validate(c, &role, &wrong, "$").is_err());
    let invited = Ty::Object("ResponseOfInvitedUser".into());
    let bad_status = json!({"id": 1, "firstName": "a", "lastName": "b", "emailAddress": "c",
        "userid": "d", "subscriptionId": "1", "status": "active", "expiresAt": "x",
        "createdAt": "x", "updatedAt": "x"});
    assert!(validate(c, &invited, &bad_status, "$").is_err());
    let mut null_status = bad_status.clone();
    null_status["status"] = Value::Null;
    assert!(
        validate(c, &invited, &null_status, "$").is_err(),
        "null is no enum value"
    );
    let mut pending = bad_status.clone();
    pending["status"] = json!("pending");
    assert_eq!(validate(c, &invited, &pending, "$"), Ok(()));
}

/// Whole answers through `verdict`, as every test's requests go: right ones pass, and each kind of wrong
/// one (missing required field, undeclared property, wrong enum, int32 overflow, nested item, error
/// envelope, unpublished path in a published folder) is refused.
#[test]
fn wrong_answers_are_refused() {
    let user_path = format!("{UM}/users/a@b.com/user.json");
    let user = json!({"userid": "a@b.com", "firstName": "A", "lastName": "B", "emailAddress": "a@b.com",
        "optedIn": false, "failedLogins": 0, "failedDeviceCode": 0, "isLocked": false,
        "lockedReason": null, "id": 7, "apiOnly": true, "expiresAt": null, "lastLoginAt": null,
        "userRoleWorkspaces": [{"accessRoleId": 2, "accessRoleName": "Admin", "workspaceId": 1}]});
    let get =
        |path: &str, status: u16, body: &Value| verdict("GET", path, status, &body.to_string());
    assert_eq!(
        get(&user_path, 200, &user),
        Ok(Some("getUserUsingGET".into()))
    );
    let mut bad = user.clone();
    bad.as_object_mut().map(|o| o.remove("optedIn"));
    assert!(
        get(&user_path, 200, &bad).is_err(),
        "missing required field"
    );
    let mut bad = user.clone();
    bad["locked"] = json!(false);
    assert!(get(&user_path, 200, &bad).is_err(), "undeclared property");
    let mut bad = user.clone();
    bad["id"] = json!(i64::from(i32::MAX) + 1);
    assert!(get(&user_path, 200, &bad).is_err(), "int32 overflow");
    let mut bad = user.clone();
    bad["userRoleWorkspaces"][0]["workspaceId"] = json!(null);
    assert!(get(&user_path, 200, &bad).is_err(), "nested item");
    let mut bad = user.clone();
    bad["apiOnly"] = json!("true");
    assert!(get(&user_path, 200, &bad).is_err(), "wrong type");
    assert!(
        get(&user_path, 200, &json!([user])).is_err(),
        "an array for an object"
    );

    let token = "/identity/oauth/token?grant_type=client_credentials";
    let identity =
        json!({"access_token": "t", "scope": "s", "expires_in": 3599, "token_type": "bearer"});
    assert_eq!(
        get(token, 200, &identity),
        Ok(Some("identityUsingGET".into()))
    );
    let mut bad = identity.clone();
    bad["token_type"] = json!("Bearer");
    assert!(get(token, 200, &bad).is_err(), "wrong enum");
    assert_eq!(
        get(token, 401, &json!({"error": "invalid_client"})),
        Ok(Some("identityUsingGET".into()))
    );

    let invite = format!("{UM}/users/invite.json");
    assert_eq!(
        verdict("POST", &invite, 200, "true"),
        Ok(Some("inviteUserUsingPOST".into()))
    );
    assert!(
        verdict("POST", &invite, 200, "").is_err(),
        "empty raw string"
    );

    let error = json!({"errors": [{"code": 1013, "message": "User not found"}]});
    assert!(get(&user_path, 404, &error).is_ok());
    assert!(get(&user_path, 404, &json!({"errors": [{"code": 1013}]})).is_err());
    assert!(
        get(
            &user_path,
            404,
            &json!({"errors": [{"code": 1, "message": "m", "x": 1}]})
        )
        .is_err()
    );
    assert!(get(&user_path, 404, &json!({"errors": [], "success": false})).is_err());

    let unpublished = format!("{UM}/users/a@b.com/lock.json");
    assert!(
        get(&unpublished, 200, &json!({})).is_err(),
        "served but not in the contract"
    );
    assert_eq!(get(&unpublished, 404, &error), Ok(None));
    assert_eq!(
        get(&format!("{UM}/roles/permissions.json"), 200, &json!([])),
        Ok(None)
    );

    // The Usage API: HTTP 200 always, the REST envelope, success telling the truth.
    let usage = "/rest/v1/stats/usage.json";
    let good = json!({"requestId": "a1#b2", "success": true, "errors": [], "warnings": [],
        "result": [{"date": "2026-12-06", "total": 3,
            "users": [{"userId": "a@b.com", "count": 3}]}]});
    assert_eq!(
        get(usage, 200, &good),
        Ok(Some("getDailyUsageUsingGET".into()))
    );
    let failed = json!({"requestId": "a1#b2", "success": false, "warnings": [], "result": [],
        "errors": [{"code": "601", "message": "Access token invalid"}]});
    assert!(get(usage, 200, &failed).is_ok());
    assert!(is_rest_failure(&failed.to_string()));
    assert!(
        get(usage, 401, &failed).is_err(),
        "REST errors come with 200"
    );
    let mut bad = failed.clone();
    bad["errors"][0]["code"] = json!(601);
    assert!(
        get(usage, 200, &bad).is_err(),
        "a REST error code is a string"
    );
    let mut bad = failed.clone();
    bad["errors"] = json!([]);
    assert!(
        get(usage, 200, &bad).is_err(),
        "success=false without errors"
    );
    let mut bad = good.clone();
    bad["success"] = json!(false);
    assert!(
        get(usage, 200, &bad).is_err(),
        "success=false without errors"
    );
    let mut bad = good.clone();
    bad.as_object_mut().map(|o| o.remove("warnings"));
    assert!(get(usage, 200, &bad).is_err(), "warnings is required");
    let mut bad = good.clone();
    bad["result"][0]["users"][0]["user"] = json!("a@b.com");
    assert!(get(usage, 200, &bad).is_err(), "undeclared property");
    let errors = "/rest/v1/stats/errors/last7days.json";
    let good = json!({"requestId": "a1#b2", "success": true, "errors": [], "warnings": [],
        "result": [{"date": "2026-12-06", "total": 2,
            "errors": [{"errorCode": "606", "count": 2}]}]});
    assert_eq!(
        get(errors, 200, &good),
        Ok(Some("getLast7DaysErrorsUsingGET".into()))
    );
    let mut bad = good.clone();
    bad["result"][0]["errors"][0]["errorCode"] = json!(606);
    assert!(get(errors, 200, &bad).is_err(), "an errorCode is a string");
    let unserved = "/rest/v1/stats/other.json";
    assert!(
        get(unserved, 200, &good).is_err(),
        "served but not in the contract"
    );
    assert_eq!(get(unserved, 200, &failed), Ok(None));
}

/// Drives every published operation and Identity through their successful paths (and a few failing
/// ones); each answer is checked by `check` as it arrives.
#[tokio::test]
async fn every_published_operation_matches_the_contract() {
    let e = emu().await;
    // Identity, GET and POST.
    let q = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        e.handle.client_id(),
        e.handle.client_secret()
    );
    e.send(
        "POST",
        &format!("/identity/oauth/token?{q}"),
        None,
        None,
        None,
    )
    .await
    .ok();
    e.identity(&q).await.ok();
    e.get(&format!("{UM}/users/roles.json")).await.ok();
    e.get(&format!("{UM}/users/workspaces.json")).await.ok();
    // An active API-only user with an expiry, and a pending one.
    e.post(
        &format!("{UM}/users/invite.json"),
        json!({"emailAddress": "api@example.com", "firstName": "A", "lastName": "P",
            "apiOnly": true, "expiresAt": "2030-01-02T03:04:05-05:00", "reason": "robot",
            "userRoleWorkspaces": [{"accessRoleId": 2, "workspaceId": 1}]}),
    )
    .await
    .ok();
    e.invite(
        "pending@example.com",
        false,
        json!([{"accessRoleId": 1, "workspaceId": 0}]),
    )
    .await
    .ok();
    e.get(&format!(
        "{UM}/users/allusers.json?pageOffset=0&pageSize=200"
    ))
    .await
    .ok();
    e.get(&format!("{UM}/users/api@example.com/user.json"))
        .await
        .ok();
    e.get(&format!(
        "{UM}/users/emulator-api@emulator.invalid/user.json"
    ))
    .await
    .ok();
    e.get(&format!("{UM}/users/pending@example.com/invite.json"))
        .await
        .ok();
    e.get(&format!("{UM}/users/pending@example.com/roles.json"))
        .await
        .ok();
    e.get(&format!("{UM}/users/api@example.com/roles.json"))
        .await
        .ok();
    e.post(
        &format!("{UM}/users/api@example.com/update.json"),
        json!({"firstName": "B", "expiresAt": "20311231T08:00:00.000t+0000"}),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/api@example.com/update.json"),
        json!({"expiresAt": null}),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/api@example.com/roles/create.json"),
        json!([{"accessRoleId": 24, "workspaceId": 1}]),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/api@example.com/roles/create.json"),
        json!({"input": [{"accessRoleId": 25, "workspaceId": 0}]}),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/api@example.com/roles/delete.json"),
        json!({"input": [{"accessRoleId": 24, "workspaceId": 1}]}),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/api@example.com/roles/delete.json"),
        json!([{"accessRoleId": 25, "workspaceId": 0}]),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/pending@example.com/invite/delete.json"),
        json!(null),
    )
    .await
    .ok();
    e.post(
        &format!("{UM}/users/api@example.com/delete.json"),
        json!(null),
    )
    .await
    .ok();
    // Failing calls of published operations must carry the error envelope (checked by `check`).
    e.get(&format!("{UM}/users/nobody@example.com/user.json"))
        .await
        .err(404, 1013);
    e.get(&format!("{UM}/users/nobody@example.com/invite.json"))
        .await
        .err(404, 1013);
    e.post(&format!("{UM}/users/invite.json"), json!({}))
        .await
        .err(400, 701);
    // The Usage API, and a failing call of it (a REST failure: 200, success=false).
    for path in [
        "/rest/v1/stats/usage.json",
        "/rest/v1/stats/usage/last7days.json",
        "/rest/v1/stats/errors.json",
        "/rest/v1/stats/errors/last7days.json",
    ] {
        e.get(path).await.ok();
        e.get_as("garbage", path).await.ok();
    }

    let seen = SEEN.lock().map(|s| s.clone()).unwrap_or_default();
    let want: BTreeSet<String> = contract().ops.iter().map(|o| o.id.clone()).collect();
    assert_eq!(
        want.len(),
        18,
        "12 User Management operations, 2 Identity ones and 4 Usage ones"
    );
    let missing: Vec<_> = want.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "operations never answered 200: {missing:?}"
    );
    e.handle.shutdown().await;
}
