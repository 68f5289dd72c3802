//! Marketo-facing checks: the rules a value, a plan or a create must meet before anything is
//! written. [`access`]: what the provider's own API-only user needs to keep managing the
//! instance; [`values`]: single values (permission names, emails, timestamps, texts);
//! [`instance`]: plan-time checks against what the instance holds (ids exist, names are free);
//! [`admin_endpoints`]: whether the instance serves our role and service endpoints;
//! [`adoption`]: a create that meets an existing object (the import block, `adopt_existing`).
//!
//! May live here: a rule of Marketo's and the words that explain it. May not: the protocol's
//! adapters, a resource or data source by name, or the provider block.

pub mod access;
pub mod admin_endpoints;
pub mod adoption;
pub mod in_use;
pub mod instance;
pub mod lockout;
pub mod values;
