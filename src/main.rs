//! The provider binary: Terraform starts it and talks to it over gRPC.

use std::process::ExitCode;

fn main() -> ExitCode {
    tfplugin6::run_main(terraform_provider_marketo::provider())
}
