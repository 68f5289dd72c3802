//! The Usage API (`/rest/v1/stats/...`): calls counted per API-only user and Marketo day, error answers
//! per code, the seven-day answers, the `/_emulator/usage.json` control and the counts across a restart.

use chrono::{Days, NaiveDate};
use marketo_emulator::{ADMIN_USERID, Config};
use serde_json::{Value, json};

use crate::common::{Emu, UM, emu, start};

const USAGE: &str = "/rest/v1/stats/usage.json";
const USAGE_WEEK: &str = "/rest/v1/stats/usage/last7days.json";
const ERRORS: &str = "/rest/v1/stats/errors.json";
const ERRORS_WEEK: &str = "/rest/v1/stats/errors/last7days.json";
const UM_BOTH: [&str; 2] = ["Access User Management Api", "Access Users"];

/// The `result` of a successful Usage API answer (asked with the admin token).
async fn result(e: &Emu, path: &str) -> Vec<Value> {
    let r = e.get(path).await;
    let v = r.ok();
    assert_eq!(v["success"], json!(true), "{}", r.text);
    assert_eq!(v["errors"], json!([]), "{}", r.text);
    v["result"].as_array().cloned().unwrap_or_default()
}

/// Today's element of `stats/usage.json` or `stats/errors.json`.
async fn today(e: &Emu, path: &str) -> Value {
    let days = result(e, path).await;
    assert_eq!(days.len(), 1, "{days:?}");
    days[0].clone()
}

/// A user's count in a usage day (0 when not listed).
fn calls(day: &Value, userid: &str) -> u64 {
    day["users"]
        .as_array()
        .and_then(|users| users.iter().find(|u| u["userId"] == json!(userid)))
        .and_then(|u| u["count"].as_u64())
        .unwrap_or(0)
}

/// An error code's count in an errors day (0 when not listed).
fn errors(day: &Value, code: &str) -> u64 {
    day["errors"]
        .as_array()
        .and_then(|errs| errs.iter().find(|x| x["errorCode"] == json!(code)))
        .and_then(|x| x["count"].as_u64())
        .unwrap_or(0)
}

/// The sum of a day's breakdown, which must be its total.
#[track_caller]
fn assert_total(day: &Value, list: &str) {
    let sum: u64 = day[list]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["count"].as_u64()).sum())
        .unwrap_or(0);
    assert_eq!(day["total"].as_u64(), Some(sum), "{day}");
}

