//! The contract: every answer of a published operation is checked against `contract/marketo-api.contract`,
//! the facts of Adobe's Swagger files for Marketo's User Management, Identity and Usage APIs, kept in this
//! repository (its header describes the format; `contract/spec.rs` parses it). A small validator (types,
//! `required`, `enum`, type references, int32 ranges, and no undeclared properties) does the checking.

mod spec;

use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex};

use serde_json::{Value, json};

use crate::common::{UM, emu};
use spec::{Answer, Contract, Op, Ty};

const CONTRACT_FILE: &str = "crates/marketo-emulator/tests/contract/marketo-api.contract";
const CONTRACT_TEXT: &str = include_str!("contract/marketo-api.contract");

/// The parsed contract, or why it does not parse: every test that meets a published answer then fails
/// with that same message (a panic inside the lock would poison it and hide the cause).
static CONTRACT: LazyLock<Result<Contract, String>> =
    LazyLock::new(|| spec::parse(CONTRACT_TEXT).map_err(|e| format!("{CONTRACT_FILE}: {e}")));

fn contract() -> &'static Contract {
    match &*CONTRACT {
        Ok(c) => c,
        Err(e) => panic!("the contract does not load: {e}"),
    }
}

/// operationIds whose 200 answer was checked, across all tests of this binary.
static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

/// The operation serving `method path`, if it is a published one.
fn operation(method: &str, path: &str) -> Option<&'static Op> {
    let path = path.split('?').next().unwrap_or_default();
    contract()
        .ops
        .iter()
        .find(|op| op.method.eq_ignore_ascii_case(method) && template_matches(&op.path, path))
}

