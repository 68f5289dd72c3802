//! The contract: every answer of a published operation is checked against Marketo's Swagger files, loaded
//! at test time from `../shared/marketo/` beside the repository. A small Swagger 2.0 validator (types,
//! `required`, `enum`, `$ref`, int32 ranges, and no undeclared properties) does the checking.

use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex};

use serde_json::{Value, json};

use crate::common::{UM, emu};

const USER_SWAGGER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/marketo/swagger-user.json"
);
const IDENTITY_SWAGGER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/marketo/swagger-identity.json"
);

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read the Swagger file {path}: {e}. The contract tests need Marketo's Swagger files in \
             shared/marketo/ beside the repository (../shared/marketo relative to the repository root)."
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

static DOCS: LazyLock<[Value; 2]> = LazyLock::new(|| [load(USER_SWAGGER), load(IDENTITY_SWAGGER)]);

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

/// The Swagger document and operation serving `method path`, if it is a published one.
fn operation(method: &str, path: &str) -> Option<(&'static Value, &'static Value)> {
    let path = path.split('?').next().unwrap_or_default();
    for doc in DOCS.iter() {
        let paths = doc["paths"].as_object()?;
        for (template, ops) in paths {
            if template_matches(template, path) {
                if let Some(op) = ops.get(method.to_ascii_lowercase()) {
                    return Some((doc, op));
                }
            }
        }
    }
    None
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> Result<&'a Value, String> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r
                .strip_prefix("#/definitions/")
                .ok_or_else(|| format!("unsupported $ref {r}"))?;
            doc["definitions"]
                .get(name)
                .ok_or_else(|| format!("no definition {name}"))
        }
        None => Ok(schema),
    }
}

