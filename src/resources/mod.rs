//! Managed resources. Each file holds one resource: its schema, its model, its checks, its plan,
//! its CRUD and import, and the one translation between Marketo's fields and Terraform's
//! attributes. What they share with data sources lives in `crate::common`; `crate::provider`
//! lists them.

pub mod api_only_role;
pub mod api_only_user;
pub mod custom_service;
