//! terraform-provider-marketo: a Terraform provider (plugin protocol 6) for Marketo Engage
//! API-only roles, API-only users and LaunchPoint custom services.
//!
//! See ARCHITECTURE.md for the code map and the invariants between modules.
pub mod marketo;
pub mod plugin;
