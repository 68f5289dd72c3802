//! What the server hands every call of every kind of type (resources, data sources, ephemeral
//! and list resources): the [`Context`] with its stop token, and the [`ClientCapabilities`]
//! Terraform announced. It names none of the traits, so the trait modules can all depend on it.

use std::future::Future;

use tokio_util::sync::CancellationToken;

use crate::diag::Diagnostic;

/// Passed to every call that may do remote work. Its cancellation token is
/// cancelled when Terraform calls `StopProvider` (on Ctrl-C); calls started
/// after that get a fresh one.
#[derive(Debug, Clone, Default)]
pub struct Context {
    cancel: CancellationToken,
}

/// The work was cancelled by `StopProvider`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the operation was cancelled because Terraform asked the provider to stop")]
pub struct Cancelled;

impl Context {
    /// A context cancelled through `token`.
    pub fn new(token: CancellationToken) -> Context {
        Context { cancel: token }
    }

    /// The cancellation token.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancel
    }

    /// True once Terraform asked the provider to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Resolves when Terraform asks the provider to stop.
    pub async fn cancelled(&self) {
        self.cancel.cancelled().await;
    }

    /// Runs `fut` unless and until the provider is stopped.
    pub async fn run<F: Future>(&self, fut: F) -> Result<F::Output, Cancelled> {
        tokio::select! {
            biased;
            _ = self.cancel.cancelled() => Err(Cancelled),
            out = fut => Ok(out),
        }
    }

    /// A diagnostic for work that was cancelled.
    pub fn cancelled_diagnostic() -> Diagnostic {
        Diagnostic::error(
            "Operation cancelled",
            "Terraform asked the provider to stop (interrupt) before the operation finished.",
        )
    }
}

/// What Terraform says it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientCapabilities {
    /// Terraform can handle deferred changes.
    pub deferral_allowed: bool,
    /// Terraform understands write-only attributes (1.11+).
    pub write_only_attributes_allowed: bool,
}
