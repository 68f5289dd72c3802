//! Where each provider setting comes from (block or environment), checked: the instance
//! (`munchkin_id` or `endpoint`, the identity endpoint), the credentials, and the request
//! settings of `settings.rs`. [`resolve`] is what validate and configure share.

use url::Url;

use super::block::{
    CLIENT_ID, CLIENT_SECRET, ENDPOINT, IDENTITY_ENDPOINT, MUNCHKIN_ID, ProviderModel, Setting,
    lookup, setting_error,
};
use super::settings::{Named, instance_conflict};
use crate::checks::values;
use marketo_client::Secret;
use tfplugin6::Diagnostics;

/// Where the provider block's settings ended up.
#[derive(Debug)]
pub(super) struct Settings {
    pub endpoint: Url,
    pub identity_endpoint: Url,
    pub client_id: String,
    pub client_secret: Secret,
    pub named: Named,
}

/// Checks a Munchkin id such as `123-ABC-456`.
pub(super) fn check_munchkin_id(id: &str) -> Result<(), String> {
    let parts: Vec<&str> = id.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 3
        && parts[0].chars().all(|c| c.is_ascii_digit())
        && parts[1].len() == 3
        && parts[1].chars().all(|c| c.is_ascii_alphabetic())
        && parts[2].len() == 3
        && parts[2].chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{}\" is not a Munchkin id: expected three digits, three letters and three digits, \
             such as 123-ABC-456 (Admin > Integration > Munchkin in Marketo)",
            values::escaped(id)
        ))
    }
}

