//! Compiles the gRPC definitions under the repository's top-level `proto/` with protox (a protobuf
//! compiler written in Rust, so no system `protoc` is needed) and generates
//! the tonic server and client code from the resulting descriptor set.

use std::error::Error;

/// The directory holding the `.proto` files, relative to this crate.
const PROTO_DIR: &str = "../../proto";

const PROTOS: &[&str] = &[
    "../../proto/tfplugin6.proto",
    "../../proto/grpc_controller.proto",
    "../../proto/grpc_stdio.proto",
];

fn main() -> Result<(), Box<dyn Error>> {
    for proto in PROTOS {
        println!("cargo:rerun-if-changed={proto}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let descriptors = protox::compile(PROTOS, [PROTO_DIR])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
