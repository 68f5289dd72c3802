//! The provider binary: Terraform starts it and talks to it over gRPC; run as
//! `terraform-provider-marketo review PLAN_JSON` it reviews a saved plan's access changes
//! (`terraform_provider_marketo::review`).

use std::ffi::OsStr;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() == Some(OsStr::new("review")) {
        let rest: Vec<String> = args.map(|a| a.to_string_lossy().into_owned()).collect();
        return terraform_provider_marketo::review::run(&rest);
    }
    tfplugin6::run_main(terraform_provider_marketo::provider())
}
