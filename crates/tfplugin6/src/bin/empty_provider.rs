//! A provider with nothing to manage ([`tfplugin6::testing::EmptyProvider`]), served the way a
//! real provider's `main` serves it. The handshake tests start it as Terraform would.

use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    tfplugin6::run_main(Arc::new(tfplugin6::testing::EmptyProvider::new()))
}
