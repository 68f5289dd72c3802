//! [`ServeError`]: why serving failed, whichever step of serving failed. It depends on no other
//! part of serving.

use std::io;

use crate::tls::TlsError;

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
