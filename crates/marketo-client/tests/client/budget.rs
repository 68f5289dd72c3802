//! Issue 12, item 6: clients in separate processes (here: independent `Client`s) that talk to one
//! instance share one call budget through a lock file, and together meet no 606.

use std::time::Duration;

use marketo_client::Client;
use marketo_emulator::{Config, Limits, RateLimit};
use tokio::task::JoinSet;

use crate::*;

async fn burst(clients: &[Client], per_client: usize) {
    let mut set = JoinSet::new();
    for (n, c) in clients.iter().enumerate() {
        for i in 0..per_client {
            let c = c.clone();
            // Distinct reads: identical concurrent ones would be joined into one request.
            set.spawn(async move { c.get_user(&format!("nobody-{n}-{i}@example.com")).await });
        }
    }
    while let Some(r) = set.join_next().await {
        r.unwrap().unwrap();
    }
}

fn limited_emulator() -> Config {
    let mut config = Config::default();
    // Marketo's rule (100 calls per 20 s) scaled down: 10 calls per second.
    config.set_limits(Limits {
        rate_limit: Some(RateLimit {
            calls: 10,
            per: Duration::from_secs(1),
        }),
        concurrency: None,
        daily_quota: None,
    });
    config
}

/// The credentials of a second API user of the instance (its own role, user and custom service),
/// made through the admin client before any limit is set.
async fn second_api_user(h: &marketo_emulator::EmulatorHandle) -> (String, marketo_client::Secret) {
    let admin = client(h);
    let role = admin
        .create_role(&marketo_client::NewRole {
            name: "Second Integration".into(),
            description: None,
            permissions: vec!["Access User Management Api".into(), "Access Users".into()],
        })
        .await
        .unwrap();
    admin
        .invite_user(&api_user(
            "second.integration@example.com",
            vec![pair(role.role.id, DEFAULT_WS)],
        ))
        .await
        .unwrap();
    let service = admin
        .create_service(&marketo_client::NewService {
            display_name: "Second Integration".into(),
            description: None,
            api_only_user: "second.integration@example.com".into(),
        })
        .await
        .unwrap();
    (service.service.client_id, service.client_secret)
}

/// Two clients of two API users (Marketo counts an instance's calls over all its users), each
/// within the limit on its own (8 calls per 1.2 s: as with Marketo's 80 of 100 calls, a margin)
/// but not together.
async fn two_clients(
    h: &marketo_emulator::EmulatorHandle,
    dir: Option<&std::path::Path>,
) -> [Client; 2] {
    let second = second_api_user(h).await;
    h.set_limits(limited_emulator().limits());
    let make = |credentials: Option<(String, marketo_client::Secret)>| {
        let mut cfg = config_for(h);
        if let Some((id, secret)) = credentials {
            cfg.client_id = id;
            cfg.client_secret = secret;
        }
        cfg.rate_limit = marketo_client::RateLimit {
            calls: 8,
            per: Duration::from_millis(1200),
        };
        cfg.max_concurrency = 8;
        cfg.call_budget_dir = dir.map(std::path::Path::to_path_buf);
        Client::new(cfg).unwrap()
    };
    [make(None), make(Some(second))]
}

#[tokio::test]
async fn two_clients_of_one_instance_share_one_call_budget_and_meet_no_606() {
    let dir = tempfile::tempdir().unwrap();
    let h = start(Config::default().without_limits()).await;
    let clients = two_clients(&h, Some(dir.path())).await;
    for c in &clients {
        c.authenticate().await.unwrap();
    }
    burst(&clients, 12).await;
    for c in &clients {
        let m = c.metrics();
        assert_eq!((m.api_requests, m.retries), (12, 0), "no 606: {m:?}");
    }
    // One file for the instance (two client ids), holding the starts of the last second.
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1);
    h.shutdown().await;
}

/// The control: without the shared file the same two clients trip Marketo's limit, so the test
/// above proves the sharing.
#[tokio::test]
async fn without_the_shared_budget_the_same_clients_meet_606() {
    let h = start(Config::default().without_limits()).await;
    let clients = two_clients(&h, None).await;
    for c in &clients {
        c.authenticate().await.unwrap();
    }
    burst(&clients, 12).await;
    let retries: u64 = clients.iter().map(|c| c.metrics().retries).sum();
    assert!(retries > 0, "606 was met and retried");
    h.shutdown().await;
}

/// Set for [`one_process_of_two`] by [`two_processes_share_one_call_budget`]: the emulator's
/// base URL, client id, client secret and the budget directory, separated by newlines.
const CHILD_ENV: &str = "MARKETO_CLIENT_BUDGET_CHILD";

/// One of the two provider-like processes: 12 calls within its own limit, and no 606. Run only
/// by [`two_processes_share_one_call_budget`] (ignored otherwise).
#[tokio::test]
#[ignore = "run as a child process by two_processes_share_one_call_budget"]
async fn one_process_of_two() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let parts: Vec<&str> = spec.lines().collect();
    let [base, id, secret, dir] = parts[..] else {
        panic!("bad {CHILD_ENV}: {spec}");
    };
    let base = url::Url::parse(base).unwrap();
    let mut cfg = marketo_client::ClientConfig::new(
        base.clone(),
        url::Url::parse(&format!("{}/identity", base.as_str().trim_end_matches('/'))).unwrap(),
        id,
        marketo_client::Secret::new(secret),
    );
    cfg.rate_limit = marketo_client::RateLimit {
        calls: 8,
        per: Duration::from_millis(1200),
    };
    cfg.max_concurrency = 8;
    cfg.retry.rate_limit_window = Duration::from_millis(100);
    cfg.call_budget_dir = Some(dir.into());
    let c = Client::new(cfg).unwrap();
    c.authenticate().await.unwrap();
    burst(std::slice::from_ref(&c), 12).await;
    let m = c.metrics();
    assert_eq!((m.api_requests, m.retries), (12, 0), "no 606: {m:?}");
}

#[tokio::test]
async fn two_processes_share_one_call_budget() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = limited_emulator();
    let log = RequestLog::on(&mut config);
    let h = start(config).await;
    let budget_dir = dir.path().join("budget");
    std::fs::create_dir(&budget_dir).unwrap();
    let spec = format!(
        "{}\n{}\n{}\n{}",
        h.base_url(),
        h.client_id(),
        h.client_secret(),
        budget_dir.display()
    );
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            tokio::process::Command::new(&exe)
                .args([
                    "budget::one_process_of_two",
                    "--exact",
                    "--ignored",
                    "--nocapture",
                ])
                .env(CHILD_ENV, &spec)
                .kill_on_drop(true)
                .output()
        })
        .collect();
    for child in children {
        let out = child.await.unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran: {text}");
    }
    let lines = log.text();
    assert_eq!(log.api_calls().len(), 24, "{lines}");
    assert!(!lines.contains("\"code\":606"), "{lines}");
    h.shutdown().await;
}
