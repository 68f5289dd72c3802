//! Serving: go-plugin's handshake, AutoMTLS, the accept loop (TCP_NODELAY
//! on every connection), graceful shutdown, `--debug` mode for reattaching,
//! and an in-process server for tests.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tonic::transport::server::{Connected, TcpConnectInfo};

use super::proto::plugin as gp;
use super::proto::tfplugin6 as pb;
use super::provider::Provider;
use super::server::{ControllerService, ProviderService, StdioService};
use super::tls::{self, TlsError};
use lifetime::{Parent, outlive_interrupts, terminate_signal, watch_parent};

mod lifetime;

/// Environment variable holding go-plugin's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform sets it to.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin's core protocol version (first handshake field).
const CORE_PROTOCOL_VERSION: u32 = 1;
/// Terraform's plugin protocol major version.
const PROTOCOL_VERSION: u32 = 6;
/// How long to wait for open connections after a shutdown request.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// How long a TLS handshake may take.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest message accepted (Terraform sends whole states and configs).
const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// How to serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServeOptions {
    /// Serve without Terraform starting us: no magic cookie needed, prints
    /// the `TF_REATTACH_PROVIDERS` value and serves until Ctrl-C / SIGTERM.
    pub debug: bool,
}

/// Serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Run by hand rather than by Terraform.
    #[error("this binary is a Terraform plugin and was not started by Terraform")]
    NotLaunchedByTerraform,
    /// Terraform offered no protocol version we speak.
    #[error(
        "Terraform offered plugin protocol version(s) {0}, but this provider speaks only version 6 (Terraform 1.0 or later)"
    )]
    UnsupportedProtocol(String),
    /// An environment variable set by Terraform is malformed.
    #[error("invalid {name}={value:?}")]
    InvalidEnvironment { name: &'static str, value: String },
    /// No port of the range given by Terraform was free.
    #[error("no free port on 127.0.0.1 between {min} and {max}")]
    NoFreePort { min: u16, max: u16 },
    /// Listening failed.
    #[error("could not listen on 127.0.0.1: {0}")]
    Listen(#[source] io::Error),
    /// Setting up AutoMTLS failed.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The gRPC server failed.
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    /// Writing to stdout failed.
    #[error("could not write to stdout: {0}")]
    Stdout(#[source] io::Error),
    /// Installing a signal handler failed.
    #[error("could not install a signal handler: {0}")]
    Signal(#[source] io::Error),
}

/// The binary's entry point: parses `--debug`, sets up logging to stderr,
/// serves, and turns the outcome into an exit code (1 with a friendly
/// message when run by hand).
pub fn run_main(provider: Arc<dyn Provider>) -> ExitCode {
    let mut opts = ServeOptions::default();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--debug" | "-debug" => opts.debug = true,
            "--help" | "-help" | "-h" => {
                println!("{}", usage(provider.registry_address()));
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!(
                    "Unknown argument {other:?}.\n\n{}",
                    usage(provider.registry_address())
                );
                return ExitCode::from(2);
            }
        }
    }
    init_logging(opts.debug, provider.log_targets());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Error: could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let address = provider.registry_address().to_string();
    let result = runtime.block_on(serve(provider, opts));
    runtime.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::NotLaunchedByTerraform) => {
            eprintln!("{}", not_launched_message(&address));
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(address: &str) -> String {
    format!(
        "Terraform provider {address}\n\n\
         Terraform starts this binary itself; it takes no arguments then.\n\n\
         Options:\n  \
         --debug   serve for a debugger or for reattaching: prints the TF_REATTACH_PROVIDERS\n            \
         value to give Terraform, and serves until interrupted\n  \
         --help    this text"
    )
}

fn not_launched_message(address: &str) -> String {
    format!(
        "This binary is a plugin for Terraform (the provider {address}).\n\
         Plugins are not meant to be executed directly: Terraform starts them itself.\n\
         Use it in a Terraform configuration; see the README for how to install and configure it.\n\
         To serve it for a debugger or for TF_REATTACH_PROVIDERS, run it with --debug."
    )
}

/// Logs go to stderr (Terraform captures it); the level comes from
/// `TF_LOG_PROVIDER`, else `TF_LOG` (default: warn, info with `--debug`).
/// `RUST_LOG`, when set, takes precedence with its full syntax. That level
/// applies to this crate and the provider's `targets`; everything else logs
/// warnings only.
fn init_logging(debug: bool, targets: &[&str]) {
    use tracing_subscriber::EnvFilter;
    let tf_level = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("TF_LOG").ok().filter(|v| !v.is_empty()));
    let level = match tf_level.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("trace" | "json") => "trace",
        Some("debug") => "debug",
        Some("info") => "info",
        Some("error") => "error",
        Some("off") => "off",
        Some("warn") => "warn",
        _ if debug => "info",
        _ => "warn",
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => EnvFilter::new(spec),
        _ => match level {
            "trace" | "debug" | "info" => EnvFilter::new(log_filter(level, targets)),
            other => EnvFilter::new(other),
        },
    };
    // A subscriber may already be installed (embedding, tests): keep it. A log line that cannot
    // be written (Terraform gone, its end of the stderr pipe closed) is dropped: by default the
    // subscriber reports that with `eprintln!`, which panics on the same closed pipe.
    let _ = tracing_subscriber::fmt()
        .log_internal_errors(false)
        .with_writer(io::stderr)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

/// The filter directive logging `level` for this crate and `targets`, warnings
/// for the rest.
fn log_filter(level: &str, targets: &[&str]) -> String {
    let mut spec = format!("warn,{}={level}", env!("CARGO_CRATE_NAME"));
    for target in targets {
        spec.push_str(&format!(",{target}={level}"));
    }
    spec
}

/// Serves the provider as Terraform expects of a plugin: checks the magic
/// cookie and protocol versions, listens on 127.0.0.1 (in
/// `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT` when given), sets up AutoMTLS when
/// `PLUGIN_CLIENT_CERT` is set, prints the handshake line, and serves until
/// `GRPCController.Shutdown`. With [`ServeOptions::debug`], see there.
pub async fn serve(provider: Arc<dyn Provider>, opts: ServeOptions) -> Result<(), ServeError> {
    if opts.debug {
        return serve_debug(provider).await;
    }
    // Read first: a parent killed before it was read would leave us watching our new parent.
    let parent = Parent::now();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if env(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotLaunchedByTerraform);
    }
    if let Some(versions) = env("PLUGIN_PROTOCOL_VERSIONS") {
        let offered: Vec<&str> = versions.split(',').map(str::trim).collect();
        if !offered
            .iter()
            .any(|v| v.parse::<u32>().ok() == Some(PROTOCOL_VERSION))
        {
            return Err(ServeError::UnsupportedProtocol(versions));
        }
    }
    let listener = match (env("PLUGIN_MIN_PORT"), env("PLUGIN_MAX_PORT")) {
        (Some(min), Some(max)) => {
            let min = parse_port("PLUGIN_MIN_PORT", &min)?;
            let max = parse_port("PLUGIN_MAX_PORT", &max)?;
            bind_in_range(min, max).await?
        }
        _ => TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(ServeError::Listen)?,
    };
    let (tls_config, cert_field) = match env("PLUGIN_CLIENT_CERT") {
        Some(pem) => {
            let client_certs = tls::parse_pem_certs(&pem)?;
            let cert = tls::generate_server_cert(provider.type_name())?;
            let config = tls::server_config(&cert, client_certs)?;
            let field =
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert.cert_der.as_ref());
            (Some(config), field)
        }
        None => (None, String::new()),
    };
    let addr = listener.local_addr().map_err(ServeError::Listen)?;

    let shutdown = CancellationToken::new();
    // Terraform forwards Ctrl-C to the whole process group and then asks us
    // to stop through StopProvider and Shutdown; an interrupt alone must not
    // kill the provider mid-operation.
    outlive_interrupts()?;

    let line = format!("{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|tcp|{addr}|grpc|{cert_field}\n");
    {
        let mut out = io::stdout().lock();
        out.write_all(line.as_bytes()).map_err(ServeError::Stdout)?;
        out.flush().map_err(ServeError::Stdout)?;
    }
    tracing::debug!(%addr, tls = tls_config.is_some(), "serving");
    watch_parent(parent, shutdown.clone());
    serve_listener(provider, listener, tls_config, shutdown).await
}

