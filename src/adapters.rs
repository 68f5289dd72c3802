//! Adapters between the protocol's traits (`tfplugin6::Resource`, `DataSource`,
//! `EphemeralResource`, `ListResource`) and ours, written once for every resource and data
//! source: [`crud`] serves a [`crud::CrudResource`], [`list`] its listing, [`lookup`] a
//! [`lookup::ModelDataSource`] as a data source and [`ephemeral`] the same as an ephemeral
//! resource.
//!
//! May live here: what every resource or data source does the same way around its own hooks
//! (decoding values into models, the order of checks, which state is recorded). May not: the name
//! of any resource or data source, a Marketo rule (that is `crate::checks`), or the provider.

pub mod crud;
pub mod ephemeral;
pub mod list;
pub mod lookup;
