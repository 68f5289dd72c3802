//! The provider block as Terraform sends it ([`ProviderModel`]), and its settings that an
//! environment variable can supply ([`Setting`]): how one is looked up (block first, then the
//! environment) and the diagnostics that name the attribute and the variable.

use serde::{Deserialize, Serialize};

use tfplugin6::model::{self, Attr};
use tfplugin6::{AttributePath, Diagnostic, Diagnostics, Number, Value};

/// One provider setting: its attribute name and the environment variable that can supply it.
pub(super) struct Setting {
    pub attr: &'static str,
    pub env: &'static str,
    pub value: fn(&ProviderModel) -> &Attr<String>,
}

/// The provider block's attributes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct ProviderModel {
    pub munchkin_id: Attr<String>,
    pub endpoint: Attr<String>,
    pub identity_endpoint: Attr<String>,
    pub client_id: Attr<String>,
    pub client_secret: Attr<String>,
    pub ca_certificate_file: Attr<String>,
    pub max_calls_per_20_seconds: Attr<Number>,
    pub max_concurrent_calls: Attr<Number>,
    pub request_timeout: Attr<Number>,
    pub max_retries: Attr<Number>,
    pub adopt_existing: Attr<bool>,
    pub allow_self_lockout: Attr<bool>,
    pub in_use_check: Attr<String>,
}

impl ProviderModel {
    /// The provider block as Terraform sent it.
    pub(super) fn of(config: &Value) -> Result<ProviderModel, Diagnostics> {
        model::from_value(config).map_err(|e| model::unfit("provider block", &e).into_diagnostics())
    }
}

pub(super) const MUNCHKIN_ID: Setting = Setting {
    attr: "munchkin_id",
    env: "MARKETO_MUNCHKIN_ID",
    value: |m| &m.munchkin_id,
};
pub(super) const ENDPOINT: Setting = Setting {
    attr: "endpoint",
    env: "MARKETO_ENDPOINT",
    value: |m| &m.endpoint,
};
pub(super) const IDENTITY_ENDPOINT: Setting = Setting {
    attr: "identity_endpoint",
    env: "MARKETO_IDENTITY_ENDPOINT",
    value: |m| &m.identity_endpoint,
};
pub(super) const CLIENT_ID: Setting = Setting {
    attr: "client_id",
    env: "MARKETO_CLIENT_ID",
    value: |m| &m.client_id,
};
pub(super) const CLIENT_SECRET: Setting = Setting {
    attr: "client_secret",
    env: "MARKETO_CLIENT_SECRET",
    value: |m| &m.client_secret,
};

/// The error for a setting whose value is only known after apply.
pub(super) fn unknown_error(attr: &str, env: &str) -> Diagnostic {
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
pub(super) fn lookup(
    config: &ProviderModel,
    setting: &Setting,
) -> Result<Option<String>, Diagnostic> {
    match (setting.value)(config) {
        Attr::Unknown => Err(unknown_error(setting.attr, setting.env)),
        Attr::Known(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        _ => Ok(std::env::var(setting.env)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())),
    }
}

pub(super) fn setting_error(setting: &Setting, summary: &str, detail: String) -> Diagnostic {
    Diagnostic::error(summary, detail).at(AttributePath::root(setting.attr))
}

/// Both ways of naming the instance were set in the provider block.
pub(super) fn conflict_error() -> Diagnostic {
    setting_error(
        &ENDPOINT,
        "Conflicting provider settings",
        "Set either `munchkin_id` or `endpoint`, not both: the Munchkin id only serves to build \
         the endpoint https://<munchkin_id>.mktorest.com."
            .to_string(),
    )
}