fn parse_port(name: &'static str, value: &str) -> Result<u16, ServeError> {
    value
        .trim()
        .parse()
        .map_err(|_| ServeError::InvalidEnvironment {
            name,
            value: value.to_string(),
        })
}

async fn bind_in_range(min: u16, max: u16) -> Result<TcpListener, ServeError> {
    for port in min..=max {
        if port == 0 {
            continue;
        }
        if let Ok(l) = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await {
            return Ok(l);
        }
    }
    Err(ServeError::NoFreePort { min, max })
}

async fn serve_debug(provider: Arc<dyn Provider>) -> Result<(), ServeError> {
    let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(ServeError::Listen)?;
    let addr = listener.local_addr().map_err(ServeError::Listen)?;
    let reattach = reattach_json(provider.registry_address(), std::process::id(), addr);
    let text = format!(
        "Provider {address} started in debug mode, serving on {addr}.\n\n\
         To use it, set this in the environment of your Terraform commands:\n\n\
         \tTF_REATTACH_PROVIDERS='{reattach}'\n\n\
         for example:\n\n\
         \texport TF_REATTACH_PROVIDERS='{reattach}'\n\n\
         Terraform then talks to this process instead of starting the provider. \
         Stop it with Ctrl-C.\n",
        address = provider.registry_address(),
    );
    {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes()).map_err(ServeError::Stdout)?;
        out.flush().map_err(ServeError::Stdout)?;
    }
    let shutdown = CancellationToken::new();
    let terminated = terminate_signal()?;
    let on_signal = shutdown.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminated => {}
        }
        tracing::info!("signal received; stopping");
        on_signal.cancel();
    });
    serve_listener(provider, listener, None, shutdown).await
}

