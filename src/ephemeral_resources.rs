//! Ephemeral resources (Terraform 1.10+): values opened afresh in every run and never written to
//! state or plan. Each is a [`ModelDataSource`](crate::adapters::lookup::ModelDataSource)
//! served through `crate::adapters::ephemeral::Ephemeral`; they are registered in
//! `crate::registry`.

pub mod access_token;
pub mod custom_service_credentials;
