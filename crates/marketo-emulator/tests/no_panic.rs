//! Property: no request, however odd, panics the emulator; every answer is a Marketo success or a
//! Marketo-style error.

use proptest::prelude::*;
use serde_json::Value;

use crate::common::{Emu, emu};

const TEMPLATES: &[&str] = &[
    "/identity/oauth/token",
    "/userservice/management/v1/users/allusers.json",
    "/userservice/management/v1/users/invite.json",
    "/userservice/management/v1/users/roles.json",
    "/userservice/management/v1/users/workspaces.json",
    "/userservice/management/v1/users/{}/user.json",
    "/userservice/management/v1/users/{}/invite.json",
    "/userservice/management/v1/users/{}/roles.json",
    "/userservice/management/v1/users/{}/update.json",
    "/userservice/management/v1/users/{}/delete.json",
    "/userservice/management/v1/users/{}/invite/delete.json",
    "/userservice/management/v1/users/{}/roles/create.json",
    "/userservice/management/v1/users/{}/roles/delete.json",
    "/userservice/management/v1/roles/permissions.json",
    "/userservice/management/v1/roles/create.json",
    "/userservice/management/v1/roles/{}/role.json",
    "/userservice/management/v1/roles/{}/update.json",
    "/userservice/management/v1/roles/{}/delete.json",
    "/userservice/management/v1/services/allservices.json",
    "/userservice/management/v1/services/create.json",
    "/userservice/management/v1/services/{}/service.json",
    "/userservice/management/v1/services/{}/update.json",
    "/userservice/management/v1/services/{}/delete.json",
    "/_emulator/state.json",
    "/_emulator/users/{}/accept.json",
    "/_emulator/faults.json",
    "/_emulator/limits.json",
    "/_emulator/tokens/expire.json",
    "/_emulator/usage.json",
    "/rest/v1/stats/usage.json",
    "/rest/v1/stats/usage/last7days.json",
    "/rest/v1/stats/errors.json",
    "/rest/v1/stats/errors/last7days.json",
    "/rest/v1/stats/{}",
    "/{}",
];

const FIELDS: &[&str] = &[
    "emailAddress",
    "firstName",
    "lastName",
    "userid",
    "userId",
    "apiOnly",
    "expiresAt",
    "reason",
    "userRoleWorkspaces",
    "accessRoleId",
    "workspaceId",
    "input",
    "name",
    "description",
    "permissions",
    "displayName",
    "apiOnlyUser",
    "rateLimit",
    "concurrency",
    "dailyQuota",
    "rate",
    "seed",
    "grant_type",
    "client_id",
    "client_secret",
    "days",
    "date",
    "users",
    "errors",
    "count",
    "errorCode",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "[a-zA-Z0-9@. :+-]{0,20}".prop_map(Value::from),
        Just(Value::from("a@b.com")),
        Just(Value::from("Read-Only Lead")),
        (0i64..130).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            }),
        ]
    })
}

#[derive(Debug, Clone)]
struct Call {
    method: &'static str,
    path: String,
    query: String,
    token: u8,
    content_type: Option<&'static str>,
    body: Option<Vec<u8>>,
}

fn call() -> impl Strategy<Value = Call> {
    (
        prop::sample::select(&["GET", "POST", "PUT", "DELETE", "PATCH"][..]),
        prop::sample::select(TEMPLATES),
        "[a-zA-Z0-9@._%-]{0,14}",
        prop_oneof![
            Just(String::new()),
            "[a-zA-Z_]{1,12}=[a-zA-Z0-9%-]{0,6}",
            Just("pageOffset=1&pageSize=2".to_string()),
            Just("grant_type=client_credentials&client_id=emulator-admin-client&client_secret=emulator-admin-secret".to_string()),
        ],
        0u8..3,
        prop::option::of(prop::sample::select(
            &["application/json", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-8"][..],
        )),
        prop_oneof![
            Just(None),
            json_value().prop_map(|v| Some(v.to_string().into_bytes())),
            prop::collection::vec(any::<u8>(), 0..64).prop_map(Some),
        ],
    )
        .prop_map(|(method, template, seg, query, token, content_type, body)| Call {
            method,
            path: template.replace("{}", &seg),
            query,
            token,
            content_type,
            body,
        })
}

async fn run(e: &Emu, c: &Call) -> Result<(), String> {
    let path = if c.query.is_empty() {
        c.path.clone()
    } else {
        format!("{}?{}", c.path, c.query)
    };
    let token = match c.token {
        0 => None,
        1 => Some(e.token.clone()),
        _ => Some("garbage".to_string()),
    };
    let r = e
        .send_raw(
            c.method,
            &path,
            token.as_deref(),
            c.content_type,
            c.body.clone(),
        )
        .await
        .map_err(|err| format!("no answer (did it panic?): {err}"))?;
    let v: Value = serde_json::from_str(&r.text)
        .map_err(|_| format!("{} non-JSON body {:?}", r.status, r.text))?;
    if r.status == 200 {
        return Ok(());
    }
    let marketo = v["errors"][0]["code"].is_i64() && v["errors"][0]["message"].is_string();
    let oauth = c.path == "/identity/oauth/token"
        && v["error"].is_string()
        && v["error_description"].is_string();
    if marketo || oauth {
        Ok(())
    } else {
        Err(format!(
            "{} body is not a Marketo error: {}",
            r.status, r.text
        ))
    }
}

#[test]
fn random_requests_never_panic_it() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let e = rt.block_on(emu());
    let config = ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(calls in prop::collection::vec(call(), 1..4))| {
        for c in &calls {
            let r = rt.block_on(run(&e, c));
            prop_assert!(r.is_ok(), "{:?}: {}", c, r.err().unwrap_or_default());
        }
    });
    // Still alive and consistent.
    let alive = rt.block_on(e.send_raw("GET", "/_emulator/state.json", None, None, None));
    assert!(alive.is_ok_and(|r| r.status == 200));
    rt.block_on(e.handle.shutdown());
}
