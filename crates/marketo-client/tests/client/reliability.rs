//! Tokens, limits, faults, cancellation and secrets: the reliability rules against the emulator.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use marketo_client::{Client, ErrorKind, NewRole, NewService, Secret, fetch_token};
use marketo_emulator::{Config, Faults, Limits, RateLimit};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::*;

#[tokio::test]
async fn client_fetches_one_token_for_many_concurrent_calls() {
    let mut config = Config::default().without_limits();
    let log = RequestLog::on(&mut config);
    let h = start(config).await;
    let c = client(&h);
    let mut set = JoinSet::new();
    for _ in 0..24 {
        let c = c.clone();
        set.spawn(async move { c.list_roles().await.map(|r| r.len()) });
    }
    while let Some(r) = set.join_next().await {
        assert!(r.unwrap().unwrap() > 0);
    }
    for _ in 0..6 {
        c.list_workspaces().await.unwrap();
    }
    let m = c.metrics();
    assert_eq!(m.identity_requests, 1, "{m:?}");
    // 24 concurrent identical reads share at most a few requests; 6 sequential ones each go out.
    assert!(
        (7..=9).contains(&m.api_requests),
        "concurrent identical reads are joined: {m:?}"
    );
    let text = log.text();
    let identity_lines = text
        .lines()
        .filter(|l| l.contains("/identity/oauth/token"))
        .count();
    assert_eq!(identity_lines, 1, "{text}");
    // The emulator logs the query redacted; our secret never reaches its log in clear.
    assert!(!text.contains(h.client_secret()));
    h.shutdown().await;
}

#[tokio::test]
async fn client_renews_an_expired_token_on_602() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    c.list_roles().await.unwrap();
    h.expire_tokens();
    c.list_roles().await.unwrap();
    let m = c.metrics();
    assert_eq!(m.token_rejections, 1, "{m:?}");
    assert_eq!(m.identity_requests, 2, "{m:?}");
    assert_eq!(m.retries, 0);
    h.shutdown().await;
}

