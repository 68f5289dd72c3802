//! go-plugin's side of starting up: the magic cookie and protocol version checks, the port range,
//! AutoMTLS set-up, the handshake line on stdout, and `--debug` mode with its
//! `TF_REATTACH_PROVIDERS` value. Serving connections is `listener.rs`'s; how long the process
//! lives is `lifetime.rs`'s.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;

use base64::Engine;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use super::error::ServeError;
use super::lifetime::{Parent, outlive_interrupts, terminate_signal, watch_parent};
use super::listener::serve_listener;
use crate::provider::Provider;
use crate::tls;

/// Environment variable holding go-plugin's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform sets it to.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// go-plugin's core protocol version (first handshake field).
const CORE_PROTOCOL_VERSION: u32 = 1;
/// Terraform's plugin protocol major version.
const PROTOCOL_VERSION: u32 = 6;

/// How to serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServeOptions {
    /// Serve without Terraform starting us: no magic cookie needed, prints
    /// the `TF_REATTACH_PROVIDERS` value and serves until Ctrl-C / SIGTERM.
    pub debug: bool,
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
pub(super) fn reattach_json(registry_address: &str, pid: u32, addr: SocketAddr) -> String {
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
}
