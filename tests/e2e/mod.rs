//! End-to-end tests: a real Terraform core (see `support::terraform`) drives the provider binary
//! against an in-process emulator, and each step is checked against the emulator's state.

mod adopt;
mod connection;
mod crash;
mod data_sources;
mod faults;
mod generate;
mod guides;
mod interrupt;
mod provider;
mod quickstart;
mod real_instance;
mod role;
mod service;
mod user;