/// The `TF_REATTACH_PROVIDERS` value for a provider served at `addr`.
fn reattach_json(registry_address: &str, pid: u32, addr: SocketAddr) -> String {
    serde_json::json!({
        registry_address: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": {"Network": "tcp", "String": addr.to_string()},
        }
    })
    .to_string()
}

/// A connection, plain or TLS.
enum Conn {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl Connected for Conn {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        match self {
            Conn::Plain(s) => s.connect_info(),
            Conn::Tls(s) => s.get_ref().0.connect_info(),
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Conn::Plain(s) => s.is_write_vectored(),
            Conn::Tls(s) => s.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Accepts connections until `shutdown`, sets TCP_NODELAY on each (small
/// gRPC replies otherwise wait for delayed ACKs), completes TLS handshakes
/// off the accept path, and hands ready connections to the server.
fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shutdown: CancellationToken,
) -> ReceiverStream<Result<Conn, io::Error>> {
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = shutdown.cancelled() => break,
                r = listener.accept() => r,
            };
            let (stream, peer) = match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: back off briefly.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            if let Err(e) = stream.set_nodelay(true) {
                tracing::warn!("could not set TCP_NODELAY for {peer}: {e}");
            }
            match &tls {
                None => {
                    if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                        break;
                    }
                }
                Some(acceptor) => {
                    let acceptor = acceptor.clone();
                    let tx = tx.clone();
                    tokio::spawn(async move {
                        match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream))
                            .await
                        {
                            Ok(Ok(s)) => {
                                let _ = tx.send(Ok(Conn::Tls(Box::new(s)))).await;
                            }
                            Ok(Err(e)) => tracing::warn!("TLS handshake with {peer} failed: {e}"),
                            Err(_) => tracing::warn!("TLS handshake with {peer} timed out"),
                        }
                    });
                }
            }
        }
    });
    ReceiverStream::new(rx)
}

/// Serves on `listener` until `shutdown` is cancelled (by
/// `GRPCController.Shutdown` or the caller), then waits a little for open
/// calls to finish.
async fn serve_listener(
    provider: Arc<dyn Provider>,
    listener: TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: CancellationToken,
) -> Result<(), ServeError> {
    let provider_service = pb::provider_server::ProviderServer::new(ProviderService::new(provider))
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    let controller = gp::grpc_controller_server::GrpcControllerServer::new(ControllerService {
        shutdown: shutdown.clone(),
    });
    let stdio = gp::grpc_stdio_server::GrpcStdioServer::new(StdioService {
        shutdown: shutdown.clone(),
    });
    let incoming = accept_loop(listener, tls.map(TlsAcceptor::from), shutdown.clone());
    let server = Server::builder()
        .add_service(provider_service)
        .add_service(controller)
        .add_service(stdio)
        .serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
    tokio::pin!(server);
    tokio::select! {
        r = &mut server => r?,
        _ = async {
            shutdown.cancelled().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!("connections still open {SHUTDOWN_GRACE:?} after shutdown; stopping anyway");
        }
    }
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reattach_value_shape() {
        let addr: SocketAddr = "127.0.0.1:4242".parse().unwrap();
        let json = reattach_json("registry.terraform.io/example/widget", 77, addr);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let p = &v["registry.terraform.io/example/widget"];
        assert_eq!(p["Protocol"], "grpc");
        assert_eq!(p["ProtocolVersion"], 6);
        assert_eq!(p["Pid"], 77);
        assert_eq!(p["Test"], true);
        assert_eq!(p["Addr"]["Network"], "tcp");
        assert_eq!(p["Addr"]["String"], "127.0.0.1:4242");
    }

    #[test]
    fn friendly_message_mentions_debug() {
        let m = not_launched_message("registry.terraform.io/example/widget");
        assert!(m.contains("plugin for Terraform"));
        assert!(m.contains("--debug"));
    }
}
