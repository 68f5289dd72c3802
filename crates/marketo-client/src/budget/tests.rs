use super::*;

fn limit(calls: u32, per_ms: u64) -> RateLimit {
    RateLimit {
        calls,
        per: Duration::from_millis(per_ms),
    }
}

fn url(s: &str) -> url::Url {
    url::Url::parse(s).unwrap()
}

#[test]
fn the_file_is_keyed_by_instance() {
    let dir = Path::new("/tmp");
    let a = budget_path(dir, &url("https://123-abc-456.mktorest.com"));
    assert_eq!(
        a,
        budget_path(dir, &url("https://123-abc-456.mktorest.com/"))
    );
    // Host names are case-insensitive: a Munchkin id spelt in capitals is the same instance.
    assert_eq!(
        a,
        budget_path(dir, &url("https://123-ABC-456.mktorest.com"))
    );
    assert_ne!(
        a,
        budget_path(dir, &url("https://999-abc-456.mktorest.com"))
    );
    let name = a.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("marketo-call-budget-") && name.ends_with(".lock"));
    // Stable across builds and processes.
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
}

#[test]
fn starts_are_counted_in_a_sliding_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.lock");
    let l = limit(2, 1000);
    assert_eq!(take_turn(&path, l, 10_000).unwrap(), Turn::Go);
    assert_eq!(take_turn(&path, l, 10_100).unwrap(), Turn::Go);
    assert_eq!(
        take_turn(&path, l, 10_200).unwrap(),
        Turn::Wait(Duration::from_millis(800))
    );
    // The first start left the window.
    assert_eq!(take_turn(&path, l, 11_000).unwrap(), Turn::Go);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, "10100\n11000\n");
}

#[test]
fn a_corrupt_file_is_rewritten_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.lock");
    std::fs::write(
        &path,
        b"garbage\n\xff\xfe\n10500\n99999999999999999999999\n",
    )
    .unwrap();
    let l = limit(2, 1000);
    assert_eq!(take_turn(&path, l, 11_000).unwrap(), Turn::Go);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "10500\n11000\n");
    // A start far in the future (a clock that jumped back) does not block the window forever.
    std::fs::write(&path, "99000000\n99000001\n").unwrap();
    assert_eq!(take_turn(&path, l, 11_000).unwrap(), Turn::Go);
}

#[test]
fn a_file_held_by_another_process_is_reported_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.lock");
    let holder = File::create(&path).unwrap();
    holder.lock().unwrap();
    assert_eq!(take_turn(&path, limit(2, 1000), 0).unwrap(), Turn::Locked);
    holder.unlock().unwrap();
    assert_eq!(take_turn(&path, limit(2, 1000), 0).unwrap(), Turn::Go);
}

#[tokio::test]
async fn an_unusable_file_lets_the_call_go() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = url("http://127.0.0.1:1");
    // A directory where the file should be, and a directory that does not exist.
    let budget = SharedBudget::new(Some(dir.path()), &endpoint, limit(1, 60_000));
    let path = budget.path.clone().unwrap();
    std::fs::create_dir(&path).unwrap();
    assert!(matches!(
        take_turn(&path, limit(1, 60_000), 0),
        Err(BudgetError::Open { .. })
    ));
    let missing = dir.path().join("no").join("such");
    let elsewhere = SharedBudget::new(Some(&missing), &endpoint, limit(1, 60_000));
    let started = Instant::now();
    for _ in 0..3 {
        budget.reserve().await;
        elsewhere.reserve().await;
    }
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn a_file_locked_for_good_lets_the_call_go_after_a_while() {
    let dir = tempfile::tempdir().unwrap();
    let endpoint = url("http://127.0.0.1:1");
    let budget = SharedBudget::new(Some(dir.path()), &endpoint, limit(5, 1000));
    let holder = File::create(budget.path.as_ref().unwrap()).unwrap();
    holder.lock().unwrap();
    let started = Instant::now();
    budget.reserve().await;
    let waited = started.elapsed();
    assert!(
        waited >= LOCK_PATIENCE && waited < LOCK_PATIENCE * 2,
        "{waited:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_planted_at_the_path_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let path = dir.path().join("budget.lock");
    std::os::unix::fs::symlink(&victim, &path).unwrap();
    assert!(matches!(
        take_turn(&path, limit(2, 1000), 0),
        Err(BudgetError::Open { .. })
    ));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
}