fn date(day: &Value) -> NaiveDate {
    let text = day["date"].as_str().unwrap_or_default();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

async fn seed(e: &Emu, body: Value) -> crate::common::Resp {
    e.send(
        "POST",
        "/_emulator/usage.json",
        None,
        Some("application/json"),
        Some(body.to_string().into_bytes()),
    )
    .await
}

#[tokio::test]
async fn calls_are_counted_per_api_user_of_the_token() {
    let e = emu().await;
    // Three admin calls: a role, an API-only user and its service.
    let (second, _, id, secret) = e.api_user_with("second", &UM_BOTH).await;
    let tok2 = e.token_for(&id, &secret).await;
    let before = today(&e, USAGE).await;
    // The three calls, and the usage call itself.
    assert_eq!(calls(&before, ADMIN_USERID), 4, "{before}");
    assert_eq!(calls(&before, &second), 0, "{before}");
    for _ in 0..2 {
        e.get(&format!("{UM}/users/roles.json")).await.ok();
    }
    for _ in 0..3 {
        e.get_as(&tok2, &format!("{UM}/users/workspaces.json"))
            .await
            .ok();
    }
    let after = today(&e, USAGE).await;
    assert_eq!(calls(&after, ADMIN_USERID), 4 + 2 + 1, "{after}");
    assert_eq!(calls(&after, &second), 3, "{after}");
    assert_eq!(after["total"].as_u64(), Some(10));
    assert_total(&after, "users");
    assert_eq!(after["date"], before["date"]);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn token_and_control_calls_are_not_counted() {
    let e = emu().await;
    let first = today(&e, USAGE).await;
    assert_eq!(first["total"].as_u64(), Some(1), "{first}");
    for _ in 0..3 {
        e.token_for(e.handle.client_id(), e.handle.client_secret())
            .await;
    }
    e.send("GET", "/_emulator/state.json", None, None, None)
        .await
        .ok();
    e.send("GET", "/_emulator/usage.json", None, None, None)
        .await
        .ok();
    let second = today(&e, USAGE).await;
    assert_eq!(calls(&second, ADMIN_USERID), 2, "{second}");
    assert_eq!(second["total"].as_u64(), Some(2), "{second}");
    e.handle.shutdown().await;
}

#[tokio::test]
async fn error_answers_are_counted_by_code() {
    let e = emu().await;
    let none = today(&e, ERRORS).await;
    assert_eq!(
        (none["total"].as_u64(), &none["errors"]),
        (Some(0), &json!([]))
    );
    e.get(&format!("{UM}/users/nobody@example.com/user.json"))
        .await
        .err(404, 1013);
    e.get(&format!("{UM}/users/nobody@example.com/invite.json"))
        .await
        .err(404, 1013);
    e.get(&format!("{UM}/users/nothing.json"))
        .await
        .err(404, 610);
    e.get_as("garbage", &format!("{UM}/users/roles.json"))
        .await
        .err(401, 601);
    // On the Usage API a failure is Marketo's REST answer: HTTP 200, success=false, the code a string.
    let r = e.get_as("garbage", USAGE).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["success"], json!(false), "{}", r.text);
    assert_eq!(r.json["errors"][0]["code"], json!("601"), "{}", r.text);
    assert_eq!(r.json["result"], json!([]), "{}", r.text);
    let r = e
        .send("POST", ERRORS, Some(&e.token.clone()), None, None)
        .await;
    assert_eq!(
        (r.status, &r.json["errors"][0]["code"]),
        (200, &json!("605")),
        "{}",
        r.text
    );

    let day = today(&e, ERRORS).await;
    assert_eq!(errors(&day, "1013"), 2, "{day}");
    assert_eq!(errors(&day, "601"), 2, "{day}");
    assert_eq!(errors(&day, "610"), 1, "{day}");
    assert_eq!(errors(&day, "605"), 1, "{day}");
    assert_eq!(day["total"].as_u64(), Some(6), "{day}");
    assert_total(&day, "errors");
    // Calls are counted once admitted, whatever their answer (the two 1013s); calls refused before
    // (610, 601, 605) are not, as the rate limit and the quota do not count them.
    let usage = today(&e, USAGE).await;
    assert_eq!(calls(&usage, ADMIN_USERID), 1 + 2 + 1 + 1, "{usage}");
    e.handle.shutdown().await;
}

#[tokio::test]
async fn the_usage_api_needs_a_token_but_no_permission() {
    let e = emu().await;
    let (userid, _, id, secret) = e.api_user_with("bare", &[]).await;
    let tok = e.token_for(&id, &secret).await;
    e.get_as(&tok, &format!("{UM}/users/roles.json"))
        .await
        .err(403, 603);
    let r = e.get_as(&tok, USAGE).await;
    assert_eq!(r.ok()["success"], json!(true), "{}", r.text);
    let day = &r.json["result"][0];
    // The refused call is not counted; the usage call is.
    assert_eq!(calls(day, &userid), 1, "{day}");
    let r = e.get_as(&tok, ERRORS_WEEK).await;
    let week = r.ok()["result"].as_array().cloned().unwrap_or_default();
    assert_eq!(week.last().map(|d| errors(d, "603")), Some(1), "{}", r.text);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn seven_days_end_today_and_past_days_are_seeded() {
    let e = emu().await;
    let now = date(&today(&e, USAGE).await);
    let back = |n: u64| now.checked_sub_days(Days::new(n)).unwrap_or(now);
    let ok = seed(
        &e,
        json!({"days": [
            {"date": ymd(back(1)), "users": [{"userId": "x@y.com", "count": 12}],
                "errors": [{"errorCode": "606", "count": 2}]},
            {"date": ymd(back(8)), "users": [{"userId": "old@y.com", "count": 5}]},
            {"date": ymd(now), "users": [{"userId": ADMIN_USERID, "count": 100}]},
        ]}),
    )
    .await;
    assert_eq!(ok.ok(), &json!(true));

    let week = result(&e, USAGE_WEEK).await;
    let dates: Vec<NaiveDate> = week.iter().map(date).collect();
    let want: Vec<NaiveDate> = (0..7).rev().map(back).collect();
    assert_eq!(dates, want, "seven days ending today, oldest first");
    for day in &week {
        assert_total(day, "users");
    }
    assert_eq!(
        week[5]["users"],
        json!([{"userId": "x@y.com", "count": 12}])
    );
    // Today's seeded count replaced the one call made before, and this call adds one.
    assert_eq!(calls(&week[6], ADMIN_USERID), 101, "{}", week[6]);
    assert!(
        week[..5]
            .iter()
            .all(|d| d["total"] == json!(0) && d["users"] == json!([]))
    );
    let errs = result(&e, ERRORS_WEEK).await;
    assert_eq!(errs.len(), 7);
    assert_eq!(errors(&errs[5], "606"), 2, "{}", errs[5]);
    assert_eq!(errs[5]["total"].as_u64(), Some(2));
    assert_eq!(date(&errs[6]), now);
    // The day eight days back is kept (31 days are), though no answer of the API reaches it.
    let kept = e
        .send("GET", "/_emulator/usage.json", None, None, None)
        .await;
    let kept_dates: Vec<&str> = kept.ok()["days"]
        .as_array()
        .map(|d| d.iter().filter_map(|x| x["date"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kept_dates,
        [ymd(back(8)), ymd(back(1)), ymd(now)],
        "{}",
        kept.text
    );

    // Listing a day again replaces it: empty, it has nothing left.
    seed(&e, json!({"days": [{"date": ymd(back(1))}]}))
        .await
        .ok();
    let week = result(&e, USAGE_WEEK).await;
    assert_eq!(week[5]["total"], json!(0));
    assert_eq!(errors(&result(&e, ERRORS_WEEK).await[5], "606"), 0);

    // Days outside the 31 kept, malformed dates and codes are refused, and change nothing.
    for bad in [
        json!({"days": [{"date": ymd(now.checked_add_days(Days::new(1)).unwrap_or(now))}]}),
        json!({"days": [{"date": ymd(back(31))}]}),
        json!({"days": [{"date": "2026-13-01"}]}),
        json!({"days": [{"date": ymd(now), "errors": [{"errorCode": 606, "count": 1}]}]}),
        json!({"days": [{"date": ymd(now), "errors": [{"errorCode": "x", "count": 1}]}]}),
        json!({"days": [{"date": ymd(now), "users": [{"userId": "a@b.c", "count": -1}]}]}),
        json!({"dayz": []}),
    ] {
        seed(&e, bad.clone()).await.err(400, 1003);
    }
    seed(&e, Value::Null).await.err(400, 701);
    assert_eq!(result(&e, USAGE_WEEK).await.len(), 7);
    e.handle.shutdown().await;
}

#[tokio::test]
async fn counts_survive_a_restart_with_a_state_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("state.json");
    let config = || Config {
        state_file: Some(path.clone()),
        ..Config::default().without_limits()
    };
    let e = start(config()).await;
    for _ in 0..4 {
        e.get(&format!("{UM}/users/roles.json")).await.ok();
    }
    e.get(&format!("{UM}/users/nobody@example.com/user.json"))
        .await
        .err(404, 1013);
    // Read-only calls: the counts reach the file at the clean stop.
    e.handle.shutdown().await;
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(text.contains("\"usage\""), "{text}");

    let e = start(config()).await;
    let day = today(&e, USAGE).await;
    assert_eq!(calls(&day, ADMIN_USERID), 4 + 1 + 1, "{day}");
    assert_eq!(errors(&today(&e, ERRORS).await, "1013"), 1);
    // A write saves the counts made so far at once.
    e.post(
        &format!("{UM}/roles/create.json"),
        json!({"name": "Saved", "permissions": []}),
    )
    .await
    .ok();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let saved: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let counted: u64 = saved["usage"]["days"]
        .as_object()
        .and_then(|days| days.values().next_back())
        .and_then(|d| d["users"][ADMIN_USERID].as_u64())
        .unwrap_or(0);
    assert_eq!(counted, 4 + 1 + 1 + 1 + 1, "{text}");
    e.handle.shutdown().await;
}
