//! Code generated at build time from `proto/` (see `build.rs`): messages,
//! servers and clients of Terraform's protocol 6 and of go-plugin's
//! controller and stdio services.

/// `tfplugin6`: Terraform's provider protocol, version 6.10.
#[allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// `plugin`: go-plugin's GRPCController and GRPCStdio services.
#[allow(clippy::all, clippy::pedantic, missing_docs, rustdoc::all)]
pub mod plugin {
    tonic::include_proto!("plugin");
}
