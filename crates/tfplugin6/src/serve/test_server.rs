//! In-process servers for tests: [`serve_in_process`] on the caller's runtime, and
//! [`TestServer::start`] on a runtime of its own for blocking tests (e.g. running `terraform`).
//! Plaintext on 127.0.0.1, no handshake; Terraform reaches them through
//! [`TestServer::reattach_providers`].

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::error::ServeError;
use super::handshake::reattach_json;
use super::listener::serve_listener;
use crate::provider::Provider;

/// A provider served in-process on 127.0.0.1 without TLS, for tests:
/// Terraform reaches it through [`TestServer::reattach_providers`].
pub struct TestServer {
    addr: SocketAddr,
    registry_address: String,
    shutdown: CancellationToken,
    finished: CancellationToken,
    runtime: Option<tokio::runtime::Runtime>,
}

/// Starts `provider` on the current tokio runtime, listening on
/// 127.0.0.1 (a free port), plaintext.
pub async fn serve_in_process(provider: Arc<dyn Provider>) -> Result<TestServer, ServeError> {
    let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(ServeError::Listen)?;
    Ok(TestServer::spawn_on(
        &tokio::runtime::Handle::current(),
        provider,
        listener,
        None,
    ))
}

impl TestServer {
    /// Starts `provider` on a runtime of its own (two worker threads), so
    /// blocking code (e.g. running `terraform` with `std::process`) can use
    /// it. Dropping the server stops it.
    pub fn start(provider: Arc<dyn Provider>) -> Result<TestServer, ServeError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(ServeError::Listen)?;
        let std_listener = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .map_err(ServeError::Listen)?;
        std_listener
            .set_nonblocking(true)
            .map_err(ServeError::Listen)?;
        let listener = {
            let _guard = runtime.enter();
            TcpListener::from_std(std_listener).map_err(ServeError::Listen)?
        };
        let handle = runtime.handle().clone();
        Ok(TestServer::spawn_on(
            &handle,
            provider,
            listener,
            Some(runtime),
        ))
    }

    fn spawn_on(
        handle: &tokio::runtime::Handle,
        provider: Arc<dyn Provider>,
        listener: TcpListener,
        runtime: Option<tokio::runtime::Runtime>,
    ) -> TestServer {
        let addr = listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)));
        let shutdown = CancellationToken::new();
        let finished = CancellationToken::new();
        let registry_address = provider.registry_address().to_string();
        let (s, f) = (shutdown.clone(), finished.clone());
        handle.spawn(async move {
            if let Err(e) = serve_listener(provider, listener, None, s).await {
                tracing::error!("in-process provider server failed: {e}");
            }
            f.cancel();
        });
        TestServer {
            addr,
            registry_address,
            shutdown,
            finished,
            runtime,
        }
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for a tonic client.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The `TF_REATTACH_PROVIDERS` value pointing Terraform at this server.
    pub fn reattach_providers(&self) -> String {
        reattach_json(&self.registry_address, std::process::id(), self.addr)
    }

    /// Asks the server to stop (as `GRPCController.Shutdown` does).
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }

    /// True once the server has stopped.
    pub fn is_stopped(&self) -> bool {
        self.finished.is_cancelled()
    }

    /// Resolves once the server has stopped.
    pub async fn stopped(&self) {
        self.finished.cancelled().await;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
