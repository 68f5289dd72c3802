//! Marketo's limits: 606 (rate), 615 (concurrency), 607 (daily quota); Identity is not counted.

use std::time::Duration;

use marketo_emulator::{Config, Limits, RateLimit};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::common::{UM, start};

#[tokio::test]
async fn rate_limit_606_and_recovery() {
    let e = start(Config {
        rate_limit: Some(RateLimit {
            calls: 3,
            per: Duration::from_millis(1500),
        }),
        concurrency: None,
        daily_quota: None,
        ..Config::default()
    })
    .await;
    let roles = format!("{UM}/users/roles.json");
    for _ in 0..3 {
        e.get(&roles).await.ok();
    }
    // Identity calls are not counted.
    for _ in 0..5 {
        e.token_for(e.handle.client_id(), e.handle.client_secret())
            .await;
    }
    let r = e.get(&roles).await;
    r.err(429, 606);
    assert!(r.message().contains("rate limit"));
    // Refused calls are not counted either; the window slides.
    tokio::time::sleep(Duration::from_millis(1600)).await;
    e.get(&roles).await.ok();
    // Test controls are not counted; the limits can be changed at run time.
    e.handle.set_limits(Limits::NONE);
    for _ in 0..10 {
        e.get(&roles).await.ok();
    }
    e.handle.shutdown().await;
}

#[tokio::test]
async fn daily_quota_607() {
    let e = start(Config {
        daily_quota: Some(2),
        ..Config::default().without_limits()
    })
    .await;
    let roles = format!("{UM}/users/roles.json");
    e.get(&roles).await.ok();
    e.get(&roles).await.ok();
    e.get(&roles).await.err(429, 607);
    e.send(
        "POST",
        "/_emulator/limits.json",
        None,
        None,
        Some(br#"{"dailyQuota": 5}"#.to_vec()),
    )
    .await
    .ok();
    e.get(&roles).await.ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn concurrency_615_while_calls_are_held_open() {
    let e = start(Config {
        concurrency: Some(2),
        ..Config::default().without_limits()
    })
    .await;
    let invite = format!("{UM}/users/invite.json");
    // Two calls whose bodies never finish arriving occupy both slots.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(e.handle.local_addr())
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        let head = format!(
            "POST {invite} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
            e.token
        );
        s.write_all(head.as_bytes())
            .await
            .unwrap_or_else(|err| panic!("{err}"));
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = e.get(&format!("{UM}/users/roles.json")).await;
    r.err(429, 615);
    // Identity is not limited.
    e.token_for(e.handle.client_id(), e.handle.client_secret())
        .await;
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    e.get(&format!("{UM}/users/roles.json")).await.ok();
    e.handle.shutdown().await;
}

#[tokio::test]
async fn defaults_are_marketos() {
    let e = start(Config::default()).await;
    assert_eq!(e.handle.limits(), Limits::MARKETO);
    let roles = format!("{UM}/users/roles.json");
    let mut statuses = Vec::new();
    for _ in 0..101 {
        statuses.push(e.get(&roles).await.status);
    }
    assert!(statuses[..100].iter().all(|s| *s == 200));
    assert_eq!(statuses[100], 429);
    e.handle.shutdown().await;
}
