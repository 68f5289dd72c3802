//! Our own implementation of Terraform's plugin protocol 6 (gRPC, go-plugin
//! handshake). It knows nothing of Marketo: a provider plugs in through the
//! [`Provider`], [`Resource`] and [`DataSource`] traits and is served by
//! [`run_main`] (the binary's entry point), [`serve`], or, in tests,
//! [`serve_in_process`] / [`TestServer`].
//!
//! - [`value`]: Terraform types and values; [`codec`]: msgpack/JSON codecs.
//! - [`schema`]: schemas and their protocol form.
//! - [`diag`]: diagnostics and attribute paths.
//! - [`provider`]: the traits and their request/response types.
//! - `server`: the gRPC services; `serve`: handshake, TLS, accept loop.

pub mod codec;
pub mod diag;
pub mod docs;
pub mod model;
pub mod proto;
pub mod provider;
pub mod schema;
mod serve;
mod server;
pub mod testing;
mod tls;
pub mod value;

pub use codec::CodecError;
pub use diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
pub use provider::{
    ApplyRequest, ApplyResponse, Cancelled, Change, ClientCapabilities, ConfigureRequest, Context,
    DataSource, DataSourceReadResponse, ImportResponse, ImportedResource, PlanRequest,
    PlanResponse, Provider, RawState, ReadRequest, ReadResponse, Resource,
};
pub use schema::{
    Attribute, AttributeType, Block, BlockNesting, NestedBlock, NestedType, NestingMode, Schema,
};
pub use serve::{
    MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, ServeError, ServeOptions, TestServer, run_main, serve,
    serve_in_process,
};
pub use value::{Number, Type, Value};
