//! The provider's request settings (timeouts, retries, the two limiter settings), its extra
//! trust roots (`ca_certificate_file`, `SSL_CERT_FILE`, `SSL_CERT_DIR`), and what a failed
//! first login tells the user; and the checks of the instance settings across the block and the
//! environment (`munchkin_id` with `endpoint`) and of the text settings (issue 12).

use std::path::Path;
use std::time::Duration;

use super::block::{
    CLIENT_ID, CLIENT_SECRET, ENDPOINT, MUNCHKIN_ID, ProviderModel, Setting, conflict_error,
    lookup, setting_error, unknown_error,
};
use crate::checks::values;
use crate::common::{Guards, InUseCheck};
use marketo_client::{ClientConfig, ErrorKind, Transport, TrustRoot};
use tfplugin6::model::Attr;
use tfplugin6::{AttributePath, Diagnostic, Diagnostics, Number};

/// A whole-number setting: its attribute, environment variable, bounds, default and where the
/// model keeps it.
pub(super) struct NumberSetting {
    pub attr: &'static str,
    pub env: &'static str,
    pub low: i64,
    pub high: i64,
    pub default: i64,
    pub value: fn(&ProviderModel) -> &Attr<Number>,
}

pub(super) const MAX_CALLS: NumberSetting = NumberSetting {
    attr: "max_calls_per_20_seconds",
    env: "MARKETO_MAX_CALLS_PER_20_SECONDS",
    value: |m| &m.max_calls_per_20_seconds,
    low: 1,
    high: 100,
    default: 80,
};
pub(super) const MAX_CONCURRENT: NumberSetting = NumberSetting {
    attr: "max_concurrent_calls",
    env: "MARKETO_MAX_CONCURRENT_CALLS",
    value: |m| &m.max_concurrent_calls,
    low: 1,
    high: 10,
    default: 5,
};
pub(super) const REQUEST_TIMEOUT: NumberSetting = NumberSetting {
    attr: "request_timeout",
    env: "MARKETO_REQUEST_TIMEOUT",
    value: |m| &m.request_timeout,
    low: 1,
    high: 300,
    default: 30,
};
pub(super) const MAX_RETRIES: NumberSetting = NumberSetting {
    attr: "max_retries",
    env: "MARKETO_MAX_RETRIES",
    value: |m| &m.max_retries,
    low: 0,
    high: 20,
    default: 5,
};
pub(super) const NUMBERS: [&NumberSetting; 4] =
    [&MAX_CALLS, &MAX_CONCURRENT, &REQUEST_TIMEOUT, &MAX_RETRIES];

pub(super) const CA_CERTIFICATE_FILE: Setting = Setting {
    attr: "ca_certificate_file",
    env: "MARKETO_CA_CERTIFICATE_FILE",
    value: |m| &m.ca_certificate_file,
};

fn out_of_range(n: &NumberSetting, from_env: Option<&str>) -> Diagnostic {
    let NumberSetting {
        attr,
        env,
        low,
        high,
        ..
    } = n;
    let origin = match from_env {
        Some(text) => format!(
            " It came from the environment variable {env} = \"{}\".",
            crate::checks::values::escaped(text)
        ),
        None => String::new(),
    };
    Diagnostic::error(
        "Invalid provider setting",
        format!("`{attr}` must be a whole number from {low} to {high}.{origin}"),
    )
    .at(AttributePath::root(*attr))
}

fn in_range(n: &NumberSetting, f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f >= n.low as f64 && f <= n.high as f64).then_some(f as i64)
}

/// The value set in the provider block, when it is known: for `ValidateProviderConfig`, where
/// unknown values are still allowed.
pub(super) fn number_in_config(
    config: &ProviderModel,
    n: &NumberSetting,
) -> Result<Option<i64>, Diagnostic> {
    let Some(v) = (n.value)(config).known() else {
        return Ok(None);
    };
    in_range(n, v.as_f64())
        .map(Some)
        .ok_or_else(|| out_of_range(n, None))
}

/// The block's value, else the environment variable's, else the default. An unknown value is an
/// error: the provider must know how to call Marketo while planning.
pub(super) fn number(config: &ProviderModel, n: &NumberSetting) -> Result<i64, Diagnostic> {
    if (n.value)(config).is_unknown() {
        return Err(unknown_error(n.attr, n.env));
    }
    if let Some(found) = number_in_config(config, n)? {
        return Ok(found);
    }
    match std::env::var(n.env) {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(|f| in_range(n, f))
            .ok_or_else(|| out_of_range(n, Some(&text))),
        _ => Ok(n.default),
    }
}

