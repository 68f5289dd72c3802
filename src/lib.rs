//! terraform-provider-marketo: a Terraform provider (plugin protocol 6) for Marketo Engage
//! API-only roles, API-only users and LaunchPoint custom services.
//!
//! See ARCHITECTURE.md for the code map and the invariants between modules.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod adapters;
pub mod checks;
pub mod common;
pub mod data_sources;
pub mod ephemeral_resources;
pub mod provider;
pub mod registry;
pub mod resources;
pub mod review;

use std::sync::Arc;

/// The `marketo` provider, ready to serve.
pub fn provider() -> Arc<dyn tfplugin6::Provider> {
    Arc::new(provider::MarketoProvider::new())
}
