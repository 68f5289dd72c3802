//! An implementation of Terraform's plugin protocol 6 (gRPC, go-plugin
//! handshake, AutoMTLS) for providers written in Rust. It knows nothing of
//! any particular provider: a provider plugs in through the
//! [`Provider`], [`Resource`] and [`DataSource`] traits and is served by
//! [`run_main`] (the binary's entry point), [`serve`], or, in tests,
//! [`serve_in_process`] / [`TestServer`].
//!
//! - [`value`]: Terraform types and values; [`codec`]: msgpack/JSON codecs.
//! - [`schema`]: schemas and their protocol form.
//! - [`diag`]: diagnostics and attribute paths.
//! - [`context`]: what every call receives ([`Context`], [`ClientCapabilities`]).
//! - [`provider`]: the traits and their request/response types; [`identity`], [`ephemeral`]
//!   and [`list`]: resource identity, ephemeral resources and list resources.
//! - `server`: the gRPC services; `serve`: handshake, TLS, accept loop.
//! - [`docs`]: Markdown documentation generated from a provider's schema.
//! - [`testing`]: [`testing::EmptyProvider`], a provider with nothing to manage.
//!
//! ```no_run
//! use std::process::ExitCode;
//! use std::sync::Arc;
//!
//! fn main() -> ExitCode {
//!     // Any `impl tfplugin6::Provider`; this one manages nothing.
//!     tfplugin6::run_main(Arc::new(tfplugin6::testing::EmptyProvider::new()))
//! }
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod codec;
pub mod context;
pub mod diag;
pub mod docs;
pub mod ephemeral;
mod error;
pub mod identity;
pub mod list;
pub mod model;
pub mod proto;
pub mod provider;
pub mod schema;
mod serve;
mod server;
pub mod testing;
mod tls;
pub mod value;

pub use context::{Cancelled, ClientCapabilities, Context};
pub use diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
pub use ephemeral::{EphemeralResource, OpenRequest, OpenResponse, RenewResponse};
pub use error::CodecError;
pub use identity::{IdentityAttribute, IdentitySchema};
pub use list::{ListRequest, ListResource, ListResult, ListSink};
pub use provider::{
    ApplyRequest, ApplyResponse, Change, ConfigureRequest, DataSource, DataSourceReadResponse,
    ImportResponse, ImportTarget, ImportedResource, PlanRequest, PlanResponse, Provider, RawState,
    ReadRequest, ReadResponse, Resource,
};
pub use schema::{
    Attribute, AttributeType, Block, BlockNesting, NestedBlock, NestedType, NestingMode, Schema,
};
pub use serve::{
    MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, ServeError, ServeOptions, TestServer, run_main, serve,
    serve_in_process,
};
pub use value::{Number, Type, Value};

/// The README's example compiles.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
