//! The `marketo` provider: its configuration block, the list of its resources and data sources
//! (the one place that names them), and the one Marketo client they share once Terraform has
//! configured it (`crate::common::Shared`).

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::checks::values;
use crate::common::Shared;
use crate::registry;
use marketo_client::{Client, ClientConfig, Secret};
use tfplugin6::model::{self, Attr};
use tfplugin6::{
    Attribute, AttributePath, Block, ConfigureRequest, Context, DataSource, Diagnostic,
    Diagnostics, EphemeralResource, ListResource, Number, Provider, Resource, Schema, Type, Value,
};

mod settings;

use settings::{CA_CERTIFICATE_FILE, NUMBERS, Named, check_plain_settings, instance_conflict};

/// The provider's source address.
pub const REGISTRY_ADDRESS: &str = "registry.terraform.io/marketo-community/marketo";

/// One provider setting: its attribute name and the environment variable that can supply it.
struct Setting {
    attr: &'static str,
    env: &'static str,
    value: fn(&ProviderModel) -> &Attr<String>,
}

/// The provider block's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct ProviderModel {
    munchkin_id: Attr<String>,
    endpoint: Attr<String>,
    identity_endpoint: Attr<String>,
    client_id: Attr<String>,
    client_secret: Attr<String>,
    ca_certificate_file: Attr<String>,
    max_calls_per_20_seconds: Attr<Number>,
    max_concurrent_calls: Attr<Number>,
    request_timeout: Attr<Number>,
    max_retries: Attr<Number>,
    adopt_existing: Attr<bool>,
}

impl ProviderModel {
    /// The provider block as Terraform sent it.
    fn of(config: &Value) -> Result<ProviderModel, Diagnostics> {
        model::from_value(config).map_err(|e| {
            Diagnostic::error(
                "Internal error: the model does not fit the schema",
                format!(
                    "The provider block could not be converted ({e}). This is a bug in the \
                     provider; please report it."
                ),
            )
            .into_diagnostics()
        })
    }
}

const MUNCHKIN_ID: Setting = Setting {
    attr: "munchkin_id",
    env: "MARKETO_MUNCHKIN_ID",
    value: |m| &m.munchkin_id,
};
const ENDPOINT: Setting = Setting {
    attr: "endpoint",
    env: "MARKETO_ENDPOINT",
    value: |m| &m.endpoint,
};
const IDENTITY_ENDPOINT: Setting = Setting {
    attr: "identity_endpoint",
    env: "MARKETO_IDENTITY_ENDPOINT",
    value: |m| &m.identity_endpoint,
};
const CLIENT_ID: Setting = Setting {
    attr: "client_id",
    env: "MARKETO_CLIENT_ID",
    value: |m| &m.client_id,
};
const CLIENT_SECRET: Setting = Setting {
    attr: "client_secret",
    env: "MARKETO_CLIENT_SECRET",
    value: |m| &m.client_secret,
};

/// The `marketo` provider.
#[derive(Debug, Default)]
pub struct MarketoProvider {
    shared: Arc<Shared>,
}

impl MarketoProvider {
    /// A provider not yet configured.
    pub fn new() -> MarketoProvider {
        MarketoProvider::default()
    }
}

/// Where the provider block's settings ended up.
#[derive(Debug)]
struct Settings {
    endpoint: Url,
    identity_endpoint: Url,
    client_id: String,
    client_secret: Secret,
    named: Named,
}

/// The error for a setting whose value is only known after apply.
fn unknown_error(attr: &str, env: &str) -> Diagnostic {
    Diagnostic::error(
        "Provider setting not known until apply",
        format!(
            "`{attr}` depends on a value that is only known after apply. The marketo provider must \
             know where and how to connect while planning: use a literal, a variable, or the \
             environment variable {env}."
        ),
    )
    .at(AttributePath::root(attr))
}

/// A setting from the configuration, else from its environment variable. `Err` for an unknown
/// value (it comes from a resource not yet created).
fn lookup(config: &ProviderModel, setting: &Setting) -> Result<Option<String>, Diagnostic> {
    match (setting.value)(config) {
        Attr::Unknown => Err(unknown_error(setting.attr, setting.env)),
        Attr::Known(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        _ => Ok(std::env::var(setting.env)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())),
    }
}