/// The folders the published operations live in, one per API: the paths' common prefix up to its last
/// `/` (`/userservice/management/v1/users/`, `/identity/oauth/` and `/rest/v1/stats/`).
fn published_prefixes(c: &Contract) -> BTreeSet<String> {
    let apis: BTreeSet<&str> = c.ops.iter().map(|o| o.api.as_str()).collect();
    apis.into_iter()
        .filter_map(|api| {
            let mut paths = c
                .ops
                .iter()
                .filter(|o| o.api == api)
                .map(|o| o.path.as_str());
            let first = paths.next()?;
            let common = paths.fold(first, |acc, p| {
                let n = acc
                    .bytes()
                    .zip(p.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                &acc[..n]
            });
            common.rfind('/').map(|i| common[..=i].to_string())
        })
        .collect()
}

/// Checks `value` against a type. `null` is accepted where a string is expected, as Marketo's own
/// samples send it (e.g. `lockedReason`).
pub fn validate(c: &Contract, ty: &Ty, value: &Value, at: &str) -> Result<(), String> {
    match ty {
        Ty::Object(name) => {
            let def = c
                .types
                .get(name)
                .ok_or_else(|| format!("{at}: no type {name}"))?;
            let obj = value
                .as_object()
                .ok_or_else(|| format!("{at}: expected an object, got {value}"))?;
            if let Some(p) = def
                .props
                .iter()
                .find(|p| p.required && !obj.contains_key(&p.name))
            {
                return Err(format!("{at}: required property {} is missing", p.name));
            }
            for (k, v) in obj {
                let prop = def
                    .prop(k)
                    .ok_or_else(|| format!("{at}: property {k} is not in the contract"))?;
                let at = format!("{at}.{k}");
                if let Some(allowed) = &prop.allowed
                    && !v.as_str().is_some_and(|s| allowed.iter().any(|a| a == s))
                {
                    return Err(format!("{at}: {v} is not one of {allowed:?}"));
                }
                validate(c, &prop.ty, v, &at)?;
            }
            Ok(())
        }
        Ty::Array(item) => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("{at}: expected an array, got {value}"))?;
            for (i, v) in items.iter().enumerate() {
                validate(c, item, v, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        Ty::String => {
            if value.is_string() || value.is_null() {
                Ok(())
            } else {
                Err(format!("{at}: expected a string, got {value}"))
            }
        }
        Ty::Integer | Ty::Int32 | Ty::Int64 => {
            let n = value
                .as_i64()
                .ok_or_else(|| format!("{at}: expected an integer, got {value}"))?;
            if *ty == Ty::Int32 && i32::try_from(n).is_err() {
                return Err(format!("{at}: {n} is out of int32 range"));
            }
            Ok(())
        }
        Ty::Number => value
            .as_f64()
            .map(|_| ())
            .ok_or_else(|| format!("{at}: expected a number, got {value}")),
        Ty::Boolean => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| format!("{at}: expected a boolean, got {value}")),
    }
}

/// Whether `op` answers in the REST envelope: its answer is an object type with a `success` property.
fn is_rest(c: &Contract, op: &Op) -> bool {
    matches!(&op.answer, Answer::Json(Ty::Object(name))
        if c.types.get(name).is_some_and(|t| t.prop("success").is_some()))
}

/// Whether `body` is a REST failure: an object with `success: false` and a non-empty `errors`.
fn is_rest_failure(body: &str) -> bool {
    serde_json::from_str::<Value>(body).is_ok_and(|v| {
        v["success"] == json!(false) && v["errors"].as_array().is_some_and(|e| !e.is_empty())
    })
}

/// A REST operation's answer: HTTP 200 always, the envelope of its type, and `success` telling the
/// truth (true without errors, false with some).
fn rest_answer(c: &Contract, ty: &Ty, status: u16, body: &str) -> Result<(), String> {
    if status != 200 {
        return Err(format!(
            "a REST operation answered HTTP {status}: its errors come with 200 and success=false"
        ));
    }
    let v = serde_json::from_str::<Value>(body).map_err(|e| format!("not JSON ({e})"))?;
    validate(c, ty, &v, "$")?;
    let errors = v["errors"].as_array().map_or(0, Vec::len);
    match v["success"].as_bool() {
        Some(true) if errors == 0 => Ok(()),
        Some(false) if errors > 0 => Ok(()),
        _ => Err(format!(
            "success must be true without errors or false with some: {v}"
        )),
    }
}

/// The verdict on one answer: `Ok(Some(operationId))` for a published operation's answer that keeps the
/// contract, `Ok(None)` for an answer outside the published operations, `Err(why)` for a violation.
///
/// A 200 must match the operation's 200 answer (`string` is the raw body, as Spring writes strings:
/// Marketo's invite answers the bare text `true`). Any other answer from a User Management operation
/// must be Marketo's error envelope of `Error` items. A REST operation (Usage API) answers everything
/// with 200 in its envelope type. A 200 on a path in a published folder that no operation of the contract
/// serves is a violation (the contract must cover what the emulator serves there), unless it is a REST
/// failure under `/rest/`.
pub fn verdict(
    method: &str,
    path: &str,
    status: u16,
    body: &str,
) -> Result<Option<String>, String> {
    let c = contract();
    let Some(op) = operation(method, path) else {
        let bare = path.split('?').next().unwrap_or_default();
        if status == 200
            && !(bare.starts_with("/rest/") && is_rest_failure(body))
            && published_prefixes(c)
                .iter()
                .any(|p| bare.starts_with(p.as_str()))
        {
            return Err(format!(
                "{method} {bare} answered 200 but no operation of the contract serves it"
            ));
        }
        return Ok(None);
    };
    if let (true, Answer::Json(ty)) = (is_rest(c, op), &op.answer) {
        rest_answer(c, ty, status, body)
    } else if status == 200 {
        match &op.answer {
            Answer::None => Ok(()),
            Answer::RawString if body.is_empty() => {
                Err("empty body for a string answer".to_string())
            }
            Answer::RawString => Ok(()),
            Answer::Json(ty) => serde_json::from_str::<Value>(body)
                .map_err(|e| format!("not JSON ({e})"))
                .and_then(|v| validate(c, ty, &v, "$")),
        }
    } else if path.starts_with("/identity/") {
        // Identity errors are OAuth-style; the contract (like the Swagger) declares none.
        Ok(())
    } else {
        error_envelope(c, body)
    }
    .map(|()| Some(op.id.clone()))
}

fn error_envelope(c: &Contract, body: &str) -> Result<(), String> {
    let v =
        serde_json::from_str::<Value>(body).map_err(|e| format!("error body is not JSON ({e})"))?;
    let obj = v.as_object().ok_or("error body is not an object")?;
    if obj.len() != 1 {
        return Err(format!("error body has other keys than errors: {v}"));
    }
    let errors = v["errors"].as_array().ok_or("errors is not an array")?;
    if errors.is_empty() {
        return Err("errors is empty".to_string());
    }
    let item = Ty::Object("Error".to_string());
    for (i, e) in errors.iter().enumerate() {
        validate(c, &item, e, &format!("$.errors[{i}]"))?;
        if e["message"].is_null() {
            return Err("an error without message".to_string());
        }
    }
    Ok(())
}

/// Checks one answer (see `verdict`) and records the operations that answered 200 (not a REST failure).
pub fn check(method: &str, path: &str, status: u16, body: &str) {
    match verdict(method, path, status, body) {
        Err(why) => panic!("contract violation: {method} {path} answered {status} {body}\n  {why}"),
        Ok(Some(op_id)) if status == 200 && !is_rest_failure(body) => {
            if let Ok(mut seen) = SEEN.lock() {
                seen.insert(op_id);
            }
        }
        Ok(_) => {}
    }
}

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
