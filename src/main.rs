//! The provider binary: Terraform starts it and talks to it over gRPC.

use std::process::ExitCode;
use std::sync::Arc;

use terraform_provider_marketo::plugin::{run_main, testing::EmptyProvider};

fn main() -> ExitCode {
    // Until the Marketo provider exists, the binary serves an empty provider.
    run_main(Arc::new(EmptyProvider::new()))
}
