//! The `marketo-emulator` command.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use marketo_emulator::{
    Config, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Emulator, Faults, Fixture, FixtureError,
    Limits, RateLimit, TlsFiles,
};

/// A stateful stand-in for a Marketo Engage instance's Identity, User Management, role and LaunchPoint
/// service endpoints. See crates/marketo-emulator/README.md.
///
/// Exit status: 0 after a clean stop (SIGTERM, Ctrl-C), 1 when it cannot start (a bad fixture, a
/// corrupt state file, a port in use), 2 for a bad command line.
#[derive(Debug, Parser)]
#[command(name = "marketo-emulator", version)]
struct Cli {
    /// Address to listen on; port 0 picks a free port (required unless --check).
    #[arg(long, value_name = "HOST:PORT", required_unless_present = "check")]
    listen: Option<SocketAddr>,
    /// Keep the state in this file across restarts (every acknowledged write is on disk first).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Start with the workspaces, roles, users and services of this JSON fixture (with --state: only
    /// when the state file does not exist yet; the fixture is checked either way).
    #[arg(long, value_name = "FILE")]
    fixture: Option<PathBuf>,
    /// Check the fixture (and the rest of the command line) and exit without listening.
    #[arg(long, requires = "fixture")]
    check: bool,
    /// Client ID of the seeded admin service [default: emulator-admin-client].
    #[arg(long, value_name = "ID", requires = "client_secret")]
    client_id: Option<String>,
    /// Client secret of the seeded admin service [default: emulator-admin-secret]; the environment
    /// variable keeps it out of process listings.
    #[arg(
        long,
        value_name = "SECRET",
        env = "MARKETO_EMULATOR_CLIENT_SECRET",
        hide_env_values = true
    )]
    client_secret: Option<String>,
    /// Rate limit as CALLS/SECONDS [default: 100/20].
    #[arg(long, value_name = "CALLS/SECONDS")]
    rate_limit: Option<RateLimit>,
    /// Concurrent calls allowed [default: 10].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: Option<u32>,
    /// Calls allowed per day [default: 50000].
    #[arg(long, value_name = "N")]
    daily_quota: Option<u64>,
    /// Switch off the rate limit, the concurrency limit and the daily quota.
    #[arg(long, conflicts_with_all = ["rate_limit", "concurrency", "daily_quota"])]
    no_limits: bool,
    /// Lifetime of a new access token, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    token_ttl: u64,
    /// Fraction of calls (0 to 1) answered with an injected fault.
    #[arg(long, value_name = "F", requires = "fault_seed")]
    fault_rate: Option<f64>,
    /// Seed of the fault sequence.
    #[arg(long, value_name = "S", requires = "fault_rate")]
    fault_seed: Option<u64>,
    /// Adobe Identity mode: invited users get generated `<uuid>@adobe.com` user ids.
    #[arg(long)]
    ims: bool,
    /// Append a JSON line per request to this file.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM, leaf first).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

impl Cli {
    fn config(self) -> Result<Config, FixtureError> {
        let fixture = self
            .fixture
            .as_deref()
            .map(Fixture::from_file)
            .transpose()?;
        let limits = if self.no_limits {
            Limits::NONE
        } else {
            Limits {
                rate_limit: Some(self.rate_limit.unwrap_or(RateLimit::MARKETO)),
                concurrency: Some(self.concurrency.unwrap_or(10)),
                daily_quota: Some(self.daily_quota.unwrap_or(50_000)),
            }
        };
        let mut config = Config {
            listen: self.listen.unwrap_or(Config::default().listen),
            state_file: self.state,
            client_id: self
                .client_id
                .unwrap_or_else(|| DEFAULT_CLIENT_ID.to_string()),
            client_secret: self
                .client_secret
                .unwrap_or_else(|| DEFAULT_CLIENT_SECRET.to_string()),
            token_ttl: Duration::from_secs(self.token_ttl),
            faults: match (self.fault_rate, self.fault_seed) {
                (Some(rate), Some(seed)) => Some(Faults { rate, seed }),
                _ => None,
            },
            ims: self.ims,
            log_file: self.log,
            tls: match (self.tls_cert, self.tls_key) {
                (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
                _ => None,
            },
            fixture,
            ..Config::default()
        };
        config.set_limits(limits);
        Ok(config)
    }
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let check = cli.check;
    let config = match cli.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("marketo-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(fixture) = &config.fixture {
        if let Err(e) = fixture.check(&config.client_id) {
            eprintln!("marketo-emulator: {e}");
            return ExitCode::FAILURE;
        }
        if check {
            println!("marketo-emulator: fixture {} is good", fixture.origin());
            return ExitCode::SUCCESS;
        }
        if let Some(state) = config.state_file.as_ref().filter(|p| p.exists()) {
            eprintln!(
                "marketo-emulator: {} exists, so it is loaded as it is and fixture {} is not applied (remove the file to start afresh from the fixture)",
                state.display(),
                fixture.origin()
            );
        }
    }
    let handle = match Emulator::start(config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("marketo-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let printed = writeln!(out, "marketo-emulator listening on {}", handle.base_url())
        .and_then(|()| out.flush());
    drop(out);
    if let Err(e) = printed {
        eprintln!("marketo-emulator: cannot write to stdout: {e}");
    }
    stop_signal().await;
    handle.shutdown().await;
    ExitCode::SUCCESS
}
