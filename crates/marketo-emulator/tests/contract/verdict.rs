//! The checker: the contract, loaded once, and the verdict on one answer of the emulator (`check`, which
//! every test's requests go through, and `verdict` beneath it). What may live here: loading, matching an
//! answer to its operation, and validating a value against the contract's types. What may not: tests, and
//! any knowledge of the emulator's own state (the checker sees only method, path, status and body).

use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex};

use serde_json::{Value, json};

use super::spec::{self, Answer, Contract, Op, Ty};

const CONTRACT_FILE: &str = "crates/marketo-emulator/tests/contract/marketo-api.contract";
const CONTRACT_TEXT: &str = include_str!("marketo-api.contract");

/// The parsed contract, or why it does not parse: every test that meets a published answer then fails
/// with that same message (a panic inside the lock would poison it and hide the cause).
static CONTRACT: LazyLock<Result<Contract, String>> =
    LazyLock::new(|| spec::parse(CONTRACT_TEXT).map_err(|e| format!("{CONTRACT_FILE}: {e}")));

pub fn contract() -> &'static Contract {
    match &*CONTRACT {
        Ok(c) => c,
        Err(e) => panic!("the contract does not load: {e}"),
    }
}

/// operationIds whose 200 answer was checked, across all tests of this binary.
pub static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn template_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

/// The operation serving `method path`, if it is a published one.
pub fn operation(method: &str, path: &str) -> Option<&'static Op> {
    let path = path.split('?').next().unwrap_or_default();
    contract()
        .ops
        .iter()
        .find(|op| op.method.eq_ignore_ascii_case(method) && template_matches(&op.path, path))
}

/// The folders the published operations live in, one per API: the paths' common prefix up to its last
/// `/` (`/userservice/management/v1/users/`, `/identity/oauth/` and `/rest/v1/stats/`).
pub fn published_prefixes(c: &Contract) -> BTreeSet<String> {
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
pub fn is_rest(c: &Contract, op: &Op) -> bool {
    matches!(&op.answer, Answer::Json(Ty::Object(name))
        if c.types.get(name).is_some_and(|t| t.prop("success").is_some()))
}

/// Whether `body` is a REST failure: an object with `success: false` and a non-empty `errors`.
pub fn is_rest_failure(body: &str) -> bool {
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
