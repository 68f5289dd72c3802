//! The client configuration of `review --resolve`, from the provider's `MARKETO_*` environment
//! variables, read as the provider block reads them when its attributes are unset:
//! `MARKETO_ENDPOINT` (else `MARKETO_MUNCHKIN_ID`), `MARKETO_IDENTITY_ENDPOINT`,
//! `MARKETO_CLIENT_ID`, `MARKETO_CLIENT_SECRET`, the four request settings and
//! `MARKETO_CA_CERTIFICATE_FILE`. A copy kept small on purpose (the provider's own resolution
//! lives in `crate::provider`, which the review may not name); to be unified.

use std::path::Path;
use std::time::Duration;

use marketo_client::{ClientConfig, Secret};
use url::Url;

/// A setting that is missing or wrong; the text names the variable, never a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct EnvError(String);

fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// HTTPS, or HTTP on a loopback address (an emulator).
fn endpoint(name: &str, text: &str) -> Result<Url, EnvError> {
    if text.chars().any(char::is_control) {
        return Err(EnvError(format!("{name} holds a control character")));
    }
    let url = Url::parse(text).map_err(|e| EnvError(format!("{name} is not a URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(EnvError(format!(
            "{name} carries a user name or password, which Marketo does not take"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if marketo_client::is_loopback(&url) => {}
        _ => {
            return Err(EnvError(format!(
                "{name} must be an https URL (plain http only on a loopback address)"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(EnvError(format!("{name} has no host")));
    }
    Ok(url)
}

fn number(name: &str, low: u64, high: u64, default: u64) -> Result<u64, EnvError> {
    match var(name) {
        None => Ok(default),
        Some(t) => t
            .parse::<u64>()
            .ok()
            .filter(|n| (low..=high).contains(n))
            .ok_or_else(|| {
                EnvError(format!(
                    "{name} must be a whole number from {low} to {high}"
                ))
            }),
    }
}

/// The client configuration the provider would use with no provider block settings.
pub fn client_config_from_env() -> Result<ClientConfig, EnvError> {
    let base = match (var("MARKETO_ENDPOINT"), var("MARKETO_MUNCHKIN_ID")) {
        (Some(e), _) => endpoint("MARKETO_ENDPOINT", &e)?,
        (None, Some(m)) => {
            let ok = m.len() == 11
                && m.split('-').count() == 3
                && m.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                return Err(EnvError(
                    "MARKETO_MUNCHKIN_ID is not a Munchkin id such as 123-ABC-456".into(),
                ));
            }
            endpoint(
                "MARKETO_MUNCHKIN_ID",
                &format!("https://{}.mktorest.com", m.to_ascii_uppercase()),
            )?
        }
        (None, None) => {
            return Err(EnvError(
                "the Marketo instance is not set: set MARKETO_ENDPOINT or MARKETO_MUNCHKIN_ID"
                    .into(),
            ));
        }
    };
    let identity = match var("MARKETO_IDENTITY_ENDPOINT") {
        Some(i) => endpoint("MARKETO_IDENTITY_ENDPOINT", &i)?,
        None => endpoint(
            "MARKETO_ENDPOINT",
            &format!("{}/identity", base.as_str().trim_end_matches('/')),
        )?,
    };
    let client_id =
        var("MARKETO_CLIENT_ID").ok_or_else(|| EnvError("MARKETO_CLIENT_ID is not set".into()))?;
    let secret = std::env::var("MARKETO_CLIENT_SECRET")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| EnvError("MARKETO_CLIENT_SECRET is not set".into()))?;
    let mut config = ClientConfig::new(base, identity, client_id, Secret::new(secret));
    config.user_agent = concat!(
        "terraform-provider-marketo/",
        env!("CARGO_PKG_VERSION"),
        " (review)"
    )
    .to_string();
    config.rate_limit.calls = number("MARKETO_MAX_CALLS_PER_20_SECONDS", 1, 100, 80)? as u32;
    config.max_concurrency = number("MARKETO_MAX_CONCURRENT_CALLS", 1, 10, 5)? as usize;
    config.request_timeout = Duration::from_secs(number("MARKETO_REQUEST_TIMEOUT", 1, 300, 30)?);
    config.retry.max_attempts = number("MARKETO_MAX_RETRIES", 0, 20, 5)? as u32 + 1;
    if let Some(path) = var("MARKETO_CA_CERTIFICATE_FILE") {
        let roots = marketo_client::load_pem_file(Path::new(&path))
            .map_err(|e| EnvError(format!("MARKETO_CA_CERTIFICATE_FILE: {e}")))?;
        config.extra_roots.extend(roots);
    }
    for (name, load) in [
        (
            "SSL_CERT_FILE",
            marketo_client::load_pem_file
                as fn(&Path) -> Result<Vec<marketo_client::TrustRoot>, marketo_client::TrustError>,
        ),
        ("SSL_CERT_DIR", marketo_client::load_pem_dir),
    ] {
        if let Some(value) = std::env::var_os(name).filter(|v| !v.is_empty()) {
            for path in std::env::split_paths(&value) {
                // As the provider: an unusable system setting is skipped.
                if let Ok(roots) = load(&path) {
                    config.extra_roots.extend(roots);
                }
            }
        }
    }
    Ok(config)
}
