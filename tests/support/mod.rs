//! Helpers shared by the test modules: an in-process emulator and a real Terraform driven
//! against the provider binary Cargo built for this test run.

pub mod net;
pub mod published_only;
pub mod terraform;

use marketo_emulator::{Config, Emulator, EmulatorHandle};

/// Starts an in-process emulator with Marketo's limits off (tests that exercise the limits
/// build their own [`Config`]).
pub async fn emulator() -> EmulatorHandle {
    start(Config::default().without_limits()).await
}

/// Starts an in-process emulator from `config`, on a free loopback port.
pub async fn start(config: Config) -> EmulatorHandle {
    match Emulator::start(config).await {
        Ok(handle) => handle,
        Err(e) => panic!("the emulator did not start: {e}"),
    }
}

/// A Marketo client of our own pointed at `emu`, for changing things behind Terraform's back.
pub fn client(emu: &EmulatorHandle) -> terraform_provider_marketo::marketo::Client {
    use terraform_provider_marketo::marketo::{Client, ClientConfig, Secret};
    let base = url::Url::parse(&emu.base_url()).expect("emulator URL");
    let identity = url::Url::parse(&format!("{}/identity", emu.base_url())).expect("identity URL");
    Client::new(ClientConfig::new(
        base,
        identity,
        emu.client_id(),
        Secret::new(emu.client_secret()),
    ))
    .expect("client")
}
