//! The provider binary: Terraform starts it and talks to it over gRPC.

use std::process::ExitCode;

fn main() -> ExitCode {
    terraform_provider_marketo::plugin::run_main(terraform_provider_marketo::provider())
}
