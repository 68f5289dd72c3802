//! Managed resources. Each file holds one resource: its schema, its model, its checks, its plan,
//! its CRUD and import, and the one translation between Marketo's fields and Terraform's
//! attributes; beside it, `<type>/list.rs` lists what the instance holds for `terraform query`.
//! What they share with data sources lives in `crate::common`.
//!
//! [`registry!`] below is the one place a resource is registered: it serves the resource
//! ([`Crud`]) and its list resource ([`Listing`]), and tests that each model and filter matches
//! its schema.

use std::sync::Arc;

use crate::adapters::crud::Crud;
use crate::adapters::list::Listing;
use crate::common::Shared;
use tfplugin6::{ListResource, Resource};

pub mod api_only_role;
pub mod api_only_user;
pub mod custom_service;

macro_rules! registry {
    ($($module:ident :: $ty:ident),* $(,)?) => {
        /// Every managed resource type, sharing the provider's client.
        pub fn all(shared: &Arc<Shared>) -> Vec<Arc<dyn Resource>> {
            vec![$(Arc::new(Crud($module::$ty::new(shared.clone())))),*]
        }

        /// The list resource of every managed resource type.
        pub fn lists(shared: &Arc<Shared>) -> Vec<Arc<dyn ListResource>> {
            vec![$(Arc::new(Listing($module::$ty::new(shared.clone())))),*]
        }

        #[cfg(test)]
        #[test]
        fn every_model_and_filter_matches_its_schema() {
            use crate::adapters::crud::CrudResource;
            use crate::adapters::list::Listed;
            use tfplugin6::model::check_model;
            $(
                check_model::<<$module::$ty as CrudResource>::Model>(
                    &<$module::$ty as CrudResource>::schema().value_type(),
                    true,
                )
                .unwrap();
                check_model::<<$module::$ty as Listed>::Filter>(
                    &<$module::$ty as Listed>::filter_schema().value_type(),
                    true,
                )
                .unwrap();
            )*
        }
    };
}

registry!(
    api_only_role::ApiOnlyRole,
    api_only_user::ApiOnlyUser,
    custom_service::CustomService,
);