/// Applies the four numeric settings to the client's configuration.
pub(super) fn apply_numbers(
    config: &ProviderModel,
    client: &mut ClientConfig,
    diags: &mut Diagnostics,
) {
    let mut get = |n: &NumberSetting| match number(config, n) {
        Ok(v) => Some(v),
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let (calls, concurrent, timeout, retries) = (
        get(&MAX_CALLS),
        get(&MAX_CONCURRENT),
        get(&REQUEST_TIMEOUT),
        get(&MAX_RETRIES),
    );
    if let Some(calls) = calls.and_then(|c| u32::try_from(c).ok()) {
        client.rate_limit.calls = calls;
    }
    if let Some(n) = concurrent.and_then(|c| usize::try_from(c).ok()) {
        client.max_concurrency = n;
    }
    if let Some(secs) = timeout.and_then(|t| u64::try_from(t).ok()) {
        client.request_timeout = Duration::from_secs(secs);
    }
    if let Some(retries) = retries.and_then(|r| u32::try_from(r).ok()) {
        client.retry.max_attempts = retries + 1;
    }
}

/// The extra trust roots: `ca_certificate_file` (or its environment variable), which must be a
/// readable PEM file, and `SSL_CERT_FILE` / `SSL_CERT_DIR`, which are warned about and skipped
/// when unusable (a stale system setting should not stop Terraform).
pub(super) fn trust_roots(config: &ProviderModel, diags: &mut Diagnostics) -> Vec<TrustRoot> {
    let mut roots = Vec::new();
    match lookup(config, &CA_CERTIFICATE_FILE) {
        Err(d) => diags.push(d),
        Ok(None) => {}
        Ok(Some(path)) => match marketo_client::load_pem_file(Path::new(&path)) {
            Ok(found) => roots.extend(found),
            Err(e) => diags.push(
                Diagnostic::error(
                    "Unusable CA certificate file",
                    format!(
                        "`{}` (or {}): {e}. It must name a PEM file holding the certificate of the \
                         CA that signed the Marketo endpoint's certificate (for example a \
                         TLS-inspecting proxy's CA).",
                        CA_CERTIFICATE_FILE.attr, CA_CERTIFICATE_FILE.env
                    ),
                )
                .at(AttributePath::root(CA_CERTIFICATE_FILE.attr)),
            ),
        },
    }
    for (env, load) in [
        (
            "SSL_CERT_FILE",
            marketo_client::load_pem_file
                as fn(&Path) -> Result<Vec<TrustRoot>, marketo_client::TrustError>,
        ),
        ("SSL_CERT_DIR", marketo_client::load_pem_dir),
    ] {
        let Some(value) = std::env::var_os(env).filter(|v| !v.is_empty()) else {
            continue;
        };
        // SSL_CERT_DIR may list several directories, as OpenSSL reads it.
        for path in std::env::split_paths(&value) {
            match load(&path) {
                Ok(found) => roots.extend(found),
                Err(e) => diags.warning(
                    format!("{env} is not usable"),
                    format!(
                        "The environment variable {env} names {}, which the provider cannot use: \
                         {e}. Its certificates are not trusted; `{}` names a CA certificate file \
                         for this provider alone.",
                        path.display(),
                        CA_CERTIFICATE_FILE.attr
                    ),
                ),
            }
        }
    }
    roots
}

/// `adopt_existing` (issue 12): the block's value, else `MARKETO_ADOPT_EXISTING` (`true` /
/// `false`, `1` / `0`), else false. An unknown value is an error, as for every setting.
pub(super) fn adopt_existing(config: &ProviderModel) -> Result<bool, Diagnostic> {
    use crate::checks::adoption::{ADOPT_EXISTING, ADOPT_EXISTING_ENV};
    bool_setting(&config.adopt_existing, ADOPT_EXISTING, ADOPT_EXISTING_ENV)
}

/// The guards of issue 17: `allow_self_lockout` (a boolean, default false) and `in_use_check`
/// (`warn`, the default, `error` or `off`), each from the block, else its environment variable.
pub(super) fn guards(config: &ProviderModel) -> Result<Guards, Diagnostics> {
    use crate::checks::in_use::{IN_USE_CHECK, IN_USE_CHECK_ENV};
    use crate::checks::lockout::{ALLOW_SELF_LOCKOUT, ALLOW_SELF_LOCKOUT_ENV};
    let mut diags = Diagnostics::new();
    let allow = bool_setting(
        &config.allow_self_lockout,
        ALLOW_SELF_LOCKOUT,
        ALLOW_SELF_LOCKOUT_ENV,
    )
    .unwrap_or_else(|d| {
        diags.push(d);
        false
    });
    let (text, from_env) = match &config.in_use_check {
        Attr::Unknown => {
            diags.push(unknown_error(IN_USE_CHECK, IN_USE_CHECK_ENV));
            (None, false)
        }
        Attr::Known(v) => (Some(v.clone()), false),
        Attr::Null => (
            std::env::var(IN_USE_CHECK_ENV)
                .ok()
                .filter(|v| !v.trim().is_empty()),
            true,
        ),
    };
    let in_use = match text.as_deref().map(|t| t.trim().to_ascii_lowercase()) {
        None => InUseCheck::Warn,
        Some(t) => match t.as_str() {
            "warn" => InUseCheck::Warn,
            "error" => InUseCheck::Error,
            "off" => InUseCheck::Off,
            _ => {
                let shown = values::escaped(text.as_deref().unwrap_or_default());
                let came = if from_env {
                    format!(" It came from the environment variable {IN_USE_CHECK_ENV}.")
                } else {
                    String::new()
                };
                diags.push(
                    Diagnostic::error(
                        "Invalid provider setting",
                        format!(
                            "`{IN_USE_CHECK}` must be \"warn\", \"error\" or \"off\", not \"{shown}\".{came}"
                        ),
                    )
                    .at(AttributePath::root(IN_USE_CHECK)),
                );
                InUseCheck::Warn
            }
        },
    };
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Guards {
        allow_self_lockout: allow,
        in_use,
    })
}

