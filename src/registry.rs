//! The one list of everything the provider serves: managed resources (each also served as a
//! list resource for `terraform query`), data sources and ephemeral resources. Adding a type is
//! one line here; the provider serves what this module returns, and the test generated below
//! checks every model (and every list filter) against its schema.
//!
//! May live here: the list and how each kind is wrapped in its adapter. May not: anything a
//! type does (that is its own file) or the provider block (`crate::provider`).

use std::sync::Arc;

use crate::adapters::crud::Crud;
use crate::adapters::ephemeral::Ephemeral;
use crate::adapters::list::Listing;
use crate::adapters::lookup::Lookup;
use crate::common::Shared;
use crate::data_sources as ds;
use crate::ephemeral_resources as eph;
use crate::resources as res;
use tfplugin6::{DataSource, EphemeralResource, ListResource, Resource};

macro_rules! registry {
    (
        resources: [$($r:ty),* $(,)?],
        data_sources: [$($d:ty),* $(,)?],
        ephemeral_resources: [$($e:ty),* $(,)?] $(,)?
    ) => {
        /// Every managed resource type, sharing the provider's client.
        pub fn resources(shared: &Arc<Shared>) -> Vec<Arc<dyn Resource>> {
            vec![$(Arc::new(Crud(<$r>::new(shared.clone())))),*]
        }

        /// The list resource of every managed resource type.
        pub fn list_resources(shared: &Arc<Shared>) -> Vec<Arc<dyn ListResource>> {
            vec![$(Arc::new(Listing(<$r>::new(shared.clone())))),*]
        }

        /// Every data source.
        pub fn data_sources(shared: &Arc<Shared>) -> Vec<Arc<dyn DataSource>> {
            vec![$(Arc::new(Lookup(<$d>::new(shared.clone())))),*]
        }

        /// Every ephemeral resource (Terraform 1.10+).
        pub fn ephemeral_resources(shared: &Arc<Shared>) -> Vec<Arc<dyn EphemeralResource>> {
            vec![$(Arc::new(Ephemeral(<$e>::new(shared.clone())))),*]
        }

        #[cfg(test)]
        #[test]
        fn every_model_and_filter_matches_its_schema() {
            use crate::adapters::crud::CrudResource;
            use crate::adapters::list::Listed;
            use crate::adapters::lookup::ModelDataSource;
            use tfplugin6::model::check_model;
            let mut checked = 0;
            $(
                check_model::<<$r as CrudResource>::Model>(
                    &<$r as CrudResource>::schema().value_type(),
                    true,
                )
                .unwrap_or_else(|e| panic!("{}: {e}", <$r as CrudResource>::TYPE_NAME));
                check_model::<<$r as Listed>::Filter>(
                    &<$r as Listed>::filter_schema().value_type(),
                    true,
                )
                .unwrap_or_else(|e| panic!("{} (list): {e}", <$r as CrudResource>::TYPE_NAME));
                checked += 1;
            )*
            $(
                check_model::<<$d as ModelDataSource>::Model>(
                    &<$d as ModelDataSource>::schema().value_type(),
                    true,
                )
                .unwrap_or_else(|e| panic!("{}: {e}", <$d as ModelDataSource>::TYPE_NAME));
                checked += 1;
            )*
            $(
                check_model::<<$e as ModelDataSource>::Model>(
                    &<$e as ModelDataSource>::schema().value_type(),
                    true,
                )
                .unwrap_or_else(|e| panic!("{}: {e}", <$e as ModelDataSource>::TYPE_NAME));
                checked += 1;
            )*
            let shared = Arc::new(Shared::default());
            let served = resources(&shared).len()
                + data_sources(&shared).len()
                + ephemeral_resources(&shared).len();
            assert_eq!(checked, served, "every served type is checked");
        }
    };
}

registry! {
    resources: [
        res::api_only_role::ApiOnlyRole,
        res::api_only_user::ApiOnlyUser,
        res::custom_service::CustomService,
    ],
    data_sources: [
        ds::role::RoleDataSource,
        ds::roles::RolesDataSource,
        ds::workspace::WorkspaceDataSource,
        ds::workspaces::WorkspacesDataSource,
        ds::api_only_user::ApiOnlyUserDataSource,
        ds::users::UsersDataSource,
        ds::permissions::PermissionsDataSource,
        ds::api_usage::ApiUsageDataSource,
    ],
    ephemeral_resources: [
        eph::access_token::AccessToken,
        eph::custom_service_credentials::ServiceCredentials,
    ],
}
