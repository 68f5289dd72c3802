//! What resources, data sources and ephemeral resources share, so that none of them imports
//! another or the provider: the configured client and what the process remembers of the
//! instance ([`Shared`]), the diagnostics they give ([`diagnostics`]), ids ([`ids`]) and small
//! value translations ([`values`]).
//!
//! May live here: plain helpers with no decision in them. May not: a check (that is
//! `crate::checks`), anything that names a resource, a data source, an adapter or the provider.

pub mod diagnostics;
pub mod ids;
mod lists;
pub mod planned;
mod shared;
pub mod values;
pub mod whoami;

pub use diagnostics::{
    api_error, api_error_at, endpoint_missing, gone_warning, of_severity, shown,
};
pub use ids::{numeric_id, parse_id};
pub use lists::{Got, Lists};
pub use shared::{Guards, InUseCheck, Shared};
pub use values::{Assignment, assignments_attr, optional_attr, optional_text};
