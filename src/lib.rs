//! terraform-provider-marketo: a Terraform provider (plugin protocol 6) for Marketo Engage
//! API-only roles, API-only users and LaunchPoint custom services.
//!
//! See ARCHITECTURE.md for the code map and the invariants between modules.
pub mod common;
pub mod data_sources;
pub mod marketo;
pub mod plugin;
pub mod provider;
pub mod resources;

use std::sync::Arc;

/// The `marketo` provider, ready to serve.
pub fn provider() -> Arc<dyn plugin::Provider> {
    Arc::new(provider::MarketoProvider::new())
}