/// Checks a Munchkin id such as `123-ABC-456`.
fn check_munchkin_id(id: &str) -> Result<(), String> {
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
fn check_endpoint(text: &str) -> Result<Url, String> {
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

fn setting_error(setting: &Setting, summary: &str, detail: String) -> Diagnostic {
    Diagnostic::error(summary, detail).at(AttributePath::root(setting.attr))
}

/// Both ways of naming the instance were set in the provider block.
fn conflict_error() -> Diagnostic {
    setting_error(
        &ENDPOINT,
        "Conflicting provider settings",
        "Set either `munchkin_id` or `endpoint`, not both: the Munchkin id only serves to build \
         the endpoint https://<munchkin_id>.mktorest.com."
            .to_string(),
    )
}

/// Resolves and checks every setting; `None` when something is missing or wrong (then `diags`
/// says what).
fn resolve(config: &ProviderModel, diags: &mut Diagnostics) -> Option<Settings> {
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

fn provider_schema() -> Schema {
    let s = |name: &str, desc: &str| {
        Attribute::new(name, Type::String)
            .optional()
            .description(desc)
    };
    Schema::new(
        0,
        Block::new()
            .description(
                "Manages Marketo Engage API-only roles, API-only users and LaunchPoint custom \
                 services. The credentials are those of a custom service whose API-only user holds \
                 the two permissions Marketo's User Management API needs: `Access User Management \
                 Api` (Access API group) and `Access Users` (Access Admin group). Roles and \
                 services need endpoints Marketo does not publish: see the guide \"Using a real \
                 Marketo instance\".",
            )
            .attribute(s(
                "munchkin_id",
                "The instance's Munchkin id, e.g. `123-ABC-456`; the endpoint is then \
                 `https://<munchkin_id>.mktorest.com`. Conflicts with `endpoint`. Environment: \
                 `MARKETO_MUNCHKIN_ID`.",
            ))
            .attribute(s(
                "endpoint",
                "The REST endpoint, e.g. `https://123-ABC-456.mktorest.com` (Admin > Integration > \
                 Web Services). HTTPS is required except for loopback addresses. Environment: \
                 `MARKETO_ENDPOINT`.",
            ))
            .attribute(s(
                "identity_endpoint",
                "The Identity endpoint; defaults to the endpoint followed by `/identity`. \
                 Environment: `MARKETO_IDENTITY_ENDPOINT`.",
            ))
            .attribute(s(
                "client_id",
                "Client ID of the custom service the provider logs in with. Environment: \
                 `MARKETO_CLIENT_ID`.",
            ))
            .attribute(
                s(
                    "client_secret",
                    "Client Secret of that custom service. Environment: `MARKETO_CLIENT_SECRET`.",
                )
                .sensitive(),
            )
            .attribute(s(
                CA_CERTIFICATE_FILE.attr,
                "Path of a PEM file of CA certificates to trust besides the built-in roots: the CA \
                 of a TLS-inspecting corporate proxy, or of a private endpoint. The certificates \
                 named by `SSL_CERT_FILE` (a PEM bundle) and `SSL_CERT_DIR` (a directory of PEM \
                 files) are trusted too. Environment: `MARKETO_CA_CERTIFICATE_FILE`.",
            ))
            .attribute(number(
                &settings::MAX_CALLS,
                "Most API calls the provider starts in any 20 seconds (1 to 100, default 80). \
                 Marketo allows 100 per 20 seconds for the whole instance, shared by every \
                 integration: lower it when other integrations are busy.",
            ))
            .attribute(number(
                &settings::MAX_CONCURRENT,
                "Most API calls in flight at once (1 to 10, default 5, as Adobe advises). Marketo \
                 allows 10 at once for the whole instance.",
            ))
            .attribute(number(
                &settings::REQUEST_TIMEOUT,
                "Seconds one HTTP call may take before it is abandoned as timed out (1 to 300, \
                 default 30). Reads are then retried; a create is looked up before it is sent \
                 again.",
            ))
            .attribute(
                Attribute::new(crate::checks::adoption::ADOPT_EXISTING, Type::Bool)
                    .optional()
                    .description(format!(
                        "When a create finds that Marketo already has the object (the same user \
                         email or userid, role name or service display name) and the object \
                         matches every configured attribute, record it in the state as created, \
                         with a warning, instead of failing (default `false`). This makes an \
                         apply that was interrupted after Marketo made objects but before \
                         Terraform saved them converge on the next apply. An object that differs \
                         in any attribute is still an error, which lists the differences. \
                         Environment: `{}`.",
                        crate::checks::adoption::ADOPT_EXISTING_ENV
                    )),
            )
            .attribute(number(
                &settings::MAX_RETRIES,
                "How many times a failed call is retried after throttling or a transient failure \
                 (0 to 20, default 5), with exponential back-off; a `Retry-After` from Marketo is \
                 honoured, up to its 20-second window.",
            )),
    )
}

/// A numeric provider attribute, its description followed by its environment variable.
fn number(n: &settings::NumberSetting, desc: &str) -> Attribute {
    Attribute::new(n.attr, Type::Number)
        .optional()
        .description(format!("{desc} Environment: `{}`.", n.env))
}

#[async_trait]
impl Provider for MarketoProvider {
    fn registry_address(&self) -> &str {
        REGISTRY_ADDRESS
    }

    fn type_name(&self) -> &str {
        "marketo"
    }

    fn schema(&self) -> Schema {
        provider_schema()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        registry::resources(&self.shared)
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        registry::ephemeral_resources(&self.shared)
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        registry::list_resources(&self.shared)
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        registry::data_sources(&self.shared)
    }

    fn log_targets(&self) -> &[&str] {
        &[env!("CARGO_CRATE_NAME"), "marketo_client"]
    }

    async fn validate_config(&self, config: &Value) -> Diagnostics {
        let config = match ProviderModel::of(config) {
            Ok(c) => c,
            Err(d) => return d,
        };
        let config = &config;
        let mut diags = Diagnostics::new();
        if let Some(m) = config.munchkin_id.as_str()
            && let Err(msg) = check_munchkin_id(m)
        {
            diags.push(setting_error(&MUNCHKIN_ID, "Invalid Munchkin id", msg));
        }
        if let Some(d) = instance_conflict(config) {
            diags.push(d);
        }
        check_plain_settings(config, &mut diags);
        for n in NUMBERS {
            if let Err(d) = settings::number_in_config(config, n) {
                diags.push(d);
            }
        }
        for setting in [&ENDPOINT, &IDENTITY_ENDPOINT] {
            if let Some(text) = (setting.value)(config).as_str()
                && let Err(msg) = check_endpoint(text)
            {
                diags.push(setting_error(setting, "Invalid endpoint", msg));
            }
        }
        diags
    }

    async fn configure(&self, ctx: &Context, req: ConfigureRequest) -> Diagnostics {
        let model = match ProviderModel::of(&req.config) {
            Ok(m) => m,
            Err(d) => return d,
        };
        let mut diags = Diagnostics::new();
        let Some(settings) = resolve(&model, &mut diags) else {
            return diags;
        };
        if diags.has_errors() {
            return diags;
        }
        let endpoint = settings.endpoint.clone();
        let mut config = ClientConfig::new(
            settings.endpoint,
            settings.identity_endpoint,
            settings.client_id,
            settings.client_secret,
        );
        settings::apply_numbers(&model, &mut config, &mut diags);
        config.extra_roots = settings::trust_roots(&model, &mut diags);
        match settings::adopt_existing(&model) {
            Ok(adopt) => self.shared.set_adopt_existing(adopt),
            Err(d) => diags.push(d),
        }
        if diags.has_errors() {
            return diags;
        }
        config.user_agent = format!(
            "terraform-provider-marketo/{} terraform/{}",
            env!("CARGO_PKG_VERSION"),
            req.terraform_version
        );
        let client = match Client::new(config) {
            Ok(c) => c,
            Err(e) => {
                diags.error("Cannot build the Marketo client", e.to_string());
                return diags;
            }
        };
        // Log in now, so that bad credentials are reported while planning, against the settings
        // that caused them.
        if let Err(e) = client
            .with_cancellation(ctx.cancellation().clone())
            .authenticate()
            .await
        {
            diags.push(settings::login_error(&e, &endpoint, &settings.named));
            return diags;
        }
        self.shared.set_client(client);
        diags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_munchkin_id_and_endpoint_conflict_at_validate_and_configure() {
        let config = model::to_value(&ProviderModel {
            munchkin_id: Attr::Known("123-ABC-456".to_string()),
            endpoint: Attr::Known("https://123-ABC-456.mktorest.com".to_string()),
            ..ProviderModel::default()
        })
        .unwrap();
        let diags = MarketoProvider::new().validate_config(&config).await;
        let conflict: Vec<_> = diags
            .iter()
            .filter(|d| d.summary == "Conflicting provider settings")
            .collect();
        assert_eq!(conflict.len(), 1, "{diags}");
        assert_eq!(conflict[0].attribute, Some(AttributePath::root("endpoint")));
        let mut diags = Diagnostics::new();
        assert!(resolve(&ProviderModel::of(&config).unwrap(), &mut diags).is_none());
        assert!(diags.iter().any(|d| d == conflict[0]), "{diags}");
    }

    #[test]
    fn model_matches_schema() {
        model::check_model::<ProviderModel>(&provider_schema().value_type(), true).unwrap();
    }

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