/// A boolean setting: the block's value, else environment variable `env` (`true` / `false`,
/// `1` / `0`), else false. An unknown value is an error, as for every setting.
fn bool_setting(value: &Attr<bool>, attr: &str, env: &str) -> Result<bool, Diagnostic> {
    match value {
        Attr::Unknown => Err(unknown_error(attr, env)),
        Attr::Known(v) => Ok(*v),
        Attr::Null => match std::env::var(env) {
            Ok(text) => parse_bool(&text).ok_or_else(|| {
                Diagnostic::error(
                    "Invalid provider setting",
                    format!(
                        "`{attr}` must be true or false. It came from the environment variable \
                         {env} = {text:?}."
                    ),
                )
                .at(AttributePath::root(attr))
            }),
            Err(_) => Ok(false),
        },
    }
}

/// An environment variable's boolean: `true` / `false`, `1` / `0` (any case); empty is false.
fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" | "" => Some(false),
        _ => None,
    }
}

/// How the endpoint was named, for messages about reaching it.
#[derive(Debug)]
pub(super) enum Named {
    /// Built from this Munchkin id.
    Munchkin(String),
    /// Given as `endpoint` (or its environment variable).
    Endpoint,
}

/// The diagnostic for a first login that failed: it says what happened, and blames the
/// credentials only when Marketo refused them.
pub(super) fn login_error(
    e: &marketo_client::Error,
    endpoint: &url::Url,
    named: &Named,
) -> Diagnostic {
    let (attr, origin) = match named {
        Named::Munchkin(m) => (
            "munchkin_id",
            format!(
                "The endpoint {endpoint} was built from `munchkin_id` = \"{m}\": check that it is \
                 the instance's Munchkin id (Admin > Integration > Munchkin)"
            ),
        ),
        Named::Endpoint => (
            "endpoint",
            format!("Check the endpoint {endpoint} (`endpoint` or MARKETO_ENDPOINT)"),
        ),
    };
    let (summary, detail) = match (e.kind(), e.transport()) {
        (ErrorKind::Unauthorized, _) => {
            return Diagnostic::error(
                "Cannot log in to Marketo",
                format!(
                    "{e}. Check `client_id` / `client_secret` (or {} / {}).",
                    CLIENT_ID.env, CLIENT_SECRET.env
                ),
            )
            .at(AttributePath::root(CLIENT_SECRET.attr));
        }
        (_, Some(Transport::UntrustedCertificate)) => (
            "Marketo's TLS certificate is not trusted",
            format!(
                "{e}. If the instance is reached through a TLS-inspecting proxy or serves a \
                 certificate from a private CA, give that CA's certificate (PEM) with `{}` (or \
                 {}), or with SSL_CERT_FILE / SSL_CERT_DIR.",
                CA_CERTIFICATE_FILE.attr, CA_CERTIFICATE_FILE.env
            ),
        ),
        (_, Some(Transport::Timeout)) => (
            "Marketo did not answer",
            format!(
                "{e}. {origin}, and the network. A slow instance may need a longer `{}` (or {}).",
                REQUEST_TIMEOUT.attr, REQUEST_TIMEOUT.env
            ),
        ),
        (_, Some(Transport::Connect)) => (
            "Cannot reach Marketo",
            format!(
                "{e}. {origin}, and the network (a proxy is taken from HTTPS_PROXY / NO_PROXY)."
            ),
        ),
        _ => ("Cannot log in to Marketo", format!("{e}. {origin}.")),
    };
    Diagnostic::error(summary, detail).at(AttributePath::root(attr))
}

