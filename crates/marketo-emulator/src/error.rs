//! The library's error type.

use std::net::SocketAddr;
use std::path::PathBuf;

/// What can go wrong when starting or driving an emulator through the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is inconsistent.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Requested address.
        addr: SocketAddr,
        /// Cause.
        source: std::io::Error,
    },
    /// The state file exists but could not be read.
    #[error("cannot read state file {path}: {source}")]
    StateRead {
        /// State file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The state file is not a valid emulator state; it was left untouched.
    #[error(
        "state file {path} is corrupt ({reason}); it was left untouched: repair it, move it away or pass another --state file"
    )]
    CorruptState {
        /// State file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The state could not be written durably.
    #[error("cannot write state file {path}: {source}")]
    StateWrite {
        /// State file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The request log could not be opened.
    #[error("cannot open log file {path}: {source}")]
    LogFile {
        /// Log file.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The TLS certificate or key could not be used.
    #[error("cannot serve HTTPS: {0}")]
    Tls(String),
    /// The fixture cannot be used; nothing of it was applied and the instance did not start.
    #[error(transparent)]
    Fixture(#[from] crate::fixture::FixtureError),
    /// There is no pending invitation for this user id.
    #[error("no pending invitation for user '{0}'")]
    NoPendingInvite(String),
}
