//! The client configuration of `review --resolve`: the provider's own, from its `MARKETO_*`
//! environment variables read and checked exactly as the provider block reads them when its
//! attributes are unset (`crate::provider::client_config_from_environment`), with the review's
//! user agent.

use marketo_client::ClientConfig;

/// A setting that is missing or wrong; the text names the variable, never a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct EnvError(String);

/// The client configuration the provider would use with no provider block settings.
pub fn client_config_from_env() -> Result<ClientConfig, EnvError> {
    let mut config = crate::provider::client_config_from_environment().map_err(|diags| {
        let first = diags
            .iter()
            .find(|d| d.severity == tfplugin6::Severity::Error);
        EnvError(match first {
            Some(d) => format!("{}: {}", d.summary, d.detail),
            None => "the provider's settings could not be read".to_string(),
        })
    })?;
    config.user_agent = concat!(
        "terraform-provider-marketo/",
        env!("CARGO_PKG_VERSION"),
        " (review)"
    )
    .to_string();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_instance_names_the_variables() {
        // Test processes share their environment: only read what no test sets.
        if std::env::var_os("MARKETO_ENDPOINT").is_some()
            || std::env::var_os("MARKETO_MUNCHKIN_ID").is_some()
        {
            return;
        }
        let e = client_config_from_env().unwrap_err().to_string();
        assert!(
            e.contains("MARKETO_MUNCHKIN_ID") || e.contains("MARKETO_ENDPOINT"),
            "{e}"
        );
    }
}