/// Checks `value` against a Swagger 2.0 schema. `null` is accepted where a string is expected, as
/// Marketo's own samples send it (e.g. `lockedReason`).
pub fn validate(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema)?;
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            return Err(format!("{at}: {value} is not one of {allowed:?}"));
        }
    }
    let ty = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object");
    match ty {
        "object" => {
            let obj = value
                .as_object()
                .ok_or_else(|| format!("{at}: expected an object, got {value}"))?;
            let props = schema.get("properties").and_then(Value::as_object);
            for req in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !obj.contains_key(req) {
                    return Err(format!("{at}: required property {req} is missing"));
                }
            }
            for (k, v) in obj {
                let sub = props
                    .and_then(|p| p.get(k))
                    .ok_or_else(|| format!("{at}: property {k} is not in the Swagger"))?;
                validate(doc, sub, v, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        "array" => {
            let items = value
                .as_array()
                .ok_or_else(|| format!("{at}: expected an array, got {value}"))?;
            let item_schema = schema
                .get("items")
                .ok_or_else(|| format!("{at}: no items"))?;
            for (i, v) in items.iter().enumerate() {
                validate(doc, item_schema, v, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        "string" => {
            if value.is_string() || value.is_null() {
                Ok(())
            } else {
                Err(format!("{at}: expected a string, got {value}"))
            }
        }
        "integer" => {
            let n = value
                .as_i64()
                .ok_or_else(|| format!("{at}: expected an integer, got {value}"))?;
            if schema.get("format").and_then(Value::as_str) == Some("int32")
                && i32::try_from(n).is_err()
            {
                return Err(format!("{at}: {n} is out of int32 range"));
            }
            Ok(())
        }
        "number" => value
            .as_f64()
            .map(|_| ())
            .ok_or_else(|| format!("{at}: expected a number, got {value}")),
        "boolean" => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| format!("{at}: expected a boolean, got {value}")),
        other => Err(format!("{at}: unsupported type {other}")),
    }
}

/// Checks one answer. A 200 must match the operation's 200 schema (a `string` schema is the raw body,
/// as Spring writes strings: Marketo's invite answers the bare text `true`). Any other answer from a
/// `/userservice` operation must be Marketo's error envelope of `Error` items.
pub fn check(method: &str, path: &str, status: u16, body: &str) {
    let Some((doc, op)) = operation(method, path) else {
        return;
    };
    let op_id = op["operationId"].as_str().unwrap_or_default().to_string();
    let result = if status == 200 {
        match op["responses"]["200"].get("schema") {
            None => Ok(()),
            Some(s) if s.get("type").and_then(Value::as_str) == Some("string") => {
                if body.is_empty() {
                    Err("empty body for a string answer".to_string())
                } else {
                    Ok(())
                }
            }
            Some(s) => serde_json::from_str::<Value>(body)
                .map_err(|e| format!("not JSON ({e})"))
                .and_then(|v| validate(doc, s, &v, "$")),
        }
    } else if path.starts_with("/identity/") {
        // Identity errors are OAuth-style; the Swagger declares none.
        Ok(())
    } else {
        serde_json::from_str::<Value>(body)
            .map_err(|e| format!("error body is not JSON ({e})"))
            .and_then(|v| {
                let obj = v.as_object().ok_or("error body is not an object")?;
                if obj.len() != 1 {
                    return Err(format!("error body has other keys than errors: {v}"));
                }
                let errors = v["errors"].as_array().ok_or("errors is not an array")?;
                if errors.is_empty() {
                    return Err("errors is empty".to_string());
                }
                let schema = json!({"$ref": "#/definitions/Error"});
                for (i, e) in errors.iter().enumerate() {
                    validate(doc, &schema, e, &format!("$.errors[{i}]"))?;
                    if e["message"].is_null() {
                        return Err("an error without message".to_string());
                    }
                }
                Ok(())
            })
    };
    if let Err(why) = result {
        panic!("contract violation: {method} {path} answered {status} {body}\n  {why}");
    }
    if status == 200 {
        if let Ok(mut seen) = SEEN.lock() {
            seen.insert(op_id);
        }
    }
}

#[test]
fn the_validator_can_fail() {
    let doc = &DOCS[0];
    let user = json!({"$ref": "#/definitions/ResponseOfRole"});
    let good = json!({"id": 1, "name": "Admin", "description": null, "type": "system",
        "isHidden": false, "isOnlyAllZones": true, "createdAt": "x", "updatedAt": "x"});
    assert_eq!(validate(doc, &user, &good, "$"), Ok(()));
    let mut renamed = good.clone();
    renamed["hidden"] = json!(false);
    assert!(
        validate(doc, &user, &renamed, "$").is_err(),
        "guide names must be refused"
    );
    let mut missing = good.clone();
    missing.as_object_mut().map(|o| o.remove("isHidden"));
    assert!(validate(doc, &user, &missing, "$").is_err());
    let mut wrong = good.clone();
    wrong["id"] = json!("1");
    assert!(validate(doc, &user, &wrong, "$").is_err());
    wrong["id"] = json!(1i64 << 40);
    assert!(validate(doc, &user, &wrong, "$").is_err());
    let invited = json!({"$ref": "#/definitions/ResponseOfInvitedUser"});
    let bad_status = json!({"id": 1, "firstName": "a", "lastName": "b", "emailAddress": "c",
        "userid": "d", "subscriptionId": "1", "status": "active", "expiresAt": "x",
        "createdAt": "x", "updatedAt": "x"});
    assert!(validate(doc, &invited, &bad_status, "$").is_err());
    assert!(operation("GET", "/userservice/management/v1/users/a@b.com/user.json").is_some());
    assert!(operation("POST", "/userservice/management/v1/users/a@b.com/user.json").is_none());
    assert!(operation("GET", "/identity/oauth/token?x=1").is_some());
}

/// Drives every published operation and Identity through their successful paths (and a few failing
/// ones); each answer is checked by `check` as it arrives.
#[tokio::test]
async fn every_published_operation_matches_the_swagger() {
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

    let seen = SEEN.lock().map(|s| s.clone()).unwrap_or_default();
    let mut want: BTreeSet<String> = BTreeSet::new();
    for doc in DOCS.iter() {
        for ops in doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
        {
            for op in ops.as_object().into_iter().flat_map(|o| o.values()) {
                if let Some(id) = op["operationId"].as_str() {
                    want.insert(id.to_string());
                }
            }
        }
    }
    assert_eq!(
        want.len(),
        14,
        "12 User Management operations and 2 Identity ones"
    );
    let missing: Vec<_> = want.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "operations never answered 200: {missing:?}"
    );
    e.handle.shutdown().await;
}
