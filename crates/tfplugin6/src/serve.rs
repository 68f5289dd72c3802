//! Serving a provider as a Terraform plugin. This file is the binary's entry point
//! ([`run_main`]: arguments, logging to stderr, exit codes); the steps live beside it:
//! `serve/handshake.rs` (magic cookie, protocol version, AutoMTLS, the handshake line, `--debug`),
//! `serve/listener.rs` (the accept loop with TCP_NODELAY, the gRPC services, graceful shutdown),
//! `serve/lifetime.rs` (how long the process lives), `serve/test_server.rs` (in-process servers
//! for tests) and `serve/error.rs` ([`ServeError`]). None of them imports this file.

mod error;
mod handshake;
mod lifetime;
mod listener;
mod test_server;

use std::io;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::provider::Provider;
pub use error::ServeError;
pub use handshake::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, ServeOptions, serve};
pub use test_server::{TestServer, serve_in_process};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn friendly_message_mentions_debug() {
        let m = not_launched_message("registry.terraform.io/example/widget");
        assert!(m.contains("plugin for Terraform"));
        assert!(m.contains("--debug"));
    }
}
