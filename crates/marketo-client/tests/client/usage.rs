//! The Usage API through the client: the counts it reads match the calls it made, seeded past days
//! and error answers come back typed, and `identity_email` is the `scope` of its own token.

use marketo_client::{Client, ClientConfig, NewService};
use marketo_emulator::{ADMIN_USERID, Config};
use serde_json::json;

use crate::{DEFAULT_WS, STANDARD_USER, api_user, client, config_for, pair, start};

#[tokio::test]
async fn the_counts_read_match_the_calls_made() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    for _ in 0..3 {
        c.list_roles().await.unwrap();
    }
    c.list_workspaces().await.unwrap();
    c.get_user("nobody@example.com").await.unwrap();
    let day = c.usage_today().await.unwrap();
    let me = c.identity_email().await.unwrap();
    assert_eq!(me, ADMIN_USERID);
    let mine = day.users.iter().find(|u| u.user_id == me).map(|u| u.count);
    // Every request the client sent, the usage call included, and nothing else.
    assert_eq!(mine, Some(6), "{day:?}");
    assert_eq!(c.metrics().api_requests, 6);
    assert_eq!(day.total, 6);
    assert_eq!(day.date.len(), "2026-12-06".len(), "{day:?}");

    let errors = c.errors_today().await.unwrap();
    assert_eq!(errors.date, day.date);
    let codes: Vec<(&str, u64)> = errors
        .errors
        .iter()
        .map(|e| (e.error_code.as_str(), e.count))
        .collect();
    assert_eq!(codes, [("1013", 1)], "{errors:?}");
    assert_eq!(errors.total, 1);

    let week = c.usage_last_7_days().await.unwrap();
    assert_eq!(week.len(), 7, "{week:?}");
    let today = week.last().unwrap();
    assert_eq!(today.date, day.date);
    assert_eq!(today.total, 8, "two more calls since: {today:?}");
    assert!(week[..6].iter().all(|d| d.total == 0 && d.users.is_empty()));
    let week = c.errors_last_7_days().await.unwrap();
    assert_eq!(week.len(), 7);
    assert_eq!(week.last().map(|d| d.total), Some(1));
    h.shutdown().await;
}

#[tokio::test]
async fn seeded_days_come_back_typed() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    let today = chrono::NaiveDate::parse_from_str(&c.usage_today().await.unwrap().date, "%Y-%m-%d")
        .unwrap();
    let yesterday = today.pred_opt().unwrap().format("%Y-%m-%d").to_string();
    let seeded = reqwest::Client::new()
        .post(format!("{}/_emulator/usage.json", h.base_url()))
        .json(&json!({"days": [{"date": yesterday,
            "users": [{"userId": "x@y.com", "count": 12}, {"userId": "z@y.com", "count": 3}],
            "errors": [{"errorCode": "606", "count": 2}]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(seeded.status(), 200);
    let week = c.usage_last_7_days().await.unwrap();
    assert_eq!(week[5].date, yesterday);
    assert_eq!(week[5].total, 15);
    let users: Vec<(&str, u64)> = week[5]
        .users
        .iter()
        .map(|u| (u.user_id.as_str(), u.count))
        .collect();
    assert_eq!(users, [("x@y.com", 12), ("z@y.com", 3)]);
    let errors = c.errors_last_7_days().await.unwrap();
    assert_eq!(errors[5].errors[0].error_code, "606");
    assert_eq!(errors[5].errors[0].count, 2);
    h.shutdown().await;
}

#[tokio::test]
async fn identity_email_is_the_scope_of_the_clients_own_token() {
    let h = start(Config::default().without_limits()).await;
    let admin = client(&h);
    // Without a token yet: one identity call; with one held: none.
    assert_eq!(admin.identity_email().await.unwrap(), ADMIN_USERID);
    assert_eq!(admin.metrics().identity_requests, 1);
    admin.list_roles().await.unwrap();
    assert_eq!(admin.identity_email().await.unwrap(), ADMIN_USERID);
    assert_eq!(admin.metrics().identity_requests, 1);
    assert_eq!(admin.metrics().api_requests, 1);

    // Another service's client is its own owner's.
    let owner = "usage.owner@example.com";
    admin
        .invite_user(&api_user(owner, vec![pair(STANDARD_USER, DEFAULT_WS)]))
        .await
        .unwrap();
    let svc = admin
        .create_service(&NewService {
            display_name: "Usage Reader".into(),
            description: None,
            api_only_user: owner.into(),
        })
        .await
        .unwrap();
    let mut cfg: ClientConfig = config_for(&h);
    cfg.client_id = svc.service.client_id.clone();
    cfg.client_secret = svc.client_secret.clone();
    let theirs = Client::new(cfg).unwrap();
    assert_eq!(theirs.identity_email().await.unwrap(), owner);
    // It needs no permission to read usage, and its calls count under its owner.
    let day = theirs.usage_today().await.unwrap();
    let counted = day
        .users
        .iter()
        .find(|u| u.user_id == owner)
        .map(|u| u.count);
    assert_eq!(counted, Some(1), "{day:?}");
    assert_eq!(
        h.snapshot()
            .services
            .iter()
            .find(|s| s.client_id == svc.service.client_id)
            .map(|s| s.api_only_user.clone()),
        Some(owner.to_owned())
    );
    h.shutdown().await;
}
