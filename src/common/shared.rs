//! The configured Marketo client that the provider hands to every resource and data source.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock};

use marketo_client::Client;
use tfplugin6::{Context, Diagnostic, Diagnostics};

/// What resources and data sources share: the client, set once by `ConfigureProvider`.
#[derive(Debug, Default)]
pub struct Shared {
    client: OnceLock<Client>,
    /// The instance's lists, as the plan-time checks last read them (issue 12).
    pub(crate) lists: super::lists::Lists,
    /// The provider's `adopt_existing` (issue 12): a create that conflicts with an identical
    /// object adopts it.
    adopt_existing: AtomicBool,
    /// The provider's guards against changes that cut access (issue 17).
    guards: RwLock<Guards>,
    /// Who the provider is, and the instance's usage, learnt when a plan touches access.
    pub(crate) whoami: super::whoami::Whoami,
    /// The names planned in this process, for clashes within one plan (issue 17).
    pub(crate) planned: super::planned::Planned,
}

/// What a plan that destroys or replaces an integration still in use does (issue 17).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InUseCheck {
    /// A warning on the resource (the default).
    #[default]
    Warn,
    /// An error: the plan stops.
    Error,
    /// No usage is read.
    Off,
}

/// The provider's guard settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Guards {
    /// `allow_self_lockout`: a change that removes the provider's own access is let through.
    pub allow_self_lockout: bool,
    /// `in_use_check`.
    pub in_use: InUseCheck,
}

impl Shared {
    /// The configured client, bound to `ctx` so that `StopProvider` cancels its calls.
    pub fn client(&self, ctx: &Context) -> Result<Client, Diagnostics> {
        match self.client.get() {
            Some(client) => Ok(client.with_cancellation(ctx.cancellation().clone())),
            None => Err(Diagnostic::error(
                "Provider not configured",
                "The marketo provider was used before Terraform configured it. This is a bug in \
                 Terraform or in the provider; please report it.",
            )
            .into_diagnostics()),
        }
    }

    /// Records the client `ConfigureProvider` built. A second call (Terraform sends none) keeps
    /// the first client.
    pub fn set_client(&self, client: Client) {
        let _ = self.client.set(client);
    }

    /// Records the provider's `adopt_existing` setting.
    pub fn set_adopt_existing(&self, adopt: bool) {
        self.adopt_existing.store(adopt, Ordering::SeqCst);
    }

    /// Whether a create that conflicts with an identical existing object adopts it.
    pub fn adopt_existing(&self) -> bool {
        self.adopt_existing.load(Ordering::SeqCst)
    }

    /// Records the provider's guard settings.
    pub fn set_guards(&self, guards: Guards) {
        *self.guards.write().unwrap_or_else(PoisonError::into_inner) = guards;
    }

    /// The provider's guard settings.
    pub fn guards(&self) -> Guards {
        *self.guards.read().unwrap_or_else(PoisonError::into_inner)
    }
}
