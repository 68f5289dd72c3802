//! Starting, driving and stopping an emulator instance.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::config::{Config, Faults, Limits, validate_faults};
use crate::error::Error;
use crate::faults::FaultState;
use crate::http::{self, App};
use crate::limits::Limiter;
use crate::log::RequestLog;
use crate::model::{ADMIN_SERVICE_ID, Snapshot, State};
use crate::ops;
use crate::persist;
use crate::reply::DropConnection;
use crate::tokens::Tokens;
use crate::util::lock;

/// How long shutdown waits for calls in flight.
const DRAIN: Duration = Duration::from_secs(5);

/// Starts emulator instances.
pub struct Emulator;

/// A running instance. Dropping it stops the instance too; [`EmulatorHandle::shutdown`] also waits
/// for calls in flight to finish.
pub struct EmulatorHandle {
    app: Arc<App>,
    addr: SocketAddr,
    client_id: String,
    client_secret: String,
    shutdown: watch::Sender<bool>,
    task: JoinHandle<()>,
    https: bool,
}

/// The error that makes hyper close a connection without answering.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped on purpose (fault injection)")]
struct Dropped;

/// A new instance's state: the seed, plus the fixture if there is one (all of it or nothing).
fn new_state(config: &Config) -> Result<State, Error> {
    let now = marketo_date::now_utc();
    let seed = State::seed(&config.client_id, &config.client_secret, now);
    match &config.fixture {
        Some(fixture) => Ok(fixture.apply(&seed, now)?),
        None => Ok(seed),
    }
}

fn initial_state(config: &Config) -> Result<State, Error> {
    let Some(path) = &config.state_file else {
        return new_state(config);
    };
    let write_err = |source| Error::StateWrite {
        path: path.clone(),
        source,
    };
    match persist::load(path)? {
        Some(mut state) => {
            // A fixture is checked even when the file exists (and is then not applied): a broken
            // one is refused the same way every time.
            if let Some(fixture) = &config.fixture {
                fixture.check(&config.client_id)?;
            }
            // The configured admin credentials always belong to the seeded admin service, if it still
            // exists.
            if let Some(svc) = state.services.get_mut(&ADMIN_SERVICE_ID)
                && (svc.client_id != config.client_id || svc.client_secret != config.client_secret)
            {
                svc.client_id = config.client_id.clone();
                svc.client_secret = config.client_secret.clone();
                persist::save(path, &state).map_err(write_err)?;
            }
            Ok(state)
        }
        None => {
            let state = new_state(config)?;
            persist::save(path, &state).map_err(write_err)?;
            Ok(state)
        }
    }
}

impl Emulator {
    /// Loads or seeds the state, binds the listening socket and starts serving.
    pub async fn start(config: Config) -> Result<EmulatorHandle, Error> {
        config.validate().map_err(Error::InvalidConfig)?;
        let tls = config.tls.as_ref().map(crate::tls::acceptor).transpose()?;
        let https = tls.is_some();
        let state = initial_state(&config)?;
        let log = match &config.log_file {
            Some(path) => Some(RequestLog::open(path).map_err(|source| Error::LogFile {
                path: path.clone(),
                source,
            })?),
            None => None,
        };
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| Error::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Bind {
            addr: config.listen,
            source,
        })?;
        let app = Arc::new(App {
            state: Mutex::new(state),
            state_file: config.state_file.clone(),
            tokens: Mutex::new(Tokens::default()),
            limiter: Limiter::new(config.limits()),
            faults: Mutex::new(FaultState::new(config.faults)),
            ims: config.ims,
            token_ttl: config.token_ttl,
            log,
            usage_unsaved: std::sync::atomic::AtomicBool::new(false),
        });
        let router = Router::new()
            .fallback(http::dispatch)
            .with_state(Arc::clone(&app));
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(serve(listener, router, rx, tls));
        Ok(EmulatorHandle {
            app,
            addr,
            client_id: config.client_id,
            client_secret: config.client_secret,
            shutdown: tx,
            task,
            https,
        })
    }
}

async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
    tls: Option<TlsAcceptor>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let (router, shutdown) = (router.clone(), shutdown.clone());
                    match tls.clone() {
                        None => {
                            conns.spawn(connection(stream, router, shutdown));
                        }
                        Some(acceptor) => {
                            conns.spawn(async move {
                                // A client that refuses the certificate just goes away.
                                let handshake =
                                    tokio::time::timeout(DRAIN, acceptor.accept(stream)).await;
                                if let Ok(Ok(stream)) = handshake {
                                    connection(stream, router, shutdown).await;
                                }
                            });
                        }
                    }
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    let drained = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN, drained).await.is_err() {
        conns.abort_all();
    }
}

async fn connection<S>(stream: S, router: Router, mut shutdown: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let router = router.clone();
        async move {
            let resp = match router.oneshot(req).await {
                Ok(resp) => resp,
                Err(never) => match never {},
            };
            if resp.extensions().get::<DropConnection>().is_some() {
                Err(Dropped)
            } else {
                Ok(resp)
            }
        }
    });
    let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(DRAIN, conn.as_mut()).await;
        }
    }
}

impl EmulatorHandle {
    /// `http://HOST:PORT` (`https://` when serving TLS), without a trailing slash.
    pub fn base_url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The address the instance listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Client ID of the seeded admin service.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Client secret of the seeded admin service.
    pub fn client_secret(&self) -> &str {
        &self.client_secret
    }

    /// A copy of the instance's data.
    pub fn snapshot(&self) -> Snapshot {
        self.app.read(State::snapshot)
    }

    /// Accepts a pending invitation, as the invited person clicking the link would.
    pub fn accept_invite(&self, userid: &str) -> Result<(), Error> {
        let now = marketo_date::now_utc();
        self.app
            .write(|s| ops::accept(s, userid, now))
            .map_err(|e| {
                if e.code == 1013 {
                    Error::NoPendingInvite(userid.to_string())
                } else {
                    Error::StateWrite {
                        path: self.app.state_file.clone().unwrap_or_default(),
                        source: std::io::Error::other(e.message),
                    }
                }
            })
    }

    /// Switches fault injection on (or off with `None`) and restarts its call count. A rate outside 0 to 1
    /// switches it off.
    pub fn set_faults(&self, faults: Option<Faults>) {
        let faults = faults.filter(|f| validate_faults(f).is_ok());
        lock(&self.app.faults).set(faults);
    }

    /// Replaces the call limits and forgets the calls counted so far.
    pub fn set_limits(&self, limits: Limits) {
        self.app.limiter.set(limits);
    }

    /// The call limits in force.
    pub fn limits(&self) -> Limits {
        self.app.limiter.limits()
    }

    /// Ends the life of every access token issued so far (their next use answers 602).
    pub fn expire_tokens(&self) {
        lock(&self.app.tokens).expire_all(std::time::Instant::now());
    }

    /// Stops accepting connections, lets calls in flight finish (up to five seconds) and stops. With
    /// a state file, the Usage API's counts made since the last write are then written to it.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
        if let Err(e) = self.app.save_usage() {
            eprintln!("marketo-emulator: the usage counts could not be saved: {e}");
        }
    }
}
