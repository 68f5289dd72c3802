//! Integration tests of marketo-emulator: one binary, a module per area.
#![allow(clippy::unwrap_used)]

mod common;
mod contract;

mod admin;
mod faults;
mod fixture;
mod identity;
mod limits;
mod no_panic;
mod persistence;
mod robustness;
mod usage;
mod users;
