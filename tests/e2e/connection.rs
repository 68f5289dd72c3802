//! Reaching a real instance through Terraform: request timeouts and retries, DNS failures named
//! by the URL built from the Munchkin id, private CAs (`ca_certificate_file`, `SSL_CERT_FILE`),
//! an HTTPS proxy, and the environment variables of the request settings.

use std::time::{Duration, Instant};

use crate::support::{self, net, terraform::Terraform};

const READ: &str = "data \"marketo_workspaces\" \"all\" {}\n";

fn plan_fails(tf: &Terraform) -> String {
    tf.fails(&["plan", "-input=false", "-no-color"]).flat()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_instance_times_out_after_request_timeout() {
    let emu = support::emulator().await;
    let hang = net::hanging_server().await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &hang);
    tf.config(&format!(
        "provider \"marketo\" {{\n  request_timeout = 2\n  max_retries     = 1\n}}\n{READ}"
    ));
    let started = Instant::now();
    let text = plan_fails(&tf);
    let took = started.elapsed();
    println!("hang, request_timeout = 2 ({took:?}):\n{text}");
    assert!(text.contains("timed out after 2 s"), "{text}");
    assert!(text.contains("Marketo did not answer"), "{text}");
    assert!(!text.contains("refused"), "{text}");
    assert!(took < Duration::from_secs(20), "took {took:?}");

    // The same from the environment variables.
    tf.config(READ);
    tf.set_env("MARKETO_REQUEST_TIMEOUT", "1");
    tf.set_env("MARKETO_MAX_RETRIES", "0");
    let started = Instant::now();
    let text = plan_fails(&tf);
    assert!(text.contains("timed out after 1 s"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(15), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_munchkin_id_that_resolves_nowhere_names_the_url() {
    let emu = support::emulator().await;
    let mut tf = Terraform::new(&emu);
    tf.unset_env("MARKETO_ENDPOINT");
    tf.config(&format!(
        "provider \"marketo\" {{\n  munchkin_id = \"123-ABC-456\"\n}}\n{READ}"
    ));
    let started = Instant::now();
    let text = plan_fails(&tf);
    println!("DNS failure:\n{text}");
    assert!(text.contains("Cannot reach Marketo"), "{text}");
    assert!(
        text.contains("https://123-abc-456.mktorest.com"),
        "names the URL: {text}"
    );
    assert!(text.contains("munchkin_id"), "{text}");
    assert!(
        !text.contains("client_secret"),
        "blames no credentials: {text}"
    );
    assert!(!text.contains("Cannot log in"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_ca_is_trusted_only_when_given() {
    let ca = net::https_emulator().await;
    let emu = &ca.emu;
    assert!(emu.base_url().starts_with("https://127.0.0.1:"));
    let mut tf = Terraform::new(emu);
    tf.config(&format!("provider \"marketo\" {{}}\n{READ}"));

    let text = plan_fails(&tf);
    println!("private CA missing:\n{text}");
    assert!(text.contains("certificate is not trusted"), "{text}");
    assert!(text.contains("ca_certificate_file"), "{text}");
    assert!(text.contains("SSL_CERT_FILE"), "{text}");
    assert!(!text.contains("client_secret"), "{text}");

    tf.config(&format!(
        "provider \"marketo\" {{\n  ca_certificate_file = \"{}\"\n}}\n{READ}",
        ca.ca_pem.display()
    ));
    let out = tf.ok(&["plan", "-input=false", "-no-color"]);
    println!("private CA present:\n{}", out.text());

    tf.config(READ);
    tf.set_env("SSL_CERT_FILE", &ca.ca_pem.display().to_string());
    tf.ok(&["plan", "-input=false", "-no-color"]);
    tf.unset_env("SSL_CERT_FILE");

    tf.set_env(
        "SSL_CERT_DIR",
        &ca.ca_pem.parent().expect("dir").display().to_string(),
    );
    tf.ok(&["plan", "-input=false", "-no-color"]);
    tf.unset_env("SSL_CERT_DIR");

    tf.set_env(
        "MARKETO_CA_CERTIFICATE_FILE",
        &ca.ca_pem.display().to_string(),
    );
    tf.ok(&["plan", "-input=false", "-no-color"]);

    // A stale SSL_CERT_FILE is warned about, not fatal.
    tf.set_env("SSL_CERT_FILE", "/nonexistent/ca-bundle.pem");
    let out = tf.ok(&["plan", "-input=false", "-no-color"]).flat();
    assert!(out.contains("SSL_CERT_FILE is not usable"), "{out}");
    assert!(out.contains("/nonexistent/ca-bundle.pem"), "{out}");
    tf.unset_env("SSL_CERT_FILE");

    // A file that is not PEM is an error at plan naming the attribute.
    let bogus = tf.dir().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate").expect("write");
    tf.set_env("MARKETO_CA_CERTIFICATE_FILE", &bogus.display().to_string());
    let text = plan_fails(&tf);
    assert!(text.contains("Unusable CA certificate file"), "{text}");
    assert!(text.contains("holds no PEM certificate"), "{text}");
    assert!(text.contains("ca_certificate_file"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_proxy_carries_the_calls_and_no_proxy_bypasses_it() {
    let ca = net::https_emulator().await;
    let proxy = net::connect_proxy().await;
    let mut tf = Terraform::new(&ca.emu);
    tf.set_env(
        "MARKETO_CA_CERTIFICATE_FILE",
        &ca.ca_pem.display().to_string(),
    );
    tf.set_env("HTTPS_PROXY", &proxy.url);
    tf.config(READ);
    tf.ok(&["plan", "-input=false", "-no-color"]);
    let port = ca.emu.local_addr().port();
    let seen = proxy.targets.lock().expect("lock").clone();
    assert!(
        seen.iter().any(|t| t == &format!("127.0.0.1:{port}")),
        "the proxy tunnelled {seen:?}"
    );

    let before = seen.len();
    tf.set_env("NO_PROXY", "127.0.0.1");
    tf.ok(&["plan", "-input=false", "-no-color"]);
    assert_eq!(proxy.targets.lock().expect("lock").len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_settings_from_the_environment_and_their_errors() {
    let emu = support::emulator().await;
    let mut tf = Terraform::new(&emu);
    tf.config(READ);
    for (key, value) in [
        ("MARKETO_REQUEST_TIMEOUT", "10"),
        ("MARKETO_MAX_RETRIES", "2"),
        ("MARKETO_MAX_CALLS_PER_20_SECONDS", "40"),
        ("MARKETO_MAX_CONCURRENT_CALLS", "2"),
    ] {
        tf.set_env(key, value);
    }
    tf.ok(&["plan", "-input=false", "-no-color"]);

    tf.set_env("MARKETO_MAX_CALLS_PER_20_SECONDS", "500");
    let text = plan_fails(&tf);
    assert!(
        text.contains("`max_calls_per_20_seconds` must be a whole number from 1 to 100"),
        "{text}"
    );
    assert!(text.contains("MARKETO_MAX_CALLS_PER_20_SECONDS"), "{text}");
    tf.unset_env("MARKETO_MAX_CALLS_PER_20_SECONDS");

    tf.set_env("MARKETO_REQUEST_TIMEOUT", "soon");
    let text = plan_fails(&tf);
    assert!(
        text.contains("`request_timeout` must be a whole number from 1 to 300"),
        "{text}"
    );
    assert!(text.contains("MARKETO_REQUEST_TIMEOUT"), "{text}");
    tf.unset_env("MARKETO_REQUEST_TIMEOUT");

    tf.config(&format!(
        "provider \"marketo\" {{\n  max_retries = 21\n}}\n{READ}"
    ));
    let text = plan_fails(&tf);
    assert!(
        text.contains("`max_retries` must be a whole number from 0 to 20"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_limiter_setting_is_an_error() {
    let emu = support::emulator().await;
    let tf = Terraform::new(&emu);
    tf.config(&format!(
        "provider \"marketo\" {{\n  alias = \"admin\"\n}}\n\n\
         resource \"marketo_api_only_role\" \"r\" {{\n  provider    = marketo.admin\n  name        = \"unknown-limit\"\n  permissions = [\"Read-Only Lead\"]\n}}\n\n\
         provider \"marketo\" {{\n  max_calls_per_20_seconds = length(marketo_api_only_role.r.id)\n}}\n{READ}"
    ));
    let text = plan_fails(&tf);
    assert!(
        text.contains("Provider setting not known until apply"),
        "{text}"
    );
    assert!(text.contains("max_calls_per_20_seconds"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_on_a_429_sets_the_wait_before_the_retry() {
    let emu = support::emulator().await;
    let relay = net::throttle_first_read(emu.base_url(), "3").await;
    let mut tf = Terraform::new(&emu);
    tf.set_env("MARKETO_ENDPOINT", &relay.url);
    tf.config(READ);
    tf.ok(&["plan", "-input=false", "-no-color"]);
    let calls = relay.api_calls.lock().expect("calls").clone();
    assert!(
        calls.len() >= 2,
        "the throttled read was retried: {calls:?}"
    );
    let gap = calls[1] - calls[0];
    println!("429 with Retry-After: 3, then the retry {gap:?} later");
    // Without the header the provider's own back-off decides (milliseconds, or the 20 s window
    // for a rate limit); with it, the retry comes when the server asked.
    assert!(gap >= Duration::from_millis(2900), "retried after {gap:?}");
    assert!(gap < Duration::from_secs(10), "retried after {gap:?}");
}
