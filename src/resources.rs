//! Managed resources. Each file holds one resource: its schema, its model, its checks, its plan,
//! its CRUD and import, and the one translation between Marketo's fields and Terraform's
//! attributes; beside it, `<type>/list.rs` lists what the instance holds for `terraform query`.
//!
//! They are registered in `crate::registry`. May live here: resources. May not: anything shared
//! by two of them (that is `crate::common`, `crate::checks` or `crate::adapters`).

pub mod api_only_role;
pub mod api_only_user;
pub mod custom_service;
