//! Refusal at plan for instances without our admin endpoints (issue 10).
//!
//! Roles and LaunchPoint services are managed through endpoints this project defines
//! (docs/guides/admin-endpoints.md), which a real Marketo instance does not serve. Rather than
//! let `apply` fail half-way (after users were written), a plan that would create or change a
//! `marketo_api_only_role` or a `marketo_custom_service` (through the CRUD skeleton's
//! `check_plan` hook) asks the instance once whether it serves them: one
//! `GET roles/permissions.json`, made at most once per provider process and per endpoint, and
//! never when the plan has no role or service to write. The answer is cached for the life of the
//! process (Terraform starts a new process for each command and phase).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use tokio::sync::OnceCell;

use crate::common::{Shared, endpoint_missing};
use marketo_client::{Client, ErrorKind};
use tfplugin6::{Context, Diagnostics};

/// What the probe learnt about an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// The instance serves our endpoints (the emulator, or an instance extended like it).
    Served,
    /// It answered 404/610, or a 404 page: it has no such endpoints.
    Missing,
    /// The probe failed otherwise (limits, network, permissions): the plan goes on, and a write
    /// at apply reports what really happens.
    Unknown,
}

/// One cell per endpoint URL, filled by the first plan that needs it.
type Cells = HashMap<String, Arc<OnceCell<Availability>>>;

static PROBES: LazyLock<Mutex<Cells>> = LazyLock::new(|| Mutex::new(HashMap::new()));

fn cell_for(endpoint: &str) -> Arc<OnceCell<Availability>> {
    let mut cells = PROBES.lock().unwrap_or_else(PoisonError::into_inner);
    cells.entry(endpoint.to_string()).or_default().clone()
}

/// Whether the instance `client` talks to serves our admin endpoints; asked once per process.
pub async fn availability(client: &Client) -> Availability {
    let cell = cell_for(client.config().endpoint.as_str());
    *cell
        .get_or_init(|| async {
            let found = match client.list_permissions().await {
                Ok(_) => Availability::Served,
                Err(e) if e.kind() == ErrorKind::EndpointMissing => Availability::Missing,
                Err(e) => {
                    tracing::warn!(error = %e, "could not learn whether the instance serves the admin endpoints");
                    Availability::Unknown
                }
            };
            tracing::debug!(?found, "admin endpoints probed");
            found
        })
        .await
}

/// The plan-time refusal of a role or service (`what`, e.g. "role") on an instance without our
/// endpoints, with the advice `instead`: the same diagnostic apply would give. Called from
/// [`CrudResource::check_plan`](crate::adapters::crud::CrudResource::check_plan), hence only for a
/// plan that creates or changes the object (`crud::plan_writes`). `None` when the provider is
/// not configured, or when the instance serves them.
pub async fn refuse_at_plan(
    shared: &Shared,
    ctx: &Context,
    what: &str,
    instead: &str,
) -> Option<Diagnostics> {
    let client = shared.client(ctx).ok()?;
    match availability(&client).await {
        Availability::Missing => Some(endpoint_missing(what, instead).into_diagnostics()),
        Availability::Served | Availability::Unknown => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unconfigured_provider_is_not_probed() {
        let shared = Shared::default();
        assert!(
            refuse_at_plan(&shared, &Context::default(), "role", "x")
                .await
                .is_none()
        );
    }

    #[test]
    fn one_cell_per_endpoint() {
        let a = cell_for("https://111-AAA-111.mktorest.com/");
        let b = cell_for("https://111-AAA-111.mktorest.com/");
        assert!(Arc::ptr_eq(&a, &b));
        let c = cell_for("https://222-BBB-222.mktorest.com/");
        assert!(!Arc::ptr_eq(&a, &c));
    }
}
