//! The provider binary by hand. Its handshake, AutoMTLS and shutdown are the protocol crate's
//! (tested in `crates/tfplugin6/tests/protocol/` with its empty provider); the Terraform suite
//! (`e2e`) starts this binary as Terraform does.

use std::process::{Command, Stdio};

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_terraform-provider-marketo"));
    for var in [
        "TF_PLUGIN_MAGIC_COOKIE",
        "PLUGIN_PROTOCOL_VERSIONS",
        "PLUGIN_MIN_PORT",
        "PLUGIN_MAX_PORT",
        "PLUGIN_CLIENT_CERT",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[test]
fn run_by_hand_it_names_the_provider_and_exits_1() {
    let out = binary().output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("This binary is a plugin for Terraform"),
        "{err}"
    );
    assert!(
        err.contains("registry.terraform.io/marketo-community/marketo"),
        "{err}"
    );
}

#[test]
fn help_names_the_provider() {
    let out = binary().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Terraform provider registry.terraform.io/marketo-community/marketo"),
        "{text}"
    );
}
