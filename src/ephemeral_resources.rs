//! Ephemeral resources (Terraform 1.10+): values opened afresh in every run and never written to
//! state or plan. Each is a [`ModelDataSource`](crate::adapters::lookup::ModelDataSource)
//! served through [`Ephemeral`].

use std::sync::Arc;

use crate::adapters::ephemeral::Ephemeral;
use crate::common::Shared;
use tfplugin6::EphemeralResource;

pub mod access_token;
pub mod custom_service_credentials;

/// Every ephemeral resource type, sharing the provider's client.
pub fn all(shared: &Arc<Shared>) -> Vec<Arc<dyn EphemeralResource>> {
    vec![
        Arc::new(Ephemeral(access_token::AccessToken::new(shared.clone()))),
        Arc::new(Ephemeral(
            custom_service_credentials::ServiceCredentials::new(shared.clone()),
        )),
    ]
}

#[cfg(test)]
#[test]
fn every_model_matches_its_schema() {
    use crate::adapters::lookup::ModelDataSource;
    use tfplugin6::model::check_model;
    check_model::<<access_token::AccessToken as ModelDataSource>::Model>(
        &access_token::AccessToken::schema().value_type(),
        true,
    )
    .unwrap();
    check_model::<<custom_service_credentials::ServiceCredentials as ModelDataSource>::Model>(
        &custom_service_credentials::ServiceCredentials::schema().value_type(),
        true,
    )
    .unwrap();
}
