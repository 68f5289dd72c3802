//! Issue 12: the provider processes of consecutive Terraform commands on one machine share one
//! call budget (a lock file in the temp directory), so an apply followed at once by a destroy
//! meets no 606 when together they stay under the limit.

use std::time::Duration;

use marketo_emulator::{Config, Limits, RateLimit};

use crate::support::{self, terraform::Terraform};

const ROLES: &str = r#"
resource "marketo_api_only_role" "a" {
  name        = "Budget A"
  permissions = ["Read-Only Lead"]
}

resource "marketo_api_only_role" "b" {
  name        = "Budget B"
  permissions = ["Read-Only Lead"]
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_then_a_destroy_share_one_call_budget_and_meet_no_606() {
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("requests.jsonl");
    let mut config = Config {
        log_file: Some(log.clone()),
        ..Config::default()
    };
    // Marketo's rule scaled down: 6 calls per 20 s for the instance, which every provider process
    // of this test would meet alone with a budget of 5 per 20 s of its own.
    config.set_limits(Limits {
        rate_limit: Some(RateLimit {
            calls: 6,
            per: Duration::from_secs(20),
        }),
        concurrency: None,
        daily_quota: None,
    });
    let emu = support::start(config).await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_MAX_CALLS_PER_20_SECONDS", "5");
    // The budget file of this emulator's instance, kept apart from other runs.
    let budget = dir.path().join("budget");
    std::fs::create_dir(&budget).expect("budget dir");
    tf.set_env("TMPDIR", &budget.display().to_string());
    tf.config(ROLES);
    tf.apply();
    tf.destroy();
    let lines = std::fs::read_to_string(&log).expect("request log");
    let api: Vec<&str> = lines
        .lines()
        .filter(|l| !l.contains("/identity/"))
        .collect();
    assert!(api.len() > 5, "more calls than one window allows: {lines}");
    assert!(!lines.contains("\"code\":606"), "{lines}");
    assert!(
        std::fs::read_dir(&budget)
            .expect("budget dir")
            .filter_map(Result::ok)
            .any(|e| e
                .file_name()
                .to_string_lossy()
                .starts_with("marketo-call-budget-")),
        "the provider used the shared budget"
    );
}
