//! Managed resources. Each file holds one resource: its schema, its model, its checks, its plan,
//! its CRUD and import, and the one translation between Marketo's fields and Terraform's
//! attributes. What they share with data sources lives in `crate::common`.

pub mod api_only_role;
pub mod api_only_user;
pub mod custom_service;

use std::sync::Arc;

use crate::common::Shared;
use crate::common::crud::Crud;
use crate::plugin::Resource;

/// Every managed resource type, sharing the provider's client.
pub fn all(shared: &Arc<Shared>) -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(Crud(api_only_role::ApiOnlyRole::new(shared.clone()))),
        Arc::new(Crud(api_only_user::ApiOnlyUser::new(shared.clone()))),
        Arc::new(Crud(custom_service::CustomService::new(shared.clone()))),
    ]
}
