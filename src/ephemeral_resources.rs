//! Ephemeral resources (Terraform 1.10+): values opened afresh in every run and never written to
//! state or plan. Each is a [`ModelDataSource`](crate::adapters::lookup::ModelDataSource)
//! served through `crate::adapters::ephemeral::Ephemeral`; they are registered in
//! `crate::registry`.
//!
//! May live here: ephemeral resources. May not: what a data source or resource does, or anything
//! they share (that is `crate::common`).

pub mod access_token;
pub mod custom_service_credentials;
