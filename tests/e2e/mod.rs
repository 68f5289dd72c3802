//! End-to-end tests: a real Terraform core (see `support::terraform`) drives the provider binary
//! against an in-process emulator, and each step is checked against the emulator's state.

mod adopt;
mod bad_input;
mod call_budget;
mod connection;
mod crash;
mod data_sources;
mod faults;
mod generate;
mod guards;
mod guides;
mod identity;
mod interrupt;
mod modules;
mod provider;
mod query;
mod quickstart;
mod real_instance;
mod review;
mod role;
mod secrets;
mod service;
mod user;
