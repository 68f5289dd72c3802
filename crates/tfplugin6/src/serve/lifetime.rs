//! How long the provider lives: it outlives the interrupts Terraform's process group receives
//! (Terraform stops it through the protocol), ends on SIGTERM in debug mode, and shuts down when
//! the process that started it is gone.

#[cfg(unix)]
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::error::ServeError;

/// How often the provider checks that the process that started it is still there.
#[cfg(unix)]
const PARENT_POLL: Duration = Duration::from_millis(500);

/// The process that started this one, as it was when serving began.
#[derive(Clone, Copy, Debug)]
pub(super) struct Parent {
    #[cfg(unix)]
    pid: u32,
}

impl Parent {
    pub(super) fn now() -> Self {
        Parent {
            #[cfg(unix)]
            pid: std::os::unix::process::parent_id(),
        }
    }
}

/// Shuts the server down once the process that started it (Terraform) is gone: a Terraform
/// killed with SIGKILL never sends `Shutdown`, and the provider would otherwise live on, idle,
/// listening on loopback. The parent is gone when this process is adopted by another (its parent
/// id differs from the one read when serving began, before the handshake line went out). Stdin is
/// no sign: Terraform may start providers with it closed. Elsewhere than Unix the provider relies
/// on `Shutdown`.
pub(super) fn watch_parent(parent: Parent, shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        tokio::spawn(async move {
            loop {
                if std::os::unix::process::parent_id() != parent.pid {
                    // Cancel first: stderr may be a pipe nobody reads any more.
                    shutdown.cancel();
                    tracing::warn!("the process that started the provider is gone; shutting down");
                    return;
                }
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(PARENT_POLL) => {}
                }
            }
        });
    }
    #[cfg(not(unix))]
    drop((parent, shutdown));
}

/// Keeps an interrupt (Ctrl-C, which Terraform's whole process group receives) from killing the
/// provider: Terraform itself stops us through StopProvider and Shutdown once its operation has
/// wound down. On Unix this is a SIGINT handler; on Windows a console control handler.
pub(super) fn outlive_interrupts() -> Result<(), ServeError> {
    #[cfg(unix)]
    {
        let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
            .map_err(ServeError::Signal)?;
        tokio::spawn(async move {
            while sigint.recv().await.is_some() {
                tracing::info!("interrupt received; waiting for Terraform to stop the provider");
            }
        });
    }
    #[cfg(windows)]
    {
        let mut ctrl_c = tokio::signal::windows::ctrl_c().map_err(ServeError::Signal)?;
        tokio::spawn(async move {
            while ctrl_c.recv().await.is_some() {
                tracing::info!("interrupt received; waiting for Terraform to stop the provider");
            }
        });
    }
    Ok(())
}

/// Completes when the process is asked to terminate (SIGTERM on Unix; never elsewhere, where
/// Ctrl-C is the only way to stop a provider in debug mode).
pub(super) fn terminate_signal() -> Result<impl Future<Output = ()>, ServeError> {
    #[cfg(unix)]
    {
        let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .map_err(ServeError::Signal)?;
        Ok(async move {
            sigterm.recv().await;
        })
    }
    #[cfg(not(unix))]
    {
        Ok(std::future::pending::<()>())
    }
}