/// Where a setting is given: the provider block, its environment variable, or nowhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Given {
    Block,
    Env,
    Nowhere,
}

fn given(config: &ProviderModel, setting: &Setting) -> Given {
    match (setting.value)(config) {
        Attr::Unknown => Given::Block,
        Attr::Known(s) if !s.trim().is_empty() => Given::Block,
        _ if std::env::var(setting.env).is_ok_and(|v| !v.trim().is_empty()) => Given::Env,
        _ => Given::Nowhere,
    }
}

/// Issue 12: `munchkin_id` and `endpoint` given at once, from the provider block or the
/// environment in any mix, are the same conflict as both in the block (the environment no
/// longer loses silently, nor wins). `None` when at most one is given.
pub(super) fn instance_conflict(config: &ProviderModel) -> Option<Diagnostic> {
    let from = |s: &Setting, g: Given| match g {
        Given::Block => format!("`{}` in the provider block", s.attr),
        _ => format!("the environment variable {}", s.env),
    };
    match (given(config, &MUNCHKIN_ID), given(config, &ENDPOINT)) {
        (Given::Nowhere, _) | (_, Given::Nowhere) => None,
        (Given::Block, Given::Block) => Some(conflict_error()),
        (m, e) => {
            let d = Diagnostic::error(
                "Conflicting provider settings",
                format!(
                    "The Marketo instance is named twice: by {} and by {}. Set either \
                     `munchkin_id` (or {}) or `endpoint` (or {}), not both: the Munchkin id only \
                     serves to build the endpoint https://<munchkin_id>.mktorest.com. Unset the \
                     environment variable or remove the attribute.",
                    from(&MUNCHKIN_ID, m),
                    from(&ENDPOINT, e),
                    MUNCHKIN_ID.env,
                    ENDPOINT.env,
                ),
            );
            Some(match (m, e) {
                (Given::Block, _) => d.at(AttributePath::root(MUNCHKIN_ID.attr)),
                (_, Given::Block) => d.at(AttributePath::root(ENDPOINT.attr)),
                _ => d,
            })
        }
    }
}

/// Checks the text settings that carry no secret for control characters, and the secret without
/// showing it.
pub(super) fn check_plain_settings(config: &ProviderModel, diags: &mut Diagnostics) {
    for setting in [&MUNCHKIN_ID, &CLIENT_ID, &CA_CERTIFICATE_FILE] {
        if let Some(text) = (setting.value)(config).as_str()
            && let Err(e) = values::plain(text)
        {
            diags.push(setting_error(
                setting,
                "Invalid provider setting",
                format!("`{}` {e}.", setting.attr),
            ));
        }
    }
    if let Some(secret) = config.client_secret.as_str()
        && secret.chars().any(values::forbidden_char)
    {
        diags.push(setting_error(
            &CLIENT_SECRET,
            "Invalid provider setting",
            "`client_secret` contains a control character or a bidirectional override, \
                 which no Marketo Client Secret has (the value is not shown: it is secret). Check \
                 for a stray newline where it was pasted."
                .to_string(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adopt_existing_from_the_block() {
        let mut m = ProviderModel {
            adopt_existing: Attr::Known(true),
            ..ProviderModel::default()
        };
        assert_eq!(adopt_existing(&m).ok(), Some(true));
        m.adopt_existing = Attr::Known(false);
        assert_eq!(adopt_existing(&m).ok(), Some(false));
        m.adopt_existing = Attr::Unknown;
        let d = adopt_existing(&m).unwrap_err();
        assert_eq!(d.attribute, Some(AttributePath::root("adopt_existing")));
        assert!(d.detail.contains("MARKETO_ADOPT_EXISTING"), "{}", d.detail);
    }

    #[test]
    fn adopt_existing_spellings() {
        for (text, want) in [
            ("true", Some(true)),
            ("TRUE", Some(true)),
            ("1", Some(true)),
            (" false ", Some(false)),
            ("0", Some(false)),
            ("", Some(false)),
            ("yes please", None),
        ] {
            assert_eq!(parse_bool(text), want, "{text:?}");
        }
    }
}
