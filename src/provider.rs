//! The `marketo` provider: the protocol's `Provider` for Marketo. It serves what
//! `crate::registry` lists, reads its block (`block.rs`), resolves and checks the settings
//! (`resolve.rs`, `settings.rs`), and sets up the one Marketo client every resource and data
//! source shares once Terraform has configured it (`crate::common::Shared`).
//!
//! May live here: the provider block and its settings. May not: anything a resource, data
//! source or check does.

use std::sync::Arc;

use async_trait::async_trait;

use crate::common::Shared;
use crate::registry;
use marketo_client::{Client, ClientConfig};
use tfplugin6::{
    Attribute, Block, ConfigureRequest, Context, DataSource, Diagnostics, EphemeralResource,
    ListResource, Provider, Resource, Schema, Type, Value,
};

mod block;
mod resolve;
mod settings;

use block::{ENDPOINT, IDENTITY_ENDPOINT, MUNCHKIN_ID, ProviderModel, setting_error};
use resolve::{check_endpoint, check_munchkin_id, resolve};
use settings::{CA_CERTIFICATE_FILE, NUMBERS, check_plain_settings, instance_conflict};

/// The provider's source address.
pub const REGISTRY_ADDRESS: &str = "registry.terraform.io/marketo-community/marketo";

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
            .attribute(
                Attribute::new(crate::checks::lockout::ALLOW_SELF_LOCKOUT, Type::Bool)
                    .optional()
                    .description(format!(
                        "Let through a plan that removes the provider's own access to the \
                         instance (default `false`): destroying or replacing the API-only user \
                         it logs in as or the custom service whose credentials it uses, or \
                         leaving that user without \"Access User Management Api\" or \"Access \
                         Users\" (its `role_assignment`, a role it holds, a role's deletion). \
                         Without it such a plan fails, before anything is written, naming what \
                         would be lost; set it only to decommission this integration on purpose. \
                         See the guide \"Reviewing changes\". Environment: `{}`.",
                        crate::checks::lockout::ALLOW_SELF_LOCKOUT_ENV
                    )),
            )
            .attribute(
                Attribute::new(crate::checks::in_use::IN_USE_CHECK, Type::String)
                    .optional()
                    .description(format!(
                        "What a plan that destroys or replaces a custom service or an API-only \
                         user still in use does: `\"warn\"` (default) adds a warning with the \
                         user's API calls in the last 7 days (Marketo's Usage API, read once per \
                         run), `\"error\"` stops the plan, `\"off\"` reads nothing. A usage \
                         read that fails is one warning, never a failed plan. Environment: `{}`.",
                        crate::checks::in_use::IN_USE_CHECK_ENV
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
        // A written in_use_check is checked here; unknown ones, and the environment, at
        // configure.
        if config.in_use_check.is_known()
            && let Err(d) = settings::guards(&block::ProviderModel {
                in_use_check: config.in_use_check.clone(),
                ..block::ProviderModel::default()
            })
        {
            let at = Some(tfplugin6::AttributePath::root(
                crate::checks::in_use::IN_USE_CHECK,
            ));
            for d in d.into_iter().filter(|d| d.attribute == at) {
                diags.push(d);
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
        let Some((mut config, named)) = client_config(&model, &mut diags) else {
            return diags;
        };
        let endpoint = config.endpoint.clone();
        match settings::adopt_existing(&model) {
            Ok(adopt) => self.shared.set_adopt_existing(adopt),
            Err(d) => diags.push(d),
        }
        match settings::guards(&model) {
            Ok(guards) => self.shared.set_guards(guards),
            Err(d) => diags.extend(d),
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
            diags.push(settings::login_error(&e, &endpoint, &named));
            return diags;
        }
        self.shared.set_client(client);
        diags
    }
}

/// The Marketo client's configuration from the provider block `model` (and, for what it leaves
/// unset, the environment), with where the endpoint came from; `None` when a setting is missing or
/// wrong (then `diags` says which).
fn client_config(
    model: &ProviderModel,
    diags: &mut Diagnostics,
) -> Option<(ClientConfig, settings::Named)> {
    let settings = resolve(model, diags)?;
    if diags.has_errors() {
        return None;
    }
    let mut config = ClientConfig::new(
        settings.endpoint,
        settings.identity_endpoint,
        settings.client_id,
        settings.client_secret,
    );
    settings::apply_numbers(model, &mut config, diags);
    config.extra_roots = settings::trust_roots(model, diags);
    (!diags.has_errors()).then_some((config, settings.named))
}

/// The client configuration the provider would use with no provider block: every setting from
/// its `MARKETO_*` environment variable, checked as `configure` checks it. For tools beside the
/// plugin that talk to the same instance (`review --resolve`).
pub fn client_config_from_environment() -> Result<ClientConfig, Diagnostics> {
    let mut diags = Diagnostics::new();
    match client_config(&ProviderModel::default(), &mut diags) {
        Some((config, _)) => Ok(config),
        None => Err(diags),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin6::AttributePath;
    use tfplugin6::model::{self, Attr};

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
}