/// Parses an endpoint URL: HTTPS, or HTTP on a loopback address (the emulator).
pub(super) fn check_endpoint(text: &str) -> Result<Url, String> {
    // The URL parser drops tabs and newlines silently: refuse them (and every other control
    // character) rather than call an address other than the one written.
    values::plain(text).map_err(|e| format!("the URL {e}"))?;
    let url = Url::parse(text).map_err(|e| {
        format!("\"{text}\" is not a URL ({e}); expected e.g. https://123-ABC-456.mktorest.com")
    })?;
    // A user name or password in the URL would go with every request (as Basic authorization,
    // in place of the token) and into messages: refuse it without repeating it.
    if !url.username().is_empty() || url.password().is_some() {
        let mut shown = url.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(format!(
            "the URL carries a user name or password (`user:password@`), which Marketo does not \
             take: the provider signs in with client_id and client_secret. Use {shown} instead"
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if marketo_client::is_loopback(&url) => {}
        "http" => {
            return Err(format!(
                "\"{text}\" uses plain HTTP: Marketo credentials and tokens must travel over HTTPS \
                 (plain HTTP is allowed only for loopback addresses such as a local emulator)"
            ));
        }
        other => return Err(format!("\"{text}\" has scheme {other}; expected https")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("\"{text}\" has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("\"{text}\" must not carry a query or a fragment"));
    }
    Ok(url)
}

/// Resolves and checks every setting; `None` when something is missing or wrong (then `diags`
/// says what).
pub(super) fn resolve(config: &ProviderModel, diags: &mut Diagnostics) -> Option<Settings> {
    let mut get = |s: &Setting| match lookup(config, s) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            None
        }
    };
    let munchkin = get(&MUNCHKIN_ID);
    let endpoint = get(&ENDPOINT);
    let identity = get(&IDENTITY_ENDPOINT);
    let client_id = get(&CLIENT_ID);
    let client_secret = get(&CLIENT_SECRET);
    if diags.has_errors() {
        return None;
    }

    // Configuration wins over the environment; within each, `endpoint` wins over `munchkin_id`.
    let in_config = |s: &Setting| {
        (s.value)(config)
            .as_str()
            .is_some_and(|v| !v.trim().is_empty())
    };
    enum Source {
        Endpoint(String),
        Munchkin(String),
    }
    let source = if let Some(conflict) = instance_conflict(config) {
        diags.push(conflict);
        None
    } else if in_config(&ENDPOINT) || (!in_config(&MUNCHKIN_ID) && endpoint.is_some()) {
        endpoint.map(Source::Endpoint)
    } else {
        munchkin.map(Source::Munchkin)
    };
    let named = match &source {
        Some(Source::Munchkin(m)) => Named::Munchkin(m.to_ascii_uppercase()),
        _ => Named::Endpoint,
    };
    let endpoint_url = match source {
        Some(Source::Endpoint(e)) => match check_endpoint(&e) {
            Ok(u) => Some(u),
            Err(msg) => {
                diags.push(setting_error(
                    &ENDPOINT,
                    "Invalid Marketo endpoint",
                    format!("{msg}. Set by `endpoint` or {}.", ENDPOINT.env),
                ));
                None
            }
        },
        Some(Source::Munchkin(m)) => match check_munchkin_id(&m).and_then(|()| {
            Url::parse(&format!("https://{}.mktorest.com", m.to_ascii_uppercase()))
                .map_err(|e| format!("\"{m}\" does not make a valid host name: {e}"))
        }) {
            Ok(u) => Some(u),
            Err(msg) => {
                diags.push(setting_error(
                    &MUNCHKIN_ID,
                    "Invalid Munchkin id",
                    format!("{msg}. Set by `munchkin_id` or {}.", MUNCHKIN_ID.env),
                ));
                None
            }
        },
        None if diags.has_errors() => None,
        None => {
            diags.push(setting_error(
                &MUNCHKIN_ID,
                "Missing Marketo instance",
                format!(
                    "Tell the provider which Marketo instance to manage: set `munchkin_id` (or the \
                     environment variable {}) to the instance's Munchkin id such as 123-ABC-456, or \
                     `endpoint` (or {}) to its REST endpoint.",
                    MUNCHKIN_ID.env, ENDPOINT.env
                ),
            ));
            None
        }
    };

    let identity_url = match (&identity, &endpoint_url) {
        (Some(text), _) => match check_endpoint(text) {
            Ok(u) => Some(u),
            Err(msg) => {
                diags.push(setting_error(
                    &IDENTITY_ENDPOINT,
                    "Invalid identity endpoint",
                    format!(
                        "{msg}. Set by `identity_endpoint` or {}.",
                        IDENTITY_ENDPOINT.env
                    ),
                ));
                None
            }
        },
        (None, Some(base)) => {
            let joined = format!("{}/identity", base.as_str().trim_end_matches('/'));
            Url::parse(&joined).ok()
        }
        (None, None) => None,
    };

    let mut required = |setting: &Setting, value: Option<String>, what: &str| {
        if value.is_none() {
            diags.push(setting_error(
                setting,
                &format!("Missing {what}"),
                format!(
                    "Set `{}` in the provider block or the environment variable {}: the {what} of a \
                     LaunchPoint custom service whose API-only user may manage users (permissions \
                     \"Access User Management Api\" and \"Access Users\").",
                    setting.attr, setting.env
                ),
            ));
        }
        value
    };
    let client_id = required(&CLIENT_ID, client_id, "client ID");
    let client_secret = required(&CLIENT_SECRET, client_secret, "client secret");

    Some(Settings {
        endpoint: endpoint_url?,
        identity_endpoint: identity_url?,
        client_id: client_id?,
        client_secret: Secret::new(client_secret?),
        named,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn munchkin_ids() {
        assert!(check_munchkin_id("123-ABC-456").is_ok());
        assert!(check_munchkin_id("123-abc-456").is_ok());
        for bad in ["", "123ABC456", "12-ABC-456", "123-AB1-456", "123-ABC-4567"] {
            assert!(check_munchkin_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoints() {
        assert!(check_endpoint("https://123-ABC-456.mktorest.com").is_ok());
        assert!(check_endpoint("http://127.0.0.1:8080").is_ok());
        assert!(check_endpoint("http://localhost:8080").is_ok());
        assert!(
            check_endpoint("http://example.com")
                .unwrap_err()
                .contains("plain HTTP")
        );
        assert!(check_endpoint("ftp://example.com").is_err());
        assert!(check_endpoint("not a url").is_err());
        assert!(check_endpoint("https://x.mktorest.com?access_token=1").is_err());
        let e = check_endpoint("http://alice:pw-s3cret@127.0.0.1:8080").unwrap_err();
        assert!(e.contains("user name or password"), "{e}");
        assert!(!e.contains("pw-s3cret") && !e.contains("alice"), "{e}");
        assert!(e.contains("http://127.0.0.1:8080/"), "{e}");
        assert!(check_endpoint("https://bob@x.mktorest.com").is_err());
    }
}