#[tokio::test]
async fn client_lives_through_short_token_lifetimes() {
    let mut config = Config::default().without_limits();
    config.token_ttl = Duration::from_secs(1);
    let h = start(config).await;
    let c = client(&h);
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(2600) {
        c.list_workspaces().await.unwrap();
        calls += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let m = c.metrics();
    assert!(m.identity_requests >= 3, "{m:?}");
    assert_eq!(m.api_requests, calls + m.token_rejections, "{m:?}");
    h.shutdown().await;
}

#[tokio::test]
async fn client_wrong_secret_is_unauthorized_without_the_secret() {
    let h = start(Config::default().without_limits()).await;
    let mut cfg = config_for(&h);
    cfg.client_secret = Secret::new("wrong-secret-0123456789");
    let c = Client::new(cfg).unwrap();
    let e = c.list_roles().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(e.status(), Some(401));
    assert!(
        e.to_string()
            .contains("Marketo rejected the client_id/client_secret"),
        "{e}"
    );
    for text in [e.to_string(), format!("{e:?}")] {
        assert!(!text.contains("wrong-secret-0123456789"), "{text}");
    }
    assert_eq!(
        c.metrics().identity_requests,
        1,
        "a rejected secret is not retried"
    );
    let e = c.authenticate().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    let e = fetch_token(
        &identity_url(&h),
        h.client_id(),
        &Secret::new("wrong-secret-0123456789"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert!(!format!("{e} {e:?}").contains("wrong-secret-0123456789"));
    h.shutdown().await;
}

#[tokio::test]
async fn client_backs_off_on_606_and_615_until_it_succeeds() {
    let mut config = Config::default();
    config.set_limits(Limits {
        rate_limit: Some(RateLimit {
            calls: 8,
            per: Duration::from_secs(1),
        }),
        concurrency: Some(2),
        daily_quota: None,
    });
    let h = start(config).await;
    // No client-side politeness: the server's limits must be met by back-off alone.
    let mut cfg = config_for(&h);
    cfg.max_concurrency = 16;
    cfg.rate_limit = marketo_client::RateLimit {
        calls: 1000,
        per: Duration::from_secs(1),
    };
    cfg.retry.rate_limit_window = Duration::from_millis(500);
    cfg.retry.max_attempts = 20;
    let c = Client::new(cfg).unwrap();
    let mut set = JoinSet::new();
    // Distinct reads (identical concurrent ones would be joined into one request).
    for i in 0..20 {
        let c = c.clone();
        set.spawn(async move { c.get_user(&format!("nobody-{i}@example.com")).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    assert!(c.metrics().retries > 0, "{:?}", c.metrics());
    h.shutdown().await;
}

#[tokio::test]
async fn client_side_limits_keep_under_the_servers() {
    let mut config = Config::default();
    config.set_limits(Limits {
        rate_limit: Some(RateLimit {
            calls: 10,
            per: Duration::from_secs(1),
        }),
        concurrency: Some(2),
        daily_quota: None,
    });
    let h = start(config).await;
    let mut cfg = config_for(&h);
    cfg.max_concurrency = 2;
    // The very limits the server has, with no margin: a call counts in the client's window until
    // a window after its answer, so every call the server still counts is counted here too.
    cfg.rate_limit = marketo_client::RateLimit {
        calls: 10,
        per: Duration::from_secs(1),
    };
    let c = Client::new(cfg).unwrap();
    let mut set = JoinSet::new();
    for i in 0..24 {
        let c = c.clone();
        set.spawn(async move { c.get_user(&format!("nobody-{i}@example.com")).await });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    let m = c.metrics();
    assert_eq!(
        m.retries, 0,
        "the client itself never tripped 606/615: {m:?}"
    );
    assert_eq!(m.api_requests, 24);
    h.shutdown().await;
}

/// The key reliability proof: with 30 % of calls failing (including "apply, then drop the reply"),
/// every create succeeds exactly once and every delete succeeds.
#[tokio::test]
async fn client_faults_never_duplicate_creates() {
    const N: usize = 12;
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    h.set_faults(Some(Faults {
        rate: 0.3,
        seed: 20_261_128,
    }));

    let mut set = JoinSet::new();
    for i in 0..N {
        let c = c.clone();
        set.spawn(async move {
            c.create_role(&NewRole {
                name: format!("Fault Role {i}"),
                description: None,
                permissions: vec!["Read-Only Lead".into()],
            })
            .await
        });
    }
    let mut role_ids = Vec::new();
    while let Some(r) = set.join_next().await {
        role_ids.push(r.unwrap().unwrap().role.id);
    }
    role_ids.sort_unstable();

    let mut set = JoinSet::new();
    for (i, role) in role_ids.iter().copied().enumerate() {
        let c = c.clone();
        set.spawn(async move {
            let email = format!("fault.user.{i}@example.com");
            c.invite_user(&api_user(&email, vec![pair(STANDARD_USER, DEFAULT_WS)]))
                .await?;
            let held = c
                .add_user_roles(&email, &[pair(role, DEFAULT_WS), pair(24, DEFAULT_WS)])
                .await?;
            assert_eq!(held.len(), 3);
            let held = c.delete_user_roles(&email, &[pair(24, DEFAULT_WS)]).await?;
            assert_eq!(held.len(), 2);
            let svc = c
                .create_service(&NewService {
                    display_name: format!("Fault Service {i}"),
                    description: None,
                    api_only_user: email.clone(),
                })
                .await?;
            Ok::<_, marketo_client::Error>((email, svc))
        });
    }
    let mut created = Vec::new();
    while let Some(r) = set.join_next().await {
        created.push(r.unwrap().unwrap());
    }

    h.set_faults(None);
    let snap = h.snapshot();
    let role_names: Vec<_> = snap
        .roles
        .iter()
        .filter(|r| r.name.starts_with("Fault Role"))
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(role_names.len(), N, "{role_names:?}");
    assert_eq!(role_names.iter().collect::<HashSet<_>>().len(), N);
    let users: Vec<_> = snap
        .users
        .iter()
        .filter(|u| u.email_address.starts_with("fault.user."))
        .collect();
    assert_eq!(users.len(), N);
    for u in &users {
        assert_eq!(u.user_role_workspaces.len(), 2, "{u:?}");
    }
    let services: Vec<_> = snap
        .services
        .iter()
        .filter(|s| s.display_name.starts_with("Fault Service"))
        .collect();
    assert_eq!(services.len(), N);
    // What each create returned is what the emulator holds, secret included.
    for (email, svc) in &created {
        let s = services
            .iter()
            .find(|s| i64::from(s.id) == svc.service.id)
            .expect("returned service exists");
        assert_eq!(&s.api_only_user, email);
        fetch_token(
            &identity_url(&h),
            &svc.service.client_id,
            &svc.client_secret,
        )
        .await
        .unwrap();
    }
    let m = c.metrics();
    assert!(
        m.retries > 0 && m.lookups > 0,
        "faults were exercised: {m:?}"
    );

    // Deletes under faults too.
    h.set_faults(Some(Faults { rate: 0.3, seed: 7 }));
    let mut set = JoinSet::new();
    for (email, svc) in created {
        let c = c.clone();
        set.spawn(async move {
            c.delete_service(svc.service.id).await?;
            c.delete_user(&email).await
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
    for id in role_ids {
        c.delete_role(id).await.unwrap();
    }
    h.set_faults(None);
    let snap = h.snapshot();
    assert!(!snap.roles.iter().any(|r| r.name.starts_with("Fault Role")));
    assert!(
        !snap
            .users
            .iter()
            .any(|u| u.email_address.starts_with("fault.user."))
    );
    assert!(
        !snap
            .services
            .iter()
            .any(|s| s.display_name.starts_with("Fault Service"))
    );
    h.shutdown().await;
}

#[tokio::test]
async fn client_reports_missing_admin_endpoints() {
    let h = start(Config::default().without_limits()).await;
    let mut cfg = config_for(&h);
    // Every path under this prefix is unknown to the emulator: 404 with code 610.
    cfg.endpoint = Url::parse(&format!("{}/no-such-api/", h.base_url())).unwrap();
    let c = Client::new(cfg).unwrap();
    let e = c.get_role(1).await.unwrap_err();
    assert_eq!(
        (e.kind(), e.status(), e.code()),
        (ErrorKind::EndpointMissing, Some(404), Some(610))
    );
    let e = c.list_permissions().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EndpointMissing);
    let e = c
        .create_role(&NewRole {
            name: "R".into(),
            description: None,
            permissions: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EndpointMissing);
    let e = c.get_service(1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EndpointMissing);
    let e = c.list_services().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EndpointMissing);
    assert_eq!(c.metrics().retries, 0);
    h.shutdown().await;
}

#[tokio::test]
async fn client_gives_up_and_cancels_cleanly() {
    let h = start(Config::default().without_limits()).await;
    let mut cfg = config_for(&h);
    cfg.retry.max_attempts = 3;
    let c = Client::new(cfg).unwrap();
    c.authenticate().await.unwrap();
    h.set_faults(Some(Faults { rate: 1.0, seed: 3 }));
    let e = c.list_roles().await.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Transient | ErrorKind::RateLimited),
        "{e}"
    );
    assert_eq!(c.metrics().retries, 2);

    // Cancellation cuts the back-off short.
    let mut slow = config_for(&h);
    slow.retry.base_delay = Duration::from_secs(5);
    slow.retry.max_delay = Duration::from_secs(5);
    slow.retry.rate_limit_window = Duration::from_secs(5);
    let token = CancellationToken::new();
    let slow = Client::new(slow).unwrap().with_cancellation(token.clone());
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        token.cancel();
    });
    let started = Instant::now();
    let e = slow.list_roles().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(3));
    canceller.await.unwrap();
    h.shutdown().await;
}

#[tokio::test]
async fn client_errors_never_contain_secrets() {
    let h = start(Config::default().without_limits()).await;
    let c = client(&h);
    let token = fetch_token(
        &identity_url(&h),
        h.client_id(),
        &Secret::new(h.client_secret()),
    )
    .await
    .unwrap();
    let secrets = [
        h.client_secret().to_owned(),
        token.token.expose().to_owned(),
    ];
    let mut errors = Vec::new();
    errors.push(c.delete_role(1).await.unwrap_err());
    errors.push(c.get_user_roles("nobody@example.com").await.unwrap_err());
    errors.push(
        c.create_role(&NewRole {
            name: "".into(),
            description: None,
            permissions: vec![],
        })
        .await
        .unwrap_err(),
    );
    let mut wrong = config_for(&h);
    wrong.client_secret = Secret::new(format!("{}-nope", h.client_secret()));
    errors.push(Client::new(wrong).unwrap().list_roles().await.unwrap_err());
    let mut cfg = config_for(&h);
    cfg.retry.max_attempts = 2;
    let flaky = Client::new(cfg).unwrap();
    flaky.authenticate().await.unwrap();
    h.set_faults(Some(Faults {
        rate: 1.0,
        seed: 11,
    }));
    for _ in 0..4 {
        errors.push(flaky.list_workspaces().await.unwrap_err());
    }
    h.set_faults(None);
    let mut dead = config_for(&h);
    dead.endpoint = Url::parse("http://127.0.0.1:9/").unwrap();
    dead.identity_endpoint = Url::parse("http://127.0.0.1:9/identity").unwrap();
    dead.retry.max_attempts = 1;
    errors.push(Client::new(dead).unwrap().list_roles().await.unwrap_err());
    for e in &errors {
        for text in [e.to_string(), format!("{e:?}"), e.message().to_owned()] {
            for s in &secrets {
                assert!(!text.contains(s.as_str()), "secret in {text}");
            }
        }
    }
    assert!(!format!("{c:?}").contains(h.client_secret()));
    assert!(!format!("{token:?}").contains(token.token.expose()));
    h.shutdown().await;
}

#[tokio::test]
async fn client_quota_and_refused_connections() {
    let mut config = Config::default();
    config.set_limits(Limits {
        rate_limit: None,
        concurrency: None,
        daily_quota: Some(2),
    });
    let h = start(config).await;
    let c = client(&h);
    c.list_roles().await.unwrap();
    c.list_roles().await.unwrap();
    let e = c.list_roles().await.unwrap_err();
    assert_eq!(
        (e.kind(), e.code()),
        (ErrorKind::QuotaExceeded, Some(607)),
        "{e}"
    );
    assert_eq!(c.metrics().retries, 0, "607 is not retried");
    let mut cfg = config_for(&h);
    h.shutdown().await;

    // Nothing listens on port 9: connection refused proves nothing was sent, so it is retried,
    // token fetch included, until the attempts run out.
    cfg.endpoint = Url::parse("http://127.0.0.1:9/").unwrap();
    cfg.identity_endpoint = Url::parse("http://127.0.0.1:9/identity").unwrap();
    cfg.retry.max_attempts = 3;
    let dead = Client::new(cfg).unwrap();
    let e = dead.list_roles().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transient, "{e}");
    assert!(e.to_string().contains("could not connect"), "{e}");
    let m = dead.metrics();
    assert_eq!(
        (m.identity_requests, m.retries, m.api_requests),
        (3, 2, 0),
        "{m:?}"
    );
}
